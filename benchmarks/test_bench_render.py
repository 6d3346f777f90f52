"""Warm renders of the six workloads: vtl, the hand-written floor, and the peers, in one run.

Each timed call renders one request from its JSON-like form (the variables are built inside the
call, for every engine alike); templates are compiled outside it. pytest-benchmark groups the
engines by workload and the summary prints each one's ratio to the hand-written function.
"""
from __future__ import annotations

import pytest

from peers import load, peer_variables
from vtl.engine import Template
from workloads import WORKLOADS

ENGINES = ["vtl", "handwritten", "airspeed", "airspeed-ext"]


def _vtl_render(workload):
    template = Template(workload.template)  # compiled here, outside the timed call
    request, phase, backend = workload.request, workload.phase, workload.backend_response
    return lambda: template.render(request=request, phase=phase, backend_response=backend)


def _peer_render(workload, module):
    template = module.Template(workload.template)
    template.ensure_compiled()
    request, phase, backend = workload.request, workload.phase, workload.backend_response
    return lambda: template.merge(peer_variables(request, phase, backend))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(WORKLOADS))
def test_render(benchmark, info, name, engine):
    workload = WORKLOADS[name]
    expected = _vtl_render(workload)()
    assert workload.render_by_hand() == expected, "the hand-written function must give the template's output"
    if engine == "vtl":
        render = _vtl_render(workload)
    elif engine == "handwritten":
        render = workload.render_by_hand
    else:
        module, how = load(engine)
        if module is None:
            pytest.skip(f"{engine}: {how}")
        try:
            render = _peer_render(workload, module)
            output = render()
        except Exception as error:  # noqa: BLE001 (a peer that cannot render this template is skipped)
            pytest.skip(f"{engine} cannot render {name}: {type(error).__name__}: {error}")
        info["peer"] = how
        info["same_output_as_vtl"] = output == expected
    benchmark.group = f"render {name}"
    info.update(workload=name, engine=engine, description=workload.description, output_chars=len(expected))
    result = benchmark(render)
    if engine in ("vtl", "handwritten"):
        assert result == expected
