"""det X by X in the note's component style: Laplace's expansion along the target's row.

det X = Σ_l X_{i,l} C_{i,l} for any row i. The cofactors C_{i,l} are determinants of X with
row i deleted, so none holds X_{i,j}; the term l = j alone involves it, and its partial is
C_{i,j}. Assembled, the cofactors are det(X) X⁻ᵀ: Jacobi's formula.
"""

from __future__ import annotations

import sympy

from derivgen.model.indexing import indexed
from derivgen.model.ops.determinant import cofactor, determinant
from derivgen.model.shapes import Shapes
from derivgen.model.target import ResolvedTarget
from derivgen.parse.ast import Determinant, Equation, Symbol
from derivgen.steps.kinds import LaplaceStep, Step


def is_determinant_problem(equation: Equation, target: ResolvedTarget) -> bool:
    """`s = det(X)` by X: the one the note-style expansion is written for."""
    rhs = equation.rhs
    return (
        isinstance(rhs, Determinant)
        and isinstance(rhs.operand, Symbol)
        and rhs.operand.name == target.by
    )


def determinant_steps(
    shapes: Shapes, target: ResolvedTarget
) -> tuple[list[Step], sympy.Expr, sympy.Expr]:
    """The expansion step for the requested entry; returns it, the entry and the general."""
    name = target.by
    shape = shapes[name]
    base = sympy.IndexedBase(name)
    by = indexed(name, shape, target.by_indices)
    row, col = target.by_indices
    index = target.dummy
    term_cofactor = cofactor(base, row, index)
    step = LaplaceStep(
        of=indexed(target.of, shapes[target.of], ()),
        determinant=determinant(base),
        by=by,
        index=index,
        size=shape.rows,
        expansion=sympy.Sum(base[row, index] * term_cofactor, (index, 1, shape.rows)),
        cofactor=term_cofactor,
        picked=sympy.Sum(sympy.KroneckerDelta(index, col) * term_cofactor, (index, 1, shape.rows)),
        result=cofactor(base, row, col),
    )
    general = cofactor(base, *target.by_names)
    return [step], step.result, general
