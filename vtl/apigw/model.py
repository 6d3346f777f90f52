"""Typed model of an API Gateway (REST, v1) method integration and what surrounds it.

The stable interface the pipeline relies on:

* ``Integration`` — one method's integration, as ``aws apigateway get-integration`` prints it.
  Build it with ``Integration.from_aws_json(data)`` (also ``from_put_integration_input``,
  ``from_terraform``, ``from_openapi``); read it with snake_case attributes:
  ``type``, ``http_method`` (the *integration* HTTP method; alias ``integration_http_method``),
  ``uri``, ``connection_type`` ("INTERNET" unless "VPC_LINK"), ``connection_id``,
  ``integration_target``, ``credentials``, ``request_parameters``, ``request_templates``,
  ``passthrough_behavior`` (default "WHEN_NO_MATCH"), ``content_handling`` (None = leave the
  payload alone), ``timeout_in_millis`` (default 29000), ``cache_namespace``,
  ``cache_key_parameters``, ``tls_config``, ``response_transfer_mode`` and
  ``integration_responses``.
* ``integration_responses`` is a read-only mapping **keyed by status code** ("200", "400"),
  in the order the definition gave them. Each value is an ``IntegrationResponse`` with
  ``status_code``, ``selection_pattern`` (None or "" marks the default response),
  ``response_parameters``, ``response_templates`` and ``content_handling``.
* Maps (``request_templates`` and the like) are read-only mappings in definition order;
  a template value may be None: get-integration prints null for an empty template.
* Enum values are upper-case strings ("AWS_PROXY", "CONVERT_TO_TEXT"); lower-case input, as
  OpenAPI exports write it, is normalised on the way in.
* ``MethodResponse`` (status code, declared response headers, models), ``ApiSettings``
  (the RestApi's ``binaryMediaTypes``) and, in ``model_vpclink``, ``VpcLink`` and its registry.

Every constructor validates what it builds and raises ``IntegrationValidationError`` (a
``VTLError``) listing every broken rule with its field path. ``strict=False`` keeps the
rules on shapes and values but skips those about reaching a real backend, for simulated
definitions whose URIs are placeholders. Objects are frozen: changes go through
``dataclasses.replace``-like ``Integration.replace`` or ``apply_patch`` (update-integration
patch operations), which validate again.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import model_rules as rules
from .model_rules import IntegrationValidationError, Problem, method_response_mismatches

__all__ = [
    "ApiSettings", "Integration", "IntegrationResponse", "IntegrationValidationError",
    "MethodResponse", "Problem", "TlsConfig", "apply_integration_response_patch", "apply_patch",
    "method_response_mismatches", "method_responses_from_aws_json",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen_map(value: object) -> Mapping[str, Any]:
    if isinstance(value, MappingProxyType):
        return value
    return MappingProxyType(dict(value)) if value else _EMPTY


def _freeze(instance: object, **values: object) -> None:
    for name, value in values.items():
        object.__setattr__(instance, name, value)


# --- reading JSON --------------------------------------------------------------------------


class _Reader:
    """Reads the fields of one JSON object, noting type problems instead of raising, so that
    a definition is checked completely in one pass. JSON null counts as absent."""

    def __init__(self, data: object, prefix: str, problems: list[Problem], what: str):
        self.prefix, self.problems = prefix, problems
        if not isinstance(data, Mapping):
            problems.append(Problem(prefix.rstrip("."), f"{what} must be a JSON object, not "
                                                       f"{rules.json_type(data)}"))
            data = {}
        self.data = data

    def note(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.prefix + str(key), message))

    def reject_unknown(self, known: frozenset[str], what: str) -> None:
        for key in self.data:
            if key not in known:
                self.note(key, f"is not a field of {what} (known fields: {', '.join(sorted(known))})")

    def raw(self, key: str) -> object:
        return self.data.get(key)

    def string(self, key: str, enum: tuple[str, ...] | None = None) -> str | None:
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return rules.normalised_enum(value, enum) if enum else value
        self.note(key, f"must be a string, not {rules.json_type(value)}")
        return None

    def integer(self, key: str, default: int) -> Any:
        value = self.data.get(key)
        return default if value is None else value  # the rules check the type and range

    def string_map(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key)
        if value is None:
            return _EMPTY
        if not isinstance(value, Mapping):
            self.note(key, f"must be a JSON object, not {rules.json_type(value)}")
            return _EMPTY
        return _frozen_map(value)  # the rules check the entries

    def string_list(self, key: str) -> tuple[Any, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, (list, tuple)):
            self.note(key, f"must be a JSON array, not {rules.json_type(value)}")
            return ()
        return tuple(value)


# --- the model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsConfig:
    """``tlsConfig``: skip checking that the backend's certificate comes from a trusted CA
    (HTTP and HTTP_PROXY only)."""

    insecure_skip_verification: bool = False

    def to_aws_json(self) -> dict[str, Any]:
        return {"insecureSkipVerification": self.insecure_skip_verification}


@dataclass(frozen=True)
class IntegrationResponse:
    """How one backend outcome becomes a method response (put-integration-response)."""

    status_code: str
    selection_pattern: str | None = None
    response_parameters: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    response_templates: Mapping[str, str | None] = field(default_factory=lambda: _EMPTY)
    content_handling: str | None = None

    _FIELDS = frozenset({"statusCode", "selectionPattern", "responseParameters", "responseTemplates",
                         "contentHandling", "_links"})

    def __post_init__(self) -> None:
        _freeze(self, response_parameters=_frozen_map(self.response_parameters),
                response_templates=_frozen_map(self.response_templates))

    @property
    def is_default(self) -> bool:
        """The response chosen when no selection pattern matches."""
        return not self.selection_pattern

    @classmethod
    def from_aws_json(cls, data: Mapping[str, Any], *, status_code: str | None = None) -> IntegrationResponse:
        problems: list[Problem] = []
        response = cls._read(data, "", problems, status_code)
        rules.raise_if_any(problems + rules.integration_response_problems(response, "", status_code),
                           "integration response")
        return response

    @classmethod
    def _read(cls, data: object, prefix: str, problems: list[Problem], key: str | None) -> IntegrationResponse:
        reader = _Reader(data, prefix, problems, "an integration response")
        reader.reject_unknown(cls._FIELDS, "an integration response")
        status_code = reader.raw("statusCode")
        if status_code is None:
            status_code = key
        elif isinstance(status_code, int) and not isinstance(status_code, bool):
            status_code = str(status_code)  # YAML and hand-written JSON often give 200, not "200"
        return cls(status_code=status_code,
                   selection_pattern=reader.string("selectionPattern"),
                   response_parameters=reader.string_map("responseParameters"),
                   response_templates=reader.string_map("responseTemplates"),
                   content_handling=reader.string("contentHandling", rules.CONTENT_HANDLINGS))

    def to_aws_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"statusCode": self.status_code}
        if self.selection_pattern is not None:
            data["selectionPattern"] = self.selection_pattern
        if self.response_parameters:
            data["responseParameters"] = dict(self.response_parameters)
        if self.response_templates:
            data["responseTemplates"] = dict(self.response_templates)
        if self.content_handling is not None:
            data["contentHandling"] = self.content_handling
        return data


@dataclass(frozen=True)
class Integration:
    """A method's integration: where a request goes and how it is transformed on the way.

    Attributes mirror the fields get-integration prints (see the module docstring).
    """

    type: str | None
    http_method: str | None = None
    uri: str | None = None
    connection_type: str = rules.DEFAULT_CONNECTION_TYPE
    connection_id: str | None = None
    integration_target: str | None = None
    credentials: str | None = None
    request_parameters: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    request_templates: Mapping[str, str | None] = field(default_factory=lambda: _EMPTY)
    passthrough_behavior: str = rules.DEFAULT_PASSTHROUGH_BEHAVIOR
    content_handling: str | None = None
    timeout_in_millis: int = rules.DEFAULT_TIMEOUT_MS
    cache_namespace: str | None = None
    cache_key_parameters: tuple[str, ...] = ()
    integration_responses: Mapping[str, IntegrationResponse] = field(default_factory=lambda: _EMPTY)
    tls_config: TlsConfig | None = None
    response_transfer_mode: str | None = None

    # Keys of the get-integration JSON, in the order it prints them.
    _FIELDS = ("type", "httpMethod", "uri", "connectionType", "connectionId", "integrationTarget",
               "credentials", "requestParameters", "requestTemplates", "passthroughBehavior",
               "contentHandling", "timeoutInMillis", "cacheNamespace", "cacheKeyParameters",
               "integrationResponses", "tlsConfig", "responseTransferMode")
    # Accepted and not part of the integration: HAL links of the REST API's own output, and
    # the RestApi's binaryMediaTypes, which case files put here (read by ApiSettings.from_case).
    _IGNORED_FIELDS = frozenset({"_links", "binaryMediaTypes"})

    def __post_init__(self) -> None:
        _freeze(self, request_parameters=_frozen_map(self.request_parameters),
                request_templates=_frozen_map(self.request_templates),
                cache_key_parameters=tuple(self.cache_key_parameters),
                integration_responses=_responses_by_status(self.integration_responses))

    # -- derived facts the pipeline asks about --

    @property
    def integration_http_method(self) -> str | None:
        """The put-integration input's name for ``http_method``."""
        return self.http_method

    @property
    def is_proxy(self) -> bool:
        return self.type in rules.PROXY_TYPES

    @property
    def is_private(self) -> bool:
        """An HTTP or HTTP_PROXY integration reaching a VPC through a VPC link."""
        return self.connection_type == "VPC_LINK"

    @functools.cached_property  # the pipeline asks several times per call
    def aws_service(self) -> str | None:
        """The AWS service an AWS or AWS_PROXY integration calls ("lambda", "s3", ...).

        For a URI that is not an integration ARN (placeholders in simulated definitions, such as
        ``lambda:path/...`` or ``s3 GetObject``) its leading word is taken as the service.
        """
        if self.type not in rules.AWS_TYPES or not self.uri:
            return None
        arn, _ = rules.parse_integration_arn(rules.without_stage_variables(self.uri))
        if arn is not None:
            return arn.service.rsplit(".", 1)[-1]  # {subdomain.service|service}
        word = self.uri.replace(":", " ").replace("/", " ").split()
        return word[0].lower() if word else None

    @property
    def is_lambda(self) -> bool:
        """Calls a Lambda function (Lambda custom or proxy integration)."""
        return self.aws_service == "lambda"

    @property
    def default_integration_response(self) -> IntegrationResponse | None:
        """The first integration response without a selection pattern, if any."""
        return next((r for r in self.integration_responses.values() if r.is_default), None)

    # -- validation --

    def problems(self, *, strict: bool = True) -> list[Problem]:
        """Every AWS rule this definition breaks (empty when it is valid)."""
        return rules.integration_problems(self, strict=strict)

    def warnings(self) -> list[Problem]:
        """What API Gateway accepts here but ignores, or fails on when the method is called."""
        return rules.integration_warnings(self)

    def validate(self, *, strict: bool = True) -> Integration:
        rules.raise_if_any(self.problems(strict=strict))
        return self

    def replace(self, *, strict: bool = True, **changes: Any) -> Integration:
        """A copy with ``changes`` (snake_case field names), validated."""
        return dataclasses.replace(self, **changes).validate(strict=strict)

    def apply_patch(self, operations: list[Mapping[str, Any]], *, strict: bool = True) -> Integration:
        return apply_patch(self, operations, strict=strict)

    # -- JSON --

    @classmethod
    def from_aws_json(cls, data: Mapping[str, Any], *, resource_id: str | None = None,
                      strict: bool = True) -> Integration:
        """Read the JSON ``aws apigateway get-integration`` prints.

        ``integrationResponses`` may be the AWS map keyed by status code or a list of objects
        with ``statusCode``. ``resource_id``, when known, is the default ``cacheNamespace``.
        """
        problems: list[Problem] = []
        integration = cls._read(data, problems, resource_id)
        if isinstance(data, Mapping):  # else there is nothing more to say than that it is no object
            problems += integration.problems(strict=strict)
        rules.raise_if_any(problems)
        return integration

    @classmethod
    def _read(cls, data: object, problems: list[Problem], resource_id: str | None) -> Integration:
        reader = _Reader(data, "", problems, "an integration")
        reader.reject_unknown(frozenset(cls._FIELDS) | cls._IGNORED_FIELDS, "an integration")
        kind = reader.string("type", rules.INTEGRATION_TYPES)
        method = reader.string("httpMethod")
        uri = reader.string("uri")
        if kind == "MOCK":
            uri = None  # a mock calls nothing; get-integration does not print a MOCK's uri
        return cls(
            type=kind,
            http_method=method.upper() if method else method,
            uri=uri,
            connection_type=reader.string("connectionType", rules.CONNECTION_TYPES) or rules.DEFAULT_CONNECTION_TYPE,
            connection_id=reader.string("connectionId"),
            integration_target=reader.string("integrationTarget"),
            credentials=reader.string("credentials"),
            request_parameters=reader.string_map("requestParameters"),
            request_templates=reader.string_map("requestTemplates"),
            passthrough_behavior=(reader.string("passthroughBehavior", rules.PASSTHROUGH_BEHAVIORS)
                                  or rules.DEFAULT_PASSTHROUGH_BEHAVIOR),
            content_handling=reader.string("contentHandling", rules.CONTENT_HANDLINGS),
            timeout_in_millis=reader.integer("timeoutInMillis", rules.DEFAULT_TIMEOUT_MS),
            cache_namespace=reader.string("cacheNamespace") or resource_id,
            cache_key_parameters=reader.string_list("cacheKeyParameters"),
            integration_responses=_read_integration_responses(reader, problems),
            tls_config=_read_tls_config(reader),
            response_transfer_mode=reader.string("responseTransferMode", rules.RESPONSE_TRANSFER_MODES),
        )

    def to_aws_json(self) -> dict[str, Any]:
        """The JSON get-integration prints for this integration."""
        data: dict[str, Any] = {"type": self.type}
        optional = {"httpMethod": self.http_method, "uri": self.uri, "connectionType": self._printed_connection_type(),
                    "connectionId": self.connection_id, "integrationTarget": self.integration_target,
                    "credentials": self.credentials,
                    "requestParameters": dict(self.request_parameters) or None,
                    "requestTemplates": dict(self.request_templates) or None,
                    "passthroughBehavior": self.passthrough_behavior, "contentHandling": self.content_handling,
                    "timeoutInMillis": self.timeout_in_millis, "cacheNamespace": self.cache_namespace,
                    "cacheKeyParameters": list(self.cache_key_parameters),
                    "integrationResponses": {code: response.to_aws_json()
                                             for code, response in self.integration_responses.items()} or None,
                    "tlsConfig": self.tls_config.to_aws_json() if self.tls_config else None,
                    "responseTransferMode": self.response_transfer_mode}
        data.update((key, value) for key, value in optional.items() if value is not None)
        return data

    def _printed_connection_type(self) -> str | None:
        # get-integration prints connectionType for HTTP integrations (INTERNET by default)
        # and for private ones; AWS and MOCK integrations leave it out.
        if self.type in rules.HTTP_TYPES or self.connection_type != rules.DEFAULT_CONNECTION_TYPE:
            return self.connection_type
        return None

    # -- the other input shapes live in model_loaders --

    @classmethod
    def from_put_integration_input(cls, data: Mapping[str, Any], *, strict: bool = True) -> Integration:
        """Read ``aws apigateway put-integration --cli-input-json`` input (restApiId, resourceId,
        httpMethod, type, integrationHttpMethod, ...)."""
        from .model_loaders import read_put_integration_input
        return read_put_integration_input(data, strict=strict).integration

    @classmethod
    def from_terraform(cls, arguments: Mapping[str, Any], *, strict: bool = True) -> Integration:
        """Read the arguments of a Terraform ``aws_api_gateway_integration`` resource."""
        from .model_loaders import read_terraform_integration
        return read_terraform_integration(arguments, strict=strict).integration

    @classmethod
    def from_openapi(cls, extension: Mapping[str, Any], *, resource_id: str | None = None,
                     strict: bool = True) -> Integration:
        """Read an OpenAPI ``x-amazon-apigateway-integration`` object."""
        from .model_loaders import read_openapi_integration
        return read_openapi_integration(extension, resource_id=resource_id, strict=strict).integration


def _responses_by_status(responses: object) -> Mapping[str, IntegrationResponse]:
    if isinstance(responses, Mapping):
        return _frozen_map(responses)
    return _frozen_map({response.status_code: response for response in responses or ()})


def _entries_by_status(value: object) -> list[tuple[str, object, str | None]] | None:
    """(label for messages, item, status code key) for a map keyed by status code or a list of
    objects with statusCode; None for anything else."""
    if isinstance(value, Mapping):
        return [(str(key), item, str(key)) for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [(_status_label(item, index), item, None) for index, item in enumerate(value)]
    return None


def _status_label(item: object, index: int) -> str:
    status_code = item.get("statusCode") if isinstance(item, Mapping) else None
    return str(status_code) if isinstance(status_code, (str, int)) else str(index)


def _read_integration_responses(reader: _Reader, problems: list[Problem]) -> Mapping[str, IntegrationResponse]:
    value = reader.raw("integrationResponses")
    if value is None:
        return _EMPTY
    entries = _entries_by_status(value)
    if entries is None:
        reader.note("integrationResponses", f"must be an object keyed by status code or an array, "
                                            f"not {rules.json_type(value)}")
        return _EMPTY
    responses: dict[str, IntegrationResponse] = {}
    for label, item, key in entries:
        prefix = f"integrationResponses.{label}."
        response = IntegrationResponse._read(item, prefix, problems, key)
        if response.status_code is None:
            problems.append(Problem(prefix + "statusCode", "is required"))
            continue
        if not isinstance(response.status_code, str):
            problems.append(Problem(prefix + "statusCode", f'must be a string such as "200", '
                                                           f"not {rules.json_type(response.status_code)}"))
            continue
        if (key or response.status_code) in responses:
            problems.append(Problem(prefix + "statusCode", f"{response.status_code} appears twice: an "
                                                           f"integration has one response per status code"))
        responses[key or str(response.status_code)] = response  # a mismatched key is reported by the rules
    return _frozen_map(responses)


def _read_tls_config(reader: _Reader) -> TlsConfig | None:
    value = reader.raw("tlsConfig")
    if value is None:
        return None
    tls = _Reader(value, "tlsConfig.", reader.problems, "tlsConfig")
    tls.reject_unknown(frozenset({"insecureSkipVerification"}), "tlsConfig")
    skip = tls.raw("insecureSkipVerification")
    return TlsConfig(False if skip is None else skip)


@dataclass(frozen=True)
class MethodResponse:
    """A method response (put-method-response): a status code the method may answer with,
    the headers it declares (name -> required) and its models (content type -> model name)."""

    status_code: str
    response_parameters: Mapping[str, bool] = field(default_factory=lambda: _EMPTY)
    response_models: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        _freeze(self, response_parameters=_frozen_map(self.response_parameters),
                response_models=_frozen_map(self.response_models))

    @classmethod
    def from_aws_json(cls, data: Mapping[str, Any], *, status_code: str | None = None) -> MethodResponse:
        problems: list[Problem] = []
        response = cls._read(data, "", problems, status_code)
        rules.raise_if_any(problems + rules.method_response_problems(response, "", status_code), "method response")
        return response

    @classmethod
    def _read(cls, data: object, prefix: str, problems: list[Problem], key: str | None) -> MethodResponse:
        reader = _Reader(data, prefix, problems, "a method response")
        reader.reject_unknown(frozenset({"statusCode", "responseParameters", "responseModels", "_links"}),
                              "a method response")
        status_code = reader.raw("statusCode")
        if isinstance(status_code, int) and not isinstance(status_code, bool):
            status_code = str(status_code)
        parameters = reader.raw("responseParameters") or {}
        if not isinstance(parameters, Mapping):
            reader.note("responseParameters", f"must be a JSON object, not {rules.json_type(parameters)}")
            parameters = {}
        return cls(status_code=key if status_code is None else status_code,
                   response_parameters=parameters, response_models=reader.string_map("responseModels"))

    def to_aws_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"statusCode": self.status_code}
        if self.response_parameters:
            data["responseParameters"] = dict(self.response_parameters)
        if self.response_models:
            data["responseModels"] = dict(self.response_models)
        return data

    def problems(self) -> list[Problem]:
        return rules.method_response_problems(self, "")


def method_responses_from_aws_json(data: object) -> dict[str, MethodResponse]:
    """Read a method's ``methodResponses``: a map keyed by status code (the AWS shape) or a
    list of objects with ``statusCode``."""
    problems: list[Problem] = []
    entries = _entries_by_status(data)
    if entries is None:
        raise IntegrationValidationError([Problem("methodResponses", f"must be an object keyed by status "
                                                                     f"code or an array, not {rules.json_type(data)}")])
    responses: dict[str, MethodResponse] = {}
    for label, item, key in entries:
        response = MethodResponse._read(item, f"methodResponses.{label}.", problems, key)
        problems += rules.method_response_problems(response, f"methodResponses.{label}", key)
        responses[str(response.status_code)] = response
    rules.raise_if_any(problems, "method responses")
    return responses


@dataclass(frozen=True)
class ApiSettings:
    """The RestApi settings the integration pipeline needs: ``binaryMediaTypes``."""

    binary_media_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self, binary_media_types=tuple(self.binary_media_types))

    @classmethod
    def from_aws_json(cls, data: Mapping[str, Any] | None) -> ApiSettings:
        """Read get-rest-api output (or just ``{"binaryMediaTypes": [...]}``); other RestApi
        fields are ignored."""
        problems: list[Problem] = []
        reader = _Reader(data or {}, "", problems, "the RestApi settings")
        settings = cls(_unescaped_media_types(reader.string_list("binaryMediaTypes")))
        problems += rules.media_type_problems(settings.binary_media_types, "binaryMediaTypes")
        rules.raise_if_any(problems, "RestApi settings")
        return settings

    @classmethod
    def from_case(cls, api: Mapping[str, Any] | None = None,
                  integration: Mapping[str, Any] | None = None) -> ApiSettings:
        """The settings of an ``invoke`` case: its ``api`` object, plus the ``binaryMediaTypes``
        that case files may put inside ``integration`` as a convenience."""
        settings = cls.from_aws_json(api)
        extra = integration.get("binaryMediaTypes") if isinstance(integration, Mapping) else None
        if extra is None:
            return settings
        media_types = settings.binary_media_types
        return cls(media_types + tuple(m for m in cls.from_aws_json({"binaryMediaTypes": extra}).binary_media_types
                                       if m not in media_types))

    def to_aws_json(self) -> dict[str, Any]:
        return {"binaryMediaTypes": list(self.binary_media_types)} if self.binary_media_types else {}


def _unescaped_media_types(media_types: tuple[Any, ...]) -> tuple[Any, ...]:
    # CloudFormation and patch paths write "/" as "~1" (image~1png); the media type is image/png.
    return tuple(m.replace("~1", "/") if isinstance(m, str) else m for m in media_types)


# The patch operations need the classes above; they live in their own module.
from .model_patch import apply_integration_response_patch, apply_patch  # noqa: E402
