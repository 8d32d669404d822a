"""One frozen, keyword-only dataclass per step kind; `kind` is the JSON field's value.

Steps hold sympy objects (entries such as `W[3, 7]`, unevaluated `Derivative`s, `Sum`s) and
the markers in `Dots`; renderers decide how they look. Each docstring shows the step's
transformation in one line, as the note writes it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

import sympy

from derivgen.model.shapes import Dim


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
    """Base of every step kind."""

    kind: ClassVar[str]


@dataclass(frozen=True, kw_only=True)
class ShapesStep(Step):
    """y = W x  ->  y (C,1), W (C,D), x (D,1): every symbol with its size."""

    kind: ClassVar[str] = "shapes"
    output: sympy.MatrixSymbol
    rhs: sympy.Basic
    symbols: tuple[sympy.MatrixSymbol, ...]


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


@dataclass(frozen=True, kw_only=True)
class ExpandStep(Step):
    """Σ_k W_{3,k} x_k  ->  W_{3,1}x_1 + W_{3,2}x_2 + … + W_{3,7}x_7 + … + W_{3,D}x_D."""

    kind: ClassVar[str] = "expand"
    lhs: sympy.Expr
    terms: tuple[Term, ...]
    focus: int | None
    """Position in `terms` of the term that holds the target, if one does."""
    target: sympy.Expr


@dataclass(frozen=True, kw_only=True)
class DifferentiateStep(Step):
    """∂y_3/∂x_7 = ∂/∂x_7[W_{3,1}x_1 + …]  ->  0 + 0 + … + ∂/∂x_7[W_{3,7}x_7] + … + 0."""

    kind: ClassVar[str] = "differentiate"
    of: sympy.Expr
    by: sympy.Expr
    terms: tuple[Term, ...]
    derivatives: tuple[Term, ...]


@dataclass(frozen=True, kw_only=True)
class IsolateStep(Step):
    """0 + … + ∂/∂x_7[W_{3,7}x_7] + … + 0  ->  ∂/∂x_7[W_{3,7}x_7] = W_{3,7}."""

    kind: ClassVar[str] = "isolate"
    of: sympy.Expr
    by: sympy.Expr
    surviving: sympy.Expr
    result: sympy.Expr


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


@dataclass(frozen=True, kw_only=True)
class IndexDerivativeStep(Step):
    """L = Σ_k (…)²  ->  ∂L/∂W_{j,m} = 2 Σ_k (…) Σ_l δ_{k,j} δ_{l,m} x_l: the ordinary rules."""

    kind: ClassVar[str] = "index_derivative"
    of: sympy.Expr
    by: sympy.Expr
    component: sympy.Expr
    derivative: sympy.Expr


@dataclass(frozen=True, kw_only=True)
class DeltaStep(Step):
    """Σ_k δ_{k,j} f(k)  ->  f(j): each Kronecker delta picks one term of its sum."""

    kind: ClassVar[str] = "deltas"
    of: sympy.Expr
    by: sympy.Expr
    result: sympy.Expr


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


@dataclass(frozen=True, kw_only=True)
class ChainSummaryStep(Step):
    """The note's closing advice, with this derivation's intermediates and sums filled in."""

    kind: ClassVar[str] = "chain_summary"
    of: sympy.Expr
    by: sympy.Expr
    names: tuple[sympy.MatrixSymbol, ...]
    sums: tuple[tuple[sympy.Symbol, Dim], ...]


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
