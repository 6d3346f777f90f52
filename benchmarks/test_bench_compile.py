"""Compile time: parse + generate + compile() + exec of a ~1.4 KB template, without the cache."""
from __future__ import annotations

from vtl import codegen
from vtl.compiler import compile_template
from vtl.dialects import APIGATEWAY
from vtl.parser import parse
from workloads import PASSTHROUGH

# The console's passthrough template without its two comment lines: 1.5 KB of real VTL.
SOURCE = "".join(line + "\n" for line in PASSTHROUGH.splitlines() if not line.startswith("##"))


def test_compile(benchmark, info):
    benchmark.group = "compile"
    info.update(template_bytes=len(SOURCE.encode("utf-8")), stage="parse+generate+compile")
    # Once first, outside the timing: the first parse of a process builds the parser's tables
    # (about 0.1 s), which pytest-benchmark's calibration would take for the cost of every call.
    compile_template(SOURCE, APIGATEWAY)
    compiled = benchmark(compile_template, SOURCE, APIGATEWAY)
    info["python_source_chars"] = len(compiled.python_source)


def test_compile_parse_only(benchmark, info):
    benchmark.group = "compile"
    info.update(template_bytes=len(SOURCE.encode("utf-8")), stage="parse")
    benchmark(parse, SOURCE)


def test_compile_generate_only(benchmark, info):
    benchmark.group = "compile"
    tree = parse(SOURCE)
    info.update(template_bytes=len(SOURCE.encode("utf-8")), stage="generate")
    benchmark(codegen.generate, tree)


def test_compile_python_compile_only(benchmark, info):
    benchmark.group = "compile"
    module = codegen.generate(parse(SOURCE))
    info.update(template_bytes=len(SOURCE.encode("utf-8")), stage="compile()",
                python_source_chars=len(module.source))
    benchmark(compile, module.source, "<bench>", "exec")
