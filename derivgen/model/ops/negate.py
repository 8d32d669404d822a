"""Unary minus: the operand's shape, every entry negated."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index
from derivgen.model.ops.base import Components, Operation, Pair, Sizes
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import Negate


class NegateOperation(Operation):
    node = Negate

    def shape(self, node: Negate, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        return operands[0]

    def component(self, node: Negate, at: Components, row: Index, col: Index) -> sympy.Expr:
        return -at.of(node.operand, row, col)

    def matrix(self, node: Negate, operands: Sequence[sympy.Basic], shapes: Shapes) -> sympy.Basic:
        return -operands[0]


OPERATION = NegateOperation()
