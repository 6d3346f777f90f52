"""The public API: Engine (a cache of compiled templates) and Template."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from . import __version__
from ._native import RENDER_CLOCK
from .codegen import CODEGEN_VERSION
from .compiler import CompiledTemplate, compile_template
from .dialects import Dialect, get_dialect
from .errors import (GatewayError, InvalidInputError, JavaException, VTLError, VTLInternalError, VTLLimitError,
                     VTLRuntimeError, VTLSyntaxError, json_type)
from .runtime.core import BreakScope, RenderState, StopRendering
from .runtime.values import java_output_text


#: Seconds a render may run before vtl stops it (a VTLLimitError naming the loop it was in). No
#: template that runs this long could answer on AWS: API Gateway gives up on a request after 29 s.
DEFAULT_RENDER_TIME_LIMIT = 29.0


class Engine:
    """Compiles templates once per (source, dialect, engine version) and keeps them.

    ``render_time_limit`` (seconds, None for none) bounds each render of its templates: loops
    inside loops, and macros whose by-name arguments re-evaluate each other, can run for hours
    within every per-loop limit. The clock starts at the first of its looks, which come at least
    once every 1,024 loop turns and starts, macro calls and argument evaluations."""

    def __init__(self, dialect: str | Dialect = "apigateway", cache_size: int = 1024,
                 render_time_limit: float | None = DEFAULT_RENDER_TIME_LIMIT) -> None:
        self.dialect = get_dialect(dialect)
        self.cache_size = cache_size
        self.render_time_limit = render_time_limit
        self._cache: OrderedDict[tuple, CompiledTemplate] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def render_time_limit(self) -> float | None:
        return None if self.render_clock is None else self.render_clock[1]

    @render_time_limit.setter
    def render_time_limit(self, seconds: float | None) -> None:
        # What a render puts on the thread's clock: it starts at the loops' first look.
        self.render_clock = None if seconds is None else (None, float(seconds))

    @property
    def fingerprint(self) -> str:
        return f"vtl-{__version__}/codegen-{CODEGEN_VERSION}/{self.dialect.name}"

    def compiled(self, source: str, name: str | None = None) -> CompiledTemplate:
        # The source itself is the key: a str keeps its hash, so a caller that holds its templates
        # (an integration, a gateway) finds them again without reading them.
        key = (source, name)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        compiled = compile_template(source, self.dialect, name)
        with self._lock:
            self._cache[key] = compiled
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return compiled

    def template(self, source: str, name: str | None = None) -> "Template":
        return Template(source, dialect=self.dialect, name=name, engine=self)


_default_engines: dict[str, Engine] = {}


def default_engine(dialect: str | Dialect) -> Engine:
    dialect = get_dialect(dialect)
    engine = _default_engines.get(dialect.name)
    if engine is None:
        engine = _default_engines[dialect.name] = Engine(dialect)
    return engine


class Template:
    """A compiled template. ``render`` is thread-safe: each call has its own state."""

    def __init__(self, source: str, *, dialect: str | Dialect = "apigateway", name: str | None = None,
                 engine: Engine | None = None) -> None:
        if not isinstance(source, str):
            raise InvalidInputError(f"a template is a string, not {json_type(source)}")
        self.engine = engine or default_engine(dialect)
        self.dialect = self.engine.dialect
        self.source = source
        self.name = name
        limit = self.dialect.max_template_bytes
        if limit is not None and len(source) * 4 > limit and len(source.encode("utf-8", "surrogatepass")) > limit:
            raise VTLLimitError(f"the template is {len(source.encode('utf-8', 'surrogatepass'))} bytes: "
                                f"API Gateway's limit for a mapping template is {limit // 1024} KB", 1, 1, "", name)
        self.compiled = self.engine.compiled(source, name)

    @property
    def python_source(self) -> str:
        return self.compiled.python_source

    def render(self, context: dict | None = None, *, request: Any = None, backend_response: Any = None,
               phase: str = "request", variables: dict | None = None) -> str:
        """Render with plain ``context`` variables and, for API Gateway, a ``request``.

        ``variables`` are ready-made template variables (e.g. from ``vtl.apigw``) shared with
        the caller, so a pipeline can read ``$context`` overrides after the render.
        """
        if variables is None:
            variables = {}
            if request is not None or backend_response is not None:
                build = self.dialect.request_variables.get("build")
                if build is None:
                    raise VTLError(f"the {self.dialect.name} dialect has no request variables")
                variables.update(build(request, phase=phase, backend_response=backend_response))
        if context:
            if not isinstance(context, Mapping):
                raise InvalidInputError(f"the context (plain variables) must be an object, not {json_type(context)}")
            variables.update(context)
        state = RenderState(variables, dict(self.compiled.macros), self._evaluate, self.dialect,
                            self.dialect.max_macro_depth)
        RENDER_CLOCK.deadline = self.engine.render_clock  # this render's, fresh (or none)
        try:
            return java_output_text(run(self.compiled, state))
        except BreakScope as stop:  # the loop it names is not running: Velocity's StopCommand escapes
            raise _positioned(self.compiled, stop, "StopCommand: #break names a #foreach that is not running") from None
        except StopRendering as stop:
            return java_output_text(stop.output)

    def _evaluate(self, text: str, state: RenderState) -> str:
        compiled = self.engine.compiled(text, "#evaluate")
        for name, macro in compiled.macros.items():
            state.macros.setdefault(name, macro)  # an existing macro is never replaced
        return run(compiled, state)


def run(compiled: CompiledTemplate, state: RenderState) -> str:
    out: list[str] = []
    try:
        compiled.render_function(state, out.append, {})
    except StopRendering as stop:
        # #stop ends the whole render, also from inside #evaluate: carry the output so far out.
        stop.output = "".join(out) + stop.output
        raise
    except (GatewayError, VTLSyntaxError):
        raise
    except VTLRuntimeError as error:
        if error.line:
            raise
        raise _positioned(compiled, error, error.message, type(error)) from None
    except JavaException as error:
        raise _positioned(compiled, error, f"Invocation threw {error}") from None
    except RecursionError as error:
        raise _positioned(compiled, error, "recursion too deep") from None
    except Exception as error:  # a bug of ours still reaches the caller as a template error
        raise _positioned(compiled, error, f"internal error: {type(error).__name__}: {error}",
                          VTLInternalError) from None
    return "".join(out)


def _positioned(compiled: CompiledTemplate, error: BaseException, message: str,
                kind: type[VTLRuntimeError] = VTLRuntimeError) -> VTLRuntimeError:
    line, column = compiled.position_of_error(error) or (0, 0)
    snippet = compiled.source_lines[line - 1] if 0 < line <= len(compiled.source_lines) else ""
    return kind(message, line, column, snippet, None)
