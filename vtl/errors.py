"""The errors callers see. Nothing else escapes the library: no Lark exception, no traceback."""
from __future__ import annotations

from collections.abc import Mapping


class VTLError(Exception):
    """Base of every error the library raises on purpose."""


class InvalidInputError(VTLError, ValueError):
    """What the caller handed over is malformed: a request, a backend answer or an option (not
    the template, and not something API Gateway would answer)."""


def json_type(value: object) -> str:
    """A value's JSON type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


class _PositionedError(VTLError):
    """An error at a template position: names the line and column and shows the line."""

    def __init__(self, message: str, line: int = 0, column: int = 0, snippet: str = "", name: str | None = None):
        self.message, self.line, self.column, self.snippet, self.name = message, line, column, snippet, name
        where = f"{name}: " if name else ""
        text = f"{where}line {line}, column {column}: {message}"
        if snippet:
            text += f"\n    {snippet}" + self._pointer()
        super().__init__(text)

    def _pointer(self) -> str:
        return ""


#: The message for a template nested deeper than the engine compiles (the lexer's, parser's, code
#: generator's and Python's own limits); Velocity renders such templates.
TOO_DEEP = "The template nests too deeply for this engine ({}); Velocity would render it"


class VTLSyntaxError(_PositionedError):
    """The template does not parse."""

    def _pointer(self) -> str:
        return f"\n    {' ' * max(self.column - 1, 0)}^"


class VTLRuntimeError(_PositionedError):
    """Rendering failed at a template position (a Java exception, a limit, a bad #evaluate)."""


class VTLInternalError(VTLRuntimeError):
    """A bug of the engine met while rendering: still a template error for the caller (with the
    template position), but the fuzz tests treat it as a failure."""


class VTLLimitError(VTLRuntimeError):
    """A limit was reached: API Gateway's (template size, #foreach iterations) or the engine's own
    guard against runaway templates (range literal size)."""


class JavaException(Exception):
    """Raised by a Java-like method the way the Java method would throw.

    The runtime turns it into a VTLRuntimeError carrying the template position, worded as
    Velocity's MethodInvocationException.
    """

    def __init__(self, java_class: str, message: str = ""):
        self.java_class, self.message = java_class, message
        super().__init__(f"{java_class}: {message}" if message else java_class)


class GatewayError(VTLError):
    """API Gateway stops the request with an HTTP answer (e.g. 400 for an unparsable body).

    Raised from inside a render (``$input.path`` on invalid JSON) and passed through untouched
    by the runtime, so the pipeline can answer with ``status`` and ``body``.
    """

    def __init__(self, status: int, message: str, headers: dict | None = None):
        self.status, self.message = status, message
        self.headers = headers or {}
        super().__init__(f"{status} {message}")

    @property
    def body(self) -> str:
        import json
        return json.dumps({"message": self.message})
