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
    names: tuple[tuple[str, str], ...] = ()
    """The symbols renamed by the draw (old, new), for the prompt's maths."""

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
    columns = [
        column
        for problem in _problems_with_parts(spec.problems)
        for column in _draw_problem(problem, count, seed)
    ]
    return tuple(
        Variant(id=variant_id(number), problems=tuple(column[number - 1] for column in columns))
        for number in range(1, count + 1)
    )


def _problems_with_parts(specs: tuple[ProblemSpec, ...]) -> list[tuple[ProblemSpec, ...]]:
    """The spec's problems, each as its parts (one, for a problem without parts)."""
    grouped: dict[int, list[ProblemSpec]] = {}
    for spec in specs:
        grouped.setdefault(spec.number, []).append(spec)
    return [tuple(parts) for parts in grouped.values()]


@dataclass(frozen=True)
class _Draw:
    symbols: tuple[tuple[str, str], ...]
    sizes: tuple[tuple[str, int], ...]
    indices: tuple[tuple[tuple[str, int], ...], ...]
    """Each part's index draws, in the order of the parts."""


def _draw_problem(parts: tuple[ProblemSpec, ...], count: int, seed: str) -> list[list[Problem]]:
    """One column of variants per part; the parts of a problem share one draw of symbols
    and sizes, so they keep asking about the same equation."""
    first = parts[0]
    if not any(part.random for part in parts):
        return [[_as_given(part)] * count for part in parts]
    generator = random.Random(f"{seed}:{first.number}")
    seen: set[_Draw] = set()
    drawn = []
    for _ in range(count):
        draw = _draw(parts, generator)
        for _ in range(REDRAWS):
            if draw not in seen:
                break
            draw = _draw(parts, generator)
        seen.add(draw)
        drawn.append(draw)
    return [[_concrete(part, draw, n) for draw in drawn] for n, part in enumerate(parts)]


def _as_given(problem: ProblemSpec) -> Problem:
    """A problem that draws nothing: as the spec wrote it, in every variant."""
    return Problem(
        spec=problem,
        equation=problem.equation,
        target=problem.target,
        shapes=tuple(problem.shapes.items()),
        drawn="",
    )


def _draw(parts: tuple[ProblemSpec, ...], generator: random.Random) -> _Draw:
    """Symbols, then sizes, then the indices (whose ranges may depend on the sizes), each
    index name once however many parts use it."""
    rules = parts[0].random
    symbols = tuple((name, generator.choice(letters)) for name, letters in rules.symbols.items())
    sizes = tuple((name, generator.randint(*bounds)) for name, bounds in rules.sizes.items())
    values = dict(sizes)
    drawn: dict[str, int] = {}  # an index name the parts share gets one value
    for part in parts:
        for name, bounds in part.random.indices.items():
            if name not in drawn:
                runs_over = [n for p in parts for n in p.index_sizes.get(name, ())]
                low, high = bounds or (1, _smallest_drawn(tuple(runs_over), values))
                drawn[name] = generator.randint(low, high)
    indices = tuple(tuple((name, drawn[name]) for name in part.random.indices) for part in parts)
    return _Draw(symbols=symbols, sizes=sizes, indices=indices)


def _smallest_drawn(sizes: tuple[int | str, ...], drawn: dict[str, int]) -> int:
    """The top of an index drawn within its sizes (checked: each is a number or drawn)."""
    return min(size if isinstance(size, int) else drawn[size] for size in sizes)


def _concrete(problem: ProblemSpec, draw: _Draw, part: int) -> Problem:
    """The problem (or its `part`-th part) as `draw` states it."""
    names = dict(draw.symbols)
    sizes = {name: str(value) for name, value in draw.sizes}
    indices = dict(draw.indices[part])
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
    described += [f"{name} = {value}" for name, value in (*draw.sizes, *draw.indices[part])]
    return Problem(
        spec=problem,
        equation=rename_symbols(problem.parsed_equation, names),
        target=f"{half(target.of, target.of_indices)}/{half(target.by, target.by_indices)}",
        shapes=shapes,
        drawn=", ".join(described),
        names=draw.symbols,
    )
