"""The rules an API Gateway integration definition must follow, as data and small checks.

Every check returns ``Problem`` values instead of raising, so one pass reports everything
that is wrong. Messages use API Gateway's own BadRequestException wording where it is known
(sources in docs/integration-model.md) and add, in parentheses, what to do about it.

This module knows nothing about the dataclasses in ``model.py``: the checks take plain
strings and mappings, so parsing, patching and the loaders can share them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from vtl.errors import JavaException, VTLError, json_type
from vtl.runtime.javaregex import compile_java

# --- the vocabulary -------------------------------------------------------------------------

INTEGRATION_TYPES = ("HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY")
HTTP_TYPES = frozenset({"HTTP", "HTTP_PROXY"})
AWS_TYPES = frozenset({"AWS", "AWS_PROXY"})
PROXY_TYPES = frozenset({"HTTP_PROXY", "AWS_PROXY"})
TYPES_NEEDING_BACKEND = HTTP_TYPES | AWS_TYPES  # they need an integration HTTP method and a uri

CONNECTION_TYPES = ("INTERNET", "VPC_LINK")
PASSTHROUGH_BEHAVIORS = ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER")
CONTENT_HANDLINGS = ("CONVERT_TO_BINARY", "CONVERT_TO_TEXT")
RESPONSE_TRANSFER_MODES = ("BUFFERED", "STREAM")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")

DEFAULT_CONNECTION_TYPE = "INTERNET"
DEFAULT_PASSTHROUGH_BEHAVIOR = "WHEN_NO_MATCH"
DEFAULT_TIMEOUT_MS = 29_000
MIN_TIMEOUT_MS, MAX_TIMEOUT_MS = 50, 29_000
MAX_TEMPLATE_BYTES = 300 * 1024  # "Mapping template size: 300 KB" (quotas page)


def template_size(template: str) -> int:
    """A template's size in UTF-8 bytes (a lone surrogate half counts as the 3 bytes it takes)."""
    return len(template.encode("utf-8", "surrogatepass"))

# API Gateway answers enum violations in the AWS input-validation format; it lists the type
# values in this order (recorded by LocalStack's parity tests).
_TYPE_ENUM_ORDER = "[HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]"

# --- problems and the error -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``field`` is the AWS JSON path of the value (``timeoutInMillis``,
    ``integrationResponses.400.selectionPattern``), ``message`` says what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class IntegrationValidationError(VTLError):
    """An integration (or VPC link, method response, API setting) definition breaks AWS's rules.

    ``problems`` lists every problem found, not just the first; the message names each
    field and rule.
    """

    def __init__(self, problems: Iterable[Problem], what: str = "integration definition"):
        self.problems = list(problems)
        if len(self.problems) == 1:
            text = str(self.problems[0])
        else:
            lines = "\n".join(f"- {problem}" for problem in self.problems)
            text = f"{len(self.problems)} problems in the {what}:\n{lines}"
        super().__init__(text)


def raise_if_any(problems: list[Problem], what: str = "integration definition") -> None:
    if problems:
        raise IntegrationValidationError(problems, what)


def renamed(problems: Iterable[Problem], names: Mapping[str, str]) -> list[Problem]:
    """Show problems in the vocabulary the user wrote (``integrationHttpMethod`` for the
    put-integration input, ``timeout_milliseconds`` for Terraform): only the first component
    of a field path is renamed."""
    result = []
    for problem in problems:
        head, dot, rest = problem.field.partition(".")
        result.append(Problem(names.get(head, head) + dot + rest, problem.message))
    return result


def enum_message(value: object, input_path: str, allowed: Iterable[str]) -> str:
    """AWS's wording for a value outside an enum of its API model."""
    listed = _TYPE_ENUM_ORDER if input_path.endswith(".type") else f"[{', '.join(allowed)}]"
    return (f"1 validation error detected: Value '{value}' at '{input_path}' failed to satisfy "
            f"constraint: Member must satisfy enum value set: {listed}")


def normalised_enum(value: object, allowed: Iterable[str]) -> object:
    """OpenAPI exports write enums in lower case (``when_no_match``, ``http_proxy``); API
    Gateway's import accepts them, so do we. Anything else is returned untouched for the
    rules to report."""
    if isinstance(value, str) and value.upper() in allowed:
        return value.upper()
    return value


# --- stage variables --------------------------------------------------------------------------

STAGE_VARIABLE_REFERENCE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")

# Stage variables (CreateStage/CreateDeployment docs; quotas page): names of letters, digits
# and '_', values of [A-Za-z0-9-._~:/?#&=,]+; at most 100 a stage, names of 64 and values of 512
# characters.
STAGE_VARIABLE_NAME = re.compile(r"[A-Za-z0-9_]+")
STAGE_VARIABLE_VALUE = re.compile(r"[A-Za-z0-9\-._~:/?#&=,]+")
MAX_STAGE_VARIABLES, MAX_STAGE_VARIABLE_NAME, MAX_STAGE_VARIABLE_VALUE = 100, 64, 512


def stage_variable_problems(variables: Mapping[str, str], where: str) -> list[str]:
    """What API Gateway would refuse in a stage's variables (a value still holding an
    unresolved ``${...}`` of the definition is left alone)."""
    problems = []
    if len(variables) > MAX_STAGE_VARIABLES:
        problems.append(f"{where}: {len(variables)} stage variables; a stage holds at most {MAX_STAGE_VARIABLES}")
    for name, value in variables.items():
        if not STAGE_VARIABLE_NAME.fullmatch(name) or len(name) > MAX_STAGE_VARIABLE_NAME:
            problems.append(f"{where}.{name}: a stage variable name is at most {MAX_STAGE_VARIABLE_NAME} letters, "
                            f"digits and '_'")
        if "${" in value:
            continue
        if not STAGE_VARIABLE_VALUE.fullmatch(value) or len(value) > MAX_STAGE_VARIABLE_VALUE:
            problems.append(f"{where}.{name}: a stage variable value is 1 to {MAX_STAGE_VARIABLE_VALUE} of "
                            f"A-Z a-z 0-9 - . _ ~ : / ? # & = , (API Gateway refuses {value[:40]!r})")
    return problems


def without_stage_variables(text: str, stand_in: str = "stagevariable") -> str:
    """Stage variables may stand for parts of URIs, ARNs and VPC link ids; check the rest."""
    return STAGE_VARIABLE_REFERENCE.sub(stand_in, text)


# --- parameter mapping expressions ----------------------------------------------------------

# put-method accepts method request parameter names matching this (AWS's own message:
# "Parameter name should match the following regular expression: ^[a-zA-Z0-9._$-]+$").
_METHOD_PARAMETER_NAME = r"[a-zA-Z0-9._$-]+"
_HEADER_NAME = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"  # an HTTP token (RFC 9110)
_TARGET_NAME = r"\S+"
_COMMON_SOURCE = (r"'.*'"                         # a static value in single quotes
                  r"|stageVariables\.[A-Za-z0-9_]+"
                  r"|context\.\S+")

REQUEST_PARAMETER_KEY = re.compile(rf"integration\.request\.(header\.{_HEADER_NAME}"
                                   rf"|querystring\.{_TARGET_NAME}|path\.{_TARGET_NAME})")
REQUEST_PARAMETER_VALUE = re.compile(
    rf"method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)"
    rf"\.{_METHOD_PARAMETER_NAME}"
    rf"|method\.request\.body(\..+)?|{_COMMON_SOURCE}", re.DOTALL)
RESPONSE_PARAMETER_KEY = re.compile(rf"method\.response\.header\.{_HEADER_NAME}")
RESPONSE_PARAMETER_VALUE = re.compile(
    rf"integration\.response\.(header|multivalueheader)\.{_HEADER_NAME}"
    rf"|integration\.response\.body(\..+)?|{_COMMON_SOURCE}", re.DOTALL)
CACHE_KEY_PARAMETER = re.compile(
    rf"method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)"
    rf"\.{_METHOD_PARAMETER_NAME}|{REQUEST_PARAMETER_KEY.pattern}")

_MAPPING_ERROR = "Invalid mapping expression specified: Validation Result: warnings : [], errors : [{}]"
_REQUEST_SOURCES_HINT = ("a source is method.request.{path|querystring|multivaluequerystring|header|"
                         "multivalueheader}.NAME, method.request.body, method.request.body.JSONPath, "
                         "stageVariables.NAME, context.NAME or a 'static' value in single quotes")
_RESPONSE_SOURCES_HINT = ("a source is integration.response.header.NAME, "
                          "integration.response.multivalueheader.NAME, integration.response.body, "
                          "integration.response.body.JSONPath, stageVariables.NAME, context.NAME "
                          "or a 'static' value in single quotes")


def invalid_mapping_parameter(key: str, hint: str) -> str:
    return _MAPPING_ERROR.format(f"Invalid mapping expression parameter specified: {key}") + f" ({hint})"


def invalid_mapping_expression(value: str, hint: str) -> str:
    return _MAPPING_ERROR.format(f"Invalid mapping expression specified: {value}") + f" ({hint})"


def request_parameter_problems(parameters: Mapping[str, object], field: str) -> Iterator[Problem]:
    return _mapping_problems(parameters, field, REQUEST_PARAMETER_KEY,
                             "a target is integration.request.header.NAME, "
                             "integration.request.querystring.NAME or integration.request.path.NAME",
                             REQUEST_PARAMETER_VALUE, _REQUEST_SOURCES_HINT)


def response_parameter_problems(parameters: Mapping[str, object], field: str) -> Iterator[Problem]:
    return _mapping_problems(parameters, field, RESPONSE_PARAMETER_KEY, "a target is method.response.header.NAME",
                             RESPONSE_PARAMETER_VALUE, _RESPONSE_SOURCES_HINT)


def _mapping_problems(parameters: Mapping[str, object], field: str, key_pattern, key_hint: str,
                      value_pattern, value_hint: str) -> Iterator[Problem]:
    """Problems of a parameter map: each key a mapping target, each value a mapping source."""
    for key, value in parameters.items():
        where = f"{field}.{key}"
        if not key_pattern.fullmatch(key):
            yield Problem(where, invalid_mapping_parameter(key, key_hint))
        if not isinstance(value, str):
            yield Problem(where, f"the source must be a string, not {json_type(value)}")
        elif not value_pattern.fullmatch(value):
            yield Problem(where, invalid_mapping_expression(value, value_hint))


# --- templates -------------------------------------------------------------------------------


def template_problems(templates: Mapping[str, object], field: str) -> Iterator[Problem]:
    for content_type, template in templates.items():
        where = f"{field}.{content_type}"
        if not content_type.strip():
            yield Problem(field, "a template's key must be a content type such as application/json")
        if template is None:
            continue  # get-integration prints null for an empty template
        if not isinstance(template, str):
            yield Problem(where, f"a template must be a string, not {json_type(template)}")
        elif (size := template_size(template)) > MAX_TEMPLATE_BYTES:
            yield Problem(where, f"the template is {size} bytes; API Gateway's limit for a mapping "
                                 f"template is 300 KB ({MAX_TEMPLATE_BYTES} bytes)")


# --- URIs and ARNs ---------------------------------------------------------------------------

_URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")  # RFC 3986 sections 2.2-2.3
_BROKEN_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_PARAMETER = re.compile(r"\{[A-Za-z0-9._$-]+\+?\}")  # {id}, {proxy+}: filled from requestParameters
INVALID_HTTP_ENDPOINT = "Invalid HTTP endpoint specified for URI"
INVALID_ARN = "Invalid ARN specified in the request"
ARN_WITHOUT_PATH_OR_ACTION = "AWS ARN for integration must contain path or action"
AWS_PROXY_ONLY_LAMBDA = ("Integrations of type 'AWS_PROXY' currently only supports Lambda function "
                         "and Firehose stream invocations.")


def http_uri_problem(uri: str) -> str | None:
    """Why ``uri`` is not a fully formed, encoded http(s) URL (RFC 3986), or None.

    ``{name}`` path parameters and ``${stageVariables.name}`` references are allowed.
    """
    if any(character.isspace() for character in uri):
        return f"{INVALID_HTTP_ENDPOINT} (the URL contains white space)"
    checked = _PATH_PARAMETER.sub("parameter", without_stage_variables(uri))
    if not _URI_CHARACTERS.fullmatch(checked):
        bad = sorted({c for c in checked if not _URI_CHARACTERS.fullmatch(c)})
        return (f"{INVALID_HTTP_ENDPOINT} (characters {''.join(bad)!r} must be percent-encoded; "
                f"the URL must be encoded as RFC 3986 says)")
    if _BROKEN_PERCENT.search(checked):
        return f"{INVALID_HTTP_ENDPOINT} ('%' must start a %XX escape)"
    parts = urlsplit(checked)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"{INVALID_HTTP_ENDPOINT} ({uri!r} is not an absolute http:// or https:// URL)"
    return _port_problem(uri, parts)


def _port_problem(uri: str, parts) -> str | None:
    try:
        port = parts.port
    except ValueError:
        if "${stageVariables." in uri:
            return None  # the port comes from a stage variable: known only at invoke time
        return f"{INVALID_HTTP_ENDPOINT} (the port is not a number from 1 to 65535)"
    if port is not None and port not in (80, 443) and port <= 1024:
        return (f"{INVALID_HTTP_ENDPOINT} (port {port}: API Gateway calls ports 80 and 443 "
                f"and custom ports above 1024)")
    return None


@dataclass(frozen=True)
class IntegrationArn:
    """``arn:aws:apigateway:{region}:{subdomain.service|service}:{path|action}/{service_api}``."""

    partition: str
    region: str
    service: str
    resource: str  # "path/..." or "action/..."

    @property
    def is_lambda_invocation(self) -> bool:
        return self.service == "lambda" and LAMBDA_INVOCATION_PATH.fullmatch(self.resource) is not None


# The AWS CLI example writes "path//2015-03-31/..." and API Gateway accepts it.
LAMBDA_INVOCATION_PATH = re.compile(r"path/+2015-03-31/functions/(?P<function>.+)/invocations")


def parse_integration_arn(uri: str) -> tuple[IntegrationArn | None, str | None]:
    """The parsed AWS integration URI, or the problem with it."""
    fields = uri.split(":", 5)
    if len(fields) != 6 or fields[0] != "arn" or not fields[1].startswith("aws"):
        return None, (f"{INVALID_ARN} (an AWS integration URI has the form "
                      f"arn:aws:apigateway:{{region}}:{{service}}:{{path|action}}/{{service_api}})")
    _, partition, service_namespace, region, service, resource = fields
    if service_namespace != "apigateway" or not resource.startswith(("path/", "action/")):
        hint = "the URI must be arn:aws:apigateway:{region}:{service}:path/... or ...:action/..."
        if service_namespace == "lambda":
            hint = ("this is a Lambda function ARN; the integration URI is "
                    "arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations")
        return None, f"{ARN_WITHOUT_PATH_OR_ACTION} ({hint})"
    if not region or not service:
        return None, f"{INVALID_ARN} (the region and the service must not be empty)"
    return IntegrationArn(partition, region, service, resource), None


# --- credentials, VPC links, load balancers --------------------------------------------------

CALLER_CREDENTIALS = "arn:aws:iam::*:user/*"  # "pass the caller's identity through"
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
_CALLER_ARN = re.compile(r"arn:aws[a-z-]*:iam::\*:user/\*")
VPC_LINK_ID = re.compile(r"[A-Za-z0-9]+")
LOAD_BALANCER_ARN = re.compile(
    r"arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:(loadbalancer|listener)/(app|net)/\S+")
NETWORK_LOAD_BALANCER_ARN = re.compile(
    r"arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/net/[^/\s]+/[^/\s]+")


def credentials_problem(credentials: str) -> str | None:
    checked = without_stage_variables(credentials, "stagevariable")
    if _ROLE_ARN.fullmatch(checked) or _CALLER_ARN.fullmatch(checked):
        return None
    return (f"{credentials!r} is not an IAM role ARN (arn:aws:iam::ACCOUNT_ID:role/NAME) nor "
            f"{CALLER_CREDENTIALS} (which passes the caller's identity through)")


def connection_id_problem(connection_id: str) -> str | None:
    if VPC_LINK_ID.fullmatch(connection_id) or STAGE_VARIABLE_REFERENCE.fullmatch(connection_id):
        return None
    return (f"{connection_id!r} is neither a VPC link id (such as gim7c3) nor a stage variable "
            f"reference such as ${{stageVariables.vpcLinkId}}")


# --- status codes and selection patterns -----------------------------------------------------

STATUS_CODE = re.compile(r"[1-5]\d\d")


def status_code_problem(status_code: object) -> str | None:
    if isinstance(status_code, str) and STATUS_CODE.fullmatch(status_code):
        return None
    return (f"{status_code!r} is not a status code: it must be three digits from 100 to 599 "
            f"(pattern [1-5]\\d\\d)")


def selection_pattern_problem(pattern: str) -> str | None:
    """API Gateway compiles selection patterns with java.util.regex; so does the pipeline,
    through the project's one Java regex translator."""
    try:
        compile_java(pattern)
    except JavaException as error:
        reason = error.message.splitlines()[0] if error.message else error.java_class
        return f"{pattern!r} is not a valid Java regular expression ({reason})"
    return None


# --- MIME types (binaryMediaTypes, requestTemplates keys) ------------------------------------

MEDIA_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+")


# --- whole objects ---------------------------------------------------------------------------
# These take the dataclasses of model.py by duck typing (attribute names only).


def integration_problems(integration, *, strict: bool = True) -> list[Problem]:
    """Every rule ``integration`` breaks.

    ``strict=False`` skips the rules that only matter for reaching a real backend (a uri
    and integration HTTP method being present and well formed, a VPC link id being given,
    an IAM role for AWS service calls), so simulated definitions with placeholder URIs load.
    """
    problems = list(_type_and_enum_problems(integration))
    kind = integration.type
    if strict and kind in TYPES_NEEDING_BACKEND:
        problems += _backend_problems(integration)
    problems += _connection_problems(integration, strict=strict)
    problems += _timeout_problems(integration.timeout_in_millis)
    if integration.credentials is not None and (problem := credentials_problem(integration.credentials)):
        problems.append(Problem("credentials", problem))
    problems += request_parameter_problems(integration.request_parameters, "requestParameters")
    problems += template_problems(integration.request_templates, "requestTemplates")
    problems += _cache_key_problems(integration.cache_key_parameters)
    problems += _tls_problems(integration)
    for status_code, response in integration.integration_responses.items():
        problems += integration_response_problems(response, f"integrationResponses.{status_code}", status_code)
    return problems


def _type_and_enum_problems(integration) -> Iterator[Problem]:
    if integration.type is None:
        yield Problem("type", f"is required: one of {', '.join(INTEGRATION_TYPES)}")
    elif integration.type not in INTEGRATION_TYPES:
        yield Problem("type", enum_message(integration.type, "putIntegrationInput.type", INTEGRATION_TYPES))
    enums = (("connectionType", integration.connection_type, CONNECTION_TYPES),
             ("passthroughBehavior", integration.passthrough_behavior, PASSTHROUGH_BEHAVIORS),
             ("contentHandling", integration.content_handling, CONTENT_HANDLINGS),
             ("responseTransferMode", integration.response_transfer_mode, RESPONSE_TRANSFER_MODES))
    for field, value, allowed in enums:
        if value is not None and value not in allowed:
            yield Problem(field, enum_message(value, f"putIntegrationInput.{field}", allowed))
    method = integration.http_method
    if method is not None and method not in HTTP_METHODS:
        yield Problem("httpMethod", f"{method!r} is not an HTTP method API Gateway can call a backend "
                                    f"with ({', '.join(HTTP_METHODS)})")


def _backend_problems(integration) -> Iterator[Problem]:
    """HTTP, HTTP_PROXY, AWS and AWS_PROXY integrations call a backend: they need its method
    and address."""
    kind = integration.type
    if not integration.http_method:
        yield Problem("httpMethod", f"Enumeration value for HttpMethod must be non-empty "
                                    f"(type {kind} needs the HTTP method used to call the backend)")
    uri = integration.uri
    if kind in HTTP_TYPES:
        if not uri:
            yield Problem("uri", f"{INVALID_HTTP_ENDPOINT} (type {kind} needs the backend's "
                                 f"http:// or https:// URL)")
        elif problem := http_uri_problem(uri):
            yield Problem("uri", problem)
        return
    if not uri:
        yield Problem("uri", f"{INVALID_ARN} (type {kind} needs a URI of the form "
                             f"arn:aws:apigateway:{{region}}:{{service}}:{{path|action}}/{{service_api}})")
        return
    arn, problem = parse_integration_arn(without_stage_variables(uri))
    if problem:
        yield Problem("uri", problem)
    elif kind == "AWS_PROXY" and not arn.is_lambda_invocation:
        yield Problem("uri", f"{AWS_PROXY_ONLY_LAMBDA} (the URI must be arn:aws:apigateway:REGION:lambda:"
                             f"path/2015-03-31/functions/FUNCTION_ARN/invocations)")
    elif kind == "AWS" and arn.service != "lambda" and integration.credentials is None:
        yield Problem("credentials", "Role ARN must be specified for AWS integrations (an AWS service "
                                     "other than Lambda is called with an IAM role API Gateway assumes)")


def _connection_problems(integration, *, strict: bool) -> Iterator[Problem]:
    private = integration.connection_type == "VPC_LINK"
    if private and integration.type is not None and integration.type not in HTTP_TYPES:
        yield Problem("connectionType", f"VPC_LINK (a private integration) is only for HTTP and "
                                        f"HTTP_PROXY integrations, not {integration.type}")
    connection_id = integration.connection_id
    if private and not connection_id and strict:
        yield Problem("connectionId", "is required when the connection type is VPC_LINK: the id of "
                                      "a VpcLink or a stage variable reference such as "
                                      "${stageVariables.vpcLinkId}")
    if connection_id and (problem := connection_id_problem(connection_id)):
        yield Problem("connectionId", problem)
    target = integration.integration_target
    if target is not None:
        if not private:
            yield Problem("integrationTarget", "is only used by private integrations "
                                               "(connection type VPC_LINK)")
        if not LOAD_BALANCER_ARN.fullmatch(without_stage_variables(target)):
            yield Problem("integrationTarget", f"{target!r} is not the ARN of an Application or "
                                               f"Network Load Balancer (or of its listener)")


def _timeout_problems(timeout: object) -> Iterator[Problem]:
    if isinstance(timeout, bool) or not isinstance(timeout, int):
        yield Problem("timeoutInMillis", f"must be a whole number of milliseconds, not {json_type(timeout)}")
    elif not MIN_TIMEOUT_MS <= timeout <= MAX_TIMEOUT_MS:
        yield Problem("timeoutInMillis", f"Timeout should be between {MIN_TIMEOUT_MS} ms and "
                                         f"{MAX_TIMEOUT_MS} ms (got {timeout})")


def _cache_key_problems(parameters: Iterable[object]) -> Iterator[Problem]:
    for index, parameter in enumerate(parameters):
        if not isinstance(parameter, str) or not CACHE_KEY_PARAMETER.fullmatch(parameter):
            yield Problem(f"cacheKeyParameters[{index}]",
                          f"{parameter!r} is not a request parameter such as method.request.path.NAME "
                          f"(a cache key parameter names a method request parameter)")


def _tls_problems(integration) -> Iterator[Problem]:
    tls = integration.tls_config
    if tls is None:
        return
    skip = tls.insecure_skip_verification
    if not isinstance(skip, bool):
        yield Problem("tlsConfig.insecureSkipVerification", f"must be true or false, not {json_type(skip)}")
    elif skip and integration.type in AWS_TYPES | {"MOCK"}:
        yield Problem("tlsConfig.insecureSkipVerification",
                      f"is supported only for HTTP and HTTP_PROXY integrations, not {integration.type}")


def integration_response_problems(response, field: str, key: str | None = None) -> list[Problem]:
    problems = []
    if problem := status_code_problem(response.status_code):
        problems.append(Problem(f"{field}.statusCode", problem))
    elif key is not None and key != response.status_code:
        problems.append(Problem(f"{field}.statusCode", f"{response.status_code!r} differs from the "
                                                       f"status code it is filed under ({key!r})"))
    pattern = response.selection_pattern
    if pattern and (problem := selection_pattern_problem(pattern)):
        problems.append(Problem(f"{field}.selectionPattern", problem))
    problems += response_parameter_problems(response.response_parameters, f"{field}.responseParameters")
    problems += template_problems(response.response_templates, f"{field}.responseTemplates")
    handling = response.content_handling
    if handling is not None and handling not in CONTENT_HANDLINGS:
        problems.append(Problem(f"{field}.contentHandling", enum_message(
            handling, "putIntegrationResponseInput.contentHandling", CONTENT_HANDLINGS)))
    return problems


def integration_warnings(integration) -> list[Problem]:
    """What API Gateway accepts but ignores, or accepts and then fails on when called."""
    warnings = []
    kind = integration.type
    if kind in PROXY_TYPES and integration.request_templates:
        warnings.append(Problem("requestTemplates", f"{kind} integrations pass the request through: "
                                                    f"mapping templates are not applied"))
    if kind in PROXY_TYPES and integration.integration_responses:
        warnings.append(Problem("integrationResponses", f"{kind} integrations return the backend's "
                                                        f"response as it is: integration responses are not used"))
    if kind in ("HTTP", "AWS", "MOCK") and not integration.integration_responses:
        warnings.append(Problem("integrationResponses", "a non-proxy integration without an integration "
                                                        "response answers 500 Internal server error"))
    defaults = [code for code, response in integration.integration_responses.items()
                if not response.selection_pattern]
    if len(defaults) > 1:
        warnings.append(Problem("integrationResponses", f"{', '.join(defaults)} all lack a selectionPattern; "
                                                        f"only one response can be the default"))
    if integration.connection_id and integration.connection_type != "VPC_LINK":
        warnings.append(Problem("connectionId", "is ignored unless the connection type is VPC_LINK"))
    arn = _lambda_arn(integration) if kind in AWS_TYPES else None
    if arn and integration.http_method not in (None, "POST"):
        warnings.append(Problem("httpMethod", f"Lambda functions can only be invoked with POST; API Gateway "
                                              f"accepts {integration.http_method} but calls fail"))
    if arn and not arn.is_lambda_invocation:
        warnings.append(Problem("uri", "a Lambda function is invoked through arn:aws:apigateway:REGION:lambda:"
                                       "path/2015-03-31/functions/FUNCTION_ARN/invocations"))
    return warnings


def _lambda_arn(integration) -> IntegrationArn | None:
    arn, _ = parse_integration_arn(without_stage_variables(integration.uri or ""))
    return arn if arn is not None and arn.service == "lambda" else None


def method_response_problems(response, field: str, key: str | None = None) -> list[Problem]:
    problems = []
    if problem := status_code_problem(response.status_code):
        problems.append(Problem(f"{field}.statusCode", problem))
    elif key is not None and key != response.status_code:
        problems.append(Problem(f"{field}.statusCode", f"{response.status_code!r} differs from the "
                                                       f"status code it is filed under ({key!r})"))
    for name, required in response.response_parameters.items():
        if not RESPONSE_PARAMETER_KEY.fullmatch(name):
            problems.append(Problem(f"{field}.responseParameters.{name}", invalid_mapping_parameter(
                name, "a method response parameter is method.response.header.NAME")))
        if not isinstance(required, bool):
            problems.append(Problem(f"{field}.responseParameters.{name}",
                                    f"must be true (required) or false, not {json_type(required)}"))
    for content_type, model in response.response_models.items():
        if not isinstance(model, str) or not model:
            problems.append(Problem(f"{field}.responseModels.{content_type}", "must name a model"))
    return problems


def method_response_mismatches(integration, method_responses: Mapping[str, object]) -> list[Problem]:
    """Integration responses that no method response backs, and mapped headers the method
    response does not declare (API Gateway rejects the latter at put-integration-response)."""
    problems = []
    for status_code, response in integration.integration_responses.items():
        field = f"integrationResponses.{status_code}"
        method_response = method_responses.get(status_code)
        if method_response is None:
            problems.append(Problem(field, f"no method response is defined for status {status_code} "
                                           f"(API Gateway answers 500 when this response is selected)"))
            continue
        for name in response.response_parameters:
            if name not in method_response.response_parameters:
                problems.append(Problem(f"{field}.responseParameters.{name}", invalid_mapping_parameter(
                    name, f"declare it in the method response for {status_code} first")))
    return problems


def media_type_problems(media_types: Iterable[object], field: str) -> Iterator[Problem]:
    for index, media_type in enumerate(media_types):
        if not isinstance(media_type, str) or not MEDIA_TYPE.fullmatch(media_type):
            yield Problem(f"{field}[{index}]", f"{media_type!r} is not a media type such as image/png "
                                               f"or image/* or */*")
