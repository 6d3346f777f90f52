"""Grammar-driven differential test: this engine against the real Apache Velocity 1.7.

Hypothesis builds templates from VTL's grammar; each example is a batch of 40 templates sent to
the oracle (../shared/oracle/velocity-oracle) in one JVM start. Skipped when the oracle or Java
is not installed. ``VTL_DIFFERENTIAL_EXAMPLES`` sets how many batches (default 12 in the suite;
Hypothesis's first examples are small, so a long hunt wants e.g. 60).
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vtl.cli import render_case

ORACLE = Path(__file__).resolve().parents[2] / "shared" / "oracle" / "velocity-oracle"
JARS_PRESENT = Path("/usr/share/java/velocity.jar").exists() and shutil.which("javac") is not None

pytestmark = pytest.mark.skipif(not (ORACLE.exists() and JARS_PRESENT),
                                reason="the Velocity oracle (Java + velocity.jar) is not installed")

CONTEXT = {
    "s": "Hello, World", "e": "", "n": 7, "neg": -3, "big": 3000000000, "d": 2.5, "t": True, "f": False,
    "l": [1, "two", 3.5, None, [4, 5]], "m": {"a": 1, "b": "B", "c": {"d": [1, 2]}, "k-k": "dash"},
    "words": ["x", "y", "z"], "nums": [3, -1, 0, 12],
}
NAMES = ["s", "e", "n", "neg", "big", "d", "t", "f", "l", "m", "words", "nums", "x", "y", "nope"]

identifiers = st.sampled_from(NAMES)
small_ints = st.integers(min_value=-20, max_value=3000000000).map(str)
floats = st.sampled_from(["0.5", "2.0", "1.5e3", "100.25", "3.0E-4", "1e7", "9999999.0", "0.001"])
plain_strings = st.text(alphabet="ab ,.-_:'", max_size=6)


def string_literal(inner):
    single = plain_strings.map(lambda text: "'" + text.replace("'", "''") + "'")
    double = st.lists(st.one_of(plain_strings.map(lambda t: t.replace("'", "")), inner), max_size=3).map(
        lambda parts: '"' + "".join(parts).replace('"', '""') + '"')
    return st.one_of(single, double)


@st.composite
def references(draw, depth=0):
    name = draw(identifiers)
    part = st.sampled_from([".a", ".b", ".c", ".d", ".size()", ".isEmpty()", ".get(0)", ".toString()", "[0]", "[-1]",
                            "[1]", ".keySet()", ".length()", ".toUpperCase()", ".trim()", ".class.simpleName"])
    if depth == 0:  # calls with an argument: a literal or a plain reference (Java overloads, nulls)
        argument = st.one_of(small_ints, floats, st.sampled_from(["'a'", "'k-k'", "''", "$nope", "$n", "$s", "$d",
                                                                  "true", "[1]"]))
        method = st.sampled_from([".get", ".contains", ".containsKey", ".indexOf", ".equals", ".substring",
                                  ".startsWith", ".concat", ".put", ".add", ".remove", ".charAt", ".compareTo"])
        method2 = st.sampled_from([".substring", ".replace", ".put", ".indexOf", ".subList", ".getOrDefault",
                                   ".add", ".set", ".split", ".replaceAll", ".equalsIgnoreCase", ".lastIndexOf"])
        part = st.one_of(part, st.tuples(method, argument).map(lambda p: f"{p[0]}({p[1]})"),
                         st.tuples(method2, argument, argument).map(lambda p: f"{p[0]}({p[1]}, {p[2]})"),
                         argument.map(lambda a: f"[{a}]"))
    parts = draw(st.lists(part, max_size=2 if depth == 0 else 1))
    quiet = draw(st.sampled_from(["", "", "!"]))
    braced = draw(st.booleans())
    body = name + "".join(parts)
    return f"${quiet}{{{body}}}" if braced else f"${quiet}{body}"


def expressions(max_depth=2):
    base = st.one_of(references(), small_ints, floats, st.sampled_from(["true", "false", "[1, 2]", "[1..3]", "[3..1]",
                                                                         '{"k": 1}', "[]", "{}", "[$n..1]",
                                                                         "[$neg..$nope]", "2147483647",
                                                                         "9223372036854775807", "-2147483648"]),
                     string_literal(references(depth=1)))
    if max_depth == 0:
        return base
    inner = expressions(max_depth - 1)
    operators = st.sampled_from([" + ", " - ", " * ", " / ", " % ", " == ", " != ", " < ", " > ", " <= ", " >= ",
                                 " && ", " || ", " and ", " or ", " eq ", " lt "])
    return st.one_of(
        base,
        st.tuples(inner, operators, inner).map("".join),
        inner.map(lambda e: f"!{e}"),
        inner.map(lambda e: f"({e})"),
    )


def statements(max_depth=2):
    text = st.sampled_from(["a", " ", "\n", "  ", "{", "}", ",", '"', "x\n  ", "\t", ": ", "$", "#", "\\", "#1", "$1",
                            "{{", "${$"])
    simple = st.one_of(
        text, text, references(),
        st.tuples(identifiers, expressions(1)).map(lambda p: f"#set(${p[0]} = {p[1]})"),
        st.tuples(st.sampled_from(["", " ", "\n"]), identifiers, expressions(1)).map(
            lambda p: f"{p[0]}#set(${p[1]} = {p[2]})\n"),
        st.tuples(identifiers, st.sampled_from(["[0]", "['k']", "[$nope]", "[$n]", ".a", "[-1]"]), expressions(0)).map(
            lambda p: f"#set(${p[0]}{p[1]} = {p[2]})"),
        st.sampled_from(["## note\n", "#* c *#", "#[[ $raw ]]#", "\\$s", "\\\\$s", "\\$nope", "#break", "$velocityCount",
                         "#evaluate('$s')", '#evaluate("#set($x = 1)$x")', "#stop", "$foreach.index", "$foreach.first",
                         "$foreach.last", "$foreach.parent.count", "$velocityHasNext", "#set($n = $n + 1)",
                         "#break($foreach)", "#break($foreach.parent)", '#set($m = {"a": $n, "b": [1, $s]})',
                         "$m.put('k', $l)", "#set($l = $m.entrySet())", "$foreach.topmost.index"]),
    )
    if max_depth == 0:
        return simple
    body = st.lists(statements(max_depth - 1), max_size=3).map("".join)
    newline = st.sampled_from(["", "\n", "  \n", " "])
    return st.one_of(
        simple,
        st.tuples(expressions(1), newline, body, newline, body).map(
            lambda p: f"#if({p[0]}){p[1]}{p[2]}#else{p[3]}{p[4]}#end"),
        st.tuples(expressions(1), newline, body, expressions(0), body).map(
            lambda p: f"#if({p[0]}){p[1]}{p[2]}#elseif({p[3]}){p[4]}#end{p[1]}"),
        st.tuples(identifiers, st.sampled_from(["$l", "$words", "$m", "[1..3]", "$nums", "$s", "$nope", "[]",
                                                "$m.keySet()", "$m.entrySet()", "$m.values()", "$l[4]"]), newline, body).map(
            lambda p: f"#foreach(${p[0]} in {p[1]}){p[2]}{p[3]}$foreach.count/$velocityCount#if($foreach.hasNext),#end#end"),
        st.tuples(body, expressions(0)).map(lambda p: f"#macro(mac $p)[{p[0]}$p]#end#mac({p[1]})"),
        st.tuples(body, expressions(0), expressions(0)).map(
            lambda p: f"#macro(mac2 $p $q)[{p[0]}$p|$q]#end#mac2({p[1]} {p[2]})"),
        st.tuples(identifiers, body).map(lambda p: f"#define(${p[0]}){p[1]}#end${p[0]}"),
    )


templates = st.lists(statements(), min_size=1, max_size=5).map("".join)


def oracle_outputs(sources: list[str]) -> list[dict]:
    payload = "".join(json.dumps({"id": str(i), "template": source, "context": CONTEXT}) + "\n"
                      for i, source in enumerate(sources))
    finished = subprocess.run([str(ORACLE), "--batch", "-"], input=payload, capture_output=True, text=True,
                              timeout=300, check=True)
    return [json.loads(line) for line in finished.stdout.splitlines()]


def _same(expected: dict, actual: dict) -> bool:
    if "error" in expected:
        return "error" in actual
    if actual.get("error", "").startswith("VTLLimitError"):
        return True  # vtl's own guards (a huge range, the render clock: docs/limits.md), not Velocity's
    return actual.get("output") == expected.get("output")


@settings(max_examples=int(os.environ.get("VTL_DIFFERENTIAL_EXAMPLES", "12")), deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.lists(templates, min_size=40, max_size=40))
def test_engine_renders_like_velocity(sources):
    expected = oracle_outputs(sources)
    mismatches = []
    for source, oracle in zip(sources, expected):
        ours = render_case({"id": oracle["id"], "template": source, "context": copy.deepcopy(CONTEXT)}, "velocity")
        if not _same(oracle, ours):
            mismatches.append((source, oracle.get("output", oracle.get("error", ""))[:200],
                               ours.get("output", ours.get("error", ""))[:200]))
    report = "\n\n".join(f"template: {s!r}\noracle:   {o!r}\nours:     {u!r}" for s, o, u in mismatches[:10])
    assert not mismatches, report
