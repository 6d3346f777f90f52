"""The peers: airspeed (PyPI) and airspeed-ext (its fork that LocalStack uses), side by side.

Both distributions install a package named ``airspeed``, so each is installed into its own
folder under ``.benchmarks/peers/`` (``pip install --target``, once, on first use) and imported
in isolation: its modules are taken out of ``sys.modules`` again after the import, so the two
never meet. Set ``VTL_BENCH_NO_INSTALL=1`` to only use what is already there.

Neither peer knows API Gateway, so both get the same minimal ``$input``/``$util`` written here:
the body parsed with orjson (``json.loads`` for what it refuses), a small JSONPath (``$``, ``.name``, ``[index]``), the same
``$util`` helpers as vtl, and vtl's ``$context`` and parameter maps.
"""
from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson

from vtl import speedups
from vtl.apigw.context import create_context
from vtl.apigw.input import method_request_params
from vtl.apigw.request import Request
from vtl.apigw.variables import response_body_text

PEERS = {"airspeed": "airspeed==0.7.1", "airspeed-ext": "airspeed-ext==0.6.9"}
PEER_DIR = Path(__file__).resolve().parent.parent / ".benchmarks" / "peers"
_ISOLATED = ("airspeed", "six", "cachetools")

_loaded: dict[str, tuple[ModuleType | None, str]] = {}


def load(name: str) -> tuple[ModuleType | None, str]:
    """The peer's ``airspeed`` module (or None) and a word on how it went."""
    if name not in _loaded:
        _loaded[name] = _load(name)
    return _loaded[name]


def _load(name: str) -> tuple[ModuleType | None, str]:
    target = PEER_DIR / name
    if not (target / "airspeed" / "__init__.py").exists():
        if os.environ.get("VTL_BENCH_NO_INSTALL", "") not in ("", "0"):
            return None, "not installed (VTL_BENCH_NO_INSTALL is set)"
        done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(target), PEERS[name]],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return None, f"pip could not install {PEERS[name]}: {done.stderr.strip().splitlines()[-1:]}"
    saved = {key: sys.modules.pop(key) for key in list(sys.modules) if key.split(".")[0] in _ISOLATED}
    sys.path.insert(0, str(target))
    try:
        module = importlib.import_module("airspeed")
    except Exception as error:  # noqa: BLE001
        return None, f"import failed: {error}"
    finally:
        sys.path.remove(str(target))
        for key in [key for key in sys.modules if key.split(".")[0] in _ISOLATED]:
            del sys.modules[key]
        sys.modules.update(saved)
    return module, PEERS[name]


# ----- the minimal $input / $util given to both peers ---------------------------------------------

_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']*)'\]")


@lru_cache(maxsize=256)
def _steps(path: str) -> tuple:
    if not path.startswith("$"):
        raise ValueError(f"unsupported path {path!r}")
    steps, position = [], 1
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            raise ValueError(f"unsupported path {path!r}")
        name, index, quoted = match.groups()
        steps.append(int(index) if index is not None else (name if name is not None else quoted))
        position = match.end()
    return tuple(steps)


def select(document: Any, path: str) -> Any:
    value = document
    for step in _steps(path):
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
            value = value[step]
        else:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
    return value


class PeerInput:
    """``$input`` for a peer: body, path, json, params."""

    def __init__(self, request: Request, payload: str):
        self.body = payload or "{}"
        self._request = request
        self._document: Any = None
        self._params: dict | None = None

    def _parsed(self) -> Any:
        if self._document is None:
            try:  # the JSON parser vtl uses first: the ratios compare template engines, not parsers
                self._document = orjson.loads(self.body)
            except orjson.JSONDecodeError:
                self._document = json.loads(self.body)
        return self._document

    def path(self, path: str) -> Any:
        return select(self._parsed(), path)

    def json(self, path: str) -> str:
        return json.dumps(select(self._parsed(), path), separators=(",", ":"), ensure_ascii=False)

    def params(self, name: str | None = None) -> Any:
        if self._params is None:
            self._params = method_request_params(self._request)
        if name is None:
            return self._params
        for source in ("path", "querystring", "header"):
            if name in self._params[source]:
                return self._params[source][name]
        return ""


class PeerUtil:
    """``$util`` for a peer: the same helpers vtl uses (the active twin)."""

    escapeJavaScript = staticmethod(speedups.escape_javascript)  # noqa: N815 (the template's names)
    urlEncode = staticmethod(speedups.url_encode)  # noqa: N815
    urlDecode = staticmethod(speedups.url_decode)  # noqa: N815
    base64Encode = staticmethod(speedups.base64_encode)  # noqa: N815
    base64Decode = staticmethod(speedups.base64_decode)  # noqa: N815

    @staticmethod
    def parseJson(text: str) -> Any:  # noqa: N802
        return json.loads(text)


_UTIL = PeerUtil()


def peer_variables(request: dict, phase: str = "request", backend_response: dict | None = None) -> dict:
    """A peer's namespace for one render, built from the request as vtl builds its own."""
    parsed = Request.from_dict(request)
    payload = parsed.body_text
    if phase != "request" and backend_response is not None:
        payload = response_body_text(backend_response)
    return {"input": PeerInput(parsed, payload), "util": _UTIL, "context": create_context(parsed),
            "stageVariables": dict(parsed.stage_variables)}
