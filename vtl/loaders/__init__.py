"""Users' own API definitions, in the formats they keep them, as one :class:`Api`.

``load(path)`` reads the file and chooses the loader by its content:

* OpenAPI 2/3 with API Gateway extensions (also ``aws apigateway get-export`` output),
* CloudFormation / SAM templates, JSON or YAML (CDK's ``cdk.out/*.template.json`` too),
* AWS CLI JSON: get-integration output, put-integration ``--cli-input-json`` input,
  get-resources (``--embed methods``) output,
* Terraform ``.tf`` files (a file, or a directory of them).

Whatever cannot be read raises :class:`LoaderError` naming the file and the place in it.
"""
from __future__ import annotations

import json
from pathlib import Path

from .api import Api, Method, Resource, Stage, VpcLinkDefinition
from .errors import LoaderError

__all__ = ["Api", "LoaderError", "Method", "Resource", "Stage", "VpcLinkDefinition", "load", "load_text"]


def load(path: str | Path) -> Api:
    path = Path(path)
    if path.is_dir():
        tf_files = sorted(path.glob("*.tf"))
        if tf_files:
            from .terraform import load_terraform_files
            return _with_stage_warnings(load_terraform_files(tf_files, str(path)))
        raise LoaderError(str(path), "", "a directory is read as Terraform, and this one has no .tf file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LoaderError(str(path), "", f"cannot read the file: {error}") from None
    return load_text(text, str(path))


def load_text(text: str, file: str = "<text>") -> Api:
    """Read a definition given as text; ``file`` names it in messages (its suffix ``.tf``
    chooses Terraform)."""
    return _with_stage_warnings(_load_text(text, file))


def _with_stage_warnings(api: Api) -> Api:
    from ..apigw.model_rules import stage_variable_problems
    for stage in api.stages.values():
        api.warnings.extend(stage_variable_problems(stage.variables, f"stage {stage.name}"))
    return api


def _load_text(text: str, file: str) -> Api:
    if file.endswith(".tf") or (_looks_like_hcl(text) and not text.lstrip().startswith(("{", "["))):
        from .terraform import load_terraform_files
        return load_terraform_files([(file, text)], file)
    document = _parse(text, file)
    from . import awscli, cloudformation, openapi
    if openapi.is_openapi(document):
        return openapi.load_openapi(document, file)
    if cloudformation.is_cloudformation(document):
        return cloudformation.load_cloudformation(document, file)
    if awscli.kind_of(document):
        return awscli.load_aws_cli(document, file)
    if isinstance(document, dict) and isinstance(document.get("body"), (dict, str)):
        body = document["body"]  # get-export --output json writes {"body": ...} in some tools
        return _load_text(body if isinstance(body, str) else json.dumps(body), file)
    raise LoaderError(file, "(top)", "not a definition vtl knows: expected OpenAPI (openapi/swagger), "
                                     "a CloudFormation/SAM template (Resources), AWS CLI JSON "
                                     "(get-integration, put-integration input, get-resources) or "
                                     "Terraform (.tf)")


def _parse(text: str, file: str):
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise LoaderError(file, f"line {error.lineno}, column {error.colno}", f"not JSON: {error.msg}") from None
    from .cloudformation import parse_yaml
    document = parse_yaml(text, file)
    return document


def _looks_like_hcl(text: str) -> bool:
    return any(line.startswith(("resource \"", "variable \"", "provider \"", "locals {", "terraform {"))
               for line in text.splitlines())
