"""update-integration and update-integration-response patch operations.

A patch operation is ``{"op": "add"|"replace"|"remove", "path": "/requestTemplates/application~1json",
"value": "..."}``. Paths are JSON pointers: ``~1`` stands for ``/`` and ``~0`` for ``~`` inside a
segment. Values are strings, as in the AWS API (``"1000"``, ``"true"``); numbers and booleans
are accepted too.

The operations are applied, in order, to the get-integration JSON of the object, which is then
read back, so the result passes every rule again. Problems in the operations themselves are
reported with the field ``patchOperations.N`` (counting from 1, as AWS does).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import model_rules as rules
from .model_rules import Problem

_VALID_OPS = ("add", "remove", "replace", "move", "copy", "test")


@dataclass(frozen=True)
class _PathRule:
    """The operations one path (or family of paths) accepts, and how values are converted."""

    ops: frozenset[str]
    kind: str  # "scalar", "map" (/field/{key}), "list" (/field/{item}) or "nested" (/a/b)
    convert: Callable[[Any], Any] = lambda value: value


def _to_int(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value  # left as it is for the rules to report


def _to_bool(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _blank_is_absent(value: Any) -> Any:
    # Patch values are strings; replacing an optional setting with "" (or null) clears it.
    return None if value in ("", None) else value


_REPLACE = frozenset({"replace"})
_MAP_OPS = frozenset({"add", "replace", "remove"})
_LIST_OPS = frozenset({"add", "remove"})

# Sources: the UpdateIntegration table of AWS's "Patch Operations" page as emulators read it,
# the Terraform provider's update code, and the private-integration guide (seed 002).
INTEGRATION_PATHS: dict[str, _PathRule] = {
    "httpMethod": _PathRule(_REPLACE, "scalar"),
    "uri": _PathRule(_REPLACE, "scalar"),
    "connectionType": _PathRule(_REPLACE, "scalar"),
    "connectionId": _PathRule(_REPLACE, "scalar", _blank_is_absent),
    "integrationTarget": _PathRule(_REPLACE, "scalar", _blank_is_absent),
    "credentials": _PathRule(_REPLACE, "scalar", _blank_is_absent),
    "passthroughBehavior": _PathRule(_REPLACE, "scalar"),
    "contentHandling": _PathRule(_REPLACE, "scalar", _blank_is_absent),
    "cacheNamespace": _PathRule(_REPLACE, "scalar", _blank_is_absent),
    "timeoutInMillis": _PathRule(_REPLACE, "scalar", _to_int),
    "responseTransferMode": _PathRule(_REPLACE, "scalar", _blank_is_absent),
    "tlsConfig/insecureSkipVerification": _PathRule(_REPLACE, "nested", _to_bool),
    "requestParameters": _PathRule(_MAP_OPS, "map"),
    "requestTemplates": _PathRule(_MAP_OPS, "map"),
    "cacheKeyParameters": _PathRule(_LIST_OPS, "list"),
}

INTEGRATION_RESPONSE_PATHS: dict[str, _PathRule] = {
    "selectionPattern": _PathRule(_REPLACE, "scalar"),
    "contentHandling": _PathRule(_REPLACE, "scalar", _blank_is_absent),
    "responseParameters": _PathRule(_MAP_OPS, "map"),
    "responseTemplates": _PathRule(_MAP_OPS, "map"),
}


def apply_patch(integration, operations: list[Mapping[str, Any]], *, strict: bool = True):
    """The integration after update-integration's ``patchOperations``, validated again."""
    from .model import Integration

    data, problems = _patched(integration.to_aws_json(), operations, INTEGRATION_PATHS, "updateIntegrationInput")
    result = Integration._read(data, problems, None)
    rules.raise_if_any(problems + result.problems(strict=strict))
    return result


def apply_integration_response_patch(response, operations: list[Mapping[str, Any]]):
    """The integration response after update-integration-response's ``patchOperations``."""
    from .model import IntegrationResponse

    data, problems = _patched(response.to_aws_json(), operations, INTEGRATION_RESPONSE_PATHS,
                              "updateIntegrationResponseInput")
    result = IntegrationResponse._read(data, "", problems, response.status_code)
    rules.raise_if_any(problems + rules.integration_response_problems(result, ""), "integration response")
    return result


def _patched(data: dict[str, Any], operations: object, table: dict[str, _PathRule],
             input_name: str) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(operations, (list, tuple)):
        return data, [Problem("patchOperations", f"must be a list of operations, not {rules.json_type(operations)}")]
    for number, operation in enumerate(operations, start=1):
        field = f"patchOperations.{number}"
        problem = _apply_one(data, operation, table, f"{input_name}.{field}.member.op")
        if problem:
            problems.append(Problem(field, problem))
    return data, problems


def _apply_one(data: dict[str, Any], operation: object, table: dict[str, _PathRule], op_path: str) -> str | None:
    """Apply one operation to ``data`` in place; the reason it cannot be applied, or None."""
    if not isinstance(operation, Mapping):
        return f"an operation must be an object with op, path and value, not {rules.json_type(operation)}"
    op, path = operation.get("op"), operation.get("path")
    if op not in _VALID_OPS:
        return rules.enum_message(op, op_path, _VALID_OPS)
    if not isinstance(path, str) or not path.startswith("/"):
        return f"the path must be a JSON pointer starting with '/', not {path!r}"
    segments = [_unescape(segment) for segment in path[1:].split("/")]
    name, rule, rest = _match_rule(segments, table)
    if rule is None:
        return _unknown_path(path, op, segments, table)
    if op not in rule.ops:
        return f"Invalid patch path  '{path}' specified for op '{op}'. Please choose supported operations"
    value = rule.convert(operation.get("value"))
    if rule.kind == "map":
        return _patch_map(data, name, rest, op, value)
    if rule.kind == "list":
        return _patch_list(data, name, rest, op, value)
    if rule.kind == "nested":
        outer, inner = name.split("/")
        data.setdefault(outer, {})[inner] = value
        return None
    if value is None:
        data.pop(name, None)
    else:
        data[name] = value
    return None


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")  # RFC 6901: ~1 first, then ~0


def _match_rule(segments: list[str], table: dict[str, _PathRule]) -> tuple[str, _PathRule | None, str | None]:
    nested = "/".join(segments)
    if nested in table and table[nested].kind in ("scalar", "nested"):
        return nested, table[nested], None
    head = segments[0]
    rule = table.get(head)
    if rule is None:
        return head, None, None
    if rule.kind == "map" and len(segments) == 2 and segments[1]:
        return head, rule, segments[1]
    if rule.kind == "list" and len(segments) <= 2:
        return head, rule, segments[1] if len(segments) == 2 else None
    return head, None, None


def _unknown_path(path: str, op: str, segments: list[str], table: dict[str, _PathRule]) -> str:
    paths = ", ".join(f"/{name}/{{name}}" if rule.kind in ("map", "list") else f"/{name}"
                      for name, rule in table.items())
    message = f"Invalid patch path  '{path}' specified for op '{op}'. Must be one of: [{paths}]"
    rule = table.get(segments[0])
    if len(segments) > 2 and rule is not None and rule.kind == "map":
        message += " (write '/' inside a key as ~1, e.g. /requestTemplates/application~1json)"
    return message


def _patch_map(data: dict[str, Any], name: str, key: str, op: str, value: Any) -> str | None:
    entries = dict(data.get(name) or {})
    if op != "add" and key not in entries:
        return f"Invalid parameter name specified ({name} has no entry {key!r} to {op})"
    if op == "remove":
        del entries[key]
    else:
        entries[key] = value
    data[name] = entries
    return None


def _patch_list(data: dict[str, Any], name: str, item: str | None, op: str, value: Any) -> str | None:
    # Terraform sends {"op": "add", "path": "/cacheKeyParameters/method.request.path.id", "value": ""};
    # "/cacheKeyParameters" with the parameter as value is accepted as well.
    item = item if item is not None else value
    if not isinstance(item, str) or not item:
        return f"name the {name} entry in the path (/{name}/NAME) or the value"
    items = list(data.get(name) or [])
    if op == "add":
        if item not in items:
            items.append(item)
    elif item in items:
        items.remove(item)
    else:
        return f"Invalid parameter name specified ({name} has no entry {item!r} to remove)"
    data[name] = items
    return None
