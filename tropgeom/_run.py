"""The run contract, in one place (docs/architecture.md).

Every long call takes ``max_seconds``, ``threads`` and ``progress``, honours Ctrl-C, and on a stop
raises :class:`BudgetExceeded` with ``.partial`` (a valid result of what was found) and ``.reason``
(``"max_seconds"``, ``"interrupted"`` or the name of the count budget the caller set, e.g.
``"max_regions"``).  The core reports a stop as a status (``complete``, ``stop_reason``) or, where it
has nothing to return, raises BudgetExceeded itself; :func:`stopped` turns a status into that
exception, and :func:`interruptible` a Ctrl-C that lands in Python between two core calls.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Any

from ._seam import positive_int, positive_seconds
from .errors import BudgetExceeded

__all__ = ["threads", "usable_cores", "progress", "stopped", "reason", "seconds", "Deadline", "interruptible"]


def usable_cores() -> int:
    """Cores this process may use: its CPU affinity, capped by a cgroup CPU quota (containers)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    try:  # cgroup v2: "max 100000" or "<quota> <period>"
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
        if quota != "max":
            n = min(n, max(1, int(int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, n)


def threads(value) -> int:
    """``threads=None`` means every usable core; otherwise a positive integer."""
    return usable_cores() if value is None else positive_int(value, "threads")


def seconds(value) -> float:
    """``max_seconds`` as the core takes it: 0 for no limit."""
    return float(positive_seconds(value) or 0.0)


def reason(core_reason: str, count_name: str = "max_count") -> str:
    """The core's stop reason in the caller's words (its count budget is ``count_name``)."""
    return count_name if core_reason == "max_count" else core_reason


@contextmanager
def progress(spec, unit: str):
    """The progress callback for the core: None (a tqdm bar on a TTY, shown after a second), False,
    True (a bar even off a TTY), or a callable receiving the count so far.  Yields the callable or None."""
    if spec is False or (spec is None and not sys.stderr.isatty()):
        yield None
        return
    if callable(spec) and spec is not True:
        yield spec
        return
    from tqdm.auto import tqdm  # a widget in Jupyter, text on a terminal
    bar = tqdm(total=None, unit=" " + unit, delay=1.0, file=sys.stderr, leave=False)
    try:
        yield lambda n: bar.update(n - bar.n)
    finally:
        bar.close()


def stopped(complete: bool, core_reason: str, *, partial: Any, what: str,
            count_name: str = "max_count", remaining: Any = None) -> None:
    """Raises BudgetExceeded for a result whose status says it stopped early; returns otherwise."""
    if complete:
        return
    why = reason(core_reason, count_name)
    raise BudgetExceeded(f"stopped by {why}: {what}", partial=partial, reason=why, remaining=remaining)


class Deadline:
    """One ``max_seconds`` shared by the core calls a Python method chains (e.g. vertices, then edges):
    ``left()`` is the budget each next call gets (None: no limit); a spent budget raises
    BudgetExceeded("max_seconds") with the given partial result."""

    def __init__(self, max_seconds):
        import time
        self._clock = time.monotonic
        self._budget = positive_seconds(max_seconds)
        self._start = self._clock()

    def left(self, partial: Any = None, what: str = "the run") -> "float | None":
        if self._budget is None:
            return None
        rest = self._budget - (self._clock() - self._start)
        if rest <= 0:
            raise BudgetExceeded(f"stopped by max_seconds: {what}", partial=partial, reason="max_seconds")
        return rest


class Found:
    """What a long call has found so far (``partial``, ``remaining``), kept current by the caller."""
    __slots__ = ("partial", "remaining")

    def __init__(self, partial: Any = None, remaining: Any = None):
        self.partial, self.remaining = partial, remaining


@contextmanager
def interruptible(what: str, partial: Any = None, remaining: Any = None):
    """The run contract for a long call that makes several core calls: a Ctrl-C landing in Python
    between two of them (the core turns one that lands inside a call into a stop itself) raises
    BudgetExceeded(reason="interrupted") with what was found, not a KeyboardInterrupt.  Yields a
    :class:`Found` whose ``partial`` / ``remaining`` the caller keeps current; a BudgetExceeded raised
    inside passes through unchanged."""
    found = Found(partial, remaining)
    try:
        yield found
    except KeyboardInterrupt:
        raise BudgetExceeded(f"stopped by interrupted: {what}", partial=found.partial, reason="interrupted",
                             remaining=found.remaining) from None
