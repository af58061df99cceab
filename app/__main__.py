"""`python -m app [serve] [options]`: serve the playground with uvicorn.

`serve` is the default, so `python -m app --port 9000` still serves; `python -m app run ...`
races optimizers in the terminal (app/cli.py). Another command is one more subparser and its
function.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable

import uvicorn

DEFAULT_COMMAND = "serve"


def add_serve(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the page and the JSON API (the default)",
        description="Serve the Gradient Descent Playground (page and JSON API under /api/v1).",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    serve.add_argument("--port", type=int, default=8000, help="TCP port (default: %(default)s)")
    serve.add_argument(
        "--reload", action="store_true", help="restart the server when the code changes"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes, each with its own compute slots (default: %(default)s)",
    )
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="one JSON line per request on standard error (or GDP_ACCESS_LOG=1)",
    )
    serve.set_defaults(run=serve_command)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m app",
        description="The Gradient Descent Playground. Without a command: serve.",
    )
    commands = top.add_subparsers(dest="command", metavar="command")
    add_serve(commands)
    return top


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The arguments, `serve` assumed when no command is named."""
    args = list(sys.argv[1:] if argv is None else argv)
    top = parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    if args[:1] in (["-h"], ["--help"]):  # the commands, then the default command's options
        print(top.format_help())
        commands.choices[DEFAULT_COMMAND].print_help()
        raise SystemExit(0)
    if not args or args[0] not in commands.choices:
        args = [DEFAULT_COMMAND, *args]
    parsed = top.parse_args(args)
    if parsed.command == "serve" and parsed.workers < 1:
        top.error("--workers must be at least 1")
    return parsed


def serve_command(args: argparse.Namespace) -> None:
    if args.access_log:
        os.environ["GDP_ACCESS_LOG"] = "1"
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its metrics here; /metrics in any worker adds them up.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gdp-metrics-")
    uvicorn.run(
        "app.main:app",
        host=args.host,
        port=args.port,
        reload=args.reload,
        workers=args.workers if not args.reload else None,
        access_log=not args.access_log,  # the app's JSON lines replace uvicorn's when asked
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:  # `python -m app run ...`: the command line in app/cli.py
        from app.cli import main as run_race

        sys.exit(run_race(argv[1:]))
    args = parse_args(argv)
    run: Callable[[argparse.Namespace], None] = args.run
    run(args)


if __name__ == "__main__":
    main()
