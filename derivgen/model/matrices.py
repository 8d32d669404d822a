"""`vec(A)`: the matrix expression the vectorization view differentiates by.

The operations' own matrix forms (`Applied`, `EntrySum`, …) live with their operations in
`derivgen.model.ops`; vec is no operation of the grammar, only of the views.
"""

from __future__ import annotations

import sympy


class Vec(sympy.MatrixExpr):
    """`vec(A)`: the columns of A stacked into one column, first column first."""

    _diff_wrt = True
    """A derivative may be taken with respect to vec(W), as the vectorization view does."""

    def __new__(cls, arg: sympy.Basic) -> Vec:
        return super().__new__(cls, arg)

    @property
    def arg(self) -> sympy.Basic:
        return self.args[0]

    @property
    def shape(self) -> tuple:
        rows, cols = self.arg.shape
        return (rows * cols, sympy.Integer(1))

    def _entry(self, i: int, j: int, **kwargs: object) -> sympy.Expr:
        rows = self.arg.shape[0]
        return self.arg[i % rows, i // rows]
