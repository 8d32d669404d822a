"""One scalar component of a product, as the note writes it: a sum over one inner index.

`y = W x` gives `y_i = Σ_k W_{i,k} x_k`; `y = x W` gives `y_i = Σ_k x_k W_{k,i}`; an outer
product or a scalar multiple gives a single term. Factors keep the order the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from derivgen.model.indexing import Index, entry
from derivgen.model.shapes import Dim, Shape, Shapes, conformable
from derivgen.parse.ast import (
    Equation,
    MatMul,
    Negate,
    Node,
    Number,
    Symbol,
    Transpose,
)

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


def as_product(equation: Equation) -> Product | None:
    """The right-hand side as a product of arrays and numbers, or None when it is not one."""
    flat = _flatten(equation.rhs, transposed=False)
    return None if flat is None else Product(flat[0], tuple(flat[1]))


def _flatten(node: Node, *, transposed: bool) -> tuple[Fraction, list[Operand]] | None:
    match node:
        case Symbol(name=name):
            return Fraction(1), [Operand(name, transposed)]
        case Number(value=value):
            return value, []
        case Negate(operand=inner):
            flat = _flatten(inner, transposed=transposed)
            return None if flat is None else (-flat[0], flat[1])
        case Transpose(operand=inner):
            return _flatten(inner, transposed=not transposed)
        case MatMul(left=left, right=right):
            lf, rf = _flatten(left, transposed=transposed), _flatten(right, transposed=transposed)
            if lf is None or rf is None:
                return None
            # (A B)^T = B^T A^T: a transposed product runs backwards.
            return lf[0] * rf[0], (rf[1] + lf[1] if transposed else lf[1] + rf[1])
    return None


def _arrays(product: Product, shapes: Shapes) -> list[tuple[Operand, Shape]]:
    """Each operand with its shape as it enters the product (transposed where written so)."""
    return [
        (op, shapes[op.name].transposed() if op.transposed else shapes[op.name])
        for op in product.operands
    ]


def is_chain(product: Product, shapes: Shapes) -> bool:
    """Whether the product's arrays (scalars aside) multiply as one chain of matrix products."""
    return conformable([shape for _, shape in _arrays(product, shapes) if not shape.is_scalar])


def inner_sizes(product: Product, shapes: Shapes) -> list[Dim]:
    """The sizes summed over between consecutive arrays (1 where nothing is summed)."""
    chain = [shape for _, shape in _arrays(product, shapes) if not shape.is_scalar]
    return [chain[t].cols for t in range(len(chain) - 1)]


def component(
    product: Product, shapes: Shapes, row: Index, col: Index, dummy: sympy.Symbol
) -> Component:
    """The output entry at (row, col) as a sum over `dummy`, the product's one inner index."""
    arrays = _arrays(product, shapes)
    chain = [(op, shape) for op, shape in arrays if not shape.is_scalar]
    inner = inner_sizes(product, shapes)
    summed = [dim for dim in inner if dim != 1]
    assert len(summed) <= 1, "the note's method takes one sum; longer products go elsewhere"
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
