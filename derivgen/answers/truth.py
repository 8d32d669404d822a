"""The true derivative on small concrete instances, from the equation alone.

Every entry ∂of/∂by is the ε part of the output when one entry of `by` is made a dual number
and the parsed equation is evaluated by plain matrix arithmetic (the verifier's own oracle,
`verify.equation`): derivgen's derivation plays no part in it, so an answer is never judged
against derivgen's own result.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from derivgen.model.indexing import indexed
from derivgen.model.shapes import Dim, Shape
from derivgen.model.target import ResolvedTarget
from derivgen.parse.ast import Equation
from derivgen.steps.claims import Claim
from derivgen.verify.check import random_inputs
from derivgen.verify.evaluate import Evaluator
from derivgen.verify.instance import Instance, instance_for
from derivgen.verify.numbers import EXACT, Field, derivative_of

SEEDS = (1009, 2003, 3001)
"""One random point per seed: the first two on the smaller instance, the third on a larger one."""

SMALL_ENTRIES = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
"""The entries of a counterexample's point: small enough to follow by hand, and nonzero, so
that no product vanishes and a matrix is seldom singular."""
SMALL_POSITIVE_ENTRIES = (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1))
"""The same where exp, log or σ is evaluated: positive, so that a logarithm stays real, and
at most 1, so that σ of a sum of products is not flat."""
SMALL_ATTEMPTS = 12
"""Points with small entries tried on each instance before the first counterexample is kept."""

Entry = tuple[int, ...]
"""1-based instance indices of one partial: the output's indices, then the variable's."""


@dataclass(frozen=True)
class Problem:
    """An equation with its shapes and a resolved target: what an answer is checked against."""

    equation: Equation
    shapes: Mapping[str, Shape]
    target: ResolvedTarget

    @property
    def of_shape(self) -> Shape:
        return self.shapes[self.target.of]

    @property
    def by_shape(self) -> Shape:
        return self.shapes[self.target.by]

    @property
    def axes(self) -> tuple[Dim, ...]:
        """The size of every axis of the derivative: the output's, then the variable's."""
        return (*self.of_shape.axes, *self.by_shape.axes)

    @property
    def names(self) -> tuple[sympy.Symbol, ...]:
        """The index name of every axis (the target's own where it names them)."""
        return (*self.target.of_names, *self.target.by_names)

    @property
    def requested(self) -> tuple[sympy.Expr, ...]:
        """The target's index on every axis: a number where it fixes one, else the name."""
        return (*self.target.of_indices, *self.target.by_indices)

    def claim(self, answer: sympy.Basic) -> Claim:
        """The answer as a claim about the requested partial (for sizing the instance)."""
        of = indexed(self.target.of, self.of_shape, self.target.of_indices)
        by = indexed(self.target.by, self.by_shape, self.target.by_indices)
        return Claim(lhs=sympy.Derivative(of, by, evaluate=False), rhs=answer)


@dataclass(frozen=True)
class Draw:
    """One random point on one instance, and the evaluator of everything at that point."""

    instance: Instance
    evaluator: Evaluator
    seed: int

    def sizes(self) -> dict[str, int]:
        """The instance's symbolic sizes, by name."""
        return {str(d): v for d, v in self.instance.sizes.items() if isinstance(d, sympy.Basic)}

    def inputs(self) -> Mapping[str, np.ndarray]:
        return self.evaluator.inputs


def _evaluator(problem: Problem, instance: Instance, field: Field, inputs: dict) -> Evaluator:
    """The problem's equation evaluated at one point (`inputs`), in `field`'s arithmetic."""
    return Evaluator(
        equation=problem.equation,
        shapes=problem.shapes,
        definitions=(),
        instance=instance,
        field=field,
        inputs=inputs,
    )


def draws(problem: Problem, answer: sympy.Basic, field: Field) -> list[Draw]:
    """The random points an answer is judged at, in `field`'s arithmetic."""
    small = instance_for(problem.shapes, [problem.claim(answer)])
    large = _larger(small)
    names = [n for n in problem.shapes if n != problem.equation.lhs.name]
    found = []
    for instance, seed in zip((small, small, large), SEEDS, strict=True):
        inputs = random_inputs(problem.shapes, names, instance, field, seed)
        evaluator = _evaluator(problem, instance, field, inputs)
        found.append(Draw(instance=instance, evaluator=evaluator, seed=seed))
    return found


def small_draws(problem: Problem, answer: sympy.Basic, field: Field) -> Iterator[Draw]:
    """Points with small entries, first on the smaller instance and then on the larger one:
    where an answer already known to be wrong is looked at again for a counterexample a
    student can follow. Only the point changes; the comparison is as exact as the verdict's."""
    small = instance_for(problem.shapes, [problem.claim(answer)])
    names = sorted(n for n in problem.shapes if n != problem.equation.lhs.name)
    entries = SMALL_ENTRIES if field is EXACT else SMALL_POSITIVE_ENTRIES
    for instance in (small, _larger(small)):
        for attempt in range(SMALL_ATTEMPTS):
            chooser = random.Random(f"small:{attempt}")
            inputs = {}
            for name in names:
                shape = problem.shapes[name]
                rows, cols = instance.size(shape.rows), instance.size(shape.cols)
                cells = np.empty((rows, cols), dtype=object)
                for r, c in itertools.product(range(rows), range(cols)):
                    cells[r, c] = field.number(Fraction(chooser.choice(entries)))
                inputs[name] = cells
            evaluator = _evaluator(problem, instance, field, inputs)
            yield Draw(instance=instance, evaluator=evaluator, seed=attempt)


def _larger(instance: Instance) -> Instance:
    """Every size that the instance chose one larger (still distinct): so that an answer
    right only at one size, such as `3 x` for `C x` with C = 3, is caught."""
    kept = {d for d, v in instance.sizes.items() if isinstance(d, int) and d == v}
    sizes = {d: v if d in kept else v + 1 for d, v in instance.sizes.items()}
    labels = {
        dim: {
            value: sizes[dim] if landed == instance.sizes[dim] else landed
            for value, landed in table.items()
        }
        for dim, table in instance.labels.items()
    }
    return replace(instance, sizes=sizes, labels=labels)


def entries(problem: Problem, draw: Draw) -> Iterator[Entry]:
    """Every entry the target asks about, smallest indices first (a fixed index stays put)."""
    ranges = []
    for size, fixed in zip(problem.axes, problem.requested, strict=True):
        if fixed.is_Integer:
            ranges.append([draw.instance.index(size, int(fixed))])
        else:
            ranges.append(range(1, draw.instance.size(size) + 1))
    yield from itertools.product(*ranges)


def true_partials(problem: Problem, draw: Draw) -> dict[Entry, Any]:
    """∂of/∂by at every entry of the instance, by dual numbers through the equation."""
    of_shape, by_shape = problem.of_shape, problem.by_shape
    evaluator = draw.evaluator
    by = problem.target.by
    rows, cols = evaluator.shape_of(by)
    found: dict[Entry, Any] = {}
    for r, c in itertools.product(range(rows), range(cols)):
        seeded = evaluator.array(problem.target.of, (by, r, c, "dual"))
        for (p, q), value in np.ndenumerate(seeded):
            found[(*_indices(of_shape, p, q), *_indices(by_shape, r, c))] = derivative_of(value)
    return found


def _indices(shape: Shape, row: int, col: int) -> tuple[int, ...]:
    """The note's 1-based index tuple of the 0-based entry (row, col)."""
    if shape.is_scalar:
        return ()
    if shape.is_column:
        return (row + 1,)
    if shape.is_row:
        return (col + 1,)
    return (row + 1, col + 1)


def problem_index(instance: Instance, size: Dim, landed: int) -> int:
    """The problem's index that lands on the instance's index `landed` on an axis of `size`."""
    back = {v: k for k, v in instance.labels.get(size, {}).items()}
    return back.get(landed, landed)
