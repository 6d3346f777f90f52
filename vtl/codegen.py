"""AST → Python source. One ``visit_<Node>`` per statement node, one ``value_<Node>`` per
expression node; every semantic is a call to a runtime helper by name (``vtl/runtime/core.py``),
except three helpers' first cases (a Map's property, a String printing itself, truth), which
hot code (loops, macros) has inline. docs/performance.md says what else is done for speed.

The generated module defines ``render_template(state, write, arguments)``, one function per
macro, block and directive-holding string, and ``MACROS``. Each emitted line records the
template position it came from, so a runtime error can name the template line.
"""
from __future__ import annotations

import math
from itertools import groupby
from typing import Iterable

from . import nodes as n
from .errors import TOO_DEEP, VTLSyntaxError
from .runtime import core
from .runtime.core import ForeachState

#: Bump when the shape of generated code changes: it is part of every cache key.
CODEGEN_VERSION = "9"


class GeneratedModule:
    def __init__(self, source: str, positions: list[n.Span | None], constants: dict[str, object],
                 line_spans: dict[int, tuple[n.Span, ...]]) -> None:
        self.source = source
        self.positions = positions
        #: Values the code names but does not spell out (print plans): added to its namespace.
        self.constants = constants
        #: Lines that print several statements (a plan): line number → every statement's span.
        self.line_spans = line_spans


class _Function:
    """The function being generated: its lines, macro parameters and loop nesting."""

    def __init__(self, header: str, parameters: frozenset[str], in_macro: bool) -> None:
        self.header = header
        self.parameters = parameters
        self.in_macro = in_macro
        self.lines: list[tuple[str, n.Span | None]] = []
        self.loop_depth = 0
        #: Variables a #foreach holds in Python locals instead of the variables dict (see
        #: ``_LoopAnalysis``): VTL name → local name.
        self.bindings: dict[str, str] = {}
        #: Locals holding a #foreach's ForeachState.
        self.loop_states: set[str] = set()
        #: The item local of each enclosing #foreach, by its variable's name.
        self.loop_items: dict[str, str] = {}
        #: The LoopOutput of the outermost #foreach being generated.
        self.loop_output: str | None = None


class CodeGenerator:
    def __init__(self) -> None:
        self.functions: list[_Function] = []
        self.current: _Function | None = None
        self.indent = 1
        self.counter = 0
        self.macros: list[tuple[str, str, tuple[str, ...]]] = []
        self.marks: list[n.Span] = []
        self.constants: dict[str, object] = {}

    # ----- plumbing --------------------------------------------------------------------
    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"_{stem}{self.counter}"

    def emit(self, line: str, span: n.Span | None) -> None:
        """One statement line; a mark() inside it starts a new physical line with its own
        position (generated code keeps every expression inside brackets, so it may break)."""
        indent = "    " * self.indent
        if _MARK not in line:
            self.current.lines.append((indent + line, span))
            return
        pieces = line.split(_MARK)
        self.current.lines.append((indent + pieces[0], span))
        for position in range(1, len(pieces), 2):
            self.current.lines.append((indent + "        " + pieces[position + 1], self.marks[int(pieces[position])]))

    def mark(self, span: n.Span) -> str:
        """Where an expression should start a line of its own, with this template position."""
        self.marks.append(span)
        return f"{_MARK}{len(self.marks) - 1}{_MARK}"

    def generate(self, template: n.Template) -> GeneratedModule:
        self.facts = _TemplateFacts(template)
        kinds = self.facts.kinds
        # A #define block or a block macro's $bodyContent runs template code whenever a
        # reference prints it, reading variables from the dict and perhaps reaching #stop;
        # #evaluate can define such blocks. Without them, what a reference reads and whether
        # it can stop the render are known from the tree, which the fast paths below rely on.
        self.blocks_possible = self.facts.block_calls or bool(kinds & {n.DefineDirective, n.EvaluateDirective})
        # #break($foreach…) unwinds to its loop from anywhere (a macro, a loop further in): every
        # loop then keeps its $foreach and catches it, and output is flushed on the way out.
        self.scoped_breaks = self.facts.scoped_breaks
        self.no_midway_stop = not self.blocks_possible and n.StopDirective not in kinds and not self.scoped_breaks
        self.function("def render_template(state, write, arguments):", template.body, frozenset(), False)
        lines: list[str] = []
        positions: list[n.Span | None] = []
        line_spans: dict[int, tuple[n.Span, ...]] = {}
        for function in self.functions:
            body = function.lines
            if any("_get(" in line for line, _ in body):
                # v.get, bound once: every variable read is a call of a local.
                body = body[:1] + [("    _get = v.get", None)] + body[1:]
            lines.append(function.header)
            positions.append(None)
            for line, span in body:
                lines.append(line)
                if type(span) is _Spans:
                    line_spans[len(lines)] = span.every
                    span = tuple(span)
                positions.append(span)
            lines.append("")
            positions.append(None)
        # The first definition of a name wins: Velocity rejects inline macros that replace one.
        first: dict[str, str] = {}
        for name, function, parameters in self.macros:
            first.setdefault(name, f"({function}, {parameters!r})")
        entries = ", ".join(f"{name!r}: {definition}" for name, definition in first.items())
        lines.append(f"MACROS = {{{entries}}}")
        positions.append(None)
        return GeneratedModule("\n".join(lines) + "\n", positions, self.constants, line_spans)

    def function(self, header: str, body: n.Block, parameters: frozenset[str], in_macro: bool,
                 prologue: Iterable[str] = (), epilogue: Iterable[str] = ()) -> None:
        saved = (self.current, self.indent)
        self.current = _Function(header, parameters, in_macro)
        self.functions.append(self.current)
        self.indent = 1
        self.emit("v = state.variables", None)
        for line in prologue:
            self.emit(line, None)
        self.block(body)
        for line in epilogue:
            self.emit(line, None)
        self.current, self.indent = saved

    def block(self, block: n.Block) -> None:
        before = len(self.current.lines)
        if self.no_midway_stop:
            for prints_only, run in groupby(block.statements, _prints_only):
                run = tuple(run)
                if prints_only and len(run) > 1:
                    self.output(run)
                else:
                    for statement in run:
                        getattr(self, "visit_" + type(statement).__name__)(statement)
        else:
            for statement in block.statements:
                getattr(self, "visit_" + type(statement).__name__)(statement)
        if len(self.current.lines) == before:
            self.emit("pass", block.span)

    def output(self, statements: tuple[n.Node, ...]) -> None:
        """Consecutive text, references and #if's that only print them, as one write; each piece
        (and each condition) on a line of its own, so an error still names its reference and
        coverage still sees which arm ran. Only where nothing can #stop the render midway.

        Code that runs once per render (not in a loop or macro) prints a run of text and simple
        references through a plan: data that ``render_plan`` walks (in C). The run then costs
        Python's compile() one call instead of a few dozen nodes per reference (compile() is most
        of a template's compile time), and walking the plan once is no slower than the code.
        (In a loop, the call and the walk cost more than the code they replace: 7% more for the
        1,000-item benchmark, so loops keep their code.)"""
        cold = not self.hot()
        if cold and all(self.plannable(item) for item in statements) \
                and any(type(item) is n.Reference for item in statements):
            self.emit(f"write(render_plan(v, {self.plan(statements)}, render_reference))", _Spans(statements))
            return
        self.emit("write(''.join((", None)  # no position: the join runs after the pieces
        for planned, run in groupby(statements, lambda item: cold and self.plannable(item)):
            run = tuple(run)
            if planned and any(type(item) is n.Reference for item in run):
                self.emit(f"    render_plan(v, {self.plan(run)}, render_reference),", _Spans(run))
                continue
            for item in run:
                if isinstance(item, n.IfDirective):
                    self.printed_if(item)
                else:
                    self.emit(f"    {self.printed(item)},", item.span)
        self.emit(")))", None)

    def plannable(self, item: n.Node) -> bool:
        """Text, or a reference to a variable of the dict through properties and methods whose
        arguments are constants or such references (see ``render_plan``)."""
        if type(item) is n.Text:
            return True
        if type(item) is not n.Reference or item.escapes or item.name in self.current.parameters:
            return False
        return all(type(part) is n.Property or type(part) is n.MethodCall and all(
            _constant(argument) is not _NOT_CONSTANT or self.plannable(argument) for argument in part.arguments)
            for part in item.parts)

    def plan(self, run: tuple[n.Node, ...]) -> str:
        """A run of plannable statements as a plan in the module's constants; its name."""
        name = self.fresh("plan")
        self.constants[name] = tuple(item.text if type(item) is n.Text else _planned_reference(item) for item in run)
        return name

    def printed_if(self, node: n.IfDirective) -> None:
        """``#if(a)X#elseif(b)Y#else Z#end`` as ``(X if a else Y if b else Z)``."""
        # Each arm in parentheses opened on a line of no position: Python gives an if-expression's
        # jump the line where the expression starts, which must not look like the arm running.
        self.emit("    (", None)
        for position, (condition, body) in enumerate(node.branches):
            self.emit(f"     {'else ' if position else ''}(", None)
            self.emit(f"      {self.printed_arm(body)})", _arm_span(body))
            self.emit(f"     if {self.condition(condition)}", condition.span)
        if node.otherwise is not None:
            self.emit("     else (", None)
            self.emit(f"      {self.printed_arm(node.otherwise)})),", _arm_span(node.otherwise))
        else:
            self.emit("     else ''),", None)

    def printed_arm(self, body: n.Block) -> str:
        return self.printed(body.statements[0]) if body.statements else "''"

    # ----- statements ------------------------------------------------------------------
    def visit_Text(self, node: n.Text) -> None:
        self.emit(f"write({node.text!r})", node.span)

    def visit_Reference(self, node: n.Reference) -> None:
        self.emit(f"write({self.printed(node)})", node.span)

    def printed(self, node: n.Text | n.Reference) -> str:
        """The text a text or reference statement prints."""
        if isinstance(node, n.Text):
            return repr(node.text)
        value = self.reference_value(node)
        if node.escapes:
            source = self.null_source(node)  # a macro parameter shows the caller's text
            null_text = "''" if node.quiet else f"({source} if NULL_PRINTS_SOURCE else '')"
            return f"render_escaped({value}, {source}, {node.escapes}, {null_text})"
        return self.inline_reference(node)

    def null_source(self, node: n.Reference) -> str:
        """What a null reference prints: its own text, or the caller's for a macro parameter."""
        if not node.parts and node.name in self.current.parameters:
            return f"macro_parameter_source(arguments, {node.name!r}, {node.source!r})"
        return repr(node.source)

    def visit_IfDirective(self, node: n.IfDirective) -> None:
        for position, (condition, body) in enumerate(node.branches):
            keyword = "if" if position == 0 else "elif"
            self.emit(f"{keyword} ({self.condition(condition)}):", condition.span)
            self.indented(body)
        if node.otherwise is not None:
            self.emit("else:", node.otherwise.span)
            self.indented(node.otherwise)

    def indented(self, body: n.Block) -> None:
        self.indent += 1
        self.block(body)
        self.indent -= 1

    def visit_ForeachDirective(self, node: n.ForeachDirective) -> None:
        state, saved, item = self.fresh("loop"), self.fresh("saved"), self.fresh("item")
        target = node.target.name
        loop = _LoopAnalysis(node, self.facts.loops[id(node)], self.blocks_possible or self.scoped_breaks,
                             self.current.parameters)
        in_dict = tuple(name for name in (target, *_LOOP_VARIABLES) if name in loop.kept_in_dict)
        span = node.span
        parent = self.current.bindings.get("foreach", "_get('foreach')") if loop.needs_state else "None"
        # The source in a statement of its own: a method call in it gets a line of its own (see
        # emit), and coverage must see the loop's line after that one, not around it.
        source = self.fresh("source")
        self.emit(f"{source} = ({self.value(node.iterable)})", span)
        # (A loop nothing reads $foreach of is walked without one.)
        untracked = "" if loop.needs_state else ", False"
        self.emit(f"if ({state} := start_loop({source}, {parent}, MAX_FOREACH{untracked})) is not None:", span)
        self.indent += 1
        if in_dict:
            self.emit(f"{saved} = save_variables(v, {in_dict!r})", span)
        if target in self.current.parameters:
            hidden = self.fresh("parameter")
            self.emit(f"{hidden} = save_variables(arguments, ({target!r},))", span)
        if "foreach" in in_dict:
            self.emit(f"v['foreach'] = {state}", span)
        # The outermost loop writes into a LoopOutput (loops inside it write there too).
        own_output = self.current.loop_output is None
        if own_output:
            self.current.loop_output = self.fresh("output")
            self.emit(f"write = ({self.current.loop_output} := LoopOutput(write)).parts.append", span)
        output = self.current.loop_output
        # Only #stop needs what the loop wrote so far flushed on the way out (an error discards
        # the output): where no #stop can happen, the flush simply follows the loop.
        guarded = own_output and not self.no_midway_stop
        if guarded:
            self.emit("try:", span)
            self.indent += 1
        if self.scoped_breaks:
            self.emit("try:", span)
            self.indent += 1
        self.emit(f"for {item} in loop_items({state}, {output}{untracked}):", span)
        self.indent += 1
        if "velocityCount" in in_dict:  # before the item: #foreach($velocityCount in …) sees its items
            self.emit(f"v['velocityCount'] = {state}.index + 1", span)
        if "velocityHasNext" in in_dict:
            self.emit(f"v['velocityHasNext'] = {state}.hasNext", span)
        if target in in_dict:
            self.emit(f"if {item} is None: v.pop({target!r}, None)", span)
            self.emit(f"else: v[{target!r}] = {item}", span)
        if target in self.current.parameters:
            # In a macro, a loop over a parameter's name hides the parameter until the loop ends.
            self.emit(f"arguments[{target!r}] = MacroArgument(lambda {item}={item}: {item}, '')", span)
        saved_bindings, saved_items = self.current.bindings, self.current.loop_items
        self.current.bindings = dict(saved_bindings)
        self.current.loop_items = {**saved_items, target: item}
        for name in loop.bound:
            self.current.bindings[name] = item if name == target else state
        if loop.needs_state:  # (else the local holds only what loop_items walks)
            self.current.loop_states.add(state)
        self.current.loop_depth += 1
        self.block(node.body)
        self.current.loop_depth -= 1
        self.current.bindings, self.current.loop_items = saved_bindings, saved_items
        self.indent -= 1
        restores = ([f"restore_variables(v, {in_dict!r}, {saved})"] if in_dict else []) + (
            [f"restore_variables(arguments, ({target!r},), {hidden})"] if target in self.current.parameters else [])
        if self.scoped_breaks:
            self.indent -= 1
            self.emit("except BreakScope as _leaving:", span)
            self.emit(f"    if _leaving.scope is not {state}:", span)
            for line in restores:  # a loop further out is left: this one's variables first
                self.emit(f"        {line}", span)
            self.emit("        raise", span)
            self.emit("    write(_leaving.output)  # what a block printed before it", span)
        if guarded:
            self.indent -= 1
            self.emit("finally:", span)
            self.indent += 1
        if own_output:
            self.emit(f"write = {output}.close()", span)
            self.current.loop_output = None
        if guarded:
            self.indent -= 1
        for line in restores:
            self.emit(line, span)
        self.indent -= 1

    def visit_ForeachWithoutIn(self, node: n.ForeachWithoutIn) -> None:
        self.emit("pass", node.span)

    def visit_SetDirective(self, node: n.SetDirective) -> None:
        target = node.target
        if target.quiet or target.braced:
            return  # Velocity silently sets nothing for #set(${x} = …) and #set($!x = …)
        value = self.value(node.value)
        if not target.parts:
            null_turn = self.null_turn_guard(target.name)
            if null_turn:
                # Velocity renders a turn whose item is null in a context where the loop's
                # variable stays null: a #set of it there is never seen.
                temporary = self.fresh("value")
                self.emit(f"{temporary} = ({value})", node.span)
                self.emit(f"if {null_turn} and {temporary} is not None: v[{target.name!r}] = {temporary}", node.span)
            elif target.name in self.current.parameters:
                temporary = self.fresh("value")
                self.emit(f"{temporary} = ({value})", node.span)
                self.emit(f"if {temporary} is not None: arguments[{target.name!r}] = "
                          f"MacroArgument(lambda {temporary}={temporary}: {temporary}, '')", node.span)
            elif self.hot():  # assign() inline
                self.emit(f"if (_t := {value}) is not None: v[{target.name!r}] = _t", node.span)
            else:
                self.emit(f"assign(v, {target.name!r}, {value})", node.span)
            return
        owner = self.reference_value(target, upto=len(target.parts) - 1)
        last = target.parts[-1]
        temporary = self.fresh("value")
        self.emit(f"{temporary} = ({value})", node.span)
        if isinstance(last, n.Property):
            self.emit(f"if {temporary} is not None: set_property({owner}, {last.name!r}, {temporary})", node.span)
        elif isinstance(last, n.Index):
            self.emit(f"if {temporary} is not None: set_index({owner}, {self.value(last.key)}, {temporary})", node.span)
        else:
            self.emit(f"({self.reference_value(target)})", node.span)

    def visit_MacroDirective(self, node: n.MacroDirective) -> None:
        function = self.fresh("macro_" + _python_safe(node.name) + "_")
        # $bodyContent is bound by a block call (#@name), so it resolves like a parameter.
        parameters = frozenset(node.parameters) | {"bodyContent"}
        self.function(f"def {function}(state, write, arguments):", node.body, parameters, True)
        self.macros.append((node.name, function, node.parameters))

    def visit_MacroCall(self, node: n.MacroCall) -> None:
        arguments = ", ".join(
            f"MacroArgument(lambda: {self.value(argument)}, {source!r})"
            for argument, source in zip(node.arguments, node.argument_sources))
        if node.arguments:
            arguments += ","
        body = "None"
        if node.body is not None:
            body = self.fresh("block")
            self.function(f"def {body}(state, write, arguments):", node.body, self.current.parameters,
                          self.current.in_macro)
        words = tuple(argument.name for argument in node.arguments if type(argument) is n.Word)
        extra = f", {words!r}" if words else ""  # word arguments: what a macro that exists refuses
        self.emit(f"call_macro(state, write, {node.name!r}, ({arguments}), {body}, {node.source!r}, arguments{extra})",
                  node.span)

    def visit_DefineDirective(self, node: n.DefineDirective) -> None:
        function = self.fresh("block")
        self.function(f"def {function}(state, write, arguments):", node.body, self.current.parameters,
                      self.current.in_macro)
        null_turn = self.null_turn_guard(node.target.name)  # (see visit_SetDirective)
        self.emit(f"{'if ' + null_turn + ': ' if null_turn else ''}v[{node.target.name!r}] = "
                  f"Block({function}, state, arguments)", node.span)

    def null_turn_guard(self, name: str) -> str | None:
        """For a #set of an enclosing #foreach's variable, outside macro parameters: the test
        that the turn's item is not null."""
        item = self.current.loop_items.get(name)
        if item is None or name in self.current.parameters:
            return None
        return f"{item} is not None"

    def visit_EvaluateDirective(self, node: n.EvaluateDirective) -> None:
        self.emit(f"evaluate_text(state, write, {self.value(node.argument)})", node.span)

    def visit_IncludeDirective(self, node: n.IncludeDirective) -> None:
        self.emit(f"resource_not_found({self.value(node.arguments[0])})", node.span)

    def visit_BreakDirective(self, node: n.BreakDirective) -> None:
        if node.scope:
            arguments = "".join(f"{self.value(argument)}, " for argument in node.scope)
            self.emit(f"break_scope(({arguments}), {node.sources!r})", node.span)
            return
        # #break leaves the innermost scope: a loop, else the macro, block or template.
        self.emit("break" if self.current.loop_depth else "return", node.span)

    def visit_StopDirective(self, node: n.StopDirective) -> None:
        self.emit("raise StopRendering()", node.span)

    # ----- expressions: values -----------------------------------------------------------
    def reference_value(self, node: n.Reference, upto: int | None = None) -> str:
        if node.name in self.current.parameters:
            code = f"macro_parameter(arguments, v, {node.name!r})"
        else:
            code = self.current.bindings.get(node.name) or f"_get({node.name!r})"
        for part in node.parts[:upto]:
            if isinstance(part, n.Property):
                if code in self.current.loop_states and part.name in ForeachState.PROPERTIES:
                    code = f"{code}.{part.name}"
                elif part.name == "class" or code in self.current.loop_states or not self.hot():
                    code = f"get_property({code}, {part.name!r})"
                else:
                    # get_property's first case (a Map) inline: most properties read JSON objects.
                    subject, named = _named(code)
                    code = f"({subject}.get({part.name!r}) if type({named}) in MAP_TYPES else get_property({subject}, {part.name!r}))"
            elif isinstance(part, n.MethodCall):
                # The call on a line of its own: a method that throws is named at its name (the
                # part's span is its '.'), as Velocity's MethodInvocationException does.
                mark = self.mark((part.span[0], part.span[1] + 1))
                if len(part.arguments) == 0:
                    code = f"{mark}call_method0({code}, {part.name!r})"
                elif len(part.arguments) == 1:
                    code = f"{mark}call_method1({code}, {part.name!r}, {self.value(part.arguments[0])})"
                else:
                    arguments = "".join(self.value(argument) + ", " for argument in part.arguments)
                    code = f"{mark}call_method({code}, {part.name!r}, ({arguments}))"
            else:
                code = f"get_index({code}, {self.value(part.key)})"
        return code

    def value(self, node) -> str:
        return getattr(self, "value_" + type(node).__name__)(node)

    def value_Reference(self, node: n.Reference) -> str:
        return self.reference_value(node)

    def value_StringLiteral(self, node: n.StringLiteral) -> str:
        return repr(node.value)

    def value_InterpolatedString(self, node: n.InterpolatedString) -> str:
        statements = node.body.statements
        if _plain_string(node):
            pieces = [repr(item.text) if isinstance(item, n.Text) else self.inline_reference(item) for item in statements]
            if not pieces:
                return "''"
            return pieces[0] if len(pieces) == 1 and isinstance(statements[0], n.Text) else "''.join((" + ", ".join(pieces) + ",))"
        function = self.fresh("string")
        self.function(f"def {function}(state, arguments):", node.body, self.current.parameters, self.current.in_macro,
                      prologue=["_out = []", "write = _out.append"], epilogue=["return ''.join(_out)"])
        return f"{function}(state, arguments)"

    def hot(self) -> bool:
        """Code that may run many times per render (in a loop or a macro). Only there do the
        helpers' first cases go inline: inline code costs Python's compile() more."""
        return self.current.loop_depth > 0 or self.current.in_macro

    def inline_reference(self, node: n.Reference) -> str:
        value = self.reference_value(node)
        if not self.hot():
            return f"render_quiet({value})" if node.quiet else f"render_reference({value}, {self.null_source(node)})"
        # The renderers' first case (a String prints itself) inline.
        subject, named = _named(value)
        if node.quiet:
            return f"({subject} if type({named}) is str else render_quiet({subject}))"
        return f"({subject} if type({named}) is str else render_reference({subject}, {self.null_source(node)}))"

    def value_IntegerLiteral(self, node: n.IntegerLiteral) -> str:
        return repr(node.value)

    def value_FloatLiteral(self, node: n.FloatLiteral) -> str:
        return repr(node.value)

    def value_BooleanLiteral(self, node: n.BooleanLiteral) -> str:
        return repr(node.value)

    def value_Word(self, node: n.Word) -> str:
        return "None"

    def value_ListLiteral(self, node: n.ListLiteral) -> str:
        return "[" + "".join(self.value(item) + ", " for item in node.items) + "]"

    def value_RangeLiteral(self, node: n.RangeLiteral) -> str:
        return f"make_range({self.value(node.start)}, {self.value(node.end)})"

    def value_MapLiteral(self, node: n.MapLiteral) -> str:
        return "{" + "".join(f"{self.value(key)}: {self.value(value)}, " for key, value in node.entries) + "}"

    _ARITHMETIC = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "%": "modulo"}

    def value_Arithmetic(self, node: n.Arithmetic) -> str:
        folded = _folded(node)
        if folded is not _NOT_CONSTANT:
            return repr(folded)
        left, right = self.value(node.left), self.value(node.right)
        if node.operator == "+" and (isinstance(node.left, n.Reference) or isinstance(node.right, n.Reference)):
            # A String plus a null reference concatenates the reference's text (Velocity's ASTAddNode).
            sources = [item.source if isinstance(item, n.Reference) else None for item in (node.left, node.right)]
            return f"add({left}, {right}, {sources[0]!r}, {sources[1]!r})"
        return f"{self._ARITHMETIC[node.operator]}({left}, {right})"

    def value_Comparison(self, node: n.Comparison) -> str:
        return self.condition(node)

    def value_Logical(self, node: n.Logical) -> str:
        return self.condition(node)

    def value_Negation(self, node: n.Negation) -> str:
        return self.condition(node)

    def value_Parenthesized(self, node: n.Parenthesized) -> str:
        return self.value(node.inner)

    # ----- expressions: conditions (Velocity's evaluate(): literals other than true/false are false)
    _COMPARISONS = {"==": "equals", "<": "less", ">": "greater", "<=": "less_or_equal", ">=": "greater_or_equal"}

    def condition(self, node) -> str:
        if isinstance(node, n.Reference):
            if len(node.parts) == 1 and isinstance(node.parts[0], n.Property) and node.parts[0].name in ForeachState.FLAGS \
                    and self.current.bindings.get(node.name) in self.current.loop_states:
                return self.reference_value(node)  # a bool: its truth is Velocity's
            if not self.hot():
                return f"is_truthy({self.reference_value(node)})"
            subject, named = _named(self.reference_value(node))
            return f"({named} is not None and {subject} is not False)"  # is_truthy inline
        if isinstance(node, n.BooleanLiteral):
            return repr(node.value)
        if isinstance(node, n.Comparison):
            left, right = self.value(node.left), self.value(node.right)
            if node.operator == "!=":
                return f"(not equals({left}, {right}))"
            return f"{self._COMPARISONS[node.operator]}({left}, {right})"
        if isinstance(node, n.Logical):
            joiner = " and " if node.operator == "&&" else " or "
            return f"({self.condition(node.left)}{joiner}{self.condition(node.right)})"
        if isinstance(node, n.Negation):
            return f"(not {self.condition(node.operand)})"
        if isinstance(node, n.Parenthesized):
            return self.condition(node.inner)
        return "False"


def _prints_only(statement: n.Node) -> bool:
    """Text, a reference, or an #if whose every arm prints at most one of them."""
    kind = type(statement)
    if kind is n.Text or kind is n.Reference:
        return True
    if kind is not n.IfDirective:
        return False
    arms = [body for _, body in statement.branches]
    if statement.otherwise is not None:
        arms.append(statement.otherwise)
    return all(len(arm.statements) <= 1 and all(type(item) in (n.Text, n.Reference) for item in arm.statements)
               for arm in arms)


class _Spans(tuple):
    """The position of a line that prints several statements: the first reference's span (where
    an error with no position of its own is placed), with ``every`` statement's span."""

    every: tuple[n.Span, ...]

    def __new__(cls, run: tuple[n.Node, ...]) -> "_Spans":
        spans = super().__new__(cls, next(item.span for item in run if type(item) is n.Reference))
        spans.every = tuple(item.span for item in run)
        return spans


def _arm_span(body: n.Block) -> n.Span | None:
    return body.statements[0].span if body.statements else None


class _BodyFacts:
    """What a #foreach body does that decides where its variables may live: the variable names
    it references and #sets, and whether it runs code that reads variables out of the tree's
    sight (macros, #evaluate, blocks, strings holding directives: separate functions)."""

    __slots__ = ("referenced", "assigned", "hidden_readers")

    def __init__(self) -> None:
        self.referenced: set[str] = set()
        self.assigned: set[str] = set()
        self.hidden_readers = False


#: How deep the tree may nest (a chain of `&&` is as deep as it is long): the generator and this
#: pass recurse that deep, in C once compiled, where too deep a recursion crashes.
MAX_TREE_DEPTH = 500


class _TemplateFacts:
    """One pass over the tree: the node kinds it holds, and each #foreach body's facts. It is
    also what refuses a tree nested deeper than MAX_TREE_DEPTH, before anything else recurses."""

    def __init__(self, template: n.Template) -> None:
        self.kinds: set[type] = set()
        self.block_calls = False
        self.scoped_breaks = False
        self.loops: dict[int, _BodyFacts] = {}
        self._visit(template, (), 0)

    def _visit(self, node: n.Node, open_loops: tuple[_BodyFacts, ...], depth: int) -> None:
        if depth > MAX_TREE_DEPTH:
            raise VTLSyntaxError(TOO_DEEP.format(f"over {MAX_TREE_DEPTH} levels of nested directives and expressions"),
                                 *node.span)
        depth += 1
        kind = type(node)
        self.kinds.add(kind)
        if kind is n.Text:
            return
        if kind is n.Reference:
            for facts in open_loops:
                facts.referenced.add(node.name)
            for part in node.parts:  # (a property holds nothing more)
                if type(part) is not n.Property:
                    self._visit(part, open_loops, depth)
            return
        if kind is n.Block:
            for statement in node.statements:
                self._visit(statement, open_loops, depth)
            return
        if kind is n.BreakDirective and node.scope:  # (#break() is a plain #break)
            self.scoped_breaks = True
        if kind is n.SetDirective:
            for facts in open_loops:
                facts.assigned.add(node.target.name)
        elif kind in _HIDDEN_READERS or kind is n.InterpolatedString and not _plain_string(node):
            self.block_calls = self.block_calls or kind is n.MacroCall and node.body is not None
            for facts in open_loops:
                facts.hidden_readers = True
        elif kind is n.ForeachDirective:
            facts = self.loops[id(node)] = _BodyFacts()
            self._visit(node.iterable, open_loops, depth)
            self._visit(node.target, open_loops, depth)
            self._visit(node.body, open_loops + (facts,), depth)
            return
        for child in n.children(node):
            self._visit(child, open_loops, depth)


class _LoopAnalysis:
    """Which of a #foreach's variables (its item, ``$foreach``, ``$velocityCount``,
    ``$velocityHasNext``) can live in Python locals instead of the variables dict.

    The dict is only read by references in the tree and by code out of the tree's sight (see
    ``_BodyFacts``). When the body runs none of the latter and never #sets a variable, the
    body's references read the local, and as the loop restores the dict afterwards anyway, the
    dict need not be written. A variable nothing reads (``$velocityCount`` usually, ``$foreach``
    often) is not kept at all.
    """

    def __init__(self, node: n.ForeachDirective, facts: _BodyFacts, blocks_possible: bool,
                 parameters: frozenset[str]) -> None:
        referenced, assigned = facts.referenced, facts.assigned
        target = node.target.name
        names = (target, *_LOOP_VARIABLES)
        if blocks_possible or facts.hidden_readers or target in _LOOP_VARIABLES \
                or parameters & set(names):
            self.bound: tuple[str, ...] = ()
            self.kept_in_dict = frozenset(names)
            self.needs_state = True
            return
        self.kept_in_dict = frozenset(name for name in names if name in assigned) | (
            {"velocityCount", "velocityHasNext"} & referenced)
        self.needs_state = "foreach" in referenced or bool({"velocityCount", "velocityHasNext"} & self.kept_in_dict)
        self.bound = tuple(name for name in (target, "foreach")
                           if name not in assigned and (name == target or self.needs_state))


_HIDDEN_READERS = frozenset({n.MacroCall, n.EvaluateDirective, n.DefineDirective})
#: What a #foreach sets besides its item ($velocityCount, $velocityHasNext: Velocity 1.7's older names).
_LOOP_VARIABLES = ("foreach", "velocityCount", "velocityHasNext")


def _plain_string(node: n.InterpolatedString) -> bool:
    """A string of text and plain references only: compiled inline, not as a function."""
    return all(isinstance(item, n.Text) or isinstance(item, n.Reference) and not item.escapes
               for item in node.body.statements)


#: Delimits a mark() in an emitted line (repr() never leaves a NUL in generated code).
_MARK = "\x00"

_NOT_CONSTANT = object()
_LITERALS = (n.IntegerLiteral, n.FloatLiteral, n.StringLiteral)


def _folded(node) -> object:
    """The value of arithmetic on literals, worked out now by the same runtime helper that would
    at render time; _NOT_CONSTANT when it is not that simple (or would fail: then at render time,
    with its position)."""
    if isinstance(node, n.Parenthesized):
        return _folded(node.inner)
    if isinstance(node, _LITERALS):
        return node.value
    if not isinstance(node, n.Arithmetic):
        return _NOT_CONSTANT
    left, right = _folded(node.left), _folded(node.right)
    if left is _NOT_CONSTANT or right is _NOT_CONSTANT:
        return _NOT_CONSTANT
    try:
        value = getattr(core, CodeGenerator._ARITHMETIC[node.operator])(left, right)
    except Exception:  # noqa: BLE001 (division by zero and the like: left to the render)
        return _NOT_CONSTANT
    if type(value) in (int, str) or type(value) is float and math.isfinite(value):
        return value  # repr() gives it back exactly
    return _NOT_CONSTANT


def _planned_reference(node: n.Reference) -> tuple:
    """A plannable reference as ``render_plan`` reads it."""
    steps = tuple((part.name, None, node.span) if type(part) is n.Property else
                  # a method is named at its name (the part's span is its '.'), as Velocity does
                  (part.name, tuple(_planned_reference(argument) if type(argument) is n.Reference
                                    else _constant(argument) for argument in part.arguments),
                   (part.span[0], part.span[1] + 1))
                  for part in node.parts)
    return (node.name, steps, node.source, node.quiet, node.span)


def _constant(node) -> object:
    """The value of a literal argument (a String, a number, a boolean, arithmetic on them), or
    _NOT_CONSTANT."""
    if type(node) is n.BooleanLiteral:
        return node.value
    if type(node) is n.InterpolatedString and all(type(item) is n.Text for item in node.body.statements):
        return "".join(item.text for item in node.body.statements)
    return _folded(node)


def _named(code: str) -> tuple[str, str]:
    """``code`` to use twice in one expression: (the name to use, the expression that names it
    first). A local is used as it is; anything else is evaluated once into ``_t``. Nested
    expressions may reuse ``_t``: each inner use ends before the outer assignment."""
    if code.isidentifier():
        return code, code
    return "_t", f"(_t := {code})"


def _python_safe(name: str) -> str:
    return "".join(char if char.isalnum() else "_" for char in name)


def generate(template: n.Template) -> GeneratedModule:
    return CodeGenerator().generate(template)
