"""atheris harness: arbitrary bytes as a JSON request body, read by the templates that parse it.

Contract: ``$input.path('$')``, ``$input.json('$..a')`` and ``$util.parseJson(...)`` give a
value or raise GatewayError (API Gateway's own answer, e.g. 400 for an unparsable body);
nothing else, and no VTLInternalError. Run: see fuzz/README.md.
"""
from __future__ import annotations

import sys

import atheris

import _common  # noqa: F401  (puts the repository first on sys.path)

with atheris.instrument_imports(include=["vtl.apigw.json_values", "vtl.jsonpath", "vtl.apigw.input",
                                         "vtl.apigw.util", "jsonpath_ng"]):
    from vtl.engine import Template
    from vtl.errors import GatewayError, VTLError, VTLInternalError

SOURCES = ["$input.path('$')", "$input.json('$..a')", "$util.parseJson($input.body)",
           "#set($v = $util.parseJson($input.body))$v", "$input.path('$.a[0]')"]
TEMPLATES = [Template(source) for source in SOURCES]


def TestOneInput(data: bytes) -> None:
    body = data.decode("utf-8", "replace")
    request = {"method": "POST", "path": "/", "body": body, "headers": {"Content-Type": "application/json"}}
    for source, template in zip(SOURCES, TEMPLATES):
        try:
            template.render(request=request)
        except GatewayError:
            pass
        except VTLInternalError as error:
            _common.crashed(error, source, "apigateway", request)
        except VTLError as error:
            # $util.parseJson throws json-smart's ParseException (a MethodInvocationException,
            # a typed template error: AWS answers 500); $input must answer with GatewayError.
            if source.startswith("$input.") or "ParseException" not in str(error):
                _common.crashed(AssertionError(f"{type(error).__name__}: {error}"), source, "apigateway", request)
        except Exception as error:
            _common.crashed(error, source, "apigateway", request)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
