"""The request object of the case format and the variables handed to a render."""
import pytest

from vtl.apigw.request import Request
from vtl.apigw.util import Util
from vtl.apigw.variables import template_variables


def test_request_from_case_format():
    request = Request.from_dict({
        "method": "POST", "path": "/pets/7",
        "headers": {"Content-Type": "application/json", "X-Multi": ["a", "b"]},
        "query": {"q": "x", "tags": ["a", "b"]}, "path_params": {"id": "7"},
        "body": "raw text", "stage_variables": {"env": "dev"}, "context": {"requestId": "fixed-id"}})
    assert request.headers == {"Content-Type": ["application/json"], "X-Multi": ["a", "b"]}
    assert request.query == {"q": ["x"], "tags": ["a", "b"]}
    assert request.body == b"raw text" and request.body_text == "raw text"
    assert request.header("content-type") == "application/json"
    assert request.header("x-multi") == "b"
    assert request.context == {"requestId": "fixed-id"}


def test_request_body_base64_and_defaults():
    assert Request.from_dict({"body_base64": "/w=="}).body_text == "\ufffd"
    empty = Request.from_dict(None)
    assert (empty.method, empty.path, empty.body) == ("GET", "/", b"")


def test_template_variables():
    variables = template_variables({"stage_variables": {"version": "v1"}})
    assert set(variables) == {"input", "util", "context", "stageVariables"}
    assert variables["stageVariables"] == {"version": "v1"}
    assert isinstance(variables["util"], Util)
    with pytest.raises(ValueError):
        template_variables({}, phase="sideways")


def test_the_apigateway_dialect_builds_variables_from_a_request():
    import vtl.apigw  # noqa: F401  (registers the builder)
    from vtl.engine import Template

    output = Template("$input.params('q')|$stageVariables.env|$context.httpMethod").render(
        request={"method": "PUT", "query": {"q": "x"}, "stage_variables": {"env": "dev"}})
    assert output == "x|dev|PUT"
