"""Every example in the README runs as written and prints what the README shows.

How the README's code blocks are read:
- ```pycon: a doctest session; each `>>>` line's output must match (doctest).
- ```python: run with this checkout's Python, against a live server where it names
  http://127.0.0.1:8000; a ```text block right after it is its exact standard output.
- ```bash: a `curl` command runs against the live server, `python -m app run` in a scratch
  directory; a ```text (exact) or ```json (parsed) block right after it is its output. Commands
  this test cannot run (installs, Docker, the deploy script, benchmarks) are listed in NOT_RUN
  with the test that covers them; any other bash block fails the test, so none goes unchecked.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
README_URL = "http://127.0.0.1:8000"
FENCE = re.compile(r"^( *)```(\w+)\n(.*?)\n\1```$", re.MULTILINE | re.DOTALL)
OUTPUTS = ("text", "json")
# Commands this test does not run, and where they are covered instead.
NOT_RUN = {
    "python3 -m venv": "the quick start: tests/test_readme.py and .ci/run",
    "docker ": "Docker cannot run here: tests/deploy/test_manifests.py checks the image's setup",
    "deploy/start.sh": "tests/deploy/test_deploy_local.py",
    "python -m benchmarks.": "benchmarks are run by hand; their figures are in docs/",
}


@dataclass(frozen=True)
class Example:
    language: str
    code: str
    output: str | None
    output_language: str | None
    line: int

    @property
    def id(self) -> str:
        return f"README.md:{self.line}:{self.language}"


def examples() -> list[Example]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [
        (m.group(2), re.sub(rf"(?m)^{m.group(1)}", "", m.group(3)), m.start(), m.end())
        for m in FENCE.finditer(text)
    ]
    found, used = [], set()
    for i, (language, code, start, end) in enumerate(blocks):
        if language in OUTPUTS:
            continue
        output = output_language = None
        if i + 1 < len(blocks) and blocks[i + 1][0] in OUTPUTS:
            between = text[end : blocks[i + 1][2]]
            if not between.strip() or between.strip().endswith(":"):
                output_language, output = blocks[i + 1][0], blocks[i + 1][1]
                used.add(i + 1)
        line = text.count("\n", 0, start) + 1
        found.append(Example(language, code, output, output_language, line))
    orphans = [blocks[i][2] for i, b in enumerate(blocks) if b[0] in OUTPUTS and i not in used]
    assert not orphans, f"output blocks with no example before them at {orphans}"
    return found


def runnable(example: Example) -> bool:
    if example.language != "bash":
        return True
    return example.code.startswith(("curl ", "python -m app run "))


EXAMPLES = examples()
RUN = [e for e in EXAMPLES if runnable(e)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _compare(example: Example, printed: str) -> None:
    if example.output is None:
        return
    if example.output_language == "json":  # the same document, however it is spaced
        assert json.loads(printed) == json.loads(example.output)
    else:
        assert printed.rstrip("\n") == example.output.rstrip("\n")


def _run_pycon(example: Example) -> None:
    test = doctest.DocTestParser().get_doctest(example.code, {}, example.id, "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    lines: list[str] = []
    runner.run(test, out=lines.append)
    assert runner.failures == 0, "".join(lines)


def _run_python(example: Example, base_url: str) -> None:
    code = example.code.replace(README_URL, base_url)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    _compare(example, done.stdout)


def _run_bash(example: Example, base_url: str, scratch: Path) -> None:
    command = example.code
    if command.startswith("curl "):
        if shutil.which("curl") is None:
            pytest.skip("curl is not installed")
        command, cwd, env = command.replace(README_URL, base_url), ROOT, None
    elif command.startswith("python -m app run "):
        # A scratch directory for --out files; the checkout's app on the path.
        command, cwd = command.replace("python ", f"{sys.executable} ", 1), scratch
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
    else:
        pytest.fail(f"{example.id}: no way to run {command!r}")
    done = subprocess.run(
        command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    if example.output is None and command.startswith("curl "):
        json.loads(done.stdout)  # an answer without its output shown must still be JSON
    _compare(example, done.stdout)


@pytest.mark.parametrize("example", RUN, ids=[e.id for e in RUN])
def test_readme_example(example: Example, base_url: str, tmp_path: Path) -> None:
    if example.language == "pycon":
        _run_pycon(example)
    elif example.language == "python":
        _run_python(example, base_url)
    elif example.language == "bash":
        _run_bash(example, base_url, tmp_path)
    else:
        pytest.fail(f"{example.id}: no runner for ```{example.language} blocks")


def test_every_other_command_is_covered_elsewhere() -> None:
    for example in EXAMPLES:
        if not runnable(example):
            covered = any(example.code.startswith(start) for start in NOT_RUN)
            assert covered, f"{example.id}: {example.code!r} is run by no test; run it here, or "
            "add it to NOT_RUN with the test that covers it"


def test_examples_cover_every_kind_with_their_outputs() -> None:
    """The checks above must see the examples: the README has outputs to compare."""
    with_output = [e for e in EXAMPLES if e.output is not None]
    assert {e.language for e in EXAMPLES} >= {"pycon", "python", "bash"}
    assert len(with_output) >= 5, [e.id for e in with_output]


def test_the_race_example_races_plain_gradient_descent(base_url: str) -> None:
    """The first curl races Adam against plain gradient descent: SGD without momentum."""
    race = next(e for e in EXAMPLES if e.code.startswith("curl ") and '"record": "final"' in e.code)
    body = json.loads(re.search(r"-d '(.+)'", race.code).group(1))
    sgd = [r["optimizer"] for r in body["runs"] if r["optimizer"]["name"] == "sgd"]
    assert sgd and all(o.get("momentum", 0) == 0 for o in sgd)
    answer = httpx.post(f"{base_url}/api/v1/runs", json=body).json()
    assert [run["status"] for run in answer["runs"]] == ["max_steps", "max_steps"]
    assert answer["runs"][1]["final_state"] == {"momentum_buffer": [0.0, 0.0]}
