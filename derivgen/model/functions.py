"""The elementwise functions as sympy functions, so that sympy's chain rule applies to them.

sympy has tanh, exp, log, sin and cos; the logistic sigma is defined here, with its
derivative in the closed form textbooks print: σ'(u) = σ(u) (1 − σ(u)).
"""

from __future__ import annotations

import sympy


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
