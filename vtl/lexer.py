"""VTL's modal lexer, feeding Lark's LALR parser.

VTL text switches between modes that one set of regexes cannot express: plain text,
references (``$a.b(…)[…]``), directive arguments (expressions), and the comment and
literal-block forms. This lexer tracks those modes with a small stack and yields Lark
tokens whose types are ``%declare``d in ``grammar/vtl.lark``.

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
from typing import Iterator

from lark.lexer import Lexer, Token

from .errors import VTLSyntaxError

IDENTIFIER = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
WORD = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
PROPERTY_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_-]*")  # after '.', a name starts with a letter
LINE_END_AFTER_DIRECTIVE = re.compile(r"[ \t]*(?:\r\n|\n|\r)?")
NUMBER = re.compile(r"-?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|[0-9]+)")
SPACES = re.compile(r"[ \t\r\n]*")
LINE_BREAK = re.compile(r"\r\n|\n|\r")
DOLLAR_RUN = re.compile(r"(?:\\*\$!?|#(?=[$ \t]))*")
# What a '$' run before '#' vanishes into: Velocity's own tokens (not its pluggable directives).
ABSORBING_FORM = re.compile(r"#(?:\{(?:if|elseif|else|end|set)\}|(?:if|elseif|else|end)(?![a-zA-Z0-9_])|\*)"
                            r"|[ \t]*#(?:set|\{set\})(?![a-zA-Z0-9_])")
HASH_WORD = re.compile(r"#\{?[a-zA-Z_][a-zA-Z0-9_]*\}?")
CURLY_AFTER_REFERENCE = re.compile(r"\{\\*(?:\$!?\{?)?[a-zA-Z_][^}\n]*?(?P<close>\})|\{\\*(?:\$!?\{?)?[a-zA-Z_][^}\n]*")
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
        # computed from these only when a token is made.
        self.line_starts = [0] + [match.end() for match in LINE_BREAK.finditer(source)]
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

    def token(self, kind: str, value: str) -> Token:
        """Make a token for ``value`` starting at the current position and consume it."""
        start = self.pos
        self.pos += len(value)
        line, column = self.position(start)
        end_line, end_column = self.position(self.pos)
        return Token(kind, value, start, line, column, end_line, end_column, self.pos)

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

    def flush_text(self) -> Iterator[Token]:
        if self.pending_text:
            start = self.text_start
            value = "".join(self.pending_text)
            line, column = self.position(start)
            end_line, end_column = self.position(self.pos)
            yield Token("TEXT", value, start, line, column, end_line, end_column, self.pos)
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
        source = self.source
        length = len(source)
        while self.pos < length:
            char = source[self.pos]
            if char == "$":
                if self.reference_starts_here(self.pos):
                    yield from self.flush_text()
                    yield from self.reference()
                    continue
                if self.dollar_run_before_hash(self.pos):
                    continue
                at_end = self.pos + 1 == length or source.startswith("$!", self.pos) and self.pos + 2 == length
                if at_end and self.lone_sigil_at_end_is_error:
                    raise self.error("Lexical error: encountered <EOF> after '$'", column=self.column + length - self.pos)
                self.add_text(1)
                self.literal_backslashes()
            elif char == "#":
                if self.pos + 1 == length and self.lone_sigil_at_end_is_error:
                    raise self.error("Lexical error: encountered <EOF> after '#'", column=self.column + 1)
                produced = self.hash()
                if produced is None:
                    if self.dollar_run_before_hash(self.pos):
                        continue
                    # A '#' that starts nothing: it and the word after it are a token of their own.
                    word = HASH_TEXT.match(source, self.pos)
                    self.add_text(word.end() - self.pos)
                    if word.end() - word.start() == 1:
                        self.literal_backslashes()
                    self.mark_token_boundary()
                else:
                    yield from produced
            elif char == "\\":
                yield from self.backslashes()
            else:
                end = self.pos + 1
                while end < length and source[end] not in "$#\\":
                    end += 1
                self.add_text(end - self.pos)
        yield from self.flush_text()

    def reference_starts_here(self, at: int) -> bool:
        source = self.source
        following = source[at + 1:at + 3]
        if following.startswith("!"):
            following = following[1:] + source[at + 3:at + 4]
        return bool(following) and (following[0] == "{" and len(following) > 1 and IDENTIFIER.match(following[1:]) is not None
                                    or IDENTIFIER.match(following[0]) is not None)

    def dollar_run_before_hash(self, at: int) -> bool:
        """A run of ``$`` (with ``!`` and backslashes) right before a ``#`` form, as Velocity's
        lexer reads it: its ``$`` prefix joins the next token's image (JavaCC MORE). Before
        ``#if``/``#elseif``/``#else``/``#end``/``#set``/``#*`` the run vanishes; before any other
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
    def backslashes(self) -> Iterator[Token]:
        source = self.source
        end = self.pos
        while end < len(source) and source[end] == "\\":
            end += 1
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
            yield from self.flush_text()
            yield self.token("ESCAPES", "\\" * count)
            self.advance(reference - end)
            yield from self.reference()
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
        end = self.pos
        while end < len(self.source) and self.source[end] == "\\":
            end += 1
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
    def hash(self) -> Iterator[Token] | None:
        source, at = self.source, self.pos
        nxt = source[at + 1:at + 2]
        if nxt == "#":
            return self.line_comment()
        if nxt == "*":
            return self.block_comment()
        if source.startswith("#[[", at):
            return self.literal_block()
        braced = nxt == "{"
        block_call = nxt == "@"
        match = WORD.match(source, at + (2 if braced or block_call else 1))
        if not match:
            return None
        name = match.group()
        end = match.end()
        if braced:
            if not source.startswith("}", end):
                return None
            end += 1
        if block_call:
            return self.macro_call(name, end, "BLOCK_MACRO_CALL")
        if name in BARE_DIRECTIVES:
            return self.bare_directive(name, end)
        if name in ARGUMENT_DIRECTIVES:
            return self.argument_directive(name, end)
        return self.macro_call(name, end, "MACRO_CALL")

    def line_comment(self) -> Iterator[Token]:
        yield from self.flush_text()
        end = self.pos
        source = self.source
        while end < len(source) and source[end] not in "\r\n":
            end += 1
        if source.startswith("\r\n", end):
            end += 2
        elif end < len(source):
            end += 1
        self.advance(end - self.pos)

    def block_comment(self) -> Iterator[Token]:
        yield from self.flush_text()
        end = self.source.find("*#", self.pos + 2)
        # An unclosed #* runs to the end of the template, as Velocity accepts it.
        self.advance((len(self.source) if end < 0 else end + 2) - self.pos)

    def literal_block(self) -> Iterator[Token]:
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
        return iter(())

    def bare_directive(self, name: str, end: int) -> Iterator[Token]:
        yield from self.flush_text()
        yield self.token(BARE_DIRECTIVES[name], self.source[self.pos:end])
        self.swallow_line_end()

    def swallow_line_end(self) -> None:
        match = LINE_END_AFTER_DIRECTIVE.match(self.source, self.pos)
        if match.group().endswith(("\n", "\r")):
            self.advance(match.end() - self.pos)

    def argument_directive(self, name: str, end: int) -> Iterator[Token] | None:
        paren = self.paren_after(end)
        if paren is None:
            return None if name == "set" else self.missing_arguments(name, end)
        if name == "set":
            self.drop_indentation_before_set()
        return self.directive_with_arguments(ARGUMENT_DIRECTIVES[name], end, paren)

    def missing_arguments(self, name: str, end: int) -> Iterator[Token]:
        yield from self.flush_text()
        self.advance(end - self.pos)
        raise self.error(f"#{name} needs an argument list in parentheses")

    def paren_after(self, at: int) -> int | None:
        match = SPACES.match(self.source, at)
        following = match.end()
        return following if self.source.startswith("(", following) else None

    def macro_call(self, name: str, end: int, kind: str) -> Iterator[Token] | None:
        paren = self.paren_after(end)
        if paren is None:
            return None  # '#word' without arguments is plain text
        return self.directive_with_arguments(kind, end, paren)

    def directive_with_arguments(self, kind: str, end: int, paren: int) -> Iterator[Token]:
        yield from self.flush_text()
        yield self.token(kind, self.source[self.pos:end])
        self.advance(paren - self.pos)
        yield self.token("DIRECTIVE_OPEN", "(")
        yield from self.expression(closer=")", close_kind="DIRECTIVE_CLOSE")
        self.swallow_line_end()

    # ----- references ------------------------------------------------------------------
    def reference(self, in_text: bool = True) -> Iterator[Token]:
        source = self.source
        quiet = source.startswith("$!", self.pos)
        opener = "$!" if quiet else "$"
        braced = source.startswith("{", self.pos + len(opener))
        if braced:
            yield self.token("REF_BRACE_OPEN", opener + "{")
        else:
            yield self.token("REF_OPEN", opener)
        name = IDENTIFIER.match(source, self.pos).group()
        yield self.token("REF_NAME", name)
        yield from self.reference_tail()
        if not braced and in_text:
            yield from self.curly_after_reference()
            if source.startswith("}", self.pos):  # a '}' after a reference is a token of its own
                self.add_text(1)
                self.mark_token_boundary()
        if braced:
            if not source.startswith("}", self.pos):
                if self.pos >= len(source):
                    raise self.error("Encountered <EOF> inside ${...}: expected '}'")
                raise self.error(f"Encountered {source[self.pos]!r} inside ${{...}}: expected '}}'")
            yield self.token("REF_BRACE_CLOSE", "}")

    def curly_after_reference(self) -> Iterator[Token]:
        """Velocity reads ``$ref{name}`` / ``$ref{$other}`` as the reference, a '{', and a
        dropped ``name}`` (its parser takes them for a brace it never prints); without the
        closing '}' it is a syntax error. ``$ref{ }`` and ``$ref{}`` stay text."""
        match = CURLY_AFTER_REFERENCE.match(self.source, self.pos)
        if not match:
            return
        if match.group("close") is None:
            self.advance(match.end() - self.pos)
            raise self.error("Encountered text after '$reference{': expected '}'")
        yield self.token("TEXT", "{")
        self.advance(match.end() - self.pos)

    def reference_tail(self) -> Iterator[Token]:
        """Properties, method calls and indexes that follow a reference's name, adjacent only."""
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "." and (match := PROPERTY_NAME.match(source, self.pos + 1)):
                call = source.startswith("(", match.end()) and match.end() + 1 < len(source)
                if call:
                    yield self.token("METHOD_NAME", source[self.pos:match.end()])
                    yield self.token("CALL_OPEN", "(")
                    yield from self.expression(closer=")", close_kind="CALL_CLOSE")
                else:
                    yield self.token("DOT_NAME", source[self.pos:match.end()])
            elif char == "[":
                yield self.token("INDEX_OPEN", "[")
                yield from self.expression(closer="]", close_kind="INDEX_CLOSE")
            else:
                return

    # ----- expressions (directive arguments, method arguments, indexes) ----------------
    def expression(self, closer: str, close_kind: str) -> Iterator[Token]:
        source = self.source
        nesting: list[str] = []
        while True:
            self.advance(SPACES.match(source, self.pos).end() - self.pos)
            if self.pos >= len(source):
                raise self.error(f"Encountered <EOF>: expected {closer!r}")
            char = source[self.pos]
            if char == closer and not nesting:
                yield self.token(close_kind, char)
                return
            if char == "$" and self.reference_starts_here(self.pos):
                yield from self.reference(in_text=False)
            elif char == '"' or char == "'":
                yield self.string_literal(char)
            elif number := NUMBER.match(source, self.pos):
                if source.startswith("..", number.end() - 1) and "." in number.group()[-1:]:
                    # '1..3' is a range: the integer ends before the dots.
                    yield self.token("INTEGER", number.group()[:-1])
                else:
                    value = number.group()
                    kind = "FLOAT" if any(c in value for c in ".eE") else "INTEGER"
                    yield self.token(kind, value)
            elif word := WORD.match(source, self.pos):
                value = word.group()
                yield self.token(WORD_OPERATORS.get(value, "WORD"), value)
            else:
                for symbol, kind in SYMBOL_OPERATORS:
                    if source.startswith(symbol, self.pos):
                        if symbol in "([{":
                            nesting.append({"(": ")", "[": "]", "{": "}"}[symbol])
                        elif symbol in ")]}":
                            if not nesting or nesting[-1] != symbol:
                                raise self.error(f"Encountered {symbol!r}: expected {closer!r}")
                            nesting.pop()
                        yield self.token(kind, symbol)
                        break
                else:
                    raise self.error(f"Encountered {char!r}")

    def string_literal(self, quote: str) -> Token:
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
        return self.token("DQ_STRING" if quote == '"' else "SQ_STRING", source[self.pos:end + 1])
