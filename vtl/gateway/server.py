"""Running the gateway on a real socket (uvicorn): in the foreground for ``vtl serve``, or in
a background thread for tests and embedding (:func:`running`)."""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn


class Running:
    """A server started by :func:`running`: its ``url`` and ``app``."""

    def __init__(self, url: str, app: Any):
        self.url, self.app = url, app


@contextlib.contextmanager
def running(app: Any, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 10.0) -> Iterator[Running]:
    """Serve ``app`` on ``host`` (an ephemeral port by default) in a thread; stops on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign] - not the main thread
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="vtl-gateway")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the local gateway did not start")
        time.sleep(0.01)
    bound_host, bound_port = sock.getsockname()[:2]
    try:
        yield Running(f"http://{bound_host}:{bound_port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


def serve_forever(app: Any, host: str, port: int, on_bound=None) -> None:
    """Serve in the foreground until interrupted; ``on_bound(url)`` is called once the socket
    is bound (port 0 picks a free port)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_host, bound_port = sock.getsockname()[:2]
    if on_bound:
        on_bound(f"http://{host if ':' not in host else '[' + host + ']'}:{bound_port}")
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")).run(sockets=[sock])
    finally:
        sock.close()
