"""java.util.regex on top of the `regex` module: Java syntax in, Java semantics out.

Templates pass Java patterns to ``replaceAll``, ``split`` and ``matches``; Python's dialect
differs in many small ways (``\\w`` is Unicode, ``$`` ignores ``\\r``, ``{`` may be literal,
classes cannot nest or intersect, case folding is Unicode...). So a Java pattern is parsed
here with the structure of ``java.util.regex.Pattern`` itself (same cursor functions, same
error messages, same quirks) and re-emitted as a ``regex`` VERSION1 pattern whose every
construct has a fixed meaning: no flags are left for ``regex`` to interpret, case
insensitivity is expanded into explicit character sets, anchors become lookarounds.

Public API: :func:`compile_java`, :func:`java_matches`, :func:`java_find_all`,
:func:`java_replace_all`, :func:`java_replace_first`, :func:`java_split`.
Behaviour follows Java 17 (the oracle); Java 8 differs only in rare corners.

Matching runs on code points; Java's UTF-16 steps are emulated where they show (after an
empty match just before an astral character the next search starts between its surrogates,
so ``"a😀".split("")`` cuts the emoji in two, as Java does).

Known divergences, all in corners templates do not reach: when Java's look-behind length
bound overflows to a small positive number (``(?<=x|ab*)``) Java looks back only that far,
here without limit (the overflows that make Java's look-behind never match are emulated);
``\\X`` inside look-behind; ``\\b{g}`` is unsupported; Unicode case folding (``(?iu)``) uses
Python's single-character case mappings; a back reference to a group not opened yet never
matches; ``\\G`` after an empty match.
"""
from __future__ import annotations

import functools
import time
import unicodedata
from dataclasses import dataclass
from typing import Iterator

import regex

from ..errors import JavaException

#: Upper bound of every single ``regex`` call, so catastrophic backtracking cannot hang a render.
REGEX_TIMEOUT_SECONDS = 1.0

_PATTERN_SYNTAX = "java.util.regex.PatternSyntaxException"

# Java's flag bits (values as in java.util.regex.Pattern).
UNIX_LINES = 0x01
CASE_INSENSITIVE = 0x02
COMMENTS = 0x04
MULTILINE = 0x08
DOTALL = 0x20
UNICODE_CASE = 0x40
CANON_EQ = 0x80
UNICODE_CHARACTER_CLASS = 0x100

_INLINE_FLAGS = {"i": CASE_INSENSITIVE, "m": MULTILINE, "s": DOTALL, "d": UNIX_LINES, "u": UNICODE_CASE,
                 "c": CANON_EQ, "x": COMMENTS, "U": UNICODE_CHARACTER_CLASS | UNICODE_CASE}

MAX_REPS = 0x7FFFFFFF

# ---------------------------------------------------------------------------------------------
# Pieces of emitted regex syntax. Everything is spelled with escapes so that no character of
# the output depends on regex's own flags or on VERSION1 set operators.

_LINE_TERMINATORS = r"\n\r\u0085\u2028\u2029"
_DOT = "[^" + _LINE_TERMINATORS + "]"
_UNIX_DOT = r"[^\n]"
_ANY = r"[\x00-\U0010ffff]"
_NOTHING = r"[^\x00-\U0010ffff]"
# ^ with MULTILINE: at the start or after a line terminator (not inside \r\n), never at the end.
_CARET = r"(?<![^" + _LINE_TERMINATORS + r"])(?!(?<=\r)\n)(?!\Z)"
_UNIX_CARET = r"(?<![^\n])(?!\Z)"
# $ without MULTILINE: at the end, or before one final line terminator.
_DOLLAR = r"(?:\Z|(?=[\r\u0085\u2028\u2029]\Z)|(?<!\r)(?=\n\Z)|(?=\r\n\Z))"
_DOLLAR_MULTI = r"(?:\Z|(?=[\r\u0085\u2028\u2029])|(?<!\r)(?=\n))"
_UNIX_DOLLAR = r"(?:\Z|(?=\n\Z))"
_UNIX_DOLLAR_MULTI = r"(?:\Z|(?=\n))"
_LINEBREAK = r"(?:\r\n|[\n\x0b\f\r\u0085\u2028\u2029])"  # backtracks, unlike Perl's

_ASCII_WORD = "[a-zA-Z_0-9]"
_ASCII_DIGIT = "[0-9]"
_ASCII_SPACE = r"[ \t\n\x0b\f\r]"
_UNICODE_WORD = r"[\p{Alphabetic}\p{Mn}\p{Me}\p{Mc}\p{Nd}\p{Pc}\p{Join_Control}]"
_HORIZONTAL_SPACE = r"[ \t\xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]"
_VERTICAL_SPACE = r"[\n\x0b\f\r\u0085\u2028\u2029]"
# \b is Unicode-aware in Java even without UNICODE_CHARACTER_CLASS: letters, digits and '_'.
_BOUND_WORD = r"[\p{L}\p{Nd}_]"

_POSIX = {
    "Lower": "[a-z]", "Upper": "[A-Z]", "ASCII": r"[\x00-\x7f]", "Alpha": "[a-zA-Z]",
    "Digit": "[0-9]", "Alnum": "[a-zA-Z0-9]", "Punct": r"[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]",
    "Graph": r"[\x21-\x7e]", "Print": r"[\x20-\x7e]", "Blank": r"[ \t]", "Cntrl": r"[\x00-\x1f\x7f]",
    "XDigit": "[0-9a-fA-F]", "Space": r"[ \t\n\x0b\f\r]",
}
_IDENTIFIER_IGNORABLE = r"[\x00-\x08\x0e-\x1b\x7f-\x9f\p{Cf}]"
_CASED = r"[\p{Lowercase}\p{Uppercase}\p{Lt}]"
_CASED_CATEGORIES = r"[\p{Lu}\p{Ll}\p{Lt}]"
_JAVA_PROPERTIES = {
    "javaLowerCase": r"\p{Lowercase}", "javaUpperCase": r"\p{Uppercase}", "javaTitleCase": r"\p{Lt}",
    "javaAlphabetic": r"\p{Alphabetic}", "javaIdeographic": r"\p{Ideographic}", "javaDigit": r"\p{Nd}",
    "javaDefined": r"\P{Cn}", "javaLetter": r"\p{L}", "javaLetterOrDigit": r"[\p{L}\p{Nd}]",
    "javaJavaIdentifierStart": r"[\p{L}\p{Nl}\p{Sc}\p{Pc}]",
    "javaJavaIdentifierPart": r"[\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}" + _IDENTIFIER_IGNORABLE + "]",
    "javaUnicodeIdentifierStart": r"[\p{ID_Start}]",
    "javaUnicodeIdentifierPart": r"[\p{ID_Continue}" + _IDENTIFIER_IGNORABLE + "]",
    "javaIdentifierIgnorable": _IDENTIFIER_IGNORABLE,
    "javaSpaceChar": r"[\p{Zs}\p{Zl}\p{Zp}]",
    "javaWhitespace": r"[[\t-\r\x1c-\x1f\p{Zs}\p{Zl}\p{Zp}]--[\xa0\u2007\u202f]]",
    "javaISOControl": r"[\x00-\x1f\x7f-\x9f]", "javaMirrored": r"\p{Bidi_Mirrored}",
    "LC": _CASED_CATEGORIES, "LD": r"[\p{L}\p{Nd}]", "L1": r"[\x00-\xff]", "all": _ANY,
}
_CATEGORIES = {"Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp",
               "Cc", "Cf", "Co", "Cs", "Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf",
               "L", "M", "N", "Z", "C", "P", "S"}
# Binary properties reachable as \p{IsName} (name matched case-insensitively).
_UNICODE_PROPERTIES = {
    "ALPHABETIC": r"\p{Alphabetic}", "ASSIGNED": r"\P{Cn}", "CONTROL": r"\p{Cc}",
    "HEXDIGIT": r"[\p{Nd}\p{Hex_Digit}]", "HEX_DIGIT": r"[\p{Nd}\p{Hex_Digit}]",
    "IDEOGRAPHIC": r"\p{Ideographic}", "JOINCONTROL": r"\p{Join_Control}", "JOIN_CONTROL": r"\p{Join_Control}",
    "LETTER": r"\p{L}", "LOWERCASE": r"\p{Lowercase}", "UPPERCASE": r"\p{Uppercase}", "TITLECASE": r"\p{Lt}",
    "NONCHARACTERCODEPOINT": r"\p{Noncharacter_Code_Point}", "NONCHARACTER_CODE_POINT": r"\p{Noncharacter_Code_Point}",
    "PUNCTUATION": r"\p{P}", "WHITESPACE": r"\p{White_Space}", "WHITE_SPACE": r"\p{White_Space}",
    "WORD": _UNICODE_WORD, "DIGIT": r"\p{Nd}", "ALNUM": r"[\p{Alphabetic}\p{Nd}]", "BLANK": r"[\p{Zs}\t]",
    "GRAPH": r"[^\p{White_Space}\p{Cc}\p{Cs}\p{Cn}]",
    "PRINT": r"[[[^\p{White_Space}\p{Cc}\p{Cs}\p{Cn}][\p{Zs}\t]]--\p{Cc}]",
}
# With UNICODE_CHARACTER_CLASS the POSIX names mean their Unicode counterparts.
_UNICODE_POSIX = {
    "Alpha": r"\p{Alphabetic}", "Lower": r"\p{Lowercase}", "Upper": r"\p{Uppercase}", "Space": r"\p{White_Space}",
    "Punct": r"\p{P}", "XDigit": r"[\p{Nd}\p{Hex_Digit}]", "Alnum": r"[\p{Alphabetic}\p{Nd}]",
    "Cntrl": r"\p{Cc}", "Digit": r"\p{Nd}", "Blank": r"[\p{Zs}\t]",
    "Graph": _UNICODE_PROPERTIES["GRAPH"], "Print": _UNICODE_PROPERTIES["PRINT"],
}


def _esc(cp: int) -> str:
    """One literal code point as regex syntax valid both outside and inside a set."""
    if cp < 128 and chr(cp).isalnum():
        return chr(cp)
    return f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def _negate(item: str) -> str:
    return "[^" + item + "]"


# ---------------------------------------------------------------------------------------------
# Case insensitivity, expanded into explicit sets (Java's ASCII-only folding cannot be asked of
# `regex`, and its Unicode folding differs in details).

def _upper1(cp: int) -> int:
    """Character.toUpperCase(int): simple (one code point) mapping."""
    mapped = chr(cp).upper()
    return ord(mapped) if len(mapped) == 1 else cp


def _lower1(cp: int) -> int:
    if cp == 0x130:  # Java maps İ to i; Python's full mapping gives two code points
        return 0x69
    mapped = chr(cp).lower()
    return ord(mapped) if len(mapped) == 1 else cp


@functools.lru_cache(maxsize=1)
def _case_table() -> tuple[tuple[int, int, int], ...]:
    """(ch, toUpperCase(ch), toLowerCase(toUpperCase(ch))) for every code point with a case mapping."""
    rows = []
    for cp in range(0x1F000):
        if 0xD800 <= cp < 0xE000:
            continue
        up = _upper1(cp)
        low = _lower1(up)
        if up != cp or low != cp or _lower1(cp) != cp:
            rows.append((cp, up, low))
    return tuple(rows)


def _case_extras(low: int, high: int, unicode_case: bool) -> set[int]:
    """Code points outside [low, high] that Java's case-insensitive matching also accepts."""
    if not unicode_case:  # CIRange / SingleI: only ASCII letters fold
        letters = list(range(0x41, 0x5B)) + list(range(0x61, 0x7B))
        return {cp for cp in letters if not low <= cp <= high and low <= cp ^ 0x20 <= high}
    if low == high:  # single(): SingleU(lower) when the char has case, else the char alone
        upper = _upper1(low)
        target = _lower1(upper)
        if upper == target:
            return set()
        extras = {cp for cp, _, low_up in _case_table() if low_up == target} | {target}
        return extras - {low}
    # CIRangeU: x matches when toUpperCase(x) or toLowerCase(toUpperCase(x)) is in the range
    return {cp for cp, up, low_up in _case_table()
            if not low <= cp <= high and (low <= up <= high or low <= low_up <= high)}


def _range_item(low: int, high: int, flags: int) -> str:
    """Members of a set (no brackets) for [low-high] under the current flags."""
    text = _esc(low) if low == high else _esc(low) + "-" + _esc(high)
    if flags & CASE_INSENSITIVE:
        extras = _case_extras(low, high, bool(flags & UNICODE_CASE))
        text += "".join(_esc(cp) for cp in sorted(extras))
    return text


def _literal(cp: int, flags: int) -> str:
    """A literal character outside a class."""
    if flags & CASE_INSENSITIVE:
        members = _range_item(cp, cp, flags)
        if members != _esc(cp):
            return "[" + members + "]"
    return _esc(cp)


# ---------------------------------------------------------------------------------------------
# Parsed fragments


def _wrap32(value: int) -> int:
    """Java int arithmetic: wrap to 32-bit two's complement."""
    return (value + 2**31) % 2**32 - 2**31


@dataclass(frozen=True)
class _Frag:
    """Emitted regex text plus what Java's Pattern.study() would know about the node.

    kind: "char" (matches exactly one character: quantifiers apply without a group),
          "group" (already parenthesised), "empty", or "other".
    max_len: Java's TreeInfo.maxLength with its int overflow, or None when maxValid is
             false. Look-behind needs it: invalid is a syntax error, and an overflowed
             (negative) bound makes Java's look-behind window empty.
    det: Java's TreeInfo.deterministic (a quantified group that is not becomes a Loop,
         whose length is unknown).
    min_len: the fewest characters a match consumes (a pattern that cannot match empty can
             be scanned by regex's own finditer, whose steps then agree with Java's).
    """

    text: str
    kind: str = "other"
    max_len: int | None = 0
    det: bool = True
    min_len: int = 0


def _char(text: str) -> _Frag:
    return _Frag(text, "char", 1, min_len=1)


def _sum_max(frags: list[_Frag]) -> int | None:
    total = 0
    for frag in frags:
        if frag.max_len is None:
            return None
        total = _wrap32(total + frag.max_len)
    return total


_EMPTY = _Frag("", "empty")


class _Translator:
    """A port of java.util.regex.Pattern's recursive-descent parser that emits regex syntax.

    Method names follow Pattern.java (expr, sequence, atom, closure, clazz, range, family,
    escape, group0) so the two can be read side by side.
    """

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.temp = _remove_qe_quoting(pattern)
        self.length = len(self.temp)
        self.cursor = 0
        self.flags = flags
        self.groups_opened = 0
        self.group_names: dict[str, int] = {}

    # -- errors ----------------------------------------------------------------------------

    def error(self, description: str) -> JavaException:
        return pattern_syntax_error(description, self.pattern, self.cursor - 1)

    # -- cursor (Java's peek/next/read/skip/unread, with COMMENTS handling) -----------------

    def at(self, index: int) -> str:
        return self.temp[index] if 0 <= index < self.length else ""

    def has(self, flag: int) -> bool:
        return bool(self.flags & flag)

    def peek(self) -> str:
        ch = self.at(self.cursor)
        if self.has(COMMENTS):
            ch = self.peek_past_whitespace(ch)
        return ch

    def read(self) -> str:
        ch = self.at(self.cursor)
        self.cursor += 1
        if self.has(COMMENTS):
            ch = self.parse_past_whitespace(ch)
        return ch

    def next(self) -> str:
        self.cursor += 1
        ch = self.at(self.cursor)
        if self.has(COMMENTS):
            ch = self.peek_past_whitespace(ch)
        return ch

    def next_escaped(self) -> str:
        self.cursor += 1
        return self.at(self.cursor)

    def skip(self) -> str:
        ch = self.at(self.cursor + 1)
        self.cursor += 2
        return ch

    def unread(self) -> None:
        self.cursor -= 1

    def peek_past_whitespace(self, ch: str) -> str:
        while ch and (ch in " \t\n\x0b\f\r" or ch == "#"):
            while ch and ch in " \t\n\x0b\f\r":
                self.cursor += 1
                ch = self.at(self.cursor)
            if ch == "#":
                ch = self.peek_past_line()
        return ch

    def parse_past_whitespace(self, ch: str) -> str:
        while ch and (ch in " \t\n\x0b\f\r" or ch == "#"):
            while ch and ch in " \t\n\x0b\f\r":
                ch = self.at(self.cursor)
                self.cursor += 1
            if ch == "#":
                ch = self.parse_past_line()
        return ch

    def peek_past_line(self) -> str:
        self.cursor += 1
        ch = self.at(self.cursor)
        while ch and not self.is_line_separator(ch):
            self.cursor += 1
            ch = self.at(self.cursor)
        return ch

    def parse_past_line(self) -> str:
        ch = self.at(self.cursor)
        self.cursor += 1
        while ch and not self.is_line_separator(ch):
            ch = self.at(self.cursor)
            self.cursor += 1
        return ch

    def is_line_separator(self, ch: str) -> bool:
        if self.has(UNIX_LINES):
            return ch == "\n"
        return ch in "\n\r\u0085\u2028\u2029"

    def accept(self, expected: str, message: str) -> None:
        ch = self.at(self.cursor)
        self.cursor += 1
        if self.has(COMMENTS):
            ch = self.parse_past_whitespace(ch)
        if ch != expected:
            raise self.error(message)

    # -- structure -------------------------------------------------------------------------

    def compile(self) -> _Frag:
        root = self.expr()
        if self.cursor != self.length:
            if self.peek() == ")":
                raise self.error("Unmatched closing ')'")
            raise self.error("Unexpected internal error")
        return root

    def expr(self) -> _Frag:
        branches = []
        while True:
            branches.append(self.sequence())
            if self.peek() != "|":
                break
            self.next()
        if len(branches) == 1:
            return branches[0]
        maxes = [b.max_len for b in branches]
        max_len = None if None in maxes else max(maxes)  # Java compares the wrapped values
        return _Frag("|".join(b.text for b in branches), "other", max_len, False,
                     min(b.min_len for b in branches))

    def sequence(self) -> _Frag:
        parts: list[_Frag] = []
        while True:
            ch = self.peek()
            if ch == "(":
                node = self.group0()
                if node is None:
                    continue
            elif ch == "[":
                node = _char(self.clazz(True))
            elif ch == "\\":
                ch = self.next_escaped()
                if ch in ("p", "P"):
                    node = self.property_atom(ch == "P")
                else:
                    self.unread()
                    node = self.atom()
            elif ch == "^":
                self.next()
                if self.has(MULTILINE):
                    node = _Frag(_UNIX_CARET if self.has(UNIX_LINES) else _CARET)
                else:
                    node = _Frag(r"\A")
            elif ch == "$":
                self.next()
                node = _Frag(self.dollar(self.has(MULTILINE)))
            elif ch == ".":
                self.next()
                if self.has(DOTALL):
                    node = _char(_ANY)
                else:
                    node = _char(_UNIX_DOT if self.has(UNIX_LINES) else _DOT)
            elif ch in ("|", ")"):
                break
            elif ch in ("?", "*", "+"):
                self.next()
                raise self.error(f"Dangling meta character '{ch}'")
            elif ch == "" and self.cursor >= self.length:
                break
            else:
                node = self.atom()
            parts.append(self.closure(node))
        if not parts:
            return _EMPTY
        if len(parts) == 1:
            return parts[0]
        return _Frag("".join(p.text for p in parts), "other", _sum_max(parts), all(p.det for p in parts),
                     sum(p.min_len for p in parts))

    def dollar(self, multiline: bool) -> str:
        if self.has(UNIX_LINES):
            return _UNIX_DOLLAR_MULTI if multiline else _UNIX_DOLLAR
        return _DOLLAR_MULTI if multiline else _DOLLAR

    def atom(self) -> _Frag:
        """A run of literal characters (Java's slice), or one escape that is not a literal."""
        chars: list[int] = []
        prev = -1
        ch = self.peek()
        while True:
            if ch in ("*", "+", "?", "{"):
                if len(chars) > 1:  # the quantifier applies to the last character only
                    self.cursor = prev
                    chars.pop()
                break
            if ch in ("$", ".", "^", "(", "[", "|", ")"):
                break
            if ch == "\\":
                ch = self.next_escaped()
                if ch in ("p", "P"):
                    if chars:
                        self.unread()
                        break
                    return self.property_atom(ch == "P")
                self.unread()
                prev = self.cursor
                literal, node = self.escape(False, False)
                if literal is not None:
                    chars.append(literal)
                    ch = self.peek()
                    continue
                if not chars:
                    return node
                self.cursor = prev  # a meta escape ends the slice; sequence() reads it again
                break
            if ch == "" and self.cursor >= self.length:
                break
            prev = self.cursor
            chars.append(ord(ch))
            ch = self.next()
        if not chars:
            return _EMPTY
        text = "".join(_literal(cp, self.flags) for cp in chars)
        return _Frag(text, "char" if len(chars) == 1 else "other", len(chars), min_len=len(chars))

    def property_atom(self, complement: bool) -> _Frag:
        ch = self.next()
        one_letter = ch != "{"
        if one_letter:
            self.unread()
        prop = self.family(one_letter)
        return _char(_negate(prop) if complement else prop)

    def closure(self, node: _Frag) -> _Frag:
        ch = self.peek()
        if ch == "?":
            ch = self.next()
            suffix = "?"
            if ch in ("?", "+"):
                suffix += ch
                self.next()
            return self.quantified(node, suffix, node.max_len, 0)  # Ques
        if ch in ("*", "+"):
            suffix, cmin = ch, 0 if ch == "*" else 1
            ch = self.next()
            if ch in ("?", "+"):
                suffix += ch
                self.next()
            if node.kind == "char" and len(suffix) == 1:  # Java's CharPropertyGreedy adds MAX_REPS
                return self.quantified(node, suffix, MAX_REPS, cmin)
            return self.quantified(node, suffix, self.curly_max(node, MAX_REPS), cmin)
        if ch == "{":
            return self.counted(node)
        return node

    def counted(self, node: _Frag) -> _Frag:
        ch = self.skip()
        if not _is_digit(ch):
            raise self.error("Illegal repetition")
        cmin = 0
        while True:
            cmin = self.add_digit(cmin, ch)
            ch = self.read()
            if not _is_digit(ch):
                break
        cmax = cmin
        if ch == ",":
            ch = self.read()
            cmax = MAX_REPS
            if ch != "}":
                cmax = 0
                while _is_digit(ch):
                    cmax = self.add_digit(cmax, ch)
                    ch = self.read()
        if ch != "}":
            raise self.error("Unclosed counted closure")
        if cmax < cmin:
            raise self.error("Illegal repetition range")
        suffix = "{%d}" % cmin if cmin == cmax else "{%d,}" % cmin if cmax == MAX_REPS else "{%d,%d}" % (cmin, cmax)
        ch = self.peek()
        if ch in ("?", "+"):
            suffix += ch
            self.next()
        return self.quantified(node, suffix, self.curly_max(node, cmax), cmin)

    def add_digit(self, value: int, digit: str) -> int:
        value = value * 10 + int(digit)
        if value > MAX_REPS:  # Math.multiplyExact/addExact overflow
            raise self.error("Illegal repetition range")
        return value

    @staticmethod
    def curly_max(node: _Frag, cmax: int) -> int | None:
        """Curly/GroupCurly.study: atom length times cmax, invalid when the product overflows."""
        if node.max_len is None or node.kind == "group" and not node.det:
            return None  # a Loop node: Java cannot bound it
        product = _wrap32(node.max_len * cmax)
        return None if product < 0 else product

    @staticmethod
    def quantified(node: _Frag, suffix: str, max_len: int | None, cmin: int) -> _Frag:
        if node.kind == "empty":
            return _EMPTY
        text = node.text if node.kind in ("char", "group") else "(?:" + node.text + ")"
        return _Frag(text + suffix, "other", max_len, False, node.min_len * cmin)

    # -- groups ----------------------------------------------------------------------------

    def group0(self) -> _Frag | None:
        saved_flags = self.flags
        ch = self.next()
        if ch == "?":
            ch = self.skip()
            if ch == ":":
                body = self.expr()
                node = _Frag("(?:" + body.text + ")", "group", body.max_len, body.det, body.min_len)
            elif ch in ("=", "!"):
                body = self.expr()
                node = _Frag("(?" + ch + body.text + ")")
            elif ch == ">":
                body = self.expr()
                node = _Frag("(?>" + body.text + ")", "group", body.max_len, body.det, body.min_len)
            elif ch == "<":
                ch = self.read()
                if ch not in ("=", "!"):
                    name = self.groupname(ch)
                    if name in self.group_names:
                        raise self.error(f"Named capturing group <{name}> is already defined")
                    self.groups_opened += 1
                    self.group_names[name] = self.groups_opened
                    body = self.expr()
                    node = _Frag(f"(?P<{name}>" + body.text + ")", "group", body.max_len, body.det, body.min_len)
                else:
                    body = self.expr()
                    node = self.look_behind(ch, body)
            elif ch in ("$", "@"):
                raise self.error("Unknown group type")
            else:
                self.unread()
                self.add_flags()
                ch = self.read()
                if ch == ")":
                    return None  # (?i) alone: the flags stay on until the enclosing group ends
                if ch != ":":
                    raise self.error("Unknown inline modifier")
                body = self.expr()
                node = _Frag("(?:" + body.text + ")", "group", body.max_len, body.det, body.min_len)
        else:
            self.groups_opened += 1
            body = self.expr()
            node = _Frag("(" + body.text + ")", "group", body.max_len, body.det, body.min_len)
        self.accept(")", "Unclosed group")
        self.flags = saved_flags
        return node

    def look_behind(self, kind: str, body: _Frag) -> _Frag:
        if body.max_len is None:
            raise self.error("Look-behind group does not have an obvious maximum length")
        # Java scans start positions from i - maxLength; an overflowed (negative) maxLength
        # leaves no position to try, except -2^31 which overflows once more into "anywhere".
        if -2**31 + 2**30 < body.max_len < 0:
            return _Frag(_NOTHING if kind == "=" else "")
        return _Frag("(?<" + kind + body.text + ")")

    def groupname(self, ch: str) -> str:
        if not (ch.isascii() and ch.isalpha()):
            raise self.error("capturing group name does not start with a Latin letter")
        name = ""
        while ch.isascii() and ch.isalnum():
            name += ch
            ch = self.read()
        if ch != ">":
            raise self.error("named capturing group is missing trailing '>'")
        return name

    def add_flags(self) -> None:
        ch = self.peek()
        adding = True
        while True:
            if ch == "-" and adding:
                adding = False
            elif ch in _INLINE_FLAGS:
                if adding:
                    self.flags |= _INLINE_FLAGS[ch]
                else:
                    self.flags &= ~_INLINE_FLAGS[ch]
            else:
                return
            ch = self.next()

    # -- escapes ---------------------------------------------------------------------------

    def escape(self, in_class: bool, is_range: bool) -> tuple[int | None, _Frag | None]:
        """Read the escape at the cursor (a backslash): (code point, None) or (None, fragment)."""
        ch = self.skip()
        unicode_classes = self.has(UNICODE_CHARACTER_CLASS)
        simple = {"a": 7, "e": 27, "f": 12, "n": 10, "r": 13, "t": 9}
        if ch in simple:
            return simple[ch], None
        if ch == "0":
            return self.octal(), None
        if ch and ch in "123456789":
            if in_class:
                raise self.error("Illegal/unsupported escape sequence")
            return None, self.backref(int(ch))
        classes = {
            "d": r"\p{Nd}" if unicode_classes else _ASCII_DIGIT,
            "w": _UNICODE_WORD if unicode_classes else _ASCII_WORD,
            "s": r"\p{White_Space}" if unicode_classes else _ASCII_SPACE,
            "h": _HORIZONTAL_SPACE, "v": _VERTICAL_SPACE,
        }
        if ch == "v" and is_range:
            return 0x0B, None
        if ch in classes:
            return None, _char(classes[ch])
        if ch and ch.lower() in classes and ch.isupper():
            return None, _char(_negate(classes[ch.lower()]))
        if ch == "x":
            return self.hex_escape(), None
        if ch == "u":
            return self.unicode_escape(), None
        if ch == "c":
            if self.cursor < self.length:
                return ord(self.read()) ^ 64, None
            raise self.error("Illegal control escape sequence")
        if ch == "N":
            return self.named_char(), None
        if not in_class:
            anchors = {"A": r"\A", "z": r"\Z", "G": r"\G"}
            if ch in anchors:
                return None, _Frag(anchors[ch])
            if ch == "R":
                return None, _Frag(_LINEBREAK, "group", 2, min_len=1)
            if ch == "X":
                return None, _Frag(r"\X", "other", 0, False, 1)  # XGrapheme.study leaves maxLength alone
            if ch == "Z":
                return None, _Frag(self.dollar(False))
            if ch == "b":
                if self.at(self.cursor) == "{" and self.at(self.cursor + 1) == "g":
                    # \b{g}, the grapheme boundary, has no regex counterpart; \b{2} is \b quantified
                    self.cursor += 2
                    raise self.error("Illegal/unsupported escape sequence")
                return None, _Frag(self.word_boundary(True))
            if ch == "B":
                return None, _Frag(self.word_boundary(False))
            if ch == "k":
                return None, self.named_backref()
        if ch == "":
            raise self.error("Unexpected internal error")
        if ch.isascii() and ch.isalpha():
            raise self.error("Illegal/unsupported escape sequence")
        return ord(ch), None

    def word_boundary(self, at_boundary: bool) -> str:
        """Java's Bound: a non-spacing mark after a letter or digit counts as part of the word."""
        word = _UNICODE_WORD if self.has(UNICODE_CHARACTER_CLASS) else _BOUND_WORD
        base = r"[\p{L}\p{Nd}]"
        left = f"{word}|{base}\\p{{Mn}}+"
        right = f"(?={word})|(?=\\p{{Mn}})(?<={base}\\p{{Mn}}*)"
        if at_boundary:
            return f"(?:(?<={left})(?!{right})|(?<!{left})(?:{right}))"
        return f"(?:(?<={left})(?:{right})|(?<!{left})(?!{right}))"

    def backref(self, number: int) -> _Frag:
        # More digits belong to the reference only while they name an existing group.
        while True:
            ch = self.peek()
            if not (ch.isascii() and ch.isdigit()):
                break
            candidate = number * 10 + int(ch)
            if candidate > self.groups_opened:
                break
            number = candidate
            self.read()
        return self.backref_frag(f"\\{number}", number <= self.groups_opened)

    def named_backref(self) -> _Frag:
        if self.read() != "<":
            raise self.error("\\k is not followed by '<' for named capturing group")
        name = self.groupname(self.read())
        if name not in self.group_names:
            raise self.error(f"named capturing group <{name}> does not exist")
        return self.backref_frag(f"(?P={name})", True)

    def backref_frag(self, reference: str, exists: bool) -> _Frag:
        if not exists:
            return _Frag(_NOTHING, "char", None, min_len=1)  # Java: a group never set fails the reference
        if self.has(CASE_INSENSITIVE):
            return _Frag(f"(?i-f:{reference})", "group", None)
        return _Frag(f"(?:{reference})", "group", None)

    def octal(self) -> int:
        n = self.read()
        if n and "0" <= n <= "7":
            m = self.read()
            if m and "0" <= m <= "7":
                o = self.read()
                if o and "0" <= o <= "7" and n <= "3":
                    return int(n + m + o, 8)
                self.unread()
                return int(n + m, 8)
            self.unread()
            return int(n, 8)
        raise self.error("Illegal octal escape sequence")

    def hex_escape(self) -> int:
        n = self.read()
        if _is_hex(n):
            m = self.read()
            if _is_hex(m):
                return int(n + m, 16)
        elif n == "{" and _is_hex(self.peek()):
            value = 0
            while True:
                n = self.read()
                if not _is_hex(n):
                    break
                value = value * 16 + int(n, 16)
                if value > 0x10FFFF:
                    raise self.error("Hexadecimal codepoint is too big")
            if n != "}":
                raise self.error("Unclosed hexadecimal escape sequence")
            return value
        raise self.error("Illegal hexadecimal escape sequence")

    def unicode_escape(self) -> int:
        value = self.uxxxx()
        if 0xD800 <= value <= 0xDBFF:  # a \\uD83D\\uDE00 pair is one code point
            saved = self.cursor
            if self.read() == "\\" and self.read() == "u":
                low = self.uxxxx()
                if 0xDC00 <= low <= 0xDFFF:
                    return 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            self.cursor = saved
        return value

    def uxxxx(self) -> int:
        value = 0
        for _ in range(4):
            ch = self.read()
            if not _is_hex(ch):
                raise self.error("Illegal Unicode escape sequence")
            value = value * 16 + int(ch, 16)
        return value

    def named_char(self) -> int:
        if self.read() != "{":
            raise self.error("Illegal character name escape sequence")
        start = self.cursor
        while self.read() != "}":
            if self.cursor >= self.length:
                raise self.error("Unclosed character name escape sequence")
        name = self.temp[start:self.cursor - 1]
        try:
            return ord(unicodedata.lookup(name))
        except KeyError:
            raise self.error(f"Unknown character name [{name}]") from None

    # -- character classes -----------------------------------------------------------------

    def clazz(self, consume: bool) -> str:
        """A character class as a regex VERSION1 set; mirrors Pattern.clazz (Java 9+ semantics)."""
        prev: str | None = None
        bits: list[str] = []
        has_bits = False
        negated = False
        ch = self.next()
        if ch == "^" and self.at(self.cursor - 1) == "[":
            ch = self.next()
            negated = True
        while True:
            if ch == "[":
                current = self.clazz(True)
                prev = current if prev is None else _union(prev, current)
                ch = self.peek()
                continue
            if ch == "&":
                ch = self.next()
                if ch == "&":
                    ch = self.next()
                    right = None
                    while ch not in ("]", "&"):
                        if ch == "[":
                            nested = self.clazz(True)
                            right = nested if right is None else _union(right, nested)
                        else:  # abc&&def
                            self.unread()
                            operand = self.clazz(False)
                            right = operand if right is None else _union(right, operand)
                        ch = self.peek()
                    current = None
                    if has_bits:  # characters before && form one operand
                        bitset = "[" + "".join(bits) + "]"
                        if prev is None:
                            prev = current = bitset
                        else:
                            prev = _union(prev, bitset)
                        bits, has_bits = [], False
                    if right is not None:
                        current = right
                    if prev is None:
                        if right is None:
                            raise self.error("Bad class syntax")
                        prev = right
                    else:
                        prev = "[" + prev + "&&" + (current if current is not None else prev) + "]"
                    continue
                self.unread()  # a single & is literal
            elif ch == "" and self.cursor >= self.length:
                raise self.error("Unclosed character class")
            elif ch == "]" and (prev is not None or has_bits):
                if consume:
                    self.next()
                if prev is None:
                    result = "[" + "".join(bits) + "]"
                elif has_bits:
                    result = _union(prev, "[" + "".join(bits) + "]")
                else:
                    result = prev
                return _negate(result) if negated else result
            kind, item = self.range()
            if kind == "bits":
                bits.append(item)
                has_bits = True
            else:
                prev = item if prev is None else _union(prev, item)
            ch = self.peek()

    def range(self) -> tuple[str, str]:
        """One class member: ("bits", members) for single characters, ("set", set) otherwise."""
        ch = self.peek()
        if ch == "\\":
            ch = self.next_escaped()
            if ch in ("p", "P"):
                complement = ch == "P"
                ch = self.next()
                one_letter = ch != "{"
                if one_letter:
                    self.unread()
                prop = self.family(one_letter)
                return "set", _negate(prop) if complement else prop
            is_range = self.at(self.cursor + 1) == "-"
            self.unread()
            literal, node = self.escape(True, is_range)
            if literal is None:
                return "set", node.text if node.text.startswith("[") else "[" + node.text + "]"
            low = literal
        else:
            self.next()
            low = ord(ch)
        if self.peek() == "-":
            end = self.at(self.cursor + 1)
            if end == "[":
                return "bits", _range_item(low, low, self.flags)
            if end != "]":
                self.next()
                m = self.peek()
                if m == "\\":
                    high, node = self.escape(True, True)
                    if high is None:
                        raise self.error("Illegal character range")
                else:
                    self.next()
                    high = ord(m) if m else 0
                if high < low:
                    raise self.error("Illegal character range")
                return "set", "[" + _range_item(low, high, self.flags) + "]"
        return "bits", _range_item(low, low, self.flags)

    def family(self, one_letter: bool) -> str:
        """\\p{name}: a property as a set (or \\p{..} escape) in regex syntax."""
        self.next()
        if one_letter:
            name = self.at(self.cursor)
            self.read()
        else:
            start = self.cursor
            end = self.temp.find("}", start)
            if end < 0:
                self.cursor = self.length + 1
                raise self.error("Unclosed character family")
            self.cursor = end + 1
            if start + 1 > end:
                raise self.error("Empty character family")
            name = self.temp[start:end]
        case_insensitive = self.has(CASE_INSENSITIVE)
        if "=" in name:
            key, _, value = name.partition("=")
            key = key.lower()
            prop = None
            if key in ("sc", "script"):
                prop = _script(value)
            elif key in ("blk", "block"):
                prop = _block(value)
            elif key in ("gc", "general_category"):
                prop = _java_property(value, case_insensitive)
            if prop is None:
                raise self.error(f"Unknown Unicode property {{name=<{key}>, value=<{value}>}}")
            return prop
        prop = None
        if name.startswith("In"):
            prop = _block(name[2:])
        elif name.startswith("Is"):
            short = name[2:]
            prop = (_unicode_property(short, case_insensitive) or _java_property(short, case_insensitive)
                    or _script(short))
        else:
            if self.has(UNICODE_CHARACTER_CLASS):
                prop = _UNICODE_POSIX.get(name)
            if prop is None:
                prop = _java_property(name, case_insensitive)
        if prop is None:
            raise self.error(f"Unknown character property name {{{name}}}")
        return prop


def _union(left: str, right: str) -> str:
    return "[" + left + right + "]"


def _is_digit(ch: str) -> bool:
    return bool(ch) and "0" <= ch <= "9"


def _is_hex(ch: str) -> bool:
    return bool(ch) and ch in "0123456789abcdefABCDEF"


def _java_property(name: str, case_insensitive: bool) -> str | None:
    if case_insensitive:
        if name in ("Lu", "Ll", "Lt"):
            return _CASED_CATEGORIES
        if name in ("Lower", "Upper"):
            return _POSIX["Alpha"]
        if name in ("javaLowerCase", "javaUpperCase", "javaTitleCase"):
            return _CASED
    if name in _CATEGORIES:
        return "\\p{" + name + "}"
    return _POSIX.get(name) or _JAVA_PROPERTIES.get(name)


def _unicode_property(name: str, case_insensitive: bool) -> str | None:
    key = name.upper()
    if case_insensitive and key in ("LOWERCASE", "UPPERCASE", "TITLECASE"):
        return _CASED
    return _UNICODE_PROPERTIES.get(key)


def _valid_property(text: str) -> bool:
    try:
        regex.compile(text, flags=regex.V1)
        return True
    except regex.error:
        return False


def _script(name: str) -> str | None:
    if not regex.fullmatch(r"[A-Za-z]+(?:_[A-Za-z]+)*", name):
        return None
    text = "\\p{Script=" + name + "}"
    return text if _valid_property(text) else None


def _block(name: str) -> str | None:
    if not regex.fullmatch(r"[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*", name):
        return None
    text = "\\p{Block=" + name + "}"
    return text if _valid_property(text) else None


def _remove_qe_quoting(pattern: str) -> str:
    """Replace \\Q...\\E by escaped literals, as Pattern.RemoveQEQuoting does before parsing."""
    if "\\Q" not in pattern:
        return pattern
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        if pattern[i + 1] != "Q":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        end = pattern.find("\\E", i + 2)
        quoted = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
        for c in quoted:
            if not c.isascii() or c.isalpha():
                out.append(c)
            elif c.isdigit():
                out.append("\\x3" + c)  # keeps a digit from extending a preceding escape
            else:
                out.append("\\" + c)
        i = n if end < 0 else end + 2
    return "".join(out)


def pattern_syntax_error(description: str, pattern: str, index: int) -> JavaException:
    """PatternSyntaxException with Java's getMessage() text (description, index, caret line)."""
    message = description
    if index >= 0:
        message += f" near index {index}"
    message += "\n" + pattern
    if 0 <= index < len(pattern):
        message += "\n" + " " * index + "^"
    return JavaException(_PATTERN_SYNTAX, message)


# ---------------------------------------------------------------------------------------------
# Compiled patterns and the operations String uses


@dataclass(frozen=True)
class JavaPattern:
    """A compiled Java pattern: the regex object plus what replacement parsing needs."""

    source: str
    compiled: regex.Pattern
    group_count: int
    group_names: dict
    never_empty: bool  # no match can be empty


@functools.lru_cache(maxsize=1024)
def compile_java(pattern: str, flags: int = 0) -> JavaPattern:
    """Compile a java.util.regex pattern (cached). Raises JavaException(PatternSyntaxException)."""
    translator = _Translator(pattern, flags)
    root = translator.compile()
    try:
        compiled = regex.compile(root.text, flags=regex.V1)
    except regex.error as problem:  # something Java accepts that the translation cannot express
        raise pattern_syntax_error(str(problem), pattern, -1) from None
    return JavaPattern(pattern, compiled, translator.groups_opened, dict(translator.group_names),
                       root.min_len > 0)


def _timed_out() -> JavaException:
    return JavaException("java.lang.RuntimeException",
                         f"regular expression evaluation exceeded {REGEX_TIMEOUT_SECONDS} s")


# Positions in the searched text are (code point index, half): half is 1 in the middle of an
# astral character, between its two UTF-16 surrogates. Java's Matcher works on UTF-16 units and,
# after an empty match just before an astral character, resumes the search there (so
# "a😀".split("") cuts the emoji in two); these positions let the scan do the same.
Position = tuple[int, int]


class Found:
    """One Matcher.find() result: its bounds as positions, and its groups."""

    __slots__ = ("start", "end", "match")

    def __init__(self, start: Position, end: Position, match: regex.Match):
        self.start, self.end, self.match = start, end, match

    def group(self, number: int | str = 0) -> str | None:
        return self.match.group(number)


def _high_low(ch: str) -> tuple[str, str]:
    offset = ord(ch) - 0x10000
    return chr(0xD800 + (offset >> 10)), chr(0xDC00 + (offset & 0x3FF))


def slice_text(text: str, start: Position, end: Position) -> str:
    """text between two positions; a position inside an astral character cuts it in two."""
    (a, a_half), (b, b_half) = start, end
    if (a, a_half) >= (b, b_half):
        return ""
    head = ""
    if a_half:
        head = _high_low(text[a])[1]
        a += 1
    tail = _high_low(text[b])[0] if b_half else ""
    return head + text[a:b] + tail


def _step(text: str, position: Position) -> Position:
    """One UTF-16 unit further."""
    index, half = position
    if not half and index < len(text) and ord(text[index]) > 0xFFFF:
        return index, 1
    return index + 1, 0


def java_find_all(text: str, pattern: str | JavaPattern) -> Iterator[Found]:
    """Successive Matcher.find() results: after an empty match the next search starts one
    UTF-16 unit further (possibly inside an astral character).

    The whole scan shares one time budget, so a pattern that backtracks badly at every
    position cannot multiply the limit by the length of the text.
    """
    java_pattern = pattern if isinstance(pattern, JavaPattern) else compile_java(pattern)
    compiled = java_pattern.compiled
    if java_pattern.never_empty:
        # Without empty matches Java's loop is the plain leftmost, non-overlapping scan.
        try:
            for match in compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
                yield Found((match.start(), 0), (match.end(), 0), match)
        except TimeoutError:
            raise _timed_out() from None
        return
    deadline = time.monotonic() + REGEX_TIMEOUT_SECONDS
    first: Position | None = None
    last: Position = (0, 0)
    length = len(text)

    def call(function, *args):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timed_out()
        try:
            return function(*args, timeout=remaining)
        except TimeoutError:
            raise _timed_out() from None

    while True:
        start = _step(text, last) if last == first else last
        if start > (length, 0):
            return
        found = None
        index, half = start
        if half:  # Java reads the low surrogate alone here: try a match starting at it
            high, low = _high_low(text[index])
            split = text[:index] + high + low + text[index + 1:]
            match = call(compiled.match, split, index + 1)
            if match is not None:
                def unsplit(position: int) -> Position:
                    return (position, 0) if position <= index else (index, 1) if position == index + 1 \
                        else (position - 1, 0)
                found = Found(unsplit(match.start()), unsplit(match.end()), match)
            else:
                index += 1
        if found is None:
            match = call(compiled.search, text, index)
            if match is None:
                return
            found = Found((match.start(), 0), (match.end(), 0), match)
        yield found
        first, last = found.start, found.end


def java_matches(text: str, pattern: str) -> bool:
    """String.matches: the whole string must match."""
    try:
        return compile_java(pattern).compiled.fullmatch(text, timeout=REGEX_TIMEOUT_SECONDS) is not None
    except TimeoutError:
        raise _timed_out() from None


def java_replace_all(text: str, pattern: str, replacement: str | None) -> str:
    return _replace(text, compile_java(pattern), replacement, limit=None)


def java_replace_first(text: str, pattern: str, replacement: str | None) -> str:
    return _replace(text, compile_java(pattern), replacement, limit=1)


def _replace(text: str, java_pattern: JavaPattern, replacement: str | None, limit: int | None) -> str:
    out: list[str] = []
    append_position: Position = (0, 0)
    template = None
    for count, found in enumerate(java_find_all(text, java_pattern), 1):
        if template is None:
            if replacement is None:  # Java 17's two methods word it differently
                message = "replacement" if limit == 1 else 'Cannot invoke "String.length()" because "replacement" is null'
                raise JavaException("java.lang.NullPointerException", message)
            template = parse_replacement(replacement, java_pattern)  # Java parses at the first match
        out.append(slice_text(text, append_position, found.start))
        for piece in template:
            if isinstance(piece, str):
                out.append(piece)
            else:
                group = found.group(piece)
                if group is not None:
                    out.append(group)
        append_position = found.end
        if limit is not None and count >= limit:
            break
    if template is None:
        return text
    out.append(slice_text(text, append_position, (len(text), 0)))
    return "".join(out)


def parse_replacement(replacement: str, java_pattern: JavaPattern) -> list[str | int]:
    """Matcher.appendExpandedReplacement: literal text and group numbers ($1, ${name}, \\x escapes)."""
    pieces: list[str | int] = []
    literal: list[str] = []
    cursor, n = 0, len(replacement)

    def illegal(message: str) -> JavaException:
        return JavaException("java.lang.IllegalArgumentException", message)

    while cursor < n:
        ch = replacement[cursor]
        if ch == "\\":
            cursor += 1
            if cursor == n:
                raise illegal("character to be escaped is missing")
            literal.append(replacement[cursor])
            cursor += 1
        elif ch == "$":
            cursor += 1
            if cursor == n:
                raise illegal("Illegal group reference: group index is missing")
            ch = replacement[cursor]
            if ch == "{":
                cursor += 1
                name = ""
                while cursor < n and replacement[cursor].isascii() and replacement[cursor].isalnum():
                    name += replacement[cursor]
                    cursor += 1
                if not name:
                    raise illegal("named capturing group has 0 length name")
                if cursor >= n or replacement[cursor] != "}":
                    raise illegal("named capturing group is missing trailing '}'")
                if name[0].isdigit():
                    raise illegal(f"capturing group name {{{name}}} starts with digit character")
                if name not in java_pattern.group_names:
                    raise illegal(f"No group with name {{{name}}}")
                number = java_pattern.group_names[name]
                cursor += 1
            else:
                if not ("0" <= ch <= "9"):
                    raise illegal("Illegal group reference")
                number = int(ch)
                cursor += 1
                # Further digits extend the number while it stays a valid group.
                while cursor < n and "0" <= replacement[cursor] <= "9":
                    candidate = number * 10 + int(replacement[cursor])
                    if candidate > java_pattern.group_count:
                        break
                    number = candidate
                    cursor += 1
            if number > java_pattern.group_count:
                raise JavaException("java.lang.IndexOutOfBoundsException", f"No group {number}")
            if literal:
                pieces.append("".join(literal))
                literal = []
            pieces.append(number)
        else:
            literal.append(ch)
            cursor += 1
    if literal:
        pieces.append("".join(literal))
    return pieces


def java_split(text: str, pattern: str, limit: int = 0) -> list[str]:
    """Pattern.split(input, limit) as String.split uses it (Java 8+ rules)."""
    java_pattern = compile_java(pattern)
    index: Position = (0, 0)
    limited = limit > 0
    parts: list[str] = []
    for found in java_find_all(text, java_pattern):
        if not limited or len(parts) < limit - 1:
            if index == (0, 0) and found.start == (0, 0) and found.end == (0, 0):
                continue  # no leading empty string for a zero-width match at the beginning
            parts.append(slice_text(text, index, found.start))
            index = found.end
        elif len(parts) == limit - 1:
            parts.append(slice_text(text, index, (len(text), 0)))
            index = found.end
            break
    if index == (0, 0):
        return [text]
    if not limited or len(parts) < limit:
        parts.append(slice_text(text, index, (len(text), 0)))
    if limit == 0:
        while parts and parts[-1] == "":
            parts.pop()
    return parts
