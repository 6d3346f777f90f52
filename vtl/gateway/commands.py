"""``vtl serve API_FILE``: the API a file defines, on a local HTTP server."""
from __future__ import annotations

import argparse
import logging
import sys

from ..errors import VTLError


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="serve an API definition (OpenAPI, CloudFormation/SAM, Terraform, AWS CLI JSON) locally",
        description="Serve the REST API an API file defines, through vtl's integration pipeline.")
    serve.add_argument("api_file", metavar="API_FILE", help="OpenAPI, CloudFormation/SAM, Terraform (.tf or a "
                                                            "directory) or AWS CLI JSON")
    serve.add_argument("--port", type=int, default=3000, help="port (default 3000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--stage", help="the stage to serve (default: the config's, else the file's first, else test)")
    serve.add_argument("--stage-variable", action="append", default=[], metavar="KEY=VALUE",
                       help="a stage variable (repeatable); overrides the file's and the config's")
    serve.add_argument("--config", metavar="FILE", help="gateway configuration (JSON or YAML): functions, VPC "
                                                        "links, connections")
    serve.set_defaults(handler=run_serve)


def _stage_variables(items: list[str]) -> dict[str, str]:
    variables = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"vtl serve: --stage-variable wants KEY=VALUE, not {item!r}")
        variables[key] = value
    return variables


def build(api_file: str, *, config_file: str | None = None, stage: str | None = None,
          stage_variables: dict[str, str] | None = None):
    """The ASGI app ``vtl serve`` runs (raises VTLError for what cannot be read)."""
    from ..loaders import load
    from .app import create_app
    from .config import GatewayConfig
    from .gateway import Gateway
    api = load(api_file)
    config = GatewayConfig.load(config_file) if config_file else GatewayConfig()
    return create_app(Gateway(api, config, stage=stage, stage_variables=stage_variables))


def run_serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        app = build(args.api_file, config_file=args.config, stage=args.stage,
                    stage_variables=_stage_variables(args.stage_variable))
    except VTLError as error:
        print(f"vtl serve: {error}", file=sys.stderr)
        return 2
    gateway = app.state.gateway
    for warning in gateway.api.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    from .server import serve_forever

    def announce(url: str) -> None:
        for path, method in gateway.api.methods():
            kind = method.integration.type if method.integration else "no integration"
            print(f"  {method.http_method:7} {path}  ({kind})", file=sys.stderr)
        print(f"vtl serve: {gateway.api.name or args.api_file} (stage {gateway.stage}) on {url}",
              file=sys.stderr, flush=True)
    try:
        serve_forever(app, args.host, args.port, on_bound=announce)
    except OSError as error:
        print(f"vtl serve: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    finally:
        gateway.close()
    return 0
