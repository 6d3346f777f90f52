"""json-smart's permissive parser and printer, as API Gateway's $input.path/json see JSON."""
from decimal import Decimal

import pytest

from vtl.apigw.json_values import JsonArray, JsonParseError, parse_json_text, to_json
from vtl.runtime.values import to_java_string


@pytest.mark.parametrize("text, expected", [
    ('{"a": 1, "b": [true, null, "x"]}', {"a": 1, "b": [True, None, "x"]}),
    ('"a=b"', "a=b"),
    ("a=b", "a=b"),            # not JSON: one plain string (recorded)
    ("null{", "null{"),
    ("true{", "true{"),
    ("a{b", "a{b"),
    ("  text  ", "text"),      # unquoted strings are trimmed
    ("", ""),
    ("123", 123),
    ("-", 0),                  # json-smart's parseNumber reads a lone '-' as 0
    ("12abc", "12abc"),
    ("{a: 1, 'b': hello world }", {"a": 1, "b": "hello world"}),
    ('{"a":1} trailing data', {"a": 1}),
    ("[1,,2,]", [1, 2]),       # useless commas are accepted
    ('"tab\\tand\\u00e9"', "tab\tand\u00e9"),
    ('"\\ud83d\\ude00"', "\U0001F600"),
    ('"a\\qb"', "ab"),         # an unknown escape drops backslash and character
])
def test_permissive_parse(text, expected):
    assert parse_json_text(text) == expected


@pytest.mark.parametrize("text, kind, printed", [
    ("1.0", float, "1.0"),
    ("1e5", float, "100000.0"),
    ("2147483648", int, "2147483648"),
    ("12345678901234567890123", int, "12345678901234567890123"),
    ("0.1234567890123456789", Decimal, "0.1234567890123456789"),  # > 18 chars: BigDecimal
])
def test_numbers_keep_json_smart_types(text, kind, printed):
    value = parse_json_text(text)
    assert type(value) is kind
    assert to_java_string(value) == printed


@pytest.mark.parametrize("text, message", [
    ("{a", "Unexpected End Of File position 1: null"),      # recorded on AWS
    ("[a", "Unexpected End Of File position 1: EOF"),       # recorded on AWS
    ('"abc', "Unexpected End Of File position 4: null"),
    ('{"a"', "Unexpected End Of File position 3: null"),
    ("{:", "Unexpected character (:) at position 1."),
    ('{"a" x', "Unexpected character (x) at position 4."),
    ('"\\u00zz"', "Unexpected unicode escape sequence z at position 5."),
    ("[" * 401, "Malicious payload, having non natural depths, parsing stoped on [ at position 400."),
])
def test_parse_errors_read_like_json_smart(text, message):
    with pytest.raises(JsonParseError) as caught:
        parse_json_text(text)
    assert caught.value.message == message
    assert caught.value.java_to_string() == "net.minidev.json.parser.ParseException: " + message


def test_error_positions_count_utf16_units():
    with pytest.raises(JsonParseError) as caught:
        parse_json_text('{"\U0001F600" x')
    assert caught.value.message == "Unexpected character (x) at position 5."


def test_objects_are_ordered_maps_and_arrays_print_as_json():
    value = parse_json_text('{"z": 1, "a": [{"foo": "bar"}], "m": {"k": "v"}}')
    assert list(value) == ["z", "a", "m"]
    assert isinstance(value["a"], JsonArray)
    assert to_java_string(value) == '{z=1, a=[{"foo":"bar"}], m={k=v}}'
    assert to_java_string(value["a"]) == '[{"foo":"bar"}]'


def test_to_json_uses_json_smart_default_style():
    value = parse_json_text('{"url": "http://x/y", "ctl": "\\u0001\\u2028", "q": "\\"", "n": null, "d": 2.5E10}')
    assert to_json(value) == '{"url":"http:\\/\\/x\\/y","ctl":"\\u0001\\u2028","q":"\\"","n":null,"d":2.5E10}'
    assert to_json("a=b") == '"a=b"'
    assert to_json(float("inf")) == "null"
    assert to_json([1, True, None, {"k": [2]}]) == '[1,true,null,{"k":[2]}]'


# --- the fast path: orjson first, Python's decoder for what it refuses -----------------------------

import json  # noqa: E402
import math  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from vtl.apigw import json_values  # noqa: E402

_number_texts = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.from_regex(r"-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?", fullmatch=True))
_json_texts = st.recursive(
    st.one_of(_number_texts, st.sampled_from(["true", "false", "null", '"\\ud800"', '"\\ud83d\\ude00"', "NaN"]),
              st.text(max_size=6).map(json.dumps)),
    lambda inner: st.one_of(st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
                            st.lists(st.tuples(st.sampled_from(['"a"', '"b"', '"\\u00e9"']), inner), max_size=4).map(
                                lambda pairs: "{" + ",".join(f"{key}:{value}" for key, value in pairs) + "}")),
    max_leaves=12)


def _same(left, right):
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right))
    if isinstance(left, float):
        return math.copysign(1, left) == math.copysign(1, right) and (left == right or left != left)
    return left == right


@settings(max_examples=500, deadline=None)
@given(_json_texts)
def test_orjson_first_reads_what_pythons_decoder_reads(text):
    # The whole strict path against Python's decoder with the number rule alone.
    expected = json_values._NOT_STRICT
    try:
        document = json_values._STRICT_DECODER.decode(text)
        expected = json_values.as_json_smart(document, json_values.MAX_DEPTH) \
            if type(document) in (dict, list) else document
    except (ValueError, RecursionError, json_values._NotStrict):
        pass
    produced = json_values._parse_strict(text)
    assert (produced is json_values._NOT_STRICT) == (expected is json_values._NOT_STRICT)
    assert expected is json_values._NOT_STRICT or _same(produced, expected), text


@pytest.mark.parametrize("text, expected", [
    ("-9223372036854775809", -9223372036854775809),  # orjson alone would give a float
    ("0.12345678901234567890", Decimal("0.12345678901234567890")),
    ("1e400", float("inf")),
    ('["\\ud800"]', ["\ud800"]),
])
def test_what_orjson_would_misread_or_refuse_takes_the_other_path(text, expected):
    assert parse_json_text(text) == expected
