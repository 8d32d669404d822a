"""What a step's display asserts, as data: equalities the verifier checks one by one.

A `Claim` is `lhs = rhs`, holding for every value of its free indices (each over its range)
where its `where` relation holds. With `matrix_index`, both sides are whole arrays: the
left-hand side is an entry formula laid out with `matrix_index[0]` down the rows and
`matrix_index[1]` across the columns (None for an axis of length 1), the right-hand side a
matrix expression; the two must agree in shape as well as in every entry. A `Derivative` of
two whole arrays is their Jacobian, one row per entry of vec(lhs) in numerator layout (its
transpose with `layout="denominator"`).

Steps build their claims from the very fields they display, so a field that is wrong makes
a claim false. A `Definition` is not a claim: it names an intermediate result (`m = W x`),
and the verifier evaluates the claims that use the name through it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import sympy

from derivgen.model.names import numbered
from derivgen.model.ops.base import EntryFunction
from derivgen.model.shapes import Dim, Shape

Range = tuple[sympy.Symbol, sympy.Expr, sympy.Expr]
"""An index with the first and last value it takes: (k, 1, D)."""


@dataclass(frozen=True, kw_only=True)
class Claim:
    """`lhs = rhs` for every value of `over` where `where` holds."""

    lhs: sympy.Basic
    rhs: sympy.Basic
    over: tuple[Range, ...] = ()
    """The free indices and their ranges; `bind` adds those the step left implicit."""
    where: sympy.Basic | None = None
    matrix_index: tuple[sympy.Symbol | None, sympy.Symbol | None] | None = None
    layout: str = "numerator"
    """How a `Derivative` of two whole arrays is laid out (only such claims use it)."""


@dataclass(frozen=True, kw_only=True)
class Definition:
    """`name = value`: an intermediate result the claims may use by name.

    `restates` marks the output written in terms of the intermediates (`y = V m`): the
    equation stays its definition, and the restatement is only how it depends on them.
    """

    name: sympy.MatrixSymbol | sympy.Symbol
    value: sympy.Basic
    restates: bool = False


def partial(of: sympy.Basic, by: sympy.Basic) -> sympy.Derivative:
    """The unevaluated partial ∂of/∂by, as a claim's side writes it."""
    return sympy.Derivative(of, by, evaluate=False)


def displayed_chain(first: sympy.Basic, *rest: sympy.Basic | None) -> tuple[Claim, ...]:
    """`a = b = c` as `a = b` and `a = c` (None: a side not shown).

    The same equalities as `a = b` and `b = c`; each claim keeps the entries of `a`, which
    fix the ranges of its free indices.
    """
    return tuple(Claim(lhs=first, rhs=side) for side in rest if side is not None)


_INDEX_NAMES = "ijklrstuvwpqabcdefgh"


def chain_by_components(chain: Sequence[sympy.MatrixSymbol | sympy.Symbol]) -> Claim:
    """What `dy/dW = dy/dm dm/dW` means for arrays no matrix product multiplies.

    For the chain y, m, W: ∂y_i/∂W_{j,k} = Σ_l ∂y_i/∂m_l ∂m_l/∂W_{j,k}, a sum over every
    entry of each intermediate, one index per axis.
    """
    taken = {str(array.name) for array in chain}
    names = iter(sympy.Symbol(n) for n in numbered(_INDEX_NAMES) if n not in taken)
    entries, sums = [], []
    for array in chain:
        axes = [size for size in getattr(array, "shape", ()) if size != 1]  # a Symbol: none
        indices = [next(names) for _ in axes]
        if not axes:
            entries.append(sympy.Symbol(array.name))
        else:
            entries.append(sympy.IndexedBase(array.name)[tuple(indices)])
        sums.append(list(zip(indices, axes, strict=True)))
    body = sympy.Mul(*(partial(a, b) for a, b in itertools.pairwise(entries)))
    limits = [(index, 1, size) for stage in sums[1:-1] for index, size in stage]
    rhs = sympy.Sum(body, *limits) if limits else body
    return Claim(lhs=partial(entries[0], entries[-1]), rhs=rhs)


def same_array(shown: sympy.Basic, entry: sympy.Basic) -> Claim:
    """The whole array a line names (`y` in ∂y/∂x) is the one its entries (`y_i`) belong to."""
    label = entry.base.label if isinstance(entry, sympy.Indexed) else entry
    shape = getattr(shown, "shape", (1, 1))
    array = sympy.Symbol(str(label)) if shape == (1, 1) else sympy.MatrixSymbol(str(label), *shape)
    return Claim(lhs=shown, rhs=array, matrix_index=(None, None))


def written_sum(
    terms: Sequence[sympy.Basic | object],
    positions: Sequence[sympy.Expr | object],
    summand: sympy.Expr,
    index: sympy.Symbol,
) -> tuple[sympy.Expr, sympy.Basic]:
    """The whole sum a written-out one stands for, and where its positions are in order.

    `W_{3,1}x_1 + … + W_{3,7}x_7 + … + W_{3,D}x_D` has the terms shown at positions 1, 7 and
    D, and an elision between them: the elided terms are the summand at every position in
    between, so the display claims `shown terms + Σ_{k=2}^{6} summand + Σ_{k=8}^{D-1} summand`.
    The condition says that the shown positions increase (for a symbolic position j,
    the display holds where j lies strictly between its neighbours).
    """
    total: list[sympy.Basic] = []
    order: list[sympy.Basic] = []
    previous: sympy.Expr | None = None
    gap = False
    for term, position in zip(terms, positions, strict=True):
        if not isinstance(position, sympy.Basic):
            gap = True
            continue
        if previous is not None:
            if gap:
                total.append(sympy.Sum(summand, (index, previous + 1, position - 1)))
            relation = sympy.Lt(previous, position)
            if relation is not sympy.true:
                order.append(relation)
        total.append(term)
        previous, gap = position, False
    if previous is None:
        raise ValueError("a written-out sum shows at least one term")
    where = sympy.And(*order) if order else None
    return sympy.Add(*total, evaluate=False), where


def zero_elsewhere(
    of: sympy.Basic,
    by: sympy.Indexed | sympy.Symbol,
    fixed: Mapping[int, sympy.Expr],
    names: Sequence[sympy.Symbol],
) -> Claim:
    """∂of/∂by_{a,b} = 0 for every entry whose index at a fixed position differs from it.

    This is what "every term holds an entry of the form W_{j,3}" says: entries of W whose
    second index is not 3 play no role in the component.
    """
    if not isinstance(by, sympy.Indexed):
        raise ValueError("a pattern of entries needs an indexed variable")
    indices = list(names[: len(by.indices)])
    entry = by.base[tuple(indices)]
    unequal = [sympy.Ne(indices[n], value) for n, value in fixed.items()]
    return Claim(lhs=partial(of, entry), rhs=sympy.Integer(0), where=sympy.Or(*unequal))


class Parts(NamedTuple):
    """The nodes of an expression that say where its indices run, collected in one walk."""

    entries: frozenset[sympy.Indexed]
    deltas: frozenset[sympy.KroneckerDelta]
    sums: frozenset[sympy.Sum]
    relations: frozenset[sympy.Basic]
    symbols: frozenset[sympy.Symbol]
    """Every symbol, bound or free: indices, sizes, scalars, the labels of entries."""
    matrices: frozenset[sympy.MatrixSymbol]


_RELATIONS = (sympy.Ne, sympy.Eq, sympy.Lt, sympy.Le, sympy.Gt, sympy.Ge)
_KINDS = (
    (sympy.Indexed, EntryFunction),
    sympy.KroneckerDelta,
    sympy.Sum,
    _RELATIONS,
    sympy.Symbol,
    sympy.MatrixSymbol,
)


@functools.lru_cache(maxsize=8192)
def parts_of(expr: sympy.Basic) -> Parts:
    """Entries, deltas, sums, relations, symbols and matrix symbols of `expr`, memoized.

    The verifier asks this of the same sides many times (binding a claim, sizing the
    instance, placing each index, memoizing a sum); sympy's `atoms` walks the whole tree on
    every call.
    """
    found: list[set] = [set() for _ in _KINDS]
    stack = [expr]
    while stack:
        node = stack.pop()
        for kind, bucket in zip(_KINDS, found, strict=True):
            if isinstance(node, kind):
                bucket.add(node)
                break
        if isinstance(node, sympy.MatrixSymbol):
            continue  # its arguments are its name and sizes, not symbols of the expression
        stack.extend(a for a in node.args if isinstance(a, sympy.Basic))
    return Parts(*(frozenset(bucket) for bucket in found))


@functools.lru_cache(maxsize=8192)
def free_indices(expr: sympy.Basic) -> frozenset[sympy.Symbol]:
    """Index symbols of entries in `expr` that no sum binds (memoized, as `parts_of`)."""
    found: set[sympy.Symbol] = set()

    def walk(node: sympy.Basic, bound: frozenset) -> None:
        if isinstance(node, sympy.Indexed | EntryFunction | sympy.KroneckerDelta):
            indices = node.args if isinstance(node, sympy.KroneckerDelta) else node.indices
            for index in indices:
                found.update(s for s in index.free_symbols if s not in bound)
            return
        if isinstance(node, sympy.Sum):
            inner = bound | {limit[0] for limit in node.limits}
            walk(node.function, inner)
            for _, low, high in node.limits:
                walk(low, bound)
                walk(high, bound)
            return
        for arg in node.args:
            if isinstance(arg, sympy.Basic):
                walk(arg, bound)

    walk(expr, frozenset())
    return frozenset(found)


def axes_of_indices(expr: sympy.Basic, shapes: Mapping[str, Shape]) -> dict[sympy.Symbol, set[Dim]]:
    """The axis sizes each index symbol runs over, read from the entries it indexes."""
    axes: dict[sympy.Symbol, set[Dim]] = {}
    parts = parts_of(expr)
    for item in parts.entries:
        shape = shapes.get(item.base.name)
        if shape is None:
            continue
        for index, size in zip(item.indices, shape.axes, strict=False):
            if isinstance(index, sympy.Symbol):
                axes.setdefault(index, set()).add(size)
    # δ_{i,k} compares indices of one axis: an index seen only in deltas runs where its partner does
    for delta in parts.deltas:
        a, b = delta.args
        if isinstance(a, sympy.Symbol) and isinstance(b, sympy.Symbol):
            for one, other in ((a, b), (b, a)):
                if one not in axes and other in axes:
                    axes[one] = set(axes[other])
    return axes


def bind(claim: Claim, shapes: Mapping[str, Shape]) -> Claim:
    """The claim with every free index it left implicit ranging over the axis it indexes."""
    sides = [claim.lhs, claim.rhs] + ([claim.where] if claim.where is not None else [])
    free: set[sympy.Symbol] = set()
    for side in (claim.lhs, claim.rhs):
        free |= free_indices(side)
    if claim.matrix_index is not None:
        free |= {i for i in claim.matrix_index if i is not None}
    sizes_named = {d for shape in shapes.values() for d in shape.axes if isinstance(d, sympy.Basic)}
    free -= sizes_named
    given = {index for index, _, _ in claim.over}
    axes: dict[sympy.Symbol, set[Dim]] = {}
    for side in sides:
        for index, sizes in axes_of_indices(side, shapes).items():
            axes.setdefault(index, set()).update(sizes)
    added = []
    for index in sorted(free - given, key=str):
        sizes = axes.get(index)
        if not sizes or len(sizes) != 1:
            raise ValueError(f"the index {index} of a claim runs over no single axis")
        (size,) = sizes
        added.append((index, sympy.Integer(1), sympy.sympify(size)))
    return replace(claim, over=(*claim.over, *added)) if added else claim


def _dim(value: sympy.Expr) -> Dim:
    return int(value) if value.is_Integer else value


def every_shape(shapes: Mapping[str, Shape], definitions: Iterable[Definition]) -> dict[str, Shape]:
    """The equation's shapes with those of every array the definitions name or use (m, g)."""
    every = dict(shapes)
    for definition in definitions:
        arrays = definition.value.atoms(sympy.MatrixSymbol)
        if isinstance(definition.name, sympy.MatrixSymbol):
            arrays.add(definition.name)
        else:
            every.setdefault(definition.name.name, Shape(1, 1))
        for array in arrays:
            every.setdefault(array.name, Shape(*(_dim(d) for d in array.shape)))
    return every


def claims_of(
    steps: Iterable[object], shapes: Mapping[str, Shape]
) -> tuple[tuple[Claim, ...], ...]:
    """Each step's claims with their ranges bound, in step order."""
    return tuple(tuple(bind(c, shapes) for c in step.claims()) for step in steps)
