"""vtl: Amazon API Gateway mapping templates (Apache Velocity 1.7) rendered offline, exactly."""
from .errors import GatewayError, JavaException, VTLError, VTLRuntimeError, VTLSyntaxError

__version__ = "0.1.0"

__all__ = ["GatewayError", "JavaException", "VTLError", "VTLRuntimeError", "VTLSyntaxError", "__version__"]
