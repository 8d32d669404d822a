"""What an operation provides, and the two views of the walk over the equation it is given.

An operation is everything derivgen knows about one parse-tree node kind, in one module (as
sympy keeps one class per operation and autograd a function's derivative beside it): its
shape rule, its component in the note's index notation and its sympy matrix form. The walks
(`derivgen.model.ops`) visit a node's children generically and look the node's rule up; the
verifier's evaluator stays separate on purpose, as the independent oracle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol

import sympy

from derivgen.errors import ShapeError
from derivgen.model.indexing import Index
from derivgen.model.shapes import Shape, Shapes
from derivgen.parse.ast import Node, Symbol, Transpose

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

    def matrix(self, node: Node) -> sympy.Basic:
        """The operand as a sympy matrix expression."""

    def name_for(self, form: sympy.Basic) -> str:
        """The name of the intermediate that stands for `form` (the same form, one name)."""


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


Limit = tuple[sympy.Symbol, Any, Any]
"""(index, lower, upper) of one summation sign."""


def sums_in_front(parts: Sequence[sympy.Expr | Limit]) -> sympy.Expr:
    """The product of the factors among `parts`, summed over the limits among them, with
    every sum a factor holds brought out front: `Σ_j Σ_k x_j A_{j,k} x_k`, as the note writes
    a component, rather than `Σ_k (Σ_j x_j A_{j,k}) x_k`.

    `parts` are in reading order (factors and the limits between them, such as the inner
    index of a product between its two operands); a factor's own sums keep their place in
    that order, so the signs read left to right in the order their indices first appear.
    Each factor's summed indices are fresh, so bringing its sums out front changes nothing.
    """
    limits: list[Limit] = []
    factors: list[sympy.Expr] = []
    for part in parts:
        if isinstance(part, tuple):
            limits.append(part)
            continue
        if isinstance(part, sympy.Sum):
            limits.extend(tuple(limit) for limit in reversed(part.limits))
            factors.append(part.function)
        else:
            factors.append(part)
    body = sympy.Mul(*factors)
    # sympy lists the innermost limit first
    return sympy.Sum(body, *reversed(limits)) if limits else body


def square(node: Node, operands: Sequence[Pair], sizes: Sizes, what: str) -> Pair:
    """The operand of an inverse or a determinant is square; returns its shape."""
    ((rows, cols),) = operands
    if not sizes.same(rows, cols):
        raise sizes.mismatch(
            f"{what} needs a square matrix, but {sizes.text(node.operand)} is "  # type: ignore[attr-defined]
            f"{sizes.show((rows, cols))}"
        )
    return (rows, cols)


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


class EntryFunction(sympy.Function):
    """A scalar function of a named array's entries that derivgen differentiates by its own
    rule (`_eval_derivative`), such as an entry of X⁻¹ or det X.

    Its first argument is the array's IndexedBase; `indices` are the positions it is read
    at, on the array's own axes, so that claims and the verifier place them like an
    entry's. When the array is an intermediate (M = A X B), a last argument `spec` holds
    its entries as a Lambda, its size and its matrix form: the chain rule goes through them.
    """

    @property
    def base(self) -> sympy.IndexedBase:
        return self.args[0]

    @property
    def spec(self) -> sympy.Tuple | None:
        return self.args[-1] if isinstance(self.args[-1], sympy.Tuple) else None

    @property
    def indices(self) -> tuple[sympy.Expr, ...]:
        return tuple(self.args[1 : len(self.args) - (self.spec is not None)])

    def through(self, by: sympy.Basic, outer: Callable[[Any, Any], sympy.Expr]) -> sympy.Expr:
        """Σ_{p,q} outer(p, q) ∂M_{p,q}/∂by: the chain rule through the intermediate M."""
        if self.spec is None:
            return sympy.S.Zero
        template, size, _ = self.spec.args
        p, q = sympy.Dummy("p"), sympy.Dummy("q")
        inner = sympy.diff(template(p, q), by)
        if inner == 0:
            return sympy.S.Zero
        return sympy.Sum(sympy.Sum(outer(p, q) * inner, (q, 1, size)), (p, 1, size))

    def shape_in(self, shapes: Shapes) -> Shape:
        """The array's shape: a symbol's, or the intermediate's (square, of its size)."""
        if self.spec is not None:
            size = self.spec.args[1]
            return Shape(size, size)
        return shapes[self.base.name]

    def intermediate(self) -> tuple[sympy.MatrixSymbol, sympy.Basic] | None:
        """`M` and what it stands for (A X B), when the array is an intermediate."""
        if self.spec is None:
            return None
        _, size, form = self.spec.args
        return sympy.MatrixSymbol(self.base.name, size, size), form

    def matrix_of(self, shape: Shape) -> sympy.Basic:
        """The array itself as a matrix: the named matrix, or the intermediate's form."""
        if self.spec is not None:
            return self.spec.args[2]
        return sympy.MatrixSymbol(self.base.name, shape.rows, shape.cols)

    def stand_in(self) -> tuple[sympy.Expr, str]:
        """An ordinary entry (or scalar) standing for this one, and the array it belongs to,
        so that the recognizer names matrices of it as of any array (see `matrix_form`)."""
        raise NotImplementedError

    def matrix_form(self, shape: Shape) -> sympy.Basic:
        """The matrix expression the stand-in's array is (A⁻¹, det A), for A of `shape`."""
        raise NotImplementedError

    def rule(self, by: sympy.Indexed) -> tuple[sympy.Expr, sympy.Expr] | None:
        """The rule the derivation states for ∂self/∂by, as (partial, value), if it uses one."""
        direct = isinstance(by, sympy.Indexed) and by.base == self.base
        if direct or self.spec is not None:
            value = self.diff(by)
            if value != 0:
                return sympy.Derivative(self, by, evaluate=False), value
        return None


def named_operand(node: Node, at: Components) -> tuple[sympy.IndexedBase, bool, sympy.Tuple | None]:
    """The matrix an inverse or a determinant is taken of: its IndexedBase, whether it is
    transposed, and, for an expression (A X B), the spec of the intermediate that names it."""
    transposed = isinstance(node, Transpose) and isinstance(node.operand, Symbol)
    inner = node.operand if transposed else node  # type: ignore[attr-defined]
    if isinstance(inner, Symbol):
        return sympy.IndexedBase(inner.name), transposed, None
    form = at.matrix(inner)
    size = at.shape(inner).rows
    p, q = sympy.Dummy("p"), sympy.Dummy("q")
    spec = sympy.Tuple(sympy.Lambda((p, q), at.of(inner, p, q)), size, form)
    return sympy.IndexedBase(at.name_for(form)), False, spec
