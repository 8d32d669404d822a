"""One scalar component of any expression of the grammar, in the note's index notation.

`W x + b` gives `Σ_k W_{i,k} x_k + b_i`; `x^T A x` gives `Σ_k Σ_l x_k A_{k,l} x_l`;
`tr(A X)` gives `Σ_k Σ_l A_{k,l} X_{l,k}`; `sigma(W x)` gives `σ(Σ_k W_{i,k} x_k)`.
Inner indices come from a supply of fresh names so that no two sums share one.
"""

from __future__ import annotations

from collections.abc import Iterator

import sympy

from derivgen.model.functions import ELEMENTWISE
from derivgen.model.indexing import Index, entry
from derivgen.model.shapes import Dim, Shape, Shapes
from derivgen.parse.ast import (
    Add,
    Elementwise,
    Hadamard,
    MatMul,
    Negate,
    Node,
    Number,
    Reduction,
    Symbol,
    Transpose,
)


class IndexSupply:
    """Fresh inner-index names, in the order the note would use them."""

    def __init__(self, names: Iterator[sympy.Symbol]) -> None:
        self._names = names

    def fresh(self) -> sympy.Symbol:
        return next(self._names)


def shape_of(node: Node, shapes: Shapes) -> Shape:
    """The shape of a sub-expression (the equation has already been shape-checked)."""
    match node:
        case Symbol(name=name):
            return shapes[name]
        case Number() | Reduction():
            return Shape(1, 1)
        case Negate(operand=inner) | Elementwise(operand=inner):
            return shape_of(inner, shapes)
        case Transpose(operand=inner):
            return shape_of(inner, shapes).transposed()
        case Add(left=left) | Hadamard(left=left):
            return shape_of(left, shapes)
        case MatMul(left=left, right=right):
            ls, rs = shape_of(left, shapes), shape_of(right, shapes)
            if ls.is_scalar:
                return rs
            if rs.is_scalar:
                return ls
            return Shape(ls.rows, rs.cols)
    raise TypeError(f"unknown node {type(node).__name__}")


def _sum(body: sympy.Expr, index: sympy.Symbol, upper: Dim) -> sympy.Expr:
    return sympy.Sum(body, (index, 1, upper))


def component_of(
    node: Node, shapes: Shapes, row: Index, col: Index, supply: IndexSupply
) -> sympy.Expr:
    """The entry at 1-based (row, col) of `node`, as a scalar sympy expression."""
    match node:
        case Symbol(name=name):
            return entry(name, shapes[name], row, col)
        case Number(value=value):
            return sympy.Rational(value.numerator, value.denominator)
        case Negate(operand=inner):
            return -component_of(inner, shapes, row, col, supply)
        case Transpose(operand=inner):
            return component_of(inner, shapes, col, row, supply)
        case Add(left=left, right=right, subtract=subtract):
            a = component_of(left, shapes, row, col, supply)
            b = component_of(right, shapes, row, col, supply)
            return a - b if subtract else a + b
        case Hadamard(left=left, right=right):
            return component_of(left, shapes, row, col, supply) * component_of(
                right, shapes, row, col, supply
            )
        case Elementwise(function=function, operand=inner):
            return ELEMENTWISE[function](component_of(inner, shapes, row, col, supply))
        case Reduction(function="tr", operand=inner):
            k = supply.fresh()
            return _sum(component_of(inner, shapes, k, k, supply), k, shape_of(inner, shapes).rows)
        case Reduction(operand=inner):
            inner_shape = shape_of(inner, shapes)
            k, m = supply.fresh(), supply.fresh()
            body = component_of(inner, shapes, k, m, supply)
            return _sum(_sum(body, m, inner_shape.cols), k, inner_shape.rows)
        case MatMul(left=left, right=right):
            return _product(left, right, shapes, row, col, supply=supply)
    raise TypeError(f"unknown node {type(node).__name__}")


def _product(
    left: Node, right: Node, shapes: Shapes, row: Index, col: Index, *, supply: IndexSupply
) -> sympy.Expr:
    ls, rs = shape_of(left, shapes), shape_of(right, shapes)
    if ls.is_scalar:
        return component_of(left, shapes, 1, 1, supply) * component_of(
            right, shapes, row, col, supply
        )
    if rs.is_scalar:
        return component_of(left, shapes, row, col, supply) * component_of(
            right, shapes, 1, 1, supply
        )
    if ls.cols == 1:
        return component_of(left, shapes, row, 1, supply) * component_of(
            right, shapes, 1, col, supply
        )
    k = supply.fresh()
    body = component_of(left, shapes, row, k, supply) * component_of(right, shapes, k, col, supply)
    return _sum(body, k, ls.cols)
