"""A worker process that dies with its parent, so a SIGKILL of derivgen leaves none behind.

On Linux the kernel does it: prctl(PR_SET_PDEATHSIG) sends the worker SIGKILL when its
parent dies (called through ctypes: the standard library has no binding). Elsewhere a
daemon thread in the worker looks at its parent's id once a second and ends the worker
when it has changed (an orphan is adopted by another process).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>."""
_WATCH_SECONDS = 1.0


def exit_with_parent(parent: int) -> None:
    """Make this process end when its parent, the process `parent`, ends.

    The parent passes its own id: a worker that starts after derivgen was killed has been
    adopted already, and its getppid() would name the adopter.
    """
    if not _kernel_kills_orphan():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="orphan-watch").start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _kernel_kills_orphan() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)
