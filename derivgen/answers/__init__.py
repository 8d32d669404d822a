"""Judging an answer someone already has: is it the derivative, and if not, where it fails.

`read` turns ANSWER text into a matrix expression or an index formula, `truth` computes the
derivative on small instances from the equation alone, and `judge` compares the two exactly.
"""

from derivgen.answers.judge import REASONS, Counterexample, Judgement, judge
from derivgen.answers.read import (
    AnswerShapeError,
    FormulaAnswer,
    MatrixAnswer,
    read_formula,
    read_matrix,
)
from derivgen.answers.truth import Problem

__all__ = [
    "REASONS",
    "AnswerShapeError",
    "Counterexample",
    "FormulaAnswer",
    "Judgement",
    "MatrixAnswer",
    "Problem",
    "judge",
    "read_formula",
    "read_matrix",
]
