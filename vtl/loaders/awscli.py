"""What the AWS CLI prints or takes, as JSON files.

* ``aws apigateway get-integration`` output: one integration; served for every path and
  method (``ANY /`` and ``ANY /{proxy+}``), since the file does not say where it belongs.
* ``aws apigateway put-integration --cli-input-json`` input: one integration for the method
  ``httpMethod``, on every path (its resource is named only by id).
* ``aws apigateway get-resources --embed methods`` output: the resources with their methods.
* ``aws apigateway get-export`` output is OpenAPI, read by :mod:`vtl.loaders.openapi`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..apigw import model_rules as rules
from ..apigw.model_loaders import LoadedIntegration, read_put_integration_input
from ..apigw.model import Integration
from .api import Api, Method
from .common import checked_integration, checked_method_responses
from .errors import LoaderError


def _read_get_integration(data: Any, *, strict: bool) -> LoadedIntegration:
    from ..apigw.model_loaders import MethodKey
    return LoadedIntegration(MethodKey(None, None, None), Integration.from_aws_json(data, strict=strict))


def kind_of(document: Any) -> str | None:
    if not isinstance(document, Mapping):
        return None
    if "restApiId" in document and "type" in document:
        return "put-integration"
    if isinstance(document.get("items"), list) and all(isinstance(i, Mapping) and "path" in i
                                                       for i in document["items"]):
        return "get-resources"
    kind = document.get("type")
    if isinstance(kind, str) and kind.upper() in rules.INTEGRATION_TYPES:
        return "get-integration"
    return None


def load_aws_cli(document: Mapping[str, Any], file: str) -> Api:
    api = Api(file, "aws-cli")
    kind = kind_of(document)
    if kind == "get-integration":
        integration = checked_integration(_read_get_integration, document, file, "(get-integration)", api.warnings)
        for path in ("/", "/{proxy+}"):
            api.add_method(path, Method("ANY", integration, location="(get-integration)"))
        api.warnings.append("get-integration output does not say which resource it belongs to: "
                            "it answers every path and method")
    elif kind == "put-integration":
        integration = checked_integration(read_put_integration_input, document, file, "(put-integration input)",
                                          api.warnings)
        verb = str(document.get("httpMethod")).upper()
        api.id = str(document.get("restApiId"))
        for path in ("/", "/{proxy+}"):
            api.add_method(path, Method(verb, integration, resource_id=str(document.get("resourceId")),
                                        location="(put-integration input)"))
        api.resources["/"].id = str(document.get("resourceId"))
        api.warnings.append(f"put-integration input names its resource only by id: the {verb} method "
                            f"answers on every path")
    elif kind == "get-resources":
        for index, item in enumerate(document["items"]):
            where = f"items[{index}]"
            api.resource(str(item["path"]), item.get("id"))
            for verb, data in (item.get("resourceMethods") or {}).items():
                method = Method(str(verb).upper(), resource_id=item.get("id"), location=f"{where}.resourceMethods.{verb}")
                if isinstance(data, Mapping) and data.get("methodIntegration") is not None:
                    method.integration = checked_integration(
                        _read_get_integration, data["methodIntegration"], file,
                        f"{where}.resourceMethods.{verb}.methodIntegration", api.warnings)
                if isinstance(data, Mapping) and data.get("methodResponses") is not None:
                    method.method_responses = checked_method_responses(
                        data["methodResponses"], file, f"{where}.resourceMethods.{verb}.methodResponses")
                api.add_method(str(item["path"]), method)
    else:
        raise LoaderError(file, "(top)", "not AWS CLI JSON this loader knows (get-integration, "
                                         "put-integration input, get-resources, get-export)")
    return api
