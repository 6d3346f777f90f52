"""What the loaders share: reading an integration into the model, with file and place."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..apigw.model import Integration, IntegrationValidationError, MethodResponse, method_responses_from_aws_json
from ..apigw.model_loaders import LoadedIntegration
from .errors import LoaderError

HTTP_VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def checked_integration(read: Callable[..., LoadedIntegration], data: Any, file: str, location: str,
                        warnings: list[str], **options: Any) -> Integration:
    """Read an integration with ``read`` (a ``vtl.apigw.model_loaders`` reader).

    The rules on shapes and values are errors; those about reaching a real AWS backend (an
    ARN's form, an IAM role) only warn, since a local gateway reaches local stand-ins.
    """
    try:
        loaded = read(data, strict=False, **options)
    except IntegrationValidationError as error:
        raise LoaderError(file, location, str(error)) from None
    integration = loaded.integration
    warnings.extend(f"{location}: {problem}" for problem in loaded.warnings)
    warnings.extend(strict_warnings(integration, location))
    return integration


def strict_warnings(integration: Integration, location: str) -> list[str]:
    """The rules only a real AWS backend needs, as warnings."""
    relaxed = {str(problem) for problem in integration.problems(strict=False)}
    return [f"{location}: {problem}" for problem in integration.problems(strict=True)
            if str(problem) not in relaxed]


def checked_method_responses(data: Any, file: str, location: str) -> dict[str, MethodResponse]:
    try:
        return method_responses_from_aws_json(data)
    except IntegrationValidationError as error:
        raise LoaderError(file, location, str(error)) from None


def first_lower(name: str) -> str:
    return name[:1].lower() + name[1:]


def camel_keys(data: Any, keep_maps: frozenset[str] = frozenset()) -> Any:
    """PascalCase keys (CloudFormation) → camelCase (the AWS JSON), except inside the maps
    named in ``keep_maps`` whose keys are user data (templates, parameter mappings)."""
    if isinstance(data, Mapping):
        result = {}
        for key, value in data.items():
            name = first_lower(str(key))
            result[name] = dict(value) if name in keep_maps and isinstance(value, Mapping) else \
                camel_keys(value, keep_maps)
        return result
    if isinstance(data, list):
        return [camel_keys(item, keep_maps) for item in data]
    return data
