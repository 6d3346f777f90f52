"""Focused tests of the integration pipeline's rules (docs/pipeline.md): passthrough and 415,
content handling, integration response selection, parameter mapping and reserved headers,
overrides, MOCK, and the proxy integrations."""
from __future__ import annotations

import base64
import json

import pytest

from vtl.apigw import content
from vtl.apigw.pipeline import EndpointResponse, IntegrationRequest, invoke

OK = {"200": {"statusCode": "200"}}
GZIP = base64.b64decode("H4sIABRs7mMC/0vOzy0oSi0uTk1RSEksSdRRKM7IL81JUUhKVcjMK0vMyUxRCA1x07VQKC4pysxLBwC4ORBXLwAAAA==")
GZIP_AS_TEXT = GZIP.decode("utf-8", "replace").encode("utf-8")


def http(**fields):
    integration = {"type": "HTTP", "httpMethod": "POST", "uri": "https://backend.example.com/items",
                   "integrationResponses": OK}
    integration.update(fields)
    return integration


def aws_lambda(**fields):
    integration = {"type": "AWS", "httpMethod": "POST",
                   "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                          "arn:aws:lambda:us-east-1:123456789012:function:f/invocations",
                   "integrationResponses": OK}
    integration.update(fields)
    return integration


def lambda_proxy(**fields):
    integration = aws_lambda(type="AWS_PROXY")
    integration.pop("integrationResponses")
    integration.update(fields)
    return integration


def post(body="", content_type=None, **fields):
    request = {"method": "POST", "path": "/items", "headers": {}, "body": body}
    if content_type:
        request["headers"]["Content-Type"] = content_type
    request.update(fields)
    return request


# --- passthrough behaviour and 415 (spec §7) ------------------------------------------------------

JSON_ONLY = {"application/json": "{\"t\": \"json\"}"}
XML_ONLY = {"application/xml": "<t>xml</t>"}


@pytest.mark.parametrize("templates,content_type,behavior,outcome", [
    # template for application/json only (AWS docs table)
    (JSON_ONLY, None, "WHEN_NO_MATCH", "transform"),
    (JSON_ONLY, None, "WHEN_NO_TEMPLATES", "transform"),
    (JSON_ONLY, None, "NEVER", "transform"),
    (JSON_ONLY, "application/json", "NEVER", "transform"),
    (JSON_ONLY, "application/json; charset=UTF-8", "NEVER", "transform"),
    (JSON_ONLY, "Application/JSON", "NEVER", "transform"),
    (JSON_ONLY, "application/xml", "WHEN_NO_MATCH", "pass"),
    (JSON_ONLY, "application/xml", "WHEN_NO_TEMPLATES", 415),
    (JSON_ONLY, "application/xml", "NEVER", 415),
    # template for application/xml only: no Content-Type means application/json
    (XML_ONLY, None, "WHEN_NO_MATCH", "pass"),
    (XML_ONLY, None, "WHEN_NO_TEMPLATES", 415),
    (XML_ONLY, None, "NEVER", 415),
    # no templates at all
    ({}, "application/xml", "WHEN_NO_MATCH", "pass"),
    ({}, "application/xml", "WHEN_NO_TEMPLATES", "pass"),
    ({}, "application/xml", "NEVER", 415),
])
def test_passthrough_table(templates, content_type, behavior, outcome):
    result = invoke(post("<body/>", content_type), http(requestTemplates=templates, passthroughBehavior=behavior),
                    backend={"status": 200, "echo": True})
    if outcome == 415:
        assert result.status == 415
        assert json.loads(result.body) == {"message": "Unsupported Media Type"}
        assert result.body == b'{"message": "Unsupported Media Type"}'
        assert result.integration_request is None
    else:
        assert result.status == 200
        assert result.integration_request.body == (b'{"t": "json"}' if outcome == "transform" else b"<body/>")


def test_passthrough_behavior_defaults_to_when_no_match():
    result = invoke(post("x", "text/plain"), http(requestTemplates=JSON_ONLY))
    assert result.integration_request.body == b"x"


def test_empty_template_passes_the_body_through_but_counts_as_a_template():
    passed = invoke(post("raw", "application/json"), http(requestTemplates={"application/json": None}))
    assert passed.integration_request.body == b"raw"
    refused = invoke(post("raw", "text/plain"), http(requestTemplates={"application/json": None},
                                                      passthroughBehavior="WHEN_NO_TEMPLATES"))
    assert refused.status == 415


# --- content handling (spec §8) -------------------------------------------------------------------

@pytest.mark.parametrize("content_type,handling,body,sent", [
    ("text/plain", None, GZIP, GZIP_AS_TEXT),                     # text: UTF-8 with U+FFFD
    ("text/plain", "CONVERT_TO_TEXT", GZIP, GZIP_AS_TEXT),
    ("text/plain", "CONVERT_TO_BINARY", base64.b64encode(GZIP), GZIP),
    ("image/png", None, GZIP, GZIP),                              # binary: untouched
    ("image/png", "CONVERT_TO_BINARY", base64.b64encode(GZIP), base64.b64encode(GZIP)),
    ("image/png", "CONVERT_TO_TEXT", GZIP, base64.b64encode(GZIP)),
])
def test_request_content_handling(content_type, handling, body, sent):
    request = {"method": "PUT", "path": "/k", "headers": {"Content-Type": content_type},
               "body_base64": base64.b64encode(body).decode()}
    result = invoke(request, http(contentHandling=handling), api={"binaryMediaTypes": ["image/png"]})
    assert result.status == 200
    assert result.integration_request.body == sent


def test_request_convert_to_binary_of_text_that_is_not_base64_is_500():
    result = invoke(post("not base64!", "text/plain"), http(contentHandling="CONVERT_TO_BINARY"))
    assert result.status == 500 and result.integration_request is None


@pytest.mark.parametrize("types", [["image/*"], ["*/*"], ["IMAGE/PNG"]])
def test_binary_media_types_wildcards(types):
    request = {"method": "PUT", "path": "/k", "headers": {"Content-Type": "image/png"},
               "body_base64": base64.b64encode(GZIP).decode()}
    assert invoke(request, http(), api={"binaryMediaTypes": types}).integration_request.body == GZIP


@pytest.mark.parametrize("handling", [None, "CONVERT_TO_BINARY"])
def test_request_template_cannot_read_binary(handling):
    request = {"method": "PUT", "path": "/k", "headers": {"Content-Type": "image/png"},
               "body_base64": base64.b64encode(base64.b64encode(GZIP)).decode()}
    result = invoke(request, http(requestTemplates={"image/png": "$input.body"}, contentHandling=handling),
                    api={"binaryMediaTypes": ["image/png"]})
    assert result.status == 500


def test_request_template_sees_base64_after_convert_to_text():
    request = {"method": "PUT", "path": "/k", "headers": {"Content-Type": "image/png"},
               "body_base64": base64.b64encode(GZIP).decode()}
    result = invoke(request, http(requestTemplates={"image/png": "{\"data\": \"$input.body\"}"},
                                  contentHandling="CONVERT_TO_TEXT"), api={"binaryMediaTypes": ["image/png"]})
    assert json.loads(result.integration_request.body) == {"data": base64.b64encode(GZIP).decode()}


@pytest.mark.parametrize("backend_type,accept,handling,expected", [
    ("image/png", "image/png", None, GZIP),
    ("image/png", "text/plain", None, base64.b64encode(GZIP)),
    ("binary/octet-stream", "image/png", None, GZIP),               # text payload, binary Accept: decoded
    ("binary/octet-stream", "text/plain", None, None),              # text/text: UTF-8 of the base64 text
    ("image/png", "image/png", "CONVERT_TO_TEXT", base64.b64encode(GZIP)),
    ("binary/octet-stream", "image/png", "CONVERT_TO_TEXT", None),  # text stays text
    ("binary/octet-stream", "text/plain", "CONVERT_TO_BINARY", GZIP),
    ("image/png", "text/plain", "CONVERT_TO_BINARY", GZIP),         # binary stays binary
])
def test_response_content_handling(backend_type, accept, handling, expected):
    payload = GZIP if backend_type == "image/png" else base64.b64encode(GZIP)
    integration = http(integrationResponses={"200": {"statusCode": "200", "contentHandling": handling}})
    result = invoke({"method": "GET", "path": "/k", "headers": {"Accept": accept}}, integration,
                    api={"binaryMediaTypes": ["image/png"]},
                    backend={"status": 200, "headers": {"Content-Type": backend_type},
                             "body_base64": base64.b64encode(payload).decode()})
    assert result.status == 200
    assert result.body == (payload if expected is None else expected)


def test_response_text_payload_that_is_not_base64_with_binary_accept_is_500():
    result = invoke({"method": "GET", "path": "/k", "headers": {"Accept": "image/png"}}, http(),
                    api={"binaryMediaTypes": ["image/png"]},
                    backend={"status": 200, "headers": {"Content-Type": "text/plain"}, "body": "plain words"})
    assert result.status == 500


def test_response_template_after_convert_to_binary_is_500():
    integration = http(integrationResponses={"200": {"statusCode": "200", "contentHandling": "CONVERT_TO_BINARY",
                                                     "responseTemplates": {"application/json": "$input.body"}}})
    result = invoke({"method": "GET", "path": "/k"}, integration,
                    backend={"status": 200, "body": base64.b64encode(GZIP).decode()})
    assert result.status == 500


def test_content_helpers():
    assert content.media_type(" Application/JSON ; charset=utf-8") == "application/json"
    assert content.first_accept_media_type("image/webp, application/json;q=0.9") == "image/webp"
    assert content.decode_base64(b"YWI") == b"ab"  # padding optional, as java.util.Base64
    with pytest.raises(content.ContentHandlingError):
        content.decode_base64(b"YW I=")


# --- response template selection (spec §9) --------------------------------------------------------

@pytest.mark.parametrize("accept,expected", [
    (None, b"json"), ("application/xml", b"xml"), ("application/xml, application/json", b"xml"),
    ("application/json, application/xml", b"json"), ("text/html", b"json"),
])
def test_response_template_by_first_accept(accept, expected):
    templates = {"application/xml": "xml", "application/json": "json"}
    headers = {"Accept": accept} if accept else {}
    result = invoke({"method": "GET", "path": "/", "headers": headers},
                    http(integrationResponses={"200": {"statusCode": "200", "responseTemplates": templates}}))
    assert result.body == expected
    assert result.header("Content-Type") == ("application/xml" if expected == b"xml" else "application/json")


def test_response_template_falls_back_to_the_first_template():
    integration = http(integrationResponses={"200": {"statusCode": "200",
                                                     "responseTemplates": {"text/html": "<p/>"}}})
    assert invoke({"method": "GET", "path": "/"}, integration).body == b"<p/>"


# --- integration response selection ---------------------------------------------------------------

SELECTIONS = {"200": {"statusCode": "200"},
              "400": {"statusCode": "400", "selectionPattern": r"4\d{2}"},
              "500": {"statusCode": "500", "selectionPattern": "5.*"}}


@pytest.mark.parametrize("backend_status,status", [(200, 200), (201, 200), (404, 400), (503, 500), (302, 200)])
def test_selection_by_backend_status(backend_status, status):
    result = invoke({"method": "GET", "path": "/"}, http(integrationResponses=SELECTIONS),
                    backend={"status": backend_status})
    assert result.status == status


def test_selection_pattern_must_match_the_whole_status():
    responses = {"200": {"statusCode": "200"}, "400": {"statusCode": "400", "selectionPattern": "40"}}
    result = invoke({"method": "GET", "path": "/"}, http(integrationResponses=responses), backend={"status": 404})
    assert result.status == 200


def test_no_selection_and_no_default_is_500():
    responses = {"400": {"statusCode": "400", "selectionPattern": r"4\d{2}"}}
    result = invoke({"method": "GET", "path": "/"}, http(integrationResponses=responses), backend={"status": 200})
    assert result.status == 500
    assert result.body == b'{"message": "Internal server error"}'
    assert result.header("x-amzn-ErrorType") == "InternalServerErrorException"
    assert result.integration_request is not None  # the backend was called


def test_no_integration_responses_is_500():
    result = invoke({"method": "GET", "path": "/"}, http(integrationResponses={}))
    assert result.status == 500


def test_selected_status_without_method_response_is_500():
    result = invoke({"method": "GET", "path": "/"}, http(), method_responses={"201": {"statusCode": "201"}})
    assert result.status == 500
    assert invoke({"method": "GET", "path": "/"}, http(), method_responses={"200": {}}).status == 200


LAMBDA_SELECTIONS = {"200": {"statusCode": "200", "selectionPattern": ""},
                     "405": {"statusCode": "405", "selectionPattern": ".*four hundred.*"},
                     "502": {"statusCode": "502", "selectionPattern": ".+"},
                     "504": {"statusCode": "504", "selectionPattern": "200"}}


def lambda_error(message):
    return {"status": 200, "headers": {"X-Amz-Function-Error": "Unhandled"},
            "body": json.dumps({"errorMessage": message, "errorType": "Exception"})}


@pytest.mark.parametrize("backend,status", [
    ({"status": 200, "body": "\"Pass\""}, 200),
    (lambda_error("Raising four hundred"), 405),
    (lambda_error("Raising five hundred"), 502),
    (lambda_error("200"), 502),   # "200" (504) and ".+" (502) both match: the lower code wins
    ({"status": 200, "body": json.dumps({"errorMessage": "not an error"})}, 200),  # no function error
])
def test_lambda_selection_by_error_message(backend, status):
    result = invoke({"method": "GET", "path": "/"}, aws_lambda(integrationResponses=LAMBDA_SELECTIONS),
                    backend=backend)
    assert result.status == status


def test_lambda_dot_star_takes_successes_too():
    responses = {"200": {"statusCode": "200"}, "400": {"statusCode": "400", "selectionPattern": ".*"}}
    assert invoke({"method": "GET", "path": "/"}, aws_lambda(integrationResponses=responses),
                  backend={"status": 200, "body": "{}"}).status == 400


def test_lambda_multiline_error_needs_dotall():
    responses = {"200": {"statusCode": "200"}, "400": {"statusCode": "400", "selectionPattern": "Bad.*"},
                 "401": {"statusCode": "401", "selectionPattern": "(?s)Denied.*"}}
    integration = aws_lambda(integrationResponses=responses)
    assert invoke({"method": "GET", "path": "/"}, integration, backend=lambda_error("Bad\nrequest")).status == 200
    assert invoke({"method": "GET", "path": "/"}, integration, backend=lambda_error("Denied\nhere")).status == 401


def test_lambda_payload_must_be_json():
    result = invoke(post("token=abc", "application/x-www-form-urlencoded"), aws_lambda())
    assert result.status == 400
    message = json.loads(result.body)["message"]
    assert message.startswith("Could not parse request body into json: Could not parse payload into json: "
                              "Unrecognized token 'token'")
    assert result.integration_request is not None


# --- request parameter mapping and reserved headers (spec §10) ------------------------------------

def test_request_parameter_sources():
    request = {"method": "POST", "path": "/pets/7", "path_params": {"id": "7"},
               "headers": {"X-Multi": ["a", "b"], "x-lower": "v"},
               "query": {"tag": ["t1", "t2"], "q": "x"}, "stage_variables": {"env": "dev"},
               "body": json.dumps({"pet": {"name": "Rex", "age": 3}, "tags": ["a"]}),
               "context": {"requestId": "rid-1"}}
    parameters = {
        "integration.request.path.id": "method.request.path.id",
        "integration.request.header.X-Last": "method.request.header.X-Multi",
        "integration.request.header.X-All": "method.request.multivalueheader.X-Multi",
        "integration.request.header.X-Any-Case": "method.request.header.X-Lower",
        "integration.request.querystring.last": "method.request.querystring.tag",
        "integration.request.querystring.all": "method.request.multivaluequerystring.tag",
        "integration.request.header.X-Name": "method.request.body.pet.name",
        "integration.request.header.X-Pet": "method.request.body.pet",
        "integration.request.header.X-Age": "method.request.body.pet.age",
        "integration.request.header.X-Body": "method.request.body",
        "integration.request.header.X-Env": "stageVariables.env",
        "integration.request.header.X-Request": "context.requestId",
        "integration.request.header.X-Ip": "context.identity.sourceIp",
        "integration.request.header.X-Static": "'static value'",
        "integration.request.header.X-Missing": "method.request.header.Absent",
        "integration.request.querystring.missing": "stageVariables.absent",
    }
    result = invoke(request, http(uri="https://b.example.com/pets/{id}?fixed=1", requestParameters=parameters))
    sent = result.integration_request
    assert sent.uri == "https://b.example.com/pets/7"
    assert sent.query == {"fixed": ["1"], "last": ["t2"], "all": ["t1", "t2"]}
    headers = sent.headers
    assert headers["X-Last"] == ["b"] and headers["X-All"] == ["a", "b"] and headers["X-Any-Case"] == ["v"]
    assert headers["X-Name"] == ["Rex"] and headers["X-Pet"] == ['{"name":"Rex","age":3}']
    assert headers["X-Age"] == ["3"] and headers["X-Body"] == [request["body"]]
    assert headers["X-Env"] == ["dev"] and headers["X-Request"] == ["rid-1"] and headers["X-Ip"] == ["127.0.0.1"]
    assert headers["X-Static"] == ["static value"]
    assert "X-Missing" not in headers


def test_non_proxy_http_sends_api_gateway_headers_not_the_clients():
    request = post("{}", "application/json", headers={"Content-Type": "application/json", "X-Client": "1",
                                                      "User-Agent": "curl"})
    headers = invoke(request, http()).integration_request.headers
    assert "X-Client" not in headers
    assert headers["User-Agent"] == ["AmazonAPIGateway_abcdef1234"]
    assert headers["Accept"] == ["application/json"]
    assert headers["X-Amzn-Apigateway-Api-Id"] == ["abcdef1234"]
    assert headers["Host"] == ["backend.example.com"]
    assert headers["Content-Type"] == ["application/json"] and headers["Content-Length"] == ["2"]


@pytest.mark.parametrize("kind,header,status", [
    ("HTTP", "Content-Length", 500), ("HTTP", "Transfer-Encoding", 500), ("HTTP_PROXY", "Content-Length", 500),
    ("AWS", "Authorization", 500), ("AWS", "Connection", 500), ("AWS", "Expect", 500),
    ("AWS", "Proxy-Authenticate", 500), ("AWS", "TE", 500), ("AWS_PROXY", "TE", 500),
    ("AWS_PROXY", "transfer-encoding", 500), ("HTTP", "Authorization", 200), ("AWS", "Via", 200),
])
def test_reserved_request_header_mappings(kind, header, status):
    integration = aws_lambda(type=kind) if kind.startswith("AWS") else http(type=kind)
    if kind == "AWS_PROXY":
        integration.pop("integrationResponses")
    integration["requestParameters"] = {f"integration.request.header.{header}": "'x'"}
    backend = {"status": 200, "body": "{}"}
    result = invoke({"method": "GET", "path": "/"}, integration, backend=backend)
    assert result.status == status
    if status == 500:
        assert result.body == b'{"message": "Internal server error"}'
        assert result.header("Content-Length") == "36"
        assert result.integration_request is None


@pytest.mark.parametrize("header", ["Connection", "Expect", "Proxy-Authenticate", "TE", "Via"])
def test_http_backends_never_get_some_mapped_headers(header):
    integration = http(requestParameters={f"integration.request.header.{header}": "'x'",
                                          "integration.request.header.Date": "'kept'"})
    headers = invoke({"method": "GET", "path": "/"}, integration).integration_request.headers
    assert header not in headers and headers["Date"] == ["kept"]


def test_stage_variables_in_the_uri():
    integration = http(uri="https://${stageVariables.host}/v/${stageVariables.version}/x")
    result = invoke({"method": "GET", "path": "/", "stage_variables": {"host": "h.example.com", "version": "2"}},
                    integration)
    assert result.integration_request.uri == "https://h.example.com/v/2/x"


def test_path_parameters_from_the_resource_path():
    integration = http(uri="https://b.example.com/{proxy}",
                       requestParameters={"integration.request.path.proxy": "method.request.path.proxy"})
    result = invoke({"method": "GET", "path": "/a/b c"}, integration, resource_path="/{proxy+}")
    # The console/Terraform proxy setup forwards sub-paths: slashes pass, other characters are encoded.
    assert result.integration_request.uri == "https://b.example.com/a/b%20c"


# --- response parameters --------------------------------------------------------------------------

def test_response_parameter_sources_and_remapping():
    parameters = {
        "method.response.header.X-From-Header": "integration.response.header.X-Backend",
        "method.response.header.X-All": "integration.response.multivalueheader.X-Backend",
        "method.response.header.X-Code": "integration.response.body.errorMessage.code",
        "method.response.header.X-Where": "integration.response.body.errorMessage.where",
        "method.response.header.X-Body": "integration.response.body",
        "method.response.header.X-Env": "stageVariables.env",
        "method.response.header.X-Static": "'s'",
        "method.response.header.Date": "'remapped'",
        "method.response.header.WWW-Authenticate": "'remapped too'",
        "method.response.header.Content-Type": "'text/plain'",
        "method.response.header.Transfer-Encoding": "'dropped'",
    }
    error = {"errorMessage": json.dumps({"code": 500, "where": {"function": "abc()", "line": 123}})}
    integration = aws_lambda(integrationResponses={"200": {"statusCode": "200", "responseParameters": parameters}})
    result = invoke({"method": "GET", "path": "/", "stage_variables": {"env": "prod"}}, integration,
                    backend={"status": 200, "headers": {"X-Backend": ["one", "two"]}, "body": json.dumps(error)})
    headers = result.headers
    assert headers["X-From-Header"] == ["two"] and headers["X-All"] == ["one", "two"]
    assert headers["X-Code"] == ["500"] and headers["X-Where"] == ['{"function":"abc()","line":123}']
    assert headers["X-Body"] == [json.dumps(error)]
    assert headers["X-Env"] == ["prod"] and headers["X-Static"] == ["s"]
    assert headers["x-amzn-Remapped-Date"] == ["remapped"]
    assert headers["x-amzn-Remapped-WWW-Authenticate"] == ["remapped too"]
    assert headers["Content-Type"] == ["text/plain"]
    assert not any(name.lower() == "transfer-encoding" for name in headers)


def test_backend_headers_are_not_forwarded_by_non_proxy_integrations():
    result = invoke({"method": "GET", "path": "/"}, http(), backend={"status": 200, "headers": {"X-Secret": "1"}})
    assert "X-Secret" not in result.headers


# --- overrides ------------------------------------------------------------------------------------

def test_request_override_replaces_mapped_values():
    template = ('#set($context.requestOverride.header.X-Mapped = "override")'
                '#set($context.requestOverride.header.X-Multi = ["a", "b"])'
                '#set($context.requestOverride.querystring.q = "over")'
                '#set($context.requestOverride.path.id = "9"){}')
    integration = http(uri="https://b.example.com/pets/{id}", requestTemplates={"application/json": template},
                       requestParameters={"integration.request.header.X-Mapped": "'mapped'",
                                          "integration.request.querystring.q": "'mapped'",
                                          "integration.request.path.id": "'1'"})
    sent = invoke({"method": "GET", "path": "/"}, integration).integration_request
    assert sent.headers["X-Mapped"] == ["override"] and sent.headers["X-Multi"] == ["a", "b"]
    assert sent.query == {"q": ["over"]}
    assert sent.uri == "https://b.example.com/pets/9"


def test_response_override_from_the_request_template():
    template = ('#set($context.responseOverride.status = 444)'
                '#set($context.responseOverride.header.foo = "bar"){"statusCode": 200}')
    integration = {"type": "MOCK", "requestTemplates": {"application/json": template}, "integrationResponses": OK}
    result = invoke({"method": "GET", "path": "/"}, integration)
    assert result.status == 444 and result.headers["foo"] == ["bar"]


@pytest.mark.parametrize("value,status", [("202", 202), ("600", 200), ("abc", 200)])
def test_response_override_status_must_be_a_status(value, status):
    responses = {"200": {"statusCode": "200", "responseTemplates": {
        "application/json": f'#set($context.responseOverride.status = "{value}")'}}}
    assert invoke({"method": "GET", "path": "/"}, http(integrationResponses=responses)).status == status


# --- MOCK -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("template,status", [
    ('{"statusCode": 200}', 200), ("{statusCode: 404}", 404), ('{"statusCode": "503"}', 503),
    ("{}", 200), ("not json at all", 200), ('{"statusCode": 99}', 500), ('{"statusCode": "x"}', 500),
])
def test_mock_status_from_the_request_template(template, status):
    responses = {"200": {"statusCode": "200"}, "404": {"statusCode": "404", "selectionPattern": "404"},
                 "503": {"statusCode": "503", "selectionPattern": "5\\d{2}"}}
    integration = {"type": "MOCK", "requestTemplates": {"application/json": template},
                   "integrationResponses": responses}
    assert invoke({"method": "GET", "path": "/"}, integration).status == status


def test_mock_without_templates_answers_the_default_with_an_empty_body():
    result = invoke({"method": "GET", "path": "/"}, {"type": "MOCK", "integrationResponses": OK})
    assert (result.status, result.body) == (200, b"")


def test_template_errors_are_500():
    broken = {"type": "MOCK", "requestTemplates": {"application/json": "#if($x"}, "integrationResponses": OK}
    result = invoke({"method": "GET", "path": "/"}, broken)
    assert result.status == 500 and any("Unable to transform request" in line for line in result.log)


def test_invalid_json_read_by_a_request_template_is_400():
    integration = http(requestTemplates={"application/json": "$input.json('$.a')"})
    result = invoke(post("{a", "application/json"), integration)
    assert result.status == 400
    assert json.loads(result.body)["message"].startswith("Could not process payload")
    assert result.header("x-amzn-ErrorType") == "BadRequestException"


# --- HTTP_PROXY -----------------------------------------------------------------------------------

def test_http_proxy_passes_the_request_and_response_through():
    request = post('{"a": 1}', "application/json", query={"q": ["1", "2"]},
                   headers={"Content-Type": "application/json", "X-Client": "c", "Connection": "keep-alive",
                            "Via": "proxy", "Host": "api.example.com"})
    integration = {"type": "HTTP_PROXY", "httpMethod": "ANY", "uri": "https://b.example.com/x?fixed=1"}
    backend = {"status": 418, "headers": {"X-Backend": "b", "Server": "gunicorn", "Content-Length": "3"},
               "body": "tea"}
    result = invoke(request, integration, backend=backend)
    sent = result.integration_request
    assert sent.method == "POST" and sent.body == b'{"a": 1}'
    assert sent.query == {"fixed": ["1"], "q": ["1", "2"]}
    assert sent.headers["X-Client"] == ["c"] and sent.headers["Host"] == ["b.example.com"]
    assert "Connection" not in sent.headers and "Via" not in sent.headers
    assert result.status == 418 and result.body == b"tea"
    assert result.headers["X-Backend"] == ["b"]
    assert result.headers["x-amzn-Remapped-Server"] == ["gunicorn"]
    assert result.headers["x-amzn-Remapped-Content-Length"] == ["3"]
    assert result.headers["Content-Length"] == ["3"]


# --- AWS_PROXY ------------------------------------------------------------------------------------

def proxy_result(result, **backend):
    return {"status": 200, "body": json.dumps(result), **backend}


@pytest.mark.parametrize("result,status,body", [
    ({"statusCode": 201, "body": "made"}, 201, b"made"),
    ({"statusCode": "202"}, 202, b""),
    ({}, 200, b""),
    ({"statusCode": 200, "headers": {"test-header": "value"}}, 200, b""),
    ({"statusCode": 200, "wrongValue": "value"}, 502, b'{"message": "Internal server error"}'),
    ({"statusCode": 200, "body": {"an": "object"}}, 502, b'{"message": "Internal server error"}'),
    ({"statusCode": "abc"}, 502, b'{"message": "Internal server error"}'),
    ({"headers": {"X": {"nested": 1}}}, 502, b'{"message": "Internal server error"}'),
    ({"body": "aGk=", "isBase64Encoded": True}, 200, b"aGk="),  # binary payload, text Accept: base64
])
def test_lambda_proxy_response_format(result, status, body):
    answer = invoke({"method": "GET", "path": "/"}, lambda_proxy(), backend=proxy_result(result))
    assert answer.status == status
    assert answer.body == body


def test_lambda_proxy_response_that_is_not_json_is_502():
    answer = invoke({"method": "GET", "path": "/"}, lambda_proxy(), backend={"status": 200, "body": "hello"})
    assert answer.status == 502
    assert answer.header("x-amzn-ErrorType") == "InternalServerErrorException"


def test_lambda_proxy_function_error_is_502():
    answer = invoke({"method": "GET", "path": "/"}, lambda_proxy(), backend=lambda_error("boom"))
    assert answer.status == 502


def test_lambda_proxy_headers_merge_with_multi_value_headers():
    result = {"headers": {"A": "1", "B": 2, "C": True}, "multiValueHeaders": {"A": ["x", "y"]}}
    answer = invoke({"method": "GET", "path": "/"}, lambda_proxy(), backend=proxy_result(result))
    assert answer.headers["A"] == ["x", "y"] and answer.headers["B"] == ["2"] and answer.headers["C"] == ["true"]


def test_lambda_proxy_binary_body_with_binary_accept():
    result = {"body": base64.b64encode(GZIP).decode(), "isBase64Encoded": True,
              "headers": {"Content-Type": "image/png"}}
    answer = invoke({"method": "GET", "path": "/", "headers": {"Accept": "image/png"}}, lambda_proxy(),
                    api={"binaryMediaTypes": ["image/png"]}, backend=proxy_result(result))
    assert answer.body == GZIP and answer.headers["Content-Type"] == ["image/png"]


def test_lambda_proxy_event():
    request = {"method": "POST", "path": "/pets/7", "headers": {"user-agent": "ua", "Content-Length": "2",
                                                                "tEsT": "v", "X-Multi": ["a", "b"]},
               "query": {"q": ["1", "2"]}, "body": "{}", "stage_variables": {"s": "v"}}
    integration = lambda_proxy(requestParameters={"integration.request.header.X-Mapped": "'ignored'"})
    seen = {}

    def backend(integration_request: IntegrationRequest) -> EndpointResponse:
        seen["event"] = json.loads(integration_request.body)
        return EndpointResponse(200, {}, b'{"statusCode": 200}')

    assert invoke(request, integration, resource_path="/pets/{id}", backend=backend).status == 200
    event = seen["event"]
    assert list(event) == ["resource", "path", "httpMethod", "headers", "multiValueHeaders",
                           "queryStringParameters", "multiValueQueryStringParameters", "pathParameters",
                           "stageVariables", "requestContext", "body", "isBase64Encoded"]
    assert event["resource"] == "/pets/{id}" and event["path"] == "/pets/7"
    assert event["pathParameters"] == {"id": "7"} and event["stageVariables"] == {"s": "v"}
    assert event["queryStringParameters"] == {"q": "2"}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"]}
    headers = event["headers"]
    assert headers["User-Agent"] == "ua" and headers["tEsT"] == "v" and headers["X-Multi"] == "b"
    assert "Content-Length" not in headers and "X-Mapped" not in headers
    assert event["multiValueHeaders"]["X-Multi"] == ["a", "b"]
    assert event["requestContext"]["resourcePath"] == "/pets/{id}"
    assert event["requestContext"]["path"] == "/test/pets/7"
    assert "requestOverride" not in event["requestContext"]
    assert event["body"] == "{}" and event["isBase64Encoded"] is False


def test_lambda_proxy_event_without_body_query_or_stage_variables_has_nulls():
    seen = {}

    def backend(integration_request):
        seen["event"] = json.loads(integration_request.body)
        return {"status": 200, "body": "{}"}

    invoke({"method": "GET", "path": "/"}, lambda_proxy(), backend=backend)
    event = seen["event"]
    assert event["body"] is None and event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None and event["stageVariables"] is None


def test_lambda_proxy_binary_request_body_is_base64():
    request = {"method": "PUT", "path": "/", "headers": {"Content-Type": "image/png"},
               "body_base64": base64.b64encode(GZIP).decode()}
    seen = {}

    def backend(integration_request):
        seen["event"] = json.loads(integration_request.body)
        return {"status": 200, "body": "{}"}

    invoke(request, lambda_proxy(), api={"binaryMediaTypes": ["image/png"]}, backend=backend)
    assert seen["event"]["isBase64Encoded"] is True
    assert base64.b64decode(seen["event"]["body"]) == GZIP


def test_lambda_proxy_needs_post():
    answer = invoke({"method": "GET", "path": "/"}, lambda_proxy(httpMethod="GET"))
    assert answer.status == 500 and answer.integration_request is None


def test_lambda_proxy_echo_backend_returns_the_event():
    answer = invoke({"method": "GET", "path": "/x"}, lambda_proxy(), backend={"status": 200, "echo": True})
    assert answer.status == 200 and json.loads(answer.body)["path"] == "/x"


# --- backend callables ----------------------------------------------------------------------------

def test_backend_callable_timeout_and_connection_errors():
    def slow(integration_request):
        raise TimeoutError()

    def unreachable(integration_request):
        raise ConnectionRefusedError("connection refused")

    timed_out = invoke({"method": "GET", "path": "/"}, http(), backend=slow)
    assert timed_out.status == 504 and json.loads(timed_out.body) == {"message": "Endpoint request timed out"}
    assert invoke({"method": "GET", "path": "/"}, http(), backend=unreachable).status == 500


def test_backend_callable_sees_the_integration_request():
    seen = []

    def backend(integration_request):
        seen.append(integration_request)
        return EndpointResponse(201, {"Content-Type": ["text/plain"]}, b"created")

    integration = http(integrationResponses={"201": {"statusCode": "201", "selectionPattern": "201"}})
    result = invoke(post("{}", "application/json"), integration, backend=backend)
    assert result.status == 201 and result.body == b"created"
    assert seen[0].method == "POST" and seen[0].uri == "https://backend.example.com/items"
    assert result.endpoint_response.status == 201


# --- found by auditing the spec (fifth session) -----------------------------------------------------

def test_accept_on_several_lines_counts_through_the_first_lines_first_type():
    integration = http(httpMethod="GET", integrationResponses={"200": {"statusCode": "200", "responseTemplates": {
        "application/xml": "XML", "text/plain": "TXT"}}})
    answer = invoke({"method": "GET", "path": "/x", "headers": {"Accept": ["application/xml", "text/plain"]}},
                    integration, backend={"status": 200, "body": "x"})
    assert answer.body == b"XML" and answer.header("Content-Type") == "application/xml"


def test_a_mock_without_request_template_answers_its_default_whatever_the_body_says():
    mock = {"type": "MOCK", "integrationResponses": {
        "200": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}},
        "404": {"statusCode": "404", "selectionPattern": "404", "responseTemplates": {"application/json": "{}"}}}}
    answer = invoke(post('{"statusCode": 404}', "application/json"), mock)
    assert (answer.status, answer.body) == (200, b'{"ok": true}')


@pytest.mark.parametrize("assignment", [
    '#set($context.requestOverride = "x")', '#set($context.requestOverride.header = "s")',
    '#set($context.requestOverride.querystring = ["a"])', '#set($context.responseOverride = "x")',
    '#set($context.responseOverride.header = 5)',
])
def test_an_override_map_replaced_by_a_template_is_a_configuration_error(assignment):
    mock = {"type": "MOCK", "requestTemplates": {"application/json": assignment + '{"statusCode": 200}'},
            "integrationResponses": OK}
    answer = invoke(post("{}", "application/json"), mock)
    assert answer.status == 500 and any("is not a map" in line for line in answer.log)
