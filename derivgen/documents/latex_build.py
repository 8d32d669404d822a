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
import tempfile
from pathlib import Path

from derivgen.documents.files import move_atomically
from derivgen.errors import BuildError

TIMEOUT_SECONDS = 300.0
JOB_NAME = "derivation"

LATEXMK_MISSING = (
    "latexmk was not found: install texlive-latex-base, texlive-latex-recommended, "
    "texlive-latex-extra, lmodern and latexmk (the README's set-up command does)"
)

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


def compile_pdf(tex_source: str, destination: Path, *, timeout: float = TIMEOUT_SECONDS) -> Path:
    """Build `tex_source` into a PDF at `destination` and return `destination`.

    Raises BuildError, with the full log attached, when latexmk is missing, LaTeX reports an
    error or the build takes longer than `timeout` seconds; a failed build leaves any earlier
    file at `destination` untouched.
    """
    destination = Path(destination)
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        raise BuildError(LATEXMK_MISSING)
    with tempfile.TemporaryDirectory(prefix="derivgen-") as directory:
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
            message = first_latex_error(log) or first_latex_error(output)
            if message is None:
                message = f"latexmk exited with status {returncode} and no TeX error in the log"
            raise BuildError(f"LaTeX failed: {message}", log=log or output)
        move_atomically(pdf, destination)
    return destination


def _run(command: list[str], workdir: Path, timeout: float) -> tuple[int, str]:
    """Run latexmk in its own process group, so a timeout also stops the pdflatex it started."""
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
        log = output.decode("utf-8", errors="replace")
        message = f"LaTeX failed: latexmk took longer than {timeout:g} seconds"
        raise BuildError(message, log=log) from None
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
