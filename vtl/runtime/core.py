"""VTL's semantics: the helpers generated code calls by name.

Generated code never implements semantics inline; it calls the functions listed in
``GENERATED_CODE_NAMES``. A dialect may replace some of them (see ``vtl/dialects.py``).
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Callable

from ..errors import JavaException, VTLLimitError, VTLRuntimeError
from . import methods  # noqa: F401  (registers the Java methods of built-in values)
from .._native import count_steps
from ..speedups import (LoopOutput, call_method, call_method0, call_method1,  # the chosen twins
                        get_property, loop_items, render_plan, start_loop, text_or_empty, text_or_source)
from .objects import MAP_TYPES, NO_SUCH_METHOD, JavaObject, find_and_call
from .methods import java_map_get, java_map_put
from .values import class_of, java_equals, to_java_string

# ----- control flow -------------------------------------------------------------------


class StopRendering(Exception):
    """#stop: rendering ends, the output so far is kept (collected in ``output`` on the way out)."""

    def __init__(self) -> None:
        super().__init__()
        self.output = ""


class BreakScope(StopRendering):
    """#break($foreach…): unwinds to the #foreach whose $foreach it names (which catches it); one
    that is not running any more ends the render, as #stop does."""

    def __init__(self, scope: "ForeachState") -> None:
        super().__init__()
        self.scope = scope


def break_scope(arguments: tuple, sources: tuple[str, ...]) -> None:
    """``#break(…)`` with arguments: the one argument must be a scope ($foreach, $foreach.parent)."""
    if len(arguments) != 1:
        raise VTLRuntimeError("The #break directive only accepts a single scope object")
    if type(arguments[0]) is not ForeachState:
        raise VTLRuntimeError(f"{sources[0] or 'The argument'} is not a valid "
                              "org.apache.velocity.runtime.directive.Scope instance")
    raise BreakScope(arguments[0])


# ----- rendering references -----------------------------------------------------------


def text_of(value: Any) -> str:
    """A non-null value as template output (Java's toString; "null" for a block that gives up)."""
    if type(value) is str:
        return value
    text = to_java_string(value)
    return "null" if text is None else text


#: ``$!ref`` (null prints nothing) and Velocity's ``$ref`` (null prints the reference as written).
render_quiet = text_or_empty
render_reference_velocity = text_or_source


def render_escaped(value: Any, source: str, backslashes: int, quiet_null_text: str) -> str:
    """``\\$ref``: what prints depends on whether the reference has a value (Velocity's ASTReference).

    ``quiet_null_text`` is what a non-escaped null prints in this dialect (its source text
    in Velocity); an even count of backslashes leaves the reference live.
    """
    prefix = "\\" * (backslashes // 2)
    if backslashes % 2:
        return prefix + source if value is not None else prefix + "\\" + source
    if type(value) is Block:  # a live one renders itself, the escapes unprinted; given up, it is null
        value = value.java_to_string()
        if value is not None:
            return value
    if value is None:
        return prefix + prefix + quiet_null_text
    return prefix + text_of(value)


# ----- lookups --------------------------------------------------------------------------


def get_index(target: Any, key: Any) -> Any:
    """``$target[key]``: a List's get(int), a Map's get(key), or the target's own get(key)."""
    if target is None:
        return None
    key = _from_size(target, key)
    if isinstance(target, dict):
        return target.get(key) if type(key) is str else java_map_get(target, key)
    if isinstance(target, list):
        return target[_list_position(target, key)] if _is_java_int(key) else None  # get(int) takes no Long
    if key is None:
        return None
    result = find_and_call(target, "get", (key,))
    return None if result is NO_SUCH_METHOD else result


def _is_java_int(key: Any) -> bool:
    return type(key) is int and -2**31 <= key < 2**31


def _from_size(target: Any, key: Any) -> Any:
    """Velocity's ASTIndex counts an Integer below 0 from the target's size(), maps included;
    a target without size() is an error."""
    if not (_is_java_int(key) and key < 0):
        return key
    if isinstance(target, (list, dict)):
        return key + len(target)
    size = find_and_call(target, "size", ())
    if size is NO_SUCH_METHOD:
        raise VTLRuntimeError(f"A 'size()' method required for negative value {key} does not exist "
                              f"for class '{class_of(target).name}'")
    return key + size


def _list_position(target: list, position: int) -> int:
    if not 0 <= position < len(target):
        raise JavaException("java.lang.IndexOutOfBoundsException",
                            f"Index {position} out of bounds for length {len(target)}")
    return position


def set_property(target: Any, name: str, value: Any) -> None:
    """``#set($target.name = value)``: a Map's put, else setName(value)."""
    if target is None:
        return
    if isinstance(target, dict):
        target[name] = value
        return
    find_and_call(target, "set" + name[:1].upper() + name[1:], (value,))


def set_index(target: Any, key: Any, value: Any) -> None:
    """``#set($target[key] = value)``: a List's set(int, value), a Map's put, or set(key, value)."""
    if target is None:
        return
    key = _from_size(target, key)
    if isinstance(target, dict):
        java_map_put(target, key, value)
    elif isinstance(target, list):
        if _is_java_int(key):
            target[_list_position(target, key)] = value
    elif key is not None:
        find_and_call(target, "set", (key, value))


# ----- truth, comparison, arithmetic --------------------------------------------------


def is_truthy(value: Any) -> bool:
    """Only null and false are false (for a reference's value)."""
    return value is not None and value is not False


#: Java Numbers: Integer/Long/BigInteger (int), Double (float), BigDecimal (Decimal, from JSON).
_NUMBER_TYPES = frozenset((int, float, Decimal))


def _is_number(value: Any) -> bool:
    return type(value) in _NUMBER_TYPES


def _same_kind(left: Any, right: Any) -> tuple[Any, Any]:
    """BigDecimal meets Double or Integer as BigDecimal (Velocity's MathUtils widening)."""
    if type(left) is not type(right) and (type(left) is Decimal or type(right) is Decimal):
        return Decimal(repr(left)) if type(left) is float else Decimal(left), \
            Decimal(repr(right)) if type(right) is float else Decimal(right)
    return left, right


def equals(left: Any, right: Any) -> bool:
    """``==`` (Velocity 1.7 ASTEQNode): numbers by value, same kinds by equals, else by text."""
    if left is None or right is None:
        return left is None and right is None
    if _is_number(left) and _is_number(right):
        return left == right
    left_type, right_type = type(left), type(right)
    if left_type is right_type or isinstance(left, right_type) or isinstance(right, left_type):
        return java_equals(left, right)
    return text_of(left) == text_of(right)


def less(left: Any, right: Any) -> bool:
    return type(left) in _NUMBER_TYPES and type(right) in _NUMBER_TYPES and left < right


def greater(left: Any, right: Any) -> bool:
    return type(left) in _NUMBER_TYPES and type(right) in _NUMBER_TYPES and left > right


def less_or_equal(left: Any, right: Any) -> bool:
    return type(left) in _NUMBER_TYPES and type(right) in _NUMBER_TYPES and left <= right


def greater_or_equal(left: Any, right: Any) -> bool:
    return type(left) in _NUMBER_TYPES and type(right) in _NUMBER_TYPES and left >= right


def add(left: Any, right: Any, left_source: str | None = None, right_source: str | None = None) -> Any:
    """``+``: numbers add (ints widen without overflow); a String on either side concatenates,
    a null reference then contributing its source text."""
    if _is_number(left) and _is_number(right):
        left, right = _same_kind(left, right)
        return left + right
    if type(left) is str or type(right) is str:
        if left is None:
            left = left_source
        if right is None:
            right = right_source
        if left is None or right is None:
            return None
        return text_of(left) + text_of(right)
    return None


def subtract(left: Any, right: Any) -> Any:
    if _is_number(left) and _is_number(right):
        left, right = _same_kind(left, right)
        return left - right
    return None


def multiply(left: Any, right: Any) -> Any:
    if _is_number(left) and _is_number(right):
        left, right = _same_kind(left, right)
        return left * right
    return None


def divide(left: Any, right: Any) -> Any:
    """``/``: integers truncate toward zero; a zero divisor gives null."""
    if not (_is_number(left) and _is_number(right)) or right == 0:
        return None
    left, right = _same_kind(left, right)
    if type(left) is int and type(right) is int:
        quotient = abs(left) // abs(right)
        return quotient if (left < 0) == (right < 0) else -quotient
    return left / right


def modulo(left: Any, right: Any) -> Any:
    """``%``: the remainder takes the dividend's sign (Java); a zero divisor gives null."""
    if not (_is_number(left) and _is_number(right)) or right == 0:
        return None
    left, right = _same_kind(left, right)
    if type(left) is int and type(right) is int:
        return left - right * divide(left, right)
    if type(left) is Decimal:
        return left % right  # Decimal's % keeps the dividend's sign, as Java's BigDecimal.remainder
    return math.fmod(left, right)


#: The engine's guard against runaway range literals (Velocity itself has none): a million
#: items is far beyond what a mapping template can use (#foreach stops at 1,000 in API Gateway).
MAX_RANGE_ITEMS = 1_000_000


def make_range(start: Any, end: Any) -> list | None:
    """``[a..b]``, counting down when b < a: Velocity takes each Number's intValue(); anything
    else gives null."""
    if not (_is_java_int(start) and _is_java_int(end)):
        start, end = _int_value(start), _int_value(end)
        if start is None or end is None:
            return None
    if abs(end - start) >= MAX_RANGE_ITEMS:
        raise VTLLimitError(f"the range [{start}..{end}] has more than {MAX_RANGE_ITEMS} items")
    step = 1 if end >= start else -1
    return list(range(start, end + step, step))


def _int_value(value: Any) -> int | None:
    """Java's Number.intValue(): a Long or BigDecimal keeps its low 32 bits (after truncating the
    fraction), a Double is truncated and saturates (NaN is 0); not a Number: None."""
    kind = type(value)
    if kind is float:
        return 0 if value != value else int(max(-2**31, min(2**31 - 1, value)))
    if kind is int or kind is Decimal:
        return (int(value) + 2**31) % 2**32 - 2**31
    return None


# ----- loops --------------------------------------------------------------------------


class ForeachState(JavaObject):
    """``$foreach``: count, index, hasNext, first, last, parent, topmost; and what the loop walks.

    Each property is a Python attribute of the same name, so generated code that knows it holds
    the loop's state reads ``state.hasNext`` directly; the Java getters below are the same
    functions. ``loop_items`` sets ``index`` and ``hasNext`` (the commonest read: a plain
    attribute, not a property) at each turn."""

    __slots__ = ("index", "size", "parent", "hasNext", "walk")
    java_class_name = "org.apache.velocity.runtime.directive.ForeachScope"
    #: The Velocity properties readable as attributes, and those of them that are booleans.
    PROPERTIES = frozenset({"count", "index", "hasNext", "first", "last", "parent", "topmost"})
    FLAGS = frozenset({"hasNext", "first", "last"})

    def __init__(self, size: int, parent: Any) -> None:
        self.index = -1
        self.size = size
        self.parent = parent if isinstance(parent, ForeachState) else None
        self.hasNext = size > 0
        # (``walk``: what loop_items walks, set by start_loop: the items, their source, the limit.)

    def java_to_string(self) -> str:
        return f"org.apache.velocity.runtime.directive.ForeachScope@{id(self) & 0xFFFFFF:x}"

    @property
    def count(self) -> int:
        return self.index + 1

    @property
    def first(self) -> bool:
        return self.index == 0

    @property
    def last(self) -> bool:
        return self.index + 1 == self.size

    @property
    def topmost(self) -> "ForeachState":
        state = self
        while state.parent is not None:
            state = state.parent
        return state


from .objects import register_methods  # noqa: E402

_count, _first, _last = ForeachState.count.fget, ForeachState.first.fget, ForeachState.last.fget


def _has_next(state: ForeachState) -> bool:
    return state.hasNext


register_methods(ForeachState, {
    "getCount": _count, "getIndex": lambda state: state.index,
    "hasNext": _has_next, "getHasNext": _has_next,
    "isFirst": _first, "getFirst": _first, "isLast": _last, "getLast": _last,
    "getParent": lambda state: state.parent, "getTopmost": ForeachState.topmost.fget,
})

_MISSING = object()


def save_variables(variables: dict, names: tuple[str, ...]) -> tuple:
    return tuple(variables.get(name, _MISSING) for name in names)


def restore_variables(variables: dict, names: tuple[str, ...], saved: tuple) -> None:
    for name, value in zip(names, saved):
        if name == "foreach" and not isinstance(variables.get(name), ForeachState):
            continue  # #set replaced the loop's $foreach: Velocity puts back only a loop's own
        if value is _MISSING:
            variables.pop(name, None)
        else:
            variables[name] = value


def assign(variables: dict, name: str, value: Any) -> None:
    """Set a variable; a null value leaves it as it was (directive.set.null.allowed = false)."""
    if value is not None:
        variables[name] = value


# ----- blocks, macros, #evaluate ------------------------------------------------------


class RenderState:
    """What one render shares across its macros, blocks and #evaluate calls."""

    __slots__ = ("variables", "macros", "evaluate", "macro_depth", "max_macro_depth", "dialect")

    def __init__(self, variables: dict, macros: dict, evaluate: Callable[[str, "RenderState"], str],
                 dialect: Any, max_macro_depth: int = 20) -> None:
        self.variables = variables
        self.macros = macros
        self.evaluate = evaluate
        self.macro_depth = 0
        self.max_macro_depth = max_macro_depth
        self.dialect = dialect


#: How deep a #define block renders inside itself (Velocity's directive.define.max.depth).
DEFINE_MAX_DEPTH = 2


class Block(JavaObject):
    """A ``#define`` block or a block macro's ``$bodyContent``: rendered each time it is printed."""

    __slots__ = ("function", "state", "arguments", "max_depth", "depth")
    java_class_name = "org.apache.velocity.runtime.directive.Block$Reference"

    def __init__(self, function: Callable, state: RenderState, arguments: dict | None = None,
                 max_depth: int = DEFINE_MAX_DEPTH) -> None:
        self.function, self.state, self.arguments = function, state, arguments
        self.max_depth, self.depth = max_depth, 0

    def java_to_string(self) -> str | None:
        """The block's output; None when it is already rendering ``max_depth`` times inside itself:
        Velocity's Block.Reference gives up, and the reference prints as if null."""
        if self.depth >= self.max_depth:
            return None
        out: list[str] = []
        self.depth += 1
        try:
            self.function(self.state, out.append, self.arguments)
        except StopRendering as stop:
            stop.output = "".join(out) + stop.output  # what the block printed before #stop is kept
            raise
        finally:
            self.depth -= 1
        return "".join(out)


register_methods(Block, {"toString": Block.java_to_string})


class MacroArgument:
    """A macro argument passed by name: re-evaluated at each use, as Velocity does."""

    __slots__ = ("evaluate", "source")

    def __init__(self, evaluate: Callable[[], Any], source: str) -> None:
        self.evaluate, self.source = evaluate, source


def macro_parameter(arguments: dict, variables: dict, name: str) -> Any:
    argument = arguments.get(name)
    if argument is None:
        return variables.get(name)
    count_steps(1)  # by name, an argument can re-evaluate a chain of arguments: it counts
    return argument.evaluate()


def macro_parameter_source(arguments: dict, name: str, own_source: str) -> str:
    """What a null parameter prints: the caller's text for a bound argument."""
    argument = arguments.get(name)
    return argument.source if argument is not None and argument.source else own_source


def call_macro(state: RenderState, write: Callable[[str], Any], name: str, arguments: tuple,
               body: Callable | None, source: str, caller_arguments: dict | None, words: tuple = ()) -> None:
    macro = state.macros.get(name)
    if macro is None:
        write(source)  # no such macro: Velocity prints the call as written
        return
    if words:  # Velocity checks this when it reads the template (TemplateInitException)
        raise VTLRuntimeError(f"Invalid arg '{words[0]}' in macro #{name}")
    function, parameters = macro
    bound = {parameter: argument for parameter, argument in zip(parameters, arguments)}
    if body is not None:
        block = Block(body, state, caller_arguments, state.max_macro_depth)  # (Velocity's BlockMacro)
        bound["bodyContent"] = MacroArgument(lambda: block, "$bodyContent")
    if state.macro_depth >= state.max_macro_depth:
        raise VTLRuntimeError(f"Max calling depth of {state.max_macro_depth} was exceeded in macro '{name}'")
    state.macro_depth += 1
    count_steps(1)  # macros calling themselves twice per level run long without a loop
    try:
        function(state, write, bound)
    finally:
        state.macro_depth -= 1


def evaluate_text(state: RenderState, write: Callable[[str], Any], value: Any) -> None:
    """#evaluate: render a string as a template, sharing this render's variables and macros."""
    if value is None:
        return
    write(state.evaluate(text_of(value), state))


def resource_not_found(name: Any) -> None:
    raise VTLRuntimeError(f"ResourceNotFoundException: Unable to find resource '{text_of(name) if name is not None else 'null'}'")


#: Every name generated code may use; a new helper is added here first.
GENERATED_CODE_NAMES = {
    "text_of": text_of, "render_quiet": render_quiet, "render_plan": render_plan, "render_escaped": render_escaped,
    "get_property": get_property, "call_method": call_method, "call_method0": call_method0,
    "call_method1": call_method1, "get_index": get_index,
    "set_property": set_property, "set_index": set_index, "assign": assign,
    "is_truthy": is_truthy, "equals": equals, "less": less, "greater": greater,
    "less_or_equal": less_or_equal, "greater_or_equal": greater_or_equal,
    "add": add, "subtract": subtract, "multiply": multiply, "divide": divide, "modulo": modulo,
    "make_range": make_range, "start_loop": start_loop, "loop_items": loop_items, "LoopOutput": LoopOutput,
    "save_variables": save_variables, "restore_variables": restore_variables,
    "StopRendering": StopRendering, "BreakScope": BreakScope, "break_scope": break_scope, "Block": Block, "MacroArgument": MacroArgument,
    "macro_parameter": macro_parameter, "macro_parameter_source": macro_parameter_source,
    "call_macro": call_macro, "evaluate_text": evaluate_text, "resource_not_found": resource_not_found,
    "MAP_TYPES": MAP_TYPES,
}
