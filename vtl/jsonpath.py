"""The one JSONPath of the project: jsonpath-ng parses, Jayway JsonPath's semantics evaluate.

API Gateway runs Jayway JsonPath. ``compile_path(text)`` parses a path once (cached) with
jsonpath-ng's extended parser and flattens its AST into a tuple of :class:`Step` records;
``CompiledPath.select(document)`` walks them with one small function per step kind, so a
Cython twin can mirror ``select`` step for step.

Jayway rules reproduced by the walk (json-path/JsonPath, internal/path/*):

* A path without a leading ``$`` or ``@`` gets ``$.`` prepended (``json('num')`` works).
* A *definite* path (only single properties, single indexes and functions) yields one value;
  nothing found means "not found" (``missing``). A JSON null found is a real ``None``.
* An *indefinite* path (wildcard, ``..``, filter, slice, several indexes or several properties
  not at the end) yields a :class:`~vtl.apigw.json_values.JsonArray` of the matches, possibly
  empty; but a missing property or a non-container *before* the first indefinite step still
  means "not found", as Jayway throws PathNotFoundException there.
* ``[-1]`` counts from the end; slices are ``[from:to]`` with Jayway's clamping; a filter
  applied to an object tests the object itself; filters compare as Jayway's evaluators do.

Jayway syntax outside jsonpath-ng's grammar is rewritten by :func:`_to_jsonpath_ng` before
parsing (each case says why); docs/apigateway-decisions.md ("JSONPath") lists what remains.
"""
from __future__ import annotations

import functools
import threading
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import regex
from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext.filter import And, Expression, Filter, Or
from jsonpath_ng.ext.parser import ExtendedJsonPathParser
from jsonpath_ng.jsonpath import Child, Descendants, Fields, Index, Root, Slice, This, Wildcard

# (JsonArray: what the pure walk's results become; vtl._native reads it from here)
from .apigw.json_values import JsonArray, JsonParseError, parse_json_text  # noqa: F401
from .errors import JavaException
from .runtime.javaregex import compile_java, java_matches
from .runtime.values import java_double_str, java_equals, to_java_string
from .speedups import jsonpath_read, jsonpath_select


class InvalidPathError(Exception):
    """com.jayway.jsonpath.InvalidPathException: the path text is not a JSONPath."""

    java_class = "com.jayway.jsonpath.InvalidPathException"


class PathNotFoundError(Exception):
    """com.jayway.jsonpath.PathNotFoundException: a definite part of the path is missing.

    ``select`` turns it into ``missing`` and filters into "undefined": it never reaches a template.
    """

    java_class = "com.jayway.jsonpath.PathNotFoundException"


class JsonPathError(Exception):
    """com.jayway.jsonpath.JsonPathException: a function could not be applied."""

    java_class = "com.jayway.jsonpath.JsonPathException"


# Step kinds. ``arg`` holds: property names (tuple), indexes (tuple), slice (from, to),
# a filter predicate, a function name, or "$"/"@" for the root.
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
    """A parsed path. ``select`` is the only entry point the runtime needs.

    Both entry points run the chosen twin (:mod:`vtl.speedups`): the pure one is the walk below
    (``_evaluate``, reached through :func:`vtl._native.jsonpath_read`), the Cython one mirrors it
    step for step and keeps its own form of the steps in ``plan`` (built on first use).
    """

    __slots__ = ("text", "steps", "definite", "plan")

    def __init__(self, text: str, steps: tuple[Step, ...]):
        self.text, self.steps = text, steps
        self.definite = all(step.token_definite for step in steps)
        self.plan: Any = None

    def select(self, document: Any, missing: Any = None, *, root: Any = None) -> Any:
        """Jayway's ``JsonPath.read``: the value (definite) or a JsonArray of matches."""
        return jsonpath_select(self, document, missing, root)

    def read(self, document: Any, *, root: Any = None, require_properties: bool = False) -> Any:
        """Like :meth:`select` but raises PathNotFoundError when nothing definite is found."""
        return jsonpath_read(self, document, root, require_properties)

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
    tokens = _flatten(_parse(_to_jsonpath_ng(source)))
    if any(kind == ROOT for kind, _ in tokens[1:]) or any(kind == FUNCTION for kind, _ in tokens[:-1]):
        raise InvalidPathError(f"Could not parse path {text}")  # '$' inside, or a function not last
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
# Parsing: Jayway text -> jsonpath-ng text -> jsonpath-ng AST -> (kind, arg) tokens.

_QUOTED = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\""""
_SCANNER = regex.compile(rf"""
    (?P<relation>
      (?:(?P<left>{_QUOTED}|-?[0-9][-0-9.eE]*|true|false|null)\s*)?  # a literal on the left
      (?P<op>===|!==|==|!=|<=|>=|=~|<|>
         |(?<=\s)(?i:in|nin|subsetof|anyof|noneof|contains|size|empty)(?=\s))
      \s*
      (?P<operand>/(?:[^/\\]|\\.)*/[a-zA-Z]*                        # /regex/flags
         |{_QUOTED}
         |(?P<json>[\[{{](?:[^\[\]{{}}'"]|{_QUOTED}|(?&json))*[\]}}])  # JSON list or object
         |(?:\[[^\]]*\]|\(\)|[^\s()\[\]&|<>=!~])+))                   # number, word or path
  | (?P<quoted>{_QUOTED})
  | (?P<unclosed>['"])
  | \.(?P<name>[^.\[()\s<>=~!&|*][^.\[()\s<>=~!&|]*)(?:\((?P<arguments>[^()]*)\))?
  | (?P<bracket>[\[\]])
  | (?P<parenthesis>\()
""", regex.VERBOSE | regex.DOTALL)
_PLAIN_NAME = regex.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _to_jsonpath_ng(source: str) -> str:
    """Rewrite the Jayway forms jsonpath-ng's grammar lacks into forms it parses.

    * ``.name`` where the name is not a jsonpath-ng identifier (``$.a$b``, ``$.é``, ``$.1x``,
      ``$.where``) becomes ``.'name'``: Jayway takes any text up to ``.``/``[``/``(`` as a name.
    * ``.length()`` (any Jayway function) becomes the property ``.'\\0length'``, which
      :func:`_flatten` turns back into a function step: jsonpath-ng has no ``name()`` syntax.
    * Each filter relation ``op operand`` becomes ``=~ 'op operand'``: jsonpath-ng parses the
      filter's structure (``&&``, ``||``, ``!``, parentheses, the left paths), but Jayway's
      operators (``in``, ``nin``, ``size``, ``===``...) and literals (``/re/i``, JSON lists,
      ``1e3``, BigDecimal text, a literal on the left) are not in its grammar;
      :func:`_predicate` and :func:`_operand` read them back.
    * Quoted names get Jayway's escapes (``\\n``, ``\\u00e9``) decoded before jsonpath-ng,
      which only knows backslash-quote.
    * jsonpath-ng-only forms that would otherwise parse are refused here: ``$[name]`` and
      parenthesised paths outside filters.
    """
    depth = 0

    def rewrite(match) -> str:
        nonlocal depth
        if match["quoted"]:
            quote = match["quoted"][0]
            return quote + _escape(_protect(_unescape(match["quoted"][1:-1])), quote) + quote
        if match["unclosed"]:
            raise InvalidPathError(f"Property has not been closed - missing closing {match['unclosed']}")
        if match["relation"]:
            relation = match["op"] + " " + match["operand"]
            if match["left"]:  # jsonpath-ng wants a path on the left: '@'; the literal rides along
                return "@ =~ '" + _escape(relation + "\0" + match["left"], "'") + "'"
            return "=~ '" + _escape(relation, "'") + "'"
        if match["bracket"] == "[":  # jsonpath-ng would also take a bare name: $[a]
            if source[match.end():].lstrip()[:1] not in tuple("?*:-0123456789'\""):
                raise InvalidPathError(f"Could not parse token starting at position {match.start()}. "
                                       "Expected ?, ', 0-9, * ")
            depth += 1
            return "["
        if match["bracket"]:
            depth -= 1
            return "]"
        if match["parenthesis"]:  # jsonpath-ng groups paths in parentheses; Jayway only filters
            if depth == 0:
                raise InvalidPathError(f"Could not parse token starting at position {match.start()}")
            return "("
        name, arguments = match["name"], match["arguments"]
        if arguments is not None:
            if arguments.strip():  # concat, append: not used by mapping templates
                raise InvalidPathError(f"Function with arguments is not supported: '{name}'")
            if name not in _FUNCTIONS:
                raise InvalidPathError(f"Function with name: {name} does not exist.")
            name = _FUNCTION_MARK + name
        elif depth == 0 and source[match.end():match.end() + 1].isspace():
            raise InvalidPathError("Use bracket notion ['my prop'] if your property contains blank "
                                   f"characters. position: {match.start('name')}")
        else:
            name = _protect(name)
        if _PLAIN_NAME.fullmatch(name) and name not in ("where", "wherenot"):
            return "." + name
        return ".'" + _escape(name, "'") + "'"

    return _SCANNER.sub(rewrite, source)


#: A function step travels through jsonpath-ng as a property named NUL + function name; a user's
#: property name that itself begins with NUL gets one more NUL (see _protect / _unprotect).
_FUNCTION_MARK = "\0"


def _protect(name: str) -> str:
    return _FUNCTION_MARK + name if name.startswith(_FUNCTION_MARK) else name


def _unprotect(name: str) -> str:
    return name[1:] if name.startswith(_FUNCTION_MARK) else name


def _escape(text: str, quote: str) -> str:
    return text.replace("\\", "\\\\").replace(quote, "\\" + quote)


_UNESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(text: str) -> str:
    """Jayway's Utils.unescape: backslash escapes in quoted names and string literals."""
    return regex.sub(r"\\(u[0-9a-fA-F]{4}|.)", lambda m: chr(int(m[1][1:], 16)) if len(m[1]) == 5
                     else _UNESCAPES.get(m[1], m[1]), text, flags=regex.DOTALL)


_PARSER = ExtendedJsonPathParser()
_PARSER_LOCK = threading.Lock()


def _parse(text: str):
    """jsonpath-ng's extended parser; its deprecated forms (``&``, ``|``) are not Jayway's."""
    with _PARSER_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        try:
            return _PARSER.parse(text)
        except (JSONPathError, DeprecationWarning) as error:
            raise InvalidPathError(str(error)) from None


def _flatten(node) -> list[tuple[str, Any]]:
    """jsonpath-ng's AST as Jayway's token list: ``Child`` and ``Descendants`` chain tokens."""
    if isinstance(node, Child):
        return _flatten(node.left) + _flatten(node.right)
    if isinstance(node, Descendants):
        return _flatten(node.left) + [(SCAN, None)] + _flatten(node.right)
    if isinstance(node, (Root, This)):
        return [(ROOT, "$" if isinstance(node, Root) else "@")]
    if isinstance(node, Fields):
        first = node.fields[0]
        if first.startswith(_FUNCTION_MARK) and not first.startswith(_FUNCTION_MARK * 2):
            return [(FUNCTION, first[1:])]
        return [(PROPERTY, tuple(_unprotect(field) for field in node.fields))]
    if isinstance(node, Index):
        return [(INDEX, tuple(_java_int(index) for index in node.indices))]
    if isinstance(node, Slice):  # Jayway ignores a step (ArraySliceOperation reads two numbers)
        if node.start is None and node.end is None:
            raise InvalidPathError("Failed to parse SliceOperation: :")
        return [(SLICE, (None if node.start is None else _java_int(node.start),
                         None if node.end is None else _java_int(node.end)))]
    if isinstance(node, Wildcard):
        return [(WILDCARD, None)]
    if isinstance(node, Filter):
        return [(FILTER, _predicate(node.expressions))]
    raise InvalidPathError(f"Not a Jayway JsonPath: {node}")  # Where, Parent, `len`, arithmetic...


def _java_int(value: int) -> int:
    """Integer.parseInt; its NumberFormatException becomes InvalidPathException."""
    if not -(2**31) <= value < 2**31:
        raise InvalidPathError(f'java.lang.NumberFormatException: For input string: "{value}"')
    return value


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
            raise PathNotFoundError(f"Expected to find an object with property {step.arg}")
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
        raise PathNotFoundError(f"{step.kind} {step.arg} can only be applied to arrays")
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
        raise PathNotFoundError("Expected to find an object or array in path")


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
# Filters: Jayway's value nodes and evaluators (EvaluatorFactory); PATTERN values are Java
# pattern texts for vtl.runtime.javaregex, PATH values are CompiledPaths.
# The Cython twin reads these predicate objects once (ext/_speedups.pyx, _compile_predicate) and
# evaluates the common ones itself: existence, == != === !== < <= > >=, !, && and ||. A change of
# their meaning here must be made there too (tests/test_speedups.py compares the two).

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
        return right.kind == PATTERN and left.value == right.value
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
    return java_matches(text, pattern.value)  # Matcher.matches(): the whole string


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



# --- filter compilation: jsonpath-ng's filter AST and our relation operands ----------------

def _predicate(expression):
    """A filter's jsonpath-ng AST as Jayway predicates (a list is a conjunction)."""
    if isinstance(expression, list):
        operands = [_predicate(item) for item in expression]
        return operands[0] if len(operands) == 1 else _Logical("&&", operands)
    if isinstance(expression, (And, Or)):
        return _Logical("&&" if isinstance(expression, And) else "||",
                        [_predicate(item) for item in expression.operands])
    if isinstance(expression, Expression):
        path = _filter_path(expression.target)
        if expression.op is None:  # [?(@.isbn)]
            return _Relation(_Node(PATH, path, True), "EXISTS", _TRUE)
        if expression.op == "!" and expression.value is None:  # [?(!@.isbn)]
            return _Logical("!", [_Relation(_Node(PATH, path, True), "EXISTS", _TRUE)])
        if expression.op == "=~" and isinstance(expression.value, str):  # see _to_jsonpath_ng
            operator, operand = expression.value.split(" ", 1)
            operand, _, left = operand.partition("\0")
            key = operator.upper()
            if key in _OPERATORS and key != "EXISTS":
                return _Relation(_operand(left) if left else _Node(PATH, path), key, _operand(operand))
    raise InvalidPathError(f"Filter expression is not supported: {expression}")


def _filter_path(target) -> CompiledPath:
    tokens = _flatten(target)
    if tokens[0][0] != ROOT:  # a literal or bare name on the left: not supported
        raise InvalidPathError(f"Expected a path starting with @ or $ in filter: {target}")
    return CompiledPath(str(target), _link(tokens))


_NUMBER = regex.compile(r"[-0-9.eE]+")
_JAYWAY_REGEX_FLAGS = "dixmsuU"  # PatternFlag; other letters are ignored, as in Jayway


def _operand(text: str) -> _Node:
    """Jayway's ValueNode for the right operand of a relation, from its text."""
    first = text[0]
    if first == "/":
        source, _, flags = text[1:].rpartition("/")
        flags = "".join(flag for flag in flags if flag in _JAYWAY_REGEX_FLAGS)
        pattern = f"(?{flags}){source}" if flags else source
        try:
            compile_java(pattern)  # FilterCompiler compiles the Pattern and wraps its exception
        except JavaException as error:
            raise InvalidPathError(f"Failed to parse filter: {error}") from None
        return _Node(PATTERN, pattern)
    if first in "'\"":
        return _Node(STR, _unescape(text[1:-1]))
    if first in "[{":
        try:
            return _Node(JSON, parse_json_text(text))
        except JsonParseError as error:
            raise InvalidPathError(f"Invalid JSON literal in filter: {error.message}") from None
    if first in "$@":
        return _Node(PATH, compile_path(text))
    if text in ("true", "false", "null"):
        return {"true": _TRUE, "false": _FALSE, "null": _Node(NULL)}[text]
    if _NUMBER.fullmatch(text):
        try:
            return _Node(NUM, Decimal(text))
        except InvalidOperation:
            pass
    raise InvalidPathError(f"Could not parse filter value: {text}")
