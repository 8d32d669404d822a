"""What an operation provides, and the two views of the walk over the equation it is given.

An operation is everything derivgen knows about one parse-tree node kind, in one module (as
sympy keeps one class per operation and autograd a function's derivative beside it): its
shape rule, its component in the note's index notation and its sympy matrix form. The walks
(`derivgen.model.ops`) visit a node's children generically and look the node's rule up; the
verifier's evaluator stays separate on purpose, as the independent oracle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import sympy

from derivgen.errors import ShapeError
from derivgen.model.indexing import Index
from derivgen.model.shapes import Shape, Shapes
from derivgen.parse.ast import Node

Pair = tuple[Any, Any]
"""(rows, columns): sizes being inferred (union-find keys) or resolved sizes."""


class Sizes(Protocol):
    """Sizes as a shape rule sees them: while inferring (unify) or once resolved (compare)."""

    def symbol(self, name: str) -> Pair:
        """The shape of a named array."""

    def same(self, a: Any, b: Any) -> bool:
        """Make `a` and `b` the same size if they can be (inference), or say if they are."""

    def is_one(self, size: Any) -> bool:
        """Whether a size is 1."""

    def mismatch(self, message: str) -> ShapeError:
        """The error for an operand of the wrong shape (`text` and `show` word it)."""

    def text(self, node: Node) -> str:
        """The user's own text for `node`."""

    def show(self, pair: Pair) -> str:
        """A shape as the user reads it: `(C, D)`, `(?, 1)`."""


class Components(Protocol):
    """The component walk, as an operation builds its own entry from its operands'."""

    shapes: Shapes

    def of(self, node: Node, row: Index, col: Index) -> sympy.Expr:
        """The operand's entry at 1-based (row, col)."""

    def shape(self, node: Node) -> Shape:
        """The operand's resolved shape."""

    def fresh(self) -> sympy.Symbol:
        """An inner index no other sum uses."""


def is_scalar(pair: Pair, sizes: Sizes) -> bool:
    return sizes.is_one(pair[0]) and sizes.is_one(pair[1])


def is_matrix(expr: sympy.Basic) -> bool:
    """A matrix expression, as opposed to a sympy scalar (1x1 results are scalars)."""
    return isinstance(expr, sympy.MatrixExpr)


class Operation:
    """One node kind's rules; each module defines one subclass and one instance."""

    node: ClassVar[type[Node]]

    def shape(self, node: Node, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        """The node's shape from its operands' (in the order `children` gives them)."""
        raise NotImplementedError

    def component(self, node: Node, at: Components, row: Index, col: Index) -> sympy.Expr:
        """The node's entry at 1-based (row, col), as a scalar sympy expression."""
        raise NotImplementedError

    def matrix(self, node: Node, operands: Sequence[sympy.Basic], shapes: Shapes) -> sympy.Basic:
        """The node as a sympy matrix expression (a 1x1 result as a scalar)."""
        raise NotImplementedError


def same_shape(node: Node, operands: Sequence[Pair], sizes: Sizes) -> Pair:
    """The rule of entrywise operations (+, -, ∘): both operands of one shape."""
    left, right = node.left, node.right  # type: ignore[attr-defined]
    ls, rs = operands
    if not (sizes.same(ls[0], rs[0]) and sizes.same(ls[1], rs[1])):
        raise sizes.mismatch(
            f'shape mismatch in "{sizes.text(node)}": {sizes.text(left)} is '
            f"{sizes.show(ls)} but {sizes.text(right)} is {sizes.show(rs)}"
        )
    return ls


def scalars_of_mixed(a: sympy.Basic, b: sympy.Basic) -> tuple[sympy.Basic, sympy.Basic]:
    """A 1x1 product (aᵀx) beside a scalar or a larger array acts as a scalar: its trace.

    sympy adds no scalar to a matrix and multiplies no 1x1 matrix with a C×D one; as a
    trace, `(aᵀx) b` and `aᵀx + c` are well-formed, and print as the product in brackets.
    """

    def one_by_one(value: sympy.Basic) -> bool:
        return is_matrix(value) and value.shape == (1, 1)

    if one_by_one(a) and not one_by_one(b):
        return sympy.Trace(a), b
    if one_by_one(b) and not one_by_one(a):
        return a, sympy.Trace(b)
    return a, b
