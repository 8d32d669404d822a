"""`det(A)` (and `logdet(A)`, read as `log(det(A))`): the determinant of a square matrix.

The component is det A itself, an entry function with its own derivative, Jacobi's formula
∂ det A/∂A_{i,j} = det(A) (A⁻¹)_{j,i}: expanding det A along row i (Laplace) writes it as
Σ_j A_{i,j} C_{i,j}, where no cofactor C_{i,j} holds an entry of row i, and C = det(A) A⁻ᵀ.
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
from derivgen.model.ops.inverse import inverse_entry
from derivgen.model.shapes import Shape, Shapes
from derivgen.parse.ast import Determinant


class determinant(EntryFunction):  # noqa: N801 - a sympy function, named as sympy names them
    """det A, for the square matrix A."""

    nargs = (1, 2)

    def _eval_derivative(self, by: sympy.Basic) -> sympy.Expr:
        if isinstance(by, sympy.Indexed) and by.base == self.base:
            i, j = by.indices
            return self * inverse_entry.of(self, j, i)
        # through an intermediate M: Σ_{p,q} det(M) (M⁻¹)_{q,p} ∂M_{p,q}/∂by
        return self.through(by, lambda p, q: self * inverse_entry.of(self, q, p))

    def stand_in(self) -> tuple[sympy.Expr, str]:
        name = f"{self.base.name}__det"
        return sympy.Symbol(name), name

    def matrix_form(self, shape: Shape) -> sympy.Basic:
        return sympy.Determinant(self.matrix_of(shape))


class cofactor(EntryFunction):  # noqa: N801 - a sympy function, named as sympy names them
    """C_{i,l} of A: (−1)^{i+l} times the determinant of A without row i and column l.

    Laplace's expansion along row i, det A = Σ_l A_{i,l} C_{i,l}, is how the note-style
    derivation of det A by A reads off its partials; the matrix of cofactors is det(A) A⁻ᵀ.
    """

    nargs = 3

    def stand_in(self) -> tuple[sympy.Expr, str]:
        name = f"{self.base.name}__cofactor"
        return sympy.IndexedBase(name)[self.indices], name

    def matrix_form(self, shape: Shape) -> sympy.Basic:
        matrix = sympy.MatrixSymbol(self.base.name, shape.rows, shape.cols)
        # unevaluated: sympy would write (A⁻¹)ᵀ as (Aᵀ)⁻¹
        return sympy.Determinant(matrix) * sympy.Transpose(sympy.Inverse(matrix))


class DeterminantOperation(Operation):
    node = Determinant

    def shape(self, node: Determinant, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        square(node, operands, sizes, "det")
        return (1, 1)

    def component(self, node: Determinant, at: Components, row: Index, col: Index) -> sympy.Expr:
        if at.shape(node.operand).is_scalar:
            return at.of(node.operand, 1, 1)
        base, _, spec = named_operand(node.operand, at)  # det(Aᵀ) = det(A)
        return determinant(base) if spec is None else determinant(base, spec)

    def matrix(
        self, node: Determinant, operands: Sequence[sympy.Basic], shapes: Shapes
    ) -> sympy.Basic:
        (value,) = operands
        return sympy.Determinant(value) if is_matrix(value) else value


OPERATION = DeterminantOperation()
