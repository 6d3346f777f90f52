"""$input: body, path, json, params; the response phase."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vtl.apigw.json_values import JsonArray
from vtl.apigw.variables import template_variables
from vtl.errors import GatewayError, JavaException
from vtl.runtime.objects import NO_SUCH_METHOD, find_and_call
from vtl.runtime.values import to_java_string


def make_input(body="", **request):
    request.setdefault("method", "POST")
    return template_variables({"body": body, **request})["input"]


def call(target, name, *args):
    return find_and_call(target, name, args)


def test_body_is_raw_and_empty_reads_as_braces():
    assert call(make_input('{"some": "value"}'), "getBody") == '{"some": "value"}'
    assert call(make_input(""), "getBody") == "{}"
    assert call(make_input(""), "json", "$") == "{}"
    assert to_java_string(call(make_input(""), "path", "$")) == "{}"


@pytest.mark.parametrize("body, path_value, json_value", [
    ('"a=b"', "a=b", '"a=b"'),
    ("a=b", "a=b", '"a=b"'),
    ("name=toqoz", "name=toqoz", '"name=toqoz"'),
    ("{}", "{}", "{}"),
    ('{"names": ["toqoz", "foo"]}', '{names=["toqoz","foo"]}', '{"names":["toqoz","foo"]}'),
])
def test_path_and_json_of_the_whole_body(body, path_value, json_value):
    payload = make_input(body)
    assert to_java_string(call(payload, "path", "$")) == path_value
    assert call(payload, "json", "$") == json_value


def test_missing_path_is_null_for_path_and_empty_string_for_json():
    payload = make_input('{"str": "s", "n": null}')
    assert call(payload, "path", "$.pets") is None
    assert call(payload, "json", "$.pets") == '""'      # recorded: renders ""
    assert call(payload, "path", "$.n") is None
    assert call(payload, "json", "$.n") == "null"
    assert call(payload, "json", "str") == '"s"'        # recorded: no "$." needed


def test_invalid_json_body_answers_400():
    payload = make_input("{a")
    assert call(payload, "getBody") == "{a"             # only path/json parse the body
    with pytest.raises(GatewayError) as caught:
        call(payload, "path", "$")
    assert caught.value.status == 400
    assert caught.value.body == ('{"message": "Could not process payloadnet.minidev.json.parser.'
                                 'ParseException: Unexpected End Of File position 1: null"}')


def test_invalid_path_is_a_java_exception():
    with pytest.raises(JavaException) as caught:
        call(make_input("{}"), "path", "$.")
    assert caught.value.java_class == "com.jayway.jsonpath.InvalidPathException"


def test_body_is_parsed_once_and_path_returns_live_values():
    payload = make_input('{"id": 1}')
    root = call(payload, "path", "$")
    root["url"] = "https://example.tld/thingy/1"         # what #set($body.url = ...) does
    assert call(payload, "json", "$") == '{"id":1,"url":"https:\\/\\/example.tld\\/thingy\\/1"}'
    assert call(payload, "path", "$") is root


def test_indefinite_path_gives_a_json_array():
    result = call(make_input('{"names": ["a", "b"]}'), "path", "$.names[*]")
    assert isinstance(result, JsonArray) and to_java_string(result) == '["a","b"]'


def test_non_string_arguments_find_no_method():
    payload = make_input("{}")
    assert call(payload, "path", 5) is NO_SUCH_METHOD
    assert call(payload, "params", 5) is NO_SUCH_METHOD
    assert call(payload, "path", None) is None


def test_params_precedence_path_query_header():
    payload = make_input(path_params={"name": "toqoz"}, query={"name": "ftoqoz"}, headers={"name": "fftoqoz"})
    assert call(payload, "params", "name") == "toqoz"
    payload = make_input(query={"name": "ftoqoz"}, headers={"name": "fftoqoz"})
    assert call(payload, "params", "name") == "ftoqoz"
    assert call(payload, "params", "absent") is None


def test_params_map_shape_order_and_multi_values():
    payload = make_input(path_params={"id": "7"}, query={"z": "1", "tags": ["a", "b"]},
                         headers={"X-B": "2", "Accept": "*/*", "Connection": "close", "X-M": ["a", "b"]})
    params = call(payload, "params")
    assert list(params) == ["path", "querystring", "header"]
    assert to_java_string(params) == "{path={id=7}, querystring={tags=b, z=1}, header={Accept=*/*, X-B=2, X-M=b}}"


def test_params_names_are_case_sensitive_and_hidden_headers_invisible():
    payload = make_input(headers={"Content-Type": "application/json", "Content-Length": "3", "TE": "deflate"})
    assert call(payload, "params", "Content-Type") == "application/json"
    assert call(payload, "params", "content-type") is None
    assert call(payload, "params", "Content-Length") is None
    assert call(payload, "params", "TE") is None


def test_property_style_access_finds_nothing_but_body():
    payload = make_input("{}")
    assert call(payload, "getParams") is NO_SUCH_METHOD
    assert call(payload, "getJson") is NO_SUCH_METHOD
    assert call(payload, "get", "params") is NO_SUCH_METHOD


def test_response_phase_reads_the_backend_body_and_the_method_request_params():
    request = {"method": "GET", "path_params": {"id": "7"}, "body": '{"from": "request"}'}
    variables = template_variables(request, phase="integration_response",
                                   backend_response={"status": 200, "body": '{"from": "backend"}'})
    payload = variables["input"]
    assert call(payload, "path", "$.from") == "backend"
    assert call(payload, "params", "id") == "7"
    encoded = template_variables(request, phase="integration_response",
                                 backend_response={"status": 200, "body_base64": "eyJhIjogMX0="})
    assert call(encoded["input"], "getBody") == '{"a": 1}'
    echo = template_variables(request, phase="integration_response")
    assert call(echo["input"], "path", "$.from") == "request"


_names = st.sampled_from(["a", "A", "id", "Content-Length", "content-length", "X-Id", "q", "Connection"])
_values = st.one_of(st.text(max_size=2), st.lists(st.text(max_size=2), max_size=2))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_names, st.text(max_size=2), max_size=3), st.dictionaries(_names, _values, max_size=4),
       st.dictionaries(_names, _values, max_size=4), _names)
def test_one_param_is_what_the_params_maps_hold(path_params, query, headers, name):
    # params(name) looks the name up without building the maps params() gives: same answer.
    request = {"path_params": path_params, "query": query, "headers": headers}
    looked_up = call(make_input(**request), "params", name)
    through_maps = make_input(**request)
    maps = call(through_maps, "params")
    expected = next((maps[source][name] for source in ("path", "querystring", "header") if name in maps[source]), None)
    assert looked_up == expected == call(through_maps, "params", name)


def test_a_param_changed_through_the_params_maps_is_read_back():
    from vtl.engine import Template
    template = Template("$input.params('q')|#set($ok = $input.params().querystring.put('q', 'new'))$input.params('q')")
    assert template.render(request={"query": {"q": "old"}}) == "old|new"


def test_params_maps_sort_names_in_java_string_order():
    # UTF-16 code units: U+1F600 (surrogates D83D DE00) sorts before U+FF01, unlike code points.
    payload = make_input(query={"\uff01": "wide", "\U0001F600": "smile", "a": "1"})
    assert list(call(payload, "params")["querystring"]) == ["a", "\U0001F600", "\uff01"]
