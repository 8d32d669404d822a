"""The numbers a check computes with: exact rationals, 50-digit reals, and dual numbers.

A dual number a + b·ε (ε² = 0) carries a value and its derivative along one variable, so
evaluating an expression on duals differentiates it exactly, without differentiating any
formula symbolically (forward-mode automatic differentiation, written here because it is
twenty lines and the field it runs over is our own choice).
"""

from __future__ import annotations

import cmath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from derivgen.errors import VerificationError


class InexactError(Exception):
    """A function (exp, σ, …) met in exact arithmetic: the check runs again with 50 digits."""


class Dual:
    """a + b·ε, with ε² = 0."""

    __slots__ = ("a", "b")

    def __init__(self, a: Any, b: Any) -> None:
        self.a = a
        self.b = b

    def __add__(self, other: Any) -> Dual:
        if isinstance(other, np.ndarray):
            return NotImplemented  # numpy applies the operation entry by entry
        if isinstance(other, Dual):
            return Dual(self.a + other.a, self.b + other.b)
        return Dual(self.a + other, self.b)

    __radd__ = __add__

    def __neg__(self) -> Dual:
        return Dual(-self.a, -self.b)

    def __sub__(self, other: Any) -> Dual:
        return self + (-other)

    def __rsub__(self, other: Any) -> Dual:
        return (-self) + other

    def __mul__(self, other: Any) -> Dual:
        if isinstance(other, np.ndarray):
            return NotImplemented  # numpy applies the operation entry by entry
        if isinstance(other, Dual):
            return Dual(self.a * other.a, self.a * other.b + self.b * other.a)
        return Dual(self.a * other, self.b * other)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Dual:
        if isinstance(other, np.ndarray):
            return NotImplemented
        if isinstance(other, Dual):
            return Dual(
                divide(self.a, other.a), divide(self.b * other.a - self.a * other.b, other.a**2)
            )
        return Dual(divide(self.a, other), divide(self.b, other))

    def __rtruediv__(self, other: Any) -> Dual:
        return Dual(divide(other, self.a), divide(-other * self.b, self.a**2))

    def __pow__(self, exponent: int) -> Dual:
        return Dual(self.a**exponent, exponent * self.a ** (exponent - 1) * self.b)


def divide(a: Any, b: Any) -> Any:
    """a / b, exact for integers (Python's int / int is a float)."""
    if isinstance(a, int) and isinstance(b, int):
        return Fraction(a, b)
    return a / b


def value_of(x: Any) -> Any:
    """The value part of a dual, or the number itself."""
    return x.a if isinstance(x, Dual) else x


def derivative_of(x: Any) -> Any:
    """The ε part of a dual; a plain number does not depend on the variable."""
    return x.b if isinstance(x, Dual) else 0


Function = tuple[Callable[[Any], Any], Callable[[Any], Any]]
"""A function and its derivative, on plain numbers of one field."""


@dataclass(frozen=True)
class Field:
    """How one kind of number is made, compared and passed through exp, log, σ, …"""

    name: str
    number: Callable[[Fraction], Any]
    functions: Mapping[str, Function]
    tolerance: float
    """Relative: 0 means exact equality."""
    finite: Callable[[Any], bool] = lambda _: True
    """Whether a value of a function is a number (mpmath's log(0) is -inf, not an error)."""

    def apply(self, name: str, x: Any) -> Any:
        if name not in self.functions:
            raise InexactError(name)
        function, derivative = self.functions[name]
        try:
            if isinstance(x, Dual):
                value = Dual(function(x.a), derivative(x.a) * x.b)
                finite = self.finite(value.a) and self.finite(value.b)
            else:
                value = function(x)
                finite = self.finite(value)
        except (OverflowError, ValueError, ZeroDivisionError) as error:
            # exp(exp(exp(exp(x)))) leaves doubles behind, and 50 digits a little later
            raise self._unevaluable(name, str(error)) from error
        if not finite:  # log(g - g): the argument is 0 wherever the point is
            raise self._unevaluable(name, f"{name} of {value_of(x)} is not a finite number")
        return value

    def _unevaluable(self, name: str, why: str) -> VerificationError:
        return VerificationError(
            f"the verifier cannot evaluate {name} at its random point in {self.name} "
            f"arithmetic ({why}): derivgen prints nothing it has not checked"
        )

    def close(self, a: Any, b: Any) -> bool:
        if self.tolerance == 0:
            if isinstance(a, float) or isinstance(b, float):
                raise TypeError("a rounded number in exact arithmetic")
            return a == b
        return abs(a - b) <= self.tolerance * (1 + abs(a) + abs(b))


def _functions(exp: Callable, log: Callable, sin: Callable, cos: Callable, tanh: Callable) -> dict:
    def sigma(u: Any) -> Any:
        return 1 / (1 + exp(-u))

    return {
        "exp": (exp, exp),
        "log": (log, lambda u: 1 / u),
        "sin": (sin, cos),
        "cos": (cos, lambda u: -sin(u)),
        "tanh": (tanh, lambda u: 1 - tanh(u) ** 2),
        "sigma": (sigma, lambda u: sigma(u) * (1 - sigma(u))),
    }


def _exact(q: Fraction) -> int | Fraction:
    """An integer as a Python int: ints add and multiply many times faster than Fractions."""
    return q.numerator if q.denominator == 1 else q


EXACT = Field("exact", _exact, {}, 0)
"""Integers and rationals: a false polynomial identity almost never holds at a random point
(of degree d, with probability at most d / 10⁹ for entries drawn from 10⁹ integers)."""

_MP = mpmath.MPContext()
_MP.dps = 50
PRECISE = Field(
    "50 digits",
    lambda q: _MP.mpf(q.numerator) / q.denominator,
    _functions(_MP.exp, _MP.log, _MP.sin, _MP.cos, _MP.tanh),
    1e-35,
    _MP.isfinite,
)
"""For exp, log, σ, …: a wrong formula is off by far more than 50-digit rounding."""

FLOAT = Field(
    "float",
    lambda q: complex(q.numerator / q.denominator),
    _functions(cmath.exp, cmath.log, cmath.sin, cmath.cos, cmath.tanh),
    1e-6,
    cmath.isfinite,
)
"""Complex doubles, for central differences (log of a negative number is complex)."""

STEP = 1e-6
"""The central difference's step, relative to the entry it moves."""
