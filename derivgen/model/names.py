"""Pools of generated names that never run dry: the letters first, then the letters numbered."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator


def numbered(letters: Iterable[str]) -> Iterator[str]:
    """`C, D, …` then `C2, D2, …, C3, …`: a problem with more sizes (or indices) than letters
    still gets names, all valid in the equation syntax and in sympy's parser."""
    letters = tuple(letters)
    yield from letters
    for number in itertools.count(2):
        yield from (f"{letter}{number}" for letter in letters)
