"""`NAME-key.json`: every variant's problems as drawn, with the answer `derivgen check` takes.

A grader (derivgen grade, or a script) looks a student's variant and problem up here and
checks the answer against the problem as that variant stated it, not as the spec wrote it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from derivgen.parse import parse_target


def key_answer(target: str, result: Mapping[str, Any]) -> tuple[str, str]:
    """(form, answer) from derive's JSON: a whole target's matrix as "answer", else the index
    formula as "general" (the entry's value where the target fixes every index)."""
    wanted = parse_target(target)
    whole = wanted.of_indices is None and wanted.by_indices is None
    if whole and result["matrix"] is not None:
        return "answer", result["matrix"]
    if result["entry"] is not None:
        return "answer", result["entry"]
    return ("general" if whole else "answer"), result["general"]


def answer_key(title: str, seed: str, variants: Sequence[Any], answers: Mapping) -> str:
    """The key as JSON text; `answers` maps each problem's key to its (form, answer). A
    part of a problem is an entry of its own, with the problem's number and its `part`."""
    data = {
        "title": title,
        "seed": seed,
        "variants": [
            {
                "id": variant.id,
                "problems": [
                    {
                        "number": p.spec.number,
                        **({"part": p.spec.part} if p.spec.part else {}),
                        "points": p.spec.points,
                        "equation": p.equation,
                        "target": p.target,
                        "shapes": dict(p.shapes),
                        "layout": p.spec.layout,
                        "drawn": p.drawn,
                        "form": answers[p.key][0],
                        "answer": answers[p.key][1],
                    }
                    for p in variant.problems
                ],
            }
            for variant in variants
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
