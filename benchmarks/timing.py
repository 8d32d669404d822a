"""The one timing rule both benchmarks share: a warm-up call, then the median of N runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(call: Callable[[], object], repeat: int) -> float:
    """Median wall time of `call`; the first call fills sympy's caches and is not counted."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
