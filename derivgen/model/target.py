"""Checks a derivative target against the equation and names every index it will need.

The requested indices are kept as typed (`3`, or the user's `i`); the general result uses
one index name per axis (the user's own names where given), and the inner sum gets a name
that clashes with none of them, nor with a symbol or a size.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derivgen.errors import TargetError
from derivgen.model.names import numbered
from derivgen.model.shapes import Shape, Shapes
from derivgen.parse.ast import Equation, Target, symbols_in

INDEX_NAMES = "ijklmnpqrstuvabcdefgh"
"""Index names in the order the note uses them (i, j, k first)."""


@dataclass(frozen=True)
class ResolvedTarget:
    """A checked target: which entry of which symbol, by which entry of which other."""

    of: str
    by: str
    of_indices: tuple[sympy.Expr, ...]
    by_indices: tuple[sympy.Expr, ...]
    of_names: tuple[sympy.Symbol, ...]
    by_names: tuple[sympy.Symbol, ...]
    dummy: sympy.Symbol
    of_given: bool
    """Whether the target indexed the output (`dy[3]/…`) rather than naming it whole."""
    by_given: bool

    @property
    def is_entry(self) -> bool:
        """True when the target gives indices and every index is a concrete number.

        A scalar by a scalar (`ds/dc`) gives none: it is a whole target, whose `entry` the
        interface leaves null, even though its one partial has no free index.
        """
        given = self.of_given or self.by_given
        return given and all(i.is_Integer for i in (*self.of_indices, *self.by_indices))


def _kind(shape: Shape) -> str:
    return {0: "a scalar", 1: "a vector", 2: "a matrix"}[len(shape.axes)]


def _check_indices(name: str, shape: Shape, indices: tuple[int | str, ...] | None) -> None:
    if indices is None:
        return
    axes = shape.axes
    if len(indices) != len(axes):
        takes = {0: "no index", 1: "one index", 2: "two indices"}[len(axes)]
        raise TargetError(
            f"{name} is {_kind(shape)} {shape}, so it takes {takes}, "
            f"but the target gives {len(indices)}"
        )
    for position, (index, size) in enumerate(zip(indices, axes, strict=True), start=1):
        if isinstance(index, int) and isinstance(size, int) and index > size:
            axis = ("row", "column")[position - 1] if len(axes) == 2 else "entry"
            raise TargetError(
                f"index {index} is out of range for {name}: {axis} indices run from 1 to {size}"
            )


def resolve_target(target: Target, equation: Equation, shapes: Shapes) -> ResolvedTarget:
    """Check the target against the equation's symbols and shapes; name its indices."""
    rhs_names = {s.name for s in symbols_in(equation.rhs)}
    if target.of != equation.lhs.name:
        where = "is on the right-hand side" if target.of in rhs_names else "is not in the equation"
        raise TargetError(
            f"the target differentiates {target.of}, which {where}: "
            f"derivgen differentiates the output {equation.lhs.name}"
        )
    if target.by not in rhs_names:
        known = ", ".join(dict.fromkeys(s.name for s in symbols_in(equation.rhs)))
        raise TargetError(
            f"the target differentiates by {target.by}, which is not on the right-hand side "
            f"(its symbols are {known})"
        )
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    _check_indices(target.of, of_shape, target.of_indices)
    _check_indices(target.by, by_shape, target.by_indices)

    given = [
        i for i in (*(target.of_indices or ()), *(target.by_indices or ())) if isinstance(i, str)
    ]
    if len(set(given)) != len(given):
        raise TargetError("each index name may appear only once in a target")
    reserved = set(shapes) | {str(s) for s in shapes.size_symbols()}
    for name in given:
        if name in reserved:
            what = "a symbol" if name in shapes else "a size"
            raise TargetError(f"the index name {name} is also {what} of the equation: pick another")
    taken = set(given) | reserved
    pool = (sympy.Symbol(n) for n in numbered(INDEX_NAMES) if n not in taken)

    def names(indices: tuple[int | str, ...] | None, count: int) -> tuple[sympy.Symbol, ...]:
        typed = indices or (None,) * count
        return tuple(sympy.Symbol(i) if isinstance(i, str) else next(pool) for i in typed)

    of_names = names(target.of_indices, len(of_shape.axes))
    by_names = names(target.by_indices, len(by_shape.axes))

    def requested(indices: tuple[int | str, ...] | None, generic: tuple[sympy.Symbol, ...]):
        if indices is None:
            return generic
        return tuple(sympy.Integer(i) if isinstance(i, int) else sympy.Symbol(i) for i in indices)

    return ResolvedTarget(
        of=target.of,
        by=target.by,
        of_indices=requested(target.of_indices, of_names),
        by_indices=requested(target.by_indices, by_names),
        of_names=of_names,
        by_names=by_names,
        dummy=next(pool),
        of_given=target.of_indices is not None,
        by_given=target.by_indices is not None,
    )


def names_in_use(target: ResolvedTarget, shapes: Shapes) -> set[str]:
    """Every name a new index or intermediate must avoid: symbols, sizes and target indices."""
    taken = set(shapes) | {str(s) for s in shapes.size_symbols()}
    indices = (*target.of_names, *target.by_names, *target.of_indices, *target.by_indices)
    return taken | {str(s) for s in (*indices, target.dummy)}
