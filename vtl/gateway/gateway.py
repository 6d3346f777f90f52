"""One local API Gateway stage: routing, the integration pipeline and real backends.

``Gateway(api, config).handle(...)`` answers one HTTP request as API Gateway would: it finds
the resource and method (403 ``Missing Authentication Token`` when none), runs
:func:`vtl.apigw.pipeline.invoke` with a backend that really calls the integration's target
(HTTP and HTTP_PROXY with httpx, through a VPC link or an EventBridge-style connection when
configured; Lambda functions as local Python handlers), and writes one access-log line.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

import httpx

from ..apigw import model_rules as rules
from ..apigw.model_vpclink import VpcLink, VpcLinkError, VpcLinkRegistry
from ..apigw.pipeline import EndpointResponse, IntegrationRequest, invoke
from ..apigw.request import Request
from ..loaders.api import Api, Method
from ..loaders.errors import LoaderError
from .config import GatewayConfig
from .connections import Connection, ConnectionError_, load_connections
from .lambdas import Functions, NotEmulated
from .router import route

access_logger = logging.getLogger("vtl.gateway.access")
logger = logging.getLogger("vtl.gateway")

MISSING_TOKEN = b'{"message":"Missing Authentication Token"}'
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade"}


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Gateway:
    def __init__(self, api: Api, config: GatewayConfig | None = None, *, stage: str | None = None,
                 stage_variables: dict[str, str] | None = None):
        self.api, self.config = api, config or GatewayConfig()
        stage_definition = api.stage(stage or self.config.stage)
        self.stage = stage_definition.name
        self.stage_variables = {**stage_definition.variables, **self.config.stage_variables, **(stage_variables or {})}
        self.api.warnings.extend(problem for problem in rules.stage_variable_problems(
            self.stage_variables, f"stage {self.stage}") if problem not in self.api.warnings)
        self.functions = Functions(self.config.functions, self.config.base_dir)
        try:
            self.connections: dict[str, Connection] = load_connections(self.config.connections)
        except ConnectionError_ as error:
            raise LoaderError("<config>", "connections", str(error)) from None
        for name, connection in self.config.connection_attachments.items():
            if connection not in self.connections:
                raise LoaderError("<config>", f"connectionAttachments.{name}", f"no connection named {connection!r}")
            try:
                api.method(name)
            except LoaderError:
                raise LoaderError("<config>", f"connectionAttachments.{name}",
                                  "names no method of the API ('GET /path')") from None
        self.links = VpcLinkRegistry()
        self._link_plans: dict[str, tuple[float, str | None]] = {}
        self._started = time.monotonic()
        self._register_links()
        self._clients = {True: httpx.Client(verify=True), False: httpx.Client(verify=False)}
        self.access_log: deque[str] = deque(maxlen=1000)
        self._lock = threading.Lock()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    # --- VPC links ---------------------------------------------------------------------------

    def _register_links(self) -> None:
        defined = {link.id: link for link in self.api.vpc_links}
        for link_id in list(defined) + [i for i in self.config.vpc_links if i not in defined]:
            plan = self.config.vpc_links.get(link_id)
            if not rules.VPC_LINK_ID.fullmatch(link_id):
                raise LoaderError("<config>", f"vpcLinks.{link_id}", "a VPC link id is letters and digits")
            target = (plan or {}).get("target")
            arn = (plan or {}).get("targetArn") or \
                f"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/{link_id}/{abs(hash(target or link_id)) % 16**16:016x}"
            name = (defined[link_id].name if link_id in defined else None) or link_id
            self.links.add(VpcLink(link_id, str(name), (arn,), "PENDING"))
            if plan is None:
                self._link_plans[link_id] = (float("inf"), None)  # no local target: stays PENDING
            else:
                self._link_plans[link_id] = (float(plan.get("availableAfterSeconds", 0) or 0), plan.get("fail"))
        self._settle_links()

    def _settle_links(self) -> None:
        elapsed = time.monotonic() - self._started
        for link in self.links:
            delay, failure = self._link_plans.get(link.id, (0.0, None))
            if link.status == "PENDING" and elapsed >= delay:
                if failure:
                    self.links.fail(link.id, str(failure))
                else:
                    self.links.settle(link.id)

    def link_target(self, connection_id: str) -> str:
        self._settle_links()
        link = self.links.resolve(connection_id, self.stage_variables)
        return self.config.vpc_links[link.id]["target"]

    # --- a request ---------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: list[tuple[str, str]], query: list[tuple[str, str]],
               body: bytes, client_ip: str = "127.0.0.1") -> Answer:
        started = time.monotonic()
        found = route(self.api, method, path)
        if found is None and (path.startswith(f"/{self.stage}/") or path == f"/{self.stage}"):
            found = route(self.api, method, path[len(self.stage) + 1:] or "/")
            path = path[len(self.stage) + 1:] or "/"
        if found is None or found.method.integration is None:
            answer = Answer(403, [("Content-Type", "application/json"),
                                  ("x-amzn-ErrorType", "MissingAuthenticationTokenException")], MISSING_TOKEN)
            self._log(client_ip, method, path, answer.status, started, "-")
            return answer
        integration = found.method.integration
        request = Request(method=method.upper(), path=path, headers=_multi(headers), query=_multi(query),
                          path_params=found.path_params, body=body, stage_variables=dict(self.stage_variables),
                          context=self._context(found.method, found.resource_path, client_ip))
        try:
            result = invoke(request, integration, api=self.api.settings, method_responses=found.method.method_responses,
                            resource_path=found.resource_path,
                            backend=self._backend(found.method, f"{method.upper()} {found.resource_path}"))
            answer = Answer(result.status, _flat(result.headers), result.body)
            for line in result.log:
                logger.debug(line)
        except NotEmulated as error:
            answer = _message(501, str(error), "NotEmulated")
        except VpcLinkError as error:
            logger.warning("VPC link: %s", error)
            answer = _message(500, "Internal server error", "InternalServerErrorException")
        except ConnectionError_ as error:
            logger.warning("%s", error)
            answer = _message(500, "Internal server error", "InternalServerErrorException")
        self._log(client_ip, method, path, answer.status, started, integration.type or "-")
        return answer

    def _context(self, method: Method, resource_path: str, client_ip: str) -> dict[str, Any]:
        now = time.time()
        context: dict[str, Any] = {"stage": self.stage, "requestId": str(uuid.uuid4()),
                                   "extendedRequestId": uuid.uuid4().hex[:16] + "=",
                                   "requestTimeEpoch": int(now * 1000), "resourcePath": resource_path,
                                   "identity": {"sourceIp": client_ip}}
        if self.api.id:
            context["apiId"] = self.api.id
        if method.resource_id:
            context["resourceId"] = method.resource_id
        return context

    def _log(self, client_ip: str, method: str, path: str, status: int, started: float, kind: str) -> None:
        latency = int((time.monotonic() - started) * 1000)
        line = f'{client_ip} "{method} {path}" {status} {latency}ms {kind}'
        self.access_log.append(line)
        access_logger.info(line)

    # --- backends ----------------------------------------------------------------------------

    def _backend(self, method: Method, name: str) -> Callable[[IntegrationRequest], Any] | None:
        integration = method.integration
        kind = integration.type
        if kind == "MOCK":
            return None
        if kind in ("AWS", "AWS_PROXY"):
            if not integration.is_lambda:
                service = integration.aws_service or "unknown"

                def not_emulated(_: IntegrationRequest) -> Any:
                    raise NotEmulated(f"the AWS service {service!r} ({kind} integration of {name}) is not "
                                      f"emulated by vtl serve; only Lambda functions run locally")
                return not_emulated
            return self.functions.backend(integration.uri, integration.timeout_in_millis)
        connection = self.connections.get(self.config.connection_attachments.get(name, "")) \
            or self._attached(method)
        verify = not (integration.tls_config and integration.tls_config.insecure_skip_verification)
        timeout = integration.timeout_in_millis / 1000
        private = integration.connection_type == "VPC_LINK"

        def call(request: IntegrationRequest) -> EndpointResponse:
            url = request.uri or ""
            if private:
                target = urlsplit(self.link_target(integration.connection_id or ""))
                parts = urlsplit(url)
                url = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))
            return self._http_call(request, url, verify, timeout, connection)
        return call

    def _attached(self, method: Method) -> Connection | None:
        for address, connection in self.config.connection_attachments.items():
            try:
                if self.api.method(address)[1] is method:
                    return self.connections[connection]
            except LoaderError:
                continue
        return None

    def _http_call(self, request: IntegrationRequest, url: str, verify: bool, timeout: float,
                   connection: Connection | None) -> EndpointResponse:
        client = self._clients[verify]
        headers = [(name, value) for name, values in request.headers.items() if name.lower() != "content-length"
                   for value in values]
        query = [(name, value) for name, values in request.query.items() for value in values]
        body = request.body
        content_type = next((v for n, v in headers if n.lower() == "content-type"), None)
        if connection is not None:
            headers, query, body = connection.apply(request.method, headers, query, body, content_type, client)
        response = self._send(client, request.method, url, headers, query, body, timeout)
        if connection is not None and connection.refreshes_on_401 and response.status_code in (401, 407):
            connection.token(client, refresh=True)
            headers = [(n, v) for n, v in headers if n.lower() != "authorization"]
            headers.append(("Authorization", f"Bearer {connection.token(client)}"))
            response = self._send(client, request.method, url, headers, query, body, timeout)
        answer: dict[str, list[str]] = {}
        for name, value in response.headers.multi_items():
            if name.lower() not in _HOP_BY_HOP:
                answer.setdefault(name, []).append(value)
        return EndpointResponse(response.status_code, answer, response.content)

    @staticmethod
    def _send(client: httpx.Client, method: str, url: str, headers: list, query: list, body: bytes,
              timeout: float) -> httpx.Response:
        try:
            request = client.build_request(method, url, headers=headers, params=query or None, content=body or None,
                                           timeout=timeout)
            response = client.send(request, stream=True)
            try:
                response._content = b"".join(response.iter_raw())  # the bytes as sent, not decoded
            finally:
                response.close()
            return response
        except httpx.TimeoutException:
            raise TimeoutError("Endpoint request timed out") from None
        except httpx.HTTPError as error:
            raise ConnectionError(f"the endpoint cannot be reached: {type(error).__name__}: {error}") from None


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in pairs:
        result.setdefault(name, []).append(value)
    return result


def _flat(headers: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, values in headers.items() if name.lower() not in _HOP_BY_HOP
            for value in values]


def _message(status: int, message: str, error_type: str) -> Answer:
    return Answer(status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", error_type)],
                  json.dumps({"message": message}).encode("utf-8"))
