"""Shapes: the rows and columns of each symbol, as inference (`model.inference`) resolves them."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import sympy

Dim = int | sympy.Symbol
"""A resolved dimension: a concrete size or a size symbol such as D."""


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
