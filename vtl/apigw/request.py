"""The method request as the case format gives it (spec/case-format.md, "The request object")."""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..errors import InvalidInputError, json_type

MultiValues = dict[str, list[str]]
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class Request:
    method: str = "GET"
    path: str = "/"
    headers: MultiValues = field(default_factory=dict)  # names as sent (case kept)
    query: MultiValues = field(default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    stage_variables: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)  # overrides of generated $context values
    # The text ``body`` was encoded from, and that encoding: ``body_text`` gives the text back
    # without decoding while ``body`` is still that object.
    _text_source: tuple[bytes, str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Request":
        """The case format's request object; a malformed one raises InvalidInputError."""
        if data is None:
            return cls()
        get = object_field(data, "request").get
        path_params = object_field(get("path_params"), "request.path_params")
        body, text = body_of(data, "request")
        return cls(
            str(get("method") or "GET"),
            str(get("path") or "/"),
            multi_values(get("headers"), "request.headers"),
            multi_values(get("query"), "request.query"),
            {str(k): str(v) for k, v in path_params.items()} if path_params else {},
            body,
            dict(object_field(get("stage_variables"), "request.stage_variables")),
            dict(object_field(get("context"), "request.context")),
            None if text is None else (body, text),
        )

    @property
    def body_text(self) -> str:
        """The payload as the String templates see (UTF-8; invalid bytes become U+FFFD)."""
        source = self._text_source
        if source is not None and source[0] is self.body:
            return source[1]
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        """Last value of a header, name matched case-insensitively (HTTP semantics): the last of
        header_values, found from the end (every request asks for its User-Agent)."""
        wanted, size = name.lower(), len(name)
        headers = self.headers
        for key in reversed(headers):
            if len(key) == size and key.lower() == wanted and headers[key]:
                return headers[key][-1]
        return None

    def header_list(self, name: str) -> str | None:
        """All values of a header, every line in order, as one comma-separated list (HTTP's
        combined form): where the first of a list counts (Accept), the first line's first."""
        values = self.header_values(name)
        return ", ".join(values) if values else None

    def header_values(self, name: str) -> list[str]:
        """Every value of a header, lines in order. ``name`` is ASCII (callers pass literals
        like "Accept"), so a match has its length."""
        wanted, size = name.lower(), len(name)
        return [value for key, found in self.headers.items() if len(key) == size and key.lower() == wanted
                for value in found]


def multi_values(raw: Mapping[str, Any] | None, name: str = "headers") -> MultiValues:
    """Header/query values are a string or a list of strings."""
    result: MultiValues = {}
    for key, value in object_field(raw, name).items():
        if type(value) is str and type(key) is str:
            result[key] = [value]
        elif isinstance(value, (list, tuple)):
            result[str(key)] = [str(item) for item in value]
        elif value is not None:
            result[str(key)] = [str(value)]
    return result


def body_bytes(data: Mapping[str, Any], owner: str = "backend_response") -> bytes:
    """``body`` (text) or ``body_base64`` (bytes); absent means empty."""
    return body_of(data, owner)[0]


def body_of(data: Mapping[str, Any], owner: str) -> tuple[bytes, str | None]:
    """The body's bytes, and its text when given as text (as the templates will see it).
    ``owner`` names the object in messages ("request", "backend_response")."""
    if data.get("body_base64") is not None:
        return decode_base64_field(data["body_base64"], f"{owner}.body_base64"), None
    body = data.get("body")
    if body is None:
        return b"", None
    if type(body) is not str:
        if isinstance(body, (bytes, bytearray, memoryview)):
            return bytes(body), None
        raise InvalidInputError(f"{owner}.body must be a string (or body_base64 for bytes), not {json_type(body)}")
    try:
        return body.encode("utf-8"), body
    except UnicodeEncodeError:
        # A lone surrogate (JSON allows "\ud800") has no UTF-8 form: clients that encode one
        # (browsers, Node) send U+FFFD instead, so that is what arrives.
        text = _LONE_SURROGATE.sub("\ufffd", body)
        return text.encode("utf-8"), text


def decode_base64_field(value: Any, name: str) -> bytes:
    """A ``body_base64`` of the case format (characters outside the alphabet are skipped)."""
    if not isinstance(value, (str, bytes)):
        raise InvalidInputError(f"{name} must be a string, not {json_type(value)}")
    try:
        return base64.b64decode(value)
    except ValueError as error:  # binascii.Error; non-ASCII text
        raise InvalidInputError(f"{name} is not base64: {error}") from None


def object_field(value: Any, name: str) -> Mapping[str, Any]:
    """A field of the case format that must be an object (null reads as empty)."""
    if value is None:
        return {}
    if type(value) is dict or isinstance(value, Mapping):
        return value
    raise InvalidInputError(f"{name} must be an object, not {json_type(value)}")
