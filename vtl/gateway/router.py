"""Which resource and method a request reaches, as API Gateway chooses.

Per path segment a literal beats a ``{param}``, which beats a greedy ``{proxy+}``; then the
request's method, else the resource's ``ANY``. A path no resource matches, or a resource
without the method, is answered 403 ``{"message":"Missing Authentication Token"}``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..loaders.api import Api, Method

_SEGMENT = re.compile(r"\{([^{}+]+)(\+?)\}")


@dataclass
class Route:
    resource_path: str
    method: Method
    path_params: dict[str, str]


def _match(resource_path: str, segments: list[str]) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """(rank, path parameters) when ``segments`` fall under ``resource_path``."""
    pattern = [part for part in resource_path.split("/") if part]
    rank: list[int] = []
    params: dict[str, str] = {}
    for index, part in enumerate(pattern):
        variable = _SEGMENT.fullmatch(part)
        if variable and variable.group(2):  # {name+}: the rest, at least one segment
            rest = segments[index:]
            if not rest:
                return None
            params[variable.group(1)] = "/".join(rest)
            rank.append(0)
            return tuple(rank), params
        if index >= len(segments):
            return None
        if variable:
            params[variable.group(1)] = segments[index]
            rank.append(1)
        elif part == segments[index]:
            rank.append(2)
        else:
            return None
    if len(pattern) != len(segments):
        return None
    return tuple(rank), params


def route(api: Api, method: str, path: str) -> Route | None:
    segments = [segment for segment in path.split("/") if segment]
    best: tuple[tuple[int, ...], str, dict[str, str]] | None = None
    for resource_path in api.resources:
        found = _match(resource_path, segments)
        if found and (best is None or found[0] > best[0]):
            best = (found[0], resource_path, found[1])
    if best is None:
        return None
    methods = api.resources[best[1]].methods
    chosen = methods.get(method.upper()) or methods.get("ANY")
    return Route(best[1], chosen, best[2]) if chosen else None
