"""Admitted computations take turns at running Python: never two at once, each in its turn, in the
order they asked (so the event loop competes for the GIL with one thread, not with all)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import anyio

from app.api.compute import Job
from app.api.limits import ComputeSlots
from app.api.turns import Turns


class Inside:
    """Counts the computations running at once, and which one ran at each tick."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self.order: list[str] = []
        self._lock = threading.Lock()

    def tick(self, name: str) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.order.append(name)
        time.sleep(0.0005)  # a little work (the GIL is let go, as NumPy does)
        with self._lock:
            self.now -= 1


def busy(inside: Inside, name: str, ask: Callable[[], object], ticks: int = 60) -> str:
    for _ in range(ticks):
        inside.tick(name)
        ask()
    return name


def test_computations_take_turns_one_at_a_time_and_each_gets_its_turns() -> None:
    turns, inside = Turns(turn_seconds=0.002), Inside()
    threads = [
        threading.Thread(target=turns.run, args=(busy, inside, name, turns.pass_on))
        for name in "abc"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert inside.most == 1
    # Every computation got a turn before any finished: the first to finish ran its last tick
    # after every other had started.
    last_of = {name: max(i for i, n in enumerate(inside.order) if n == name) for name in "abc"}
    first_of = {name: inside.order.index(name) for name in "abc"}
    assert min(last_of.values()) > max(first_of.values())


def test_a_turn_is_kept_while_nobody_waits() -> None:
    turns, inside = Turns(turn_seconds=0.0), Inside()
    assert turns.run(busy, inside, "alone", turns.pass_on) == "alone"
    assert inside.order == ["alone"] * 60


def test_pass_on_outside_a_turn_does_nothing() -> None:
    turns = Turns(turn_seconds=0.0)
    turns.pass_on()  # the event loop's thread holds no turn: nothing to hand over, no block


def test_jobs_under_one_cap_take_turns_through_should_stop() -> None:
    slots, inside = ComputeSlots(4), Inside()
    jobs = [Job(slots, time.monotonic() + 60) for _ in range(3)]

    async def main() -> list[str]:
        results: list[str] = []

        async def one(job: Job, name: str) -> None:
            results.append(await job.run(busy, inside, name, job.should_stop))

        async with anyio.create_task_group() as group:
            for job, name in zip(jobs, "xyz", strict=True):
                group.start_soon(one, job, name)
        return results

    assert sorted(anyio.run(main)) == ["x", "y", "z"]
    assert inside.most == 1
    assert len(set(inside.order[:90])) == 3  # turns passed between jobs, not one job to the end
