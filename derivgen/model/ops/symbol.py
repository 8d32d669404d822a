"""A named array: its shape is the one declared or inferred; its entries are its own."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index, entry
from derivgen.model.ops.base import Components, Operation, Pair, Sizes
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import Symbol


def matrix_symbol(name: str, shapes: Shapes) -> sympy.Basic:
    """`name` as sympy sees it: a MatrixSymbol, or a plain Symbol for a 1x1 scalar."""
    shape = shapes[name]
    if shape.is_scalar:
        return sympy.Symbol(name)
    return sympy.MatrixSymbol(name, shape.rows, shape.cols)


class SymbolOperation(Operation):
    node = Symbol

    def shape(self, node: Symbol, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        return sizes.symbol(node.name)

    def component(self, node: Symbol, at: Components, row: Index, col: Index) -> sympy.Expr:
        return entry(node.name, at.shapes[node.name], row, col)

    def matrix(self, node: Symbol, operands: Sequence[sympy.Basic], shapes: Shapes) -> sympy.Basic:
        return matrix_symbol(node.name, shapes)


OPERATION = SymbolOperation()
