"""`sigma(A)`, `tanh(A)`, `exp`, `log`, `sin`, `cos`: a scalar function on every entry.

The functions are sympy functions, so that sympy's chain rule applies to them; the logistic
σ is defined here, with its derivative in the closed form textbooks print:
σ'(u) = σ(u) (1 − σ(u)). sympy has no elementwise application that prints as `σ(W x)` and
evaluates on explicit matrices; `Applied` is that.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from sympy.core.symbol import Str

from derivgen.model.indexing import Index
from derivgen.model.ops.base import Components, Operation, Pair, Sizes, is_matrix
from derivgen.model.shapes import Shapes
from derivgen.parse.ast import Elementwise


class sigma(sympy.Function):  # noqa: N801 - named as users write it and as sympy prints it
    """The logistic function 1 / (1 + e^{-u})."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigma(self.args[0]) * (1 - sigma(self.args[0]))

    def _eval_rewrite_as_exp(self, u: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-u))

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return self.rewrite(sympy.exp)._eval_evalf(prec)


ELEMENTWISE: dict[str, type[sympy.Function]] = {
    "sigma": sigma,
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "sin": sympy.sin,
    "cos": sympy.cos,
}
"""Each elementwise function of the grammar by name."""


class Applied(sympy.MatrixExpr):
    """`f(A)`: an elementwise function applied to every entry of a matrix expression."""

    def __new__(cls, function: str | Str, arg: sympy.Basic) -> Applied:
        # A Str, not a Symbol: the name must not count as a free symbol that a substitution
        # of numbers could replace. sympy rebuilds expressions as func(*args), passing it back.
        name = function if isinstance(function, Str) else Str(function)
        return super().__new__(cls, name, arg)

    @property
    def function(self) -> str:
        return str(self.args[0])

    @property
    def arg(self) -> sympy.Basic:
        return self.args[1]

    @property
    def shape(self) -> tuple:
        return self.arg.shape

    def _entry(self, i: int, j: int, **kwargs: object) -> sympy.Expr:
        return ELEMENTWISE[self.function](self.arg[i, j])

    def _eval_transpose(self) -> Applied:
        """f(A)ᵀ = f(Aᵀ): so that tanh(xᵀWᵀ)ᵀ reads tanh(W x)."""
        return Applied(self.args[0], self.arg.T)


class ElementwiseOperation(Operation):
    node = Elementwise

    def shape(self, node: Elementwise, operands: Sequence[Pair], sizes: Sizes) -> Pair:
        return operands[0]

    def component(self, node: Elementwise, at: Components, row: Index, col: Index) -> sympy.Expr:
        return ELEMENTWISE[node.function](at.of(node.operand, row, col))

    def matrix(
        self, node: Elementwise, operands: Sequence[sympy.Basic], shapes: Shapes
    ) -> sympy.Basic:
        (value,) = operands
        if is_matrix(value):
            return Applied(node.function, value)
        return ELEMENTWISE[node.function](value)


OPERATION = ElementwiseOperation()
