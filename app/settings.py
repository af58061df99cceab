"""Where the page's files live, and the limits every request is held to."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _site_dir(name: str) -> Path:
    """static/ and templates/ sit beside app/ in a checkout, inside app/_site/ in a wheel."""
    beside = _PACKAGE.parent / name
    return beside if beside.is_dir() else _PACKAGE / "_site" / name


STATIC_DIR = _site_dir("static")
TEMPLATES_DIR = _site_dir("templates")


@dataclass(frozen=True)
class Settings:
    # About twice the core count computes at once; the rest get 429 at once.
    max_concurrent_computations: int = 2 * (os.cpu_count() or 1)
    max_body_bytes: int = 64 * 1024
    max_steps_times_runs: int = 2_000_000
    max_steps: int = 100_000
    max_runs: int = 64
    max_sweep_runs: int = 4_096
    max_sweep_work: int = 4_200_000  # runs × steps
    max_resolution: int = 512
    request_deadline_seconds: float = 60.0


SETTINGS = Settings()
