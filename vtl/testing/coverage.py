"""Template coverage: which template lines and branches the cases ran.

The generated code is not changed for this. While cases run, ``sys.settrace`` watches the
frames of generated code (``f_code.co_filename == compiled.filename``) and maps each line
event through ``compiled.positions`` to a template position. Per frame, the positions form a
sequence; the AST says which positions belong to which branch:

* ``#if``/``#elseif``/``#else``: a *run* of positions inside the directive (its conditions
  and arms) starts at a condition; the first arm position in the run is the arm taken, none
  means no arm ran (the implicit ``#else`` of an ``#if`` without one).
* ``#foreach``: a run inside the directive is one evaluation; it *entered* the body when a
  body position appears in the run, else it *skipped* it (nothing to iterate).

An arm with no statements cannot be seen and is left out of the branch counts.
"""
from __future__ import annotations

import html
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import nodes as n
from ..nodes import walk

Span = tuple[int, int]


def _nodes_in(value: Any) -> Iterator[n.Node]:
    if isinstance(value, n.Node):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes_in(item)


def _spans(*roots: Any) -> frozenset[Span]:
    """The positions of the nodes under ``roots`` (blocks themselves have none of their own:
    an empty block carries a made-up one)."""
    return frozenset(node.span for root in roots for item in _nodes_in(root) for node in walk(item)
                     if not isinstance(node, n.Block))


@dataclass
class Arm:
    label: str
    line: int
    spans: frozenset[Span]
    count: int = 0


@dataclass
class BranchPoint:
    kind: str  # "if" or "foreach"
    line: int
    column: int
    header: frozenset[Span]
    arms: list[Arm]
    none_arm: int | None  # the arm a run without any arm position counts for

    @property
    def missed(self) -> list[Arm]:
        return [arm for arm in self.arms if arm.count == 0]


class TemplateAnalysis:
    """What the AST says about one template: executable lines and branch points."""

    def __init__(self, source: str) -> None:
        from ..parser import parse

        self.source = source
        self.lines = source.splitlines()
        self.tree = parse(source)
        self.executable: set[int] = set()
        self.position_lines: dict[Span, tuple[int, ...]] = {}
        self.branches: list[BranchPoint] = []
        self._statements(self.tree.body)
        self._roles: dict[Span, list[tuple[int, int]]] = {}  # span -> [(branch index, -1 header | arm)]
        for index, point in enumerate(self.branches):
            for span in point.header:
                self._roles.setdefault(span, []).append((index, -1))
            for number, arm in enumerate(point.arms):
                for span in arm.spans:
                    self._roles.setdefault(span, []).append((index, number))
        self.hit: set[Span] = set()

    # -- the AST -------------------------------------------------------------------------------

    def _statements(self, block: n.Block | None) -> None:
        if block is None:
            return
        for statement in block.statements:
            self._statement(statement)

    def _statement(self, node: n.Node) -> None:
        line = node.span[0]
        if isinstance(node, n.Text):
            lines = tuple(line + offset for offset, part in enumerate(node.text.split("\n")) if part.strip())
            self.position_lines[node.span] = lines
            self.executable.update(lines)
            return
        self.executable.add(line)
        if isinstance(node, n.IfDirective):
            self.executable.update(condition.span[0] for condition, _ in node.branches)
            header = frozenset({node.span}) | _spans(tuple(condition for condition, _ in node.branches))
            arms = []
            for number, (condition, body) in enumerate(node.branches):
                label = "#if" if number == 0 else "#elseif"
                arms.append(Arm(f"{label} (line {condition.span[0]})", condition.span[0], _spans(body)))
            if node.otherwise is not None:
                arms.append(Arm(f"#else (line {node.otherwise.span[0]})", node.otherwise.span[0],
                                _spans(node.otherwise)))
                none_arm = None
            else:
                arms.append(Arm("no arm (every condition false)", line, frozenset()))
                none_arm = len(arms) - 1
            measured = [arm for number, arm in enumerate(arms) if arm.spans or number == none_arm]
            if len(measured) > 1:
                kept_none = len(measured) - 1 if none_arm is not None else None
                self.branches.append(BranchPoint("if", line, node.span[1], header, measured, kept_none))
            for _, body in node.branches:
                self._statements(body)
            self._statements(node.otherwise)
        elif isinstance(node, n.ForeachDirective):
            body = _spans(node.body)
            if body:
                header = frozenset({node.span}) | _spans(node.target, node.iterable)
                self.branches.append(BranchPoint("foreach", line, node.span[1], header,
                                                 [Arm("body entered", line, body), Arm("body skipped (nothing to "
                                                                                       "iterate)", line, frozenset())],
                                                 1))
            self._statements(node.body)
        elif isinstance(node, (n.MacroDirective, n.DefineDirective)):
            self._statements(node.body)
        elif isinstance(node, n.MacroCall) and node.body is not None:
            self._statements(node.body)

    # -- what ran ------------------------------------------------------------------------------

    def consume(self, sequence: list[Span]) -> None:
        """Record one frame's sequence of template positions."""
        self.hit.update(sequence)
        active: dict[int, int | None] = {}  # branch index -> first arm seen in the current run
        for span in sequence:
            roles = self._roles.get(span, ())
            inside = {index for index, _ in roles}
            for index in [index for index in active if index not in inside]:
                self._close(index, active.pop(index))
            for index, role in roles:
                if index not in active:
                    if role == -1:
                        active[index] = None
                elif role >= 0 and active[index] is None:
                    active[index] = role
        for index, arm in active.items():
            self._close(index, arm)

    def _close(self, index: int, arm: int | None) -> None:
        point = self.branches[index]
        if arm is None:
            arm = point.none_arm
        if arm is not None:
            point.arms[arm].count += 1

    def hit_lines(self) -> set[int]:
        lines: set[int] = set()
        for span in self.hit:
            lines.update(self.position_lines.get(span, (span[0],)))
        return lines


class CoverageCollector:
    """``with collector:`` records the templates that render inside the block (this thread)."""

    def __init__(self) -> None:
        self._by_filename: dict[str, tuple[Any, TemplateAnalysis] | None] = {}
        self._by_source: dict[str, TemplateAnalysis] = {}
        self._previous: Any = None
        self._lock = threading.Lock()

    # -- tracing -------------------------------------------------------------------------------

    def __enter__(self) -> CoverageCollector:
        self._previous = sys.gettrace()
        sys.settrace(self._trace)
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.settrace(self._previous)
        self._previous = None

    def register(self, compiled: Any) -> None:
        """Make a compiled template known (templates in the default engines are found alone)."""
        self._by_filename[compiled.filename] = (compiled, self._analysis("\n".join(compiled.source_lines)))

    def _trace(self, frame: Any, event: str, arg: Any) -> Any:
        if event != "call":
            return None
        filename = frame.f_code.co_filename
        if not filename.startswith("<vtl:") or filename.startswith("<vtl:#evaluate") \
                or frame.f_code.co_name == "<module>":  # the exec that defines the functions
            return None
        found = self._lookup(filename)
        if found is None:
            return None
        compiled, analysis = found
        positions, line_spans = compiled.positions, compiled.line_spans
        size = len(positions)
        sequence: list[Span] = []

        def local(frame: Any, event: str, arg: Any) -> Any:
            if event == "line":
                line = frame.f_lineno
                if 0 < line <= size:
                    position = positions[line - 1]
                    if line in line_spans:  # a line printing several statements (a plan)
                        sequence.extend(line_spans[line])
                    elif position is not None and (not sequence or sequence[-1] != position):
                        sequence.append(position)
            elif event == "return":
                analysis.consume(sequence)
            return local

        return local

    def _lookup(self, filename: str) -> tuple[Any, TemplateAnalysis] | None:
        if filename not in self._by_filename:
            from ..compiler import compiled_by_filename

            found = compiled_by_filename(filename)
            if found is None:
                return None  # not (yet) in an engine's cache: ask again next time
            try:
                self.register(found)
            except Exception:  # a template we cannot analyse is left out, never a failure
                self._by_filename[filename] = None
        return self._by_filename[filename]

    def _analysis(self, source: str) -> TemplateAnalysis:
        key = "\n".join(source.splitlines())
        with self._lock:
            found = self._by_source.get(key)
            if found is None:
                found = self._by_source[key] = TemplateAnalysis(source)
            return found

    # -- results -------------------------------------------------------------------------------

    def report(self, names: dict[str, str] | None = None) -> CoverageReport:
        """Coverage of the templates in ``names`` (source -> display name), also those that
        never ran, plus any other template that ran."""
        names = dict(names or {})
        files: list[FileCoverage] = []
        seen: set[str] = set()
        for source, name in names.items():
            key = "\n".join(source.splitlines())
            if key in seen:
                continue
            seen.add(key)
            try:
                analysis = self._analysis(source)
            except Exception:
                continue  # a template that does not parse: its cases report the syntax error
            files.append(FileCoverage.of(name, analysis))
        others = 0
        for key, analysis in self._by_source.items():
            if key not in seen and analysis.hit:
                others += 1
                files.append(FileCoverage.of(f"<template {others}>", analysis))
        files.sort(key=lambda item: item.name)
        return CoverageReport(files)


@dataclass
class FileCoverage:
    name: str
    lines: list[str]
    executable: set[int]
    hit: set[int]
    branches: list[BranchPoint] = field(default_factory=list)

    @classmethod
    def of(cls, name: str, analysis: TemplateAnalysis) -> FileCoverage:
        hit = analysis.hit_lines()
        return cls(name, analysis.lines, analysis.executable | hit, hit, analysis.branches)

    @property
    def missed_lines(self) -> list[int]:
        return sorted(self.executable - self.hit)

    @property
    def arms(self) -> int:
        return sum(len(point.arms) for point in self.branches)

    @property
    def arms_taken(self) -> int:
        return sum(1 for point in self.branches for arm in point.arms if arm.count)

    @property
    def line_percent(self) -> float:
        return 100.0 * len(self.hit & self.executable) / len(self.executable) if self.executable else 100.0

    @property
    def branch_percent(self) -> float:
        return 100.0 * self.arms_taken / self.arms if self.arms else 100.0

    def partial_lines(self) -> set[int]:
        return {point.line for point in self.branches if point.missed}


@dataclass
class CoverageReport:
    files: list[FileCoverage]

    @property
    def lines(self) -> int:
        return sum(len(item.executable) for item in self.files)

    @property
    def lines_hit(self) -> int:
        return sum(len(item.hit & item.executable) for item in self.files)

    @property
    def arms(self) -> int:
        return sum(item.arms for item in self.files)

    @property
    def arms_taken(self) -> int:
        return sum(item.arms_taken for item in self.files)

    @property
    def line_percent(self) -> float:
        return 100.0 * self.lines_hit / self.lines if self.lines else 100.0

    @property
    def branch_percent(self) -> float:
        return 100.0 * self.arms_taken / self.arms if self.arms else 100.0


def _ranges(numbers: list[int]) -> str:
    parts: list[str] = []
    for number in numbers:
        if parts and number == parts[-1][1] + 1:
            parts[-1] = (parts[-1][0], number)
        else:
            parts.append((number, number))
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in parts)


def terminal_report(report: CoverageReport, *, colour: bool = False) -> str:
    """The coverage table: lines and branch arms per template, and what was missed."""
    headers = ("Template", "Lines", "Miss", "Cover", "Arms", "Miss", "Cover", "Missing")
    rows = []
    for item in report.files:
        missing = _ranges(item.missed_lines)
        arms = [f"{arm.line}:{arm.label.split(' (')[0]}" for point in item.branches for arm in point.missed]
        if arms:
            missing = "; ".join(part for part in (missing, "arms " + ", ".join(arms)) if part)
        rows.append((item.name, str(len(item.executable)), str(len(item.executable - item.hit)),
                     f"{item.line_percent:.0f}%", str(item.arms), str(item.arms - item.arms_taken),
                     f"{item.branch_percent:.0f}%", missing))
    rows.append(("TOTAL", str(report.lines), str(report.lines - report.lines_hit), f"{report.line_percent:.0f}%",
                 str(report.arms), str(report.arms - report.arms_taken), f"{report.branch_percent:.0f}%", ""))
    widths = [max(len(row[index]) for row in rows + [headers]) for index in range(len(headers) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:])]
        return "  ".join(cells + [row[-1]]).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1) + len(headers[-1]) + 2)
    text = ["Template coverage (lines; #if/#elseif/#else arms and #foreach entered/skipped)", line(headers), rule]
    text += [line(row) for row in rows[:-1]] + [rule, line(rows[-1])]
    if colour:
        text[0] = f"\x1b[1m{text[0]}\x1b[0m"
    return "\n".join(text)


# --- HTML ----------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table.summary { border-collapse: collapse; } .summary td, .summary th { padding: 4px 10px; border-bottom: 1px solid #ddd; }
.summary td.num { text-align: right; } pre { margin: 0; }
table.source { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 13px; }
.source td { padding: 0 8px; white-space: pre; vertical-align: top; }
.source td.n { color: #888; text-align: right; user-select: none; }
tr.hit td.code { background: #dfd; } tr.miss td.code { background: #fdd; } tr.partial td.code { background: #ffd; }
td.note { color: #555; font-family: system-ui, sans-serif; font-size: 12px; }
"""


def _page_name(index: int, name: str) -> str:
    return f"{index:03d}_{re.sub(r'[^A-Za-z0-9._-]+', '_', name)[-60:]}.html"


def write_html(report: CoverageReport, directory: Path) -> Path:
    """Write ``index.html`` and one page per template (lines highlighted); returns the index."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    for index, item in enumerate(report.files, 1):
        page = _page_name(index, item.name)
        (directory / page).write_text(_file_page(item), encoding="utf-8")
        rows.append(f"<tr><td><a href=\"{page}\">{html.escape(item.name)}</a></td>"
                    f"<td class=num>{len(item.executable)}</td><td class=num>{len(item.executable - item.hit)}</td>"
                    f"<td class=num>{item.line_percent:.0f}%</td><td class=num>{item.arms}</td>"
                    f"<td class=num>{item.arms - item.arms_taken}</td><td class=num>{item.branch_percent:.0f}%</td></tr>")
    rows.append(f"<tr><th>Total</th><td class=num>{report.lines}</td><td class=num>{report.lines - report.lines_hit}"
                f"</td><td class=num>{report.line_percent:.0f}%</td><td class=num>{report.arms}</td>"
                f"<td class=num>{report.arms - report.arms_taken}</td><td class=num>{report.branch_percent:.0f}%</td></tr>")
    index_page = directory / "index.html"
    index_page.write_text(
        f"<!doctype html><meta charset=utf-8><title>Template coverage</title><style>{_STYLE}</style>"
        f"<h1>Template coverage</h1><table class=summary><tr><th>Template</th><th>Lines</th><th>Missed</th>"
        f"<th>Cover</th><th>Arms</th><th>Missed</th><th>Cover</th></tr>{''.join(rows)}</table>", encoding="utf-8")
    return index_page


def _file_page(item: FileCoverage) -> str:
    notes: dict[int, list[str]] = {}
    for point in item.branches:
        text = ", ".join(f"{arm.label}: {arm.count}×" for arm in point.arms)
        notes.setdefault(point.line, []).append(f"#{point.kind} — {text}")
    partial = item.partial_lines()
    rows = []
    for number, text in enumerate(item.lines, 1):
        if number in partial and number in item.hit:
            css = "partial"
        elif number in item.hit:
            css = "hit"
        elif number in item.executable:
            css = "miss"
        else:
            css = ""
        note = html.escape("; ".join(notes.get(number, [])))
        rows.append(f"<tr class=\"{css}\"><td class=n>{number}</td><td class=code>{html.escape(text) or ' '}</td>"
                    f"<td class=note>{note}</td></tr>")
    return (f"<!doctype html><meta charset=utf-8><title>{html.escape(item.name)}</title><style>{_STYLE}</style>"
            f"<p><a href=\"index.html\">&larr; all templates</a></p><h1>{html.escape(item.name)}</h1>"
            f"<p>Lines {item.line_percent:.0f}% ({len(item.hit & item.executable)}/{len(item.executable)}), "
            f"arms {item.branch_percent:.0f}% ({item.arms_taken}/{item.arms}). "
            f"<span style=\"background:#dfd\">ran</span> <span style=\"background:#fdd\">never ran</span> "
            f"<span style=\"background:#ffd\">a branch arm never taken</span></p>"
            f"<table class=source>{''.join(rows)}</table>")
