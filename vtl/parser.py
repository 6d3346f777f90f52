"""Source text → AST. Builds the Lark parser once; Lark's errors stop here."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import nodes as n
from .errors import VTLSyntaxError
from .lexer import Scanner, VTLLexer

GRAMMAR_FILE = "vtl.lark"


def grammar_text() -> str:
    return resources.files("vtl.grammar").joinpath(GRAMMAR_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def lark_parser(strict: bool = False) -> Lark:
    # The AST is built while parsing (an inline transformer): no intermediate Lark tree.
    return Lark(grammar_text(), parser="lalr", lexer=VTLLexer, maybe_placeholders=False, strict=strict,
                transformer=ASTBuilder())


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
    parser = lark_parser()
    _frames.stack.append((source, origin, name))
    try:
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
        message = f"Encountered {token.value!r}; expected one of: {_describe_expected(error.accepts or error.expected)}"
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
    "REF_OPEN": "a reference", "REF_BRACE_OPEN": "a reference", "ESCAPES": "a reference",
    "DQ_STRING": "a string", "SQ_STRING": "a string", "INTEGER": "a number", "FLOAT": "a number",
    "TRUE": "true", "FALSE": "false", "WORD": "a name", "$END": "the end of the template",
}
#: Tokens that start a statement: listed as one item in messages.
_STATEMENT_STARTS = {"TEXT", "IF", "FOREACH", "SET", "MACRO", "DEFINE", "EVALUATE", "INCLUDE", "PARSE", "BREAK",
                     "STOP", "MACRO_CALL", "BLOCK_MACRO_CALL"}


def _describe_expected(terminals) -> str:
    """A readable 'expected one of' list: symbols as written, statement starts folded into one."""
    names: list[str] = []
    for terminal in sorted(terminals):
        name = "text or a directive" if terminal in _STATEMENT_STARTS else _SYMBOLS.get(terminal, terminal.lower())
        if name not in names:
            names.append(name)
    return ", ".join(names)


def _span(item) -> n.Span:
    if isinstance(item, Token):
        return (item.line, item.column)
    return item.span


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
        span = _span(statements[0]) if statements else _frames.stack[-1][1]
        return n.Block(span, tuple(statements))

    def text(self, token):
        return n.Text(_span(token), token.value)

    def reference(self, *items):
        escapes = 0
        if items[0].type == "ESCAPES":
            escapes = len(items[0].value)
            items = items[1:]
        opener, name_token, parts = items[0], items[1], list(items[2:])
        braced = opener.type == "REF_BRACE_OPEN"
        end_pos = name_token.end_pos
        if braced:
            end_pos = parts.pop().end_pos
        elif parts:
            end_pos = parts[-1][1]
        source = self.source[opener.start_pos:end_pos]
        return n.Reference(_span(opener), name_token.value, tuple(part for part, _ in parts), opener.value.startswith("$!"),
                           braced, escapes, source)

    def property(self, token):
        return (n.Property(_span(token), token.value[1:]), token.end_pos)

    def method_call(self, name, _open, *rest):
        close = rest[-1]
        arguments = tuple(item for item in rest[:-1] if not isinstance(item, Token))
        return (n.MethodCall(_span(name), name.value[1:], arguments), close.end_pos)

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
        parameters = tuple(item.name for item in rest if isinstance(item, n.Reference))
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

    def break_directive(self, keyword):
        return n.BreakDirective(_span(keyword))

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
