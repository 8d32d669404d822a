"""Run latexmk on a LaTeX source in a private directory and move the PDF into place.

Shell escape stays off whatever the TeX installation or an rc file says: latexmk reads no rc
file (`-norc`), pdflatex gets `-no-shell-escape`, and the environment sets `shell_escape=f`,
`openout_any=p` and `openin_any=p` (TeX may write, and read by a path of its own, only below
its working directory: no dotfiles, no `..`, no absolute path; its own tree is searched as
always). Each run has a time limit (DERIVGEN_LATEX_TIMEOUT, in seconds).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from derivgen.documents.files import move_atomically, temporary_directory, write_atomically
from derivgen.errors import BuildError, DerivgenError

TIMEOUT_SECONDS = 300.0
"""The default limit on one LaTeX run: the slowest build in benchmarks/ takes a few seconds."""
TIMEOUT_VARIABLE = "DERIVGEN_LATEX_TIMEOUT"
"""The environment variable that replaces TIMEOUT_SECONDS (seconds, more than 0)."""
_POLL_SECONDS = 0.1
JOB_NAME = "derivation"

TEX_TOOLS = ("latexmk", "pdflatex")


class TexNotFoundError(BuildError):
    """No TeX engine to run: latexmk or pdflatex is not on PATH (the CLI's exit status 4)."""


def require_tex() -> str:
    """latexmk's path; raises TexNotFoundError naming the missing tool and the way out."""
    missing = [tool for tool in TEX_TOOLS if shutil.which(tool) is None]
    if missing:
        raise TexNotFoundError(
            f"{' and '.join(missing)} {'was' if len(missing) == 1 else 'were'} not found: "
            "install TeX (Debian or Ubuntu: the README's set-up command; macOS: brew install "
            "--cask mactex-no-gui; Windows: MiKTeX or TeX Live), or use --tex-only to write "
            "the .tex without compiling it"
        )
    return str(shutil.which("latexmk"))


# `-file-line-error` style: `./derivation.tex:12: Undefined control sequence.`
_FILE_LINE_ERROR = re.compile(r"^(?P<file>\S[^:]*):(?P<line>\d+): (?P<message>.*\S)\s*$")
_BANG_ERROR = re.compile(r"^! (?P<message>.*\S)\s*$")


def first_latex_error(log: str) -> str | None:
    """The first error in a TeX log, `line N: message` or `message` as it was printed; else None.

    The first, whichever its form: some errors (a missing package) print as `! message`
    however TeX is called, and the `file:line: Emergency stop` they cause comes after them.
    """
    for line in log.splitlines():
        match = _FILE_LINE_ERROR.match(line)
        if match:
            return f"line {match['line']}: {match['message']}"
        match = _BANG_ERROR.match(line)
        if match:
            return match["message"]
    return None


class BuildStoppedError(BuildError):
    """A TeX run stopped on purpose (another build failed, or the user interrupted): it
    keeps no evidence, since nothing is wrong with its source."""


def latex_timeout() -> float:
    """The limit on one LaTeX run: DERIVGEN_LATEX_TIMEOUT when set, else TIMEOUT_SECONDS."""
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return TIMEOUT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise DerivgenError(f"{TIMEOUT_VARIABLE}={text}: give a number of seconds more than 0")
    return seconds


class LatexError(BuildError):
    """LaTeX failed; the source and the log were kept beside the wanted output.

    `reason` is the first error (`line N: message`, the line of the kept source), `kept`
    the two files (`NAME.failed.tex`, `NAME.failed.log`); the message names them.
    """

    def __init__(self, reason: str, log: str, kept: tuple[Path, Path]) -> None:
        super().__init__(f"LaTeX failed: {reason} (kept {kept[0]} and {kept[1]})", log=log)
        self.reason = reason
        self.kept = kept


def evidence_paths(stem: Path) -> tuple[Path, Path]:
    """Where a failed build of `stem` keeps its source and its log."""
    return stem.with_name(f"{stem.name}.failed.tex"), stem.with_name(f"{stem.name}.failed.log")


def compile_pdf(
    tex_source: str,
    destination: Path,
    *,
    timeout: float | None = None,
    keep: Path | None = None,
    stop: threading.Event | None = None,
) -> Path:
    """Build `tex_source` into a PDF at `destination` and return `destination`.

    Raises TexNotFoundError when latexmk or pdflatex is missing, and LatexError when LaTeX
    reports an error or the build takes longer than `timeout` seconds (default:
    latex_timeout()); when `stop` is set while TeX runs, TeX is killed and BuildStoppedError
    raised, keeping nothing (the worksheet stops its other build so). A failed build
    leaves any earlier file at `destination` untouched and keeps the source and the log as
    `STEM.failed.tex` and `STEM.failed.log`, STEM being `keep` (default: `destination`
    without its suffix), so the line an error names can be read; a successful build removes
    those left by an earlier failure.
    """
    destination = Path(destination)
    kept = evidence_paths(Path(keep) if keep is not None else destination.with_suffix(""))
    latexmk = require_tex()
    timeout = latex_timeout() if timeout is None else timeout
    with temporary_directory("derivgen-") as directory:
        workdir = Path(directory)
        (workdir / f"{JOB_NAME}.tex").write_text(tex_source, encoding="utf-8")
        command = [
            latexmk,
            "-norc",
            "-pdf",
            "-halt-on-error",
            "-interaction=nonstopmode",
            "-no-shell-escape",
            "-file-line-error",
            f"-jobname={JOB_NAME}",
            f"{JOB_NAME}.tex",
        ]
        returncode, output = _run(command, workdir, timeout, stop or threading.Event())
        log_path = workdir / f"{JOB_NAME}.log"
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
        pdf = workdir / f"{JOB_NAME}.pdf"
        if returncode != 0 or not pdf.is_file():
            if returncode is None:
                reason = (
                    f"latexmk took longer than {timeout:g} seconds ({TIMEOUT_VARIABLE} sets "
                    "the limit)"
                )
            else:
                reason = (
                    first_latex_error(log)
                    or first_latex_error(output)
                    or (f"latexmk exited with status {returncode} and no TeX error in the log")
                )
            write_atomically(kept[0], tex_source)
            write_atomically(kept[1], log or output)
            raise LatexError(reason, log or output, kept)
        move_atomically(pdf, destination)
    for stale in kept:
        stale.unlink(missing_ok=True)
    return destination


def tex_environment() -> dict[str, str]:
    """The environment TeX runs in: no shell escape, files read and written only below its
    working directory (and its own tree), and with SOURCE_DATE_EPOCH set, TeX's clock
    (`\\today`) at that time (FORCE_SOURCE_DATE); the PDF itself carries no date
    (documents.article)."""
    environment = dict(os.environ)
    environment.update(
        openout_any="p",
        openin_any="p",
        shell_escape="f",
        max_print_line="10000",  # one error, one log line: TeX wraps at 79 columns otherwise
    )
    if environment.get("SOURCE_DATE_EPOCH", "").strip():
        environment["FORCE_SOURCE_DATE"] = "1"
    else:
        environment.pop("FORCE_SOURCE_DATE", None)
    return environment


def _run(
    command: list[str], workdir: Path, timeout: float, stop: threading.Event
) -> tuple[int | None, str]:
    """Run latexmk in its own process group, so stopping it also stops the pdflatex it
    started: on a timeout, when `stop` is set, or when this thread is interrupted.

    The status is None when the build timed out (and was killed).
    """
    if stop.is_set():
        raise BuildStoppedError("the LaTeX run was stopped")
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=tex_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                output, _ = process.communicate(timeout=_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if stop.is_set():
                    _kill_group(process)
                    process.communicate()
                    raise BuildStoppedError("the LaTeX run was stopped") from None
                if time.monotonic() >= deadline:
                    _kill_group(process)
                    output, _ = process.communicate()
                    return None, output.decode("utf-8", errors="replace")
    except BaseException:
        _kill_group(process)
        process.wait()
        raise
    return process.returncode, output.decode("utf-8", errors="replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except OSError:
        process.kill()
