"""The command line: ``vtl render``, ``vtl show-code``, ``vtl invoke`` and friends."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, TextIO

from .errors import GatewayError, InvalidInputError, VTLError


def read_text(path: str) -> str:
    """A file named on the command line (``-``: stdin); one that is not UTF-8 exits with a message."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SystemExit(f"vtl: {path}: not UTF-8 text (byte {error.start})") from None


def json_argument(value: str | None, what: str, command: str = "vtl") -> Any:
    """A JSON value given inline or as a file path (a usage error exits with a message)."""
    if value is None:
        return None
    text = value
    if not value.lstrip().startswith(("{", "[")) and Path(value).exists():
        text = read_text(value)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SystemExit(f"{command}: {what} is not JSON: {error}") from None


def error_text(error: BaseException) -> str:
    """The one-line text of a case's error in batch output: class name first."""
    if isinstance(error, GatewayError):
        return f"GatewayError: {error.status} {error.body}"
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def render_case(case: dict, default_dialect: str) -> dict:
    """One line of ``vtl render --batch``."""
    from .engine import Template

    result: dict[str, Any] = {"id": case.get("id")}
    try:
        if "template" not in case:
            raise InvalidInputError("a render case needs a template")
        template = Template(case["template"], dialect=case.get("dialect") or default_dialect)
        request = case.get("request")
        phase = case.get("template_phase") or "request"
        backend = case.get("backend_response")
        output = template.render(case.get("context") or None, request=request, backend_response=backend,
                                 phase=phase) if (request is not None or backend is not None) else \
            template.render(case.get("context") or None)
        result["output"] = output
    except VTLError as error:
        result["error"] = error_text(error)
    except Exception as error:  # the batch contract: a failing case is an error line, never a crash
        result["error"] = f"InternalError: {type(error).__name__}: {error}"
    return result


def _java_integer(text: str) -> int | float:
    """JSON integers as the oracle's JSON→Java mapping reads them: beyond Long they are Doubles."""
    value = int(text)
    return value if -(2**63) <= value < 2**63 else float(value)


def run_batch(path: str, handle: Callable[[dict], dict], out: TextIO) -> int:
    """JSON Lines in, JSON Lines out, one line per case in order; exit 2 if unreadable."""
    try:
        text = read_text(path)
    except OSError as error:
        print(f"vtl: cannot read {path}: {error}", file=sys.stderr)
        return 2
    cases: list[dict] = []
    # Only "\n" ends a JSON Lines record (str.splitlines would also cut at U+2028 or U+0085,
    # which a JSON string may hold unescaped).
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line, parse_int=_java_integer)
        except json.JSONDecodeError as error:
            print(f"vtl: {path}:{number}: not JSON Lines: {error}", file=sys.stderr)
            return 2
        if not isinstance(case, dict):
            print(f"vtl: {path}:{number}: a case must be a JSON object", file=sys.stderr)
            return 2
        cases.append(case)
    lines = [json.dumps(handle(case), ensure_ascii=False) for case in cases]
    out.write("".join(line + "\n" for line in lines))
    out.flush()
    return 0


def command_render(arguments: argparse.Namespace) -> int:
    if arguments.batch:
        return run_batch(arguments.batch, lambda case: render_case(case, arguments.dialect), sys.stdout)
    if not arguments.template:
        print("vtl render: give a TEMPLATE file (or - for stdin), or --batch FILE", file=sys.stderr)
        return 2
    from .engine import Template

    source = read_text(arguments.template)
    context = json_argument(arguments.context, "--context")
    request = json_argument(arguments.request, "--request")
    try:
        template = Template(source, dialect=arguments.dialect, name=arguments.template)
        if request is not None:
            output = template.render(context, request=request)
        else:
            output = template.render(context)
    except VTLError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(output)
    return 0


def command_show_code(arguments: argparse.Namespace) -> int:
    from .engine import Template

    try:
        template = Template(read_text(arguments.template), dialect=arguments.dialect, name=arguments.template)
    except VTLError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(template.python_source)
    for name, value in template.compiled.constants.items():
        sys.stdout.write(f"# {name} = {value!r}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vtl", description="API Gateway mapping templates (VTL), offline and exact.")
    commands = parser.add_subparsers(dest="command", required=True)

    render = commands.add_parser("render", help="render a template")
    render.add_argument("template", nargs="?", help="template file, or - for stdin")
    render.add_argument("--context", help="plain variables: JSON text or a JSON file")
    render.add_argument("--request", help="an API Gateway request object (JSON text or file)")
    render.add_argument("--dialect", default="apigateway", choices=["apigateway", "velocity"])
    render.add_argument("--batch", metavar="FILE", help="render JSON Lines cases (see the case format)")
    render.set_defaults(handler=command_render)

    show = commands.add_parser("show-code", help="print the Python generated for a template")
    show.add_argument("template")
    show.add_argument("--dialect", default="apigateway", choices=["apigateway", "velocity"])
    show.set_defaults(handler=command_show_code)

    for extension in _extensions():
        extension(commands)
    return parser


#: Modules that add commands of their own with ``add_commands(subparsers)``: each command
#: lives with the part it drives (the pipeline's ``invoke``, the gateway's ``serve``, ...).
COMMAND_MODULES = ("vtl.apigw.commands", "vtl.bench", "vtl.gateway.commands", "vtl.testing.commands")


def _extensions() -> Iterable[Callable[[Any], None]]:
    import importlib

    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                continue  # that part is not installed in this tree
            raise
        yield module.add_commands


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return arguments.handler(arguments)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as error:  # a file named on the command line that cannot be read
        print(f"vtl: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
