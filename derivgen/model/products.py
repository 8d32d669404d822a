"""One scalar component of a product, as the note writes it: a sum over one inner index.

`y = W x` gives `y_i = Σ_k W_{i,k} x_k`; `y = x W` gives `y_i = Σ_k x_k W_{k,i}`; an outer
product or a scalar multiple gives a single term. Factors keep the order the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from derivgen.errors import NotDerivableError
from derivgen.model.indexing import Index, entry
from derivgen.model.shapes import Dim, Shape, Shapes
from derivgen.parse.ast import (
    Add,
    Elementwise,
    Equation,
    Hadamard,
    MatMul,
    Negate,
    Node,
    Number,
    Reduction,
    Symbol,
    Transpose,
)
from derivgen.parse.grammar import source

SUPPORTED = (
    "this version derives products of two arrays with numeric factors, such as W x, x W, X W"
)


@dataclass(frozen=True)
class Operand:
    """One array in a product, possibly transposed."""

    name: str
    transposed: bool


@dataclass(frozen=True)
class Product:
    """`coefficient × operands…` in the order written; scalars (1x1) are operands too."""

    coefficient: Fraction
    operands: tuple[Operand, ...]


@dataclass(frozen=True)
class Component:
    """`coefficient × Σ_{dummy=1}^{upper} factors…`; no sum when `dummy` is None."""

    coefficient: sympy.Rational
    factors: tuple[sympy.Expr, ...]
    dummy: sympy.Symbol | None
    upper: Dim | None

    def term(self, value: Index | None = None) -> sympy.Expr:
        """The summand with the inner index set to `value`, factors in the written order."""
        factors = self.factors
        if self.dummy is not None and value is not None:
            factors = tuple(f.xreplace({self.dummy: sympy.sympify(value)}) for f in factors)
        if self.coefficient != 1:
            factors = (self.coefficient, *factors)
        return factors[0] if len(factors) == 1 else sympy.Mul(*factors, evaluate=False)

    def expression(self) -> sympy.Expr:
        """The component as one sympy expression: the sum, or the single term."""
        if self.dummy is None:
            return self.term()
        return sympy.Sum(self.term(), (self.dummy, 1, self.upper))


def as_product(equation: Equation) -> Product:
    """Read the right-hand side as a product, or refuse, naming what is not one."""
    coefficient, operands = _flatten(equation.rhs, equation.text, transposed=False)
    return Product(coefficient, tuple(operands))


def _flatten(node: Node, text: str, *, transposed: bool) -> tuple[Fraction, list[Operand]]:
    match node:
        case Symbol(name=name):
            return Fraction(1), [Operand(name, transposed)]
        case Number(value=value):
            return value, []
        case Negate(operand=inner):
            coefficient, operands = _flatten(inner, text, transposed=transposed)
            return -coefficient, operands
        case Transpose(operand=inner):
            return _flatten(inner, text, transposed=not transposed)
        case MatMul(left=left, right=right):
            lc, lo = _flatten(left, text, transposed=transposed)
            rc, ro = _flatten(right, text, transposed=transposed)
            # (A B)^T = B^T A^T: a transposed product runs backwards.
            return lc * rc, (ro + lo if transposed else lo + ro)
    raise NotDerivableError(
        f'derivgen cannot derive {_construct(node)} yet, in "{source(node, text)}": {SUPPORTED}'
    )


def _construct(node: Node) -> str:
    match node:
        case Add(subtract=True):
            return "a difference"
        case Add():
            return "a sum"
        case Hadamard():
            return "a Hadamard product"
        case Elementwise(function=function):
            return f"the elementwise function {function}"
        case Reduction(function=function):
            return f"{function}(...)"
    return type(node).__name__


def component(
    product: Product, shapes: Shapes, row: Index, col: Index, dummy: sympy.Symbol
) -> Component:
    """The output entry at (row, col) as a sum over `dummy`, the inner index of the product."""
    arrays: list[tuple[Operand, Shape]] = []
    for operand in product.operands:
        shape = shapes[operand.name]
        arrays.append((operand, shape.transposed() if operand.transposed else shape))
    chain = [(op, shape) for op, shape in arrays if not shape.is_scalar]
    inner = [chain[t][1].cols for t in range(len(chain) - 1)]
    summed = [dim for dim in inner if dim != 1]
    if len(summed) > 1:
        names = " ".join(op.name + ("^T" if op.transposed else "") for op, _ in chain)
        raise NotDerivableError(
            f"derivgen cannot derive a product of three or more arrays ({names}) yet: "
            "that takes the chain rule"
        )
    boundaries: list[Index] = [row, *(1 if dim == 1 else dummy for dim in inner), col]
    if not chain:
        boundaries = [1, 1]
    factors: list[sympy.Expr] = []
    position = 0
    for operand, shape in arrays:
        if shape.is_scalar:
            factors.append(sympy.Symbol(operand.name))
            continue
        r, c = boundaries[position], boundaries[position + 1]
        own = shapes[operand.name]
        factors.append(
            entry(operand.name, own, c, r) if operand.transposed else entry(operand.name, own, r, c)
        )
        position += 1
    return Component(
        coefficient=sympy.Rational(product.coefficient.numerator, product.coefficient.denominator),
        factors=tuple(factors),
        dummy=dummy if summed else None,
        upper=summed[0] if summed else None,
    )
