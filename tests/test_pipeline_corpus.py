"""The pipeline cases of corpus/apigateway.jsonl, run through ``vtl invoke --batch``'s code and
compared with shared/tools/compare-cases' own rules (loaded from ../shared when present)."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import io
import json
from pathlib import Path

import pytest

from corpus_cases import CORPUS, known_divergences, load_jsonl
from vtl.apigw.commands import invoke_case
from vtl.cli import run_batch

CASES = [case for case in load_jsonl(CORPUS / "apigateway.jsonl") if case.get("kind") == "pipeline"]
DIVERGENCES = known_divergences()
COMPARE_TOOL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "compare-cases"


def _compare_module():
    if not COMPARE_TOOL.exists():
        pytest.skip("shared/tools/compare-cases is not beside the project")
    loader = importlib.machinery.SourceFileLoader("compare_cases", str(COMPARE_TOOL))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("compare_cases", loader))
    loader.exec_module(module)
    module.PLACEHOLDERS = True  # inline expectations may hold <descriptions>
    return module


def _param(case):
    marks = []
    if case["id"] in DIVERGENCES:
        marks.append(pytest.mark.xfail(reason=DIVERGENCES[case["id"]], strict=True))
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.fixture(scope="module")
def compare():
    return _compare_module()


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_pipeline_case(case, compare):
    result = invoke_case(case)
    assert "error" not in result, result["error"]
    reason = compare.check_pipeline(case["expected"], result)
    assert reason in (None, "SKIP"), reason


def test_there_are_pipeline_cases():
    assert len(CASES) >= 50


def test_batch_writes_one_line_per_case_in_order(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(case) + "\n" for case in CASES[:5]), encoding="utf-8")
    out = io.StringIO()
    assert run_batch(str(path), invoke_case, out) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == [case["id"] for case in CASES[:5]]
