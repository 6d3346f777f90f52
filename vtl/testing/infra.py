"""Finding one method's integration in a project's infrastructure file.

:func:`vtl.loaders.load` (OpenAPI, CloudFormation, SAM, Terraform) is used when it is
installed; otherwise OpenAPI documents are read here: a JSON or YAML OpenAPI/Swagger file, or
the OpenAPI ``DefinitionBody``/``Body`` inside a SAM or CloudFormation template.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cases import CaseFileError, read_data

_INTEGRATION = "x-amazon-apigateway-integration"


@dataclass
class MethodTarget:
    """An integration with what surrounds it, ready for :func:`vtl.apigw.pipeline.invoke`."""

    integration: Any  # an Integration or get-integration JSON
    api: dict[str, Any] = field(default_factory=dict)
    method_responses: dict[str, Any] | None = None
    resource_path: str | None = None
    template_names: dict[str, str] = field(default_factory=dict)  # template source -> display name
    stage_variables: dict[str, str] = field(default_factory=dict)  # of the file's first stage


def load_method(path: Path, method: str, resource: str) -> MethodTarget:
    method = method.upper()
    loaded = _with_project_loaders(path, method, resource)
    if loaded is not None:
        return loaded
    document = read_data(path)
    for label, api in _openapi_documents(document):
        found = _openapi_method(api, method, resource)
        if found is not None:
            operation, path_item_key = found
            return _target_from_openapi(api, operation, method, path_item_key, f"{path.name}{label}")
    methods = [f"{verb.upper()} {key}" for _, api in _openapi_documents(document)
               for key, item in (api.get("paths") or {}).items() if isinstance(item, Mapping)
               for verb, operation in item.items()
               if isinstance(operation, Mapping) and _INTEGRATION in operation]
    if not methods and not any(True for _ in _openapi_documents(document)):
        raise CaseFileError(f"{path}: no OpenAPI document with x-amazon-apigateway-integration found "
                            f"(vtl.loaders is not installed to read other infrastructure files)")
    raise CaseFileError(f"{path}: no integration for {method} {resource} (found: {', '.join(methods) or 'none'})")


def _with_project_loaders(path: Path, method: str, resource: str) -> MethodTarget | None:
    """Ask :func:`vtl.loaders.load` (every format it knows); None when it is not installed."""
    try:
        from vtl import loaders
    except ImportError:
        return None
    try:
        api = loaders.load(path)
        try:
            resource_path, found = api.method(f"{method} {resource}")
        except loaders.LoaderError:
            resource_path, found = api.method(f"ANY {resource}")
    except loaders.LoaderError as error:
        available = ""
        if "api" in locals():
            available = " (found: " + (", ".join(f"{m.http_method} {p}" for p, m in api.methods()) or "none") + ")"
        raise CaseFileError(f"{path}: no integration for {method} {resource}{available}"
                            if available else f"{error}") from None
    if found.integration is None:
        raise CaseFileError(f"{path}: {method} {resource} has no integration")
    stage = api.stage()
    return MethodTarget(found.integration, api.settings.to_aws_json(), found.method_responses, resource_path,
                        _template_names(found.integration, f"{path.name}: {method} {resource_path}"),
                        dict(stage.variables))


def _openapi_documents(document: Any, label: str = ""):
    """OpenAPI documents in a file: the file itself, or bodies inside CloudFormation resources."""
    if not isinstance(document, Mapping):
        return
    if isinstance(document.get("paths"), Mapping):
        yield label, document
        return
    resources = document.get("Resources")
    if isinstance(resources, Mapping):
        for name, resource in resources.items():
            properties = resource.get("Properties") if isinstance(resource, Mapping) else None
            if not isinstance(properties, Mapping):
                continue
            for key in ("DefinitionBody", "Body"):
                body = properties.get(key)
                if isinstance(body, Mapping) and "Fn::Transform" not in body:
                    yield from _openapi_documents(body, f" ({name})")


def _openapi_method(api: Mapping[str, Any], method: str, resource: str) -> tuple[Mapping[str, Any], str] | None:
    item = (api.get("paths") or {}).get(resource)
    if not isinstance(item, Mapping):
        return None
    for verb in (method.lower(), "x-amazon-apigateway-any-method"):
        operation = item.get(verb)
        if isinstance(operation, Mapping) and _INTEGRATION in operation:
            return operation, resource
    return None


def _target_from_openapi(api: Mapping[str, Any], operation: Mapping[str, Any], method: str, resource: str,
                         label: str) -> MethodTarget:
    from ..apigw.model import Integration

    try:
        integration = Integration.from_openapi(operation[_INTEGRATION], strict=False)
    except Exception as error:
        raise CaseFileError(f"{label}: {method} {resource}: {error}") from None
    responses = operation.get("responses")
    method_responses = None
    if isinstance(responses, Mapping):
        method_responses = {}
        for status, response in responses.items():
            if not str(status).isdigit():
                continue
            headers = (response or {}).get("headers") or {}
            method_responses[str(status)] = {
                "statusCode": str(status),
                "responseParameters": {f"method.response.header.{name}": False for name in headers}}
    binary = api.get("x-amazon-apigateway-binary-media-types") or []
    return MethodTarget(integration, {"binaryMediaTypes": list(binary)}, method_responses or None, resource,
                        _template_names(integration, f"{label}: {method} {resource}"))


def _template_names(integration: Any, label: str) -> dict[str, str]:
    """Display names of the templates an integration holds (for coverage reports)."""
    names: dict[str, str] = {}
    requests = _field(integration, "request_templates", "requestTemplates") or {}
    for content_type, source in requests.items():
        if isinstance(source, str):
            names.setdefault(source, f"{label} request {content_type}")
    responses = _field(integration, "integration_responses", "integrationResponses") or {}
    items = responses.items() if isinstance(responses, Mapping) else enumerate(responses)
    for status, response in items:
        templates = _field(response, "response_templates", "responseTemplates") or {}
        code = _field(response, "status_code", "statusCode") or status
        for content_type, source in templates.items():
            if isinstance(source, str):
                names.setdefault(source, f"{label} response {code} {content_type}")
    return names


def _field(item: Any, *names: str) -> Any:
    for name in names:
        if isinstance(item, Mapping) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return None
