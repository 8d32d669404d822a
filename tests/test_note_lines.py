"""Issue 8: every line derivgen writes is true, checked line by line against the oracle.

Three kinds of wrong line are pinned here:

1. the gradient of a sum of entries, such as sum(A X) by X, named as a matrix of the wrong
   shape (Aᵀ 1, 2×1, for a 2×4 X): the recognizer dropped an index the entry formula does not
   use;
2. a symbolic target index over a short concrete sum (y = W x, W 3×4, ∂y_i/∂x_j), written out
   in full with no term holding x_j, so that the term-by-term derivatives read 0 + 0 + 0 + 0;
3. "Only one term involves W_{j,k}" above the term x_j W_{j,i}, which holds W_{j,k} only
   when k = i, and a δ_{i,k} that nothing explained.

Every claim is compared with tests/oracle.py (sympy on explicit matrices, central
differences), never with derivgen's own output: the step expressions are read back from
their sympy strings and evaluated on explicit matrices for every value of every index.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import sympy

from derivgen import derive
from derivgen.documents.worksheet import derive_all
from derivgen.documents.worksheet_spec import read_spec
from derivgen.documents.worksheet_variants import draw_variants
from tests.oracle import (
    Arrays,
    axis_lengths,
    check_derivative,
    equivalent_forms,
    evaluate_general,
    explicit_matrix,
    instance,
    matrix_form,
    read,
)


def _names(equation: str, target: str) -> tuple[str, str]:
    """The output's name and the variable's: `y` and `x` for `y = W x`, `dy[3]/dx[7]`."""
    return equation.partition("=")[0].strip(), target.partition("/d")[2].partition("[")[0]


# --- 1. Sums of entries: the gradient has the shape of the variable ----------------------


def sum_of(product: Callable[[Arrays], sympy.MatrixBase]) -> Callable[[Arrays], sympy.Matrix]:
    def function(m: Arrays) -> sympy.Matrix:
        value = product(m)
        return sympy.Matrix([[sum(value)]])

    return function


SUM_CASES = [
    # (equation, target, shapes, the product summed (for the oracle), the textbook's form)
    ("s = sum(A X)", "ds/dX", {"A": "3,2", "X": "2,4"}, lambda m: m["A"] * m["X"],
     "A.T*OneMatrix(3, 1)*OneMatrix(1, 4)"),
    ("s = sum(A X)", "ds/dX", {"A": "P,Q", "X": "Q,R"}, lambda m: m["A"] * m["X"],
     "A.T*OneMatrix(P, 1)*OneMatrix(1, R)"),
    ("s = sum(A X)", "ds/dA", {"A": "3,2", "X": "2,4"}, lambda m: m["A"] * m["X"],
     "OneMatrix(3, 1)*OneMatrix(1, 4)*X.T"),
    ("s = sum(A X)", "ds/dA", {"A": "P,Q", "X": "Q,R"}, lambda m: m["A"] * m["X"],
     "OneMatrix(P, 1)*OneMatrix(1, R)*X.T"),
    ("s = sum(X B)", "ds/dX", {"X": "3,2", "B": "2,4"}, lambda m: m["X"] * m["B"],
     "OneMatrix(3, 1)*OneMatrix(1, 4)*B.T"),
    ("s = sum(X B)", "ds/dX", {"X": "P,Q", "B": "Q,R"}, lambda m: m["X"] * m["B"],
     "OneMatrix(P, 1)*OneMatrix(1, R)*B.T"),
    ("s = sum(B H)", "ds/dB", {"B": "2,3", "H": "3,4"}, lambda m: m["B"] * m["H"],
     "OneMatrix(2, 1)*OneMatrix(1, 4)*H.T"),
    ("s = sum(B H)", "ds/dB", {"B": "P,Q", "H": "Q,R"}, lambda m: m["B"] * m["H"],
     "OneMatrix(P, 1)*OneMatrix(1, R)*H.T"),
    ("s = sum(B H)", "ds/dH", {"B": "2,3", "H": "3,4"}, lambda m: m["B"] * m["H"],
     "B.T*OneMatrix(2, 1)*OneMatrix(1, 4)"),
    ("s = sum(B H)", "ds/dH", {"B": "P,Q", "H": "Q,R"}, lambda m: m["B"] * m["H"],
     "B.T*OneMatrix(P, 1)*OneMatrix(1, R)"),
    # Both indices used, each by its own sum: this one was right and must stay so.
    ("s = sum(A X B)", "ds/dX", {"A": "P,Q", "X": "Q,R", "B": "R,P"},
     lambda m: m["A"] * m["X"] * m["B"], "A.T*OneMatrix(P, 1)*OneMatrix(1, P)*B.T"),
]
SIZES = {"P": 3, "Q": 2, "R": 4}


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "product", "textbook"),
    SUM_CASES,
    ids=[f"{c[0]} | {c[1]} | {','.join(c[2].values())}" for c in SUM_CASES],
)
def test_the_gradient_of_a_sum_of_entries_has_the_shape_of_the_variable(
    equation, target, shapes, product, textbook
) -> None:
    d = derive(equation, target, shapes).as_dict()
    by = _names(equation, target)[1]
    # Every partial, every entry of the named matrix, and the matrix's shape against the oracle.
    assert check_derivative(d, sum_of(product), SIZES, "s", by) > 0
    arrays = instance(
        {
            name: tuple(SIZES[n] if isinstance(n, str) else n for n in dims)
            for name, dims in d["shapes"].items()
            if name != "s"
        }
    )
    assert explicit_matrix(d["matrix"], arrays, SIZES).shape == arrays[by].shape
    # The textbook's form (Aᵀ 𝟏 𝟏ᵀ) for every size, not only the instance.
    declared = {n: tuple(d["shapes"][n]) for n in d["shapes"]}
    assert equivalent_forms(matrix_form(d["matrix"], declared), matrix_form(textbook, declared))


def test_the_gradient_of_a_sum_of_entries_reads_as_a_ones_matrix_product() -> None:
    d = derive("s = sum(A X)", "ds/dX", {"A": "3,2", "X": "2,4"})
    assert any(line.endswith("= Aᵀ 𝟏(3×4),") for line in d.to_text().splitlines())
    assert r"= A^{\top} \mathbf{1}_{3\times 4}," in d.to_latex()


# --- 2 and 3. The note's steps, line by line -------------------------------------------


def _assignments(d: dict, arrays: Arrays, of: str, by: str) -> list[dict[str, int]]:
    """Every value of the target's symbolic indices (one empty assignment for a concrete one)."""
    names = [*d["of_index"], *d["by_index"]]
    lengths = [*axis_lengths(arrays[of]), *axis_lengths(arrays[by])]
    ranges = [range(1, n + 1) for n in lengths]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*ranges)]


class _Lines:
    """The note's steps at one value of every index, each checked against the instance."""

    def __init__(self, arrays: Arrays, at: Mapping[str, int], sizes: Mapping[str, int]) -> None:
        self.arrays, self.at, self.sizes = arrays, at, sizes

    def value(self, expr: sympy.Basic) -> sympy.Expr:
        """A step's expression, read back from its sympy string, on the explicit instance."""
        read_back = read(str(expr), self.arrays, self.sizes)
        return sympy.expand(evaluate_general(read_back, self.arrays, self.at, self.sizes))

    def holds(self, pairs: tuple[tuple[sympy.Expr, sympy.Expr], ...]) -> bool:
        """Whether each (index, index) pair takes equal values here."""
        values = {sympy.Symbol(k): sympy.Integer(v) for k, v in self.at.items()}
        return all(sympy.sympify(a).xreplace(values) == sympy.sympify(b).xreplace(values)
                   for a, b in pairs)

    def partial(self, step) -> sympy.Expr:
        return sympy.diff(self.value(step.of), self.value(step.by))

    def component(self, step) -> None:
        assert self.value(step.rhs) == self.value(step.lhs), (self.at, step.rhs)

    def expand(self, step) -> None:
        truth = self.value(step.lhs)
        written = [t for t in step.terms if isinstance(t, sympy.Basic)]
        shown = {self.value(t) for t in written}
        assert shown <= set(sympy.Add.make_args(truth)), (self.at, step.terms, truth)
        if len(written) == len(step.terms):
            assert sum(self.value(t) for t in written) == truth, (self.at, step.terms)
        if step.focus is not None:
            focus = self.value(step.terms[step.focus])
            holds = sympy.diff(focus, self.value(step.target)) != 0
            assert holds == self.holds(step.conditions), (self.at, step.conditions)

    def differentiate(self, step) -> None:
        variable = self.value(step.by)
        pairs = [
            (t, dt)
            for t, dt in zip(step.terms, step.derivatives, strict=True)
            if isinstance(t, sympy.Basic)
        ]
        surviving = [t for t, dt in pairs if isinstance(dt, sympy.Derivative)]
        assert len(surviving) == 1, step.derivatives
        focus = self.value(surviving[0])
        total = {}
        for t, dt in pairs:
            term = self.value(t)
            if term == focus and not isinstance(dt, sympy.Derivative):
                continue  # x_1 beside x_j at j = 1: one term, as in 1, 2, …, j, …, D
            assert self.value(dt) == sympy.diff(term, variable), (self.at, t, dt)
            total[term] = sympy.diff(term, variable)
        assert sum(total.values()) == self.partial(step), (self.at, step.terms)
        holds = sympy.diff(focus, variable) != 0
        assert holds == self.holds(step.conditions), (self.at, step.conditions)

    def isolate(self, step) -> None:
        partial = self.partial(step)
        assert self.value(step.surviving) == partial, (self.at, step.surviving)
        assert self.value(step.result) == partial, (self.at, step.result)
        if not step.conditions:
            assert step.nonzero is None
        elif self.holds(step.conditions):
            assert partial == self.value(step.nonzero) != 0, (self.at, step.nonzero)
        else:
            assert partial == 0, (self.at, step.conditions)

    def zero(self, step) -> None:
        assert self.partial(step) == 0, (self.at, step.by)


def check_note_lines(
    equation: str,
    target: str,
    shapes: dict[str, str],
    function: Callable[[Arrays], sympy.MatrixBase],
    sizes: dict[str, int],
) -> int:
    """Every equation of the note's steps, and every claim their sentences make, is true.

    For every value of the target's indices: the component equals the output's entry; each
    written term is a term of it, and, when nothing is elided, they add up to it; each
    term-by-term derivative is that term's derivative, the terms elided have none (the
    written ones' derivatives add up to the true partial); the surviving term's derivative is
    the partial. A term written beside the j-th (the first, the last) is another term except
    where j takes its value; there the two are one, as the note's 1, 2, …, j, …, D reads.
    Where a step says its term holds the target only under conditions (k = i), the term's
    derivative is non-zero exactly when they hold, the partial is the step's `nonzero` then
    and 0 otherwise; where it says nothing, the term holds the target always. Returns the
    number of lines checked.
    """
    derivation = derive(equation, target, shapes)
    d = derivation.as_dict()
    of, by = _names(equation, target)

    def size(n: int | str) -> int:
        return n if isinstance(n, int) else sizes[n]

    arrays = instance({n: (size(r), size(c)) for n, (r, c) in d["shapes"].items() if n != of})
    arrays = {**arrays, of: sympy.ImmutableMatrix(function(arrays))}
    kinds = ("component", "expand", "differentiate", "isolate", "zero")
    checked = 0
    for at in _assignments(d, arrays, of, by):
        lines = _Lines(arrays, at, sizes)
        for step in derivation.steps:
            if step.kind in kinds:
                getattr(lines, step.kind)(step)
                checked += 1
    return checked


def wx(m: Arrays) -> sympy.MatrixBase:
    return m["W"] * m["x"]


def xw(m: Arrays) -> sympy.MatrixBase:
    return m["x"] * m["W"]


def XW(m: Arrays) -> sympy.MatrixBase:
    return m["X"] * m["W"]


ROW = {"x": "1,D", "W": "D,C"}
DATA = {"X": "N,D", "W": "D,C"}
LINE_CASES = [
    # Issue 2: a symbolic index over a short concrete sum.
    ("y = W x", "dy/dx", {"W": "3,4"}, wx, {}),
    ("y = x W", "dy/dx", {"x": "1,6", "W": "6,7"}, xw, {}),
    ("y = W x", "dy[i]/dx[j]", {"W": "2,3"}, wx, {}),
    ("y = W x", "dy[2]/dx[j]", {"W": "3,4"}, wx, {}),
    ("y = W x", "dy[i]/dx[3]", {"W": "3,4"}, wx, {}),
    ("y = W x", "dy/dx", {"W": "2,8"}, wx, {}),
    # Issue 3: the term holds the target only where two indices agree.
    ("y = x W", "dy/dW", ROW, xw, {"C": 3, "D": 2}),
    ("y = x W", "dy/dW", {}, xw, {"C": 2, "D": 3}),
    ("y = x W", "dy/dW", {"x": "1,3", "W": "3,2"}, xw, {}),
    ("Y = X W", "dY/dX", DATA, XW, {"N": 2, "D": 3, "C": 2}),
    ("Y = X W", "dY/dW", DATA, XW, {"N": 2, "D": 3, "C": 2}),
    ("f = W x", "df/dW", {"W": "n,m"}, wx, {"n": 2, "m": 3}),
    ("f = W x", "df[i]/dW[2,3]", {"W": "C,D"}, wx, {"C": 3, "D": 4}),
    ("Y = x w^T", "dY/dx", {"x": "C,1", "w": "D,1"}, lambda m: m["x"] * m["w"].T,
     {"C": 2, "D": 3}),
    ("Y = a B", "dY/dB", {"a": "1,1", "B": "C,D"}, lambda m: m["a"][0, 0] * m["B"],
     {"C": 2, "D": 3}),
    # The note's own examples, which were right, line by line.
    ("y = W x", "dy[3]/dx[7]", {"W": "C,D"}, wx, {"C": 4, "D": 8}),
    ("y = W x", "dy/dx", {"W": "C,D"}, wx, {"C": 3, "D": 4}),
    ("y = x W", "dy[3]/dx[7]", ROW, xw, {"C": 4, "D": 8}),
    ("y = x W", "dy[3]/dW[7,8]", ROW, xw, {"C": 8, "D": 7}),
    ("y = x W", "dy[3]/dW[2,3]", ROW, xw, {"C": 8, "D": 7}),
    ("Y = X W", "dY[2,5]/dX[2,4]", DATA, XW, {"N": 3, "D": 4, "C": 5}),
    ("Y = X W", "dY[2,5]/dX[3,4]", DATA, XW, {"N": 3, "D": 4, "C": 5}),
    ("y = W x", "dy[1]/dx[2]", {"W": "3,2"}, wx, {}),
]


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "function", "sizes"),
    LINE_CASES,
    ids=[f"{c[0]} | {c[1]} | {','.join(c[2].values())}" for c in LINE_CASES],
)
def test_every_line_of_the_notes_steps_is_true(equation, target, shapes, function, sizes) -> None:
    assert check_note_lines(equation, target, shapes, function, sizes) > 0
    d = derive(equation, target, shapes).as_dict()
    check_derivative(d, function, sizes, *_names(equation, target))


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "surviving"),
    [
        ("y = W x", "dy/dx", {"W": "3,4"}, "Derivative(W[i, j]*x[j], x[j])"),
        ("y = x W", "dy/dx", {"x": "1,6", "W": "6,7"}, "Derivative(W[j, i]*x[j], x[j])"),
    ],
)
def test_a_symbolic_index_over_a_short_concrete_sum_keeps_its_term_in_sight(
    equation, target, shapes, surviving
) -> None:
    """1, …, j, …, n: the j-th term written out, its derivative the one that is not 0."""
    steps = derive(equation, target, shapes).steps
    expand = next(s for s in steps if s.kind == "expand")
    differentiate = next(s for s in steps if s.kind == "differentiate")
    assert expand.focus is not None
    assert [str(d) for d in differentiate.derivatives if isinstance(d, sympy.Derivative)] == [
        surviving
    ]
    assert sum(isinstance(t, sympy.Basic) for t in differentiate.terms) == 3  # 1, j and n


def test_a_worksheet_key_with_drawn_sizes_writes_the_surviving_term(tmp_path: Path) -> None:
    spec_file = tmp_path / "set.toml"
    spec_file.write_text(
        'title = "Week 1"\n[[problem]]\nequation = "y = W x"\ntarget = "dy/dx"\n'
        'shapes = { W = "C,D" }\npoints = 1\n[problem.random]\nsizes = { C = [2, 4], D = [3, 5] }\n',
        encoding="utf-8",
    )
    spec = read_spec(spec_file)
    variants = draw_variants(spec, 3, "0")
    solutions = derive_all(spec, variants, derive, jobs=1)
    for variant in variants:
        (problem,) = variant.problems
        shapes = dict(problem.shapes)
        key = solutions[problem.key].derivation
        assert r"\frac{\partial}{\partial \vec{x}_{j}}\left[W_{i,j} \vec{x}_{j}\right]" in key
        assert check_note_lines("y = W x", "dy/dx", shapes, wx, {}) > 0
    assert len({p.key for v in variants for p in v.problems}) > 1


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "where", "otherwise"),
    [
        ("y = x W", "dy/dW", {}, "k = i", "k ≠ i"),
        ("Y = X W", "dY/dX", DATA, "k = i", "k ≠ i"),
        ("Y = X W", "dY/dW", DATA, "l = j", "l ≠ j"),
        ("f = W x", "df/dW", {"W": "n,m"}, "j = i", "j ≠ i"),
        ("f = W x", "df[i]/dW[7,8]", {}, "i = 7", "i ≠ 7"),
    ],
)
def test_both_renderers_split_the_cases_the_way_the_note_does(
    equation, target, shapes, where, otherwise
) -> None:
    """No "Only one term involves W_{j,k}" above x_j W_{j,i}: the term holds it when k = i."""
    derivation = derive(equation, target, shapes)
    text = " ".join(derivation.to_text().split())
    latex = " ".join(derivation.to_latex().split())
    assert "Only one term involves" not in text and "Only one term involves" not in latex
    assert f"it does only when {where};" in text
    assert f"When {where}, the term holds" in text and f"when {otherwise}," in text
    a, b = where.split(" = ")
    assert f"it does only when ${a} = {b}$;" in latex
    assert f"When ${a} = {b}$, the term holds" in latex
    assert rf"when ${a} \neq {b}$," in latex
    assert "writes both cases at once" in text and "writes both cases at once" in latex


def test_two_conditions_are_one_case_and_otherwise() -> None:
    derivation = derive("Y = a B", "dY/dB", {"a": "1,1"})
    text = " ".join(derivation.to_text().split())
    latex = " ".join(derivation.to_latex().split())
    assert "When k = i and l = j, the term holds Bₖ,ₗ and its derivative is a; otherwise," in text
    assert "The Kronecker deltas δᵢ,ₖ and δⱼ,ₗ (each 1 when its indices are equal" in text
    assert "When $k = i$ and $l = j$, the term holds $B_{k,l}$" in latex
    assert r"The Kronecker deltas $\delta_{i,k}$ and $\delta_{j,l}$" in latex


def test_a_target_every_term_could_hold_keeps_the_notes_sentence() -> None:
    text = " ".join(derive("y = W x", "dy/dx", {"W": "3,4"}).to_text().split())
    assert "Only one term involves xⱼ; none of the others includes it" in text
    assert "both cases" not in text
