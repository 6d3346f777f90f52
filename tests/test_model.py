"""The integration model: AWS's rules (with the messages users see), JSON round trips, patches,
the other input shapes, method responses, API settings and VPC links."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from vtl.errors import VTLError
from vtl.apigw.model import (ApiSettings, Integration, IntegrationResponse, IntegrationValidationError,
                             MethodResponse, TlsConfig, apply_integration_response_patch, apply_patch,
                             method_responses_from_aws_json)
from vtl.apigw.model_loaders import (MethodKey, read_openapi_integration, read_put_integration_input,
                                     read_terraform_integration)
from vtl.apigw.model_rules import method_response_mismatches
from vtl.apigw.model_vpclink import NLB_ALREADY_ASSOCIATED, VpcLink, VpcLinkError, VpcLinkRegistry

LAMBDA_URI = ("arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-west-2:123412341234:function:function_name/invocations")
ROLE = "arn:aws:iam::123456789012:role/apigateway-s3"
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/my-vpclink-test-nlb/1f8df693cd094a72"
MAPPING_ERROR = "Invalid mapping expression specified: Validation Result: warnings : [], errors : "


def http(**fields):
    return {"type": "HTTP", "httpMethod": "GET", "uri": "https://example.com/path", **fields}


def aws(**fields):
    return {"type": "AWS", "httpMethod": "POST", "uri": LAMBDA_URI, **fields}


def problems(data, **options) -> list[str]:
    with pytest.raises(IntegrationValidationError) as caught:
        Integration.from_aws_json(data, **options)
    return [str(problem) for problem in caught.value.problems]


def only_problem(data, **options) -> str:
    found = problems(data, **options)
    assert len(found) == 1, found
    return found[0]


# --- round trips ------------------------------------------------------------------------------


def test_private_proxy_integration_prints_as_put_integration_returned_it():
    # seed 003: the put-integration output, uri as the guide's example command gives it
    printed = {"passthroughBehavior": "WHEN_NO_MATCH", "timeoutInMillis": 29000, "connectionId": "gim7c3",
               "uri": "http://myApi.example.com", "connectionType": "VPC_LINK", "httpMethod": "GET",
               "cacheNamespace": "skpp60rab7", "type": "HTTP_PROXY", "cacheKeyParameters": []}
    integration = Integration.from_aws_json(printed)
    assert integration.to_aws_json() == printed
    assert integration.is_private and integration.is_proxy
    assert integration.connection_id == "gim7c3"


def test_lambda_integration_round_trip_keeps_null_templates_and_empty_selection_pattern():
    printed = {"type": "AWS", "httpMethod": "POST", "uri": LAMBDA_URI,
               "requestTemplates": {"application/json": None},
               "passthroughBehavior": "WHEN_NO_TEMPLATES", "timeoutInMillis": 1000, "cacheNamespace": "y9h6rt",
               "cacheKeyParameters": [],
               "integrationResponses": {
                   "200": {"statusCode": "200", "selectionPattern": "",
                           "responseTemplates": {"application/json": None}},
                   "400": {"statusCode": "400", "selectionPattern": "Malformed.*",
                           "responseParameters": {"method.response.header.X-Error": "'bad'"},
                           "contentHandling": "CONVERT_TO_TEXT"}}}
    integration = Integration.from_aws_json(printed)
    assert integration.to_aws_json() == printed
    assert Integration.from_aws_json(integration.to_aws_json()) == integration
    assert integration.is_lambda and integration.aws_service == "lambda"
    assert integration.integration_responses["200"].selection_pattern == ""
    assert integration.default_integration_response.status_code == "200"


def test_get_integration_response_example_with_hal_links():
    # seed 000: the GET .../integration/responses/200 example
    example = {"_links": {"self": {"href": "/restapis/fugvjdxtri/resources/3kzxbg5sa2/methods/GET/integration/responses/200"}},
               "responseParameters": {"method.response.header.Content-Type": "'application/xml'"},
               "responseTemplates": {"application/json": "$util.urlDecode(\"%3CkinesisStreams%3E\")\n"},
               "statusCode": "200"}
    response = IntegrationResponse.from_aws_json(example)
    assert response.to_aws_json() == {key: value for key, value in example.items() if key != "_links"}
    assert response.is_default


def test_defaults_are_those_get_integration_prints():
    integration = Integration.from_aws_json({"type": "MOCK"}, resource_id="a1b2c3")
    assert integration.passthrough_behavior == "WHEN_NO_MATCH"
    assert integration.timeout_in_millis == 29000
    assert integration.connection_type == "INTERNET"
    assert integration.cache_namespace == "a1b2c3"
    assert integration.cache_key_parameters == ()
    assert integration.content_handling is None
    assert integration.to_aws_json() == {"type": "MOCK", "passthroughBehavior": "WHEN_NO_MATCH",
                                         "timeoutInMillis": 29000, "cacheNamespace": "a1b2c3",
                                         "cacheKeyParameters": []}


def test_connection_type_is_printed_for_http_integrations_only():
    assert Integration.from_aws_json(http()).to_aws_json()["connectionType"] == "INTERNET"
    assert "connectionType" not in Integration.from_aws_json(aws()).to_aws_json()


def test_a_mock_calls_nothing_so_its_uri_is_dropped():
    integration = Integration.from_aws_json({"type": "MOCK", "uri": "http://ignored.example.com"})
    assert integration.uri is None and "uri" not in integration.to_aws_json()


def test_integration_responses_as_a_list_become_a_map_by_status_code():
    integration = Integration.from_aws_json({"type": "MOCK", "integrationResponses": [
        {"statusCode": "200"}, {"statusCode": 500, "selectionPattern": "5\\d{2}"}]})
    assert list(integration.integration_responses) == ["200", "500"]
    assert integration.to_aws_json()["integrationResponses"] == {
        "200": {"statusCode": "200"}, "500": {"statusCode": "500", "selectionPattern": "5\\d{2}"}}


def test_lower_case_enums_from_openapi_exports_are_normalised():
    integration = Integration.from_aws_json({"type": "http_proxy", "httpMethod": "get", "uri": "https://example.com",
                                             "passthroughBehavior": "when_no_match", "connectionType": "internet",
                                             "contentHandling": "convert_to_text"})
    assert (integration.type, integration.http_method, integration.passthrough_behavior,
            integration.connection_type, integration.content_handling) == (
        "HTTP_PROXY", "GET", "WHEN_NO_MATCH", "INTERNET", "CONVERT_TO_TEXT")


def test_json_null_counts_as_absent():
    integration = Integration.from_aws_json({"type": "AWS", "httpMethod": "POST", "uri": LAMBDA_URI,
                                             "contentHandling": None, "integrationResponses": None})
    assert integration.content_handling is None and integration.integration_responses == {}


def test_the_model_is_frozen():
    integration = Integration.from_aws_json(http(requestTemplates={"application/json": "{}"}))
    with pytest.raises(AttributeError):
        integration.uri = "https://other.example.com"
    with pytest.raises(TypeError):
        integration.request_templates["text/plain"] = ""


def test_direct_construction_freezes_containers_and_validates_on_request():
    integration = Integration(type="MOCK", request_templates={"application/json": '{"statusCode": 200}'},
                              integration_responses=[IntegrationResponse("200")])
    assert integration.validate() is integration
    assert list(integration.integration_responses) == ["200"]
    with pytest.raises(IntegrationValidationError, match="timeoutInMillis: Timeout should be between"):
        integration.replace(timeout_in_millis=10)


# --- type and methods ------------------------------------------------------------------------


def test_type_is_required():
    assert only_problem({}) == "type: is required: one of HTTP, AWS, MOCK, HTTP_PROXY, AWS_PROXY"


def test_type_outside_the_enum_uses_aws_wording():
    assert only_problem({"type": "LAMBDA"}) == (
        "type: 1 validation error detected: Value 'LAMBDA' at 'putIntegrationInput.type' failed to satisfy "
        "constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]")


@pytest.mark.parametrize("kind", ["HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY"])
def test_backend_types_need_an_integration_http_method(kind):
    uri = LAMBDA_URI if kind.startswith("AWS") else "https://example.com"
    assert only_problem({"type": kind, "uri": uri}) == (
        f"httpMethod: Enumeration value for HttpMethod must be non-empty "
        f"(type {kind} needs the HTTP method used to call the backend)")


def test_mock_needs_neither_method_nor_uri():
    assert Integration.from_aws_json({"type": "MOCK"}).http_method is None


def test_integration_http_method_must_be_one_api_gateway_can_use():
    assert only_problem(http(httpMethod="FETCH")) == (
        "httpMethod: 'FETCH' is not an HTTP method API Gateway can call a backend with "
        "(GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY)")


# --- URIs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["HTTP", "HTTP_PROXY"])
def test_http_types_need_a_uri(kind):
    assert only_problem({"type": kind, "httpMethod": "GET"}) == (
        f"uri: Invalid HTTP endpoint specified for URI (type {kind} needs the backend's http:// or https:// URL)")


@pytest.mark.parametrize("uri, reason", [
    ("non-valid-http", "'non-valid-http' is not an absolute http:// or https:// URL"),
    ("ftp://example.com/file", "'ftp://example.com/file' is not an absolute http:// or https:// URL"),
    ("https://example.com/a path", "the URL contains white space"),
    ("https://example.com/caf\u00e9", "characters 'é' must be percent-encoded; the URL must be encoded as RFC 3986 says"),
    ("https://example.com/100%", "'%' must start a %XX escape"),
    ("http://example.com:22/", "port 22: API Gateway calls ports 80 and 443 and custom ports above 1024"),
    ("http://example.com:99999/", "the port is not a number from 1 to 65535"),
])
def test_http_uris_must_be_fully_formed_encoded_urls(uri, reason):
    assert only_problem(http(uri=uri)) == f"uri: Invalid HTTP endpoint specified for URI ({reason})"


@pytest.mark.parametrize("uri", [
    "https://domain.tld/path", "http://example.com:80/", "https://example.com:443/test", "http://example.com:8080/x",
    "https://httpbin.org/status/{status}", "http://echo/?testVar={pathVar}&testQs={qsVar}",
    "https://${stageVariables.host}/pets/{proxy+}", "https://example.com/a%20b?q=1#frag",
])
def test_valid_http_uris(uri):
    assert Integration.from_aws_json(http(uri=uri)).uri == uri


@pytest.mark.parametrize("kind", ["AWS", "AWS_PROXY"])
def test_aws_types_need_an_arn(kind):
    assert only_problem({"type": kind, "httpMethod": "POST"}) == (
        f"uri: Invalid ARN specified in the request (type {kind} needs a URI of the form "
        "arn:aws:apigateway:{region}:{service}:{path|action}/{service_api})")


def test_an_aws_uri_that_is_no_arn():
    assert only_problem(aws(uri="non-valid-arn")) == (
        "uri: Invalid ARN specified in the request (an AWS integration URI has the form "
        "arn:aws:apigateway:{region}:{service}:{path|action}/{service_api})")


def test_an_arn_without_path_or_action():
    assert only_problem(aws(uri="arn:aws:iam::0000000000:role/service-role/asdf")) == (
        "uri: AWS ARN for integration must contain path or action (the URI must be "
        "arn:aws:apigateway:{region}:{service}:path/... or ...:action/...)")


def test_a_bare_lambda_function_arn_gets_the_invocation_form_as_hint():
    assert only_problem(aws(uri="arn:aws:lambda:us-east-1:123456789012:function:f")) == (
        "uri: AWS ARN for integration must contain path or action (this is a Lambda function ARN; the "
        "integration URI is arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations)")


def test_an_arn_needs_region_and_service():
    assert only_problem(aws(uri="arn:aws:apigateway::lambda:path/x")) == (
        "uri: Invalid ARN specified in the request (the region and the service must not be empty)")


@pytest.mark.parametrize("uri", [
    LAMBDA_URI,
    # seed 000's example writes path//2015-03-31
    "arn:aws:apigateway:us-west-2:lambda:path//2015-03-31/functions/arn:aws:lambda:us-west-2:123412341234:"
    "function:function_name/invocations",
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:"
    "function:${stageVariables.fn}/invocations",
])
def test_lambda_proxy_uris(uri):
    assert Integration.from_aws_json(aws(type="AWS_PROXY", uri=uri)).is_lambda


def test_aws_proxy_only_calls_lambda():
    assert only_problem(aws(type="AWS_PROXY", uri="arn:aws:apigateway:us-west-2:s3:path/b/k", credentials=ROLE)) == (
        "uri: Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream "
        "invocations. (the URI must be arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/"
        "FUNCTION_ARN/invocations)")


@pytest.mark.parametrize("uri", ["arn:aws:apigateway:us-west-2:s3:action/GetObject&Bucket={bucket}&Key={key}",
                                 "arn:aws:apigateway:us-west-2:s3:path/{bucket}/{key}",
                                 "arn:aws:apigateway:us-east-1:dynamodb:action/Scan"])
def test_aws_service_uris(uri):
    integration = Integration.from_aws_json(aws(uri=uri, credentials=ROLE))
    assert integration.aws_service in ("s3", "dynamodb") and not integration.is_lambda


# --- credentials ---------------------------------------------------------------------------------


def test_aws_service_integrations_other_than_lambda_need_a_role():
    assert only_problem(aws(uri="arn:aws:apigateway:us-west-2:s3:path/b/k")) == (
        "credentials: Role ARN must be specified for AWS integrations (an AWS service other than Lambda is "
        "called with an IAM role API Gateway assumes)")


@pytest.mark.parametrize("credentials", [ROLE, "arn:aws:iam::*:user/*"])
def test_valid_credentials(credentials):
    assert Integration.from_aws_json(aws(credentials=credentials)).credentials == credentials


def test_credentials_must_be_a_role_or_the_caller():
    assert only_problem(aws(credentials="admin")) == (
        "credentials: 'admin' is not an IAM role ARN (arn:aws:iam::ACCOUNT_ID:role/NAME) nor "
        "arn:aws:iam::*:user/* (which passes the caller's identity through)")


# --- connections ---------------------------------------------------------------------------------


def test_connection_type_outside_the_enum():
    assert only_problem(http(connectionType="PRIVATE")) == (
        "connectionType: 1 validation error detected: Value 'PRIVATE' at 'putIntegrationInput.connectionType' "
        "failed to satisfy constraint: Member must satisfy enum value set: [INTERNET, VPC_LINK]")


def test_vpc_link_needs_a_connection_id():
    assert only_problem(http(connectionType="VPC_LINK")) == (
        "connectionId: is required when the connection type is VPC_LINK: the id of a VpcLink or a stage "
        "variable reference such as ${stageVariables.vpcLinkId}")


@pytest.mark.parametrize("connection_id", ["gim7c3", "${stageVariables.vpcLinkId}"])
def test_connection_id_is_a_link_id_or_a_stage_variable(connection_id):
    integration = Integration.from_aws_json(http(connectionType="VPC_LINK", connectionId=connection_id))
    assert integration.connection_id == connection_id


def test_a_malformed_connection_id():
    assert only_problem(http(connectionType="VPC_LINK", connectionId="${var.link}")) == (
        "connectionId: '${var.link}' is neither a VPC link id (such as gim7c3) nor a stage variable reference "
        "such as ${stageVariables.vpcLinkId}")


def test_vpc_link_is_for_http_integrations_only():
    assert only_problem(aws(connectionType="VPC_LINK", connectionId="gim7c3")) == (
        "connectionType: VPC_LINK (a private integration) is only for HTTP and HTTP_PROXY integrations, not AWS")


def test_integration_target_needs_a_private_integration_and_a_load_balancer():
    assert problems(http(integrationTarget="my-alb")) == [
        "integrationTarget: is only used by private integrations (connection type VPC_LINK)",
        "integrationTarget: 'my-alb' is not the ARN of an Application or Network Load Balancer (or of its listener)"]


def test_integration_target_of_a_vpc_link_v2():
    target = "arn:aws:elasticloadbalancing:us-east-2:111122223333:loadbalancer/app/myLoadBalancerName/1234567891011"
    integration = Integration.from_aws_json({"type": "HTTP_PROXY", "httpMethod": "GET", "uri": "https://example.com:443/path",
                                             "connectionType": "VPC_LINK", "connectionId": "bbb111",
                                             "integrationTarget": target})
    assert integration.to_aws_json()["integrationTarget"] == target


# --- enums, timeout, caching, TLS ----------------------------------------------------------------


def test_passthrough_behavior_outside_the_enum():
    assert only_problem(http(passthroughBehavior="SOMETIMES")) == (
        "passthroughBehavior: 1 validation error detected: Value 'SOMETIMES' at "
        "'putIntegrationInput.passthroughBehavior' failed to satisfy constraint: Member must satisfy enum "
        "value set: [WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER]")


def test_content_handling_outside_the_enum():
    assert only_problem(http(contentHandling="CONVERT_TO_JSON")) == (
        "contentHandling: 1 validation error detected: Value 'CONVERT_TO_JSON' at "
        "'putIntegrationInput.contentHandling' failed to satisfy constraint: Member must satisfy enum value "
        "set: [CONVERT_TO_BINARY, CONVERT_TO_TEXT]")


@pytest.mark.parametrize("timeout", [49, 29001, 0])
def test_timeout_range(timeout):
    assert only_problem(http(timeoutInMillis=timeout)) == (
        f"timeoutInMillis: Timeout should be between 50 ms and 29000 ms (got {timeout})")


@pytest.mark.parametrize("timeout", ["1000", True, 1.5])
def test_timeout_must_be_whole_milliseconds(timeout):
    assert only_problem(http(timeoutInMillis=timeout)).startswith("timeoutInMillis: must be a whole number of milliseconds")


@pytest.mark.parametrize("timeout", [50, 29000])
def test_timeout_bounds_are_included(timeout):
    assert Integration.from_aws_json(http(timeoutInMillis=timeout)).timeout_in_millis == timeout


def test_cache_key_parameters_name_request_parameters():
    assert only_problem(http(cacheKeyParameters=["method.request.path.param", "id"])) == (
        "cacheKeyParameters[1]: 'id' is not a request parameter such as method.request.path.NAME "
        "(a cache key parameter names a method request parameter)")


def test_tls_skip_verification_is_for_http_integrations_only():
    assert only_problem(aws(tlsConfig={"insecureSkipVerification": True})) == (
        "tlsConfig.insecureSkipVerification: is supported only for HTTP and HTTP_PROXY integrations, not AWS")
    assert Integration.from_aws_json(http(tlsConfig={"insecureSkipVerification": True})).tls_config == TlsConfig(True)


def test_tls_skip_verification_is_a_boolean():
    assert only_problem(http(tlsConfig={"insecureSkipVerification": "yes"})) == (
        "tlsConfig.insecureSkipVerification: must be true or false, not a string")


# --- parameter mappings and templates --------------------------------------------------------------


@pytest.mark.parametrize("source", [
    "method.request.path.id", "method.request.querystring.q", "method.request.multivaluequerystring.tags",
    "method.request.header.X-Some-Header", "method.request.multivalueheader.X-Multi", "method.request.body",
    "method.request.body.name.first", "stageVariables.version", "context.requestId",
    "context.authorizer.principalId", "'static'", "'a,b'", "''",
])
def test_request_parameter_sources(source):
    integration = Integration.from_aws_json(http(requestParameters={"integration.request.header.X": source}))
    assert integration.request_parameters["integration.request.header.X"] == source


@pytest.mark.parametrize("target", ["integration.request.header.X-Authorization",
                                    "integration.request.querystring.q", "integration.request.path.proxy"])
def test_request_parameter_targets(target):
    assert target in Integration.from_aws_json(http(requestParameters={target: "'x'"})).request_parameters


def test_a_request_parameter_source_must_be_a_mapping_expression():
    assert only_problem(http(requestParameters={"integration.request.header.X": '"*"'})) == (
        'requestParameters.integration.request.header.X: ' + MAPPING_ERROR +
        '[Invalid mapping expression specified: "*"] (a source is method.request.{path|querystring|'
        'multivaluequerystring|header|multivalueheader}.NAME, method.request.body, method.request.body.JSONPath, '
        "stageVariables.NAME, context.NAME or a 'static' value in single quotes)")


@pytest.mark.parametrize("source", ["method.request.cookie.x", "'unclosed", "method.request.path.page[size]"])
def test_invalid_request_parameter_sources(source):
    assert "[Invalid mapping expression specified: " in only_problem(
        http(requestParameters={"integration.request.header.X": source}))


@pytest.mark.parametrize("target", ["integration.request.multivalueheader.X", "method.request.header.X",
                                    "integration.request.header."])
def test_a_request_parameter_target_must_be_an_integration_request_parameter(target):
    assert only_problem(http(requestParameters={target: "'x'"})) == (
        f"requestParameters.{target}: {MAPPING_ERROR}[Invalid mapping expression parameter specified: {target}] "
        "(a target is integration.request.header.NAME, integration.request.querystring.NAME or "
        "integration.request.path.NAME)")


@pytest.mark.parametrize("source", [
    "integration.response.header.ETag", "integration.response.multivalueheader.Set-Cookie",
    "integration.response.body", "integration.response.body.errorMessage.a.b", "stageVariables.origin",
    "context.requestId", "'application/xml'",
])
def test_response_parameter_sources(source):
    response = {"statusCode": "200", "responseParameters": {"method.response.header.X": source}}
    assert Integration.from_aws_json(http(integrationResponses={"200": response}))


def test_a_response_parameter_source_must_be_a_mapping_expression():
    response = {"statusCode": "200", "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "*"}}
    assert only_problem(http(integrationResponses={"200": response})) == (
        "integrationResponses.200.responseParameters.method.response.header.Access-Control-Allow-Origin: "
        + MAPPING_ERROR + "[Invalid mapping expression specified: *] (a source is integration.response.header.NAME, "
        "integration.response.multivalueheader.NAME, integration.response.body, integration.response.body.JSONPath, "
        "stageVariables.NAME, context.NAME or a 'static' value in single quotes)")


def test_a_response_parameter_target_must_be_a_method_response_header():
    response = {"statusCode": "200", "responseParameters": {"method.response.body": "integration.response.body"}}
    assert only_problem(http(integrationResponses={"200": response})) == (
        "integrationResponses.200.responseParameters.method.response.body: " + MAPPING_ERROR +
        "[Invalid mapping expression parameter specified: method.response.body] "
        "(a target is method.response.header.NAME)")


def test_templates_are_limited_to_300_kb():
    assert only_problem(http(requestTemplates={"application/json": "x" * (300 * 1024 + 1)})) == (
        "requestTemplates.application/json: the template is 307201 bytes; API Gateway's limit for a mapping "
        "template is 300 KB (307200 bytes)")


def test_templates_are_strings():
    assert only_problem(http(requestTemplates={"application/json": {"a": 1}})) == (
        "requestTemplates.application/json: a template must be a string, not an object")


# --- integration responses -------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["600", "20", "abc", "099"])
def test_integration_response_status_codes(status):
    assert only_problem({"type": "MOCK", "integrationResponses": [{"statusCode": status}]}) == (
        f"integrationResponses.{status}.statusCode: {status!r} is not a status code: it must be three digits "
        "from 100 to 599 (pattern [1-5]\\d\\d)")


def test_status_code_must_match_its_key():
    assert only_problem({"type": "MOCK", "integrationResponses": {"200": {"statusCode": "201"}}}) == (
        "integrationResponses.200.statusCode: '201' differs from the status code it is filed under ('200')")


def test_a_status_code_appears_once():
    assert only_problem({"type": "MOCK", "integrationResponses": [{"statusCode": "200"}, {"statusCode": "200"}]}) == (
        "integrationResponses.200.statusCode: 200 appears twice: an integration has one response per status code")


@pytest.mark.parametrize("pattern, reason", [
    ("4\\d{2", "Unclosed counted closure near index 5"),
    ('{"error".*', "Illegal repetition near index 1"),  # Python would take the brace literally; Java does not
    ("(", "Unclosed group near index 1"),
])
def test_selection_pattern_must_be_a_java_regular_expression(pattern, reason):
    response = {"statusCode": "400", "selectionPattern": pattern}
    assert only_problem({"type": "MOCK", "integrationResponses": {"400": response}}) == (
        f"integrationResponses.400.selectionPattern: {pattern!r} is not a valid Java regular expression ({reason})")


@pytest.mark.parametrize("pattern", [".*four hundred.*", "4\\d{2}", "\\Q(\\E.*", "(?U)\\w+", ".+", "Malformed.*"])
def test_java_only_selection_patterns_are_accepted(pattern):
    response = {"statusCode": "400", "selectionPattern": pattern}
    assert Integration.from_aws_json({"type": "MOCK", "integrationResponses": [response]})


def test_integration_response_content_handling_outside_the_enum():
    assert only_problem({"type": "MOCK", "integrationResponses": {"200": {"statusCode": "200", "contentHandling": "BASE64"}}}) == (
        "integrationResponses.200.contentHandling: 1 validation error detected: Value 'BASE64' at "
        "'putIntegrationResponseInput.contentHandling' failed to satisfy constraint: Member must satisfy enum "
        "value set: [CONVERT_TO_BINARY, CONVERT_TO_TEXT]")


# --- JSON shape -----------------------------------------------------------------------------------


def test_unknown_fields_are_reported():
    assert only_problem(http(passthroughBehaviour="NEVER")).startswith(
        "passthroughBehaviour: is not a field of an integration (known fields: ")


def test_wrong_json_types_are_reported():
    assert problems(http(requestTemplates=["application/json"], cacheKeyParameters="method.request.path.id",
                         integrationResponses=True)) == [
        "requestTemplates: must be a JSON object, not an array",
        "cacheKeyParameters: must be a JSON array, not a string",
        "integrationResponses: must be an object keyed by status code or an array, not a boolean"]


def test_the_integration_must_be_an_object():
    assert only_problem(["HTTP"]) == "an integration must be a JSON object, not an array"


def test_every_problem_is_reported_at_once():
    error_problems = problems({"type": "HTTP", "uri": "ftp://x", "timeoutInMillis": 10,
                               "integrationResponses": {"600": {"statusCode": "600"}}})
    assert [p.split(":")[0] for p in error_problems] == [
        "httpMethod", "uri", "timeoutInMillis", "integrationResponses.600.statusCode"]


def test_the_error_names_fields_and_rules_and_is_a_vtl_error():
    with pytest.raises(VTLError) as caught:
        Integration.from_aws_json({"type": "HTTP", "uri": "ftp://x"})
    assert str(caught.value) == (
        "2 problems in the integration definition:\n"
        "- httpMethod: Enumeration value for HttpMethod must be non-empty (type HTTP needs the HTTP method used "
        "to call the backend)\n"
        "- uri: Invalid HTTP endpoint specified for URI ('ftp://x' is not an absolute http:// or https:// URL)")
    assert caught.value.problems[1].field == "uri"


def test_lenient_checking_skips_backend_rules_only():
    placeholder = {"type": "AWS", "uri": "lambda", "timeoutInMillis": 29000}
    assert Integration.from_aws_json(placeholder, strict=False).aws_service == "lambda"
    assert only_problem({"type": "HTTP", "timeoutInMillis": 10}, strict=False).startswith("timeoutInMillis: ")


# --- warnings --------------------------------------------------------------------------------------


def test_warnings_for_what_aws_accepts_but_ignores_or_fails_on():
    proxy = Integration.from_aws_json({"type": "HTTP_PROXY", "httpMethod": "GET", "uri": "https://example.com",
                                       "requestTemplates": {"application/json": "{}"},
                                       "integrationResponses": {"200": {"statusCode": "200"}},
                                       "connectionId": "gim7c3"})
    assert [str(w) for w in proxy.warnings()] == [
        "requestTemplates: HTTP_PROXY integrations pass the request through: mapping templates are not applied",
        "integrationResponses: HTTP_PROXY integrations return the backend's response as it is: integration "
        "responses are not used",
        "connectionId: is ignored unless the connection type is VPC_LINK"]
    lambda_by_get = Integration.from_aws_json(aws(httpMethod="GET", integrationResponses=[
        {"statusCode": "200"}, {"statusCode": "500"}]))
    assert [str(w) for w in lambda_by_get.warnings()] == [
        "integrationResponses: 200, 500 all lack a selectionPattern; only one response can be the default",
        "httpMethod: Lambda functions can only be invoked with POST; API Gateway accepts GET but calls fail"]
    odd_lambda = Integration.from_aws_json(aws(uri="arn:aws:apigateway:us-east-1:lambda:path/functions/f",
                                               integrationResponses=[{"statusCode": "200"}]))
    assert [str(w) for w in odd_lambda.warnings()] == [
        "uri: a Lambda function is invoked through arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/"
        "FUNCTION_ARN/invocations"]
    assert [str(w) for w in Integration.from_aws_json({"type": "MOCK"}).warnings()] == [
        "integrationResponses: a non-proxy integration without an integration response answers 500 Internal "
        "server error"]


# --- patch operations ---------------------------------------------------------------------------


def private():
    return Integration.from_aws_json({"type": "HTTP_PROXY", "httpMethod": "GET", "uri": "https://example.com:443/path",
                                      "connectionType": "VPC_LINK", "connectionId": "gim7c3"})


def test_patch_connection_id_to_a_stage_variable():
    # seed 003's update-integration example
    patched = private().apply_patch([{"op": "replace", "path": "/connectionId", "value": "${stageVariables.vpcLinkId}"}])
    assert patched.connection_id == "${stageVariables.vpcLinkId}"


def test_patch_vpc_link_uri_and_target():
    # seed 002's update-integration example
    target = "arn:aws:elasticloadbalancing:us-east-2:111122223333:loadbalancer/app/myLoadBalancerName/1234567891011"
    patched = apply_patch(private(), [{"op": "replace", "path": "/connectionId", "value": "pk0000"},
                                      {"op": "replace", "path": "/uri", "value": "http://example.com"},
                                      {"op": "replace", "path": "/integrationTarget", "value": target}])
    assert (patched.connection_id, patched.uri, patched.integration_target) == ("pk0000", "http://example.com", target)


def test_patch_request_templates_with_escaped_content_types():
    integration = Integration.from_aws_json(http())
    added = integration.apply_patch([{"op": "add", "path": "/requestTemplates/application~1json", "value": "{}"},
                                     {"op": "add", "path": "/requestTemplates/text~1x~0y", "value": "$input.body"}])
    assert dict(added.request_templates) == {"application/json": "{}", "text/x~y": "$input.body"}
    replaced = added.apply_patch([{"op": "replace", "path": "/requestTemplates/application~1json", "value": "[]"}])
    assert replaced.request_templates["application/json"] == "[]"
    removed = replaced.apply_patch([{"op": "remove", "path": "/requestTemplates/application~1json"}])
    assert list(removed.request_templates) == ["text/x~y"]
    assert dict(integration.request_templates) == {}  # the original is untouched


def test_patch_request_parameters_and_cache_keys():
    integration = Integration.from_aws_json(http())
    patched = integration.apply_patch([
        {"op": "add", "path": "/requestParameters/integration.request.header.X", "value": "method.request.header.X"},
        {"op": "add", "path": "/cacheKeyParameters/method.request.path.id", "value": ""},
        {"op": "add", "path": "/cacheKeyParameters", "value": "method.request.querystring.q"}])
    assert dict(patched.request_parameters) == {"integration.request.header.X": "method.request.header.X"}
    assert patched.cache_key_parameters == ("method.request.path.id", "method.request.querystring.q")
    removed = patched.apply_patch([{"op": "remove", "path": "/cacheKeyParameters/method.request.path.id"},
                                   {"op": "remove", "path": "/requestParameters/integration.request.header.X"}])
    assert removed.cache_key_parameters == ("method.request.querystring.q",) and not removed.request_parameters


def test_patch_values_are_strings_as_in_the_api():
    patched = Integration.from_aws_json(http()).apply_patch([
        {"op": "replace", "path": "/timeoutInMillis", "value": "1000"},
        {"op": "replace", "path": "/tlsConfig/insecureSkipVerification", "value": "true"},
        {"op": "replace", "path": "/passthroughBehavior", "value": "NEVER"},
        {"op": "replace", "path": "/contentHandling", "value": "CONVERT_TO_TEXT"}])
    assert (patched.timeout_in_millis, patched.tls_config, patched.passthrough_behavior, patched.content_handling) == (
        1000, TlsConfig(True), "NEVER", "CONVERT_TO_TEXT")
    cleared = patched.apply_patch([{"op": "replace", "path": "/contentHandling", "value": ""}])
    assert cleared.content_handling is None


def test_the_patched_integration_is_validated_again():
    with pytest.raises(IntegrationValidationError) as caught:
        Integration.from_aws_json(http()).apply_patch([
            {"op": "replace", "path": "/timeoutInMillis", "value": "30000"},
            {"op": "replace", "path": "/connectionType", "value": "VPC_LINK"}])
    assert [str(p) for p in caught.value.problems] == [
        "connectionId: is required when the connection type is VPC_LINK: the id of a VpcLink or a stage variable "
        "reference such as ${stageVariables.vpcLinkId}",
        "timeoutInMillis: Timeout should be between 50 ms and 29000 ms (got 30000)"]


@pytest.mark.parametrize("operation, message", [
    ({"op": "add", "path": "/uri", "value": "https://x.example.com"},
     "patchOperations.1: Invalid patch path  '/uri' specified for op 'add'. Please choose supported operations"),
    ({"op": "replace", "path": "/requestTemplates/text~1plain", "value": "x"},
     "patchOperations.1: Invalid parameter name specified (requestTemplates has no entry 'text/plain' to replace)"),
    ({"op": "remove", "path": "/cacheKeyParameters/method.request.path.id"},
     "patchOperations.1: Invalid parameter name specified (cacheKeyParameters has no entry "
     "'method.request.path.id' to remove)"),
    ({"op": "frobnicate", "path": "/uri"},
     "patchOperations.1: 1 validation error detected: Value 'frobnicate' at "
     "'updateIntegrationInput.patchOperations.1.member.op' failed to satisfy constraint: Member must satisfy "
     "enum value set: [add, remove, replace, move, copy, test]"),
    ({"op": "copy", "path": "/uri", "from": "/connectionId"},
     "patchOperations.1: Invalid patch path  '/uri' specified for op 'copy'. Please choose supported operations"),
    ({"op": "replace", "path": "uri", "value": "x"},
     "patchOperations.1: the path must be a JSON pointer starting with '/', not 'uri'"),
    ("replace /uri", "patchOperations.1: an operation must be an object with op, path and value, not a string"),
])
def test_patch_operation_problems(operation, message):
    with pytest.raises(IntegrationValidationError) as caught:
        apply_patch(Integration.from_aws_json(http()), [operation])
    assert [str(p) for p in caught.value.problems] == [message]


def test_the_type_cannot_be_patched():
    with pytest.raises(IntegrationValidationError) as caught:
        apply_patch(Integration.from_aws_json(http()), [{"op": "replace", "path": "/type", "value": "MOCK"}])
    assert str(caught.value).startswith("patchOperations.1: Invalid patch path  '/type' specified for op 'replace'. "
                                        "Must be one of: [/httpMethod, /uri, ")


def test_an_unescaped_slash_in_a_content_type_gets_a_hint():
    with pytest.raises(IntegrationValidationError, match="write '/' inside a key as ~1"):
        apply_patch(Integration.from_aws_json(http()),
                    [{"op": "add", "path": "/requestTemplates/application/json", "value": "{}"}])


def test_integration_response_patch():
    response = IntegrationResponse.from_aws_json({"statusCode": "400", "selectionPattern": "4\\d{2}"})
    patched = apply_integration_response_patch(response, [
        {"op": "replace", "path": "/selectionPattern", "value": ".*four hundred.*"},
        {"op": "add", "path": "/responseTemplates/application~1json", "value": "{}"},
        {"op": "add", "path": "/responseParameters/method.response.header.X", "value": "'x'"}])
    assert patched.to_aws_json() == {"statusCode": "400", "selectionPattern": ".*four hundred.*",
                                     "responseParameters": {"method.response.header.X": "'x'"},
                                     "responseTemplates": {"application/json": "{}"}}
    with pytest.raises(IntegrationValidationError, match="is not a valid Java regular expression"):
        apply_integration_response_patch(response, [{"op": "replace", "path": "/selectionPattern", "value": "("}])


# --- put-integration --cli-input-json -------------------------------------------------------------


def test_put_integration_examples_of_the_cli_reference():
    # seed 000's three examples
    mock = read_put_integration_input({"restApiId": "1234123412", "resourceId": "a1b2c3", "httpMethod": "GET",
                                       "type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}})
    assert mock.method == MethodKey("1234123412", "a1b2c3", "GET")
    assert mock.integration.cache_namespace == "a1b2c3"
    http_input = {"restApiId": "1234123412", "resourceId": "a1b2c3", "httpMethod": "GET", "type": "HTTP",
                  "integrationHttpMethod": "GET", "uri": "https://domain.tld/path"}
    assert Integration.from_put_integration_input(http_input).http_method == "GET"
    lambda_input = {"restApiId": "1234123412", "resourceId": "a1b2c3", "httpMethod": "GET", "type": "AWS",
                    "integrationHttpMethod": "POST",
                    "uri": "arn:aws:apigateway:us-west-2:lambda:path//2015-03-31/functions/arn:aws:lambda:us-west-2:"
                           "123412341234:function:function_name/invocations"}
    integration = Integration.from_put_integration_input(lambda_input)
    assert integration.is_lambda and integration.integration_http_method == "POST"


def test_put_integration_input_problems_use_the_cli_names():
    with pytest.raises(IntegrationValidationError) as caught:
        read_put_integration_input({"resourceId": "a1b2c3", "httpMethod": "FETCH", "type": "HTTP",
                                    "uri": "https://example.com", "timeout": 5})
    found = [str(p) for p in caught.value.problems]
    assert found[0] == 'restApiId: Missing required parameter in input: "restApiId"'
    assert found[1].startswith('timeout: Unknown parameter in input: "timeout", must be one of: restApiId, ')
    assert found[2] == ("httpMethod: 'FETCH' is not a method API Gateway can define "
                        "(GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY)")
    assert found[3].startswith("integrationHttpMethod: Enumeration value for HttpMethod must be non-empty")


def test_put_integration_input_for_a_private_integration():
    # seed 003, step 4
    loaded = read_put_integration_input({"restApiId": "6j4m3244we", "resourceId": "skpp60rab7", "httpMethod": "GET",
                                         "type": "HTTP_PROXY", "integrationHttpMethod": "GET",
                                         "uri": "http://myApi.example.com", "connectionType": "VPC_LINK",
                                         "connectionId": "${stageVariables.vpcLinkId}"})
    assert loaded.integration.to_aws_json() == {
        "type": "HTTP_PROXY", "httpMethod": "GET", "uri": "http://myApi.example.com", "connectionType": "VPC_LINK",
        "connectionId": "${stageVariables.vpcLinkId}", "passthroughBehavior": "WHEN_NO_MATCH",
        "timeoutInMillis": 29000, "cacheNamespace": "skpp60rab7", "cacheKeyParameters": []}


# --- Terraform -------------------------------------------------------------------------------------


def test_terraform_mock_example():
    # seed 001's first example, references resolved
    loaded = read_terraform_integration({
        "rest_api_id": "abc123", "resource_id": "res456", "http_method": "GET", "type": "MOCK",
        "cache_key_parameters": ["method.request.path.param"], "cache_namespace": "foobar",
        "timeout_milliseconds": 29000,
        "request_parameters": {"integration.request.header.X-Authorization": "'static'"},
        "request_templates": {"application/xml": '{\n   "body" : $input.json(\'$\')\n}\n'}})
    integration = loaded.integration
    assert (integration.cache_namespace, integration.cache_key_parameters) == ("foobar", ("method.request.path.param",))
    assert [str(w) for w in loaded.warnings][0] == (
        "passthrough_behavior: the Terraform documentation marks it required when request_templates is used; "
        "API Gateway then uses WHEN_NO_MATCH")


def test_terraform_vpc_link_example():
    # seed 001's VPC link example
    integration = Integration.from_terraform({
        "rest_api_id": "abc123", "resource_id": "res456", "http_method": "GET",
        "request_templates": {"application/json": "", "application/xml": "#set($inputRoot = $input.path('$'))\n{ }"},
        "request_parameters": {"integration.request.header.X-Authorization": "'static'",
                               "integration.request.header.X-Foo": "'Bar'"},
        "type": "HTTP", "uri": "https://www.google.de", "integration_http_method": "GET",
        "passthrough_behavior": "WHEN_NO_MATCH", "content_handling": "CONVERT_TO_TEXT",
        "connection_type": "VPC_LINK", "connection_id": "gim7c3", "tls_config": [{"insecure_skip_verification": True}]})
    assert integration.is_private and integration.tls_config == TlsConfig(True)
    assert integration.content_handling == "CONVERT_TO_TEXT"


def test_terraform_problems_use_terraform_names_and_wording():
    with pytest.raises(IntegrationValidationError) as caught:
        read_terraform_integration({"resource_id": "r", "http_method": "GET", "type": "AWS_PROXY",
                                    "uri": LAMBDA_URI, "timeout_milliseconds": 30000, "connection_type": "VPC_LINK",
                                    "connection_id": "gim7c3", "cache": True})
    assert [str(p) for p in caught.value.problems] == [
        'rest_api_id: The argument "rest_api_id" is required, but no definition was found.',
        'cache: An argument named "cache" is not expected here.',
        "integration_http_method: Enumeration value for HttpMethod must be non-empty (type AWS_PROXY needs the "
        "HTTP method used to call the backend)",
        "connection_type: VPC_LINK (a private integration) is only for HTTP and HTTP_PROXY integrations, not AWS_PROXY",
        "timeout_milliseconds: Timeout should be between 50 ms and 29000 ms (got 30000)"]


def test_terraform_expressions_must_be_resolved_first():
    # seed 001's Lambda example as written, with Terraform references
    with pytest.raises(IntegrationValidationError) as caught:
        Integration.from_terraform({
            "rest_api_id": "${aws_api_gateway_rest_api.api.id}", "resource_id": "r",
            "http_method": "${aws_api_gateway_method.method.http_method}", "integration_http_method": "POST",
            "type": "AWS_PROXY",
            "uri": "arn:aws:apigateway:${var.myregion}:lambda:path/2015-03-31/functions/"
                   "${aws_lambda_function.lambda.arn}/invocations"})
    assert [str(p) for p in caught.value.problems] == [
        "rest_api_id: holds the Terraform expression ${aws_api_gateway_rest_api.api.id}: give the resolved value "
        "(terraform show -json prints resolved values)",
        "http_method: holds the Terraform expression ${aws_api_gateway_method.method.http_method}: give the "
        "resolved value (terraform show -json prints resolved values)",
        "uri: holds the Terraform expression ${var.myregion}: give the resolved value (terraform show -json "
        "prints resolved values)"]


def test_terraform_deprecated_request_parameters_in_json():
    loaded = read_terraform_integration({"rest_api_id": "a", "resource_id": "r", "http_method": "GET", "type": "MOCK",
                                         "request_parameters_in_json": '{"integration.request.header.X": "\'x\'"}'})
    assert dict(loaded.integration.request_parameters) == {"integration.request.header.X": "'x'"}
    assert str(loaded.warnings[0]) == "request_parameters_in_json: is deprecated: use request_parameters"


# --- OpenAPI -----------------------------------------------------------------------------------------


def test_openapi_extension_of_a_private_integration():
    # seed 002's OpenAPI example
    integration = Integration.from_openapi({
        "responses": {"default": {"statusCode": "200"}}, "uri": "https://example.com:443/path",
        "passthroughBehavior": "when_no_match", "connectionType": "VPC_LINK",
        "connectionId": "${stageVariables.vpcLinkV2Id}",
        "integration-target": "arn:aws:elasticloadbalancing:us-east-2:111122223333:loadbalancer/app/"
                              "myLoadBalancerName/1234567891011",
        "httpMethod": "GET", "type": "http_proxy"})
    assert integration.type == "HTTP_PROXY" and integration.passthrough_behavior == "WHEN_NO_MATCH"
    assert integration.integration_responses["200"].is_default


def test_openapi_responses_are_keyed_by_selection_pattern():
    integration = Integration.from_openapi({"type": "aws", "httpMethod": "POST", "uri": LAMBDA_URI, "responses": {
        "default": {"statusCode": "200"}, "Malformed.*": {"statusCode": "400"}}})
    assert integration.integration_responses["400"].selection_pattern == "Malformed.*"
    with pytest.raises(IntegrationValidationError, match="status 400 is already mapped by another selection pattern"):
        read_openapi_integration({"type": "MOCK", "responses": {"4.*": {"statusCode": "400"},
                                                                "5.*": {"statusCode": "400"}}})


# --- method responses and API settings --------------------------------------------------------------


def test_method_responses_in_both_shapes():
    by_status = method_responses_from_aws_json({"200": {"statusCode": "200", "responseParameters": {
        "method.response.header.X": True}, "responseModels": {"application/json": "Empty"}}})
    as_list = method_responses_from_aws_json([{"statusCode": "200", "responseParameters": {
        "method.response.header.X": True}, "responseModels": {"application/json": "Empty"}}])
    assert by_status == as_list
    assert by_status["200"].to_aws_json()["responseParameters"] == {"method.response.header.X": True}


def test_method_response_rules():
    with pytest.raises(IntegrationValidationError) as caught:
        method_responses_from_aws_json({"700": {"statusCode": "700", "responseParameters": {
            "method.response.header.X": "yes", "header.Y": False}}})
    assert [str(p) for p in caught.value.problems] == [
        "methodResponses.700.statusCode: '700' is not a status code: it must be three digits from 100 to 599 "
        "(pattern [1-5]\\d\\d)",
        "methodResponses.700.responseParameters.method.response.header.X: must be true (required) or false, not a string",
        "methodResponses.700.responseParameters.header.Y: " + MAPPING_ERROR +
        "[Invalid mapping expression parameter specified: header.Y] "
        "(a method response parameter is method.response.header.NAME)"]
    assert MethodResponse.from_aws_json({"statusCode": "200"}).problems() == []


def test_integration_responses_need_method_responses_declaring_their_headers():
    integration = Integration.from_aws_json({"type": "MOCK", "integrationResponses": {
        "200": {"statusCode": "200", "responseParameters": {"method.response.header.Location": "'/x'"}},
        "500": {"statusCode": "500", "selectionPattern": "5\\d{2}"}}})
    method_responses = method_responses_from_aws_json({"200": {"statusCode": "200"}})
    assert [str(p) for p in method_response_mismatches(integration, method_responses)] == [
        "integrationResponses.200.responseParameters.method.response.header.Location: " + MAPPING_ERROR +
        "[Invalid mapping expression parameter specified: method.response.header.Location] "
        "(declare it in the method response for 200 first)",
        "integrationResponses.500: no method response is defined for status 500 (API Gateway answers 500 when "
        "this response is selected)"]


def test_api_settings_binary_media_types():
    assert ApiSettings.from_aws_json({"id": "abc", "name": "api", "binaryMediaTypes": ["image~1png", "*/*"]}) == (
        ApiSettings(("image/png", "*/*")))
    assert ApiSettings.from_case({"binaryMediaTypes": ["image/png"]},
                                 {"type": "AWS", "binaryMediaTypes": ["image/png", "application/octet-stream"]}
                                 ).binary_media_types == ("image/png", "application/octet-stream")
    assert ApiSettings.from_aws_json(None).to_aws_json() == {}
    with pytest.raises(IntegrationValidationError) as caught:
        ApiSettings.from_aws_json({"binaryMediaTypes": ["png"]})
    assert str(caught.value) == "binaryMediaTypes[0]: 'png' is not a media type such as image/png or image/* or */*"


# --- VPC links ----------------------------------------------------------------------------------------


def test_vpc_link_lifecycle():
    registry = VpcLinkRegistry()
    link = registry.create("my-test-vpc-link", [NLB], link_id="gim7c3")
    # seed 003: create-vpc-link's immediate answer
    assert link.to_aws_json() == {"id": "gim7c3", "name": "my-test-vpc-link", "targetArns": [NLB], "status": "PENDING"}
    with pytest.raises(VpcLinkError, match='VPC link "gim7c3" is PENDING, not AVAILABLE'):
        registry.resolve("gim7c3")
    registry.settle()
    assert registry.get("gim7c3").status == "AVAILABLE"
    assert registry.resolve("${stageVariables.vpcLinkId}", {"vpcLinkId": "gim7c3"}).id == "gim7c3"


def test_a_second_link_to_the_same_load_balancer_fails():
    registry = VpcLinkRegistry()
    registry.create("first", [NLB], link_id="aaa111")
    registry.settle("aaa111")
    second = registry.create("second", [NLB], link_id="bbb222")
    assert second.status == "PENDING"
    (settled,) = registry.settle()
    assert (settled.status, settled.status_message) == ("FAILED", NLB_ALREADY_ASSOCIATED)
    with pytest.raises(VpcLinkError, match="is FAILED, not AVAILABLE: NLB is already associated with another VPC"):
        registry.resolve("bbb222")


def test_vpc_link_resolution_errors():
    registry = VpcLinkRegistry([VpcLink("gim7c3", "link", [NLB], "AVAILABLE")])
    with pytest.raises(VpcLinkError) as caught:
        registry.resolve("zzz999")
    assert (str(caught.value), caught.value.kind) == ('VPC link ID "zzz999" not found', "NotFoundException")
    with pytest.raises(VpcLinkError, match="names the stage variable 'vpcLinkId', which the stage does not define"):
        registry.resolve("${stageVariables.vpcLinkId}", {})


def test_vpc_link_rules():
    with pytest.raises(IntegrationValidationError) as caught:
        VpcLinkRegistry().create("", ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/1"])
    assert [str(p) for p in caught.value.problems] == [
        "name: is required: a VPC link needs a name",
        "targetArns[0]: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/alb/1' is not the ARN "
        "of a Network Load Balancer (arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/net/NAME/ID)"]
    with pytest.raises(IntegrationValidationError, match="targetArns: is required"):
        VpcLinkRegistry().create_from_input({"name": "x", "targetArns": []})
    with pytest.raises(IntegrationValidationError, match='Unknown parameter in input: "region"'):
        VpcLinkRegistry().create_from_input({"name": "x", "targetArns": [NLB], "region": "us-east-1"})


def test_vpc_link_from_get_vpc_link_output():
    printed = {"id": "gim7c3", "name": "my-test-vpc-link", "targetArns": [NLB], "status": "FAILED",
               "statusMessage": NLB_ALREADY_ASSOCIATED}
    assert VpcLink.from_aws_json(printed).to_aws_json() == printed
    with pytest.raises(IntegrationValidationError, match="status: 'READY' is not one of AVAILABLE, PENDING"):
        VpcLink.from_aws_json({**printed, "status": "READY"})


def test_private_integrations_must_name_a_known_link():
    registry = VpcLinkRegistry([VpcLink("gim7c3", "link", [NLB], "AVAILABLE")])
    unknown = Integration.from_aws_json(http(connectionType="VPC_LINK", connectionId="zzz999"))
    assert [str(p) for p in registry.integration_problems(unknown)] == [
        'connectionId: VPC link ID "zzz999" not found (create the VPC link first)']
    staged = Integration.from_aws_json(http(connectionType="VPC_LINK", connectionId="${stageVariables.link}"))
    assert registry.integration_problems(staged) == []


# --- the shared cases ------------------------------------------------------------------------------------

SHARED_CASES = Path(__file__).resolve().parents[2] / "shared" / "cases" / "apigateway.jsonl"


@pytest.mark.skipif(not SHARED_CASES.exists(), reason="../shared is not beside the project")
def test_every_shared_case_integration_loads_leniently():
    for line in SHARED_CASES.read_text().splitlines():
        case = json.loads(line)
        if "integration" in case:
            integration = Integration.from_aws_json(case["integration"], strict=False)
            ApiSettings.from_case(case.get("api"), case["integration"])
            assert Integration.from_aws_json(integration.to_aws_json(), strict=False) == integration
