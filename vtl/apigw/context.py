"""``$context``: the request's context variables (spec/apigateway.md §3, §4).

Built once per invocation and handed to both the request and the response render, so what a
request template writes into ``requestOverride``/``responseOverride`` is still there for the
response template and for the pipeline.

Every value has a fixed default, so renders are reproducible; the request's ``context`` object
overrides any of them (nested ``identity``/``authorizer``/overrides are merged key by key).
"""
from __future__ import annotations

import datetime as _dt
import functools
from typing import Any, Mapping

from ..runtime.objects import JavaObject
from ..runtime.values import to_java_string
from .request import Request, object_field


class ContextMap(dict, JavaObject):
    """A map of ``$context``: it answers get/keySet/put like any map, but prints nothing.

    Recorded: ``"$context.get('identity')"`` and the empty override maps render as empty
    text, where a plain LinkedHashMap would print ``{...}``.
    """

    __slots__ = ()
    java_class_name = "java.util.Map"

    def java_to_string(self) -> str:
        return ""


# Recorded $context.keySet() order (no authorizer): LocalStack snapshot test_sqs_amz_json_protocol.
CONTEXT_KEYS = ("resourceId", "resourcePath", "httpMethod", "extendedRequestId", "requestTime",
                "path", "accountId", "protocol", "requestOverride", "stage", "domainPrefix",
                "requestTimeEpoch", "requestId", "identity", "domainName", "deploymentId",
                "responseOverride", "apiId")
IDENTITY_KEYS = ("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "sourceIp",
                 "principalOrgId", "accessKey", "cognitoAuthenticationType",
                 "cognitoAuthenticationProvider", "userArn", "userAgent", "user")

DEFAULT_API_ID = "abcdef1234"
DEFAULT_STAGE = "test"
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
DEFAULT_EXTENDED_REQUEST_ID = "AbCdEfGhIjKlMnO="
DEFAULT_RESOURCE_ID = "abc123"
DEFAULT_DEPLOYMENT_ID = "d1e2f3"
DEFAULT_SOURCE_IP = "127.0.0.1"
DEFAULT_REQUEST_TIME_EPOCH = 1_700_000_000_000  # 14/Nov/2023:22:13:20 +0000
REGION = "us-east-1"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def create_context(request: Request) -> ContextMap:
    """The ``$context`` map for one invocation (fresh maps: a template may change them)."""
    context = ContextMap(_DEFAULT_CONTEXT)  # every key, in the recorded order
    context["resourcePath"] = request.path
    context["httpMethod"] = request.method
    context["identity"] = identity = ContextMap(_ANONYMOUS_IDENTITY)
    identity["userAgent"] = request.header("User-Agent")
    context["requestOverride"] = ContextMap(path=ContextMap(), header=ContextMap(), querystring=ContextMap())
    context["responseOverride"] = ContextMap(header=ContextMap())
    context["path"] = f"/{DEFAULT_STAGE}{request.path}"
    if request.context:
        _apply_overrides(context, request.context, request.path)
    return context


def _apply_overrides(context: ContextMap, overrides: Mapping[str, Any], path: str) -> None:
    # The values derived from an overridden one first; then every override as given.
    api_id = str(overrides.get("apiId", DEFAULT_API_ID))
    stage = str(overrides.get("stage", DEFAULT_STAGE))
    domain_name = str(overrides.get("domainName", _default_domain_name(api_id)))
    epoch = _epoch_millis(overrides)
    context.update(apiId=api_id, stage=stage, path=f"/{stage}{path}", requestTimeEpoch=epoch,
                   requestTime=clf_time(epoch), domainName=domain_name, domainPrefix=_domain_prefix(domain_name))
    for key, value in overrides.items():
        if key not in _NESTED_OVERRIDES:
            context[key] = value
    context["identity"].update(object_field(overrides.get("identity"), "request.context.identity"))
    for name in ("requestOverride", "responseOverride"):
        for key, value in object_field(overrides.get(name), f"request.context.{name}").items():
            context[name][key] = ContextMap(value) if isinstance(value, Mapping) else value
    if overrides.get("authorizer") is not None:
        context["authorizer"] = _authorizer(object_field(overrides["authorizer"], "request.context.authorizer"))


_NESTED_OVERRIDES = frozenset({"requestOverride", "responseOverride", "identity", "authorizer"})
_ANONYMOUS_IDENTITY = dict.fromkeys(IDENTITY_KEYS)
_ANONYMOUS_IDENTITY["sourceIp"] = DEFAULT_SOURCE_IP


@functools.lru_cache(maxsize=64)
def _default_domain_name(api_id: str) -> str:
    return f"{api_id}.execute-api.{REGION}.amazonaws.com"


@functools.lru_cache(maxsize=64)
def _domain_prefix(domain_name: str) -> str:
    return domain_name.split(".", 1)[0]


@functools.lru_cache(maxsize=64)  # requests mostly share their second: format it once
def clf_time(epoch_millis: int) -> str:
    """requestTime in Common Log Format, always UTC: ``dd/MMM/yyyy:HH:mm:ss +0000``."""
    moment = _dt.datetime.fromtimestamp(epoch_millis / 1000, tz=_dt.timezone.utc)
    return f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year}:{moment:%H:%M:%S} +0000"


def _epoch_millis(overrides: Mapping[str, Any]) -> int:
    if overrides.get("requestTimeEpoch") is not None:
        return int(overrides["requestTimeEpoch"])
    if overrides.get("requestTime"):
        parsed = _dt.datetime.strptime(str(overrides["requestTime"]).replace(" +0000", ""), "%d/%b/%Y:%H:%M:%S")
        return int(parsed.replace(tzinfo=_dt.timezone.utc).timestamp() * 1000)
    return DEFAULT_REQUEST_TIME_EPOCH


def _authorizer(raw: Mapping[str, Any]) -> ContextMap:
    """Authorizer values reach templates as strings (1 -> "1", true -> "true"); claims stay a map."""
    authorizer = ContextMap()
    for key, value in raw.items():
        if key == "claims" and isinstance(value, Mapping):
            authorizer[key] = ContextMap((k, _stringify(v)) for k, v in value.items())
        else:
            authorizer[key] = _stringify(value)
    return authorizer


def _stringify(value: Any) -> Any:
    return None if value is None else to_java_string(value)


# The values of a request without overrides; create_context fills in the request's own.
_DEFAULT_CONTEXT = dict.fromkeys(CONTEXT_KEYS)
_DEFAULT_CONTEXT.update(
    resourceId=DEFAULT_RESOURCE_ID, extendedRequestId=DEFAULT_EXTENDED_REQUEST_ID,
    requestTime=clf_time(DEFAULT_REQUEST_TIME_EPOCH), accountId=DEFAULT_ACCOUNT_ID, protocol="HTTP/1.1",
    stage=DEFAULT_STAGE, domainPrefix=DEFAULT_API_ID, requestTimeEpoch=DEFAULT_REQUEST_TIME_EPOCH,
    requestId=DEFAULT_REQUEST_ID, domainName=_default_domain_name(DEFAULT_API_ID),
    deploymentId=DEFAULT_DEPLOYMENT_ID, apiId=DEFAULT_API_ID)
