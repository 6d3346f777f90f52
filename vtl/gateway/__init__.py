"""A local API Gateway: ``vtl serve API_FILE`` (see docs/gateway.md)."""
