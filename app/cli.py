"""`python -m app run`: race optimizers from the command line, on the Python client.

The race runs in this process unless --url names a server. Steps stream to a progress bar on
stderr; the final table goes to stdout, and --out writes every recorded step as CSV or JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from app.client import APIError, Playground, PlaygroundError, Race, Step, Unreachable

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_UNWRITTEN = 0, 1, 2, 3, 4
EPILOG = """\
examples:
  python -m app run --objective rosenbrock --optimizer adam --lr 0.05 --steps 500
  python -m app run --objective rosenbrock --optimizer adam --lr 0.05 \\
      --optimizer sgd:momentum=0.9 --lr 0.001 --steps 500 --out race.csv
  python -m app run --expression "x^2 + 10*y^2" --optimizer sgd --start 4 2 --loss-below 1e-3

Each --optimizer is one run, NAME or NAME:setting=value,...; --lr pairs with the --optimizer in
the same position (one --lr alone applies to every run; none: the objective's suggested rate).

exit codes: 0 done; 1 the API refused the request (the field and reason are printed);
2 bad command line; 3 no server answered at --url; 4 --out could not be written."""
PROGRESS_EVERY = 0.1  # seconds between redraws of the progress bar
BAR_WIDTH = 30


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m app run",
        description="Race optimizers down a loss surface and print how each run ended.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--objective", metavar="ID", help="a built-in objective, e.g. rosenbrock")
    what.add_argument("--expression", metavar="F", help='your own f(x, y), e.g. "x^2 + 10*y^2"')
    add = p.add_argument
    add("--option", action="append", default=[], metavar="NAME=VALUE", help="objective option")
    add("--optimizer", action="append", default=[], metavar="NAME[:k=v,...]", help="one run")
    add("--lr", action="append", default=[], type=float, help="learning rate, paired by position")
    add("--start", nargs="+", type=float, metavar="X", help="start point of every run")
    add("--steps", type=int, default=100, help="step budget (default: %(default)s)")
    add("--loss-below", type=float, metavar="T", help="stop a run when its loss is below T")
    add("--grad-norm-below", type=float, metavar="T", help="stop when the gradient norm is < T")
    add("--seed", type=int, help="seed for stochastic objectives")
    add("--every", type=int, metavar="K", help="record every K-th step (default: every step)")
    add("--out", type=Path, metavar="FILE", help="write every recorded step (.csv or .json)")
    add("--format", choices=("csv", "json"), help="--out's format (default: from its suffix)")
    add("--url", help="a running server, e.g. http://127.0.0.1:8000 (default: in-process)")
    add("--progress", choices=("auto", "always", "never"), default="auto", help="progress bar")
    return p


def parse_value(text: str) -> Any:
    """A setting's value: 0.9, 3, true, 0.9/0.999 (a list), else the text itself."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if "/" in text:
        return [parse_value(part) for part in text.split("/")]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def settings(items: Iterable[str], what: str) -> dict[str, Any]:
    found = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"{what} {item!r}: expected NAME=VALUE")
        found[name.strip()] = parse_value(value.strip())
    return found


def optimizer_specs(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each --optimizer with its --lr; a missing lr is filled from the objective later."""
    names = args.optimizer or ["adam"]
    if len(args.lr) not in (0, 1, len(names)):
        raise ValueError(f"{len(args.lr)} --lr for {len(names)} --optimizer: give 0, 1 or one each")
    lrs = args.lr * len(names) if len(args.lr) == 1 else args.lr or [None] * len(names)
    specs = []
    for text, lr in zip(names, lrs, strict=True):
        name, _, rest = text.partition(":")
        spec = {"name": name, **settings(filter(None, rest.split(",")), f"--optimizer {name}")}
        if lr is not None:
            spec["lr"] = lr
        specs.append(spec)
    return specs


def race_request(args: argparse.Namespace, objective: dict[str, Any]) -> dict[str, Any]:
    stop = {"loss_below": args.loss_below, "grad_norm_below": args.grad_norm_below}
    runs = []
    for spec in optimizer_specs(args):
        if "lr" not in spec and spec["name"] in objective["suggested_lr"]:
            spec["lr"] = objective["suggested_lr"][spec["name"]]
        runs.append({"optimizer": spec, **({"start": args.start} if args.start else {})})
    body: dict[str, Any] = {"objective": objective_spec(args), "runs": runs, "steps": args.steps}
    if any(v is not None for v in stop.values()):
        body["stop"] = {k: v for k, v in stop.items() if v is not None}
    if args.seed is not None:
        body["seed"] = args.seed
    if args.every is not None:
        body["record"] = {"every": args.every}
    return body


def objective_spec(args: argparse.Namespace) -> dict[str, Any]:
    """The race's objective: {"expression": ...}, or {"id": ..., **options}."""
    if args.expression is not None:
        return {"expression": args.expression}
    return {"id": args.objective, **settings(args.option, "--option")}


def flag_of(field: str, options: Iterable[str] = ()) -> str | None:
    """The command-line flag behind a field of an error body, if there is one."""
    run = re.match(r"runs\[(\d+)\]\.(optimizer\.)?(\w+)", field)
    if run:
        which = f"run {int(run[1]) + 1}"
        if run[2] is None:
            return "--start" if run[3] == "start" else f"--optimizer of {which}"
        if run[3] == "name":
            return f"--optimizer of {which}"
        return f"--lr of {which}" if run[3] == "lr" else f"{run[3]} in --optimizer of {which}"
    flags = {"objective_id": "--objective", "objective.id": "--objective", "steps": "--steps"}
    flags.update({"expression": "--expression", "objective.expression": "--expression"})
    flags.update({"stop.loss_below": "--loss-below", "stop.grad_norm_below": "--grad-norm-below"})
    flags.update({"seed": "--seed", "record.every": "--every", "runs": "--optimizer"})
    if field in flags:
        return flags[field]
    name = field.removeprefix("objective.")  # POST /runs says objective.loss, GET says loss
    return f"--option {name}" if field.startswith("objective.") or name in options else None


def explain(error: APIError, options: Iterable[str] = ()) -> str:
    """Each problem as `error: field: reason (the flag to change)`."""
    lines = []
    for problem in error.problems:
        flag = flag_of(problem.field, set(options))
        lines.append(f"error: {problem.field}: {problem.reason}" + (f" ({flag})" if flag else ""))
    return "\n".join(lines)


class Progress:
    """A one-line bar on stderr: steps done of the budget and each run's current loss."""

    def __init__(self, total: int, out: TextIO, enabled: bool) -> None:
        self.total, self.out, self.enabled, self.drawn = max(total, 1), out, enabled, 0.0

    def update(self, step: Step, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.drawn < PROGRESS_EVERY):
            return
        self.drawn = now
        done = min(step.step, self.total)
        filled = BAR_WIDTH * done // self.total
        losses = "  ".join(number(run.loss, ".3g") for run in step.runs)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.out.write(f"\r[{bar}] {done}/{self.total} steps  loss {losses}\x1b[K")
        self.out.flush()

    def finish(self, events: Sequence[object]) -> None:
        """Draw the last step, whatever the time since the last redraw, and end the line."""
        steps = [event for event in events if isinstance(event, Step)]
        if self.enabled and steps:
            self.update(steps[-1], force=True)
            self.out.write("\n")
            self.out.flush()


def number(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def table(race: Race, param_names: Sequence[str], sent: Sequence[dict]) -> str:
    """The final table: per run its optimizer (as it was asked for: the server's echo lists every
    default too), status, steps taken, loss and end point."""
    header = ["run", "optimizer", "status", "steps", "loss", *param_names]
    rows = [header]
    for r, (run, spec) in enumerate(zip(race.runs, sent, strict=True), start=1):
        given = {k: v for k, v in spec["optimizer"].items() if k != "name"}
        ordered = sorted(given.items(), key=lambda kv: kv[0] != "lr")  # the rate first
        settings_text = " ".join(f"{k}={v}" for k, v in ordered)
        rows.append(
            [
                str(r),
                f"{spec['optimizer']['name']} {settings_text}".strip(),
                run.status,
                str(run.steps_taken),
                number(run.final_loss, ".4g"),
                *(number(p, ".6g") for p in run.final_params),
            ]
        )
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    lines = [aligned(row, widths, text_columns=3) for row in rows]
    notes = [f"run {r}: {run.message}" for r, run in enumerate(race.runs, start=1)]
    return "\n".join([*lines, "", *notes])


def aligned(row: Sequence[str], widths: Sequence[int], text_columns: int) -> str:
    """Text columns to the left, numbers to the right, two spaces apart."""
    cells = [
        cell.ljust(width) if c < text_columns else cell.rjust(width)
        for c, (cell, width) in enumerate(zip(row, widths, strict=True))
    ]
    return "  ".join(cells).rstrip()


def write_out(path: Path, kind: str | None, race: Race, body: dict, names: Sequence[str]) -> str:
    kind = kind or ("json" if path.suffix.lower() == ".json" else "csv")
    if kind == "json":
        path.write_text(json.dumps({"request": body, **race.to_json()}, indent=1) + "\n")
        return f"wrote {len(race.runs)} runs as JSON to {path}"
    path.write_text(race.to_csv(names), newline="")
    return f"wrote {sum(len(r.trace.step) for r in race.runs)} rows as CSV to {path}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        optimizer_specs(args)
        objective_spec(args)
    except ValueError as error:
        parser().error(str(error))
    if args.out is not None and not args.out.parent.is_dir():
        print(f"error: cannot write {args.out}: no directory {args.out.parent}", file=sys.stderr)
        return EXIT_UNWRITTEN
    if args.url is None:
        from app.main import create_app  # only in-process: a --url run needs no server code

        client = Playground(app=create_app())
    else:
        client = Playground(args.url)
    with client:
        try:
            return race(client, args)
        except APIError as error:
            print(explain(error, settings(args.option, "--option")), file=sys.stderr)
            return EXIT_REFUSED
        except Unreachable as error:
            print(f"error: no answer from the server: {error}", file=sys.stderr)
            return EXIT_UNREACHABLE
        except PlaygroundError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_REFUSED


def race(client: Playground, args: argparse.Namespace) -> int:
    if args.expression is not None:
        objective = client.custom_objective(args.expression)
    else:
        objective = client.objective(args.objective, **settings(args.option, "--option"))
    body = race_request(args, objective)
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    progress = Progress(args.steps, sys.stderr, show)
    events = []
    for event in client.stream(**body):
        events.append(event)
        if isinstance(event, Step):
            progress.update(event)
    progress.finish(events)
    result = Race.from_stream(events)
    names = objective["param_names"]
    print(f"{objective['title']} ({objective['id']}), {args.steps} steps")
    print(table(result, names, body["runs"]))
    if args.out is not None:
        try:
            print(write_out(args.out, args.format, result, body, names), file=sys.stderr)
        except OSError as error:
            print(f"error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
            return EXIT_UNWRITTEN
    return EXIT_OK
