"""Every operation of the grammar, keyed by its parse-tree node, and the walks that use them.

A walk visits a node's children generically (`children`) and asks the node's operation for
the rest: its shape (the same rule while inferring sizes and once they are resolved), its
component in index notation, its sympy matrix form. Adding an operation is one module here
and its parse rule; the verifier's evaluator has its own case for it, on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sympy

from derivgen.errors import ShapeError
from derivgen.model.indexing import Index
from derivgen.model.names import numbered
from derivgen.model.ops import (
    add,
    determinant,
    elementwise,
    hadamard,
    inverse,
    matmul,
    negate,
    number,
    reduction,
    symbol,
    transpose,
)
from derivgen.model.ops.base import Operation, Pair, Sizes
from derivgen.model.shapes import Shape, Shapes
from derivgen.parse.ast import Node, children

OPERATIONS: dict[type[Node], Operation] = {
    module.OPERATION.node: module.OPERATION
    for module in (
        add,
        determinant,
        elementwise,
        hadamard,
        inverse,
        matmul,
        negate,
        number,
        reduction,
        symbol,
        transpose,
    )
}
"""The operation of each parse-tree node kind."""


def operation(node: Node) -> Operation:
    """The rules of `node`'s kind; a kind without a module is a programming error."""
    try:
        return OPERATIONS[type(node)]
    except KeyError:
        raise TypeError(f"no operation module for {type(node).__name__}") from None


def shape_by(node: Node, sizes: Sizes) -> Pair:
    """The shape of `node` under `sizes` (inferring or resolved): operands first."""
    return operation(node).shape(node, [shape_by(c, sizes) for c in children(node)], sizes)


class _Resolved:
    """Resolved sizes: the equation has been shaped, so every rule's check holds already."""

    def __init__(self, shapes: Shapes) -> None:
        self.shapes = shapes

    def symbol(self, name: str) -> Pair:
        shape = self.shapes[name]
        return (shape.rows, shape.cols)

    def same(self, a: Any, b: Any) -> bool:
        return a == b

    def is_one(self, size: Any) -> bool:
        return size == 1

    def mismatch(self, message: str) -> ShapeError:
        return ShapeError(message)

    def text(self, node: Node) -> str:
        return type(node).__name__

    def show(self, pair: Pair) -> str:
        return f"({pair[0]}, {pair[1]})"


def shape_of(node: Node, shapes: Shapes) -> Shape:
    """The shape of a sub-expression of an equation already shaped."""
    return Shape(*shape_by(node, _Resolved(shapes)))


class IndexSupply:
    """Fresh inner-index names, in the order the note would use them."""

    def __init__(self, names: Iterator[sympy.Symbol]) -> None:
        self._names = names

    def fresh(self) -> sympy.Symbol:
        return next(self._names)


INTERMEDIATE_NAMES = "MGHKLPQRUVZ"
"""Names for a matrix an inverse or a determinant is taken of (M = A X B), in order."""


@dataclass
class _ComponentWalk:
    shapes: Shapes
    supply: IndexSupply
    named: dict[sympy.Basic, str] = field(default_factory=dict)

    def matrix(self, node: Node) -> sympy.Basic:
        return to_matrix_expr(node, self.shapes)

    def name_for(self, form: sympy.Basic) -> str:
        if form not in self.named:
            taken = set(self.shapes) | {str(s) for s in self.shapes.size_symbols()}
            taken |= set(self.named.values())
            self.named[form] = next(n for n in numbered(INTERMEDIATE_NAMES) if n not in taken)
        return self.named[form]

    def of(self, node: Node, row: Index, col: Index) -> sympy.Expr:
        return operation(node).component(node, self, row, col)

    def shape(self, node: Node) -> Shape:
        return shape_of(node, self.shapes)

    def fresh(self) -> sympy.Symbol:
        return self.supply.fresh()


def component_of(
    node: Node, shapes: Shapes, row: Index, col: Index, supply: IndexSupply
) -> sympy.Expr:
    """The entry at 1-based (row, col) of `node`, in the note's index notation.

    `W x + b` gives `Σ_k W_{i,k} x_k + b_i`; `tr(A X)` gives `Σ_k Σ_l A_{k,l} X_{l,k}`;
    inner indices come from `supply`, so that no two sums share one.
    """
    return _ComponentWalk(shapes, supply).of(node, row, col)


def to_matrix_expr(node: Node, shapes: Shapes) -> sympy.Basic:
    """The right-hand side as a sympy matrix expression (1x1 results as scalars)."""
    operands = [to_matrix_expr(c, shapes) for c in children(node)]
    return operation(node).matrix(node, operands, shapes)
