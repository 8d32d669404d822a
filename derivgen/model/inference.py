"""Shape inference: derivgen's own, because sympy raises no ShapeError for symbolic sizes.

Every dimension is a node in a union-find: a concrete size, a declared size name (both rigid),
or an unknown that unification binds. Undeclared lowercase names are vectors whose orientation
is tried both ways, preferring the reading that forces the fewest unknown sizes to 1 (so
`y = x W` makes x and y row vectors instead of making W a 1x1). Each node's rule is its
operation's (`derivgen.model.ops`), the same one that gives resolved shapes.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import sympy

from derivgen.errors import EquationError, ShapeError
from derivgen.model.names import numbered
from derivgen.model.ops import shape_by
from derivgen.model.shapes import Dim, Shape, Shapes
from derivgen.parse.ast import Equation, Node, ShapeDeclaration, symbols_in
from derivgen.parse.grammar import source

SIZE_NAMES = "CDMNKPQRSTUVABEFGHL"
"""Names given to inferred sizes, in order, after the note's roles (see `_note_names`)."""

MAX_FLEXIBLE_VECTORS = 10
"""Beyond this many undeclared vectors, only the all-column reading is tried (2^n readings)."""


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
        """How many unknown sizes of the operands this reading had to make 1: fewer is the
        likelier reading. The output's own are not counted: an output that comes out a scalar
        is a loss as often as not (`L = xᵀ x` keeps x a column vector and L a number, where
        counting L's two sizes would make x a row vector and L an outer product)."""
        output = set(self.symbols[self.equation.lhs.name])
        unknowns = {
            k
            for name, pair in self.symbols.items()
            if name != self.equation.lhs.name
            for k in pair
            if isinstance(k, _Unknown) and k not in output
        }
        return sum(self.unifier.is_one(k) for k in unknowns)

    def _unify_pairs(self, a: _DimPair, b: _DimPair) -> bool:
        return self.unifier.unify(a[0], b[0]) and self.unifier.unify(a[1], b[1])

    def shape(self, node: Node) -> _DimPair:
        return shape_by(node, self)

    # --- the Sizes an operation's shape rule sees (derivgen.model.ops.base) -------------

    def symbol(self, name: str) -> _DimPair:
        return self.symbols[name]

    def same(self, a: _Key, b: _Key) -> bool:
        return self.unifier.unify(a, b)

    def is_one(self, size: _Key) -> bool:
        return self.unifier.is_one(size)

    def mismatch(self, message: str) -> ShapeError:
        return ShapeError(message)

    def text(self, node: Node) -> str:
        return source(node, self.equation.text)

    def show(self, pair: _DimPair) -> str:
        return self.unifier.show(pair)


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
    for name, dims in declared.items():
        for dim in dims:
            if isinstance(dim, str) and dim in names:
                raise ShapeError(
                    f"the size {dim} of {name} has the name of a symbol of the equation: "
                    "name it apart (a size such as C or n)"
                )
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


def _note_names(attempt: _Inference, equation: Equation, taken: set[object]) -> dict[_Unknown, str]:
    """The note's names for the sizes that play its roles: C for the output's length (a
    matrix output's columns, with N for its rows, the data points), D for the input vector's
    length; other sizes (an intermediate's M), and all of a scalar's, come from SIZE_NAMES in
    order."""
    named: dict[_Unknown, str] = {}

    def prefer(key: _Key, name: str) -> None:
        root = attempt.unifier.find(key)
        free = name not in taken and name not in named.values()
        if isinstance(root, _Unknown) and root not in named and free:
            named[root] = name

    rows, cols = attempt.symbols[equation.lhs.name]
    if attempt.is_one(rows) and attempt.is_one(cols):
        return named  # a scalar output (a loss): the sizes in the order they are shown
    if not attempt.is_one(rows) and not attempt.is_one(cols):
        prefer(cols, "C")
        prefer(rows, "N")
    else:
        prefer(cols if attempt.is_one(rows) else rows, "C")
    for name in dict.fromkeys(s.name for s in symbols_in(equation.rhs)):
        first, second = attempt.symbols[name]
        if name[0].islower() and attempt.is_one(first) != attempt.is_one(second):
            prefer(second if attempt.is_one(first) else first, "D")
            break
    return named


def _resolve(attempt: _Inference, equation: Equation) -> Shapes:
    """Name every unknown size from SIZE_NAMES, in the order the right-hand side shows them."""
    taken = set(attempt.symbols) | {
        k for pair in attempt.symbols.values() for k in pair if isinstance(k, str)
    }
    named = _note_names(attempt, equation, taken)
    pool = (
        name for name in numbered(SIZE_NAMES) if name not in taken and name not in named.values()
    )

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
