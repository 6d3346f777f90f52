"""$util: commons-lang escapeJavaScript, java.net URL coding, base64, parseJson."""
import pytest

from vtl.apigw.util import Util
from vtl.errors import JavaException
from vtl.runtime.objects import NO_SUCH_METHOD, find_and_call
from vtl.runtime.values import to_java_string

UTIL = Util()


def call(name, *args):
    return find_and_call(UTIL, name, args)


@pytest.mark.parametrize("text, expected", [
    ("it's", "it\\'s"),                       # documented: ' becomes \'
    ('say "hi"', 'say \\"hi\\"'),
    ("a\\b/c", "a\\\\b\\/c"),
    ("\b\t\n\f\r", "\\b\\t\\n\\f\\r"),
    ("\x01\x1f\x7f", "\\u0001\\u001F\x7f"),   # DEL is kept
    ("é€", "\\u00E9\\u20AC"),
    ("\U0001F600", "\\uD83D\\uDE00"),         # one escape per UTF-16 unit
    ("", ""),
])
def test_escape_javascript(text, expected):
    assert call("escapeJavaScript", text) == expected


@pytest.mark.parametrize("text, expected", [
    ('{"some": "value"}', "%7B%22some%22%3A+%22value%22%7D"),   # recorded
    ("some raw data", "some+raw+data"),                          # recorded
    ("a-b_c.d*e~f", "a-b_c.d*e%7Ef"),
    ("é\U0001F600", "%C3%A9%F0%9F%98%80"),
])
def test_url_encode(text, expected):
    assert call("urlEncode", text) == expected


def test_url_decode():
    assert call("urlDecode", "a+b%20%C3%A9%7e") == "a b é~"


@pytest.mark.parametrize("text, message", [
    ("100%", "URLDecoder: Incomplete trailing escape (%) pattern"),
    ("%4", "URLDecoder: Incomplete trailing escape (%) pattern"),
    ("%zz", 'URLDecoder: Illegal hex characters in escape (%) pattern - For input string: "zz"'),
    ("%-1", "URLDecoder: Illegal hex characters in escape (%) pattern - negative value"),
])
def test_url_decode_errors_are_java_exceptions(text, message):
    with pytest.raises(JavaException) as caught:
        call("urlDecode", text)
    assert caught.value.java_class == "java.lang.IllegalArgumentException"
    assert caught.value.message == message


def test_base64():
    assert call("base64Encode", "héllo") == "aMOpbGxv"
    assert call("base64Decode", "aMOpbGxv") == "héllo"
    assert call("base64Decode", "aGk") == "hi"           # padding is optional
    with pytest.raises(JavaException):
        call("base64Decode", "a-b_")                      # not the standard alphabet


def test_parse_json_gives_navigable_values():
    value = call("parseJson", '{"key1":"var1","key2":{"arr":[1,2,3]}}')
    assert value["key2"]["arr"][0] == 1
    assert to_java_string(value) == '{key1=var1, key2={arr=[1,2,3]}}'
    with pytest.raises(JavaException) as caught:
        call("parseJson", "{a")
    assert caught.value.java_class == "net.minidev.json.parser.ParseException"


@pytest.mark.parametrize("name", ["escapeJavaScript", "parseJson", "urlEncode", "urlDecode",
                                  "base64Encode", "base64Decode"])
def test_null_in_null_out_and_strings_only(name):
    assert call(name, None) is None
    assert call(name, 5) is NO_SUCH_METHOD
    assert call(name) is NO_SUCH_METHOD
