"""AWS's limits and the engine's own guards, each answered with a typed error or AWS's behaviour."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from vtl.engine import Template
from vtl.errors import GatewayError, VTLLimitError, VTLRuntimeError


def test_apigateway_rejects_templates_over_300_kb():
    source = "x" * (300 * 1024 + 1)
    with pytest.raises(VTLLimitError, match="300 KB"):
        Template(source)
    assert Template("x" * (300 * 1024)).render() == "x" * (300 * 1024)


def test_velocity_dialect_has_no_template_size_limit():
    assert len(Template("x" * (400 * 1024), dialect="velocity").render()) == 400 * 1024


def test_foreach_stops_after_1000_iterations_in_apigateway():
    source = "#set($n = 0)#foreach($i in [1..1500])#set($n = $n + 1)#end$n"
    assert Template(source).render() == "1000"
    assert Template(source, dialect="velocity").render() == "1500"


def test_a_loop_cut_at_the_limit_never_sees_its_list_change():
    # After its 1,000th item the loop stops without asking the list for another (Velocity's
    # maxloops), so a change in that last turn goes unnoticed; one item fewer and the list is
    # asked, and throws. (A change in an earlier turn throws at the next.)
    fill = "#set($l = [])#foreach($i in [1..N])#set($x = $l.add($i))#end"
    walk = "#foreach($i in $l)#if($foreach.last)#set($x = $l.add(0))#end#end$l.size()"
    assert Template(fill.replace("N", "1000") + walk).render() == "1001"
    with pytest.raises(VTLRuntimeError, match="ConcurrentModificationException"):
        Template(fill.replace("N", "999") + walk).render()


def test_huge_range_literal_is_a_limit_error_with_position():
    with pytest.raises(VTLLimitError) as caught:
        Template("ok\n#set($r = [1..2000000000])", dialect="velocity").render()
    assert caught.value.line == 2


def test_macro_recursion_stops_at_velocitys_depth():
    with pytest.raises(VTLRuntimeError, match="depth of 20"):
        Template("#macro(down $n)#down($n)#end#down(1)").render()


def test_catastrophic_regex_answers():
    # Java backtracks exponentially here; the regex engine either answers or times out (an error).
    source = '#set($s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")$s.matches("(a+)+b")'
    try:
        assert Template(source).render() == "false"
    except VTLRuntimeError as error:
        assert "regex" in str(error).lower() or "timeout" in str(error).lower()


def test_deeply_nested_json_body_gets_json_smarts_400():
    body = "[" * 100_000 + "]" * 100_000
    with pytest.raises(GatewayError) as caught:
        Template("$input.path('$').size()").render(request={"body": body, "headers": {"Content-Type": "application/json"}})
    assert caught.value.status == 400 and "non natural depths" in caught.value.message


DEEP_TEMPLATES = {  # each nests past what the engine compiles; Velocity 1.7 renders them all
    "#if": "#if(true)" * 120 + "x" + "#end" * 120,
    "#foreach": "#foreach($i in [1])" * 25 + "x" + "#end" * 25,
    "brackets": "#set($a = " + "[" * 30000 + "]" * 30000 + ")ok",
    "parentheses": "#set($a = " + "(" * 30000 + "1" + ")" * 30000 + ")$a",
    "and-chain": "#if(" + " && ".join(["true"] * 30000) + ")y#end",
    "method-arguments": "$a.b(" * 30000 + ")" * 30000,
}


def test_templates_nested_too_deeply_are_syntax_errors_with_a_position_not_crashes():
    # In a subprocess, as a regression here is a crash (C recursion in the compiled front end).
    script = (
        "import json, sys\nfrom vtl import Template, VTLSyntaxError\n"
        "for name, source in json.loads(sys.stdin.read()).items():\n"
        "    try:\n        Template(source, dialect='velocity').render()\n        print(name, 'rendered')\n"
        "    except VTLSyntaxError as error:\n"
        "        print(name, error.line, error.column, 'too deeply' in error.message)\n")
    for pure in ("", "1"):
        done = subprocess.run([sys.executable, "-c", script], input=json.dumps(DEEP_TEMPLATES), text=True,
                              capture_output=True, env=dict(os.environ, VTL_PURE_PYTHON=pure), timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        results = dict(line.split(" ", 1) for line in done.stdout.splitlines())
        assert set(results) == set(DEEP_TEMPLATES), done.stdout
        for name, result in results.items():
            line, column, named = result.split()
            assert line == "1" and int(column) >= 1 and named == "True", (pure, name, result)


# --- the render clock: vtl's own guard against runaway templates -------------------------------------
# A limit of 0 s has passed at the first look at the clock (after at most 1,024 loop turns, loop
# starts or macro steps): the tests do not depend on how fast this machine is.

def _runaway(source: str, limit: float | None = 0.0):
    from vtl.engine import Engine
    return Engine("velocity", render_time_limit=limit).template(source)


@pytest.mark.parametrize("source, loops", [
    ("x\n#foreach($a in [1..1000])#foreach($b in [1..1000])$b#end#end", {(2, 1), (2, 26)}),
    ("#foreach($a in [1..2000])#foreach($b in [1])#foreach($c in [1])#end#end#end", {(1, 1), (1, 26), (1, 45)}),
    # by name, each use of $l re-evaluates the caller's argument, and so on up: no loop at all
    ("#macro(m $l)#if($l.size() > 0)#m($l.subList(1, $l.size()))#m($l.subList(1, $l.size()))#end#end#m([1..19])",
     None),
])
def test_a_render_past_its_time_limit_is_stopped_where_it_runs(source, loops):
    with pytest.raises(VTLLimitError, match="the render ran longer than 0 s") as stopped:
        _runaway(source).render({})
    assert stopped.value.line > 0
    if loops is not None:
        assert (stopped.value.line, stopped.value.column) in loops


def test_the_clock_is_per_render():
    with pytest.raises(VTLLimitError):
        _runaway("#foreach($a in [1..3000])#end").render({})
    # the next render starts its own clock, or none
    assert _runaway("#foreach($a in [1..3000])#end", limit=None).render({}) == ""
    assert _runaway("#foreach($a in [1..3000])#end", limit=60).render({}) == ""
    assert Template("x").engine.render_time_limit == 29.0  # API Gateway's request timeout
