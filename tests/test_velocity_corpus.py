"""Every golden case rendered by Apache Velocity 1.7 renders the same here (dialect velocity)."""
from __future__ import annotations

import pytest

from corpus_cases import known_divergences, velocity_cases
from vtl.cli import render_case

DIVERGENCES = known_divergences()


def _param(case, expected):
    marks = []
    if case["id"] in DIVERGENCES:
        marks.append(pytest.mark.xfail(reason=DIVERGENCES[case["id"]], strict=True))
    return pytest.param(case, expected, id=case["id"], marks=marks)


@pytest.mark.parametrize("case,expected", [_param(c, e) for c, e in velocity_cases()])
def test_velocity_case(case, expected):
    assert expected is not None, "a case without expected output fails"
    result = render_case(case, "velocity")
    if "error" in expected:
        assert "error" in result, f"expected an error like {expected['error'][:120]!r}"
        assert result["error"].startswith(("VTLSyntaxError", "VTLRuntimeError")), result["error"]
    else:
        assert result.get("output") == expected["output"], result.get("error")
