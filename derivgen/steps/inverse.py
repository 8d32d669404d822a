"""X⁻¹ by X in the note's component style: differentiate X X⁻¹ = I entry by entry.

Row a of X X⁻¹ = I at column j is Σ_m X_{a,m} (X⁻¹)_{m,j} = δ_{a,j}. The product rule by
X_{k,l} gives δ_{a,k} (X⁻¹)_{l,j} + Σ_m X_{a,m} ∂(X⁻¹)_{m,j}/∂X_{k,l} = 0; multiplying by
(X⁻¹)_{i,a} and summing over a undoes X, and leaves ∂(X⁻¹)_{i,j}/∂X_{k,l} =
−(X⁻¹)_{i,k} (X⁻¹)_{l,j}: a 4-D array, written as the note writes 3-D ones.
"""

from __future__ import annotations

import sympy

from derivgen.model.indexing import indexed
from derivgen.model.ops.inverse import inverse_entry
from derivgen.model.shapes import Shapes
from derivgen.model.target import ResolvedTarget
from derivgen.parse.ast import Equation, Inverse, Symbol
from derivgen.steps.claims import partial
from derivgen.steps.general import index_supply
from derivgen.steps.kinds import InverseStep, Step


def is_inverse_problem(equation: Equation, target: ResolvedTarget, shapes: Shapes) -> bool:
    """`Y = X^-1` by X, X a matrix: the one this derivation is written for."""
    rhs = equation.rhs
    return (
        isinstance(rhs, Inverse)
        and isinstance(rhs.operand, Symbol)
        and rhs.operand.name == target.by
        and not shapes[target.by].is_scalar
    )


def inverse_step(
    shapes: Shapes, target: ResolvedTarget, of_indices: tuple, by_indices: tuple
) -> InverseStep:
    """The step for ∂Y_{i,j}/∂X_{k,l} at the given (concrete or symbolic) indices."""
    name = target.by
    size = shapes[name].rows
    base = sympy.IndexedBase(name)
    supply = index_supply(target, shapes)
    a, m = supply.fresh(), supply.fresh()
    i, j = of_indices
    k, l = by_indices  # noqa: E741 - the note's index names
    by = indexed(name, shapes[name], by_indices)

    def inv(r: sympy.Expr, c: sympy.Expr) -> sympy.Expr:
        return inverse_entry(base, r, c)

    inverse_partial = partial(inv(i, j), by)
    return InverseStep(
        of=indexed(target.of, shapes[target.of], of_indices),
        by=by,
        row=a,
        multiplier=inv(i, a),
        identity=(sympy.Sum(base[a, m] * inv(m, j), (m, 1, size)), sympy.KroneckerDelta(a, j)),
        product_rule=sympy.Sum(
            sympy.KroneckerDelta(a, k) * sympy.KroneckerDelta(m, l) * inv(m, j), (m, 1, size)
        )
        + sympy.Sum(base[a, m] * partial(inv(m, j), by), (m, 1, size)),
        summed=sympy.KroneckerDelta(a, k) * inv(l, j)
        + sympy.Sum(base[a, m] * partial(inv(m, j), by), (m, 1, size)),
        undo=(sympy.Sum(inv(i, a) * base[a, m], (a, 1, size)), sympy.KroneckerDelta(i, m)),
        solved=inv(i, k) * inv(l, j) + inverse_partial,
        inverse_partial=inverse_partial,
        result=-inv(i, k) * inv(l, j),
    )


def inverse_steps(
    shapes: Shapes, target: ResolvedTarget
) -> tuple[list[Step], sympy.Expr, sympy.Expr]:
    """The step for the requested entry; returns it, the entry and the general entry."""
    step = inverse_step(shapes, target, target.of_indices, target.by_indices)
    general = inverse_step(shapes, target, target.of_names, target.by_names).result
    return [step], step.result, general
