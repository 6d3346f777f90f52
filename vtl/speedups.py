"""Chooses, once, which twin of the hot helpers the engine uses.

The compiled Cython twin (``vtl._speedups``, built from ``ext/_speedups.pyx`` when the package
is installed) is used when it can be imported and was built from the same helper API as the
pure-Python reference (:mod:`vtl._native`); ``VTL_PURE_PYTHON=1`` in the environment forces
the pure twin. ``ACTIVE`` tells which one is in use: ``"cython"`` or ``"python"``.

Every other module takes the helpers from here, so a semantic lives in one place and is
switched in one place.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path
from types import ModuleType

from . import _native

#: The pure-Python reference twin (always available).
python: ModuleType = _native


def _load_cython() -> tuple[ModuleType | None, str]:
    if importlib.util.find_spec(__package__ + "._speedups") is None:
        return None, "not built"
    try:
        from . import _speedups  # type: ignore[attr-defined]
    except ImportError as error:
        return None, f"cannot be imported ({error})"
    if getattr(_speedups, "API_VERSION", None) != _native.API_VERSION or \
            any(not hasattr(_speedups, name) for name in _native.NAMES):
        return None, "stale build (API differs from vtl._native): rebuild with pip install"
    source = Path(__file__).resolve().parent.parent / "ext" / "_speedups.pyx"
    if source.is_file() and getattr(_speedups, "SOURCE_HASH", None) != \
            hashlib.sha256(source.read_bytes()).hexdigest()[:16]:
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
render_plan = implementation.render_plan
iteration_items = implementation.iteration_items
check_unmodified = implementation.check_unmodified

__all__ = ["ACTIVE", "CYTHON_STATUS", "cython", "python", *_native.NAMES]
