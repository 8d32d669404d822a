"""Variants: each problem of a spec made concrete, with its random draws, once per student.

A problem draws its variants in order from its own generator, seeded by the seed and the
problem's number, so the same spec and seed give the same variants whatever the machine,
and adding a problem or a variant leaves the other draws as they were. A variant whose draw
repeats an earlier variant's draws again (a bounded number of times), so that neighbours do
not share indices while the ranges allow it.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from derivgen.documents.worksheet_spec import ProblemSpec, WorksheetSpec, rename_symbols
from derivgen.parse.ast import Index

ProblemKey = tuple[str, str, tuple[tuple[str, str], ...], str | None, tuple[str, ...]]
"""A problem as derive() takes it: equation, target, shape declarations, layout and views."""

REDRAWS = 50
"""How often a draw that repeats an earlier variant's is drawn again before it is kept."""


@dataclass(frozen=True)
class Problem:
    """One problem as one variant states it: the text derive() takes, and what was drawn."""

    spec: ProblemSpec
    equation: str
    target: str
    shapes: tuple[tuple[str, str], ...]
    drawn: str
    """The draws for messages, such as `i = 3, j = 7, W as A`; empty when nothing is drawn."""

    @property
    def key(self) -> ProblemKey:
        """What derive() sees: variants that agree on it share one derivation."""
        return (self.equation, self.target, self.shapes, self.spec.layout, self.spec.views)


@dataclass(frozen=True)
class Variant:
    """One student's worksheet: its id (A, B, ...) and its problems in the spec's order."""

    id: str
    problems: tuple[Problem, ...]


def variant_id(number: int) -> str:
    """A, B, ..., Z, AA, AB, ... for 1, 2, ...: the ids a class can read out loud."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return letters


def draw_variants(spec: WorksheetSpec, count: int, seed: str) -> tuple[Variant, ...]:
    """`count` variants of `spec`, determined by `seed` alone."""
    columns = [_draw_problem(problem, count, seed) for problem in spec.problems]
    return tuple(
        Variant(id=variant_id(number), problems=tuple(column[number - 1] for column in columns))
        for number in range(1, count + 1)
    )


@dataclass(frozen=True)
class _Draw:
    symbols: tuple[tuple[str, str], ...]
    sizes: tuple[tuple[str, int], ...]
    indices: tuple[tuple[str, int], ...]


def _draw_problem(problem: ProblemSpec, count: int, seed: str) -> list[Problem]:
    if not problem.random:
        fixed = Problem(
            spec=problem,
            equation=problem.equation,
            target=problem.target,
            shapes=tuple(problem.shapes.items()),
            drawn="",
        )
        return [fixed] * count
    generator = random.Random(f"{seed}:{problem.number}")
    seen: set[_Draw] = set()
    drawn = []
    for _ in range(count):
        draw = _draw(problem, generator)
        for _ in range(REDRAWS):
            if draw not in seen:
                break
            draw = _draw(problem, generator)
        seen.add(draw)
        drawn.append(_concrete(problem, draw))
    return drawn


def _draw(problem: ProblemSpec, generator: random.Random) -> _Draw:
    """Symbols, then sizes, then indices (whose ranges may depend on the sizes drawn)."""
    rules = problem.random
    symbols = tuple((name, generator.choice(letters)) for name, letters in rules.symbols.items())
    sizes = tuple((name, generator.randint(*bounds)) for name, bounds in rules.sizes.items())
    values = dict(sizes)
    indices = []
    for name, bounds in rules.indices.items():
        low, high = bounds or (1, _smallest_drawn(problem.index_sizes[name], values))
        indices.append((name, generator.randint(low, high)))
    return _Draw(symbols=symbols, sizes=sizes, indices=tuple(indices))


def _smallest_drawn(sizes: tuple[int | str, ...], drawn: dict[str, int]) -> int:
    """The top of an index drawn within its sizes (checked: each is a number or drawn)."""
    return min(size if isinstance(size, int) else drawn[size] for size in sizes)


def _concrete(problem: ProblemSpec, draw: _Draw) -> Problem:
    names = dict(draw.symbols)
    sizes = {name: str(value) for name, value in draw.sizes}
    indices = dict(draw.indices)
    shapes = tuple(
        (names.get(name, name), ",".join(sizes.get(d.strip(), d.strip()) for d in dims.split(",")))
        for name, dims in problem.shapes.items()
    )
    target = problem.parsed_target

    def half(symbol: str, given: tuple[Index, ...] | None) -> str:
        shown = names.get(symbol, symbol)
        if given is None:
            return f"d{shown}"
        return f"d{shown}[{','.join(str(indices.get(i, i)) for i in given)}]"

    described = [f"{old} as {new}" for old, new in draw.symbols if old != new]
    described += [f"{name} = {value}" for name, value in (*draw.sizes, *draw.indices)]
    return Problem(
        spec=problem,
        equation=rename_symbols(problem.parsed_equation, names),
        target=f"{half(target.of, target.of_indices)}/{half(target.by, target.by_indices)}",
        shapes=shapes,
        drawn=", ".join(described),
    )
