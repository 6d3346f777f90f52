"""Benchmarks (pytest-benchmark): ``.venv/bin/python -m pytest benchmarks --benchmark-only``.

Not collected by the normal test run (``testpaths = ["tests"]``). At the end of a run, a table
of ratios is printed (each engine's fastest round against the hand-written Python function of the same
workload, each Cython helper against its pure twin) and written to
``.benchmarks/ratios.md``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vtl  # noqa: E402
from vtl import speedups  # noqa: E402
from vtl.codegen import CODEGEN_VERSION  # noqa: E402

RATIOS_FILE = Path(__file__).resolve().parent.parent / ".benchmarks" / "ratios.md"


def engine_info() -> dict:
    """What every benchmark records: the engine version and whether Cython helpers ran."""
    return {"vtl_version": vtl.__version__, "codegen_version": CODEGEN_VERSION,
            "helpers": speedups.ACTIVE, "cython_helpers": speedups.ACTIVE == "cython", "front_end": speedups.FRONT_END,
            "python": sys.version.split()[0]}


@pytest.fixture
def info(benchmark):
    benchmark.extra_info.update(engine_info())
    return benchmark.extra_info


def _best(bench) -> float:
    """The fastest round: on a shared machine the other rounds measure other processes too."""
    return bench.stats.min


def _ratio_tables(benchmarks) -> list[str]:
    lines: list[str] = []
    renders: dict[str, dict[str, object]] = {}
    helpers: dict[str, dict[str, object]] = {}
    others = []
    for bench in benchmarks:
        extra = bench.extra_info
        if "workload" in extra:
            renders.setdefault(extra["workload"], {})[extra["engine"]] = bench
        elif "helper" in extra:
            helpers.setdefault(extra["helper"], {})[extra["twin"]] = bench
        else:
            others.append(bench)
    if renders:
        engines = ["vtl", "airspeed", "airspeed-ext"]
        lines += ["| template | hand-written | " + " | ".join(f"{name} (×)" for name in engines) + " |",
                  "| --- | ---: | " + " | ".join("---:" for _ in engines) + " |"]
        for workload, by_engine in renders.items():
            floor = by_engine.get("handwritten")
            cells = []
            for name in engines:
                bench = by_engine.get(name)
                if bench is None:
                    cells.append("skipped")
                elif floor is None:
                    cells.append(f"{_best(bench) * 1e3:.3f} ms")
                else:
                    cells.append(f"{_best(bench) / _best(floor):.2f}")
            floor_text = f"{_best(floor) * 1e3:.3f} ms" if floor is not None else "?"
            description = next(iter(by_engine.values())).extra_info.get("description", workload)
            lines.append(f"| {description} | {floor_text} | " + " | ".join(cells) + " |")
        lines.append("")
    if helpers:
        lines += ["| helper (50 KB) | pure Python | Cython | speed-up (×) |", "| --- | ---: | ---: | ---: |"]
        for helper, by_twin in helpers.items():
            pure, compiled = by_twin.get("python"), by_twin.get("cython")
            pure_text = f"{_best(pure) * 1e6:.1f} µs" if pure else "?"
            compiled_text = f"{_best(compiled) * 1e6:.1f} µs" if compiled else "not built"
            ratio = f"{_best(pure) / _best(compiled):.1f}" if pure and compiled else "-"
            lines.append(f"| {helper} | {pure_text} | {compiled_text} | {ratio} |")
        lines.append("")
    for bench in others:
        extra = bench.extra_info
        if extra.get("measure") == "memory":
            lines.append(f"- peak memory rendering the 1,000-item template: {extra['peak_bytes']} bytes, "
                         f"{extra['peak_over_output']}× the output ({extra['output_bytes']} bytes)")
        elif "stage" in extra:
            lines.append(f"- compile ({extra['stage']}, {extra['template_bytes']}-byte template): "
                         f"min {_best(bench) * 1e3:.3f} ms, median {bench.stats.median * 1e3:.3f} ms")
        else:
            lines.append(f"- {bench.name}: min {_best(bench) * 1e3:.3f} ms")
    return lines


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, config):
    session = getattr(config, "_benchmarksession", None)
    if session is None or not session.benchmarks:
        return
    lines = _ratio_tables(session.benchmarks)
    if not lines:
        return
    info = engine_info()
    header = (f"vtl {info['vtl_version']} (codegen {info['codegen_version']}), helpers: {info['helpers']}, "
              f"Python {info['python']}; fastest rounds (min)")
    terminalreporter.write_sep("=", "ratios")
    terminalreporter.write_line(header)
    for line in lines:
        terminalreporter.write_line(line)
    RATIOS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RATIOS_FILE.write_text(header + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
