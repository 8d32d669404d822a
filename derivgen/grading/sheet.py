"""The worksheet a class answered: every variant the answers name, drawn as `derivgen
worksheet` draws it, and each of its problems derived once for the key's answer.

The variants come from `documents.worksheet_variants` with the same spec and seed, so the
variant a student names is the one printed on their sheet; the key's answer and the form a
student's answer takes (a matrix, or an index formula for a derivative with three or more
axes) come from the worksheet's own `solve`, as NAME-key.json has them. Everything here is
plain data, so that worker processes can receive it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from derivgen.api import derive
from derivgen.documents.jobs import default_jobs
from derivgen.documents.worksheet import derive_all, distinct_problems
from derivgen.documents.worksheet_spec import WorksheetSpec
from derivgen.documents.worksheet_variants import draw_variants, variant_id

MAX_VARIANTS = 26 * 27
"""Variant ids up to ZZ are graded when the number of variants printed is not given."""
_NAMED = re.compile(r"(\d+)\s*(?:\(\s*([a-z])\s*\)|([a-z]))?", re.ASCII | re.IGNORECASE)
"""How a row names a problem or part: `3`, `1a`, `1A`, `1 a`, `1(a)`, `1 (a)`."""


@dataclass(frozen=True)
class SheetEntry:
    """A problem, or a part of one, as rows, marks.csv and the feedback name it."""

    label: str
    """`3`, `1a`: ProblemSpec.label, as a row names it and marks.csv heads its column."""
    heading: str
    """`3`, `1 (a)`: ProblemSpec.heading, as the worksheet prints it."""
    number: int
    part: str
    points: float


@dataclass(frozen=True)
class SheetProblem:
    """One problem (or part) as one variant stated it, with its key."""

    points: float
    equation: str
    target: str
    shapes: tuple[tuple[str, str], ...]
    layout: str | None
    form: str
    """How `check` takes an answer to it: "answer" (a matrix, or a formula for a target
    with indices) or "general" (an index formula for a whole target of three or more axes)."""
    key: str
    """The key's answer in the syntax `derivgen check` reads (NAME-key.json's `answer`)."""
    question: str
    """The question as the worksheet prints it (LaTeX, inline maths)."""
    key_latex: str
    """The key's boxed answer (display-maths LaTeX)."""


@dataclass(frozen=True)
class ClassSheet:
    """The worksheet's problems in every variant a row names, and what a row may name."""

    title: str
    course: str
    source: str
    """The answers file's name, for messages."""
    entries: tuple[SheetEntry, ...]
    """Each problem or part of the spec, in its order."""
    variants: Mapping[str, Mapping[str, SheetProblem]]
    """Each variant's problems, by label."""
    printed: int | None
    """How many variants the worksheet printed, when the grader said so."""

    @property
    def points(self) -> dict[str, float]:
        """Each problem's or part's points (the spec's `points`), by label, in order."""
        return {e.label: e.points for e in self.entries}

    @property
    def total(self) -> float:
        return sum(e.points for e in self.entries)

    def variant_problem(self, variant: str, label: str) -> SheetProblem | None:
        return self.variants.get(variant, {}).get(label)

    def unknown_variant(self, variant: str) -> str:
        """Why `variant` names no variant of this worksheet."""
        if not variant:
            return "no variant given"
        number = variant_number(variant)
        if number is None:
            return f"variant {variant!r} is not a variant id (A, B, …, Z, AA, …)"
        if self.printed is not None:
            last = variant_id(self.printed)
            printed = "A" if self.printed == 1 else f"A to {last}"
            return f"variant {variant!r} is not on the worksheet (its variants are {printed})"
        return f"variant {variant!r} is beyond {variant_id(MAX_VARIANTS)}: give --variants"

    def unknown_problem(self, problem: str) -> str:
        """Why the row's `problem` names no problem or part of the worksheet."""
        named = _NAMED.fullmatch(problem.strip())
        same = [e for e in self.entries if named and e.number == int(named[1])]
        if not same:
            numbers = [e.number for e in self.entries]
            return (
                f"problem {problem!r} is not on the worksheet (its problems are "
                f"{numbers[0]} to {numbers[-1]})"
            )
        number = same[0].number
        if not same[0].part:
            return f"problem {problem!r} is not on the worksheet (problem {number} has no parts)"
        listed = _and([f"({e.part})" for e in same])
        if named and not (named[2] or named[3]):
            return f"problem {number} has parts {listed}: name one, such as {same[0].label}"
        return f"problem {problem!r} is not on the worksheet (problem {number} has parts {listed})"

    def entry(self, problem: str) -> SheetEntry | None:
        """The problem or part a row names (`3`, `1a`, `1(a)`, `1 A`), or None when there
        is no such one (a bare `1` for a problem with parts names none of them)."""
        named = _NAMED.fullmatch(problem.strip())
        if named is None:
            return None
        number, letter = int(named[1]), (named[2] or named[3] or "").lower()
        for e in self.entries:
            if (e.number, e.part) == (number, letter):
                return e
        return None


def _and(items: list[str]) -> str:
    """`(a) and (b)`, `(a), (b) and (c)`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def normal_variant(variant: str) -> str:
    """A variant id as the worksheet prints it: `a ` is `A`."""
    return variant.strip().upper()


def variant_number(variant: str) -> int | None:
    """1 for A, 27 for AA (the inverse of `variant_id`); None for anything else."""
    if not variant or not all(c in string.ascii_uppercase for c in variant) or len(variant) > 3:
        return None
    number = 0
    for c in variant:
        number = number * 26 + string.ascii_uppercase.index(c) + 1
    return number


def class_sheet(
    spec: WorksheetSpec,
    named: Iterable[str],
    *,
    seed: str,
    printed: int | None,
    source: str,
    jobs: int | None,
) -> ClassSheet:
    """The variants among `named` (ids as the rows give them), drawn and derived."""
    limit = printed if printed is not None else MAX_VARIANTS
    numbers = {variant_number(normal_variant(v)) for v in named}
    wanted = {n for n in numbers if n is not None and n <= limit}
    drawn = draw_variants(spec, max(wanted), seed) if wanted else ()
    used = [v for n, v in enumerate(drawn, start=1) if n in wanted]
    keys = distinct_problems(used)
    workers = default_jobs(len(keys)) if jobs is None else jobs
    solutions = derive_all(spec, used, derive, jobs=workers)
    variants = {}
    for variant in used:
        problems = {}
        for p in variant.problems:
            solution = solutions[p.key]
            problems[p.spec.label] = SheetProblem(
                points=p.spec.points,
                equation=p.equation,
                target=p.target,
                shapes=p.shapes,
                layout=p.spec.layout,
                form=solution.form,
                key=solution.checkable,
                question=solution.question,
                key_latex=solution.answer,
            )
        variants[variant.id] = problems
    return ClassSheet(
        title=spec.title,
        course=spec.course,
        source=source,
        entries=tuple(
            SheetEntry(
                label=p.label, heading=p.heading, number=p.number, part=p.part, points=p.points
            )
            for p in spec.problems
        ),
        variants=variants,
        printed=printed,
    )
