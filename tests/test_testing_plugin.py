"""The pytest plugin: fixtures on the example project, and case files collected as tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "testing"
PLUGIN = ["-p", "no:vtl", "-p", "vtl.testing.pytest_plugin", "-p", "no:cacheprovider"]


def pytest_run(*arguments: str) -> subprocess.CompletedProcess:
    # the checkout first on the path: the tests must not depend on how vtl is installed
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "pytest", *PLUGIN, *arguments], cwd=EXAMPLE, env=env,
                          capture_output=True, text=True, timeout=120)


def test_fixtures_in_the_example_tests():
    done = pytest_run("tests")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_case_files_collected_with_the_option():
    done = pytest_run("--vtl-cases", "cases", "failing")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "8 passed" in done.stdout and "2 failed" in done.stdout
    assert '- expected: "standard"' in done.stdout
    assert "FAILED failing/wrong-expectations.cases.yaml::pickup is not standard shipping" in done.stdout


def test_case_files_not_collected_without_the_option():
    done = pytest_run("cases")
    assert done.returncode == 5  # no tests collected


def test_entry_point_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert '[project.entry-points.pytest11]\nvtl = "vtl.testing.pytest_plugin"' in text
