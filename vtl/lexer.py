"""VTL's modal lexer, feeding Lark's LALR parser.

VTL text switches between modes that one set of regexes cannot express: plain text,
references (``$a.b(…)[…]``), directive arguments (expressions), and the comment and
literal-block forms. This lexer tracks those modes with a small stack and produces
tokens whose types are ``%declare``d in ``grammar/vtl.lark``. It lexes a whole text in one
go (the parser's fast loop wants a list); ``VTLLexer`` replays that list to Lark lazily, so
that Lark's own loop, which reports syntax errors, meets a lexical error only where it sits.

Velocity 1.7's whitespace rules live here because they are lexical in Velocity too:
- the ``)`` closing a directive's arguments, and ``#else`` / ``#end``, swallow trailing
  spaces and tabs up to and including one line end;
- ``#set`` swallows the spaces and tabs before it when they start a new text token
  (at the template start or right after another token), not when they follow text;
- ``##`` comments swallow their line end.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import Iterator

from lark.lexer import Lexer

from .errors import VTLSyntaxError

IDENTIFIER = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
WORD = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
PROPERTY_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_-]*")  # after '.', a name starts with a letter
LINE_END_AFTER_DIRECTIVE = re.compile(r"[ \t]*(?:\r\n|\n|\r)")
NUMBER = re.compile(r"-?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|[0-9]+)")
SPACES = re.compile(r"[ \t\r\n]*")
LINE_BREAK = re.compile(r"\r\n|\n|\r")
DOLLAR_RUN = re.compile(r"(?:\\*\$!?|#(?=[$ \t]))*")
# What a '$' run before '#' vanishes into: Velocity's own tokens (not its pluggable directives).
# (A #set only with its argument list: '$$#set x' is all text, as in Velocity.)
ABSORBING_FORM = re.compile(r"#(?:\{(?:if|elseif|else|end)\}|(?:if|elseif|else|end)(?![a-zA-Z0-9_])|\*)"
                            r"|[ \t]*#(?:set|\{set\})(?=[ \t\r\n]*\()")
HASH_WORD = re.compile(r"#\{?[a-zA-Z_][a-zA-Z0-9_]*\}?")
CURLY_AFTER_REFERENCE = re.compile(r"\{\\*(?:\$!?\{?)?[a-zA-Z_][^}\n]*?(?P<close>\})|\{\\*(?:\$!?\{?)?[a-zA-Z_][^}\n]*")
PLAIN_TEXT = re.compile(r"[^$#\\]+")
REFERENCE_START = re.compile(r"\$!?\{?[a-zA-Z_]")
REFERENCE_HEAD = re.compile(r"(\$!?\{?)([a-zA-Z_][a-zA-Z0-9_-]*)")
# '$name' and properties, up to a method call (a name then '(' and anything) or else.
SIMPLE_REFERENCE = re.compile(r"\$!?[a-zA-Z_][a-zA-Z0-9_-]*(?:\.[a-zA-Z][a-zA-Z0-9_-]*(?![a-zA-Z0-9_-]|\((?s:.)))*")
METHOD_AHEAD = re.compile(r"\.[a-zA-Z][a-zA-Z0-9_-]*\((?s:.)")
TO_LINE_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
BACKSLASHES = re.compile(r"\\*")
HASH_TEXT = re.compile(r"#(?:[a-zA-Z_][a-zA-Z0-9_]*|[0-9]+(?![a-zA-Z_]))?")

#: Directives with an argument list, by name (``#{name}`` and ``#name`` both count).
ARGUMENT_DIRECTIVES = {
    "if": "IF", "elseif": "ELSEIF", "foreach": "FOREACH", "set": "SET", "macro": "MACRO",
    "define": "DEFINE", "evaluate": "EVALUATE", "include": "INCLUDE", "parse": "PARSE",
}
#: Directives without arguments; their trailing line end is swallowed like after ``)``.
BARE_DIRECTIVES = {"else": "ELSE", "end": "END", "break": "BREAK", "stop": "STOP"}
ESCAPABLE_DIRECTIVES = set(ARGUMENT_DIRECTIVES) | set(BARE_DIRECTIVES)

WORD_OPERATORS = {
    "and": "AND", "or": "OR", "not": "NOT", "eq": "EQ", "ne": "NE", "lt": "LT", "gt": "GT",
    "le": "LE", "ge": "GE", "in": "IN", "true": "TRUE", "false": "FALSE",
}
SYMBOL_OPERATORS = [
    ("&&", "AND"), ("||", "OR"), ("==", "EQ"), ("!=", "NE"), ("<=", "LE"), (">=", "GE"), ("..", "RANGE"),
    ("<", "LT"), (">", "GT"), ("!", "NOT"), ("+", "PLUS"), ("-", "MINUS"), ("*", "STAR"), ("/", "SLASH"),
    ("%", "PERCENT"), ("=", "ASSIGN"), (",", "COMMA"), (":", "COLON"), ("[", "LBRACKET"), ("]", "RBRACKET"),
    ("{", "LBRACE"), ("}", "RBRACE"), ("(", "LPAREN"), (")", "RPAREN"),
]
SYMBOL = re.compile("|".join(re.escape(symbol) for symbol, _ in SYMBOL_OPERATORS))
SYMBOL_KINDS = dict(SYMBOL_OPERATORS)
CLOSING = {"(": ")", "[": "]", "{": "}"}


class Token:
    """A token. Lark's parser reads only ``type``; the AST builder reads the rest. The line and
    column are worked out only when asked for (most tokens never are)."""

    __slots__ = ("type", "value", "start_pos", "end_pos", "_scanner")

    def __init__(self, type: str, value: str, start_pos: int = 0, end_pos: int = 0,  # noqa: A002 - Lark's name
                 scanner: "Scanner | None" = None) -> None:
        self.type = type
        self.value = value
        self.start_pos = start_pos
        self.end_pos = end_pos
        self._scanner = scanner

    @property
    def span(self) -> tuple[int, int]:
        """(line, column) where the token starts (Scanner.position, inlined: the AST asks often)."""
        scanner = self._scanner
        if scanner is None:
            return (1, 1)
        offset = self.start_pos
        line_starts = scanner.line_starts
        index = bisect_right(line_starts, offset) - 1
        if index:
            return (scanner.first_line + index, offset - line_starts[index] + 1)
        return (scanner.first_line, offset + scanner.first_column)

    def source_to(self, end_pos: int) -> str:
        """The source text from this token's start to ``end_pos``."""
        return self._scanner.source[self.start_pos:end_pos]

    @property
    def line(self) -> int:
        return self.span[0]

    @property
    def column(self) -> int:
        return self.span[1]

    @property
    def end_line(self) -> int:
        return self._scanner.position(self.end_pos)[0] if self._scanner else 1

    @property
    def end_column(self) -> int:
        return self._scanner.position(self.end_pos)[1] if self._scanner else 1

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class VTLLexer(Lexer):
    """Lark's hook for a custom lexer: ``lex`` yields the whole token stream."""

    def __init__(self, lexer_conf) -> None:  # noqa: D401 - Lark's signature
        pass

    def lex(self, lexer_state, parser_state=None) -> Iterator[Token]:
        text = lexer_state.text if hasattr(lexer_state, "text") else lexer_state
        if not isinstance(text, str):
            text = getattr(text, "text", text)
        return Scanner(text).tokens()


class Scanner:
    """One pass over a template's source."""

    def __init__(self, source: str, line: int = 1, column: int = 1, inside_string: bool = False) -> None:
        self.source = source
        # A lone '$' or '#' at the very end is an error only at the end of a whole template.
        self.lone_sigil_at_end_is_error = not inside_string
        self.pos = 0
        self.first_line, self.first_column = line, column
        # Offsets where lines start ("\r\n", "\n" and "\r" each end a line): positions are
        # computed from these only when asked for.
        if "\r" in source:
            self.line_starts = [0] + [match.end() for match in LINE_BREAK.finditer(source)]
        else:  # the same, faster
            self.line_starts = [0, *accumulate(len(line) + 1 for line in source.split("\n")[:-1])]
        #: The tokens so far.
        self.out: list[Token] = []
        self.pending_text: list[str] = []
        self.text_start: int | None = None
        # Pieces of pending text from this index on began a new token in Velocity's lexer
        # (after a '#word', a literal block or an escaped directive): #set may eat them.
        self.fresh_from = 0

    # ----- positions -------------------------------------------------------------------
    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of a source offset, both counted from 1."""
        index = bisect_right(self.line_starts, offset) - 1
        column = offset - self.line_starts[index] + 1
        if index == 0:
            column += self.first_column - 1
        return self.first_line + index, column

    @property
    def line(self) -> int:
        return self.position(self.pos)[0]

    @property
    def column(self) -> int:
        return self.position(self.pos)[1]

    def advance(self, count: int) -> str:
        chunk = self.source[self.pos:self.pos + count]
        self.pos += count
        return chunk

    def token(self, kind: str, value: str) -> None:
        """Add a token for ``value`` starting at the current position and consume it."""
        start = self.pos
        self.pos = end = start + len(value)
        self.out.append(Token(kind, value, start, end, self))

    def error(self, message: str, line: int | None = None, column: int | None = None) -> VTLSyntaxError:
        here_line, here_column = self.position(self.pos)
        line = here_line if line is None else line
        column = here_column if column is None else column
        lines = self.source.splitlines() or [""]
        snippet = lines[line - 1] if 0 < line <= len(lines) else ""
        return VTLSyntaxError(message, line, column, snippet)

    # ----- text ------------------------------------------------------------------------
    def add_text(self, count: int) -> None:
        if self.text_start is None:
            self.text_start = self.pos
        self.pending_text.append(self.advance(count))

    def flush_text(self) -> None:
        pending = self.pending_text
        if pending:
            self.out.append(Token("TEXT", pending[0] if len(pending) == 1 else "".join(pending), self.text_start,
                                  self.pos, self))
            self.pending_text = []
            self.text_start = None
        self.fresh_from = 0

    def mark_token_boundary(self) -> None:
        """Text added from now on starts a new token of Velocity's lexer."""
        self.fresh_from = len(self.pending_text)

    def drop_indentation_before_set(self) -> None:
        """#set swallows the spaces and tabs before it when they are a text token of their own,
        i.e. when no other text precedes them since the last token boundary."""
        value = "".join(self.pending_text[self.fresh_from:])
        if value and not value.strip(" \t"):
            del self.pending_text[self.fresh_from:]
            if not self.pending_text:
                self.text_start = None

    # ----- the main loop ---------------------------------------------------------------
    def tokens(self) -> Iterator[Token]:
        """The tokens, lazily as far as errors go: those before a lexical error come first,
        then the error is raised (Lark's loop may find a syntax error among them first)."""
        try:
            self.scan()
        except VTLSyntaxError as error:
            yield from self.out
            raise error
        yield from self.out

    def scan(self) -> list[Token]:
        """All the tokens (also in ``out``, with those before the error if one is raised)."""
        source = self.source
        length = len(source)
        while self.pos < length:
            pos = self.pos
            char = source[pos]
            if char == "$":
                simple = SIMPLE_REFERENCE.match(source, pos)
                if simple is not None or REFERENCE_START.match(source, pos):
                    if self.pending_text:
                        self.flush_text()
                    else:
                        self.fresh_from = 0
                    self.reference(True, simple)
                    continue
                if self.dollar_run_before_hash(pos):
                    continue
                at_end = pos + 1 == length or source.startswith("$!", pos) and pos + 2 == length
                if at_end and self.lone_sigil_at_end_is_error:
                    raise self.error("Lexical error: encountered <EOF> after '$'", column=self.column + length - pos)
                self.add_text(1)
                self.literal_backslashes()
            elif char == "#":
                if pos + 1 == length and self.lone_sigil_at_end_is_error:
                    raise self.error("Lexical error: encountered <EOF> after '#'", column=self.column + 1)
                if self.hash():
                    continue
                if self.dollar_run_before_hash(pos):
                    continue
                # A '#' that starts nothing: it and the word after it are a token of their own.
                word = HASH_TEXT.match(source, pos)
                self.add_text(word.end() - pos)
                if word.end() - word.start() == 1:
                    self.literal_backslashes()
                self.mark_token_boundary()
            elif char == "\\":
                self.backslashes()
            else:  # plain text (add_text, inlined)
                end = PLAIN_TEXT.match(source, pos).end()
                if self.text_start is None:
                    self.text_start = pos
                self.pending_text.append(source[pos:end])
                self.pos = end
        self.flush_text()
        return self.out

    def reference_starts_here(self, at: int) -> bool:
        return REFERENCE_START.match(self.source, at) is not None

    def dollar_run_before_hash(self, at: int) -> bool:
        """A run of ``$`` (with ``!`` and backslashes) right before a ``#`` form, as Velocity's
        lexer reads it: its ``$`` prefix joins the next token's image (JavaCC MORE). Before
        ``#if``/``#elseif``/``#else``/``#end``/``#set(``/``#*`` the run vanishes; before any other
        ``#word`` the directive is not recognised and both are text. Returns whether it acted."""
        run = DOLLAR_RUN.match(self.source, at)
        following = run.end()
        hash_form = ABSORBING_FORM.match(self.source, following)
        if hash_form:
            # The run and the blanks before a #set are dropped; the directive is lexed next.
            self.advance(self.source.index("#", following) - at)
            return True
        if self.source.startswith("#[[", following) and following > at:
            # Before a literal block the run vanishes and the block shows a '[' per character.
            self.advance(following - at)
            if self.text_start is None:
                self.text_start = at
            self.pending_text.append("[" * (following - at))
            return True
        word = HASH_WORD.match(self.source, following)
        if word and following > at:
            self.add_text(word.end() - at)
            return True
        return False

    # ----- backslash escapes -----------------------------------------------------------
    def backslashes(self) -> None:
        source = self.source
        end = BACKSLASHES.match(source, self.pos).end()
        count = end - self.pos
        if source.startswith("$", end) and not self.reference_starts_here(end) and \
                ABSORBING_FORM.match(source, DOLLAR_RUN.match(source, end).end()):
            self.advance(count)  # part of a vanishing run: see dollar_run_before_hash
            return
        reference = end
        while source.startswith("$", reference) and not self.reference_starts_here(reference):
            reference += 1  # '\$$ref': the extra '$' joins the escaped reference and vanishes
        if reference > end and count % 2 == 0 and reference < len(source):
            # Not escaped: half the backslashes and the extra '$' print, the reference is live.
            self.advance(count)
            if self.text_start is None:
                self.text_start = end - count
            self.pending_text.append("\\" * (count // 2))
            self.add_text(reference - end)
            return
        if reference < len(source) and source[reference] == "$" and self.reference_starts_here(reference):
            self.flush_text()
            self.token("ESCAPES", "\\" * count)
            self.advance(reference - end)
            self.reference()
            return
        directive = self.escapable_directive_at(end)
        if directive:
            # An odd count escapes the directive: it prints as text. An even count prints half
            # the backslashes and the directive runs.
            if self.text_start is None:
                self.text_start = self.pos
            self.advance(count)
            self.pending_text.append("\\" * (count // 2))
            if count % 2:
                self.add_text(len(directive))
                self.mark_token_boundary()
            return
        self.add_text(count)
        self.mark_token_boundary()  # a backslash run is a token of its own

    def literal_backslashes(self) -> None:
        """Backslashes right after a lone '$' or '#' are plain text, not an escape."""
        end = BACKSLASHES.match(self.source, self.pos).end()
        if end > self.pos:
            self.add_text(end - self.pos)

    def escapable_directive_at(self, at: int) -> str | None:
        """The text of a directive keyword (``#if``, ``#{end}``) starting at ``at``, if any."""
        source = self.source
        if not source.startswith("#", at):
            return None
        braced = source.startswith("#{", at)
        match = WORD.match(source, at + (2 if braced else 1))
        if not match or match.group() not in ESCAPABLE_DIRECTIVES:
            return None
        if braced:
            return source[at:match.end() + 1] if source.startswith("}", match.end()) else None
        return source[at:match.end()]

    # ----- '#' forms -------------------------------------------------------------------
    def hash(self) -> bool:
        """Lex the '#' form at the current position; False if it starts nothing."""
        source, at = self.source, self.pos
        nxt = source[at + 1:at + 2]
        if nxt == "#":
            self.line_comment()
            return True
        if nxt == "*":
            self.block_comment()
            return True
        if source.startswith("#[[", at):
            self.literal_block()
            return True
        braced = nxt == "{"
        block_call = nxt == "@"
        match = WORD.match(source, at + (2 if braced or block_call else 1))
        if not match:
            return False
        name = match.group()
        end = match.end()
        if braced:
            if not source.startswith("}", end):
                return False
            end += 1
        if block_call:
            return self.macro_call(name, end, "BLOCK_MACRO_CALL")
        if name in BARE_DIRECTIVES:
            self.bare_directive(name, end)
            return True
        if name in ARGUMENT_DIRECTIVES:
            return self.argument_directive(name, end)
        return self.macro_call(name, end, "MACRO_CALL")

    def line_comment(self) -> None:
        self.flush_text()
        self.pos = TO_LINE_END.match(self.source, self.pos).end()

    def block_comment(self) -> None:
        self.flush_text()
        end = self.source.find("*#", self.pos + 2)
        # An unclosed #* runs to the end of the template, as Velocity accepts it.
        self.advance((len(self.source) if end < 0 else end + 2) - self.pos)

    def literal_block(self) -> None:
        end = self.source.find("]]#", self.pos + 3)
        if end < 0:
            self.advance(len(self.source) - self.pos)
            raise self.error("Lexical error: unclosed #[[ literal block")
        start = self.pos
        self.advance(3)
        if self.text_start is None:
            self.text_start = start
        self.pending_text.append(self.source[self.pos:end])
        self.advance(end + 3 - self.pos)
        self.mark_token_boundary()

    def bare_directive(self, name: str, end: int) -> None:
        self.flush_text()
        self.token(BARE_DIRECTIVES[name], self.source[self.pos:end])
        self.swallow_line_end()

    def swallow_line_end(self) -> None:
        match = LINE_END_AFTER_DIRECTIVE.match(self.source, self.pos)
        if match:
            self.pos = match.end()

    def argument_directive(self, name: str, end: int) -> bool:
        paren = self.paren_after(end)
        if paren is None:
            if name == "set":
                return False
            self.missing_arguments(name, end)
        if name == "set":
            self.drop_indentation_before_set()
        self.directive_with_arguments(ARGUMENT_DIRECTIVES[name], end, paren)
        return True

    def missing_arguments(self, name: str, end: int) -> None:
        self.flush_text()
        self.advance(end - self.pos)
        raise self.error(f"#{name} needs an argument list in parentheses")

    def paren_after(self, at: int) -> int | None:
        following = SPACES.match(self.source, at).end()
        return following if self.source.startswith("(", following) else None

    def macro_call(self, name: str, end: int, kind: str) -> bool:
        paren = self.paren_after(end)
        if paren is None:
            return False  # '#word' without arguments is plain text
        self.directive_with_arguments(kind, end, paren)
        return True

    def directive_with_arguments(self, kind: str, end: int, paren: int) -> None:
        self.flush_text()
        start = self.pos
        self.out += (Token(kind, self.source[start:end], start, end, self),
                     Token("DIRECTIVE_OPEN", "(", paren, paren + 1, self))
        self.pos = paren + 1
        self.expression(")", "DIRECTIVE_CLOSE")
        self.swallow_line_end()

    # ----- references ------------------------------------------------------------------
    def reference(self, in_text: bool = True, simple: re.Match | None = None) -> None:
        """A reference (``simple``: SIMPLE_REFERENCE's match here, if the caller has it)."""
        source, out, start = self.source, self.out, self.pos
        if simple is None:
            simple = SIMPLE_REFERENCE.match(source, start)
        if simple is not None:
            end = simple.end()
            following = source[end:end + 1]
            if following != "[" and not (following == "." and METHOD_AHEAD.match(source, end)):
                # '$name.a.b' without calls or indexes (most references): one token.
                out.append(Token("REF_SIMPLE", simple.group(), start, end, self))
                self.pos = end
                if in_text and (following == "{" or following == "}"):
                    self.curly_after_reference()
                return
        head = REFERENCE_HEAD.match(source, start)
        opener, name = head.groups()
        braced = opener.endswith("{")
        middle = start + len(opener)
        self.pos = head.end()
        out.append(Token("REF_BRACE_OPEN" if braced else "REF_OPEN", opener, start, middle, self))
        out.append(Token("REF_NAME", name, middle, self.pos, self))
        if self.pos < len(source) and source[self.pos] in ".[":
            self.reference_tail()
        if braced:
            if not source.startswith("}", self.pos):
                if self.pos >= len(source):
                    raise self.error("Encountered <EOF> inside ${...}: expected '}'")
                raise self.error(f"Encountered {source[self.pos]!r} inside ${{...}}: expected '}}'")
            self.token("REF_BRACE_CLOSE", "}")
        elif in_text and source.startswith(("{", "}"), self.pos):
            self.curly_after_reference()

    def curly_after_reference(self) -> None:
        """Velocity reads ``$ref{name}`` / ``$ref{$other}`` as the reference, a '{', and a
        dropped ``name}`` (its parser takes them for a brace it never prints); without the
        closing '}' it is a syntax error. ``$ref{ }`` and ``$ref{}`` stay text. A '}' right
        after the reference (or after that) is a text token of its own."""
        match = CURLY_AFTER_REFERENCE.match(self.source, self.pos)
        if match:
            if match.group("close") is None:
                self.advance(match.end() - self.pos)
                raise self.error("Encountered text after '$reference{': expected '}'")
            self.token("TEXT", "{")
            self.pos = match.end()
        if self.source.startswith("}", self.pos):  # a '}' after a reference is a token of its own
            self.add_text(1)
            self.mark_token_boundary()

    def reference_tail(self) -> None:
        """Properties, method calls and indexes that follow a reference's name, adjacent only."""
        source, out = self.source, self.out
        length = len(source)
        while self.pos < length:
            pos = self.pos
            char = source[pos]
            if char == "." and (match := PROPERTY_NAME.match(source, pos + 1)):
                end = match.end()
                if end + 1 < length and source[end] == "(":
                    out.append(Token("METHOD_NAME", source[pos:end], pos, end, self))
                    out.append(Token("CALL_OPEN", "(", end, end + 1, self))
                    self.pos = end + 1
                    self.expression(")", "CALL_CLOSE")
                else:
                    out.append(Token("DOT_NAME", source[pos:end], pos, end, self))
                    self.pos = end
            elif char == "[":
                self.token("INDEX_OPEN", "[")
                self.expression("]", "INDEX_CLOSE")
            else:
                return

    # ----- expressions (directive arguments, method arguments, indexes) ----------------
    def expression(self, closer: str, close_kind: str) -> None:
        source = self.source
        length = len(source)
        nesting: list[str] = []
        while True:
            self.pos = pos = SPACES.match(source, self.pos).end()
            if pos >= length:
                raise self.error(f"Encountered <EOF>: expected {closer!r}")
            char = source[pos]
            if char == closer and not nesting:
                self.token(close_kind, char)
                return
            if char == "$" and ((simple := SIMPLE_REFERENCE.match(source, pos)) or REFERENCE_START.match(source, pos)):
                self.reference(False, simple)
            elif char == '"' or char == "'":
                self.string_literal(char)
            elif number := NUMBER.match(source, pos):
                value = number.group()
                if source.startswith("..", number.end() - 1) and value.endswith("."):
                    # '1..3' is a range: the integer ends before the dots.
                    self.token("INTEGER", value[:-1])
                else:
                    self.token("FLOAT" if "." in value or "e" in value or "E" in value else "INTEGER", value)
            elif word := WORD.match(source, pos):
                value = word.group()
                self.token(WORD_OPERATORS.get(value, "WORD"), value)
            elif symbol_match := SYMBOL.match(source, pos):
                symbol = symbol_match.group()
                if symbol in CLOSING:
                    nesting.append(CLOSING[symbol])
                elif symbol in ")]}":
                    if not nesting or nesting[-1] != symbol:
                        raise self.error(f"Encountered {symbol!r}: expected {closer!r}")
                    nesting.pop()
                self.token(SYMBOL_KINDS[symbol], symbol)
            else:
                raise self.error(f"Encountered {char!r}")

    def string_literal(self, quote: str) -> None:
        """A quoted string; a doubled quote stands for one. Interpolation is the parser's job."""
        source = self.source
        at = self.pos + 1
        while True:
            end = source.find(quote, at)
            if end < 0:
                raise self.error("Encountered <EOF> inside a string literal")
            if source.startswith(quote, end + 1):
                at = end + 2
                continue
            break
        self.token("DQ_STRING" if quote == '"' else "SQ_STRING", source[self.pos:end + 1])
