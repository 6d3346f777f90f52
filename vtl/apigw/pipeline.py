"""One REST API (v1) method call through its integration, offline.

    method request → request parameter mapping → template selection / passthrough (415)
    → content handling → request template → $context.requestOverride → integration request
    → backend (simulated) → integration response selection → response parameters
    → response template (content handling first) → $context.responseOverride → method response

HTTP_PROXY skips the templates and integration responses; AWS_PROXY sends a Lambda proxy
event and reads the function's proxy response (see :mod:`vtl.apigw.proxy`).

The library call for emulators::

    from vtl.apigw.pipeline import invoke
    result = invoke(request, integration, api={"binaryMediaTypes": [...]},
                    method_responses=..., resource_path="/pets/{id}",
                    backend=lambda integration_request: {"status": 200, "body": "..."})
    result.status, result.headers, result.body, result.integration_request

``request`` is a :class:`~vtl.apigw.request.Request` or the case-format request object;
``integration`` an :class:`~vtl.apigw.model.Integration` or get-integration JSON; ``backend``
an :class:`EndpointResponse`, a case-format ``backend_response`` object, a callable taking the
:class:`IntegrationRequest` and returning either, or None (the backend answers 200, empty).
A definition the model rejects raises ``IntegrationValidationError``; everything API Gateway
itself answers (415, 500, 502, a template's 400) is a normal :class:`Invocation`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union
from urllib.parse import parse_qsl, urlsplit

from ..engine import Template
from ..errors import GatewayError, InvalidInputError, VTLError, json_type
from ..runtime.values import to_java_string
from . import content, mapping, proxy, selection
from .context import create_context
from .json_values import JsonParseError, parse_json_text
from .model import ApiSettings, Integration, IntegrationResponse, MethodResponse, method_responses_from_aws_json
from .model_rules import STAGE_VARIABLE_REFERENCE
from .request import MultiValues, Request, body_bytes, multi_values
from .variables import RESPONSE_PHASE, template_variables

__all__ = ["Backend", "EndpointResponse", "IntegrationRequest", "Invocation", "invoke"]

INTERNAL_SERVER_ERROR = "Internal server error"
UNSUPPORTED_MEDIA_TYPE = "Unsupported Media Type"

#: AWS quota "Payload size: 10 MB" (not adjustable). A larger body is refused before routing
#: with a plain-text 413 that gateway responses cannot customise (docs/limits.md).
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
#: Lambda's synchronous invocation payload quota: a larger event gets 413 "Request Too Long".
MAX_LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024


# --- what travels through the pipeline ---------------------------------------------------------


@dataclass
class IntegrationRequest:
    """What API Gateway sends the backend (for MOCK: what the mock received)."""

    method: str
    uri: str | None
    headers: MultiValues = field(default_factory=dict)
    query: MultiValues = field(default_factory=dict)
    body: bytes = b""


@dataclass
class EndpointResponse:
    """The backend's answer (the console calls it the endpoint response)."""

    status: int = 200
    headers: MultiValues = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def of(cls, answer: Any, integration_request: IntegrationRequest,
           echo: Callable[[IntegrationRequest], EndpointResponse] | None = None) -> EndpointResponse:
        """Read a backend answer: an EndpointResponse, a case-format ``backend_response``
        object (``{"status", "headers", "body" | "body_base64"}`` or ``{"status", "echo": true}``)
        or None (200, empty)."""
        if answer is None:
            return cls()
        if isinstance(answer, cls):
            return answer
        if not isinstance(answer, Mapping):
            raise InvalidInputError(f"backend_response must be an object or an EndpointResponse, "
                                    f"not {json_type(answer)}")
        status = _backend_status(answer.get("status", 200))
        if answer.get("echo"):
            echoed = (echo or _echo)(integration_request)
            return dataclasses.replace(echoed, status=status)
        return cls(status, multi_values(answer.get("headers"), "backend_response.headers"), body_bytes(answer))


def _backend_status(value: Any) -> int:
    """An HTTP status: three digits (a number, or its text)."""
    status = None
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            status = int(value) if not isinstance(value, float) or value.is_integer() else None
        except ValueError:
            pass
    if status is None or not 100 <= status <= 999:
        raise InvalidInputError(f"backend_response.status must be an HTTP status code, not {value!r}")
    return status


def _echo(integration_request: IntegrationRequest) -> EndpointResponse:
    """A backend that answers with the request's body (and its Content-Type)."""
    content_type = mapping.header_values(integration_request.headers, "Content-Type")
    return EndpointResponse(200, {"Content-Type": content_type} if content_type else {}, integration_request.body)


Backend = Union[EndpointResponse, Mapping[str, Any], Callable[[IntegrationRequest], Any], None]


@dataclass
class Invocation:
    """The method response, with what happened on the way."""

    status: int
    headers: MultiValues
    body: bytes
    integration_request: IntegrationRequest | None = None
    endpoint_response: EndpointResponse | None = None
    log: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        values = mapping.header_values(self.headers, name)
        return values[-1] if values else None


class GatewayAnswer(Exception):
    """API Gateway stops the call and answers itself (a gateway response)."""

    def __init__(self, status: int, message: str, error_type: str, reason: str = ""):
        super().__init__(reason or message)
        self.status, self.message, self.error_type, self.reason = status, message, error_type, reason or message


def _override_map(value: Any, name: str) -> Mapping[str, Any]:
    """An override map a template may have replaced: API Gateway reads it as a Java Map, so
    anything else (a string, a list) fails the call as its configuration would (500)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _configuration_error(f"$context.{name} is not a map: {to_java_string(value)}")
    return value


def _configuration_error(detail: object) -> GatewayAnswer:
    """500 Internal server error: what AWS logs as "Execution failed due to configuration error"."""
    return GatewayAnswer(500, INTERNAL_SERVER_ERROR, "InternalServerErrorException",
                         f"Execution failed due to configuration error: {detail}")


# --- the library call --------------------------------------------------------------------------


def invoke(request: Request | Mapping[str, Any], integration: Integration | Mapping[str, Any], *,
           api: ApiSettings | Mapping[str, Any] | None = None,
           method_responses: Mapping[str, MethodResponse | Mapping[str, Any]] | None = None,
           resource_path: str | None = None, backend: Backend = None) -> Invocation:
    """Run one method call through ``integration`` (see the module docstring).

    ``method_responses`` (keyed by status code), when given, makes a selected integration
    response whose status has no method response a 500, as on AWS; without it that check is
    skipped. ``resource_path`` is the resource's template path (``/pets/{id}``): it fills
    ``$context.resourcePath`` and, when the request has none, the path parameters.
    """
    return _Call(_as_request(request, resource_path), _as_integration(integration), _as_api(api),
                 _as_method_responses(method_responses), resource_path, backend).run()


def _as_request(request: Request | Mapping[str, Any], resource_path: str | None) -> Request:
    if not isinstance(request, Request):
        request = Request.from_dict(request)
    if resource_path and not request.path_params:
        found = mapping.path_parameters(resource_path, request.path)
        if found:
            request = dataclasses.replace(request, path_params=found)
    return request


def _as_integration(integration: Integration | Mapping[str, Any]) -> Integration:
    if isinstance(integration, Integration):
        return integration
    # Simulated definitions often carry placeholder URIs: keep the rules about shapes and
    # values, skip those about reaching a real backend.
    return Integration.from_aws_json(integration, strict=False)


def _as_api(api: ApiSettings | Mapping[str, Any] | None) -> ApiSettings:
    if isinstance(api, ApiSettings):
        return api
    return ApiSettings.from_aws_json(api) if api else _NO_API_SETTINGS


_NO_API_SETTINGS = ApiSettings()


def _as_method_responses(responses: Mapping[str, Any] | None) -> Mapping[str, MethodResponse] | None:
    if responses is None or all(isinstance(item, MethodResponse) for item in responses.values()):
        return responses
    return method_responses_from_aws_json(responses)


# --- one call ----------------------------------------------------------------------------------


class _Call:
    """The state of one invocation; each step is one method, in AWS's order."""

    def __init__(self, request: Request, integration: Integration, api: ApiSettings,
                 method_responses: Mapping[str, MethodResponse] | None, resource_path: str | None,
                 backend: Backend):
        self.request, self.integration, self.api = request, integration, api
        self.method_responses, self.backend = method_responses, backend
        self.resource_path = resource_path or request.path
        # One $context per call: what the request template writes into the override maps is
        # read by the response template and by the method response.
        self.context = create_context(request)
        if resource_path and "resourcePath" not in request.context:
            self.context["resourcePath"] = resource_path
        self.integration_request: IntegrationRequest | None = None
        self.endpoint_response: EndpointResponse | None = None
        self.log: list[str] = []

    @property
    def kind(self) -> str | None:
        return self.integration.type

    def run(self) -> Invocation:
        if len(self.request.body) > MAX_PAYLOAD_BYTES:
            return payload_too_large()
        self.note(f"Starting execution for request: {self.context['requestId']}")
        self.note(f"HTTP Method: {self.request.method}, Resource Path: {self.context.get('resourcePath')}")
        try:
            if self.kind == "AWS_PROXY":
                return self.run_lambda_proxy()
            if self.kind == "HTTP_PROXY":
                return self.run_http_proxy()
            return self.run_non_proxy()
        except GatewayAnswer as answer:
            return self.gateway_response(answer)

    def note(self, line: str) -> None:
        self.log.append(line)

    # --- non-proxy: HTTP, AWS, MOCK ---------------------------------------------------------

    def run_non_proxy(self) -> Invocation:
        mapped = self.map_request_parameters()
        choice = self.choose_request_template()
        payload = self.convert_request_payload(self.integration.content_handling)
        body = self.transform_request(choice, payload)
        self.apply_request_override(mapped)
        self.integration_request = self.build_integration_request(mapped, body)
        if self.kind == "MOCK":
            # Without a request template the default integration response answers, whatever
            # the passed-through body says (the MOCK docs; spec §11).
            self.endpoint_response = EndpointResponse(self.mock_status(body) if choice.renders else 200)
        else:
            self.check_lambda_payload(body)
            self.endpoint_response = self.call_backend(echo=_lambda_echo if self.calls_lambda else None)
        return self.integration_response(self.endpoint_response)

    def map_request_parameters(self) -> mapping.MappedRequest:
        try:
            return mapping.map_request_parameters(self.integration.request_parameters, self.request,
                                                  self.context, self.kind)
        except mapping.ParameterMappingError as error:
            raise _configuration_error(error) from None

    def choose_request_template(self) -> content.TemplateChoice:
        try:
            choice = content.choose_request_template(self.integration.request_templates,
                                                     self.request.header("Content-Type"),
                                                     self.integration.passthrough_behavior)
        except content.UnsupportedMediaType as refused:
            raise GatewayAnswer(415, UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaTypeException",
                                f"no mapping template for {refused} and passthroughBehavior "
                                f"{self.integration.passthrough_behavior}") from None
        self.note(f"Request template: {choice.media_type}" if choice.media_type else
                  "No request template: the body passes through")
        return choice

    def convert_request_payload(self, content_handling: str | None) -> content.Payload:
        try:
            return content.convert_request_payload(self.request.body, self.request.header("Content-Type"),
                                                   self.api.binary_media_types, content_handling)
        except content.ContentHandlingError as error:
            raise _configuration_error(error) from None

    def transform_request(self, choice: content.TemplateChoice, payload: content.Payload) -> bytes:
        self.note(f"Method request body before transformations: {_loggable(payload.data)}")
        if not choice.renders:
            return payload.data
        try:
            rendered = Template(choice.source, dialect="apigateway").render(
                variables=template_variables(self.request, context=self.context, payload=payload.as_template_input()))
        except content.ContentHandlingError as error:
            raise _configuration_error(error) from None
        except GatewayError as error:
            raise GatewayAnswer(error.status, error.message, _error_type(error.status)) from None
        except VTLError as error:
            raise _configuration_error(f"Unable to transform request: {error}") from None
        return rendered.encode("utf-8")

    def apply_request_override(self, mapped: mapping.MappedRequest) -> None:
        """``$context.requestOverride`` values replace what the mappings produced."""
        override = _override_map(self.context.get("requestOverride"), "requestOverride")
        for name, value in _override_map(override.get("header"), "requestOverride.header").items():
            if not mapping.is_dropped_request_header(str(name), self.kind):
                mapping.set_header(mapped.headers, str(name), _override_values(value))
        for name, value in _override_map(override.get("querystring"), "requestOverride.querystring").items():
            mapped.query[str(name)] = _override_values(value)
        for name, value in _override_map(override.get("path"), "requestOverride.path").items():
            values = _override_values(value)
            if values:
                mapped.path[str(name)] = values[-1]

    def build_integration_request(self, mapped: mapping.MappedRequest, body: bytes) -> IntegrationRequest:
        uri, uri_query = self.integration_uri(mapped.path)
        query = _merged(uri_query, mapped.query)
        if self.kind == "HTTP":
            headers = self.aws_request_headers(uri)
            if body:
                headers["Content-Type"] = [self.request.header("Content-Type") or content.DEFAULT_MEDIA_TYPE]
            _replace_headers(headers, mapped.headers)
            headers["Content-Length"] = [str(len(body))]
        else:
            headers = {}
            if body and self.kind == "AWS":
                headers["Content-Type"] = [self.request.header("Content-Type") or content.DEFAULT_MEDIA_TYPE]
            _replace_headers(headers, mapped.headers)
        integration_request = IntegrationRequest(self.integration_method(), uri, headers, query, body)
        self.note_integration_request(integration_request)
        return integration_request

    def mock_status(self, body: bytes) -> int:
        """A MOCK answers with the ``statusCode`` of the rendered request template.

        Parsed as leniently as API Gateway does (``{statusCode: 200}`` works); no statusCode
        means 200; one that is not a status code is a configuration error.
        """
        try:
            document = parse_json_text(body.decode("utf-8", "replace"))
        except JsonParseError:
            return 200
        status = document.get("statusCode") if isinstance(document, dict) else None
        if status is None:
            return 200
        try:
            status = int(str(status).strip())
        except ValueError:
            status = 0
        if not 100 <= status <= 599:
            raise _configuration_error(f"invalid mock statusCode {status}")
        self.note(f"Mock integration status: {status}")
        return status

    @property
    def calls_lambda(self) -> bool:
        """A Lambda custom integration (type AWS, a lambda:path URI)."""
        return self.kind == "AWS" and self.integration.is_lambda

    def check_lambda_payload(self, body: bytes) -> None:
        """Lambda takes JSON only: a custom Lambda integration answers 400 otherwise (users'
        reports: a form-encoded body passed through gives "Could not parse request body into
        json: ..." and the function is never called)."""
        if self.calls_lambda:
            check_lambda_payload_size(body)
        if not (self.calls_lambda and body.strip()):
            return
        text = body.decode("utf-8", "replace")
        try:
            json.loads(text)
        except ValueError as error:
            raise GatewayAnswer(400, lambda_payload_error(text, error), "BadRequestException") from None

    # --- the response of a non-proxy integration --------------------------------------------

    def integration_response(self, endpoint: EndpointResponse) -> Invocation:
        selected = self.select_integration_response(endpoint)
        headers = mapping.map_response_parameters(
            selected.response_parameters, backend_headers=endpoint.headers, backend_body=endpoint.body,
            request=self.request, context=self.context)
        choice = content.choose_response_template(selected.response_templates, self.request.header_list("Accept"))
        body = self.transform_response(choice, selected, endpoint)
        status = int(selected.status_code)
        if choice.media_type and mapping.header_values(headers, "Content-Type") is None:
            headers["Content-Type"] = [choice.media_type]  # the template's media type, unless mapped
        status = self.apply_response_override(status, headers)
        return self.method_response(status, headers, body)

    def select_integration_response(self, endpoint: EndpointResponse) -> IntegrationResponse:
        if self.calls_lambda:
            selector = selection.lambda_error_selector(endpoint.headers, endpoint.body)
        else:
            selector = selection.status_selector(endpoint.status)
        selected = selection.select_integration_response(self.integration.integration_responses, selector)
        if selected is None:
            raise _configuration_error(f"No match for output mapping and no default output mapping "
                                       f"configured. Endpoint Response Status Code: {endpoint.status}")
        if self.method_responses is not None and selected.status_code not in self.method_responses:
            raise _configuration_error(f"Output mapping refers to an invalid method response: "
                                       f"{selected.status_code}")
        self.note(f"Integration response selected: {selected.status_code} (selector {selector!r})")
        return selected

    def transform_response(self, choice: content.TemplateChoice, selected: IntegrationResponse,
                           endpoint: EndpointResponse) -> bytes:
        try:
            payload = content.convert_response_payload(
                endpoint.body, is_binary=self.backend_is_binary(endpoint), accept=self.request.header_list("Accept"),
                binary_media_types=self.api.binary_media_types, content_handling=selected.content_handling)
            if not choice.renders:
                return payload.data
            variables = template_variables(self.request, phase=RESPONSE_PHASE, context=self.context,
                                           payload=payload.as_template_input())
            return Template(choice.source, dialect="apigateway").render(variables=variables).encode("utf-8")
        except content.ContentHandlingError as error:
            raise _configuration_error(error) from None
        except VTLError as error:  # GatewayError too: a response template cannot ask the client
            raise _configuration_error(f"Unable to transform response: {error}") from None

    def backend_is_binary(self, endpoint: EndpointResponse) -> bool:
        content_type = mapping.header_values(endpoint.headers, "Content-Type")
        return content.is_binary_content_type(content_type[-1] if content_type else None,
                                              self.api.binary_media_types)

    def apply_response_override(self, status: int, headers: MultiValues) -> int:
        """``$context.responseOverride``: a status (any code 100-599, even one without a method
        response) and headers replacing the mapped ones."""
        override = _override_map(self.context.get("responseOverride"), "responseOverride")
        for name, value in _override_map(override.get("header"), "responseOverride.header").items():
            mapping.add_response_header(headers, str(name), _override_values(value))
        wanted = override.get("status")
        try:
            wanted = int(str(wanted).strip()) if wanted is not None else None
        except ValueError:
            wanted = None
        if wanted is not None and 100 <= wanted <= 599:
            return wanted
        return status

    # --- HTTP_PROXY ---------------------------------------------------------------------------

    def run_http_proxy(self) -> Invocation:
        mapped = self.map_request_parameters()
        payload = self.convert_request_payload(self.integration.content_handling)
        uri, uri_query = self.integration_uri(mapped.path)
        # The URI's query, the client's and the mapped values all reach the backend; a mapped
        # value replaces the client's value of the same name (recorded: testVar=foobar,bar).
        query = _merged(uri_query, {**self.request.query, **mapped.query})
        headers = proxy.http_proxy_request_headers(self.request)
        _replace_headers(headers, self.aws_request_headers(uri, keep_client_values=True))
        _replace_headers(headers, mapped.headers)
        mapping.set_header(headers, "Content-Length", [str(len(payload.data))])
        self.integration_request = IntegrationRequest(self.integration_method(), uri, headers, query, payload.data)
        self.note_integration_request(self.integration_request)
        endpoint = self.endpoint_response = self.call_backend()
        client_payload = self.client_payload(endpoint.body, self.backend_is_binary(endpoint))
        return self.method_response(endpoint.status, proxy.proxied_response_headers(endpoint.headers), client_payload)

    def client_payload(self, body: bytes, is_binary: bool) -> bytes:
        try:
            return content.convert_response_payload(body, is_binary=is_binary,
                                                    accept=self.request.header_list("Accept"),
                                                    binary_media_types=self.api.binary_media_types,
                                                    content_handling=None).data
        except content.ContentHandlingError as error:
            raise _configuration_error(error) from None

    # --- AWS_PROXY (Lambda proxy) -------------------------------------------------------------

    def run_lambda_proxy(self) -> Invocation:
        self.map_request_parameters_checks_only()
        if self.integration_method() != "POST":
            raise _configuration_error("Lambda functions are invoked with POST only")
        payload = self.convert_request_payload(None)
        trace_id = self.trace_id()
        headers = proxy.lambda_event_headers(self.request, self.context, trace_id)
        event = proxy.lambda_proxy_event(self.request, self.context, resource_path=self.resource_path,
                                         headers=headers, payload=payload)
        uri, _ = self.integration_uri({})
        self.integration_request = IntegrationRequest(
            "POST", uri, {"Content-Type": ["application/json"], "X-Amzn-Trace-Id": [trace_id]}, {},
            json.dumps(event, ensure_ascii=False).encode("utf-8"))
        self.note_integration_request(self.integration_request)
        check_lambda_payload_size(self.integration_request.body)
        endpoint = self.endpoint_response = self.call_backend(echo=_lambda_proxy_echo)
        result = self.read_lambda_proxy_result(endpoint)
        client_payload = self.client_payload(result.body, result.is_base64_encoded)
        headers = proxy.proxied_response_headers(result.headers)
        return self.method_response(result.status, headers, client_payload)

    def map_request_parameters_checks_only(self) -> None:
        # Recorded: AWS_PROXY ignores requestParameters, but still fails on forbidden headers.
        try:
            mapping.check_request_header_targets(self.integration.request_parameters, self.kind)
        except mapping.ParameterMappingError as error:
            raise _configuration_error(error) from None

    def read_lambda_proxy_result(self, endpoint: EndpointResponse) -> proxy.ProxyResponse:
        if not 200 <= endpoint.status <= 299 or selection.is_function_error(endpoint.headers):
            raise GatewayAnswer(502, INTERNAL_SERVER_ERROR, "InternalServerErrorException",
                                "Lambda execution failed with a function error or an invocation error")
        try:
            return proxy.parse_lambda_proxy_response(endpoint.body)
        except proxy.MalformedProxyResponse as error:
            raise GatewayAnswer(502, INTERNAL_SERVER_ERROR, "InternalServerErrorException",
                                f"Execution failed due to configuration error: Malformed Lambda proxy "
                                f"response ({error})") from None
        except content.ContentHandlingError as error:
            raise _configuration_error(error) from None

    # --- shared steps -------------------------------------------------------------------------

    def integration_method(self) -> str:
        method = self.integration.http_method
        if method is None and self.integration.is_lambda:
            return "POST"  # the only method Lambda is invoked with; simulated definitions omit it
        return self.request.method if method in (None, "ANY") else method

    def integration_uri(self, path_values: Mapping[str, str]) -> tuple[str | None, MultiValues]:
        """The URI with stage variables and path values filled in, and its query (HTTP types)."""
        uri = self.integration.uri
        if uri is None:
            return None, {}
        uri = STAGE_VARIABLE_REFERENCE.sub(lambda m: self.request.stage_variables.get(m.group(1), ""), uri)
        uri = mapping.fill_path_variables(uri, path_values)
        if self.kind not in ("HTTP", "HTTP_PROXY") or "?" not in uri:
            return uri, {}
        base, _, query_text = uri.partition("?")
        query: MultiValues = {}
        for name, value in parse_qsl(query_text, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        return base, query

    def aws_request_headers(self, uri: str | None, *, keep_client_values: bool = False) -> MultiValues:
        """The headers API Gateway itself sends an HTTP backend (recorded, non-proxy HTTP: Accept,
        User-Agent, X-Amzn-Apigateway-Api-Id, X-Amzn-Trace-Id, Host; proxy keeps the client's
        Accept and User-Agent)."""
        api_id = str(self.context.get("apiId", ""))
        headers: MultiValues = {}
        if not keep_client_values:
            headers["Accept"] = ["application/json"]
            headers["User-Agent"] = [f"AmazonAPIGateway_{api_id}"]
        headers["X-Amzn-Apigateway-Api-Id"] = [api_id]
        headers["X-Amzn-Trace-Id"] = [self.trace_id()]
        host = urlsplit(uri).netloc if uri else ""
        if host:
            headers["Host"] = [host]
        return headers

    def trace_id(self) -> str:
        """An X-Ray trace id, derived from the request id and time so runs are reproducible."""
        epoch_seconds = int(self.context.get("requestTimeEpoch") or 0) // 1000
        digest = hashlib.sha1(str(self.context.get("requestId")).encode("utf-8", "surrogatepass")).hexdigest()[:24]
        return f"Root=1-{epoch_seconds:08x}-{digest}"

    def call_backend(self, echo: Callable[[IntegrationRequest], EndpointResponse] | None = None) -> EndpointResponse:
        answer = self.backend
        if callable(answer) and not isinstance(answer, (Mapping, EndpointResponse)):
            answer = self.ask_backend(answer)
        endpoint = EndpointResponse.of(answer, self.integration_request, echo)
        self.note(f"Received response. Status: {endpoint.status}")
        self.note(f"Endpoint response headers: {_loggable_headers(endpoint.headers)}")
        self.note(f"Endpoint response body before transformations: {_loggable(endpoint.body)}")
        return endpoint

    def ask_backend(self, backend: Callable[[IntegrationRequest], Any]) -> Any:
        """Call a backend callable. An emulator's backend reports a timeout with TimeoutError
        (API Gateway: 504 "Endpoint request timed out") and an unreachable endpoint with
        ConnectionError (500, as the integration failures recorded on AWS)."""
        try:
            return backend(self.integration_request)
        except TimeoutError:
            raise GatewayAnswer(504, "Endpoint request timed out", "InternalServerErrorException",
                                "Execution failed due to a timeout error") from None
        except ConnectionError as error:
            raise _configuration_error(error) from None

    def note_integration_request(self, integration_request: IntegrationRequest) -> None:
        self.note(f"Endpoint request URI: {integration_request.uri or '(none: mock integration)'}")
        self.note(f"Endpoint request headers: {_loggable_headers(integration_request.headers)}")
        self.note(f"Endpoint request body after transformations: {_loggable(integration_request.body)}")

    # --- answers ------------------------------------------------------------------------------

    def method_response(self, status: int, headers: MultiValues, body: bytes) -> Invocation:
        if mapping.header_values(headers, "Content-Type") is None:
            headers["Content-Type"] = [content.DEFAULT_MEDIA_TYPE]
        headers.update(self.standard_headers(body))
        headers["X-Amzn-Trace-Id"] = [self.trace_id()]
        self.note(f"Method response body after transformations: {_loggable(body)}")
        self.note(f"Method response headers: {_loggable_headers(headers)}")
        self.note("Successfully completed execution")
        self.note(f"Method completed with status: {status}")
        return Invocation(status, headers, body, self.integration_request, self.endpoint_response, self.log)

    def gateway_response(self, answer: GatewayAnswer) -> Invocation:
        """A default gateway response: ``{"message": ...}`` and x-amzn-ErrorType."""
        body = json.dumps({"message": answer.message}).encode("utf-8")
        headers: MultiValues = {"Content-Type": ["application/json"], "x-amzn-ErrorType": [answer.error_type]}
        headers.update(self.standard_headers(body))
        self.note(answer.reason)
        self.note(f"Method completed with status: {answer.status}")
        return Invocation(answer.status, headers, body, self.integration_request, self.endpoint_response, self.log)

    def standard_headers(self, body: bytes) -> MultiValues:
        return {"Content-Length": [str(len(body))],
                "x-amzn-RequestId": [str(self.context.get("requestId"))],
                "x-amz-apigw-id": [str(self.context.get("extendedRequestId"))]}


# --- payload limits ----------------------------------------------------------------------------


def payload_too_large() -> Invocation:
    """API Gateway's answer to a body over :data:`MAX_PAYLOAD_BYTES` (recorded on AWS: 413,
    ``Content-Type: text; charset=utf-8``, no request id: the method is never reached)."""
    body = f"HTTP content length exceeded {MAX_PAYLOAD_BYTES} bytes.".encode("ascii")
    return Invocation(413, {"Content-Type": ["text; charset=utf-8"], "Content-Length": [str(len(body))]}, body,
                      log=[f"Request body over {MAX_PAYLOAD_BYTES} bytes: refused before routing"])


def check_lambda_payload_size(payload: bytes) -> None:
    """Lambda refuses an invocation payload over :data:`MAX_LAMBDA_PAYLOAD_BYTES`; API Gateway
    answers 413 ``{"message": "Request Too Long"}`` (recorded, BadRequestException)."""
    if len(payload) > MAX_LAMBDA_PAYLOAD_BYTES:
        raise GatewayAnswer(413, "Request Too Long", "BadRequestException",
                            f"Lambda invocation payload of {len(payload)} bytes is over "
                            f"{MAX_LAMBDA_PAYLOAD_BYTES} bytes")


# --- helpers -----------------------------------------------------------------------------------


def _lambda_echo(integration_request: IntegrationRequest) -> EndpointResponse:
    """An echoing function: it returns its event, and an empty payload arrives as ``{}``."""
    return EndpointResponse(200, {"Content-Type": ["application/json"]}, integration_request.body or b"{}")


def _lambda_proxy_echo(integration_request: IntegrationRequest) -> EndpointResponse:
    """An echoing proxy function: it returns the event it got as a proxy response's body."""
    result = {"statusCode": 200, "body": integration_request.body.decode("utf-8", "replace")}
    return EndpointResponse(200, {"Content-Type": ["application/json"]}, json.dumps(result).encode("utf-8"))


def _merged(first: MultiValues, second: Mapping[str, list[str]]) -> MultiValues:
    merged = {name: list(values) for name, values in first.items()}
    for name, values in second.items():
        merged.setdefault(name, []).extend(values)
    return merged


def _replace_headers(headers: MultiValues, replacements: MultiValues) -> None:
    for name, values in replacements.items():
        mapping.set_header(headers, name, values)


def _override_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [to_java_string(item) for item in value if item is not None]
    return [to_java_string(value)]


def lambda_payload_error(text: str, error: ValueError) -> str:
    """The message of API Gateway's 400 for a Lambda payload that is not JSON.

    API Gateway parses with Jackson and quotes its message. The common case, a body that
    starts with a bare word (``token=...``, ``some raw data``), is worded as Jackson words it
    (the word runs while characters are Java identifier parts, at most 256 of them; the column
    is past the character that ended it). Other syntax errors keep the shape with a plainer
    description.
    """
    position = getattr(error, "pos", 0) or 0
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    word = re.match(r"[\w$]{1,256}", text[position:])
    if word and not text[position].isdigit():
        description = (f"Unrecognized token '{word.group(0)}': was expecting (JSON String, Number, "
                       f"Array, Object or token 'null', 'true' or 'false')")
        ended_by_character = len(word.group(0)) < 256 and position + len(word.group(0)) < len(text)
        column += len(word.group(0)) + (1 if ended_by_character else 0)
    else:
        description = getattr(error, "msg", str(error))
    data = text.encode("utf-8")
    source = f'"{text}"' if len(data) <= 500 else \
        f'"{data[:500].decode("utf-8", "ignore")}"[truncated {len(data) - 500} bytes]'
    return (f"Could not parse request body into json: Could not parse payload into json: {description}\n"
            f" at [Source: (byte[]){source}; line: {line}, column: {column}]")


def _error_type(status: int) -> str:
    return "BadRequestException" if status == 400 else "InternalServerErrorException"


LOG_DATA_LIMIT = 1000  # execution logs cut request and response data there


def _loggable(body: bytes) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return f"[Binary Data] ({len(body)} bytes)"
    return text if len(text) <= LOG_DATA_LIMIT else text[:LOG_DATA_LIMIT] + " [TRUNCATED]"


def _loggable_headers(headers: Mapping[str, list[str]]) -> str:
    return "{" + ", ".join(f"{name}={','.join(values)}" for name, values in headers.items()) + "}"
