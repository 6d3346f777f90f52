"""Shared by the atheris harnesses: where a crasher goes, and whether the run stops on it.

A crasher is one JSON line ``{"template", "dialect", "request"}``, the format of
tests/fuzz_regressions.jsonl, which tests/test_fuzz.py replays.

Environment:
    VTL_FUZZ_OUT       file the crashers are appended to (default: tests/fuzz_regressions.jsonl)
    VTL_FUZZ_CONTINUE  1: note the crasher and keep fuzzing (one line per distinct failure,
                       told apart by exception type and innermost vtl frame); otherwise the
                       exception propagates and libFuzzer stops, writing its crash-* artifact.
"""
from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = Path(os.environ.get("VTL_FUZZ_OUT") or ROOT / "tests" / "fuzz_regressions.jsonl")
CONTINUE = os.environ.get("VTL_FUZZ_CONTINUE") == "1"
_seen: set[str] = set()


def signature(error: BaseException) -> str:
    """Exception type plus the innermost frame inside the vtl package (of the cause, if any)."""
    cause = error.__cause__ or error.__context__ or error
    frames = [frame for frame in traceback.extract_tb(cause.__traceback__) if f"{os.sep}vtl{os.sep}" in frame.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__}/{type(cause).__name__}@{where}"


def crashed(error: BaseException, template: str, dialect: str, request: dict | None) -> None:
    """Keep the case; re-raise unless continuing (then only the first case of a signature is kept)."""
    key = signature(error)
    if CONTINUE and key in _seen:
        return
    _seen.add(key)
    line = json.dumps({"template": template, "dialect": dialect, "request": request}, ensure_ascii=True)
    existing = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
    if line not in existing.splitlines():
        with OUT.open("a", encoding="utf-8") as out:
            if existing and not existing.endswith("\n"):
                out.write("\n")
            out.write(line + "\n")
    print(f"\n=== vtl fuzz: {key}: {str(error)[:300]!r}", file=sys.stderr, flush=True)
    if not CONTINUE:
        raise error
