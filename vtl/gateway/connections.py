"""EventBridge-style connections (``aws events create-connection``) on HTTP integrations.

A connection authorises calls to an HTTP endpoint: ``BASIC`` (user and password),
``API_KEY`` (a header name and value) or ``OAUTH_CLIENT_CREDENTIALS`` (a token fetched from the
authorization endpoint with the client id and secret, cached until it expires and refreshed
when the endpoint answers 401 or 407). ``InvocationHttpParameters`` add header, query string
and body parameters to every call. Secret values are never printed: ``repr`` and messages
name parameters, not values.
"""
from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from ..errors import VTLError

AUTHORIZATION_TYPES = ("BASIC", "OAUTH_CLIENT_CREDENTIALS", "API_KEY")
OAUTH_METHODS = ("GET", "POST", "PUT")
MAX_PARAMETERS = 100  # "up to 100 additional header (query string, body) parameters per request"
MAX_PAYLOAD = 64 * 1024  # "An event payload cannot exceed 64 KB"
_NAME = re.compile(r"[\.\-_A-Za-z0-9]+")
_PARAMETER_LISTS = ("HeaderParameters", "QueryStringParameters", "BodyParameters")


class ConnectionError_(VTLError):
    """A connection definition breaks a rule, or its token cannot be fetched."""


def _problems(name: str, data: Any) -> list[str]:
    problems = []
    if not _NAME.fullmatch(name) or len(name) > 64:
        problems.append("Name: 1 to 64 letters, digits, '.', '-' or '_'")
    if not isinstance(data, Mapping):
        return problems + ["a connection must be an object"]
    kind = data.get("AuthorizationType")
    if kind not in AUTHORIZATION_TYPES:
        problems.append(f"AuthorizationType: required, one of {', '.join(AUTHORIZATION_TYPES)}")
    auth = data.get("AuthParameters")
    if not isinstance(auth, Mapping):
        return problems + ["AuthParameters: required"]
    known = {"BasicAuthParameters", "OAuthParameters", "ApiKeyAuthParameters", "InvocationHttpParameters"}
    problems += [f"AuthParameters.{key}: not a field of AuthParameters" for key in auth if key not in known]
    required = {"BASIC": ("BasicAuthParameters", ("Username", "Password")),
                "API_KEY": ("ApiKeyAuthParameters", ("ApiKeyName", "ApiKeyValue")),
                "OAUTH_CLIENT_CREDENTIALS": ("OAuthParameters", ("ClientParameters", "AuthorizationEndpoint",
                                                                 "HttpMethod"))}
    if kind in required:
        block, fields = required[kind]
        values = auth.get(block)
        if not isinstance(values, Mapping):
            problems.append(f"AuthParameters.{block}: required for AuthorizationType {kind}")
        else:
            problems += [f"AuthParameters.{block}.{f}: required" for f in fields if not values.get(f)]
            if kind == "OAUTH_CLIENT_CREDENTIALS":
                client = values.get("ClientParameters")
                if isinstance(client, Mapping):
                    problems += [f"AuthParameters.OAuthParameters.ClientParameters.{f}: required"
                                 for f in ("ClientID", "ClientSecret") if not client.get(f)]
                if values.get("HttpMethod") and str(values["HttpMethod"]).upper() not in OAUTH_METHODS:
                    problems.append(f"AuthParameters.OAuthParameters.HttpMethod: one of {', '.join(OAUTH_METHODS)}")
                endpoint = values.get("AuthorizationEndpoint")
                if endpoint and not str(endpoint).startswith(("http://", "https://")):
                    problems.append("AuthParameters.OAuthParameters.AuthorizationEndpoint: an http(s) URL")
                problems += _parameter_problems(values.get("OAuthHttpParameters"),
                                                "AuthParameters.OAuthParameters.OAuthHttpParameters")
    problems += _parameter_problems(auth.get("InvocationHttpParameters"), "AuthParameters.InvocationHttpParameters")
    return problems


def _parameter_problems(block: Any, where: str) -> list[str]:
    if block is None:
        return []
    if not isinstance(block, Mapping):
        return [f"{where}: must be an object"]
    problems, size = [], 0
    for key in block:
        if key not in _PARAMETER_LISTS:
            problems.append(f"{where}.{key}: not one of {', '.join(_PARAMETER_LISTS)}")
    for list_name in _PARAMETER_LISTS:
        items = block.get(list_name) or []
        if not isinstance(items, list):
            problems.append(f"{where}.{list_name}: must be a list")
            continue
        if len(items) > MAX_PARAMETERS:
            problems.append(f"{where}.{list_name}: at most {MAX_PARAMETERS} parameters, not {len(items)}")
        for index, item in enumerate(items):
            if not isinstance(item, Mapping) or not isinstance(item.get("Key"), str) or not item.get("Key"):
                problems.append(f"{where}.{list_name}[{index}].Key: required")
                continue
            if not isinstance(item.get("Value", ""), str):
                problems.append(f"{where}.{list_name}[{index}].Value: must be a string")
                continue
            size += len(item["Key"].encode()) + len(str(item.get("Value", "")).encode())
    if size > MAX_PAYLOAD:
        problems.append(f"{where}: the parameters come to {size} bytes; an event payload cannot exceed 64 KB")
    return problems


def _pairs(block: Mapping[str, Any] | None, list_name: str) -> list[tuple[str, str]]:
    return [(item["Key"], str(item.get("Value", ""))) for item in ((block or {}).get(list_name) or [])]


class Connection:
    def __init__(self, name: str, data: Mapping[str, Any]):
        problems = _problems(name, data)
        if problems:
            raise ConnectionError_(f"connection {name!r}: " + "; ".join(problems))
        self.name, self.kind = name, data["AuthorizationType"]
        self._auth = data["AuthParameters"]
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        self.token_fetches = 0  # how often a token was fetched (tests and logs; no secret)

    def __repr__(self) -> str:
        return f"Connection({self.name!r}, {self.kind})"

    # --- what a call gets ----------------------------------------------------------------

    def apply(self, method: str, headers: list[tuple[str, str]], query: list[tuple[str, str]],
              body: bytes, content_type: str | None, client: httpx.Client) -> tuple[list, list, bytes]:
        invocation = self._auth.get("InvocationHttpParameters")
        headers = [h for h in headers] + _pairs(invocation, "HeaderParameters")
        query = list(query) + _pairs(invocation, "QueryStringParameters")
        body = _with_body_parameters(body, content_type, _pairs(invocation, "BodyParameters"))
        headers.append(self._authorization(client))
        return headers, query, body

    def _authorization(self, client: httpx.Client) -> tuple[str, str]:
        if self.kind == "BASIC":
            basic = self._auth["BasicAuthParameters"]
            token = base64.b64encode(f"{basic['Username']}:{basic['Password']}".encode()).decode()
            return "Authorization", f"Basic {token}"
        if self.kind == "API_KEY":
            key = self._auth["ApiKeyAuthParameters"]
            return key["ApiKeyName"], key["ApiKeyValue"]
        return "Authorization", f"Bearer {self.token(client)}"

    @property
    def refreshes_on_401(self) -> bool:
        return self.kind == "OAUTH_CLIENT_CREDENTIALS"

    def token(self, client: httpx.Client, *, refresh: bool = False) -> str:
        with self._lock:
            if refresh or self._token is None or time.monotonic() >= self._expires:
                self._fetch(client)
            return self._token

    def _fetch(self, client: httpx.Client) -> None:
        oauth = self._auth["OAuthParameters"]
        extra = oauth.get("OAuthHttpParameters")
        client_parameters = oauth["ClientParameters"]
        credentials = base64.b64encode(
            f"{client_parameters['ClientID']}:{client_parameters['ClientSecret']}".encode()).decode()
        headers = {"Authorization": f"Basic {credentials}", **dict(_pairs(extra, "HeaderParameters"))}
        form = _pairs(extra, "BodyParameters")
        if not any(key == "grant_type" for key, _ in form):
            form.append(("grant_type", "client_credentials"))
        method = str(oauth["HttpMethod"]).upper()
        try:
            response = client.request(method, oauth["AuthorizationEndpoint"], headers=headers,
                                       params=_pairs(extra, "QueryStringParameters"),
                                       data=dict(form) if method != "GET" else None, timeout=10)
        except httpx.HTTPError as error:
            raise ConnectionError_(f"connection {self.name!r}: the authorization endpoint cannot be reached "
                                   f"({type(error).__name__})") from None
        if response.status_code >= 300:
            raise ConnectionError_(f"connection {self.name!r}: the authorization endpoint answered "
                                   f"{response.status_code}")
        try:
            answer = response.json()
            self._token = str(answer["access_token"])
        except (ValueError, KeyError, TypeError):
            raise ConnectionError_(f"connection {self.name!r}: the authorization endpoint's answer has "
                                   f"no access_token") from None
        expires_in = answer.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float, str)) and str(expires_in).replace(".", "", 1).isdigit() else 3600.0
        self._expires = time.monotonic() + max(lifetime - 30, lifetime / 2)
        self.token_fetches += 1


def _with_body_parameters(body: bytes, content_type: str | None, pairs: list[tuple[str, str]]) -> bytes:
    """Body parameters join a JSON object body (or an empty one) as keys, a form body as fields."""
    if not pairs:
        return body
    media = (content_type or "application/json").split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True) + pairs
        return urlencode(fields).encode("utf-8")
    try:
        document = json.loads(body) if body.strip() else {}
    except ValueError:
        return body
    if not isinstance(document, dict):
        return body
    document.update(pairs)
    return json.dumps(document).encode("utf-8")


def load_connections(definitions: Mapping[str, Any]) -> dict[str, Connection]:
    return {name: Connection(name, data) for name, data in definitions.items()}
