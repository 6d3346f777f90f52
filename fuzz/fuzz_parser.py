"""atheris harness: arbitrary bytes as template text, parsed and rendered in both dialects.

Contract: only the library's typed errors (VTLError subclasses) come out, and never
VTLInternalError (an engine bug). Run: see fuzz/README.md.
"""
from __future__ import annotations

import sys

import atheris

import _common  # noqa: F401  (puts the repository first on sys.path)

with atheris.instrument_imports(include=["vtl", "lark"]):
    from vtl.engine import Template
    from vtl.errors import VTLError, VTLInternalError
    from vtl.parser import parse

CONTEXT = {"a": 1, "b": "two", "list": [1, 2, 3], "map": {"k": "v", "n": None}, "s": "Hello, World"}
REQUEST = {"method": "POST", "path": "/p/1", "body": '{"a": [1, {"b": "x"}], "c": null}',
           "headers": {"Content-Type": "application/json", "X-Test": "t"}, "query": {"q": "1"}}


def check(source: str, dialect: str) -> None:
    kwargs = {"request": REQUEST} if dialect == "apigateway" else {}
    try:
        Template(source, dialect=dialect).render(dict(CONTEXT), **kwargs)
    except VTLInternalError as error:
        _common.crashed(error, source, dialect, kwargs.get("request"))
    except VTLError:
        pass
    except Exception as error:
        _common.crashed(error, source, dialect, kwargs.get("request"))


def TestOneInput(data: bytes) -> None:
    source = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data)) if data[:1] == b"\x00" \
        else data.decode("utf-8", "replace")
    try:
        parse(source)
    except VTLInternalError as error:
        _common.crashed(error, source, "velocity", None)
    except VTLError:
        pass
    except Exception as error:
        _common.crashed(error, source, "velocity", None)
    for dialect in ("velocity", "apigateway"):
        check(source, dialect)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
