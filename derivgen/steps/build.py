"""The engine: from a checked problem to the note's sequence of steps and its results.

Sections 1 to 4 of the note, in order: shapes, one component as a sum, the sum written out,
term-by-term derivatives (or why they all vanish), the surviving term, the general entry,
and the assembled Jacobian (or, for three or more axes, the array F and its compact G).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy

from derivgen.errors import NotDerivableError
from derivgen.model.indexing import indexed, position
from derivgen.model.matrices import matrix_symbol, to_matrix_expr
from derivgen.model.products import Component, Product, as_product, component
from derivgen.model.shapes import Shape, Shapes
from derivgen.model.target import ResolvedTarget
from derivgen.parse.ast import Equation
from derivgen.steps.assemble import Arrangement, arrange, grid, partial, recognize
from derivgen.steps.kinds import (
    ArrayStep,
    AssembleStep,
    ComponentStep,
    DifferentiateStep,
    Dots,
    ExpandStep,
    GeneralizeStep,
    IsolateStep,
    Part,
    ShapesStep,
    Slice,
    Step,
    Term,
    ZeroStep,
)
from derivgen.steps.matching import Absent, Surviving, base_name, differentiate

WRITTEN_TERMS_LIMIT = 6
"""A concrete sum of at most this many terms is written out in full."""


@dataclass(frozen=True)
class Derived:
    """Everything the engine concludes: the steps, and the results the JSON reports."""

    equation: str
    target: str
    shapes: Shapes
    of: sympy.Basic
    """The requested output: an entry such as y[3], or the whole symbol for a bare target."""
    by: sympy.Basic
    of_names: tuple[sympy.Symbol, ...]
    by_names: tuple[sympy.Symbol, ...]
    steps: tuple[Step, ...]
    entry: sympy.Expr | None
    general: sympy.Expr
    matrix: sympy.Basic | None
    arrangement: Arrangement | None


def build(equation: Equation, shapes: Shapes, target: ResolvedTarget, target_text: str) -> Derived:
    """Derive ∂target.of/∂target.by step by step, as the note would."""
    product = as_product(equation)
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    of_entry = indexed(target.of, of_shape, target.of_indices)
    by_entry = indexed(target.by, by_shape, target.by_indices)
    comp = component(product, shapes, *position(of_shape, target.of_indices), target.dummy)

    steps: list[Step] = [_shapes_step(equation, shapes), _component_step(of_entry, comp)]
    outcome = differentiate(comp, by_entry)
    if isinstance(outcome, Absent):
        if comp.dummy is not None:
            steps.append(
                ExpandStep(
                    lhs=of_entry, terms=_written_terms(comp, None)[0], focus=None, target=by_entry
                )
            )
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

    general_step, general = _generalize(product, shapes, target)
    steps.append(general_step)
    arrangement = None
    matrix = None
    if len(of_shape.axes) + len(by_shape.axes) <= 2:
        arrangement = arrange(of_shape, target.of_names, by_shape, target.by_names)
        matrix = recognize(general, arrangement, shapes)
        steps.append(_assemble_step(target, shapes, general, arrangement, matrix))
    else:
        steps.append(_array_step(target, shapes, general))
    return Derived(
        equation=equation.text.strip(),
        target=target_text.strip(),
        shapes=shapes,
        of=of_entry if target.of_given else matrix_symbol(target.of, shapes),
        by=by_entry if target.by_given else matrix_symbol(target.by, shapes),
        of_names=target.of_names,
        by_names=target.by_names,
        steps=tuple(steps),
        entry=entry if target.is_entry else None,
        general=general,
        matrix=matrix,
        arrangement=arrangement,
    )


def _shapes_step(equation: Equation, shapes: Shapes) -> ShapesStep:
    symbols = tuple(sympy.MatrixSymbol(n, shapes[n].rows, shapes[n].cols) for n in shapes)
    return ShapesStep(output=symbols[0], rhs=to_matrix_expr(equation.rhs, shapes), symbols=symbols)


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
    return ComponentStep(lhs=of_entry, rhs=comp.expression(), parts=tuple(parts))


def _written_terms(
    comp: Component, focus: sympy.Expr | None
) -> tuple[tuple[Term, ...], int | None]:
    """The sum written out: every term when short and concrete, else 1, 2, …, focus, …, n."""
    upper = comp.upper
    if isinstance(upper, int) and upper <= WRITTEN_TERMS_LIMIT:
        values: list[sympy.Expr | Dots] = [sympy.Integer(v) for v in range(1, upper + 1)]
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
    return terms, focus_at


def _surviving_steps(
    comp: Component, of_entry: sympy.Expr, by_entry: sympy.Expr, outcome: Surviving, *, expand: bool
) -> list[Step]:
    steps: list[Step] = []
    if comp.dummy is not None:
        terms, focus = _written_terms(comp, outcome.value)
        if expand:
            steps.append(ExpandStep(lhs=of_entry, terms=terms, focus=focus, target=by_entry))
    else:
        terms, focus = (comp.term(),), 0
    derivatives = tuple(
        t
        if isinstance(t, Dots)
        else sympy.Derivative(t, by_entry, evaluate=False)
        if n == focus
        else sympy.Integer(0)
        for n, t in enumerate(terms)
    )
    surviving = sympy.Derivative(outcome.term, by_entry, evaluate=False)
    steps.append(DifferentiateStep(of=of_entry, by=by_entry, terms=terms, derivatives=derivatives))
    steps.append(IsolateStep(of=of_entry, by=by_entry, surviving=surviving, result=outcome.result))
    return steps


def _conditions(
    formula: sympy.Expr, target: ResolvedTarget
) -> tuple[tuple[tuple[sympy.Symbol, sympy.Symbol], ...], sympy.Expr]:
    """The Kronecker deltas of a general entry as (kept, replaced) index pairs, and what remains."""
    pairs = []
    rest = []
    for factor in sympy.Mul.make_args(formula):
        if isinstance(factor, sympy.KroneckerDelta):
            a, b = factor.args
            pairs.append((b, a) if a in target.by_names and b in target.of_names else (a, b))
        else:
            rest.append(factor)
    substitution = {replaced: kept for kept, replaced in pairs}
    return tuple(pairs), sympy.Mul(*rest).xreplace(substitution)


def _generalize(
    product: Product, shapes: Shapes, target: ResolvedTarget
) -> tuple[GeneralizeStep, sympy.Expr]:
    """The same derivation with every index a name: the general entry and where it is non-zero."""
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    comp = component(product, shapes, *position(of_shape, target.of_names), target.dummy)
    of_entry = indexed(target.of, of_shape, target.of_names)
    by_entry = indexed(target.by, by_shape, target.by_names)
    outcome = differentiate(comp, by_entry)
    assert isinstance(outcome, Surviving), "symbolic indices never conflict"
    conditions, nonzero = _conditions(outcome.result, target)
    substitution = {replaced: kept for kept, replaced in conditions}
    ranges = (
        *zip(target.of_names, of_shape.axes, strict=True),
        *zip(target.by_names, by_shape.axes, strict=True),
    )
    step = GeneralizeStep(
        of=of_entry,
        by=by_entry,
        result=outcome.result,
        ranges=ranges,
        conditions=conditions,
        nonzero_by=by_entry.xreplace(substitution) if conditions else None,
        nonzero=nonzero if conditions else None,
    )
    return step, outcome.result


def _assemble_step(
    target: ResolvedTarget,
    shapes: Shapes,
    general: sympy.Expr,
    arrangement: Arrangement,
    matrix: sympy.Basic,
) -> AssembleStep:
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    cell = partial(
        of_name=target.of,
        of_shape=of_shape,
        of_names=target.of_names,
        by_name=target.by,
        by_shape=by_shape,
        by_names=target.by_names,
    )
    return AssembleStep(
        of=matrix_symbol(target.of, shapes),
        by=matrix_symbol(target.by, shapes),
        partials=grid(arrangement, cell),
        entries=grid(arrangement, general.xreplace),
        result=matrix,
        row_index=arrangement.row_index,
        col_index=arrangement.col_index,
        layout=arrangement.layout,
    )


def _slice_shape(shape: Shape, names: tuple[sympy.Symbol, ...], fixed: set) -> Shape:
    """The shape left when the axes indexed by `fixed` names are held at one value."""
    if shape.is_vector:
        return Shape(1, 1) if names[0] in fixed else shape
    rows = 1 if names[0] in fixed else shape.rows
    cols = 1 if names[1] in fixed else shape.cols
    return Shape(rows, cols)


def _array_step(target: ResolvedTarget, shapes: Shapes, general: sympy.Expr) -> ArrayStep:
    conditions, compact = _conditions(general, target)
    substitution = {replaced: kept for kept, replaced in conditions}
    indices = (*target.of_names, *target.by_names)
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    of_entry = indexed(target.of, of_shape, target.of_names)
    by_entry = indexed(target.by, by_shape, target.by_names)
    return ArrayStep(
        of=matrix_symbol(target.of, shapes),
        by=matrix_symbol(target.by, shapes),
        indices=indices,
        partial=sympy.Derivative(of_entry, by_entry, evaluate=False),
        formula=general,
        conditions=conditions,
        compact_indices=tuple(n for n in indices if n not in substitution),
        compact_source=tuple(substitution.get(n, n) for n in indices),
        compact=compact,
        slice=_slice(target, shapes, conditions, compact),
    )


def _slice(target: ResolvedTarget, shapes: Shapes, conditions, compact: sympy.Expr) -> Slice | None:
    """The note's `∂Y_{i,:}/∂X_{i,:} = W`: when G does not depend on a matched index at all."""
    fixed = {kept for kept, _ in conditions if kept not in compact.free_symbols}
    if not fixed:
        return None
    held = fixed | {replaced for kept, replaced in conditions if kept in fixed}
    of_shape = _slice_shape(shapes[target.of], target.of_names, held)
    by_shape = _slice_shape(shapes[target.by], target.by_names, held)
    free_of = tuple(n for n in target.of_names if n not in held)
    free_by = tuple(n for n in target.by_names if n not in held)
    arrangement = arrange(of_shape, free_of, by_shape, free_by)
    try:
        result = recognize(compact, arrangement, shapes)
    except NotDerivableError:
        return None
    substitution = {replaced: kept for kept, replaced in conditions}
    return Slice(
        of_indices=tuple(n if n in held else None for n in target.of_names),
        by_indices=tuple(substitution.get(n, n) if n in held else None for n in target.by_names),
        fixed=tuple(sorted(fixed, key=str)),
        result=result,
        row_index=arrangement.row_index,
        col_index=arrangement.col_index,
        layout=arrangement.layout,
    )
