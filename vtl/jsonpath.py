"""The one JSONPath of the project, with Jayway JsonPath's semantics (what API Gateway runs).

``compile_path(text)`` parses a path once (cached) into a flat tuple of :class:`Step` records;
``CompiledPath.select(document)`` walks them. The walk is a handful of small functions that
dispatch on ``Step.kind``, so a Cython twin can mirror ``select`` step for step.

Jayway rules reproduced here (json-path/JsonPath, internal/path/*):

* A path without a leading ``$`` or ``@`` gets ``$.`` prepended (``json('num')`` works).
* A *definite* path (only single properties, single indexes and functions) yields one value;
  nothing found means "not found" (``missing``). A JSON null found is a real ``None``.
* An *indefinite* path (wildcard, ``..``, filter, slice, several indexes or several properties
  not at the end) yields a :class:`~vtl.apigw.json_values.JsonArray` of the matches, possibly
  empty; but a missing property or a non-container *before* the first indefinite step still
  means "not found", as Jayway throws PathNotFoundException there.
* ``[-1]`` counts from the end; slices are ``[from:to]`` with Jayway's clamping; a filter
  applied to an object tests the object itself.

Why not jsonpath-ng's parser: its grammar differs from Jayway's where API Gateway users notice
(property names with ``$`` or non-ASCII letters, ``length()``, filter operators and their
number/string comparisons, ``[-1]``), so the Jayway compiler is ported instead; it is small.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .apigw.json_values import JsonArray, JsonParseError, parse_json_text
from .runtime.values import java_class_name, java_double_str, java_equals, to_java_string


class InvalidPathError(Exception):
    """com.jayway.jsonpath.InvalidPathException: the path text is not a JSONPath."""

    java_class = "com.jayway.jsonpath.InvalidPathException"


class PathNotFoundError(Exception):
    """com.jayway.jsonpath.PathNotFoundException: a definite part of the path is missing."""

    java_class = "com.jayway.jsonpath.PathNotFoundException"


class JsonPathError(Exception):
    """com.jayway.jsonpath.JsonPathException: a function could not be applied."""

    java_class = "com.jayway.jsonpath.JsonPathException"


# Step kinds. ``arg`` holds: property names (tuple), indexes (tuple), slice (from, to),
# a filter predicate, or a function name.
ROOT, PROPERTY, INDEX, SLICE, WILDCARD, SCAN, FILTER, FUNCTION = (
    "root", "property", "index", "slice", "wildcard", "scan", "filter", "function")


@dataclass(frozen=True, slots=True)
class Step:
    kind: str
    arg: Any
    leaf: bool
    token_definite: bool
    upstream_definite: bool


class CompiledPath:
    """A parsed path. ``select`` is the only entry point the runtime needs."""

    __slots__ = ("text", "steps", "definite")

    def __init__(self, text: str, steps: tuple[Step, ...]):
        self.text, self.steps = text, steps
        self.definite = all(step.token_definite for step in steps)

    def select(self, document: Any, missing: Any = None, *, root: Any = None) -> Any:
        """Jayway's ``JsonPath.read``: the value (definite) or a JsonArray of matches."""
        try:
            return self.read(document, root=root)
        except PathNotFoundError:
            return missing

    def read(self, document: Any, *, root: Any = None, require_properties: bool = False) -> Any:
        """Like :meth:`select` but raises PathNotFoundError when nothing definite is found."""
        context = _Evaluation(document if root is None else root, require_properties)
        _evaluate(self.steps, 0, document, context)
        if not self.definite:
            return JsonArray(context.results)
        if not context.results:
            raise PathNotFoundError(f"No results for path: {self.text}")
        return context.results[-1]

    def __repr__(self) -> str:
        return f"CompiledPath({self.text!r})"


@functools.lru_cache(maxsize=2048)
def compile_path(text: str) -> CompiledPath:
    """Parse a JSONPath once; raises InvalidPathError."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidPathError("Path must not be null or empty")
    source = text.strip()
    if source[0] not in "$@":
        source = ("$." + text).strip()
    if source.endswith("."):
        raise InvalidPathError("Path must not end with a '.' or '..'")
    tokens = _PathParser(source).parse()
    return CompiledPath(text, _link(tokens))


def _link(tokens: list[tuple[str, Any]]) -> tuple[Step, ...]:
    """Attach leaf/definite flags the way Jayway's linked PathTokens compute them."""
    steps, upstream = [], True
    last = len(tokens) - 1
    for position, (kind, arg) in enumerate(tokens):
        leaf = position == last
        definite = _token_definite(kind, arg, leaf)
        steps.append(Step(kind, arg, leaf, definite, upstream))
        upstream = upstream and definite
    return tuple(steps)


def _token_definite(kind: str, arg: Any, leaf: bool) -> bool:
    if kind in (ROOT, FUNCTION):
        return True
    if kind == PROPERTY:
        return len(arg) == 1 or leaf  # several properties at the end merge into one map
    if kind == INDEX:
        return len(arg) == 1
    return False


# ============================================================================================
# Path compiler: a port of Jayway's PathCompiler over a cursor with CharacterIndex's rules.

_SPACE_CHARS = " \t\n\r"


class _Cursor:
    """CharacterIndex: a position in the path text; the last character is the 'tail'."""

    __slots__ = ("text", "pos", "end")

    def __init__(self, text: str):
        self.text, self.pos, self.end = text, 0, len(text) - 1

    def in_bounds(self, index: int | None = None) -> bool:
        index = self.pos if index is None else index
        return 0 <= index <= self.end

    def char(self, index: int | None = None) -> str:
        index = self.pos if index is None else index
        return self.text[index] if 0 <= index <= self.end else ""

    def is_tail(self) -> bool:
        return self.pos >= self.end

    def next_significant_index(self, start: int | None = None) -> int:
        index = (self.pos if start is None else start) + 1
        while self.in_bounds(index) and self.text[index] == " ":
            index += 1
        return index

    def next_significant_char(self, start: int | None = None) -> str:
        index = self.next_significant_index(start)
        return self.text[index] if self.in_bounds(index) else " "

    def index_of_next_significant(self, wanted: str, start: int | None = None) -> int:
        index = self.next_significant_index(start)
        return index if self.char(index) == wanted else -1

    def next_index_of(self, wanted: str, start: int) -> int:
        return self.text.find(wanted, start)

    def next_unescaped(self, start: int, wanted: str) -> int:
        index, escaped = start + 1, False
        while self.in_bounds(index):
            ch = self.text[index]
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == wanted:
                return index
            index += 1
        return -1

    def closing_parenthesis(self, start: int) -> int:
        """indexOfClosingBracket(start, skipStrings=true, skipRegex=true)."""
        index, depth = start + 1, 1
        while self.in_bounds(index):
            ch = self.text[index]
            if ch in "'\"":
                index = self.next_unescaped(index, ch)
                if index == -1:
                    raise InvalidPathError(f"Could not find matching close quote for {ch} when parsing : {self.text}")
                index += 1
                ch = self.char(index)
            if ch == "/":
                index = self.next_unescaped(index, "/")
                if index == -1:
                    raise InvalidPathError(f"Could not find matching close for / when parsing regex in : {self.text}")
                index += 1
                ch = self.char(index)
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return index
            index += 1
        return -1


class _PathParser:
    def __init__(self, text: str):
        self.cursor = _Cursor(text)
        self.tokens: list[tuple[str, Any]] = []

    def fail(self, message: str):
        raise InvalidPathError(message)

    def parse(self) -> list[tuple[str, Any]]:
        cursor = self.cursor
        while cursor.in_bounds() and cursor.char() in _SPACE_CHARS:
            cursor.pos += 1
        if cursor.char() not in ("$", "@"):
            self.fail("Path must start with '$' or '@'")
        self.tokens.append((ROOT, cursor.char()))
        if cursor.is_tail():
            return self.tokens
        cursor.pos += 1
        if cursor.char() not in (".", "["):
            self.fail(f"Illegal character at position {cursor.pos} expected '.' or '['")
        self.read_next()
        return self.tokens

    def continue_or_stop(self) -> None:
        if not self.cursor.is_tail():
            self.read_next()

    def read_next(self) -> None:
        ch = self.cursor.char()
        if ch == "[":
            if not (self.read_bracket_property() or self.read_array() or self.read_wildcard()
                    or self.read_filter()):
                self.fail(f"Could not parse token starting at position {self.cursor.pos}. Expected ?, ', 0-9, * ")
        elif ch == ".":
            self.read_dot()
        elif ch == "*":
            if not self.read_wildcard():
                self.fail(f"Could not parse token starting at position {self.cursor.pos}")
        elif not self.read_property_or_function():
            self.fail(f"Could not parse token starting at position {self.cursor.pos}")

    def read_dot(self) -> None:
        cursor = self.cursor
        if cursor.char() == "." and cursor.char(cursor.pos + 1) == ".":
            self.tokens.append((SCAN, None))
            cursor.pos += 2
        elif not cursor.in_bounds(cursor.pos + 1):
            self.fail("Path must not end with a '.")
        else:
            cursor.pos += 1
        if cursor.char() == ".":
            self.fail(f"Character '.' on position {cursor.pos} is not valid.")
        self.read_next()

    def read_property_or_function(self) -> bool:
        cursor = self.cursor
        if cursor.char() in ("[", "*", ".", " "):
            return False
        start = index = cursor.pos
        end, is_function = 0, False
        while cursor.in_bounds(index):
            ch = cursor.text[index]
            if ch == " ":
                self.fail(f"Use bracket notion ['my prop'] if your property contains blank characters. position: {cursor.pos}")
            if ch in ".[":
                end = index
                break
            if ch == "(":
                is_function, end = True, index
                break
            index += 1
        if end == 0:
            end = len(cursor.text)
        name = cursor.text[start:end]
        if is_function:
            cursor.pos = self.skip_function_arguments(name, index)
            self.tokens.append((FUNCTION, name))
        else:
            cursor.pos = end
            self.tokens.append((PROPERTY, (name,)))
        if cursor.is_tail():
            return True
        self.read_next()
        return True

    def skip_function_arguments(self, name: str, open_index: int) -> int:
        cursor, depth = self.cursor, 1
        close = open_index + 1
        while close < len(cursor.text):
            if cursor.text[close] == ")":
                depth -= 1
                if depth == 0:
                    break
            elif cursor.text[close] == "(":
                depth += 1
            close += 1
        if depth != 0:
            self.fail(f"Arguments to function: '{name}' are not closed properly.")
        if cursor.text[open_index + 1:close].strip():
            # Functions with arguments (concat, append, ...) are not used by mapping templates.
            self.fail(f"Function with arguments is not supported: '{name}'")
        if name not in _FUNCTIONS:
            self.fail(f"Function with name: {name} does not exist.")
        return close  # Jayway leaves the cursor on ')'; the tail rule ends the path there

    def read_bracket_property(self) -> bool:
        cursor = self.cursor
        if cursor.char() != "[":
            return False
        quote = cursor.next_significant_char()
        if quote not in ("'", '"'):
            return False
        names: list[str] = []
        start = index = cursor.pos + 1
        end, in_name, escaped, last_was_comma = 0, False, False, False
        while cursor.in_bounds(index):
            ch = cursor.text[index]
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == "]" and not in_name:
                if last_was_comma:
                    self.fail(f"Found empty property at index {index}")
                break
            elif ch == quote:
                if in_name:
                    following = cursor.next_significant_char(index)
                    if following not in ("]", ","):
                        self.fail(f"Property must be separated by comma or Property must be terminated close square bracket at index {index}")
                    end = index
                    names.append(_unescape(cursor.text[start:end]))
                    in_name = False
                else:
                    start, in_name, last_was_comma = index + 1, True, False
            elif ch == "," and not in_name:
                if last_was_comma:
                    self.fail(f"Found empty property at index {index}")
                last_was_comma = True
            index += 1
        if in_name:
            self.fail(f"Property has not been closed - missing closing {quote}")
        close = cursor.index_of_next_significant("]", end)
        if close == -1:
            self.fail("Property has not been closed - missing closing ]")
        if not names:
            self.fail("Empty properties")
        cursor.pos = close + 1
        self.tokens.append((PROPERTY, tuple(names)))
        self.continue_or_stop()
        return True

    def read_array(self) -> bool:
        cursor = self.cursor
        if cursor.char() != "[":
            return False
        first = cursor.next_significant_char()
        if not (first.isdigit() and first.isascii()) and first not in ("-", ":"):
            return False
        close = cursor.next_index_of("]", cursor.pos + 1)
        if close == -1:
            return False
        expression = cursor.text[cursor.pos + 1:close].strip()
        if expression == "*" or any(ch not in "0123456789,-: " for ch in expression):
            return False
        if ":" in expression:
            self.tokens.append((SLICE, _parse_slice(expression)))
        else:
            self.tokens.append((INDEX, tuple(_java_int(part.strip()) for part in expression.split(","))))
        cursor.pos = close + 1
        self.continue_or_stop()
        return True

    def read_wildcard(self) -> bool:
        cursor = self.cursor
        in_bracket = cursor.char() == "["
        if in_bracket and cursor.next_significant_char() != "*":
            return False
        if cursor.char() != "*" and not cursor.in_bounds(cursor.pos + 1):
            return False
        if in_bracket:
            star = cursor.index_of_next_significant("*")
            close = cursor.index_of_next_significant("]", star)
            if close == -1:
                self.fail(f"Expected wildcard token to end with ']' on position {star + 1}")
            cursor.pos = close + 1
        else:
            cursor.pos += 1
        self.tokens.append((WILDCARD, None))
        self.continue_or_stop()
        return True

    def read_filter(self) -> bool:
        cursor = self.cursor
        question = cursor.index_of_next_significant("?")
        if question == -1:
            return False
        open_paren = cursor.index_of_next_significant("(", question)
        if open_paren == -1:
            return False
        close_paren = cursor.closing_parenthesis(open_paren)
        if close_paren == -1:
            return False
        close = cursor.index_of_next_significant("]", close_paren)
        if close == -1:
            return False
        predicate = _FilterParser(cursor.text[open_paren:close_paren + 1]).parse()
        self.tokens.append((FILTER, predicate))
        cursor.pos = close + 1
        self.continue_or_stop()
        return True


def _parse_slice(expression: str) -> tuple[int | None, int | None]:
    if any(ch not in "0123456789-:" for ch in expression):
        raise InvalidPathError(f"Failed to parse SliceOperation: {expression}")
    parts = expression.split(":")
    while parts and parts[-1] == "":  # Java's split drops trailing empty strings
        parts.pop()
    start = _java_int(parts[0]) if len(parts) > 0 and parts[0] else None
    stop = _java_int(parts[1]) if len(parts) > 1 and parts[1] else None
    if start is None and stop is None:
        raise InvalidPathError(f"Failed to parse SliceOperation: {expression}")
    return start, stop


def _java_int(text: str) -> int:
    """Integer.parseInt; its NumberFormatException becomes InvalidPathException."""
    try:
        value = int(text)
    except ValueError:
        raise InvalidPathError(f'java.lang.NumberFormatException: For input string: "{text}"') from None
    if not -(2**31) <= value < 2**31:
        raise InvalidPathError(f'java.lang.NumberFormatException: For input string: "{text}"')
    return value


_UNESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(text: str) -> str:
    """Jayway's Utils.unescape: backslash escapes in quoted names and string literals."""
    if "\\" not in text:
        return text
    out, index = [], 0
    while index < len(text):
        ch = text[index]
        if ch != "\\" or index + 1 >= len(text):
            out.append(ch)
            index += 1
            continue
        escaped = text[index + 1]
        if escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[index + 2:index + 6]):
            out.append(chr(int(text[index + 2:index + 6], 16)))
            index += 6
            continue
        out.append(_UNESCAPES.get(escaped, escaped))
        index += 2
    return "".join(out)


# ============================================================================================
# Evaluation: one function per step kind, all through _evaluate.


class _Evaluation:
    __slots__ = ("root", "results", "require_properties")

    def __init__(self, root: Any, require_properties: bool):
        self.root, self.results, self.require_properties = root, [], require_properties


def _evaluate(steps: tuple[Step, ...], index: int, model: Any, context: _Evaluation) -> None:
    step = steps[index]
    _STEP_EVALUATORS[step.kind](steps, index, step, model, context)


def _emit(steps: tuple[Step, ...], index: int, step: Step, value: Any, context: _Evaluation) -> None:
    """A step matched ``value``: it is a result at the leaf, else the next step's model."""
    if step.leaf:
        context.results.append(value)
    else:
        _evaluate(steps, index + 1, value, context)


def _eval_root(steps, index, step, model, context) -> None:
    _emit(steps, index, step, model, context)


def _eval_property(steps, index, step, model, context) -> None:
    if not isinstance(model, dict):
        if step.upstream_definite:
            raise PathNotFoundError(
                f"Expected to find an object with property {_fragment(step)} but found '{_java_type(model)}'.")
        return
    names = step.arg
    if len(names) == 1 or step.leaf:
        _handle_properties(steps, index, step, model, context, names, step.token_definite)
    else:  # several properties in the middle of a path: iterate, like an index sequence
        for name in names:
            _handle_properties(steps, index, step, model, context, (name,), False)


def _handle_properties(steps, index, step, model: dict, context, names: tuple, definite: bool) -> None:
    if len(names) == 1:
        name = names[0]
        if name in model:
            _emit(steps, index, step, model[name], context)
        elif step.leaf:
            if context.require_properties:
                raise PathNotFoundError(f"No results for path: ['{name}']")
        elif (step.upstream_definite and definite) or context.require_properties:
            raise PathNotFoundError(f"Missing property in path ['{name}']")
        return
    merged = {}
    for name in names:
        if name in model:
            merged[name] = model[name]
        elif context.require_properties:
            raise PathNotFoundError(f"Missing property in path ['{name}']")
    context.results.append(merged)


def _check_array(step: Step, model: Any) -> bool:
    if isinstance(model, list):
        return True
    if step.upstream_definite:
        raise PathNotFoundError(f"Filter: {_fragment(step)} can only be applied to arrays. Current context is: {to_java_string(model)}")
    return False


def _handle_index(steps, index, step, array: list, position: int, context) -> None:
    effective = len(array) + position if position < 0 else position
    if 0 <= effective < len(array):
        _emit(steps, index, step, array[effective], context)


def _eval_index(steps, index, step, model, context) -> None:
    if _check_array(step, model):
        for position in step.arg:
            _handle_index(steps, index, step, model, position, context)


def _eval_slice(steps, index, step, model, context) -> None:
    if not _check_array(step, model):
        return
    length = len(model)
    start, stop = step.arg
    if stop is None:  # [from:]
        start = max(0, length + start if start < 0 else start)
        positions = range(start, length)
    elif start is None:  # [:to]
        stop = min(length, length + stop if stop < 0 else stop)
        positions = range(0, stop)
    else:  # [from:to]: Jayway does not count these from the end
        positions = range(start, min(length, stop))
    for position in positions:
        _handle_index(steps, index, step, model, position, context)


def _eval_wildcard(steps, index, step, model, context) -> None:
    if isinstance(model, dict):
        for key in list(model):
            _emit(steps, index, step, model[key], context)
    elif isinstance(model, list):
        for position in range(len(model)):
            try:
                _handle_index(steps, index, step, model, position, context)
            except PathNotFoundError:
                if context.require_properties:
                    raise
    elif not step.leaf:
        raise PathNotFoundError(f"Expected to find an object or array in path but found '{_java_type(model)}'.")


def _eval_scan(steps, index, step, model, context) -> None:
    target = steps[index + 1]
    _walk(steps, index + 1, target, model, context, _scan_predicate(target, context))


def _walk(steps, index, target: Step, model, context, matches) -> None:
    if isinstance(model, dict):
        if matches(model):
            _evaluate(steps, index, model, context)
        for key in list(model):
            _walk(steps, index, target, model[key], context, matches)
    elif isinstance(model, list):
        if matches(model):
            if target.leaf:
                _evaluate(steps, index, model, context)
            else:
                # Jayway quirk (ScanPathToken.walkArray): the step after the target is applied
                # to each element of a matching array.
                for element in model:
                    _evaluate(steps, index + 1, element, context)
        for element in model:
            _walk(steps, index, target, element, context, matches)


def _scan_predicate(target: Step, context: _Evaluation):
    if target.kind == PROPERTY:
        if not target.token_definite or context.require_properties:
            return lambda model: isinstance(model, dict)
        return lambda model: isinstance(model, dict) and all(name in model for name in target.arg)
    if target.kind in (INDEX, SLICE):
        return lambda model: isinstance(model, list)
    if target.kind == WILDCARD:
        return lambda model: True
    if target.kind == FILTER:
        return lambda model: _accept(target.arg, model, context)
    return lambda model: False


def _eval_filter(steps, index, step, model, context) -> None:
    if isinstance(model, dict):
        if _accept(step.arg, model, context):
            _emit(steps, index, step, model, context)
    elif isinstance(model, list):
        for position, element in enumerate(model):
            if _accept(step.arg, element, context):
                _handle_index(steps, index, step, model, position, context)
    elif step.upstream_definite:
        raise InvalidPathError(f"Filter: [?] can not be applied to primitives. Current context is: {to_java_string(model)}")


def _accept(predicate, item: Any, context: _Evaluation) -> bool:
    try:
        return predicate.apply(item, context.root)
    except InvalidPathError:
        return False


def _eval_function(steps, index, step, model, context) -> None:
    _emit(steps, index, step, _FUNCTIONS[step.arg](model), context)


_STEP_EVALUATORS = {ROOT: _eval_root, PROPERTY: _eval_property, INDEX: _eval_index,
                    SLICE: _eval_slice, WILDCARD: _eval_wildcard, SCAN: _eval_scan,
                    FILTER: _eval_filter, FUNCTION: _eval_function}


def _fragment(step: Step) -> str:
    if step.kind == PROPERTY:
        return "[" + ",".join(f"'{name}'" for name in step.arg) + "]"
    if step.kind == INDEX:
        return "[" + ",".join(str(position) for position in step.arg) + "]"
    if step.kind == SLICE:
        start, stop = step.arg
        return f"[{'' if start is None else start}:{'' if stop is None else stop}]"
    return "[*]"


def _java_type(model: Any) -> str:
    return "null" if model is None else java_class_name(model)


# --- functions (Jayway internal/function) --------------------------------------------------

def _length(model: Any) -> Any:
    if isinstance(model, (list, dict)):
        return len(model)
    return None


def _numbers(model: Any) -> list[float]:
    if not isinstance(model, list):
        return []
    return [float(item) for item in model
            if isinstance(item, (int, float, Decimal)) and not isinstance(item, bool)]


def _aggregate(compute):
    def function(model: Any) -> float:
        numbers = _numbers(model)
        if not numbers:
            raise JsonPathError("Aggregation function attempted to calculate value using empty array")
        return compute(numbers)
    return function


def _stddev(numbers: list[float]) -> float:
    mean = sum(numbers) / len(numbers)
    return (sum(n * n for n in numbers) / len(numbers) - mean * mean) ** 0.5


def _keys(model: Any) -> Any:
    return list(model) if isinstance(model, dict) else None


def _element(pick):
    def function(model: Any) -> Any:
        if isinstance(model, list) and model:
            return model[pick(len(model))]
        return None
    return function


_FUNCTIONS = {
    "length": _length, "size": _length,
    "min": _aggregate(min), "max": _aggregate(max), "sum": _aggregate(sum),
    "avg": _aggregate(lambda numbers: sum(numbers) / len(numbers)), "stddev": _aggregate(_stddev),
    "keys": _keys, "first": _element(lambda size: 0), "last": _element(lambda size: size - 1),
}


# ============================================================================================
# Filters: a port of Jayway's FilterCompiler and its evaluators, on small value nodes.

NUM, STR, BOOL, NULL, JSON, UNDEF, PATTERN, PATH = (
    "number", "string", "boolean", "null", "json", "undefined", "pattern", "path")


@dataclass(frozen=True, slots=True)
class _Node:
    kind: str
    value: Any = None
    exists_check: bool = False  # PATH nodes only: "does the path exist" (``[?(@.isbn)]``)


_UNDEFINED = _Node(UNDEF)
_TRUE, _FALSE = _Node(BOOL, True), _Node(BOOL, False)


def _node_of(value: Any) -> _Node:
    """ValueNode.toValueNode for a value found in the document."""
    if value is None:
        return _Node(NULL)
    if isinstance(value, bool):
        return _Node(BOOL, value)
    if isinstance(value, (int, float, Decimal)):
        return _Node(NUM, _decimal(value))
    if isinstance(value, str):
        return _Node(STR, value)
    if isinstance(value, (list, dict)):
        return _Node(JSON, value)
    return _Node(STR, to_java_string(value))


def _decimal(value: Any) -> Decimal | None:
    """new BigDecimal(number.toString()); None stands for Jayway's NumberNode.NAN."""
    text = java_double_str(value) if isinstance(value, float) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class _Relation:
    __slots__ = ("left", "operator", "right")

    def __init__(self, left: _Node, operator: str, right: _Node):
        self.left, self.operator, self.right = left, operator, right

    def apply(self, item: Any, root: Any) -> bool:
        left = _resolve(self.left, item, root)
        right = _resolve(self.right, item, root)
        return _OPERATORS[self.operator](left, right)


class _Logical:
    __slots__ = ("operator", "operands")

    def __init__(self, operator: str, operands: list):
        self.operator, self.operands = operator, operands

    def apply(self, item: Any, root: Any) -> bool:
        if self.operator == "!":
            return not self.operands[0].apply(item, root)
        if self.operator == "&&":
            return all(operand.apply(item, root) for operand in self.operands)
        return any(operand.apply(item, root) for operand in self.operands)


def _resolve(node: _Node, item: Any, root: Any) -> _Node:
    """PathNode.evaluate: a path operand becomes the value node of what it finds."""
    if node.kind != PATH:
        return node
    path: CompiledPath = node.value
    document = root if path.steps[0].arg == "$" else item
    if node.exists_check:
        try:
            path.read(document, root=root, require_properties=True)
        except PathNotFoundError:
            return _FALSE
        return _TRUE
    try:
        return _node_of(path.read(document, root=root))
    except PathNotFoundError:
        return _UNDEFINED


def _equals(left: _Node, right: _Node) -> bool:
    """EqualsEvaluator: JSON nodes compare parsed; otherwise left.equals(right)."""
    if left.kind == JSON and right.kind == JSON:
        return java_equals(left.value, right.value)
    if left.kind == NUM:
        if right.kind not in (NUM, STR):
            return False
        other = right.value if right.kind == NUM else _decimal_of_text(right.value)
        return left.value is not None and other is not None and left.value == other
    if left.kind == STR:
        if right.kind not in (NUM, STR):
            return False
        other = right.value if right.kind == STR else _big_decimal_text(right.value)
        return left.value == other
    if left.kind in (BOOL, NULL):
        return right.kind == left.kind and left.value == right.value
    if left.kind == PATTERN:
        return right.kind == PATTERN and left.value.pattern == right.value.pattern
    return False


def _decimal_of_text(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip()) if text.strip() == text else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


def _big_decimal_text(number: Decimal | None) -> str:
    return "NaN" if number is None else str(number)


def _compare(test):
    def evaluator(left: _Node, right: _Node) -> bool:
        if left.kind == NUM and right.kind == NUM and left.value is not None and right.value is not None:
            return test((left.value > right.value) - (left.value < right.value))
        if left.kind == STR and right.kind == STR:
            a, b = _utf16(left.value), _utf16(right.value)
            return test((a > b) - (a < b))
        return False
    return evaluator


def _utf16(text: str) -> bytes:
    """String.compareTo orders UTF-16 code units."""
    return text.encode("utf-16-be", "surrogatepass")


def _regex(left: _Node, right: _Node) -> bool:
    if (left.kind == PATTERN) == (right.kind == PATTERN):
        return False
    pattern, other = (left, right) if left.kind == PATTERN else (right, left)
    if other.kind == STR:
        text = other.value
    elif other.kind == NUM:
        text = _big_decimal_text(other.value)
    elif other.kind == BOOL:
        text = "true" if other.value else "false"
    else:
        return False
    return pattern.value.fullmatch(text) is not None


def _value_list(node: _Node) -> list[_Node] | None:
    if node.kind == JSON and isinstance(node.value, list):
        return [_node_of(item) for item in node.value]
    return None


def _in(left: _Node, right: _Node) -> bool:
    values = _value_list(right)
    return values is not None and any(_equals(left, value) for value in values)


def _contains(left: _Node, right: _Node) -> bool:
    if left.kind == STR and right.kind == STR:
        return right.value in left.value
    values = _value_list(left)
    return values is not None and any(_equals(right, value) for value in values)


def _size(left: _Node, right: _Node) -> bool:
    if right.kind != NUM or right.value is None:
        return False
    expected = int(right.value)
    if left.kind == STR:
        return len(_utf16(left.value)) // 2 == expected
    if left.kind == JSON:
        return len(left.value) == expected
    return False


def _empty(left: _Node, right: _Node) -> bool:
    if right.kind != BOOL:
        return False
    if left.kind in (STR, JSON):
        return (len(left.value) == 0) == right.value
    return False


def _set_operator(combine):
    def evaluator(left: _Node, right: _Node) -> bool:
        mine, theirs = _value_list(left), _value_list(right)
        if mine is None or theirs is None:
            return False
        return combine([any(_equals(value, other) for other in theirs) for value in mine])
    return evaluator


def _type_safe_equals(left: _Node, right: _Node) -> bool:
    return left.kind == right.kind and _equals(left, right)


_OPERATORS = {
    "==": _equals, "!=": lambda l, r: not _equals(l, r),
    "===": _type_safe_equals, "!==": lambda l, r: not _type_safe_equals(l, r),
    "<": _compare(lambda c: c < 0), "<=": _compare(lambda c: c <= 0),
    ">": _compare(lambda c: c > 0), ">=": _compare(lambda c: c >= 0),
    "=~": _regex, "IN": _in, "NIN": lambda l, r: not _in(l, r), "CONTAINS": _contains,
    "SIZE": _size, "EMPTY": _empty,
    "SUBSETOF": _set_operator(all), "ANYOF": _set_operator(any),
    "NONEOF": _set_operator(lambda hits: not any(hits)),
    "EXISTS": lambda l, r: l.kind == BOOL and r.kind == BOOL and l.value == r.value,
}

_OPERATOR_CHARS = "<>=~!"
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE, "u": 0, "d": 0}


class _FilterParser:
    """FilterCompiler: ``( expression )`` with ``&&``, ``||``, ``!`` and relations."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def fail(self, message: str):
        raise InvalidPathError(message)

    def char(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if 0 <= index < len(self.text) else ""

    def skip_blanks(self) -> None:
        while self.char() and self.char() in _SPACE_CHARS:
            self.pos += 1

    def parse(self):
        expression = self.read_or()
        self.skip_blanks()
        if self.pos < len(self.text):
            self.fail(f"Expected end of filter expression instead of: {self.text[self.pos:]}")
        return expression

    def read_or(self):
        operands = [self.read_and()]
        while self.take("||"):
            operands.append(self.read_and())
        return operands[0] if len(operands) == 1 else _Logical("||", operands)

    def read_and(self):
        operands = [self.read_operand()]
        while self.take("&&"):
            operands.append(self.read_operand())
        return operands[0] if len(operands) == 1 else _Logical("&&", operands)

    def take(self, token: str) -> bool:
        self.skip_blanks()
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def read_operand(self):
        self.skip_blanks()
        if self.char() == "!" and self.char(1) != "=":
            self.pos += 1
            self.skip_blanks()
            if self.char() in ("$", "@"):
                path = self.read_path()
                return _Logical("!", [_Relation(_Node(PATH, path, True), "EXISTS", _TRUE)])
            return _Logical("!", [self.read_operand()])
        if self.char() == "(":
            self.pos += 1
            inner = self.read_or()
            self.skip_blanks()
            if self.char() != ")":
                self.fail(f"Expected ')' in filter {self.text}")
            self.pos += 1
            return inner
        return self.read_relation()

    def read_relation(self):
        left = self.read_value()
        saved = self.pos
        try:
            operator = self.read_operator()
            right = self.read_value()
            return _Relation(left, operator, right)
        except InvalidPathError:
            self.pos = saved
        if left.kind != PATH:
            self.fail(f"Expected a path in filter {self.text}")
        return _Relation(_Node(PATH, left.value, True), "EXISTS", _TRUE)

    def read_operator(self) -> str:
        self.skip_blanks()
        start = self.pos
        if self.char() and self.char() in _OPERATOR_CHARS:
            while self.char() and self.char() in _OPERATOR_CHARS:
                self.pos += 1
        else:
            while self.char() and self.char() not in (" ", ")"):
                self.pos += 1
        operator = self.text[start:self.pos]
        key = operator if operator and operator[0] in _OPERATOR_CHARS else operator.upper()
        if key not in _OPERATORS or key == "EXISTS":
            self.fail(f"Filter operator {operator} is not supported!")
        return key

    def read_value(self) -> _Node:
        self.skip_blanks()
        ch = self.char()
        if ch in ("$", "@"):
            return _Node(PATH, self.read_path())
        if ch == "-" or ch.isdigit():
            return self.read_number()
        if ch in ("'", '"'):
            return _Node(STR, self.read_string(ch))
        if ch == "/":
            return _Node(PATTERN, self.read_pattern())
        if ch in ("[", "{"):
            return _Node(JSON, self.read_json(ch))
        for word, node in (("true", _TRUE), ("false", _FALSE), ("null", _Node(NULL))):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return node
        self.fail(f"Could not parse filter value at position {self.pos} in {self.text}")

    def read_path(self) -> CompiledPath:
        start, depth = self.pos, 0
        while self.char():
            ch = self.char()
            if ch == "[":
                close = self.text.find("]", self.pos)
                if close == -1:
                    self.fail(f"Unclosed bracket in filter {self.text}")
                self.pos = close + 1
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch in _OPERATOR_CHARS or ch in " &|":
                break
            self.pos += 1
        return compile_path(self.text[start:self.pos])

    def read_number(self) -> _Node:
        start = self.pos
        while self.char() and (self.char().isdigit() or self.char() in "-.Ee"):
            self.pos += 1
        try:
            return _Node(NUM, Decimal(self.text[start:self.pos]))
        except InvalidOperation:
            self.fail(f"Invalid number in filter: {self.text[start:self.pos]}")

    def read_string(self, quote: str) -> str:
        close = _Cursor(self.text).next_unescaped(self.pos, quote)
        if close == -1:
            self.fail(f"String literal does not have matching quotes. Expected {quote} in {self.text}")
        literal = self.text[self.pos + 1:close]
        self.pos = close + 1
        return _unescape(literal)

    def read_pattern(self):
        close = _Cursor(self.text).next_unescaped(self.pos, "/")
        if close == -1:
            self.fail(f"Pattern not closed in {self.text}")
        source = self.text[self.pos + 1:close]
        self.pos = close + 1
        flags = 0
        while self.char() and self.char().isalpha():
            flags |= _REGEX_FLAGS.get(self.char(), 0)
            self.pos += 1
        try:
            return re.compile(source, flags)
        except re.error as error:
            self.fail(f"Invalid regular expression /{source}/: {error}")

    def read_json(self, opening: str) -> Any:
        closing = "]" if opening == "[" else "}"
        depth, index = 0, self.pos
        while index < len(self.text):
            ch = self.text[index]
            if ch in "'\"":
                index = _Cursor(self.text).next_unescaped(index, ch)
                if index == -1:
                    break
            elif ch == opening:
                depth += 1
            elif ch == closing:
                depth -= 1
                if depth == 0:
                    literal = self.text[self.pos:index + 1]
                    self.pos = index + 1
                    try:
                        return parse_json_text(literal)
                    except JsonParseError as error:
                        self.fail(f"Invalid JSON literal in filter: {error.message}")
            index += 1
        self.fail(f"Unclosed JSON literal in filter {self.text}")
