"""A product by juxtaposition, `*` or `@`: a matrix product, or a scalar multiple."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.indexing import Index
from derivgen.model.ops.base import (
    Components,
    Operation,
    Pair,
    Sizes,
    is_matrix,
    is_scalar,
    scalars_of_mixed,
    sums_in_front,
)
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import MatMul


def _factors(expr: sympy.Basic) -> tuple[sympy.Basic, ...]:
    return expr.args if isinstance(expr, sympy.MatMul) else (expr,)


class MatMulOperation(Operation):
    node = MatMul

    def shape(self, node: MatMul, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        ls, rs = operands
        if is_scalar(ls, sizes):
            return rs
        if is_scalar(rs, sizes):
            return ls
        if not sizes.same(ls[1], rs[0]):
            raise sizes.mismatch(
                f'shape mismatch in "{sizes.text(node)}": {sizes.text(node.left)} is '
                f"{sizes.show(ls)} but {sizes.text(node.right)} is {sizes.show(rs)}"
            )
        return (ls[0], rs[1])

    def component(self, node: MatMul, at: Components, row: Index, col: Index) -> sympy.Expr:
        left, right = node.left, node.right
        ls, rs = at.shape(left), at.shape(right)
        if ls.is_scalar:
            return sums_in_front([at.of(left, 1, 1), at.of(right, row, col)])
        if rs.is_scalar:
            return sums_in_front([at.of(left, row, col), at.of(right, 1, 1)])
        if ls.cols == 1:
            return sums_in_front([at.of(left, row, 1), at.of(right, 1, col)])
        k = at.fresh()
        return sums_in_front([at.of(left, row, k), (k, 1, ls.cols), at.of(right, k, col)])

    def matrix(self, node: MatMul, operands: Sequence[sympy.Basic], shapes: Shapes) -> sympy.Basic:
        a, b = scalars_of_mixed(*operands)
        if is_matrix(a) and is_matrix(b):
            # Flat, and no doit(): keeps `V W x` and `(W x - t)^T` as written.
            return sympy.MatMul(*_factors(a), *_factors(b))
        return a * b


OPERATION = MatMulOperation()
