"""A numeric factor such as 2 or 0.5: a 1x1 constant, kept exact."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index
from derivgen.model.ops.base import Components, Operation, Pair, Sizes
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import Number


def _rational(node: Number) -> sympy.Rational:
    return sympy.Rational(node.value.numerator, node.value.denominator)


class NumberOperation(Operation):
    node = Number

    def shape(self, node: Number, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        return (1, 1)

    def component(self, node: Number, at: Components, row: Index, col: Index) -> sympy.Expr:
        return _rational(node)

    def matrix(self, node: Number, operands: Sequence[sympy.Basic], shapes: Shapes) -> sympy.Basic:
        return _rational(node)


OPERATION = NumberOperation()
