"""JSON the way API Gateway sees it: json-smart's permissive parser and its printer.

API Gateway evaluates ``$input.path``/``$input.json`` with Jayway JsonPath on its default
json-smart provider: ``new JSONParser(MODE_PERMISSIVE)`` with the ``DEFAULT_ORDERED`` reader, so
objects become ``LinkedHashMap`` (a Python dict here, printed ``{k=v}``) and arrays become
``net.minidev.json.JSONArray`` (:class:`JsonArray` here, printed as compact JSON).

The permissive parser is far from RFC 8259: unquoted strings, single quotes, trailing data, NaN,
leading zeros are all accepted, and a body such as ``a=b`` or ``null{`` parses as the *string*
``a=b`` / ``null{``. Every behaviour recorded against AWS (spec/apigateway.md §2) follows from this
one parser, so it is ported state for state, including its error positions and messages
(``Unexpected End Of File position 1: null`` for ``{a``).
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from .._native import java_big_decimal_str  # noqa: F401  (re-exported)
from ..runtime.objects import JavaObject
from ..speedups import as_json_smart, escape_json_string, has_number_run, to_json  # noqa: F401  (the chosen twins; re-exported)

# json-smart marks the end of input with this character (so does a literal U+001A in the text).
EOI = "\x1a"
MAX_DEPTH = 400  # json-smart's LIMIT_JSON_DEPTH (part of MODE_PERMISSIVE since 2.5)
MAX_STOP = 126

_STOP_ARRAY = frozenset(",]" + EOI)
_STOP_KEY = frozenset(":" + EOI)
_STOP_VALUE = frozenset(",}" + EOI)
_STOP_X = frozenset(EOI)

# Runs the parser would step over one character at a time; matched at once for speed.
_BLANK_RUN = re.compile(r"[ \r\n\t]*")            # the explicit whitespace cases of the loops
_SPACE_RUN = re.compile(r"[\x00-\x19\x1b-\x20]*")  # skipSpace: anything <= ' ' but EOI
_DIGIT_RUN = re.compile(r"[0-9]*")
_NQ_RUNS = {stop: re.compile("[^" + re.escape("".join(sorted(stop))) + "]*")
            for stop in (_STOP_ARRAY, _STOP_KEY, _STOP_VALUE, _STOP_X)}

_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b",
                   "\\": "\\", "/": "/", "'": "'", '"': '"'}


class JsonArray(list, JavaObject):
    """net.minidev.json.JSONArray: an ArrayList whose toString() is compact JSON."""

    __slots__ = ()
    java_class_name = "net.minidev.json.JSONArray"

    def java_to_string(self) -> str:
        return to_json(self)


class JsonParseError(Exception):
    """net.minidev.json.parser.ParseException, with json-smart's own message text."""

    java_class = "net.minidev.json.parser.ParseException"

    def __init__(self, message: str, position: int):
        self.message, self.position = message, position
        super().__init__(message)

    def java_to_string(self) -> str:
        """Throwable.toString(): what API Gateway appends to 'Could not process payload'."""
        return f"{self.java_class}: {self.message}"


def parse_json_text(text: str) -> Any:
    """Parse like ``new JSONParser(MODE_PERMISSIVE).parse(text, DEFAULT_ORDERED)``."""
    document = _parse_strict(text)
    if document is _NOT_STRICT:
        return _PermissiveParser(text).parse()
    return document


# --------------------------------------------------------------------------------------------
# The fast path. On strict RFC 8259 JSON the permissive parser reads exactly what Python's C
# JSON decoder reads, given the same number rule (below), arrays as JSONArray and the depth
# limit, except for two things the port below treats specially and that are sent to it: a raw
# DEL (U+007F) in a string with an escape (dropped by json-smart's escaped-string path) and raw
# surrogate characters (joined with escaped halves by json-smart). Everything else (errors
# included: their positions and messages are json-smart's) goes through the port. A 200 KB
# body parses 25 times faster this way.
#
# Faster still, orjson reads the text first when no number literal can be long enough for the
# number rule (a run of 19 number characters; 18 always fit a long) and hands what it refuses to
# Python's decoder: on what it accepts it reads what that decoder reads (tests/test_apigw_json_values.py).

_NOT_STRICT = object()
_RAW_SURROGATE = re.compile("[\ud800-\udfff]")


class _NotStrict(Exception):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotStrict(name)  # NaN / Infinity: json-smart reads these its own way


_BIG_NUMBER_LENGTH = 19


def _json_smart_number(text: str) -> Any:
    # USE_HI_PRECISION_FLOAT + BIG_DIGIT_UNRESTRICTED, as _PermissiveParser.parse_float.
    return _big_decimal(text) if len(text) >= _BIG_NUMBER_LENGTH else float(text)


def _big_decimal(text: str) -> Decimal:
    """``new BigDecimal(text)``: its NumberFormatException (a scale outside Java's int, e.g.
    ``2e13222222222222222222222222``) is a ValueError here, as for float()."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"BigDecimal: {text}") from None
    if not -(2**31) <= -value.as_tuple().exponent < 2**31:  # exponent is an int for finite text
        raise ValueError(f"BigDecimal scale out of range: {text}")
    return value


_STRICT_DECODER = json.JSONDecoder(parse_float=_json_smart_number, parse_constant=_reject_constant, strict=True)
_SCAN_ONCE = _STRICT_DECODER.scan_once
_JSON_BLANKS = re.compile(r"[ \t\n\r]*")


def _parse_strict(text: str) -> Any:
    if "\x7f" in text or (not text.isascii() and _RAW_SURROGATE.search(text)):
        return _NOT_STRICT
    try:
        document = _decode_strict(text)
        kind = type(document)
        if kind is dict or kind is list:
            # Lists become JsonArray; deeper than json-smart's limit (ValueError) is not strict.
            return as_json_smart(document, MAX_DEPTH)
    except (StopIteration, ValueError, RecursionError, _NotStrict):  # no value; JSONDecodeError, a long int
        return _NOT_STRICT
    return document


def _decode_strict(text: str) -> Any:
    if not has_number_run(text, _BIG_NUMBER_LENGTH):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:  # NaN, 1e400, an escaped lone surrogate, too deep: Python's decoder
            pass
    # JSONDecoder.decode without its Python wrapper: the C scanner, then only blanks may follow.
    start = _JSON_BLANKS.match(text).end() if text and text[0] in " \t\n\r" else 0
    document, end = _SCAN_ONCE(text, start)
    if end != len(text) and _JSON_BLANKS.match(text, end).end() != len(text):
        raise _NotStrict("data after the value")
    return document


# --------------------------------------------------------------------------------------------
# The parser: a port of json-smart's JSONParserBase/JSONParserMemory/JSONParserString with every
# MODE_PERMISSIVE flag on (simple quotes, non-quoted strings, NaN, ignored control characters,
# integer storage, leading zeros, useless commas, high-precision floats, trailing data/spaces,
# unrestricted big digits, depth limit).


class _PermissiveParser:
    __slots__ = ("text", "length", "pos", "c", "xs", "depth")

    def __init__(self, text: str):
        self.text, self.length = text, len(text)
        self.pos, self.c, self.xs, self.depth = -1, EOI, "", 0

    # --- reading -------------------------------------------------------------------------
    def read(self) -> None:
        self.pos += 1
        self.c = self.text[self.pos] if self.pos < self.length else EOI

    def move(self, index: int) -> None:
        self.pos = index
        self.c = self.text[index] if index < self.length else EOI

    def skip(self, run: re.Pattern) -> None:
        end = run.match(self.text, self.pos).end() if self.pos < self.length else self.pos
        if end != self.pos:
            self.move(end)

    def skip_blanks(self) -> None:
        """The ' ', '\\r', '\\n', '\\t' cases of the parser's loops, a whole run at once."""
        if self.c in " \r\n\t":
            self.skip(_BLANK_RUN)

    def read_no_end(self) -> None:
        self.read()
        if self.pos >= self.length:
            raise self.error(self.pos - 1, "eof", "EOF")

    def skip_space(self) -> None:
        if self.c <= " ":
            self.skip(_SPACE_RUN)

    def skip_digits(self) -> None:
        if "0" <= self.c <= "9":
            self.skip(_DIGIT_RUN)

    def skip_nq_string(self, stop: frozenset) -> None:
        # Stops at a stop character or EOI; every stop character is below MAX_STOP.
        self.skip(_NQ_RUNS[stop])

    def extract_trimmed(self, start: int, stop: int) -> str:
        # json-smart's extractStringTrim is String.trim(): every char up to U+0020 goes, as in skip_space.
        return self.text[start:stop].strip(_JAVA_TRIM_CHARS)

    def read_nq_string(self, stop: frozenset) -> str:
        start = self.pos
        self.skip_nq_string(stop)
        self.xs = self.extract_trimmed(start, self.pos)
        return self.xs

    # --- errors --------------------------------------------------------------------------
    def error(self, position: int, kind: str, unexpected: Any) -> JsonParseError:
        # Java counts UTF-16 code units; Python counts code points.
        position += sum(1 for ch in self.text[:max(position, 0)] if ord(ch) > 0xFFFF)
        shown = "null" if unexpected is None else str(unexpected)
        if kind == "char":
            message = f"Unexpected character ({shown}) at position {position}."
        elif kind == "token":
            message = f"Unexpected token {shown} at position {position}."
        elif kind == "eof":
            message = f"Unexpected End Of File position {position}: {shown}"
        elif kind == "unicode":
            message = f"Unexpected unicode escape sequence {shown} at position {position}."
        else:  # depth
            message = f"Malicious payload, having non natural depths, parsing stoped on {shown} at position {position}."
        return JsonParseError(message, position)

    # --- grammar -------------------------------------------------------------------------
    def parse(self) -> Any:
        self.read()
        # MODE_PERMISSIVE accepts trailing data: whatever follows the first value is ignored.
        return self.read_value(_STOP_X, top_level=True)

    def read_value(self, stop: frozenset, top_level: bool = False) -> Any:
        """readFirst (``top_level``) or readMain: a value, at the top or inside an object or array.
        Only inside a container is the end of input an error here."""
        self.skip_blanks()
        c = self.c
        if c in ":}]":
            raise self.error(self.pos, "char", c)
        if c == "{":
            return self.read_object()
        if c == "[":
            return self.read_array()
        if c == EOI and not top_level:
            raise self.error(self.pos - 1, "eof", "EOF")
        return self.read_scalar(stop)

    def read_scalar(self, stop: frozenset) -> Any:
        c = self.c
        if c in "\"'":
            return self.read_string()
        if c in "0123456789-":
            return self.read_number(stop)
        word = self.read_nq_string(stop)
        if c == "n" and word == "null":
            return None
        if c == "t" and word == "true":
            return True
        if c == "f" and word == "false":
            return False
        if c == "N" and word == "NaN":
            return float("nan")
        return word  # ACCEPT_NON_QUOTE: anything else is an unquoted string

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(self.pos, "depth", self.c)

    def read_array(self) -> JsonArray:
        self.enter()
        current = JsonArray()
        self.read()
        while True:
            self.skip_blanks()
            c = self.c
            if c == "]":
                self.depth -= 1
                self.read()
                return current
            elif c in ":}":
                raise self.error(self.pos, "char", c)
            elif c == ",":  # ACCEPT_USELESS_COMMA: empty slots are skipped
                self.read()
            elif c == EOI:
                raise self.error(self.pos - 1, "eof", "EOF")
            else:
                current.append(self.read_value(_STOP_ARRAY))

    def read_object(self) -> dict:
        self.enter()
        current: dict = {}
        while True:
            self.read()
            self.skip_blanks()
            c = self.c
            if c in ":][{":
                raise self.error(self.pos, "char", c)
            if c == "}":
                self.depth -= 1
                self.read()
                return current
            if c == ",":
                continue
            key = self.read_string() if c in "\"'" else self.read_nq_string(_STOP_KEY)
            self.skip_space()
            if self.c != ":":
                if self.c == EOI:
                    raise self.error(self.pos - 1, "eof", None)
                raise self.error(self.pos - 1, "char", self.c)
            self.read_no_end()
            current[key] = self.read_value(_STOP_VALUE)
            self.skip_space()
            if self.c == "}":
                self.depth -= 1
                self.read()
                return current
            if self.c == EOI:
                raise self.error(self.pos - 1, "eof", None)
            if self.c != ",":
                raise self.error(self.pos - 1, "token", self.c)

    def read_string(self) -> str:
        quote = self.c
        end = self.text.find(quote, self.pos + 1)
        if end == -1:
            raise self.error(self.length, "eof", None)
        fast = self.text[self.pos + 1:end]
        if "\\" not in fast:
            # Fast path: the text between the quotes, control characters kept (IGNORE_CONTROL_CHAR).
            self.pos = end
            self.read()
            self.xs = fast
            return fast
        return self.read_escaped_string(quote)

    def read_escaped_string(self, quote: str) -> str:
        """readString2: the slow path, taken when the string holds a backslash."""
        parts: list[str] = []
        while True:
            self.read()
            c = self.c
            if c == EOI:
                raise self.error(self.pos - 1, "eof", None)
            if c == quote:
                self.read()
                self.xs = _join_surrogates("".join(parts))
                return self.xs
            if c == "\\":
                self.read()
                escaped = self.c
                if escaped in _SIMPLE_ESCAPES:
                    parts.append(_SIMPLE_ESCAPES[escaped])
                elif escaped == "u":
                    parts.append(self.read_unicode(4))
                elif escaped == "x":
                    parts.append(self.read_unicode(2))
                # any other escaped character is dropped together with its backslash
            elif ord(c) < 32 or c == "\x7f":
                continue  # IGNORE_CONTROL_CHAR drops them on this path
            else:
                parts.append(c)

    def read_unicode(self, digits: int) -> str:
        value = 0
        for _ in range(digits):
            self.read()
            c = self.c
            if c == EOI:
                raise self.error(self.pos, "eof", "EOF")
            if c not in "0123456789abcdefABCDEF":
                raise self.error(self.pos, "unicode", c)
            value = value * 16 + int(c, 16)
        return chr(value)

    def read_number(self, stop: frozenset) -> Any:
        start = self.pos
        self.read()
        self.skip_digits()
        if self.c not in ".Ee":
            return self.finish_number(start, stop, _parse_integer)
        if self.c == ".":
            self.read()
            self.skip_digits()
        if self.c not in "Ee":
            return self.finish_number(start, stop, self.parse_float)
        self.read()
        if self.c in "+-0123456789":
            self.read()
            self.skip_digits()
            return self.finish_number(start, stop, self.parse_float)
        self.skip_nq_string(stop)
        return self.set_xs(self.extract_trimmed(start, self.pos))

    def finish_number(self, start: int, stop: frozenset, convert) -> Any:
        self.skip_space()
        if self.c != EOI and ord(self.c) < MAX_STOP and self.c not in stop:
            # Not a number after all ("12abc", "1 2"): the whole run is an unquoted string.
            self.skip_nq_string(stop)
            return self.set_xs(self.extract_trimmed(start, self.pos))
        return convert(self.set_xs(self.extract_trimmed(start, self.pos)))

    def set_xs(self, text: str) -> str:
        self.xs = text
        return text

    def parse_float(self, text: str) -> Any:
        # USE_HI_PRECISION_FLOAT + BIG_DIGIT_UNRESTRICTED: long literals keep every digit.
        try:
            if len(text) > 18:
                return _big_decimal(text)
            return float(text)
        except ValueError:
            raise self.error(self.pos, "token", text) from None


_JAVA_TRIM_CHARS = "".join(chr(code) for code in range(0x21))


def _parse_integer(text: str) -> int:
    # json-smart's parseNumber reads "-" alone as 0; Integer/Long/BigInteger follow from magnitude.
    return 0 if text == "-" else int(text)


def _join_surrogates(text: str) -> str:
    """\\uD83D\\uDE00 escapes are two UTF-16 halves in Java but one character here."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return text



# --------------------------------------------------------------------------------------------
# The printer (json-smart's JSONValue.toJSONString, NO_COMPRESS) and the fast path's conversion to
# json-smart's containers (as_json_smart) are hot: their one implementation, pure Python or the
# Cython twin, lives in vtl._native / ext/_speedups.pyx and is chosen in vtl.speedups.
# Re-exported here, where the parser's other half is.
