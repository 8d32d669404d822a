"""Atomic file output: a reader sees the old file or the whole new one, never a partial one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `path`; on failure any earlier file there is untouched."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    _replace_with(Path(path), lambda out: out.write(payload))


def move_atomically(src: Path, dst: Path) -> None:
    """Move `src` to `dst` atomically, even across filesystems (such as from /tmp).

    The bytes are copied into a temporary file beside `dst`, which then replaces `dst`;
    `src` itself is removed afterwards.
    """
    src = Path(src)

    def copy(out: IO[bytes]) -> None:
        with src.open("rb") as source:
            shutil.copyfileobj(source, out)

    _replace_with(Path(dst), copy)
    with contextlib.suppress(OSError):
        src.unlink()


def _replace_with(path: Path, fill: Callable[[IO[bytes]], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    temporary = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on success
        delete=False, dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    temp_path = Path(temporary.name)
    try:
        with temporary:
            fill(temporary)
            temporary.flush()
            os.fsync(temporary.fileno())
        os.chmod(temp_path, mode)
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        raise
    _sync_directory(path.parent)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows syncing a directory."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | flags)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
