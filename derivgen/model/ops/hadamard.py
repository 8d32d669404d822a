"""`A .* B` (or `A ∘ B`): operands of one shape, multiplied entry by entry."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index
from derivgen.model.ops.base import Components, Operation, Pair, Sizes, is_matrix, same_shape
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import Hadamard


class HadamardOperation(Operation):
    node = Hadamard

    def shape(self, node: Hadamard, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        return same_shape(node, operands, sizes)

    def component(self, node: Hadamard, at: Components, row: Index, col: Index) -> sympy.Expr:
        return at.of(node.left, row, col) * at.of(node.right, row, col)

    def matrix(
        self, node: Hadamard, operands: Sequence[sympy.Basic], shapes: Shapes
    ) -> sympy.Basic:
        a, b = operands
        if is_matrix(a) and is_matrix(b):
            return sympy.HadamardProduct(a, b)
        return a * b


OPERATION = HadamardOperation()
