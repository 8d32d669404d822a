"""The JSON renderer: the public result fields, every expression a sympy-parseable string."""

from __future__ import annotations

from typing import Any

import sympy

from derivgen.render.latex import LatexRenderer
from derivgen.render.printers import to_json
from derivgen.steps.derivation import Answer
from derivgen.verify import Checked


def _dim(value: int | sympy.Basic) -> int | str:
    return value if isinstance(value, int) else str(value)


def as_dict(checked: Checked, latex: LatexRenderer | None = None) -> dict[str, Any]:
    """The fields of the public JSON interface, in its documented order."""
    derived = checked.derived
    renderer = latex or LatexRenderer()
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
        "steps": [{"kind": s.kind, "latex": renderer.step(s)} for s in derived.steps],
        "verified": checked.verification.passed,
    }
    views = _views(answer)
    return {**result, "views": views} if views else result


def _views(answer: Answer) -> dict[str, str]:
    """One string per requested view, so other tools read a view's result without its steps."""
    backprop = None if answer.backprop is None else answer.backprop.matrix
    found = {"index": answer.index, "vec": answer.vec, "backprop": backprop}
    return {view: to_json(value) for view, value in found.items() if value is not None}
