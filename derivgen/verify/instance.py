"""The small concrete instance every claim is checked on: its sizes and its index values.

Sizes are small and distinct (so a swapped index or a wrong size cannot pass), whatever the
declared sizes and the index values: the concrete index values the claims use on an axis are
relabelled in order onto 1, 2, 3, …, the axis's last value (a concrete size) onto the
instance's last. A claim treats indices only as positions on an axis (equal or not, before
or after, within the range), which this relabelling keeps, so `dy[1000000000]/dx[1]` is
checked on a 3×4 instance exactly as `dy[2]/dx[1]` would be.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sympy

from derivgen.errors import VerificationError
from derivgen.model.shapes import Dim, Shape
from derivgen.steps.claims import Claim, axes_of_indices, parts_of

SMALLEST_SIZE = 3
"""The smallest size an instance gives an axis of unknown or large size."""
KEEP_CONCRETE_UP_TO = 6
"""Concrete sizes up to this are kept as they are; larger ones are checked on a smaller one."""


@dataclass(frozen=True)
class Instance:
    """Each axis size's value on the instance, and where each concrete index lands."""

    sizes: Mapping[Dim, int]
    labels: Mapping[Dim, Mapping[int, int]]
    """Concrete index value -> instance index, per axis size that is relabelled."""

    def size(self, dim: Dim | sympy.Expr) -> int:
        """The instance's value of a size: C, 1000000, or an expression such as C*D."""
        if isinstance(dim, int) or (isinstance(dim, sympy.Basic) and dim.is_Integer):
            return self.sizes.get(int(dim), int(dim))
        if dim in self.sizes:
            return self.sizes[dim]
        if isinstance(dim, sympy.Mul | sympy.Add):
            parts = [self.size(a) for a in dim.args]
            total = 1 if isinstance(dim, sympy.Mul) else 0
            for part in parts:
                total = total * part if isinstance(dim, sympy.Mul) else total + part
            return total
        raise VerificationError(f"the size {dim} is not a size of this problem")

    def index(self, dim: Dim | None, value: int) -> int:
        """Where the concrete index `value` on an axis of size `dim` lands on the instance."""
        if dim is None or dim not in self.labels:
            return value
        labels = self.labels[dim]
        if value not in labels:
            raise VerificationError(f"the index {value} is not on the axis of size {dim}")
        return labels[value]


def _single(sizes: set[Dim] | None) -> Dim | None:
    return next(iter(sizes)) if sizes and len(sizes) == 1 else None


def index_literals(claim: Claim, shapes: Mapping[str, Shape]) -> dict[Dim, set[int]]:
    """The concrete index values a claim uses, per axis size."""
    found: dict[Dim, set[int]] = {}
    sides = [claim.lhs, claim.rhs] + ([claim.where] if claim.where is not None else [])
    axes: dict[sympy.Symbol, set[Dim]] = {}
    for side in sides:
        for index, sizes in axes_of_indices(side, shapes).items():
            axes.setdefault(index, set()).update(sizes)
    symbolic = {d for s in shapes.values() for d in s.axes if isinstance(d, sympy.Basic)}

    def axis(partner: sympy.Basic) -> Dim | None:
        if partner in symbolic:
            return partner
        return _single(axes.get(partner))

    def add(dim: Dim | None, value: sympy.Basic) -> None:
        if dim is not None and value.is_Integer:
            found.setdefault(dim, set()).add(int(value))

    for side in sides:
        parts = parts_of(side)
        for item in parts.entries:
            shape = shapes.get(item.base.name)
            if shape is not None:
                for index, dim in zip(item.indices, shape.axes, strict=False):
                    add(dim, index)
        for total in parts.sums:
            for variable, low, high in total.limits:
                add(axis(variable), low)
                add(axis(variable), high)
        for relation in (*parts.deltas, *parts.relations):
            a, b = relation.args
            add(axis(b), a)
            add(axis(a), b)
    for variable, low, high in claim.over:
        add(axis(variable), low)
        add(axis(variable), high)
    return found


def instance_for(
    shapes: Mapping[str, Shape], claims: Iterable[Claim], *, descending: bool = False
) -> Instance:
    """Small distinct sizes with room for every concrete index the claims use, relabelled;
    increasing in the order the sizes appear, or decreasing with `descending`."""
    used: dict[Dim, set[int]] = {}
    for claim in claims:
        for dim, values in index_literals(claim, shapes).items():
            used.setdefault(dim, set()).update(values)
    dims: list[Dim] = []
    for shape in shapes.values():
        dims += [d for d in (shape.rows, shape.cols) if d not in dims]
    sizes: dict[Dim, int] = {1: 1}
    labels: dict[Dim, dict[int, int]] = {}
    for dim in dims:
        if isinstance(dim, int) and dim <= KEEP_CONCRETE_UP_TO:
            sizes[dim] = dim
    for dim in reversed(dims) if descending else dims:
        if dim in sizes:
            continue
        values = sorted((used.get(dim, set()) | {1}) - {dim})
        # a concrete size is the axis's last index; an unknown one lies beyond every value used
        floor = max(SMALLEST_SIZE, len(values) + 1)
        if descending:  # each size above every later one's, whatever room they need
            floor = max(floor, 1 + max(sizes.values()))
        size = next(v for v in itertools.count(floor) if v not in sizes.values())
        if isinstance(dim, int):
            sizes[dim], labels[dim] = _contiguous(values, dim, size)
        else:
            sizes[dim] = size
            labels[dim] = {value: n for n, value in enumerate(values, start=1)}
    return Instance(sizes=sizes, labels=labels)


def _contiguous(values: list[int], last: int, size: int) -> tuple[int, dict[int, int]]:
    """Labels for a concrete axis of `last` entries on one of `size`, and the size used.

    An instance index between two labels must stand for real indices between them: a sum
    the claims write from 8 to 8 is W_{i,8}, and a phantom index between 7 and 8 (which
    are neighbours) would add a term to a whole-axis sum that no written sum holds. So the
    room beyond the labels goes into the gaps the real axis has (the first first), and
    where it has none the instance keeps one index per real one.
    """
    points = [*values, last]
    extra = size - len(points)
    label, previous, out = 0, 0, {}
    for value in points:
        room = min(extra, value - previous - 1)
        label += 1 + room
        extra -= room
        out[value] = label
        previous = value
    return label, out
