"""The equation as sympy matrix expressions, for stating it and naming assembled results.

sympy has no elementwise function application that prints as `σ(W x)` and evaluates on
explicit matrices, nor a sum of all entries; both are defined here.
"""

from __future__ import annotations

import sympy
from sympy.core.symbol import Str

from derivgen.model.functions import ELEMENTWISE
from derivgen.model.shapes import Shapes
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


class Applied(sympy.MatrixExpr):
    """`f(A)`: an elementwise function applied to every entry of a matrix expression."""

    def __new__(cls, function: str | Str, arg: sympy.Basic) -> Applied:
        # A Str, not a Symbol: the name must not count as a free symbol that a substitution
        # of numbers could replace. sympy rebuilds expressions as func(*args), passing it back.
        name = function if isinstance(function, Str) else Str(function)
        return super().__new__(cls, name, arg)

    @property
    def function(self) -> str:
        return str(self.args[0])

    @property
    def arg(self) -> sympy.Basic:
        return self.args[1]

    @property
    def shape(self) -> tuple:
        return self.arg.shape

    def _entry(self, i: int, j: int, **kwargs: object) -> sympy.Expr:
        return ELEMENTWISE[self.function](self.arg[i, j])

    def _eval_transpose(self) -> Applied:
        """f(A)ᵀ = f(Aᵀ): so that tanh(xᵀWᵀ)ᵀ reads tanh(W x)."""
        return Applied(self.args[0], self.arg.T)


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


class Vec(sympy.MatrixExpr):
    """`vec(A)`: the columns of A stacked into one column, first column first."""

    _diff_wrt = True
    """A derivative may be taken with respect to vec(W), as the vectorization view does."""

    def __new__(cls, arg: sympy.Basic) -> Vec:
        return super().__new__(cls, arg)

    @property
    def arg(self) -> sympy.Basic:
        return self.args[0]

    @property
    def shape(self) -> tuple:
        rows, cols = self.arg.shape
        return (rows * cols, sympy.Integer(1))

    def _entry(self, i: int, j: int, **kwargs: object) -> sympy.Expr:
        rows = self.arg.shape[0]
        return self.arg[i % rows, i // rows]


def matrix_symbol(name: str, shapes: Shapes) -> sympy.Basic:
    """`name` as sympy sees it: a MatrixSymbol, or a plain Symbol for a 1x1 scalar."""
    shape = shapes[name]
    if shape.is_scalar:
        return sympy.Symbol(name)
    return sympy.MatrixSymbol(name, shape.rows, shape.cols)


def _factors(expr: sympy.Basic) -> tuple[sympy.Basic, ...]:
    return expr.args if isinstance(expr, sympy.MatMul) else (expr,)


def _is_matrix(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.MatrixExpr)


def _scalars_of_mixed(a: sympy.Basic, b: sympy.Basic) -> tuple[sympy.Basic, sympy.Basic]:
    """A 1x1 product (aᵀx) beside a scalar or a larger array acts as a scalar: its trace.

    sympy adds no scalar to a matrix and multiplies no 1x1 matrix with a C×D one; as a
    trace, `(aᵀx) b` and `aᵀx + c` are well-formed, and print as the product in brackets.
    """

    def one_by_one(value: sympy.Basic) -> bool:
        return _is_matrix(value) and value.shape == (1, 1)

    if one_by_one(a) and not one_by_one(b):
        return sympy.Trace(a), b
    if one_by_one(b) and not one_by_one(a):
        return a, sympy.Trace(b)
    return a, b


def to_matrix_expr(node: Node, shapes: Shapes) -> sympy.Basic:  # noqa: PLR0912 - a case per node
    """The right-hand side as a sympy matrix expression (1x1 results as scalars)."""
    match node:
        case Symbol(name=name):
            return matrix_symbol(name, shapes)
        case Number(value=value):
            return sympy.Rational(value.numerator, value.denominator)
        case Negate(operand=inner):
            return -to_matrix_expr(inner, shapes)
        case Transpose(operand=inner):
            # Unevaluated, so that (W x - t)^T stays as written instead of -t^T + x^T W^T.
            value = to_matrix_expr(inner, shapes)
            return sympy.Transpose(value) if _is_matrix(value) else value
        case MatMul(left=left, right=right):
            a, b = _scalars_of_mixed(to_matrix_expr(left, shapes), to_matrix_expr(right, shapes))
            if _is_matrix(a) and _is_matrix(b):
                # Flat, and no doit(): keeps `V W x` and `(W x - t)^T` as written.
                factors = [*_factors(a), *_factors(b)]
                return sympy.MatMul(*factors)
            return a * b
        case Add(left=left, right=right, subtract=subtract):
            a, b = _scalars_of_mixed(to_matrix_expr(left, shapes), to_matrix_expr(right, shapes))
            if not _is_matrix(a):
                return a - b if subtract else a + b
            return sympy.MatAdd(a, -b if subtract else b, evaluate=False)
        case Hadamard(left=left, right=right):
            a, b = to_matrix_expr(left, shapes), to_matrix_expr(right, shapes)
            if _is_matrix(a) and _is_matrix(b):
                return sympy.HadamardProduct(a, b)
            return a * b
        case Elementwise(function=function, operand=inner):
            value = to_matrix_expr(inner, shapes)
            if _is_matrix(value):
                return Applied(function, value)
            return ELEMENTWISE[function](value)
        case Reduction(function="tr", operand=inner):
            value = to_matrix_expr(inner, shapes)
            return sympy.Trace(value) if _is_matrix(value) else value
        case Reduction(operand=inner):
            value = to_matrix_expr(inner, shapes)
            return EntrySum(value) if _is_matrix(value) else value
    raise TypeError(f"unknown node {type(node).__name__}")
