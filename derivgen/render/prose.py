"""Sentence pieces shared by the LaTeX and text renderers; each takes a formatter for maths."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy

Format = Callable[[sympy.Basic], str]

_VOWEL_SOUNDS = set("AEFHILMNORSX8")
"""Initials read with a vowel sound ("an N×C matrix", "an 8×3 matrix")."""


RULES = {
    "determinant": (
        "Jacobi's formula for the derivative of a determinant (expand the determinant along "
        "the entry's row: each term is an entry of that row times its cofactor, and no "
        "cofactor holds an entry of the row, so the partial is the entry's cofactor; the "
        "matrix of cofactors is the determinant times the transposed inverse)"
    ),
    "inverse_entry": (
        "the derivative of an entry of an inverse (differentiate the entries of the "
        "identity, a matrix times its inverse, with the product rule, and solve for the "
        "derivative of the inverse)"
    ),
}
"""What each rule beyond the ordinary ones is, by the name of its entry function."""


def rule_names(rules: Sequence[tuple[str, object, object]]) -> str:
    """The rules a derivative uses beyond the ordinary ones, each named once, as a list."""
    return listing(list(dict.fromkeys(RULES[name] for name, _, _ in rules)))


def listing(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def article(word: str) -> str:
    return "an" if word[:1].upper() in _VOWEL_SOUNDS and word[:2] not in ("1", "10") else "a"


def describe(
    symbol: sympy.MatrixSymbol, math: Format, size: Callable[[sympy.Basic, sympy.Basic], str]
) -> str:
    """`y is a column vector of length C`, `W is a C×D matrix`, `a is a scalar`."""
    rows, cols = symbol.shape
    name = math(symbol)
    if rows == 1 and cols == 1:
        return f"{name} is a scalar"
    if cols == 1:
        return f"{name} is a column vector of length {math(rows)}"
    if rows == 1:
        return f"{name} is a row vector of length {math(cols)}"
    return f"{name} is {article(str(rows))} {size(rows, cols)} matrix"


def arrangement(
    layout: str, row: sympy.Symbol | None, col: sympy.Symbol | None, math: Format
) -> str:
    """How an assembled matrix is laid out, as a clause after a comma."""
    where = listing(
        [
            f"{math(i)} {w}"
            for i, w in ((row, "down the rows"), (col, "across the columns"))
            if i is not None
        ]
    )
    return {
        "numerator": f"with {where} (numerator layout: one row per component of the output)",
        "denominator": f"with {where} (denominator layout: one row per component of the "
        "variable, the arrangement the note uses for row vectors)",
        "variable": f"in the shape of the variable (denominator layout), with {where}",
        "variable transposed": f"in the shape of the variable transposed (numerator layout), "
        f"with {where}",
        "output": f"in the shape of the output (numerator layout), with {where}",
        "output transposed": f"in the shape of the output transposed (denominator layout), "
        f"with {where}",
        "scalar": "a single number",
    }[layout]


def instance_sizes(sizes: dict[str, int], assign: Callable[[str, str, str], str]) -> str:
    """`C = 3, D = 7`; a large concrete size checked on a smaller instance reads `1024 → 4`."""
    return listing(
        [assign(name, "→" if name.isdigit() else "=", str(value)) for name, value in sizes.items()]
    )


def check_sentence(
    sizes: dict[str, int],
    arithmetic: str,
    max_error: str,
    assign: Callable[[str, str, str], str],
) -> str:
    """What was checked, as an instructor would say it (after "Checked by derivgen:")."""
    instance = (
        f"on a random instance with {instance_sizes(sizes, assign)}"
        if sizes
        else "on a random instance of the sizes given"
    )
    exactly = "exactly (in rational arithmetic)" if arithmetic == "exact" else "to 50 digits"
    return (
        f"every equality in these lines holds {instance}, {exactly}, for every index value "
        "it is stated for; its derivatives also agree with numerical differentiation of the "
        f"equation at a second random point (largest difference {max_error})."
    )


def condition_sides(held: sympy.Expr, wanted: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """A (held, wanted) index condition as its two printed sides, `k = i` or `k ≠ i`.

    The target's index comes first, as the generalize step writes its conditions; a number
    comes last (`i = 7`, never `7 = i`).
    """
    return (held, wanted) if wanted.is_Integer and not held.is_Integer else (wanted, held)
