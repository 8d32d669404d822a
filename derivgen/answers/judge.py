"""Is an answer the derivative? Judged by exact evaluation, never by comparing strings.

The answer and the true derivative (`truth`) are evaluated at three random integer points on
two small instances of distinct sizes, in exact rational arithmetic (50-digit arithmetic when
the equation or the answer applies exp, log, σ, …). A false identity between rational
functions of the entries holds at a random integer point only with negligible probability
(Schwartz–Zippel), and the second instance's other sizes catch an answer right at one size
only. The first entry (smallest indices) where they differ is the counterexample.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from derivgen.answers.read import FormulaAnswer, MatrixAnswer
from derivgen.answers.truth import (
    Draw,
    Entry,
    Problem,
    draws,
    entries,
    problem_index,
    small_draws,
    true_partials,
)
from derivgen.errors import DerivgenError, VerificationError
from derivgen.model.shapes import Dim
from derivgen.steps.assemble import DENOMINATOR_ARRANGEMENTS, Arrangement, arrange
from derivgen.steps.claims import axes_of_indices, free_indices
from derivgen.verify import equation as oracle
from derivgen.verify.evaluate import as_array, close
from derivgen.verify.linear import SingularError
from derivgen.verify.numbers import EXACT, PRECISE, Field, InexactError

REASONS = ("right", "layout", "shape", "value")
"""Why a verdict is what it is: right; right in the other layout; the wrong shape; a value."""

Answer = MatrixAnswer | FormulaAnswer


@dataclass(frozen=True)
class Counterexample:
    """The first entry where the answer and the derivative differ, on one random point."""

    indices: tuple[int, ...]
    """The problem's 1-based indices of the partial: the output's, then the variable's."""
    claimed: Any
    true: Any
    sizes: Mapping[str, int]
    values: Mapping[str, np.ndarray]
    """The random entries of every symbol at that point."""
    position: tuple[int, int] | None = None
    """The 1-based (row, column) of that entry in a matrix answer."""
    formula: sympy.Basic | None = None
    """An index formula's value written out at that entry (such as x[1])."""
    landed: tuple[int, ...] | None = None
    """The same partial's indices on the instance, which numbers a large index anew (the
    problem's ∂y₉/∂x₂ is the 3×4 instance's ∂y₂/∂x₂)."""


@dataclass(frozen=True)
class Judgement:
    """The verdict on one answer and the evidence for it."""

    reason: str
    arithmetic: str | None = None
    """"exact" (rationals) or "50 digits"; None when the shape alone decided."""
    instances: tuple[Mapping[str, int], ...] = ()
    """The sizes of each random point's instance."""
    layout: str | None = None
    """The layout the answer was judged in (a matrix answer with a layout), else None."""
    answer_layout: str | None = None
    """With reason "layout": the layout the answer is right in."""
    expected_shape: tuple[Dim, ...] | None = None
    answer_shape: tuple[Dim, ...] | None = None
    counterexample: Counterexample | None = None
    detail: str | None = None
    """What is wrong, where the reason alone does not say (an index on the wrong axis)."""

    @property
    def correct(self) -> bool:
        return self.reason == "right"


def judge(problem: Problem, answer: Answer, layout: str | None = None) -> Judgement:
    """The verdict on `answer` for `problem` (a matrix answer in `layout`, or the note's)."""
    try:
        return _judge(problem, answer, layout, EXACT)
    except InexactError:
        return _judge(problem, answer, layout, PRECISE)


def _judge(problem: Problem, answer: Answer, layout: str | None, field: Field) -> Judgement:
    expr = answer.expr if answer.expr is not None else sympy.Integer(0)
    points = draws(problem, expr, field)
    common = {"arithmetic": field.name, "instances": tuple(d.sizes() for d in points)}
    try:
        if isinstance(answer, FormulaAnswer):
            return _formula(problem, answer, points, common)
        return _matrix(problem, answer, layout, points, common)
    except VerificationError as error:
        raise DerivgenError(f"the answer cannot be evaluated: {error}") from None
    except ZeroDivisionError:
        raise DerivgenError("the answer divides by zero at a random point") from None


def _formula(
    problem: Problem, answer: FormulaAnswer, points: list[Draw], common: dict
) -> Judgement:
    free = [
        (n, size)
        for n, size, fixed in zip(problem.names, problem.axes, problem.requested, strict=True)
        if not fixed.is_Integer
    ]
    axes = dict(free)
    unbound = sorted(map(str, free_indices(answer.expr) - set(axes)))
    if unbound:
        named = ", ".join(str(n) for n, _ in free) or "none: the target fixes every index"
        raise DerivgenError(
            f"the formula's index {unbound[0]} is not an index of the target (its indices are "
            f"{named})"
        )
    for index, sizes in axes_of_indices(answer.expr, problem.shapes).items():
        wrong = [s for s in sizes if index in axes and s != axes[index]]
        if wrong:
            return Judgement(
                reason="shape",
                detail=f"{index} runs from 1 to {axes[index]}, but the formula uses it as an "
                f"index of an axis of size {wrong[0]}",
                **common,
            )

    def find(at: list[Draw]) -> Counterexample | None:
        return _formula_difference(problem, answer, free, at)

    first = find(points)
    if first is None:
        return Judgement(reason="right", **common)
    return Judgement(
        reason="value",
        counterexample=_followable(find, problem, answer, first, points[0].evaluator.field),
        **common,
    )


def _formula_difference(
    problem: Problem,
    answer: FormulaAnswer,
    free: list[tuple[sympy.Symbol, Dim]],
    points: list[Draw],
) -> Counterexample | None:
    """The first entry, smallest indices first, where the formula is not the derivative."""
    axes = dict(free)
    for draw in points:
        compiled = draw.evaluator.compile(answer.expr, axes)
        truth = true_partials(problem, draw)
        for entry in entries(problem, draw):
            bindings = {n: v for (n, _), v in zip(free, _free_values(problem, entry), strict=True)}
            claimed = compiled(bindings, None)
            if isinstance(claimed, np.ndarray):
                raise DerivgenError("an index formula names entries, not whole arrays")
            if not close(draw.evaluator.field, claimed, truth[entry]):
                at = {
                    n: _problem_value(draw, size, v)
                    for (n, size), v in zip(free, _free_values(problem, entry), strict=True)
                }
                counter = _counterexample(problem, draw, entry, claimed, truth[entry])
                formula = answer.expr.xreplace({n: sympy.Integer(v) for n, v in at.items()})
                return Counterexample(**{**counter.__dict__, "formula": formula})
    return None


def _followable(
    find: Callable[[list[Draw]], Counterexample | None],
    problem: Problem,
    answer: Answer,
    found: Counterexample,
    field: Field,
) -> Counterexample:
    """A counterexample on a point with small entries (-5 to 5) when one shows the answer
    wrong, else the one the verdict found. The verdict itself comes from the large random
    points (where a false identity almost never holds); a small point can hide a wrong
    answer by chance, so it only ever replaces a counterexample, never a verdict."""
    expr = answer.expr if answer.expr is not None else sympy.Integer(0)
    for draw in small_draws(problem, expr, field):
        try:
            smaller = find([draw])
        except (SingularError, ZeroDivisionError):
            continue  # a singular matrix at this point: try the next one
        if smaller is not None:
            return smaller
    return found


def _free_values(problem: Problem, entry: Entry) -> list[int]:
    return [v for v, fixed in zip(entry, problem.requested, strict=True) if not fixed.is_Integer]


def _problem_value(draw: Draw, size: Dim, landed: int) -> int:
    return problem_index(draw.instance, size, landed)


def _layout_of(arrangement: Arrangement) -> str | None:
    if arrangement.layout == "scalar":
        return None
    return "denominator" if arrangement.layout in DENOMINATOR_ARRANGEMENTS else "numerator"


def _arrangement(problem: Problem, layout: str | None) -> Arrangement:
    t = problem.target
    return arrange(problem.of_shape, t.of_names, problem.by_shape, t.by_names, layout)


def _matrix(
    problem: Problem, answer: MatrixAnswer, layout: str | None, points: list[Draw], common: dict
) -> Judgement:
    if len(problem.axes) > 2:
        return Judgement(
            reason="shape", expected_shape=problem.axes, answer_shape=answer.shape, **common
        )
    wanted = _arrangement(problem, layout)
    judged = _layout_of(wanted)
    other = None
    if judged is not None:
        other = _arrangement(problem, "numerator" if judged == "denominator" else "denominator")
    common = {
        **common,
        "layout": judged,
        "expected_shape": (wanted.rows, wanted.cols),
        "answer_shape": answer.shape,
    }
    fits = _same_shape(answer.shape, (wanted.rows, wanted.cols))
    first = _first_difference(problem, answer, wanted, points) if fits else None
    if fits and first is None:
        return Judgement(reason="right", **common)
    if (
        other is not None
        and _same_shape(answer.shape, (other.rows, other.cols))
        and (_first_difference(problem, answer, other, points) is None)
    ):
        return Judgement(reason="layout", answer_layout=_layout_of(other), **common)
    if not fits:
        return Judgement(reason="shape", **common)
    assert first is not None

    def find(at: list[Draw]) -> Counterexample | None:
        return _first_difference(problem, answer, wanted, at)

    return Judgement(
        reason="value",
        counterexample=_followable(find, problem, answer, first, points[0].evaluator.field),
        **common,
    )


def _same_shape(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(
        sympy.sympify(x) == sympy.sympify(y) for x, y in zip(a, b, strict=False)
    )


def _answer_matrix(answer: MatrixAnswer, draw: Draw) -> np.ndarray:
    evaluator = draw.evaluator
    if answer.tree is not None:
        arrays = {n: evaluator.array(n, None) for n in evaluator.shapes}
        field = evaluator.field
        return oracle.evaluate(answer.tree, arrays, field.number, field.apply)
    return as_array(evaluator.compile(answer.expr)({}, None))


def _first_difference(
    problem: Problem, answer: MatrixAnswer, arrangement: Arrangement, points: list[Draw]
) -> Counterexample | None:
    """The first entry, row by row, where the answer is not the derivative so arranged."""
    for draw in points:
        claimed = _answer_matrix(answer, draw)
        truth = true_partials(problem, draw)
        rows = draw.instance.size(arrangement.rows)
        cols = draw.instance.size(arrangement.cols)
        if claimed.shape != (rows, cols):
            raise VerificationError(
                f"the answer is {claimed.shape[0]}×{claimed.shape[1]} on the instance, "
                f"not {rows}×{cols}"
            )
        for r, c in itertools.product(range(rows), range(cols)):
            at = {arrangement.row_index: r + 1, arrangement.col_index: c + 1}
            entry = tuple(at[n] for n in problem.names)
            if not close(draw.evaluator.field, claimed[r, c], truth[entry]):
                counter = _counterexample(problem, draw, entry, claimed[r, c], truth[entry])
                return Counterexample(**{**counter.__dict__, "position": (r + 1, c + 1)})
    return None


def _counterexample(
    problem: Problem, draw: Draw, entry: Entry, claimed: Any, true: Any
) -> Counterexample:
    indices = tuple(
        problem_index(draw.instance, size, v) for size, v in zip(problem.axes, entry, strict=True)
    )
    return Counterexample(
        indices=indices,
        claimed=claimed,
        true=true,
        sizes=draw.sizes(),
        values=dict(draw.inputs()),
        landed=entry,
    )
