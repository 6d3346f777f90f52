"""The AST: small frozen dataclasses, each with its template position. No behaviour here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

Span = tuple[int, int]  # (line, column), both from 1


@dataclass(frozen=True, slots=True)
class Node:
    span: Span


# ----- statements -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Text(Node):
    text: str


@dataclass(frozen=True, slots=True)
class Property(Node):
    name: str


@dataclass(frozen=True, slots=True)
class MethodCall(Node):
    name: str
    arguments: tuple["Expression", ...]


@dataclass(frozen=True, slots=True)
class Index(Node):
    key: "Expression"


ReferencePart = Union[Property, MethodCall, Index]


@dataclass(frozen=True, slots=True)
class Reference(Node):
    """``$name.part…``; ``source`` is the text as written, which Velocity prints for null."""
    name: str
    parts: tuple[ReferencePart, ...]
    quiet: bool
    braced: bool
    escapes: int
    source: str


@dataclass(frozen=True, slots=True)
class IfDirective(Node):
    branches: tuple[tuple["Expression", "Block"], ...]
    otherwise: Optional["Block"]


@dataclass(frozen=True, slots=True)
class ForeachDirective(Node):
    target: Reference
    iterable: "Expression"
    body: "Block"


@dataclass(frozen=True, slots=True)
class ForeachWithoutIn(Node):
    """``#foreach($i [1, 2])``: Velocity parses it and renders nothing."""


@dataclass(frozen=True, slots=True)
class SetDirective(Node):
    target: Reference
    value: "Expression"


@dataclass(frozen=True, slots=True)
class MacroDirective(Node):
    name: str
    parameters: tuple[str, ...]
    body: "Block"


@dataclass(frozen=True, slots=True)
class MacroCall(Node):
    name: str
    arguments: tuple["Expression", ...]
    argument_sources: tuple[str, ...]
    body: Optional["Block"]  # the block of a ``#@name(...)...#end`` call
    source: str  # printed when no such macro exists


@dataclass(frozen=True, slots=True)
class DefineDirective(Node):
    target: Reference
    body: "Block"


@dataclass(frozen=True, slots=True)
class EvaluateDirective(Node):
    argument: "Expression"


@dataclass(frozen=True, slots=True)
class IncludeDirective(Node):
    arguments: tuple["Expression", ...]
    directive: str  # "include" or "parse"


@dataclass(frozen=True, slots=True)
class BreakDirective(Node):
    scope: tuple["Expression", ...] | None = None  # #break(…): what its parentheses hold
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StopDirective(Node):
    pass


Statement = Union[Text, Reference, IfDirective, ForeachDirective, ForeachWithoutIn, SetDirective,
                  MacroDirective, MacroCall, DefineDirective, EvaluateDirective, IncludeDirective,
                  BreakDirective, StopDirective]


@dataclass(frozen=True, slots=True)
class Block(Node):
    statements: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Template(Node):
    body: Block


# ----- expressions ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StringLiteral(Node):
    value: str
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class InterpolatedString(Node):
    """A double-quoted string holding ``$`` or ``#``: a template of its own."""
    body: Block
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class IntegerLiteral(Node):
    value: int
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class FloatLiteral(Node):
    value: float
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class BooleanLiteral(Node):
    value: bool
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class Word(Node):
    """A bare word where a value was expected (Velocity accepts it in macro arguments)."""
    name: str
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class ListLiteral(Node):
    items: tuple["Expression", ...]
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class RangeLiteral(Node):
    start: "Expression"
    end: "Expression"
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class MapLiteral(Node):
    entries: tuple[tuple["Expression", "Expression"], ...]
    source: str = ""  # as written: a macro argument can print it


@dataclass(frozen=True, slots=True)
class Arithmetic(Node):
    operator: str  # + - * / %
    left: "Expression"
    right: "Expression"


@dataclass(frozen=True, slots=True)
class Comparison(Node):
    operator: str  # == != < > <= >=
    left: "Expression"
    right: "Expression"


@dataclass(frozen=True, slots=True)
class Logical(Node):
    operator: str  # && ||
    left: "Expression"
    right: "Expression"


@dataclass(frozen=True, slots=True)
class Negation(Node):
    operand: "Expression"


@dataclass(frozen=True, slots=True)
class Parenthesized(Node):
    inner: "Expression"


Literal = Union[StringLiteral, InterpolatedString, IntegerLiteral, FloatLiteral, ListLiteral,
                RangeLiteral, MapLiteral, Word]
Expression = Union[Reference, Literal, BooleanLiteral, Arithmetic, Comparison, Logical, Negation,
                   Parenthesized]


# ----- traversal ------------------------------------------------------------------------
#: Per node class, the fields that can hold nodes (not names, flags or source text).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAF_ANNOTATIONS = frozenset({"str", "bool", "int", "float", "Span", "tuple[str, ...]"})


def children(node: Node) -> list[Node]:
    """The nodes directly under ``node``, in source order."""
    kind = type(node)
    names = _CHILD_FIELDS.get(kind)
    if names is None:
        names = _CHILD_FIELDS[kind] = tuple(name for name, field in kind.__dataclass_fields__.items()
                                            if name != "span" and field.type not in _LEAF_ANNOTATIONS)
    found: list[Node] = []
    for name in names:
        _collect(getattr(node, name), found)
    return found


def walk(node: Node):
    """``node`` and every node under it, parents before children."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(children(item)))


def _collect(value, into: list) -> None:
    if isinstance(value, Node):
        into.append(value)
    elif type(value) is tuple:
        for element in value:
            _collect(element, into)
