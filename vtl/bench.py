"""``vtl bench TEMPLATE --request FILE [--iterations N]``: time your own template.

Prints the compile time (parse, generate, compile, without the cache), the warm render time
over N renders (fastest, median, mean; each render builds ``$input``/``$context`` from the
request, as a deployed API would), the output size, the peak memory of one render, and which
twin of the hot helpers ran (Cython or pure Python; ``VTL_PURE_PYTHON=1`` forces the latter).
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import tracemalloc
from typing import Any, Callable

from . import __version__
from .cli import json_argument, read_text
from .errors import GatewayError, VTLError


def add_commands(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench", help="time a template: compile, warm render, peak memory",
        description="Time a mapping template against a request: compile time, warm renders, memory.")
    parser.add_argument("template", help="template file, or - for stdin")
    parser.add_argument("--request", help="an API Gateway request object (JSON text or file)")
    parser.add_argument("--context", help="plain variables: JSON text or a JSON file")
    parser.add_argument("--backend-response", help="for a response template: the backend's answer "
                                                   "({\"status\", \"headers\", \"body\"}), JSON text or file")
    parser.add_argument("--phase", default=None, choices=["request", "integration_response"],
                        help="template phase (default: integration_response with --backend-response)")
    parser.add_argument("--dialect", default="apigateway", choices=["apigateway", "velocity"])
    parser.add_argument("--iterations", "-n", type=int, default=1000, metavar="N",
                        help="warm renders to time (default 1000)")
    parser.add_argument("--json", action="store_true", help="print the measurements as one JSON object")
    parser.set_defaults(handler=command_bench)


def command_bench(arguments: argparse.Namespace) -> int:
    from .compiler import compile_template
    from .dialects import get_dialect
    from .engine import Engine
    from . import speedups

    if arguments.iterations < 1:
        print("vtl bench: --iterations must be at least 1", file=sys.stderr)
        return 2
    source = read_text(arguments.template)
    request = json_argument(arguments.request, "--request", "vtl bench")
    context = json_argument(arguments.context, "--context", "vtl bench")
    backend = json_argument(arguments.backend_response, "--backend-response", "vtl bench")
    phase = arguments.phase or ("integration_response" if backend is not None else "request")
    dialect = get_dialect(arguments.dialect)

    try:
        compile_times = _timings(lambda: compile_template(source, dialect, arguments.template),
                                 max(3, min(50, arguments.iterations)))
        template = Engine(dialect).template(source, name=arguments.template)
    except VTLError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1

    def render() -> str:
        if request is not None or backend is not None:
            return template.render(dict(context) if context else None, request=request or {}, phase=phase,
                                   backend_response=backend)
        return template.render(dict(context) if context else None)

    try:
        output = render()
    except (VTLError, GatewayError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    render_times = _timings(render, arguments.iterations)
    peak = _peak_memory(render)

    result = {
        "vtl": __version__, "helpers": speedups.ACTIVE, "front_end": speedups.FRONT_END, "dialect": dialect.name,
        "template_bytes": len(source.encode("utf-8", "surrogatepass")),
        "output_chars": len(output),
        "compile_ms": {"min": min(compile_times) * 1e3, "median": statistics.median(compile_times) * 1e3},
        "render_ms": {"min": min(render_times) * 1e3, "median": statistics.median(render_times) * 1e3,
                      "mean": statistics.fmean(render_times) * 1e3},
        "renders_per_second": 1 / statistics.fmean(render_times),
        "iterations": arguments.iterations,
        "peak_memory_bytes": peak,
    }
    if arguments.json:
        print(json.dumps(result))
        return 0
    helpers = "Cython" if speedups.ACTIVE == "cython" else f"pure Python (Cython {speedups.CYTHON_STATUS}" + \
        (", VTL_PURE_PYTHON set)" if speedups.FORCED_PURE else ")")
    print(f"vtl {__version__}, dialect {dialect.name}, helpers: {helpers}, front end: {speedups.FRONT_END}")
    print(f"template  {result['template_bytes']} bytes -> output {len(output)} characters")
    print(f"compile   min {result['compile_ms']['min']:.3f} ms   median {result['compile_ms']['median']:.3f} ms"
          f"   (parse + generate + compile, no cache)")
    print(f"render    min {result['render_ms']['min']:.3f} ms   median {result['render_ms']['median']:.3f} ms"
          f"   mean {result['render_ms']['mean']:.3f} ms   ({result['renders_per_second']:.0f}/s over "
          f"{arguments.iterations} renders)")
    print(f"memory    peak {peak} bytes during one render ({peak / max(len(output), 1):.1f}x the output)")
    return 0


def _timings(function: Callable[[], Any], count: int) -> list[float]:
    times = []
    clock = time.perf_counter
    for _ in range(count):
        start = clock()
        function()
        times.append(clock() - start)
    return times


def _peak_memory(function: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        function()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
