"""``$input``: the payload and the method request parameters (spec/apigateway.md §2).

* ``$input.body`` is the raw payload text; an empty payload reads as ``{}``.
* ``$input.path(p)`` / ``$input.json(p)`` evaluate a JSONPath on the payload parsed once, lazily,
  by json-smart's permissive parser (a payload that is not JSON is one plain string; one that
  fails to parse answers 400 ``Could not process payload...``). ``path`` returns the live value,
  so a template may change it with ``#set`` and ``json('$')`` prints the change (as on AWS).
  Nothing found: ``path`` gives null, ``json`` gives ``""`` (recorded).
* ``$input.params()`` / ``$input.params(name)`` always read the *method request*, also in the
  response phase, where body/path/json read the integration response instead.

Only ``getBody`` is a getter, so ``$input.params`` or ``$input.json`` written as properties find
nothing and render empty, which is what the 2015 recordings show.
"""
from __future__ import annotations

from typing import Any

from .. import jsonpath  # the module, not its names: vtl.jsonpath imports json_values from here
from ..errors import GatewayError, JavaException
from ..runtime.objects import JavaObject, NoMatchingOverload, java_method
from ..speedups import last_values
from .json_values import JsonParseError, parse_json_text, to_json
from .request import Request

# Hop-by-hop and server-owned headers API Gateway does not show to templates, even when the
# client sent them (recorded: TestApiGatewayHeaderRemapping).
HIDDEN_HEADERS = frozenset(name.lower() for name in (
    "Connection", "Content-Length", "Content-MD5", "Expect", "Max-Forwards", "Proxy-Authenticate",
    "Server", "TE", "Transfer-Encoding", "Trailer", "Upgrade", "WWW-Authenticate"))

EMPTY_PAYLOAD = "{}"
_NOT_PARSED = object()
_NOT_FOUND = object()


class Input(JavaObject):
    """``$input`` for one render: a payload (request or integration response) and the request."""

    __slots__ = ("_request", "_body", "_document", "_params")
    java_class_name = "com.amazonaws.apigateway.template.Input"

    def __init__(self, request: Request, payload: str):
        self._request = request
        self._body = payload if payload else EMPTY_PAYLOAD
        self._document: Any = _NOT_PARSED
        self._params: dict | None = None

    # --- payload ---------------------------------------------------------------------------
    @java_method()
    def getBody(self) -> str:  # noqa: N802 (the Java name: $input.body reaches it)
        return self._body

    @java_method("path")
    def path(self, path: Any) -> Any:
        found = self._select(path)
        return None if found is _NOT_FOUND else found

    @java_method("json")
    def json(self, path: Any) -> str | None:
        found = self._select(path)
        if found is _NOT_FOUND:
            return None if path is None else '""'
        return to_json(found)

    def _select(self, path: Any) -> Any:
        if path is None:
            return _NOT_FOUND
        if not isinstance(path, str):
            raise NoMatchingOverload()
        try:
            compiled = jsonpath.compile_path(path)
            return compiled.select(self.document, _NOT_FOUND)
        except (jsonpath.InvalidPathError, jsonpath.JsonPathError) as error:
            raise JavaException(error.java_class, str(error)) from None

    @property
    def document(self) -> Any:
        """The payload parsed on first use; the same object for every later call."""
        if self._document is _NOT_PARSED:
            try:
                self._document = parse_json_text(self._body)
            except JsonParseError as error:
                raise GatewayError(400, "Could not process payload" + error.java_to_string()) from None
        return self._document

    # --- parameters ------------------------------------------------------------------------
    @java_method("params")
    def all_params(self) -> dict:
        if self._params is None:
            self._params = method_request_params(self._request)
        return self._params

    @java_method("params")
    def param(self, name: Any) -> str | None:
        if name is None:
            return None
        if not isinstance(name, str):
            raise NoMatchingOverload()
        if self._params is not None:  # the maps $input.params() gave, which a template may change
            for source in ("path", "querystring", "header"):
                value = self._params[source].get(name)
                if value is not None:
                    return value
            return None
        # What those maps would hold, without building them.
        request = self._request
        value = request.path_params.get(name)
        if value is not None:
            return value
        for values in (request.query.get(name), None if name.lower() in HIDDEN_HEADERS else request.headers.get(name)):
            if values:
                return values[-1]
        return None


def method_request_params(request: Request) -> dict:
    """``$input.params()``: {path, querystring, header}, one value per name.

    A repeated query parameter or header shows its last value (as ``queryStringParameters``
    does in proxy events). Query and header maps are sorted by name: the only recorded dump of
    ``$input.params().header`` (serverless issue #1014) lists headers alphabetically.
    """
    return {
        "path": dict(request.path_params),
        "querystring": last_values(request.query),
        "header": last_values(request.headers, HIDDEN_HEADERS),
    }
