"""Bad input: one `error:` line (a caret line under parse errors), exit status 2, no traceback."""

from __future__ import annotations

import pytest

from derivgen import DerivgenError, derive
from derivgen.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.err.splitlines(), captured.out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["derive", "y = W x^2", "dy/dx"],
            [
                "error: only ^T (transpose), ^-1 (inverse) or ^-T may follow ^: y = W x^2",
                "                                                                      ^",
            ],
        ),
        (
            ["derive", "y = W x", "y/dx"],
            [
                "error: a target starts with d or ∂, as in 'dy[3]/dx[7]': y/dx",
                "                                                         ^",
            ],
        ),
        (
            ["derive", "y = W x", "dy[3]/dx[7]", "--shape", "W=C,D", "--shape", "x=E,1"],
            ['error: shape mismatch in "W x": W is (C, D) but x is (E, 1)'],
        ),
        (
            ["derive", "y = W x", "dy[3]/dx[9]", "--shape", "W=5,8"],
            ["error: index 9 is out of range for x: entry indices run from 1 to 8"],
        ),
        (
            ["derive", "y = W x", "dy[3]/dW[4,9]", "--shape", "W=5,8"],
            ["error: index 9 is out of range for W: column indices run from 1 to 8"],
        ),
        (
            ["derive", "y = W x", "dy[3,1]/dx[7]"],
            ["error: y is a vector (C, 1), so it takes one index, but the target gives 2"],
        ),
        (
            ["derive", "y = W x", "dy/dz"],
            [
                "error: the target differentiates by z, which is not on the right-hand side (its symbols are W, x)"
            ],
        ),
        (
            ["derive", "y = W x", "dq/dx"],
            [
                "error: the target differentiates q, which is not in the equation: derivgen differentiates the output y"
            ],
        ),
        (
            ["derive", "y = W x", "dy/dx", "--shape", "Q=2,2"],
            ["error: a shape is declared for Q, which is not in the equation"],
        ),
        (
            ["derive", "y = inv(A) x", "dy/dx", "--shape", "A=2,3"],
            ["error: the inverse needs a square matrix, but A is (2, 3)"],
        ),
        (
            ["derive", "y = pinv(A) x", "dy/dx"],
            [
                "error: derivgen cannot derive pinv(...) (a pseudo-inverse) yet: y = pinv(A) x",
                "                                                                    ~~~^",
            ],
        ),
        (
            ["derive", "y = W x", "dy/dx", "--format", "docx"],
            [
                "error: argument --format: invalid choice: 'docx' (choose from 'text', 'latex', 'json', 'pdf', 'html', 'numpy')"
            ],
        ),
    ],
)
def test_one_line_error_and_status_2(capsys, argv, expected) -> None:
    status, err, out = run(capsys, *argv)
    assert (status, err, out) == (2, expected, "")


def test_the_api_raises_exactly_derivgen_error() -> None:
    with pytest.raises(DerivgenError) as caught:
        derive("y = W x", "dy[0]/dx[1]")
    assert str(caught.value).startswith("indices start at 1")


def test_an_unwritable_output_is_one_line(capsys, tmp_path) -> None:
    target = tmp_path / "missing-dir-is-a-file"
    target.write_text("x")
    status, err, _ = run(capsys, "derive", "y = W x", "dy/dx", "-o", str(target / "out.txt"))
    assert status == 2 and len(err) == 1 and err[0].startswith("error: ")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["derive", "x = W x", "dx/dW"],
            [
                "error: x appears on both sides: the right-hand side must define x from other symbols"
            ],
        ),
        (
            ["derive", "y = W x", "dy[x]/dx[j]"],
            ["error: the index name x is also a symbol of the equation: pick another"],
        ),
        (
            ["derive", "y = W x", "dy[i]/dx[D]"],
            ["error: the index name D is also a size of the equation: pick another"],
        ),
        (
            ["derive", "y = W x", "dy[i]/dx[i]"],
            ["error: each index name may appear only once in a target"],
        ),
        (
            ["derive", "y = W x", "dy/dx", "--shape", "W=C,D", "--shape", "W=2,2"],
            ["error: the shape of W is declared twice"],
        ),
    ],
)
def test_meaningless_requests_are_refused(capsys, argv, expected) -> None:
    assert run(capsys, *argv) == (2, expected, "")
