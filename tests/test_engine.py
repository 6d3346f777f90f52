"""The engine's API: Template, Engine cache, errors with template positions, generated code."""
from __future__ import annotations

import threading

import pytest

from vtl import VTLRuntimeError, VTLSyntaxError
from vtl.engine import Engine, Template
from vtl.parser import lark_parser


def render(source: str, context: dict | None = None, dialect: str = "velocity") -> str:
    return Template(source, dialect=dialect).render(context)


def test_grammar_builds_in_strict_mode():
    assert lark_parser(strict=True) is not None


def test_plain_render():
    assert render("Hello $name!", {"name": "Ada"}) == "Hello Ada!"


def test_undefined_prints_source_in_velocity_and_nothing_in_apigateway():
    assert render("[$x.y]") == "[$x.y]"
    assert render("[$x.y]", dialect="apigateway") == "[]"


def test_syntax_error_names_line_column_and_shows_the_line():
    with pytest.raises(VTLSyntaxError) as caught:
        Template("line one\n#if(true x#end", dialect="velocity")
    error = caught.value
    assert (error.line, error.column) == (2, 10)
    assert "#if(true x#end" in str(error)
    assert "line 2, column 10" in str(error)


def test_unclosed_directive_is_a_syntax_error_at_eof():
    with pytest.raises(VTLSyntaxError) as caught:
        Template("#if(true)open")
    assert caught.value.line == 1


def test_runtime_error_names_the_template_line():
    template = Template("a\nb\n$l[5]", dialect="velocity")
    with pytest.raises(VTLRuntimeError) as caught:
        template.render({"l": [1]})
    assert caught.value.line == 3
    assert "IndexOutOfBounds" in str(caught.value)


def test_macro_recursion_limit_is_an_error_not_a_crash():
    with pytest.raises(VTLRuntimeError, match="depth"):
        render("#macro(r)#r()#end#r()")


def test_stop_keeps_output_so_far_also_from_evaluate():
    assert render("a#evaluate('b#stop c')d") == "ab"


def test_engine_caches_compiled_templates():
    engine = Engine("velocity")
    first = engine.compiled("$a")
    assert engine.compiled("$a") is first
    assert engine.fingerprint.startswith("vtl-")


def test_show_code_is_python_calling_runtime_helpers():
    code = Template("#if($a)$a.b#end", dialect="velocity").python_source
    assert "def render_template(state, write, arguments):" in code
    assert "get_property(" in code and "render_reference(" in code
    compile(code, "<check>", "exec")


def test_template_text_cannot_inject_python():
    hostile = '"""\'\'\'\\\n\'); import os; (\'#set($x = "\'); import os #")$x'
    assert render(hostile) == '"""\'\'\'\\\n\'); import os; (\'\'); import os #'


def test_python_internals_are_unreachable():
    # After '.', Velocity names start with a letter: '.__class__' is text after the value.
    assert render("$x.__class__ $x.__len__()", {"x": "a"}) == "a.__class__ a.__len__()"
    assert render("$x.getClass().getName() $x.isalpha()", {"x": "a"}) == "java.lang.String $x.isalpha()"


def test_one_template_renders_from_many_threads():
    template = Template("#foreach($i in [1..50])$i#end-$n", dialect="velocity")
    expected = {n: "".join(str(i) for i in range(1, 51)) + f"-{n}" for n in range(40)}
    results: dict[int, str] = {}

    def work(n: int) -> None:
        results[n] = template.render({"n": n})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


# Positions Apache Velocity 1.7 gives these MethodInvocationExceptions (asked of the oracle):
# the line and the column of the method's name.
@pytest.mark.parametrize("source, line, column", [
    ("#set($l = [1])\nfoo $l.get(5) bar", 2, 8),
    ("#set($l = [1])\nfoo ${l.get(5)} bar", 2, 9),
    ('#set($s = "abc")\n  #set($x = $s.substring(5))', 2, 16),
    ("#set($l = [[1]])\n$l.get(0).get(7)", 2, 11),
    ('#set($s = "abc")\n#if($s.substring(9) == 1)x#end', 2, 8),
    ("#foreach($i in [1])\n  #foreach($j in [2])$i.toString().substring(4)#end\n#end", 2, 36),
    # text and references outside loops print through one plan, one generated line
    ('#set($s = "ab")\na $s b\n  $s.substring(5) c $s', 3, 6),
    ('#set($m = {"a": "ab"})\n$m.a x\n$m.get(\'a\').substring(1).substring(5) c $m', 3, 26),
])
def test_a_method_that_throws_is_named_at_its_name(source, line, column):
    with pytest.raises(VTLRuntimeError) as caught:
        Template(source, dialect="velocity").render()
    assert (caught.value.line, caught.value.column) == (line, column)
