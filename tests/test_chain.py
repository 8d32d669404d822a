"""Section 5 of the note: products of three or more arrays by the chain rule.

The steps must name one intermediate per stage and sum the chain rule over it; the results
(`general`, `matrix`, `entry`) are compared with sympy on explicit matrices and with central
differences by tests/oracle.py, never with derivgen's own output.
"""

from __future__ import annotations

import pytest

from derivgen import derive
from tests.oracle import check_derivative

SIZES = {"C": 2, "D": 3, "N": 4, "M": 5}


def test_the_notes_example_names_m_and_sums_over_it() -> None:
    d = derive("y = V W x", "dy/dx")
    kinds = [s.kind for s in d.steps]
    assert kinds == [
        "shapes",
        "intermediates",
        "chain_rule",
        "generalize",
        "assemble",
        "chain_summary",
    ]
    result = d.as_dict()
    assert result["matrix"] == "V*W"
    assert check_derivative(result, lambda m: m["V"] * m["W"] * m["x"], SIZES, "y", "x") > 0
    text = d.to_text()
    assert "m = W x." in text and "y = V m," in text and "dy/dx = dy/dm dm/dx." in text
    assert "∂yᵢ/∂xⱼ = Σ(k=1…M) ∂yᵢ/∂mₖ·∂mₖ/∂xⱼ" in text
    assert "∂yᵢ/∂mₖ = Vᵢ,ₖ" in text and "∂mₖ/∂xⱼ = Wₖ,ⱼ" in text
    assert "To summarize" in text
    latex = d.to_latex()
    assert r"\sum_{k=1}^{M} \frac{\partial \vec{y}_{i}}{\partial \vec{m}_{k}}" in latex


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "function", "by", "matrix"),
    [
        ("y = V W x", "dy/dx", {}, lambda m: m["V"] * m["W"] * m["x"], "x", "V*W"),
        ("y = U V W x", "dy/dx", {}, lambda m: m["U"] * m["V"] * m["W"] * m["x"], "x", "U*V*W"),
        ("y = V W x", "dy/dW", {}, lambda m: m["V"] * m["W"] * m["x"], "W", None),
        ("y = U V W x", "dy/dV", {}, lambda m: m["U"] * m["V"] * m["W"] * m["x"], "V", None),
        ("y = x W V", "dy/dx", {"x": "1,D"}, lambda m: m["x"] * m["W"] * m["V"], "x", "W*V"),
    ],
)
def test_chains_agree_with_brute_force(equation, target, shapes, function, by, matrix) -> None:
    d = derive(equation, target, shapes)
    assert "chain_rule" in [s.kind for s in d.steps]
    result = d.as_dict()
    assert result["matrix"] == matrix
    assert check_derivative(result, function, SIZES, equation.split()[0], by) > 0


@pytest.mark.parametrize(
    ("equation", "target", "function", "by", "component"),
    [
        ("s = a^T W x", "ds/dW", lambda m: m["a"].T * m["W"] * m["x"], "W", "aₖ·Wₖ,ₗ·xₗ"),
        ("s = a^T W x", "ds/dx", lambda m: m["a"].T * m["W"] * m["x"], "x", "aⱼ·Wⱼ,ₖ·xₖ"),
        ("s = a^T X b", "ds/dX", lambda m: m["a"].T * m["X"] * m["b"], "X", "aₖ·Xₖ,ₗ·bₗ"),
        (
            "s = a^T U V W x",
            "ds/dV",
            lambda m: m["a"].T * m["U"] * m["V"] * m["W"] * m["x"],
            "V",
            "aₖ·Uₖ,ₗ·Vₗ,ₘ·Wₘ,ₙ·xₙ",
        ),
    ],
)
def test_a_scalar_output_is_one_sum_differentiated_directly(
    equation, target, function, by, component
) -> None:
    """A scalar needs no intermediates: its component is one sum with every sign in front,
    as the spec's "by index notation" asks, and no 3-D array dm/dX appears on the way."""
    d = derive(equation, target)
    assert "chain_rule" not in [s.kind for s in d.steps]
    assert f"{component}.    (2)" in d.to_text()
    assert check_derivative(d.as_dict(), function, SIZES, "s", by) > 0


def test_longer_chains_name_one_intermediate_per_stage_before_use() -> None:
    text = derive("y = U V W x", "dy[2]/dx[3]").to_text()
    assert "m = W x, n = V m." in text and "y = U n," in text
    assert "dy/dx = dy/dn dn/dm dm/dx." in text
    assert text.index("n = V m") < text.index("∂y₂/∂n")


def test_a_concrete_entry_is_chained_with_its_own_indices() -> None:
    result = derive("y = V W x", "dy[2]/dx[3]").as_dict()
    assert result["entry"] == "Sum(V[2, k]*W[k, 3], (k, 1, M))"
    check_derivative(
        result,
        lambda m: m["V"] * m["W"] * m["x"],
        SIZES,
        "y",
        "x",
        of_idx=(2,),
        by_idx=(3,),
    )


def test_intermediates_never_take_a_name_in_use() -> None:
    d = derive("y = A B m", "dy/dm")
    names = next(s for s in d.steps if s.kind == "intermediates").names
    assert [str(n) for n in names] == ["n"]


def test_the_matrix_chain_rule_is_written_in_the_results_layout() -> None:
    numerator = derive("y = V W x", "dy/dx").to_text()
    assert "using the chain rule (in numerator layout)" in numerator
    assert "dy/dx = dy/dm dm/dx." in numerator
    denominator = derive("y = V W x", "dy/dx", layout="denominator")
    assert "dy/dx = dm/dx dy/dm." in denominator.to_text()
    assert denominator.as_dict()["matrix"] == "W.T*V.T"


def test_large_concrete_sizes_chain_on_a_smaller_instance() -> None:
    result = derive("y = V W x", "dy/dx", {"V": "7,8", "W": "8,9"}).as_dict()
    assert result["matrix"] == "V*W"
    assert check_derivative(result, lambda m: m["V"] * m["W"] * m["x"], {}, "y", "x") > 0


def test_a_chain_by_a_matrix_states_no_layout() -> None:
    """dm/dX is a 3-D array, which no layout multiplies: the note's symbolic statement stays,
    said to be a contraction over m rather than a matrix product."""
    text = derive("y = V W x", "dy/dW").to_text(width=80)
    assert (
        "summing over the entries of m, as the components below show),\n\n    dy/dW = dy/dm dm/dW."
        in text
    )
