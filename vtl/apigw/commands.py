"""``vtl invoke``: the integration pipeline on the command line.

``vtl invoke --batch FILE`` runs invoke cases (spec/case-format.md); ``vtl invoke
--integration FILE --method POST --path /x ...`` runs one request and prints a trace like the
console's test-invoke (``--json`` prints the batch output shape instead).
"""
from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..cli import error_text, run_batch
from ..errors import VTLError
from .model import ApiSettings
from .pipeline import IntegrationRequest, Invocation, invoke

# A non-proxy integration needs an integration response. Invoke cases transcribed from
# recordings often leave them out when they only check the request side; for such a case
# (the key absent or null, not an explicit empty map) the batch supplies the plain default.
IMPLICIT_INTEGRATION_RESPONSES = {"200": {"statusCode": "200"}}


def add_commands(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "invoke", help="run a request through an integration (templates, mappings, backend, response)",
        description="Run a method request through an API Gateway integration, offline.")
    parser.add_argument("--batch", metavar="FILE", help="run JSON Lines invoke cases (see the case format)")
    parser.add_argument("--integration", metavar="FILE",
                        help="get-integration JSON (or one invoke case), as text or a file")
    parser.add_argument("--method", default="GET", help="the method request's HTTP method (default GET)")
    parser.add_argument("--path", default="/", help="the path requested, e.g. /pets/7")
    parser.add_argument("--resource-path", help="the resource's template path, e.g. /pets/{id}")
    parser.add_argument("-H", "--header", action="append", default=[], metavar="'NAME: VALUE'",
                        help="a request header (repeat for more, or for more values)")
    parser.add_argument("--query", action="append", default=[], metavar="NAME=VALUE",
                        help="a query string parameter (repeat for more, or for more values)")
    parser.add_argument("--path-param", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--stage-variable", action="append", default=[], metavar="NAME=VALUE")
    body = parser.add_mutually_exclusive_group()
    body.add_argument("--body", help="the request body (text)")
    body.add_argument("--body-file", metavar="FILE", help="the request body, read as bytes")
    parser.add_argument("--api", help="RestApi settings ({\"binaryMediaTypes\": [...]}): JSON text or file")
    parser.add_argument("--method-responses", help="the method's methodResponses: JSON text or file")
    parser.add_argument("--backend-response", help="the simulated backend's answer ({\"status\", \"headers\", "
                                                   "\"body\"} or {\"status\": 200, \"echo\": true}): JSON or file")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.set_defaults(handler=command_invoke)


def command_invoke(arguments: argparse.Namespace) -> int:
    if arguments.batch:
        return run_batch(arguments.batch, invoke_case, sys.stdout)
    if not arguments.integration:
        print("vtl invoke: give --integration FILE (or --batch FILE)", file=sys.stderr)
        return 2
    case, is_case = _case_from_arguments(arguments)
    try:
        invocation = _invoke_case(case, implicit_responses=is_case)
    except VTLError as error:
        print(error_text(error), file=sys.stderr)
        return 1
    if arguments.json:
        print(json.dumps(invocation_json(invocation), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(trace_text(case, invocation))
    return 0


# --- batch ---------------------------------------------------------------------------------------


def invoke_case(case: dict) -> dict:
    """One line of ``vtl invoke --batch``."""
    result: dict[str, Any] = {"id": case.get("id")}
    try:
        result.update(invocation_json(_invoke_case(case)))
    except VTLError as error:
        result["error"] = error_text(error)
    except Exception as error:  # the batch contract: a failing case is an error line, never a crash
        result["error"] = f"InternalError: {type(error).__name__}: {error}"
    return result


def _invoke_case(case: Mapping[str, Any], *, implicit_responses: bool = True) -> Invocation:
    integration = case.get("integration") or {}
    return invoke(case.get("request") or {}, case_integration(integration, implicit_responses=implicit_responses),
                  api=ApiSettings.from_case(case.get("api"), integration),
                  method_responses=case.get("methodResponses"),
                  resource_path=case.get("resourcePath"),
                  backend=case.get("backend_response"))


def case_integration(integration: Mapping[str, Any], *, implicit_responses: bool = True) -> dict[str, Any]:
    """The integration of an invoke case, as get-integration JSON (without the case-file
    convenience ``binaryMediaTypes``, and with a default integration response when the case
    leaves them out and ``implicit_responses`` is on)."""
    if not isinstance(integration, Mapping):
        return integration  # the model's validation names the problem
    data = {key: value for key, value in integration.items() if key != "binaryMediaTypes"}
    if implicit_responses and data.get("integrationResponses") is None \
            and data.get("type") not in ("HTTP_PROXY", "AWS_PROXY"):
        data["integrationResponses"] = IMPLICIT_INTEGRATION_RESPONSES
    return data


def invocation_json(invocation: Invocation) -> dict[str, Any]:
    """The batch output fields of one invocation (spec/case-format.md)."""
    result: dict[str, Any] = {"status": invocation.status, "headers": _headers_json(invocation.headers)}
    result.update(_body_json(invocation.body))
    result["integration_request"] = _integration_request_json(invocation.integration_request)
    return result


def _integration_request_json(request: IntegrationRequest | None) -> dict[str, Any] | None:
    if request is None:
        return None
    result: dict[str, Any] = {"method": request.method, "uri": request.uri,
                              "headers": _headers_json(request.headers),
                              "query": {name: list(values) for name, values in request.query.items()}}
    result.update(_body_json(request.body))
    return result


def _headers_json(headers: Mapping[str, list[str]]) -> dict[str, Any]:
    return {name: values[0] if len(values) == 1 else list(values) for name, values in headers.items()}


def _body_json(body: bytes) -> dict[str, str]:
    """Bodies that are valid UTF-8 text are given as ``body``, others as ``body_base64``."""
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


# --- a single request from the command line ------------------------------------------------------


def _case_from_arguments(arguments: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """The invoke case the options describe, and whether --integration held a whole case
    (then the batch's conveniences apply; a bare get-integration output is taken as AWS would)."""
    loaded = _json_value(arguments.integration, "--integration")
    is_case = isinstance(loaded, Mapping) and "integration" in loaded
    case: dict[str, Any] = dict(loaded) if is_case else {"integration": loaded}
    request = dict(case.get("request") or {})
    request.setdefault("method", arguments.method.upper())
    request.setdefault("path", arguments.path)
    _add_pairs(request, "headers", arguments.header, ":")
    _add_pairs(request, "query", arguments.query, "=")
    _add_pairs(request, "path_params", arguments.path_param, "=", multi=False)
    _add_pairs(request, "stage_variables", arguments.stage_variable, "=", multi=False)
    if arguments.body is not None:
        request["body"] = arguments.body
    elif arguments.body_file:
        request.pop("body", None)
        request["body_base64"] = base64.b64encode(Path(arguments.body_file).read_bytes()).decode("ascii")
    case["request"] = request
    for option, key in (("api", "api"), ("method_responses", "methodResponses"),
                        ("backend_response", "backend_response")):
        if getattr(arguments, option):
            case[key] = _json_value(getattr(arguments, option), f"--{option.replace('_', '-')}")
    if arguments.resource_path:
        case["resourcePath"] = arguments.resource_path
    return case, is_case


def _add_pairs(target: dict, key: str, pairs: list[str], separator: str, *, multi: bool = True) -> None:
    for pair in pairs:
        name, found, value = pair.partition(separator)
        if not found:
            raise SystemExit(f"vtl invoke: {pair!r} is not NAME{separator}VALUE")
        name, value = name.strip(), value.strip() if separator == ":" else value
        values = dict(target.get(key) or {})
        if multi and name in values:
            previous = values[name]
            values[name] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            values[name] = value
        target[key] = values


def _json_value(value: str, option: str) -> Any:
    from ..cli import json_argument

    return json_argument(value, option, "vtl invoke")


# --- the readable trace --------------------------------------------------------------------------


def trace_text(case: Mapping[str, Any], invocation: Invocation) -> str:
    """Method request, endpoint request, endpoint response, method response, then the log."""
    request = case.get("request") or {}
    lines = ["== Method request", f"{request.get('method')} {request.get('path')}"]
    lines += _header_lines(request.get("headers") or {})
    if request.get("query"):
        lines.append(f"query: {json.dumps(request['query'], ensure_ascii=False)}")
    lines += _body_lines(request.get("body"), request.get("body_base64"))
    lines.append("")
    lines.append("== Endpoint request")
    integration_request = invocation.integration_request
    if integration_request is None:
        lines.append("(not sent: API Gateway answered before calling the backend)")
    else:
        lines.append(f"{integration_request.method} {integration_request.uri or '(mock)'}")
        if integration_request.query:
            lines.append(f"query: {json.dumps(integration_request.query, ensure_ascii=False)}")
        lines += _header_lines(integration_request.headers)
        lines += _body_lines(**_body_args(integration_request.body))
    lines.append("")
    lines.append("== Endpoint response")
    endpoint = invocation.endpoint_response
    if endpoint is None:
        lines.append("(none)")
    else:
        lines.append(f"status: {endpoint.status}")
        lines += _header_lines(endpoint.headers)
        lines += _body_lines(**_body_args(endpoint.body))
    lines.append("")
    lines.append("== Method response")
    lines.append(f"status: {invocation.status}")
    lines += _header_lines(invocation.headers)
    lines += _body_lines(**_body_args(invocation.body))
    lines.append("")
    lines.append("== Log")
    lines += invocation.log
    return "\n".join(lines) + "\n"


def _header_lines(headers: Mapping[str, Any]) -> list[str]:
    lines = []
    for name, values in headers.items():
        for value in values if isinstance(values, list) else [values]:
            lines.append(f"{name}: {value}")
    return lines


def _body_args(body: bytes) -> dict[str, str | None]:
    try:
        return {"text": body.decode("utf-8"), "base64_text": None}
    except UnicodeDecodeError:
        return {"text": None, "base64_text": base64.b64encode(body).decode("ascii")}


def _body_lines(text: str | None, base64_text: str | None) -> list[str]:
    if base64_text is not None:
        return ["", f"[binary body, base64] {base64_text}"]
    if text:
        return ["", text]
    return []
