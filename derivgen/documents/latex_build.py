"""Run latexmk on a LaTeX source in a private directory and move the PDF into place.

Shell escape stays off whatever the TeX installation or an rc file says: latexmk reads no rc
file (`-norc`), pdflatex gets `-no-shell-escape`, and the environment sets `shell_escape=f`
and `openout_any=p` (TeX may write only below its working directory).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from derivgen.documents.files import move_atomically, temporary_directory, write_atomically
from derivgen.errors import BuildError

TIMEOUT_SECONDS = 300.0
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
    timeout: float = TIMEOUT_SECONDS,
    keep: Path | None = None,
) -> Path:
    """Build `tex_source` into a PDF at `destination` and return `destination`.

    Raises TexNotFoundError when latexmk or pdflatex is missing, and LatexError when LaTeX
    reports an error or the build takes longer than `timeout` seconds. A failed build
    leaves any earlier file at `destination` untouched and keeps the source and the log as
    `STEM.failed.tex` and `STEM.failed.log`, STEM being `keep` (default: `destination`
    without its suffix), so the line an error names can be read; a successful build removes
    those left by an earlier failure.
    """
    destination = Path(destination)
    kept = evidence_paths(Path(keep) if keep is not None else destination.with_suffix(""))
    latexmk = require_tex()
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
        returncode, output = _run(command, workdir, timeout)
        log_path = workdir / f"{JOB_NAME}.log"
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
        pdf = workdir / f"{JOB_NAME}.pdf"
        if returncode != 0 or not pdf.is_file():
            if returncode is None:
                reason = f"latexmk took longer than {timeout:g} seconds"
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


def _run(command: list[str], workdir: Path, timeout: float) -> tuple[int | None, str]:
    """Run latexmk in its own process group, so a timeout also stops the pdflatex it started.

    The status is None when the build timed out (and was killed).
    """
    environment = dict(os.environ)
    environment.update(
        openout_any="p",
        shell_escape="f",
        max_print_line="10000",  # one error, one log line: TeX wraps at 79 columns otherwise
    )
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
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
