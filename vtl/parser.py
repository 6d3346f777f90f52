"""Source text → AST. Builds the Lark parser once; Lark's errors stop here.

Lark's LALR table drives the parse. A template that parses runs it in ``_fast_parse``: the
whole token list, a tight loop and the AST builder's methods called directly (Lark's own loop
spends most of its time in per-token and per-rule wrappers). On any error the template is
parsed again by Lark's own loop, fed lazily, which reports it exactly as before.
"""
from __future__ import annotations

import dataclasses
import re
import threading
from functools import lru_cache
from importlib import resources

from lark import Lark, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedInput, UnexpectedToken, VisitError
from lark.parsers.lalr_analysis import Shift

try:  # how v_args(inline=True) calls a method (Lark internals: the fast loop checks it)
    from lark.visitors import _vargs_inline
except ImportError:  # pragma: no cover - another Lark: Lark's own loop only
    _vargs_inline = None

from . import nodes as n
from .errors import VTLSyntaxError
from .lexer import LINE_END_AFTER_DIRECTIVE, Scanner, Token, VTLLexer, make_token

GRAMMAR_FILE = "vtl.lark"


def grammar_text() -> str:
    return resources.files("vtl.grammar").joinpath(GRAMMAR_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def lark_parser(strict: bool = False) -> Lark:
    # The AST is built while parsing (an inline transformer): no intermediate Lark tree.
    return Lark(grammar_text(), parser="lalr", lexer=VTLLexer, maybe_placeholders=False, strict=strict,
                transformer=ASTBuilder())


class _Retry(Exception):
    """The fast loop met an error: Lark's own loop parses again and reports it."""


# How the fast loop builds a rule's value: Lark's parse-tree builder (ChildFilter,
# ExpandSingleChild, inlined ``_rules``), specialised per rule shape. Lark splices the value
# of a child rule named ``_x`` into its parent; here such values are lists. (The order
# matters: the loop tests ``shape <= _WRAP`` for the first two, ``shape >= _CALL`` for the last.)
_PASS = 0     # the child's value unchanged: ``?rule`` over one child, ``_rule`` over one ``_child``
_WRAP = 1     # ``_rule`` over one child: [child]
_APPEND = 2   # ``_rule: _list child`` (repetition helpers): the list plus the child
_EXTEND = 3   # ``_rule: _list _more``: the lists joined
_CALL1 = 4    # a builder method over one child
_CALL = 5     # a builder method over the children
_GENERAL = 6  # anything else: splice, then expand a single child or call the builder method

# Actions from here on are shortcuts (``_Tables.shortcuts[action - _SHORTCUT]``), not states.
_SHORTCUT = 1 << 20


class _Tables:
    """Lark's LALR table for the grammar, re-keyed for a tight loop: per state one dict from a
    terminal or rule name to ``>= 0`` (shift / goto that state, or a shortcut) or ``< 0``
    (reduce by rule ``~value``); rules as (size, rule name, shape, builder method, positions to
    splice, expand a single child)."""

    def __init__(self, lark: Lark, builder: "ASTBuilder") -> None:
        table = lark.parser.parser._parse_table
        rule_ids: dict[int, int] = {}
        self.rules: list[tuple] = []
        self.actions: list[dict[str, int]] = [{} for _ in range(max(table.states) + 1)]
        one_token_rules: set[int] = set()  # a builder method over one token (``text: TEXT``)
        growing_lists: set[int] = set()  # ``_list: _list item``: the list's state stays as it grows
        for state, row in table.states.items():
            for symbol, (action, argument) in row.items():
                if action is Shift:
                    self.actions[state][str(symbol)] = argument
                else:
                    index = rule_ids.get(id(argument))
                    if index is None:
                        index = rule_ids[id(argument)] = len(self.rules)
                        self.rules.append(self._rule(argument, builder))
                        if self.rules[index][2] == _CALL1 and argument.expansion[0].is_term:
                            one_token_rules.add(index)
                        elif self.rules[index][2] == _APPEND and argument.expansion[0] == argument.origin:
                            growing_lists.add(index)
                    self.actions[state][str(symbol)] = ~index
        self.start = table.start_states["start"]
        self.end = table.end_states["start"]
        #: (state below, state, lookahead) -> the state after a chain of one-child reductions
        #: (``_PASS``, and at most one ``_WRAP``), and whether it wraps the value.
        self.chains: dict[tuple[int, int, str], tuple[int, bool]] = {}
        #: (state shifted to, builder method, state after its rule, whether the value is appended
        #: to the list below instead, the next tokens for which the table does the same)
        self.shortcuts: list[tuple[int, object, int, bool, frozenset[str]]] = []
        self._add_shortcuts(one_token_rules, growing_lists)

    def _add_shortcuts(self, one_token_rules: set[int], growing_lists: set[int]) -> None:
        """The commonest statements, a TEXT or a simple reference, take the loop three turns:
        shift the token, reduce its rule (``text: TEXT``), append that to the statements
        before it (whose state stays). Shifting such a token becomes a shortcut that does it all
        at once (without the append where the rule's value goes elsewhere), when the next token
        is one for which the table would do the same."""
        actions, rules = self.actions, self.rules

        def only_reduction(state: int) -> int | None:  # the rule reduced whatever comes next
            reductions = set(actions[state].values())
            return ~reductions.pop() if len(reductions) == 1 and min(reductions) < 0 else None

        for row in actions:
            for symbol, target in list(row.items()):
                rule = only_reduction(target) if target >= 0 else None
                if rule not in one_token_rules:
                    continue
                _, name, _, method, _, _ = rules[rule]
                after = row[name]
                lookaheads = set(actions[target])
                appends = only_reduction(after) in growing_lists
                if appends:
                    lookaheads &= set(actions[after])
                row[symbol] = _SHORTCUT + len(self.shortcuts)
                self.shortcuts.append((target, method, after, appends, frozenset(lookaheads)))

    @staticmethod
    def _rule(rule, builder) -> tuple:
        options = rule.options
        if options.keep_all_tokens or any(symbol.is_term and symbol.filter_out for symbol in rule.expansion):
            raise NotImplementedError(f"the fast parser keeps every token: {rule}")  # pragma: no cover
        splice = tuple(not symbol.is_term and symbol.name.startswith("_") for symbol in rule.expansion)
        expand1 = bool(options.expand1 and not rule.alias)
        name = rule.alias or options.template_source or rule.origin.name
        inlined = name.startswith("_")
        method = getattr(builder, name, None)
        if method is not None:
            if inlined or getattr(method, "visit_wrapper", None) is not _vargs_inline:  # pragma: no cover
                raise NotImplementedError(f"builder method {name!r} must take its children inline")
            method = method.base_func
        elif not inlined and not (expand1 and splice == (False,)):  # pragma: no cover
            raise NotImplementedError(f"no builder method for rule {name!r}")  # (Lark would build a Tree)
        if (expand1 and splice == (False,)) or (inlined and splice == (True,)):
            shape = _PASS
        elif inlined and splice == (False,):
            shape = _WRAP
        elif inlined and splice == (True, False):
            shape = _APPEND
        elif inlined and splice == (True, True):
            shape = _EXTEND
        elif method is not None and not any(splice) and not expand1 and str(rule.origin.name) != "start":
            shape = _CALL1 if len(splice) == 1 else _CALL
        else:
            shape = _GENERAL
        positions = tuple(index for index in reversed(range(len(splice))) if splice[index])
        return (len(rule.expansion), str(rule.origin.name), shape, method, positions, expand1)


@lru_cache(maxsize=None)
def _tables() -> _Tables | None:
    """The fast loop's tables, built once; None if this Lark's internals are not the expected
    ones (every parse then takes Lark's own loop: slower, same results)."""
    try:
        return _Tables(lark_parser(), ASTBuilder())
    except (AttributeError, KeyError, TypeError, NotImplementedError):  # pragma: no cover
        return None


_END = make_token("$END", "")


def _chain(actions, rules, below: int, rule_name: str, wraps: bool, kind: str) -> tuple[int, bool]:
    """Where a one-child reduction leads, with the one-child reductions that follow it for the
    lookahead ``kind``: the state then, and whether one of them wrapped the value in a list."""
    top = actions[below][rule_name]
    while (after := actions[top].get(kind)) is not None and after < 0:
        shape = rules[~after][2]
        if shape != _PASS and (shape != _WRAP or wraps):
            break
        wraps = wraps or shape == _WRAP
        top = actions[below][rules[~after][1]]
    return top, wraps


def _fast_parse(source: str, origin: tuple[int, int]):
    """Lex the whole text, then run Lark's LALR table in a tight loop that builds the AST as it
    reduces. Raises _Retry on any lexical or syntax error: Lark's own loop then reports it."""
    tables = _tables()
    if tables is None:  # pragma: no cover
        raise _Retry
    try:
        tokens = Scanner(source, *origin, inside_string=origin != (1, 1)).scan()
    except VTLSyntaxError:
        raise _Retry from None
    tokens.append(_END)
    actions, rules, end = tables.actions, tables.rules, tables.end
    chains, shortcuts = tables.chains, tables.shortcuts
    state = tables.start
    states = [state]  # the state stack; ``state`` is its top
    values: list = []
    push_state, push_value = states.append, values.append
    for index, token in enumerate(tokens):
        kind = token.type
        try:
            action = actions[state][kind]
            while action < 0:  # reduce by rule ~action, then look again
                size, rule_name, shape, method, splice, expand1 = rules[~action]
                if shape <= _WRAP:  # one child: the value stays, or goes into a list
                    below = states[-2]
                    key = (below, state, kind)
                    chain = chains.get(key)
                    if chain is None:  # follow the chain of such rules once (expression -> ... -> primary)
                        chain = chains[key] = _chain(actions, rules, below, rule_name, shape == _WRAP, kind)
                    state, wraps = chain
                    states[-1] = state
                    if wraps:
                        values[-1] = [values[-1]]
                elif shape >= _CALL:  # a new value from the children
                    if size:
                        children = values[-size:]
                        del values[-size:]
                        del states[-size:]
                    else:
                        children = []
                    if shape == _CALL:
                        value = method(*children)
                    else:
                        for position in splice:
                            children[position:position + 1] = children[position]
                        if expand1 and len(children) == 1:
                            value = children[0]
                        elif method is None:
                            value = children
                        else:
                            value = method(*children)
                    state = actions[states[-1]][rule_name]
                    push_state(state)
                    push_value(value)
                    if state == end:
                        return value
                else:  # the value on top replaced (two folded into one for a list)
                    if shape == _APPEND:
                        child = values.pop()
                        values[-1].append(child)
                        del states[-1]
                    elif shape == _CALL1:
                        values[-1] = method(values[-1])
                    else:  # _EXTEND
                        more = values.pop()
                        values[-1] += more
                        del states[-1]
                    state = states[-1] = actions[states[-2]][rule_name]
                action = actions[state][kind]
        except KeyError:  # no action for this token here: a syntax error (builders raise no KeyError)
            raise _Retry from None
        if action >= _SHORTCUT:
            target, method, after, appends, lookaheads = shortcuts[action - _SHORTCUT]
            if tokens[index + 1].type in lookaheads:
                if appends:  # a statement: onto the list of those before it
                    values[-1].append(method(token))
                else:
                    state = after
                    push_state(state)
                    push_value(method(token))
                continue
            action = target
        state = action  # shift
        push_state(state)
        push_value(token)


class _ParseFrame(threading.local):
    """The text being parsed, for the builder (parses nest for interpolated strings)."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, tuple[int, int], str | None]] = []


_frames = _ParseFrame()


def parse(source: str, name: str | None = None) -> n.Template:
    """Parse a whole template. Raises VTLSyntaxError (never a Lark exception)."""
    block = _parse_block(source, (1, 1), name)
    return n.Template(span=(1, 1), body=block)


def _parse_block(source: str, origin: tuple[int, int], name: str | None) -> n.Block:
    _frames.stack.append((source, origin, name))
    try:
        try:
            return _fast_parse(source, origin)
        except _Retry:
            pass
        # Something is wrong with the template: Lark's own parse loop, fed lazily, finds the
        # error and reports it exactly as Lark does (expected terminals, position, order).
        parser = lark_parser()
        return parser.parse(source) if origin == (1, 1) else _parse_at(parser, source, origin)
    except VTLSyntaxError as error:
        raise _renamed(error, name) from None
    except VisitError as error:
        if isinstance(error.orig_exc, VTLSyntaxError):
            raise _renamed(error.orig_exc, name) from None
        raise
    except UnexpectedInput as error:
        raise _syntax_error(error, source, name) from None
    except LarkError as error:  # pragma: no cover - defensive: every Lark error becomes ours
        raise VTLSyntaxError(str(error), 1, 1, name=name) from None
    finally:
        _frames.stack.pop()


def _parse_at(parser: Lark, source: str, origin: tuple[int, int]):
    """Parse text that sits at ``origin`` inside a larger template (interpolated strings)."""
    scanner = Scanner(source, *origin, inside_string=True)
    interactive = parser.parse_interactive("")
    for token in scanner.tokens():
        interactive.feed_token(token)
    return interactive.feed_eof()


def _renamed(error: VTLSyntaxError, name: str | None) -> VTLSyntaxError:
    if name and not error.name:
        return VTLSyntaxError(error.message, error.line, error.column, error.snippet, name)
    return error


def _syntax_error(error: UnexpectedInput, source: str, name: str | None) -> VTLSyntaxError:
    lines = source.splitlines() or [""]
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        token = error.token
        line, column = token.line, token.column
        # (A REF_SIMPLE token shows its '$' as the REF_OPEN it stands for does.)
        shown = token.value[:2 if token.value.startswith("$!") else 1] if token.type == "REF_SIMPLE" else token.value
        message = f"Encountered {shown!r}; expected one of: {_describe_expected(error.accepts or error.expected)}"
    else:
        line = len(lines)
        column = len(lines[-1]) + 1 if lines else 1
        expected = getattr(error, "expected", None) or []
        message = "Encountered <EOF>" + (f"; expected one of: {_describe_expected(expected)}" if expected else "")
        if source.endswith(("\n", "\r")):
            line, column = len(lines) + 1, 1
    snippet = lines[line - 1] if 0 < line <= len(lines) else ""
    return VTLSyntaxError(message, line, column, snippet, name)


_SYMBOLS = {
    "DIRECTIVE_CLOSE": "')'", "DIRECTIVE_OPEN": "'('", "CALL_CLOSE": "')'", "INDEX_CLOSE": "']'",
    "REF_BRACE_CLOSE": "'}'", "RPAREN": "')'", "RBRACKET": "']'", "RBRACE": "'}'", "LPAREN": "'('",
    "LBRACKET": "'['", "LBRACE": "'{'", "COMMA": "','", "COLON": "':'", "ASSIGN": "'='", "IN": "'in'",
    "RANGE": "'..'", "NOT": "'!'", "AND": "'&&'", "OR": "'||'", "EQ": "'=='", "NE": "'!='", "LT": "'<'",
    "GT": "'>'", "LE": "'<='", "GE": "'>='", "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'",
    "PERCENT": "'%'", "END": "#end", "ELSE": "#else", "ELSEIF": "#elseif",
    "REF_OPEN": "a reference", "REF_BRACE_OPEN": "a reference", "REF_SIMPLE": "a reference", "ESCAPES": "a reference",
    "DQ_STRING": "a string", "SQ_STRING": "a string", "INTEGER": "a number", "FLOAT": "a number",
    "TRUE": "true", "FALSE": "false", "WORD": "a name", "$END": "the end of the template",
}
#: Tokens that start a statement: listed as one item in messages.
_STATEMENT_STARTS = {"TEXT", "IF", "FOREACH", "SET", "MACRO", "DEFINE", "EVALUATE", "INCLUDE", "PARSE", "BREAK",
                     "BREAK_SCOPE", "STOP", "MACRO_CALL", "BLOCK_MACRO_CALL"}


def _describe_expected(terminals) -> str:
    """A readable 'expected one of' list: symbols as written, statement starts folded into one."""
    names: list[str] = []
    for terminal in sorted(terminals):
        name = "text or a directive" if terminal in _STATEMENT_STARTS else _SYMBOLS.get(terminal, terminal.lower())
        if name not in names:
            names.append(name)
    return ", ".join(names)


def _span(item) -> n.Span:
    return item.span  # a node's, or a token's (line, column)


def _constructor(cls):
    """A faster way to build the frozen dataclass ``cls`` from all its fields, positionally:
    the slots filled directly rather than through the generated ``__init__``'s
    ``object.__setattr__`` calls (the AST's commonest nodes; the same objects either way)."""
    fields = dataclasses.fields(cls)
    if (hasattr(cls, "__post_init__") or not hasattr(cls, "__slots__")
            or any(field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
                   or not field.init for field in fields)):
        return cls  # pragma: no cover - not the AST's shape
    names = [field.name for field in fields]
    namespace = {"new": object.__new__, "cls": cls}
    namespace.update({f"set_{name}": getattr(cls, name).__set__ for name in names})
    body = "".join(f"    set_{name}(node, {name})\n" for name in names)
    exec(f"def make({', '.join(names)}):\n    node = new(cls)\n{body}    return node\n", namespace)  # noqa: S102
    return namespace["make"]


_Text = _constructor(n.Text)
_Reference = _constructor(n.Reference)
_Property = _constructor(n.Property)
_MethodCall = _constructor(n.MethodCall)
_Block = _constructor(n.Block)

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _unquote(token: Token) -> str:
    quote = token.value[0]
    return token.value[1:-1].replace(quote + quote, quote)


@v_args(inline=True)
class ASTBuilder(Transformer):
    """Grammar rules → AST nodes, called by the parser as it reduces. One method per rule."""

    @property
    def source(self) -> str:
        return _frames.stack[-1][0]

    @property
    def name(self) -> str | None:
        return _frames.stack[-1][2]

    # statements
    def start(self, block):
        return block

    def block(self, *statements):
        span = statements[0].span if statements else _frames.stack[-1][1]
        return _Block(span, statements)

    def text(self, token):
        return _Text(token.span, token.value)

    def reference(self, opener, *items):
        # items: [ESCAPES] opener name part* [close]; a part is (node, end offset)
        escapes = 0
        if opener.type == "ESCAPES":
            escapes = len(opener.value)
            opener, *items = items
        name_token = items[0]
        if opener.type == "REF_BRACE_OPEN":
            braced = True
            end_pos = items[-1].end_pos
            parts = items[1:-1]
        else:
            braced = False
            parts = items[1:]
            end_pos = parts[-1][1] if parts else name_token.end_pos
        return _Reference(opener.span, name_token.value, tuple([part for part, _ in parts]),
                          opener.value.startswith("$!"), braced, escapes, opener.source_to(end_pos))

    def simple_reference(self, token, after_escapes=None):
        """[ESCAPES] REF_SIMPLE: '$name', '$!name.a.b' (on one line): a Reference. (Two
        parameters rather than ``*tokens``, as this is the commonest node: after ESCAPES, the
        REF_SIMPLE comes second.)"""
        escapes = 0
        if after_escapes is not None:
            escapes = len(token.value)
            token = after_escapes
        text = token.value
        quiet = text[1] == "!"
        span = token.span
        dot = text.find(".")
        if dot < 0:
            return _Reference(span, text[2:] if quiet else text[1:], (), quiet, False, escapes, text)
        line, column = span
        column += dot  # the first '.'
        properties = []
        for property_name in text[dot + 1:].split("."):
            properties.append(_Property((line, column), property_name))
            column += len(property_name) + 1
        return _Reference(span, text[2 if quiet else 1:dot], tuple(properties), quiet, False, escapes, text)

    def property(self, token):
        return (_Property(token.span, token.value[1:]), token.end_pos)

    def method_call(self, name, _open, *rest):
        # rest: the arguments with a COMMA between each two, then ')'
        return (_MethodCall(name.span, name.value[1:], rest[:-1:2]), rest[-1].end_pos)

    def index(self, opener, key, close):
        return (n.Index(_span(opener), key), close.end_pos)

    def if_directive(self, keyword, _open, condition, _close, block, *rest):
        branches = [(condition, block)]
        otherwise = None
        for item in rest:
            if isinstance(item, tuple):
                branches.append(item)
            elif isinstance(item, n.Block):
                otherwise = item
        return n.IfDirective(_span(keyword), tuple(branches), otherwise)

    def elseif_clause(self, _keyword, _open, condition, _close, block):
        return (condition, block)

    def else_clause(self, _keyword, block):
        return block

    def foreach_directive(self, keyword, _open, target, _in, iterable, _close, body, _end):
        return n.ForeachDirective(_span(keyword), target, iterable, body)

    def foreach_without_in(self, keyword, *_rest):
        return n.ForeachWithoutIn(_span(keyword))

    def set_directive(self, keyword, _open, target, _assign, value, _close):
        return n.SetDirective(_span(keyword), target, value)

    def macro_directive(self, keyword, _open, name, *rest):
        parameters = tuple(item.name if isinstance(item, n.Reference) else str(item.value).lower()
                           for item in rest if isinstance(item, (n.Reference, n.BooleanLiteral)))
        body = next(item for item in rest if isinstance(item, n.Block))
        return n.MacroDirective(_span(keyword), name.value, parameters, body)

    def define_directive(self, keyword, _open, target, _close, body, _end):
        return n.DefineDirective(_span(keyword), target, body)

    def evaluate_directive(self, keyword, _open, argument, _close):
        return n.EvaluateDirective(_span(keyword), argument)

    def include_directive(self, keyword, _open, *rest):
        return n.IncludeDirective(_span(keyword), tuple(item for item in rest if not isinstance(item, Token)), "include")

    def parse_directive(self, keyword, _open, argument, _close):
        return n.IncludeDirective(_span(keyword), (argument,), "parse")

    def break_directive(self, keyword, *rest):
        if not rest:
            return n.BreakDirective(_span(keyword))
        arguments = tuple(item for item in rest[1:-1] if not isinstance(item, Token))  # (no commas)
        return n.BreakDirective(_span(keyword), arguments, tuple(getattr(item, "source", "") for item in arguments))

    def stop_directive(self, keyword):
        return n.StopDirective(_span(keyword))

    def macro_call(self, keyword, _open, *rest):
        return self._macro_call(keyword, rest[:-1], rest[-1], None)

    def block_macro_call(self, keyword, _open, *rest):
        end = rest[-1]
        body = rest[-2]
        close = rest[-3]
        return self._macro_call(keyword, rest[:-3], close, body, block_end=end)

    def _macro_call(self, keyword, items, close, body, block_end=None):
        arguments = tuple(item for item in items if not isinstance(item, Token))
        # What an escaped parameter prints: the argument as written, except numbers and
        # booleans, which Velocity passes as values (the parameter then prints its own name).
        sources = tuple("" if isinstance(item, (n.IntegerLiteral, n.FloatLiteral, n.BooleanLiteral)) else item.source
                        for item in arguments)
        end_pos = (block_end or close).end_pos
        if line_end := LINE_END_AFTER_DIRECTIVE.match(self.source, end_pos):
            end_pos = line_end.end()  # a call of no macro prints the line end its ')' swallowed
        name = keyword.value.lstrip("#@{").rstrip("}")
        return n.MacroCall(_span(keyword), name, arguments, sources, body, self.source[keyword.start_pos:end_pos])

    # expressions
    def logical(self, left, operator, right):
        return n.Logical(left.span, "&&" if operator.type == "AND" else "||", left, right)

    def comparison(self, left, operator, right):
        symbol = {"EQ": "==", "NE": "!=", "LT": "<", "GT": ">", "LE": "<=", "GE": ">="}[operator.type]
        return n.Comparison(left.span, symbol, left, right)

    def arithmetic(self, left, operator, right):
        return n.Arithmetic(left.span, operator.value, left, right)

    def negation(self, operator, operand):
        return n.Negation(_span(operator), operand)

    def parenthesized(self, _open, inner, _close):
        return n.Parenthesized(_span(_open), inner)

    def string(self, token):
        text = _unquote(token)
        if token.type == "DQ_STRING" and "\\u" in text:
            # Velocity decodes \uXXXX in double-quoted literals (only there).
            text = _UNICODE_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
        if token.type == "DQ_STRING" and ("$" in text or "#" in text):
            body = _parse_block(text, (token.line, token.column + 1), self.name)
            return n.InterpolatedString(_span(token), body, token.value)
        return n.StringLiteral(_span(token), text, token.value)

    def integer(self, token):
        return n.IntegerLiteral(_span(token), int(token.value), token.value)

    def float(self, token):
        return n.FloatLiteral(_span(token), float(token.value), token.value)

    def boolean(self, token):
        return n.BooleanLiteral(_span(token), token.type == "TRUE", token.value)

    def word(self, token):
        return n.Word(_span(token), token.value, token.value)

    def list(self, opener, *rest):
        return n.ListLiteral(_span(opener), tuple(item for item in rest if not isinstance(item, Token)),
                             self.source[opener.start_pos:rest[-1].end_pos])

    def range(self, opener, start, _dots, end, close):
        return n.RangeLiteral(_span(opener), start, end, self.source[opener.start_pos:close.end_pos])

    def map(self, opener, *rest):
        return n.MapLiteral(_span(opener), tuple(item for item in rest if isinstance(item, tuple)),
                            self.source[opener.start_pos:rest[-1].end_pos])

    def map_entry(self, key, _colon, value):
        return (key, value)
