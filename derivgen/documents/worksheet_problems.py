"""What the templates see of one variant's problems: parts grouped, prompts typeset, the room
to work in, every boxed form of the answer, and the key's answers-at-a-glance table.

A problem with parts (`[[problem.parts]]`) arrives from the spec as one ProblemSpec per part,
sharing the problem's number; here they become one problem whose statement (the equation and
the sizes) is printed once, followed by each part's letter, request and room.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from derivgen.documents.article import plain_text
from derivgen.documents.prompt_maths import prompt_latex
from derivgen.documents.worksheet_variants import Problem, ProblemKey, Variant
from derivgen.model.inference import infer_shapes
from derivgen.model.shapes import Shapes
from derivgen.parse import parse_equation
from derivgen.parse.shapes import parse_dims

ROOM_CM_PER_LINE = 0.5
"""Room for one line of the key's displayed maths: a student writes the key's steps by hand,
leaving out the sentences, in about this much height."""
ROOM_CM = (4.0, 10.0)
"""The least and the most room a problem is given when the spec has no `space`."""
_MATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", re.DOTALL)
_DISPLAY = re.compile(r"\\\[|\\begin\{align\*?\}|\\\\")
"""A display, or a new row of one: each is a line a student writes."""


class Solved(Protocol):
    """What a derived problem gives the templates (worksheet.Solution)."""

    question: str
    answers: tuple[str, ...]
    derivation: str
    shape: str


def room_cm(derivation: str) -> float:
    """The room to work a problem out in, from the length of the key's derivation: about a
    line per displayed line of the key, a matrix's rows counting half a line each."""
    rows = sum(matrix.count("\\\\") + 1 for matrix in _MATRIX.findall(derivation))
    lines = len(_DISPLAY.findall(_MATRIX.sub("", derivation))) + rows / 2
    low, high = ROOM_CM
    return round(min(high, max(low, 1.0 + ROOM_CM_PER_LINE * lines)), 1)


def points_label(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def paragraphs(
    text: str, shapes: Shapes | None = None, names: Mapping[str, str] | None = None
) -> str:
    """User text whose blank lines separate paragraphs, escaped for LaTeX; with `shapes` (a
    prompt's problem) its backticked maths is typeset too."""
    pieces = [piece for piece in re.split(r"\n\s*\n", text) if piece.strip()]
    typeset = [
        plain_text(p) if shapes is None else prompt_latex(p, shapes, names or {}) for p in pieces
    ]
    return "\n\\par\n".join(typeset)


def problems_context(
    variant: Variant, solutions: Mapping[ProblemKey, Solved]
) -> list[dict[str, Any]]:
    """The variant's problems in order, each with its parts (an empty list when it has none)."""
    return [_problem(variant, parts, solutions) for parts in grouped_problems(variant)]


def grouped_problems(variant: Variant) -> list[list[Problem]]:
    """The variant's problems in order, each as its parts (one, for a problem without)."""
    grouped: dict[int, list[Problem]] = {}
    for problem in variant.problems:
        grouped.setdefault(problem.spec.number, []).append(problem)
    return list(grouped.values())


def answer_table(problems: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The key's answers at a glance: one row per problem or part, with every boxed form."""
    rows = []
    for problem in problems:
        for part in problem["parts"] or [problem]:
            rows.append(
                {
                    "label": part["heading"],
                    "answers": part["answers"],
                    "points": part["points"],
                }
            )
    return rows


def _problem(
    variant: Variant, parts: Sequence[Problem], solutions: Mapping[ProblemKey, Solved]
) -> dict[str, Any]:
    first = parts[0]
    number = first.spec.number
    shapes = stated_shapes(first)
    names = dict(first.names)
    total = sum(part.spec.points for part in parts)
    context = _part(variant, first, solutions[first.key], shapes, names)
    statement, _, _ = context["question"].partition("\n")
    context.update(
        number=number,
        marker=f"% derivgen: variant {variant.id}, problem {number}",
        points=f"{total:g}",
        points_label=points_label(total),
        prompt=paragraphs(first.spec.prompt, shapes, names),
        statement=statement,
        parts=[],
    )
    if first.spec.part:
        context["parts"] = [
            _part(variant, part, solutions[part.key], shapes, names) for part in parts
        ]
    return context


def _part(
    variant: Variant, problem: Problem, solution: Solved, shapes: Shapes, names: dict[str, str]
) -> dict[str, Any]:
    spec = problem.spec
    space = room_cm(solution.derivation) if spec.space is None else spec.space
    _, _, ask = solution.question.partition("\n")
    return {
        "letter": spec.part,
        "heading": spec.heading,
        "marker": f"% derivgen: variant {variant.id}, problem {spec.heading}",
        "points": f"{spec.points:g}",
        "points_label": points_label(spec.points),
        "prompt": paragraphs(spec.part_prompt, shapes, names),
        "space": f"{space:g}cm",
        "question": solution.question,
        "ask": ask,
        "answer": solution.answers[0],
        "answers": list(solution.answers),
        "shape": solution.shape,
        "derivation": solution.derivation,
    }


def stated_shapes(problem: Problem) -> Shapes:
    """The shapes of the problem as the variant states it (renamed symbols, drawn sizes)."""
    declared = {name: parse_dims(name, dims) for name, dims in problem.shapes}
    return infer_shapes(parse_equation(problem.equation), declared)
