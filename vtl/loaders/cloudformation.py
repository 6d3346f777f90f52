"""CloudFormation and SAM templates (JSON or YAML), CDK's ``cdk.out/*.template.json`` too.

Read: ``AWS::ApiGateway::RestApi`` (Name, BinaryMediaTypes, an inline OpenAPI ``Body``),
``Resource``, ``Method`` with its ``Integration`` and ``MethodResponses``, ``Stage`` and
``Deployment`` stage variables, ``VpcLink``, and SAM's ``AWS::Serverless::Api`` (StageName,
Variables, inline ``DefinitionBody``). Intrinsic functions (``Ref``, ``Fn::Sub``,
``Fn::GetAtt``, ``Fn::Join``, short forms ``!Ref``...) are resolved as far as a template
alone allows: parameters with defaults, pseudo parameters (a local account and region),
logical ids for resources, Lambda ARNs from the function's name; what stays unresolved is
kept as ``${Name.Attribute}`` text and named in a warning.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from ..apigw.context import DEFAULT_ACCOUNT_ID, REGION
from ..apigw.model_loaders import read_put_integration_input
from .api import Api, Method, Stage, VpcLinkDefinition, string_map
from .common import camel_keys, checked_integration, checked_method_responses, strict_warnings
from .errors import LoaderError
from .openapi import load_openapi

ROOT = "root-resource"  # the RestApi's root resource (Fn::GetAtt RestApi.RootResourceId)
_PSEUDO = {"AWS::Region": REGION, "AWS::AccountId": DEFAULT_ACCOUNT_ID, "AWS::Partition": "aws",
           "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "local", "AWS::NoValue": None}
_LAMBDA_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


# --- YAML with CloudFormation's short tags -----------------------------------------------------


class CloudFormationYamlLoader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Any:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CloudFormationYamlLoader.add_multi_constructor("!", _tag)


def parse_yaml(text: str, file: str) -> Any:
    try:
        return yaml.load(text, Loader=CloudFormationYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise LoaderError(file, where, f"not YAML: {getattr(error, 'problem', None) or error}") from None


def is_cloudformation(document: Any) -> bool:
    return isinstance(document, Mapping) and isinstance(document.get("Resources"), Mapping) and (
        "AWSTemplateFormatVersion" in document or "Transform" in document or any(
            isinstance(r, Mapping) and str(r.get("Type", "")).startswith("AWS::") for r in document["Resources"].values()))


# --- intrinsic functions -------------------------------------------------------------------


class _Resolver:
    def __init__(self, template: Mapping[str, Any], file: str, warnings: list[str]):
        self.file, self.warnings = file, warnings
        self.resources = template.get("Resources") or {}
        self.parameters = template.get("Parameters") or {}
        if not isinstance(self.parameters, Mapping):
            raise LoaderError(file, "Parameters", "must be an object")
        self.unresolved: set[str] = set()

    def __call__(self, value: Any, where: str) -> Any:
        if isinstance(value, list):
            return [self(item, where) for item in value]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            (name, argument), = value.items()
            if name == "Ref":
                return self.ref(str(argument), where)
            if name == "Fn::GetAtt":
                parts = argument.split(".", 1) if isinstance(argument, str) else argument
                if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
                    raise LoaderError(self.file, where,
                                      "Fn::GetAtt takes 'Resource.Attribute' or [Resource, Attribute]")
                return self.get_att(str(parts[0]), str(parts[1]) if len(parts) > 1 else "", where)
            if name == "Fn::Sub":
                return self.sub(argument, where)
            if name == "Fn::Join":
                if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[1], list):
                    raise LoaderError(self.file, where, "Fn::Join takes [separator, [values...]]")
                separator, items = argument
                items = self(items, where)
                return str(separator).join("" if item is None else str(item) for item in items)
            if name.startswith("Fn::") or name == "Condition":
                return self.unknown(f"{name}", where)
        return {key: self(item, where) for key, item in value.items()}

    def ref(self, name: str, where: str) -> Any:
        if name in _PSEUDO:
            return _PSEUDO[name]
        parameter = self.parameters.get(name)
        if isinstance(parameter, Mapping):
            if "Default" in parameter:
                return parameter["Default"]
            return self.unknown(name, where)
        if name in self.resources:
            return name  # a resource's Ref is its id; locally the logical id stands for it
        return self.unknown(name, where)

    def get_att(self, name: str, attribute: str, where: str) -> Any:
        resource = self.resources.get(name)
        kind = resource.get("Type") if isinstance(resource, Mapping) else None
        if kind in ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api") and attribute == "RootResourceId":
            return ROOT
        if kind in _LAMBDA_TYPES and attribute == "Arn":
            properties = resource.get("Properties")
            function_name = properties.get("FunctionName") if isinstance(properties, Mapping) else None
            function_name = function_name if isinstance(function_name, str) else name
            return f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:{function_name}"
        if kind == "AWS::ApiGateway::Resource" and attribute == "ResourceId":
            return name
        return self.unknown(f"{name}.{attribute}", where)

    def sub(self, argument: Any, where: str) -> str:
        text, names = (argument, {})
        if isinstance(argument, list) and argument:
            text, names = argument[0], (argument[1] if len(argument) > 1 else {})
        if not isinstance(text, str) or not isinstance(names or {}, Mapping):
            raise LoaderError(self.file, where, "Fn::Sub takes a string or [string, {name: value}]")
        names = {key: self(value, where) for key, value in (names or {}).items()}

        def replace(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("!"):
                return "${" + expression[1:] + "}"  # ${!Literal}
            if expression.startswith("stageVariables."):
                return match.group(0)  # API Gateway's own reference
            if expression in names:
                value = names[expression]
            elif "." in expression and expression.split(".", 1)[0] in self.resources:
                value = self.get_att(*expression.split(".", 1), where)
            else:
                value = self.ref(expression, where)
            return match.group(0) if value is None else str(value)
        return re.sub(r"\$\{([^}]+)\}", replace, str(text))

    def unknown(self, what: str, where: str) -> str:
        if (what, where) not in self.unresolved:
            self.unresolved.add((what, where))
            self.warnings.append(f"{where}: {what} cannot be resolved locally (left as ${{{what}}})")
        return "${" + what + "}"


# --- the template ------------------------------------------------------------------------------


_INTEGRATION_MAPS = frozenset({"requestTemplates", "requestParameters", "responseTemplates", "responseParameters"})
_METHOD_RESPONSE_MAPS = frozenset({"responseParameters", "responseModels"})


def load_cloudformation(template: Mapping[str, Any], file: str) -> Api:
    api = Api(file, "cloudformation")
    resolve = _Resolver(template, file, api.warnings)
    resources = template.get("Resources") or {}
    by_type: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            raise LoaderError(file, f"Resources.{logical_id}", "a resource needs a Type")
        by_type.setdefault(resource["Type"], []).append((logical_id, resource))

    def properties(logical_id: str, resource: Mapping[str, Any]) -> dict[str, Any]:
        where = f"Resources.{logical_id}.Properties"
        raw = resource.get("Properties") or {}
        if not isinstance(raw, Mapping):
            raise LoaderError(file, where, "Properties must be an object")
        body_key = next((k for k in ("Body", "DefinitionBody") if k in raw), None)
        # An inline OpenAPI body keeps its ${stageVariables.x} and VTL; only intrinsics resolve.
        resolved = resolve({k: v for k, v in raw.items() if k != body_key}, where)
        if not isinstance(resolved, Mapping):  # {"Ref": ...} and the like
            raise LoaderError(file, where, "Properties must be an object")
        if body_key:
            resolved[body_key] = resolve(raw[body_key], f"{where}.{body_key}")
        return resolved

    apis = by_type.get("AWS::ApiGateway::RestApi", []) + by_type.get("AWS::Serverless::Api", [])
    if not apis:
        raise LoaderError(file, "Resources", "no AWS::ApiGateway::RestApi or AWS::Serverless::Api in the template")
    api_id, api_resource = apis[0]
    if len(apis) > 1:
        api.warnings.append(f"Resources: {len(apis)} APIs defined; serving {api_id}")
    api.id = api_id
    props = properties(api_id, api_resource)
    api.name = props.get("Name") or api_id
    media_types = props.get("BinaryMediaTypes") or []
    if not isinstance(media_types, list):
        raise LoaderError(file, f"Resources.{api_id}.Properties.BinaryMediaTypes", "must be a list of media types")
    api.binary_media_types = [str(m).replace("~1", "/") for m in media_types]
    body = props.get("Body") or props.get("DefinitionBody")
    if body is not None:
        load_openapi(body, file, api=api, prefix=f"Resources.{api_id}.Properties.{'Body' if 'Body' in props else 'DefinitionBody'}.")
    if props.get("BodyS3Location") or props.get("DefinitionUri"):
        api.warnings.append(f"Resources.{api_id}: a definition in S3 or another file is not read")
    if api_resource["Type"] == "AWS::Serverless::Api" and props.get("StageName"):
        api.stages[str(props["StageName"])] = Stage(str(props["StageName"]), string_map(props.get("Variables")))

    # Resources → paths (parents first, however the template orders them).
    parts: dict[str, tuple[str, str]] = {}
    for logical_id, resource in by_type.get("AWS::ApiGateway::Resource", []):
        p = properties(logical_id, resource)
        if p.get("RestApiId") not in (api_id, None):
            continue
        parts[logical_id] = (str(p.get("ParentId")), str(p.get("PathPart", "")))
    paths: dict[str, str] = {ROOT: "/"}

    def path_of(logical_id: str, seen: tuple[str, ...] = ()) -> str:
        if logical_id in paths:
            return paths[logical_id]
        if logical_id not in parts or logical_id in seen:
            raise LoaderError(file, f"Resources.{seen[-1] if seen else logical_id}.Properties.ParentId",
                              f"{logical_id!r} is not an AWS::ApiGateway::Resource of {api_id} nor its root")
        parent, part = parts[logical_id]
        paths[logical_id] = path_of(parent, seen + (logical_id,)).rstrip("/") + "/" + part
        return paths[logical_id]

    for logical_id in parts:
        api.resource(path_of(logical_id), logical_id)

    for logical_id, resource in by_type.get("AWS::ApiGateway::Method", []):
        where = f"Resources.{logical_id}.Properties"
        p = properties(logical_id, resource)
        if p.get("RestApiId") not in (api_id, None):
            continue
        resource_id = str(p.get("ResourceId", ROOT))
        verb = p.get("HttpMethod")
        if not isinstance(verb, str):
            raise LoaderError(file, f"{where}.HttpMethod", "is required (GET, POST, ..., ANY)")
        method = Method(verb.upper(), resource_id=None if resource_id == ROOT else resource_id, location=where)
        if p.get("Integration") is not None:
            method.integration = _integration(p["Integration"], verb, resource_id, file, f"{where}.Integration",
                                              api.warnings)
        if p.get("MethodResponses") is not None:
            method.method_responses = checked_method_responses(
                camel_keys(p["MethodResponses"], _METHOD_RESPONSE_MAPS), file, f"{where}.MethodResponses")
        api.add_method(path_of(resource_id), method)

    for logical_id, resource in by_type.get("AWS::ApiGateway::Stage", []):
        p = properties(logical_id, resource)
        if p.get("StageName"):
            api.stages[str(p["StageName"])] = Stage(str(p["StageName"]), string_map(p.get("Variables")))
    for logical_id, resource in by_type.get("AWS::ApiGateway::Deployment", []):
        p = properties(logical_id, resource)
        if p.get("StageName") and str(p["StageName"]) not in api.stages:
            description = p.get("StageDescription")
            variables = description.get("Variables") if isinstance(description, Mapping) else None
            api.stages[str(p["StageName"])] = Stage(str(p["StageName"]), string_map(variables))
    for logical_id, resource in by_type.get("AWS::ApiGateway::VpcLink", []):
        p = properties(logical_id, resource)
        targets = p.get("TargetArns") or ()
        if not isinstance(targets, (list, tuple)):
            raise LoaderError(file, f"Resources.{logical_id}.Properties.TargetArns", "must be a list of ARNs")
        api.vpc_links.append(VpcLinkDefinition(logical_id, p.get("Name"), tuple(map(str, targets))))
    if by_type.get("AWS::Serverless::Function") and not by_type.get("AWS::ApiGateway::Method") and body is None:
        api.warnings.append("Resources: SAM functions' implicit Api events are not read; define an "
                            "AWS::Serverless::Api with a DefinitionBody")
    return api


def _integration(data: Any, verb: str, resource_id: str, file: str, where: str, warnings: list[str]):
    if not isinstance(data, Mapping):
        raise LoaderError(file, where, "Integration must be an object")
    shape = camel_keys(data, _INTEGRATION_MAPS)
    # CloudFormation writes put-integration's input, plus the integration responses.
    responses = shape.pop("integrationResponses", None)
    put_input = {"restApiId": "api", "resourceId": resource_id, "httpMethod": verb, **shape}
    found: list[str] = []
    integration = checked_integration(read_put_integration_input, put_input, file, where, found)
    if not responses:
        warnings.extend(found)
    else:
        from ..apigw.model import Integration, IntegrationValidationError
        try:
            merged = Integration.from_aws_json({**integration.to_aws_json(), "integrationResponses": responses},
                                               strict=False)
        except IntegrationValidationError as error:
            raise LoaderError(file, f"{where}.IntegrationResponses", str(error)) from None
        integration = merged
        warnings.extend(f"{where}: {problem}" for problem in merged.warnings())
        warnings.extend(strict_warnings(merged, where))
    return integration
