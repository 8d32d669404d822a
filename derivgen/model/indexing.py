"""The note's 1-based index notation: the one place where it meets sympy's 0-based matrices.

An entry is written as the note writes it: `W[3, 7]` for a matrix, `x[7]` for a vector of
either orientation, plain `a` for a 1x1 symbol. Positions are (row, column) pairs, 1-based.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.model.shapes import Shape

Index = int | sympy.Expr
"""A 1-based index: a concrete integer or an index symbol such as i."""


def entry(name: str, shape: Shape, row: Index, col: Index) -> sympy.Expr:
    """The entry of `name` at 1-based (row, col), in the note's notation."""
    if shape.is_scalar:
        return sympy.Symbol(name)
    base = sympy.IndexedBase(name)
    if shape.is_column:
        return base[row]
    if shape.is_row:
        return base[col]
    return base[row, col]


def indexed(name: str, shape: Shape, indices: Sequence[Index]) -> sympy.Expr:
    """The entry named by the note's index tuple (one index for a vector, two for a matrix)."""
    row, col = position(shape, indices)
    return entry(name, shape, row, col)


def position(shape: Shape, indices: Sequence[Index]) -> tuple[Index, Index]:
    """(row, col) of the entry that an index tuple names."""
    if shape.is_scalar:
        return (1, 1)
    if shape.is_column:
        return (indices[0], 1)
    if shape.is_row:
        return (1, indices[0])
    return (indices[0], indices[1])


def explicit_symbols(name: str, rows: int, cols: int) -> sympy.ImmutableMatrix:
    """A concrete matrix of scalar symbols standing for the entries of `name`."""
    return sympy.ImmutableMatrix(rows, cols, lambda r, c: sympy.Symbol(f"{name}⟨{r + 1},{c + 1}⟩"))


def explicit_entry(matrix: sympy.MatrixBase, shape: Shape, indices: Sequence[int]) -> sympy.Expr:
    """The element of a concrete matrix at the note's 1-based index tuple."""
    row, col = position(shape, indices)
    return matrix[int(row) - 1, int(col) - 1]
