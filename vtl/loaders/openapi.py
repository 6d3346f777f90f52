"""OpenAPI 2.0 (Swagger) and 3.x definitions with API Gateway's extensions.

``x-amazon-apigateway-integration`` (lower-case enum values, as exports write them;
``responses`` keyed by selection pattern with ``default``), ``x-amazon-apigateway-any-method``
(the ANY method), ``x-amazon-apigateway-binary-media-types``; ``{proxy+}`` greedy paths.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..apigw.model_loaders import read_openapi_integration
from .api import Api, Method
from .common import checked_integration, checked_method_responses
from .errors import LoaderError

ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
BINARY_MEDIA_TYPES = "x-amazon-apigateway-binary-media-types"
_VERBS = ("get", "put", "post", "delete", "options", "head", "patch")


def is_openapi(document: Any) -> bool:
    return isinstance(document, Mapping) and ("openapi" in document or "swagger" in document)


def load_openapi(document: Mapping[str, Any], file: str, *, api: Api | None = None,
                 prefix: str = "") -> Api:
    """Read an OpenAPI document (``prefix`` places it inside another file, e.g. a
    CloudFormation Body)."""
    api = api or Api(file, "openapi")
    if not isinstance(document, Mapping):
        raise LoaderError(file, prefix.rstrip(".") or "(top)", "an OpenAPI definition must be an object")
    info = document.get("info") if isinstance(document.get("info"), Mapping) else {}
    api.name = api.name or info.get("title")
    media_types = document.get(BINARY_MEDIA_TYPES) or []
    if not isinstance(media_types, list):
        raise LoaderError(file, f"{prefix}{BINARY_MEDIA_TYPES}", "must be a list of media types")
    api.binary_media_types += [str(m) for m in media_types if m not in api.binary_media_types]
    paths = document.get("paths") or {}
    if not isinstance(paths, Mapping):
        raise LoaderError(file, f"{prefix}paths", "must be an object keyed by path")
    for path, item in paths.items():
        where = f"{prefix}paths.{path}"
        if not isinstance(path, str) or not path.startswith("/"):
            raise LoaderError(file, where, "a path must start with '/'")
        if not isinstance(item, Mapping):
            raise LoaderError(file, where, "a path item must be an object")
        api.resource(path)
        for key, operation in item.items():
            verb = "ANY" if key == ANY_METHOD else key.upper() if key in _VERBS else None
            if verb is None:
                continue  # parameters, summary, servers, other extensions
            api.add_method(path, _method(verb, operation, file, f"{where}.{key}", api.warnings))
    return api


def _method(verb: str, operation: Any, file: str, where: str, warnings: list[str]) -> Method:
    if not isinstance(operation, Mapping):
        raise LoaderError(file, where, "an operation must be an object")
    method = Method(verb, location=where)
    extension = operation.get(INTEGRATION)
    if extension is None:
        warnings.append(f"{where}: no {INTEGRATION}: the method answers as an API without integration")
    else:
        method.integration = checked_integration(read_openapi_integration, extension, file,
                                                 f"{where}.{INTEGRATION}", warnings)
    responses = operation.get("responses")
    if isinstance(responses, Mapping):
        declared = {}
        for status, response in responses.items():
            if not str(status).isdigit():
                continue  # "default" is OpenAPI's, not a method response
            headers = response.get("headers") if isinstance(response, Mapping) else None
            declared[str(status)] = {"statusCode": str(status), "responseParameters": {
                f"method.response.header.{name}": False for name in (headers if isinstance(headers, Mapping) else {})}}
        method.method_responses = checked_method_responses(declared, file, f"{where}.responses")
    return method
