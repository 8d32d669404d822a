"""A question bank: every problem of a spec in every variant, drawn and solved as the
worksheet draws and solves them, with what a learning-management system needs of each.

The same spec and seed give the worksheet's variants (ids A, B, ...) and the same answers as
`NAME-key.json`, so a bank question, a printed worksheet and the key agree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy

from derivgen.api import Derivation, derive
from derivgen.documents.worksheet import derive_all
from derivgen.documents.worksheet_problems import stated_shapes
from derivgen.documents.worksheet_spec import ProblemSpec, WorksheetSpec, read_spec
from derivgen.documents.worksheet_variants import Problem, ProblemKey, draw_variants
from derivgen.errors import DerivgenError
from derivgen.exports.feedback import answer_html, derivation_html, question_html

_DIGITS = 15
_RELATIVE_TOLERANCE = 1e-9
"""For an answer that is a number but not an integer, such as 1/3."""


@dataclass(frozen=True)
class Numeric:
    """A numeric answer: its value as decimal text, and the absolute tolerance to accept."""

    value: str
    tolerance: str


@dataclass(frozen=True)
class BankQuestion:
    """One problem in one variant, ready for any bank format."""

    problem: Problem
    variant: str
    identifier: str
    """`P1-A`: problem and variant, an XML name and unique in the bank."""
    question: list[ET.Element]
    answer: list[ET.Element]
    """The boxed answer and its `derivgen check` syntax, for the grader."""
    numeric: Numeric | None
    """Set when the answer is one number (an entry that is a constant, such as 0)."""
    feedback: list[ET.Element]

    @property
    def points(self) -> int | float:
        return self.problem.spec.points

    @property
    def name(self) -> str:
        return f"Problem {self.problem.spec.label}, variant {self.variant}"


@dataclass(frozen=True)
class Bank:
    spec: WorksheetSpec
    seed: str
    problems: tuple[tuple[ProblemSpec, tuple[BankQuestion, ...]], ...]
    """Each problem (or part) of the spec with its questions, one per variant, in order."""


def question_bank(spec: Path | WorksheetSpec, *, variants: int = 1, seed: str = "0") -> Bank:
    """Draw `variants` variants of the spec (as `derivgen worksheet` does) and solve them.

    Raises DerivgenError (one line, naming the problem and field) for a bad spec or a problem
    derive() refuses.
    """
    if variants < 1:
        raise DerivgenError(f"--variants must be at least 1, not {variants}")
    spec = spec if isinstance(spec, WorksheetSpec) else read_spec(spec)
    drawn = draw_variants(spec, variants, seed)
    derived: dict[ProblemKey, Derivation] = {}

    def recording(
        equation: str,
        target: str,
        shapes: Mapping[str, str],
        *,
        layout: str | None,
        views: Sequence[str],
    ) -> Derivation:
        """derive(), keeping each derivation for the feedback the worksheet does not need."""
        result = derive(equation, target, shapes, layout=layout, views=views)
        derived[(equation, target, tuple(shapes.items()), layout, tuple(views))] = result
        return result

    solutions = derive_all(spec, drawn, recording, jobs=1)
    columns: dict[str, list[BankQuestion]] = {p.label: [] for p in spec.problems}
    for variant in drawn:
        for problem in variant.problems:
            solution, derivation = solutions[problem.key], derived[problem.key]
            prompts = (problem.spec.prompt, problem.spec.part_prompt)
            columns[problem.spec.label].append(
                BankQuestion(
                    problem=problem,
                    variant=variant.id,
                    identifier=f"P{problem.spec.label}-{variant.id}",
                    question=question_html(
                        prompts, stated_shapes(problem), dict(problem.names), solution.question
                    ),
                    answer=answer_html(solution.answer, solution.form, solution.checkable),
                    numeric=numeric_answer(derivation),
                    feedback=derivation_html(derivation.checked),
                )
            )
    return Bank(
        spec=spec,
        seed=seed,
        problems=tuple((p, tuple(columns[p.label])) for p in spec.problems),
    )


def numeric_answer(derivation: Derivation) -> Numeric | None:
    """The requested entry when it is a real number; None for a formula or a whole array."""
    entry = derivation.checked.derived.answer.entry
    if entry is None or not entry.is_number or not entry.is_real:
        return None
    if entry.is_Integer:
        return Numeric(str(int(entry)), "0")
    value = sympy.Float(entry, _DIGITS)
    return Numeric(f"{float(value):.{_DIGITS}g}", f"{abs(float(value)) * _RELATIVE_TOLERANCE:.3g}")
