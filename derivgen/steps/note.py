"""The note's own method, for products of two arrays (sections 1 to 4).

Write one component as a sum, write the sum out with the target's term visible,
differentiate term by term showing the zeros (or show why the target plays no role), and
keep the surviving term.
"""

from __future__ import annotations

import itertools

import sympy

from derivgen.model.indexing import indexed, position
from derivgen.model.products import (
    Component,
    Product,
    as_product,
    component,
    inner_sizes,
    is_chain,
)
from derivgen.model.shapes import Shapes
from derivgen.model.target import ResolvedTarget
from derivgen.parse.ast import Equation
from derivgen.steps.kinds import (
    ComponentStep,
    DifferentiateStep,
    Dots,
    ExpandStep,
    IsolateStep,
    Part,
    Step,
    Term,
    ZeroStep,
)
from derivgen.steps.matching import Absent, Surviving, base_name, differentiate

WRITTEN_TERMS_LIMIT = 6
"""A concrete sum of at most this many terms is written out in full."""


def note_product(equation: Equation, shapes: Shapes, target: ResolvedTarget) -> Product | None:
    """The product, when the note's method applies: two arrays, one sum, the variable once."""
    product = as_product(equation)
    if product is None or sum(op.name == target.by for op in product.operands) != 1:
        return None
    if not is_chain(product, shapes):
        return None
    arrays = [op for op in product.operands if not shapes[op.name].is_scalar]
    if len(arrays) > 2:
        return None
    if shapes[target.by].is_scalar and any(size != 1 for size in inner_sizes(product, shapes)):
        return None  # by a scalar factor, every term of the sum survives: not the note's case
    if sum(size != 1 for size in inner_sizes(product, shapes)) > 1:
        return None
    return product


def note_steps(
    product: Product, shapes: Shapes, target: ResolvedTarget
) -> tuple[list[Step], sympy.Expr, sympy.Expr]:
    """The note's steps for the requested entry; returns them, the entry and the general entry."""
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    of_entry = indexed(target.of, of_shape, target.of_indices)
    by_entry = indexed(target.by, by_shape, target.by_indices)
    comp = component(product, shapes, *position(of_shape, target.of_indices), target.dummy)
    steps: list[Step] = [_component_step(of_entry, comp)]
    outcome = differentiate(comp, by_entry)
    if isinstance(outcome, Absent):
        if comp.dummy is not None:
            steps.append(_expand_step(comp, of_entry, by_entry, _written_terms(comp, None)))
        steps.append(
            ZeroStep(
                of=of_entry,
                by=by_entry,
                pattern=outcome.pattern,
                conflicts=outcome.conflicts,
                example=outcome.example,
            )
        )
        example = differentiate(comp, outcome.example)
        assert isinstance(example, Surviving), "an example entry always appears"
        steps += _surviving_steps(comp, of_entry, outcome.example, example, expand=False)
        entry = sympy.Integer(0)
    else:
        steps += _surviving_steps(comp, of_entry, by_entry, outcome, expand=True)
        entry = outcome.result
    named = component(product, shapes, *position(of_shape, target.of_names), target.dummy)
    general = differentiate(named, indexed(target.by, by_shape, target.by_names))
    assert isinstance(general, Surviving), "symbolic indices never conflict"
    return steps, entry, general.result


def _component_step(of_entry: sympy.Expr, comp: Component) -> ComponentStep:
    parts: list[Part] = []
    if comp.dummy is not None:
        for factor in comp.factors:
            indices = tuple(factor.indices) if isinstance(factor, sympy.Indexed) else ()
            name = base_name(factor)
            if not indices:
                parts.append(Part(name=name, axis="scalar"))
            elif len(indices) == 1:
                parts.append(Part(name=name, axis="vector"))
            elif indices[1] == comp.dummy:
                parts.append(Part(name=name, axis="row", index=indices[0]))
            else:
                parts.append(Part(name=name, axis="column", index=indices[1]))
    return ComponentStep(
        lhs=of_entry,
        rhs=comp.expression(),
        parts=tuple(parts),
        whole=not isinstance(of_entry, sympy.Indexed),
    )


def _written_terms(
    comp: Component, focus: sympy.Expr | None
) -> tuple[tuple[Term, ...], tuple[Term, ...], int | None]:
    """The sum written out: every term when short and concrete, else 1, 2, …, focus, …, n.

    A symbolic focus (the j-th term) in a short concrete sum stands for one of its terms, so
    that sum reads 1, …, j, …, n: writing every term would leave the j-th term out of sight.

    Returns the terms, the inner index's value at each (dots alike), and where the focus is.
    """
    upper = comp.upper
    symbolic_focus = focus is not None and not focus.is_Integer
    if isinstance(upper, int) and upper <= WRITTEN_TERMS_LIMIT and not symbolic_focus:
        values: list[sympy.Expr | Dots] = [sympy.Integer(v) for v in range(1, upper + 1)]
    elif isinstance(upper, int) and upper <= WRITTEN_TERMS_LIMIT:
        one, last = sympy.Integer(1), sympy.Integer(upper)
        values = [one, Dots.LOW, focus, Dots.LOW, last]
    else:
        anchors = [sympy.Integer(1), sympy.Integer(2)]
        if focus is not None and focus not in (*anchors, sympy.sympify(upper)):
            anchors.append(focus)
        anchors.append(sympy.sympify(upper))
        values = [anchors[0]]
        for previous, value in itertools.pairwise(anchors):
            if not (previous.is_Integer and value.is_Integer and value == previous + 1):
                values.append(Dots.LOW)
            values.append(value)
    terms = tuple(v if isinstance(v, Dots) else comp.term(v) for v in values)
    focus_at = values.index(focus) if focus is not None and focus in values else None
    return terms, tuple(values), focus_at


def _expand_step(
    comp: Component,
    of_entry: sympy.Expr,
    by_entry: sympy.Expr,
    written: tuple[tuple[Term, ...], tuple[Term, ...], int | None],
    conditions: tuple[tuple[sympy.Expr, sympy.Expr], ...] = (),
) -> ExpandStep:
    """The component's sum written out (`_written_terms`), with the target's term in view."""
    terms, positions, focus = written
    return ExpandStep(
        lhs=of_entry,
        terms=terms,
        focus=focus,
        target=by_entry,
        summand=comp.term(),
        index=comp.dummy,
        positions=positions,
        conditions=conditions,
    )


def _surviving_steps(
    comp: Component, of_entry: sympy.Expr, by_entry: sympy.Expr, outcome: Surviving, *, expand: bool
) -> list[Step]:
    steps: list[Step] = []
    if comp.dummy is not None:
        written = _written_terms(comp, outcome.value)
        terms, positions, focus = written
        if expand:
            steps.append(_expand_step(comp, of_entry, by_entry, written, outcome.conditions))
    else:
        terms, positions, focus = (comp.term(),), (), 0
    derivatives = tuple(
        t
        if isinstance(t, Dots)
        else sympy.Derivative(t, by_entry, evaluate=False)
        if n == focus
        else sympy.Integer(0)
        for n, t in enumerate(terms)
    )
    surviving = sympy.Derivative(outcome.term, by_entry, evaluate=False)
    steps.append(
        DifferentiateStep(
            of=of_entry,
            by=by_entry,
            terms=terms,
            derivatives=derivatives,
            summand=comp.term() if comp.dummy is not None else None,
            index=comp.dummy,
            positions=positions,
            conditions=outcome.conditions,
        )
    )
    # sympy's One, not Python's 1: `nonzero` is a side of a claim, which must be an expression
    deltas = {sympy.KroneckerDelta(h, w): sympy.S.One for h, w in outcome.conditions}
    steps.append(
        IsolateStep(
            of=of_entry,
            by=by_entry,
            surviving=surviving,
            result=outcome.result,
            conditions=outcome.conditions,
            nonzero=outcome.result.xreplace(deltas) if deltas else None,
        )
    )
    return steps
