"""The method request as the case format gives it (spec/case-format.md, "The request object")."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Mapping

MultiValues = dict[str, list[str]]


@dataclass
class Request:
    method: str = "GET"
    path: str = "/"
    headers: MultiValues = field(default_factory=dict)  # names as sent (case kept)
    query: MultiValues = field(default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    stage_variables: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)  # overrides of generated $context values

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Request":
        data = data or {}
        return cls(
            method=str(data.get("method") or "GET"),
            path=str(data.get("path") or "/"),
            headers=multi_values(data.get("headers")),
            query=multi_values(data.get("query")),
            path_params={str(k): str(v) for k, v in (data.get("path_params") or {}).items()},
            body=body_bytes(data),
            stage_variables=dict(data.get("stage_variables") or {}),
            context=dict(data.get("context") or {}),
        )

    @property
    def body_text(self) -> str:
        """The payload as the String templates see (UTF-8; invalid bytes become U+FFFD)."""
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        """Last value of a header, name matched case-insensitively (HTTP semantics)."""
        wanted = name.lower()
        for key, values in reversed(list(self.headers.items())):
            if key.lower() == wanted and values:
                return values[-1]
        return None


def multi_values(raw: Mapping[str, Any] | None) -> MultiValues:
    """Header/query values are a string or a list of strings."""
    result: MultiValues = {}
    for name, value in (raw or {}).items():
        if type(value) is str and type(name) is str:
            result[name] = [value]
        elif isinstance(value, (list, tuple)):
            result[str(name)] = [str(item) for item in value]
        elif value is not None:
            result[str(name)] = [str(value)]
    return result


def body_bytes(data: Mapping[str, Any]) -> bytes:
    """``body`` (text) or ``body_base64`` (bytes); absent means empty."""
    if data.get("body_base64") is not None:
        return base64.b64decode(data["body_base64"])
    body = data.get("body")
    if body is None:
        return b""
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)
