"""`tr(A)` (the trace of a square matrix) and `sum(A)` (the sum of all entries): 1x1 results.

sympy has a trace but no sum of all entries that prints as `sum(A)`; `EntrySum` is that.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index
from derivgen.model.ops.base import Components, Operation, Pair, Sizes, is_matrix, sums_in_front
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import Reduction


class EntrySum(sympy.MatrixExpr):
    """`sum(A)`: the sum of all entries, a 1x1 matrix."""

    def __new__(cls, arg: sympy.Basic) -> EntrySum:
        return super().__new__(cls, arg)

    @property
    def arg(self) -> sympy.Basic:
        return self.args[0]

    @property
    def shape(self) -> tuple:
        return (sympy.Integer(1), sympy.Integer(1))

    def _entry(self, i: int, j: int, **kwargs: object) -> sympy.Expr:
        rows, cols = self.arg.shape
        return sum(self.arg[r, c] for r in range(rows) for c in range(cols))


class ReductionOperation(Operation):
    node = Reduction

    def shape(self, node: Reduction, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        rows, cols = operands[0]
        if node.function == "tr" and not sizes.same(rows, cols):
            raise sizes.mismatch(
                f"tr needs a square matrix, but {sizes.text(node.operand)} is "
                f"{sizes.show((rows, cols))}"
            )
        return (1, 1)

    def component(self, node: Reduction, at: Components, row: Index, col: Index) -> sympy.Expr:
        inner = at.shape(node.operand)
        if node.function == "tr":
            k = at.fresh()
            return sums_in_front([(k, 1, inner.rows), at.of(node.operand, k, k)])
        k, m = at.fresh(), at.fresh()
        return sums_in_front([(k, 1, inner.rows), (m, 1, inner.cols), at.of(node.operand, k, m)])

    def matrix(
        self, node: Reduction, operands: Sequence[sympy.Basic], shapes: Shapes
    ) -> sympy.Basic:
        (value,) = operands
        if not is_matrix(value):
            return value
        return sympy.Trace(value) if node.function == "tr" else EntrySum(value)


OPERATION = ReductionOperation()
