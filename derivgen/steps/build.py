"""The engine: from a checked problem to the note's sequence of steps and its results.

Sections 1 to 4 of the note, in order: shapes, one component as a sum, the sum written out,
term-by-term derivatives (or why they all vanish), the surviving term, the general entry,
and the assembled Jacobian (or, for three or more axes, the array F and its compact G).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import sympy

from derivgen.errors import NotDerivableError
from derivgen.model.indexing import indexed
from derivgen.model.ops import to_matrix_expr
from derivgen.model.ops.symbol import matrix_symbol
from derivgen.model.shapes import Shape, Shapes
from derivgen.model.target import ResolvedTarget
from derivgen.parse.ast import Equation
from derivgen.steps.assemble import (
    Arrangement,
    arrange,
    grid,
    grid_positions,
    partial,
    recognize,
)
from derivgen.steps.chain import chain_steps, find_chain
from derivgen.steps.claims import Claim, Definition, claims_of, every_shape
from derivgen.steps.derivation import Answer, Assembled, Backprop, GeneralEntry, Statement
from derivgen.steps.determinant import determinant_steps, is_determinant_problem
from derivgen.steps.general import general_steps
from derivgen.steps.inverse import inverse_steps, is_inverse_problem
from derivgen.steps.kinds import (
    ArrayStep,
    AssembleStep,
    ChainRuleStep,
    ChainSummaryStep,
    GeneralizeStep,
    IntermediatesStep,
    Outer,
    ShapesStep,
    Slice,
    Step,
)
from derivgen.steps.note import note_product, note_steps
from derivgen.steps.views import backprop_view, index_view, vec_view


@dataclass(frozen=True)
class Derived:
    """Everything the engine concludes: the problem, the steps, and the answer they reach."""

    equation: str
    target: str
    shapes: Shapes
    of: sympy.Basic
    """The requested output: an entry such as y[3], or the whole symbol for a bare target."""
    by: sympy.Basic
    of_names: tuple[sympy.Symbol, ...]
    by_names: tuple[sympy.Symbol, ...]
    statement: Statement
    steps: tuple[Step, ...]
    answer: Answer

    @property
    def definitions(self) -> tuple[Definition, ...]:
        """The intermediate results the steps name, in order (`m = W x`, then `y = V m`)."""
        return tuple(d for step in self.steps for d in step.defines())

    @property
    def every_shape(self) -> dict[str, Shape]:
        """The shapes of the equation's symbols and of every name the steps define or use."""
        return every_shape(self.shapes.of, self.definitions)

    def claims(self) -> tuple[tuple[Claim, ...], ...]:
        """Each step's claims, every free index with its range, in step order."""
        return claims_of(self.steps, self.every_shape)


def build(
    equation: Equation,
    shapes: Shapes,
    target: ResolvedTarget,
    target_text: str,
    *,
    layout: str | None = None,
    views: Sequence[str] = (),
) -> Derived:
    """Derive ∂target.of/∂target.by step by step, as the note would.

    `layout` ("numerator" or "denominator") arranges the assembled matrix; None keeps the
    note's arrangement. `views` (checked by `check_views`) adds the math.SE thread's views.
    """
    product = note_product(equation, shapes, target)
    chain = (
        find_chain(equation, shapes, target)
        if product is None and not shapes[target.of].is_scalar
        else None
    )
    if is_determinant_problem(equation, target):
        middle, entry, general = determinant_steps(shapes, target)
    elif is_inverse_problem(equation, target, shapes):
        middle, entry, general = inverse_steps(shapes, target)
    elif product is not None:
        middle, entry, general = note_steps(product, shapes, target)
    elif chain is not None:
        middle, entry, general = chain_steps(chain, shapes, target, layout)
    else:
        middle, entry, general = general_steps(equation, shapes, target)
    statement = _statement(equation, shapes)
    general_entry = _general_entry(general, shapes, target)
    steps: list[Step] = [_shapes_step(statement), *middle, _generalize(general_entry)]
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    assembled = None
    if len(of_shape.axes) + len(by_shape.axes) <= 2:
        arrangement = arrange(of_shape, target.of_names, by_shape, target.by_names, layout)
        assembled = _assembled(target, shapes, general, arrangement)
        steps.append(_assemble_step(target, shapes, general, arrangement, assembled))
    else:
        steps.append(_array_step(target, shapes, general, layout))
    if chain is not None:
        steps.append(_chain_summary(middle))
    # The views, in the order of VIEWS.
    index = index_view(equation, shapes, target) if "index" in views else None
    vec = vec_view(equation, shapes, target, general) if "vec" in views else None
    backprop = backprop_view(shapes, target, general) if "backprop" in views else None
    steps += [view for view in (index, vec, backprop) if view is not None]
    return Derived(
        equation=equation.text.strip(),
        target=target_text.strip(),
        shapes=shapes,
        of=indexed(target.of, of_shape, target.of_indices)
        if target.of_given
        else matrix_symbol(target.of, shapes),
        by=indexed(target.by, by_shape, target.by_indices)
        if target.by_given
        else matrix_symbol(target.by, shapes),
        of_names=target.of_names,
        by_names=target.by_names,
        statement=statement,
        steps=tuple(steps),
        answer=Answer(
            entry=entry if target.is_entry else None,
            general=general_entry,
            matrix=assembled,
            index=None if index is None else index.result,
            vec=None if vec is None else vec.result,
            backprop=None
            if backprop is None
            else Backprop(
                loss=backprop.loss,
                by=backprop.by,
                matrix=backprop.matrix,
                gradient=backprop.gradient,
                output=backprop.output,
            ),
        ),
    )


def _general_entry(general: sympy.Expr, shapes: Shapes, target: ResolvedTarget) -> GeneralEntry:
    """The general entry for all index values, and where its Kronecker deltas make it zero."""
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    conditions, nonzero = _conditions(general, target)
    substitution = {replaced: kept for kept, replaced in conditions}
    by_entry = indexed(target.by, by_shape, target.by_names)
    ranges = (
        *zip(target.of_names, of_shape.axes, strict=True),
        *zip(target.by_names, by_shape.axes, strict=True),
    )
    return GeneralEntry(
        of=indexed(target.of, of_shape, target.of_names),
        by=by_entry,
        result=general,
        ranges=ranges,
        conditions=conditions,
        nonzero_by=by_entry.xreplace(substitution) if conditions else None,
        nonzero=nonzero if conditions else None,
    )


def _generalize(general: GeneralEntry) -> GeneralizeStep:
    return GeneralizeStep(
        of=general.of,
        by=general.by,
        result=general.result,
        ranges=general.ranges,
        conditions=general.conditions,
        nonzero_by=general.nonzero_by,
        nonzero=general.nonzero,
    )


def _short(formula: sympy.Expr) -> bool:
    """An entry formula short enough to write in every cell of a matrix: no sums, no functions."""
    functions = formula.atoms(sympy.Function) - formula.atoms(sympy.KroneckerDelta)
    return not formula.has(sympy.Sum) and not functions


def _chain_summary(middle: list[Step]) -> ChainSummaryStep:
    """The note's summary of the chain rule, naming this derivation's intermediates and sums."""
    intermediates = next(s for s in middle if isinstance(s, IntermediatesStep))
    rule = next(s for s in middle if isinstance(s, ChainRuleStep))
    return ChainSummaryStep(of=rule.of, by=rule.by, names=intermediates.names, sums=rule.sums)


def _cell(general: sympy.Expr, at: dict) -> sympy.Expr:
    """The general entry at one cell of the written grid, whose rows 1, 2, …, C are distinct.

    sympy keeps δ_{1,C} for a symbolic C (C might be 1); in the grid, the last row and the
    first are different rows, so that delta is 0 there.
    """
    value = general.xreplace(at)
    return value.replace(
        lambda e: isinstance(e, sympy.KroneckerDelta) and e.args[0] != e.args[1],
        lambda e: (
            sympy.Integer(0)
            if all(a.is_Integer or a.is_Symbol for a in e.args)
            and e.free_symbols <= set(at.values())
            else e
        ),
    )


def _statement(equation: Equation, shapes: Shapes) -> Statement:
    symbols = tuple(sympy.MatrixSymbol(n, shapes[n].rows, shapes[n].cols) for n in shapes)
    return Statement(output=symbols[0], rhs=to_matrix_expr(equation.rhs, shapes), symbols=symbols)


def _shapes_step(statement: Statement) -> ShapesStep:
    return ShapesStep(output=statement.output, rhs=statement.rhs, symbols=statement.symbols)


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


def _assembled(
    target: ResolvedTarget, shapes: Shapes, general: sympy.Expr, arrangement: Arrangement
) -> Assembled:
    return Assembled(
        of=matrix_symbol(target.of, shapes),
        by=matrix_symbol(target.by, shapes),
        result=recognize(general, arrangement, shapes),
        row_index=arrangement.row_index,
        col_index=arrangement.col_index,
        layout=arrangement.layout,
    )


def _assemble_step(
    target: ResolvedTarget,
    shapes: Shapes,
    general: sympy.Expr,
    arrangement: Arrangement,
    assembled: Assembled,
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
    row_values, col_values = grid_positions(arrangement)
    transposed = _untransposed(assembled)
    return AssembleStep(
        of=assembled.of,
        by=assembled.by,
        partials=grid(arrangement, cell),
        entries=grid(arrangement, lambda at: _cell(general, at)) if _short(general) else None,
        result=assembled.result,
        row_index=assembled.row_index,
        col_index=assembled.col_index,
        layout=assembled.layout,
        partial=cell({}),
        row_values=row_values,
        col_values=col_values,
        transposed=transposed,
        terms=None if transposed is not None else _named_terms(general, arrangement, shapes),
        outer=None if transposed is not None else _outer_factors(general, arrangement, shapes),
    )


def _outer_factors(general: sympy.Expr, arrangement: Arrangement, shapes: Shapes) -> Outer | None:
    """(c, (u, u_i), (v, v_j)) for a general partial c u_i v_j with a sum inside one factor,
    `2 (Σ_k W_{i,k} x_k − t_i) x_j`, so that the step names the sum as an entry,
    `2 (W x − t)_i x_j`, before the outer product `2 (W x − t) xᵀ`; None otherwise."""
    row, col = arrangement.row_index, arrangement.col_index
    if row is None or col is None or not isinstance(general, sympy.Mul):
        return None
    coefficient, factors = general.as_coeff_mul()
    along_row = [f for f in factors if f.free_symbols & {row, col} == {row}]
    along_col = [f for f in factors if f.free_symbols & {row, col} == {col}]
    if len(along_row) + len(along_col) != len(factors) or not (along_row and along_col):
        return None
    u_i, v_j = sympy.Mul(*along_row), sympy.Mul(*along_col)
    if not (u_i.has(sympy.Sum) or v_j.has(sympy.Sum)):
        return None
    try:
        u = recognize(u_i, replace(arrangement, col_index=None), shapes)
        v = recognize(v_j, replace(arrangement, row_index=None), shapes)
    except NotDerivableError:
        return None
    return coefficient, (u, u_i), (v, v_j)


def _named_terms(
    general: sympy.Expr, arrangement: Arrangement, shapes: Shapes
) -> tuple[sympy.Basic, ...] | None:
    """The matrix of each term of a general partial that adds sums (Σ_k A_{i,k} x_k +
    Σ_k x_k A_{k,i}), so that the step names them, (A x)_i + (Aᵀ x)_i, before adding the
    matrices, or of a general partial that is one sum (Σ_k V_{i,k} W_{k,j}, the entry of
    V W); None for anything else, or terms that are no matrices (a scalar's sum)."""
    terms = sympy.Add.make_args(general)
    if not any(t.has(sympy.Sum) for t in terms) or (len(terms) == 1 and general.func != sympy.Sum):
        return None
    if arrangement.row_index is None and arrangement.col_index is None:
        return None
    try:
        matrices = tuple(recognize(t, arrangement, shapes) for t in terms)
    except NotDerivableError:  # a term named only together with the others
        return None
    if not all(isinstance(m, sympy.MatrixExpr) for m in matrices):
        return None
    return matrices


def _transposes(expr: sympy.Basic) -> int:
    return sum(isinstance(node, sympy.Transpose) for node in sympy.preorder_traversal(expr))


def _untransposed(assembled: Assembled) -> sympy.Basic | None:
    """P, when a matrix result is a product written as Pᵀ with more transposes than P has
    (Aᵀ Bᵀ = (B A)ᵀ): its entries read in P's order, and the step shows P first."""
    result = assembled.result
    if assembled.row_index is None or assembled.col_index is None:
        return None
    if not isinstance(result, sympy.MatMul) or _transposes(result) == 0:
        return None
    named = (sympy.MatrixSymbol, sympy.Transpose)
    if not all(isinstance(f, named) and f.atoms(sympy.MatrixSymbol) for f in result.args):
        return None  # only a product of named arrays, such as Aᵀ Bᵀ
    if any(
        isinstance(f, sympy.Transpose) and not isinstance(f.arg, sympy.MatrixSymbol)
        for f in result.args
    ):
        return None
    plain = sympy.Transpose(result).doit()
    return plain if _transposes(plain) < _transposes(result) else None


def _slice_shape(shape: Shape, names: tuple[sympy.Symbol, ...], fixed: set) -> Shape:
    """The shape left when the axes indexed by `fixed` names are held at one value."""
    if shape.is_vector:
        return Shape(1, 1) if names[0] in fixed else shape
    rows = 1 if names[0] in fixed else shape.rows
    cols = 1 if names[1] in fixed else shape.cols
    return Shape(rows, cols)


def _array_step(
    target: ResolvedTarget, shapes: Shapes, general: sympy.Expr, layout: str | None
) -> ArrayStep:
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
        slice=_slice(target, shapes, conditions, compact, layout),
    )


def _slice(
    target: ResolvedTarget,
    shapes: Shapes,
    conditions: tuple[tuple[sympy.Symbol, sympy.Symbol], ...],
    compact: sympy.Expr,
    layout: str | None,
) -> Slice | None:
    """The note's `∂Y_{i,:}/∂X_{i,:} = W`: when G does not depend on a matched index at all."""
    fixed = {kept for kept, _ in conditions if kept not in compact.free_symbols}
    if not fixed:
        return None
    held = fixed | {replaced for kept, replaced in conditions if kept in fixed}
    of_shape = _slice_shape(shapes[target.of], target.of_names, held)
    by_shape = _slice_shape(shapes[target.by], target.by_names, held)
    free_of = tuple(n for n in target.of_names if n not in held)
    free_by = tuple(n for n in target.by_names if n not in held)
    arrangement = arrange(of_shape, free_of, by_shape, free_by, layout)
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
