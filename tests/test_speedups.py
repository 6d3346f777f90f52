"""The hot helpers' twins: vtl._native (pure Python, the reference) and vtl._speedups (Cython).

Both run the same cases; hypothesis checks that they agree on random inputs (non-BMP
characters, lone surrogates, control characters, huge integers, nested JSON). The Cython side
is skipped when the extension is not built.
"""
from __future__ import annotations

import inspect
import json
import math
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vtl import _native, speedups
from vtl.apigw.json_values import JsonArray, parse_json_text
from vtl.errors import JavaException
from vtl.runtime.objects import JavaObject

CYTHON = speedups.cython
needs_cython = pytest.mark.skipif(CYTHON is None, reason=f"Cython speedups {speedups.CYTHON_STATUS}")
TWINS = [pytest.param(_native, id="python"), pytest.param(CYTHON, id="cython", marks=needs_cython)]


def outcome(function, *arguments):
    """A call's result, or its error as (class, Java class, message): what must agree."""
    try:
        return ("ok", function(*arguments))
    except JavaException as error:
        return ("java", error.java_class, error.message)
    except RecursionError:
        return ("recursion",)
    except (TypeError, ValueError) as error:
        return (type(error).__name__,)


def agree(name, *arguments):
    expected = outcome(getattr(_native, name), *arguments)
    assert outcome(getattr(CYTHON, name), *arguments) == expected, (name, arguments)
    return expected


# ----- the switch ----------------------------------------------------------------------------

def test_active_twin_is_reported_and_used():
    assert speedups.ACTIVE in ("cython", "python")
    assert speedups.implementation is (CYTHON if speedups.ACTIVE == "cython" else _native)
    from vtl.apigw import json_values, util
    from vtl.runtime import core, values
    from vtl.runtime.objects import method_table
    (_, _, escape), = method_table(util.Util)["escapeJavaScript"]
    assert escape is speedups.implementation.util_escape_javascript
    assert core.call_method1 is speedups.implementation.call_method1
    assert core.get_property is speedups.implementation.get_property
    assert values.to_java_string is speedups.implementation.to_java_string
    assert json_values.to_json is speedups.implementation.to_json


@pytest.mark.parametrize("setting, expected", [("1", "python"), ("0", None), ("", None)])
def test_environment_forces_the_pure_twin(setting, expected):
    environment = dict(os.environ, VTL_PURE_PYTHON=setting)
    found = subprocess.run([sys.executable, "-c", "import vtl.speedups as s; print(s.ACTIVE)"],
                           env=environment, capture_output=True, text=True, check=True).stdout.strip()
    assert found == (expected or ("cython" if CYTHON is not None else "python"))


@needs_cython
def test_twins_have_the_same_names_and_signatures():
    assert CYTHON.API_VERSION == _native.API_VERSION
    for name in _native.NAMES:
        pure, compiled = getattr(_native, name), getattr(CYTHON, name)
        if isinstance(pure, type):  # (a Cython class has no signature to read): the same members
            assert isinstance(compiled, type) and all(hasattr(compiled, member) for member in vars(pure)
                                                      if not member.startswith("_")), name
            continue
        assert list(inspect.signature(compiled).parameters) == list(inspect.signature(pure).parameters), name


# ----- known answers, both twins --------------------------------------------------------------

@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("name, argument, expected", [
    ("escape_javascript", "it's \"q\" a\\b/c", "it\\'s \\\"q\\\" a\\\\b\\/c"),
    ("escape_javascript", "\b\t\n\f\r\x01\x1f\x7f", "\\b\\t\\n\\f\\r\\u0001\\u001F\x7f"),
    ("escape_javascript", "é€\U0001F600\ud800", "\\u00E9\\u20AC\\uD83D\\uDE00\\uD800"),
    ("escape_javascript", "", ""),
    ("url_encode", '{"some": "value"}', "%7B%22some%22%3A+%22value%22%7D"),
    ("url_encode", "a-b_c.d*e~f", "a-b_c.d*e%7Ef"),
    ("url_encode", "é\U0001F600\udc00", "%C3%A9%F0%9F%98%80%3F"),
    ("url_decode", "a+b%20%C3%A9%7e%+1%-0x", "a b é~\x01\x00x"),
    ("url_decode", "%F0%9F%98%80%ff", "\U0001F600\ufffd"),
    ("base64_encode", "héllo", "aMOpbGxv"),
    ("base64_encode", "\ud800", "Pw=="),
    ("base64_decode", "aMOpbGxv", "héllo"),
    ("base64_decode", "aGk", "hi"),
    ("base64_decode", "/w==", "\ufffd"),
    ("java_double_str", 1e7, "1.0E7"),
    ("java_double_str", 0.0001, "1.0E-4"),
    ("java_double_str", -0.0, "-0.0"),
    ("java_double_str", 123.5, "123.5"),
    ("java_double_str", float("nan"), "NaN"),
    ("escape_json_string", 'a"b\\c/d\x00\x7f\x9f\u2028\u20ff\u2100', 'a\\"b\\\\c\\/d\\u0000\\u007F\\u009F\\u2028\\u20FF\u2100'),
    ("to_java_string", [1, "a", None, True, 2.5, {"k": [2**70]}], "[1, a, null, true, 2.5, {k=[1180591620717411303424]}]"),
    ("to_json", {"a": [1, None, 2.5e10, float("inf"), Decimal("1.50")], "b": "x/y"}, '{"a":[1,null,2.5E10,null,1.50],"b":"x\\/y"}'),
])
def test_known_answers(twin, name, argument, expected):
    assert getattr(twin, name)(argument) == expected


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("name, argument, message", [
    ("url_decode", "100%", "URLDecoder: Incomplete trailing escape (%) pattern"),
    ("url_decode", "%41%4", "URLDecoder: Incomplete trailing escape (%) pattern"),
    ("url_decode", "%zz", 'URLDecoder: Illegal hex characters in escape (%) pattern - For input string: "zz"'),
    ("url_decode", "%-1", "URLDecoder: Illegal hex characters in escape (%) pattern - negative value"),
    ("base64_decode", "a===", "Input byte array has wrong 4-byte ending unit"),
    ("base64_decode", "abcde", "Input byte array has wrong 4-byte ending unit"),
    ("base64_decode", "ab*d", "Illegal base64 character 2a"),
    ("base64_decode", "abé=", "Illegal base64 character e9"),
])
def test_java_exceptions(twin, name, argument, message):
    with pytest.raises(JavaException) as caught:
        getattr(twin, name)(argument)
    assert caught.value.java_class == "java.lang.IllegalArgumentException"
    assert caught.value.message == message


class Thing(JavaObject):
    __slots__ = ()
    java_class_name = "x.Thing"

    def java_to_string(self) -> str:
        return "thing/\u2028"


@pytest.mark.parametrize("twin", TWINS)
def test_self_references_and_host_objects(twin):
    items: list = [1]
    items.append(items)
    mapping: dict = {"a": 1}
    mapping["self"] = mapping
    assert twin.to_java_string(items) == "[1, (this Collection)]"
    assert twin.to_java_string(mapping) == "{a=1, self=(this Map)}"
    assert twin.to_java_string(JsonArray(["a", [1]])) == '["a",[1]]'
    assert twin.to_java_string(Thing()) == "thing/\u2028"
    assert twin.to_json({"t": Thing(), 1: (1, 2)}) == '{"t":"thing\\/\\u2028","1":[1,2]}'


@pytest.mark.parametrize("twin", TWINS)
def test_json_as_deep_as_the_parser_allows(twin):
    document = parse_json_text("[" * 400 + "]" * 400)
    assert twin.to_json(document) == "[" * 400 + "]" * 400
    assert twin.to_java_string(document) == "[" * 400 + "]" * 400
    nested: list = []
    for _ in range(300):
        nested = [nested]
    assert twin.to_java_string(nested) == "[" * 301 + "]" * 301


@pytest.mark.parametrize("twin", TWINS)
def test_cycles_raise_recursion_error(twin):
    first: list = []
    second = [first]
    first.append(second)
    with pytest.raises(RecursionError):
        twin.to_json(first)
    with pytest.raises(RecursionError):
        twin.to_java_string(first)


@pytest.mark.parametrize("twin", TWINS)
def test_str_subclasses_are_strings(twin):
    class Text(str):
        pass
    assert twin.escape_javascript(Text("a'")) == "a\\'"
    assert twin.to_json([Text("/")]) == '["\\/"]'


# ----- random inputs: the twins agree ---------------------------------------------------------

# Every code point, lone surrogates included, weighted towards the interesting ranges.
characters = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x7F),
    st.characters(min_codepoint=0x80, max_codepoint=0x2100),
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
)
texts = st.text(characters, max_size=60)
url_texts = st.text(st.sampled_from("%+-0123456789abcdefABCDEFxyz é\U0001F600"), max_size=30)
base64_texts = st.one_of(
    st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="), max_size=24),
    st.text(st.sampled_from("AQ/+=-_ é\n"), max_size=12),
    st.binary(max_size=40).map(lambda raw: __import__("base64").b64encode(raw).decode("ascii")),
)
floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**60), max_value=10**60),
                    floats, texts, st.decimals(allow_nan=False, allow_infinity=False))
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.lists(children, max_size=5).map(tuple),
                               st.lists(children, max_size=5).map(JsonArray),
                               st.dictionaries(st.one_of(texts, st.integers()), children, max_size=5)),
    max_leaves=30)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@needs_cython
@SETTINGS
@given(texts)
def test_string_helpers_agree(text):
    for name in ("escape_javascript", "url_encode", "url_decode", "base64_encode", "base64_decode",
                 "escape_json_string", "to_java_string", "to_json"):
        agree(name, text)


@needs_cython
@SETTINGS
@given(url_texts)
def test_url_decode_agrees(text):
    agree("url_decode", text)
    agree("url_decode", _native.url_encode(text))


@needs_cython
@SETTINGS
@given(base64_texts)
def test_base64_decode_agrees(text):
    agree("base64_decode", text)


@needs_cython
@SETTINGS
@given(floats)
def test_double_strings_agree(value):
    agree("java_double_str", value)


@needs_cython
@SETTINGS
@given(values)
def test_value_printers_agree(value):
    agree("to_java_string", value)
    agree("to_json", value)


@needs_cython
@SETTINGS
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), texts),
                    lambda children: st.one_of(st.lists(children, max_size=4),
                                               st.dictionaries(texts, children, max_size=4)),
                    max_leaves=25))
def test_parsed_json_prints_alike(value):
    document = parse_json_text(json.dumps(value))
    agree("to_json", document)
    agree("to_java_string", document)


@needs_cython
def test_large_inputs_agree():
    text = ("Grüße, \"world\" \\ / \t\n\x00 \u2028 € \U0001F600 ~*%+ " * 2000)
    for name in ("escape_javascript", "url_encode", "base64_encode", "escape_json_string"):
        agree(name, text)
    agree("url_decode", _native.url_encode(text))
    agree("base64_decode", _native.base64_encode(text))
    document = parse_json_text(json.dumps({"items": [{"id": i, "name": text[:50], "n": i / 7} for i in range(500)]}))
    agree("to_json", document)
    agree("to_java_string", document)


# ----- java_output_text: the final output pass ------------------------------------------------

@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("text, expected", [
    ("plain", "plain"), ("", ""), ("é€😀", "é€😀"),
    ("a\ud83d\ude00b", "a\U0001F600b"),               # a pair of halves is one character
    ("\ud800x", "?x"), ("x\udc00", "x?"), ("\udc00\ud800", "??"),  # lone halves: '?'
    ("\ud800\ud800\udc00", "?\U00010000"), ("é" * 100 + "\ud83d", "é" * 100 + "?"),
    ("\U0001F600" * 70 + "\udbff\udfff", "\U0001F600" * 70 + "\U0010FFFF"),
])
def test_output_text_known_answers(twin, text, expected):
    assert twin.java_output_text(text) == expected


@pytest.mark.parametrize("twin", TWINS)
def test_output_text_without_surrogates_is_the_same_object(twin):
    for text in ("ascii " * 100, "latin é " * 100, "bmp € " * 100, "astral 😀 " * 100):
        assert twin.java_output_text(text) is text


# ----- as_json_smart: json-smart's containers for a decoded payload ----------------------------

@pytest.mark.parametrize("twin", TWINS)
def test_as_json_smart_known_answers(twin):
    document = json.loads('{"a": [1, [2, {"b": []}]], "c": {"d": [3]}, "e": "x"}')
    inner = document["c"]
    converted = twin.as_json_smart(document, 400)
    assert converted is document and document["c"] is inner  # maps are kept and changed in place
    assert _typed(converted) == _typed({"a": JsonArray([1, JsonArray([2, {"b": JsonArray()}])]),
                                        "c": {"d": JsonArray([3])}, "e": "x"})
    top = [1, [2]]
    array = twin.as_json_smart(top, 400)
    assert type(array) is JsonArray and array is not top and type(array[1]) is JsonArray
    assert twin.as_json_smart("text", 400) == "text" and twin.as_json_smart(None, 400) is None


@pytest.mark.parametrize("twin", TWINS)
def test_as_json_smart_depth_limit(twin):
    assert _typed(twin.as_json_smart(json.loads("[" * 400 + "]" * 400), 400)) == \
        _typed(parse_json_text("[" * 400 + "]" * 400))
    with pytest.raises(ValueError):
        twin.as_json_smart(json.loads("[" * 401 + "]" * 401), 400)
    with pytest.raises(ValueError):
        twin.as_json_smart(json.loads('{"a": ' * 3 + "1" + "}" * 3), 2)


def as_json_smart_outcome(twin, text, max_depth):
    try:
        return ("ok", _typed(twin.as_json_smart(json.loads(text), max_depth)))
    except ValueError:
        return ("too deep",)


@needs_cython
@SETTINGS
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
                    lambda children: st.one_of(st.lists(children, max_size=4),
                                               st.dictionaries(texts, children, max_size=4)),
                    max_leaves=30),
       st.integers(min_value=1, max_value=6))
def test_as_json_smart_agrees(value, max_depth):
    text = json.dumps(value)
    assert as_json_smart_outcome(CYTHON, text, max_depth) == as_json_smart_outcome(_native, text, max_depth)


# ----- JSONPath selection over compiled steps ---------------------------------------------------

from vtl import jsonpath  # noqa: E402

STORE = parse_json_text("""{"store": {"book": [
  {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
  {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
  {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
  {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}],
  "bicycle": {"color": "red", "price": 19.95}},
  "expensive": 10, "a b": 1, "names": ["x", "y"], "nothing": null, "empty": [], "nums": [3, 1.5, 2]}""")
MISSING = object()


def jsonpath_outcome(twin, path, document, require_properties=None):
    """What selecting (or, with require_properties, reading) gives: the value with its exact
    types, or the exception's class and message."""
    compiled = jsonpath.compile_path(path)
    try:
        if require_properties is None:
            found = twin.jsonpath_select(compiled, document, MISSING)
            if found is MISSING:
                return ("missing",)
        else:
            found = twin.jsonpath_read(compiled, document, None, require_properties)
    except RecursionError:
        return ("recursion",)
    except Exception as error:  # noqa: BLE001 (the exception itself is what must agree)
        return ("error", type(error).__name__, str(error))
    return ("found", _typed(found))


def jsonpath_agrees(path, document):
    for require_properties in (None, False, True):
        expected = jsonpath_outcome(_native, path, document, require_properties)
        assert jsonpath_outcome(CYTHON, path, document, require_properties) == expected, \
            (path, require_properties)


STORE_PATHS = [
    "$", "$.expensive", "expensive", "$['a b']", "$.names[0]", "$.names[-1]", "$.names[5]", "$.names[-3]",
    "$.store.bicycle", "$.store.book.length()", "$.store['bicycle','expensive']", "$.store['x','y']",
    "$.nothing", "$.nothing.x", "$.missing", "$.missing.deeper", "$.expensive.x", "$.names.x", "$.missing[*].x",
    "$.store.book[*].author", "$..author", "$.store..price", "$..book[2].title", "$..book[-1].title",
    "$..book[0,1].title", "$..book[:2].price", "$..book[1:2].price", "$..book[-2:].price", "$..book[-2:3].price",
    "$..book[?(@.isbn)].title", "$.store.book[?(!@.isbn)].price", "$.store.book[?(@.price < 10)].price",
    "$..book[?(@.price <= $['expensive'])].price", "$.store.book[*].missing", "$.store.*.color", "$.*",
    "$.*.*", "$.*.*.x", "$.names[*].x", "$.names.*.x", "$..*", "$..[0]", "$..[1:]", "$..['price','color']",
    "$.store.book[0]['title','price']", "$.store.book[*]['title','nope']", "$['store','names'].book",
    "$.expensive[0]", "$.expensive[1:]", "$.expensive[?(@.a)]", "$[?(@.expensive)]", "$.empty.min()",
    "$.nums.min()", "$.nums.avg()", "$.nums.keys()", "$.store.keys()", "$.nums.first()", "$.empty.last()",
    "$..book.length()", "$..price.length()", "$.store.book[?(@.category == 'fiction')].author.length()",
]


@needs_cython
@pytest.mark.parametrize("path", STORE_PATHS)
def test_jsonpath_twins_agree_on_known_paths(path):
    jsonpath_agrees(path, STORE)


@pytest.mark.parametrize("twin", TWINS)
def test_jsonpath_twins_known_answers(twin):
    select = lambda path, document=STORE: twin.jsonpath_select(jsonpath.compile_path(path), document, MISSING)  # noqa: E731
    assert select("$.store.bicycle") is STORE["store"]["bicycle"]  # live values
    assert select("$.names[-1]") == "y" and select("$.nothing") is None and select("$.missing") is MISSING
    found = select("$..book[?(@.price > 10)].price")
    assert type(found) is JsonArray and found == [12.99, 22.99]
    assert select("$.x", "a=b") is MISSING and select("$", "a=b") == "a=b"
    with pytest.raises(jsonpath.PathNotFoundError, match=r"^No results for path: \$\.missing$"):
        twin.jsonpath_read(jsonpath.compile_path("$.missing"), STORE)
    with pytest.raises(jsonpath.PathNotFoundError, match=r"Missing property in path \['missing'\]"):
        twin.jsonpath_read(jsonpath.compile_path("$.missing.x"), STORE)
    with pytest.raises(jsonpath.InvalidPathError, match="Filter: .* can not be applied to primitives"):
        select("$.expensive[?(@.a)]")
    with pytest.raises(jsonpath.JsonPathError):
        select("$.empty.min()")


@pytest.mark.parametrize("twin", TWINS)
def test_jsonpath_cycles_raise_recursion_error(twin):
    document = parse_json_text('{"a": {"b": 1}}')
    document["a"]["self"] = document
    with pytest.raises(RecursionError):
        twin.jsonpath_select(jsonpath.compile_path("$..b"), document)


json_names = st.sampled_from(["a", "b", "c", "x y"])
json_documents = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-5, 5, allow_nan=False),
              st.sampled_from(["a", "b", "", "1", "\U0001F600"])),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(json_names, children, max_size=4)),
    max_leaves=25)
_name_text = lambda name: f".{name}" if " " not in name else f"['{name}']"  # noqa: E731

# Filters: what the Cython twin evaluates itself (existence, == != === !== < <= > >= between paths
# and literals, !, &&, ||) and a few it leaves to the Python predicates (=~, in, size).
filter_paths = st.sampled_from(["@.a", "@.b", "@['x y']", "@.a.b", "@", "$.a", "@.a[0]", "@.a[*]", "@.a.length()",
                                "@..b", "@.c.min()", "@.a[?(@.b)]"])
# Number texts both as literals and in documents, so that close numbers meet: a double and a
# decimal just beside it, an int and the same value written as a double or with an exponent.
NUMBER_TEXTS = ["0", "1", "-1", "2.5", "1.0", "0.1", "-3", "1e1", "10", "1.5E0", "0.30000000000000004", "0.3",
                "1.00000000000000000001", "0.10000000000000000001", "0.1000000000000000055511151231257827",
                "100000000000000000000", "1e20", "100000000000000000001", "1e400", "-0", "9007199254740993",
                "9007199254740992", "12345678901234567890123"]
filter_literals = st.one_of(
    st.sampled_from(NUMBER_TEXTS),
    st.sampled_from(["'a'", "'b'", "''", "'1'", "'2.5'", "'\U0001F600'", "'\uffff'", "'\\u00e9'", "true", "false",
                     "null", "['a', 1]", "[]", "{}"]),
    st.integers(-4, 4).map(str),
    st.floats(-5, 5, allow_nan=False).map(repr))
filter_operators = st.sampled_from(["==", "!=", "===", "!==", "<", "<=", ">", ">="])
filter_atoms = st.one_of(
    filter_paths,
    filter_paths.filter(lambda path: path != "@").map(lambda path: "!" + path),
    st.tuples(filter_paths, filter_operators, filter_literals).map(" ".join),
    st.tuples(filter_literals, filter_operators, filter_paths).map(" ".join),
    st.tuples(filter_paths, filter_operators, filter_paths).map(" ".join),
    st.sampled_from(["@.a =~ /a.*/", "@.b in ['a', 1]", "@.a size 1", "@.a nin [1]"]),
)
filters = st.recursive(filter_atoms, lambda children: st.one_of(
    st.tuples(children, st.sampled_from([" && ", " || "]), children).map("".join),
    children.map(lambda text: f"({text})")), max_leaves=4)
path_steps = st.one_of(
    json_names.map(_name_text),
    st.lists(json_names, min_size=2, max_size=3, unique=True).map(lambda names: "[" + ",".join(f"'{n}'" for n in names) + "]"),
    st.integers(-3, 3).map(lambda index: f"[{index}]"),
    st.lists(st.integers(-3, 3), min_size=2, max_size=3).map(lambda indexes: f"[{','.join(map(str, indexes))}]"),
    st.sampled_from(["[*]", ".*", "[1:]", "[-2:]", "[:2]", "[:-1]", "[0:2]", "[-1:2]", "[?(@.a)]", "[?(!@.b)]",
                     "[?(@.a > 0)]", "[?(@ == 'a')]", "[?(@.a == $.b)]", "[?(@.c.length() > 1)]"]),
    json_names.map(lambda name: ".." + (name if " " not in name else f"['{name}']")),
    st.sampled_from(["..*", "..[0]", "..[1:]", "..[?(@.a)]", "..['a','b']"]),
    filters.map(lambda text: f"[?({text})]"),
    filters.map(lambda text: f"..[?({text})]"),
)
path_functions = st.sampled_from(["", "", "", ".length()", ".min()", ".avg()", ".keys()", ".first()", ".last()"])


@needs_cython
@SETTINGS
@given(json_documents, st.lists(path_steps, max_size=4), path_functions)
def test_jsonpath_twins_agree(value, steps, function):
    path = "$" + "".join(steps) + function
    try:
        jsonpath.compile_path(path)
    except jsonpath.InvalidPathError:
        return
    jsonpath_agrees(path, parse_json_text(json.dumps(value)))


# Documents for filters: numbers of every kind the parser makes (int, float, Decimal for long
# number texts), strings that look like numbers, characters beyond the BMP.
filter_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-4, 4), st.integers(-(10**21), 10**21),
    st.floats(allow_nan=False, allow_infinity=False), st.floats(-5, 5, allow_nan=False),
    st.sampled_from(["a", "b", "", "1", "2.5", "-0", "\U0001F600", "\uffff", "\u00e9", "A"]),
    st.sampled_from(NUMBER_TEXTS + ["2.50000000000000000000", "100000000000000000000.0", "-1e-400",
                                    "3.000000000000000000001"]).map(lambda text: ("number", text)))
filter_documents = st.one_of(
    st.lists(st.dictionaries(json_names, filter_scalars, max_size=4), max_size=5),  # the usual shape
    st.recursive(filter_scalars, lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(json_names, children, max_size=4)), max_leaves=20))


def _json_text(value) -> str:
    """JSON text of a generated value; ("number", text) is that number's text as written."""
    if isinstance(value, tuple):
        return value[1]
    if isinstance(value, list):
        return "[" + ",".join(_json_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{_json_text(item)}" for key, item in value.items()) + "}"
    return json.dumps(value)


@needs_cython
@SETTINGS
@given(filter_documents, st.sampled_from(["$", "$.a", "$.*", "$..*"]), filters, st.sampled_from(["", ".a", "[0]", ".length()"]))
def test_jsonpath_filters_agree(value, prefix, text, suffix):
    path = f"{prefix}[?({text})]{suffix}"
    try:
        jsonpath.compile_path(path)
    except jsonpath.InvalidPathError:
        return
    jsonpath_agrees(path, parse_json_text(_json_text(value)))


def _number_variants(text: str) -> list[str]:
    """Number texts at or right beside one number: as written, a decimal just above it, the
    doubles next to it, negated, with an exponent, with more zeros."""
    value = float(text)
    return [text, text + ("" if "." in text else ".") + "00000000000000000001", repr(value),
            repr(math.nextafter(value, math.inf)), repr(math.nextafter(value, -math.inf)), "-" + text,
            text + "e0", text + ("0" if "." in text else ".0")]


close_bases = st.sampled_from(["0", "1", "0.1", "2.5", "0.3", "100000000000000000000", "9007199254740993", "1e-5"])
close_numbers = close_bases.flatmap(lambda text: st.sampled_from(_number_variants(text)))
close_pairs = close_bases.flatmap(lambda text: st.tuples(*[st.sampled_from(_number_variants(text))] * 2)).map(
    lambda pair: (("number", pair[0]), ("number", pair[1])))  # two numbers beside each other
relation_values = st.one_of(close_numbers.map(lambda text: ("number", text)), close_numbers.map(lambda text: ("number", text)),
                            close_numbers, filter_scalars)


@needs_cython
@settings(SETTINGS, max_examples=600)
@given(st.lists(st.one_of(st.tuples(relation_values, relation_values), close_pairs), min_size=1, max_size=8), filter_operators,
       st.one_of(close_numbers, close_numbers.map(lambda text: f"'{text}'"), filter_literals),
       st.sampled_from(["@.v {op} {literal}", "{literal} {op} @.v", "@.v {op} @.w", "@.v {op} $[0].w"]))
def test_jsonpath_filter_relations_agree(pairs, operator, literal, form):
    """One relation against many values: each item's value meets the literal (or another value)."""
    path = "$[?(" + form.format(op=operator, literal=literal) + ")]"
    try:
        jsonpath.compile_path(path)
    except jsonpath.InvalidPathError:
        return
    document = "[" + ",".join('{"v":' + _json_text(v) + ',"w":' + _json_text(w) + "}" for v, w in pairs) + "]"
    jsonpath_agrees(path, parse_json_text(document))


FILTER_DOCUMENT = parse_json_text("""[
  {"n": "int", "v": 1, "s": "a", "ok": true},
  {"n": "float", "v": 1.0, "s": "\ud83d\ude00", "ok": false},
  {"n": "tenth", "v": 0.1, "s": "\uffff"},
  {"n": "decimal", "v": 0.1000000000000000000000001, "s": "b", "ok": null},
  {"n": "big", "v": 100000000000000000000, "s": "1"},
  {"n": "text", "v": "1", "s": ""},
  {"n": "text 1.0", "v": "1.0"},
  {"n": "bool", "v": true},
  {"n": "null", "v": null},
  {"n": "list", "v": [1, "a"]},
  {"n": "map", "v": {"v": 1}},
  {"n": "none"}]""")


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("path, expected", [
    ("$[?(@.ok)].n", ["int", "float", "decimal"]),                     # exists, whatever the value
    ("$[?(!@.ok)].n", ["tenth", "big", "text", "text 1.0", "bool", "null", "list", "map", "none"]),
    ("$[?(@.v.v)].n", ["map"]),
    ("$[?(@.v == 1)].n", ["int", "float", "text"]),                    # BigDecimal: 1 == 1.0 == "1"
    ("$[?(@.v === 1)].n", ["int", "float"]),                           # same kind: no text
    ("$[?(@.v != 1)].n", ["tenth", "decimal", "big", "text 1.0", "bool", "null", "list", "map", "none"]),
    ("$[?(@.v == '1')].n", ["int", "float", "text"]),
    ("$[?(@.v == 0.1)].n", ["tenth"]),                                  # the double's shortest decimal
    ("$[?(@.v > 0.1)].n", ["int", "float", "decimal", "big"]),
    ("$[?(@.v < 0.10000000000000000001)].n", ["tenth", "decimal"]),
    ("$[?(@.v == 1e20)].n", ["big"]),
    ("$[?(@.v >= 100000000000000000000.0)].n", ["big"]),
    ("$[?(1 < @.v)].n", ["big"]),                                       # a literal on the left
    ("$[?(@.v > '0')].n", ["text", "text 1.0"]),                       # strings order as strings
    ("$[?(@.s < '\uffff')].n", ["int", "float", "decimal", "big", "text"]),  # UTF-16 order: 😀 < U+FFFF
    ("$[?(@.s > 'a')].n", ["float", "tenth", "decimal"]),
    ("$[?(@.v == true)].n", ["bool"]),
    ("$[?(@.v == null)].n", ["null"]),                                  # a missing value is not null
    ("$[?(@.v != null)].n", ["int", "float", "tenth", "decimal", "big", "text", "text 1.0", "bool", "list", "map", "none"]),
    ("$[?(@.v == [1, 'a'])].n", ["list"]),
    ("$[?(@.v == {'v': 1})].n", ["map"]),
    ("$[?(@.v > 0 && @.s)].n", ["int", "float", "tenth", "decimal", "big"]),
    ("$[?(@.n == 'bool' || @.v < 0.5)].n", ["tenth", "decimal", "bool"]),
    ("$[?((@.n == 'int' || @.n == 'map') && !@.ok)].n", ["map"]),
    ("$[?(@.v == $[0].v)].n", ["int", "float", "text"]),               # a path on both sides
    ("$[?(@.v =~ /1.*/)].n", ["int", "float", "big", "text", "text 1.0"]),  # left to the Python predicate
    ("$[?(@.v in [1, 'a'])].n", ["int", "float", "text"]),
])
def test_jsonpath_filter_known_answers(twin, path, expected):
    assert twin.jsonpath_select(jsonpath.compile_path(path), FILTER_DOCUMENT, MISSING) == expected


@pytest.mark.parametrize("twin", TWINS)
def test_jsonpath_filter_special_numbers_and_errors(twin):
    document = [{"n": "nan", "v": float("nan")}, {"n": "inf", "v": float("inf")}, {"n": "two", "v": 2},
                {"n": "empty", "v": []}, {"n": "deep", "v": 5, "w": 7}]
    select = lambda path: twin.jsonpath_select(jsonpath.compile_path(path), document, MISSING)  # noqa: E731
    assert select("$[?(@.v == @.v)].n") == ["two", "empty", "deep"]       # NaN (and infinity) equal nothing
    assert select("$[?(@.v != 2)].n") == ["nan", "inf", "empty", "deep"]
    assert select("$[?(@.v > 1)].n") == ["two", "deep"]
    assert select("$[?(@.w.x[?(@.y)] || @.v == 2)].n") == ["two"]        # InvalidPathError: not accepted
    with pytest.raises(jsonpath.JsonPathError):
        select("$[?(@.v.min() > 1)].n")


# ----- long texts: the vector paths (blocks of 8 and 16 code units) ------------------------------

long_texts = st.lists(st.one_of(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=5, max_size=40),
                                texts), max_size=12).map("".join)


@needs_cython
@SETTINGS
@given(long_texts)
def test_long_texts_agree(text):
    for name in ("base64_encode", "url_encode", "escape_javascript", "escape_json_string", "java_output_text"):
        agree(name, text)
    agree("base64_decode", _native.base64_encode(text))
    before = CYTHON._allow_vectors(False)  # the scalar base64 the run-time choice may skip
    try:
        agree("base64_encode", text)
    finally:
        CYTHON._allow_vectors(before)


@needs_cython
@pytest.mark.parametrize("vectors", [True, False])
def test_base64_of_every_length_agrees(vectors):
    before = CYTHON._allow_vectors(vectors)
    try:
        for length in range(70):
            for text in ("".join(chr(33 + (7 * i + length) % 94) for i in range(length)),
                         "".join("aé€😀\ud800"[(3 * i + length) % 5] for i in range(length)),
                         "".join(chr((37 * i + length) % 256) for i in range(length))):
                agree("base64_encode", text)
                agree("base64_decode", _native.base64_encode(text))
    finally:
        CYTHON._allow_vectors(before)


# ----- the JSON fast path: json.loads where it reads what json-smart reads ----------------------

def _typed(value):
    """A value with its exact types spelled out (1 == 1.0 == True would hide differences)."""
    kind = type(value)
    if kind is dict:
        return ("map", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return (kind.__name__, [_typed(item) for item in value])
    if kind is float and value != value:
        return ("float", "nan")
    return (kind.__name__, repr(value))


def parse_outcome(parse, text):
    from vtl.apigw.json_values import JsonParseError
    try:
        return ("ok", _typed(parse(text)))
    except JsonParseError as error:
        return ("error", error.message)


def fast_path_agrees(text):
    from vtl.apigw.json_values import _NOT_STRICT, _parse_strict, _PermissiveParser
    fast = _parse_strict(text)
    slow = parse_outcome(lambda source: _PermissiveParser(source).parse(), text)
    if fast is not _NOT_STRICT:
        assert ("ok", _typed(fast)) == slow, text
    assert parse_outcome(parse_json_text, text) == slow, text
    return fast is not _NOT_STRICT


json_values_strategy = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
              st.floats(allow_nan=False, allow_infinity=False), texts),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4)),
    max_leaves=20)


@SETTINGS
@given(json_values_strategy, st.booleans(), st.sampled_from([None, 1, "\t"]))
def test_json_fast_path_reads_what_json_smart_reads(value, ascii_only, indent):
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    fast_path_agrees(text)


@SETTINGS
@given(st.text(st.sampled_from('{}[],:"\'\\ \n\t\x7f\x00/-+.eE019aluntrfNI\u00e9\ud800'), max_size=30))
def test_json_fast_path_on_json_like_noise(text):
    fast_path_agrees(text)


@pytest.mark.parametrize("text, strict", [
    ('{"a": [1, 2.5, -0, 1e5, 12345678901234567890.5, "x\\u00e9\\/"]}', True),
    ("[" * 400 + "]" * 400, True),
    ("[" * 401 + "]" * 401, False),            # json-smart's depth limit: its own error
    ('["a\\n\x7f"]', False),                    # DEL dropped on json-smart's escaped-string path
    ('{"a": NaN}', False), ("[Infinity]", False), ("[01]", False), ('{"a": 1,}', False),
    ("[1] trailing", False), ("a=b", False), ("", False), ('"\\ud83d\\ude00"', True),
])
def test_json_fast_path_cases(text, strict):
    assert fast_path_agrees(text) is strict


# ----- vtl bench ------------------------------------------------------------------------------

def test_bench_command_times_a_template(tmp_path, capsys):
    from vtl.cli import main
    template = tmp_path / "t.vtl"
    template.write_text("#foreach($x in $input.path('$.a'))$util.urlEncode($x)#end")
    request = tmp_path / "r.json"
    request.write_text(json.dumps({"body": '{"a": ["a b", "c/d"]}'}))
    assert main(["bench", str(template), "--request", str(request), "-n", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["output_chars"] == len("a+bc%2Fd") and result["helpers"] == speedups.ACTIVE
    assert result["iterations"] == 3 and result["render_ms"]["min"] > 0 and result["compile_ms"]["min"] > 0
    assert main(["bench", str(template), "--request", str(request), "-n", "2"]) == 0
    assert "render    min" in capsys.readouterr().out


def test_bench_command_reports_template_errors(tmp_path, capsys):
    from vtl.cli import main
    template = tmp_path / "bad.vtl"
    template.write_text("#if(")
    assert main(["bench", str(template), "-n", "1"]) == 1
    assert "VTLSyntaxError" in capsys.readouterr().err


# ----- what generated code calls for each reference ------------------------------------------

def _lookup_outcome(function, *arguments):
    """Results compared as Java prints them (a method may return a new view object each time)."""
    result = outcome(function, *arguments)
    if result[0] == "ok":
        value = result[1]
        return ("ok", type(value), value if value is None or type(value) in (bool, int, str) else
                _native.to_java_string(value))
    return result


LOOKUP_NAMES = st.sampled_from(["get", "size", "class", "empty", "isEmpty", "keySet", "values", "toString",
                                "length", "contains", "containsKey", "indexOf", "name", "x", "bytes", "hashCode"])


@needs_cython
@SETTINGS
@given(values, LOOKUP_NAMES, values)
def test_reference_lookups_agree(target, name, argument):
    for function, arguments in (("get_property", (target, name)), ("call_method0", (target, name)),
                                ("call_method1", (target, name, argument)),
                                ("call_method", (target, name, (argument, 0)))):
        expected = _lookup_outcome(getattr(_native, function), *arguments)
        assert _lookup_outcome(getattr(CYTHON, function), *arguments) == expected, (function, arguments)


@pytest.mark.parametrize("twin", TWINS)
def test_util_methods_take_strings_only(twin):
    from vtl.runtime.objects import NoMatchingOverload
    assert twin.util_escape_javascript(None, "it's") == "it\\'s"
    assert twin.util_base64_encode(None, None) is None
    with pytest.raises(NoMatchingOverload):
        twin.util_url_encode(None, 5)
    assert twin.map_get({"a": 1, 1: "int"}, "a") == 1
    assert twin.map_get({1: "int"}, 1.0) is None  # Java: Integer 1 does not equal Double 1.0
    assert twin.map_get({1: "int"}, 1) == "int"


@needs_cython
@SETTINGS
@given(values)
def test_printed_references_and_loop_walks_agree(value):
    for name, arguments in (("text_or_source", (value, "$x")), ("text_or_empty", (value,)),
                            ("live_walk", (value,)), ("live_walk", (value, 2))):
        expected = _lookup_outcome(getattr(_native, name), *arguments)
        assert _lookup_outcome(getattr(CYTHON, name), *arguments) == expected, (name, arguments)


@pytest.mark.parametrize("twin", TWINS)
def test_walk_ends(twin):
    from vtl.errors import VTLRuntimeError
    assert twin.walk_ends([1, 2], 2, 1) is False  # unchanged: the walk goes on
    assert twin.walk_ends([1, 2], 3, 2) is True  # an ArrayList's cursor meets its size now
    assert twin.walk_ends({"a": 1}, 2, 2) is True  # a HashMap's item before was its last
    with pytest.raises(VTLRuntimeError, match="ConcurrentModificationException"):
        twin.walk_ends([1, 2, 3], 2, 2)  # grown: Java's next() fails
    with pytest.raises(VTLRuntimeError, match="ConcurrentModificationException"):
        twin.walk_ends({"a": 1}, 2, 1)  # a map changed before its last item


def _plan_outcome(twin, variables, plan, render):
    """A plan's output, or its error as (class, message, where it names)."""
    try:
        return ("ok", twin.render_plan(variables, plan, render))
    except Exception as error:  # noqa: BLE001 - any error, compared with its position
        return (type(error).__name__, str(error), getattr(error, "template_span", None))


@needs_cython
@SETTINGS
@given(values, LOOKUP_NAMES, LOOKUP_NAMES, values, scalars, st.booleans())
def test_print_plans_agree(value, first, second, argument, constant, quiet):
    from vtl.runtime.core import render_reference_velocity
    # a constant argument, and a reference (a tuple) evaluated as one: $x.first.second($y)
    y = ("y", (), "$y", False, (1, 12))
    plan = ("text ", ("x", ((first, None, (1, 3)), (second, (constant,), (1, 9)), (second, (y,), (1, 15))),
                      "$x.a.b(1).b($y)", quiet, (1, 2)),
            " more ", ("x", (), "$x", False, (1, 20)), ("missing", (), "$missing", quiet, (1, 30)))
    variables = {"x": value, "y": argument}
    expected = _plan_outcome(_native, variables, plan, render_reference_velocity)
    assert _plan_outcome(CYTHON, variables, plan, render_reference_velocity) == expected


@pytest.mark.parametrize("twin", TWINS)
def test_a_method_registered_later_is_found(twin):
    # The method caches (the Cython twin's by name, then type) are emptied when a method is added:
    # a subclass's own method, registered after its base's was found and cached, wins.
    from vtl.runtime.objects import register_methods

    class Base(JavaObject):
        __slots__ = ()

    class Late(Base):
        __slots__ = ()

    late = Late()
    register_methods(Base, {"greeting": lambda receiver: "base", "greet": lambda receiver, name: f"base {name}"})
    assert (twin.call_method0(late, "greeting"), twin.call_method1(late, "greet", "x")) == ("base", "base x")
    register_methods(Late, {"greeting": lambda receiver: "late", "greet": lambda receiver, name: f"late {name}"})
    assert (twin.call_method0(late, "greeting"), twin.call_method1(late, "greet", "x")) == ("late", "late x")
    assert twin.call_method(late, "greet", ("y",)) == "late y"


@pytest.mark.parametrize("twin", TWINS)
def test_loops_walk_map_views(twin):
    mapping = {"b": 1, "a": 2}
    for name, expected in (("keySet", ["b", "a"]), ("values", [1, 2]), ("keySet", ["b", "a"])):
        view = twin.call_method0(mapping, name)
        loop = twin.start_loop(view, None, 1000, False)
        assert list(twin.loop_items(loop, twin.LoopOutput(lambda text: None), False)) == expected
    mapping["c"] = 3  # a live view: the next walk sees the key
    assert twin.live_walk(twin.call_method0(mapping, "keySet"))[0] == ["b", "a", "c"]


def walk_loop(twin, count: int, pieces_per_turn: int, stop_at: int | None = None, grow_at: int | None = None,
              tracked: bool = True):
    """Drive loop_items as generated code does: what reaches the outer write, when, and how it ends."""
    written: list[tuple[int, int]] = []  # (turn, pieces joined) per write on
    source = list(range(count))
    loop = twin.start_loop(source, None, 5000, tracked)
    if loop is None:
        return "nothing to walk"
    turn = (lambda: loop.index) if tracked else (lambda: len(indexes) - 1)
    output = twin.LoopOutput(lambda text: written.append((turn(), len(text))))
    write = output.parts.append
    indexes = []
    try:
        for item in twin.loop_items(loop, output, tracked):
            indexes.append((loop.index, item, loop.hasNext) if tracked else (len(indexes), item, None))
            for _ in range(pieces_per_turn):
                write("x")
            if item == grow_at:
                source.append("more")
            if item == stop_at:
                break
        ending = "done"
    except Exception as error:  # noqa: BLE001 - what ends the loop is part of the comparison
        ending = str(error)
    output.close()
    return indexes, written, ending


@needs_cython
@settings(max_examples=60, deadline=None)
@given(count=st.integers(0, 3000), pieces=st.integers(0, 5), stop=st.none() | st.integers(0, 3000),
       grow=st.none() | st.integers(0, 3000), tracked=st.booleans())
def test_loop_items_twins_write_on_and_end_alike(count, pieces, stop, grow, tracked):
    expected = walk_loop(_native, count, pieces, stop, grow, tracked)
    assert walk_loop(CYTHON, count, pieces, stop, grow, tracked) == expected


@pytest.mark.parametrize("twin", TWINS)
def test_loop_items_writes_on_every_loop_chunk_pieces_and_checks_the_source_between_turns(twin):
    indexes, written, ending = walk_loop(twin, 3000, 1)
    assert indexes[:2] == [(0, 0, True), (1, 1, True)] and indexes[-1] == (2999, 2999, False)
    chunk = _native.LOOP_CHUNK + 1
    assert written == [(turn, chunk) for turn in range(chunk - 1, 3000, chunk)] + [(2999, 3000 % chunk)]
    grown = walk_loop(twin, 10, 1, grow_at=3)
    assert "ConcurrentModificationException" in grown[2] and grown[0][-1][1] == 3  # Java's next() after the change
    assert walk_loop(twin, 10, 1, grow_at=3, stop_at=3)[2] == "done"  # a #break asks for no next item
    assert walk_loop(twin, 3000, 1, tracked=False)[1] == written  # no $foreach: the same output


# ----- last_values: headers and query strings as one value per name ------------------------------

_request_names = st.one_of(st.sampled_from(["Accept", "accept", "TE", "te", "Connection", "X-Id", "a", "B", "b"]),
                           st.text(max_size=4))
_value_lists = st.lists(st.text(max_size=3), max_size=3)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_request_names, _value_lists, max_size=8),
       st.sampled_from([None, frozenset({"te", "connection"})]))
def test_last_values_twins_agree(multi, hidden):
    expected = _native.last_values(multi, hidden)
    assert list(expected) == sorted(expected, key=lambda name: name.encode("utf-16-be", "surrogatepass"))
    if CYTHON is not None:
        produced = CYTHON.last_values(multi, hidden)
        assert list(produced.items()) == list(expected.items())


@pytest.mark.parametrize("twin", TWINS)
def test_last_values_known_answers(twin):
    multi = {"b": ["1", "2"], "TE": ["x"], "A": ["3"], "empty": [], "\U0001F600": ["s"], "\uff01": ["w"]}
    assert list(twin.last_values(multi, frozenset({"te"})).items()) == \
        [("A", "3"), ("b", "2"), ("\U0001F600", "s"), ("\uff01", "w")]
    assert twin.last_values({"TE": ("t",)}) == {"TE": "t"}


# ----- has_number_run: whether a JSON text may hold a number too long for a double ----------------

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789+-.eE ,a\"é😀")), max_size=60), st.integers(0, 25))
def test_has_number_run_twins_agree(text, length):
    expected = _native.has_number_run(text, length)
    assert expected == any(len(run) >= length for run in re.split("[^0-9eE.+-]", text))
    if CYTHON is not None:
        assert CYTHON.has_number_run(text, length) == expected
