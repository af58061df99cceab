"""The caps a request schema is built with (a subset of the app's settings), and the variant of
a request chosen by its objective's dimension."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.api.schemas.base import dict_get
from app.api.schemas.objectives import NETWORK, dim_of, is_network

LENIENT = "?"  # the tag of a request whose objective names nothing: it only reports errors


@dataclass(frozen=True)
class Caps:
    max_runs: int
    max_steps: int
    max_steps_times_runs: int
    max_resolution: int
    max_sweep_runs: int
    max_sweep_work: int
    max_batch_bytes: int

    @classmethod
    def of(cls, settings: Any) -> Caps:
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})

    @property
    def sweep_steps(self) -> int:
        """The most steps a sweep of one run may take."""
        return min(self.max_steps, self.max_sweep_work)

    def grid_resolution(self, dim: int) -> int:
        """The finest start grid of a sweep in dim dimensions (resolution^dim runs)."""
        resolution = 1
        while (resolution + 1) ** dim <= self.max_sweep_runs:
            resolution += 1
        return resolution


def by_dimension(dims: tuple[int, ...], *, networks: bool = False) -> Any:
    """The tag of a request: its objective's dimension, NETWORK (when networks is true and it
    is one), or LENIENT."""

    def tag(body: Any) -> str:
        spec = dict_get(body, "objective")
        if networks and is_network(spec):
            return NETWORK
        dim = dim_of(spec)
        return str(dim) if dim in dims else LENIENT

    return tag
