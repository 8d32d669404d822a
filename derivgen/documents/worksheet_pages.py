"""The worksheet and its key as web pages (`derivgen worksheet --html`), beside the PDFs.

The pages show what the PDFs show, from the same derived problems (`Solution`): the
question and the derivation as the HTML renderer writes them, the boxed answer as the
key's LaTeX (maths only), and the spec's own text HTML-escaped as it was written (Unicode
maths such as ∂ or σ needs no conversion on a page).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from derivgen.documents.prompt_maths import typeset_pieces
from derivgen.documents.worksheet_problems import (
    grouped_problems,
    points_label,
    room_cm,
    stated_shapes,
)
from derivgen.documents.worksheet_spec import WorksheetSpec
from derivgen.documents.worksheet_variants import Problem, ProblemKey, Variant
from derivgen.model.shapes import Shapes
from derivgen.render.html import display_maths, page

PAGES = {"worksheet": "Worksheet", "key": "Solution key"}
"""The two pages a spec builds, `NAME-worksheet.html` and `NAME-key.html`, and their names."""


def worksheet_pages(
    spec: WorksheetSpec,
    variants: Sequence[Variant],
    solutions: Mapping[ProblemKey, Any],
    seed: str,
) -> dict[str, str]:
    """Both pages' HTML by document name; `solutions` maps each problem to its `Solution`."""
    context = _context(spec, variants, solutions, seed)
    return {
        name: page(
            f"{spec.title} ({subtitle})" if name == "key" else spec.title,
            "",
            f"{name}.html.j2",
            **context,
        )
        for name, subtitle in PAGES.items()
    }


def _context(
    spec: WorksheetSpec,
    variants: Sequence[Variant],
    solutions: Mapping[ProblemKey, Any],
    seed: str,
) -> dict[str, Any]:
    total = sum(problem.points for problem in spec.problems)
    return {
        "spec": spec,
        "instructions": _paragraphs(spec.instructions),
        "total_points_label": points_label(total),
        "seed": seed,
        "variant_count": len(variants),
        "variants": [
            {
                "id": variant.id,
                "problems": [_problem(parts, solutions) for parts in grouped_problems(variant)],
            }
            for variant in variants
        ],
    }


def _problem(parts: Sequence[Problem], solutions: Mapping[ProblemKey, Any]) -> dict[str, Any]:
    """A problem with its parts (one part, with no letter, for a problem without parts)."""
    first = parts[0]
    shapes, names = stated_shapes(first), dict(first.names)
    return {
        "number": first.spec.number,
        "points_label": points_label(sum(part.spec.points for part in parts)),
        "prompt": _paragraphs(first.spec.prompt, shapes, names),
        "parts": [
            {
                "letter": part.spec.part,
                "points_label": points_label(part.spec.points),
                "prompt": _paragraphs(part.spec.part_prompt, shapes, names),
                "space": f"{_space(part, solutions[part.key]):g}cm",
                "question": Markup(solutions[part.key].question_html),
                "derivation": Markup(solutions[part.key].derivation_html),
                "answers": [Markup(_boxed(answer)) for answer in solutions[part.key].answers],
                "shape": Markup(solutions[part.key].shape_html),
            }
            for part in parts
        ],
    }


def _space(problem: Problem, solution: Any) -> float:
    """The spec's room, or the PDF's measure of it from the key's derivation."""
    return room_cm(solution.derivation) if problem.spec.space is None else problem.spec.space


def _boxed(answer: str) -> str:
    """A boxed form (display maths without delimiters), as the PDF key boxes it."""
    return display_maths(rf"\[ \boxed{{{answer}}} \]")


def _paragraphs(
    text: str, shapes: Shapes | None = None, names: Mapping[str, str] | None = None
) -> list[Markup]:
    """User text whose blank lines separate paragraphs, HTML-escaped; with `shapes` (a
    prompt's problem) its backticked maths as `\\( \\)` for MathJax, typeset as the PDF's."""
    pieces = [" ".join(piece.split()) for piece in re.split(r"\n\s*\n", text) if piece.strip()]
    if shapes is None:
        return [escape(piece) for piece in pieces]
    return [
        Markup("").join(
            Markup(r"\({}\)").format(text) if is_maths else escape(text)
            for is_maths, text in typeset_pieces(piece, shapes, names or {})
        )
        for piece in pieces
    ]
