"""Running cases and checking what they expect.

``expect`` keys (every one given is checked, the others are not):

=====================  ==================================================================
``body`` / ``output``  the exact text (the rendered template, or the method response body)
``json``               that text parsed as JSON equals this value
``json_subset``        that text parsed as JSON holds this value (extra keys are fine)
``contains``           a string (or list of strings) the text contains; ``not_contains``
``status``             the method response status (integration cases)
``headers``            method response headers (a subset; names case-insensitive; null = absent)
``integration_request``  what reached the backend: ``method``, ``uri``, ``headers``,
                       ``query``, ``body``, ``json``, ``json_subset``, ``contains``
``error``              the run fails: ``true``, or a text the error message contains
=====================  ==================================================================
"""
from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError, VTLError
from .cases import Case, CaseFileError, read_data
from .compare import Mismatch, compare_headers, compare_json, compare_text

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"
_INTEGRATION_ONLY = ("status", "headers", "integration_request")


@dataclass
class Outcome:
    """What a case produced."""

    text: str | None = None  # rendered output, or the method response body as text
    status: int | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: bytes | None = None
    integration_request: dict[str, Any] | None = None
    error: str | None = None
    log: list[str] = field(default_factory=list)


@dataclass
class CaseResult:
    case: Case
    status: str
    mismatches: list[Mismatch] = field(default_factory=list)
    message: str = ""  # why a case errored or was skipped
    outcome: Outcome | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == PASSED


class Runner:
    """Runs cases; files (templates, integrations, infrastructure) are read once per runner."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, Path], Any] = {}
        #: template source -> display name (file path or where in the infrastructure file it is)
        self.template_names: dict[str, str] = {}

    # -- one case ------------------------------------------------------------------------------

    def run(self, case: Case) -> CaseResult:
        if case.skip:
            return CaseResult(case, SKIPPED, message=case.skip)
        started = time.perf_counter()
        try:
            outcome = self._run_template(case) if case.kind == "template" else self._run_integration(case)
            mismatches = check(case.expect, outcome, is_template=case.kind == "template")
        except CaseFileError as error:
            return CaseResult(case, ERROR, message=str(error), seconds=time.perf_counter() - started)
        except Exception as error:  # a bug of ours: report it on the case, keep running the others
            return CaseResult(case, ERROR, message=f"{case.id}: internal error: {type(error).__name__}: {error}",
                              seconds=time.perf_counter() - started)
        return CaseResult(case, FAILED if mismatches else PASSED, mismatches, outcome=outcome,
                          seconds=time.perf_counter() - started)

    def _run_template(self, case: Case) -> Outcome:
        from ..engine import Template

        data = case.data
        for key in _INTEGRATION_ONLY:
            if key in case.expect:
                raise CaseFileError(f"{case.id}: `expect.{key}` needs an integration case, this one renders "
                                    f"a template")
        if "template_source" in data:
            source, name = str(data["template_source"]), f"{case.file}::{case.name}"
        else:
            path = case.path(str(data["template"]))
            source, name = self._text(path), str(path)
        self.template_names.setdefault(source, name)
        dialect = data.get("dialect") or "apigateway"
        context = data.get("context")
        if context is not None and not isinstance(context, Mapping):
            raise CaseFileError(f"{case.id}: `context` must be an object of variables")
        try:
            template = Template(source, dialect=dialect, name=name)
            if dialect == "velocity":
                return Outcome(text=template.render(dict(context or {})))
            phase = data.get("phase") or "request"
            return Outcome(text=template.render(dict(context or {}), request=data.get("request") or {},
                                                backend_response=data.get("backend"), phase=phase))
        except InvalidInputError as error:  # the case's request, backend answer or phase, not the template
            raise CaseFileError(f"{case.id}: {error}") from None
        except VTLError as error:
            return Outcome(error=_error_text(error))

    def _run_integration(self, case: Case) -> Outcome:
        from ..apigw.commands import case_integration
        from ..apigw.model import ApiSettings, Integration
        from ..apigw.pipeline import invoke

        data = case.data
        if case.kind == "infra":
            target = self._infra(case.path(str(data["infra"])), str(data["method"]), str(data["resource"]))
            integration, api = target.integration, dict(target.api)
            method_responses, resource_path = target.method_responses, target.resource_path
            self.template_names.update({k: v for k, v in target.template_names.items()
                                        if k not in self.template_names})
            request = dict(data.get("request") or {})
            request.setdefault("method", str(data["method"]).upper())
            if target.stage_variables:
                request.setdefault("stage_variables", dict(target.stage_variables))
            if "path" not in request and "{" not in str(data["resource"]):
                request["path"] = str(data["resource"])
        else:
            integration, defaults = self._integration(case, data["integration"])
            api = defaults.get("api") or {}
            method_responses = defaults.get("methodResponses")
            resource_path = defaults.get("resourcePath")
            request = dict(data.get("request") or {})
            if not isinstance(integration, Integration):
                api = ApiSettings.from_case(api, integration).to_aws_json()
                integration = case_integration(integration)
        api = data.get("api") or api
        method_responses = data.get("method_responses") or data.get("methodResponses") or method_responses
        resource_path = data.get("resource_path") or data.get("resourcePath") or resource_path
        try:
            invocation = invoke(request, integration, api=api, method_responses=method_responses,
                                resource_path=resource_path, backend=data.get("backend"))
        except VTLError as error:  # the definition itself is broken
            raise CaseFileError(f"{case.id}: {_error_text(error)}") from None
        outcome = Outcome(status=invocation.status, headers={k: list(v) for k, v in invocation.headers.items()},
                          body=invocation.body, text=invocation.body.decode("utf-8", "replace"),
                          log=list(invocation.log))
        sent = invocation.integration_request
        if sent is not None:
            outcome.integration_request = {"method": sent.method, "uri": sent.uri, "headers": dict(sent.headers),
                                           "query": dict(sent.query), "body": sent.body.decode("utf-8", "replace")}
        return outcome

    # -- files ---------------------------------------------------------------------------------

    def _text(self, path: Path) -> str:
        key = ("text", path.resolve())
        if key not in self._files:
            try:
                self._files[key] = path.read_text(encoding="utf-8")
            except OSError as error:
                raise CaseFileError(f"{path}: cannot read: {error.strerror or error}") from None
            except UnicodeDecodeError as error:
                raise CaseFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
        return self._files[key]

    def _infra(self, path: Path, method: str, resource: str) -> Any:
        from .infra import load_method

        key = ("infra", path.resolve(), method.upper(), resource)
        if key not in self._files:
            if not path.exists():
                raise CaseFileError(f"{path}: no such file")
            self._files[key] = load_method(path, method, resource)
        return self._files[key]

    def _integration(self, case: Case, value: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """An integration given inline or as a file (get-integration JSON, or an invoke case
        holding one); template values ``{"file": PATH}`` are read relative to where they are
        written. Returns the integration and the defaults an invoke case file carried."""
        base = case.file.parent
        label = f"{case.file.name}::{case.name}"
        if isinstance(value, str):
            path = case.path(value)
            key = ("data", path.resolve())
            if key not in self._files:
                self._files[key] = read_data(path)
            value, base, label = self._files[key], path.parent, path.name
        if not isinstance(value, Mapping):
            raise CaseFileError(f"{case.id}: `integration` is a file or a get-integration object")
        defaults: dict[str, Any] = {}
        if isinstance(value.get("integration"), Mapping):  # an invoke case (spec/case-format.md)
            defaults = {key: value.get(key) for key in ("api", "methodResponses", "resourcePath")}
            value = value["integration"]
        integration = dict(value)
        integration["requestTemplates"] = self._templates(integration.get("requestTemplates"), base,
                                                          f"{label} request")
        responses = integration.get("integrationResponses")
        if isinstance(responses, Mapping):
            responses = {status: self._response(response, base, f"{label} response {status}")
                         for status, response in responses.items()}
        elif isinstance(responses, list):
            responses = [self._response(response, base, f"{label} response {response.get('statusCode')}")
                         if isinstance(response, Mapping) else response for response in responses]
        if responses is not None:
            integration["integrationResponses"] = responses
        if integration["requestTemplates"] is None:
            del integration["requestTemplates"]
        return integration, defaults

    def _response(self, response: Any, base: Path, label: str) -> Any:
        if not isinstance(response, Mapping) or response.get("responseTemplates") is None:
            return response
        return {**response, "responseTemplates": self._templates(response["responseTemplates"], base, label)}

    def _templates(self, templates: Any, base: Path, label: str) -> Any:
        if not isinstance(templates, Mapping):
            return templates
        read = {}
        for content_type, source in templates.items():
            if isinstance(source, Mapping) and "file" in source:
                path = Path(str(source["file"]))
                path = path if path.is_absolute() else Path(os.path.normpath(base / path))
                source = self._text(path)
                self.template_names.setdefault(source, str(path))
            elif isinstance(source, str):
                self.template_names.setdefault(source, f"{label} {content_type}")
            read[content_type] = source
        return read


def _error_text(error: BaseException) -> str:
    from ..cli import error_text

    text = error_text(error)
    return text if text.count("\n") == 0 else text.splitlines()[0]


# --- expectations -------------------------------------------------------------------------------


def check(expect: Mapping[str, Any], outcome: Outcome, *, is_template: bool = False) -> list[Mismatch]:
    """Every mismatch between ``expect`` and ``outcome`` (empty: the case passes)."""
    found: list[Mismatch] = []
    what = "output" if is_template else "body"
    wanted_error = expect.get("error")
    if outcome.error is not None:
        if wanted_error is None or wanted_error is False:
            return [Mismatch("error", message=f"the template failed: {outcome.error}")]
        if wanted_error is not True and str(wanted_error) not in outcome.error:
            found.append(Mismatch("error", wanted_error, outcome.error,
                                  f"expected an error containing {str(wanted_error)!r}, got: {outcome.error}"))
        return found
    if wanted_error not in (None, False):
        found.append(Mismatch("error", wanted_error, None, f"expected an error, but it rendered: {outcome.text!r}"))
    if "status" in expect and str(expect["status"]) != str(outcome.status):
        found.append(Mismatch("status", expect["status"], outcome.status))
    if "headers" in expect:
        found.extend(compare_headers("headers", expect["headers"] or {}, outcome.headers))
    found.extend(_check_text(what, expect, outcome.text))
    if "integration_request" in expect:
        found.extend(_check_integration_request(expect["integration_request"] or {}, outcome.integration_request))
    return found


def _check_text(what: str, expect: Mapping[str, Any], text: str | None) -> list[Mismatch]:
    found: list[Mismatch] = []
    for key in ("body", "output"):
        if key in expect:
            found.extend(compare_text(what, expect[key], text))
    if "json" in expect:
        found.extend(compare_json(what, expect["json"], text, subset=False))
    if "json_subset" in expect:
        found.extend(compare_json(what, expect["json_subset"], text, subset=True))
    for key, present in (("contains", True), ("not_contains", False)):
        wanted = expect.get(key)
        if wanted is None:
            continue
        for part in wanted if isinstance(wanted, list) else [wanted]:
            if (str(part) in (text or "")) != present:
                found.append(Mismatch(what, part, text, f"{'does not contain' if present else 'contains'} "
                                                        f"{str(part)!r}"))
    return found


def _check_integration_request(expect: Mapping[str, Any], sent: Mapping[str, Any] | None) -> list[Mismatch]:
    if sent is None:
        return [Mismatch("integration_request", message="nothing reached the backend (the gateway answered "
                                                        "before the integration request)")]
    found: list[Mismatch] = []
    for key in ("method", "uri"):
        if key in expect and str(expect[key]) != str(sent.get(key)):
            found.append(Mismatch(f"integration_request.{key}", expect[key], sent.get(key)))
    if "headers" in expect:
        found.extend(compare_headers("integration_request.headers", expect["headers"] or {}, sent["headers"]))
    if "query" in expect:
        query = {name: values for name, values in sent["query"].items()}
        for name, want in (expect["query"] or {}).items():
            values = query.get(name)
            wanted = [str(item) for item in want] if isinstance(want, list) else None if want is None else [str(want)]
            if values != wanted:
                found.append(Mismatch(f"integration_request.query.{name}", want, values))
    found.extend(_check_text("integration_request.body", expect, sent.get("body")))
    return found
