"""The Matrix Cookbook's first derivatives of det, log det and the inverse (sections 2.1, 2.2),
and the compositions courses meet (Gaussian likelihood, x^T A^-1 x), against the oracle.

The oracle (tests/oracle.py) multiplies explicit symbolic matrices out, inverts them and takes
their determinants with sympy, differentiates entry by entry, and compares with central
differences; derivgen's matrix is also compared with the Cookbook's form. Identities derivgen
cannot write yet stay here as strict xfails, each with its reason.
"""

from __future__ import annotations

import random

import pytest
import sympy

from derivgen import DerivgenError, derive
from tests.oracle import (
    check_derivative,
    equivalent_forms,
    explicit_matrix,
    instance,
    matrix_form,
    with_inverses,
)

Matrix = sympy.ImmutableMatrix


def scalar(value: sympy.Expr) -> Matrix:
    return Matrix([[value]])


# (number, equation, target, shapes, sizes, the function on explicit matrices, Cookbook form)
IDENTITIES = [
    (
        "51",
        "s = det(X)",
        "ds/dX",
        {},
        {"C": 3},
        lambda m: scalar(m["X"].det()),
        "Determinant(X)*Inverse(X).T",
    ),
    (
        "56",
        "s = logdet(X)",
        "ds/dX",
        {},
        {"C": 3},
        lambda m: scalar(sympy.log(m["X"].det())),
        "Inverse(X).T",
    ),
    (
        "56",
        "s = log(det(X))",
        "ds/dX",
        {},
        {"C": 3},
        lambda m: scalar(sympy.log(m["X"].det())),
        "Inverse(X).T",
    ),
    ("59", "Y = X^-1", "dY/dX", {}, {"C": 2}, lambda m: m["X"].inv(), None),
    (
        "60",
        "s = a^T X^-1 b",
        "ds/dX",
        {},
        {"C": 3},
        lambda m: m["a"].T * m["X"].inv() * m["b"],
        "-Inverse(X).T*a*b.T*Inverse(X).T",
    ),
    (
        "62",
        "s = tr(A X^-1 B)",
        "ds/dX",
        {"A": "D,C", "B": "C,D"},
        {"C": 3, "D": 2},
        lambda m: scalar((m["A"] * m["X"].inv() * m["B"]).trace()),
        "-(Inverse(X)*B*A*Inverse(X)).T",
    ),
    (
        "x^T A^-1 x",
        "s = x^T A^-1 x",
        "ds/dx",
        {},
        {"C": 3},
        lambda m: m["x"].T * m["A"].inv() * m["x"],
        "(Inverse(A) + Inverse(A).T)*x",
    ),
    (
        "x^T A^-1 x",
        "s = x^T A^-1 x",
        "ds/dA",
        {},
        {"C": 3},
        lambda m: m["x"].T * m["A"].inv() * m["x"],
        "-Inverse(A).T*x*x.T*Inverse(A).T",
    ),
    (
        "Gaussian",
        "L = (x - m)^T S^-1 (x - m) + logdet(S)",
        "dL/dm",
        {},
        {"C": 3},
        lambda m: (
            (m["x"] - m["m"]).T * m["S"].inv() * (m["x"] - m["m"]) + scalar(sympy.log(m["S"].det()))
        ),
        "-(Inverse(S) + Inverse(S).T)*(x - m)",
    ),
    (
        "Gaussian",
        "L = (x - m)^T S^-1 (x - m) + logdet(S)",
        "dL/dS",
        {},
        {"C": 2},
        lambda m: (
            (m["x"] - m["m"]).T * m["S"].inv() * (m["x"] - m["m"]) + scalar(sympy.log(m["S"].det()))
        ),
        "Inverse(S).T - Inverse(S).T*(x - m)*(x - m).T*Inverse(S).T",
    ),
]

# Inverses and determinants beside the other operations (these were refused before).
IDENTITIES += [
    (
        "inverse times x",
        "y = inv(A) x",
        "dy/dx",
        {},
        {"C": 3},
        lambda m: m["A"].inv() * m["x"],
        "Inverse(A)",
    ),
    (
        "det plus trace",
        "s = det(A) + tr(A)",
        "ds/dA",
        {},
        {"C": 3},
        lambda m: scalar(m["A"].det() + m["A"].trace()),
        None,
    ),
    (
        "scaled by det",
        "s = a^T x det(X)",
        "ds/dX",
        {},
        {"C": 2, "D": 3},
        lambda m: m["a"].T * m["x"] * m["X"].det(),
        None,
    ),
    (
        "scaled by det",
        "s = a^T x det(X)",
        "ds/dx",
        {},
        {"C": 2, "D": 3},
        lambda m: m["a"].T * m["x"] * m["X"].det(),
        None,
    ),
]

# Inverses and determinants of expressions, through the intermediate that names them.
IDENTITIES += [
    (
        "63",
        "s = tr(inv(X + A))",
        "ds/dX",
        {},
        {"C": 2},
        lambda m: scalar((m["X"] + m["A"]).inv().trace()),
        "-(Inverse(X + A)*Inverse(X + A)).T",
    ),
    (
        "53",
        "s = det(A X B)",
        "ds/dX",
        {"A": "C,C", "B": "C,C"},
        {"C": 2},
        lambda m: scalar((m["A"] * m["X"] * m["B"]).det()),
        "Determinant(A*X*B)*Inverse(X).T",
    ),
    (
        "54",
        "s = logdet(X^T X)",
        "ds/dX",
        {},
        {"C": 3, "D": 2},
        lambda m: scalar(sympy.log((m["X"].T * m["X"]).det())),
        "2*X*Inverse(X.T*X)",
    ),
    (
        "57",
        "s = det(X^T A X)",
        "ds/dX",
        {},
        {"C": 3, "D": 2},
        lambda m: scalar((m["X"].T * m["A"] * m["X"]).det()),
        "Determinant(X.T*A*X)*(A*X*Inverse(X.T*A*X) + A.T*X*Inverse(X.T*A.T*X))",
    ),
    (
        "61",
        "s = det(X^-1)",
        "ds/dX",
        {},
        {"C": 2},
        lambda m: scalar(m["X"].inv().det()),
        "-Determinant(Inverse(X))*Inverse(X).T",
    ),
]


def _id(item: tuple) -> str:
    return f"({item[0]}) {item[1]} | {item[2]}"


@pytest.mark.parametrize("item", IDENTITIES, ids=_id)
def test_derivative_agrees_with_the_oracle(item: tuple) -> None:
    _, equation, target, shapes, sizes, function, _ = item
    result = derive(equation, target, shapes).as_dict()
    of, by = equation.split("=")[0].strip(), target.split("/")[1][1:]
    assert check_derivative(result, function, sizes, of, by) > 0


@pytest.mark.parametrize("item", [i for i in IDENTITIES if i[6]], ids=_id)
def test_matrix_is_the_cookbook_form(item: tuple) -> None:
    _, equation, target, shapes, sizes, _, cookbook = item
    result = derive(equation, target, shapes).as_dict()
    dims = {n: tuple(s) for n, s in result["shapes"].items()}
    assert equivalent_forms(matrix_form(result["matrix"], dims), matrix_form(cookbook, dims))
    # and the Cookbook's form says what the explicit computation says
    concrete = {
        n: tuple(d if isinstance(d, int) else sizes[d] for d in s)
        for n, s in result["shapes"].items()
        if n != equation.split("=")[0].strip()
    }
    # on explicit matrices of random integers, where both are exact rationals
    chooser = random.Random(5)
    while True:
        arrays = {
            name: matrix.applyfunc(lambda _: sympy.Integer(chooser.randrange(-9, 10)))
            for name, matrix in instance(concrete).items()
        }
        try:
            with_inverses(arrays)
            explicit_matrix(cookbook, with_inverses(arrays), sizes)
            break
        except (ValueError, ZeroDivisionError, sympy.matrices.exceptions.NonInvertibleMatrixError):
            continue  # a singular draw: draw again
    left = explicit_matrix(cookbook, with_inverses(arrays), sizes)
    right = explicit_matrix(result["matrix"], with_inverses(arrays), sizes)
    assert (left - right).applyfunc(sympy.nsimplify) == sympy.zeros(*left.shape)


def test_entry_of_the_inverse_by_an_entry() -> None:
    """Cookbook (59) at one entry: ∂(X⁻¹)_{1,2}/∂X_{2,1} = −(X⁻¹)_{1,2}(X⁻¹)_{1,2}, 3×3."""
    result = derive("Y = X^-1", "dY[1,2]/dX[2,1]", {"X": "3,3"}).as_dict()
    sizes: dict[str, int] = {}
    assert (
        check_derivative(
            result, lambda m: m["X"].inv(), sizes, "Y", "X", of_idx=(1, 2), by_idx=(2, 1)
        )
        > 0
    )


@pytest.mark.parametrize(
    ("equation", "shapes", "message"),
    [
        ("s = det(X)", {"X": "2,3"}, "det needs a square matrix, but X is (2, 3)"),
        ("Y = inv(X)", {"X": "C,D"}, "the inverse needs a square matrix, but X is (C, D)"),
        ("Y = X^-T", {"X": "2,4"}, "the inverse needs a square matrix, but X is (2, 4)"),
    ],
)
def test_a_non_square_operand_is_a_shape_error(equation: str, shapes: dict, message: str) -> None:
    with pytest.raises(DerivgenError) as error:
        derive(equation, "d" + equation.split(maxsplit=1)[0] + "/dX", shapes)
    assert str(error.value).splitlines()[0] == message


@pytest.mark.parametrize("spelling", ["inv(X)", "X^-1", "X^{-1}"])
def test_every_spelling_of_the_inverse_is_the_same(spelling: str) -> None:
    result = derive(f"s = a^T {spelling} b", "ds/dX").as_dict()
    assert result["matrix"] == derive("s = a^T inv(X) b", "ds/dX").as_dict()["matrix"]


def test_inverse_transpose() -> None:
    """X^-T is (X⁻¹)ᵀ: aᵀ X⁻ᵀ b = bᵀ X⁻¹ a, checked by the oracle on its own."""
    result = derive("s = a^T X^-T b", "ds/dX").as_dict()
    function = lambda m: m["a"].T * m["X"].inv().T * m["b"]  # noqa: E731
    assert check_derivative(result, function, {"C": 3}, "s", "X") > 0
