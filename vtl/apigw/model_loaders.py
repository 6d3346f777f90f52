"""Integrations written in other shapes than get-integration's JSON.

* ``put-integration --cli-input-json`` input: the method is named by ``restApiId``,
  ``resourceId`` and ``httpMethod``; the integration's own method is ``integrationHttpMethod``.
* Terraform ``aws_api_gateway_integration`` arguments (snake_case, ``timeout_milliseconds``,
  a ``tls_config`` block).
* OpenAPI ``x-amazon-apigateway-integration`` (lower-case enums, ``responses`` keyed by
  selection pattern, ``integration-target``).

Each is turned into the get-integration JSON and read by ``Integration._read``, so every
shape obeys the same rules; problems are reported in the vocabulary the user wrote.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import model_rules as rules
from .model import Integration
from .model_rules import Problem


@dataclass(frozen=True)
class MethodKey:
    """Which method an integration belongs to (put-integration's restApiId, resourceId, httpMethod)."""

    rest_api_id: str | None
    resource_id: str | None
    http_method: str | None


@dataclass(frozen=True)
class LoadedIntegration:
    """An integration read from an input shape, the method it is for, and the warnings about it."""

    method: MethodKey
    integration: Integration
    warnings: tuple[Problem, ...] = ()


def _method_verb_problem(field: str, verb: object) -> Problem | None:
    if isinstance(verb, str) and verb.upper() in rules.HTTP_METHODS:
        return None
    return Problem(field, f"{verb!r} is not a method API Gateway can define "
                          f"({', '.join(rules.HTTP_METHODS)})")


def _load(data: dict[str, Any], names: Mapping[str, str], method: MethodKey, problems: list[Problem],
          *, strict: bool, warnings: list[Problem], unresolved: frozenset[str] = frozenset()) -> LoadedIntegration:
    """Read get-integration JSON built from another shape; problems and warnings are shown
    under the names of that shape. Fields in ``unresolved`` were already reported."""
    read_problems: list[Problem] = []
    integration = Integration._read(data, read_problems, method.resource_id)
    found = rules.renamed(read_problems + integration.problems(strict=strict), names)
    problems = problems + [problem for problem in found if _field_head(problem) not in unresolved]
    rules.raise_if_any(problems)
    warnings = warnings + rules.renamed(integration.warnings(), names)
    return LoadedIntegration(method, integration, tuple(warnings))


def _field_head(problem: Problem) -> str:
    return problem.field.partition(".")[0]


# --- put-integration --cli-input-json -------------------------------------------------------

_PUT_INPUT_REQUIRED = ("restApiId", "resourceId", "httpMethod", "type")
_PUT_INPUT_FIELDS = _PUT_INPUT_REQUIRED + (
    "integrationHttpMethod", "uri", "connectionType", "connectionId", "credentials", "requestParameters",
    "requestTemplates", "passthroughBehavior", "cacheNamespace", "cacheKeyParameters", "contentHandling",
    "timeoutInMillis", "tlsConfig", "integrationTarget", "responseTransferMode")


def read_put_integration_input(data: Mapping[str, Any], *, strict: bool = True) -> LoadedIntegration:
    """Read ``aws apigateway put-integration --cli-input-json`` input. Missing and unknown
    parameters are reported as the AWS CLI reports them."""
    if not isinstance(data, Mapping):
        rules.raise_if_any([Problem("", f"put-integration input must be a JSON object, not "
                                        f"{rules.json_type(data)}")])
    problems = [Problem(name, f'Missing required parameter in input: "{name}"')
                for name in _PUT_INPUT_REQUIRED if data.get(name) is None]
    problems += [Problem(name, f'Unknown parameter in input: "{name}", must be one of: '
                               f'{", ".join(_PUT_INPUT_FIELDS)}')
                 for name in data if name not in _PUT_INPUT_FIELDS]
    verb = data.get("httpMethod")
    if verb is not None and (problem := _method_verb_problem("httpMethod", verb)):
        problems.append(problem)
    method = MethodKey(data.get("restApiId"), data.get("resourceId"),
                       verb.upper() if isinstance(verb, str) else verb)
    integration_json = {key: value for key, value in data.items()
                        if key in _PUT_INPUT_FIELDS and key not in ("restApiId", "resourceId", "httpMethod")}
    if "integrationHttpMethod" in integration_json:
        integration_json["httpMethod"] = integration_json.pop("integrationHttpMethod")
    return _load(integration_json, {"httpMethod": "integrationHttpMethod"}, method, problems,
                 strict=strict, warnings=[])


# --- Terraform aws_api_gateway_integration ----------------------------------------------------

# Terraform argument -> get-integration field.
_TERRAFORM_ARGUMENTS = {
    "type": "type", "integration_http_method": "httpMethod", "uri": "uri",
    "connection_type": "connectionType", "connection_id": "connectionId",
    "integration_target": "integrationTarget", "credentials": "credentials",
    "request_parameters": "requestParameters", "request_templates": "requestTemplates",
    "passthrough_behavior": "passthroughBehavior", "content_handling": "contentHandling",
    "timeout_milliseconds": "timeoutInMillis", "cache_namespace": "cacheNamespace",
    "cache_key_parameters": "cacheKeyParameters", "tls_config": "tlsConfig",
    "response_transfer_mode": "responseTransferMode",
}
_TERRAFORM_REQUIRED = ("rest_api_id", "resource_id", "http_method", "type")
_TERRAFORM_OTHER = ("rest_api_id", "resource_id", "http_method", "request_parameters_in_json")
# Nested field names shown in Terraform's words too.
_TERRAFORM_NAMES = {field: argument for argument, field in _TERRAFORM_ARGUMENTS.items()} | {
    "tlsConfig": "tls_config"}


def read_terraform_integration(arguments: Mapping[str, Any], *, strict: bool = True) -> LoadedIntegration:
    """Read the arguments of a Terraform ``aws_api_gateway_integration`` resource (as a dict,
    e.g. from ``terraform show -json`` or parsed HCL)."""
    if not isinstance(arguments, Mapping):
        rules.raise_if_any([Problem("", f"the resource's arguments must be an object, not "
                                        f"{rules.json_type(arguments)}")])
    problems = [Problem(name, f'The argument "{name}" is required, but no definition was found.')
                for name in _TERRAFORM_REQUIRED if arguments.get(name) is None]
    problems += [Problem(name, f'An argument named "{name}" is not expected here.')
                 for name in arguments if name not in _TERRAFORM_ARGUMENTS and name not in _TERRAFORM_OTHER]
    unresolved = _unresolved_references(arguments, problems)
    verb = arguments.get("http_method")
    if verb is not None and "http_method" not in unresolved and (problem := _method_verb_problem("http_method", verb)):
        problems.append(problem)
    warnings: list[Problem] = []
    data = {field: arguments[argument] for argument, field in _TERRAFORM_ARGUMENTS.items()
            if arguments.get(argument) is not None}
    if "tlsConfig" in data:
        data["tlsConfig"] = _terraform_tls_block(data["tlsConfig"])
    _merge_request_parameters_in_json(arguments, data, problems, warnings)
    if arguments.get("request_templates") and arguments.get("passthrough_behavior") is None:
        warnings.append(Problem("passthrough_behavior", "the Terraform documentation marks it required when "
                                                        "request_templates is used; API Gateway then "
                                                        "uses WHEN_NO_MATCH"))
    method = MethodKey(arguments.get("rest_api_id"), arguments.get("resource_id"),
                       verb.upper() if isinstance(verb, str) else verb)
    return _load(data, _TERRAFORM_NAMES, method, problems, strict=strict, warnings=warnings,
                 unresolved=unresolved)


# ${var.region}, ${aws_lambda_function.f.arn}: but ${stageVariables.x} is API Gateway's own.
_TERRAFORM_REFERENCE = re.compile(r"\$\{(?!stageVariables\.[A-Za-z0-9_]+\})[^}]*\}")


def _unresolved_references(arguments: Mapping[str, Any], problems: list[Problem]) -> frozenset[str]:
    """Arguments still holding Terraform expressions: their values are unknown until Terraform
    resolves them, so they are reported once and not checked further."""
    unresolved = set()
    for name, value in arguments.items():
        if name == "request_templates":
            continue  # VTL writes ${name} too; a template cannot be told apart from an expression
        reference = _TERRAFORM_REFERENCE.search(json.dumps(value))
        if reference:
            unresolved.add(name)
            problems.append(Problem(name, f"holds the Terraform expression {reference.group()}: give the "
                                          f"resolved value (terraform show -json prints resolved values)"))
    return frozenset(unresolved)


def _terraform_tls_block(block: Any) -> Any:
    # HCL blocks arrive as a list of one object; its attribute is insecure_skip_verification.
    if isinstance(block, (list, tuple)):
        block = block[0] if block else {}
    if isinstance(block, Mapping):
        return {"insecureSkipVerification": block.get("insecure_skip_verification", False)}
    return block


def _merge_request_parameters_in_json(arguments: Mapping[str, Any], data: dict[str, Any],
                                      problems: list[Problem], warnings: list[Problem]) -> None:
    text = arguments.get("request_parameters_in_json")
    if text is None:
        return
    warnings.append(Problem("request_parameters_in_json", "is deprecated: use request_parameters"))
    try:
        parameters = json.loads(text) if isinstance(text, str) else None
    except ValueError as error:
        problems.append(Problem("request_parameters_in_json", f"is not valid JSON: {error}"))
        return
    if not isinstance(parameters, Mapping):
        problems.append(Problem("request_parameters_in_json", "must be a JSON object of parameter mappings"))
        return
    data["requestParameters"] = {**parameters, **(data.get("requestParameters") or {})}


# --- OpenAPI x-amazon-apigateway-integration ---------------------------------------------------

_OPENAPI_RENAMED = {"integration-target": "integrationTarget"}
_OPENAPI_FIELDS = frozenset(Integration._FIELDS) - {"integrationResponses"} | {"responses", "integration-target"}


def read_openapi_integration(extension: Mapping[str, Any], *, resource_id: str | None = None,
                             strict: bool = True) -> LoadedIntegration:
    """Read an OpenAPI ``x-amazon-apigateway-integration`` object; ``responses`` is keyed by
    selection pattern, ``default`` marking the default response."""
    if not isinstance(extension, Mapping):
        rules.raise_if_any([Problem("x-amazon-apigateway-integration", f"must be an object, not "
                                                                       f"{rules.json_type(extension)}")])
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    for key, value in extension.items():
        if key not in _OPENAPI_FIELDS:
            problems.append(Problem(key, "is not a field of x-amazon-apigateway-integration"))
        elif key != "responses":
            data[_OPENAPI_RENAMED.get(key, key)] = value
    if extension.get("responses") is not None:
        data["integrationResponses"] = _responses_by_status(extension["responses"], problems)
    names = {field: key for key, field in _OPENAPI_RENAMED.items()}
    return _load(data, names, MethodKey(None, resource_id, None), problems, strict=strict, warnings=[])


def _responses_by_status(responses: Any, problems: list[Problem]) -> Any:
    if not isinstance(responses, Mapping):
        return responses  # reported by the reader
    by_status: dict[str, Any] = {}
    for pattern, response in responses.items():
        if not isinstance(response, Mapping):
            problems.append(Problem(f"responses.{pattern}", "must be an object with statusCode"))
            continue
        status_code = str(response.get("statusCode"))
        if status_code in by_status:
            problems.append(Problem(f"responses.{pattern}", f"status {status_code} is already mapped by "
                                                            f"another selection pattern"))
            continue
        entry = dict(response)
        if pattern != "default":
            entry["selectionPattern"] = pattern
        by_status[status_code] = entry
    return by_status
