"""$context: keys in the recorded order, deterministic defaults, overrides, shared across renders."""
from vtl.apigw.context import CONTEXT_KEYS, IDENTITY_KEYS, ContextMap, clf_time
from vtl.apigw.request import Request
from vtl.apigw.variables import template_variables
from vtl.runtime.values import to_java_string


def make_context(**request):
    return template_variables(request)["context"]


def test_keys_in_recorded_order_without_authorizer():
    context = make_context(method="POST", path="/sqs", headers={"User-Agent": "python/requests/tests"})
    assert tuple(context) == CONTEXT_KEYS
    assert tuple(context["identity"]) == IDENTITY_KEYS
    assert list(context["requestOverride"]) == ["path", "header", "querystring"]
    assert list(context["responseOverride"]) == ["header"]
    assert "authorizer" not in context


def test_defaults_are_deterministic_and_derived_from_the_request():
    context = make_context(method="POST", path="/sqs", headers={"user-agent": "ua"})
    assert context["httpMethod"] == "POST"
    assert context["resourcePath"] == "/sqs"
    assert context["path"] == "/test/sqs"
    assert context["protocol"] == "HTTP/1.1"
    assert context["requestTimeEpoch"] == 1_700_000_000_000
    assert context["requestTime"] == "14/Nov/2023:22:13:20 +0000"
    assert context["domainPrefix"] == context["apiId"]
    assert context["identity"]["userAgent"] == "ua"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["user"] is None
    assert make_context(path="/sqs") == context | {"httpMethod": "GET", "identity": context["identity"] | {"userAgent": None}}


def test_request_context_overrides():
    context = make_context(path="/sqs", context={
        "stage": "testing", "requestId": "fixed-id", "requestTimeEpoch": 0, "apiId": "api1",
        "identity": {"sourceIp": "203.0.113.9"}, "wafResponseCode": "AWS_WAF_ALLOW"})
    assert context["path"] == "/testing/sqs"
    assert context["requestId"] == "fixed-id"
    assert context["requestTime"] == "01/Jan/1970:00:00:00 +0000"
    assert context["domainName"] == "api1.execute-api.us-east-1.amazonaws.com"
    assert context["domainPrefix"] == "api1"
    assert context["identity"]["sourceIp"] == "203.0.113.9"
    assert list(context)[-1] == "wafResponseCode"


def test_authorizer_values_are_strings_and_claims_a_map():
    context = make_context(context={"authorizer": {"principalId": "me", "n": 1, "ok": True,
                                                   "claims": {"sub": "abc", "exp": 5}}})
    authorizer = context["authorizer"]
    assert authorizer["n"] == "1" and authorizer["ok"] == "true" and authorizer["principalId"] == "me"
    assert authorizer["claims"] == {"sub": "abc", "exp": "5"}


def test_nested_maps_print_nothing():
    context = make_context()
    for key in ("identity", "requestOverride", "responseOverride"):
        assert isinstance(context[key], ContextMap)
        assert to_java_string(context[key]) == ""
    assert to_java_string(context["requestOverride"]["header"]) == ""


def test_context_is_shared_between_request_and_response_renders():
    request = Request.from_dict({"method": "GET"})
    first = template_variables(request)
    first["context"]["responseOverride"]["status"] = 444
    first["context"]["requestOverride"]["path"]["body"] = "x"
    second = template_variables(request, phase="integration_response",
                                backend_response={"status": 200, "body": ""},
                                context=first["context"])
    assert second["context"]["responseOverride"]["status"] == 444
    assert second["context"]["requestOverride"]["path"]["body"] == "x"


def test_clf_time():
    assert clf_time(1_234_567_890_123) == "13/Feb/2009:23:31:30 +0000"
