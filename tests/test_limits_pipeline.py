"""API Gateway's size limits answered by the pipeline and by ``vtl serve`` (docs/limits.md)."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest

from vtl.apigw.pipeline import MAX_LAMBDA_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES, invoke
from vtl.gateway.commands import build
from vtl.gateway.server import running

PETSTORE = Path(__file__).resolve().parent.parent / "examples" / "petstore"
TOO_LONG_TEXT = b"HTTP content length exceeded 10485760 bytes."

LAMBDA = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" \
         "arn:aws:lambda:us-east-1:123456789012:function:f/invocations"


def post(body: bytes) -> dict:
    return {"method": "POST", "path": "/items", "headers": {"Content-Type": "application/json"},
            "body_base64": base64.b64encode(body).decode()}


def test_the_limits_are_awss():
    assert MAX_PAYLOAD_BYTES == 10_485_760 and MAX_LAMBDA_PAYLOAD_BYTES == 6_291_456


def test_payload_over_10_mb_is_413_before_the_integration():
    called = []
    result = invoke(post(b"x" * (MAX_PAYLOAD_BYTES + 1)), {"type": "HTTP", "httpMethod": "POST",
                                                           "uri": "https://backend.example.com/"},
                    backend=lambda request: called.append(request))
    assert result.status == 413
    assert result.body == TOO_LONG_TEXT
    assert result.header("Content-Type") == "text; charset=utf-8"
    assert result.header("x-amzn-RequestId") is None and result.integration_request is None
    assert called == []


def test_payload_of_exactly_10_mb_goes_through():
    sizes = []
    integration = {"type": "HTTP", "httpMethod": "POST", "uri": "https://backend.example.com/",
                   "integrationResponses": {"200": {"statusCode": "200"}}}
    result = invoke(post(b" " * MAX_PAYLOAD_BYTES), integration,
                    backend=lambda request: sizes.append(len(request.body)))
    assert result.status == 200 and sizes == [MAX_PAYLOAD_BYTES]


@pytest.mark.parametrize("kind", ["MOCK", "HTTP_PROXY", "AWS_PROXY"])
def test_every_integration_type_refuses_over_10_mb(kind):
    integration = {"type": kind, "httpMethod": "POST", "uri": LAMBDA if kind == "AWS_PROXY"
                   else "https://backend.example.com/"}
    assert invoke(post(b"{" * (MAX_PAYLOAD_BYTES + 5)), integration).status == 413


def test_lambda_custom_integration_over_6_mb_is_request_too_long():
    body = json.dumps({"data": "x" * MAX_LAMBDA_PAYLOAD_BYTES}).encode()
    result = invoke(post(body), {"type": "AWS", "httpMethod": "POST", "uri": LAMBDA,
                                 "integrationResponses": {"200": {"statusCode": "200"}}},
                    backend=lambda request: pytest.fail("the function must not be invoked"))
    assert result.status == 413
    assert result.body == b'{"message": "Request Too Long"}'
    assert result.header("x-amzn-ErrorType") == "BadRequestException"


def test_lambda_proxy_event_over_6_mb_is_request_too_long():
    # The event (body + request context) is what Lambda measures: a 6 MB body is already over.
    result = invoke(post(b"y" * (MAX_LAMBDA_PAYLOAD_BYTES - 100)), {"type": "AWS_PROXY", "httpMethod": "POST",
                                                                    "uri": LAMBDA},
                    backend=lambda request: pytest.fail("the function must not be invoked"))
    assert result.status == 413 and json.loads(result.body) == {"message": "Request Too Long"}


def test_lambda_under_6_mb_is_invoked():
    body = json.dumps({"data": "x" * 1000}).encode()
    result = invoke(post(body), {"type": "AWS", "httpMethod": "POST", "uri": LAMBDA,
                                 "integrationResponses": {"200": {"statusCode": "200"}}})
    assert result.status == 200


@pytest.fixture(scope="module")
def server():
    app = build(str(PETSTORE / "openapi.yaml"), config_file=str(PETSTORE / "vtl-serve.json"))
    with running(app) as running_server:
        yield running_server
    app.state.gateway.close()


def test_vtl_serve_refuses_over_10_mb_with_the_same_answer(server):
    response = httpx.post(server.url + "/pets", content=b"{" * (MAX_PAYLOAD_BYTES + 1),
                          headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 413
    assert response.content == TOO_LONG_TEXT
    assert response.headers["content-type"] == "text; charset=utf-8"
    assert '"POST /pets" 413' in server.app.state.gateway.access_log[-1]


def test_vtl_serve_refuses_a_streamed_body_over_10_mb(server):
    def chunks():  # no Content-Length: chunked transfer, counted while reading
        for _ in range(11):
            yield b" " * (1024 * 1024)
    response = httpx.post(server.url + "/pets", content=chunks(), headers={"Content-Type": "application/json"},
                          timeout=30)
    assert response.status_code == 413 and response.content == TOO_LONG_TEXT


def test_vtl_serve_still_answers_after_a_refusal(server):
    assert httpx.get(server.url + "/pets/7", timeout=10).json() == {"id": "7", "type": "dog"}
