"""The hot helpers, in pure Python: the reference implementations.

Each function here has a Cython twin with the same name and signature in ``ext/_speedups.pyx``
(built as ``vtl._speedups``). Which twin the engine uses is chosen once, at import, in
:mod:`vtl.speedups`; everything else imports the helpers from there (or from the modules
that re-export them: ``vtl.runtime.values``, ``vtl.apigw.util``, ``vtl.apigw.json_values``).
The tests run both twins on the same inputs and compare (``tests/test_speedups.py``).

* ``$util``: :func:`escape_javascript`, :func:`url_encode`, :func:`url_decode`,
  :func:`base64_encode`, :func:`base64_decode`.
* Java's toString: :func:`java_double_str`, :func:`to_java_string`.
* json-smart's printer (``$input.json``, a JSONArray's toString): :func:`escape_json_string`,
  :func:`to_json`.
* json-smart's containers for a parsed payload: :func:`as_json_smart`.
* Jayway JsonPath over compiled steps (``$input.path``, ``$input.json``): :func:`jsonpath_select`,
  :func:`jsonpath_read`. Their reference walk is :mod:`vtl.jsonpath`'s, one function per step
  kind; the functions here are its entry points.
* The final output pass: :func:`java_output_text`.
* ``$util``'s string methods as the method table calls them (receiver first): :func:`util_escape_javascript`,
  :func:`util_url_encode`, :func:`util_url_decode`, :func:`util_base64_encode`, :func:`util_base64_decode`.
* What a printed reference becomes: :func:`text_or_source` (Velocity: null prints the reference
  as written), :func:`text_or_empty` (API Gateway, and ``$!ref``: null prints nothing).
* Text and references printed in one call (what generated code makes of a run of them outside
  loops and macros): :func:`render_plan`.
* ``#foreach``'s walk: :func:`live_walk`, :func:`walk_ends`.
* ``Map.get`` (``$map.get(key)``, the commonest method call): :func:`map_get`.
* What generated code calls for every reference: :func:`get_property`, :func:`call_method`,
  :func:`call_method0`, :func:`call_method1` (their tables live in :mod:`vtl.runtime.objects`).

Errors are Java's: :class:`~vtl.errors.JavaException` with the JDK's message text. Where the
Cython twin meets an input that would fail, it calls the function here, so every error text
exists once.
"""
from __future__ import annotations

import base64
import binascii
import math
import re
import threading
import time
from decimal import Decimal
from typing import Any

from .errors import JavaException, VTLLimitError, VTLRuntimeError
from .runtime.objects import (MAP_TYPES, NO_SUCH_METHOD, JavaObject, NoMatchingOverload, _getter_cache, find_and_call,
                              property_getter)

#: The helpers each twin provides (the tests and ``vtl.speedups`` check both against this).
NAMES = ("escape_javascript", "url_encode", "url_decode", "base64_encode", "base64_decode",
         "java_double_str", "to_java_string", "escape_json_string", "to_json", "as_json_smart",
         "jsonpath_select", "jsonpath_read", "java_output_text",
         "get_property", "call_method", "call_method0", "call_method1",
         "util_escape_javascript", "util_url_encode", "util_url_decode", "util_base64_encode", "util_base64_decode",
         "map_get", "text_or_source", "text_or_empty", "render_plan", "live_walk", "walk_ends",
         "start_loop", "LoopOutput", "loop_items", "last_values", "has_number_run")

#: Bumped when a helper's signature or meaning changes: a stale compiled twin whose API differs
#: is then ignored rather than trusted.
API_VERSION = 9

_IAE = "java.lang.IllegalArgumentException"


# --------------------------------------------------------------------------------------------
# $util.escapeJavaScript: Apache commons-lang 2.x StringEscapeUtils.escapeJavaScript.

_JS_SPECIAL = re.compile("[\x00-\x1f'\"\\\\/\x80-\U0010ffff]")
_JS_SHORT = {"\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f", "\r": "\\r",
             "'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/"}


def escape_javascript(text: str) -> str:
    """commons-lang 2.x ``StringEscapeUtils.escapeJavaScript``, per UTF-16 unit.

    ``'`` ``"`` ``\\`` ``/`` get a backslash; \\b \\n \\t \\f \\r their short escapes; other
    characters below 32 and everything above 0x7F become \\uXXXX with uppercase hex (a character
    outside the BMP is written as its two surrogates). DEL (0x7F) is kept as is.
    """
    return _JS_SPECIAL.sub(_escape_javascript_match, text)


def _escape_javascript_match(match: re.Match) -> str:
    ch = match.group()
    short = _JS_SHORT.get(ch)
    if short is not None:
        return short
    code = ord(ch)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"
    return f"\\u{code:04X}"


# --------------------------------------------------------------------------------------------
# $util.urlEncode / urlDecode: java.net.URLEncoder / URLDecoder with UTF-8.

# URLEncoder leaves these bytes alone and turns space into '+'; every other byte is %XX.
_URL_UNSAFE = re.compile(rb"[^a-zA-Z0-9.\-*_]")
_URL_BYTE = {byte: (b"+" if byte == 0x20 else b"%%%02X" % byte) for byte in range(256)}


def _utf8(text: str) -> bytes:
    """String.getBytes(UTF_8): an unpaired surrogate becomes '?'."""
    return text.encode("utf-8", "replace")


def url_encode(text: str) -> str:
    """``java.net.URLEncoder.encode(text, "UTF-8")``."""
    return _URL_UNSAFE.sub(lambda match: _URL_BYTE[match.group()[0]], _utf8(text)).decode("ascii")


def url_decode(text: str) -> str:
    """``java.net.URLDecoder.decode(text, "UTF-8")``, including its exceptions."""
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
                raise JavaException(_IAE, "URLDecoder: Incomplete trailing escape (%) pattern")
            out.append(raw.decode("utf-8", "replace"))
        else:
            stop = _PLAIN_RUN.match(text, index).end()  # a run of plain characters at once
            out.append(text[index:stop])
            index = stop
    return "".join(out)


def _escaped_byte(hex_digits: str) -> int:
    # Integer.parseInt(hex, 16) accepts a sign: "%-1" is "negative", "%+1" is 0x01.
    if not _JAVA_HEX.fullmatch(hex_digits):
        raise JavaException(_IAE, "URLDecoder: Illegal hex characters in escape (%) pattern - "
                                  f'For input string: "{hex_digits}"')
    value = int(hex_digits, 16)
    if value < 0:
        raise JavaException(_IAE, "URLDecoder: Illegal hex characters in escape (%) pattern - negative value")
    return value


_JAVA_HEX = re.compile(r"[+-]?[0-9a-fA-F]+")  # what Integer.parseInt(s, 16) accepts (ASCII digits)
_PLAIN_RUN = re.compile(r"[^+%]+")


# --------------------------------------------------------------------------------------------
# $util.base64Encode / base64Decode: java.util.Base64's basic encoder and decoder on UTF-8.

def base64_encode(text: str) -> str:
    """Base64 (standard alphabet, padded) of the UTF-8 bytes."""
    return base64.b64encode(_utf8(text)).decode("ascii")


def base64_decode(text: str) -> str:
    """``java.util.Base64.getDecoder()``: strict alphabet, optional padding; bytes read as UTF-8."""
    stripped = text.rstrip("=")
    padding = len(text) - len(stripped)
    if padding > 2 or (padding and len(text) % 4) or len(stripped) % 4 == 1:
        raise JavaException(_IAE, "Input byte array has wrong 4-byte ending unit")
    try:
        raw = base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError):
        bad = next((ch for ch in stripped if not (ch.isascii() and (ch.isalnum() or ch in "+/"))), "?")
        raise JavaException(_IAE, f"Illegal base64 character {ord(bad):x}") from None
    return raw.decode("utf-8", "replace")


# --------------------------------------------------------------------------------------------
# Java's toString of template values.

def java_double_str(value: float) -> str:
    """Double.toString: shortest round-trip digits, scientific outside [1e-3, 1e7)."""
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        if "e" in text or "E" in text:  # repr switches to exponent form below 1e-4; Java does not here
            text = format(value, "f")
        return text if "." in text else text + ".0"
    digits, exponent = _shortest_digits(magnitude)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return ("-" if value < 0 else "") + f"{mantissa}E{exponent}"


def _shortest_digits(magnitude: float) -> tuple[str, int]:
    """Shortest round-trip significant digits and the decimal exponent of the first one."""
    text = repr(magnitude)
    mantissa, _, exponent_text = text.partition("e")
    exponent = int(exponent_text) if exponent_text else 0
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    leading_zeros = len(whole + fraction) - len((whole + fraction).lstrip("0"))
    exponent += len(whole) - 1 - leading_zeros
    return digits.rstrip("0") or "0", exponent


def to_java_string(value: Any) -> str:
    """Java's String.valueOf(value): what rendering a non-null value prints."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return java_double_str(value)
    if value is None:
        return "null"
    if isinstance(value, JavaObject):
        return value.java_to_string()
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        return "[" + ", ".join([_element_string(item, value) for item in value]) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join([f"{_element_string(k, value)}={_element_string(v, value)}"
                                for k, v in value.items()]) + "}"
    return str(value)


def _element_string(item: Any, container: Any) -> str:
    if item is container:
        return "(this Collection)" if isinstance(container, list) else "(this Map)"
    text = to_java_string(item)
    return "null" if text is None else text  # (a block that gives up: see text_or_source)


# --------------------------------------------------------------------------------------------
# json-smart's printer: JSONValue.toJSONString with the default style (NO_COMPRESS), which is
# also what JSONArray.toString() uses. Keys and strings are always quoted; '/' is escaped as '\/'
# (Escape4Web); control characters, U+007F..U+009F and U+2000..U+20FF become \\uXXXX (uppercase).

_JSON_SPECIAL = re.compile('["\\\\/\x00-\x1f\x7f-\x9f\u2000-\u20ff]')
_JSON_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n",
               "\r": "\\r", "\t": "\\t", "/": "\\/"}


def escape_json_string(text: str) -> str:
    """A string's content as json-smart writes it between the quotes."""
    return _JSON_SPECIAL.sub(_escape_json_match, text)


def _escape_json_match(match: re.Match) -> str:
    ch = match.group()
    return _JSON_SHORT.get(ch) or f"\\u{ord(ch):04X}"


def java_big_decimal_str(value: Decimal) -> str:
    """BigDecimal.toString: plain unless the exponent is positive or the number is tiny.

    Python's Decimal.__str__ follows the same rule (both come from the General Decimal
    Arithmetic spec), so it is exact for the finite values the parser produces.
    """
    return str(value)


def to_json(value: Any) -> str:
    """Compact JSON text as json-smart writes it (what ``$input.json`` returns)."""
    parts: list[str] = []
    _write_json(value, parts)
    return "".join(parts)


def _write_json(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif isinstance(value, str):
        out.append('"' + escape_json_string(value) + '"')
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append("null" if value in (math.inf, -math.inf) else java_double_str(value))
    elif isinstance(value, Decimal):
        out.append(java_big_decimal_str(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append('"' + escape_json_string(to_java_string(key)) + '":')
            _write_json(item, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write_json(item, out)
        out.append("]")
    else:
        out.append('"' + escape_json_string(to_java_string(value)) + '"')


# --------------------------------------------------------------------------------------------
# json-smart's containers: what a payload parsed by Python's JSON decoder becomes for templates.

def as_json_smart(value: Any, max_depth: int) -> Any:
    """A decoded JSON document as json-smart's DEFAULT_ORDERED reader builds it.

    Every list becomes a :class:`~vtl.apigw.json_values.JsonArray` (a new one: JSONArray);
    dicts stay dicts (LinkedHashMap) and get their nested values replaced in place. The top
    value counts as depth 1; a container deeper than ``max_depth`` (json-smart's depth limit)
    raises ValueError. Only exact ``dict`` and ``list`` are containers; other values are
    returned as they are.
    """
    kind = type(value)
    if kind is not dict and kind is not list:
        return value
    return _as_json_smart(value, 1, max_depth, _json_array_type())


def _as_json_smart(value: Any, depth: int, max_depth: int, array_type: type) -> Any:
    if depth > max_depth:
        raise ValueError(f"JSON nested deeper than {max_depth}")
    if type(value) is dict:
        for key, item in value.items():
            kind = type(item)
            if kind is dict or kind is list:
                value[key] = _as_json_smart(item, depth + 1, max_depth, array_type)
        return value
    array = array_type(value)
    for index, item in enumerate(array):
        kind = type(item)
        if kind is dict or kind is list:
            array[index] = _as_json_smart(item, depth + 1, max_depth, array_type)
    return array


def _json_array_type() -> type:
    # vtl.apigw.json_values imports this module (through vtl.speedups): looked up on use.
    from .apigw.json_values import JsonArray
    return JsonArray


# --------------------------------------------------------------------------------------------
# Jayway JsonPath: JsonPath.read over a vtl.jsonpath.CompiledPath's steps.

_jsonpath_module: Any = None


def _jsonpath() -> Any:
    global _jsonpath_module
    if _jsonpath_module is None:
        from . import jsonpath  # imports vtl.speedups, hence this module: looked up on first use
        _jsonpath_module = jsonpath
    return _jsonpath_module


def jsonpath_select(path: Any, document: Any, missing: Any = None, root: Any = None) -> Any:
    """``CompiledPath.select``: the value (definite path), a JsonArray of the matches
    (indefinite path) or ``missing`` when Jayway would throw PathNotFoundException."""
    try:
        return jsonpath_read(path, document, root, False)
    except _jsonpath().PathNotFoundError:
        return missing


def jsonpath_read(path: Any, document: Any, root: Any = None, require_properties: bool = False) -> Any:
    """``CompiledPath.read``: like :func:`jsonpath_select` but raises PathNotFoundError.

    ``root`` is what ``$`` means inside filters (the document when None);
    ``require_properties`` makes a missing property an error (a filter's existence check).
    """
    module = _jsonpath()
    context = module._Evaluation(document if root is None else root, require_properties)
    module._evaluate(path.steps, 0, document, context)
    if not path.definite:
        return module.JsonArray(context.results)
    if not context.results:
        raise module.PathNotFoundError(f"No results for path: {path.text}")
    return context.results[-1]


# --------------------------------------------------------------------------------------------
# The final output pass.

_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def java_output_text(text: str) -> str:
    """Output as Java writes it: surrogate halves that make a pair become one character,
    a lone half becomes '?' (what Java's UTF-8 encoder writes). Values keep their halves."""
    if text.isascii() or not _LONE_SURROGATE.search(text):
        return text
    text = _SURROGATE_PAIR.sub(_join_pair, text)
    return _LONE_SURROGATE.sub("?", text)


def _join_pair(match: re.Match) -> str:
    return match.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le")


# --------------------------------------------------------------------------------------------
# References: $target.name and $target.name(args), through the per-type tables of
# vtl.runtime.objects (Velocity's chain getName(), a Map's get, get("name"), isName()).


def get_property(target: Any, name: str) -> Any:
    """``$target.name``: null on null; a Map's own entry; else the type's cached getter."""
    if target is None:
        return None
    if name == "class":
        from .runtime.values import class_of  # (values imports this module)
        return class_of(target)
    kind = type(target)
    if kind in MAP_TYPES:
        return target.get(name)
    return (_getter_cache.get((kind, name)) or property_getter(kind, name))(target)


def call_method(target: Any, name: str, arguments: tuple) -> Any:
    """``$target.name(args)``; a method that does not exist gives null, as in Velocity.
    Generated code calls the variants below for methods of no argument and of one."""
    if target is None:
        return None
    result = find_and_call(target, name, arguments)
    return None if result is NO_SUCH_METHOD else result


def call_method0(target: Any, name: str) -> Any:
    """``$target.name()``."""
    return call_method(target, name, ())


def call_method1(target: Any, name: str, argument: Any) -> Any:
    """``$target.name(argument)``."""
    return call_method(target, name, (argument,))


# --------------------------------------------------------------------------------------------
# $util's string methods, receiver first (what the method table calls): null gives null, and an
# argument that is not a String finds no method (Velocity does not convert an Integer or a Map).


def util_string_method(function):
    """``function`` of a String as a method of ``$util``."""
    def method(receiver: Any, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise NoMatchingOverload()
        return function(value)
    return method


util_escape_javascript = util_string_method(escape_javascript)
util_url_encode = util_string_method(url_encode)
util_url_decode = util_string_method(url_decode)
util_base64_encode = util_string_method(base64_encode)
util_base64_decode = util_string_method(base64_decode)


# --------------------------------------------------------------------------------------------
# java.util.Map.get: a String key is Python's lookup; any other key is matched with Java's
# equals() (1 is not 1.0 nor true), which vtl.runtime.methods does.


def map_get(mapping: dict, key: Any) -> Any:
    if type(key) is str:
        return mapping.get(key)
    from .runtime.methods import java_map_get  # (methods imports this module)
    return java_map_get(mapping, key)


# --------------------------------------------------------------------------------------------
# JSON text: whether it holds a number literal of some length (a digit, sign, point or exponent
# run; a run inside a string counts too).

_NUMBER_RUNS: dict[int, re.Pattern] = {}


def has_number_run(text: str, length: int) -> bool:
    """Whether ``length`` or more of ``0-9 + - . e E`` follow each other in ``text``."""
    pattern = _NUMBER_RUNS.get(length)
    if pattern is None:
        pattern = _NUMBER_RUNS[length] = re.compile("[0-9eE.+-]{%d}" % length)
    return pattern.search(text) is not None


# --------------------------------------------------------------------------------------------
# Multi-valued request fields (headers, query) as maps of one value per name.


def last_values(multi: dict, hidden: frozenset | None = None) -> dict:
    """Each name's last value, names in Java's String order; names without a value, and names
    whose lower-case form is in ``hidden``, are left out."""
    names = sorted(multi)
    if not "".join(names).isascii():
        # Java compares UTF-16 code units: code point order but past U+FFFF.
        names.sort(key=lambda name: name.encode("utf-16-be", "surrogatepass"))
    return {name: multi[name][-1] for name in names
            if multi[name] and (hidden is None or name.lower() not in hidden)}


# --------------------------------------------------------------------------------------------
# A printed reference: a String prints itself, any other value its Java toString().


def text_or_source(value: Any, source: str) -> str:
    """Velocity's ``$ref``: null prints the reference as written, and so does a #define block
    that gives up (nested in itself too deep: its java_to_string() is None)."""
    if value is None:
        return source
    if type(value) is str:
        return value
    text = to_java_string(value)
    return source if text is None else text


def text_or_empty(value: Any, source: str = "") -> str:
    """API Gateway's ``$ref`` and everyone's ``$!ref``: null prints nothing (nor does a block
    that gives up)."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    text = to_java_string(value)
    return "" if text is None else text


def render_plan(variables: dict, plan: tuple, render: Any) -> str:
    """What a run of text and references prints. ``plan`` holds, in order, texts and references
    as ``(name, steps, source, quiet, span)``; a step is ``(name, arguments, span)``, its
    arguments None for a property, else constants and references (tuples) to evaluate.
    ``render`` is the dialect's printer of a non-quiet reference. An error carries the template
    position of the method call (else the reference) it came from as ``template_span``: the
    generated line holds the whole run."""
    pieces = []
    for item in plan:
        if type(item) is str:
            pieces.append(item)
            continue
        value = _plan_value(variables, item)
        try:
            pieces.append(value if type(value) is str else text_or_empty(value) if item[3] else render(value, item[2]))
        except Exception as error:
            _place(error, item[4])
            raise
    return "".join(pieces)


def _plan_value(variables: dict, reference: tuple) -> Any:
    """The value of a reference in a plan (see render_plan)."""
    value = variables.get(reference[0])
    where = reference[4]
    try:
        for name, arguments, where in reference[1]:
            if arguments is None:
                value = get_property(value, name)
                continue
            if any(type(argument) is tuple for argument in arguments):
                arguments = tuple(_plan_value(variables, argument) if type(argument) is tuple else argument
                                  for argument in arguments)
            value = call_method(value, name, arguments)
    except Exception as error:
        _place(error, where)
        raise
    return value


def _place(error: Exception, span: tuple[int, int]) -> None:
    """Give an error the template position it happened at, unless a deeper step gave one."""
    if getattr(error, "template_span", None) is None:
        error.template_span = span


# --------------------------------------------------------------------------------------------
# #foreach

_map_view = values_of = None  # (vtl.runtime.methods, imported on first use)

#: Where loop_items reads each turn's item: the items taken when the loop started, the list itself
#: (Java's iterator reads the element there now: a #set($l[1] = …) ahead of the walk shows), or
#: the map, by the key taken (the same for a map's values).
FROM_ITEMS, FROM_LIST, FROM_MAP = 0, 1, 2


def live_walk(source: Any, limit: int | None = None) -> tuple | None:
    """What a #foreach over ``source`` walks, None for nothing: (items, backing, read, size,
    limit). ``read`` says where each turn's item comes from (FROM_…): ``items`` are the list
    itself, a map's keys, or what the object gives (a copy). The backing is the list or map whose
    changes the walk notices (Java's iterators are fail-fast): the source, or the map behind
    keySet(), values() or entrySet(). ``size`` is the turns: at most ``limit``."""
    global _map_view, values_of
    backing, read = None, FROM_ITEMS
    if isinstance(source, list):
        items, backing, read = source, source, FROM_LIST
    elif isinstance(source, dict):
        items, backing, read = list(source), source, FROM_MAP
    elif isinstance(source, JavaObject):
        if _map_view is None:
            from .runtime.methods import MapView as _map_view, values_of  # (methods imports this module)
        if type(source) is _map_view:
            backing = source.mapping
            if source.read is values_of:
                items, read = list(backing), FROM_MAP
            else:  # keys, and entries (which read the map themselves)
                items = source.read(backing)
        else:
            walk = getattr(source, "iteration_items", None)
            if not walk:
                return None
            items = walk()
    else:
        return None
    size = len(items) if limit is None or len(items) <= limit else limit
    return (items, backing, read, size, limit) if size else None


def walk_ends(backing: list | dict, size: int, cursor: int) -> bool:
    """Before the item at ``cursor`` (after one at least, and not at the loop's limit, where
    Velocity asks no more): whether Java's iterator over ``backing``, which had ``size`` items
    when the loop started, ends the walk here. An unchanged one goes on to the end of the items.
    Changed in size, an ArrayList's ends where the cursor meets its size now and a HashMap's
    where the item before was its last; anywhere else it fails with
    ConcurrentModificationException (so does a list longer than the cursor at the end)."""
    now = len(backing)
    if now == size:
        return False
    if cursor == (now if isinstance(backing, list) else size):
        return True
    raise VTLRuntimeError("java.util.ConcurrentModificationException: the collection changed while #foreach "
                          "walked it")


#: Pieces of output the outermost #foreach of a function collects before writing them on as
#: one string.
LOOP_CHUNK = 1024


# --------------------------------------------------------------------------------------------
# The render clock: vtl's own guard against runaway templates (loops inside loops can run for
# hours within every per-loop limit). Template.render sets the thread's deadline; the loops
# look at the clock at least once in TURNS_PER_CHECK loop turns and starts (counted across loops:
# here within a loop and at its end, in the Cython twin at each turn).

TURNS_PER_CHECK = 1024  # a power of two (the Cython twin masks with it)
class _RenderClock(threading.local):
    #: (when, in time.monotonic(), or None until the first look; the limit in seconds), or None:
    #: what the thread's last render set when it started. A class default: every thread reads it.
    deadline: tuple[float | None, float] | None = None


RENDER_CLOCK = _RenderClock()
_turns = 0


def count_steps(count: int) -> None:
    """Counts loop turns, loop starts and macro calls toward the next look at the clock."""
    global _turns
    _turns += count
    if _turns >= TURNS_PER_CHECK:
        _turns = 0
        check_render_time()


def check_render_time() -> None:
    deadline = RENDER_CLOCK.deadline
    if deadline is None:
        return
    if deadline[0] is None:  # the first look starts the clock (a render does not read it to start)
        RENDER_CLOCK.deadline = (time.monotonic() + deadline[1], deadline[1])
    elif time.monotonic() > deadline[0]:
        raise VTLLimitError(f"the render ran longer than {deadline[1]:g} s: vtl stops templates that run "
                            f"away (Engine(render_time_limit=...) sets the limit)")



class LoopOutput:
    """Where the outermost #foreach of a generated function writes (``parts.append``): its
    pieces, written on as one string every LOOP_CHUNK of them and at the end, so that a long
    loop's many small pieces never pile up (peak memory stays near twice the output). Loops
    inside it write into the same list."""

    __slots__ = ("parts", "write")

    def __init__(self, write) -> None:
        self.parts: list[str] = []
        self.write = write

    def close(self):
        """Writes the pieces left; returns the write the code goes back to."""
        self.write("".join(self.parts))
        self.parts.clear()
        return self.write


_foreach_state: Any = None  # vtl.runtime.core.ForeachState (that module imports this one)


def start_loop(source: Any, parent: Any, limit: int | None, tracked: bool = True) -> Any:
    """A #foreach over ``source``: None when there is nothing to walk, else what loop_items walks
    (live_walk's tuple), in the loop's $foreach (a ForeachState) when it is
    ``tracked``."""
    global _foreach_state
    walk = live_walk(source, limit)
    if walk is None:
        return None
    count_steps(1)
    if not tracked:
        return walk
    if _foreach_state is None:
        from .runtime.core import ForeachState
        _foreach_state = ForeachState
    state = _foreach_state(walk[3], parent)
    state.walk = walk
    return state


def loop_items(loop, output: LoopOutput, tracked: bool = True):
    """A #foreach's items (``loop`` is what start_loop gave), one per turn. Before a turn, sets
    $foreach's ``index`` and ``hasNext`` in the state (when ``tracked``: something reads them);
    after it, writes the output on if LOOP_CHUNK pieces wait. Between turns and after the last,
    Java's iterator may end the walk or fail if the list or map changed (walk_ends). A #break
    leaves without those."""
    items, backing, read, size, limit = loop.walk if tracked else loop
    parts = output.parts
    last = size - 1
    backing_size = -1 if backing is None else len(backing)
    for index in range(size):
        if index and backing_size >= 0 and len(backing) != backing_size and walk_ends(backing, backing_size, index):
            return
        if read == FROM_LIST:
            item = backing[index]
        elif read == FROM_MAP:
            item = backing.get(items[index])  # (a key gone with another added: Java would have failed)
        else:
            item = items[index]
        if tracked:
            loop.index = index
            loop.hasNext = index < last
        if index % TURNS_PER_CHECK == TURNS_PER_CHECK - 1:
            count_steps(TURNS_PER_CHECK)
        yield item
        if len(parts) > LOOP_CHUNK:
            output.write("".join(parts))
            parts.clear()
    count_steps(size % TURNS_PER_CHECK)
    if backing_size >= 0 and size != limit and len(backing) != backing_size:
        walk_ends(backing, backing_size, size)
