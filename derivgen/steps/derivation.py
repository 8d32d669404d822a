"""The problem and its answer as a derivation carries them, beside its steps.

The steps are what the note shows, in order; renderers and documents that need only the
problem (a question, a heading) or only its result (a key's boxed answer, a summary, the
JSON fields) read these instead of searching the steps for one kind. `build` fills both in
from the same values it gives the steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derivgen.model.shapes import Dim


@dataclass(frozen=True, kw_only=True)
class Statement:
    """`y = W x` with y (C,1), W (C,D), x (D,1): the problem as the shapes step states it.

    Questions and headings print it without finding that step.
    """

    output: sympy.MatrixSymbol
    rhs: sympy.Basic
    """The right-hand side as a matrix expression."""
    symbols: tuple[sympy.MatrixSymbol, ...]
    """Every symbol with its size, the output first."""


@dataclass(frozen=True, kw_only=True)
class GeneralEntry:
    """∂y_i/∂x_j = W_{i,j} for all i, j: what the generalize step shows, for answers to print."""

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
class Assembled:
    """dy/dx = W, with i down the rows: the assembled matrix and its arrangement.

    Only a derivative with at most two axes has one; `layout` is as in `AssembleStep`.
    """

    of: sympy.MatrixSymbol
    by: sympy.MatrixSymbol
    result: sympy.Basic
    row_index: sympy.Symbol | None
    col_index: sympy.Symbol | None
    layout: str


@dataclass(frozen=True, kw_only=True)
class Backprop:
    """∂L/∂W = g xᵀ: the backprop view's matrix, which a key boxes beside the answer."""

    loss: sympy.Symbol
    by: sympy.MatrixSymbol
    matrix: sympy.Basic
    """∂L/∂W in the shape of W."""
    gradient: sympy.MatrixSymbol | None = None
    """g, the name `matrix` gives the upstream gradient ∂L/∂z."""
    output: sympy.MatrixSymbol | None = None
    """z, the output whose gradient g is."""


@dataclass(frozen=True, kw_only=True)
class Answer:
    """The results of a derivation, for keys, summaries and the JSON fields to print."""

    entry: sympy.Expr | None
    """The requested entry's value (∂y_3/∂x_7 = W_{3,7}), when every index is a number."""
    general: GeneralEntry
    matrix: Assembled | None
    """The assembled matrix, for a derivative with at most two axes."""
    index: sympy.Expr | None
    """The index view's result (deltas between free indices kept), when it was asked for."""
    vec: sympy.Basic | None
    """The vec view's ∂vec(f)/∂vec(W), when it was asked for."""
    backprop: Backprop | None
    """The backprop view's matrix, when it was asked for."""
