"""`python -m app run`: the table, the progress bar, --out files, and errors with exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from client_live import LiveServer

from app.cli import EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_UNWRITTEN, main
from app.client import Playground, Race, run

ROOT = Path(__file__).resolve().parents[2]
RACE = ["--objective", "rosenbrock", "--optimizer", "adam", "--lr", "0.05"]
RACE += ["--optimizer", "sgd:momentum=0.9", "--lr", "0.001", "--steps", "500"]


@pytest.fixture(scope="module")
def expected() -> Race:
    """The same race through the client: what the command line must report."""
    from app.main import create_app

    with Playground(app=create_app()) as pg:
        runs = [run("adam", lr=0.05), run("sgd", lr=0.001, momentum=0.9)]
        return pg.runs("rosenbrock", runs, steps=500)


def test_the_table_reports_each_runs_end(capsys: pytest.CaptureFixture, expected: Race) -> None:
    assert main([*RACE, "--progress", "never"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == "Rosenbrock's banana (rosenbrock), 500 steps"
    assert lines[1].split() == ["run", "optimizer", "status", "steps", "loss", "x", "y"]
    adam, sgd = expected.runs
    assert lines[2].split() == [
        "1", "adam", "lr=0.05", "max_steps", "500", f"{adam.final_loss:.4g}",
        *(f"{p:.6g}" for p in adam.final_params),
    ]  # fmt: skip
    assert lines[3].split()[:6] == [
        "2", "sgd", "lr=0.001", "momentum=0.9", "max_steps", "500"
    ]  # fmt: skip
    assert lines[3].split()[6] == f"{sgd.final_loss:.4g}"
    assert lines[-2:] == ["run 1: took all 500 steps", "run 2: took all 500 steps"]
    # Aligned columns: text starts together, numbers end together.
    table = lines[1:4]
    status_at = [
        line.index(w) for line, w in zip(table, ["status", "max_steps", "max_steps"], strict=True)
    ]
    assert status_at == [status_at[0]] * 3
    assert len({len(line) for line in table}) == 1
    assert err == ""  # no bar unless asked for (stderr is not a terminal here)


def test_the_progress_bar_counts_steps_and_shows_losses(capsys: pytest.CaptureFixture) -> None:
    args = ["--objective", "booth", "--optimizer", "sgd", "--lr", "0.01", "--steps", "50"]
    assert main([*args, "--progress", "always"]) == 0
    err = capsys.readouterr().err
    last = err.rstrip("\n").split("\r")[-1]
    assert last.startswith("[" + "#" * 30 + "] 50/50 steps  loss ")
    assert err.endswith("\n")


def test_a_stopped_race_says_why(capsys: pytest.CaptureFixture) -> None:
    args = ["--expression", "x^2 + 10*y^2", "--optimizer", "sgd", "--lr", "0.05"]
    args += ["--optimizer", "sgd", "--lr", "0.5", "--start", "4", "2", "--loss-below", "1e-3"]
    assert main([*args, "--steps", "200"]) == 0
    out = capsys.readouterr().out
    assert "run 1: converged at step 46: loss < 0.001" in out
    assert "run 2: diverged at step 6" in out
    assert [line.split()[3] for line in out.splitlines()[2:4]] == ["converged", "diverged"]


def test_out_csv_holds_every_step(tmp_path: Path, expected: Race, capsys) -> None:
    path = tmp_path / "race.csv"
    assert main([*RACE, "--out", str(path)]) == 0
    rows = list(csv.DictReader(path.open(newline="")))
    assert len(rows) == 2 * 501
    assert rows == [
        {k: "" if v is None else str(v) for k, v in record.items()}
        for record in expected.to_records()
    ]
    assert f"wrote 1002 rows as CSV to {path}" in capsys.readouterr().err


def test_out_json_is_the_race_and_its_request(tmp_path: Path, expected: Race) -> None:
    path = tmp_path / "race.json"
    assert main([*RACE, "--out", str(path)]) == 0
    document = json.loads(path.read_text())
    assert Race.from_json(document) == expected
    assert document["request"]["runs"][1] == {
        "optimizer": {"name": "sgd", "momentum": 0.9, "lr": 0.001}
    }


def test_format_overrides_the_suffix(tmp_path: Path) -> None:
    path = tmp_path / "race.out"
    assert main([*RACE, "--steps", "5", "--out", str(path), "--format", "json"]) == 0
    assert json.loads(path.read_text())["runs"][0]["steps_taken"] == 5


def test_a_missing_lr_takes_the_objectives_suggested_rate(capsys) -> None:
    assert main(["--objective", "rosenbrock", "--optimizer", "adam", "--steps", "3"]) == 0
    from app.main import create_app

    with Playground(app=create_app()) as pg:
        suggested = pg.objective("rosenbrock")["suggested_lr"]["adam"]
    assert f"adam lr={suggested}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--objective", "rosenbrock", "--optimizer", "sgd", "--lr", "-1"],
            "error: runs[0].optimizer.lr: Input should be greater than or equal to 0 "
            "(--lr of run 1)",
        ),
        (
            [
                "--objective",
                "rosenbrock",
                "--optimizer",
                "adam",
                "--optimizer",
                "sgd:nesterov=true",
            ],
            "error: runs[1].optimizer.nesterov: Nesterov momentum requires a momentum > 0 and "
            "zero dampening (nesterov in --optimizer of run 2)",
        ),
        (["--objective", "nope"], "error: objective_id: unknown objective 'nope' (--objective)"),
        (
            ["--objective", "linear-regression", "--option", "loss=cubic"],
            "error: loss: must be one of mse, mae, huber (--option loss)",
        ),
        (
            ["--expression", "x^^2"],
            "error: expression: invalid syntax at column 3 near '^2' (--expression)",
        ),
        (
            ["--objective", "rosenbrock", "--steps", "1000000"],
            "error: steps: Input should be less than or equal to 100000 (--steps)",
        ),
        (
            ["--objective", "rosenbrock", "--start", "1", "2", "3"],
            "error: runs[0].start: needs at most 2 value(s), got 3 (--start)",
        ),
    ],
)
def test_a_refused_request_prints_field_and_reason(
    capsys: pytest.CaptureFixture, args: list[str], message: str
) -> None:
    assert main(args) == EXIT_REFUSED
    out, err = capsys.readouterr()
    assert err.strip() == message
    assert out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--optimizer", "adam"], "one of the arguments --objective --expression is required"),
        (
            ["--objective", "booth", "--optimizer", "adam", "--lr", "1", "--lr", "2", "--lr", "3"],
            "3 --lr for 1 --optimizer: give 0, 1 or one each",
        ),
        (
            ["--objective", "booth", "--optimizer", "sgd:momentum"],
            "--optimizer sgd 'momentum': expected NAME=VALUE",
        ),
        (["--objective", "booth", "--steps", "many"], "argument --steps: invalid int value"),
    ],
)
def test_a_bad_command_line_exits_2(capsys, args: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_no_server_at_url_exits_3(capsys, free_port: int) -> None:
    code = main(["--objective", "booth", "--url", f"http://127.0.0.1:{free_port}"])
    assert code == EXIT_UNREACHABLE
    assert capsys.readouterr().err.startswith("error: no answer from the server: http://127.0.0.1:")


def test_an_unwritable_out_exits_4_before_the_race(capsys, tmp_path: Path) -> None:
    path = tmp_path / "missing" / "race.csv"
    assert main(["--objective", "booth", "--out", str(path)]) == EXIT_UNWRITTEN
    out, err = capsys.readouterr()
    assert out == "" and err == f"error: cannot write {path}: no directory {path.parent}\n"


def test_python_m_app_run_against_a_live_server(live: LiveServer, tmp_path: Path) -> None:
    """The hook in app/__main__.py, and --url: the same table as in-process."""
    path = tmp_path / "race.csv"
    command = [sys.executable, "-m", "app", "run", *RACE, "--url", live.url, "--out", str(path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    in_process = subprocess.run(
        [sys.executable, "-m", "app", "run", *RACE], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.stdout == in_process.stdout
    assert done.stdout.startswith("Rosenbrock's banana (rosenbrock), 500 steps\n")
    assert len(path.read_text().splitlines()) == 1 + 2 * 501


def test_python_m_app_still_serves() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "app", "--help"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "--port" in help_text and "--reload" in help_text
    run_help = subprocess.run(
        [sys.executable, "-m", "app", "run", "--help"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert run_help.startswith("usage: python -m app run")
    assert "exit codes: 0 done; 1 the API refused" in run_help
