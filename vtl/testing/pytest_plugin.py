"""pytest plugin (entry point ``pytest11: vtl``): test mapping templates from your own tests.

Fixtures (paths are relative to the test file's directory):

``vtl_render(template, request=None, *, phase="request", backend=None, context=None,
dialect="apigateway") -> str``
    render a template file (or template text) against a case-format request.
``vtl_invoke(integration=None, request=None, *, backend=None, infra=None, method=None,
resource=None, api=None, method_responses=None) -> Result``
    run a whole integration (a get-integration JSON file or dict, or the method of an
    infrastructure file); ``Result`` has ``status``, ``headers``, ``header(name)``, ``text``,
    ``json()`` and ``integration_request`` (``method``, ``uri``, ``headers``, ``query``,
    ``body``, ``json()``), or None when the gateway answered itself.

Helpers: :func:`vtl.testing.assert_json_subset` (also the ``assert_json_subset`` fixture).

Case files: ``pytest --vtl-cases`` (or ``vtl_cases = true`` in the ini file) collects
``*.cases.yaml``/``*.cases.yml``/``*.cases.json`` files as tests, one item per case.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .compare import assert_json_subset as _assert_json_subset


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("vtl", "API Gateway mapping templates (vtl)")
    group.addoption("--vtl-cases", action="store_true", default=False,
                    help="collect vtl case files (*.cases.yaml, *.cases.yml, *.cases.json) as tests")
    parser.addini("vtl_cases", "collect vtl case files as tests", type="bool", default=False)


# --- fixtures ------------------------------------------------------------------------------------


class Sent:
    """What reached the backend."""

    def __init__(self, data: dict[str, Any]):
        self.method, self.uri = data["method"], data["uri"]
        self.headers, self.query, self.body = data["headers"], data["query"], data["body"]

    def json(self) -> Any:
        return json.loads(self.body)


class Result:
    """The method response of :func:`vtl_invoke`."""

    def __init__(self, outcome: Any):
        self.status: int = outcome.status
        self.headers: dict[str, list[str]] = outcome.headers
        self.body: bytes = outcome.body
        self.text: str = outcome.text
        self.log: list[str] = outcome.log
        self.integration_request = Sent(outcome.integration_request) if outcome.integration_request else None

    def header(self, name: str) -> str | None:
        from .compare import header_values

        values = header_values(self.headers, name)
        return values[-1] if values else None

    def json(self) -> Any:
        return json.loads(self.text)

    def __repr__(self) -> str:
        return f"<vtl Result {self.status} {self.text[:60]!r}>"


def _case(base: Path, data: dict[str, Any]) -> Any:
    from .cases import Case

    return Case("pytest", base / "<pytest>", 0, {key: value for key, value in data.items() if value is not None})


@pytest.fixture
def vtl_runner() -> Any:
    """The :class:`vtl.testing.runner.Runner` behind the fixtures (files are read once per test)."""
    from .runner import Runner

    return Runner()


@pytest.fixture
def vtl_render(request: Any, vtl_runner: Any) -> Any:
    base = Path(str(request.node.fspath)).parent

    def render(template: str | Path, request: dict[str, Any] | None = None, *, phase: str = "request",
               backend: dict[str, Any] | None = None, context: dict[str, Any] | None = None,
               dialect: str = "apigateway") -> str:
        candidate = Path(template) if isinstance(template, Path) or "\n" not in str(template) else None
        if candidate is not None and not candidate.is_absolute():
            candidate = base / candidate
        key = "template" if candidate is not None and candidate.is_file() else "template_source"
        if key == "template_source" and isinstance(template, Path):
            raise FileNotFoundError(str(candidate))
        outcome = vtl_runner._run_template(_case(base, {
            key: str(candidate) if key == "template" else str(template), "request": request, "phase": phase,
            "backend": backend, "context": context, "dialect": dialect}))
        if outcome.error is not None:
            raise AssertionError(f"the template failed: {outcome.error}")
        return outcome.text

    return render


@pytest.fixture
def vtl_invoke(request: Any, vtl_runner: Any) -> Any:
    base = Path(str(request.node.fspath)).parent

    def invoke(integration: str | Path | dict[str, Any] | None = None, request: dict[str, Any] | None = None, *,
               backend: dict[str, Any] | None = None, infra: str | Path | None = None, method: str | None = None,
               resource: str | None = None, api: dict[str, Any] | None = None,
               method_responses: dict[str, Any] | None = None) -> Result:
        from .cases import CaseFileError

        data: dict[str, Any] = {"request": request, "backend": backend, "api": api,
                                "method_responses": method_responses}
        if infra is not None:
            if not (method and resource):
                raise TypeError("vtl_invoke(infra=...) needs method= and resource=")
            data.update(infra=str(infra), method=method, resource=resource)
        elif integration is not None:
            data["integration"] = str(integration) if isinstance(integration, Path) else integration
        else:
            raise TypeError("vtl_invoke needs integration= or infra= (with method= and resource=)")
        try:
            return Result(vtl_runner._run_integration(_case(base, data)))
        except CaseFileError as error:
            raise AssertionError(str(error)) from None

    return invoke


@pytest.fixture
def assert_json_subset() -> Any:
    return _assert_json_subset


# --- case files as tests -------------------------------------------------------------------------


def pytest_collect_file(parent: Any, file_path: Path) -> Any:
    config = parent.config
    if not (config.getoption("vtl_cases") or config.getini("vtl_cases")):
        return None
    from .cases import is_case_file

    if is_case_file(Path(file_path)):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Any:
        from .cases import CaseFileError, load_cases
        from .runner import Runner

        try:
            cases = load_cases(Path(self.path))
        except CaseFileError as error:
            raise self.CollectError(str(error)) from None
        runner = Runner()
        for case in cases:
            yield CaseItem.from_parent(self, name=case.name, case=case, runner=runner)


class CaseItem(pytest.Item):
    def __init__(self, *, case: Any, runner: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.case, self.runner = case, runner

    def runtest(self) -> None:
        from .runner import ERROR, FAILED, SKIPPED

        result = self.runner.run(self.case)
        if result.status == SKIPPED:
            pytest.skip(result.message)
        if result.status in (FAILED, ERROR):
            raise CaseFailed(result)

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:
        if isinstance(excinfo.value, CaseFailed):
            from .commands import report_case

            return report_case(excinfo.value.result)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> Any:
        return self.path, None, f"{self.path.name}::{self.case.name}"


class CaseFailed(Exception):
    def __init__(self, result: Any):
        super().__init__(result.case.name)
        self.result = result
