"""The verifier's evaluator against sympy's own evaluation of the same index expressions.

The evaluator computes sums by nesting them, hoisting factors and remembering values; these
tests give it sums where that could go wrong (several indices, a limit that names an outer
index, a factor that uses no index, a free index in a limit, the same name bound and free)
and compare each value with sympy's `doit()` on the very same integer entries.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
import sympy

from derivgen.model.shapes import Shape
from derivgen.parse import parse_equation
from derivgen.verify.evaluate import Evaluator
from derivgen.verify.instance import Instance
from derivgen.verify.numbers import EXACT

C, D = sympy.symbols("C D")
i, j, k, m, u = sympy.symbols("i j k m u")
A, W, x, y = (sympy.IndexedBase(n) for n in "AWxy")
SIZES = {C: 3, D: 4}
SHAPES = {"A": Shape(D, D), "W": Shape(C, D), "x": Shape(D, 1), "y": Shape(C, 1)}


def _evaluator() -> Evaluator:
    chooser = random.Random(7)
    inputs = {}
    for name in ("A", "W", "x"):
        shape = SHAPES[name]
        rows, cols = SIZES.get(shape.rows, shape.rows), SIZES.get(shape.cols, shape.cols)
        cells = np.empty((rows, cols), dtype=object)
        for r, c in itertools.product(range(rows), range(cols)):
            cells[r, c] = chooser.randrange(-50, 50)
        inputs[name] = cells
    return Evaluator(
        equation=parse_equation("y = W x"),
        shapes=SHAPES,
        definitions=(),
        instance=Instance(sizes={1: 1, **SIZES}, labels={}),
        field=EXACT,
        inputs=inputs,
    )


def _written_out(expr: sympy.Basic) -> sympy.Basic:
    """Every sum written out term by term, its outermost index first (limits may name it)."""
    if isinstance(expr, sympy.Sum):
        *inner, (variable, low, high) = expr.limits
        body = sympy.Sum(expr.function, *inner) if inner else expr.function
        terms = (body.xreplace({variable: n}) for n in range(int(low), int(high) + 1))
        return sympy.Add(*(_written_out(term) for term in terms))
    if not expr.args:
        return expr
    return expr.func(*(_written_out(a) for a in expr.args))


def _sympy_value(expr: sympy.Basic, evaluator: Evaluator, at: dict) -> sympy.Expr:
    """The expression with sizes and indices substituted, written out, then read."""
    concrete = expr.xreplace({**SIZES, **{s: sympy.Integer(v) for s, v in at.items()}})
    explicit = _written_out(concrete)

    def cell(entry: sympy.Indexed) -> int:
        array = evaluator.inputs[entry.base.name]
        indices = [int(n) - 1 for n in entry.indices]
        return array[indices[0], indices[1] if len(indices) == 2 else 0]

    return explicit.xreplace({e: cell(e) for e in explicit.atoms(sympy.Indexed)})


SUMS = [
    ("one index", sympy.Sum(W[i, k] * x[k], (k, 1, D)), {i: C}),
    ("two free indices", sympy.Sum(A[i, k] * A[k, j], (k, 1, D)), {i: D, j: D}),
    (
        "three indices, a chain",
        sympy.Sum(A[i, k] * A[k, m] * A[m, u] * x[u], (u, 1, D), (m, 1, D), (k, 1, D)),
        {i: D},
    ),
    ("a limit naming the outer index", sympy.Sum(A[k, m], (m, 1, k), (k, 1, D)), {}),
    ("a factor using no index", sympy.Sum(2 * A[k, k], (k, 1, D), (m, 1, D)), {}),
    ("a free index in a limit", sympy.Sum(A[i, m] * x[m], (m, i + 1, D)), {i: D}),
    ("sums side by side", sympy.Sum(A[i, k], (k, 1, D)) * sympy.Sum(A[k, i], (k, 1, D)), {i: D}),
    (
        "a sum inside a sum's factor",
        sympy.Sum(W[i, k] * sympy.Sum(A[k, m] * x[m], (m, 1, D)), (k, 1, D)),
        {i: C},
    ),
    ("a delta collapsing a sum", sympy.Sum(sympy.KroneckerDelta(i, k) * x[k], (k, 1, D)), {i: D}),
    (
        "a sum of terms under several signs (each term summed on its own)",
        sympy.Sum(
            x[k] * A[k, m] * sympy.KroneckerDelta(i, m) + sympy.KroneckerDelta(i, k) * A[k, m] * x[m],
            (m, 1, D),
            (k, 1, D),
        ),
        {i: D},
    ),
]


@pytest.mark.parametrize(("name", "expr", "free"), SUMS, ids=[s[0] for s in SUMS])
def test_sums_agree_with_sympy(name: str, expr: sympy.Basic, free: dict) -> None:
    evaluator = _evaluator()
    compiled = evaluator.compile(expr, free)
    ranges = [range(1, SIZES[size] + 1) for size in free.values()]
    for values in itertools.product(*ranges):
        at = dict(zip(free, values, strict=True))
        assert compiled(at, None) == _sympy_value(expr, evaluator, at), at


def test_partial_by_an_entry_is_exact() -> None:
    """∂y_i/∂x_j of the parsed equation, as a dual number, against W_{i,j} read directly."""
    evaluator = _evaluator()
    compiled = evaluator.compile(sympy.Derivative(y[i], x[j]), {i: C, j: D})
    for r, c in itertools.product(range(1, 4), range(1, 5)):
        assert compiled({i: r, j: c}, None) == evaluator.inputs["W"][r - 1, c - 1]


def test_exact_division_stays_exact() -> None:
    """Integer entries divide to a Fraction, never to a rounded float."""
    evaluator = _evaluator()
    value = evaluator.compile(x[1] ** -1)({}, None)
    assert value * evaluator.inputs["x"][0, 0] == 1
    assert not isinstance(value, float)
