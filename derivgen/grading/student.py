"""One student graded: each of their rows checked against the problem as their variant
stated it, and their feedback written as text and as a LaTeX document.

A row that cannot be graded (an unknown variant or problem, an answer that cannot be read,
a second answer to a problem) is reported and scores 0; it never stops the run. This runs
in worker processes with `--jobs`, so it takes and returns plain data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pylatex.utils import escape_latex

from derivgen.checker import check
from derivgen.documents.feedback import FeedbackProblem, feedback_document
from derivgen.errors import DerivgenError
from derivgen.grading.answer_sheet import AnswerRow
from derivgen.grading.sheet import ClassSheet, SheetEntry, SheetProblem, normal_variant

NOT_GRADED = ("blank", "unknown variant", "unreadable")
"""Why a problem scored 0 without a verdict, besides check's reasons (judge.REASONS)."""


@dataclass(frozen=True)
class GradedAnswer:
    """One problem (or part) of one student: the verdict (`status`) and the points it earned."""

    label: str
    """The problem or part as rows and marks.csv name it: `3`, `1a`."""
    status: str
    """check's reason ("right", "layout", "shape", "value") or one of NOT_GRADED."""
    points: float
    answer: str = ""
    variant: str = ""
    line: int | None = None
    """The row of the answers file; None when the student gave no row for the problem."""
    reason: str = ""
    """Why the answer was not graded (an unknown variant, an answer that cannot be read)."""
    text: str = ""
    """The feedback on this problem, as plain text."""
    feedback: FeedbackProblem | None = None
    """The same for the PDF."""

    @property
    def correct(self) -> bool:
        return self.status == "right"


@dataclass(frozen=True)
class StudentGrade:
    """A student's marks and feedback, and the warnings their rows gave."""

    student: str
    variants: tuple[str, ...]
    """The variant ids their rows name, in order (one, unless the rows disagree)."""
    answers: tuple[GradedAnswer, ...]
    """One per problem or part of the worksheet, in order."""
    not_graded: tuple[str, ...]
    """Rows that belong to no problem (an unknown problem, a second answer), as messages."""
    warnings: tuple[str, ...]
    text: str
    """The whole feedback as plain text."""
    latex: str
    """The whole feedback as a LaTeX document."""

    @property
    def points(self) -> dict[str, float]:
        """The points of each problem or part, by label (`3`, `1a`), in the spec's order."""
        return {a.label: a.points for a in self.answers}

    @property
    def total(self) -> float:
        return sum(a.points for a in self.answers)


def points_text(value: float) -> str:
    """3, 2.5: a number of points as the worksheet prints it."""
    return f"{value:g}"


def score_text(earned: float, out_of: float) -> str:
    return f"{points_text(earned)} of {points_text(out_of)} point" + ("" if out_of == 1 else "s")


def grade_student(sheet: ClassSheet, student: str, rows: Sequence[AnswerRow]) -> StudentGrade:
    """Grade `rows` (all of them `student`'s, in file order) and write the feedback."""
    chosen: dict[str, AnswerRow] = {}
    not_graded: list[str] = []
    warnings: list[str] = []
    for row in rows:
        entry = sheet.entry(row.problem)
        if entry is None:
            reason = sheet.unknown_problem(row.problem)
        elif entry.label in chosen:
            reason = (
                f"a second answer to problem {entry.label} (the one on line "
                f"{chosen[entry.label].line} is graded)"
            )
        else:
            chosen[entry.label] = row
            continue
        not_graded.append(f"Line {row.line}: {reason}; not graded.")
        warnings.append(f"{sheet.source} line {row.line} ({student}): {reason}; not graded")
    answers = []
    known = [v for v in (normal_variant(r.variant) for r in rows) if v in sheet.variants]
    own = known[0] if known else ""  # whose questions an unanswered problem shows
    for entry in sheet.entries:
        row = chosen.get(entry.label)
        graded = _graded(sheet, entry, row, own)
        answers.append(graded)
        if row is not None and graded.reason:
            warnings.append(
                f"{sheet.source} line {row.line} ({student}, problem {entry.label}): "
                f"{graded.reason}; scored 0"
            )
    variants = tuple(dict.fromkeys(normal_variant(r.variant) for r in rows if r.variant.strip()))
    if len(variants) > 1:
        warnings.append(
            f"{sheet.source} ({student}): the rows name variants {', '.join(variants)}; each "
            "row is graded against its own"
        )
    total = sum(a.points for a in answers)
    return StudentGrade(
        student=student,
        variants=variants,
        answers=tuple(answers),
        not_graded=tuple(not_graded),
        warnings=tuple(warnings),
        text=_text(sheet, student, variants=variants, answers=answers, not_graded=not_graded),
        latex=feedback_document(
            title=sheet.title,
            course=sheet.course,
            student=student,
            variants=", ".join(variants) or "none given",
            total=score_text(total, sheet.total),
            problems=[a.feedback for a in answers if a.feedback is not None],
            not_graded=not_graded,
        ),
    )


def _graded(sheet: ClassSheet, entry: SheetEntry, row: AnswerRow | None, own: str) -> GradedAnswer:
    """One problem's verdict and feedback; every way it can fail scores 0 and says why."""
    points = entry.points
    zero = score_text(0, points)
    if row is None or not row.answer:
        status_line = "No answer given."
        base = {"label": entry.label, "status": "blank", "points": 0.0}
        if row is not None:
            base |= {"variant": normal_variant(row.variant), "line": row.line}
        variant = own if row is None else normal_variant(row.variant)
        problem = sheet.variant_problem(variant, entry.label)
        return GradedAnswer(
            **base,
            text=status_line,
            feedback=_feedback(entry, zero, problem, escape_latex(status_line)),
        )
    variant = normal_variant(row.variant)
    common = {"label": entry.label, "answer": row.answer, "variant": variant, "line": row.line}
    problem = sheet.variant_problem(variant, entry.label)
    if problem is None:
        reason = sheet.unknown_variant(variant)
        said = f"Not graded: {reason}."
        return GradedAnswer(
            **common,
            status="unknown variant",
            points=0.0,
            reason=reason,
            text=f"Answer: {row.answer}\n{said}",
            feedback=_feedback(entry, zero, None, _unchecked(row.answer, said)),
        )
    try:
        result = check(
            problem.equation,
            problem.target,
            shapes=dict(problem.shapes),
            layout=problem.layout,
            **{problem.form: row.answer},
        )
    except DerivgenError as error:
        reason = f"the answer cannot be read: {error.message}"
        said = f"Not graded: {reason}"
        # the caret under the spot, when there is one, as `derivgen check` prints it
        shown = error.lines(prefix="Not graded: the answer cannot be read: ")
        return GradedAnswer(
            **common,
            status="unreadable",
            points=0.0,
            reason=reason,
            text="\n".join(shown),
            feedback=_feedback(entry, zero, problem, _unchecked(row.answer, said), key=True),
        )
    earned = float(points) if result.correct else 0.0
    text = result.to_text().rstrip("\n")
    if not result.correct:
        text += f"\n\nThe key's answer: {problem.key}"
    return GradedAnswer(
        **common,
        status=result.reason,
        points=earned,
        text=text,
        feedback=_feedback(
            entry,
            score_text(earned, points),
            problem,
            result.to_latex(),
            key=not result.correct,
        ),
    )


def _unchecked(answer: str, reason: str) -> str:
    """LaTeX for an answer that was not checked: the answer as typed, and why not."""
    return (
        rf"\noindent\textbf{{Answer}}: \texttt{{{escape_latex(answer)}}}"
        + "\n\n"
        + escape_latex(reason)
    )


def _feedback(
    entry: SheetEntry, score: str, problem: SheetProblem | None, body: str, *, key: bool = False
) -> FeedbackProblem:
    return FeedbackProblem(
        number=entry.heading,
        score=score,
        question="" if problem is None else problem.question,
        body=body,
        key=problem.key_latex if key and problem is not None else "",
    )


def _text(
    sheet: ClassSheet,
    student: str,
    *,
    variants: Sequence[str],
    answers: Sequence[GradedAnswer],
    not_graded: Sequence[str],
) -> str:
    total = sum(a.points for a in answers)
    lines = [
        f"{sheet.title}: feedback",
        "",
        f"Student: {student}",
        f"Variant: {', '.join(variants) or 'none given'}",
        f"Total:   {score_text(total, sheet.total)}",
    ]
    for answer, entry in zip(answers, sheet.entries, strict=True):
        heading = f"Problem {entry.heading}: {score_text(answer.points, entry.points)}"
        lines += ["", "", heading, "=" * len(heading), "", answer.text]
    if not_graded:
        lines += ["", "", "Rows not graded", "===============", "", *not_graded]
    return "\n".join(lines).rstrip() + "\n"
