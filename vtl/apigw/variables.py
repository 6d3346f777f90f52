"""The variables API Gateway puts in a mapping template's context."""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import InvalidInputError
from .context import ContextMap, create_context
from .input import Input
from .request import Request, body_of, object_field
from .util import Util

REQUEST_PHASE = "request"
RESPONSE_PHASE = "integration_response"
_UTIL = Util()  # stateless: one instance serves every render


def template_variables(request: Request | Mapping[str, Any] | None, *, phase: str = REQUEST_PHASE,
                       backend_response: Mapping[str, Any] | None = None,
                       context: ContextMap | None = None, payload: str | None = None) -> dict[str, Any]:
    """``{"input", "util", "context", "stageVariables"}`` for one render.

    ``phase`` is ``"request"`` or ``"integration_response"`` (``"response"`` is accepted too).
    In the response phase ``$input``'s body functions read ``backend_response``; without one,
    they read the request body, as an echoing backend would answer. ``payload``, when given, is
    the text they read instead (the pipeline's body after content handling). Pass the
    ``context`` of the request render to the response render so overrides written by the first
    reach the second.
    """
    if phase not in (REQUEST_PHASE, RESPONSE_PHASE, "response"):
        raise InvalidInputError(f"unknown template phase {phase!r}: use {REQUEST_PHASE!r} or {RESPONSE_PHASE!r}")
    if not isinstance(request, Request):
        request = Request.from_dict(request)
    if context is None:
        context = create_context(request)
    if payload is None:
        if phase != REQUEST_PHASE and backend_response is not None:
            payload = response_body_text(backend_response)
        else:
            payload = request.body_text
    return {
        "input": Input(request, payload),
        "util": _UTIL,
        "context": context,
        "stageVariables": dict(request.stage_variables),
    }


def response_body_text(response: Mapping[str, Any]) -> str:
    """A backend answer's body as template text (UTF-8; invalid bytes become U+FFFD)."""
    data, text = body_of(object_field(response, "backend_response"), "backend_response")
    return text if text is not None else data.decode("utf-8", "replace")
