"""parse → generate → compile → exec, keeping the map from generated lines to template lines."""
from __future__ import annotations

import itertools
import traceback
import weakref
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Callable

from . import codegen, nodes
from .dialects import Dialect
from .errors import TOO_DEEP, VTLSyntaxError
from .parser import parse

_serial = itertools.count(1)
#: Every live compiled template by its code filename, for tools that meet generated frames
#: (template coverage traces them). Weak: the engines' caches decide what stays alive.
_by_filename: "weakref.WeakValueDictionary[str, CompiledTemplate]" = weakref.WeakValueDictionary()


def compiled_by_filename(filename: str) -> "CompiledTemplate | None":
    """The compiled template whose generated code has this filename, if it is still alive."""
    return _by_filename.get(filename)


@dataclass(frozen=True)
class CompiledTemplate:
    render_function: Callable[..., None]
    macros: dict[str, tuple[Callable[..., None], tuple[str, ...]]]
    python_source: str
    filename: str
    positions: tuple[nodes.Span | None, ...]
    source_lines: tuple[str, ...]
    #: Lines that print several statements (see codegen's plans): line number → their spans.
    line_spans: dict[int, tuple[nodes.Span, ...]]
    #: The values the code names without spelling them out (plans), for readers of the code.
    constants: dict[str, Any]

    def position_of_error(self, error: BaseException) -> nodes.Span | None:
        """Where in the template an error happened: its own ``template_span`` (set by helpers that
        run several statements of one generated line), else its traceback's position."""
        return getattr(error, "template_span", None) or self.position_of(error.__traceback__)

    def position_of(self, trace: TracebackType | None) -> nodes.Span | None:
        """The template position of the innermost generated line in a traceback."""
        found = None
        for frame, line in traceback.walk_tb(trace):
            if frame.f_code.co_filename == self.filename and 0 < line <= len(self.positions):
                found = self.positions[line - 1] or found
        return found


#: What Python's compile() says of code nested past its static limits (100 indentation levels,
#: 20 nested loops, 200 nested brackets): the template nests too deeply, not a bug.
_PYTHON_NESTING_LIMITS = ("too many levels of indentation", "too many statically nested blocks", "too many nested")


def compile_template(source: str, dialect: Dialect, name: str | None = None) -> CompiledTemplate:
    tree = parse(source, name)
    filename = f"<vtl:{name or 'template'}#{next(_serial)}>"
    try:
        module = codegen.generate(tree)
        code = compile(module.source, filename, "exec")
    except VTLSyntaxError as error:  # a tree too deep (codegen's positions lack the line's text)
        raise _positioned(error.message, (error.line, error.column), source, name) from None
    except RecursionError:  # (pure Python recurses in more frames than the tree has levels)
        raise _positioned(TOO_DEEP.format("Python's recursion limit"), (1, 1), source, name) from None
    except SyntaxError as error:
        if not str(error.msg).startswith(_PYTHON_NESTING_LIMITS):
            raise  # generated code that does not compile is the engine's bug: let it show
        spans = [span for span in module.positions[:error.lineno or 0] if span]
        raise _positioned(TOO_DEEP.format(f"Python's compiler allows no more {str(error.msg).removeprefix('too many ')}"),
                          spans[-1] if spans else (1, 1), source, name) from None
    namespace: dict[str, Any] = dialect.runtime_names()
    namespace["__builtins__"] = {"len": len, "enumerate": enumerate, "type": type, "str": str}
    namespace.update(module.constants)
    exec(code, namespace)
    compiled = CompiledTemplate(namespace["render_template"], namespace["MACROS"], module.source, filename,
                                tuple(module.positions), tuple(source.splitlines()), module.line_spans,
                                module.constants)
    _by_filename[filename] = compiled
    return compiled


def _positioned(message: str, span: nodes.Span, source: str, name: str | None) -> VTLSyntaxError:
    lines = source.splitlines()
    snippet = lines[span[0] - 1] if 0 < span[0] <= len(lines) else ""
    return VTLSyntaxError(message, *span, snippet, name)
