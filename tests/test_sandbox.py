"""The sandbox: templates reach only allow-listed Java-like members, never Python internals,
and nothing in a template can inject code into the generated Python."""
from __future__ import annotations

import pytest

from vtl.engine import Template
from vtl.errors import VTLError

CONTEXT = {"s": "text", "n": 5, "l": [1, 2], "m": {"k": "v"}}

# Each attempt must render as its own source text (velocity dialect): the member is not there.
UNREACHABLE = [
    "$s.__class__", "$s.__class__.__mro__", "${s.__init__.__globals__}", "$s.__len__()", "$s.__getattribute__('x')",
    "$s.encode()", "$s.join($l)", "$s.splitlines()", "$s.__dict__", "$s._private",
    "$m.items()", "$m.keys()", "$m.__dict__", "$m.setdefault('a', 1)", "$m.pop('k')", "$m.update($m)",
    "$l.append(3)", "$l.extend($l)", "$l.pop()", "$l.__setitem__(0, 1)", "$l.copy()", "$l.sort()",
    "$n.bit_length()", "$n.__add__(1)", "$n.real", "$n.to_bytes(2, 'big')",
    "$s.class.forName('java.lang.Runtime')", "$s.class.getMethods()", "$s.class.classLoader",
    "$s.getClass().forName('java.lang.Runtime')", "$s.class.newInstance()",
    "$__builtins__", "$__import__.call('os')", "$globals", "$state", "$v", "$write", "$arguments", "$render_template",
    "$util.__class__", "$util.__init__", "$util.java_to_string()", "$input.__dict__",
]


LEAKS = ("<class", "<function", "<built-in", "<bound", "object at 0x", "__main__", "vtl.", "mappingproxy")


@pytest.mark.parametrize("source", UNREACHABLE)
def test_python_internals_are_unreachable(source):
    for dialect in ("velocity", "apigateway"):
        try:
            output = Template(source, dialect=dialect).render(dict(CONTEXT))
        except VTLError:
            continue  # e.g. ${s.__init__}: a name after '.' must start with a letter
        assert not any(leak in output for leak in LEAKS), output


@pytest.mark.parametrize("source,expected", [
    ("$s.__class__", "text.__class__"),       # '._' is text after the reference, as in Velocity
    ("$m.items() $m.keys()", "$m.items() $m.keys()"),  # no such Java method: printed as written
    ("$l.append(3)$l", "$l.append(3)[1, 2]"),
    ("$n.bit_length()", "$n.bit_length()"),
    ("$s.class.forName('java.lang.Runtime')", "$s.class.forName('java.lang.Runtime')"),
])
def test_unreachable_members_render_as_velocity_prints_them(source, expected):
    assert Template(source, dialect="velocity").render(dict(CONTEXT)) == expected


def test_format_is_javas_static_string_format_not_pythons():
    assert Template("$s.format('{0} %s', 'x')", dialect="velocity").render({"s": ""}) == "{0} x"


def test_generated_names_are_not_template_variables():
    # Locals of the generated function (v, state, write, arguments) are not VTL variables.
    assert Template("[$v][$state][$write]", dialect="apigateway").render() == "[][][]"


INJECTIONS = [
    "'''\"\"\"\\'); import os; os.system('x') #",
    "#set($x = \"\\\"); __import__('os') #\")$x",
    "#set($x = '\\''); raise SystemExit #')$x",
    "#macro(a'b)x#end",
    "#macro(evil $a)$a#end#evil(\"'); import os; ('\")",
    "#foreach($i in [1])${i}\"\"\")#end",
    "## \"\"\" comment\n#* ''' *#ok",
    "#set($m = {\"'); import os; ('\": 1})$m",
    "\\\\\\\"\\n\\x00\\u0000",
]


@pytest.mark.parametrize("source", INJECTIONS)
def test_template_text_is_never_code(source):
    try:
        output = Template(source, dialect="velocity").render()
    except VTLError:
        return
    assert "SystemExit" not in output or "raise SystemExit" in source


def test_exit_attempt_is_only_text():
    assert Template("raise SystemExit $x", dialect="apigateway").render({"x": 1}) == "raise SystemExit 1"
