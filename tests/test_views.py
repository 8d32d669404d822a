"""The math.SE thread's three views of a derivative by a matrix (`--views index,vec,backprop`).

Each view's result is read back from the JSON and compared with an independent computation on
explicit matrices: vec(·) stacks columns here, the loss for backprop is L = Σ g ∘ z with g
free symbols (so ∂L/∂z = g exactly), and index formulas are compared entry by entry.
"""

from __future__ import annotations

import itertools

import pytest
import sympy

from derivgen import DerivgenError, derive
from derivgen.cli import main
from tests.oracle import (
    element,
    evaluate_general,
    explicit_matrix,
    index_tuples,
    instance,
    read_general,
    symbols_matrix,
)

SIZES = {"C": 3, "D": 4, "N": 2, "M": 5}

CASES = [
    ("f = W x", "df/dW", {}, "f", lambda m: m["W"] * m["x"]),
    ("z = W x + b", "dz/dW", {}, "z", lambda m: m["W"] * m["x"] + m["b"]),
    ("z = x W + b", "dz/dW", {"x": "1,D"}, "z", lambda m: m["x"] * m["W"] + m["b"]),
    ("y = V W x", "dy/dW", {}, "y", lambda m: m["V"] * m["W"] * m["x"]),
    ("Y = X W", "dY/dW", {}, "Y", lambda m: m["X"] * m["W"]),
    ("y = sigma(W x)", "dy/dW", {}, "y", None),
]


def _arrays(result: dict, of: str, function) -> dict:
    shapes = {
        n: tuple(d if isinstance(d, int) else SIZES[d] for d in s)
        for n, s in result["shapes"].items()
    }
    arrays = instance({n: s for n, s in shapes.items() if n != of})
    if function is None:  # sigma(W x), written out here
        arrays[of] = (arrays["W"] * arrays["x"]).applyfunc(lambda u: 1 / (1 + sympy.exp(-u)))
    else:
        arrays[of] = sympy.ImmutableMatrix(function(arrays))
    return arrays


def _vec(matrix: sympy.MatrixBase) -> list[sympy.Expr]:
    return [matrix[r, c] for c in range(matrix.cols) for r in range(matrix.rows)]


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    difference = sympy.simplify(sympy.sympify(a - b).rewrite(sympy.exp))
    return difference == 0


@pytest.mark.parametrize(("equation", "target", "shapes", "of", "function"), CASES)
def test_each_view_agrees_with_explicit_matrices(equation, target, shapes, of, function) -> None:
    result = derive(equation, target, shapes, views="index,vec,backprop").as_dict()
    assert result["verified"] is True
    assert set(result["views"]) == {"index", "vec", "backprop"}
    arrays = _arrays(result, of, function)
    output, variable = arrays[of], arrays["W"]

    index = read_general(result["views"]["index"], arrays, SIZES)
    for o, b in itertools.product(index_tuples(output), index_tuples(variable)):
        names = dict(zip(result["of_index"], o, strict=True))
        names |= dict(zip(result["by_index"], b, strict=True))
        claimed = evaluate_general(index, arrays, names, SIZES)
        assert _same(sympy.diff(element(output, o), element(variable, b)), claimed), (o, b)

    jacobian = explicit_matrix(result["views"]["vec"], arrays, SIZES)
    truth = sympy.Matrix(_vec(output)).jacobian(sympy.Matrix(_vec(variable)))
    assert jacobian.shape == truth.shape
    assert all(_same(t, c) for t, c in zip(truth, jacobian, strict=True))

    name = "G" if 1 not in output.shape else "g"  # the upstream gradient is named like z
    gradient = symbols_matrix(name, output.rows, output.cols)
    loss = sum(gradient.multiply_elementwise(output))
    backprop = explicit_matrix(result["views"]["backprop"], {**arrays, name: gradient}, SIZES)
    assert backprop.shape == variable.shape
    for r, c in itertools.product(range(variable.rows), range(variable.cols)):
        assert _same(sympy.diff(loss, variable[r, c]), backprop[r, c]), (r, c)


def test_the_math_se_forms() -> None:
    column = derive("f = W x", "df/dW", views=["vec", "backprop"]).as_dict()["views"]
    assert column == {"vec": "KroneckerProduct(x.T, Identity(C))", "backprop": "g*x.T"}
    row = derive("z = x W + b", "dz/dW", {"x": "1,D"}, views="backprop").as_dict()["views"]
    assert row == {"backprop": "x.T*g"}
    index = derive("f = W x", "df/dW", views="index").as_dict()["views"]
    assert index == {"index": "KroneckerDelta(i, j)*x[k]"}


def test_views_are_sections_of_every_rendering() -> None:
    d = derive("f = W x", "df/dW", views="index,vec,backprop")
    kinds = [s.kind for s in d.steps]
    assert kinds[-3:] == ["view_index", "view_vec", "view_backprop"]
    text = d.to_text()
    for heading in ("View: index notation.", "View: vectorization.", "View: backpropagation."):
        assert heading in text
    latex = d.to_latex()
    assert r"\otimes" in latex and r"\operatorname{vec}(W)" in latex
    assert "views" not in derive("f = W x", "df/dW").as_dict()


@pytest.mark.parametrize(
    ("equation", "target", "views", "message"),
    [
        (
            "y = W x",
            "dy/dx",
            "index",
            "the views (index) are of a derivative by a matrix, but x is not a matrix",
        ),
        ("f = W x", "df/dW", "hessian", "unknown view 'hessian': use index, vec, backprop"),
        (
            "s = a^T W x",
            "ds/dW",
            "backprop",
            "the backprop view sums against the gradient of a scalar loss, but s is already a "
            "scalar: its derivative is that gradient",
        ),
        (
            "y = W^T W x",
            "dy/dW",
            "vec",
            "derivgen cannot write ∂vec(y)/∂vec(W) as Kronecker products: a factor of its "
            "entries depends on both a row and a column index of vec",
        ),
    ],
)
def test_views_that_do_not_apply_are_refused_in_one_line(equation, target, views, message) -> None:
    with pytest.raises(DerivgenError) as caught:
        derive(equation, target, views=views)
    assert str(caught.value) == message


def test_cli_views(capsys) -> None:
    assert main(["derive", "f = W x", "df/dW", "--views", "vec,backprop"]) == 0
    out = capsys.readouterr().out
    assert "∂f/∂vec(W) = xᵀ ⊗ I[C]" in out and "∂L/∂W = g xᵀ" in out
    assert main(["derive", "y = W x", "dy/dx", "--views", "vec"]) == 2
    assert capsys.readouterr().err.startswith("error: the views (vec) are of a derivative")


def test_vec_of_an_affine_output_states_no_linear_equation() -> None:
    text = derive("z = W x + b", "dz/dW", views="vec").to_text()
    assert "∂z/∂vec(W) = xᵀ ⊗ I[C]" in text
    assert "z = (xᵀ ⊗ I[C]) vec(W)" not in text  # false with the bias b
    assert "f = (xᵀ ⊗ I[C]) vec(W)," in derive("f = W x", "df/dW", views="vec").to_text()


def test_vec_view_of_a_scalar_output_renders() -> None:
    d = derive("s = a^T W x", "ds/dW", views="vec")
    assert d.as_dict()["views"] == {"vec": "KroneckerProduct(x.T, a.T)"}
    assert "s = (xᵀ ⊗ aᵀ) vec(W)," in d.to_text()
    assert r"\operatorname{vec}(W)" in d.to_latex()


def test_no_views_may_be_given_as_none() -> None:
    assert "views" not in derive("f = W x", "df/dW", views=None).as_dict()


def test_views_on_large_concrete_sizes_are_checked_on_a_smaller_instance() -> None:
    d = derive("y = W x", "dy/dW", {"W": "9,9"}, views="vec,backprop")
    assert set(d.verification.sizes) == {"9"}
    assert d.verification.sizes["9"] < 9
    assert d.as_dict()["views"] == {
        "vec": "KroneckerProduct(x.T, Identity(9))",
        "backprop": "g*x.T",
    }
