"""A scalar-valued product such as aᵀx scaling an array: `(aᵀx) b`, `(xᵀx) x`.

Neither the note's two-array method nor the chain rule applies (aᵀ, x, b is no chain of
matrix products); index notation derives it, and the result names the scalar as `(aᵀ x)`.
Results are compared with sympy on explicit matrices and central differences.
"""

from __future__ import annotations

import pytest

from derivgen import derive
from tests.oracle import check_derivative, scalar

SIZES = {"C": 3, "D": 4}


@pytest.mark.parametrize(
    ("equation", "target", "by", "function", "matrix"),
    [
        ("y = (a^T x) b", "dy/dx", "x", lambda m: scalar(m["a"].T * m["x"]) * m["b"], "b*a.T"),
        ("y = (a^T x) b", "dy/da", "a", lambda m: scalar(m["a"].T * m["x"]) * m["b"], "b*x.T"),
        (
            "y = (a^T x) b",
            "dy/db",
            "b",
            lambda m: scalar(m["a"].T * m["x"]) * m["b"],
            "Trace(a.T*x)*Identity(C)",
        ),
        (
            "y = (x^T x) x",
            "dy/dx",
            "x",
            lambda m: scalar(m["x"].T * m["x"]) * m["x"],
            "Trace(x.T*x)*Identity(C) + 2*x*x.T",
        ),
    ],
)
def test_scalar_factors_agree_with_brute_force(equation, target, by, function, matrix) -> None:
    result = derive(equation, target).as_dict()
    assert result["matrix"] == matrix
    assert check_derivative(result, function, SIZES, "y", by) > 0


def test_a_scalar_factor_reads_as_a_product_in_the_text() -> None:
    assert "= (aᵀ x) I" in derive("y = (a^T x) b", "dy/db").to_text()


def test_an_entry_never_uses_a_wrong_index_on_the_scaled_vector() -> None:
    result = derive("y = (a^T x) b", "dy[2]/dx[3]").as_dict()
    assert result["entry"] == "a[3]*b[2]"
