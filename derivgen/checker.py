"""`check(equation, target, answer)`: is an answer the derivative, and if not, why not.

The verdict comes from `answers.judge` (exact evaluation against the equation itself); the
explanation of a wrong answer is derivgen's derivation of the entry where it fails, which
`derive` verifies like any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from derivgen.answers import (
    AnswerShapeError,
    Counterexample,
    Judgement,
    Problem,
    judge,
    read_formula,
    read_matrix,
)
from derivgen.answers.report import Report
from derivgen.api import LAYOUTS, ShapeSpec, declarations, derive
from derivgen.documents import build_derivation_pdf, derivation_document
from derivgen.errors import DerivgenError
from derivgen.model.inference import infer_shapes
from derivgen.model.target import resolve_target
from derivgen.parse import parse_equation, parse_target
from derivgen.render.check import (
    report_dict,
    report_html,
    report_latex,
    report_summary,
    report_text,
)
from derivgen.render.html import page

__all__ = ["Check", "check"]


@dataclass(frozen=True)
class Check:
    """The verdict on one answer; renders as text, LaTeX, HTML, JSON or PDF.

    In Jupyter it shows the verdict and, for a wrong answer, the point and the derivation
    (`_repr_html_`); `print(c)` is `to_text()` and `repr(c)` one line.
    """

    report: Report

    @property
    def correct(self) -> bool:
        return self.report.correct

    @property
    def reason(self) -> str:
        """One of "right", "layout", "shape", "value"."""
        return self.report.judgement.reason

    @property
    def counterexample(self) -> Counterexample | None:
        return self.report.judgement.counterexample

    @property
    def judgement(self) -> Judgement:
        return self.report.judgement

    def as_dict(self) -> dict[str, Any]:
        return report_dict(self.report)

    def to_text(self) -> str:
        return report_text(self.report)

    def to_latex(self, *, standalone: bool = False) -> str:
        """A LaTeX fragment, or with `standalone` a complete document."""
        fragment = report_latex(self.report)
        return derivation_document([fragment]) if standalone else fragment

    def to_html(self, *, standalone: bool = False) -> str:
        """An HTML fragment (maths for MathJax), or with `standalone` a page that opens
        offline."""
        fragment = report_html(self.report)
        if not standalone:
            return fragment
        return page(f"Check: {self.report.target} for {self.report.equation}", fragment)

    def to_pdf(self, destination: str | Path) -> Path:
        return build_derivation_pdf([report_latex(self.report)], Path(destination))

    def _repr_latex_(self) -> str:
        """The verdict alone (for front ends that show LaTeX, not HTML)."""
        return report_summary(self.report)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        """`<Check dy/dx of y = W x, answer W^T: wrong (layout)>`."""
        report = self.report
        verdict = "right" if self.correct else f"wrong ({self.reason})"
        return f"<Check {report.target} of {report.equation}, answer {report.answer}: {verdict}>"


def check(
    equation: str,
    target: str,
    answer: str | None = None,
    shapes: Mapping[str, ShapeSpec] | Sequence[str] | None = None,
    *,
    layout: str | None = None,
    general: str | None = None,
) -> Check:
    """Judge `answer` (a matrix expression) or `general` (an index formula) for `target`.

    A target that names its indices (`dy[i]/dx[j]`, `dy[3]/dx[7]`) takes an index formula as
    `answer`; a whole target (`dy/dx`) a matrix, arranged in `layout` or the note's way, or an
    index formula as `general` in the index names derivgen gives it (i, j, k, … in order, as
    the `general` field of `derive`'s JSON). Raises DerivgenError for bad input.
    """
    if not isinstance(equation, str) or not isinstance(target, str):
        raise DerivgenError("the equation and the target must be strings")
    if (answer is None) == (general is None):
        raise DerivgenError("give the answer, or an index formula with --general, not both")
    if layout is not None and layout not in LAYOUTS:
        raise DerivgenError(f"unknown layout {layout!r}: use {' or '.join(LAYOUTS)}")
    parsed = parse_equation(equation)
    shaped = infer_shapes(parsed, declarations(shapes))
    resolved = resolve_target(parse_target(target), parsed, shaped)
    problem = Problem(equation=parsed, shapes=dict(shaped.of), target=resolved)
    indexed = resolved.of_given or resolved.by_given
    text = general if general is not None else answer
    assert text is not None
    form = "formula" if general is not None or indexed else "matrix"
    if form == "formula":
        free = [
            n for n, i in zip(problem.names, problem.requested, strict=True) if not i.is_Integer
        ]
        judgement = judge(problem, read_formula(text, problem.shapes, free))
    else:
        try:
            judgement = judge(problem, read_matrix(text, problem.shapes), layout)
        except AnswerShapeError as error:
            judgement = Judgement(reason="shape", detail=str(error))
    report = Report(
        equation=equation,
        target=target,
        answer=text,
        form=form,
        problem=problem,
        judgement=judgement,
        layout=layout,
    )
    return Check(_explained(report, shapes))


def _explained(report: Report, shapes: Any) -> Report:
    """The report with the counterexample's entry derived, when there is one."""
    counter = report.judgement.counterexample
    if counter is None:
        return report
    entry = entry_target(report.problem, counter.indices)
    try:
        derivation = derive(report.equation, entry, shapes)
    except DerivgenError as error:
        return replace(report, entry=entry, derivation_error=str(error))
    return replace(report, entry=entry, derivation=derivation.checked)


def entry_target(problem: Problem, indices: tuple[int, ...]) -> str:
    """The target of one partial, such as `df[1]/dW[2,1]` (no brackets for a scalar)."""
    t = problem.target
    split = len(problem.of_shape.axes)

    def half(name: str, values: tuple[int, ...]) -> str:
        return f"d{name}[{','.join(map(str, values))}]" if values else f"d{name}"

    return f"{half(t.of, indices[:split])}/{half(t.by, indices[split:])}"
