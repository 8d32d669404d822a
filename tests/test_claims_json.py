"""Every claim the JSON carries for the note's examples, checked by the test itself.

Nothing of derivgen's verifier is used: the strings are read back with `sympy.parse_expr`,
the equation is evaluated with numpy on random numbers (sizes 9, 10, 11, larger than any
index the examples use), and each partial is a central difference of that evaluation.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

import numpy as np
import pytest
import sympy

from derivgen import derive

Arrays = dict[str, np.ndarray]

NOTE_EXAMPLES = [
    ("y = W x", "dy[3]/dx[7]", {"W": "C,D"}, lambda a: a["W"] @ a["x"]),
    ("y = W x", "dy/dx", {"W": "C,D"}, lambda a: a["W"] @ a["x"]),
    ("y = x W", "dy[3]/dx[7]", {"x": "1,D", "W": "D,C"}, lambda a: a["x"] @ a["W"]),
    ("y = x W", "dy[3]/dW[7,8]", {"x": "1,D", "W": "D,C"}, lambda a: a["x"] @ a["W"]),
    ("y = x W", "dy/dW", {"x": "1,D", "W": "D,C"}, lambda a: a["x"] @ a["W"]),
    ("Y = X W", "dY[2,5]/dX[2,4]", {"X": "N,D", "W": "D,C"}, lambda a: a["X"] @ a["W"]),
    ("Y = X W", "dY/dX", {"X": "N,D", "W": "D,C"}, lambda a: a["X"] @ a["W"]),
    ("f = W x", "df/dW", {"W": "n,m"}, lambda a: a["W"] @ a["x"]),
]
SAMPLE = 12
"""Index values tried per claim (each claim is tried; the ranges are sampled)."""
STEP = 1e-6


class _Problem:
    def __init__(self, data: dict, equation: Callable[[Arrays], np.ndarray]) -> None:
        self.output = data["equation"].split("=")[0].strip()
        symbolic = sorted({d for dims in data["shapes"].values() for d in dims if isinstance(d, str)})
        self.sizes = {sympy.Symbol(s): 9 + n for n, s in enumerate(symbolic)}
        self.dims = {
            name: tuple(d if isinstance(d, int) else self.sizes[sympy.Symbol(d)] for d in dims)
            for name, dims in data["shapes"].items()
        }
        chooser = np.random.default_rng(7)
        self.inputs = {
            name: chooser.uniform(0.5, 1.5, dims)
            for name, dims in self.dims.items()
            if name != self.output
        }
        self.equation = equation
        self.values = self.evaluate(self.inputs)

    def evaluate(self, inputs: Arrays) -> Arrays:
        return {**inputs, self.output: self.equation(inputs)}

    def entry_locals(self) -> dict:
        return {name: sympy.IndexedBase(name) for name in self.dims} | {
            str(s): s for s in self.sizes
        }

    def matrix_locals(self) -> dict:
        return {
            name: sympy.MatrixSymbol(name, *dims) for name, dims in self.dims.items()
        } | {str(s): v for s, v in self.sizes.items()}

    def position(self, entry: sympy.Indexed) -> tuple[int, int]:
        dims = self.dims[str(entry.base.label)]
        indices = [int(i) - 1 for i in entry.indices]
        if len(indices) == 2:
            return indices[0], indices[1]
        return (indices[0], 0) if dims[1] == 1 else (0, indices[0])

    def number(self, expr: sympy.Basic, values: Arrays) -> float:
        """An index expression with concrete indices, its sums expanded, at these values."""
        expr = expr.doit()
        entries = {e: values[str(e.base.label)][self.position(e)] for e in expr.atoms(sympy.Indexed)}
        return float(expr.xreplace(entries))

    def scalar(self, expr: sympy.Basic) -> float:
        def difference(partial: sympy.Derivative) -> sympy.Float:
            (variable,) = partial.variables
            name, at = str(variable.base.label), self.position(variable)
            moved = []
            for sign in (1, -1):
                inputs = {k: v.copy() for k, v in self.inputs.items()}
                inputs[name][at] += sign * STEP
                moved.append(self.number(partial.expr, self.evaluate(inputs)))
            return sympy.Float((moved[0] - moved[1]) / (2 * STEP))

        expr = _expand_sums(expr).replace(lambda e: isinstance(e, sympy.Derivative), difference)
        return self.number(expr, self.values)

    def matrix(self, expr: sympy.Basic) -> np.ndarray:
        explicit = {
            sympy.MatrixSymbol(n, *d): sympy.ImmutableMatrix(self.values[n])
            for n, d in self.dims.items()
        }
        value = expr.xreplace(explicit).doit()
        return np.array(sympy.ImmutableMatrix(value).evalf(), dtype=float)


def _expand_sums(expr: sympy.Basic) -> sympy.Basic:
    """Sums with concrete limits written out term by term (partials inside left unevaluated)."""

    def written(total: sympy.Sum) -> sympy.Basic:
        body = total.function
        for variable, low, high in total.limits:
            body = sympy.Add(*(body.subs(variable, v) for v in range(int(low), int(high) + 1)))
        return body

    while expr.has(sympy.Sum):
        expr = expr.replace(lambda e: isinstance(e, sympy.Sum), written)
    return expr


def _bindings(claim: dict, problem: _Problem, skip: set[str]) -> list[dict]:
    ranges = []
    for index, (low, high) in claim.get("for", {}).items():
        if index in skip:
            continue
        local = problem.entry_locals()
        first = int(sympy.parse_expr(low, local_dict=local).xreplace(problem.sizes))
        last = int(sympy.parse_expr(high, local_dict=local).xreplace(problem.sizes))
        ranges.append((sympy.Symbol(index), range(first, last + 1)))
    combos = list(itertools.product(*(r for _, r in ranges)))
    random.Random(len(combos)).shuffle(combos)
    found = []
    for combo in combos:
        values = {i: v for (i, _), v in zip(ranges, combo, strict=True)} | problem.sizes
        if "where" in claim:
            where = sympy.parse_expr(claim["where"], local_dict=problem.entry_locals())
            if not bool(where.subs(values)):
                continue
        found.append(values)
        if len(found) == SAMPLE:
            break
    return found


def _check(claim: dict, problem: _Problem) -> int:
    read = lambda text, local: sympy.parse_expr(text, local_dict=local)  # noqa: E731
    if claim["lhs"].startswith("shape("):
        name = claim["lhs"][len("shape(") : -1]
        dims = read(claim["rhs"], problem.entry_locals())
        said = tuple(int(sympy.sympify(d).xreplace(problem.sizes)) for d in dims)
        assert said == problem.dims[name]
        return 1
    matrix_index = claim.get("matrix_index")
    checked = 0
    if matrix_index is not None:
        free = [i for i in matrix_index if i is not None]
        right = problem.matrix(read(claim["rhs"], problem.matrix_locals()))
        for values in _bindings(claim, problem, set(free)):
            if not free:
                left = problem.matrix(read(claim["lhs"], problem.matrix_locals()))
            else:
                formula = read(claim["lhs"], problem.entry_locals())
                spans = [
                    range(1, (right.shape[n]) + 1) if i is not None else [None]
                    for n, i in enumerate(matrix_index)
                ]
                left = np.array(
                    [
                        [
                            problem.scalar(
                                formula.xreplace(values)
                                .xreplace({sympy.Symbol(i): v for i, v in zip(matrix_index, (r, c), strict=True) if i})
                            )
                            for c in spans[1]
                        ]
                        for r in spans[0]
                    ]
                )
            assert left.shape == right.shape, claim
            assert np.allclose(left, right, rtol=1e-6, atol=1e-8), claim
            checked += 1
        return checked
    lhs, rhs = (read(claim[side], problem.entry_locals()) for side in ("lhs", "rhs"))
    for values in _bindings(claim, problem, set()):
        a, b = problem.scalar(lhs.xreplace(values)), problem.scalar(rhs.xreplace(values))
        assert a == pytest.approx(b, rel=1e-6, abs=1e-8), (claim, values)
        checked += 1
    return checked


@pytest.mark.parametrize(
    ("equation", "target", "shapes", "numpy"), NOTE_EXAMPLES, ids=[f"{e} {t}" for e, t, *_ in NOTE_EXAMPLES]
)
def test_every_json_claim_of_the_note_examples_holds(
    equation: str, target: str, shapes: dict, numpy: Callable
) -> None:
    data = derive(equation, target, shapes).as_dict()
    problem = _Problem(data, numpy)
    claims = [claim for step in data["steps"] for claim in step["claims"]]
    assert all(step["claims"] for step in data["steps"] if step["kind"] != "chain_summary")
    assert data["intermediates"] == {}
    for claim in claims:
        assert _check(claim, problem) > 0, claim
