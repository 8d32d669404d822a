"""The JSON renderer: the public result fields, every expression a sympy-parseable string."""

from __future__ import annotations

from typing import Any

import sympy

from derivgen.render.latex import LatexRenderer
from derivgen.render.printers import to_json
from derivgen.steps.kinds import BackpropViewStep, IndexViewStep, Step, VecViewStep
from derivgen.verify import Checked


def _dim(value: int | sympy.Basic) -> int | str:
    return value if isinstance(value, int) else str(value)


def as_dict(checked: Checked, latex: LatexRenderer | None = None) -> dict[str, Any]:
    """The fields of the public JSON interface, in its documented order."""
    derived = checked.derived
    renderer = latex or LatexRenderer()
    arrangement = derived.arrangement
    result = {
        "equation": derived.equation,
        "target": derived.target,
        "shapes": {name: [_dim(s.rows), _dim(s.cols)] for name, s in derived.shapes.of.items()},
        "entry": None if derived.entry is None else to_json(derived.entry),
        "general": to_json(derived.general),
        "of_index": [str(i) for i in derived.of_names],
        "by_index": [str(i) for i in derived.by_names],
        "matrix": None if derived.matrix is None else to_json(derived.matrix),
        "matrix_index": None
        if arrangement is None
        else [
            None if i is None else str(i) for i in (arrangement.row_index, arrangement.col_index)
        ],
        "steps": [{"kind": s.kind, "latex": renderer.step(s)} for s in derived.steps],
        "verified": checked.verification.passed,
    }
    views = _views(derived.steps)
    return {**result, "views": views} if views else result


def _views(steps: tuple[Step, ...]) -> dict[str, str]:
    """One string per requested view, so other tools read a view's result without its steps."""
    found = {}
    for step in steps:
        match step:
            case IndexViewStep():
                found["index"] = to_json(step.result)
            case VecViewStep():
                found["vec"] = to_json(step.result)
            case BackpropViewStep():
                found["backprop"] = to_json(step.matrix)
    return found
