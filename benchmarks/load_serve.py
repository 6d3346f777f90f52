"""Load test of ``vtl serve``: many concurrent clients, every answer checked, memory watched.

    .venv/bin/python benchmarks/load_serve.py [--connections 200] [--duration 30] [--json]

Starts, all on 127.0.0.1 and stopped at the end whatever happens:

* a loopback HTTP backend (a threading ``http.server``) that echoes what it gets;
* ``vtl serve`` in a child process, serving examples/petstore/openapi.yaml (MOCK and a Lambda
  proxy run by a local handler) plus one HTTP integration to that backend, with the petstore's
  vtl-serve.json;

then drives it for ``--duration`` seconds from ``--connections`` concurrent connections
(httpx, asyncio), a mix of the four integration kinds, each request carrying its own number
that the answer must echo. Reports throughput, latency percentiles, errors, and the server's
RSS (start, end, peak: VmHWM). Exits 1 if any answer was wrong.

The request mix and the checks are importable (``Mix``, ``start_backend``, ``write_api``,
``serve``, ``drive``): tests/test_concurrency.py runs a small version of this.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
PETSTORE = ROOT / "examples" / "petstore"
HARD_LIMIT_SECONDS = 600  # whatever the arguments, a run stops by then


# --- the loopback backend -------------------------------------------------------------------


class _EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = json.loads(self.rfile.read(length) or b"{}")
        payload = json.dumps({"backend": "echo", "path": self.path, "received": received}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@contextlib.contextmanager
def start_backend() -> Iterator[str]:
    """An echoing JSON backend on 127.0.0.1 (an ephemeral port); yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="load-backend")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- the API ---------------------------------------------------------------------------------

# Header names reach templates as the client wrote them, as in API Gateway (docs/gateway.md).
ORDER_REQUEST_TEMPLATE = """#set($order = $input.path('$'))
{"order": "$input.params('orderId')", "n": $order.n, "items": [#foreach($item in $order.items)"$util.escapeJavaScript($item)"#if($foreach.hasNext), #end#end], "agent": "$input.params('X-Client')"}"""
ORDER_RESPONSE_TEMPLATE = """#set($echo = $input.path('$.received'))
{"order": "$echo.order", "n": $echo.n, "count": $echo.items.size(), "agent": "$echo.agent", "path": "$input.path('$.path')"}"""


def write_api(directory: Path, backend_url: str) -> Path:
    """The petstore OpenAPI plus ``POST /orders/{orderId}``, an HTTP integration to the backend."""
    api = yaml.safe_load((PETSTORE / "openapi.yaml").read_text())
    api["paths"]["/orders/{orderId}"] = {"post": {
        "parameters": [{"name": "orderId", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "the order as the backend saw it"}},
        "x-amazon-apigateway-integration": {
            "type": "http", "httpMethod": "POST", "uri": backend_url + "/orders/{orderId}",
            "requestParameters": {"integration.request.path.orderId": "method.request.path.orderId"},
            "requestTemplates": {"application/json": ORDER_REQUEST_TEMPLATE},
            "passthroughBehavior": "never",
            "responses": {"default": {"statusCode": "200",
                                      "responseTemplates": {"application/json": ORDER_RESPONSE_TEMPLATE}}}}}}
    path = directory / "openapi.yaml"
    path.write_text(yaml.safe_dump(api, sort_keys=False))
    return path


# --- vtl serve in a child process -------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    def rss_kb(self) -> dict[str, int]:
        """VmRSS and VmHWM (peak) of the server process, in kB (Linux /proc)."""
        values = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                name, _, rest = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    values[name] = int(rest.split()[0])
        return values


@contextlib.contextmanager
def serve(api_file: Path, *, timeout: float = 30.0) -> Iterator[Server]:
    """``vtl serve API_FILE --port 0 --config petstore/vtl-serve.json`` on 127.0.0.1."""
    command = [sys.executable, "-c", "import sys; from vtl.cli import main; sys.exit(main())", "serve",
               str(api_file), "--host", "127.0.0.1", "--port", "0", "--config", str(PETSTORE / "vtl-serve.json")]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True)
    try:
        url = None
        deadline = time.monotonic() + timeout
        while url is None:
            line = process.stderr.readline()
            if not line:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("vtl serve did not start")
                continue
            found = re.search(r" on (http://127\.0\.0\.1:\d+)", line)
            url = found.group(1) if found else None
        # Drain the access log so the pipe never fills and blocks the server.
        threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# --- the request mix and its checks -----------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    check: Callable[[httpx.Response], bool]


class Mix:
    """Request ``i`` of the mix: MOCK list, MOCK by id (404 for 42), Lambda proxy, HTTP backend."""

    kinds = ("mock-list", "mock-item", "lambda-proxy", "http")

    def __call__(self, i: int) -> Call:
        kind = self.kinds[i % len(self.kinds)]
        json_headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if kind == "mock-list":
            return Call("GET", "/pets", None, {}, lambda r: r.status_code == 200 and r.json() == [
                {"id": 1, "type": "dog", "stage": "hello"}, {"id": 2, "type": "cat", "stage": "hello"}]
                and r.headers.get("access-control-allow-origin") == "*")
        if kind == "mock-item":
            pet = 42 if i % 40 == 1 else i
            if pet == 42:
                return Call("GET", "/pets/42", None, {},
                            lambda r: r.status_code == 404 and r.json() == {"message": "no pet 42"})
            return Call("GET", f"/pets/{pet}", None, {},
                        lambda r: r.status_code == 200 and r.json() == {"id": str(pet), "type": "dog"})
        if kind == "lambda-proxy":
            body = json.dumps({"name": f"pet-{i}", "type": "cat"}).encode()
            return Call("POST", "/pets", body, json_headers, lambda r: r.status_code == 201 and r.json() == {
                "created": {"name": f"pet-{i}", "type": "cat", "id": 3}, "stage": "test"})
        items = [f"item \"{j}\"" for j in range(i % 5)]
        body = json.dumps({"n": i, "items": items}).encode()
        return Call("POST", f"/orders/o{i}", body, {**json_headers, "X-Client": f"client-{i % 7}"},
                    lambda r: r.status_code == 200 and r.json() == {
                        "order": f"o{i}", "n": i, "count": len(items), "agent": f"client-{i % 7}",
                        "path": f"/orders/o{i}"})


@dataclass
class Report:
    connections: int
    duration: float = 0.0
    requests: int = 0
    wrong: int = 0
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    def summary(self) -> dict:
        return {"connections": self.connections, "duration_s": round(self.duration, 2), "requests": self.requests,
                "wrong": self.wrong, "throughput_rps": round(self.requests / self.duration, 1) if self.duration else 0,
                "latency_ms": {f"p{p}": round(self.percentile(p), 1) for p in (50, 90, 99, 99.9)}
                | {"max": round(max(self.latencies, default=0) * 1000, 1)},
                "by_kind": self.by_kind, "first_failures": self.failures[:5]}


async def drive(url: str, *, connections: int, duration: float, mix: Mix | None = None,
                max_requests: int | None = None) -> Report:
    """``connections`` workers, each with its own connection, sending the mix until ``duration``
    seconds have passed (or ``max_requests`` were sent); every answer is checked."""
    mix = mix or Mix()
    report = Report(connections)
    counter = iter(range(10**9))
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    started = time.monotonic()
    deadline = started + min(duration, HARD_LIMIT_SECONDS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        async def worker() -> None:
            while time.monotonic() < deadline:
                i = next(counter)
                if max_requests is not None and i >= max_requests:
                    return
                call = mix(i)
                kind = Mix.kinds[i % len(Mix.kinds)]
                sent = time.monotonic()
                try:
                    response = await client.request(call.method, call.path, content=call.body, headers=call.headers)
                    good = call.check(response)
                    detail = f"{call.method} {call.path}: {response.status_code} {response.text[:200]!r}"
                except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
                    good, detail = False, f"{call.method} {call.path}: {type(error).__name__}: {error}"
                report.latencies.append(time.monotonic() - sent)
                report.requests += 1
                report.by_kind[kind] = report.by_kind.get(kind, 0) + 1
                if not good:
                    report.wrong += 1
                    report.failures.append(detail)
        await asyncio.gather(*(worker() for _ in range(connections)))
    report.duration = time.monotonic() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0, help=f"seconds (at most {HARD_LIMIT_SECONDS})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    with start_backend() as backend_url, tempfile.TemporaryDirectory() as directory, \
            serve(write_api(Path(directory), backend_url)) as server:
        before = server.rss_kb()
        # Warm up (first compile of each template, Lambda handler import) outside the timing.
        asyncio.run(drive(server.url, connections=4, duration=5, max_requests=40))
        warm = server.rss_kb()
        report = asyncio.run(drive(server.url, connections=args.connections, duration=args.duration))
        after = server.rss_kb()
    summary = report.summary() | {"server_rss_kb": {"start": before.get("VmRSS"), "after_warmup": warm.get("VmRSS"),
                                                    "end": after.get("VmRSS"), "peak": after.get("VmHWM")},
                                  "python": sys.version.split()[0]}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        latency = summary["latency_ms"]
        rss = summary["server_rss_kb"]
        print(f"vtl serve, {summary['connections']} connections, {summary['duration_s']} s: "
              f"{summary['requests']} requests, {summary['throughput_rps']} req/s, {summary['wrong']} wrong")
        print("latency ms: " + ", ".join(f"{name} {value}" for name, value in latency.items()))
        print(f"by kind: {summary['by_kind']}")
        print(f"server RSS kB: start {rss['start']}, after warm-up {rss['after_warmup']}, end {rss['end']}, "
              f"peak {rss['peak']}")
        for failure in summary["first_failures"]:
            print(f"  wrong: {failure}")
    return 1 if report.wrong or not report.requests else 0


if __name__ == "__main__":
    sys.exit(main())
