"""Which integration response handles a backend answer (spec/apigateway.md §9).

A ``selectionPattern`` is a Java regular expression that must match the *whole* selector
(``Pattern.matches``). The selector is the backend's status code for HTTP, AWS-service and
MOCK integrations, and the ``errorMessage`` of a function error for Lambda custom
integrations (a successful invocation has no error message and is matched as the empty
string, so ``.*`` takes it while ``.+`` or ``200`` never do). The response without a pattern
is the default, chosen when no pattern matches.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from ..errors import JavaException
from ..runtime.javaregex import java_matches
from .model import IntegrationResponse

FUNCTION_ERROR_HEADER = "X-Amz-Function-Error"


def select_integration_response(responses: Mapping[str, IntegrationResponse],
                                selector: str) -> IntegrationResponse | None:
    """The first response whose pattern matches ``selector``, else the default (or None).

    Responses are tried in ascending status-code order. AWS keeps them in a map keyed by
    status code; the one recorded tie (``.*four hundred.*`` on 405 and ``.+`` on 502) went to
    the lower code, which this order reproduces, and it does not depend on how the definition
    happened to list them.
    """
    ordered = sorted(responses.values(), key=lambda response: int(response.status_code))
    for response in ordered:
        if response.selection_pattern and _matches(response.selection_pattern, selector):
            return response
    return next((response for response in ordered if response.is_default), None)


def _matches(pattern: str, selector: str) -> bool:
    try:
        return java_matches(selector, pattern)
    except JavaException:
        # put-integration-response rejects invalid patterns; one that slips through matches nothing.
        return False


def status_selector(status: int) -> str:
    return str(status)


def lambda_error_selector(headers: Mapping[str, list[str]], body: bytes) -> str:
    """The ``errorMessage`` of a Lambda function error, "" for a successful invocation.

    Lambda marks a function error with the ``X-Amz-Function-Error`` header; its payload is
    ``{"errorMessage": ..., "errorType": ..., ...}``. A success that happens to return an
    object with an errorMessage field is still a success.
    """
    if not is_function_error(headers):
        return ""
    try:
        error = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return ""
    message = error.get("errorMessage") if isinstance(error, dict) else None
    return message if isinstance(message, str) else ""


def is_function_error(headers: Mapping[str, list[str]]) -> bool:
    return any(name.lower() == FUNCTION_ERROR_HEADER.lower() for name in headers)
