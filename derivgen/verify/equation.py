"""The parsed equation evaluated by plain matrix arithmetic: the oracle the claims answer to.

It reads the parse tree, not the engine's sympy forms or steps, so no step can confirm itself
through it. Each node kind has a case here on purpose, apart from the engine's own rules; a
test checks that every node kind of the grammar has one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from derivgen.errors import VerificationError
from derivgen.parse.ast import (
    Add,
    Determinant,
    Elementwise,
    Hadamard,
    Inverse,
    MatMul,
    Negate,
    Node,
    Number,
    Reduction,
    Symbol,
    Transpose,
)
from derivgen.verify import linear

Array = np.ndarray
"""A 2-D numpy array of objects (rationals, 50-digit reals, duals or complex doubles)."""

NODE_KINDS = (
    Symbol,
    Number,
    Negate,
    Transpose,
    Elementwise,
    Reduction,
    Add,
    Hadamard,
    MatMul,
    Inverse,
    Determinant,
)
"""Every node kind this evaluator has a case for."""


def _same_shape(a: Array, b: Array, what: str) -> None:
    if a.shape != b.shape:
        raise VerificationError(f"the equation's {what} joins a {a.shape} and a {b.shape} array")


def evaluate(
    node: Node,
    arrays: Mapping[str, Array],
    number: Callable[[Fraction], Any],
    apply: Callable[[str, Any], Any],
) -> Array:
    """The value of `node` with the symbols' values in `arrays` (every result 2-D)."""

    def walk(item: Node) -> Array:  # noqa: PLR0912 - a case per node kind
        match item:
            case Symbol(name=name):
                return arrays[name]
            case Number(value=value):
                return np.array([[number(Fraction(value))]], dtype=object)
            case Negate(operand=inner):
                return -walk(inner)
            case Transpose(operand=inner):
                return walk(inner).T
            case Elementwise(function=function, operand=inner):
                return np.vectorize(lambda u: apply(function, u), otypes=[object])(walk(inner))
            case Reduction(function=function, operand=inner):
                value = walk(inner)
                if function == "tr":
                    if value.shape[0] != value.shape[1]:
                        raise VerificationError("the equation's trace is of a non-square array")
                    total = sum(value[n, n] for n in range(value.shape[0]))
                else:
                    total = sum(value.flat)
                return np.array([[total]], dtype=object)
            case Inverse(operand=inner):
                return linear.inverse(walk(inner))
            case Determinant(operand=inner):
                return np.array([[linear.determinant(walk(inner))]], dtype=object)
            case Add(left=left, right=right, subtract=subtract):
                a, b = walk(left), walk(right)
                _same_shape(a, b, "sum")
                return a - b if subtract else a + b
            case Hadamard(left=left, right=right):
                a, b = walk(left), walk(right)
                _same_shape(a, b, "Hadamard product")
                return a * b
            case MatMul(left=left, right=right):
                a, b = walk(left), walk(right)
                if a.shape == (1, 1):
                    return a[0, 0] * b
                if b.shape == (1, 1):
                    return a * b[0, 0]
                if a.shape[1] != b.shape[0]:
                    raise VerificationError(
                        f"the equation multiplies a {a.shape} by a {b.shape} array"
                    )
                return a.dot(b)
        raise TypeError(f"unknown node {type(item).__name__}")

    return walk(node)
