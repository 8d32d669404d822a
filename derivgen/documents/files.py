"""Atomic file output: a reader sees the old file or the whole new one, never a partial one.

A symlink is written through (the link stays, its target gets the new contents); a device,
a pipe or an open descriptor (`/dev/stdout`, `/dev/full`, a FIFO) is written into, never
replaced by a regular file. Several outputs that belong together (a worksheet, its key and
their sources) are replaced as a set: all new, or, after any failure, all as they were.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""What signals_deferred holds back: Ctrl-C, and `kill`'s SIGTERM."""

Contents = str | bytes | Path
"""A new file's contents: text (written as UTF-8), bytes, or the file at a Path (copied)."""


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `path`; on failure any earlier file there is untouched."""
    _replace_with(Path(path), _filler(data))


def _filler(contents: Contents) -> Callable[[IO[bytes]], object]:
    """What writes `contents` into an open file."""
    if isinstance(contents, Path):
        source = contents

        def copy(out: IO[bytes]) -> None:
            with source.open("rb") as data:
                shutil.copyfileobj(data, out)

        return copy
    payload = contents.encode("utf-8") if isinstance(contents, str) else contents
    return lambda out: out.write(payload)


def replace_together(outputs: Sequence[tuple[Path, Contents]]) -> None:
    """Put every `(path, contents)` in place as one set: all of them new, or none.

    Each new file is first written in full beside its path; only then are they renamed
    over the old ones, each old one kept (as a hard link, or a copy) until all are in
    place, so a failure midway (a full disk, a lost permission) puts the earlier ones back.
    An interrupt waits for the set (signals_deferred). A path that is a device or a pipe
    is refused: a set of outputs is files.
    """
    with signals_deferred():
        staged: list[tuple[Path, Path]] = []
        try:
            for path, contents in outputs:
                staged.append((_file_destination(Path(path)), _staged(Path(path), contents)))
            _commit(staged)
        finally:
            for _, temporary in staged:
                with contextlib.suppress(OSError):
                    temporary.unlink()
    for directory in dict.fromkeys(final.parent for final, _ in staged):
        _sync_directory(directory)


def _file_destination(path: Path) -> Path:
    """The file `path` names, through symlinks; a device or a pipe is refused (OSError)."""
    final, stream = _destination(path)
    if stream:
        raise OSError(errno.EINVAL, "not a regular file, so it cannot be replaced", str(path))
    return final


def _staged(path: Path, contents: Contents) -> Path:
    """A temporary file beside `path`'s destination holding `contents`, synced to disk."""
    final = _file_destination(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(final)
    temporary = _temporary_beside(final, path)
    temp_path = Path(temporary.name)
    try:
        with temporary:
            _filler(contents)(temporary)
            temporary.flush()
            os.fsync(temporary.fileno())
        os.chmod(temp_path, mode)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        _rename_error(error, temp_path, path)
        raise
    return temp_path


def _commit(staged: Sequence[tuple[Path, Path]]) -> None:
    """Rename each staged file over its destination; on a failure, undo the ones done."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for final, temporary in staged:
            done.append((final, _keep_old(final)))
            os.replace(temporary, final)
    except BaseException:
        # The last entry may not have been replaced yet: restoring its old copy is harmless.
        for final, old in reversed(done):
            with contextlib.suppress(OSError):
                if old is None:
                    final.unlink(missing_ok=True)
                else:
                    os.replace(old, final)
        raise
    finally:
        for _, old in done:
            if old is not None:
                with contextlib.suppress(OSError):
                    old.unlink()


def _keep_old(final: Path) -> Path | None:
    """A second name for the file at `final` (None when there is none), to restore it from."""
    if not final.exists():
        return None
    while True:
        old = final.with_name(f".{final.name}.{secrets.token_hex(6)}.old")
        try:
            os.link(final, old)
            return old
        except FileExistsError:
            continue
        except OSError:
            break
    descriptor, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".old")
    os.close(descriptor)
    try:
        shutil.copy2(final, name)  # a filesystem without hard links
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def move_atomically(src: Path, dst: Path) -> None:
    """Move `src` to `dst` atomically, even across filesystems (such as from /tmp).

    The bytes are copied into a temporary file beside `dst`, which then replaces `dst`;
    `src` itself is removed afterwards.
    """
    src = Path(src)
    _replace_with(Path(dst), _filler(src))
    with contextlib.suppress(OSError):
        src.unlink()


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM back until the block is done, then deliver them.

    Around the moves that put several outputs in place, so an interrupt leaves all of them
    old or all of them new, never a new worksheet beside an old key. A signal held back is
    raised again afterwards, to whatever handler was there before (a KeyboardInterrupt,
    the CLI's Terminated, or the default). Only the main thread receives signals;
    elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        number: signal.signal(number, lambda number, _: received.append(number))
        for number in DEFERRED_SIGNALS
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
    for number in dict.fromkeys(received):
        signal.raise_signal(number)


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
    """Fill a temporary file beside `path`, then rename it over `path` (over a symlink's
    target, through the link); a device or a pipe at `path` is written into instead.

    An OSError names `path`, never the temporary file: that is the name the user gave. A
    Ctrl-C waits for the write (it is short), so no temporary file is left behind.
    """
    final, stream = _destination(path)
    if stream:
        _write_into(path, fill)
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(final)
    with signals_deferred():
        temporary = _temporary_beside(final, path)
        temp_path = Path(temporary.name)
        try:
            with temporary:
                fill(temporary)
                temporary.flush()
                os.fsync(temporary.fileno())
            os.chmod(temp_path, mode)
            os.replace(temp_path, final)
        except BaseException as error:
            with contextlib.suppress(OSError):
                temp_path.unlink()
            _rename_error(error, temp_path, path)
            raise
    _sync_directory(final.parent)


def _temporary_beside(final: Path, path: Path) -> IO[bytes]:
    """An open temporary file in `final`'s folder (so a rename replaces `final` atomically)."""
    try:
        return tempfile.NamedTemporaryFile(
            delete=False, dir=final.parent, prefix=f".{final.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None


def _rename_error(error: BaseException, temp_path: Path, path: Path) -> None:
    """Raise an OSError about the temporary file as one about `path`, the user's name."""
    if isinstance(error, OSError) and error.errno and error.filename in (None, str(temp_path)):
        raise OSError(error.errno, error.strerror, str(path)) from None


def _destination(path: Path) -> tuple[Path, bool]:
    """Where writing `path` lands, and whether that is a stream to write into (a device, a
    pipe, an open descriptor such as /dev/stdout) rather than a file to replace. A symlink
    is followed: the link stays and its target, existing or not, gets the new contents."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Path(os.path.realpath(path)), False
    except OSError:
        return path, False  # a loop or a forbidden folder: the write itself says which
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(info.st_mode) or _through_descriptor(path):
        return path, True
    return Path(os.path.realpath(path)), False


def _through_descriptor(path: Path) -> bool:
    """True for /dev/stdout, /dev/fd/N, /proc/self/fd/N and links to them: an open
    descriptor whose file the shell opened (perhaps to append), to be written, not replaced."""
    return _descriptor_link(path) is not None


def _descriptor_link(path: Path) -> Path | None:
    """The /proc/.../fd/N or /dev/fd/N link that `path` leads to, if any."""
    link = Path(os.path.abspath(path))
    for _ in range(40):  # the kernel's own limit on links followed
        if link.parts[:2] == ("/", "proc") or link.parts[:3] == ("/", "dev", "fd"):
            return link
        if not link.is_symlink():
            return None
        link = Path(os.path.abspath(link.parent / os.readlink(link)))
    return None


def _own_descriptor(path: Path) -> int | None:
    """N when `path` is this process's own descriptor N (/dev/stderr, /proc/self/fd/N)."""
    link = _descriptor_link(path)
    if link is None or not link.name.isdigit():
        return None
    owner = link.parts[:3]
    if owner in (("/", "dev", "fd"), ("/", "proc", "self"), ("/", "proc", str(os.getpid()))):
        return int(link.name)
    return None


def _write_into(path: Path, fill: Callable[[IO[bytes]], object]) -> None:
    """Write into a device or a pipe as it is. This process's own descriptor is written
    through a copy of it, sharing its offset with what else goes there; any other stream is
    opened to append (a shell's `>>` stays `>>`)."""
    descriptor = _own_descriptor(path)
    try:
        with open(path, "ab") if descriptor is None else open(os.dup(descriptor), "wb") as out:
            fill(out)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None


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
