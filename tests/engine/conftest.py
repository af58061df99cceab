"""Shared fixtures for the engine suite (helpers live in gradcheck.py)."""

from __future__ import annotations

import zlib

import numpy as np
import pytest


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A generator seeded by the test's own name, so every parametrised case is reproducible."""
    return np.random.default_rng(zlib.crc32(request.node.name.encode()))
