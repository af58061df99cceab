"""The README's two commands are the ones CI and newcomers run, each in a virtual environment
(Debian's system Python refuses pip installs outside one: externally-managed-environment)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = "python3 -m venv .venv && . .venv/bin/activate && "


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", quick_start)


def test_quick_start_has_exactly_two_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2, commands
    assert commands[0].endswith("python -m pip install . && python -m app")
    assert commands[1].endswith("python -m pip install -q -e '.[dev]' && python -m pytest")


def test_each_command_makes_and_uses_a_virtual_environment() -> None:
    for command in _readme_commands():
        assert command.startswith(VENV), command
        # Every install and run after the activation uses the environment's python.
        assert "pip install" not in command.split(VENV, 1)[1].replace("python -m pip", "")


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()[1] in ci_lines


def test_ci_installs_what_the_readme_says_some_tests_need() -> None:
    """The README names the Debian packages that some tests need; CI installs each of them."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (packages,) = re.findall(r"sudo apt-get install -y ((?:[\w-]+ ?)+)`;", quick_start)
    for package in packages.split():
        assert f"missing+=({package})" in ci, package
    assert "missing+=(python3-venv)" in ci  # the README's commands need venv's ensurepip
