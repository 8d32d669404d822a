"""`A + B` and `A - B`: operands of one shape, added entry by entry."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index
from derivgen.model.ops.base import (
    Components,
    Operation,
    Pair,
    Sizes,
    is_matrix,
    same_shape,
    scalars_of_mixed,
)
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import Add


class AddOperation(Operation):
    node = Add

    def shape(self, node: Add, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        return same_shape(node, operands, sizes)

    def component(self, node: Add, at: Components, row: Index, col: Index) -> sympy.Expr:
        a, b = at.of(node.left, row, col), at.of(node.right, row, col)
        return a - b if node.subtract else a + b

    def matrix(self, node: Add, operands: Sequence[sympy.Basic], shapes: Shapes) -> sympy.Basic:
        a, b = scalars_of_mixed(*operands)
        if not is_matrix(a):
            return a - b if node.subtract else a + b
        return sympy.MatAdd(a, -b if node.subtract else b, evaluate=False)


OPERATION = AddOperation()
