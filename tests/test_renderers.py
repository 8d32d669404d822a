"""Exact strings from each printer, JSON strings that parse back, and Jupyter's summary."""

from __future__ import annotations

import re

import pytest
import sympy
from sympy.parsing.sympy_parser import parse_expr

from derivgen import derive
from derivgen.render.latex import renderer
from derivgen.render.printers import to_json, to_latex, to_text

W, x = sympy.IndexedBase("W"), sympy.IndexedBase("x")
i, j, k = sympy.symbols("i j k")
D = sympy.Symbol("D")
TERM = sympy.Mul(x[k], W[k, 3], evaluate=False)


@pytest.mark.parametrize(
    ("expr", "latex", "text", "json"),
    [
        (W[3, 7], "W_{3,7}", "W₃,₇", "W[3, 7]"),
        (x[7], r"\vec{x}_{7}", "x₇", "x[7]"),
        (
            sympy.Sum(TERM, (k, 1, D)),
            r"\sum_{k=1}^{D} \vec{x}_{k} W_{k,3}",
            "Σ(k=1…D) xₖ·Wₖ,₃",
            "Sum(W[k, 3]*x[k], (k, 1, D))",
        ),
        (
            sympy.Derivative(TERM, x[7], evaluate=False),
            r"\frac{\partial}{\partial \vec{x}_{7}}\left[\vec{x}_{k} W_{k,3}\right]",
            "∂/∂x₇[xₖ·Wₖ,₃]",
            "Derivative(W[k, 3]*x[k], x[7])",
        ),
        (
            sympy.KroneckerDelta(i, k) * x[j],
            r"\vec{x}_{j} \delta_{i,k}",
            "xⱼ·δᵢ,ₖ",
            "KroneckerDelta(i, k)*x[j]",
        ),
        (sympy.Identity(D), "I_{D}", "I[D]", "Identity(D)"),
        (sympy.OneMatrix(D, 1), r"\mathbf{1}_{D\times 1}", "𝟏(D×1)", "OneMatrix(D, 1)"),
        (sympy.MatrixSymbol("W", 3, D).T, r"W^{\top}", "Wᵀ", "W.T"),
        (sympy.MatrixSymbol("x", D, 1).T, r"\vec{x}^{\,\top}", "xᵀ", "x.T"),
        (W[3, 12], "W_{3,12}", "W₃,₁₂", "W[3, 12]"),
        (W[3, D], "W_{3,D}", "W[3,D]", "W[3, D]"),
    ],
)
def test_printers(expr, latex, text, json) -> None:
    assert (to_latex(expr), to_text(expr), to_json(expr)) == (latex, text, json)


@pytest.mark.parametrize(
    ("equation", "target", "shapes"),
    [
        ("y = W x", "dy[3]/dx[7]", {"W": "C,D"}),
        ("y = x W", "dy/dW", {"x": "1,D", "W": "D,C"}),
        ("Y = X W", "dY[2,5]/dX[2,4]", {}),
        ("s = a^T x", "ds/dx", {}),
        ("y = a x", "dy/da", {"a": "1,1"}),
        ("y = a x", "dy/dx", {"a": "1,1"}),
        ("M = x z^T", "dM/dx", {}),
    ],
)
def test_json_strings_parse_back(equation, target, shapes) -> None:
    data = derive(equation, target, shapes).as_dict()
    names = {n: sympy.IndexedBase(n) for n, (r, c) in data["shapes"].items() if (r, c) != [1, 1]}
    names |= {n: sympy.Symbol(n) for n, (r, c) in data["shapes"].items() if [r, c] == [1, 1]}
    for field in ("entry", "general"):
        if data[field] is not None:
            assert str(parse_expr(data[field], local_dict=names)) == data[field]
    if data["matrix"] is not None:
        matrices = {
            n: sympy.MatrixSymbol(n, *(sympy.sympify(d) for d in dims))
            for n, dims in data["shapes"].items()
            if dims != [1, 1]
        }
        matrices |= {n: sympy.Symbol(n) for n, dims in data["shapes"].items() if dims == [1, 1]}
        assert to_json(parse_expr(data["matrix"], local_dict=matrices)) == data["matrix"]


def test_repr_latex_is_display_maths_only() -> None:
    summary = derive("y = W x", "dy[3]/dx[7]")._repr_latex_()
    assert summary.startswith("$$") and summary.endswith("$$")
    assert r"\frac{\partial \vec{y}_{3}}{\partial \vec{x}_{7}} &= W_{3,7}" in summary
    assert r"\frac{\partial \vec{y}}{\partial \vec{x}} &= W" in summary
    assert r"\noindent" not in summary


def test_question_and_answer_for_a_worksheet() -> None:
    d = derive("y = W x", "dy[3]/dx[7]")
    assert d.question_latex() == (
        # a short formula ending a clause is tied (~) to the word before it
        r"Let $\vec{y} = W \vec{x}$, where $\vec{y}$ is a column vector of length~$C$, $W$ is a "
        r"$C \times D$ matrix and $\vec{x}$ is a column vector of length~$D$."
        "\n"
        r"Find $\frac{\partial \vec{y}_{3}}{\partial \vec{x}_{7}}$, where $C \geq 3$ and "
        r"$D \geq 7$."
    )
    assert d.answer_latex() == r"\frac{\partial \vec{y}_{3}}{\partial \vec{x}_{7}} = W_{3,7}"
    array = derive("y = x W", "dy/dW", {"x": "1,D", "W": "D,C"}).answer_latex()
    assert array == r"\frac{\partial \vec{y}_{i}}{\partial W_{j,k}} = \vec{x}_{j} \delta_{i,k}"


def test_entries_no_chain_orders_read_in_the_equations_order() -> None:
    """sympy sorts b_j before u_i; the page writes them as the equation names the arrays."""
    d = derive("s = u^T W b", "ds/dW")
    assert "∂s/∂Wᵢ,ⱼ = uᵢ·bⱼ." in d.to_text()
    assert r"= \vec{u}_{i} \vec{b}_{j}" in d.to_latex()


def test_a_transposed_array_has_its_shape_as_a_factor_beneath_it_the_transpose_beside_it() -> None:
    latex = derive("s = a^T X b", "ds/dX").to_latex()
    assert r"\underset{(1,C)}{\vec{a}^{\,\top}\vphantom{y}}" in latex
    text = derive("s = a^T X b", "ds/dX").to_text()
    assert "    s     = aᵀ    X     b,       (1)\n    (1,1)   (1,C) (C,D) (D,1)\n" in text


@pytest.mark.parametrize(
    ("equation", "target", "said"),
    [
        ("y = W x", "dy/dx", r"$\partial \vec{y} / \partial \vec{x}$ is a $C \times D$ matrix."),
        ("s = x^T A x", "ds/dx", "is a column vector of length~$C$."),
        ("L = (W x - t)^T (W x - t)", "dL/dW", r"is a $C \times D$ matrix."),
        ("y = W x", "dy[3]/dx[7]", ""),  # an entry is a number
        ("y = V W x", "dy/dW", r"is a $C \times M \times D$ array."),
    ],
)
def test_a_key_states_the_shape_of_an_assembled_answer(equation, target, said) -> None:
    shape = renderer().result_shape(derive(equation, target).checked)
    assert shape.endswith(said) if said else shape == ""


def test_a_question_asks_for_each_views_own_derivative() -> None:
    """The key boxes ∂L/∂W beside the backprop problem's answer: the question asks for it."""
    question = derive(
        "z = x W + b", "dz/dW", {"x": "1,D", "W": "D,C"}, views=["backprop"]
    ).question_latex()
    assert question.endswith(
        r"Find $\frac{\partial \vec{z}}{\partial W}$ and $\frac{\partial L}{\partial W}$ "
        r"(for a scalar loss $L$ of $\vec{z}$)."
    )
    assert "and" not in derive("f = W x", "df/dW", views=["index"]).question_latex().split("Find")[1]


def test_the_check_sentence_says_when_the_named_indices_were_renumbered() -> None:
    """x_9 of a y = W x checked on an instance with D = 7: the sentence must not read as if
    the instance had a ninth entry."""
    named = derive("y = W x", "dy[3]/dx[9]")
    assert 9 in named.checked.verification.renumbered
    assert "(the indices the lines name renumbered, in order, onto it)" in named.to_text(width=200)
    general = derive("y = W x", "dy/dx")
    assert general.checked.verification.renumbered == ()
    assert "renumbered" not in general.to_text(width=200)


@pytest.mark.parametrize(
    ("equation", "target", "shapes"),
    [
        ("y = x W", "dy[3]/dW[7,8]", {"x": "1,D"}),  # the note's path: first shown in (4)
        ("y = V W x", "dy/dW", {}),  # the chain rule's stage partials
        ("f = W x", "df/dW", {}),  # defined by the isolate step's own words
        ("s = x^T A x", "ds/dx", {}),  # defined by the index derivative's words
    ],
)
def test_the_kronecker_delta_is_defined_once_before_or_where_it_is_first_shown(
    equation, target, shapes
) -> None:
    text = derive(equation, target, shapes).to_text(width=200)
    # "δ[a,b] = 1 when a = b, else 0", or the isolate step's "δᵢ,ⱼ (1 when j = i, else 0)"
    definitions = [m.start() for m in re.finditer(r"1\s+when\s+\w\s+=\s+\w,\s+else\s+0", text)]
    first_shown = min(text.index(c) for c in ("δᵢ", "δⱼ", "δₖ") if c in text)
    assert len(definitions) == 1
    assert definitions[0] <= text.index("\n", first_shown) + 200
