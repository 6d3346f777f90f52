"""Chooses, once, which twin of the hot helpers the engine uses.

The compiled Cython twin (``vtl._speedups``, built from ``ext/_speedups.pyx`` when the package
is installed) is used when it can be imported and was built from the same helper API as the
pure-Python reference (:mod:`vtl._native`); ``VTL_PURE_PYTHON=1`` in the environment forces
the pure twin. ``ACTIVE`` tells which one is in use: ``"cython"`` or ``"python"``.

Every other module takes the helpers from here, so a semantic lives in one place and is
switched in one place.

The same build compiles the compiler's front end (``lexer``, ``parser``, ``codegen``) from its
own ``.py`` files, which Python then imports in their place. Those are not twins but the same
code, faster. ``FRONT_END`` tells which runs. The ``.py`` files are imported instead when
``VTL_PURE_PYTHON`` is set, and when a checkout's sources changed since the build.
"""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from . import _native

#: The pure-Python reference twin (always available).
python: ModuleType = _native


_HERE = Path(__file__).resolve().parent
_CHECKOUT = _HERE.parent  # where ext/ is, when this is a source checkout


def source_digest(paths: list[str]) -> str | None:
    """The hash setup.py builds into the extension for these files; None when this is not a
    checkout (an installed package's files came with its build)."""
    if not (_CHECKOUT / "ext").is_dir():
        return None
    digest = hashlib.sha256()
    for path in paths:
        if (_CHECKOUT / path).is_file():
            digest.update(path.encode() + b"\0" + (_CHECKOUT / path).read_bytes())
    return digest.hexdigest()[:16]


def _load_cython() -> tuple[ModuleType | None, str]:
    if importlib.util.find_spec(__package__ + "._speedups") is None:
        return None, "not built"
    try:
        from . import _speedups  # type: ignore[attr-defined]
    except Exception as error:  # noqa: BLE001 (a build whose initialisation fails is not used)
        return None, f"cannot be imported ({type(error).__name__}: {error})"
    if getattr(_speedups, "API_VERSION", None) != _native.API_VERSION or \
            any(not hasattr(_speedups, name) for name in _native.NAMES):
        return None, "stale build (API differs from vtl._native): rebuild with pip install"
    if source_digest(["ext/_speedups.pyx"]) not in (None, getattr(_speedups, "SOURCE_HASH", None)):
        # A checkout whose ext/_speedups.pyx changed since the build: not to be trusted.
        return None, "stale build (ext/_speedups.pyx changed): rebuild with pip install -e ."
    return _speedups, "built"


#: The compiled twin, or None when it is not built (``CYTHON_STATUS`` says why).
cython: ModuleType | None
cython, CYTHON_STATUS = _load_cython()

FORCED_PURE = os.environ.get("VTL_PURE_PYTHON", "") not in ("", "0")

#: Which twin the engine uses: "cython" or "python".
ACTIVE = "cython" if cython is not None and not FORCED_PURE else "python"
implementation: ModuleType = cython if ACTIVE == "cython" else python  # type: ignore[assignment]

#: The front-end modules setup.py compiles (its FRONT_END).
FRONT_END_MODULES = ("lexer", "parser", "codegen")
_FRONT_END_SOURCES = [f"vtl/{name}.py" for name in FRONT_END_MODULES] + \
    [f"ext/vtl/{name}.pxd" for name in FRONT_END_MODULES]


class _FrontEndFromSource(importlib.abc.MetaPathFinder):
    """Imports the front end from its .py files although compiled ones sit beside them (where
    Python's own finder prefers the compiled)."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package == __package__ and name in FRONT_END_MODULES:
            return importlib.util.spec_from_file_location(fullname, _HERE / f"{name}.py")
        return None


def _choose_front_end() -> str:
    compiled = [name for name in FRONT_END_MODULES
                if any((_HERE / f"{name}{suffix}").is_file() for suffix in importlib.machinery.EXTENSION_SUFFIXES)]
    if not compiled:
        return "python (not compiled)"
    if len(compiled) < len(FRONT_END_MODULES):
        reason = "only partly compiled: rebuild with pip install -e ."
    elif FORCED_PURE:
        reason = "VTL_PURE_PYTHON set"
    elif cython is None:
        reason = "its build is not trusted either: the helpers' is " + CYTHON_STATUS
    elif source_digest(_FRONT_END_SOURCES) not in (None, getattr(cython, "FRONT_END_SOURCE_HASH", None)):
        reason = "stale build (its sources changed): rebuild with pip install -e ."
    else:
        return "cython"
    if any(f"{__package__}.{name}" in sys.modules for name in FRONT_END_MODULES):  # pragma: no cover
        raise ImportError("vtl.speedups must be imported before vtl's lexer, parser and codegen")
    sys.meta_path.insert(0, _FrontEndFromSource())
    return f"python ({reason})"


#: What runs the lexer, parser and code generator: "cython", or "python (why)".
FRONT_END = _choose_front_end()

escape_javascript = implementation.escape_javascript
url_encode = implementation.url_encode
url_decode = implementation.url_decode
base64_encode = implementation.base64_encode
base64_decode = implementation.base64_decode
java_double_str = implementation.java_double_str
to_java_string = implementation.to_java_string
escape_json_string = implementation.escape_json_string
to_json = implementation.to_json
as_json_smart = implementation.as_json_smart
jsonpath_select = implementation.jsonpath_select
jsonpath_read = implementation.jsonpath_read
java_output_text = implementation.java_output_text
get_property = implementation.get_property
call_method = implementation.call_method
call_method0 = implementation.call_method0
call_method1 = implementation.call_method1
util_escape_javascript = implementation.util_escape_javascript
util_url_encode = implementation.util_url_encode
util_url_decode = implementation.util_url_decode
util_base64_encode = implementation.util_base64_encode
util_base64_decode = implementation.util_base64_decode
map_get = implementation.map_get
text_or_source = implementation.text_or_source
text_or_empty = implementation.text_or_empty
last_values = implementation.last_values
has_number_run = implementation.has_number_run
render_plan = implementation.render_plan
start_loop = implementation.start_loop
LoopOutput = implementation.LoopOutput
loop_items = implementation.loop_items

__all__ = ["ACTIVE", "CYTHON_STATUS", "FRONT_END", "cython", "python", *_native.NAMES]
