"""Shape inference: derivgen's own, because sympy raises no ShapeError for symbolic sizes.

Every dimension is a node in a union-find: a concrete size, a declared size name (both rigid),
or an unknown that unification binds. Undeclared lowercase names are vectors whose orientation
is tried both ways, preferring the reading that forces the fewest unknown sizes to 1 (so
`y = x W` makes x and y row vectors instead of making W a 1x1).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import sympy

from derivgen.errors import EquationError, ShapeError
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
    ShapeDeclaration,
    Symbol,
    Transpose,
    symbols_in,
)
from derivgen.parse.grammar import source

Dim = int | sympy.Symbol
"""A resolved dimension: a concrete size or a size symbol such as D."""

SIZE_NAMES = "CDNMKPQRSTUVABEFGHL"
"""Names given to inferred sizes, in order; the note's C and D come first."""

MAX_FLEXIBLE_VECTORS = 10
"""Beyond this many undeclared vectors, only the all-column reading is tried (2^n readings)."""


@dataclass(frozen=True)
class Shape:
    """Rows and columns of one symbol.

    Its kinds and axes are cached: the verifier asks them for every entry it evaluates, and
    comparing a size symbol with 1 goes through sympy's equality each time.
    """

    rows: Dim
    cols: Dim

    @functools.cached_property
    def is_scalar(self) -> bool:
        return self.rows == 1 and self.cols == 1

    @functools.cached_property
    def is_column(self) -> bool:
        return self.cols == 1 and self.rows != 1

    @functools.cached_property
    def is_row(self) -> bool:
        return self.rows == 1 and self.cols != 1

    @functools.cached_property
    def is_vector(self) -> bool:
        return self.is_column or self.is_row

    @functools.cached_property
    def axes(self) -> tuple[Dim, ...]:
        """The sizes that take an index: none for a scalar, one for a vector, two for a matrix."""
        if self.is_scalar:
            return ()
        if self.is_column:
            return (self.rows,)
        if self.is_row:
            return (self.cols,)
        return (self.rows, self.cols)

    def transposed(self) -> Shape:
        return Shape(self.cols, self.rows)

    def __str__(self) -> str:
        return f"({self.rows}, {self.cols})"


def conformable(factors: Sequence[Shape]) -> bool:
    """Whether the arrays multiply as one chain of matrix products, each inner size agreeing.

    `(aᵀx) b` flattens to aᵀ, x, b, which is no chain: aᵀx is a scalar that scales b.
    """
    return all(a.cols == b.rows for a, b in itertools.pairwise(factors))


@dataclass(frozen=True)
class Shapes:
    """The shape of every symbol of an equation: output first, then operands as written."""

    of: Mapping[str, Shape]

    def __getitem__(self, name: str) -> Shape:
        return self.of[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.of)

    def size_symbols(self) -> list[sympy.Symbol]:
        """Every symbolic size, in order of first appearance."""
        found: list[sympy.Symbol] = []
        for shape in self.of.values():
            for dim in (shape.rows, shape.cols):
                if isinstance(dim, sympy.Symbol) and dim not in found:
                    found.append(dim)
        return found


class _Unknown:
    """An inferred size not yet bound; identity is what matters."""


_Key = int | str | _Unknown
_DimPair = tuple[_Key, _Key]


class _Unifier:
    """Union-find over dimension keys; ints and names are rigid, _Unknowns bind to anything."""

    def __init__(self) -> None:
        self.parent: dict[_Key, _Key] = {}

    def find(self, key: _Key) -> _Key:
        while key in self.parent:
            key = self.parent[key]
        return key

    def unify(self, a: _Key, b: _Key) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if isinstance(ra, _Unknown):
            self.parent[ra] = rb
            return True
        if isinstance(rb, _Unknown):
            self.parent[rb] = ra
            return True
        return False

    def is_one(self, key: _Key) -> bool:
        return self.find(key) == 1

    def show(self, pair: _DimPair) -> str:
        shown = ["?" if isinstance(k, _Unknown) else str(k) for k in map(self.find, pair)]
        return f"({shown[0]}, {shown[1]})"


class _Inference:
    """One attempt at shaping an equation under one choice of vector orientations."""

    def __init__(
        self, equation: Equation, declared: Mapping[str, _DimPair], rows_first: frozenset[str]
    ) -> None:
        self.equation = equation
        self.unifier = _Unifier()
        self.symbols: dict[str, _DimPair] = {}
        self.free_ones: list[_Unknown] = []
        for sym in [equation.lhs, *symbols_in(equation.rhs)]:
            if sym.name in self.symbols:
                continue
            if sym.name in declared:
                self.symbols[sym.name] = declared[sym.name]
            elif sym.name[0].islower():
                size = _Unknown()
                self.symbols[sym.name] = (1, size) if sym.name in rows_first else (size, 1)
            else:
                self.symbols[sym.name] = (_Unknown(), _Unknown())

    def run(self) -> None:
        rhs = self.shape(self.equation.rhs)
        lhs = self.symbols[self.equation.lhs.name]
        if not self._unify_pairs(lhs, rhs):
            name = self.equation.lhs.name
            raise ShapeError(
                f"shape mismatch: {name} is {self.unifier.show(lhs)} but the right-hand side "
                f"is {self.unifier.show(rhs)}"
            )

    def forced_ones(self) -> int:
        """How many unknown sizes this reading had to make 1: fewer is the likelier reading."""
        unknowns = {k for pair in self.symbols.values() for k in pair if isinstance(k, _Unknown)}
        return sum(self.unifier.is_one(k) for k in unknowns)

    def _unify_pairs(self, a: _DimPair, b: _DimPair) -> bool:
        return self.unifier.unify(a[0], b[0]) and self.unifier.unify(a[1], b[1])

    def _is_scalar(self, pair: _DimPair) -> bool:
        return self.unifier.is_one(pair[0]) and self.unifier.is_one(pair[1])

    def _text(self, node: Node) -> str:
        return source(node, self.equation.text)

    def shape(self, node: Node) -> _DimPair:
        match node:
            case Symbol(name=name):
                return self.symbols[name]
            case Number():
                return (1, 1)
            case Negate(operand=inner) | Elementwise(operand=inner):
                return self.shape(inner)
            case Transpose(operand=inner):
                rows, cols = self.shape(inner)
                return (cols, rows)
            case Add(left=left, right=right) | Hadamard(left=left, right=right):
                return self._same_shape(node, left, right)
            case MatMul(left=left, right=right):
                return self._product(node, left, right)
            case Reduction(function=function, operand=inner):
                rows, cols = self.shape(inner)
                if function == "tr" and not self.unifier.unify(rows, cols):
                    raise ShapeError(
                        f"tr needs a square matrix, but {self._text(inner)} is "
                        f"{self.unifier.show((rows, cols))}"
                    )
                return (1, 1)
        raise TypeError(f"unknown node {type(node).__name__}")

    def _same_shape(self, node: Node, left: Node, right: Node) -> _DimPair:
        ls, rs = self.shape(left), self.shape(right)
        if not self._unify_pairs(ls, rs):
            raise ShapeError(
                f'shape mismatch in "{self._text(node)}": {self._text(left)} is '
                f"{self.unifier.show(ls)} but {self._text(right)} is {self.unifier.show(rs)}"
            )
        return ls

    def _product(self, node: Node, left: Node, right: Node) -> _DimPair:
        ls, rs = self.shape(left), self.shape(right)
        if self._is_scalar(ls):
            return rs
        if self._is_scalar(rs):
            return ls
        if not self.unifier.unify(ls[1], rs[0]):
            raise ShapeError(
                f'shape mismatch in "{self._text(node)}": {self._text(left)} is '
                f"{self.unifier.show(ls)} but {self._text(right)} is {self.unifier.show(rs)}"
            )
        return (ls[0], rs[1])


def infer_shapes(equation: Equation, declarations: Mapping[str, ShapeDeclaration]) -> Shapes:
    """Shape every symbol of the equation, or raise ShapeError naming both sides of a mismatch."""
    names = [equation.lhs.name, *(s.name for s in symbols_in(equation.rhs))]
    if equation.lhs.name in names[1:]:
        raise EquationError(
            f"{equation.lhs.name} appears on both sides: the right-hand side must define "
            f"{equation.lhs.name} from other symbols"
        )
    for name in declarations:
        if name not in names:
            raise ShapeError(f"a shape is declared for {name}, which is not in the equation")
    declared = {name: (d.rows, d.cols) for name, d in declarations.items()}
    flexible = [n for n in dict.fromkeys(names) if n not in declared and n[0].islower()]
    if len(flexible) > MAX_FLEXIBLE_VECTORS:
        flexible = []

    best: _Inference | None = None
    first_error: ShapeError | None = None
    for count in range(len(flexible) + 1):
        for rows_first in itertools.combinations(flexible, count):
            attempt = _Inference(equation, declared, frozenset(rows_first))
            try:
                attempt.run()
            except ShapeError as error:
                first_error = first_error or error
                continue
            if best is None or attempt.forced_ones() < best.forced_ones():
                best = attempt
    if best is None:
        assert first_error is not None
        raise first_error
    return _resolve(best, equation)


def _resolve(attempt: _Inference, equation: Equation) -> Shapes:
    """Name every unknown size from SIZE_NAMES, in the order the right-hand side shows them."""
    taken = set(attempt.symbols) | {
        k for pair in attempt.symbols.values() for k in pair if isinstance(k, str)
    }
    pool = (name for name in SIZE_NAMES if name not in taken)
    named: dict[_Unknown, str] = {}

    def resolve(key: _Key) -> Dim:
        root = attempt.unifier.find(key)
        if isinstance(root, _Unknown):
            if root not in named:
                named[root] = next(pool)
            return sympy.Symbol(named[root])
        if isinstance(root, str):
            return sympy.Symbol(root)
        return root

    order = [*(s.name for s in symbols_in(equation.rhs)), equation.lhs.name]
    resolved = {}
    for name in dict.fromkeys(order):
        rows, cols = attempt.symbols[name]
        resolved[name] = Shape(resolve(rows), resolve(cols))
    shown_first = {equation.lhs.name: resolved.pop(equation.lhs.name)}
    return Shapes({**shown_first, **resolved})
