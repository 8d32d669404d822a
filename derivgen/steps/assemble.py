"""From a general entry formula to a named matrix: the arrangement, the grid, the recognition.

The arrangement follows the note: a column output runs down the rows (numerator layout), a
row output across the columns with the variable down the rows (its `dy/dx = W` for row
vectors), and a scalar's derivative takes the shape of the variable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from derivgen.errors import NotDerivableError
from derivgen.model.indexing import indexed
from derivgen.model.shapes import Dim, Shape, Shapes
from derivgen.steps.kinds import Dots, Term

GRID_LIMIT = 4
"""A concrete axis up to this size is written out in full; a longer one is elided."""


@dataclass(frozen=True)
class Arrangement:
    """Which index runs down the rows and which across the columns, and how big each is."""

    row_index: sympy.Symbol | None
    col_index: sympy.Symbol | None
    rows: Dim
    cols: Dim
    layout: str


def _axes(
    shape: Shape, names: tuple[sympy.Symbol, ...]
) -> tuple[sympy.Symbol | None, sympy.Symbol | None, Dim, Dim]:
    """The index on each axis of `shape`, None where the axis has length 1."""
    if shape.is_scalar:
        return None, None, 1, 1
    if shape.is_column:
        return names[0], None, shape.rows, 1
    if shape.is_row:
        return None, names[0], 1, shape.cols
    return names[0], names[1], shape.rows, shape.cols


def arrange(
    of_shape: Shape,
    of_names: tuple[sympy.Symbol, ...],
    by_shape: Shape,
    by_names: tuple[sympy.Symbol, ...],
) -> Arrangement:
    """The note's arrangement of a derivative with at most two axes."""
    if of_shape.is_scalar and by_shape.is_scalar:
        return Arrangement(None, None, 1, 1, "scalar")
    if of_shape.is_scalar:
        return Arrangement(*_axes(by_shape, by_names), "variable")
    if by_shape.is_scalar:
        return Arrangement(*_axes(of_shape, of_names), "output")
    (of_size,), (by_size,) = of_shape.axes, by_shape.axes
    if of_shape.is_row:
        return Arrangement(by_names[0], of_names[0], by_size, of_size, "denominator")
    return Arrangement(of_names[0], by_names[0], of_size, by_size, "numerator")


def axis_values(size: Dim, dots: Dots, *, shown: int = 2) -> list[sympy.Expr | Dots]:
    """1, 2, …, n for an axis; every value when it is short and concrete."""
    if isinstance(size, int) and size <= GRID_LIMIT:
        return [sympy.Integer(v) for v in range(1, size + 1)]
    return [*(sympy.Integer(v) for v in range(1, shown + 1)), dots, sympy.sympify(size)]


def grid(arrangement: Arrangement, cell: Callable[[dict], Term]) -> tuple[tuple[Term, ...], ...]:
    """The matrix of cells `cell({row: r, col: c})`, with elisions where axes are long."""
    rows = axis_values(arrangement.rows, Dots.DOWN) if arrangement.row_index else [None]
    cols = axis_values(arrangement.cols, Dots.ACROSS, shown=3) if arrangement.col_index else [None]
    table = []
    for r in rows:
        line: list[Term] = []
        for c in cols:
            if isinstance(r, Dots) and isinstance(c, Dots):
                line.append(Dots.DIAGONAL)
            elif isinstance(r, Dots) or isinstance(c, Dots):
                line.append(r if isinstance(r, Dots) else c)
            else:
                values = {}
                if r is not None:
                    values[arrangement.row_index] = r
                if c is not None:
                    values[arrangement.col_index] = c
                line.append(cell(values))
        table.append(tuple(line))
    return tuple(table)


def _vector_as(name: str, shapes: Shapes, *, column: bool) -> sympy.MatrixExpr:
    symbol = sympy.MatrixSymbol(name, shapes[name].rows, shapes[name].cols)
    return symbol if shapes[name].is_column == column else symbol.T


def recognize(formula: sympy.Expr, arrangement: Arrangement, shapes: Shapes) -> sympy.Basic:
    """Name the matrix whose (row, col) entry is `formula`: W, W.T, Identity, DiagMatrix, …"""
    row, col = arrangement.row_index, arrangement.col_index
    scale: list[sympy.Expr] = []
    indexed: list[sympy.Expr] = []
    for factor in sympy.Mul.make_args(formula):
        if factor.free_symbols & {row, col} - {None}:
            indexed.append(factor)
        else:
            scale.append(factor)
    deltas = [f for f in indexed if isinstance(f, sympy.KroneckerDelta)]
    entries = [f for f in indexed if isinstance(f, sympy.Indexed)]
    rows, cols = arrangement.rows, arrangement.cols
    diagonal = [sympy.KroneckerDelta(row, col)] if row is not None and col is not None else None
    named: sympy.Basic | None = None
    if len(indexed) != len(deltas) + len(entries):
        named = None
    elif not indexed:
        named = sympy.Integer(1) if (rows, cols) == (1, 1) else sympy.OneMatrix(rows, cols)
    elif deltas == diagonal and not entries:
        named = sympy.Identity(rows)
    elif not deltas and len(entries) == 1:
        named = _one_entry(entries[0], arrangement, shapes)
    elif deltas == diagonal and len(entries) == 1:
        (vector,) = entries
        if len(vector.indices) == 1 and vector.indices[0] in (row, col):
            named = sympy.DiagMatrix(_vector_as(str(vector.base.label), shapes, column=True))
    if named is None:
        raise NotDerivableError(f"derivgen cannot name the matrix with entries {formula} yet")
    coefficient = sympy.Mul(*scale)
    if coefficient == 1:
        return named
    return coefficient * named


def _one_entry(item: sympy.Indexed, arrangement: Arrangement, shapes: Shapes) -> sympy.Basic | None:
    row, col = arrangement.row_index, arrangement.col_index
    name = str(item.base.label)
    indices = tuple(item.indices)
    if len(indices) == 2:
        symbol = sympy.MatrixSymbol(name, shapes[name].rows, shapes[name].cols)
        if indices == (row, col):
            return symbol
        if indices == (col, row):
            return symbol.T
        return None
    (index,) = indices
    if index == row:
        column = _vector_as(name, shapes, column=True)
        return column if arrangement.cols == 1 else column * sympy.OneMatrix(1, arrangement.cols)
    if index == col:
        as_row = _vector_as(name, shapes, column=False)
        return as_row if arrangement.rows == 1 else sympy.OneMatrix(arrangement.rows, 1) * as_row
    return None


def partial(
    *,
    of_name: str,
    of_shape: Shape,
    of_names: tuple[sympy.Symbol, ...],
    by_name: str,
    by_shape: Shape,
    by_names: tuple[sympy.Symbol, ...],
) -> Callable[[dict], sympy.Expr]:
    """A cell function giving the unevaluated partial ∂of/∂by at given index values."""

    def cell(values: dict) -> sympy.Expr:
        of_entry = indexed(of_name, of_shape, [values.get(n, n) for n in of_names])
        by_entry = indexed(by_name, by_shape, [values.get(n, n) for n in by_names])
        return sympy.Derivative(of_entry, by_entry, evaluate=False)

    return cell
