"""vtl serve's gateway on a real loopback socket, with real loopback backends."""
import base64
import json
import logging
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from vtl.gateway.app import create_app
from vtl.gateway.commands import build
from vtl.gateway.config import GatewayConfig
from vtl.gateway.gateway import Gateway
from vtl.gateway.server import running
from vtl.loaders import LoaderError, load_text

PETSTORE = Path(__file__).resolve().parent.parent / "examples" / "petstore"


class Backend:
    """A loopback HTTP server recording what it got; behaviour by path."""

    def __init__(self):
        self.requests = []
        self.tokens_issued = 0
        self.valid_token = None
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                record = {"method": self.command, "path": url.path, "query": parse_qs(url.query),
                          "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body.decode()}
                backend.requests.append(record)
                status, headers, payload = backend.respond(record)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def respond(self, record):
        path = record["path"]
        if path == "/slow":
            time.sleep(1.0)
        if path == "/token":
            self.tokens_issued += 1
            self.valid_token = f"token-{self.tokens_issued}"
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"access_token": self.valid_token, "expires_in": 3600}).encode()
        if path == "/protected" and record["headers"].get("authorization") != f"Bearer {self.valid_token}":
            return 401, {}, b"unauthorized"
        return 200, {"Content-Type": "application/json", "X-Backend": "yes"}, json.dumps(
            {"path": path, "query": record["query"], "body": record["body"]}).encode()

    @contextmanager
    def serving(self):
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join(5)


@pytest.fixture
def backend():
    with Backend().serving() as server:
        yield server


@contextmanager
def gateway_for(definition, config=None, name="api.json", **options):
    text = definition if isinstance(definition, str) else json.dumps(definition)
    api = load_text(text, name)
    gateway = Gateway(api, GatewayConfig.from_dict(config or {}, base_dir=Path(__file__).parent), **options)
    with running(create_app(gateway)) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            yield client, gateway
    gateway.close()


def openapi(paths, **extra):
    return {"openapi": "3.0.1", "info": {"title": "t"}, "paths": paths, **extra}


def integration(**fields):
    return {"x-amazon-apigateway-integration": fields}


@pytest.mark.parametrize("name", ["openapi.yaml", "cloudformation.yaml", "main.tf"])
def test_petstore_example_served(name):
    app = build(str(PETSTORE / name), config_file=str(PETSTORE / "vtl-serve.json"), stage="dev")
    with running(app) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        listing = client.get("/pets")
        assert listing.status_code == 200
        assert listing.json()[0]["stage"] == "hello"
        assert listing.headers["access-control-allow-origin"] == "*"
        assert client.get("/pets/7").json() == {"id": "7", "type": "dog"}
        assert client.get("/pets/42").status_code == 404
        created = client.post("/pets", json={"type": "fish"})
        assert created.status_code == 201
        assert created.json() == {"created": {"type": "fish", "id": 3}, "stage": "dev"}
        assert client.get("/dev/pets/1").status_code == 200  # the stage as a path prefix, as on AWS
        missing = client.get("/nothing")
        assert missing.status_code == 403
        assert missing.text == '{"message":"Missing Authentication Token"}'
        assert client.delete("/pets").status_code == 403
    app.state.gateway.close()


def test_routing_priority_and_any(backend):
    definition = openapi({
        "/items/special": {"get": integration(type="mock", requestTemplates={"application/json": '{"statusCode": 200}'},
                                              responses={"default": {"statusCode": "200", "responseTemplates": {
                                                  "application/json": "special"}}})},
        "/items/{id}": {"get": integration(type="mock", requestTemplates={"application/json": '{"statusCode": 200}'},
                                           responses={"default": {"statusCode": "200", "responseTemplates": {
                                               "application/json": "item $input.params('id')"}}})},
        "/{proxy+}": {"x-amazon-apigateway-any-method": integration(
            type="http_proxy", httpMethod="ANY", uri=backend.url + "/{proxy}",
            requestParameters={"integration.request.path.proxy": "method.request.path.proxy"})}})
    with gateway_for(definition) as (client, gateway):
        assert client.get("/items/special").text == "special"
        assert client.get("/items/9").text == "item 9"
        proxied = client.put("/abc?x=1", content=b'{"k": 1}', headers={"Content-Type": "application/json"})
        assert proxied.status_code == 200
        assert proxied.json() == {"path": "/abc", "query": {"x": ["1"]}, "body": '{"k": 1}'}
        assert backend.requests[-1]["method"] == "PUT"
        assert client.get("/").status_code == 403  # {proxy+} needs at least one segment
    assert any("HTTP_PROXY" in line for line in gateway.access_log)


def test_http_integration_with_templates(backend):
    definition = openapi({"/orders": {"post": integration(
        type="http", httpMethod="POST", uri=backend.url + "/orders",
        requestTemplates={"application/json": '{"wrapped": $input.json(\'$\')}'},
        responses={"default": {"statusCode": "200", "responseTemplates": {
            "application/json": "#set($b = $util.parseJson($input.path('$.body')))$b.wrapped.n"}}})}})
    with gateway_for(definition) as (client, _):
        answer = client.post("/orders", json={"n": 5})
        assert answer.status_code == 200 and answer.text == "5"
        sent = backend.requests[-1]
        assert sent["headers"]["user-agent"].startswith("AmazonAPIGateway_")
        assert json.loads(sent["body"]) == {"wrapped": {"n": 5}}


def test_timeout_gives_504(backend):
    definition = openapi({"/slow": {"get": integration(type="http_proxy", httpMethod="GET",
                                                       uri=backend.url + "/slow", timeoutInMillis=200)}})
    with gateway_for(definition) as (client, _):
        answer = client.get("/slow")
    assert answer.status_code == 504
    assert answer.json() == {"message": "Endpoint request timed out"}


def test_unreachable_backend_is_500():
    definition = openapi({"/x": {"get": integration(type="http_proxy", httpMethod="GET", uri="http://127.0.0.1:9/x")}})
    with gateway_for(definition) as (client, _):
        answer = client.get("/x")
    assert answer.status_code == 500
    assert answer.json() == {"message": "Internal server error"}


HANDLERS = "gateway_handlers"


@pytest.fixture
def handlers_module(tmp_path, monkeypatch):
    (tmp_path / f"{HANDLERS}.py").write_text(
        "def custom(event, context):\n"
        "    if event.get('fail'):\n"
        "        raise ValueError('Bad input: ' + event['fail'])\n"
        "    return {'got': event, 'name': context.function_name}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop(HANDLERS, None)


LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:orders/invocations")


def test_lambda_custom_integration_and_error_selection(handlers_module):
    definition = openapi({"/orders": {"post": integration(
        type="aws", httpMethod="POST", uri=LAMBDA_URI,
        responses={"Bad input.*": {"statusCode": "400", "responseTemplates": {
            "application/json": '{"error": "$input.path(\'$.errorMessage\')"}'}},
            "default": {"statusCode": "200"}})}})
    with gateway_for(definition, {"functions": {"orders": f"{HANDLERS}:custom"}}) as (client, _):
        ok = client.post("/orders", json={"a": 1})
        assert ok.status_code == 200 and ok.json() == {"got": {"a": 1}, "name": "orders"}
        bad = client.post("/orders", json={"fail": "x"})
        assert bad.status_code == 400 and bad.json() == {"error": "Bad input: x"}
        form = client.post("/orders", content=b"a=b", headers={"Content-Type": "application/json"})
        assert form.status_code == 400  # a custom Lambda integration needs a JSON payload


def test_missing_handler_and_other_services_are_not_emulated():
    definition = openapi({
        "/f": {"post": integration(type="aws_proxy", httpMethod="POST", uri=LAMBDA_URI)},
        "/s3": {"get": integration(type="aws", httpMethod="GET", credentials="arn:aws:iam::123456789012:role/r",
                                   uri="arn:aws:apigateway:us-east-1:s3:path/bucket/key",
                                   responses={"default": {"statusCode": "200"}})}})
    with gateway_for(definition) as (client, _):
        missing = client.post("/f", json={})
        assert missing.status_code == 501 and "functions" in missing.json()["message"]
        s3 = client.get("/s3")
        assert s3.status_code == 501 and "'s3'" in s3.json()["message"]


def test_access_log_line(caplog):
    definition = openapi({"/m": {"get": integration(type="mock", requestTemplates={"application/json": '{"statusCode": 200}'},
                                                    responses={"default": {"statusCode": "200"}})}})
    with caplog.at_level(logging.INFO, logger="vtl.gateway.access"):
        with gateway_for(definition) as (client, gateway):
            client.get("/m")
    line = [r.getMessage() for r in caplog.records if r.name == "vtl.gateway.access"][-1]
    assert '"GET /m" 200' in line and line.endswith("MOCK") and "ms" in line


def test_stage_variables_from_options():
    definition = openapi({"/v": {"get": integration(
        type="mock", requestTemplates={"application/json": '{"statusCode": 200}'},
        responses={"default": {"statusCode": "200", "responseTemplates": {
            "application/json": "${stageVariables.a}/$context.stage"}}})}})
    with gateway_for(definition, {"stageVariables": {"a": "config"}}, stage="beta",
                     stage_variables={"a": "cli"}) as (client, _):
        assert client.get("/v").text == "cli/beta"



def test_templates_see_header_names_as_the_client_wrote_them_and_the_callers_own_address():
    template = ("$input.params('X-Custom-Case')|$input.params('x-custom-case')|$input.params('Authorization')|"
                "#foreach($name in $input.params().header.keySet())#if($name.startsWith('X-'))$name #end#end|"
                "$context.identity.sourceIp")
    definition = openapi({"/h": {"get": integration(
        type="mock", requestTemplates={"application/json": '{"statusCode": 200}'},
        responses={"default": {"statusCode": "200", "responseTemplates": {"application/json": template}}})}})
    with gateway_for(definition) as (client, _):
        answer = client.get("/h", headers={"X-Custom-Case": "v", "Authorization": "token",
                                           "X-Forwarded-For": "203.0.113.9"})
    assert answer.text == "v||token|X-Custom-Case X-Forwarded-For |127.0.0.1"

# --- VPC links ---------------------------------------------------------------------------------


def _private(backend_url=None):
    return openapi({"/p": {"get": integration(
        type="http_proxy", httpMethod="GET", uri="http://internal.example:8080/inside?q=1",
        connectionType="VPC_LINK", connectionId="${stageVariables.vpcLinkId}")}})


def test_vpc_link_routes_to_its_target_with_uri_host(backend):
    config = {"stageVariables": {"vpcLinkId": "abc123"}, "vpcLinks": {"abc123": {"target": backend.url}}}
    with gateway_for(_private(), config) as (client, _):
        answer = client.get("/p")
    assert answer.status_code == 200
    sent = backend.requests[-1]
    assert sent["path"] == "/inside" and sent["query"] == {"q": ["1"]}
    assert sent["headers"]["host"] == "internal.example:8080"


def test_vpc_link_lifecycle(backend):
    config = {"stageVariables": {"vpcLinkId": "abc123"},
              "vpcLinks": {"abc123": {"target": backend.url, "availableAfterSeconds": 0.5}}}
    with gateway_for(_private(), config) as (client, gateway):
        assert gateway.links.get("abc123").status == "PENDING"
        assert client.get("/p").status_code == 500
        time.sleep(0.6)
        assert client.get("/p").status_code == 200
        assert gateway.links.get("abc123").status == "AVAILABLE"
    failing = {"stageVariables": {"vpcLinkId": "bad1"},
               "vpcLinks": {"bad1": {"target": backend.url, "fail": "NLB is already associated"}}}
    with gateway_for(_private(), failing) as (client, gateway):
        assert client.get("/p").status_code == 500
        assert gateway.links.get("bad1").status == "FAILED"
    with gateway_for(_private(), {"stageVariables": {"vpcLinkId": "nope"}}) as (client, _):
        assert client.get("/p").status_code == 500


# --- connections -------------------------------------------------------------------------------


def _connected(backend, connection, path="/api"):
    definition = openapi({path: {"post": integration(type="http_proxy", httpMethod="POST", uri=backend.url + path)}})
    return definition, {"connections": {"partner": connection}, "connectionAttachments": {f"POST {path}": "partner"}}


def test_connection_api_key_and_invocation_parameters(backend, caplog):
    definition, config = _connected(backend, {
        "AuthorizationType": "API_KEY",
        "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "s3cr3t"},
                           "InvocationHttpParameters": {
                               "HeaderParameters": [{"Key": "X-Tenant", "Value": "t1", "IsValueSecret": False}],
                               "QueryStringParameters": [{"Key": "region", "Value": "eu"}],
                               "BodyParameters": [{"Key": "source", "Value": "vtl", "IsValueSecret": True}]}}})
    with caplog.at_level(logging.DEBUG):
        with gateway_for(definition, config) as (client, gateway):
            assert client.post("/api", json={"a": 1}).status_code == 200
    sent = backend.requests[-1]
    assert sent["headers"]["x-api-key"] == "s3cr3t" and sent["headers"]["x-tenant"] == "t1"
    assert sent["query"] == {"region": ["eu"]}
    assert json.loads(sent["body"]) == {"a": 1, "source": "vtl"}
    assert "s3cr3t" not in caplog.text and "s3cr3t" not in repr(gateway.connections["partner"])


def test_connection_basic(backend):
    definition, config = _connected(backend, {"AuthorizationType": "BASIC", "AuthParameters": {
        "BasicAuthParameters": {"Username": "u", "Password": "p"}}})
    with gateway_for(definition, config) as (client, _):
        client.post("/api", json={})
    assert backend.requests[-1]["headers"]["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()


def test_connection_oauth_token_cached_and_refreshed_on_401(backend):
    definition, config = _connected(backend, {"AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {
        "OAuthParameters": {"ClientParameters": {"ClientID": "id", "ClientSecret": "shh"},
                            "AuthorizationEndpoint": backend.url + "/token", "HttpMethod": "POST",
                            "OAuthHttpParameters": {"BodyParameters": [{"Key": "scope", "Value": "orders"}]}}}},
        path="/protected")
    with gateway_for(definition, config) as (client, gateway):
        assert client.post("/protected", json={}).status_code == 200
        assert client.post("/protected", json={}).status_code == 200
        assert backend.tokens_issued == 1  # cached
        backend.valid_token = "rotated"  # the endpoint no longer accepts the cached token
        assert client.post("/protected", json={}).status_code == 200
        assert backend.tokens_issued == 2  # refreshed after the 401
    token_request = next(r for r in backend.requests if r["path"] == "/token")
    assert token_request["headers"]["authorization"] == "Basic " + base64.b64encode(b"id:shh").decode()
    assert parse_qs(token_request["body"]) == {"scope": ["orders"], "grant_type": ["client_credentials"]}


@pytest.mark.parametrize("connection, expected", [
    ({"AuthorizationType": "BASIC", "AuthParameters": {"BasicAuthParameters": {"Username": "u"}}}, "Password"),
    ({"AuthorizationType": "TOKEN", "AuthParameters": {}}, "AuthorizationType"),
    ({"AuthorizationType": "API_KEY", "AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"},
                                                         "InvocationHttpParameters": {"HeaderParameters": [
                                                             {"Key": f"h{i}", "Value": "v"} for i in range(101)]}}},
     "at most 100"),
    ({"AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {"OAuthParameters": {
        "ClientParameters": {"ClientID": "id"}, "AuthorizationEndpoint": "http://x", "HttpMethod": "DELETE"}}},
     "ClientSecret"),
])
def test_connection_validation(connection, expected):
    with pytest.raises(LoaderError) as caught:
        Gateway(load_text(json.dumps(openapi({})), "a.json"), GatewayConfig.from_dict({"connections": {"c": connection}}))
    assert expected in str(caught.value)


def test_vtl_serve_command_end_to_end():
    """The real command in its own process, on an ephemeral loopback port."""
    import re
    import subprocess
    process = subprocess.Popen(
        [sys.executable, "-m", "vtl.cli", "serve", str(PETSTORE / "openapi.yaml"), "--port", "0",
         "--config", str(PETSTORE / "vtl-serve.json"), "--stage", "dev", "--stage-variable", "greeting=hi"],
        stderr=subprocess.PIPE, text=True)
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            found = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
            url = found.group(1) if found else None
        assert url, "vtl serve did not announce its address"
        answer = httpx.get(url + "/pets", timeout=10)
        assert answer.status_code == 200 and answer.json()[0]["stage"] == "hi"
    finally:
        process.terminate()
        process.wait(10)
    assert '"GET /pets" 200' in process.stderr.read()


def test_vtl_serve_reports_unreadable_file(tmp_path, capsys):
    from vtl.cli import main
    bad = tmp_path / "api.json"
    bad.write_text('{"openapi": "3.0.1", "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "nope"}}}}}')
    assert main(["serve", str(bad)]) == 2
    assert "paths./a.get.x-amazon-apigateway-integration" in capsys.readouterr().err
