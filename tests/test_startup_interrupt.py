"""Ctrl-C while derivgen is still importing sympy (its first second): one line, status 130.

The SIGINT is sent at a known moment, not after a guessed delay: with `-X importtime` Python
writes a line to standard error as each module finishes importing, and the signal goes as
soon as one of sympy's own modules has, so it arrives in the middle of sympy's import.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script_command() -> list[str]:
    """What the installed `derivgen` script runs: pyproject's entry point, called as pip's
    generated wrapper calls it."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    module, function = pyproject["project"]["scripts"]["derivgen"].split(":")
    return ["-c", f"import sys; from {module} import {function}; sys.exit({function}())"]


@pytest.mark.parametrize(
    "command", [["-m", "derivgen"], _script_command()], ids=["python -m", "script"]
)
def test_ctrl_c_while_sympy_is_imported(command: list[str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", *command, "derive", "y = W x", "dy/dx"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:
            seen.append(line)
            if line.rstrip().endswith(("sympy.core.cache", "sympy.external")):
                break
        else:
            pytest.fail("the process never imported sympy: " + "".join(seen[-5:]))
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    said = [line for line in stderr.splitlines() if not line.startswith("import time:")]
    assert (process.returncode, stdout, said) == (130, "", ["derivgen: interrupted"])


def test_the_package_imports_no_sympy_until_the_api_is_used() -> None:
    probe = (
        "import sys, derivgen; assert 'sympy' not in sys.modules; "
        "derivgen.derive; assert 'sympy' in sys.modules; print(derivgen.__all__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


SWALLOWED = """
import builtins, os, signal, sys
import derivgen.__main__ as entry

class Finalized:
    def __del__(self):  # Python reports an exception raised here and carries on
        os.kill(os.getpid(), signal.SIGINT)

real_import = builtins.__import__

def importing(name, *args, **kwargs):
    if name == "derivgen.cli":
        Finalized()
    return real_import(name, *args, **kwargs)

builtins.__import__ = importing
sys.argv = ["derivgen", "derive", "y = W x", "dy/dx"]
sys.exit(entry.main())
"""


def test_ctrl_c_swallowed_by_a_finalizer_during_the_import_still_stops() -> None:
    """A Ctrl-C landing in a finalizer while sympy imports (as it once did in CI) is an
    "Exception ignored" report that Python prints and drops; derivgen stops all the same."""
    process = subprocess.run(
        [sys.executable, "-c", SWALLOWED],
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (process.returncode, process.stdout, process.stderr) == (
        130,
        "",
        "derivgen: interrupted\n",
    )


def test_a_derivgen_started_with_ctrl_c_ignored_keeps_ignoring_it() -> None:
    """As POSIX programs do under nohup or `command &` in a script: the handler that answers
    Ctrl-C during the import is not put in place of an ignored signal."""
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "derivgen", "derive", "y = W x", "dy/dx"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # noqa: PLW1509
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if line.rstrip().endswith(("sympy.core.cache", "sympy.external")):
                break
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 0
    assert stdout.startswith("∂y/∂x for y = W x")
