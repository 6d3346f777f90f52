"""The Java methods templates may call on built-in values, with Java's exact behaviour.

Python values stand for Java ones (see ``values.py``); this module gives each the methods
of the Java class it stands for, as Velocity 1.7 reaches them by reflection:

* ``str`` → java.lang.String, ``list`` → java.util.ArrayList, ``dict`` → LinkedHashMap,
  ``int`` → Integer / Long / BigInteger (by magnitude), ``float`` → Double, ``bool`` → Boolean,
  :class:`JavaChar` → Character (what ``charAt`` returns), :class:`MapEntry` → Map.Entry.
* Static methods are callable on instances, as in Velocity (``$s.valueOf(1)``,
  ``#set($Integer = 0) $Integer.parseInt("42")``).
* Overloads are chosen the way Velocity's introspector chooses them: by the runtime class of
  each argument, allowing only boxing and widening (an Integer fits ``int``, ``long`` and
  ``double``; a Long fits only ``long`` and ``double``; a Double only ``double``; null fits
  any non-primitive). When nothing fits, :class:`NoMatchingOverload` makes the call
  "method not found". Where Java would throw, :class:`JavaException` carries the Java class
  and message (Java 17 wording, as the oracle prints it).
* Strings are indexed in UTF-16 code units like Java (an emoji counts 2); strings made only
  of BMP characters take a fast path.
* A method without parameters is, for Velocity 1.7, applicable to any arguments when nothing
  better fits, so ``$s.length(1)`` throws IllegalArgumentException("wrong number of
  arguments") instead of being "not found" (see ``_register``).
* A void method returns ``VOID`` (""), which is what Velocity renders for it.
* ``String.format`` follows java.util.Formatter (flags, widths, HALF_UP rounding from the
  shortest decimal form, %t dates in UTC).

Only Java 8 methods are offered (API Gateway runs Velocity on Java 8): no ``strip``,
``isBlank``, ``repeat``, ``lines``. Nothing Python-specific is reachable.
"""
from __future__ import annotations

import datetime as _datetime
import decimal as _decimal
import functools
import math
import re
import struct
import unicodedata
from typing import Any, Callable

from ..errors import JavaException
from ..speedups import map_get  # the chosen twin: String keys without a frame of ours
from . import javaregex
from .objects import JavaObject, NoMatchingOverload, register_methods
from .values import (INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, class_of, java_class_name, java_equals,
                     to_java_string)

#: What a void method returns: Velocity renders a void call as the empty string.
VOID = ""

#: Default of optional parameters: tells "argument not given" from a null argument.
_MISSING: Any = object()

_NPE = "java.lang.NullPointerException"
_NFE = "java.lang.NumberFormatException"
_CCE = "java.lang.ClassCastException"
_SIOOBE = "java.lang.StringIndexOutOfBoundsException"
_IOOBE = "java.lang.IndexOutOfBoundsException"


# ---------------------------------------------------------------------------------------------
# Argument matching (Velocity's IntrospectionUtils.isMethodInvocationConvertible)

def _is_integer(value: Any) -> bool:
    """A java.lang.Integer (Python bool is an int subclass but stands for Boolean)."""
    return type(value) is int and INT_MIN <= value <= INT_MAX


def _is_long(value: Any) -> bool:
    return type(value) is int and LONG_MIN <= value <= LONG_MAX and not INT_MIN <= value <= INT_MAX


def _int_arg(value: Any) -> int:
    """An ``int`` parameter accepts only an Integer (no Long, no Double, no null)."""
    if _is_integer(value):
        return value
    raise NoMatchingOverload


def _long_arg(value: Any) -> int:
    """A ``long`` parameter accepts Integer or Long."""
    if type(value) is int and LONG_MIN <= value <= LONG_MAX:
        return value
    raise NoMatchingOverload


def _double_arg(value: Any) -> float:
    """A ``double`` parameter accepts Integer, Long or Double (not BigInteger)."""
    if type(value) is float:
        return value
    if type(value) is int and LONG_MIN <= value <= LONG_MAX:
        return float(value)
    raise NoMatchingOverload


def _bool_arg(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise NoMatchingOverload


def _char_arg(value: Any) -> str:
    """A ``char`` parameter accepts only a Character (not a one-letter String, not an int)."""
    if type(value) is JavaChar:
        return value.value
    raise NoMatchingOverload


def _string_or_null(value: Any) -> str | None:
    """A String/CharSequence parameter accepts a String or null (Velocity checks types first)."""
    if value is None or isinstance(value, str):
        return value
    raise NoMatchingOverload


def _not_null(value: Any, npe_message: str = "") -> Any:
    """Java's NullPointerException, raised once every argument's type has been accepted."""
    if value is None:
        raise JavaException(_NPE, npe_message)
    return value


def _string_arg(value: Any, npe_message: str = "") -> str:
    """The only String parameter of a call: type check, then null check."""
    return _not_null(_string_or_null(value), npe_message)


def _collection_arg(value: Any, npe_message: str = "") -> list:
    if value is None:
        raise JavaException(_NPE, npe_message)
    if isinstance(value, list):
        return value
    if isinstance(value, MapView):  # a Set or Collection from keySet()/values()/entrySet()
        return value.items
    raise NoMatchingOverload


def _map_arg(value: Any, npe_message: str = "") -> dict:
    if value is None:
        raise JavaException(_NPE, npe_message)
    if isinstance(value, dict):
        return value
    raise NoMatchingOverload


def _class_cast(value: Any, target: str) -> JavaException:
    source = java_class_name(value)
    return JavaException(_CCE, f"class {source} cannot be cast to class {target} ({source} and {target} "
                               "are in module java.base of loader 'bootstrap')")


# ---------------------------------------------------------------------------------------------
# UTF-16: Java indexes strings by 16-bit code units

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _split_pair(match: re.Match) -> str:
    offset = ord(match.group()) - 0x10000
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def _join_pair(match: re.Match) -> str:
    high, low = match.group()
    return chr(0x10000 + ((ord(high) - 0xD800) << 10) + (ord(low) - 0xDC00))


def is_bmp(text: str) -> bool:
    """True when code points and UTF-16 code units coincide (the fast path)."""
    return text.isascii() or _ASTRAL.search(text) is None


def utf16_units(text: str) -> str:
    """The string with each astral character split into its two surrogates: one char per unit."""
    return text if is_bmp(text) else _ASTRAL.sub(_split_pair, text)


def from_utf16(units: str) -> str:
    """Recombine surrogate pairs into code points (lone surrogates stay as they are)."""
    return units if units.isascii() else _SURROGATE_PAIR.sub(_join_pair, units)


def utf16_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


def _code_unit_string(code_point: int) -> str | None:
    """String.indexOf(int ch): the code point as UTF-16 units, or None if it is not one."""
    if 0 <= code_point < 0x10000:
        return chr(code_point)
    if 0x10000 <= code_point <= 0x10FFFF:
        return _split_pair(_ASTRAL.match(chr(code_point)))
    return None


# ---------------------------------------------------------------------------------------------
# hashCode

def _int32(value: int) -> int:
    return (value + 2**31) % 2**32 - 2**31


def string_hash(text: str) -> int:
    """String.hashCode: s[0]*31^(n-1) + ... over UTF-16 units, in int arithmetic."""
    h = 0
    for unit in utf16_units(text):
        h = (31 * h + ord(unit)) & 0xFFFFFFFF
    return _int32(h)


def _long_hash(value: int) -> int:
    bits = value & 0xFFFFFFFFFFFFFFFF
    return _int32((bits ^ (bits >> 32)) & 0xFFFFFFFF)


def _double_bits(value: float) -> int:
    """Double.doubleToLongBits (NaN canonical)."""
    if value != value:
        return 0x7FF8000000000000
    return struct.unpack(">q", struct.pack(">d", value))[0]


def _big_integer_hash(value: int) -> int:
    h = 0
    magnitude = abs(value)
    words = []
    while magnitude:
        words.append(magnitude & 0xFFFFFFFF)
        magnitude >>= 32
    for word in reversed(words):
        h = (31 * h + word) & 0xFFFFFFFF
    return _int32(h * (1 if value > 0 else -1 if value < 0 else 0))


def java_hash_code(value: Any) -> int:
    """Object.hashCode as Java computes it for the class the value stands for."""
    if value is None:
        return 0
    kind = type(value)
    if kind is str:
        return string_hash(value)
    if kind is bool:
        return 1231 if value else 1237
    if kind is int:
        if INT_MIN <= value <= INT_MAX:
            return value
        if LONG_MIN <= value <= LONG_MAX:
            return _long_hash(value)
        return _big_integer_hash(value)
    if kind is float:
        return _long_hash(_double_bits(value))
    if isinstance(value, list):
        h = 1
        for item in value:
            h = (31 * h + (java_hash_code(item) if item is not value else 0)) & 0xFFFFFFFF
        return _int32(h)
    if isinstance(value, dict):
        total = 0
        for key, item in value.items():
            total += java_hash_code(key) ^ java_hash_code(item)
        return _int32(total & 0xFFFFFFFF)
    if isinstance(value, (JavaChar, MapEntry)):
        return value.java_hash_code()
    return _int32(id(value) & 0x7FFFFFFF)


# ---------------------------------------------------------------------------------------------
# Java objects that only this module creates

class JavaChar(JavaObject):
    """A java.lang.Character (``charAt`` returns one; it is not a String in Java).

    So ``$s.charAt(0).toUpperCase()`` is "method not found", ``$map.get($s.charAt(0))``
    finds nothing and ``$s.charAt(0).equals("a")`` is false, exactly as in Velocity.
    """

    __slots__ = ("value",)
    java_class_name = "java.lang.Character"

    def __init__(self, value: str):
        self.value = value

    def java_to_string(self) -> str:
        return self.value

    def java_hash_code(self) -> int:
        return ord(self.value)

    def __eq__(self, other: object) -> bool:
        return type(other) is JavaChar and other.value == self.value

    def __hash__(self) -> int:
        return hash(("java.lang.Character", self.value))

    def __repr__(self) -> str:
        return f"JavaChar({self.value!r})"


class MapEntry(JavaObject):
    """A Map.Entry from ``entrySet()``: reads and writes through to its map."""

    __slots__ = ("_map", "_key", "_value")
    java_class_name = "java.util.LinkedHashMap$Entry"

    def __init__(self, mapping: dict, key: Any):
        self._map, self._key = mapping, key
        self._value = mapping[key]

    @property
    def key(self) -> Any:
        return self._key

    @property
    def value(self) -> Any:
        """The current value while the key is in the map (Java's entry is the map's node)."""
        if self._key in self._map:
            self._value = self._map[self._key]
        return self._value

    def set_value(self, value: Any) -> Any:
        old = self.value
        self._value = value
        if self._key in self._map:
            self._map[self._key] = value
        return old

    def java_to_string(self) -> str:
        return _string_of(self._key) + "=" + _string_of(self.value)

    def java_hash_code(self) -> int:
        return java_hash_code(self._key) ^ java_hash_code(self.value)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, MapEntry) and java_equals(self._key, other._key)
                and java_equals(self.value, other.value))

    def __hash__(self) -> int:
        return self.java_hash_code()

    def __repr__(self) -> str:
        return f"MapEntry({self._key!r}={self.value!r})"


def _string_of(value: Any) -> str:
    """String.valueOf(Object): "null" for null."""
    return "null" if value is None else to_java_string(value)


# ---------------------------------------------------------------------------------------------
# Methods every object has

def _to_string(receiver: Any) -> str:
    return to_java_string(receiver)


def _equals(receiver: Any, other: Any) -> bool:
    return java_equals(receiver, other)


def _hash_code(receiver: Any) -> int:
    return java_hash_code(receiver)


def _get_class(receiver: Any) -> Any:
    return class_of(receiver)


_OBJECT_METHODS: dict[str, Callable[..., Any]] = {
    "toString": _to_string, "equals": _equals, "hashCode": _hash_code, "getClass": _get_class,
}


# ---------------------------------------------------------------------------------------------
# java.lang.String

def _s_length(s: str) -> int:
    return utf16_length(s)


def _s_is_empty(s: str) -> bool:
    return not s


def _s_char_at(s: str, index: Any) -> JavaChar:
    index = _int_arg(index)
    units = utf16_units(s)
    if not 0 <= index < len(units):
        raise JavaException(_SIOOBE, f"String index out of range: {index}")
    return JavaChar(units[index])


def _check_bounds(begin: int, end: int, length: int) -> None:
    if begin < 0 or begin > end or end > length:
        raise JavaException(_SIOOBE, f"begin {begin}, end {end}, length {length}")


def _s_substring(s: str, begin: Any, end: Any = _MISSING) -> str:
    begin = _int_arg(begin)
    units = utf16_units(s)
    end = len(units) if end is _MISSING else _int_arg(end)
    _check_bounds(begin, end, len(units))
    return from_utf16(units[begin:end]) if units is not s else s[begin:end]


def _s_sub_sequence(s: str, begin: Any, end: Any) -> str:
    return _s_substring(s, begin, end)


def _s_code_point_at(s: str, index: Any) -> int:
    index = _int_arg(index)
    units = utf16_units(s)
    if not 0 <= index < len(units):
        raise JavaException(_SIOOBE, f"index {index}, length {len(units)}")
    return ord(from_utf16(units[index:index + 2])[0])


def _s_code_point_before(s: str, index: Any) -> int:
    index = _int_arg(index)
    units = utf16_units(s)
    if not 1 <= index <= len(units):
        raise JavaException(_SIOOBE, f"index {index}, length {len(units)}")
    return ord(from_utf16(units[max(index - 2, 0):index])[-1])


def _s_code_point_count(s: str, begin: Any, end: Any) -> int:
    begin, end = _int_arg(begin), _int_arg(end)
    units = utf16_units(s)
    if begin < 0 or begin > end or end > len(units):
        raise JavaException(_IOOBE, f"begin {begin}, end {end}, length {len(units)}")
    return len(from_utf16(units[begin:end]))


def _index_target(target: Any, npe_message: str) -> str | None:
    """indexOf's first argument: an Integer code point or a String (null: NPE)."""
    if _is_integer(target):
        return _code_unit_string(target)
    return utf16_units(_string_arg(target, npe_message))


_TARGET_NPE = 'Cannot read field "value" because "tgtStr" is null'



def _s_index_of(s: str, target: Any, start: Any = 0) -> int:
    start = _int_arg(start)
    needle = _index_target(target, 'Cannot invoke "String.coder()" because "str" is null'
                           if start == 0 else _TARGET_NPE)
    units = utf16_units(s)
    if needle is None:
        return -1
    start = max(start, 0)
    if start >= len(units):
        return len(units) if needle == "" and not _is_integer(target) else -1
    return units.find(needle, start)


def _s_last_index_of(s: str, target: Any, start: Any = _MISSING) -> int:
    units = utf16_units(s)
    start = len(units) if start is _MISSING else _int_arg(start)
    needle = _index_target(target, _TARGET_NPE)
    if needle is None or start < 0:
        return -1
    end = min(start + len(needle), len(units))
    return units.rfind(needle, 0, end)


def _s_contains(s: str, part: Any) -> bool:
    return _string_arg(part, 'Cannot invoke "java.lang.CharSequence.toString()" because "s" is null') in s


def _s_starts_with(s: str, prefix: Any, offset: Any = 0) -> bool:
    offset = _int_arg(offset)
    prefix = utf16_units(_string_arg(prefix, 'Cannot invoke "String.length()" because "prefix" is null'))
    units = utf16_units(s)
    if offset < 0 or offset > len(units) - len(prefix):
        return False
    return units.startswith(prefix, offset)


def _s_ends_with(s: str, suffix: Any) -> bool:
    return s.endswith(_string_arg(suffix, 'Cannot invoke "String.length()" because "suffix" is null'))


def _s_equals(s: str, other: Any) -> bool:
    return isinstance(other, str) and s == other


def _s_content_equals(s: str, other: Any) -> bool:
    return s == _string_arg(other, 'Cannot invoke "java.lang.CharSequence.length()" because "cs" is null')


def _upper_char(ch: str) -> str:
    """Character.toUpperCase(char): a one-unit mapping, or the char itself."""
    mapped = ch.upper()
    return mapped if len(mapped) == 1 else ch


def _lower_char(ch: str) -> str:
    if ch == "\u0130":
        return "i"
    mapped = ch.lower()
    return mapped if len(mapped) == 1 else ch


def _chars_equal_ignore_case(a: str, b: str) -> bool:
    if a == b:
        return True
    upper_a, upper_b = _upper_char(a), _upper_char(b)
    return upper_a == upper_b or _lower_char(upper_a) == _lower_char(upper_b)


def _s_equals_ignore_case(s: str, other: Any) -> bool:
    if other is None:
        return False
    if not isinstance(other, str):
        raise NoMatchingOverload
    a, b = utf16_units(s), utf16_units(other)
    return len(a) == len(b) and all(_chars_equal_ignore_case(x, y) for x, y in zip(a, b))


def _compare_units(a: str, b: str) -> int:
    """String.compareTo: first differing UTF-16 unit, else the length difference."""
    a, b = utf16_units(a), utf16_units(b)
    for x, y in zip(a, b):
        if x != y:
            return ord(x) - ord(y)
    return len(a) - len(b)


def _s_compare_to(s: str, other: Any) -> int:
    if other is None:
        raise JavaException(_NPE, _compare_to_npe(s))
    if not isinstance(other, str):  # Velocity picks the bridge compareTo(Object)
        raise _class_cast(other, "java.lang.String")
    return _compare_units(s, other)


def _s_compare_to_ignore_case(s: str, other: Any) -> int:
    other = _string_arg(other, 'Cannot read field "value" because "s2" is null')
    a, b = utf16_units(s), utf16_units(other)
    for x, y in zip(a, b):
        if x != y:
            x, y = _upper_char(x), _upper_char(y)
            if x != y:
                x, y = _lower_char(x), _lower_char(y)
                if x != y:
                    return ord(x) - ord(y)
    return len(a) - len(b)


def _s_region_matches(s: str, toffset: Any, other: Any, ooffset: Any, length: Any) -> bool:
    """regionMatches(int toffset, String other, int ooffset, int len)."""
    return _region_matches(s, False, toffset, other, ooffset, length)


def _s_region_matches_case(s: str, ignore_case: Any, toffset: Any, other: Any, ooffset: Any, length: Any) -> bool:
    """regionMatches(boolean ignoreCase, int toffset, String other, int ooffset, int len)."""
    return _region_matches(s, _bool_arg(ignore_case), toffset, other, ooffset, length)


def _region_matches(s: str, ignore_case: bool, toffset: Any, other: Any, ooffset: Any, length: Any) -> bool:
    toffset, ooffset, length = _int_arg(toffset), _int_arg(ooffset), _int_arg(length)
    other = utf16_units(_string_arg(other, 'Cannot read field "value" because "other" is null'))
    units = utf16_units(s)
    if ooffset < 0 or toffset < 0 or toffset > len(units) - length or ooffset > len(other) - length:
        return False
    for i in range(max(length, 0)):
        x, y = units[toffset + i], other[ooffset + i]
        if x != y and not (ignore_case and _chars_equal_ignore_case(x, y)):
            return False
    return True


def _s_concat(s: str, other: Any) -> str:
    return s + _string_arg(other, 'Cannot invoke "String.isEmpty()" because "str" is null')


def _s_replace(s: str, target: Any, replacement: Any) -> str:
    if type(target) is JavaChar:  # replace(char, char)
        return from_utf16(utf16_units(s).replace(target.value, _char_arg(replacement)))
    if type(replacement) is JavaChar:
        raise NoMatchingOverload
    target, replacement = _string_or_null(target), _string_or_null(replacement)
    _not_null(target, 'Cannot invoke "java.lang.CharSequence.toString()" because "target" is null')
    _not_null(replacement, 'Cannot invoke "java.lang.CharSequence.toString()" because "replacement" is null')
    if target == "" and not is_bmp(s):  # Java inserts between UTF-16 units, even inside a pair
        return from_utf16(utf16_units(s).replace("", replacement))
    return s.replace(target, replacement)


_PATTERN_NPE = 'Cannot invoke "String.isEmpty()" because "this.pattern" is null'


def _s_replace_all(s: str, regex: Any, replacement: Any) -> str:
    """replaceAll: a null replacement fails only when something matches."""
    regex, replacement = _string_or_null(regex), _string_or_null(replacement)
    return javaregex.java_replace_all(s, _not_null(regex, _PATTERN_NPE), replacement)


def _s_replace_first(s: str, regex: Any, replacement: Any) -> str:
    regex, replacement = _string_or_null(regex), _string_or_null(replacement)
    return javaregex.java_replace_first(s, _not_null(regex, _PATTERN_NPE), replacement)


def _s_matches(s: str, regex: Any) -> bool:
    return javaregex.java_matches(s, _string_arg(regex, _PATTERN_NPE))


def _s_split(s: str, regex: Any, limit: Any = 0) -> list:
    """split returns a String[]; a list stands for it (prints differently: never print it raw)."""
    limit = _int_arg(limit)
    regex = _string_arg(regex, 'Cannot invoke "String.length()" because "regex" is null')
    return javaregex.java_split(s, regex, limit)


def _s_to_upper_case(s: str, locale: Any = _MISSING) -> str:
    if locale is not _MISSING:
        if locale is None:
            raise JavaException(_NPE)
        raise NoMatchingOverload  # no Locale objects exist in templates
    return s.upper()


def _s_to_lower_case(s: str, locale: Any = _MISSING) -> str:
    if locale is not _MISSING:
        if locale is None:
            raise JavaException(_NPE)
        raise NoMatchingOverload
    return s.lower()


_TRIMMED = "".join(chr(c) for c in range(0x21))


def _s_trim(s: str) -> str:
    """String.trim removes every char <= U+0020 at both ends (not Unicode whitespace)."""
    return s.strip(_TRIMMED)


def _s_intern(s: str) -> str:
    return s


def _s_value_of(s: str, value: Any = _MISSING) -> str:
    """static String.valueOf(x): any argument; null prints "null".

    Without an argument Velocity calls valueOf(char[]) with an empty varargs array: "".
    """
    return "" if value is _MISSING else _string_of(value)


def _s_join(s: str, delimiter: Any, *elements: Any) -> str:
    """static String.join(delimiter, elements...) or String.join(delimiter, Iterable)."""
    if len(elements) == 1 and isinstance(elements[0], list):
        items = elements[0]
        for item in items:
            if item is not None and not isinstance(item, str):
                raise _class_cast(item, "java.lang.CharSequence")
    elif len(elements) == 1 and elements[0] is None:
        raise NoMatchingOverload  # null fits both overloads: Velocity finds it ambiguous
    else:
        if any(item is not None and not isinstance(item, str) for item in elements):
            raise NoMatchingOverload
        items = list(elements)
    delimiter = _string_arg(
        delimiter, 'Cannot invoke "java.lang.CharSequence.toString()" because "delimiter" is null')
    return delimiter.join(_string_of(item) for item in items)


# ---------------------------------------------------------------------------------------------
# String.format: java.util.Formatter for the conversions templates use (all but %t dates)

_FORMAT_SPECIFIER = re.compile(r"%(\d+\$)?([-#+ 0,(<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%])")
_CONVERSIONS = set("bBhHsScCdoxXeEfgGaAtT%n")
_DATE_CONVERSIONS = set("HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc")


def _format_error(name: str, message: str) -> JavaException:
    return JavaException("java.util." + name, message)


class _FormatSpec:
    """One %[index$][flags][width][.precision]conversion, validated like Formatter.FormatSpecifier."""

    def __init__(self, match: re.Match):
        index, flags, width, precision, date, conversion = match.groups()
        self.text = match.group()
        self.flags = flags or ""
        for flag in self.flags:
            if self.flags.count(flag) > 1:
                raise _format_error("DuplicateFormatFlagsException", f"Flags = '{flag}'")
        self.index = int(index[:-1]) if index else (-1 if "<" in self.flags else 0)
        self.width = int(width) if width else -1
        self.precision = int(precision[1:]) if precision else -1
        self.date = conversion if date else None
        if date:
            if conversion not in _DATE_CONVERSIONS:
                raise _format_error("UnknownFormatConversionException", f"Conversion = '{date}{conversion}'")
            self.upper = date == "T"
            self.conversion = "t"
            self.require_width("-")
            if self.precision != -1:
                raise _format_error("IllegalFormatPrecisionException", str(self.precision))
            self.mismatch("#", "+", " ", "0", ",", "(")
            return
        if conversion not in _CONVERSIONS:
            raise _format_error("UnknownFormatConversionException", f"Conversion = '{conversion}'")
        self.upper = conversion.isupper() and conversion not in "%"
        self.conversion = conversion.lower()
        self.check()

    def __str__(self) -> str:
        return self.text

    def has(self, flag: str) -> bool:
        return flag in self.flags

    def flags_text(self) -> str:
        """Formatter.Flags.toString: canonical order, '^' for an upper-case conversion."""
        flags = self.flags + ("^" if self.upper else "")
        return "".join(flag for flag in "-^#+ 0,(<" if flag in flags)

    def mismatch(self, *flags: str) -> None:
        for flag in flags:
            if self.has(flag):
                raise _format_error("FormatFlagsConversionMismatchException",
                                    f"Conversion = {self.conversion}, Flags = {flag}")

    def require_width(self, *flags: str) -> None:
        if self.width == -1 and any(self.has(flag) for flag in flags):
            raise _format_error("MissingFormatWidthException", self.text)

    def check(self) -> None:
        c = self.conversion
        if c in "bhs":
            self.mismatch("#")  # s accepts # only for Formattable arguments, which templates lack
            self.require_width("-")
            self.mismatch("+", " ", "0", ",", "(")
        elif c == "c":
            if self.precision != -1:
                raise _format_error("IllegalFormatPrecisionException", str(self.precision))
            self.mismatch("#", "+", " ", "0", ",", "(")
            self.require_width("-")
        elif c in "doxefga":
            self.require_width("-", "0")
            if self.has("+") and self.has(" ") or self.has("-") and self.has("0"):
                raise _format_error("IllegalFormatFlagsException", f"Flags = '{self.flags_text()}'")
            if c in "dox":
                if self.precision != -1:
                    raise _format_error("IllegalFormatPrecisionException", str(self.precision))
                self.mismatch("#" if c == "d" else ",")
            elif c == "a":
                self.mismatch("(", ",")
            elif c == "e":
                self.mismatch(",")
            elif c == "g":
                self.mismatch("#")
        else:  # % and n
            if self.precision != -1:
                raise _format_error("IllegalFormatPrecisionException", str(self.precision))
            if c == "%":
                if self.flags not in ("", "-"):
                    raise _format_error("IllegalFormatFlagsException", f"Flags = '{self.flags_text()}'")
                self.require_width("-")
            elif self.width != -1:
                raise _format_error("IllegalFormatWidthException", str(self.width))
            elif self.flags:
                raise _format_error("IllegalFormatFlagsException", f"Flags = '{self.flags_text()}'")

    # -- printing ----------------------------------------------------------------------------

    def justify(self, text: str) -> str:
        if self.width == -1 or len(text) >= self.width:
            return text
        padding = " " * (self.width - len(text))
        return text + padding if self.has("-") else padding + text

    def print_text(self, text: str) -> str:
        if self.precision != -1:
            text = text[:self.precision]
        return self.justify(text.upper() if self.upper else text)

    def fail(self, value: Any) -> JavaException:
        return _format_error("IllegalFormatConversionException",
                             f"{self.conversion} != {java_class_name(value)}")

    def format(self, value: Any) -> str:
        c = self.conversion
        if c == "%":
            return self.justify("%")
        if c == "n":
            return "\n"
        if c == "b":
            return self.print_text("false" if value is None or value is False else "true")
        if c == "h":
            return self.print_text("null" if value is None else format(java_hash_code(value) & 0xFFFFFFFF, "x"))
        if c == "s":
            return self.print_text(_string_of(value))
        if value is None:
            return self.print_text("null")
        if c == "c":
            return self.print_text(self.character(value))
        if c == "t":
            return self.print_text(self.date_time(value))
        if c in "dox":
            if type(value) is not int:
                raise self.fail(value)
            return self.justify(self.integer(value))
        if type(value) is not float:
            raise self.fail(value)
        return self.justify(self.floating(value))

    def date_time(self, value: Any) -> str:
        """%t conversions of a Long holding epoch milliseconds (UTC, English names)."""
        if not _is_long(value):
            raise _format_error("IllegalFormatConversionException", f"{self.date} != {java_class_name(value)}")
        return _format_date(self.date, value)

    def character(self, value: Any) -> str:
        if type(value) is JavaChar:
            return value.value
        if not _is_integer(value):
            raise self.fail(value)
        if not 0 <= value <= 0x10FFFF:
            raise _format_error("IllegalFormatCodePointException", f"Code point = 0x{value & 0xFFFFFFFF:x}")
        return chr(value)

    def signed(self, negative: bool, magnitude: str, exponent: str = "", pad: bool = True) -> str:
        """Sign, grouping, zero padding and parentheses around a magnitude (leadingSign etc.);
        an exponent goes inside the parentheses but takes no grouping or padding."""
        if self.has(",") and pad:
            whole, dot, fraction = magnitude.partition(".")
            groups = []
            while len(whole) > 3:
                groups.insert(0, whole[-3:])
                whole = whole[:-3]
                groups.insert(0, ",")
            magnitude = whole + "".join(groups) + dot + fraction
        sign = ""
        if negative:
            sign = "(" if self.has("(") else "-"
        elif self.has("+"):
            sign = "+"
        elif self.has(" "):
            sign = " "
        trailer = ")" if negative and self.has("(") else ""
        if self.has("0") and self.width != -1 and pad:
            room = self.width - len(exponent) - len(trailer) - len(sign) - len(magnitude)
            magnitude = "0" * max(room, 0) + magnitude
        return sign + magnitude + exponent + trailer

    def integer(self, value: int) -> str:
        c = self.conversion
        if c == "d":
            return self.signed(value < 0, str(abs(value)))
        bits = 32 if INT_MIN <= value <= INT_MAX else 64 if LONG_MIN <= value <= LONG_MAX else 0
        if bits:  # Integer and Long print two's complement; BigInteger keeps its sign
            self.mismatch("(", " ", "+")
            digits = format(value & ((1 << bits) - 1), "o" if c == "o" else "x")
            negative = False
        else:
            digits = format(abs(value), "o" if c == "o" else "x")
            negative = value < 0
        prefix = ("0" if c == "o" else "0x") if self.has("#") else ""
        if self.upper:
            digits, prefix = digits.upper(), prefix.upper()
        if bits:
            if self.has("0"):
                digits = digits.rjust(self.width - len(prefix), "0")
            return prefix + digits
        return self.signed(negative, prefix + digits)

    def floating(self, value: float) -> str:
        if value != value:
            return "NAN" if self.upper else "NaN"
        negative = value < 0 or value == 0.0 and math.copysign(1.0, value) < 0  # Double.compare(v, 0.0) < 0
        if math.isinf(value):  # no grouping or zero padding for infinity
            return self.signed(negative, "INFINITY" if self.upper else "Infinity", pad=False)
        magnitude, exponent = self.float_magnitude(abs(value))
        if self.upper:
            exponent = exponent.upper()
        return self.signed(negative, magnitude, exponent)

    def float_magnitude(self, value: float) -> tuple[str, str]:
        """Digits as Java's FormattedFloatingDecimal makes them: the shortest decimal form of the
        double, rounded HALF_UP (so 0.125 gives 0.13 and 2.675 gives 2.68 at two places)."""
        c = self.conversion
        if c == "a":
            text = _java_hex_float(value)
            return (text.upper() if self.upper else text), ""
        precision = 6 if self.precision == -1 else self.precision
        exact = _decimal.Decimal(repr(value))
        if c == "f":
            return self.with_point(_fixed(exact, precision), precision), ""
        if c == "e":
            mantissa, exponent = _scientific(exact, precision)
            return self.with_point(mantissa, precision), _exponent_text(exponent)
        precision = 1 if precision == 0 else precision  # %g
        if value == 0.0:
            return _fixed(exact, precision - 1), ""
        _, rounded_exponent = _scientific(exact, precision - 1)
        if rounded_exponent < -4 or rounded_exponent >= precision:
            mantissa, exponent = _scientific(exact, precision - 1)
            return mantissa, _exponent_text(exponent)
        return _fixed(exact, precision - rounded_exponent - 1), ""

    def with_point(self, digits: str, precision: int) -> str:
        return digits + "." if precision == 0 and self.has("#") else digits


def _fixed(value: "_decimal.Decimal", places: int) -> str:
    with _decimal.localcontext() as context:
        context.prec = 1000
        return format(value.quantize(_decimal.Decimal(1).scaleb(-places), rounding=_decimal.ROUND_HALF_UP), "f")


def _scientific(value: "_decimal.Decimal", places: int) -> tuple[str, int]:
    """value as d.ddd (places decimals, HALF_UP) and its decimal exponent."""
    if value == 0:
        return _fixed(value, places), 0
    exponent = value.adjusted()
    with _decimal.localcontext() as context:
        context.prec = 1000
        mantissa = value.scaleb(-exponent).quantize(_decimal.Decimal(1).scaleb(-places), rounding=_decimal.ROUND_HALF_UP)
        if mantissa >= 10:
            exponent += 1
            mantissa = value.scaleb(-exponent).quantize(_decimal.Decimal(1).scaleb(-places),
                                                        rounding=_decimal.ROUND_HALF_UP)
    return format(mantissa, "f"), exponent


def _exponent_text(exponent: int) -> str:
    return "e" + ("-" if exponent < 0 else "+") + f"{abs(exponent):02d}"


def _java_hex_float(value: float) -> str:
    """Double.toHexString for a non-negative finite value."""
    if value == 0.0:
        return "0x0.0p0"
    text = value.hex()  # 0x1.8000000000000p+1
    mantissa, _, exponent = text.partition("p")
    whole, _, fraction = mantissa.partition(".")
    fraction = fraction.rstrip("0") or "0"
    exponent_value = int(exponent)
    if whole == "0x0":  # subnormal
        exponent_value = -1022
    return f"{whole}.{fraction}p{exponent_value}"


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _format_date(conversion: str, millis: int) -> str:
    moment = _datetime.datetime(1970, 1, 1) + _datetime.timedelta(milliseconds=millis)
    composite = {"R": "H:M", "T": "H:M:S", "r": "I:M:S p", "D": "m/d/y", "F": "Y-m-d", "c": "a b d T Z Y"}
    if conversion in composite:
        return "".join(_format_date(part, millis) if part.isalpha() else part for part in composite[conversion])
    hour12 = moment.hour % 12 or 12
    fields = {
        "H": f"{moment.hour:02d}", "I": f"{hour12:02d}", "k": str(moment.hour), "l": str(hour12),
        "M": f"{moment.minute:02d}", "S": f"{moment.second:02d}", "L": f"{moment.microsecond // 1000:03d}",
        "N": f"{moment.microsecond * 1000:09d}", "p": "pm" if moment.hour >= 12 else "am", "z": "+0000",
        "Z": "UTC", "s": str(millis // 1000), "Q": str(millis), "B": _MONTHS[moment.month - 1],
        "b": _MONTHS[moment.month - 1][:3], "h": _MONTHS[moment.month - 1][:3],
        "A": _DAYS[moment.weekday()], "a": _DAYS[moment.weekday()][:3], "C": f"{moment.year // 100:02d}",
        "Y": f"{moment.year:04d}", "y": f"{moment.year % 100:02d}", "j": f"{moment.timetuple().tm_yday:03d}",
        "m": f"{moment.month:02d}", "d": f"{moment.day:02d}", "e": str(moment.day),
    }
    return fields[conversion]


def java_format(template: str, args: tuple | None) -> str:
    """String.format(template, args...); ``args`` None stands for a null Object[] (every value null)."""
    out: list[str] = []
    position, length = 0, len(template)
    ordinary, last = -1, -1
    while position < length:
        percent = template.find("%", position)
        if percent < 0:
            out.append(template[position:])
            break
        out.append(template[position:percent])
        if percent + 1 >= length:
            raise _format_error("UnknownFormatConversionException", "Conversion = '%'")
        match = _FORMAT_SPECIFIER.match(template, percent)
        if match is None:
            raise _format_error("UnknownFormatConversionException", f"Conversion = '{template[percent + 1]}'")
        spec = _FormatSpec(match)
        position = match.end()
        if spec.conversion in "%n":
            out.append(spec.format(None))
            continue
        if spec.index == -1:
            index = last
        elif spec.index == 0:
            ordinary += 1
            index = last = ordinary
        else:
            index = last = spec.index - 1
        if args is not None and not 0 <= index < len(args):
            raise _format_error("MissingFormatArgumentException", f"Format specifier '{spec}'")
        out.append(spec.format(None if args is None else args[index]))
    return "".join(out)


def _s_format(s: str, template: Any, *args: Any) -> str:
    """static String.format(format, args...). A single null argument is taken by Velocity as the
    null Object[] itself, so every specifier then prints null."""
    template = _string_arg(template, 'Cannot invoke "String.length()" because "s" is null')
    return java_format(template, None if args == (None,) else args)


_STRING_METHODS: dict[str, Any] = {
    "length": _s_length, "isEmpty": _s_is_empty, "charAt": _s_char_at, "substring": _s_substring,
    "subSequence": _s_sub_sequence, "codePointAt": _s_code_point_at, "codePointBefore": _s_code_point_before,
    "codePointCount": _s_code_point_count, "indexOf": _s_index_of, "lastIndexOf": _s_last_index_of,
    "contains": _s_contains, "startsWith": _s_starts_with, "endsWith": _s_ends_with, "equals": _s_equals,
    "contentEquals": _s_content_equals, "equalsIgnoreCase": _s_equals_ignore_case, "compareTo": _s_compare_to,
    "compareToIgnoreCase": _s_compare_to_ignore_case, "regionMatches": [_s_region_matches, _s_region_matches_case], "concat": _s_concat,
    "replace": _s_replace, "replaceAll": _s_replace_all, "replaceFirst": _s_replace_first,
    "matches": _s_matches, "split": _s_split, "toUpperCase": _s_to_upper_case,
    "toLowerCase": _s_to_lower_case, "trim": _s_trim, "intern": _s_intern, "valueOf": _s_value_of,
    "join": _s_join, "format": _s_format,
}


# ---------------------------------------------------------------------------------------------
# java.lang.Character

def _c_char_value(c: JavaChar) -> JavaChar:
    return c


def _c_compare_to(c: JavaChar, other: Any) -> int:
    if other is None:
        raise JavaException(_NPE)
    if type(other) is not JavaChar:
        raise _class_cast(other, "java.lang.Character")
    return ord(c.value) - ord(other.value)


def _code_point_arg(value: Any) -> str | None:
    """Character's static predicates take a char or an int code point."""
    if type(value) is JavaChar:
        return value.value
    code_point = _int_arg(value)
    return chr(code_point) if 0 <= code_point <= 0x10FFFF else None


def _char_predicate(test: Callable[[str], bool]) -> Callable[..., bool]:
    def predicate(c: JavaChar, value: Any) -> bool:
        ch = _code_point_arg(value)
        return ch is not None and test(ch)
    return predicate


def _is_java_whitespace(ch: str) -> bool:
    """Character.isWhitespace: Unicode space separators except no-break ones, and ASCII controls."""
    if ch in "\t\n\x0b\f\r\x1c\x1d\x1e\x1f":
        return True
    return unicodedata.category(ch) in ("Zs", "Zl", "Zp") and ch not in "\xa0\u2007\u202f"


def _c_to_case(convert: Callable[[str], str]) -> Callable[..., Any]:
    def to_case(c: JavaChar, value: Any) -> Any:
        if type(value) is JavaChar:
            return JavaChar(convert(value.value))
        code_point = _int_arg(value)
        if not 0 <= code_point <= 0x10FFFF:
            return code_point
        return ord(convert(chr(code_point)))
    return to_case


_CHARACTER_METHODS: dict[str, Any] = {
    "charValue": _c_char_value, "compareTo": _c_compare_to,
    "isDigit": _char_predicate(lambda ch: unicodedata.category(ch) == "Nd"),
    "isLetter": _char_predicate(lambda ch: unicodedata.category(ch).startswith("L")),
    "isLetterOrDigit": _char_predicate(lambda ch: unicodedata.category(ch)[0] == "L"
                                       or unicodedata.category(ch) == "Nd"),
    "isWhitespace": _char_predicate(_is_java_whitespace),
    "isUpperCase": _char_predicate(str.isupper), "isLowerCase": _char_predicate(str.islower),
    "toUpperCase": _c_to_case(_upper_char), "toLowerCase": _c_to_case(_lower_char),
}


# ---------------------------------------------------------------------------------------------
# java.util.ArrayList

def _check_index(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise JavaException(_IOOBE, f"Index {index} out of bounds for length {size}")


def _check_insert_index(index: int, size: int) -> None:
    if not 0 <= index <= size:
        raise JavaException(_IOOBE, f"Index: {index}, Size: {size}")


def _index_of_object(items: list, value: Any) -> int:
    """ArrayList.indexOf: the first element that Java's equals() matches.

    Python's == accepts everything Java's equals() does and more (1 == 1.0 == True), so
    list.index finds candidates fast and java_equals confirms them. NaN is the exception
    (Java's Double.equals matches it), hence the plain scan for it and for null.
    """
    if value is None or value != value:
        for position, item in enumerate(items):
            if java_equals(value, item) if value is not None else item is None:
                return position
        return -1
    start = 0
    while True:
        try:
            position = items.index(value, start)
        except ValueError:
            return -1
        if java_equals(value, items[position]):
            return position
        start = position + 1


def _l_size(items: list) -> int:
    return len(items)


def _l_is_empty(items: list) -> bool:
    return not items


def _l_get(items: list, index: Any) -> Any:
    index = _int_arg(index)
    _check_index(index, len(items))
    return items[index]


def _l_set(items: list, index: Any, value: Any) -> Any:
    index = _int_arg(index)
    _check_index(index, len(items))
    old, items[index] = items[index], value
    return old


def _l_add(items: list, first: Any, second: Any = _MISSING) -> Any:
    """add(E) returns true; add(int index, E) is void."""
    if second is _MISSING:
        items.append(first)
        return True
    index = _int_arg(first)
    _check_insert_index(index, len(items))
    items.insert(index, second)
    return VOID


_ADD_ALL_NPE = 'Cannot invoke "java.util.Collection.toArray()" because "c" is null'


def _l_add_all(items: list, first: Any, second: Any = _MISSING) -> bool:
    """addAll(Collection) or addAll(int index, Collection): true when something was added."""
    if second is _MISSING:
        added = list(_collection_arg(first, _ADD_ALL_NPE))
        items.extend(added)
        return bool(added)
    index = _int_arg(first)
    added = list(_collection_arg(second, _ADD_ALL_NPE))
    _check_insert_index(index, len(items))
    items[index:index] = added
    return bool(added)


def _l_remove(items: list, target: Any) -> Any:
    """remove(int index) for an Integer argument, remove(Object) for anything else."""
    if _is_integer(target):
        _check_index(target, len(items))
        return items.pop(target)
    position = _index_of_object(items, target)
    if position < 0:
        return False
    del items[position]
    return True


def _l_remove_all(items: list, other: Any) -> bool:
    return _retain(items, _collection_arg(other), keep_matches=False)


def _l_retain_all(items: list, other: Any) -> bool:
    return _retain(items, _collection_arg(other), keep_matches=True)


def _retain(items: list, other: list, keep_matches: bool) -> bool:
    kept = [item for item in items if (_index_of_object(other, item) >= 0) == keep_matches]
    changed = len(kept) != len(items)
    items[:] = kept
    return changed


def _l_contains(items: list, value: Any) -> bool:
    return _index_of_object(items, value) >= 0


def _l_contains_all(items: list, other: Any) -> bool:
    other = _collection_arg(other, 'Cannot invoke "java.util.Collection.iterator()" because "c" is null')
    return all(_index_of_object(items, item) >= 0 for item in other)


def _l_index_of(items: list, value: Any) -> int:
    return _index_of_object(items, value)


def _l_last_index_of(items: list, value: Any) -> int:
    for position in range(len(items) - 1, -1, -1):
        item = items[position]
        if java_equals(value, item) if value is not None else item is None:
            return position
    return -1


def _l_clear(items: list) -> str:
    items.clear()
    return VOID


def _l_sub_list(items: list, start: Any, end: Any) -> list:
    """A copy, where Java returns a view (writes to it do not reach the list)."""
    start, end = _int_arg(start), _int_arg(end)
    if start < 0:
        raise JavaException(_IOOBE, f"fromIndex = {start}")
    if end > len(items):
        raise JavaException(_IOOBE, f"toIndex = {end}")
    if start > end:
        raise JavaException("java.lang.IllegalArgumentException", f"fromIndex({start}) > toIndex({end})")
    return items[start:end]


def _natural_order_key(items: list) -> Callable[[Any], Any]:
    """The sort key of Comparable.compareTo for elements that are all of one Java class.

    Java's TimSort compares a later element with earlier ones (later.compareTo(earlier)),
    which decides the wording of the exception when the elements are not comparable.
    """
    first = items[0]
    for index, item in enumerate(items):
        if item is None:
            if index == 0:
                raise JavaException(_NPE, _compare_to_npe(items[1]))
            raise JavaException(_NPE, 'Cannot invoke "java.lang.Comparable.compareTo(Object)" because "a[runHi]" is null')
    for item in items:
        if java_class_name(item) != java_class_name(first):
            raise _class_cast(first, java_class_name(item))
    if isinstance(first, str):
        return utf16_units
    if type(first) is float:
        return functools.cmp_to_key(_double_compare)
    if type(first) in (int, bool):
        return lambda value: value
    if type(first) is JavaChar:
        return lambda value: value.value
    raise _class_cast(first, "java.lang.Comparable")


def _compare_to_npe(receiver: Any) -> str:
    """The message of receiver.compareTo(null)."""
    field = {"java.lang.String": "anotherString", "java.lang.Integer": "anotherInteger",
             "java.lang.Long": "anotherLong", "java.lang.Double": "anotherDouble", "java.lang.Boolean": "b"}
    return f'Cannot read field "value" because "{field.get(java_class_name(receiver), "o")}" is null'


def _l_sort(items: list, comparator: Any) -> str:
    """List.sort(null): natural ordering (no Comparator can be written in a template)."""
    if comparator is not None:
        raise NoMatchingOverload
    if len(items) > 1:
        items.sort(key=_natural_order_key(items))
    return VOID


def _l_iterator(items: list) -> JavaIterator:
    return JavaIterator(list(items), "java.util.ArrayList$Itr", items)


_LIST_METHODS: dict[str, Any] = {
    "iterator": _l_iterator,
    "size": _l_size, "isEmpty": _l_is_empty, "get": _l_get, "set": _l_set, "add": _l_add,
    "addAll": _l_add_all, "remove": _l_remove, "removeAll": _l_remove_all, "retainAll": _l_retain_all,
    "contains": _l_contains, "containsAll": _l_contains_all, "indexOf": _l_index_of,
    "lastIndexOf": _l_last_index_of, "clear": _l_clear, "subList": _l_sub_list, "sort": _l_sort,
}


# ---------------------------------------------------------------------------------------------
# java.util.LinkedHashMap

_ABSENT = object()


def _find_key(mapping: dict, key: Any) -> Any:
    """The stored key that Java's equals() matches, or _ABSENT.

    Python's dict would also match 1 with 1.0 and True; Java's map does not.
    """
    if isinstance(key, str):
        return key if key in mapping else _ABSENT
    if key is None:
        return None if None in mapping else _ABSENT
    for stored in mapping:
        if java_equals(stored, key):
            return stored
    return _ABSENT


def java_map_get(mapping: dict, key: Any) -> Any:
    """Map.get(key), keys matched with Java's equals() (a String key: see vtl.speedups.map_get)."""
    stored = _find_key(mapping, key)
    return None if stored is _ABSENT else mapping[stored]


def _m_get_or_default(mapping: dict, key: Any, default: Any) -> Any:
    stored = _find_key(mapping, key)
    return default if stored is _ABSENT else mapping[stored]


def _m_contains_key(mapping: dict, key: Any) -> bool:
    return _find_key(mapping, key) is not _ABSENT


def _m_contains_value(mapping: dict, value: Any) -> bool:
    return _index_of_object(list(mapping.values()), value) >= 0


def java_map_put(mapping: dict, key: Any, value: Any) -> Any:
    """Map.put(key, value), keys matched with Java's equals(); returns the previous value, or
    null for a new key."""
    stored = _find_key(mapping, key)
    if stored is _ABSENT:
        mapping[key] = value
        return None
    old, mapping[stored] = mapping[stored], value
    return old


def _m_put_if_absent(mapping: dict, key: Any, value: Any) -> Any:
    """Sets the value when the key is absent or maps to null; returns the previous value."""
    stored = _find_key(mapping, key)
    if stored is _ABSENT:
        mapping[key] = value
        return None
    old = mapping[stored]
    if old is None:
        mapping[stored] = value
    return old


def _m_put_all(mapping: dict, other: Any) -> str:
    other = _map_arg(other, 'Cannot invoke "java.util.Map.size()" because "m" is null')
    for key, value in list(other.items()):
        java_map_put(mapping, key, value)
    return VOID


def _m_remove(mapping: dict, key: Any, expected: Any = _MISSING) -> Any:
    """remove(key) returns the removed value; remove(key, value) returns whether it removed."""
    stored = _find_key(mapping, key)
    if expected is not _MISSING:
        if stored is _ABSENT or not _values_equal(mapping[stored], expected):
            return False
        del mapping[stored]
        return True
    if stored is _ABSENT:
        return None
    return mapping.pop(stored)


def _values_equal(a: Any, b: Any) -> bool:
    """Objects.equals."""
    return a is None and b is None or a is not None and java_equals(a, b)


def _m_replace(mapping: dict, key: Any, value: Any, new_value: Any = _MISSING) -> Any:
    """replace(key, value) returns the old value; replace(key, old, new) whether it replaced."""
    stored = _find_key(mapping, key)
    if new_value is _MISSING:
        if stored is _ABSENT:
            return None
        old, mapping[stored] = mapping[stored], value
        return old
    if stored is _ABSENT or not _values_equal(mapping[stored], value):
        return False
    mapping[stored] = new_value
    return True


def _m_size(mapping: dict) -> int:
    return len(mapping)


def _m_is_empty(mapping: dict) -> bool:
    return not mapping


def _m_clear(mapping: dict) -> str:
    mapping.clear()
    return VOID


def _m_key_set(mapping: dict) -> "MapView":
    return MapView(mapping, list, "java.util.LinkedHashMap$LinkedKeySet")


def _m_values(mapping: dict) -> "MapView":
    return MapView(mapping, values_of, "java.util.LinkedHashMap$LinkedValues")


def _m_entry_set(mapping: dict) -> "MapView":
    return MapView(mapping, _entries_of, "java.util.LinkedHashMap$LinkedEntrySet")


def values_of(mapping: dict) -> list:
    return list(mapping.values())


def _entries_of(mapping: dict) -> list:
    return [MapEntry(mapping, key) for key in mapping]


class MapView(JavaObject):
    """What keySet(), values() and entrySet() return: a live view of the map, a Set or
    Collection, not a List. It iterates and prints like a list ("[a, b]"), but has no get(int)
    and no [index], so ``$m.keySet().get(0)`` is "method not found" as in Java. A #foreach over
    it fails as one over the map does when the map changes size meanwhile."""

    __slots__ = ("mapping", "read", "java_class_name")

    def __init__(self, mapping: dict, read: Callable[[dict], list], java_class_name: str) -> None:
        self.mapping, self.read, self.java_class_name = mapping, read, java_class_name

    @property
    def items(self) -> list:
        """The view's elements now (a new list)."""
        return self.read(self.mapping)

    def java_to_string(self) -> str:
        return to_java_string(self.items)


def _view_contains(view: MapView, item: Any) -> bool:
    return any(java_equals(element, item) for element in view.items)


def _view_contains_all(view: MapView, other: Any) -> bool:
    items = other.items if isinstance(other, MapView) else _collection_arg(other)
    return all(_view_contains(view, item) for item in items)


def _view_equals(view: MapView, other: Any) -> bool:
    # Set equality ignores order; values() (a plain Collection) only equals itself.
    if not isinstance(other, MapView) or view.java_class_name.endswith("Values"):
        return view is other
    return len(view.items) == len(other.items) and _view_contains_all(view, other)


register_methods(MapView, {
    "size": lambda view: len(view.mapping), "isEmpty": lambda view: not view.mapping,
    "contains": _view_contains, "containsAll": _view_contains_all, "equals": _view_equals,
    "toString": MapView.java_to_string,
})


class JavaIterator(JavaObject):
    """What iterator() returns: walks its items once; a #foreach over it takes the rest. remove()
    takes the last item returned out of the list it came from."""

    __slots__ = ("items", "position", "source", "removed", "can_remove", "java_class_name")

    def __init__(self, items: list, java_class_name: str, source: list | None = None) -> None:
        self.items, self.position, self.source, self.java_class_name = items, 0, source, java_class_name
        self.removed, self.can_remove = 0, False  # items taken out of source; whether next() came since

    def java_to_string(self) -> str:
        return f"{self.java_class_name}@{id(self) & 0xFFFFFFF:x}"

    def iteration_items(self) -> list:
        rest = self.items[self.position:]
        self.position, self.can_remove = len(self.items), False
        return rest


def _iterator_next(iterator: JavaIterator) -> Any:
    if iterator.position >= len(iterator.items):
        raise JavaException("java.util.NoSuchElementException")
    iterator.position += 1
    iterator.can_remove = True
    return iterator.items[iterator.position - 1]


def _iterator_remove(iterator: JavaIterator) -> str:
    if iterator.source is None:
        raise JavaException("java.lang.UnsupportedOperationException", "remove")
    if not iterator.can_remove:
        raise JavaException("java.lang.IllegalStateException")
    del iterator.source[iterator.position - 1 - iterator.removed]
    iterator.removed += 1
    iterator.can_remove = False
    return VOID


register_methods(JavaIterator, {
    "hasNext": lambda iterator: iterator.position < len(iterator.items), "next": _iterator_next,
    "remove": _iterator_remove,
})
register_methods(MapView, {
    "iterator": lambda view: JavaIterator(list(view.items), view.java_class_name.replace("Set", "Iterator")
                                          .replace("LinkedValues", "LinkedValueIterator"))})


_MAP_METHODS: dict[str, Any] = {
    "get": map_get, "getOrDefault": _m_get_or_default, "containsKey": _m_contains_key,
    "containsValue": _m_contains_value, "put": java_map_put, "putIfAbsent": _m_put_if_absent, "putAll": _m_put_all,
    "remove": _m_remove, "replace": _m_replace, "size": _m_size, "isEmpty": _m_is_empty, "clear": _m_clear,
    "keySet": _m_key_set, "values": _m_values, "entrySet": _m_entry_set,
}


# ---------------------------------------------------------------------------------------------
# Map.Entry

def _e_get_key(entry: MapEntry) -> Any:
    return entry.key


def _e_get_value(entry: MapEntry) -> Any:
    return entry.value


def _e_set_value(entry: MapEntry, value: Any) -> Any:
    return entry.set_value(value)


_ENTRY_METHODS: dict[str, Any] = {"getKey": _e_get_key, "getValue": _e_get_value, "setValue": _e_set_value}


# ---------------------------------------------------------------------------------------------
# Numbers: Integer, Long, BigInteger (all Python int) and Double (float)

def _integer_kind(value: Any) -> str:
    """"Integer", "Long" or "BigInteger"; a bool receiver (an int subclass) has no number methods."""
    if type(value) is not int:
        raise NoMatchingOverload
    if INT_MIN <= value <= INT_MAX:
        return "Integer"
    if LONG_MIN <= value <= LONG_MAX:
        return "Long"
    return "BigInteger"


def _only(*kinds: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Restrict an int method to receivers of some Java classes (parseInt is Integer's only)."""
    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)  # keeps the signature, hence the arity find_and_call sees
        def method(receiver: Any, *args: Any) -> Any:
            if _integer_kind(receiver) not in kinds:
                raise NoMatchingOverload
            return function(receiver, *args)
        return method
    return decorate


_ANY_INTEGER = ("Integer", "Long", "BigInteger")
_PRIMITIVE_INTEGER = ("Integer", "Long")


def _wrap(value: int, bits: int) -> int:
    half = 1 << (bits - 1)
    return (value + half) % (1 << bits) - half


@_only(*_ANY_INTEGER)
def _n_int_value(n: int) -> int:
    return _wrap(n, 32)


@_only(*_ANY_INTEGER)
def _n_long_value(n: int) -> int:
    return _wrap(n, 64)


@_only(*_ANY_INTEGER)
def _n_short_value(n: int) -> int:
    return _wrap(n, 16)


@_only(*_ANY_INTEGER)
def _n_byte_value(n: int) -> int:
    return _wrap(n, 8)


@_only(*_ANY_INTEGER)
def _n_double_value(n: int) -> float:
    try:
        return float(n)
    except OverflowError:
        return math.copysign(math.inf, n)


@_only(*_ANY_INTEGER)
def _n_compare_to(n: int, other: Any) -> int:
    kind = _integer_kind(n)
    if other is None:
        if kind == "BigInteger":
            raise JavaException(_NPE, 'Cannot read field "signum" because "val" is null')
        raise JavaException(_NPE, _compare_to_npe(n))
    if type(other) is not int or _integer_kind(other) != kind:
        raise _class_cast(other, java_class_name(n))
    return (n > other) - (n < other)


@_only(*_ANY_INTEGER)
def _n_to_string(n: int, value: Any = _MISSING, radix: Any = _MISSING) -> str:
    """toString(); static toString(int|long[, radix]); BigInteger's toString(radix)."""
    kind = _integer_kind(n)
    if value is _MISSING:
        return str(n)
    if kind == "BigInteger":
        if radix is not _MISSING:
            raise NoMatchingOverload
        return _to_radix(n, _int_arg(value))
    value = _int_arg(value) if kind == "Integer" else _long_arg(value)
    return str(value) if radix is _MISSING else _to_radix(value, _int_arg(radix))


def _to_radix(value: int, radix: int) -> str:
    if not 2 <= radix <= 36:
        radix = 10
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    magnitude, out = abs(value), []
    while True:
        magnitude, digit = divmod(magnitude, radix)
        out.append(digits[digit])
        if not magnitude:
            break
    return ("-" if value < 0 else "") + "".join(reversed(out))


def _unsigned_string(bits: int, shift: int) -> Callable[..., str]:
    """Integer/Long.toHexString, toOctalString, toBinaryString (two's complement, unsigned)."""
    def convert(n: int, value: Any) -> str:
        kind = _integer_kind(n)
        if kind == "BigInteger":
            raise NoMatchingOverload
        width = 32 if kind == "Integer" else 64
        value = (_int_arg(value) if kind == "Integer" else _long_arg(value)) & ((1 << width) - 1)
        return format(value, {1: "b", 3: "o", 4: "x"}[shift])
    return convert


def _digit_value(ch: str, radix: int) -> int:
    """Character.digit(ch, radix), or -1."""
    value = unicodedata.decimal(ch, -1)
    if value < 0:
        lowered = ch.lower()
        if "a" <= lowered <= "z":
            value = ord(lowered) - ord("a") + 10
        elif "\uff41" <= lowered <= "\uff5a":  # fullwidth Latin letters
            value = ord(lowered) - 0xFF41 + 10
    return value if 0 <= value < radix else -1


def _parse_integer(text: Any, radix: int, low: int, high: int) -> int:
    """Integer.parseInt / Long.parseLong with Java's accepted syntax and messages."""
    if text is None:
        raise JavaException(_NFE, "Cannot parse null string")
    text = _string_arg(text)
    if not 2 <= radix <= 36:
        raise JavaException(_NFE, f"radix {radix} {'less than Character.MIN_RADIX' if radix < 2 else 'greater than Character.MAX_RADIX'}")

    def bad() -> JavaException:
        suffix = "" if radix == 10 else f" under radix {radix}"
        return JavaException(_NFE, f'For input string: "{text}"{suffix}')

    body, sign = text, 1
    if body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        raise bad()
    value = 0
    for ch in body:
        digit = _digit_value(ch, radix)
        if digit < 0:
            raise bad()
        value = value * radix + digit
    value *= sign
    if not low <= value <= high:
        raise bad()
    return value


@_only("Integer")
def _n_parse_int(n: int, text: Any, radix: Any = 10) -> int:
    return _parse_integer(text, _int_arg(radix), INT_MIN, INT_MAX)


@_only("Long")
def _n_parse_long(n: int, text: Any, radix: Any = 10) -> int:
    return _parse_integer(text, _int_arg(radix), LONG_MIN, LONG_MAX)


@_only(*_PRIMITIVE_INTEGER)
def _n_value_of(n: int, value: Any, radix: Any = _MISSING) -> int:
    """static valueOf(String[, radix]) or valueOf(int|long)."""
    kind = _integer_kind(n)
    low, high = (INT_MIN, INT_MAX) if kind == "Integer" else (LONG_MIN, LONG_MAX)
    if radix is _MISSING and type(value) is int:
        return _int_arg(value) if kind == "Integer" else _long_arg(value)
    return _parse_integer(value, 10 if radix is _MISSING else _int_arg(radix), low, high)


def _integer_binary(operation: Callable[[int, int], int]) -> Callable[..., int]:
    """Integer/Long static max, min, sum, compare (int arithmetic wraps)."""
    def method(n: int, a: Any, b: Any) -> int:
        kind = _integer_kind(n)
        if kind == "BigInteger":
            raise NoMatchingOverload
        convert = _int_arg if kind == "Integer" else _long_arg
        return _wrap(operation(convert(a), convert(b)), 32 if kind == "Integer" else 64)
    return method


@_only(*_ANY_INTEGER)
def _n_signum(n: int, value: Any = _MISSING) -> int:
    """BigInteger.signum() or static Integer/Long.signum(x)."""
    kind = _integer_kind(n)
    if kind == "BigInteger":
        if value is not _MISSING:  # only signum() applies, and it takes nothing
            raise _wrong_number_of_arguments()
        value = n
    elif value is _MISSING:
        raise NoMatchingOverload
    else:
        value = _int_arg(value) if kind == "Integer" else _long_arg(value)
    return (value > 0) - (value < 0)


@_only(*_PRIMITIVE_INTEGER)
def _n_bit_count(n: int, value: Any) -> int:
    width = 32 if _integer_kind(n) == "Integer" else 64
    converted = _int_arg(value) if width == 32 else _long_arg(value)
    return bin(converted & ((1 << width) - 1)).count("1")


_INTEGER_METHODS: dict[str, Any] = {
    "intValue": _n_int_value, "longValue": _n_long_value, "shortValue": _n_short_value,
    "byteValue": _n_byte_value, "doubleValue": _n_double_value, "compareTo": _n_compare_to,
    "toString": _n_to_string, "toHexString": _only(*_PRIMITIVE_INTEGER)(_unsigned_string(32, 4)),
    "toOctalString": _only(*_PRIMITIVE_INTEGER)(_unsigned_string(32, 3)),
    "toBinaryString": _only(*_PRIMITIVE_INTEGER)(_unsigned_string(32, 1)),
    "parseInt": _n_parse_int, "parseLong": _n_parse_long, "valueOf": _n_value_of,
    "max": _integer_binary(max), "min": _integer_binary(min), "sum": _integer_binary(lambda a, b: a + b),
    "compare": _integer_binary(lambda a, b: (a > b) - (a < b)), "signum": _n_signum, "bitCount": _n_bit_count,
}


def _saturate(value: float, low: int, high: int) -> int:
    """(int)/(long) cast of a double: NaN is 0, out of range saturates."""
    if value != value:
        return 0
    if value >= high:
        return high
    if value <= low:
        return low
    return int(value)


def _d_int_value(d: float) -> int:
    return _saturate(d, INT_MIN, INT_MAX)


def _d_long_value(d: float) -> int:
    return _saturate(d, LONG_MIN, LONG_MAX)


def _d_short_value(d: float) -> int:
    return _wrap(_saturate(d, INT_MIN, INT_MAX), 16)


def _d_byte_value(d: float) -> int:
    return _wrap(_saturate(d, INT_MIN, INT_MAX), 8)


def _d_double_value(d: float) -> float:
    return d


def _double_compare(a: float, b: float) -> int:
    """Double.compare: -0.0 < 0.0 and NaN above everything (equal to itself)."""
    if a < b:
        return -1
    if a > b:
        return 1
    bits_a, bits_b = _double_bits(a), _double_bits(b)
    return (bits_a > bits_b) - (bits_a < bits_b)


def _d_compare_to(d: float, other: Any) -> int:
    if other is None:
        raise JavaException(_NPE, _compare_to_npe(d))
    if type(other) is not float:
        raise _class_cast(other, "java.lang.Double")
    return _double_compare(d, other)


def _d_is_nan(d: float, value: Any = _MISSING) -> bool:
    """isNaN() or static isNaN(double)."""
    value = d if value is _MISSING else _double_arg(value)
    return value != value


def _d_is_infinite(d: float, value: Any = _MISSING) -> bool:
    value = d if value is _MISSING else _double_arg(value)
    return math.isinf(value)


def _d_is_finite(d: float, value: Any) -> bool:
    return math.isfinite(_double_arg(value))


_JAVA_DOUBLE = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+)[fFdD]?)")


def parse_java_double(text: Any) -> float:
    """Double.parseDouble: Java's literal syntax (suffixes, hex floats), surrounding trim()."""
    text = _string_arg(text, 'Cannot invoke "String.trim()" because "in" is null')
    trimmed = _s_trim(text)
    if not trimmed:
        raise JavaException(_NFE, "empty String")
    if not _JAVA_DOUBLE.fullmatch(trimmed):
        raise JavaException(_NFE, f'For input string: "{text}"')
    if trimmed[-1] in "fFdD":  # a type suffix (hex floats end with exponent digits)
        trimmed = trimmed[:-1]
    if "x" in trimmed or "X" in trimmed:
        return float.fromhex(trimmed)
    return float(trimmed)  # also reads NaN and [+-]Infinity


def _d_parse_double(d: float, text: Any) -> float:
    return parse_java_double(text)


def _d_value_of(d: float, value: Any) -> float:
    """static valueOf(String) or valueOf(double)."""
    if isinstance(value, str) or value is None:
        return parse_java_double(value)
    return _double_arg(value)


def _d_to_string(d: float, value: Any = _MISSING) -> str:
    """toString() or static toString(double)."""
    return to_java_string(d if value is _MISSING else _double_arg(value))


def _double_binary(operation: Callable[[float, float], Any]) -> Callable[..., Any]:
    def method(d: float, a: Any, b: Any) -> Any:
        return operation(_double_arg(a), _double_arg(b))
    return method


def _java_max(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    return a if _double_compare(a, b) >= 0 else b


def _java_min(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    return a if _double_compare(a, b) <= 0 else b


_DOUBLE_METHODS: dict[str, Any] = {
    "intValue": _d_int_value, "longValue": _d_long_value, "shortValue": _d_short_value,
    "byteValue": _d_byte_value, "doubleValue": _d_double_value, "compareTo": _d_compare_to,
    "isNaN": _d_is_nan, "isInfinite": _d_is_infinite, "isFinite": _d_is_finite,
    "parseDouble": _d_parse_double, "valueOf": _d_value_of, "toString": _d_to_string,
    "compare": _double_binary(_double_compare), "max": _double_binary(_java_max),
    "min": _double_binary(_java_min), "sum": _double_binary(lambda a, b: a + b),
}


# ---------------------------------------------------------------------------------------------
# java.lang.Boolean

def _b_boolean_value(b: bool) -> bool:
    return b


def _b_compare_to(b: bool, other: Any) -> int:
    if other is None:
        raise JavaException(_NPE, _compare_to_npe(b))
    if type(other) is not bool:
        raise _class_cast(other, "java.lang.Boolean")
    return int(b) - int(other)


def _parse_boolean(text: Any) -> bool:
    return isinstance(text, str) and text.lower() == "true" and len(text) == 4


def _b_parse_boolean(b: bool, text: Any) -> bool:
    if text is not None and not isinstance(text, str):
        raise NoMatchingOverload
    return _parse_boolean(text)


def _b_value_of(b: bool, value: Any) -> bool:
    """static valueOf(String) or valueOf(boolean)."""
    if type(value) is bool:
        return value
    if value is None or isinstance(value, str):
        return _parse_boolean(value)
    raise NoMatchingOverload


def _b_to_string(b: bool, value: Any = _MISSING) -> str:
    """toString() or static toString(boolean)."""
    value = b if value is _MISSING else _bool_arg(value)
    return "true" if value else "false"


def _boolean_binary(operation: Callable[[bool, bool], Any]) -> Callable[..., Any]:
    def method(b: bool, x: Any, y: Any) -> Any:
        return operation(_bool_arg(x), _bool_arg(y))
    return method


_BOOLEAN_METHODS: dict[str, Any] = {
    "booleanValue": _b_boolean_value, "compareTo": _b_compare_to, "parseBoolean": _b_parse_boolean,
    "valueOf": _b_value_of, "toString": _b_to_string,
    "compare": _boolean_binary(lambda x, y: int(x) - int(y)),
    "logicalAnd": _boolean_binary(lambda x, y: x and y), "logicalOr": _boolean_binary(lambda x, y: x or y),
    "logicalXor": _boolean_binary(lambda x, y: x != y),
}


# ---------------------------------------------------------------------------------------------
# Registration

def _wrong_number_of_arguments() -> JavaException:
    return JavaException("java.lang.IllegalArgumentException", "wrong number of arguments")


def _zero_parameter_fallback(receiver: Any, *args: Any) -> Any:
    """Velocity 1.7 finds a method without parameters applicable to any arguments (when nothing
    better applies), and Method.invoke then throws: ``$s.length(1)`` is an error, not a miss."""
    raise _wrong_number_of_arguments()


def _int_zero_parameter_fallback(receiver: Any, *args: Any) -> Any:
    """As above for Integer/Long/BigInteger methods, which bool (an int subclass) must not reach."""
    if type(receiver) is not int:
        raise NoMatchingOverload
    raise _wrong_number_of_arguments()


_OBJECT_ZERO_PARAMETER = ("toString", "hashCode", "getClass")


def _register(python_type: type, methods: dict[str, Any], zero_parameter: tuple[str, ...],
              object_methods: bool = True) -> None:
    """Register a class's methods, then Object's, then the zero-parameter catch-alls (tried last)."""
    table = dict(methods)
    if object_methods:
        for name, function in _OBJECT_METHODS.items():
            table.setdefault(name, function)
    register_methods(python_type, table)
    names = zero_parameter + (_OBJECT_ZERO_PARAMETER if object_methods else ())
    fallback = _int_zero_parameter_fallback if python_type is int else _zero_parameter_fallback
    register_methods(python_type, {name: fallback for name in names})


_register(str, _STRING_METHODS, ("length", "isEmpty", "trim", "intern", "toUpperCase", "toLowerCase"))
_register(list, _LIST_METHODS, ("size", "isEmpty", "clear"))
_register(dict, _MAP_METHODS, ("size", "isEmpty", "clear", "keySet", "values", "entrySet"))
_register(bool, _BOOLEAN_METHODS, ("booleanValue",))
_register(int, _INTEGER_METHODS, ("intValue", "longValue", "shortValue", "byteValue", "doubleValue"))
_register(float, _DOUBLE_METHODS, ("intValue", "longValue", "shortValue", "byteValue", "doubleValue",
                                   "isNaN", "isInfinite"))
_register(JavaChar, _CHARACTER_METHODS, ("charValue",), object_methods=False)
_register(MapEntry, _ENTRY_METHODS, ("getKey", "getValue"), object_methods=False)
register_methods(JavaObject, {"toString": lambda receiver: receiver.java_to_string(), "equals": _equals,
                              "hashCode": _hash_code, "getClass": _get_class})
register_methods(JavaObject, {name: _zero_parameter_fallback for name in _OBJECT_ZERO_PARAMETER})

__all__ = ["VOID", "JavaChar", "MapEntry", "java_hash_code", "string_hash", "utf16_length", "utf16_units",
           "from_utf16", "is_bmp", "parse_java_double"]
