"""One frozen, keyword-only dataclass per step kind; `kind` is the JSON field's value.

Steps hold sympy objects (entries such as `W[3, 7]`, unevaluated `Derivative`s, `Sum`s) and
the markers in `Dots`; renderers decide how they look. Each docstring shows the step's
transformation in one line, as the note writes it.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass
from typing import ClassVar

import sympy

from derivgen.model.matrices import Vec
from derivgen.model.shapes import Dim
from derivgen.steps.claims import (
    Claim,
    Definition,
    chain_by_components,
    displayed_chain,
    partial,
    same_array,
    written_sum,
    zero_elsewhere,
)


class Dots(enum.Enum):
    """Elided entries: `…` between summed terms, and the three dots of an elided matrix."""

    LOW = "low"
    ACROSS = "across"
    DOWN = "down"
    DIAGONAL = "diagonal"


Term = sympy.Expr | Dots
"""An item of a written-out sum or a matrix cell: an expression or an elision."""


@dataclass(frozen=True, kw_only=True)
class Step:
    """Base of every step kind.

    Each kind defines `claims()`: every equality its display asserts, built from the fields
    it displays (a kind that asserts none says so in its own `claims`). A test fails for a
    kind that inherits this one's.
    """

    kind: ClassVar[str]

    def claims(self) -> tuple[Claim, ...]:
        raise NotImplementedError(f"step kind {self.kind!r} declares no claims")

    def defines(self) -> tuple[Definition, ...]:
        """The intermediate results this step names; most steps name none."""
        return ()


def _entry_layout(
    symbol: sympy.Basic, entry: sympy.Expr
) -> tuple[sympy.Symbol | None, sympy.Symbol | None]:
    """The matrix_index that lays an entry formula of `symbol` out in the symbol's own shape."""
    indices = tuple(entry.indices) if isinstance(entry, sympy.Indexed) else ()
    rows = getattr(symbol, "shape", (1, 1))[0]
    if len(indices) == 2:
        return indices[0], indices[1]
    if not indices:
        return (None, None)
    return (None, indices[0]) if rows == 1 else (indices[0], None)


@dataclass(frozen=True, kw_only=True)
class ShapesStep(Step):
    """y = W x  ->  y (C,1), W (C,D), x (D,1): every symbol with its size."""

    kind: ClassVar[str] = "shapes"
    output: sympy.MatrixSymbol
    rhs: sympy.Basic
    symbols: tuple[sympy.MatrixSymbol, ...]

    def claims(self) -> tuple[Claim, ...]:
        """The equation as matrices, and the size said of every symbol."""
        sizes = tuple(
            Claim(lhs=sympy.Function("shape")(sympy.Symbol(s.name)), rhs=sympy.Tuple(*s.shape))
            for s in self.symbols
        )
        return (Claim(lhs=self.output, rhs=self.rhs, matrix_index=(None, None)), *sizes)


@dataclass(frozen=True, kw_only=True)
class Part:
    """One factor of a component's summand, described as a slice: `row 3 of W`, `the vector x`.

    `axis` is "row", "column", "vector" or "scalar"; `index` is the fixed row or column.
    """

    name: str
    axis: str
    index: sympy.Expr | None = None


@dataclass(frozen=True, kw_only=True)
class ComponentStep(Step):
    """y = W x  ->  y_3 = Σ_{k=1}^{D} W_{3,k} x_k: one scalar component as an explicit sum."""

    kind: ClassVar[str] = "component"
    lhs: sympy.Expr
    rhs: sympy.Expr
    parts: tuple[Part, ...]
    """The factors as slices (`row 3 of W`), when the component is one dot product."""
    whole: bool = False
    """Whether the output is a scalar, so that this "component" is the whole of it."""
    named: tuple[tuple[sympy.MatrixSymbol, sympy.Basic], ...] = ()
    """Intermediates the component names (M = A X B, of which it takes det or inv)."""

    def defines(self) -> tuple[Definition, ...]:
        return tuple(Definition(name=name, value=value) for name, value in self.named)

    def claims(self) -> tuple[Claim, ...]:
        return (Claim(lhs=self.lhs, rhs=self.rhs),)


@dataclass(frozen=True, kw_only=True)
class ExpandStep(Step):
    """Σ_k W_{3,k} x_k  ->  W_{3,1}x_1 + W_{3,2}x_2 + … + W_{3,7}x_7 + … + W_{3,D}x_D."""

    kind: ClassVar[str] = "expand"
    lhs: sympy.Expr
    terms: tuple[Term, ...]
    focus: int | None
    """Position in `terms` of the term that holds the target, if one does."""
    target: sympy.Expr
    summand: sympy.Expr
    """The sum's general term, in `index`: what each elided term is."""
    index: sympy.Symbol
    positions: tuple[Term, ...]
    """The value of `index` at each shown term (dots where `terms` has dots)."""

    conditions: tuple[tuple[sympy.Expr, sympy.Expr], ...] = ()
    """(index the focus term holds, index the target asks for) pairs that must agree for
    that term to hold the target (x_j W_{j,i} holds W_{j,k} only when k = i); empty when
    it holds the target whatever the indices."""

    def claims(self) -> tuple[Claim, ...]:
        """The written-out sum, elisions included, is the component."""
        whole, where = written_sum(self.terms, self.positions, self.summand, self.index)
        claims = [Claim(lhs=self.lhs, rhs=whole, where=where)]
        if self.focus is not None:
            # "the term that involves x_7": the component depends on x_7 through it alone
            kept = partial(self.terms[self.focus], self.target)
            claims.append(Claim(lhs=partial(self.lhs, self.target), rhs=kept, where=where))
        return tuple(claims)


@dataclass(frozen=True, kw_only=True)
class DifferentiateStep(Step):
    """∂y_3/∂x_7 = ∂/∂x_7[W_{3,1}x_1 + …]  ->  0 + 0 + … + ∂/∂x_7[W_{3,7}x_7] + … + 0."""

    kind: ClassVar[str] = "differentiate"
    of: sympy.Expr
    by: sympy.Expr
    terms: tuple[Term, ...]
    derivatives: tuple[Term, ...]
    summand: sympy.Expr | None = None
    """The sum's general term in `index` (None for a single term, which has no sum)."""
    index: sympy.Symbol | None = None
    positions: tuple[Term, ...] = ()
    """The value of `index` at each shown term (dots where `terms` has dots)."""

    conditions: tuple[tuple[sympy.Expr, sympy.Expr], ...] = ()
    """As ExpandStep's: where the one differentiated term holds the target at all."""

    def claims(self) -> tuple[Claim, ...]:
        """The partial of the written-out sum, term by term, and "the others are all 0"."""
        by = self.by
        if self.summand is None or self.index is None:
            (derivative,) = self.derivatives
            return (Claim(lhs=partial(self.of, by), rhs=derivative),)
        whole, where = written_sum(self.terms, self.positions, self.summand, self.index)
        differentiated, _ = written_sum(
            self.derivatives, self.positions, partial(self.summand, by), self.index
        )
        claims = [
            Claim(lhs=self.of, rhs=whole, where=where),  # the bracket restates the component
            Claim(lhs=partial(self.of, by), rhs=partial(whole, by), where=where),
            Claim(lhs=partial(whole, by), rhs=differentiated, where=where),
        ]
        surviving = []
        for term, derivative, position in zip(
            self.terms, self.derivatives, self.positions, strict=True
        ):
            if isinstance(position, sympy.Basic):
                claims.append(Claim(lhs=partial(term, by), rhs=derivative, where=where))
                if derivative != 0:
                    surviving.append(position)
        if self.conditions:
            # the one term holds the target only where its indices agree with the target's
            unequal = sympy.Or(*(sympy.Ne(held, wanted) for held, wanted in self.conditions))
            focus = next(
                t
                for t, d in zip(self.terms, self.derivatives, strict=True)
                if isinstance(d, sympy.Basic) and d != 0
            )
            claims.append(Claim(lhs=partial(focus, by), rhs=sympy.Integer(0), where=unequal))
        # "none of the others includes it": every other term's derivative is 0
        others = sympy.And(*(sympy.Ne(self.index, p) for p in surviving))
        claims.append(
            Claim(
                lhs=partial(self.summand, by),
                rhs=sympy.Integer(0),
                over=((self.index, sympy.Integer(1), self._last()),),
                where=others if where is None else sympy.And(where, others),
            )
        )
        return tuple(claims)

    def _last(self) -> sympy.Expr:
        return next(p for p in reversed(self.positions) if isinstance(p, sympy.Basic))


@dataclass(frozen=True, kw_only=True)
class IsolateStep(Step):
    """0 + … + ∂/∂x_7[W_{3,7}x_7] + … + 0  ->  ∂/∂x_7[W_{3,7}x_7] = W_{3,7}."""

    kind: ClassVar[str] = "isolate"
    of: sympy.Expr
    by: sympy.Expr
    surviving: sympy.Expr
    result: sympy.Expr
    conditions: tuple[tuple[sympy.Expr, sympy.Expr], ...] = ()
    """As ExpandStep's; each pair is a Kronecker delta of `result` (x_j δ_{i,k})."""
    nonzero: sympy.Expr | None = None
    """`result` where the conditions hold (x_j), when there are conditions; 0 elsewhere."""

    def claims(self) -> tuple[Claim, ...]:
        """The chain, and where conditions apply: zero off them, `nonzero` on them."""
        claims = displayed_chain(partial(self.of, self.by), self.surviving, self.result)
        if not self.conditions or self.nonzero is None:
            return claims
        unequal = sympy.Or(*(sympy.Ne(held, wanted) for held, wanted in self.conditions))
        on = {wanted: held for held, wanted in self.conditions}
        return (
            *claims,
            Claim(lhs=partial(self.of, self.by), rhs=sympy.Integer(0), where=unequal),
            Claim(lhs=partial(self.of, self.by.xreplace(on)), rhs=self.nonzero),
        )


@dataclass(frozen=True, kw_only=True)
class ZeroStep(Step):
    """∂y_3/∂W_{7,8}  ->  0: no term of y_3 holds W_{7,8} (every term holds W_{j,3}, 3 ≠ 8)."""

    kind: ClassVar[str] = "zero"
    of: sympy.Expr
    by: sympy.Expr
    pattern: sympy.Expr
    conflicts: tuple[tuple[sympy.Expr, sympy.Expr], ...]
    """(index the terms hold, index the target asks for) pairs that can never agree."""
    example: sympy.Expr
    """An entry of the same symbol that does appear, shown next."""

    def claims(self) -> tuple[Claim, ...]:
        """The partial is 0; every entry unlike the pattern plays no role; each "a ≠ b"."""
        taken = {str(x) for e in (self.of, self.by, self.pattern) for x in e.free_symbols}
        names = [sympy.Symbol(n) for n in "pqrsuvw" if n not in taken]
        fixed = {n: index for n, index in enumerate(self.pattern.indices) if index.is_Integer}
        # each "a ≠ b" compares the pattern's index with the target's at the same position
        where = [n for n, i in fixed.items() if i != self.by.indices[n]]
        unequal: list[Claim] = []
        for n, (a, b) in zip(where, self.conflicts, strict=False):
            unequal += [
                Claim(lhs=sympy.KroneckerDelta(a, b, evaluate=False), rhs=sympy.Integer(0)),
                Claim(
                    lhs=sympy.KroneckerDelta(self.pattern.indices[n], a, evaluate=False),
                    rhs=sympy.Integer(1),
                ),
                Claim(
                    lhs=sympy.KroneckerDelta(self.by.indices[n], b, evaluate=False),
                    rhs=sympy.Integer(1),
                ),
            ]
        # the example is an entry of the same symbol that the pattern does hold
        unequal += [
            Claim(
                lhs=sympy.KroneckerDelta(self.example.indices[n], i, evaluate=False),
                rhs=sympy.Integer(1),
            )
            for n, i in fixed.items()
        ]
        unequal.append(Claim(lhs=self.example, rhs=self.by.base[tuple(self.example.indices)]))
        if len(where) != len(self.conflicts):
            unequal.append(Claim(lhs=sympy.Integer(len(self.conflicts)), rhs=len(where)))
        return (
            Claim(lhs=partial(self.of, self.by), rhs=sympy.Integer(0)),
            zero_elsewhere(self.of, self.by, fixed, names),
            *unequal,
        )


@dataclass(frozen=True, kw_only=True)
class GeneralizeStep(Step):
    """∂y_3/∂x_7 = W_{3,7}  ->  ∂y_i/∂x_j = W_{i,j} for all i, j."""

    kind: ClassVar[str] = "generalize"
    of: sympy.Expr
    by: sympy.Expr
    result: sympy.Expr
    ranges: tuple[tuple[sympy.Symbol, Dim], ...]
    conditions: tuple[tuple[sympy.Symbol, sympy.Symbol], ...]
    """(of-index, by-index) pairs that must agree for the result to be non-zero."""
    nonzero_by: sympy.Expr | None
    """The by-entry with the conditions applied (W_{j,i}), when there are conditions."""
    nonzero: sympy.Expr | None

    def claims(self) -> tuple[Claim, ...]:
        """The general entry over the ranges said; zero off the conditions; the non-zero ones."""
        over = tuple((i, sympy.Integer(1), sympy.sympify(n)) for i, n in self.ranges)
        claims = [Claim(lhs=partial(self.of, self.by), rhs=self.result, over=over)]
        if self.conditions:
            replaced = {b for _, b in self.conditions}
            unequal = sympy.Or(*(sympy.Ne(a, b) for a, b in self.conditions))
            claims.append(
                Claim(lhs=partial(self.of, self.by), rhs=sympy.Integer(0), over=over, where=unequal)
            )
            claims.append(
                Claim(
                    lhs=partial(self.of, self.nonzero_by),
                    rhs=self.nonzero,
                    over=tuple(r for r in over if r[0] not in replaced),
                )
            )
        return tuple(claims)


Outer = tuple[sympy.Expr, tuple[sympy.Basic, sympy.Expr], tuple[sympy.Basic, sympy.Expr]]
"""(c, (u, u_i), (v, v_j)): a general partial c u_i v_j, each vector with the factor it names."""


@dataclass(frozen=True, kw_only=True)
class AssembleStep(Step):
    """∂y_i/∂x_j = W_{i,j} for all i, j  ->  dy/dx = [∂y_i/∂x_j] = [W_{i,j}] = W.

    `layout` is "numerator" (rows follow the output), "denominator" (rows follow the
    variable: the note's arrangement for row vectors), "variable" (a scalar's derivative,
    shaped like the variable), "output" (a derivative by a scalar, shaped like the output),
    "variable transposed" or "output transposed" (the same in the other layout), or "scalar".
    """

    kind: ClassVar[str] = "assemble"
    of: sympy.MatrixSymbol
    by: sympy.MatrixSymbol
    partials: tuple[tuple[Term, ...], ...]
    entries: tuple[tuple[Term, ...], ...] | None
    """The grid of entry values; None when each is a long formula (sums, functions)."""
    result: sympy.Basic
    row_index: sympy.Symbol | None
    col_index: sympy.Symbol | None
    layout: str
    partial: sympy.Derivative
    """The general partial, ∂y_i/∂x_j, that the arrangement lays out."""
    row_values: tuple[Term, ...]
    """The value of `row_index` in each row of the grids (dots where elided)."""
    col_values: tuple[Term, ...]
    transposed: sympy.Basic | None = None
    """P when `result` is Pᵀ written out (Aᵀ Bᵀ from B A): the general partial is then the
    entry (col_index, row_index) of P, `(B A)_{j,i}`, and the matrix P transposed."""
    outer: Outer | None = None
    """(c, (u, u_i), (v, v_j)) when the general partial is c u_i v_j and a sum is inside u_i
    or v_j: 2 (Σ_k W_{i,k} x_k − t_i) x_j is 2 (W x − t)_i x_j, the entry of c u v with
    u = W x − t, v = xᵀ; each pair is the vector and the factor it names."""
    terms: tuple[sympy.Basic, ...] | None = None
    """The matrix of each term, when the general partial adds several and some are sums:
    `Σ_k A_{i,k} x_k + Σ_k x_k A_{k,i}` is `(A x)_i + (Aᵀ x)_i`; the assembled matrix is
    then their sum, and `result` that sum factored where it can be, `(A + Aᵀ) x`."""

    def claims(self) -> tuple[Claim, ...]:
        """Each shown cell is the partial at its place, and the named matrix is the whole;
        with `transposed`, the partial as an entry of P and the matrix as Pᵀ."""
        claims = []
        grids = [self.partials] + ([self.entries] if self.entries is not None else [])
        for r, row_value in enumerate(self.row_values):
            for c, col_value in enumerate(self.col_values):
                if not (isinstance(row_value, sympy.Basic) and isinstance(col_value, sympy.Basic)):
                    continue
                at = {
                    i: v
                    for i, v in ((self.row_index, row_value), (self.col_index, col_value))
                    if i is not None
                }
                cell = self.partial.xreplace(at)
                claims += [Claim(lhs=cell, rhs=grid[r][c]) for grid in grids]
        whole = Claim(
            lhs=self.partial, rhs=self.result, matrix_index=(self.row_index, self.col_index)
        )
        of, by = self.partial.expr, self.partial.variables[0]
        if self.outer is not None:
            # the partial is c u vᵀ's entry, and each factor shown is its vector's entry
            coefficient, (u, u_i), (v, v_j) = self.outer
            row, col = self.row_index, self.col_index
            claims += [
                Claim(
                    lhs=self.partial, rhs=sympy.MatMul(coefficient, u, v), matrix_index=(row, col)
                ),
                Claim(lhs=u_i, rhs=u, matrix_index=(row, None)),
                Claim(lhs=v_j, rhs=v, matrix_index=(None, col)),
            ]
        if self.terms is not None:
            claims.append(
                Claim(
                    lhs=self.partial,
                    rhs=sympy.MatAdd(*self.terms),
                    matrix_index=(self.row_index, self.col_index),
                )
            )
        if self.transposed is not None:
            flipped = (self.col_index, self.row_index)
            claims += [
                Claim(lhs=self.partial, rhs=self.transposed, matrix_index=flipped),
                Claim(
                    lhs=self.partial,
                    rhs=sympy.Transpose(self.transposed),
                    matrix_index=(self.row_index, self.col_index),
                ),
            ]
        return (*claims, whole, same_array(self.of, of), same_array(self.by, by))


@dataclass(frozen=True, kw_only=True)
class Slice:
    """`∂Y_{i,:}/∂X_{i,:} = W`: the same 2-D derivative for every value of the fixed index.

    Index tuples list one entry per axis, None where the axis runs (`:`).
    """

    of_indices: tuple[sympy.Symbol | None, ...]
    by_indices: tuple[sympy.Symbol | None, ...]
    fixed: tuple[sympy.Symbol, ...]
    result: sympy.Basic
    row_index: sympy.Symbol | None
    col_index: sympy.Symbol | None
    layout: str


@dataclass(frozen=True, kw_only=True)
class ArrayStep(Step):
    """∂y_i/∂W_{j,k} = x_j δ_{i,k}  ->  F_{i,j,k}, zero but at F_{i,j,i}; G_{i,j} = F_{i,j,i}."""

    kind: ClassVar[str] = "array"
    of: sympy.MatrixSymbol
    by: sympy.MatrixSymbol
    indices: tuple[sympy.Symbol, ...]
    partial: sympy.Expr
    formula: sympy.Expr
    conditions: tuple[tuple[sympy.Symbol, sympy.Symbol], ...]
    compact_indices: tuple[sympy.Symbol, ...]
    compact_source: tuple[sympy.Symbol, ...]
    """F's index tuple with the conditions applied: G_{i,j} = F_{compact_source}."""
    compact: sympy.Expr
    slice: Slice | None

    def claims(self) -> tuple[Claim, ...]:
        """F's entries; zero off the conditions; G; and the slice as a matrix for each fixed."""
        of, by = self.partial.expr, self.partial.variables[0]
        claims = [
            Claim(lhs=self.partial, rhs=self.formula),
            same_array(self.of, of),
            same_array(self.by, by),
        ]
        substitution = dict(zip(self.indices, self.compact_source, strict=True))
        if self.conditions:
            unequal = sympy.Or(*(sympy.Ne(a, b) for a, b in self.conditions))
            claims.append(Claim(lhs=self.partial, rhs=sympy.Integer(0), where=unequal))
            claims.append(Claim(lhs=self.partial.xreplace(substitution), rhs=self.compact))
        if self.slice is not None:
            piece = self.slice
            claims.append(
                Claim(
                    lhs=self.partial.xreplace(substitution),
                    rhs=piece.result,
                    matrix_index=(piece.row_index, piece.col_index),
                )
            )
        return tuple(claims)


@dataclass(frozen=True, kw_only=True)
class IndexDerivativeStep(Step):
    """L = Σ_k (…)²  ->  ∂L/∂W_{j,m} = 2 Σ_k (…) Σ_l δ_{k,j} δ_{l,m} x_l: the ordinary rules."""

    kind: ClassVar[str] = "index_derivative"
    of: sympy.Expr
    by: sympy.Expr
    component: sympy.Expr
    derivative: sympy.Expr
    rules: tuple[tuple[str, sympy.Expr, sympy.Expr], ...] = ()
    """Rules beyond the ordinary ones that the derivative uses, as (name, partial, value):
    ("determinant", ∂det X/∂X_{i,j}, det X (X⁻¹)_{j,i}) is Jacobi's formula."""

    def claims(self) -> tuple[Claim, ...]:
        stated = tuple(Claim(lhs=lhs, rhs=rhs) for _, lhs, rhs in self.rules)
        return (*stated, Claim(lhs=partial(self.of, self.by), rhs=self.derivative))


@dataclass(frozen=True, kw_only=True)
class DeltaStep(Step):
    """Σ_k δ_{k,j} f(k)  ->  f(j): each Kronecker delta picks one term of its sum."""

    kind: ClassVar[str] = "deltas"
    of: sympy.Expr
    by: sympy.Expr
    result: sympy.Expr
    summed_deltas: bool = True
    """False when there were no deltas, and the sums were only rearranged (factors taken out
    of sums whose index they do not use)."""
    apart: sympy.Expr | None = None
    """The deltas summed out before equal terms are added up, when some are: the two equal
    terms of least squares, before the factor 2."""

    def claims(self) -> tuple[Claim, ...]:
        return displayed_chain(partial(self.of, self.by), self.apart, self.result)


@dataclass(frozen=True, kw_only=True)
class IntermediatesStep(Step):
    """y = V W x  ->  m = W x, then y = V m: one named intermediate result per stage."""

    kind: ClassVar[str] = "intermediates"
    output: sympy.MatrixSymbol
    by: sympy.MatrixSymbol
    names: tuple[sympy.MatrixSymbol, ...]
    """The intermediates, innermost (the one computed from the variable) first."""
    definitions: tuple[sympy.Basic, ...]
    """What each intermediate stands for, in the same order: `W x`, then `V m`, …"""
    final: sympy.Basic
    """The output in terms of the last intermediate: `V m`."""
    chain: tuple[tuple[sympy.MatrixSymbol, sympy.MatrixSymbol], ...]
    """The matrix chain rule's factors, `dy/dm dm/dx`, as (of, by) pairs, in the order the
    layout multiplies them (reversed in denominator layout: `dm/dx dy/dm`)."""
    layout: str | None
    """"numerator" or "denominator" for a derivative with at most two axes, else None."""

    def defines(self) -> tuple[Definition, ...]:
        named = tuple(
            Definition(name=n, value=v) for n, v in zip(self.names, self.definitions, strict=True)
        )
        return (*named, Definition(name=self.output, value=self.final, restates=True))

    def claims(self) -> tuple[Claim, ...]:
        """`y = V m`; and the chain rule for whole arrays, as it is displayed.

        Without a layout the factors are arrays of three or more axes that no matrix product
        multiplies; the display then claims what the next step says it means, one component
        at a time.
        """
        claims = [Claim(lhs=self.output, rhs=self.final, matrix_index=(None, None))]
        if self.layout is None:
            claims.append(chain_by_components([self.output, *self.names[::-1], self.by]))
        else:
            # a Mul: sympy takes partials of arrays as non-commuting scalars, and keeps the order
            product = sympy.Mul(*(partial(of, by) for of, by in self.chain), evaluate=False)
            claims.append(Claim(lhs=partial(self.output, self.by), rhs=product, layout=self.layout))
        return tuple(claims)


@dataclass(frozen=True, kw_only=True)
class Link:
    """One stage's partial, `∂m_k/∂x_j = W_{k,j}`, and the product it comes from (`W x`)."""

    of: sympy.Expr
    by: sympy.Expr
    value: sympy.Expr
    output: sympy.MatrixSymbol
    """The stage's output as a whole (`m`), defined as …"""
    defined: sympy.Basic
    """… this product (`W x`)."""


@dataclass(frozen=True, kw_only=True)
class ChainRuleStep(Step):
    """∂y_i/∂x_j = Σ_k ∂y_i/∂m_k ∂m_k/∂x_j = Σ_k V_{i,k} W_{k,j}: the chain rule per component."""

    kind: ClassVar[str] = "chain_rule"
    of: sympy.Expr
    by: sympy.Expr
    sums: tuple[tuple[sympy.Symbol, Dim], ...]
    """The summation index of each intermediate, outermost first, with its range."""
    rule: sympy.Expr
    """The chain rule itself, a sum of products of unevaluated partials."""
    expanded: tuple[Term, ...] | None
    """With one intermediate, the rule's sum written out term by term, as the note does."""
    links: tuple[Link, ...]
    """The stages' partials in the order the chain rule multiplies them (output first)."""
    summed: sympy.Expr
    """The chain rule with each partial replaced by its value."""
    result: sympy.Expr
    """The same with its Kronecker deltas summed out (equal to `summed` when it has none)."""
    positions: tuple[Term, ...] = ()
    """The value of the first sum's index at each term of `expanded`."""

    def claims(self) -> tuple[Claim, ...]:
        """The rule, written out; each stage's partial and product; the values substituted."""
        lhs = partial(self.of, self.by)
        claims = [Claim(lhs=lhs, rhs=self.rule)]
        if self.expanded is not None:
            (index, _), summand = self.sums[0], self.rule.function
            whole, where = written_sum(self.expanded, self.positions, summand, index)
            claims.append(Claim(lhs=lhs, rhs=whole, where=where))
        for link in self.links:
            claims.append(Claim(lhs=partial(link.of, link.by), rhs=link.value))
            claims.append(Claim(lhs=link.output, rhs=link.defined, matrix_index=(None, None)))
        shown = self.result if self.result != self.summed else None
        claims += displayed_chain(lhs, self.summed, shown)
        return tuple(claims)


@dataclass(frozen=True, kw_only=True)
class ChainSummaryStep(Step):
    """The note's closing advice, with this derivation's intermediates and sums filled in."""

    kind: ClassVar[str] = "chain_summary"
    of: sympy.Expr
    by: sympy.Expr
    names: tuple[sympy.MatrixSymbol, ...]
    sums: tuple[tuple[sympy.Symbol, Dim], ...]

    def claims(self) -> tuple[Claim, ...]:
        """The rule it summarizes: ∂y_i/∂x_j = Σ_k ∂y_i/∂m_k ∂m_k/∂x_j, over these sums."""
        entries = [
            sympy.IndexedBase(name.name)[index]
            for name, (index, _) in zip(self.names[::-1], self.sums, strict=True)
        ]
        chain = [self.of, *entries, self.by]
        body = sympy.Mul(*(partial(a, b) for a, b in itertools.pairwise(chain)))
        for index, size in reversed(self.sums):
            body = sympy.Sum(body, (index, 1, size))
        return (Claim(lhs=partial(self.of, self.by), rhs=body),)


@dataclass(frozen=True, kw_only=True)
class IndexViewStep(Step):
    """The math.SE answer's index notation: ∂f_i/∂W_{m,n} = δ_{i,m} x_n, deltas kept."""

    kind: ClassVar[str] = "view_index"
    of: sympy.Expr
    by: sympy.Expr
    component: sympy.Expr
    derivative: sympy.Expr
    """The component differentiated by the ordinary rules, ∂W_{k,l}/∂W_{m,n} = δ_{k,m} δ_{l,n}."""
    result: sympy.Expr
    """The same with the summed deltas summed out; deltas between free indices stay."""

    def claims(self) -> tuple[Claim, ...]:
        lhs = partial(self.of, self.by)
        shown = self.result if self.result != self.derivative else None
        return (
            Claim(lhs=self.of, rhs=self.component),
            *displayed_chain(lhs, self.derivative, shown),
        )


@dataclass(frozen=True, kw_only=True)
class VecViewStep(Step):
    """Vectorization: f = (xᵀ ⊗ I) vec(W), so ∂f/∂vec(W) = xᵀ ⊗ I (vec stacks the columns)."""

    kind: ClassVar[str] = "view_vec"
    of: sympy.Basic
    by: sympy.MatrixSymbol
    stacked: bool
    """Whether vec(of) differs from `of`: False for a column vector or a scalar."""
    result: sympy.Basic
    """∂vec(of)/∂vec(by), one row per entry of vec(of), as Kronecker products."""
    linear: bool
    """Whether `of` is linear in `by` (no part without it, such as a bias), so that
    vec(of) = result · vec(by) holds as well."""

    def claims(self) -> tuple[Claim, ...]:
        stacked = Vec(self.of) if self.stacked else self.of
        claims = [Claim(lhs=partial(stacked, Vec(self.by)), rhs=self.result)]
        if self.linear:
            product = sympy.MatMul(self.result, Vec(self.by))
            claims.append(Claim(lhs=stacked, rhs=product, matrix_index=(None, None)))
        return tuple(claims)


@dataclass(frozen=True, kw_only=True)
class BackpropViewStep(Step):
    """When z feeds a scalar loss L: ∂L/∂W = Σ_i ∂L/∂z_i ∂z_i/∂W, the outer product g xᵀ."""

    kind: ClassVar[str] = "view_backprop"
    loss: sympy.Symbol
    output: sympy.MatrixSymbol
    by: sympy.MatrixSymbol
    gradient: sympy.MatrixSymbol
    """g = ∂L/∂z, the gradient arriving from the loss, shaped like the output."""
    of: sympy.Expr
    """An entry z_i of the output …"""
    by_entry: sympy.Expr
    """… and an entry W_{j,k} of the variable."""
    rule: sympy.Expr
    """Σ_i ∂L/∂z_i ∂z_i/∂W_{j,k}, the partials unevaluated."""
    summed: sympy.Expr
    """Σ_i g_i (∂z_i/∂W_{j,k}), with the general entry substituted."""
    result: sympy.Expr
    """∂L/∂W_{j,k} with the deltas summed out."""
    matrix: sympy.Basic
    """∂L/∂W in the shape of W."""
    row_index: sympy.Symbol | None
    col_index: sympy.Symbol | None

    def defines(self) -> tuple[Definition, ...]:
        """Any scalar loss with gradient g at this point acts on W as Σ g ∘ z = tr(gᵀ z) does."""
        loss = sympy.Trace(sympy.MatMul(self.gradient.T, self.output))
        return (Definition(name=self.loss, value=loss),)

    def claims(self) -> tuple[Claim, ...]:
        shown = self.result if self.result != self.summed else None
        lhs = partial(self.loss, self.by_entry)
        return (
            Claim(
                lhs=partial(self.loss, self.of),
                rhs=self.gradient,
                matrix_index=_entry_layout(self.output, self.of),
            ),
            *displayed_chain(lhs, self.rule, self.summed, shown),
            Claim(lhs=lhs, rhs=self.matrix, matrix_index=(self.row_index, self.col_index)),
            same_array(self.by, self.by_entry),
            same_array(self.output, self.of),
        )


@dataclass(frozen=True, kw_only=True)
class LaplaceStep(Step):
    """det X  ->  Σ_l X_{i,l} C_{i,l} along the target's row; no cofactor of the row holds
    an entry of it, so ∂det X/∂X_{i,j} = Σ_l δ_{l,j} C_{i,l} = C_{i,j}."""

    kind: ClassVar[str] = "laplace"
    of: sympy.Expr
    """The output, s."""
    determinant: sympy.Expr
    """det X, as the component writes it."""
    by: sympy.Indexed
    """X_{i,j}: the entry differentiated by; its row is the row expanded along."""
    index: sympy.Symbol
    """l, the index of the expansion's sum."""
    size: Dim
    expansion: sympy.Expr
    """Σ_l X_{i,l} C_{i,l}."""
    cofactor: sympy.Expr
    """C_{i,l}, the general cofactor of the row."""
    picked: sympy.Expr
    """Σ_l δ_{l,j} C_{i,l}: each term's partial, the row's entries differentiated."""
    result: sympy.Expr
    """C_{i,j}."""

    def claims(self) -> tuple[Claim, ...]:
        lhs = partial(self.of, self.by)
        row = self.by.indices[0]
        # the cofactor named in the prose is the one each term of the expansion holds
        named = sympy.Sum(self.by.base[row, self.index] * self.cofactor, (self.index, 1, self.size))
        return (
            *displayed_chain(self.of, self.determinant, self.expansion),
            Claim(lhs=self.of, rhs=named),
            Claim(lhs=partial(self.cofactor, self.by), rhs=sympy.Integer(0)),
            *displayed_chain(lhs, self.picked, self.result),
        )


@dataclass(frozen=True, kw_only=True)
class InverseStep(Step):
    """Y = X⁻¹  ->  differentiate X X⁻¹ = I entry by entry, solve: −(X⁻¹)_{i,k} (X⁻¹)_{l,j}."""

    kind: ClassVar[str] = "inverse"
    of: sympy.Expr
    """Y_{i,j}, the output's entry."""
    by: sympy.Indexed
    """X_{k,l}."""
    row: sympy.Symbol
    """a, the row of X X⁻¹ = I written out."""
    identity: tuple[sympy.Expr, sympy.Expr]
    """Σ_m X_{a,m} (X⁻¹)_{m,j} = δ_{a,j}: row a of X X⁻¹ = I, at column j."""
    product_rule: sympy.Expr
    """Σ_m δ_{a,k} δ_{m,l} (X⁻¹)_{m,j} + Σ_m X_{a,m} ∂(X⁻¹)_{m,j}/∂X_{k,l}."""
    summed: sympy.Expr
    """δ_{a,k} (X⁻¹)_{l,j} + Σ_m X_{a,m} ∂(X⁻¹)_{m,j}/∂X_{k,l}, the deltas summed out."""
    multiplier: sympy.Expr
    """(X⁻¹)_{i,a}: what the equation is multiplied by, then summed over a."""
    undo: tuple[sympy.Expr, sympy.Expr]
    """Σ_a (X⁻¹)_{i,a} X_{a,m} = δ_{i,m}: multiplying by X⁻¹ on the left undoes X."""
    solved: sympy.Expr
    """(X⁻¹)_{i,k} (X⁻¹)_{l,j} + ∂(X⁻¹)_{i,j}/∂X_{k,l}, which is 0."""
    inverse_partial: sympy.Expr
    """∂(X⁻¹)_{i,j}/∂X_{k,l}."""
    result: sympy.Expr
    """−(X⁻¹)_{i,k} (X⁻¹)_{l,j}."""

    def claims(self) -> tuple[Claim, ...]:
        zero = sympy.Integer(0)
        left = partial(self.identity[0], self.by)
        # the prose multiplies by `multiplier` and sums over `row`: that is the undo line
        (inner, _, size) = self.identity[0].limits[0]
        multiplied = sympy.Sum(self.multiplier * self.by.base[self.row, inner], (self.row, 1, size))
        return (
            Claim(lhs=self.identity[0], rhs=self.identity[1]),
            Claim(lhs=self.undo[0], rhs=multiplied),
            *displayed_chain(left, self.product_rule, zero),
            Claim(lhs=self.summed, rhs=zero),
            Claim(lhs=self.undo[0], rhs=self.undo[1]),
            Claim(lhs=self.solved, rhs=zero),
            Claim(lhs=self.inverse_partial, rhs=self.result),
            Claim(lhs=partial(self.of, self.by), rhs=self.result),
        )
