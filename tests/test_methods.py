"""Java-like methods of built-in values, called the way the engine calls them (find_and_call).

Every row of CASES was checked against Apache Velocity 1.7 on Java 17 (the oracle in
/work/shared/oracle): ``$r.name($a0, $a1, ...)`` with the receiver and arguments in the
context. ``Prints`` is what the oracle rendered (Java's toString of the result; lone
surrogates print as "?"), ``Throws`` the Java exception and message it reported,
``NO_SUCH_METHOD`` and ``None`` both rendered the reference's source text (method not found
vs. a null result). The explicit tests below pin behaviours the table cannot show (mutation,
identity of the returned objects) and were checked against the oracle as noted.
"""
from __future__ import annotations

import copy
from typing import NamedTuple

import pytest

from vtl.errors import JavaException
from vtl.runtime.methods import VOID, JavaChar, MapEntry, java_hash_code, utf16_length, utf16_units
from vtl.runtime.objects import NO_SUCH_METHOD, find_and_call
from vtl.runtime.values import to_java_string

S = "Hello, World"
U = "a\U0001F600b"  # an emoji: two UTF-16 units


class Prints(NamedTuple):
    text: str


class Throws(NamedTuple):
    java_class: str
    message: str


def printed(value) -> str:
    """What Velocity writes for a value: Java's toString, lone surrogates as "?"."""
    text = to_java_string(value)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").replace("\ufffd", "?")


CASES = [
    # String
    (S, 'length', (), Prints('12')),
    (U, 'length', (), Prints('4')),
    ('', 'isEmpty', (), Prints('true')),
    (S, 'isEmpty', (), Prints('false')),
    (S, 'charAt', (4,), Prints('o')),
    (U, 'charAt', (3,), Prints('b')),
    (S, 'charAt', (12,), Throws('java.lang.StringIndexOutOfBoundsException', 'String index out of range: 12')),
    (S, 'charAt', (-1,), Throws('java.lang.StringIndexOutOfBoundsException', 'String index out of range: -1')),
    (S, 'charAt', ('0',), NO_SUCH_METHOD),
    (S, 'substring', (7,), Prints('World')),
    (S, 'substring', (0, 5), Prints('Hello')),
    (S, 'substring', (12,), Prints('')),
    (U, 'substring', (1, 3), Prints('😀')),
    (S, 'substring', (-1,), Throws('java.lang.StringIndexOutOfBoundsException', 'begin -1, end 12, length 12')),
    (S, 'substring', (5, 2), Throws('java.lang.StringIndexOutOfBoundsException', 'begin 5, end 2, length 12')),
    (S, 'substring', (2, 13), Throws('java.lang.StringIndexOutOfBoundsException', 'begin 2, end 13, length 12')),
    (S, 'substring', ('1',), NO_SUCH_METHOD),
    (S, 'substring', (1.5,), NO_SUCH_METHOD),
    (S, 'substring', (3000000000,), NO_SUCH_METHOD),
    (S, 'substring', (None,), NO_SUCH_METHOD),
    (S, 'substring', (), NO_SUCH_METHOD),
    (S, 'indexOf', ('o',), Prints('4')),
    (S, 'indexOf', ('o', 5), Prints('8')),
    (S, 'indexOf', ('o', -5), Prints('4')),
    (S, 'indexOf', ('', 99), Prints('12')),
    (S, 'indexOf', (111,), Prints('4')),
    (U, 'indexOf', (128512,), Prints('1')),
    (U, 'indexOf', ('b',), Prints('3')),
    (S, 'indexOf', (1.0,), NO_SUCH_METHOD),
    (S, 'indexOf', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.coder()" because "str" is null')),
    (S, 'lastIndexOf', ('o',), Prints('8')),
    (S, 'lastIndexOf', ('o', 5), Prints('4')),
    (S, 'lastIndexOf', ('o', -1), Prints('-1')),
    (S, 'lastIndexOf', ('', 99), Prints('12')),
    (S, 'lastIndexOf', (108,), Prints('10')),
    (S, 'contains', ('World',), Prints('true')),
    (S, 'contains', ('world',), Prints('false')),
    (S, 'contains', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "java.lang.CharSequence.toString()" because "s" is null')),
    (S, 'contains', (1,), NO_SUCH_METHOD),
    (S, 'startsWith', ('Hell',), Prints('true')),
    (S, 'startsWith', ('llo', 2), Prints('true')),
    (S, 'startsWith', ('', 13), Prints('false')),
    (S, 'startsWith', ('H', -1), Prints('false')),
    (S, 'startsWith', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.length()" because "prefix" is null')),
    (S, 'endsWith', ('World',), Prints('true')),
    (S, 'endsWith', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.length()" because "suffix" is null')),
    (S, 'equals', (S,), Prints('true')),
    (S, 'equals', (None,), Prints('false')),
    (S, 'equals', (5,), Prints('false')),
    ('5', 'equals', (5,), Prints('false')),
    (S, 'equalsIgnoreCase', ('HELLO, WORLD',), Prints('true')),
    (S, 'equalsIgnoreCase', (None,), Prints('false')),
    ('straße', 'equalsIgnoreCase', ('STRASSE',), Prints('false')),
    (S, 'compareTo', ('Hello',), Prints('7')),
    (S, 'compareTo', ('hello',), Prints('-32')),
    (S, 'compareTo', (5,),
     Throws('java.lang.ClassCastException', "class java.lang.Integer cannot be cast to class java.lang.String (java.lang.Integer and java.lang.String are in module java.base of loader 'bootstrap')")),
    (S, 'compareTo', (None,),
     Throws('java.lang.NullPointerException', 'Cannot read field "value" because "anotherString" is null')),
    ('\U0001F600', 'compareTo', ('\ufb01',), Prints('-8900')),
    (S, 'compareToIgnoreCase', ('HELLO',), Prints('7')),
    (S, 'compareToIgnoreCase', (None,),
     Throws('java.lang.NullPointerException', 'Cannot read field "value" because "s2" is null')),
    (S, 'regionMatches', (True, 7, 'WORLD', 0, 5), Prints('true')),
    (S, 'regionMatches', (7, 'WORLD', 0, 5), Prints('false')),
    (S, 'concat', ('!',), Prints('Hello, World!')),
    (S, 'concat', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.isEmpty()" because "str" is null')),
    (S, 'concat', (5,), NO_SUCH_METHOD),
    (S, 'replace', ('l', 'L'), Prints('HeLLo, WorLd')),
    ('abc', 'replace', ('', '-'), Prints('-a-b-c-')),
    (S, 'replace', ('l', None),
     Throws('java.lang.NullPointerException', 'Cannot invoke "java.lang.CharSequence.toString()" because "replacement" is null')),
    (S, 'replace', (None, 'x'),
     Throws('java.lang.NullPointerException', 'Cannot invoke "java.lang.CharSequence.toString()" because "target" is null')),
    ('MiXeD', 'toUpperCase', (), Prints('MIXED')),
    ('MiXeD', 'toLowerCase', (), Prints('mixed')),
    ('straße ΣΑΣ', 'toUpperCase', (), Prints('STRASSE ΣΑΣ')),
    ('ΣΑΣ', 'toLowerCase', (), Prints('σας')),
    (S, 'toUpperCase', (None,), Throws('java.lang.NullPointerException', '')),
    (S, 'toUpperCase', ('x',), Throws('java.lang.IllegalArgumentException', 'wrong number of arguments')),
    ('\x00\t x \x1f \xa0', 'trim', (), Prints('x \x1f \xa0')),
    (S, 'hashCode', (), Prints('-505841268')),
    (U, 'hashCode', (), Prints('57849694')),
    ('', 'hashCode', (), Prints('0')),
    (S, 'intern', (), Prints('Hello, World')),
    (S, 'toString', (), Prints('Hello, World')),
    (S, 'length', (1,), Throws('java.lang.IllegalArgumentException', 'wrong number of arguments')),
    (S, 'nosuch', (), NO_SUCH_METHOD),
    (S, 'valueOf', (1,), Prints('1')),
    (S, 'valueOf', (2.5,), Prints('2.5')),
    (S, 'valueOf', (None,), Prints('null')),
    (S, 'valueOf', (), Prints('')),
    (S, 'valueOf', ([1, 'a'],), Prints('[1, a]')),
    ('', 'join', ('-', ['x', 'y']), Prints('x-y')),
    ('', 'join', (', ', 'a', 'b'), Prints('a, b')),
    ('', 'join', ('-',), Prints('')),
    ('', 'join', ('-', [1, 2]),
     Throws('java.lang.ClassCastException', "class java.lang.Integer cannot be cast to class java.lang.CharSequence (java.lang.Integer and java.lang.CharSequence are in module java.base of loader 'bootstrap')")),
    ('', 'join', ('-', None), NO_SUCH_METHOD),
    ('', 'join', (None, 'a'),
     Throws('java.lang.NullPointerException', 'Cannot invoke "java.lang.CharSequence.toString()" because "delimiter" is null')),
    (S, 'matches', ('H.*d',), Prints('true')),
    (S, 'matches', ('Hello',), Prints('false')),
    (S, 'matches', ('[',),
     Throws('java.util.regex.PatternSyntaxException', 'Unclosed character class near index 0\n[\n^')),
    (S, 'matches', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.isEmpty()" because "this.pattern" is null')),
    ('joe@example ann@test', 'replaceAll', ('(\\w+)@(\\w+)', '$2 at $1'), Prints('example at joe test at ann')),
    (S, 'replaceAll', ('(l)', '$2'), Throws('java.lang.IndexOutOfBoundsException', 'No group 2')),
    (S, 'replaceAll', ('l', '$'),
     Throws('java.lang.IllegalArgumentException', 'Illegal group reference: group index is missing')),
    (S, 'replaceAll', ('zzz', '$'), Prints('Hello, World')),
    (S, 'replaceAll', ('(l)', '$12'), Prints('Hel2l2o, Worl2d')),
    (S, 'replaceAll', ('l', None),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.length()" because "replacement" is null')),
    (S, 'replaceAll', ('zz', None), Prints('Hello, World')),
    (S, 'replaceAll', (None, 'x'),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.isEmpty()" because "this.pattern" is null')),
    (S, 'replaceFirst', ('l+', 'L'), Prints('HeLo, World')),
    (S, 'replaceFirst', ('l', None), Throws('java.lang.NullPointerException', 'replacement')),
    (S, 'split', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.length()" because "regex" is null')),
    (S, 'split', (',', 1.5), NO_SUCH_METHOD),
    (S, 'format', ('%s|%5d|%-5d|%05d|%,d|%x|%.2f', 'a', 42, 42, 42, 1234567, 255, 0.125),
     Prints('a|   42|42   |00042|1,234,567|ff|0.13')),
    (S, 'format', ('%e|%g|%.1f', 12345.678, 12345.678, 0.15), Prints('1.234568e+04|12345.7|0.2')),
    (S, 'format', ('%s %s', None), Prints('null null')),
    (S, 'format', ('%d', 'x'), Throws('java.util.IllegalFormatConversionException', 'd != java.lang.String')),
    (S, 'format', ('%s %s', 'a'), Throws('java.util.MissingFormatArgumentException', "Format specifier '%s'")),
    (S, 'format', ('%q',), Throws('java.util.UnknownFormatConversionException', "Conversion = 'q'")),
    (S, 'format', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.length()" because "s" is null')),
    (S, 'codePointAt', (0,), Prints('72')),
    (U, 'codePointAt', (1,), Prints('128512')),
    (U, 'codePointAt', (2,), Prints('56832')),
    (U, 'codePointCount', (0, 4), Prints('3')),
    (S, 'getClass', (), Prints('class java.lang.String')),
    # List
    ([1, 2, 3], 'size', (), Prints('3')),
    ([1, 2, 3], 'get', (0,), Prints('1')),
    ([1, 2, 3], 'get', (3,), Throws('java.lang.IndexOutOfBoundsException', 'Index 3 out of bounds for length 3')),
    ([1, 2, 3], 'get', (-1,), Throws('java.lang.IndexOutOfBoundsException', 'Index -1 out of bounds for length 3')),
    ([1, 2, 3], 'get', ('0',), NO_SUCH_METHOD),
    ([1, 2, 3], 'get', (0.0,), NO_SUCH_METHOD),
    ([1, 2, 3], 'get', (None,), NO_SUCH_METHOD),
    ([1, 2, 3], 'add', (4,), Prints('true')),
    ([1, 2, 3], 'add', (0, 'z'), Prints('')),
    ([1, 2, 3], 'add', (9, 'z'), Throws('java.lang.IndexOutOfBoundsException', 'Index: 9, Size: 3')),
    ([1, 2, 3], 'add', (None,), Prints('true')),
    ([1, 2, 3], 'set', (0, 'x'), Prints('1')),
    ([1, 2, 3], 'set', (3, 'x'), Throws('java.lang.IndexOutOfBoundsException', 'Index 3 out of bounds for length 3')),
    ([1, 2, 3], 'remove', (1,), Prints('2')),
    (['a', 'b'], 'remove', ('b',), Prints('true')),
    (['a', 'b'], 'remove', (5,), Throws('java.lang.IndexOutOfBoundsException', 'Index 5 out of bounds for length 2')),
    ([1, 2.0, 3], 'remove', (2.0,), Prints('true')),
    ([1, 2, 3], 'remove', (None,), Prints('false')),
    ([1, '1', 1.0, True, None], 'contains', (1,), Prints('true')),
    ([1, '1', 1.0, True, None], 'contains', (1.0,), Prints('true')),
    ([1, '1', 1.0, True, None], 'contains', (True,), Prints('true')),
    ([1, '1', 1.0, True, None], 'contains', (None,), Prints('true')),
    ([1, '1', 1.0, True, None], 'indexOf', (1.0,), Prints('2')),
    (['x', 'y', 'x'], 'lastIndexOf', ('x',), Prints('2')),
    ([1, 2, 3], 'containsAll', ([1, 2],), Prints('true')),
    ([1, 2, 3], 'containsAll', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "java.util.Collection.iterator()" because "c" is null')),
    ([1, 2, 3], 'addAll', (['a'],), Prints('true')),
    ([1, 2, 3], 'addAll', (1, ['p', 'q']), Prints('true')),
    ([1, 2, 3], 'addAll', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "java.util.Collection.toArray()" because "c" is null')),
    (['x', 'y', 'x'], 'removeAll', (['x'],), Prints('true')),
    (['a', 'b', 'c'], 'retainAll', (['b', 'z'],), Prints('true')),
    ([1, 2, 3], 'clear', (), Prints('')),
    ([1, 2, 3], 'subList', (1, 3), Prints('[2, 3]')),
    ([1, 2, 3], 'subList', (2, 1), Throws('java.lang.IllegalArgumentException', 'fromIndex(2) > toIndex(1)')),
    ([1, 2, 3], 'subList', (0, 4), Throws('java.lang.IndexOutOfBoundsException', 'toIndex = 4')),
    ([1, 2, 3], 'equals', ([1, 2, 3],), Prints('true')),
    ([1, 2, 3], 'hashCode', (), Prints('30817')),
    (['a', 'b', 'c'], 'hashCode', (), Prints('126145')),
    ([1, 2, 3], 'toString', (), Prints('[1, 2, 3]')),
    (['b', 'C', 'a'], 'sort', (None,), Prints('')),
    ([1, 'a'], 'sort', (None,),
     Throws('java.lang.ClassCastException', "class java.lang.Integer cannot be cast to class java.lang.String (java.lang.Integer and java.lang.String are in module java.base of loader 'bootstrap')")),
    ([None, 1], 'sort', (None,),
     Throws('java.lang.NullPointerException', 'Cannot read field "value" because "anotherInteger" is null')),
    ([1, 2, 3], 'size', (1, 2), Throws('java.lang.IllegalArgumentException', 'wrong number of arguments')),
    ([1, 2, 3], 'isEmpty', (), Prints('false')),
    # Map
    ({'a': 1, 'b': 'two', 'c': None}, 'get', ('a',), Prints('1')),
    ({'a': 1, 'c': None}, 'get', ('c',), None),
    ({'a': 1}, 'get', ('zz',), None),
    ({'1': 'one'}, 'get', (1,), None),
    ({'a': 1}, 'put', ('a', 9), Prints('1')),
    ({'a': 1}, 'put', ('new', 1), None),
    ({'a': 1}, 'putAll', ({'x': 1},), Prints('')),
    ({'a': 1}, 'putAll', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "java.util.Map.size()" because "m" is null')),
    ({'a': 1, 'b': 2}, 'remove', ('a',), Prints('1')),
    ({'a': 1, 'b': 2}, 'remove', ('b', 2), Prints('true')),
    ({'a': 1, 'b': 2}, 'remove', ('b', 3), Prints('false')),
    ({'a': 1, 'c': None}, 'containsKey', ('c',), Prints('true')),
    ({'a': 1}, 'containsValue', (1,), Prints('true')),
    ({'a': 1}, 'containsValue', (1.0,), Prints('false')),
    ({'a': 1, 'b': 'two'}, 'keySet', (), Prints('[a, b]')),
    ({'a': 1, 'b': 'two'}, 'values', (), Prints('[1, two]')),
    ({'a': 1, 'b': 'two'}, 'entrySet', (), Prints('[a=1, b=two]')),
    ({'a': 1}, 'size', (), Prints('1')),
    ({'a': 1}, 'getOrDefault', ('zz', 'def'), Prints('def')),
    ({'a': None}, 'getOrDefault', ('a', 'def'), None),
    ({'a': 1}, 'putIfAbsent', ('a', 7), Prints('1')),
    ({'a': None}, 'putIfAbsent', ('a', 8), None),
    ({'a': 1}, 'replace', ('a', 9), Prints('1')),
    ({'a': 1}, 'replace', ('a', 1, 2), Prints('true')),
    ({'a': 1, 'b': 'two'}, 'hashCode', (), Prints('115342')),
    ({'a': 1}, 'equals', ({'a': 1},), Prints('true')),
    ({'a': 1}, 'keySet', (1,), Throws('java.lang.IllegalArgumentException', 'wrong number of arguments')),
    ({'a': 1}, 'get', (), NO_SUCH_METHOD),
    # Integer, Long, Double, Boolean
    (5, 'intValue', (), Prints('5')),
    (5, 'doubleValue', (), Prints('5.0')),
    (3000000000, 'intValue', (), Prints('-1294967296')),
    (3000000000, 'hashCode', (), Prints('-1294967296')),
    (2.5, 'intValue', (), Prints('2')),
    (-7.9, 'longValue', (), Prints('-7')),
    (1e+20, 'intValue', (), Prints('2147483647')),
    (70000.5, 'shortValue', (), Prints('4464')),
    (2.5, 'hashCode', (), Prints('1074003968')),
    (-0.0, 'hashCode', (), Prints('-2147483648')),
    (5, 'equals', (5.0,), Prints('false')),
    (5, 'compareTo', (7,), Prints('-1')),
    (5, 'compareTo', (5.0,),
     Throws('java.lang.ClassCastException', "class java.lang.Double cannot be cast to class java.lang.Integer (java.lang.Double and java.lang.Integer are in module java.base of loader 'bootstrap')")),
    (5, 'compareTo', (3000000000,),
     Throws('java.lang.ClassCastException', "class java.lang.Long cannot be cast to class java.lang.Integer (java.lang.Long and java.lang.Integer are in module java.base of loader 'bootstrap')")),
    (5, 'compareTo', (None,),
     Throws('java.lang.NullPointerException', 'Cannot read field "value" because "anotherInteger" is null')),
    (2.5, 'compareTo', (2,),
     Throws('java.lang.ClassCastException', "class java.lang.Integer cannot be cast to class java.lang.Double (java.lang.Integer and java.lang.Double are in module java.base of loader 'bootstrap')")),
    (5, 'toString', (255, 16), Prints('ff')),
    (5, 'toString', ('x',), Throws('java.lang.IllegalArgumentException', 'wrong number of arguments')),
    (5, 'toHexString', (-1,), Prints('ffffffff')),
    (3000000000, 'toHexString', (-1,), Prints('ffffffffffffffff')),
    (5, 'parseInt', ('42',), Prints('42')),
    (5, 'parseInt', ('ff', 16), Prints('255')),
    (5, 'parseInt', ('4.2',), Throws('java.lang.NumberFormatException', 'For input string: "4.2"')),
    (5, 'parseInt', ('3000000000',), Throws('java.lang.NumberFormatException', 'For input string: "3000000000"')),
    (5, 'parseInt', ('',), Throws('java.lang.NumberFormatException', 'For input string: ""')),
    (5, 'parseInt', ('zz', 16), Throws('java.lang.NumberFormatException', 'For input string: "zz" under radix 16')),
    (5, 'parseInt', (None,), Throws('java.lang.NumberFormatException', 'Cannot parse null string')),
    (5, 'parseInt', ('12', 99),
     Throws('java.lang.NumberFormatException', 'radix 99 greater than Character.MAX_RADIX')),
    (5, 'parseLong', ('5',), NO_SUCH_METHOD),
    (3000000000, 'parseLong', ('-9223372036854775808',), Prints('-9223372036854775808')),
    (5, 'valueOf', ('12',), Prints('12')),
    (5, 'max', (3, 9), Prints('9')),
    (5, 'signum', (-3,), Prints('-1')),
    (2.5, 'parseDouble', ('1.5',), Prints('1.5')),
    (2.5, 'parseDouble', (' 2e3 ',), Prints('2000.0')),
    (2.5, 'parseDouble', ('1f',), Prints('1.0')),
    (2.5, 'parseDouble', ('abc',), Throws('java.lang.NumberFormatException', 'For input string: "abc"')),
    (2.5, 'parseDouble', ('  ',), Throws('java.lang.NumberFormatException', 'empty String')),
    (2.5, 'parseDouble', (None,),
     Throws('java.lang.NullPointerException', 'Cannot invoke "String.trim()" because "in" is null')),
    (2.5, 'isNaN', (), Prints('false')),
    (2.5, 'isNaN', ('x',), Throws('java.lang.IllegalArgumentException', 'wrong number of arguments')),
    (2.5, 'compare', (0.0, -0.0), Prints('1')),
    (2.5, 'toString', (10000000.0,), Prints('1.0E7')),
    (True, 'booleanValue', (), Prints('true')),
    (True, 'hashCode', (), Prints('1231')),
    (False, 'hashCode', (), Prints('1237')),
    (True, 'compareTo', (False,), Prints('1')),
    (True, 'compareTo', ('x',),
     Throws('java.lang.ClassCastException', "class java.lang.String cannot be cast to class java.lang.Boolean (java.lang.String and java.lang.Boolean are in module java.base of loader 'bootstrap')")),
    (True, 'equals', ('true',), Prints('false')),
    (True, 'intValue', (), NO_SUCH_METHOD),
    (True, 'parseBoolean', ('TRUE',), Prints('true')),
    (True, 'valueOf', (False,), Prints('false')),
    (True, 'toString', (False,), Prints('false')),
    (True, 'logicalXor', (True, False), Prints('true')),
]


@pytest.mark.parametrize("receiver, name, args, expected", CASES)
def test_against_oracle(receiver, name, args, expected):
    receiver = copy.deepcopy(receiver)  # the table's values must not be mutated
    if isinstance(expected, Throws):
        with pytest.raises(JavaException) as caught:
            find_and_call(receiver, name, args)
        assert (caught.value.java_class, caught.value.message) == tuple(expected)
        return
    result = find_and_call(receiver, name, args)
    if isinstance(expected, Prints):
        assert result is not None and result is not NO_SUCH_METHOD
        assert printed(result) == expected.text
    else:
        assert result is expected


def call(receiver, name, *args):
    return find_and_call(receiver, name, args)


# -- String ------------------------------------------------------------------------------------

def test_utf16_helpers():
    assert utf16_length(U) == 4
    assert utf16_units(U) == "a\ud83d\ude00b"
    assert call(U, "substring", 0, 2) == "a\ud83d"          # Java cuts the pair; it prints "a?"
    assert call(U, "substring", 1, 3) == "\U0001F600"       # a whole pair becomes one character again


def test_char_at_returns_a_character_not_a_string():
    # oracle: $s.charAt(0).class.name is java.lang.Character; .toUpperCase() is not found;
    # .equals("H") is false; $map.get($s.charAt(0)) finds nothing
    char = call(S, "charAt", 0)
    assert isinstance(char, JavaChar) and char.java_class_name == "java.lang.Character"
    assert to_java_string(char) == "H"
    assert call(char, "toUpperCase") is NO_SUCH_METHOD
    assert call(char, "equals", "H") is False
    assert call(char, "equals", JavaChar("H")) is True
    assert call({"H": 1}, "get", char) is None
    assert call(S, "indexOf", char) is NO_SUCH_METHOD          # char does not widen to int in Velocity
    assert call(S, "replace", call(S, "charAt", 2), char) == "HeHHo, WorHd"
    assert call(char, "compareTo", call(S, "charAt", 1)) == -29
    assert call(char, "hashCode") == 72


def test_split_returns_java_parts():
    # oracle, via #foreach($p in $s.split(...))[$p]#end
    assert call("a, b ,c,,d,,", "split", ",") == ["a", " b ", "c", "", "d"]
    assert call("a, b ,c,,d,,", "split", ",", -1) == ["a", " b ", "c", "", "d", "", ""]
    assert call("a, b ,c,,d,,", "split", ",", 3) == ["a", " b ", "c,,d,,"]
    assert call("a, b ,c,,d,,", "split", "\\s*,\\s*") == ["a", "b", "c", "", "d"]
    assert call("", "split", ",") == [""]
    assert call(",,,", "split", ",") == []
    assert call(",a,,b", "split", ",") == ["", "a", "", "b"]
    assert call("abc", "split", "") == ["a", "b", "c"]
    assert call("a|b", "split", "|") == ["a", "|", "b"]
    assert call("HelloBigWorld", "split", "(?=[A-Z])") == ["Hello", "Big", "World"]


def test_format():
    # oracle: String.format rounds HALF_UP from the shortest decimal form of the double
    assert call(S, "format", "%.2f|%.1f|%.1f", 0.125, 0.15, 2.675) == "0.13|0.2|2.7"
    assert call(S, "format", "%,.2f|%(d|%+d|%08.3f", 1234567.891, -5, 5, -3.14159) == "1,234,567.89|(5)|+5|-003.142"
    assert call(S, "format", "%x|%X|%#o", -1, 3000000000, 8) == "ffffffff|B2D05E00|010"
    assert call(S, "format", "%tF %<tT", 1700000000123) == "2023-11-14 22:13:20"


def test_java_11_methods_and_python_methods_are_not_there():
    for name in ("strip", "isBlank", "repeat", "lines", "upper", "startswith", "__class__", "__len__"):
        assert call(S, name) is NO_SUCH_METHOD
    assert call([1], "append", 2) is NO_SUCH_METHOD
    assert call({"a": 1}, "items") is NO_SUCH_METHOD
    assert call(5, "bit_length") is NO_SUCH_METHOD


def test_zero_parameter_methods_reject_arguments_with_an_error():
    # oracle: $s.length(1) -> IllegalArgumentException: wrong number of arguments (Velocity finds
    # a method without parameters applicable to any arguments); $s.substring() is simply not found
    for receiver, name in ((S, "length"), ([1], "size"), ({}, "keySet"), (5, "intValue"), (True, "booleanValue")):
        with pytest.raises(JavaException) as caught:
            call(receiver, name, 1)
        assert caught.value.message == "wrong number of arguments"
    assert call(S, "substring") is NO_SUCH_METHOD
    assert call(True, "intValue") is NO_SUCH_METHOD   # bool is an int subclass in Python, not in Java


# -- List --------------------------------------------------------------------------------------

def test_list_mutations():
    # oracle: "$l.add(0, \"z\") $l" printed " [z, 1, 2, 3]" (void prints as the empty string)
    items = [1, 2, 3]
    assert call(items, "add", 0, "z") == VOID
    assert items == ["z", 1, 2, 3]
    assert call(items, "remove", 0) == "z"                # an Integer argument is an index
    assert call(items, "remove", 2.0) is False            # anything else is an object
    assert call(items, "set", 1, "x") == 2 and items == [1, "x", 3]
    assert call(items, "clear") == VOID and items == []


def test_sort_with_natural_ordering():
    # oracle: [b, C, a, B] sorted by UTF-16 units -> [B, C, a, b]; -0.0 sorts before 0.0
    items = ["b", "C", "a", "B"]
    call(items, "sort", None)
    assert items == ["B", "C", "a", "b"]
    doubles = [3.5, 0.0, -0.0, -1.0]
    call(doubles, "sort", None)
    assert printed(doubles) == "[-1.0, -0.0, 0.0, 3.5]"


# -- Map ---------------------------------------------------------------------------------------

def test_map_mutations_and_entries():
    mapping = {"a": 1, "b": "two"}
    assert call(mapping, "put", "c", None) is None and list(mapping) == ["a", "b", "c"]
    entries = call(mapping, "entrySet")
    assert printed(entries) == "[a=1, b=two, c=null]"
    entry = entries.items[0]
    assert isinstance(entry, MapEntry)
    assert call(entry, "getKey") == "a" and call(entry, "getValue") == 1
    assert call(entry, "setValue", "N") == 1 and mapping["a"] == "N"   # oracle: writes through
    assert call(mapping, "keySet").items == ["a", "b", "c"]
    assert call(mapping, "get", call(mapping, "keySet")) is None and call(call(mapping, "keySet"), "get", 0) is NO_SUCH_METHOD
    assert call(mapping, "remove", "a") == "N" and "a" not in mapping


def test_map_keys_use_java_equality():
    # Python finds 1 under key 1.0 and True; Java's map does not
    mapping = {1: "int"}
    assert call(mapping, "get", 1.0) is None
    assert call(mapping, "get", True) is None
    assert call(mapping, "containsKey", 1) is True


# -- hashCode ----------------------------------------------------------------------------------

def test_hash_codes():
    # oracle values
    assert java_hash_code("The quick brown fox jumps over the lazy dog and more and more text") == 1072226522
    assert java_hash_code(2**63) == -2147483648           # BigInteger
    assert java_hash_code(3000000000) == -1294967296       # Long
    assert java_hash_code(-0.0) == -2147483648
    assert java_hash_code([1, 2, 3]) == 30817
    assert java_hash_code({"a": 1, "b": "two"}) == 115342
    assert java_hash_code(None) == 0
