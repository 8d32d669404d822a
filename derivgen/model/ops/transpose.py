"""`A^T`: rows and columns swapped, and so are the indices of every entry."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index
from derivgen.model.ops.base import Components, Operation, Pair, Sizes, is_matrix
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import Transpose


class TransposeOperation(Operation):
    node = Transpose

    def shape(self, node: Transpose, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        rows, cols = operands[0]
        return (cols, rows)

    def component(self, node: Transpose, at: Components, row: Index, col: Index) -> sympy.Expr:
        return at.of(node.operand, col, row)

    def matrix(
        self, node: Transpose, operands: Sequence[sympy.Basic], shapes: Shapes
    ) -> sympy.Basic:
        # Unevaluated, so that (W x - t)^T stays as written instead of -t^T + x^T W^T.
        (value,) = operands
        return sympy.Transpose(value) if is_matrix(value) else value


OPERATION = TransposeOperation()
