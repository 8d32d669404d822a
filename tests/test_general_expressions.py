"""Issue 3, build items 2 and 3: every expression of the grammar, every loss the issue names.

Each result is read back from derivgen's JSON strings and compared with sympy's derivatives
of explicitly multiplied-out matrices and with central differences (tests/oracle.py), never
with derivgen's own output. Where the issue names the textbook form (`(A + A^T) x`, `a b^T`,
`2 (W x - t) x^T`, ...), derivgen's `matrix` must also be that matrix expression: equal to it
for every size (sympy's matrix algebra on MatrixSymbols of symbolic size) and written with no
more matrices than the textbook writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import sympy

from derivgen import derive
from tests.oracle import (
    Arrays,
    check_derivative,
    close,
    elementwise,
    equivalent_forms,
    explicit_matrix,
    hadamard,
    instance,
    is_closed_matrix_form,
    leaves,
    matrix_form,
    numeric,
    random_point,
    scalar,
)

SIZES = {"P": 3, "Q": 2, "R": 4, "K": 2}
"""Concrete sizes for the symbolic ones the cases declare (kept apart from symbol names)."""


@dataclass(frozen=True)
class Case:
    equation: str
    target: str
    shapes: dict[str, str]
    function: Callable[[Arrays], sympy.MatrixBase]
    textbook: str | None = None
    """The issue's (or a textbook's) form of `matrix`, in sympy syntax; None for 3+ axes."""
    of_idx: tuple[int, ...] | None = None
    by_idx: tuple[int, ...] | None = None
    sizes: dict[str, int] = field(default_factory=lambda: dict(SIZES))

    @property
    def of(self) -> str:
        return self.equation.split("=")[0].strip()

    @property
    def by(self) -> str:
        return self.target.split("/")[1][1:].split("[")[0]

    def __str__(self) -> str:
        return f"{self.equation} | {self.target}"


def wx(m: Arrays) -> sympy.MatrixBase:
    return m["W"] * m["x"]


def residual(m: Arrays) -> sympy.MatrixBase:
    return m["W"] * m["x"] - m["t"]


LAYER = {"W": "P,Q", "x": "Q,1"}
BIAS = {"W": "P,Q", "x": "Q,1", "b": "P,1"}
VECTORS = {"x": "P,1", "z": "P,1"}

CASES: list[Case] = [
    # Sums and differences.
    Case("y = A x + B x", "dy/dx", {"A": "P,Q", "B": "P,Q", "x": "Q,1"},
         lambda m: m["A"] * m["x"] + m["B"] * m["x"], "A + B"),
    Case("y = W x - V x", "dy/dx", {"W": "P,Q", "V": "P,Q", "x": "Q,1"},
         lambda m: m["W"] * m["x"] - m["V"] * m["x"], "W - V"),
    Case("y = W x - V x", "dy/dV", {"W": "P,Q", "V": "P,Q", "x": "Q,1"},
         lambda m: m["W"] * m["x"] - m["V"] * m["x"]),
    Case("Y = A + B", "dY/dA", {"A": "P,Q", "B": "P,Q"}, lambda m: m["A"] + m["B"]),
    Case("Y = A - B", "dY[2,1]/dB[2,1]", {"A": "P,Q", "B": "P,Q"},
         lambda m: m["A"] - m["B"], of_idx=(2, 1), by_idx=(2, 1)),
    # Scalar multiples.
    Case("y = 3 W x", "dy/dx", LAYER, lambda m: 3 * wx(m), "3*W"),
    Case("y = -W x", "dy/dx", LAYER, lambda m: -wx(m), "-W"),
    Case("y = 0.5 W x", "dy/dW", LAYER, lambda m: wx(m) / 2),
    Case("y = 2 (W x + b)", "dy/db", BIAS, lambda m: 2 * (wx(m) + m["b"]), "2*Identity(P)"),
    # Transposes anywhere.
    Case("y = W^T x", "dy/dx", {"W": "P,Q", "x": "P,1"}, lambda m: m["W"].T * m["x"], "W.T"),
    Case("z = (x^T W)^T", "dz/dx", {"W": "P,Q", "x": "P,1"},
         lambda m: (m["x"].T * m["W"]).T, "W.T"),
    Case("y = (A B)^T x", "dy/dx", {"A": "P,Q", "B": "Q,R", "x": "P,1"},
         lambda m: (m["A"] * m["B"]).T * m["x"], "B.T*A.T"),
    Case("y = (A B)^T x", "dy/dA", {"A": "P,Q", "B": "Q,R", "x": "P,1"},
         lambda m: (m["A"] * m["B"]).T * m["x"]),
    Case("Y = X' W", "dY[1,2]/dX[2,1]", {"X": "P,Q", "W": "P,R"},
         lambda m: m["X"].T * m["W"], of_idx=(1, 2), by_idx=(2, 1)),
    # Bias terms.
    Case("z = W x + b", "dz/db", BIAS, lambda m: wx(m) + m["b"], "Identity(P)"),
    Case("z = W x + b", "dz/dx", BIAS, lambda m: wx(m) + m["b"], "W"),
    Case("z = W x + b", "dz/dW", BIAS, lambda m: wx(m) + m["b"]),
    Case("z = W x + b", "dz[2]/dW[2,1]", BIAS, lambda m: wx(m) + m["b"],
         of_idx=(2,), by_idx=(2, 1)),
    Case("z = W x + b", "dz[1]/dW[2,1]", BIAS, lambda m: wx(m) + m["b"],
         of_idx=(1,), by_idx=(2, 1)),
    Case("z = W x + b", "dz[3]/db[3]", BIAS, lambda m: wx(m) + m["b"], "Identity(P)",
         of_idx=(3,), by_idx=(3,)),
    # A variable that appears more than once.
    Case("y = W^T W x", "dy/dW", LAYER, lambda m: m["W"].T * m["W"] * m["x"]),
    Case("y = W^T W x", "dy[2]/dW[3,1]", LAYER, lambda m: m["W"].T * m["W"] * m["x"],
         of_idx=(2,), by_idx=(3, 1)),
    Case("y = W^T W x", "dy/dx", LAYER, lambda m: m["W"].T * m["W"] * m["x"], "W.T*W"),
    # Hadamard products.
    Case("y = x .* z", "dy/dx", VECTORS, lambda m: hadamard(m["x"], m["z"]), "DiagMatrix(z)"),
    Case("y = x ∘ z", "dy/dx", VECTORS, lambda m: hadamard(m["x"], m["z"]), "DiagMatrix(z)"),
    Case("y = x ∘ z", "dy/dz", VECTORS, lambda m: hadamard(m["x"], m["z"]), "DiagMatrix(x)"),
    Case("y = x ∘ z", "dy[1]/dx[2]", VECTORS, lambda m: hadamard(m["x"], m["z"]),
         "DiagMatrix(z)", of_idx=(1,), by_idx=(2,)),
    Case("y = x ∘ z", "dy[2]/dx[2]", VECTORS, lambda m: hadamard(m["x"], m["z"]),
         "DiagMatrix(z)", of_idx=(2,), by_idx=(2,)),
    Case("y = x ∘ (W x)", "dy/dx", {"W": "P,P", "x": "P,1"},
         lambda m: hadamard(m["x"], m["W"] * m["x"]), "DiagMatrix(W*x) + DiagMatrix(x)*W"),
    Case("Y = A ∘ B", "dY/dA", {"A": "P,Q", "B": "P,Q"}, lambda m: hadamard(m["A"], m["B"])),
    # sum(...) and tr(...).
    Case("s = sum(x)", "ds/dx", {"x": "P,1"}, lambda m: sympy.ones(1, 3) * m["x"],
         "OneMatrix(P, 1)"),
    Case("s = sum(W x)", "ds/dx", LAYER, lambda m: sympy.ones(1, 3) * wx(m),
         "W.T*OneMatrix(P, 1)"),
    Case("s = sum(X)", "ds/dX", {"X": "P,Q"}, lambda m: sympy.ones(1, 3) * m["X"] * sympy.ones(2, 1),
         "OneMatrix(P, Q)"),
    Case("s = tr(A)", "ds/dA", {"A": "P,P"}, lambda m: sympy.Matrix([[m["A"].trace()]]),
         "Identity(P)"),
    Case("s = tr(A B)", "ds/dA", {"A": "P,Q", "B": "Q,P"},
         lambda m: sympy.Matrix([[(m["A"] * m["B"]).trace()]]), "B.T"),
    # Scalar-valued expressions and losses (build item 3).
    Case("s = a^T x", "ds/dx", {"a": "P,1", "x": "P,1"}, lambda m: m["a"].T * m["x"], "a"),
    Case("s = a^T x", "ds/da", {"a": "P,1", "x": "P,1"}, lambda m: m["a"].T * m["x"], "x"),
    Case("s = a^T x", "ds/dx[2]", {"a": "P,1", "x": "P,1"}, lambda m: m["a"].T * m["x"], "a",
         of_idx=(), by_idx=(2,)),
    Case("s = x^T A x", "ds/dx", {"x": "P,1", "A": "P,P"},
         lambda m: m["x"].T * m["A"] * m["x"], "(A + A.T)*x"),
    Case("s = x^T A x", "ds/dA", {"x": "P,1", "A": "P,P"},
         lambda m: m["x"].T * m["A"] * m["x"], "x*x.T"),
    Case("s = x^T A x", "ds/dA[1,2]", {"x": "P,1", "A": "P,P"},
         lambda m: m["x"].T * m["A"] * m["x"], "x*x.T", of_idx=(), by_idx=(1, 2)),
    Case("s = a^T X b", "ds/dX", {"a": "P,1", "X": "P,Q", "b": "Q,1"},
         lambda m: m["a"].T * m["X"] * m["b"], "a*b.T"),
    Case("s = a^T X^T b", "ds/dX", {"a": "P,1", "X": "Q,P", "b": "Q,1"},
         lambda m: m["a"].T * m["X"].T * m["b"], "b*a.T"),
    Case("s = tr(A X)", "ds/dX", {"A": "P,Q", "X": "Q,P"},
         lambda m: sympy.Matrix([[(m["A"] * m["X"]).trace()]]), "A.T"),
    Case("s = tr(X^T X)", "ds/dX", {"X": "P,Q"},
         lambda m: sympy.Matrix([[(m["X"].T * m["X"]).trace()]]), "2*X"),
    Case("s = tr(A X B)", "ds/dX", {"A": "P,Q", "X": "Q,R", "B": "R,P"},
         lambda m: sympy.Matrix([[(m["A"] * m["X"] * m["B"]).trace()]]), "A.T*B.T",
         sizes={"P": 2, "Q": 3, "R": 2, "K": 2}),
    Case("L = (W x - t)^T (W x - t)", "dL/dW", {"W": "P,Q", "x": "Q,1", "t": "P,1"},
         lambda m: residual(m).T * residual(m), "2*(W*x - t)*x.T"),
    Case("L = (W x - t)^T (W x - t)", "dL/dx", {"W": "P,Q", "x": "Q,1", "t": "P,1"},
         lambda m: residual(m).T * residual(m), "2*W.T*(W*x - t)"),
    Case("L = (W x - t)^T (W x - t)", "dL/dt", {"W": "P,Q", "x": "Q,1", "t": "P,1"},
         lambda m: residual(m).T * residual(m), "-2*(W*x - t)"),
    Case("L = (W x - t)^T (W x - t)", "dL/dW[2,1]", {"W": "P,Q", "x": "Q,1", "t": "P,1"},
         lambda m: residual(m).T * residual(m), "2*(W*x - t)*x.T", of_idx=(), by_idx=(2, 1)),
    # The chain rule (section 5 of the note) and a longer chain.
    Case("y = V W x", "dy/dx", {"V": "P,Q", "W": "Q,R", "x": "R,1"},
         lambda m: m["V"] * m["W"] * m["x"], "V*W"),
    Case("y = V W x", "dy/dW", {"V": "P,Q", "W": "Q,R", "x": "R,1"},
         lambda m: m["V"] * m["W"] * m["x"], sizes={"P": 2, "Q": 2, "R": 3, "K": 2}),
    Case("y = V W x", "dy[2]/dx[3]", {"V": "P,Q", "W": "Q,R", "x": "R,1"},
         lambda m: m["V"] * m["W"] * m["x"], "V*W", of_idx=(2,), by_idx=(3,)),
    Case("y = U V W x", "dy/dx", {"U": "P,Q", "V": "Q,R", "W": "R,K", "x": "K,1"},
         lambda m: m["U"] * m["V"] * m["W"] * m["x"], "U*V*W"),
]  # fmt: skip


def derived(case: Case) -> dict:
    result = derive(case.equation, case.target, case.shapes).as_dict()
    assert result["verified"] is True
    return result


@pytest.mark.parametrize("case", CASES, ids=str)
def test_results_agree_with_sympy_and_finite_differences(case: Case) -> None:
    result = derived(case)
    checked = check_derivative(
        result, case.function, case.sizes, case.of, case.by, of_idx=case.of_idx, by_idx=case.by_idx
    )
    assert checked > 0
    if case.of_idx is None:
        assert result["entry"] is None
    if case.textbook is None:
        # Three or four axes: the array, no matrix (the issue: `dy/dW` is null for y = W^T W x).
        assert result["matrix"] is None and result["matrix_index"] is None


@pytest.mark.parametrize("case", [c for c in CASES if c.textbook is not None], ids=str)
def test_matrices_are_the_textbook_forms(case: Case) -> None:
    result = derived(case)
    assert result["matrix"] is not None
    assert is_closed_matrix_form(result["matrix"]), result["matrix"]
    shapes = {n: tuple(s) for n, s in result["shapes"].items()}
    claimed = matrix_form(result["matrix"], shapes)
    textbook = matrix_form(case.textbook, shapes)
    assert equivalent_forms(claimed, textbook), (result["matrix"], case.textbook)
    assert leaves(claimed) <= leaves(textbook), (result["matrix"], case.textbook)
    # And the same numbers on an explicit instance.
    arrays = instance({n: tuple(d if isinstance(d, int) else case.sizes[d] for d in s)
                       for n, s in shapes.items() if n != case.of})  # fmt: skip
    difference = explicit_matrix(result["matrix"], arrays, case.sizes) - explicit_matrix(
        case.textbook, arrays, case.sizes
    )
    assert difference.applyfunc(sympy.expand) == sympy.zeros(*difference.shape)


def test_the_bias_derivative_is_the_identity() -> None:
    result = derived(Case("z = W x + b", "dz/db", BIAS, lambda m: m["b"]))
    shapes = {n: tuple(s) for n, s in result["shapes"].items()}
    assert matrix_form(result["matrix"], shapes) == sympy.Identity(sympy.Symbol("P"))
    assert result["general"] in ("KroneckerDelta(i, j)", "KroneckerDelta(j, i)")


# Elementwise functions: one component, the scalar chain rule, then diag(f'(W x)) W with f' in
# closed form (no unevaluated derivative), checked entry by entry on the instance.
DERIVATIVE_OF = {
    "sigma": "DiagMatrix(HadamardProduct(sigma(W*x), OneMatrix(P, 1) - sigma(W*x)))*W",
    "tanh": "DiagMatrix(OneMatrix(P, 1) - HadamardPower(tanh(W*x), 2))*W",
    "exp": "DiagMatrix(exp(W*x))*W",
    "log": "DiagMatrix(HadamardPower(W*x, -1))*W",
    "sin": "DiagMatrix(cos(W*x))*W",
    "cos": "-DiagMatrix(sin(W*x))*W",
}


def layer(name: str) -> Callable[[Arrays], sympy.MatrixBase]:
    return lambda m: elementwise(name, wx(m))


@pytest.mark.parametrize("name", sorted(DERIVATIVE_OF))
def test_elementwise_function_of_W_x_by_x(name: str) -> None:
    result = derived(Case(f"y = {name}(W x)", "dy/dx", LAYER, layer(name)))
    assert check_derivative(result, layer(name), SIZES, "y", "x") == 2 * 3 * 2
    matrix = result["matrix"]
    assert matrix is not None and is_closed_matrix_form(matrix), matrix
    assert "DiagMatrix(" in matrix, matrix
    arrays = instance({"W": (3, 2), "x": (2, 1)})
    got = explicit_matrix(matrix, arrays, SIZES)
    textbook = explicit_matrix(DERIVATIVE_OF[name], arrays, SIZES)
    for seed in (1, 2):
        point = random_point(arrays, seed)
        for entry, expected in zip(got, textbook, strict=True):
            assert close(numeric(entry, point), numeric(expected, point), 1e-15)


@pytest.mark.parametrize("name", sorted(DERIVATIVE_OF))
def test_elementwise_function_of_W_x_by_W(name: str) -> None:
    result = derived(Case(f"y = {name}(W x)", "dy/dW", LAYER, layer(name)))
    assert result["matrix"] is None
    assert check_derivative(result, layer(name), SIZES, "y", "W") == 3 * 3 * 2


@pytest.mark.parametrize("name", sorted(DERIVATIVE_OF))
def test_elementwise_function_one_entry(name: str) -> None:
    result = derived(Case(f"y = {name}(W x)", "dy[2]/dx[1]", LAYER, layer(name)))
    check_derivative(result, layer(name), SIZES, "y", "x", of_idx=(2,), by_idx=(1,))
    off = derived(Case(f"y = {name}(W x)", "dy[2]/dW[1,2]", LAYER, layer(name)))
    assert off["entry"] == "0"
    check_derivative(off, layer(name), SIZES, "y", "W", of_idx=(2,), by_idx=(1, 2))


def test_elementwise_layer_with_bias_chains_to_the_bias() -> None:
    def f(m: Arrays) -> sympy.MatrixBase:
        return elementwise("sigma", wx(m) + m["b"])

    for target, by in (("dy/db", "b"), ("dy/dx", "x"), ("dy/dW", "W")):
        result = derived(Case("y = sigma(W x + b)", target, BIAS, f))
        check_derivative(result, f, SIZES, "y", by)


def logistic_loss(name: str) -> Callable[[Arrays], sympy.MatrixBase]:
    return lambda m: elementwise(name, m["a"].T * m["x"])




@pytest.mark.parametrize("name", sorted(DERIVATIVE_OF))
def test_elementwise_function_of_a_scalar_product(name: str) -> None:
    """s = f(a^T x), as in logistic regression: ds/dx = f'(a^T x) a, the shape of x."""
    shapes = {"a": "P,1", "x": "P,1"}
    result = derived(Case(f"s = {name}(a^T x)", "ds/dx", shapes, logistic_loss(name)))
    assert result["matrix_index"] == [result["by_index"][0], None]
    assert check_derivative(result, logistic_loss(name), SIZES, "s", "x") == 2 * 3
    assert is_closed_matrix_form(result["matrix"]), result["matrix"]


@pytest.mark.parametrize(
    ("equation", "target", "function", "of_idx"),
    [
        ("y = g W x", "dy/dg", lambda m: scalar(m["g"]) * wx(m), None),
        ("y = W x g", "dy[2]/dg", lambda m: wx(m) * m["g"], (2,)),
        # a scalar by a scalar is a whole target: entry null (issue 13)
        ("s = g a^T x", "ds/dg", lambda m: scalar(m["g"]) * m["a"].T * m["x"], None),
    ],
    ids=["y = g W x | dy/dg", "y = W x g | dy[2]/dg", "s = g a^T x | ds/dg"],
)
def test_derivative_by_a_scalar_factor(equation, target, function, of_idx) -> None:
    """A declared scalar times a product, by the scalar: d(g W x)/dg = W x, d(g aᵀx)/dg = aᵀx."""
    shapes = {"g": "1,1", "W": "P,Q", "x": "Q,1", "a": "Q,1"}
    used = {n: s for n, s in shapes.items() if n in equation.split("=")[1]}
    result = derived(Case(equation, target, used, function))
    of = equation.split("=")[0].strip()
    check_derivative(
        result, function, SIZES, of, "g", of_idx=of_idx, by_idx=None if of_idx is None else ()
    )
    if of_idx is None:
        assert result["entry"] is None


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "function", "by"),
    [
        ("Y = A a b^T", "dY/db", {"A": "P,Q", "a": "Q,1", "b": "R,1"},
         lambda m: m["A"] * m["a"] * m["b"].T, "b"),
        ("Y = a b^T B", "dY/da", {"a": "P,1", "b": "Q,1", "B": "Q,R"},
         lambda m: m["a"] * m["b"].T * m["B"], "a"),
        ("Y = A (a b)", "dY[1,1]/db[1]", {"A": "2,2", "a": "2,1", "b": "1,2"},
         lambda m: m["A"] * (m["a"] * m["b"]), "b"),
    ],
    ids=["Y = A a b^T | dY/db", "Y = a b^T B | dY/da", "Y = A (a b) | dY[1,1]/db[1]"],
)  # fmt: skip
def test_outer_products_inside_longer_products(equation, target, shapes, function, by) -> None:
    result = derived(Case(equation, target, shapes, function))
    concrete = "[" in target
    check_derivative(
        result,
        function,
        SIZES,
        "Y",
        by,
        of_idx=(1, 1) if concrete else None,
        by_idx=(1,) if concrete else None,
    )


def test_hadamard_off_diagonal_entries_are_zero_and_the_derivation_says_why() -> None:
    d = derive("y = x ∘ z", "dy[1]/dx[2]", VECTORS)
    assert d.as_dict()["entry"] == "0"
    assert "zero" in d.to_text().lower()


@pytest.mark.parametrize(
    ("equation", "target", "variable"),
    [
        ("s = a^T x", "ds/dx", "x"),
        ("s = a^T X b", "ds/dX", "X"),
        ("L = (W x - t)^T (W x - t)", "dL/dW", "W"),
        ("s = tr(A X B)", "ds/dX", "X"),
    ],
)
def test_gradients_have_the_shape_of_the_variable_and_say_so(equation, target, variable) -> None:
    d = derive(equation, target)
    result = d.as_dict()
    cols = result["shapes"][variable][1]
    assert result["of_index"] == []
    expected = result["by_index"] if cols != 1 else [result["by_index"][0], None]
    assert result["matrix_index"] == expected
    assemble = [s for s in result["steps"] if s["kind"] == "assemble"]
    assert assemble and "shape" in assemble[-1]["latex"], assemble


def test_chain_rule_names_the_intermediates() -> None:
    result = derive("y = U V W x", "dy/dx").as_dict()
    kinds = [s["kind"] for s in result["steps"]]
    assert "intermediates" in kinds and "chain_rule" in kinds, kinds


def test_a_quadratic_form_reads_as_a_textbook_writes_it() -> None:
    """Σ_j Σ_k x_j A_{j,k} x_k, every sign in front and the indices in reading order; the two
    collapsed sums named as entries of A x and Aᵀ x, then added and factored."""
    d = derive("s = x^T A x", "ds/dx")
    text = d.to_text(width=100)
    assert "s = Σ(j=1…C) Σ(k=1…C) xⱼ·Aⱼ,ₖ·xₖ.    (2)" in text
    assert "∂s/∂xᵢ = (A x)ᵢ + (Aᵀ x)ᵢ." in text
    assert "= A x + Aᵀ x = (A + Aᵀ) x." in text
    function = lambda m: m["x"].T * m["A"] * m["x"]  # noqa: E731
    assert check_derivative(d.as_dict(), function, {"C": 3}, "s", "x") > 0


def test_the_trace_of_a_product_reads_its_factors_in_order() -> None:
    d = derive("s = tr(A X B)", "ds/dX")
    assert "s = Σ(k=1…C) Σ(l=1…D) Σ(m=1…M) Aₖ,ₗ·Xₗ,ₘ·Bₘ,ₖ.    (2)" in d.to_text(width=100)
    function = lambda m: sympy.Matrix([[(m["A"] * m["X"] * m["B"]).trace()]])  # noqa: E731
    assert check_derivative(d.as_dict(), function, {"C": 2, "D": 3, "M": 4}, "s", "X") > 0


@pytest.mark.parametrize("output", ["L", "s", "E"])
def test_a_squared_norm_is_a_scalar_of_a_column_vector_whatever_its_letter(output: str) -> None:
    """An uppercase output is no reason to make x a row vector and xᵀ x an outer product."""
    d = derive(f"{output} = x^T x", f"d{output}/dx").as_dict()
    assert d["shapes"] == {output: [1, 1], "x": ["C", 1]}
    function = lambda m: m["x"].T * m["x"]  # noqa: E731
    assert check_derivative(d, function, {"C": 3}, output, "x") > 0


def test_least_squares_names_the_residual_before_the_outer_product() -> None:
    """2 (Σ_k W_{i,k} x_k - t_i) x_j is 2 (W x - t)_i x_j, then 2 (W x - t) xᵀ: no jump."""
    d = derive("L = (W x - t)^T (W x - t)", "dL/dW")
    text = d.to_text(width=100)
    assert "The sum is the entry i of W x - t:\n\n    ∂L/∂Wᵢ,ⱼ = 2 (W x - t)ᵢ xⱼ." in text
    function = lambda m: (m["W"] * m["x"] - m["t"]).T * (m["W"] * m["x"] - m["t"])  # noqa: E731
    assert check_derivative(d.as_dict(), function, {"C": 3, "D": 4}, "L", "W") > 0
