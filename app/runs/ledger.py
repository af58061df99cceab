"""The ledger of run outcomes: which runs are still going, and how and when each one ended.

Endings are kept as arrays (one judgement may settle thousands of runs at once) and turned into
RunOutcome records only when asked for.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np

from app.runs.problem import StopRules
from app.runs.status import (
    CONVERGED,
    DIVERGED,
    DIVERGENCE_LIMIT,
    MAX_STEPS,
    RUNNING,
    STATUSES,
    RunStatus,
)

_LIMIT_SQUARED = DIVERGENCE_LIMIT**2
# NumPy's ufuncs release the GIL for loops over more numbers than this (its threading threshold).
_GIL_FREE_SIZE = 500
_dot = np.ndarray.dot


@dataclass
class RunOutcome:
    status: RunStatus = RunStatus.RUNNING
    steps_taken: int = 0
    message: str = ""
    diverged_at: int | None = None
    converged_by: str | None = None
    clipped_steps: int = 0


class Ledger:
    """Every run's status, the step it ended at and why, and how many of its updates were clipped.

    `status` is handed out with each Step, so it is replaced, never changed, once a run ends.
    The runs still going are kept in the forms the loop needs every step: `going_rows` (an
    index: a full slice while every run is going), `going_mask` (None while every run is going),
    `all_going` and `any_going`; `version` counts the judgements that ended runs, so the
    update and the rates can tell when what they derived from them is stale.
    """

    def __init__(self, runs: int, stop: StopRules, last: int) -> None:
        self.stop = stop
        self.last = last
        self.has_rules = stop.loss_below is not None or stop.grad_norm_below is not None
        self.status = np.full(runs, RUNNING)
        self.steps_taken = np.zeros(runs, dtype=np.int64)
        self.clipped_steps = np.zeros(runs, dtype=np.int64)
        self._endings: list[tuple[str, str | None]] = [("", None)]  # (message, stop rule)
        self._ending_of = np.zeros(runs, dtype=np.int64)
        self._copied_at = -1  # the step whose status copy is this ledger's own to change
        self._outcomes: list[RunOutcome] | None = None
        self.going_rows: slice | np.ndarray = slice(None)
        self.going_mask: np.ndarray | None = (
            None  # (R,) mask of the runs still going, once some ended
        )
        self.all_going = self.any_going = True
        self.version = 0

    # --- settling runs --------------------------------------------------------------------------

    def judge(
        self,
        k: int,
        points: np.ndarray,
        values: np.ndarray,
        grads: np.ndarray,
        healthy: bool,
    ) -> None:
        """Settle the runs that diverged, met a stop rule, or used up the budget at step k.

        points, values and grads are the rows still going; values holds NaN where the loss is not
        finite; healthy is batch_is_healthy's verdict.
        """
        stop, last = self.stop, k == self.last
        ended = False
        ok = None
        if not healthy:
            # max propagates NaN, and NaN compares false: non-finite rows count as bad.
            bad_param = ~(np.abs(points).max(axis=1, initial=0.0) <= DIVERGENCE_LIMIT)
            bad_loss = np.isnan(values)
            bad_grad = ~(np.abs(grads).max(axis=1, initial=0.0) < np.inf)
            for mask, what in (
                (bad_param, f"a parameter became non-finite or passed {DIVERGENCE_LIMIT:g}"),
                (bad_loss & ~bad_param, "the loss became non-finite"),
                (bad_grad & ~bad_loss & ~bad_param, "the gradient became non-finite"),
            ):
                ended |= self._end_going_rows(mask, k, DIVERGED, f"diverged at step {k}: {what}")
            ok = ~(bad_param | bad_loss | bad_grad)
        if stop.loss_below is not None:
            hit = values < stop.loss_below
            hit = hit if ok is None else ok & hit
            message = f"converged at step {k}: loss < {stop.loss_below:g}"
            ended |= self._end_going_rows(hit, k, CONVERGED, message, "loss_below")
            ok = ~hit if ok is None else ok & ~hit
        if stop.grad_norm_below is not None:
            hit = np.linalg.norm(grads, axis=1) < stop.grad_norm_below
            hit = hit if ok is None else ok & hit
            message = f"converged at step {k}: gradient norm < {stop.grad_norm_below:g}"
            ended |= self._end_going_rows(hit, k, CONVERGED, message, "grad_norm_below")
            ok = ~hit if ok is None else ok & ~hit
        if last:
            rest = np.ones(len(values), dtype=bool) if ok is None else ok
            ended |= self._end_going_rows(rest, k, MAX_STEPS, f"took all {k} steps")
        if ended:
            self._settle()

    def end_going(self, k: int, code: int, message: str, among: np.ndarray | None = None) -> None:
        """End at step k every run still going, or only those of them where the (R,) mask
        `among` holds."""
        going = self.status == RUNNING
        if among is not None:
            going &= among
        if self._end(np.flatnonzero(going), k, code, message):
            self._settle()

    def count_clipped(self, clipped: np.ndarray) -> None:
        """Add one clipped update to every run where the (R,) mask holds."""
        self.clipped_steps += clipped
        self._outcomes = None

    def _end_going_rows(
        self, mask: np.ndarray, k: int, code: int, message: str, rule: str | None = None
    ) -> bool:
        """_end for a mask over the rows still going."""
        rows = self.going_rows
        return self._end(
            np.flatnonzero(mask) if isinstance(rows, slice) else rows[mask], k, code, message, rule
        )

    def _end(
        self, runs: np.ndarray, k: int, code: int, message: str, rule: str | None = None
    ) -> bool:
        if not len(runs):
            return False
        if self._copied_at != k:  # the Steps already handed out keep their statuses
            self.status = self.status.copy()
            self._copied_at = k
        self.status[runs] = code
        self.steps_taken[runs] = k
        self._endings.append((message, rule))
        self._ending_of[runs] = len(self._endings) - 1
        return True

    def _settle(self) -> None:
        """Refresh the forms of the runs still going after some ended."""
        going = self.status == RUNNING
        self.all_going, self.any_going = bool(going.all()), bool(going.any())
        self.going_mask = None if self.all_going else going
        self.going_rows = slice(None) if self.all_going else np.flatnonzero(going)
        self.version += 1
        self._outcomes = None

    # --- reading outcomes ---------------------------------------------------------------------

    @property
    def outcomes(self) -> list[RunOutcome]:
        """Every run's ending so far, in the order of the problem's runs."""
        if self._outcomes is None:
            self._outcomes = [
                RunOutcome(
                    status=STATUSES[code],
                    steps_taken=steps,
                    message=self._endings[ending][0],
                    diverged_at=steps if code == DIVERGED else None,
                    converged_by=self._endings[ending][1],
                    clipped_steps=clipped,
                )
                for code, steps, ending, clipped in zip(
                    self.status.tolist(),
                    self.steps_taken.tolist(),
                    self._ending_of.tolist(),
                    self.clipped_steps.tolist(),
                    strict=True,
                )
            ]
        return self._outcomes


def batch_is_healthy(loss: np.ndarray, params: np.ndarray, grads: np.ndarray) -> bool:
    """One whole-batch test that every loss and gradient is finite and no parameter passed the
    limit.

    Dot products are the cheapest full passes NumPy has; NaN and inf survive them. They can
    only raise a false alarm (a sum of squares overflowing), which the row-by-row test clears.
    A small batch uses @, not ndarray.dot, though that is quicker: dot lets go of the GIL
    around BLAS even for a few numbers, and that hand-off on every step of a small batch stalls
    the server's other requests. Past _GIL_FREE_SIZE numbers NumPy's own ufuncs let go of it
    anyway, so a large batch takes dot, at half the cost.
    """
    flat_grads, flat_params = grads.ravel(), params.ravel()  # views of contiguous arrays
    square_sum = _dot if flat_grads.size > _GIL_FREE_SIZE else operator.matmul
    return (
        math.isfinite(square_sum(loss, loss))
        and math.isfinite(square_sum(flat_grads, flat_grads))
        and square_sum(flat_params, flat_params) <= _LIMIT_SQUARED
    )
