"""Concurrency: one Template shared by many threads, and ``vtl serve`` under concurrent load.

The full load test is benchmarks/load_serve.py (200 connections, 30 s); this is its small,
fast version, plus a render-from-32-threads check of the engine itself.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import threading
from pathlib import Path

from vtl.engine import Template

ROOT = Path(__file__).resolve().parent.parent


def _load_serve_module():
    spec = importlib.util.spec_from_file_location("load_serve", ROOT / "benchmarks" / "load_serve.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


SOURCE = """#set($order = $input.path('$'))
#set($total = 0)
#foreach($line in $order.lines)#set($total = $total + $line.qty * $line.price)#end
#macro(label $who)customer-$who#end
{"id": "$input.params('id')", "who": "#label($order.customer)", "total": $total, "n": $order.lines.size(),
 "names": [#foreach($line in $order.lines)"$util.escapeJavaScript($line.name)"#if($foreach.hasNext),#end#end],
 "tag": "$input.params('X-Tag')", "json": $input.json('$.lines[0]')}"""


def order(thread: int, round_: int) -> dict:
    lines = [{"name": f"it\"em-{thread}-{k}", "qty": k + 1, "price": thread + round_} for k in range(thread % 4 + 1)]
    return {"customer": f"c{thread}", "lines": lines}


def expected(thread: int, round_: int) -> dict:
    document = order(thread, round_)
    return {"id": f"{thread}-{round_}", "who": f"customer-c{thread}",
            "total": sum(line["qty"] * line["price"] for line in document["lines"]),
            "n": len(document["lines"]), "names": [line["name"] for line in document["lines"]],
            "tag": f"t{thread}", "json": document["lines"][0]}


def test_one_template_rendered_from_32_threads():
    template = Template(SOURCE)
    threads, rounds = 32, 40
    barrier = threading.Barrier(threads)
    wrong: list[str] = []
    errors: list[BaseException] = []

    def run(thread: int) -> None:
        try:
            barrier.wait()
            for round_ in range(rounds):
                request = {"method": "POST", "path": f"/orders/{thread}-{round_}",
                           "path_params": {"id": f"{thread}-{round_}"}, "body": json.dumps(order(thread, round_)),
                           "headers": {"Content-Type": "application/json", "X-Tag": f"t{thread}"}}
                got = json.loads(template.render(request=request))
                if got != expected(thread, round_):
                    wrong.append(f"thread {thread} round {round_}: {got}")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not errors, errors[:3]
    assert not wrong, wrong[:3]


def test_templates_compiled_concurrently_from_many_threads():
    # Different sources at once: the parser and compile cache are shared.
    sources = [f"#set($x = {n})#foreach($i in [1..$x])$i#end-{n}" for n in range(1, 33)]
    results: dict[int, str] = {}
    barrier = threading.Barrier(len(sources))

    def run(n: int) -> None:
        barrier.wait()
        results[n] = Template(sources[n - 1], dialect="velocity").render()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(1, 33)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert results == {n: "".join(str(i) for i in range(1, n + 1)) + f"-{n}" for n in range(1, 33)}


def test_vtl_serve_answers_50_concurrent_connections_correctly(tmp_path):
    load = _load_serve_module()
    with load.start_backend() as backend_url, load.serve(load.write_api(tmp_path, backend_url)) as server:
        report = asyncio.run(load.drive(server.url, connections=50, duration=3.0))
        rss = server.rss_kb()
    assert report.wrong == 0, report.failures[:5]
    assert report.requests >= 50 and set(report.by_kind) == set(load.Mix.kinds)  # one per connection at least
    assert rss.get("VmHWM", 0) < 500_000  # kB: bounded, far from what a leak per request would give
