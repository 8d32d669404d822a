"""The parsed equation: a small tree of frozen nodes that remembers where each came from.

Spans let shape errors quote the user's own text; the tree keeps the order the user wrote,
which sympy's canonical ordering would lose (`x W` must stay `x W` in every step).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction

ELEMENTWISE_FUNCTIONS = ("sigma", "tanh", "exp", "log", "sin", "cos")
REDUCTIONS = ("tr", "sum")
MATRIX_FUNCTIONS = ("inv", "det", "logdet")


@dataclass(frozen=True, kw_only=True)
class Node:
    """Base of every expression node; `span` is the [start, end) offset in the source text."""

    span: tuple[int, int]


@dataclass(frozen=True, kw_only=True)
class Symbol(Node):
    """A named array: scalar, vector or matrix, as its shape says."""

    name: str


@dataclass(frozen=True, kw_only=True)
class Number(Node):
    """A numeric scalar factor such as `2` or `0.5`, kept exact."""

    value: Fraction


@dataclass(frozen=True, kw_only=True)
class Negate(Node):
    """Unary minus: `-x`."""

    operand: Node


@dataclass(frozen=True, kw_only=True)
class Add(Node):
    """`left + right`, or `left - right` when `subtract` is true."""

    left: Node
    right: Node
    subtract: bool = False


@dataclass(frozen=True, kw_only=True)
class MatMul(Node):
    """A product by juxtaposition, `*` or `@`; a 1x1 operand makes it a scalar multiple."""

    left: Node
    right: Node


@dataclass(frozen=True, kw_only=True)
class Hadamard(Node):
    """The elementwise product `left .* right` (or `left ∘ right`)."""

    left: Node
    right: Node


@dataclass(frozen=True, kw_only=True)
class Transpose(Node):
    """`operand^T`, `operand.T` or `operand'`."""

    operand: Node


@dataclass(frozen=True, kw_only=True)
class Elementwise(Node):
    """An elementwise function from ELEMENTWISE_FUNCTIONS applied to every entry."""

    function: str
    operand: Node


@dataclass(frozen=True, kw_only=True)
class Reduction(Node):
    """`tr(...)` (trace) or `sum(...)` (sum of all entries); the result is 1x1."""

    function: str
    operand: Node


@dataclass(frozen=True, kw_only=True)
class Inverse(Node):
    """`inv(A)`, `A^-1` or `A^{-1}`: the inverse of a square matrix."""

    operand: Node


@dataclass(frozen=True, kw_only=True)
class Determinant(Node):
    """`det(A)`: the determinant of a square matrix, a scalar (`logdet(A)` is log(det(A)))."""

    operand: Node


@dataclass(frozen=True, kw_only=True)
class Equation:
    """`lhs = rhs` as typed; `text` is the source the spans point into."""

    lhs: Symbol
    rhs: Node
    text: str


Index = int | str
"""A target index as typed: a 1-based integer or an index name such as `i`."""


@dataclass(frozen=True, kw_only=True)
class Target:
    """`d of[of_indices] / d by[by_indices]`; an index tuple is None where none was given."""

    of: str
    of_indices: tuple[Index, ...] | None
    by: str
    by_indices: tuple[Index, ...] | None
    text: str
    of_span: tuple[int, int]
    by_span: tuple[int, int]


Dim = int | str
"""A declared dimension: a concrete size or a size name such as `D`."""


@dataclass(frozen=True, kw_only=True)
class ShapeDeclaration:
    """`NAME=ROWS,COLS` from the command line or the API."""

    name: str
    rows: Dim
    cols: Dim


def children(node: Node) -> tuple[Node, ...]:
    """A node's operands, in the order written: its fields that are nodes."""
    return tuple(value for f in fields(node) if isinstance(value := getattr(node, f.name), Node))


def symbols_in(node: Node) -> list[Symbol]:
    """Every symbol occurrence, in the order written (repeats kept: they matter to the engine)."""
    if isinstance(node, Symbol):
        return [node]
    return [symbol for child in children(node) for symbol in symbols_in(child)]
