"""Inverse and determinant of a small array in whatever numbers it holds, by elimination.

Written here, not taken from numpy or sympy, because the entries are exact rationals,
50-digit reals, complex doubles or dual numbers (whose ε parts carry a derivative through
every division), and numpy's routines take none of them. Pivots are chosen by value, the
first nonzero in the column, which is all exact arithmetic needs.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from derivgen.errors import VerificationError
from derivgen.verify.numbers import divide, value_of


class SingularError(VerificationError):
    """A matrix that is inverted, or whose determinant is taken, is singular on the instance
    (XᵀX with X wider than tall): the check moves to an instance with other sizes."""


ROUNDING = 1e-25
"""A pivot this small beside its column's largest entry is a zero, in rounded arithmetic."""


def _is_zero(value: Any, scale: Any) -> bool:
    value = value_of(value)
    if isinstance(value, int | Fraction):
        return value == 0
    return abs(value) <= ROUNDING * (1 + abs(value_of(scale)))


def _pivot(rows: list[list[Any]], column: int, start: int) -> int:
    scale = max((abs(value_of(rows[r][column])) for r in range(len(rows))), default=0)
    for r in range(start, len(rows)):
        if not _is_zero(rows[r][column], scale):
            return r
    raise SingularError("a matrix is singular on the instance, so it has no inverse")


def _square(array: np.ndarray) -> int:
    n, m = array.shape
    if n != m:
        raise VerificationError(f"an inverse or determinant of a {n}×{m} array")
    return n


def inverse(array: np.ndarray) -> np.ndarray:
    """A⁻¹ by Gauss-Jordan elimination on [A | I]."""
    n = _square(array)
    rows = [[*array[r], *(1 if c == r else 0 for c in range(n))] for r in range(n)]
    for column in range(n):
        p = _pivot(rows, column, column)
        rows[column], rows[p] = rows[p], rows[column]
        lead = rows[column][column]
        rows[column] = [divide(x, lead) for x in rows[column]]
        for r in range(n):
            if r != column:
                factor = rows[r][column]
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[column], strict=True)]
    out = np.empty((n, n), dtype=object)
    for r in range(n):
        for c in range(n):
            out[r, c] = rows[r][n + c]
    return out


def determinant(array: np.ndarray) -> Any:
    """det A as the signed product of the pivots of Gaussian elimination (SingularError when
    it is 0: every use derivgen makes of a determinant needs the matrix invertible)."""
    n = _square(array)
    rows = [list(array[r]) for r in range(n)]
    result: Any = 1
    for column in range(n):
        p = _pivot(rows, column, column)
        if p != column:
            rows[column], rows[p] = rows[p], rows[column]
            result = -result
        lead = rows[column][column]
        result = result * lead
        for r in range(column + 1, n):
            factor = divide(rows[r][column], lead)
            rows[r] = [x - factor * y for x, y in zip(rows[r], rows[column], strict=True)]
    return result


def cofactors(array: np.ndarray) -> np.ndarray:
    """C[i, l] = (−1)^{i+l} det(A without row i and column l), each minor computed anew."""
    n = _square(array)
    out = np.empty((n, n), dtype=object)
    for r in range(n):
        for c in range(n):
            minor = np.delete(np.delete(array, r, axis=0), c, axis=1)
            value = determinant(minor) if n > 1 else 1
            out[r, c] = value if (r + c) % 2 == 0 else -value
    return out
