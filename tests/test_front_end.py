"""The compiled front end (vtl/lexer.py, parser.py, codegen.py built by Cython, see setup.py)
against the same modules run as Python, on every corpus template and on thousands of pieces of
them spliced together (most of which are lexical or syntax errors: the lexer's corners).

The Python side runs in a subprocess with ``VTL_PURE_PYTHON=1``: one process cannot import both
builds of a module under its name. Running this file as a script prints that side's outcomes.
``VTL_FRONT_END_SPLICES`` sets how many spliced templates (default 4,000; 60,000 also agreed).
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from vtl import VTLSyntaxError, codegen, speedups
from vtl.parser import parse

ROOT = Path(__file__).resolve().parents[1]
SPLICED = int(os.environ.get("VTL_FRONT_END_SPLICES", "4000"))  # more for a longer hunt


def templates() -> list[str]:
    found = []
    for path in sorted((ROOT / "corpus").glob("*.jsonl")) + [ROOT / "tests" / "fuzz_regressions.jsonl"]:
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip() and "template" in (case := json.loads(line)):
                found.append(case["template"])
    found += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "fuzz" / "corpus_parser").iterdir())]
    found = list(dict.fromkeys(found))
    pick = random.Random(20261121)
    for _ in range(SPLICED):  # the end of one template's piece meets the start of another's
        first, second = pick.choice(found), pick.choice(found)
        found.append(first[:pick.randint(0, len(first))] + second[pick.randint(0, len(second)):])
    return found


def outcome(template: str) -> list:
    """What the front end makes of a template: the AST and the generated module, or the error."""
    try:
        tree = parse(template, "t.vtl")
        module = codegen.generate(tree)
    except VTLSyntaxError as error:
        return ["error", str(error), error.line, error.column]
    return ["ok", repr(tree), module.source, [list(span) if span else None for span in module.positions],
            repr(module.constants), repr(sorted(module.line_spans.items()))]


@pytest.mark.skipif(speedups.FRONT_END != "cython", reason=f"the front end is not compiled: {speedups.FRONT_END}")
def test_the_compiled_front_end_makes_what_the_python_one_makes():
    cases = templates()
    python_side = subprocess.run([sys.executable, __file__], input=json.dumps(cases), capture_output=True,
                                 text=True, env=dict(os.environ, VTL_PURE_PYTHON="1"), check=True)
    expected = json.loads(python_side.stdout)
    assert expected["front_end"].startswith("python")
    differing = [(template, got, wanted) for template, got, wanted
                 in zip(cases, map(outcome, cases), expected["outcomes"]) if got != wanted]
    assert not differing, f"{len(differing)} of {len(cases)} differ; the first: {differing[0]}"
    assert sum(result[0] == "error" for result in expected["outcomes"]) > SPLICED // 10  # errors were tried


if __name__ == "__main__":
    print(json.dumps({"front_end": speedups.FRONT_END, "outcomes": [outcome(t) for t in json.loads(sys.stdin.read())]}))


@pytest.mark.parametrize("pure", ["1", ""])
def test_vtl_pure_python_also_runs_the_front_end_from_its_python_files(pure):
    found = subprocess.run([sys.executable, "-c", "import vtl.speedups as s, vtl.lexer, vtl.parser, vtl.codegen as c;"
                            "print(s.FRONT_END, *(m.__file__ for m in (vtl.lexer, vtl.parser, c)), sep='\\n')"],
                           capture_output=True, text=True, env=dict(os.environ, VTL_PURE_PYTHON=pure), check=True)
    status, *files = found.stdout.splitlines()
    if pure or status != "cython":
        assert status.startswith("python") and all(file.endswith(".py") for file in files)
    else:
        assert not any(file.endswith(".py") for file in files)
