"""Terraform configurations (``.tf``, HCL) with the AWS provider's API Gateway resources.

``aws_api_gateway_rest_api``, ``_resource``, ``_method``, ``_method_response``,
``_integration``, ``_integration_response``, ``_vpc_link`` and ``_stage``, with the argument
names and required-if rules of the provider's documentation (``integration_http_method``
for AWS, AWS_PROXY, HTTP and HTTP_PROXY; ``uri`` for HTTP and AWS; ``connection_id`` for
VPC_LINK). References between resources (``aws_api_gateway_resource.pets.id``), variables
with defaults and locals are resolved. Locally a resource's id is its name label, so the
import address ``REST-API-ID/RESOURCE-ID/HTTP-METHOD`` of a method is e.g. ``api/pets/GET``
(the root resource's id is ``root``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..apigw.context import DEFAULT_ACCOUNT_ID, REGION
from ..apigw.model import Integration, IntegrationResponse, IntegrationValidationError
from ..apigw.model_loaders import read_terraform_integration
from .api import Api, Method, Stage, VpcLinkDefinition, string_map
from .common import checked_integration, checked_method_responses
from .errors import LoaderError

ROOT_ID = "root"
_META_ARGUMENTS = frozenset({"depends_on", "count", "for_each", "provider", "lifecycle"})
_REFERENCE = re.compile(r"(?<!\$)\$\{\s*([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)+)\s*\}")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)\n(.*?\n?)[ \t]*\2\Z", re.S)
_TYPES = ("rest_api", "resource", "method", "method_response", "integration", "integration_response",
          "vpc_link", "stage", "deployment")


def _parse(text: str, file: str) -> dict[str, Any]:
    import hcl2
    options = hcl2.SerializationOptions(with_comments=False, explicit_blocks=False, preserve_heredocs=True,
                                        strip_string_quotes=True)
    try:
        return hcl2.loads(text, serialization_options=options)
    except Exception as error:  # lark's parse errors carry line and column
        line, column = getattr(error, "line", None), getattr(error, "column", None)
        where = f"line {line}, column {column}" if line else ""
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise LoaderError(file, where, f"not Terraform (HCL): {first}") from None


def _heredoc(value: str) -> str:
    found = _HEREDOC.fullmatch(value)
    if not found:
        return value
    body = found.group(3)
    if found.group(1):  # <<-: strip the common indentation
        lines = body.split("\n")
        indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(indents) if indents else 0
        body = "\n".join(line[cut:] for line in lines)
    return body


class _Config:
    def __init__(self, files: Iterable[tuple[str, str]], source: str, warnings: list[str]):
        self.source, self.warnings = source, warnings
        self.resources: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}  # type -> name -> (file, args)
        self.variables: dict[str, Any] = {}
        self.locals: dict[str, Any] = {}
        for file, text in files:
            document = _parse(text, file)
            for block in document.get("resource") or []:
                for kind, named in block.items():
                    for name, arguments in named.items():
                        self.resources.setdefault(kind, {})[name] = (file, arguments)
            for block in document.get("variable") or []:
                for name, arguments in block.items():
                    if isinstance(arguments, Mapping) and "default" in arguments:
                        self.variables[name] = arguments["default"]
            for block in document.get("locals") or []:
                self.locals.update(block)

    def of(self, kind: str) -> dict[str, tuple[str, dict[str, Any]]]:
        return self.resources.get(f"aws_api_gateway_{kind}", {})

    # --- references --------------------------------------------------------------------------

    def resolve(self, value: Any, where: str, depth: int = 0) -> Any:
        if isinstance(value, list):
            return [self.resolve(item, where, depth) for item in value]
        if isinstance(value, Mapping):
            return {self.resolve(key, where, depth): self.resolve(item, where, depth) for key, item in value.items()}
        if not isinstance(value, str):
            return value
        value = _heredoc(value)
        whole = _REFERENCE.fullmatch(value.strip())
        if whole and depth < 10:
            found = self.lookup(whole.group(1), where, depth)
            if found is not None and not isinstance(found, str):
                return found

        def replace(match: re.Match[str]) -> str:
            if match.group(1).startswith("stageVariables."):
                return match.group(0)
            found = self.lookup(match.group(1), where, depth) if depth < 10 else None
            return match.group(0) if found is None else str(found)
        text = _REFERENCE.sub(replace, value)
        return text.replace("$${", "${").replace("%%{", "%{")

    def lookup(self, reference: str, where: str, depth: int) -> Any:
        parts = reference.split(".")
        if parts[0] == "var" and len(parts) == 2:
            return self.known(self.variables.get(parts[1]), reference, where, depth)
        if parts[0] == "local" and len(parts) == 2:
            return self.known(self.locals.get(parts[1]), reference, where, depth)
        if len(parts) == 3 and parts[0] in self.resources and parts[1] in self.resources[parts[0]]:
            kind, name, attribute = parts
            _, arguments = self.resources[kind][name]
            if kind == "aws_api_gateway_rest_api" and attribute == "root_resource_id":
                return ROOT_ID
            if kind == "aws_api_gateway_resource" and attribute == "path":
                return self.path_of(name, where)
            if attribute == "id" and kind.startswith("aws_api_gateway_"):
                return name
            if kind == "aws_lambda_function" and attribute in ("arn", "invoke_arn", "qualified_arn"):
                function = self.resolve(arguments.get("function_name", name), where, depth + 1)
                arn = f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:{function}"
                if attribute == "invoke_arn":
                    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations"
                return arn
            if attribute in arguments:
                return self.resolve(arguments[attribute], where, depth + 1)
        if reference.startswith(("data.aws_region.", "data.aws_caller_identity.")):
            return REGION if reference.endswith((".name", ".id", ".region")) and "region" in reference \
                else DEFAULT_ACCOUNT_ID
        self.warnings.append(f"{where}: {reference} cannot be resolved locally")
        return None

    def known(self, value: Any, reference: str, where: str, depth: int) -> Any:
        if value is None:
            self.warnings.append(f"{where}: {reference} has no default value (left unresolved)")
            return None
        return self.resolve(value, where, depth + 1)

    def path_of(self, name: str, where: str, seen: tuple[str, ...] = ()) -> str:
        resources = self.of("resource")
        if name == ROOT_ID:
            return "/"
        if name not in resources or name in seen:
            raise LoaderError(self.source, where, f"aws_api_gateway_resource.{name} is not defined (or its "
                                                  f"parents form a loop)")
        file, arguments = resources[name]
        parent = self.resolve(arguments.get("parent_id"), f"aws_api_gateway_resource.{name}")
        part = self.resolve(arguments.get("path_part"), f"aws_api_gateway_resource.{name}")
        if parent is None or part is None:
            raise LoaderError(file, f"aws_api_gateway_resource.{name}", "parent_id and path_part are required")
        return self.path_of(str(parent), where, seen + (name,)).rstrip("/") + "/" + str(part)


def load_terraform_files(files: Iterable[Path | tuple[str, str]], source: str) -> Api:
    texts = []
    for item in files:
        if isinstance(item, tuple):
            texts.append(item)
        else:
            try:
                texts.append((str(item), item.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as error:
                raise LoaderError(str(item), "", f"cannot read the file: {error}") from None
    api = Api(source, "terraform")
    config = _Config(texts, source, api.warnings)
    apis = config.of("rest_api")
    if not apis:
        raise LoaderError(source, "", "no aws_api_gateway_rest_api resource")
    api.id, (api_file, api_arguments) = next(iter(apis.items()))
    if len(apis) > 1:
        api.warnings.append(f"{len(apis)} aws_api_gateway_rest_api resources: serving {api.id}")
    where = f"aws_api_gateway_rest_api.{api.id}"
    arguments = config.resolve(api_arguments, where)
    api.name = arguments.get("name") or api.id
    api.binary_media_types = [str(m).replace("~1", "/") for m in arguments.get("binary_media_types") or []]
    if arguments.get("body"):
        api.warnings.append(f"{where}: body (an OpenAPI definition in HCL) is not read; use the resources")
    api.resource("/", ROOT_ID)
    for name in config.of("resource"):
        api.resource(config.path_of(name, f"aws_api_gateway_resource.{name}"), name)

    def method_key(kind: str, name: str) -> tuple[str, str, dict[str, Any], str]:
        file, raw = config.of(kind)[name]
        where = f"aws_{'api_gateway_'}{kind}.{name}"
        values = config.resolve(raw, where)
        missing = [a for a in ("rest_api_id", "resource_id", "http_method") if values.get(a) is None]
        if missing:
            raise LoaderError(file, where, f'The argument "{missing[0]}" is required, but no definition was found.')
        if values["rest_api_id"] != api.id:
            return "", "", values, where
        resource_id = str(values["resource_id"])
        return config.path_of(resource_id, where), str(values["http_method"]).upper(), values, where

    for name in config.of("method"):
        path, verb, values, where = method_key("method", name)
        if path:
            api.add_method(path, Method(verb, resource_id=str(values["resource_id"]), location=where))
    responses: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for name in config.of("method_response"):
        path, verb, values, where = method_key("method_response", name)
        if path:
            _method(api, path, verb, config.of("method_response")[name][0], where)
            responses.setdefault((path, verb), {})[str(values.get("status_code"))] = {
                "statusCode": str(values.get("status_code")),
                "responseParameters": values.get("response_parameters") or {},
                "responseModels": values.get("response_models") or {}}
    for (path, verb), declared in responses.items():
        api.resources[path].methods[verb].method_responses = checked_method_responses(
            declared, api.source, f"aws_api_gateway_method_response for {verb} {path}")
    integration_responses: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for name in config.of("integration_response"):
        path, verb, values, where = method_key("integration_response", name)
        if path:
            integration_responses.setdefault((path, verb), []).append((where, values))
    for name in config.of("integration"):
        file = config.of("integration")[name][0]
        path, verb, values, where = method_key("integration", name)
        if not path:
            continue
        values = {k: v for k, v in values.items() if k not in _META_ARGUMENTS}
        _required_ifs(values, file, where)
        read_warnings: list[str] = []
        integration = checked_integration(read_terraform_integration, values, file, where, read_warnings)
        found = integration_responses.get((path, verb), [])
        api.warnings.extend(w for w in read_warnings if not (found and ": integrationResponses" in w))
        if found:
            integration = _with_responses(integration, found, file)
            api.warnings.extend(f"{where}: {p}" for p in integration.warnings()
                                if not str(p).startswith("integrationResponses"))
        _method(api, path, verb, file, where).integration = integration
    for name in config.of("stage"):
        values = config.resolve(config.of("stage")[name][1], f"aws_api_gateway_stage.{name}")
        if values.get("stage_name"):
            api.stages[str(values["stage_name"])] = Stage(str(values["stage_name"]), string_map(values.get("variables")))
    for name in config.of("vpc_link"):
        values = config.resolve(config.of("vpc_link")[name][1], f"aws_api_gateway_vpc_link.{name}")
        api.vpc_links.append(VpcLinkDefinition(name, values.get("name"), tuple(map(str, values.get("target_arns") or ()))))
    return api


def _method(api: Api, path: str, verb: str, file: str, where: str) -> Method:
    method = api.resources[path].methods.get(verb)
    if method is None:
        raise LoaderError(file, where, f"no aws_api_gateway_method defines {verb} on {path}")
    return method


def _required_ifs(values: Mapping[str, Any], file: str, where: str) -> None:
    """The provider documentation's "Required if" rules."""
    kind = str(values.get("type", "")).upper()
    if kind in ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY") and not values.get("integration_http_method"):
        raise LoaderError(file, f"{where}.integration_http_method", f"is required when type is {kind}")
    if kind in ("HTTP", "AWS") and not values.get("uri"):
        raise LoaderError(file, f"{where}.uri", f"is required when type is {kind}")
    if str(values.get("connection_type", "")).upper() == "VPC_LINK" and not values.get("connection_id"):
        raise LoaderError(file, f"{where}.connection_id", "is required when connection_type is VPC_LINK")


def _with_responses(integration: Integration, found: list[tuple[str, dict[str, Any]]], file: str) -> Integration:
    responses = {}
    for where, values in found:
        data = {"statusCode": str(values.get("status_code"))}
        for argument, field in (("selection_pattern", "selectionPattern"), ("response_parameters", "responseParameters"),
                                ("response_templates", "responseTemplates"), ("content_handling", "contentHandling")):
            if values.get(argument) is not None:
                data[field] = values[argument]
        try:
            responses[data["statusCode"]] = IntegrationResponse.from_aws_json(data)
        except IntegrationValidationError as error:
            raise LoaderError(file, where, str(error)) from None
    try:
        merged = integration.replace(strict=False, integration_responses=responses)
    except IntegrationValidationError as error:
        raise LoaderError(file, found[0][0], str(error)) from None
    return merged
