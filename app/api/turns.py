"""Whose turn it is to run Python among the compute threads.

Python runs one thread at a time (the GIL). When every admitted computation competes for it, the
event loop waits behind all of them at each wake-up: tens of milliseconds with four at once. So
computations take turns: one runs, the others sleep on a lock (off the GIL), and the event loop
competes with a single thread, which hands the GIL over every switch interval.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# How long a computation keeps its turn while others wait: long enough that handing over costs
# nothing measurable, short enough that four computations share the time fairly.
TURN_SECONDS = 0.01


class Turns:
    """A fair (first come, first served) turn among compute threads."""

    def __init__(self, turn_seconds: float = TURN_SECONDS) -> None:
        self.turn_seconds = turn_seconds
        self._changed = threading.Condition(threading.Lock())
        self._waiting: deque[int] = deque()
        self._holder: int | None = None
        self._since = 0.0

    def run(self, work: Callable[..., T], *args: object) -> T:
        """work(*args) in this thread, during its turns."""
        self._take()
        try:
            return work(*args)
        finally:
            self._give()

    def pass_on(self) -> None:
        """Called often by a computation: if its turn is over and another waits, let it run."""
        if self._holder != threading.get_ident() or not self._waiting:
            return
        if time.monotonic() - self._since < self.turn_seconds:
            return
        self._give()
        self._take()

    def _take(self) -> None:
        me = threading.get_ident()
        with self._changed:
            self._waiting.append(me)
            while self._holder is not None or self._waiting[0] != me:
                self._changed.wait()
            self._waiting.popleft()
            self._holder = me
            self._since = time.monotonic()

    def _give(self) -> None:
        with self._changed:
            self._holder = None
            self._changed.notify_all()
