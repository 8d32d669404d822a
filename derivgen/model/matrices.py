"""The equation as sympy matrix expressions, for stating it and naming assembled results."""

from __future__ import annotations

import sympy

from derivgen.model.shapes import Shapes
from derivgen.parse.ast import MatMul, Negate, Node, Number, Symbol, Transpose


def matrix_symbol(name: str, shapes: Shapes) -> sympy.Basic:
    """`name` as sympy sees it: a MatrixSymbol, or a plain Symbol for a 1x1 scalar."""
    shape = shapes[name]
    if shape.is_scalar:
        return sympy.Symbol(name)
    return sympy.MatrixSymbol(name, shape.rows, shape.cols)


def to_matrix_expr(node: Node, shapes: Shapes) -> sympy.Basic:
    """The right-hand side of a product equation as a sympy matrix expression."""
    match node:
        case Symbol(name=name):
            return matrix_symbol(name, shapes)
        case Number(value=value):
            return sympy.Rational(value.numerator, value.denominator)
        case Negate(operand=inner):
            return -to_matrix_expr(inner, shapes)
        case Transpose(operand=inner):
            inner_expr = to_matrix_expr(inner, shapes)
            return inner_expr.T if isinstance(inner_expr, sympy.MatrixExpr) else inner_expr
        case MatMul(left=left, right=right):
            return to_matrix_expr(left, shapes) * to_matrix_expr(right, shapes)
    raise TypeError(f"no matrix expression for {type(node).__name__} yet")
