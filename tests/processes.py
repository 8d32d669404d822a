"""Looking at processes through Linux's /proc, for the tests that interrupt real builds."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

HAS_PROC = Path("/proc/self/task").is_dir()


def children(pid: int) -> list[int]:
    """The direct children of `pid`."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for a parent that never reaps it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def working_in(folder: Path) -> list[int]:
    """Live processes whose working directory is below `folder` (latexmk and pdflatex run in
    the build's temporary folder, in a session of their own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")).is_relative_to(folder):
                    found.append(int(entry.name))
            except OSError:
                continue
    return [pid for pid in found if alive(pid)]


def wait_for(
    condition, what: str, process: subprocess.Popen | None = None, seconds: float = 120
) -> None:
    """Poll `condition`; fail at once, with its stderr, when `process` has already ended."""
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            _, stderr = process.communicate()
            pytest.fail(f"never saw {what}: the build ended ({process.returncode}): {stderr}")
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.01)
