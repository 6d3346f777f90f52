"""The example project's templates, tested from pytest with the vtl plugin's fixtures."""
from vtl.testing import assert_json_subset

ORDER = {"method": "POST", "path": "/orders", "headers": {"Content-Type": "application/json"},
         "stage_variables": {"env": "dev"}, "context": {"requestId": "req-1"},
         "body": '{"customer": "Ada", "pickup": true, "items": [{"sku": "A1", "quantity": 3}]}'}


def test_request_template(vtl_render):
    output = vtl_render("../templates/create-order.vtl", ORDER)
    assert_json_subset({"TableName": "orders-dev", "Item": {"shipping": {"S": "pickup"}}}, output)


def test_whole_integration(vtl_invoke):
    result = vtl_invoke("../integration.json", ORDER, backend={"status": 200, "body": "{}"})
    assert result.status == 200
    assert result.json() == {"id": "req-1", "status": "received"}
    assert_json_subset({"Item": {"lines": {"L": [{"M": {"quantity": {"N": "3"}}}]}}},
                       result.integration_request.body)


def test_openapi_method(vtl_invoke):
    result = vtl_invoke(infra="../openapi.yaml", method="GET", resource="/orders/{id}",
                        request={"path": "/orders/x1"})
    assert result.status == 404
