"""Names a user may not give a symbol, a size or an index: those the JSON cannot carry.

Every string derivgen's JSON writes is read back by `sympy.parse_expr` with the problem's
symbols, sizes and index names in the local dictionary, which takes precedence over sympy's
own names: so `E`, `I`, `S`, `N`, `Q`, `pi` or `gamma` are fine names. Two kinds are not:
Python's keywords (`lambda`, `if`), which no local dictionary can rebind, and the names the
JSON itself writes as functions (`Sum`, `Derivative`, `KroneckerDelta`, `shape`, …), which a
symbol of that name would shadow. Both are refused where they are typed, with the caret.
"""

from __future__ import annotations

import keyword

JSON_VOCABULARY = frozenset(
    {
        # sympy's, as derivgen's JSON printer writes them
        "Sum", "Derivative", "KroneckerDelta", "Ne", "Eq", "And", "Or", "Not", "Piecewise",
        "Trace", "Identity", "ZeroMatrix", "OneMatrix", "KroneckerProduct", "DiagMatrix",
        "HadamardProduct", "HadamardPower", "Determinant", "Inverse", "Transpose", "MatPow",
        "MatMul", "MatAdd", "Abs",
        # derivgen's own, in claims and index formulas
        "Vec", "shape", "inverse_entry", "determinant", "cofactor",
    }
)
"""Every function name a JSON string may hold besides the equation's own functions;
tests/test_robustness.py checks that the JSON of many derivations uses no other."""


def refusal(name: str) -> str | None:
    """Why `name` cannot name a symbol, size or index, or None when it can."""
    if keyword.iskeyword(name):
        return (
            f"{name} is a Python keyword, which cannot name anything in derivgen's JSON "
            "(it is read by Python's parser): pick another name"
        )
    if name in JSON_VOCABULARY:
        return (
            f"{name} is a function name in derivgen's JSON (sympy's {name}), so it cannot "
            "name anything else: pick another name"
        )
    return None
