"""The JSON renderer: the public result fields, every expression a sympy-parseable string."""

from __future__ import annotations

from typing import Any

import sympy

from derivgen._version import __version__
from derivgen.render.latex import LatexRenderer, renderer
from derivgen.render.printers import to_json
from derivgen.steps.claims import Claim
from derivgen.steps.derivation import Answer
from derivgen.verify import Checked


def _dim(value: int | sympy.Basic) -> int | str:
    return value if isinstance(value, int) else str(value)


def as_dict(checked: Checked, latex: LatexRenderer | None = None) -> dict[str, Any]:
    """The fields of the public JSON interface, in its documented order; new fields are only
    ever added (`derivgen_version` says which derivgen wrote them)."""
    derived = checked.derived
    steps_renderer = latex or renderer()
    answer = derived.answer
    matrix = answer.matrix
    result = {
        "equation": derived.equation,
        "target": derived.target,
        "shapes": {name: [_dim(s.rows), _dim(s.cols)] for name, s in derived.shapes.of.items()},
        "entry": None if answer.entry is None else to_json(answer.entry),
        "general": to_json(answer.general.result),
        "of_index": [str(i) for i in derived.of_names],
        "by_index": [str(i) for i in derived.by_names],
        "matrix": None if matrix is None else to_json(matrix.result),
        "matrix_index": None
        if matrix is None
        else [None if i is None else str(i) for i in (matrix.row_index, matrix.col_index)],
        "steps": [
            {"kind": s.kind, "latex": latex, "claims": [_claim(c) for c in claims]}
            for s, latex, claims in zip(
                derived.steps, steps_renderer.steps(derived.steps), derived.claims(), strict=True
            )
        ],
        "intermediates": {
            str(d.name): to_json(d.value) for d in derived.definitions if not d.restates
        },
        "verified": checked.verification.passed,
        "derivgen_version": __version__,
    }
    views = _views(answer)
    return {**result, "views": views} if views else result


def _claim(claim: Claim) -> dict[str, Any]:
    """One displayed equality: sides, the ranges of its free indices, where it holds, layout."""
    out: dict[str, Any] = {"lhs": to_json(claim.lhs), "rhs": to_json(claim.rhs)}
    if claim.over:
        out["for"] = {str(i): [to_json(low), to_json(high)] for i, low, high in claim.over}
    if claim.where is not None:
        out["where"] = to_json(claim.where)
    if claim.matrix_index is not None:
        out["matrix_index"] = [None if i is None else str(i) for i in claim.matrix_index]
    if claim.layout != "numerator":
        out["layout"] = claim.layout
    return out


def _views(answer: Answer) -> dict[str, str]:
    """One string per requested view, so other tools read a view's result without its steps."""
    backprop = None if answer.backprop is None else answer.backprop.matrix
    found = {"index": answer.index, "vec": answer.vec, "backprop": backprop}
    return {view: to_json(value) for view, value in found.items() if value is not None}
