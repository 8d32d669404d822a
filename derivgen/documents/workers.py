"""Work in worker processes that a Ctrl-C stops cleanly, shared by worksheets and grading.

Workers ignore SIGINT: a Ctrl-C reaches the whole process group, and only the main process
should answer it. Leaving the block for any reason (an interrupt or a SIGTERM included)
drops the items not yet started, and each worker exits once it has finished the one in
hand; a worker whose parent died without leaving the block (SIGKILL) exits at once
(orphans.exit_with_parent). So no process outlives the build.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from derivgen.documents.files import signals_deferred
from derivgen.documents.orphans import exit_with_parent

T = TypeVar("T")


@contextlib.contextmanager
def mapped(
    function: Callable[..., T], items: Sequence[Any], jobs: int, *shared: Any
) -> Iterator[Iterator[T]]:
    """`function(*shared, item)` for each item, in order; in this process when one worker
    would do. `function` and the arguments must pickle (a module-level function, data)."""
    workers = min(jobs, len(items))
    if workers <= 1:
        yield (function(*shared, item) for item in items)
        return
    pool = ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        # A Ctrl-C while the pool starts its threads and processes would leave a thread that
        # shutdown() cannot join; it waits until all items are queued (milliseconds).
        with signals_deferred():
            results = pool.map(function, *(itertools.repeat(a) for a in shared), items)
        yield results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(parent: int) -> None:
    """A worker leaves Ctrl-C to its parent, stops at once on SIGTERM (not as the CLI's
    parent does, which it inherited), and dies with its parent, the process `parent`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    exit_with_parent(parent)
