"""`inv(A)`, `A^-1`, `A^{-1}` (and `A^-T`, its transpose): the inverse of a square matrix.

Its entries are no finite sum of A's, so the component is the entry `(A⁻¹)_{k,l}` itself,
an entry function with its own derivative: differentiating A A⁻¹ = I entry by entry with
the product rule gives ∂(A⁻¹)_{k,l}/∂A_{i,j} = −(A⁻¹)_{k,i} (A⁻¹)_{j,l}.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index
from derivgen.model.ops.base import (
    Components,
    EntryFunction,
    Operation,
    Pair,
    Sizes,
    is_matrix,
    named_operand,
    square,
)
from derivgen.model.shapes import Shape, Shapes
from derivgen.parse.ast import Inverse


class inverse_entry(EntryFunction):  # noqa: N801 - a sympy function, named as sympy names them
    """(A⁻¹)_{k,l}: entry (k, l), 1-based, of the inverse of the square matrix A."""

    nargs = (3, 4)

    @classmethod
    def of(cls, array: EntryFunction, row: sympy.Expr, col: sympy.Expr) -> inverse_entry:
        """Entry (row, col) of the inverse of the array `array` is a function of."""
        spec = () if array.spec is None else (array.spec,)
        return cls(array.base, row, col, *spec)

    def at(self, row: sympy.Expr, col: sympy.Expr) -> inverse_entry:
        """Another entry of the same inverse."""
        return inverse_entry.of(self, row, col)

    def _eval_derivative(self, by: sympy.Basic) -> sympy.Expr:
        k, l = self.indices  # noqa: E741 - the note's index names
        if isinstance(by, sympy.Indexed) and by.base == self.base:
            i, j = by.indices
            return -self.at(k, i) * self.at(j, l)
        # through an intermediate M: −Σ_{p,q} (M⁻¹)_{k,p} ∂M_{p,q}/∂by (M⁻¹)_{q,l}
        return self.through(by, lambda p, q: -self.at(k, p) * self.at(q, l))

    def stand_in(self) -> tuple[sympy.Expr, str]:
        name = f"{self.base.name}__inverse"
        return sympy.IndexedBase(name)[self.indices], name

    def matrix_form(self, shape: Shape) -> sympy.Basic:
        inner = self.matrix_of(shape)
        # (Y⁻¹)⁻¹ = Y; never doit(), which would split (A X B)⁻¹ whether or not it may
        return inner.arg if isinstance(inner, sympy.Inverse) else sympy.Inverse(inner)


class InverseOperation(Operation):
    node = Inverse

    def shape(self, node: Inverse, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        return square(node, operands, sizes, "the inverse")

    def component(self, node: Inverse, at: Components, row: Index, col: Index) -> sympy.Expr:
        if at.shape(node.operand).is_scalar:
            return 1 / at.of(node.operand, 1, 1)
        base, transposed, spec = named_operand(node.operand, at)
        extra = () if spec is None else (spec,)
        # inv(Aᵀ) = inv(A)ᵀ
        if transposed:
            return inverse_entry(base, col, row, *extra)
        return inverse_entry(base, row, col, *extra)

    def matrix(self, node: Inverse, operands: Sequence[sympy.Basic], shapes: Shapes) -> sympy.Basic:
        (value,) = operands
        return sympy.Inverse(value) if is_matrix(value) else 1 / value


OPERATION = InverseOperation()
