"""Case files: what to run, with which request, and what should come out.

A case file is YAML or JSON: an object with ``cases`` (a list) and, beside it, defaults that
every case inherits (any case key but ``name`` and ``expect``), or just a list of cases.
Paths are relative to the case file. One case says *what* to run, in one of three ways:

``template: FILE`` (or ``template_source: TEXT``)
    render one template; ``phase: integration_response`` renders it as a response template
    (``backend`` is then the integration response it reads); ``context:`` adds plain
    variables; ``dialect: velocity`` renders plain Velocity.
``integration: FILE | {get-integration JSON}``
    run the whole integration pipeline. In an inline integration a template may be given as
    ``{"file": "templates/x.vtl"}``. ``api`` (``binaryMediaTypes``), ``method_responses`` and
    ``resource_path`` are optional.
``infra: FILE`` with ``method: POST`` and ``resource: /orders/{id}``
    the integration of that method in an OpenAPI file (JSON or YAML, also an OpenAPI body
    inside a SAM/CloudFormation template), or in whatever :func:`vtl.loaders.load` reads.

``request`` is the case-format request object (method, path, headers, query, path_params,
body, stage_variables, context); ``backend`` the simulated backend's answer (``{status,
headers, body}`` or ``{status: 200, echo: true}``). ``expect`` lists the checks, see
:mod:`vtl.testing.runner`.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..loaders.cloudformation import CloudFormationYamlLoader

CASE_FILE_SUFFIXES = (".cases.yaml", ".cases.yml", ".cases.json")

TARGET_KEYS = frozenset({"template", "template_source", "phase", "dialect", "context", "integration", "api",
                         "method_responses", "methodResponses", "resource_path", "resourcePath", "infra",
                         "method", "resource"})
CASE_KEYS = TARGET_KEYS | {"name", "request", "backend", "backend_response", "expect", "skip"}
FILE_KEYS = (CASE_KEYS - {"name", "expect"}) | {"cases", "description"}
EXPECT_KEYS = frozenset({"output", "body", "json", "json_subset", "status", "headers", "integration_request",
                         "error", "contains", "not_contains"})


class CaseFileError(Exception):
    """A case file that cannot be read or makes no sense (``vtl test`` exits 2)."""


@dataclass
class Case:
    name: str
    file: Path
    index: int
    data: dict[str, Any]  # the case's keys, file defaults merged in
    expect: dict[str, Any] = field(default_factory=dict)
    skip: str | None = None

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"

    @property
    def kind(self) -> str:
        if "template" in self.data or "template_source" in self.data:
            return "template"
        if "integration" in self.data:
            return "integration"
        if "infra" in self.data:
            return "infra"
        return "none"

    def path(self, relative: str) -> Path:
        """A path written in the case file, read relative to it."""
        try:
            os.fsencode(relative)
        except UnicodeError:
            raise CaseFileError(f"{self.id}: {relative!r} cannot be a file name") from None
        candidate = Path(relative)
        return candidate if candidate.is_absolute() else Path(os.path.normpath(self.file.parent / candidate))


def is_case_file(path: Path) -> bool:
    return path.name.endswith(CASE_FILE_SUFFIXES)


def discover(paths: list[str]) -> list[Path]:
    """Case files named on the command line; directories are searched for ``*.cases.yaml``,
    ``*.cases.yml`` and ``*.cases.json``."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(item for item in path.rglob("*") if item.is_file() and is_case_file(item)
                                and not any(part.startswith(".") or part in ("node_modules", ".venv")
                                            for part in item.relative_to(path).parts[:-1])))
        elif path.exists():
            found.append(path)
        else:
            raise CaseFileError(f"{name}: no such file or directory")
    return found


def read_data(path: Path) -> Any:
    """A YAML or JSON file (JSON is YAML, but its errors read better from json)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CaseFileError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise CaseFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CaseFileError(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    try:
        return yaml.load(text, Loader=CloudFormationYamlLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise CaseFileError(f"{where}: not YAML: {getattr(error, 'problem', None) or error}") from None


def _merge_request(defaults: Any, own: Any) -> Any:
    if not isinstance(defaults, Mapping) or not isinstance(own, Mapping):
        return own if own is not None else defaults
    merged = dict(defaults)
    for key, value in own.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def load_cases(path: Path) -> list[Case]:
    """The cases of one case file (raises :class:`CaseFileError`)."""
    data = read_data(path)
    if isinstance(data, list):
        defaults: dict[str, Any] = {}
        items = data
    elif isinstance(data, Mapping):
        unknown = sorted(set(data) - FILE_KEYS)
        if "cases" not in data:
            if "expect" in data:  # a file holding one case
                return load_cases_from([dict(data)], {}, path)
            raise CaseFileError(f"{path}: a case file is a list of cases or an object with `cases`")
        if unknown:
            raise CaseFileError(f"{path}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(FILE_KEYS))})")
        defaults = {key: value for key, value in data.items() if key not in ("cases", "description")}
        items = data["cases"]
    else:
        raise CaseFileError(f"{path}: a case file is a list of cases or an object with `cases`")
    if not isinstance(items, list):
        raise CaseFileError(f"{path}: `cases` must be a list")
    return load_cases_from(items, defaults, path)


def load_cases_from(items: list[Any], defaults: Mapping[str, Any], path: Path) -> list[Case]:
    cases = []
    names: set[str] = set()
    for index, item in enumerate(items, 1):
        where = f"{path}: case {index}"
        if not isinstance(item, Mapping):
            raise CaseFileError(f"{where}: a case is an object")
        unknown = sorted(set(item) - CASE_KEYS)
        if unknown:
            raise CaseFileError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(CASE_KEYS))})")
        name = str(item.get("name") or f"case {index}")
        if name in names:
            raise CaseFileError(f"{where}: the name {name!r} is used twice")
        names.add(name)
        data = dict(defaults)
        if any(key in item for key in ("template", "template_source", "integration", "infra")):
            for key in ("template", "template_source", "integration", "infra"):  # a case's own target wins
                data.pop(key, None)
        for key, value in item.items():
            data[key] = _merge_request(data.get(key), value) if key == "request" else value
        if "backend_response" in data:
            data.setdefault("backend", data.pop("backend_response"))
        expect = item.get("expect")
        if expect is None:
            raise CaseFileError(f"{where} ({name}): no `expect` (a case without expectations checks nothing)")
        if not isinstance(expect, Mapping):
            raise CaseFileError(f"{where} ({name}): `expect` must be an object")
        unknown = sorted(set(expect) - EXPECT_KEYS)
        if unknown:
            raise CaseFileError(f"{where} ({name}): unknown expectation(s) {', '.join(unknown)} "
                                f"(known: {', '.join(sorted(EXPECT_KEYS))})")
        problem = _shape_problem(data, expect)
        if problem:
            raise CaseFileError(f"{where} ({name}): {problem}")
        case = Case(name, path, index, data, dict(expect), str(item["skip"]) if item.get("skip") else None)
        if case.kind == "none":
            raise CaseFileError(f"{where} ({name}): say what to run: `template`, `integration` or `infra` "
                                f"(with `method` and `resource`)")
        if case.kind == "infra" and not (data.get("method") and data.get("resource")):
            raise CaseFileError(f"{where} ({name}): `infra` needs `method` and `resource` (e.g. POST and /orders)")
        cases.append(case)
    return cases


def _shape_problem(data: Mapping[str, Any], expect: Mapping[str, Any]) -> str | None:
    """What is of the wrong JSON type in a case (the first thing found), or None."""
    for key in ("request", "backend", "context", "api"):
        if data.get(key) is not None and not isinstance(data[key], Mapping):
            return f"`{key}` must be an object"
    status = expect.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, (int, str))):
        return "`expect.status` must be a status code such as 200"
    for key in ("headers", "integration_request"):
        if expect.get(key) is not None and not isinstance(expect[key], Mapping):
            return f"`expect.{key}` must be an object"
    sent = expect.get("integration_request") or {}
    for key in ("headers", "query"):
        if sent.get(key) is not None and not isinstance(sent[key], Mapping):
            return f"`expect.integration_request.{key}` must be an object"
    return None
