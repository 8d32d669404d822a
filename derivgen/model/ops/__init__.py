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
    created: list[sympy.Dummy] = field(default_factory=list)

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
        """A placeholder, named from the supply once the component is whole (`component_of`)."""
        index = sympy.Dummy("k")
        self.created.append(index)
        return index


def component_of(
    node: Node, shapes: Shapes, row: Index, col: Index, supply: IndexSupply
) -> sympy.Expr:
    """The entry at 1-based (row, col) of `node`, in the note's index notation.

    `W x + b` gives `Σ_k W_{i,k} x_k + b_i`; `tr(A X)` gives `Σ_k Σ_l A_{k,l} X_{l,k}`;
    inner indices come from `supply`, so that no two sums share one, and are named in the
    order their summation signs are read, outermost and leftmost first (Σ_j Σ_k x_j A_{j,k}
    x_k, Σ_k (Σ_l W_{k,l} x_l - t_k) …), whatever order the operations made them in.
    """
    walk = _ComponentWalk(shapes, supply)
    expression = walk.of(node, row, col)
    created = set(walk.created)
    names = {index: supply.fresh() for index in _summed_in_reading_order(expression, created)}
    return expression.xreplace(names)


def _summed_in_reading_order(expr: sympy.Basic, among: set[sympy.Dummy]) -> list[sympy.Dummy]:
    """The indices of `among` that `expr` sums over, in the order their signs are read."""
    found: list[sympy.Dummy] = []

    def visit(node: sympy.Basic) -> None:
        if isinstance(node, sympy.Sum):
            # sympy lists the innermost limit first
            found.extend(i for i, *_ in reversed(node.limits) if i in among and i not in found)
            visit(node.function)
            return
        for arg in node.args:
            visit(arg)

    visit(expr)
    return found


def to_matrix_expr(node: Node, shapes: Shapes) -> sympy.Basic:
    """The right-hand side as a sympy matrix expression (1x1 results as scalars)."""
    operands = [to_matrix_expr(c, shapes) for c in children(node)]
    return operation(node).matrix(node, operands, shapes)
