"""A student's feedback as a LaTeX document: `templates/documents/feedback.tex.j2` in the
worksheet's article and page style, so feedback looks like the sheet it answers.

The caller hands in LaTeX already made (derivgen's questions and check reports) beside the
user's text, which is escaped here; the grader (`derivgen.grading`) decides what goes in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pylatex.utils import NoEscape

from derivgen.documents.article import plain_text
from derivgen.documents.worksheet import render_document, worksheet_environment


@dataclass(frozen=True)
class FeedbackProblem:
    """One problem of the feedback: its heading, the question, the check and the key."""

    number: int | str
    score: str
    """Plain text, such as `3 of 4 points`."""
    question: str
    """LaTeX (inline maths), as the worksheet printed it; empty for an unknown variant."""
    body: str
    """LaTeX: the check report, or the escaped reason the answer was not graded."""
    key: str = ""
    """Display-maths LaTeX of the key's answer, boxed; empty when it is not shown."""


def feedback_document(
    *,
    title: str,
    course: str,
    student: str,
    variants: str,
    total: str,
    problems: Sequence[FeedbackProblem],
    not_graded: Sequence[str] = (),
) -> str:
    """The whole LaTeX source of one student's feedback; the plain-text fields are escaped."""
    context = {
        "title": plain_text(title),
        "course": plain_text(course),
        "student": plain_text(student),
        "variants": plain_text(variants),
        "total": plain_text(total),
        "problems": [
            {
                "number": plain_text(str(p.number)),
                "score": plain_text(p.score),
                "question": NoEscape(p.question),
                "body": NoEscape(p.body),
                "key": NoEscape(p.key),
            }
            for p in problems
        ],
        "not_graded": [plain_text(line) for line in not_graded],
    }
    return render_document(worksheet_environment(), "feedback", context)
