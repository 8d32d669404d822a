"""A time limit for a block of code, ending it with a one-line TimeLimitError.

derive() runs under one, so no input (found by fuzzing or typed by a hostile user) keeps a
grader's loop or a web page's worker busy for ever. Two mechanisms, chosen per call:

- **SIGALRM** (POSIX, main thread, no interval timer already armed): `signal.setitimer`
  interrupts pure-Python and sympy work between bytecodes. The handler and the timer are
  put back as they were on exit, whatever happens.
- **A watchdog thread** otherwise (Windows, another thread, or a caller's own timer armed):
  `PyThreadState_SetAsyncExc` raises in the limited thread at its next bytecode. Neither can
  stop one long C call (a single huge integer product), which is why the parser bounds
  numbers and nesting before anything runs.

The interrupt is a BaseException of this module's own, so no `except Exception` in the
engine can swallow it; it becomes TimeLimitError only here, at the block's edge.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from derivgen.errors import TimeLimitError

RETRY = 0.05
"""Seconds between a SIGALRM and the next, until the limited block has ended."""
DEFAULT_SECONDS = 60.0
"""derive()'s default: every example of benchmarks/bench_derive.py takes under a second."""


class _Expired(BaseException):
    """Raised inside the limited block when its time is up; never escapes `time_limit`."""


@contextlib.contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Run the block for at most `seconds` (None: no limit); past it, raise TimeLimitError
    saying that `what` took longer than the limit; an infinite limit is none."""
    if seconds is None or seconds == math.inf:
        yield
        return
    if not seconds > 0:
        raise TimeLimitError(f"the time limit must be a positive number of seconds, not {seconds}")
    start = time.monotonic()
    arm = _alarm if _alarm_usable() else _watchdog
    try:
        with arm(seconds):
            yield
    except _Expired:
        elapsed = time.monotonic() - start
        raise TimeLimitError(
            f"{what} took longer than the time limit of {seconds:g} s (stopped after "
            f"{elapsed:.1f} s; raise it with --time-limit SECONDS or time_limit=)"
        ) from None


def _alarm_usable() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    state = {"active": True, "fired": False}

    def expire(signum: int, frame: object) -> None:
        if state["active"]:  # a signal landing while the block exits is ignored
            state["fired"] = True
            raise _Expired

    hook = sys.unraisablehook

    def unraisable(report: Any) -> None:
        if not isinstance(report.exc_value, _Expired):  # ours is expected, and retried
            hook(report)

    previous = signal.signal(signal.SIGALRM, expire)
    # Re-fired every RETRY seconds: an _Expired raised inside a finalizer or a callback is
    # swallowed by Python as "unraisable", and the next one lands in the block itself.
    sys.unraisablehook = unraisable
    signal.setitimer(signal.ITIMER_REAL, seconds, RETRY)
    try:
        yield
    finally:
        while True:  # an alarm landing here, before the timer is off, must not skip it
            try:
                state["active"] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except _Expired:
                continue
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        sys.unraisablehook = hook
    if state["fired"]:  # every raise was swallowed, yet the time was up
        raise _Expired


@contextlib.contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    target = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(_Expired))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["active"] = False
        timer.cancel()
        if state["fired"]:  # fired as the block ended: clear it before it lands elsewhere
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)
    if state["fired"]:  # the time was up, whether or not the raise landed in the block
        raise _Expired
