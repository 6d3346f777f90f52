"""Proxy integrations: HTTP_PROXY and AWS_PROXY (Lambda proxy, payload format 1.0).

HTTP_PROXY forwards the client's request with API Gateway's changes to the headers and
returns the backend's answer as it is, apart from the response headers API Gateway owns.
AWS_PROXY sends the Lambda function an *event* describing the request, and reads the
function's result as ``{statusCode, headers, multiValueHeaders, body, isBase64Encoded}``;
any other shape is a "Malformed Lambda proxy response" answered with 502.

Facts: LocalStack snapshots recorded against AWS (test_lambda_aws_proxy_integration,
test_lambda_aws_proxy_response_format, TestApiGatewayHeaderRemapping), AWS docs "Set up
Lambda proxy integrations" (input and output formats).
"""
from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..speedups import java_output_text
from .content import Payload, decode_base64
from .input import HIDDEN_HEADERS
from .mapping import add_response_header, header_values, set_header
from .request import MultiValues, Request

# Headers the edge writes in canonical case whatever the client sent (recorded: "authorization"
# and "user-Agent" reached the function as Authorization and User-Agent; "tEsT-HEADeR" kept).
CANONICAL_HEADER_NAMES = {name.lower(): name for name in ("Authorization", "User-Agent")}

# Request headers an HTTP_PROXY backend does not receive from the client (recorded): the
# hidden hop-by-hop set, plus Via and Content-Encoding.
HTTP_PROXY_DROPPED_HEADERS = HIDDEN_HEADERS | {"via", "content-encoding"}

PROXY_RESPONSE_FIELDS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


class MalformedProxyResponse(Exception):
    """The Lambda function's result is not a proxy response: API Gateway answers 502."""


@dataclass
class ProxyResponse:
    status: int
    headers: MultiValues = field(default_factory=dict)
    body: bytes = b""
    is_base64_encoded: bool = False


# --- request headers -------------------------------------------------------------------------


def http_proxy_request_headers(request: Request) -> MultiValues:
    """The client's headers as an HTTP_PROXY backend gets them (before API Gateway's own)."""
    return {name: list(values) for name, values in request.headers.items()
            if name.lower() not in HTTP_PROXY_DROPPED_HEADERS}


def lambda_event_headers(request: Request, context: Mapping[str, Any], trace_id: str) -> MultiValues:
    """The headers of a Lambda proxy event: the client's visible headers, canonical names for
    a few, plus what the edge adds (Host, X-Amzn-Trace-Id, X-Forwarded-*)."""
    headers: MultiValues = {}
    for name, values in request.headers.items():
        if name.lower() in HIDDEN_HEADERS:
            continue
        headers[CANONICAL_HEADER_NAMES.get(name.lower(), name)] = list(values)
    if header_values(headers, "Host") is None:
        headers["Host"] = [str(context.get("domainName", ""))]
    set_header(headers, "X-Amzn-Trace-Id", [trace_id])
    source_ip = str((context.get("identity") or {}).get("sourceIp") or "")
    forwarded = header_values(headers, "X-Forwarded-For")
    set_header(headers, "X-Forwarded-For", [f"{forwarded[-1]}, {source_ip}" if forwarded else source_ip])
    set_header(headers, "X-Forwarded-Port", ["443"])
    set_header(headers, "X-Forwarded-Proto", ["https"])
    return headers


# --- the Lambda proxy event ------------------------------------------------------------------


def lambda_proxy_event(request: Request, context: Mapping[str, Any], *, resource_path: str,
                       headers: MultiValues, payload: Payload) -> dict[str, Any]:
    """The payload format 1.0 event, keys in the order the AWS documentation shows them.

    Empty parts are null, not empty maps (recorded: no query string gives
    ``"queryStringParameters": null``; no body gives ``"body": null``). Single-value maps carry
    the last of repeated values. A binary body is base64 text with ``isBase64Encoded`` true.
    """
    return {
        "resource": resource_path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in headers.items() if values} or None,
        "multiValueHeaders": {name: list(values) for name, values in headers.items()} or None,
        "queryStringParameters": {name: values[-1] for name, values in request.query.items() if values} or None,
        "multiValueQueryStringParameters": {name: list(values) for name, values in request.query.items()} or None,
        "pathParameters": dict(request.path_params) or None,
        "stageVariables": dict(request.stage_variables) or None,
        "requestContext": request_context(context),
        "body": _event_body(payload),
        "isBase64Encoded": payload.is_binary,
    }


def request_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """``requestContext``: the ``$context`` values without the template-only override maps."""
    return {key: _plain(value) for key, value in context.items()
            if key not in ("requestOverride", "responseOverride")}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _event_body(payload: Payload) -> str | None:
    if not payload.data:
        return None
    if payload.is_binary:
        return base64.b64encode(payload.data).decode("ascii")
    return payload.data.decode("utf-8")


# --- the Lambda proxy response ---------------------------------------------------------------


def parse_lambda_proxy_response(payload: bytes) -> ProxyResponse:
    """Read a Lambda function's proxy result; raise :class:`MalformedProxyResponse`.

    Every field is optional (recorded: ``{}`` answers 200 with an empty body) but no other
    field is allowed (recorded: an extra ``wrongValue`` answers 502). Values are read the way
    a Java JSON binder coerces scalars: ``"200"`` is a status, numbers and booleans are header
    text; objects where text is expected are malformed. Headers given in both ``headers`` and
    ``multiValueHeaders`` keep the ``multiValueHeaders`` values (AWS docs).
    """
    result = _json_object(payload)
    unknown = set(result) - PROXY_RESPONSE_FIELDS
    if unknown:
        raise MalformedProxyResponse(f"unexpected field(s) {', '.join(sorted(unknown))}")
    status = _status_code(result.get("statusCode"))
    headers: MultiValues = {name: [value] for name, value in _header_map(result.get("headers")).items()}
    for name, values in _multi_value_header_map(result.get("multiValueHeaders")).items():
        headers[name] = values
    is_base64 = _boolean(result.get("isBase64Encoded"))
    body_text = _scalar_text(result.get("body"), "body")
    # Java encodes the body: a lone surrogate half (JSON allows "\ud800") is written as '?'.
    body = java_output_text(body_text or "").encode("utf-8")
    if is_base64:
        body = decode_base64(body)
    return ProxyResponse(status, headers, body, is_base64)


def _json_object(payload: bytes) -> dict[str, Any]:
    try:
        result = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedProxyResponse("the function's result is not JSON") from None
    if not isinstance(result, dict):
        raise MalformedProxyResponse("the function's result is not a JSON object")
    return result


def _status_code(value: Any) -> int:
    if value is None:
        return 200
    if isinstance(value, bool):
        raise MalformedProxyResponse("statusCode must be a number")
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise MalformedProxyResponse("statusCode must be a number")


def _scalar_text(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    raise MalformedProxyResponse(f"{what} must be a string")


def _boolean(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise MalformedProxyResponse("isBase64Encoded must be true or false")


def _header_map(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedProxyResponse("headers must be an object")
    return {name: text for name, item in value.items()
            if (text := _scalar_text(item, f"headers.{name}")) is not None}


def _multi_value_header_map(value: Any) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedProxyResponse("multiValueHeaders must be an object")
    headers: dict[str, list[str]] = {}
    for name, items in value.items():
        if items is None:
            continue
        if not isinstance(items, list):
            raise MalformedProxyResponse(f"multiValueHeaders.{name} must be an array")
        texts = (_scalar_text(item, f"multiValueHeaders.{name}") for item in items)
        headers[name] = [text for text in texts if text is not None]
    return headers


# --- response headers ------------------------------------------------------------------------


def proxied_response_headers(headers: Mapping[str, list[str]]) -> MultiValues:
    """A proxied backend's (or function's) headers as the client gets them: names API Gateway
    owns are sent as ``x-amzn-Remapped-NAME`` (recorded for Connection, Content-Length, Date,
    Server of an HTTP_PROXY backend)."""
    result: MultiValues = {}
    for name, values in headers.items():
        add_response_header(result, name, list(values))
    return result

