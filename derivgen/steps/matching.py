"""Differentiating one component by one entry: which term holds the entry, and what is left.

This is the note's whole argument in miniature. The variable appears in exactly one factor
of the summand; matching that factor's indices against the target's fixes the inner index
(the one surviving term), turns a symbolic mismatch into a Kronecker delta, and a concrete
mismatch (3 ≠ 8) into a zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derivgen.errors import NotDerivableError
from derivgen.model.products import Component


@dataclass(frozen=True)
class Surviving:
    """The one term that holds the target, and its derivative."""

    value: sympy.Expr | None
    """The inner index of that term (None when the component is a single term)."""
    term: sympy.Expr
    result: sympy.Expr
    conditions: tuple[tuple[sympy.Expr, sympy.Expr], ...] = ()
    """(index the term holds, index the target asks for) pairs that must agree for the term
    to hold the target at all: each is a Kronecker delta of `result`."""


@dataclass(frozen=True)
class Absent:
    """No term holds the target: the factor's fixed indices disagree with the target's."""

    pattern: sympy.Expr
    conflicts: tuple[tuple[sympy.Expr, sympy.Expr], ...]
    example: sympy.Expr


def base_name(factor: sympy.Expr) -> str:
    """The symbol an entry belongs to: `W` for `W[3, 7]`, `a` for a scalar `a`."""
    return factor.base.name if isinstance(factor, sympy.Indexed) else str(factor)


def _indices(entry: sympy.Expr) -> tuple[sympy.Expr, ...]:
    return tuple(entry.indices) if isinstance(entry, sympy.Indexed) else ()


def _with_indices(entry: sympy.Expr, indices: list[sympy.Expr]) -> sympy.Expr:
    return entry.base[tuple(indices)] if isinstance(entry, sympy.Indexed) else entry


def differentiate(component: Component, target: sympy.Expr) -> Surviving | Absent:
    """∂(component)/∂(target) by matching the variable's factor against the target entry."""
    name = base_name(target)
    holders = [n for n, f in enumerate(component.factors) if base_name(f) == name]
    if len(holders) != 1:
        raise NotDerivableError(
            f"derivgen cannot yet derive by {name} where it appears more than once "
            "(that takes the product rule)"
        )
    holder = component.factors[holders[0]]
    value: sympy.Expr | None = None
    conditions: list[tuple[sympy.Expr, sympy.Expr]] = []
    conflicts: list[tuple[sympy.Expr, sympy.Expr]] = []
    for held, wanted in zip(_indices(holder), _indices(target), strict=True):
        if component.dummy is not None and held == component.dummy:
            if value is None:
                value = wanted
            elif value != wanted:
                conditions.append((value, wanted))
        elif held != wanted:
            if held.is_Integer and wanted.is_Integer:
                conflicts.append((held, wanted))
            else:
                conditions.append((held, wanted))
    if conflicts:
        example = [
            held if held.is_Integer else wanted
            for held, wanted in zip(_indices(holder), _indices(target), strict=True)
        ]
        return Absent(holder, tuple(conflicts), _with_indices(target, example))
    substitution = {} if value is None or component.dummy is None else {component.dummy: value}
    others = [f.xreplace(substitution) for n, f in enumerate(component.factors) if n != holders[0]]
    deltas = [sympy.KroneckerDelta(held, wanted) for held, wanted in conditions]
    result = sympy.Mul(component.coefficient, *others, *deltas)
    return Surviving(value, component.term(value), result, tuple(conditions))
