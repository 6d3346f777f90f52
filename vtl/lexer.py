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

from .errors import TOO_DEEP, VTLSyntaxError

IDENTIFIER = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
WORD = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
PROPERTY_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_-]*")  # after '.', a name starts with a letter
LINE_END_AFTER_DIRECTIVE = re.compile(r"[ \t]*(?:\r\n|\n|\r)")
NUMBER = re.compile(r"-?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|[0-9]+)")
SPACES = re.compile(r"[ \t\r\n]*")
BLANKS = frozenset(" \t\r\n")  # what SPACES skips, to test one character without the regex
LINE_BREAK = re.compile(r"\r\n|\n|\r")
DOLLAR_RUN = re.compile(r"(?:\\*\$!?|#(?=[$ \t]))*")
# What a '$' run before '#' vanishes into: Velocity's own tokens (not its pluggable directives).
# (A #set only with its argument list: '$$#set x' is all text, as in Velocity.)
ABSORBING_FORM = re.compile(r"#(?:\{(?:if|elseif|else|end)\}|(?:if|elseif|else|end)(?![a-zA-Z0-9_])|\*)"
                            r"|[ \t]*#(?:set|\{set\})(?=[ \t\r\n]*\()")
HASH_WORD = re.compile(r"#\{?[a-zA-Z_][a-zA-Z0-9_]*\}?")
PLAIN_DOLLAR_RUN = re.compile(r"(?:\$!?)+")
# '{' + a name or '$name' after a reference: Velocity's Reference production starting at that '{'.
CURLY_AFTER_REFERENCE = re.compile(r"(\{+)(?:\\*\$!?)*[a-zA-Z_][a-zA-Z0-9_-]*")
PLAIN_TEXT = re.compile(r"[^$#\\]+")
BRACES = re.compile(r"\{+")
# Velocity's braced reference also takes '$', '$!' and backslashes before its name ('${$a}',
# '${\\$a}'): no variable has that name, so it reads as null everywhere and prints as written.
REFERENCE_START = re.compile(r"\$!?(?:\{(?:\\*\$!?)*)?[a-zA-Z_]")
REFERENCE_HEAD = re.compile(r"(\$!?\{?)((?<=\{)(?:\\*\$!?)*[a-zA-Z_][a-zA-Z0-9_-]*|[a-zA-Z_][a-zA-Z0-9_-]*)")
# '$name' and properties, up to a method call (a name then '(' and anything) or else.
SIMPLE_REFERENCE = re.compile(r"\$!?[a-zA-Z_][a-zA-Z0-9_-]*(?:\.[a-zA-Z][a-zA-Z0-9_-]*(?![a-zA-Z0-9_-]|\((?s:.)))*")
METHOD_AHEAD = re.compile(r"\.[a-zA-Z][a-zA-Z0-9_-]*\((?s:.)")
TO_LINE_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
BACKSLASHES = re.compile(r"\\*")
# '$true'/'$false' (also '$!'): Velocity's lexer reads the keyword, not a name. In an expression
# that is the boolean literal (the '$' vanishes); in text, a parse error.
DOLLAR_BOOLEAN = re.compile(r"\$!?(true|false)(?![a-zA-Z0-9_-])")
# A number as Velocity's PRE_DIRECTIVE state reads it: an integer ('1..' leaves the dots) or a
# float ('1.5', '-1', '.5e3').
_PRE_DIRECTIVE_NUMBER = r"-?(?:[0-9]+(?:\.(?!\.)[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
# A '#' that starts nothing, with the token Velocity's PRE_DIRECTIVE state reads after it: a word or
# a number.
HASH_TEXT = re.compile(r"#(?:[a-zA-Z_][a-zA-Z0-9_]*|" + _PRE_DIRECTIVE_NUMBER + ")?")
# What Velocity's PRE_DIRECTIVE state reads as a token of its own at text level: a word or a number.
PRE_DIRECTIVE_TOKEN = re.compile(r"[a-zA-Z_@][a-zA-Z0-9_@]*|" + _PRE_DIRECTIVE_NUMBER)
# A backslash, then "#" and a name (the end of an ESCAPE_DIRECTIVE token).
ESCAPED_DIRECTIVE_AHEAD = re.compile(r"\\#\{?[a-zA-Z_]")
BLANKS_THEN_SET = re.compile(r"[ \t]+#(?:set|\{set\})[ ]*\(")
SET_NAME = re.compile(r"#(?:set|\{set\})[ ]*\(")
RUNT_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
# '#break' / '#stop': read by the parser (a directive without arguments), not by the lexer.
LINE_DIRECTIVE = re.compile(r"#\{?(?:break|stop)\b")
# After '(' in Velocity's REFMOD2 state at text level: what prints (a name, to the end).
REFMOD2_TEXT = re.compile(r"\((?:[a-zA-Z_][a-zA-Z0-9_-]*)?")
# After '##' in the REFMODIFIER state: the forms the first '#' vanishes before.
PREFIXED_ABSORBING = re.compile(r"#(?:\{(?:if|elseif|else|end)\}|(?:if|elseif|else|end)(?![a-zA-Z0-9_]))")

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
#: How deep method arguments and indexes may hold references with arguments of their own
#: (``$a.b($c.d(…))``): each level is a recursion here and in the code generator, and Python's
#: compile() refuses 200 nested brackets. Velocity allows more.
MAX_ARGUMENT_NESTING = 100


class Token:
    """A token. Lark's parser reads only ``type``; the AST builder reads the rest. The line and
    column are worked out only when asked for (most tokens never are). Made by ``make_token``:
    without an ``__init__`` the class is instantiated at about half the cost, and a template
    has a token every few characters."""

    __slots__ = ("type", "value", "start_pos", "end_pos", "_scanner")

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


def make_token(kind: str, value: str, start_pos: int = 0, end_pos: int = 0,
               scanner: "Scanner | None" = None) -> Token:
    token = Token()
    token.type = kind
    token.value = value
    token.start_pos = start_pos
    token.end_pos = end_pos
    token._scanner = scanner
    return token


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
        # Velocity's lexer stays in its PRE_DIRECTIVE state after '#$ref' (the '#' is a MORE
        # prefix of the reference, whose state was pushed over PRE_DIRECTIVE): until a character
        # that starts none of that state's tokens, '#set(' is read as '#' + a word (an error).
        self.pre_directive = False
        # Where the last reference in text ended (with comments after it), if its state is
        # still current (a '#set(' there, or after blanks, is Velocity's SET_DIRECTIVE token).
        self.reference_end = -1
        self.reference_modifier = False
        # How many REFMODIFIER states Velocity's lexer has left on its state stack under the
        # current one: a '$' read in REFMODIFIER (right after '$a.b', '$a.b[0]', a '#set(…)' or a
        # comment there) pushes it instead of ending it. It comes back when what was pushed over
        # it ends with a '#' form (a directive, '#end', '#word') rather than with a character that
        # ends every reference state at once: see expose_modifier.
        self.modifiers_left = 0
        # How many expression() calls are open (see MAX_ARGUMENT_NESTING).
        self.expression_depth = 0

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
        self.out.append(make_token(kind, value, start, end, self))

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
            self.out.append(make_token("TEXT", pending[0] if len(pending) == 1 else "".join(pending), self.text_start,
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
            tokens = self.scan()
        except VTLSyntaxError as error:
            yield from self.out
            raise error
        yield from tokens

    def scan(self) -> list[Token]:
        """All the tokens (in ``out`` while scanning, with those before the error if one is
        raised; the scanner lets go of them at the end, as they point back to it: the GC
        would have to find that reference cycle)."""
        source = self.source
        length = len(source)
        while (pos := self.pos) < length:
            char = source[pos]
            if self.modifiers_left and pos == self.reference_end and self.reference_state_ends(pos, char):
                continue
            if char == "$":
                simple = SIMPLE_REFERENCE.match(source, pos)
                if simple is not None or REFERENCE_START.match(source, pos):
                    if self.pending_text:
                        self.flush_text()
                    else:
                        self.fresh_from = 0
                    if pos == self.reference_end and (self.reference_modifier or self.modifiers_left):
                        self.reference_after_reference(simple)
                        continue
                    self.reference(True, simple)
                    continue
                if self.dollar_run_before_hash(pos):
                    continue
                at_end = pos + 1 == length or source.startswith("$!", pos) and pos + 2 == length
                if at_end and self.lone_sigil_at_end_is_error:
                    raise self.error("Lexical error: encountered <EOF> after '$'", column=self.column + length - pos)
                self.pre_directive = False
                if source.startswith("\\", pos + 1) and self.sigil_vanishes(pos + 1):
                    self.pos += 1
                    continue
                if pos == self.reference_end and self.reference_modifier and source.startswith("$", pos + 1):
                    self.reference_end = pos + 1  # '$$ref': the first '$' pushes REFMODIFIER too
                self.add_text(1)
                self.literal_backslashes()
            elif char == "#":
                if pos + 1 == length and self.lone_sigil_at_end_is_error:
                    raise self.error("Lexical error: encountered <EOF> after '#'", column=self.column + 1)
                if self.modifiers_left and pos == self.reference_end and not SET_NAME.match(source, pos) \
                        and not source.startswith(("#*", "#[["), pos):
                    # '#' pops the reference's state and pushes the REFMODIFIER under it, which
                    # is current again once the directive (or '#word') is read
                    self.modifiers_left -= 1
                    self.reference_end = -1
                    self.hash_in_text(pos)
                    if source[self.pos - 1:self.pos] in ("\n", "\r") and LINE_DIRECTIVE.match(source, pos):
                        self.modifiers_left = 0  # (the line end it swallowed ends every state)
                    else:
                        self.expose_modifier()
                    continue
                self.hash_in_text(pos)
            elif char == "\\":
                if self.pre_directive and not source.startswith("$", BACKSLASHES.match(source, pos).end()):
                    self.pre_directive = False
                if pos == self.reference_end and self.reference_modifier:
                    self.escaped_reference_in_modifier(pos)
                self.backslashes()
            else:  # plain text (add_text, inlined)
                if self.pre_directive:
                    self.pre_directive = False
                    word = PRE_DIRECTIVE_TOKEN.match(source, pos)
                    if word:  # a token of its own (then the state drops to DEFAULT)
                        self.add_text(word.end() - pos)
                        self.mark_token_boundary()
                        continue
                end = PLAIN_TEXT.match(source, pos).end()
                if self.text_start is None:
                    self.text_start = pos
                self.pending_text.append(source[pos:end])
                self.pos = end
        self.flush_text()
        tokens, self.out = self.out, []
        return tokens

    def hash_in_text(self, pos: int) -> None:
        """A '#' in text: a comment, a directive, or text."""
        source = self.source
        if self.hash():
            return
        if self.dollar_run_before_hash(pos):
            return
        # A '#' that starts nothing: it and the word after it are a token of their own.
        word = HASH_TEXT.match(source, pos)
        if word.end() == pos + 1 and source.startswith("\\", pos + 1) and self.sigil_vanishes(pos + 1):
            self.pos += 1
            return
        self.add_text(word.end() - pos)
        if word.end() - word.start() == 1:
            self.literal_backslashes()
            if source.startswith("$", self.pos) and self.reference_starts_here(self.pos) or \
                    source.startswith("\\", pos + 1) and self.reference_starts_here(self.pos):
                self.pre_directive = True  # '#$ref' (or '#\$ref'): see __init__
        self.mark_token_boundary()

    def reference_state_ends(self, pos: int, char: str) -> bool:
        """At the end of a reference's state with REFMODIFIERs left under it: a character that
        ends that state ends them all, but for '(' after REFERENCE, which pops into the
        REFMODIFIER under it and is read there. Returns whether it read something."""
        if char == "$" or char == "#" or char == "\\":
            return False
        if char == "(" and not self.reference_modifier:
            self.modifiers_left -= 1
            self.flush_text()
            self.refmod2()
            return True
        if (char == " " or char == "\t") and BLANKS_THEN_SET.match(self.source, pos):
            return False
        self.modifiers_left = 0
        return False

    def reference_after_reference(self, simple: re.Match | None) -> None:
        """A reference while a reference's state is current, with REFMODIFIER under it or
        current: '$' in REFMODIFIER pushes it ('$' in REFERENCE pops that first). A braced
        reference's '}' pops back into that REFMODIFIER."""
        if self.reference_modifier:
            self.modifiers_left += 1
        source, pos = self.source, self.pos
        braced = source.startswith("${", pos) or source.startswith("$!{", pos)
        self.reference(True, simple)
        if braced:
            self.modifiers_left -= 1
            self.expose_modifier()

    def expose_modifier(self) -> None:
        """A REFMODIFIER left on the state stack is current again (after a '#' form): what
        follows reads as after a reference and a comment (a name is an identifier token)."""
        self.reference_end = self.pos
        self.reference_modifier = True
        self.after_reference(True, True)

    def escaped_reference_in_modifier(self, pos: int) -> None:
        """Backslashes then a reference, in REFMODIFIER: the '\\…$' (a MORE) pushes it too."""
        end = BACKSLASHES.match(self.source, pos).end()
        if self.source.startswith("$", end) and self.reference_starts_here(end):
            self.modifiers_left += 1

    def refmod2(self) -> None:
        """'(' at text level in REFMODIFIER: Velocity's lexer switches to REFMOD2, which nothing
        at text level leaves: only a name to the end prints; anything else (a ')', blanks, …) is
        a parse error."""
        if REFMOD2_TEXT.fullmatch(self.source, self.pos):
            self.add_text(len(self.source) - self.pos)
            return
        raise self.error("Encountered text after '(' where Velocity's lexer is in its REFMOD2 state")

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
            # (Blanks before the run are a text token: #set does not eat them.)
            if "#$" in self.source[at:following] and \
                    not hash_form.group().lstrip(" \t").startswith(("#*", "#set", "#{set}")):
                self.pre_directive = True  # '#$#if(…)', '#$#end': PRE_DIRECTIVE stays, as after '#$ref'
            self.mark_token_boundary()
            self.advance(self.source.index("#", following) - at)
            if "#" not in self.source[at:following] and hash_form.group().lstrip(" \t").startswith(("#set", "#{set}")):
                # The '$' pushed a reference's state and SET_DIRECTIVE returns to it: after the
                # ')' a name is an identifier token and '{$name}' reads as after a reference.
                self.reference_end, self.reference_modifier = self.pos, False
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
            paren = self.paren_after(word.end()) if PLAIN_DOLLAR_RUN.fullmatch(self.source, at, following) else None
            if paren is not None:
                # A directive call Velocity does not recognise: printed as written, its arguments
                # parsed but not evaluated (no macro can be named '$#word').
                self.directive_with_arguments("MACRO_CALL", word.end(), paren)
                return True
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

    def sigil_vanishes(self, at: int) -> bool:
        """Whether a lone '$' or '#' before the backslashes at ``at`` vanishes: it is a MORE
        prefix of the token they start, and that token's node prints no prefix (an escaped
        directive ``\\#word``, or a run of two or more backslashes)."""
        source = self.source
        end = BACKSLASHES.match(source, at).end()
        count = end - at
        if source.startswith("$", end):
            return False
        if source.startswith("#", end) and ESCAPED_DIRECTIVE_AHEAD.match(source, end - 1):
            return count % 2 == 1 or not SET_NAME.match(source, end) and not source.startswith("#set", end)
        return count >= 2

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
        if name == "break" and (paren := self.paren_after(end)) is not None:
            self.directive_with_arguments("BREAK_SCOPE", end, paren)  # #break($foreach.parent)
            return True
        if name in BARE_DIRECTIVES:
            self.bare_directive(name, end)
            return True
        if name in ARGUMENT_DIRECTIVES:
            return self.argument_directive(name, end)
        return self.macro_call(name, end, "MACRO_CALL")

    def line_comment(self) -> None:
        self.flush_text()
        end = TO_LINE_END.match(self.source, self.pos).end()
        if end == len(self.source) and self.lone_sigil_at_end_is_error and \
                self.source[self.pos + 2:].endswith(("#", "$", "$!")):
            # '#' and '$' are MORE prefixes even inside a comment: one at the end meets <EOF>
            self.pos = end
            raise self.error("Lexical error: encountered <EOF> after a '#' or '$' in a comment")
        self.pos = end

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
        if self.source.startswith("\n", self.pos):  # the commonest case, without the regex
            self.pos += 1
        elif match := LINE_END_AFTER_DIRECTIVE.match(self.source, self.pos):
            self.pos = match.end()

    def argument_directive(self, name: str, end: int) -> bool:
        paren = self.paren_after(end)
        if paren is None:
            if name == "set":
                return False
            self.missing_arguments(name, end)
        after_reference = self.after_reference_state()
        if name == "set":
            if self.pre_directive and not after_reference:
                # PRE_DIRECTIVE reads '#set' as a pluggable directive's name: a call of no macro
                # (printed as written; '=' in it is a parse error).
                return self.macro_call(name, end, "MACRO_CALL")
            self.drop_indentation_before_set()
        self.directive_with_arguments(ARGUMENT_DIRECTIVES[name], end, paren)
        if after_reference and name == "set":
            # SET_DIRECTIVE pushed the reference's state: it is back after the ')'
            self.reference_end = self.pos
            # (comments, a name: an identifier token, '{', '}', '[': an index)
            self.after_reference(self.reference_modifier, True)
        return True

    def after_reference_state(self) -> bool:
        """Whether Velocity's lexer is still in a reference's state here (only blanks since)."""
        end = self.reference_end
        return end >= 0 and (end == self.pos or not self.source[end:self.pos].strip(" \t"))

    def missing_arguments(self, name: str, end: int) -> None:
        self.flush_text()
        self.advance(end - self.pos)
        raise self.error(f"#{name} needs an argument list in parentheses")

    def paren_after(self, at: int) -> int | None:
        source = self.source
        if source.startswith("(", at):  # the commonest case, without the regex
            return at
        following = SPACES.match(source, at).end()
        return following if source.startswith("(", following) else None

    def macro_call(self, name: str, end: int, kind: str) -> bool:
        paren = self.paren_after(end)
        if paren is None:
            return False  # '#word' without arguments is plain text
        self.directive_with_arguments(kind, end, paren)
        return True

    def directive_with_arguments(self, kind: str, end: int, paren: int) -> None:
        self.flush_text()
        start = self.pos
        self.out += (make_token(kind, self.source[start:end], start, end, self),
                     make_token("DIRECTIVE_OPEN", "(", paren, paren + 1, self))
        self.pos = paren + 1
        self.expression(")", "DIRECTIVE_CLOSE")
        self.swallow_line_end()

    # ----- references ------------------------------------------------------------------
    def reference(self, in_text: bool = True, simple: re.Match | None = None) -> None:
        """A reference (``simple``: SIMPLE_REFERENCE's match here, if the caller has it)."""
        source, out, start = self.source, self.out, self.pos
        if in_text and (boolean := DOLLAR_BOOLEAN.match(source, start)):
            raise self.error(f'Encountered "{boolean.group()}"')
        if simple is None:
            simple = SIMPLE_REFERENCE.match(source, start)
        if simple is not None:
            end = simple.end()
            following = source[end:end + 1]
            if following != "[" and not (following == "." and METHOD_AHEAD.match(source, end)):
                # '$name.a.b' without calls or indexes (most references): one token.
                value = simple.group()
                out.append(make_token("REF_SIMPLE", value, start, end, self))
                self.pos = end
                if in_text:
                    self.reference_end = end
                    self.reference_modifier = modifier = "." in value
                    if following == "{" or following == "}":
                        self.curly_after_reference(modifier)
                    elif following == "#":
                        self.after_reference(modifier)
                return
        head = REFERENCE_HEAD.match(source, start)
        opener, name = head.groups()
        braced = opener.endswith("{")
        middle = start + len(opener)
        if braced and name in ("true", "false"):  # '${true}': the keyword where a name must be
            self.pos = middle
            raise self.error(f'Encountered "{name}"')
        self.pos = head.end()
        out.append(make_token("REF_BRACE_OPEN" if braced else "REF_OPEN", opener, start, middle, self))
        out.append(make_token("REF_NAME", name, middle, self.pos, self))
        modifier = False
        if self.pos < len(source) and source[self.pos] in ".[":
            modifier = self.reference_tail()
        if braced:
            if not source.startswith("}", self.pos):
                if self.pos >= len(source):
                    raise self.error("Encountered <EOF> inside ${...}: expected '}'")
                raise self.error(f"Encountered {source[self.pos]!r} inside ${{...}}: expected '}}'")
            self.token("REF_BRACE_CLOSE", "}")
        elif in_text:
            self.reference_end = self.pos
            self.reference_modifier = modifier
            following = source[self.pos:self.pos + 1]
            if following == "{" or following == "}":
                self.curly_after_reference(modifier)
            elif following == "#":
                self.after_reference(modifier)
            elif following.isascii() and (following.isalpha() or following == "_"):
                self.after_reference(modifier, True)  # after ')' or ']': an identifier token

    def after_reference(self, modifier: bool, via_comment: bool = False) -> None:
        """What follows an unbraced reference in text while Velocity's lexer is still in its
        REFERENCE state (``modifier``: REFMODIFIER, after a ``.property``). Comments and literal
        blocks keep that state: after them a name is an identifier token (it prints, with any
        properties, calls and indexes after it dropped), and ``{``/``}`` read as right after a
        reference. REFMODIFIER has no ``##`` token: there the first '#' is a MORE prefix."""
        source = self.source
        self.reference_modifier = modifier
        while True:
            pos = self.pos
            if source.startswith("#*", pos):
                self.block_comment()
            elif source.startswith("#[[", pos):
                self.literal_block()
            elif modifier and source.startswith("##", pos):
                self.hash_after_modifier()
                return
            elif via_comment and (name := RUNT_NAME.match(source, pos)):
                if name.group() in ("true", "false"):
                    self.pos = pos
                    raise self.error(f"Encountered {name.group()!r} after a reference and a comment")
                self.add_text(name.end() - pos)
                if self.pos < len(source) and source[self.pos] in ".[":
                    mark = len(self.out)
                    modifier = self.reference_tail(modifier)
                    del self.out[mark:]  # (Velocity prints only the identifier)
                self.mark_token_boundary()
            elif via_comment and source.startswith(("{", "}"), pos):
                self.flush_text()
                self.curly_after_reference(modifier)
                return
            elif via_comment and source.startswith("[", pos):
                raise self.error("Encountered '[' (an index) after a reference and a comment")
            elif via_comment and modifier and source.startswith("(", pos):
                self.flush_text()
                self.refmod2()
                return
            else:
                return
            via_comment = True
            self.reference_end = self.pos
            self.reference_modifier = modifier

    def hash_after_modifier(self) -> None:
        """``##`` in the REFMODIFIER state: the first '#' is a MORE prefix of what the second
        starts, read in the PRE_DIRECTIVE state (which then stays, as after ``#$ref``)."""
        source = self.source
        at = self.pos + 1
        self.pre_directive = True
        if source.startswith(("##", "#*"), at) or PREFIXED_ABSORBING.match(source, at):
            self.pos = at  # the prefix vanishes; the comment or directive is read next
            return
        if source.startswith("#[[", at):  # the prefix shows as '[' before the block
            self.add_text(1)
            self.pending_text[-1] = "["
            return
        if at + 1 >= len(source):
            self.pos = len(source)
            raise self.error("Lexical error: encountered <EOF> after '##'")
        if SET_NAME.match(source, at):
            self.pos = at
            raise self.error("Encountered '#set' after '#' in Velocity's PRE_DIRECTIVE state")
        if source.startswith("$", at + 1) or source.startswith("\\", at + 1):
            self.add_text(1)  # '#' and then '#$ref', read next
            return
        word = HASH_TEXT.match(source, at)
        self.add_text(word.end() - self.pos)
        self.mark_token_boundary()

    def curly_after_reference(self, modifier: bool = False) -> None:
        """Velocity reads ``$ref{name}`` / ``$ref{$other}`` as the reference, a '{', and a
        dropped ``name}`` (its parser takes them for a brace it never prints); without the
        closing '}' it is a syntax error. ``$ref{ }`` and ``$ref{}`` stay text. A '}' right
        after the reference (or after that) is a text token of its own."""
        source = self.source
        match = CURLY_AFTER_REFERENCE.match(source, self.pos)
        if match:
            # '{' name or '{$name', then properties, calls and indexes, then '}' (dropped)
            start = self.pos
            self.pos = match.end()
            if self.pos < len(source) and source[self.pos] in ".[":
                mark = len(self.out)
                self.reference_tail()
                del self.out[mark:]
            if not source.startswith("}", self.pos):
                raise self.error("Encountered text after '$reference{': expected '}'")
            braces = match.group(1)  # every '{' prints ('$a{{b}' is '{{')
            self.out.append(make_token("TEXT", braces, start, start + len(braces), self))
            self.pos += 1
            if self.modifiers_left:  # the '}' pops into the REFMODIFIER left under the reference
                self.modifiers_left -= 1
                self.expose_modifier()
                return
        elif source.startswith("{", self.pos):
            # '{' tokens keep the reference's state for what follows them
            after = BRACES.match(source, self.pos).end()
            braces = after - self.pos
            if BLANKS_THEN_SET.match(source, after):  # SET_DIRECTIVE there eats the blanks before it
                self.add_text(braces)
                self.mark_token_boundary()
                self.reference_end = self.pos
                return
            if source.startswith("[", after):  # an index there
                self.pos = after
                raise self.error("Encountered '[' (an index) after '$reference{'")
            if source.startswith("#", after):
                self.add_text(braces)
                self.reference_end = self.pos
                self.after_reference(modifier)
                return
        if self.source.startswith("}", self.pos):  # a '}' after a reference is a token of its own
            self.add_text(1)
            self.mark_token_boundary()
            if self.modifiers_left:  # it pops into the REFMODIFIER left under the reference
                self.modifiers_left -= 1
                self.expose_modifier()

    def reference_tail(self, modifier: bool = False) -> bool:
        """Properties, method calls and indexes that follow a reference's name, adjacent only.
        Returns whether the last part but indexes was a property (Velocity's REFMODIFIER state)."""
        source, out = self.source, self.out
        length = len(source)
        while self.pos < length:
            pos = self.pos
            char = source[pos]
            if char == "." and (match := PROPERTY_NAME.match(source, pos + 1)):
                end = match.end()
                if end + 1 < length and source[end] == "(":
                    out.append(make_token("METHOD_NAME", source[pos:end], pos, end, self))
                    out.append(make_token("CALL_OPEN", "(", end, end + 1, self))
                    self.pos = end + 1
                    self.expression(")", "CALL_CLOSE")
                    modifier = False
                else:
                    out.append(make_token("DOT_NAME", source[pos:end], pos, end, self))
                    self.pos = end
                    modifier = True
            elif char == "[":
                self.token("INDEX_OPEN", "[")
                self.expression("]", "INDEX_CLOSE")
            else:
                return modifier
        return modifier

    # ----- expressions (directive arguments, method arguments, indexes) ----------------
    def expression(self, closer: str, close_kind: str) -> None:
        source = self.source
        nesting: list[str] = []
        self.expression_depth += 1
        if self.expression_depth > MAX_ARGUMENT_NESTING:
            raise self.error(TOO_DEEP.format(f"arguments within arguments, over {MAX_ARGUMENT_NESTING} deep"))
        while True:
            pos = self.pos
            char = source[pos:pos + 1]
            if char in BLANKS:  # (most tokens follow another directly: no regex call then)
                pos = SPACES.match(source, pos).end()
                char = source[pos:pos + 1]
            self.pos = pos
            if not char:
                raise self.error(f"Encountered <EOF>: expected {closer!r}")
            if char == closer and not nesting:
                self.out.append(make_token(close_kind, char, pos, pos + 1, self))
                self.pos = pos + 1
                self.expression_depth -= 1
                return
            if char == "$" and (boolean := DOLLAR_BOOLEAN.match(source, pos)):
                self.out.append(make_token(boolean.group(1).upper(), boolean.group(1), pos, boolean.end(), self))
                self.pos = boolean.end()
            elif char == "$" and ((simple := SIMPLE_REFERENCE.match(source, pos)) or REFERENCE_START.match(source, pos)):
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
