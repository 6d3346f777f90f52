"""The ASGI application (Starlette) around a :class:`~vtl.gateway.gateway.Gateway`."""
from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..apigw.pipeline import MAX_PAYLOAD_BYTES, payload_too_large
from .gateway import Gateway
from .server import HEADER_NAMES

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def create_app(gateway: Gateway) -> Starlette:
    async def endpoint(request: Request) -> Response:
        started = time.monotonic()
        client_ip = request.client.host if request.client else "127.0.0.1"
        body = await _bounded_body(request)
        if body is None:  # over API Gateway's 10 MB: refused unread, as AWS does
            refused = payload_too_large()
            gateway._log(client_ip, request.method, request.url.path, refused.status, started, "-")
            response = Response(content=refused.body, status_code=refused.status)
            response.raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                                    for name, values in refused.headers.items() for value in values]
            return response
        raw = request.headers.raw
        names = request.scope.get("extensions", {}).get(HEADER_NAMES) or [name for name, _ in raw]
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, (_, value) in zip(names, raw)]
        query = list(request.query_params.multi_items())
        answer = await run_in_threadpool(gateway.handle, request.method, request.url.path, headers, query, body,
                                         client_ip)
        response = Response(content=answer.body, status_code=answer.status)
        response.raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                                for name, value in answer.headers] + \
            [(b"content-length", str(len(answer.body)).encode())]
        return response

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=_METHODS)])
    app.state.gateway = gateway
    return app


async def _bounded_body(request: Request) -> bytes | None:
    """The request body, or None as soon as it is known to be over MAX_PAYLOAD_BYTES (from
    Content-Length, else while streaming), so memory stays bounded whatever a client sends."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PAYLOAD_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_PAYLOAD_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
