"""From a general entry formula to a named matrix: the arrangement, the grid, the recognition.

The arrangement follows the note: a column output runs down the rows (numerator layout), a
row output across the columns with the variable down the rows (its `dy/dx = W` for row
vectors), and a scalar's derivative takes the shape of the variable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from derivgen.model.indexing import indexed
from derivgen.model.shapes import Dim, Shape, Shapes
from derivgen.steps.kinds import Dots, Term
from derivgen.steps.recognize import recognize_matrix

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


LAYOUTS = ("numerator", "denominator")
"""The layouts a user may ask for; without one, the note's arrangement is used."""

DENOMINATOR_ARRANGEMENTS = ("denominator", "variable", "output transposed")
"""The arrangements that are denominator layout: rows follow the variable's index."""


def arrange(
    of_shape: Shape,
    of_names: tuple[sympy.Symbol, ...],
    by_shape: Shape,
    by_names: tuple[sympy.Symbol, ...],
    layout: str | None = None,
) -> Arrangement:
    """The arrangement of a derivative with at most two axes, in `layout` or the note's.

    Numerator layout lays the output's indices along the rows and the variable's along the
    columns; denominator layout the other way round. The note's own choice is numerator for a
    column-vector output, denominator for a row-vector output, and a scalar's derivative in the
    shape of the variable (denominator layout).
    """
    if of_shape.is_scalar and by_shape.is_scalar:
        return Arrangement(None, None, 1, 1, "scalar")
    if of_shape.is_scalar:
        row, col, rows, cols = _axes(by_shape, by_names)
        if layout == "numerator":
            return Arrangement(col, row, cols, rows, "variable transposed")
        return Arrangement(row, col, rows, cols, "variable")
    if by_shape.is_scalar:
        row, col, rows, cols = _axes(of_shape, of_names)
        if layout == "denominator":
            return Arrangement(col, row, cols, rows, "output transposed")
        return Arrangement(row, col, rows, cols, "output")
    (of_size,), (by_size,) = of_shape.axes, by_shape.axes
    if layout is None:
        layout = "denominator" if of_shape.is_row else "numerator"
    if layout == "denominator":
        return Arrangement(by_names[0], of_names[0], by_size, of_size, "denominator")
    return Arrangement(of_names[0], by_names[0], of_size, by_size, "numerator")


def axis_values(size: Dim, dots: Dots, *, shown: int = 2) -> list[sympy.Expr | Dots]:
    """1, 2, …, n for an axis; every value when it is short and concrete."""
    if isinstance(size, int) and size <= GRID_LIMIT:
        return [sympy.Integer(v) for v in range(1, size + 1)]
    return [*(sympy.Integer(v) for v in range(1, shown + 1)), dots, sympy.sympify(size)]


def grid_positions(arrangement: Arrangement) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """The index value of each row and each column of the grid (1 along an axis of length 1)."""
    one: list[Term] = [sympy.Integer(1)]
    rows = axis_values(arrangement.rows, Dots.DOWN) if arrangement.row_index else one
    cols = axis_values(arrangement.cols, Dots.ACROSS, shown=3) if arrangement.col_index else one
    return tuple(rows), tuple(cols)


def grid(arrangement: Arrangement, cell: Callable[[dict], Term]) -> tuple[tuple[Term, ...], ...]:
    """The matrix of cells `cell({row: r, col: c})`, with elisions where axes are long."""
    rows, cols = grid_positions(arrangement)
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
                if arrangement.row_index is not None:
                    values[arrangement.row_index] = r
                if arrangement.col_index is not None:
                    values[arrangement.col_index] = c
                line.append(cell(values))
        table.append(tuple(line))
    return tuple(table)


def recognize(formula: sympy.Expr, arrangement: Arrangement, shapes: Shapes) -> sympy.Basic:
    """Name the matrix whose entry at (row_index, col_index) is `formula`."""
    row, col = arrangement.row_index, arrangement.col_index
    sizes = {i: n for i, n in ((row, arrangement.rows), (col, arrangement.cols)) if i is not None}
    return recognize_matrix(formula, row, col, sizes, shapes)


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
