"""`python -m app`: serve the playground with uvicorn."""

from __future__ import annotations

import argparse
import sys

import uvicorn


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m app",
        description="Serve the Gradient Descent Playground (page and JSON API under /api/v1).",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default: %(default)s)")
    parser.add_argument(
        "--reload",
        action="store_true",
        help="restart the server when the code changes (development)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:  # `python -m app run ...`: the command line in app/cli.py
        from app.cli import main as run

        sys.exit(run(argv[1:]))
    args = parse_args(argv)
    uvicorn.run("app.main:app", host=args.host, port=args.port, reload=args.reload)


if __name__ == "__main__":
    main()
