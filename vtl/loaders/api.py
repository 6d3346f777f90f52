"""The one description every loader produces: a REST API (v1) as a local gateway needs it.

``Api`` holds resources by path (``/pets/{id}``, ``/{proxy+}``), each with its methods
(``GET``, ``ANY``...) and their integrations and method responses, the RestApi's
``binaryMediaTypes``, its stages with their variables, and the VPC links the file defines.
A method can be named as ``"GET /pets/{id}"`` or by its Terraform import address
``REST-API-ID/RESOURCE-ID/HTTP-METHOD``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..apigw.model import ApiSettings, Integration, MethodResponse
from .errors import LoaderError

__all__ = ["Api", "Method", "Resource", "Stage", "VpcLinkDefinition"]


@dataclass
class Method:
    """One method of a resource: its integration (None when the file defines none) and its
    method responses keyed by status code (None when the file declares none)."""

    http_method: str
    integration: Integration | None = None
    method_responses: dict[str, MethodResponse] | None = None
    resource_id: str | None = None
    location: str = ""  # where the file defines it, for messages


@dataclass
class Resource:
    path: str
    id: str | None = None
    methods: dict[str, Method] = field(default_factory=dict)


@dataclass
class Stage:
    name: str
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class VpcLinkDefinition:
    """A VPC link the file defines (its target ARNs may be unresolved references)."""

    id: str
    name: str | None = None
    target_arns: tuple[str, ...] = ()


@dataclass
class Api:
    source: str
    format: str  # "openapi", "cloudformation", "terraform", "aws-cli"
    id: str | None = None
    name: str | None = None
    resources: dict[str, Resource] = field(default_factory=dict)
    binary_media_types: list[str] = field(default_factory=list)
    stages: dict[str, Stage] = field(default_factory=dict)
    vpc_links: list[VpcLinkDefinition] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def settings(self) -> ApiSettings:
        return ApiSettings.from_aws_json({"binaryMediaTypes": list(self.binary_media_types)})

    def resource(self, path: str, resource_id: str | None = None) -> Resource:
        """The resource at ``path``, created when new."""
        path = normalised_path(path)
        found = self.resources.get(path)
        if found is None:
            found = self.resources[path] = Resource(path, resource_id)
        elif resource_id and not found.id:
            found.id = resource_id
        return found

    def add_method(self, path: str, method: Method) -> Method:
        resource = self.resource(path, method.resource_id)
        resource.methods[method.http_method.upper()] = method
        return method

    def methods(self) -> list[tuple[str, Method]]:
        """(resource path, method) for every method, resources in path order."""
        return [(path, method) for path in sorted(self.resources)
                for method in self.resources[path].methods.values()]

    def method(self, name: str) -> tuple[str, Method]:
        """The method ``name`` names: ``"GET /pets/{id}"`` or the import address
        ``REST-API-ID/RESOURCE-ID/HTTP-METHOD``. Raises ``LoaderError`` when there is none."""
        verb, _, path = name.strip().partition(" ")
        if path:
            resource = self.resources.get(normalised_path(path.strip()))
            if resource and verb.upper() in resource.methods:
                return resource.path, resource.methods[verb.upper()]
        else:
            parts = name.strip().split("/")
            if len(parts) == 3:
                api_id, resource_id, verb = parts
                if self.id is None or api_id == self.id:
                    for resource in self.resources.values():
                        if resource.id == resource_id and verb.upper() in resource.methods:
                            return resource.path, resource.methods[verb.upper()]
        raise LoaderError(self.source, name, "no such method in the API (name one as 'GET /path' or "
                                             "REST-API-ID/RESOURCE-ID/HTTP-METHOD)")

    def stage(self, name: str | None = None) -> Stage:
        """The named stage (made up, without variables, when the file does not define it);
        without a name, the first stage the file defines, else ``test``."""
        if name is None:
            return next(iter(self.stages.values()), Stage("test"))
        return self.stages.get(name) or Stage(name)

    def summary(self) -> dict[str, Any]:
        return {"source": self.source, "format": self.format, "id": self.id, "name": self.name,
                "binaryMediaTypes": list(self.binary_media_types),
                "stages": {name: dict(stage.variables) for name, stage in self.stages.items()},
                "vpcLinks": [link.id for link in self.vpc_links],
                "methods": [f"{method.http_method} {path}" + (f" ({method.integration.type})"
                                                               if method.integration else " (no integration)")
                            for path, method in self.methods()],
                "warnings": list(self.warnings)}


def normalised_path(path: str) -> str:
    path = "/" + path.strip().strip("/")
    return path


def string_map(value: Any) -> dict[str, str]:
    return {str(key): "" if item is None else str(item) for key, item in (value or {}).items()} \
        if isinstance(value, Mapping) else {}
