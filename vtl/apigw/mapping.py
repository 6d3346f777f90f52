"""Request and response parameter mapping (spec/apigateway.md §10).

``requestParameters`` map method request data onto the integration request
(``integration.request.header|querystring|path.NAME``); an integration response's
``responseParameters`` map the backend's answer onto method response headers
(``method.response.header.NAME``). A source that finds nothing leaves its target out.

Sources, request side: ``method.request.path|querystring|multivaluequerystring|header|
multivalueheader.NAME``, ``method.request.body`` and ``method.request.body.JSONPATH``;
response side: ``integration.response.header|multivalueheader.NAME``,
``integration.response.body`` and ``integration.response.body.JSONPATH``; both sides:
``stageVariables.NAME``, ``context.NAME`` and ``'static text'``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .. import jsonpath
from .json_values import JsonParseError, parse_json_text, to_json
from .request import MultiValues, Request

REQUEST_TARGET = re.compile(r"integration\.request\.(header|querystring|path)\.(.+)", re.S)
RESPONSE_TARGET_PREFIX = "method.response.header."

# Request header targets API Gateway refuses when the method is called (500, recorded
# TestApiGatewayHeaderRemapping): these two for every integration type ...
REJECTED_REQUEST_HEADERS = frozenset({"content-length", "transfer-encoding"})
# ... these as well for AWS and AWS_PROXY integrations ...
REJECTED_AWS_REQUEST_HEADERS = frozenset({"authorization", "connection", "expect", "proxy-authenticate", "te"})
# ... and these an HTTP backend silently never receives.
DROPPED_HTTP_REQUEST_HEADERS = frozenset({"connection", "expect", "proxy-authenticate", "te", "via"})

# Method response headers API Gateway owns: a mapped value is sent as x-amzn-Remapped-NAME
# (recorded for static values; HTTP_PROXY backends' Connection/Content-Length/Date/Server too).
REMAPPED_RESPONSE_HEADERS = frozenset(name.lower() for name in (
    "Authorization", "Connection", "Content-Length", "Content-MD5", "Date", "Expect", "Host",
    "Max-Forwards", "Proxy-Authenticate", "Server", "Trailer", "Upgrade", "User-Agent",
    "WWW-Authenticate"))
DROPPED_RESPONSE_HEADERS = frozenset({"transfer-encoding"})

_MISSING = object()


class ParameterMappingError(Exception):
    """A mapping API Gateway accepts at deployment but fails on when the method is called."""


# --- headers as multi-value maps ---------------------------------------------------------------


def header_values(headers: Mapping[str, list[str]], name: str) -> list[str] | None:
    """Values of a header: the exact name first, else any spelling (HTTP names are
    case-insensitive; API Gateway documents names as case-sensitive, so exact wins)."""
    if name in headers:
        return list(headers[name])
    wanted = name.lower()
    found = [values for key, values in headers.items() if key.lower() == wanted]
    return list(found[-1]) if found else None


def set_header(headers: MultiValues, name: str, values: list[str]) -> None:
    """Replace every spelling of ``name`` with ``values`` (keeping the new spelling)."""
    for key in [key for key in headers if key.lower() == name.lower()]:
        del headers[key]
    headers[name] = list(values)


# --- request side ------------------------------------------------------------------------------


@dataclass
class MappedRequest:
    """What ``requestParameters`` produced: integration request headers, query, path."""

    headers: MultiValues = field(default_factory=dict)
    query: MultiValues = field(default_factory=dict)
    path: dict[str, str] = field(default_factory=dict)


def check_request_header_targets(parameters: Mapping[str, str], integration_type: str | None) -> None:
    """Raise :class:`ParameterMappingError` for a header API Gateway will not let a mapping set."""
    rejected = REJECTED_REQUEST_HEADERS
    if integration_type in ("AWS", "AWS_PROXY"):
        rejected = rejected | REJECTED_AWS_REQUEST_HEADERS
    for target in parameters:
        match = REQUEST_TARGET.fullmatch(target)
        if match and match.group(1) == "header" and match.group(2).lower() in rejected:
            raise ParameterMappingError(f"{target} cannot be mapped: API Gateway manages the "
                                        f"{match.group(2)} header")


def is_dropped_request_header(name: str, integration_type: str | None) -> bool:
    """Headers an HTTP backend never receives even when a mapping sets them."""
    return integration_type in ("HTTP", "HTTP_PROXY") and name.lower() in DROPPED_HTTP_REQUEST_HEADERS


def map_request_parameters(parameters: Mapping[str, str], request: Request, context: Mapping[str, Any],
                           integration_type: str | None) -> MappedRequest:
    """Evaluate ``requestParameters`` against the method request."""
    check_request_header_targets(parameters, integration_type)
    mapped = MappedRequest()
    for target, source in parameters.items():
        match = REQUEST_TARGET.fullmatch(target)
        values = request_source_values(source, request, context)
        if match is None or values is None:
            continue
        location, name = match.groups()
        if location == "header":
            if not is_dropped_request_header(name, integration_type):
                set_header(mapped.headers, name, values)
        elif location == "querystring":
            mapped.query[name] = values
        else:
            mapped.path[name] = values[-1]
    return mapped


def request_source_values(source: str, request: Request, context: Mapping[str, Any]) -> list[str] | None:
    """The value(s) a request mapping source reads, or None when it finds nothing."""
    if source.startswith("method.request."):
        location, _, name = source[len("method.request."):].partition(".")
        return _method_request_values(location, name, request)
    return _common_source_values(source, request, context)


def _method_request_values(location: str, name: str, request: Request) -> list[str] | None:
    if location == "path":
        value = request.path_params.get(name)
        return None if value is None else [value]
    if location in ("querystring", "multivaluequerystring"):
        values = request.query.get(name)
    elif location in ("header", "multivalueheader"):
        values = header_values(request.headers, name)
    elif location == "body":
        return _body_values(request.body_text, name)
    else:
        return None
    if not values:
        return None
    # A single-value source reads the last of repeated values (as queryStringParameters does).
    return list(values) if location.startswith("multivalue") else [values[-1]]


def _common_source_values(source: str, request: Request, context: Mapping[str, Any]) -> list[str] | None:
    if len(source) >= 2 and source.startswith("'") and source.endswith("'"):
        return [source[1:-1]]
    if source.startswith("stageVariables."):
        value = request.stage_variables.get(source[len("stageVariables."):])
        return None if value is None else [str(value)]
    if source.startswith("context."):
        return _text_values(_context_value(context, source[len("context."):]))
    return None


def _context_value(context: Mapping[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


# --- response side -----------------------------------------------------------------------------


def response_header_name(name: str) -> str | None:
    """The name a method response header is sent under: reserved names are renamed
    ``x-amzn-Remapped-NAME``; Transfer-Encoding is never sent (None)."""
    lowered = name.lower()
    if lowered in DROPPED_RESPONSE_HEADERS:
        return None
    if lowered in REMAPPED_RESPONSE_HEADERS:
        return f"x-amzn-Remapped-{name}"
    return name


def add_response_header(headers: MultiValues, name: str, values: list[str]) -> None:
    """Set a method response header, applying API Gateway's renaming of reserved names."""
    sent_as = response_header_name(name)
    if sent_as is not None:
        set_header(headers, sent_as, values)


def map_response_parameters(parameters: Mapping[str, str], *, backend_headers: Mapping[str, list[str]],
                            backend_body: bytes, request: Request, context: Mapping[str, Any]) -> MultiValues:
    """Evaluate an integration response's ``responseParameters`` into method response headers."""
    headers: MultiValues = {}
    for target, source in parameters.items():
        if not target.startswith(RESPONSE_TARGET_PREFIX):
            continue
        values = response_source_values(source, backend_headers, backend_body, request, context)
        if values is not None:
            add_response_header(headers, target[len(RESPONSE_TARGET_PREFIX):], values)
    return headers


def response_source_values(source: str, backend_headers: Mapping[str, list[str]], backend_body: bytes,
                           request: Request, context: Mapping[str, Any]) -> list[str] | None:
    if source.startswith("integration.response."):
        location, _, name = source[len("integration.response."):].partition(".")
        if location in ("header", "multivalueheader"):
            values = header_values(backend_headers, name)
            if not values:
                return None
            return values if location == "multivalueheader" else [values[-1]]
        if location == "body":
            return _body_values(backend_body.decode("utf-8", "replace"), name)
        return None
    return _common_source_values(source, request, context)


# --- bodies ------------------------------------------------------------------------------------


def _body_values(body: str, path: str) -> list[str] | None:
    """``...body`` is the payload text; ``...body.a.b`` the JSON value at ``$.a.b``.

    When a step lands on a string that holds JSON, the path goes on inside it: a Lambda error's
    ``errorMessage`` is such a string, and ``integration.response.body.errorMessage.code`` is
    documented to read into it (objects come out as compact JSON, numbers as text).
    """
    if not path:
        return [body]
    try:
        document = parse_json_text(body)
    except JsonParseError:
        return None
    value = _select(document, path)
    if value is _MISSING:
        value = _select_descending_into_strings(document, path.split("."))
    return _text_values(value)


def _select(document: Any, path: str) -> Any:
    try:
        return jsonpath.compile_path("$." + path).select(document, _MISSING)
    except (jsonpath.InvalidPathError, jsonpath.JsonPathError):
        return _MISSING


def _select_descending_into_strings(document: Any, steps: list[str]) -> Any:
    value = document
    for index, step in enumerate(steps):
        if isinstance(value, str) and index:
            try:
                value = parse_json_text(value)
            except JsonParseError:
                return _MISSING
        value = _select(value, step)
        if value is _MISSING:
            return _MISSING
    return value


def _text_values(value: Any) -> list[str] | None:
    if value is _MISSING or value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [to_json(value)]


# --- paths -------------------------------------------------------------------------------------

_PATH_VARIABLE = re.compile(r"\{([^{}]+?)(\+?)\}")


def path_parameters(resource_path: str, path: str) -> dict[str, str] | None:
    """The path parameters of ``path`` for a resource such as ``/pets/{id}`` or ``/{proxy+}``
    (None when the path is not one of the resource's)."""
    pattern, names, position = [], [], 0
    for match in _PATH_VARIABLE.finditer(resource_path):
        pattern.append(re.escape(resource_path[position:match.start()]))
        pattern.append("(.+)" if match.group(2) else "([^/]+)")
        names.append(match.group(1))
        position = match.end()
    pattern.append(re.escape(resource_path[position:]))
    found = re.fullmatch("".join(pattern), path.rstrip("/") if path != "/" else path)
    return None if found is None else dict(zip(names, found.groups()))


def fill_path_variables(uri: str, values: Mapping[str, str]) -> str:
    """Put path values into ``{name}`` / ``{name+}`` placeholders of an integration URI.

    Values are percent-encoded but keep their slashes: the console's proxy setup maps a greedy
    ``method.request.path.proxy`` into a plain ``{proxy}`` and the backend sees ``/a/b/c``
    (AWS's HTTP proxy tutorial). A placeholder without a value is left empty.
    """
    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            return ""
        return quote(value, safe="/", errors="replace")  # Java writes a lone surrogate half as '?'
    return _PATH_VARIABLE.sub(replace, uri)
