"""The engine for any expression of the grammar, by index notation (the math.SE answer's way).

One component is written with explicit sums; the ordinary rules of calculus differentiate it,
with ∂W_{k,l}/∂W_{j,m} = δ_{k,j} δ_{l,m}; the deltas are summed out; the general entry is
assembled and named as the note does, or as the array F with its compact form G.
"""

from __future__ import annotations

import itertools

import sympy

from derivgen.model.indexing import indexed, position
from derivgen.model.ops import IndexSupply, component_of
from derivgen.model.ops.base import EntryFunction
from derivgen.model.shapes import Shape, Shapes
from derivgen.model.target import INDEX_NAMES, ResolvedTarget, names_in_use
from derivgen.parse.ast import Equation, Node
from derivgen.steps.deltas import collapse, summed_apart
from derivgen.steps.kinds import ComponentStep, DeltaStep, IndexDerivativeStep, Step


def index_supply(target: ResolvedTarget, shapes: Shapes) -> IndexSupply:
    """Fresh names for inner sums: none a target index, a symbol or a size already uses."""
    taken = names_in_use(target, shapes) - {str(target.dummy)}
    names = (
        n
        for n in itertools.chain(INDEX_NAMES, (f"k{n}" for n in itertools.count(1)))
        if n not in taken
    )
    return IndexSupply(sympy.Symbol(n) for n in names)


def component_partial(
    node: Node,
    *,
    shape: Shape,
    of_indices: tuple,
    by_entry: sympy.Expr,
    shapes: Shapes,
    supply: IndexSupply,
) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """The component of `node` (of `shape`) at `of_indices`, its raw derivative by `by_entry`,
    and that derivative with its Kronecker deltas summed out."""
    row, col = position(shape, of_indices)
    expression = component_of(node, shapes, row, col, supply)
    raw = sympy.diff(expression, by_entry)
    # a summed index must not take the name of an index of the partial (∂s_i/∂X_{j,k})
    named = {str(i) for i in (*of_indices, *getattr(by_entry, "indices", ()))}
    return expression, raw, collapse(raw, avoid=set(shapes) | named)


def differentiate_component(
    equation: Equation, shapes: Shapes, target: ResolvedTarget, of_indices: tuple, by_indices: tuple
) -> tuple[list[Step], sympy.Expr]:
    """Component, its raw derivative, and the deltas summed out; returns the steps and result."""
    of_entry = indexed(target.of, shapes[target.of], of_indices)
    by_entry = indexed(target.by, shapes[target.by], by_indices)
    expression, raw, result = component_partial(
        equation.rhs,
        shape=shapes[target.of],
        of_indices=of_indices,
        by_entry=by_entry,
        shapes=shapes,
        supply=index_supply(target, shapes),
    )
    steps: list[Step] = [
        ComponentStep(
            lhs=of_entry,
            rhs=expression,
            parts=(),
            whole=shapes[target.of].is_scalar,
            named=_intermediates(expression),
        ),
        IndexDerivativeStep(
            of=of_entry,
            by=by_entry,
            component=expression,
            derivative=raw,
            rules=_rules(expression, by_entry),
        ),
    ]
    if result != raw:
        deltas = raw.has(sympy.KroneckerDelta)
        apart = summed_apart(raw)
        # equal terms that only name their summed index differently add up: show them apart
        combined = len(sympy.Add.make_args(apart)) > len(sympy.Add.make_args(result))
        steps.append(
            DeltaStep(
                of=of_entry,
                by=by_entry,
                result=result,
                summed_deltas=deltas,
                apart=apart if combined and deltas and apart != raw else None,
            )
        )
    return steps, result


def _intermediates(expression: sympy.Expr) -> tuple[tuple[sympy.MatrixSymbol, sympy.Basic], ...]:
    """Each intermediate an inverse or a determinant in the component is taken of."""
    found = {f.intermediate() for f in expression.atoms(EntryFunction)} - {None}
    return tuple(sorted(found, key=lambda pair: pair[0].name))


def _rules(
    expression: sympy.Expr, by: sympy.Expr
) -> tuple[tuple[str, sympy.Expr, sympy.Expr], ...]:
    """The own rule of each entry function the component holds (X⁻¹'s entries, det X)."""
    rules = []
    for function in sorted(expression.atoms(EntryFunction), key=sympy.default_sort_key):
        rule = function.rule(by)
        if rule is not None:
            rules.append((type(function).__name__, *rule))
    return tuple(rules)


def general_steps(
    equation: Equation, shapes: Shapes, target: ResolvedTarget
) -> tuple[list[Step], sympy.Expr, sympy.Expr]:
    """Index-notation steps for the requested entry; returns them, the entry, the general."""
    steps, entry = differentiate_component(
        equation, shapes, target, target.of_indices, target.by_indices
    )
    if target.of_indices == target.of_names and target.by_indices == target.by_names:
        return steps, entry, entry
    _, general = differentiate_component(equation, shapes, target, target.of_names, target.by_names)
    return steps, entry, general
