"""Comparisons behind ``expect:`` and the pytest helpers, each giving readable mismatches.

A mismatch is a :class:`Mismatch`: what was checked (``body``, ``headers.Content-Type``,
``json $.Item.id``), the expected and the actual value, and diff lines for texts.
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_MISSING = object()


@dataclass
class Mismatch:
    what: str
    expected: Any = None
    actual: Any = None
    message: str = ""
    diff: list[str] = field(default_factory=list)  # lines starting "-" (expected), "+" (actual) or " "

    def text(self, colour: bool = False) -> str:
        """The mismatch as the terminal shows it (``colour`` adds ANSI colours)."""
        lines = [f"{self.what}: {self.message}" if self.message else f"{self.what}:"]
        if self.diff:
            lines.extend("    " + paint(line, colour) for line in self.diff)
        elif not self.message:
            lines.append("    " + paint(f"- expected: {_show(self.expected)}", colour))
            lines.append("    " + paint(f"+ actual:   {_show(self.actual)}", colour))
        return "\n".join(lines)


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    return json.dumps(value, ensure_ascii=False)


RED, GREEN, CYAN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[0m"


def paint(line: str, colour: bool) -> str:
    if not colour:
        return line
    if line.startswith("-"):
        return RED + line + RESET
    if line.startswith("+"):
        return GREEN + line + RESET
    if line.startswith("@@") or line.startswith("?"):
        return CYAN + line + RESET
    return line


# --- texts ------------------------------------------------------------------------------------


def text_diff(expected: str, actual: str) -> list[str]:
    """A diff of two texts: ``-`` lines are expected, ``+`` actual. Whitespace is output in
    VTL, so nothing is normalised; line ends and trailing spaces are made visible."""
    if "\n" not in expected and "\n" not in actual:
        return [f"- {expected!r}", f"+ {actual!r}"] + _caret(expected, actual)
    expected_lines = expected.splitlines(keepends=True)
    actual_lines = actual.splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(expected_lines, actual_lines, "expected", "actual", lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith(("-", "+", " ")):
            body = line[1:]
            shown = body.rstrip("\n")
            if not body.endswith("\n"):
                shown += "⏎̸"  # no newline at the end
            elif shown != shown.rstrip():
                shown = shown.rstrip() + "·" * (len(shown) - len(shown.rstrip()))
            lines.append(line[0] + " " + shown)
        else:
            lines.append(line)
    return lines


def _caret(expected: str, actual: str) -> list[str]:
    for index, (a, b) in enumerate(zip(expected, actual)):
        if a != b:
            break
    else:
        index = min(len(expected), len(actual))
    offset = len(repr(expected[:index])) - 1  # position inside the repr, after the quote
    return [f"  {' ' * offset}^ first difference at character {index + 1}"]


def compare_text(what: str, expected: Any, actual: str | None) -> list[Mismatch]:
    expected = str(expected)
    if actual is None:
        return [Mismatch(what, expected, None, "nothing was produced")]
    if expected == actual:
        return []
    return [Mismatch(what, expected, actual, "differs (- expected, + actual)", text_diff(expected, actual))]


# --- JSON -------------------------------------------------------------------------------------


def parse_json(what: str, text: str | None) -> tuple[Any, Mismatch | None]:
    if text is None:
        return None, Mismatch(what, message="nothing was produced")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        lines = text.splitlines() or [""]
        line = lines[error.lineno - 1] if error.lineno <= len(lines) else ""
        diff = [f"  {error.lineno}: {line}", f"  {' ' * (len(str(error.lineno)) + 1 + error.colno)}^ {error.msg}"]
        return None, Mismatch(what, message=f"is not valid JSON (line {error.lineno}, column {error.colno}: "
                                            f"{error.msg})", diff=diff)


def _same_scalar(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return expected == actual


def json_subset_mismatches(expected: Any, actual: Any, path: str = "$") -> list[tuple[str, Any, Any]]:
    """Where ``expected`` is not a subset of ``actual``: ``(json path, expected, actual)``.

    Objects: every expected key must be there, with a matching value (extra keys are fine).
    Arrays: same length, items matched in order. Scalars: equal (``true`` is not ``1``).
    """
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [(path, expected, actual)]
        found = []
        for key, value in expected.items():
            child = f"{path}.{key}" if str(key).isidentifier() else f"{path}[{json.dumps(key)}]"
            if key not in actual:
                found.append((child, value, _MISSING))
            else:
                found.extend(json_subset_mismatches(value, actual[key], child))
        return found
    if isinstance(expected, Sequence) and not isinstance(expected, str):
        if not isinstance(actual, Sequence) or isinstance(actual, str):
            return [(path, expected, actual)]
        if len(expected) != len(actual):
            return [(f"{path} (length)", len(expected), len(actual))]
        found = []
        for index, (item, other) in enumerate(zip(expected, actual)):
            found.extend(json_subset_mismatches(item, other, f"{path}[{index}]"))
        return found
    return [] if _same_scalar(expected, actual) else [(path, expected, actual)]


def compare_json(what: str, expected: Any, text: str | None, *, subset: bool) -> list[Mismatch]:
    actual, problem = parse_json(what, text)
    if problem:
        return [problem]
    if subset:
        return [Mismatch(f"{what} {path}", want, got) for path, want, got in json_subset_mismatches(expected, actual)]
    if expected == actual and not json_subset_mismatches(expected, actual):
        return []
    diff = text_diff(json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                     json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return [Mismatch(what, expected, actual, "JSON differs (- expected, + actual; keys sorted)", diff)]


def assert_json_subset(expected: Any, actual: Any) -> None:
    """Assert that ``expected`` is a subset of ``actual`` (a JSON text, bytes or a parsed value).

    >>> assert_json_subset({"a": 1}, '{"a": 1, "b": 2}')
    """
    if isinstance(actual, (bytes, bytearray)):
        actual = actual.decode("utf-8")
    if isinstance(actual, str):
        parsed, problem = parse_json("value", actual)
        if problem:
            raise AssertionError(problem.text() + f"\n    text: {actual!r}")
        actual = parsed
    found = json_subset_mismatches(expected, actual)
    if found:
        lines = ["JSON is not a subset:"]
        for path, want, got in found:
            lines.append(f"  {path}: expected {_show(want)}, actual {_show(got)}")
        raise AssertionError("\n".join(lines))


# --- headers ----------------------------------------------------------------------------------


def header_values(headers: Mapping[str, Any], name: str) -> list[str] | None:
    wanted = name.lower()
    found: list[str] | None = None
    for key, values in headers.items():
        if str(key).lower() == wanted:
            found = (found or []) + (list(values) if isinstance(values, (list, tuple)) else [str(values)])
    return found


def compare_headers(what: str, expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[Mismatch]:
    """Each expected header (name case-insensitive): a string matches one value (or the values
    joined by ``,``), a list matches all values, null means the header must be absent."""
    found = []
    for name, want in (expected or {}).items():
        values = header_values(actual, str(name))
        if want is None:
            if values is not None:
                found.append(Mismatch(f"{what}.{name}", None, values, f"should be absent, is {_show(values)}"))
            continue
        if values is None:
            found.append(Mismatch(f"{what}.{name}", want, _MISSING, "is missing"))
            continue
        if isinstance(want, (list, tuple)):
            ok = [str(item) for item in want] == values
        else:
            ok = values == [str(want)] or ",".join(values) == str(want)
        if not ok:
            found.append(Mismatch(f"{what}.{name}", want, values[0] if len(values) == 1 else values))
    return found
