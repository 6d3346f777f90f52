"""Peak memory while rendering the 1,000-item template: at most 3 times the output's size.

Measured with tracemalloc around the render alone: the request's variables are built and its
body parsed before, as they are inputs, not the render's working memory.
"""
from __future__ import annotations

import gc
import sys
import tracemalloc

from vtl.engine import Template
from workloads import WORKLOADS

LIMIT = 3.0


def peak_ratio(name: str) -> tuple[float, int, int]:
    workload = WORKLOADS[name]
    template = Template(workload.template)
    variables = workload.variables()
    variables["input"].document  # parsed here, outside the measurement
    template.render(variables=dict(variables))  # warm: caches filled, code compiled
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        output = template.render(variables=dict(variables))
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    size = sys.getsizeof(output)
    return peak / size, peak, size


def test_loop_peak_memory(benchmark, info):
    ratio, peak, size = peak_ratio("loop")
    info.update(measure="memory", peak_bytes=peak, output_bytes=size, peak_over_output=round(ratio, 2))
    benchmark.group = "memory"
    benchmark.name = "peak memory / output (1,000 items)"
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    assert ratio <= LIMIT, f"peak {peak} bytes is {ratio:.2f} times the output ({size} bytes)"
