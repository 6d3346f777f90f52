"""vtl: Amazon API Gateway mapping templates (Apache Velocity 1.7) rendered offline, exactly."""
from .errors import GatewayError, InvalidInputError, JavaException, VTLError, VTLLimitError, VTLRuntimeError, VTLSyntaxError
from . import speedups  # noqa: F401,I001  (first: it chooses the compiled or the .py front end)

__version__ = "0.1.0"

from . import apigw  # noqa: E402,F401  (teaches the apigateway dialect about requests)
from .engine import Engine, Template  # noqa: E402

__all__ = ["Engine", "Template", "GatewayError", "InvalidInputError", "JavaException", "VTLError", "VTLLimitError", "VTLRuntimeError", "VTLSyntaxError", "__version__"]
