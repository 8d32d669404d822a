"""Running every claim of a derivation against the instance: exactly, then numerically."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

from derivgen.errors import VerificationError
from derivgen.model.shapes import Dim, Shape
from derivgen.parse.ast import Equation
from derivgen.steps.build import Derived
from derivgen.steps.claims import Claim, axes_of_indices, claims_of, free_indices
from derivgen.verify.evaluate import Evaluator, as_array, close, error
from derivgen.verify.instance import Instance, instance_for
from derivgen.verify.linear import SingularError
from derivgen.verify.numbers import EXACT, FLOAT, PRECISE, Field, InexactError

NUMERIC_SAMPLE = 24
"""At most this many index values per claim are also checked by central differences."""
SEED = 20240531


@dataclass(frozen=True)
class Verification:
    """What was checked: how many displayed equalities, on what instance, how exactly."""

    sizes: Mapping[str, int]
    """The instance's sizes, where they differ from the problem's."""
    claims: int
    """Displayed equalities checked (one for a formula said for all i, j)."""
    values: int
    """Index values (or whole arrays) they were checked at."""
    arithmetic: str
    """"exact" (rationals) or "50 digits"."""
    numeric: int
    """Partials also checked against central differences of the equation."""
    max_error: float
    """The largest difference found by those central differences."""
    renumbered: tuple[int, ...] = ()
    """Index values the lines name that the instance holds at another index (x_9 checked as
    its x_2), in order: the lines say nothing that depends on an index beyond its order."""

    @property
    def passed(self) -> bool:
        """True when both methods checked something (a failure raises instead)."""
        return self.claims > 0 and self.numeric > 0


@dataclass(frozen=True)
class Checked:
    """A derivation together with the evidence that its lines are right."""

    derived: Derived
    verification: Verification


def random_inputs(
    shapes: Mapping[str, Shape], names: list[str], instance: Instance, field: Field, seed: int
) -> dict[str, np.ndarray]:
    """Random entries for every symbol, drawn in name order (the same whatever the hash seed)."""
    chooser = random.Random(seed)
    inputs = {}
    for name in sorted(names):
        shape = shapes[name]
        rows, cols = instance.size(shape.rows), instance.size(shape.cols)
        cells = np.empty((rows, cols), dtype=object)
        for r, c in itertools.product(range(rows), range(cols)):
            if field is FLOAT:
                cells[r, c] = complex(chooser.uniform(0.5, 1.5))
            elif field is EXACT:  # integers: nothing but polynomials is evaluated exactly
                cells[r, c] = chooser.randrange(10**9, 2 * 10**9)
            else:  # near 1, where exp, log and σ are neither flat nor huge
                cells[r, c] = field.number(Fraction(chooser.randrange(10**9, 2 * 10**9), 10**9))
        inputs[name] = cells
    return inputs


def _axes(claim: Claim, shapes: Mapping[str, Shape]) -> dict[sympy.Symbol, Dim]:
    """The axis each index of a claim runs over (an index on two axes is refused)."""
    found: dict[sympy.Symbol, set[Dim]] = {}
    for side in (claim.lhs, claim.rhs, claim.where):
        if side is not None:
            for index, sizes in axes_of_indices(side, shapes).items():
                found.setdefault(index, set()).update(sizes)
    free = set().union(*(free_indices(side) for side in (claim.lhs, claim.rhs)))
    free |= {index for index, _, _ in claim.over}
    axes = {}
    for index, sizes in found.items():
        if len(sizes) > 1 and index not in free:
            continue  # a summation index, whose sums each know their own axis
        if len(sizes) > 1:
            named = ", ".join(sorted(map(str, sizes)))
            raise VerificationError(f"the index {index} indexes axes of sizes {named}")
        (axes[index],) = sizes
    return axes


class _Run:
    """One pass over every claim in one field, counting what it checked."""

    def __init__(
        self,
        evaluator: Evaluator,
        shapes: Mapping[str, Shape],
        sample: int | None,
        axes: dict[Claim, dict[sympy.Symbol, Dim]] | None = None,
    ):
        self.evaluator = evaluator
        self.shapes = shapes
        self.sample = sample
        self.values = 0
        self.max_error = 0.0
        self.axes = {} if axes is None else axes
        """Where each claim's indices run, shared between the passes."""
        self.checked: set[Claim] = set()
        """Claims already checked in this pass: a step that repeats one needs no second look."""

    def assignments(self, claim: Claim, axes: Mapping[sympy.Symbol, Dim]) -> Iterator[dict]:
        """Each value of the claim's free indices (outside matrix_index) where `where` holds."""
        instance = self.evaluator.instance
        ranges = []
        for index, low, high in claim.over:
            axis = axes.get(index)
            first = self.evaluator.index(low, axis)({})
            last = self.evaluator.index(high, axis)({})
            if axis is not None and (first, last) != (1, instance.size(axis)):
                raise VerificationError(
                    f"{index} is said to run from {low} to {high}, not over the whole axis"
                )
            ranges.append((index, range(first, last + 1)))
        matrix = {i for i in (claim.matrix_index or ()) if i is not None}
        outer = [(i, r) for i, r in ranges if i not in matrix]
        inner = {i: r for i, r in ranges if i in matrix}
        where = (
            None if claim.where is None else self.evaluator.compile(claim.where, axes, claim.layout)
        )
        combos = list(itertools.product(*(r for _, r in outer)))
        if self.sample is not None and len(combos) > self.sample:
            combos = random.Random(len(combos)).sample(combos, self.sample)
        for combo in combos:
            bindings = {i: v for (i, _), v in zip(outer, combo, strict=True)}
            if matrix:
                yield bindings, inner, where
            elif where is None or where(bindings, None):
                yield bindings, inner, None

    def check(self, claim: Claim, shown: str) -> None:
        if claim in self.checked:
            return
        self.checked.add(claim)
        if claim not in self.axes:
            self.axes[claim] = _axes(claim, self.shapes)
        axes = self.axes[claim]
        lhs = self.evaluator.compile(claim.lhs, axes, claim.layout)
        rhs = self.evaluator.compile(claim.rhs, axes, claim.layout)
        for bindings, inner, where in self.assignments(claim, axes):
            if claim.matrix_index is not None and any(claim.matrix_index):
                row, col = claim.matrix_index
                rows = inner.get(row, range(1, 2)) if row is not None else range(1, 2)
                cols = inner.get(col, range(1, 2)) if col is not None else range(1, 2)
                left = np.empty((len(rows), len(cols)), dtype=object)
                for (r, rv), (c, cv) in itertools.product(enumerate(rows), enumerate(cols)):
                    at = dict(bindings)
                    if row is not None:
                        at[row] = rv
                    if col is not None:
                        at[col] = cv
                    if where is not None and not where(at, None):
                        raise VerificationError(f"{shown}: a matrix claim cannot be conditional")
                    left[r, c] = lhs(at, None)
            else:
                left = lhs(bindings, None)
            right = rhs(bindings, None)
            if not isinstance(left, np.ndarray) and not isinstance(right, np.ndarray):
                self.compare(claim, shown, bindings, left, right)
                self.values += 1
                continue
            left, right = as_array(left), as_array(right)
            if left.shape != right.shape:
                raise VerificationError(
                    f"{shown}: {claim.rhs} is {right.shape[0]}×{right.shape[1]} on the instance, "
                    f"but {claim.lhs} is {left.shape[0]}×{left.shape[1]}"
                )
            for a, b in zip(left.flat, right.flat, strict=True):
                self.compare(claim, shown, bindings, a, b)
            self.values += 1

    def compare(self, claim: Claim, shown: str, bindings: dict, a: object, b: object) -> None:
        """One value of a claim: its two sides agree, or the check fails naming where."""
        field = self.evaluator.field
        if not close(field, a, b):
            at = ", ".join(f"{k} = {v}" for k, v in sorted(bindings.items(), key=str))
            raise VerificationError(
                f"{shown}: {claim.lhs} = {claim.rhs} does not hold"
                + (f" at {at}" if at else "")
                + f" ({field.name} arithmetic on the instance)"
            )
        if field is FLOAT:
            self.max_error = max(self.max_error, error(a, b))

    def check_shape(self, claim: Claim, shown: str) -> None:
        """`shape(W) = (C, D)`: the size said of a symbol is its size."""
        (symbol,) = claim.lhs.args
        actual = self.evaluator.shape_of(symbol.name)
        said = tuple(self.evaluator.instance.size(d) for d in claim.rhs)
        if actual != said:
            raise VerificationError(
                f"{shown}: {symbol} is said to be {claim.rhs}, which is not its shape"
            )
        self.values += 1


def _is_shape(claim: Claim) -> bool:
    return isinstance(claim.lhs, sympy.Function) and claim.lhs.func.__name__ == "shape"


def _about_a_partial(claim: Claim) -> bool:
    return any(side.has(sympy.Derivative) for side in (claim.lhs, claim.rhs))


def _evaluator(
    equation: Equation, derived: Derived, instance: Instance, field: Field, seed: int
) -> Evaluator:
    shapes = derived.every_shape
    defined = {str(d.name) for d in derived.definitions}
    names = [n for n in shapes if n != equation.lhs.name and n not in defined]
    return Evaluator(
        equation=equation,
        shapes=shapes,
        definitions=derived.definitions,
        instance=instance,
        field=field,
        inputs=random_inputs(shapes, names, instance, field, seed),
    )


def _exact_pass(
    equation: Equation, derived: Derived, instance: Instance, claims: tuple, field: Field
) -> _Run:
    run = _Run(_evaluator(equation, derived, instance, field, SEED), derived.every_shape, None)
    for step, step_claims in zip(derived.steps, claims, strict=True):
        for claim in step_claims:
            shown = f"the {step.kind} step"
            if _is_shape(claim):
                run.check_shape(claim, shown)
            else:
                run.check(claim, shown)
    return run


_UNCHECKABLE = (TypeError, ValueError, AttributeError, ArithmeticError, LookupError)
"""What a malformed step raises when its claims are formed or evaluated: it fails the check."""


def _claims(derived: Derived) -> tuple[tuple[Claim, ...], ...]:
    claims = []
    shapes = derived.every_shape
    for step in derived.steps:
        try:
            claims.append(claims_of((step,), shapes)[0])
        except _UNCHECKABLE as error:
            raise VerificationError(
                f"the {step.kind} step states no checkable equality ({error})"
            ) from error
    return tuple(claims)


def verify(equation: Equation, shapes: object, derived: Derived) -> Checked:
    """Check every claim of every step; raise VerificationError, naming the step, if one fails."""
    try:
        return _verify(equation, derived)
    except VerificationError:
        raise
    except _UNCHECKABLE as error:
        raise VerificationError(f"a step's claims cannot be evaluated ({error})") from error


def _verify(equation: Equation, derived: Derived) -> Checked:
    claims = _claims(derived)
    every = [c for step_claims in claims for c in step_claims]
    try:
        return _verify_on(
            equation, derived, claims, instance_for(derived.every_shape, every), every
        )
    except SingularError:
        # XᵀX is singular when X is wider than tall: the sizes in the other order
        instance = instance_for(derived.every_shape, every, descending=True)
        try:
            return _verify_on(equation, derived, claims, instance, every)
        except SingularError as error:
            raise VerificationError(f"{error} (with the sizes in either order)") from error


def _verify_on(
    equation: Equation, derived: Derived, claims: tuple, instance: Instance, every: list[Claim]
) -> Checked:
    try:
        exact = _exact_pass(equation, derived, instance, claims, EXACT)
    except InexactError:
        exact = _exact_pass(equation, derived, instance, claims, PRECISE)
    floats = _evaluator(equation, derived, instance, FLOAT, SEED + 1)
    numeric = _Run(floats, derived.every_shape, NUMERIC_SAMPLE, exact.axes)
    for step, step_claims in zip(derived.steps, claims, strict=True):
        for claim in step_claims:
            if _about_a_partial(claim) and not _is_shape(claim):
                numeric.check(claim, f"the {step.kind} step (central differences)")
    verification = Verification(
        sizes={str(d): v for d, v in instance.sizes.items() if not isinstance(d, int) or d != v},
        claims=len(every),
        values=exact.values,
        arithmetic=exact.evaluator.field.name,
        numeric=numeric.values,
        max_error=numeric.max_error,
        renumbered=tuple(
            sorted({v for moved in instance.labels.values() for v, n in moved.items() if v != n})
        ),
    )
    if not verification.passed:
        raise VerificationError("derivgen found nothing to check in this derivation")
    return Checked(derived, verification)
