"""Terminal text: its width, plain ASCII on request or when stdout cannot encode Unicode,
and readable indices (never half Unicode subscript, half fallback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from derivgen import derive
from derivgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
EQUATIONS = [
    ("y = W x", "dy/dx"),
    ("y = V W x", "dy/dx"),
    ("L = (W x - t)^T (W x - t)", "dL/dW"),
    ("y = x W", "dy/dW"),
    ("Y = inv(X)", "dY[1,2]/dX[2,1]"),
    ("y = sigma(W x)", "dy/dx"),
]


@pytest.mark.parametrize(("equation", "target"), EQUATIONS)
@pytest.mark.parametrize("width", [50, 80, 120])
def test_prose_lines_keep_to_the_width(equation: str, target: str, width: int) -> None:
    text = derive(equation, target).to_text(width=width)
    prose = [line for line in text.splitlines() if line and not line.startswith(" ")]
    assert prose and all(len(line) <= width for line in prose)


@pytest.mark.parametrize(("equation", "target"), EQUATIONS)
def test_ascii_text_is_ascii_and_says_the_same(equation: str, target: str) -> None:
    derivation = derive(equation, target)
    plain, unicode = derivation.to_text(ascii=True), derivation.to_text()
    assert plain.isascii() and "?" not in plain.replace("?", "", unicode.count("?"))
    assert len(plain.split("\n\n")) == len(unicode.split("\n\n"))


def test_ascii_writes_entries_in_brackets() -> None:
    text = derive("y = W x", "dy[3]/dx[7]").to_text(ascii=True)
    assert "dy[3]/dx[7] = d/dx[7][W[3,7]*x[7]]" in text and "= W[3,7]." in text
    assert "y[3] = sum(k=1...D) W[3,k]*x[k]." in text


def test_an_index_without_a_unicode_subscript_writes_all_indices_in_brackets() -> None:
    text = derive("y = W x", "dy/dx").to_text()
    assert "W[C,D]" in text and "W₁,₁" in text
    assert "_(" not in text


def test_the_title_is_underlined_on_the_next_line() -> None:
    lines = derive("y = W x", "dy/dx").to_text().splitlines()
    assert lines[0] == "∂y/∂x for y = W x" and set(lines[1]) == {"═"}


def test_width_option(capsys) -> None:
    assert main(["derive", "y = W x", "dy[3]/dx[7]", "--width", "50"]) == 0
    prose = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert max(len(line) for line in prose) <= 50


def test_a_narrow_width_is_refused(capsys) -> None:
    assert main(["derive", "y = W x", "dy/dx", "--width", "10"]) == 2
    assert capsys.readouterr().err == "error: --width 10: text needs at least 40 columns\n"


def test_a_stdout_without_unicode_gets_ascii_instead_of_an_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "derivgen", "derive", "y = W x", "dy[3]/dx[7]"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "latin-1"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii() and b"= W[3,7]." in result.stdout
