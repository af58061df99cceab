"""The update per optimizer group: each group's runs move by its optimizer, with clipping, and
runs that have ended keep their rows."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.optim import Clip, OptimizerDef
from app.runs.ledger import Ledger
from app.runs.problem import OptimizerGroup
from app.runs.step import State

HyperParams = dict[str, Any]


class GroupUpdate:
    """One optimizer's runs: their rows in the batch and their current state buffers."""

    __slots__ = ("keep", "moving", "optimizer", "rows", "state")

    def __init__(self, group: OptimizerGroup, rows: slice | np.ndarray, starts: np.ndarray) -> None:
        self.optimizer: OptimizerDef = group.optimizer
        self.rows = rows
        self.state: State = group.optimizer.init(starts[rows], group.hyperparams)
        self.keep: np.ndarray | None = None  # (n, 1) mask of its runs still going, once some end
        self.moving = True  # whether any of its runs is still going

    def advance(
        self,
        params: np.ndarray,
        grads: np.ndarray,
        hyperparams: HyperParams,
        step: int,
        hessians: np.ndarray | None,
    ) -> np.ndarray:
        """Update `step` (1-based) of this group's rows; keeps the new state, returns the new
        params. Rows of runs that have ended keep their params and state."""
        new_params, new_state = self.optimizer.update_fn(
            params, grads, self.state, hyperparams, step, hessians
        )
        if self.keep is not None:
            keep = self.keep
            new_params = np.where(keep, new_params, params)
            new_state = {name: np.where(keep, v, self.state[name]) for name, v in new_state.items()}
        self.state = new_state
        return new_params


class Updates:
    """Every group's update for one step of the batch."""

    def __init__(self, groups: list[OptimizerGroup], starts: np.ndarray, clip: Clip | None) -> None:
        runs = len(starts)
        self.groups = [GroupUpdate(g, rows_of(g.rows, runs), starts) for g in groups]
        self.clip = clip
        self.needs_hessian = any(g.optimizer.needs_hessian for g in groups)
        self.no_clip = np.zeros(runs, dtype=bool)  # shared by every Step without clipping
        self.states: tuple[State, ...] = tuple(g.state for g in self.groups)  # the current ones
        self._version = 0  # the ledger version the groups' masks follow

    def apply(
        self,
        params: np.ndarray,
        grad: np.ndarray,
        hyperparams: list[HyperParams],
        step: int,
        hessians: np.ndarray | None,
        ledger: Ledger,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Update `step` for the runs still going: the next params and which runs were clipped."""
        if ledger.version != self._version:
            self._follow(ledger)
        grads, clipped = grad, self.no_clip
        if self.clip is not None:
            grads, clipped = self.clip.apply(grad)
            if ledger.going_mask is not None:
                clipped &= ledger.going_mask
        if len(self.groups) == 1:
            (group,) = self.groups
            next_params = group.advance(params, grads, hyperparams[0], step, hessians)
        else:
            next_params = np.empty_like(params)
            for group, hp in zip(self.groups, hyperparams, strict=True):
                rows = group.rows
                if group.moving:
                    hess = None if hessians is None else hessians[rows]
                    next_params[rows] = group.advance(params[rows], grads[rows], hp, step, hess)
                else:
                    next_params[rows] = params[rows]
        if self.clip is not None:
            ledger.count_clipped(clipped)
        self.states = tuple(g.state for g in self.groups)
        return next_params, clipped

    def _follow(self, ledger: Ledger) -> None:
        """Take the ledger's runs still going into each group's masks."""
        for group in self.groups:
            going = None if ledger.going_mask is None else ledger.going_mask[group.rows]
            group.moving = going is None or bool(going.any())
            group.keep = None if going is None or going.all() else going[:, None]
        self._version = ledger.version


def rows_of(rows: np.ndarray, runs: int) -> slice | np.ndarray:
    """A group's rows as a slice where they are contiguous (views, not copies), else the index."""
    if len(rows) == runs:
        return slice(None)
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1:
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows
