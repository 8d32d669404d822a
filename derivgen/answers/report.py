"""A judged answer with everything its renderers show: the problem, the verdict, the why."""

from __future__ import annotations

from dataclasses import dataclass

from derivgen.answers.judge import Judgement
from derivgen.answers.truth import Problem
from derivgen.verify import Checked


@dataclass(frozen=True)
class Report:
    """One check of one answer, ready to render as text, LaTeX or JSON."""

    equation: str
    target: str
    answer: str
    form: str
    """"matrix" (a whole matrix expression) or "formula" (an index formula)."""
    problem: Problem
    judgement: Judgement
    layout: str | None = None
    """The layout asked for (None: the note's arrangement)."""
    entry: str | None = None
    """The counterexample's own target, such as `df[1]/dW[2,1]`, which `derivation` derives."""
    derivation: Checked | None = None
    """That entry derived in the note's steps, itself verified."""
    derivation_error: str | None = None
    """Why the entry could not be derived, when it could not."""

    @property
    def correct(self) -> bool:
        return self.judgement.correct
