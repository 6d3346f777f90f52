"""The local gateway's configuration file (JSON or YAML).

```
{
  "stage": "dev",                                  # the stage to serve (else the API's first)
  "stageVariables": {"vpcLinkId": "abc123"},       # added to the stage's own variables
  "functions": {"my-function": "handlers:main"},   # Lambda function name or ARN -> module:function
  "vpcLinks": {"abc123": {"target": "http://127.0.0.1:9000",
                          "availableAfterSeconds": 0, "fail": null}},
  "connections": {"partner": {"AuthorizationType": "API_KEY",
                              "AuthParameters": {"ApiKeyAuthParameters": {...}}}},
  "connectionAttachments": {"GET /orders": "partner"}
}
```

Module paths of ``functions`` are found next to the configuration file first.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..loaders.errors import LoaderError

_KEYS = ("stage", "stageVariables", "functions", "vpcLinks", "connections", "connectionAttachments")


@dataclass
class GatewayConfig:
    stage: str | None = None
    stage_variables: dict[str, str] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    vpc_links: dict[str, dict[str, Any]] = field(default_factory=dict)
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    connection_attachments: dict[str, str] = field(default_factory=dict)
    base_dir: Path | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, file: str = "<config>",
                  base_dir: Path | None = None) -> GatewayConfig:
        data = data or {}
        if not isinstance(data, Mapping):
            raise LoaderError(file, "(top)", "the configuration must be an object")
        for key in data:
            if key not in _KEYS:
                raise LoaderError(file, key, f"is not a configuration key (known: {', '.join(_KEYS)})")
        for key in _KEYS[1:]:
            if data.get(key) is not None and not isinstance(data[key], Mapping):
                raise LoaderError(file, key, "must be an object")
        for name, target in (data.get("functions") or {}).items():
            if not isinstance(target, str) or ":" not in target:
                raise LoaderError(file, f"functions.{name}", "must name a handler as module:function")
        for link_id, link in (data.get("vpcLinks") or {}).items():
            if not isinstance(link, Mapping) or not isinstance(link.get("target"), str):
                raise LoaderError(file, f"vpcLinks.{link_id}", 'needs "target": the local URL the link reaches')
        return cls(stage=data.get("stage"),
                   stage_variables={str(k): str(v) for k, v in (data.get("stageVariables") or {}).items()},
                   functions=dict(data.get("functions") or {}),
                   vpc_links={str(k): dict(v) for k, v in (data.get("vpcLinks") or {}).items()},
                   connections={str(k): v for k, v in (data.get("connections") or {}).items()},
                   connection_attachments={str(k): str(v) for k, v in
                                           (data.get("connectionAttachments") or {}).items()},
                   base_dir=base_dir)

    @classmethod
    def load(cls, path: str | Path) -> GatewayConfig:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise LoaderError(str(path), "", f"cannot read the configuration: {error}") from None
        if text.lstrip().startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise LoaderError(str(path), f"line {error.lineno}, column {error.colno}", f"not JSON: {error.msg}") from None
        else:
            from ..loaders.cloudformation import parse_yaml
            data = parse_yaml(text, str(path))
        return cls.from_dict(data, str(path), path.resolve().parent)
