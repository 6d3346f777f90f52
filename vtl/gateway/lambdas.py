"""Lambda functions of AWS and AWS_PROXY integrations, run as local Python handlers.

The config's ``functions`` maps a function (its name, ARN or the integration URI) to a
``module:function`` handler, called as Lambda calls it: ``handler(event, context)``. A custom
(AWS) integration's event is the rendered request body parsed as JSON; a proxy integration's
is API Gateway's proxy event. An exception becomes a function error: the
``X-Amz-Function-Error: Unhandled`` header and ``{"errorMessage", "errorType", "stackTrace"}``,
which a custom integration's selection patterns match against ``errorMessage``.
"""
from __future__ import annotations

import importlib
import json
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any, Callable

from ..apigw.pipeline import EndpointResponse, IntegrationRequest
from ..apigw.selection import FUNCTION_ERROR_HEADER


class NotEmulated(Exception):
    """The integration needs something a local gateway does not have."""


_FUNCTION_ARN = __import__("re").compile(r"arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:/]+)(?::[^/]+)?")


def function_of(uri: str | None) -> tuple[str | None, str | None]:
    """(function ARN, function name) named by a Lambda integration URI."""
    if not uri:
        return None, None
    found = _FUNCTION_ARN.search(uri)
    if found:
        return found.group(0), found.group(1)
    return None, None


class LambdaContext:
    def __init__(self, function_name: str, arn: str | None, timeout_ms: int):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn or f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.memory_limit_in_mb = "128"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class Functions:
    def __init__(self, handlers: dict[str, str], base_dir: Path | None):
        self.handlers, self.base_dir = handlers, base_dir
        self._loaded: dict[str, Callable[..., Any]] = {}
        self._lock = threading.Lock()

    def handler_for(self, uri: str | None) -> tuple[str, str | None, Callable[..., Any]]:
        arn, name = function_of(uri)
        for key in (uri, arn, name):
            if key and key in self.handlers:
                return name or key, arn, self._load(self.handlers[key])
        raise NotEmulated(f"no local handler for the Lambda function {name or uri!r}: map it in the "
                          f"configuration's \"functions\" (name or ARN -> module:function)")

    def _load(self, target: str) -> Callable[..., Any]:
        with self._lock:
            if target not in self._loaded:
                module_name, _, function_name = target.partition(":")
                if self.base_dir and str(self.base_dir) not in sys.path:
                    sys.path.insert(0, str(self.base_dir))
                try:
                    module = importlib.import_module(module_name)
                    self._loaded[target] = getattr(module, function_name)
                except (ImportError, AttributeError) as error:
                    raise NotEmulated(f"cannot load the handler {target}: {error}") from None
            return self._loaded[target]

    def backend(self, uri: str | None, timeout_ms: int) -> Callable[[IntegrationRequest], EndpointResponse]:
        name, arn, handler = self.handler_for(uri)

        def invoke(request: IntegrationRequest) -> EndpointResponse:
            text = request.body.decode("utf-8") if request.body.strip() else "{}"
            event = json.loads(text)
            try:
                result = handler(event, LambdaContext(name, arn, timeout_ms))
            except Exception as error:  # the function failed: Lambda reports it, never crashes
                payload = {"errorMessage": str(error), "errorType": type(error).__name__,
                           "stackTrace": traceback.format_tb(error.__traceback__)}
                return EndpointResponse(200, {"Content-Type": ["application/json"],
                                              FUNCTION_ERROR_HEADER: ["Unhandled"]},
                                        json.dumps(payload).encode("utf-8"))
            return EndpointResponse(200, {"Content-Type": ["application/json"]},
                                    json.dumps(result).encode("utf-8"))
        return invoke
