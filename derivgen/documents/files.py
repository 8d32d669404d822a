"""Atomic file output: a reader sees the old file or the whole new one, never a partial one."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
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


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) back until the block is done, then raise it.

    Around the moves that put several outputs in place, so an interrupt leaves all of them
    old or all of them new, never a new worksheet beside an old key. Only the main thread
    receives signals; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


@contextlib.contextmanager
def temporary_directory(prefix: str) -> Iterator[str]:
    """A temporary folder that a Ctrl-C cannot leave behind.

    One arriving while the folder is made waits until it is made, and then removes it; one
    arriving while it is removed waits until it is gone. (tempfile.TemporaryDirectory
    leaves the folder when the interrupt lands between its creation and `with` taking it.)
    """
    path = None
    try:
        with signals_deferred():
            path = tempfile.mkdtemp(prefix=prefix)
        yield path
    finally:
        if path is not None:
            with signals_deferred():
                shutil.rmtree(path, ignore_errors=True)


def _replace_with(path: Path, fill: Callable[[IO[bytes]], object]) -> None:
    """Fill a temporary file beside `path`, then rename it over `path`.

    An OSError names `path`, never the temporary file: that is the name the user gave. A
    Ctrl-C waits for the write (it is short), so no temporary file is left behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    with signals_deferred():
        try:
            temporary = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on success
                delete=False, dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
        except OSError as error:
            raise OSError(error.errno, error.strerror, str(path)) from None
        temp_path = Path(temporary.name)
        try:
            with temporary:
                fill(temporary)
                temporary.flush()
                os.fsync(temporary.fileno())
            os.chmod(temp_path, mode)
            os.replace(temp_path, path)
        except BaseException as error:
            with contextlib.suppress(OSError):
                temp_path.unlink()
            if (
                isinstance(error, OSError)
                and error.errno
                and error.filename in (None, str(temp_path))
            ):
                raise OSError(error.errno, error.strerror, str(path)) from None
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
