"""``vtl lint``: template mistakes API Gateway only reveals in production.

Checks (the code in brackets names each; ``## vtl-lint: ignore CODE`` on a line, or on the
line above, silences it there; ``## vtl-lint: ignore`` silences every check):

``syntax``         the template does not parse
``json-output``    rendered against a sample request, a template whose output looks like JSON
                   (or any request template of a Lambda integration) is not valid JSON
``render-error``   rendering against a sample request fails
``escape-quote``   ``$util.escapeJavaScript(...)`` inside a JSON string without AWS's workaround
                   ``.replaceAll("\\\\'", "'")``: it turns ``'`` into ``\\'``, which JSON rejects
``undefined``      a reference that nothing defines (not ``$input``, ``$util``, ``$context``,
                   ``$stageVariables``, ``$foreach``, ``$velocityCount``, nor bound by
                   ``#set``/``#foreach``/``#macro``/``#define``)
``foreach-limit``  ``#foreach`` over request data: API Gateway runs at most 1,000 iterations
``size-limit``     a template over 300 KB (API Gateway rejects it)
``unused-set``     ``#set($x = ...)`` where ``$x`` is never read
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import nodes as n
from ..apigw.model_rules import MAX_TEMPLATE_BYTES, stage_variable_problems, template_size
from ..errors import VTLError, VTLSyntaxError
from ..nodes import walk

KNOWN_VARIABLES = frozenset({"input", "util", "context", "stageVariables", "foreach", "velocityCount",
                             "velocityHasNext"})
#: ``$null`` is never defined on purpose: ``#if($x == $null)`` is the usual null test.
CONVENTIONAL_UNDEFINED = frozenset({"null", "NULL"})
_IGNORE = re.compile(r"##\s*vtl-lint:\s*ignore\b([ \t]+[a-z][a-z-]*(?:\s*,\s*[a-z][a-z-]*)*)?")
_JSON_TYPES = re.compile(r"^application/(json|[\w.+-]*\+json|x-amz-json-1\.[01])$", re.IGNORECASE)

SAMPLE_REQUESTS: dict[str, dict[str, Any]] = {
    "a JSON request with an empty object body": {
        "method": "POST", "path": "/", "headers": {"Content-Type": "application/json"}, "body": "{}"},
}
SAMPLE_BACKEND_RESPONSES: dict[str, dict[str, Any]] = {
    "a backend answering an empty JSON object": {"status": 200, "headers": {"Content-Type": "application/json"},
                                                 "body": "{}"},
}


class LintError(Exception):
    """A file that cannot be linted (unreadable, not a template nor a definition)."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    code: str
    message: str

    def text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class TemplateUse:
    """How a template is used, which decides some checks."""

    phase: str = "request"  # or "integration_response"
    content_type: str = "application/json"
    must_be_json: bool = False  # a Lambda (AWS) integration's request template
    render_check: bool = True  # MOCK request templates are parsed leniently by AWS: skip


# --- one template --------------------------------------------------------------------------------


def lint_template(source: str, use: TemplateUse = TemplateUse(), *, file: str = "<template>",
                  samples: Mapping[str, Mapping[str, Any]] | None = None) -> list[Problem]:
    """Every problem in one template, positions in the template's own lines."""
    from ..parser import parse

    problems: list[Problem] = []

    def add(span: tuple[int, int], code: str, message: str) -> None:
        problems.append(Problem(file, span[0], span[1], code, message))

    size = template_size(source)
    if size > MAX_TEMPLATE_BYTES:
        add((1, 1), "size-limit", f"the template is {size:,} bytes: API Gateway accepts at most 300 KB "
                                  f"({MAX_TEMPLATE_BYTES:,} bytes)")
    try:
        tree = parse(source)
    except VTLSyntaxError as error:
        add((error.line or 1, error.column or 1), "syntax", f"syntax error: {_first_line(error)}")
        return _filtered(problems, source)
    everything = list(walk(tree))
    references = [node for node in everything if isinstance(node, n.Reference)]
    _undefined(everything, references, add)
    _unused_sets(everything, references, add)
    _escape_quotes(references, source.splitlines(), add)
    _foreach_limits(everything, add)
    if use.render_check and size <= MAX_TEMPLATE_BYTES:
        _render_checks(source, use, samples, add)
    return _filtered(problems, source)


def _first_line(error: BaseException) -> str:
    text = getattr(error, "message", None) or str(error)
    return text.splitlines()[0] if text else type(error).__name__


def _bound_names(everything: list[n.Node]) -> set[str]:
    names = set(KNOWN_VARIABLES)
    for node in everything:
        if isinstance(node, (n.SetDirective, n.ForeachDirective, n.DefineDirective)):
            names.add(node.target.name)
        elif isinstance(node, n.MacroDirective):
            names.update(parameter.lstrip("$") for parameter in node.parameters)
    return names


def _undefined(everything: list[n.Node], references: list[n.Reference], add: Any) -> None:
    bound = _bound_names(everything)
    reported: set[str] = set()
    for reference in sorted(references, key=lambda node: node.span):
        name = reference.name
        if name in bound or name in CONVENTIONAL_UNDEFINED or name in reported or reference.escapes:
            continue
        reported.add(name)
        add(reference.span, "undefined", f"${name} is never defined: it is not an API Gateway variable "
                                         f"($input, $util, $context, $stageVariables) and no #set, #foreach or "
                                         f"#macro binds it, so it renders as nothing")


def _unused_sets(everything: list[n.Node], references: list[n.Reference], add: Any) -> None:
    targets = {id(node.target) for node in everything if isinstance(node, n.SetDirective) and not node.target.parts}
    read = {reference.name for reference in references if id(reference) not in targets}
    reported: set[str] = set()
    for node in everything:
        if isinstance(node, n.SetDirective) and not node.target.parts:
            name = node.target.name
            if name not in read and name not in reported and name not in KNOWN_VARIABLES:
                reported.add(name)
                add(node.span, "unused-set", f"${name} is set but never used")


def _escape_quotes(references: list[n.Reference], lines: list[str], add: Any) -> None:
    for reference in references:
        parts = reference.parts
        for index, part in enumerate(parts):
            if not (reference.name == "util" and index == 0 and isinstance(part, n.MethodCall)
                    and part.name == "escapeJavaScript"):
                continue
            fixed = any(isinstance(later, n.MethodCall) and later.name in ("replaceAll", "replace")
                        and later.arguments and "'" in _literal(later.arguments[0]) for later in parts[1:])
            if not fixed and _inside_json_string(lines, reference.span):
                add(reference.span, "escape-quote",
                    "$util.escapeJavaScript turns ' into \\' which is not valid JSON: add "
                    ".replaceAll(\"\\\\'\", \"'\") (AWS's documented workaround)")


def _literal(node: n.Node) -> str:
    if isinstance(node, n.StringLiteral):
        return node.value
    if isinstance(node, n.InterpolatedString):
        return "".join(item.text for item in node.body.statements if isinstance(item, n.Text))
    return ""


def _inside_json_string(lines: list[str], span: tuple[int, int]) -> bool:
    """Whether a reference sits between JSON string quotes on its line (a heuristic: quotes
    inside the arguments of earlier references are not counted)."""
    if not 0 < span[0] <= len(lines):
        return False
    prefix = lines[span[0] - 1][:span[1] - 1]
    previous = None
    while previous != prefix:
        previous, prefix = prefix, re.sub(r"\([^()]*\)", "", prefix)
    return (prefix.count('"') - prefix.count('\\"')) % 2 == 1


def _foreach_limits(everything: list[n.Node], add: Any) -> None:
    """``#foreach`` over request data (``$input...``, ``$util.parseJson``, or variables set from
    them): such data has no bound, and API Gateway stops after 1,000 iterations."""
    tainted: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in everything:
            if isinstance(node, (n.SetDirective, n.ForeachDirective)):
                value = node.value if isinstance(node, n.SetDirective) else node.iterable
                if node.target.name not in tainted and _from_request(value, tainted):
                    tainted.add(node.target.name)
                    changed = True
    for node in everything:
        if isinstance(node, n.ForeachDirective) and _from_request(node.iterable, tainted):
            add(node.span, "foreach-limit",
                "#foreach over request data: API Gateway runs at most 1,000 iterations of a loop and drops "
                "the rest silently; bound the input (a request model with maxItems) or split the work")


def _from_request(expression: n.Node, tainted: set[str]) -> bool:
    for node in walk(expression):
        if isinstance(node, n.Reference):
            if node.name == "input" or node.name in tainted:
                return True
            if node.name == "util" and node.parts and isinstance(node.parts[0], n.MethodCall) \
                    and node.parts[0].name == "parseJson":
                return True
    return False


def _render_checks(source: str, use: TemplateUse, samples: Mapping[str, Mapping[str, Any]] | None,
                   add: Any) -> None:
    from ..engine import Template

    is_json_type = bool(_JSON_TYPES.match(use.content_type or ""))
    if not (is_json_type or use.must_be_json):
        return
    response = use.phase != "request"
    for label, sample in (samples or (SAMPLE_BACKEND_RESPONSES if response else SAMPLE_REQUESTS)).items():
        try:
            template = Template(source)
            if response:
                output = template.render(request={"headers": {"Accept": "application/json"}},
                                         backend_response=dict(sample), phase="integration_response")
            else:
                output = template.render(request=dict(sample))
        except VTLError as error:
            line, column = getattr(error, "line", 0) or 1, getattr(error, "column", 0) or 1
            add((line, column), "render-error", f"rendering against {label} fails: {_first_line(error)}")
            continue
        stripped = output.lstrip()
        if not use.must_be_json and not stripped.startswith(("{", "[")):
            continue  # not meant to be JSON (e.g. an SQS form body under application/json)
        try:
            json.loads(output)
        except json.JSONDecodeError as error:
            out_lines = output.splitlines() or [""]
            number = error.lineno
            bad = out_lines[number - 1] if number <= len(out_lines) else ""
            while number > 1 and error.colno <= len(bad) - len(bad.lstrip()) + 1 and number == error.lineno:
                # the value is missing at the start of a line: the line before lacks it
                number -= 1
                while number > 1 and not out_lines[number - 1].strip():
                    number -= 1
                bad = out_lines[number - 1]
            line = _template_line_like(source.splitlines(), bad)
            add((line, 1), "json-output", f"the output is not valid JSON when rendered against {label}: "
                                          f"{error.msg} at output line {error.lineno}, column {error.colno}: "
                                          f"{bad.strip()[:80]!r}")


def _template_line_like(lines: list[str], output_line: str) -> int:
    """The template line that most likely produced an output line (best textual match)."""
    wanted = output_line.strip()
    best, best_ratio = 1, 0.0
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("##"):
            continue
        ratio = difflib.SequenceMatcher(None, text, wanted).ratio()
        if ratio > best_ratio:
            best, best_ratio = number, ratio
    return best


def _filtered(problems: list[Problem], source: str) -> list[Problem]:
    """Drop what ``## vtl-lint: ignore [CODE, ...]`` silences (same line or the line above)."""
    silenced: dict[int, set[str] | None] = {}
    for number, line in enumerate(source.splitlines(), 1):
        match = _IGNORE.search(line)
        if match:
            codes = {code.strip() for code in match.group(1).split(",")} if match.group(1) else None
            for target in (number, number + 1):
                previous = silenced.get(target, set())
                silenced[target] = None if codes is None or previous is None else previous | codes
    kept = []
    for problem in sorted(problems, key=lambda item: (item.line, item.column, item.code)):
        if problem.line in silenced:
            codes = silenced[problem.line]
            if codes is None or problem.code in codes:
                continue
        kept.append(problem)
    return kept


# --- files ---------------------------------------------------------------------------------------


def lint_path(path: Path, *, content_type: str | None = None) -> list[Problem]:
    """Lint a template file, or every template in an infrastructure file."""
    if not path.exists():
        raise LintError(f"{path}: no such file")
    if path.suffix in (".vtl", ".vm", ".velocity", ".txt") or path.suffix == "":
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise LintError(f"{path}: cannot read: {error}") from None
        return lint_template(source, TemplateUse(content_type=content_type or "application/json"), file=str(path))
    return lint_definition(path)


def lint_definition(path: Path) -> list[Problem]:
    own = _lint_integration_file(path)
    if own is not None:
        return own
    try:
        from ..loaders import LoaderError, load
    except ImportError:
        raise LintError(f"{path}: reading infrastructure files needs vtl.loaders") from None
    try:
        api = load(path)
    except LoaderError as error:
        raise LintError(str(error)) from None
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    problems: list[Problem] = [Problem(str(path), 1, 1, "stage-variable", message) for stage in api.stages.values()
                               for message in stage_variable_problems(stage.variables, f"stage {stage.name}")]
    for resource_path, method in api.methods():
        integration = method.integration
        if integration is None:
            continue
        label = f"{method.http_method} {resource_path}"
        for where, source, use in _templates_of(integration):
            found = lint_template(source, use, file=str(path))
            problems.extend(_placed(found, source, text, str(path), f"{label} {where}"))
    return problems


def _templates_of(integration: Any) -> Iterator[tuple[str, str, TemplateUse]]:
    lambda_request = bool(getattr(integration, "is_lambda", False)) and integration.type == "AWS"
    for content_type, source in integration.request_templates.items():
        if source:
            yield (f"request template {content_type}", source,
                   TemplateUse("request", content_type, must_be_json=lambda_request,
                               render_check=integration.type != "MOCK"))
    for status, response in integration.integration_responses.items():
        for content_type, source in response.response_templates.items():
            if source:
                yield (f"response {status} template {content_type}", source,
                       TemplateUse("integration_response", content_type))


def _placed(problems: list[Problem], source: str, text: str, file: str, label: str) -> list[Problem]:
    """Problems of a template held in a definition file, placed on the file's lines when the
    template can be found there (YAML block scalars), else named by method and template."""
    lines = source.splitlines()
    offset = _locate(lines, text.splitlines()) if text else None
    placed = []
    for problem in problems:
        if offset is not None and 0 < problem.line <= len(lines):
            line_offset, indent = offset
            placed.append(Problem(file, problem.line + line_offset, problem.column + indent, problem.code,
                                  f"{problem.message} ({label})"))
        else:
            placed.append(Problem(file, 1, 1, problem.code,
                                  f"{label}, line {problem.line}, column {problem.column}: {problem.message}"))
    return placed


def _locate(template_lines: list[str], file_lines: list[str]) -> tuple[int, int] | None:
    """(line offset, indent) of a template written line by line in the file, or None."""
    content = [(index, line) for index, line in enumerate(template_lines) if line.strip()]
    if not content:
        return None
    first_index, first = content[0]
    candidates = []
    for number, line in enumerate(file_lines):
        if line.endswith(first) and line[:len(line) - len(first)].strip() == "":
            indent = len(line) - len(first)
            start = number - first_index
            if all(0 <= start + index < len(file_lines) and file_lines[start + index] == " " * indent + text
                   for index, text in content):
                candidates.append((start, indent))
    return candidates[0] if len(candidates) == 1 else None


def _lint_integration_file(path: Path) -> list[Problem] | None:
    """A get-integration JSON/YAML file whose templates may be ``{"file": PATH}`` (the case-file
    convenience): each file template is linted under its own name. None for other files."""
    if path.suffix not in (".json", ".yaml", ".yml"):
        return None
    from .cases import CaseFileError, read_data

    try:
        data = read_data(path)
    except CaseFileError:
        return None
    if isinstance(data, Mapping) and isinstance(data.get("integration"), Mapping):
        data = data["integration"]
    if not isinstance(data, Mapping) or "type" not in data or not _has_file_templates(data):
        return None
    from ..apigw.model import Integration

    files: dict[str, str] = {}

    def resolve(templates: Any) -> Any:
        if not isinstance(templates, Mapping):
            return templates
        resolved = {}
        for content_type, value in templates.items():
            if isinstance(value, Mapping) and "file" in value:
                template_path = path.parent / str(value["file"])
                try:
                    value = template_path.read_text(encoding="utf-8")
                except OSError as error:
                    raise LintError(f"{template_path}: cannot read: {error.strerror or error}") from None
                files.setdefault(value, str(template_path))
            resolved[content_type] = value
        return resolved

    integration = dict(data)
    integration["requestTemplates"] = resolve(data.get("requestTemplates"))
    responses = data.get("integrationResponses")
    if isinstance(responses, Mapping):
        integration["integrationResponses"] = {
            status: {**response, "responseTemplates": resolve(response.get("responseTemplates"))}
            if isinstance(response, Mapping) else response for status, response in responses.items()}
    if integration["requestTemplates"] is None:
        del integration["requestTemplates"]
    try:
        model = Integration.from_aws_json(integration, strict=False)
    except VTLError as error:
        raise LintError(f"{path}: {error}") from None
    text = path.read_text(encoding="utf-8")
    problems: list[Problem] = []
    for where, source, use in _templates_of(model):
        if source in files:
            problems.extend(lint_template(source, use, file=files[source]))
        else:
            problems.extend(_placed(lint_template(source, use, file=str(path)), source, text, str(path), where))
    return problems


def _has_file_templates(data: Mapping[str, Any]) -> bool:
    def has(templates: Any) -> bool:
        return isinstance(templates, Mapping) and any(isinstance(value, Mapping) for value in templates.values())

    responses = data.get("integrationResponses")
    values = responses.values() if isinstance(responses, Mapping) else responses or []
    return has(data.get("requestTemplates")) or any(
        isinstance(response, Mapping) and has(response.get("responseTemplates")) for response in values)
