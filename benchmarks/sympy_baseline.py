"""SymPy's bare `MatrixSymbol.diff` on each benchmark example: the yardstick for derive().

Each right-hand side is written here by hand with sympy's MatrixSymbols (nothing is taken
from derivgen), so the baseline does not inherit derivgen's reading of the equation. An
entry target such as dy[3]/dx[7] is timed as the whole expression's diff by x, since that is
what SymPy offers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sympy
from sympy import (
    Determinant,
    HadamardProduct,
    Inverse,
    Lambda,
    MatrixSymbol,
    Trace,
    exp,
    log,
    tanh,
)

_u = sympy.Symbol("u")
SIGMA = Lambda(_u, 1 / (1 + exp(-_u)))
"""The logistic function; `expr.applyfunc(SIGMA)` is SymPy's elementwise σ on a matrix."""

Matrices = dict[str, MatrixSymbol]

RIGHT_HAND_SIDES: dict[str, Callable[[Matrices], sympy.Basic]] = {
    "y = W x": lambda m: m["W"] * m["x"],
    "f = W x": lambda m: m["W"] * m["x"],
    "y = x W": lambda m: m["x"] * m["W"],
    "Y = X W": lambda m: m["X"] * m["W"],
    "y = V W x": lambda m: m["V"] * m["W"] * m["x"],
    "y = U V W x": lambda m: m["U"] * m["V"] * m["W"] * m["x"],
    "z = W x + b": lambda m: m["W"] * m["x"] + m["b"],
    "s = x^T A x": lambda m: m["x"].T * m["A"] * m["x"],
    "L = (W x - t)^T (W x - t)": lambda m: (
        (m["W"] * m["x"] - m["t"]).T * (m["W"] * m["x"] - m["t"])
    ),
    "s = tr(A X B)": lambda m: Trace(m["A"] * m["X"] * m["B"]),
    "y = sigma(W x)": lambda m: (m["W"] * m["x"]).applyfunc(SIGMA),
    "y = tanh(W x + b)": lambda m: (m["W"] * m["x"] + m["b"]).applyfunc(tanh),
    "y = x .* z": lambda m: HadamardProduct(m["x"], m["z"]),
    "y = V sigma(W x)": lambda m: m["V"] * (m["W"] * m["x"]).applyfunc(SIGMA),
    "s = tr(A X B X^T C)": lambda m: Trace(m["A"] * m["X"] * m["B"] * m["X"].T * m["C"]),
    "s = det(X)": lambda m: Determinant(m["X"]),
    "s = logdet(X)": lambda m: log(Determinant(m["X"])),
    "Y = X^-1": lambda m: Inverse(m["X"]),
    "s = a^T X^-1 b": lambda m: m["a"].T * Inverse(m["X"]) * m["b"],
    "L = (x - m)^T S^-1 (x - m) + logdet(S)": lambda m: (
        (m["x"] - m["m"]).T * Inverse(m["S"]) * (m["x"] - m["m"])
    )[0, 0]
    + log(Determinant(m["S"])),
}


def parse_sizes(sizes: str) -> dict[str, list[str]]:
    """Split "W=C,D x=D,1" into {"W": ["C", "D"], "x": ["D", "1"]}: one string per example."""
    return {name: dims.split(",") for name, dims in (item.split("=") for item in sizes.split())}


def matrices(sizes: str) -> Matrices:
    """MatrixSymbols of the given sizes: a number is a concrete size, a name a symbolic one."""

    def size(dim: str) -> int | sympy.Symbol:
        return int(dim) if dim.isdigit() else sympy.Symbol(dim)

    return {
        name: MatrixSymbol(name, *(size(dim) for dim in dims))
        for name, dims in parse_sizes(sizes).items()
    }


def variable(target: str) -> str:
    """The name differentiated by: "dy[3]/dx[7]" and "dy/dx" both give "x"."""
    found = re.search(r"/\s*[d∂]\s*([A-Za-z]\w*)", target)
    if found is None:
        raise ValueError(f"no variable in target {target!r}")
    return found.group(1)


def sympy_diff(equation: str, target: str, sizes: str) -> Callable[[], sympy.Basic]:
    """The call to time: the right-hand side built once, then `.diff(variable)` on it."""
    symbols = matrices(sizes)
    expression = RIGHT_HAND_SIDES[equation](symbols)
    by = symbols[variable(target)]
    return lambda: expression.diff(by)
