"""How many worker processes derive a worksheet's problems when `--jobs` is not given."""

from __future__ import annotations

import os


def default_jobs(problems: int) -> int:
    """One process per core."""
    del problems
    return os.cpu_count() or 1
