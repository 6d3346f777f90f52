"""Malformed input from the caller (the case format's request and backend answer, a template that
is not text) and text that has no UTF-8 form: a clear error naming the field, never a traceback
or an "InternalError" line."""
from __future__ import annotations

import json

import pytest

from vtl import InvalidInputError, Template
from vtl.apigw.commands import invoke_case
from vtl.apigw.pipeline import invoke
from vtl.apigw.request import Request
from vtl.cli import render_case

LONE = "\ud800"
MOCK = {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "integrationResponses": {"200": {"statusCode": "200", "responseTemplates": {"application/json": "$input.body"}}}}


@pytest.mark.parametrize("field,value,message", [
    ("query", 7, "request.query must be an object, not a number"),
    ("headers", ["a"], "request.headers must be an object, not an array"),
    ("path_params", "x", "request.path_params must be an object, not a string"),
    ("stage_variables", True, "request.stage_variables must be an object, not a boolean"),
    ("context", [1], "request.context must be an object, not an array"),
    ("body", {"a": 1}, "request.body must be a string (or body_base64 for bytes), not an object"),
    ("body", 1.5, "request.body must be a string (or body_base64 for bytes), not a number"),
    ("body_base64", "é", "request.body_base64 is not base64"),
    ("body_base64", 12, "request.body_base64 must be a string, not a number"),
    ("context", {"identity": "me"}, "request.context.identity must be an object, not a string"),
    ("context", {"requestOverride": [1]}, "request.context.requestOverride must be an object, not an array"),
    ("context", {"authorizer": 5}, "request.context.authorizer must be an object, not a number"),
])
def test_a_malformed_request_field_is_named(field, value, message):
    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Template("$input.body").render(request={field: value})
    line = render_case({"id": "x", "template": "$input.body", "request": {field: value}}, "apigateway")
    assert line["error"].startswith("InvalidInputError: " + message)


def test_a_request_that_is_not_an_object():
    with pytest.raises(InvalidInputError, match="request must be an object, not an array"):
        Template("x").render(request=["a"])


def test_a_template_that_is_not_text():
    assert render_case({"id": "x", "template": 7}, "apigateway")["error"] == \
        "InvalidInputError: a template is a string, not a number"


@pytest.mark.parametrize("case,message", [
    ({"template": "$x", "context": 5}, "the context (plain variables) must be an object, not a number"),
    ({"template": "$x", "dialect": "nope"}, "unknown dialect 'nope'"),
    ({}, "a render case needs a template"),
    ({"template": "$input.body", "dialect": "apigateway", "template_phase": "integration_response", "backend_response": 7},
     "backend_response must be an object, not a number"),
    ({"template": "$input.body", "dialect": "apigateway", "template_phase": "integration_response",
      "backend_response": {"body": ["a"]}},
     "backend_response.body must be a string"),
])
def test_a_malformed_render_case_is_named(case, message):
    assert render_case({"id": "x", **case}, "velocity")["error"].startswith("InvalidInputError: " + message)


def test_an_unknown_template_phase():
    line = render_case({"id": "x", "template": "x", "request": {}, "template_phase": "reply"}, "apigateway")
    assert line["error"].startswith("InvalidInputError: unknown template phase 'reply'")


@pytest.mark.parametrize("backend,message", [
    ({"status": "abc"}, "backend_response.status must be an HTTP status code, not 'abc'"),
    ({"status": None}, "backend_response.status must be an HTTP status code, not None"),
    ({"status": 200, "headers": 7}, "backend_response.headers must be an object, not a number"),
    ({"status": 200, "body": ["a"]}, "backend_response.body must be a string"),
    ({"status": 200, "body_base64": "é"}, "backend_response.body_base64 is not base64"),
    ("text", "backend_response must be an object or an EndpointResponse, not a string"),
])
def test_a_malformed_backend_answer_is_named(backend, message):
    integration = {"type": "HTTP", "httpMethod": "GET", "uri": "https://backend.example.com/"}
    line = invoke_case({"id": "x", "request": {}, "integration": integration, "backend_response": backend})
    assert line["error"].startswith("InvalidInputError: " + message)


@pytest.mark.parametrize("status", [200, "201", 404.0])
def test_backend_status_as_number_or_text(status):
    integration = {"type": "HTTP", "httpMethod": "GET", "uri": "https://backend.example.com/",
                   "integrationResponses": {"200": {"statusCode": "200"}}}
    answer = invoke({}, integration, backend={"status": status})
    assert answer.endpoint_response.status == int(status)


@pytest.mark.parametrize("integration,message", [
    (7, "IntegrationValidationError: an integration must be a JSON object, not a number"),
    ({"type": "MOCK", "binaryMediaTypes": 7}, "IntegrationValidationError: binaryMediaTypes: must be a JSON array"),
    ({"type": "MOCK", "integrationResponses": [{"statusCode": []}]},
     'IntegrationValidationError: integrationResponses.0.statusCode: must be a string such as "200", not an array'),
])
def test_a_malformed_integration_is_named(integration, message):
    line = invoke_case({"id": "x", "request": {}, "integration": integration})
    assert line["error"].startswith(message)


# --- text with a lone surrogate half (JSON allows "\ud800"; UTF-8 has no form for it) ------------

def test_a_request_body_with_a_lone_surrogate_arrives_as_the_replacement_character():
    # Browsers and Node encode a lone half as U+FFFD; that is what API Gateway receives.
    request = {"headers": {"Content-Type": "application/json"}, "body": f'"a{LONE}b"'}
    assert Template("$input.body $input.path('$')").render(request=request) == '"a\ufffdb" a\ufffdb'


def test_a_lone_surrogate_in_a_template_is_measured_and_written_as_java_does():
    integration = dict(MOCK, integrationResponses={"200": {
        "statusCode": "200", "responseTemplates": {"application/json": f"x{LONE}y"}}})
    answer = invoke({"headers": {"Content-Type": "application/json"}, "body": "{}"}, integration)
    assert answer.body == b"x?y"


def test_a_lone_surrogate_in_a_path_parameter_is_percent_encoded_as_java_writes_it():
    integration = {"type": "HTTP", "httpMethod": "GET", "uri": "https://backend.example.com/items/{id}",
                   "requestParameters": {"integration.request.path.id": "method.request.path.id"},
                   "integrationResponses": {"200": {"statusCode": "200"}}}
    answer = invoke({"path": "/items/x", "path_params": {"id": f"a{LONE}b"}}, integration, backend={"status": 200})
    assert answer.integration_request.uri == "https://backend.example.com/items/a%3Fb"


def test_a_lambda_proxy_body_with_a_lone_surrogate_is_written_as_java_writes_it():
    integration = {"type": "AWS_PROXY", "httpMethod": "POST",
                   "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                          "arn:aws:lambda:us-east-1:123456789012:function:f/invocations"}
    result = json.dumps({"statusCode": 200, "body": f"a{LONE}b"})  # json.dumps escapes it: \ud800
    answer = invoke({}, integration, backend={"status": 200, "body": result})
    assert answer.status == 200 and answer.body == b"a?b"


# --- the request object ---------------------------------------------------------------------------

def test_body_text_is_the_text_given_until_the_body_changes():
    request = Request.from_dict({"body": "héllo"})
    assert request.body == "héllo".encode() and request.body_text == "héllo"
    request.body = b"\xffok"
    assert request.body_text == "\ufffdok"


def test_header_lookup_is_case_insensitive_and_the_last_name_wins():
    request = Request.from_dict({"headers": {"accept": "a", "X-Other": "x", "ACCEPT": ["b", "c"]}})
    assert request.header("Accept") == "c"
    assert request.header("Content-Type") is None
