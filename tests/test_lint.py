"""The tree stays ruff-clean (lint and format), as configured in pyproject.toml.

ruff is in the dev extras (pip install -e '.[dev]'), so a missing ruff is a failure, not a skip:
a test that skips silently would let the tree drift unchecked.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ruff() -> str:
    path = shutil.which("ruff")
    assert path is not None, "ruff is not installed: pip install -e '.[dev]'"
    return path


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(command: list[str]) -> None:
    result = subprocess.run([ruff(), *command], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
