"""How many processes derive a worksheet's problems, and how many LaTeX runs go side by side,
when `--jobs` is not given.

Measured on this project's 2-core machine with `python benchmarks/bench_jobs.py` (medians of
3 runs, each in a fresh interpreter as the CLI is): deriving with 2 worker processes took
0.98 to 1.76 times as long as one process for every size tried, 2 to 310 distinct problems
(1.18x at 41, 1.21x at 310): a worker starts with sympy's caches cold and competes with the
main process for the same two cores, so on two cores it never pays. Two LaTeX runs side by
side, by contrast, took 0.85 to 0.9 times as long as one after the other (the worksheet and
the key of examples/note-examples.toml), so the two PDFs are still compiled together.
"""

from __future__ import annotations

import os

SERIAL_BELOW = 400
"""Distinct problems below which one process derives them all, whatever the cores: larger
than the largest set measured (310), where one process still won on two cores."""


def available_cores() -> int:
    """The cores this process may run on (its affinity, such as under taskset or a
    container's cpuset), else the machine's: also the cap on `--jobs`, since a worker more
    than the cores only competes for them."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def default_jobs(problems: int) -> int:
    """Worker processes for `problems` distinct problems: 1 on up to two cores or below
    SERIAL_BELOW problems, else one per core."""
    cores = available_cores()
    return 1 if cores <= 2 or problems < SERIAL_BELOW else cores


def default_typesetters() -> int:
    """LaTeX runs side by side: the worksheet and the key together when there are 2 cores."""
    return min(available_cores(), 2)
