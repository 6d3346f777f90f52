"""The parser's fast loop (Lark's LALR table run by vtl.parser._fast_parse) against Lark's own
loop, which also reports every syntax error; and the lexer's one-token simple references."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest

from vtl import VTLSyntaxError
from vtl import nodes as n
from vtl import lexer, parser
from vtl.engine import Template
from vtl.lexer import Scanner

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def corpus_templates() -> list[str]:
    templates = []
    for name in ("velocity.jsonl", "velocity-methods.jsonl", "apigateway.jsonl"):
        with open(CORPUS / name, encoding="utf-8") as lines:
            templates += [case["template"] for case in map(json.loads, filter(str.strip, lines)) if "template" in case]
    return list(dict.fromkeys(templates))


def lark_only(monkeypatch) -> None:
    """Parse with Lark's own loop only (what the fast loop falls back to on an error)."""
    def retry(source, origin):
        raise parser._Retry
    monkeypatch.setattr(parser, "_fast_parse", retry)


def outcome(source: str):
    try:
        return parser.parse(source, "t.vtl")
    except VTLSyntaxError as error:
        return (error.message, error.line, error.column, str(error))


def test_fast_loop_builds_what_larks_loop_builds(monkeypatch):
    sources = corpus_templates()
    # and some broken ones: the fast loop leaves those to Lark, which must see the same
    sources += [source[:cut] for source in sources[:150] for cut in (len(source) // 2, len(source) - 1)]
    fast = [outcome(source) for source in sources]
    lark_only(monkeypatch)
    slow = [outcome(source) for source in sources]
    assert sum(isinstance(result, n.Template) for result in fast) > 500
    for source, mine, larks in zip(sources, fast, slow):
        assert mine == larks, source


@pytest.mark.parametrize("source, line, column, message", [
    # an unexpected simple reference shows its '$', as a REF_OPEN token does
    ("#if(true $a.b)", 1, 10, "Encountered '$'; expected one of: '&&', ')', '=='"),
    ("#if(true $!a)", 1, 10, "Encountered '$!'; expected one of:"),
    # a syntax error before a lexical error is the one reported (the lexer runs ahead)
    ("#if(true x) $", 1, 10, "Encountered 'x'"),
    ("$a.b(\n", 2, 1, "Encountered <EOF>: expected ')'"),
    ('#set($a = "x#if(")', 1, 17, "Encountered <EOF>: expected ')'"),
])
def test_syntax_errors_keep_their_position_and_message(source, line, column, message):
    with pytest.raises(VTLSyntaxError) as caught:
        parser.parse(source)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.message.startswith(message)


def test_a_simple_reference_is_one_token_with_the_positions_of_its_parts():
    tokens = Scanner("x $!a.b-c.d\n  $b $c.d() ${e.f}").scan()
    assert [(token.type, token.value) for token in tokens][:4] == [
        ("TEXT", "x "), ("REF_SIMPLE", "$!a.b-c.d"), ("TEXT", "\n  "), ("REF_SIMPLE", "$b")]
    assert "REF_OPEN" in [token.type for token in tokens] and "REF_BRACE_OPEN" in [token.type for token in tokens]
    block = parser.parse("x $!a.b-c.d\n  $b").body
    assert block.statements[1] == n.Reference((1, 3), "a", (n.Property((1, 6), "b-c"), n.Property((1, 10), "d")),
                                              True, False, 0, "$!a.b-c.d")
    assert block.statements[3] == n.Reference((2, 3), "b", (), False, False, 0, "$b")


def test_one_token_references_build_what_the_token_by_token_ones_build(monkeypatch):
    """REF_SIMPLE is a shortcut: without it (REF_OPEN, REF_NAME, DOT_NAME...) the AST is the same."""
    sources = corpus_templates() + ["$a.b.c(1)", "$a.b[0].c", "$a.b.c(", "$a.b{c}", "$a.b}", "\\$a.b", "\\\\$a.b",
                                    "#foreach($a.b $c)#end", '#set($m = {"k": $v.w})$m.k', "$!a-b.c-d\r\n$e"]
    shortcut = [outcome(source) for source in sources]
    monkeypatch.setattr(lexer, "SIMPLE_REFERENCE", re.compile(r"(?!)"))
    assert "REF_SIMPLE" not in [token.type for token in Scanner("$a.b").scan()]
    for source, expected in zip(sources, shortcut):
        assert outcome(source) == expected, source


def test_set_without_arguments_is_text_and_does_not_hang():
    """'#set' not followed by '(' is text in Velocity; the lexer used to loop forever on it."""
    results: dict[str, str] = {}

    def render_all():
        for source in ("a#set b", "#set", "#{set}", "$$#set x", "$$#{set} x", "\\$$#set x", "x $$#{set}"):
            results[source] = Template(source, dialect="velocity").render({})

    worker = threading.Thread(target=render_all, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "the lexer hangs"
    # (outputs checked against Apache Velocity 1.7)
    assert results == {"a#set b": "a#set b", "#set": "#set", "#{set}": "#{set}", "$$#set x": "$$#set x",
                       "$$#{set} x": "$$#{set} x", "\\$$#set x": "\\$$#set x", "x $$#{set}": "x $$#{set}"}


def test_set_with_arguments_still_eats_a_dollar_run():
    assert Template("$$#set($a = 1)$a", dialect="velocity").render({}) == "1"


def test_the_strict_grammar_still_builds_and_the_fast_loop_runs():
    assert parser.lark_parser(strict=True) is not None
    assert parser._tables() is not None  # else every parse silently takes Lark's slower loop
