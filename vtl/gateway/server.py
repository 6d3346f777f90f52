"""Running the gateway on a real socket (uvicorn): in the foreground for ``vtl serve``, or in
a background thread for tests and embedding (:func:`running`)."""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Where the scope carries the header names as the client wrote them (see ClientCaseH11Protocol).
HEADER_NAMES = "vtl.header_names"


class ClientCaseH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol that also tells the app how the client wrote each header
    name. ASGI lower-cases them, but API Gateway's templates see the client's case
    (``$input.params('Authorization')``). The scope's headers stay lower-cased, as Starlette and
    uvicorn expect; ``scope["extensions"][HEADER_NAMES]`` lists the names as sent, in the same
    order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._names_as_sent: list[bytes] | None = None
        next_event = getattr(getattr(self, "conn", None), "next_event", None)
        if next_event is None:  # a uvicorn whose internals differ: names stay lower-cased
            return

        def next_event_noting_names() -> Any:
            event = next_event()
            if type(event) is h11.Request:
                self._names_as_sent = [name for name, _ in event.headers.raw_items()]
            return event
        self.conn.next_event = next_event_noting_names  # type: ignore[method-assign]

    def handle_events(self) -> None:
        # A request's scope is made here, and its app task only starts after this returns.
        super().handle_events()
        names, self._names_as_sent = self._names_as_sent, None
        scope = getattr(self, "scope", None)
        if names is not None and scope is not None and len(scope.get("headers", ())) == len(names):
            scope.setdefault("extensions", {})[HEADER_NAMES] = names


def _config(app: Any) -> uvicorn.Config:
    # API Gateway's $context.identity.sourceIp is the caller's address, whatever X-Forwarded-For says.
    return uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", http=ClientCaseH11Protocol,
                          proxy_headers=False)


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
    server = uvicorn.Server(_config(app))
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
        uvicorn.Server(_config(app)).run(sockets=[sock])
    finally:
        sock.close()
