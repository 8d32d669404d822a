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

from markupsafe import Markup

from derivgen.documents.worksheet_spec import WorksheetSpec
from derivgen.documents.worksheet_variants import ProblemKey, Variant
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
        "total_points_label": _points(total),
        "seed": seed,
        "variant_count": len(variants),
        "variants": [
            {
                "id": variant.id,
                "problems": [
                    {
                        "number": p.spec.number,
                        "points_label": _points(p.spec.points),
                        "prompt": _paragraphs(p.spec.prompt),
                        "space": f"{p.spec.space:g}cm",
                        "question": Markup(solutions[p.key].question_html),
                        "derivation": Markup(solutions[p.key].derivation_html),
                        "answer": Markup(_boxed(solutions[p.key].answer)),
                    }
                    for p in variant.problems
                ],
            }
            for variant in variants
        ],
    }


def _boxed(answer: str) -> str:
    """The final answer (display maths without delimiters) boxed, as the PDF key boxes it."""
    return display_maths(rf"\[ \boxed{{{answer}}} \]")


def _paragraphs(text: str) -> list[str]:
    """User text whose blank lines separate paragraphs (escaped by the templates)."""
    return [" ".join(piece.split()) for piece in re.split(r"\n\s*\n", text) if piece.strip()]


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")
