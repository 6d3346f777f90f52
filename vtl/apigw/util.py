"""``$util``: the six helper functions API Gateway gives mapping templates.

Each takes a String. A null argument (a missing value) gives null, which renders as nothing
(recorded: ``$util.urlEncode($input.body.testAccess)`` renders empty). Any other argument type
finds no method, as Velocity's introspection would not convert an Integer or a Map to a String.
Java exceptions (a malformed ``%`` escape, invalid base64, unparsable JSON) propagate as
:class:`~vtl.errors.JavaException`, which fails the render (API Gateway answers 500).
"""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ..errors import JavaException
from ..runtime.objects import JavaObject, NoMatchingOverload, java_method
from .json_values import JsonParseError, parse_json_text

# java.net.URLEncoder leaves these bytes alone (and turns space into '+').
_URL_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")


def _utf8(text: str) -> bytes:
    """String.getBytes(UTF_8): an unpaired surrogate becomes '?'."""
    return text.encode("utf-8", "replace")


def escape_javascript(text: str) -> str:
    """Apache commons-lang 2.x StringEscapeUtils.escapeJavaScript, per UTF-16 unit.

    ``'`` ``"`` ``\\`` ``/`` get a backslash; \\b \\n \\t \\f \\r their short escapes; other
    characters below 32 and everything above 0x7F become \\uXXXX with uppercase hex (a character
    outside the BMP is written as its two surrogates). DEL (0x7F) is kept as is.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if code > 0xFFFF:
            high, low = _surrogates(code)
            out.append(f"\\u{high:04X}\\u{low:04X}")
        elif code > 0x7F:
            out.append(f"\\u{code:04X}")
        elif code < 32:
            out.append(_CONTROL_ESCAPES.get(ch) or f"\\u{code:04X}")
        elif ch in "'\"\\/":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


_CONTROL_ESCAPES = {"\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f", "\r": "\\r"}


def _surrogates(code: int) -> tuple[int, int]:
    code -= 0x10000
    return 0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)


def url_encode(text: str) -> str:
    """java.net.URLEncoder.encode(text, "UTF-8")."""
    out = []
    for byte in _utf8(text):
        if byte in _URL_SAFE:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def url_decode(text: str) -> str:
    """java.net.URLDecoder.decode(text, "UTF-8"), including its exceptions."""
    out, index, length = [], 0, len(text)
    while index < length:
        ch = text[index]
        if ch == "+":
            out.append(" ")
            index += 1
        elif ch == "%":
            raw = bytearray()
            while index + 2 < length and text[index] == "%":
                raw.append(_escaped_byte(text[index + 1:index + 3]))
                index += 3
            if index < length and text[index] == "%":
                raise JavaException("java.lang.IllegalArgumentException",
                                    "URLDecoder: Incomplete trailing escape (%) pattern")
            out.append(raw.decode("utf-8", "replace"))
        else:
            out.append(ch)
            index += 1
    return "".join(out)


def _escaped_byte(hex_digits: str) -> int:
    # Integer.parseInt(hex, 16) accepts a sign: "%-1" is "negative", "%+1" is 0x01.
    value = _java_parse_hex(hex_digits)
    if value is None:
        raise JavaException("java.lang.IllegalArgumentException",
                            "URLDecoder: Illegal hex characters in escape (%) pattern - "
                            f'For input string: "{hex_digits}"')
    if value < 0:
        raise JavaException("java.lang.IllegalArgumentException",
                            "URLDecoder: Illegal hex characters in escape (%) pattern - negative value")
    return value


def _java_parse_hex(digits: str) -> int | None:
    """Integer.parseInt(digits, 16), or None where Java throws NumberFormatException."""
    if not re.fullmatch(r"[+-]?[0-9a-fA-F]+", digits):
        return None
    return int(digits, 16)


def base64_encode(text: str) -> str:
    """Base64 (standard alphabet, padded) of the UTF-8 bytes."""
    return base64.b64encode(_utf8(text)).decode("ascii")


def base64_decode(text: str) -> str:
    """java.util.Base64.getDecoder(): strict alphabet, optional padding; bytes read as UTF-8."""
    stripped = text.rstrip("=")
    padding = len(text) - len(stripped)
    if padding > 2 or (padding and len(text) % 4) or len(stripped) % 4 == 1:
        raise JavaException("java.lang.IllegalArgumentException",
                            "Input byte array has wrong 4-byte ending unit")
    try:
        raw = base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError):
        bad = next((ch for ch in stripped if not (ch.isascii() and (ch.isalnum() or ch in "+/"))), "?")
        raise JavaException("java.lang.IllegalArgumentException",
                            f"Illegal base64 character {ord(bad):x}") from None
    return raw.decode("utf-8", "replace")


def parse_json(text: str) -> Any:
    """The same permissive json-smart parse as ``$input.path``; objects print ``{k=v}``."""
    try:
        return parse_json_text(text)
    except JsonParseError as error:
        raise JavaException(error.java_class, error.message) from None


class Util(JavaObject):
    """``$util``. Each method takes one String; null in, null out."""

    __slots__ = ()
    java_class_name = "com.amazonaws.apigateway.template.Util"

    @java_method()
    def escapeJavaScript(self, value: Any) -> str | None:  # noqa: N802 (the Java name)
        return _apply(escape_javascript, value)

    @java_method()
    def parseJson(self, value: Any) -> Any:  # noqa: N802
        return _apply(parse_json, value)

    @java_method()
    def urlEncode(self, value: Any) -> str | None:  # noqa: N802
        return _apply(url_encode, value)

    @java_method()
    def urlDecode(self, value: Any) -> str | None:  # noqa: N802
        return _apply(url_decode, value)

    @java_method()
    def base64Encode(self, value: Any) -> str | None:  # noqa: N802
        return _apply(base64_encode, value)

    @java_method()
    def base64Decode(self, value: Any) -> str | None:  # noqa: N802
        return _apply(base64_decode, value)


def _apply(function, value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise NoMatchingOverload()
    return function(value)
