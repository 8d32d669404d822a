"""The math.SE thread's three views of a derivative by a matrix, each an optional section.

Index notation keeps the Kronecker deltas (`∂f_i/∂W_{m,n} = δ_{i,m} x_n`); vectorization
writes the Jacobian of vec(f) by vec(W) as Kronecker products (`xᵀ ⊗ I`); backprop sums the
derivative against the gradient of a scalar loss, which gives an outer product (`g xᵀ`)
instead of a 3-D array.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from derivgen.errors import NotDerivableError, TargetError
from derivgen.model.indexing import indexed
from derivgen.model.ops.symbol import matrix_symbol
from derivgen.model.shapes import Dim, Shape, Shapes
from derivgen.model.target import ResolvedTarget, names_in_use
from derivgen.parse.ast import Equation
from derivgen.steps.assemble import arrange, recognize
from derivgen.steps.deltas import collapse
from derivgen.steps.general import component_partial, index_supply
from derivgen.steps.kinds import BackpropViewStep, IndexViewStep, VecViewStep
from derivgen.steps.recognize import recognize_matrix

VIEWS = ("index", "vec", "backprop")
"""The views a user may ask for, in the order they are shown."""

_GRADIENT_NAMES = ("g", "h", "u", "v")
_LOSS_NAMES = ("L", "E", "J", "Q")


def check_views(views: Sequence[str], shapes: Shapes, target: ResolvedTarget) -> None:
    """Refuse, in one line, a view that is unknown or does not apply to this target."""
    for view in views:
        if view not in VIEWS:
            raise TargetError(f"unknown view {view!r}: use {', '.join(VIEWS)}")
    if views and len(shapes[target.by].axes) != 2:
        raise TargetError(
            f"the views ({', '.join(views)}) are of a derivative by a matrix, "
            f"but {target.by} is not a matrix"
        )
    if "backprop" in views and shapes[target.of].is_scalar:
        raise TargetError(
            f"the backprop view sums against the gradient of a scalar loss, "
            f"but {target.of} is already a scalar: its derivative is that gradient"
        )


def index_view(equation: Equation, shapes: Shapes, target: ResolvedTarget) -> IndexViewStep:
    of_entry = indexed(target.of, shapes[target.of], target.of_names)
    by_entry = indexed(target.by, shapes[target.by], target.by_names)
    component, derivative, result = component_partial(
        equation.rhs,
        shape=shapes[target.of],
        of_indices=target.of_names,
        by_entry=by_entry,
        shapes=shapes,
        supply=index_supply(target, shapes),
    )
    return IndexViewStep(
        of=of_entry, by=by_entry, component=component, derivative=derivative, result=result
    )


def vec_view(
    equation: Equation, shapes: Shapes, target: ResolvedTarget, general: sympy.Expr
) -> VecViewStep:
    """∂vec(f)/∂vec(W) entry (p, q) with p = (b−1)·rows(f) + a and q = (l−1)·rows(W) + k.

    A term `A(b, l) · B(a, k)` of the general entry is then the entry of `A ⊗ B`.
    """
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    of_inner, of_outer = _vec_levels(of_shape, target.of_names)
    by_inner, by_outer = target.by_names
    sizes: dict[sympy.Symbol, Dim] = {by_inner: by_shape.rows, by_outer: by_shape.cols}
    if of_inner is not None:
        sizes[of_inner] = of_shape.rows
    if of_outer is not None:
        sizes[of_outer] = of_shape.cols
    products = []
    for term in sympy.Add.make_args(general):
        outer, inner = [], []
        for factor in sympy.Mul.make_args(term):
            indices = factor.free_symbols & set(sizes)
            if indices <= {of_outer, by_outer} and indices:
                outer.append(factor)
            elif indices <= {of_inner, by_inner}:
                inner.append(factor)
            else:
                raise NotDerivableError(
                    f"derivgen cannot write ∂vec({target.of})/∂vec({target.by}) as Kronecker "
                    "products: a factor of its entries depends on both a row and a column "
                    "index of vec"
                )
        left = recognize_matrix(sympy.Mul(*outer), of_outer, by_outer, sizes, shapes)
        right = recognize_matrix(sympy.Mul(*inner), of_inner, by_inner, sizes, shapes)
        products.append(
            sympy.KroneckerProduct(left, right)
            if isinstance(left, sympy.MatrixExpr)
            else left * right
        )
    return VecViewStep(
        of=matrix_symbol(target.of, shapes),
        by=matrix_symbol(target.by, shapes),
        stacked=not (of_shape.is_column or of_shape.is_scalar),
        result=sympy.MatAdd(*products) if len(products) > 1 else products[0],
        linear=_linear(equation, shapes, target, general),
    )


def _linear(
    equation: Equation, shapes: Shapes, target: ResolvedTarget, general: sympy.Expr
) -> bool:
    """Linear in the variable: its derivative is free of it, and the output vanishes with it.

    The second condition keeps `z = x W + b` from being written as `vec(z) = (I ⊗ x) vec(W)`.
    """
    variable = sympy.IndexedBase(target.by)

    def holds_variable(expr: sympy.Basic) -> bool:
        return isinstance(expr, sympy.Indexed) and expr.base == variable

    if any(holds_variable(i) for i in general.atoms(sympy.Indexed)):
        return False
    component, _, _ = component_partial(
        equation.rhs,
        shape=shapes[target.of],
        of_indices=target.of_names,
        by_entry=indexed(target.by, shapes[target.by], target.by_names),
        shapes=shapes,
        supply=index_supply(target, shapes),
    )
    return component.replace(holds_variable, lambda _: sympy.Integer(0)).doit() == 0


def _vec_levels(
    shape: Shape, names: tuple[sympy.Symbol, ...]
) -> tuple[sympy.Symbol | None, sympy.Symbol | None]:
    """The (row, column) index of an array, as vec's inner and outer level (None if length 1)."""
    if shape.is_scalar:
        return None, None
    if shape.is_column:
        return names[0], None
    if shape.is_row:
        return None, names[0]
    return names[0], names[1]


def _free_name(candidates: Sequence[str], taken: set[str]) -> str:
    name = next((n for n in candidates if n not in taken), None)
    if name is None:
        raise NotDerivableError("the backprop view has no free name for the loss's gradient")
    return name


def backprop_view(shapes: Shapes, target: ResolvedTarget, general: sympy.Expr) -> BackpropViewStep:
    """Σ over the output's indices of g · (∂z/∂W): what reaches W from a scalar loss."""
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    taken = names_in_use(target, shapes)
    candidates = (
        _GRADIENT_NAMES if of_shape.is_vector else tuple(n.upper() for n in _GRADIENT_NAMES)
    )
    gradient = _free_name(candidates, taken)
    loss = _free_name(_LOSS_NAMES, taken | {gradient})
    every = Shapes({**shapes.of, gradient: of_shape, loss: Shape(1, 1)})
    of_entry = indexed(target.of, of_shape, target.of_names)
    by_entry = indexed(target.by, by_shape, target.by_names)
    g_entry = indexed(gradient, of_shape, target.of_names)
    limits = [(n, 1, size) for n, size in zip(target.of_names, of_shape.axes, strict=True)]
    partials = sympy.Mul(
        sympy.Derivative(sympy.Symbol(loss), of_entry, evaluate=False),
        sympy.Derivative(of_entry, by_entry, evaluate=False),
        evaluate=False,
    )
    summed = sympy.Sum(g_entry * general, *limits)
    result = collapse(summed, avoid=set(every))
    arrangement = arrange(Shape(1, 1), (), by_shape, target.by_names)
    return BackpropViewStep(
        loss=sympy.Symbol(loss),
        output=matrix_symbol(target.of, shapes),
        by=matrix_symbol(target.by, shapes),
        gradient=matrix_symbol(gradient, every),
        of=of_entry,
        by_entry=by_entry,
        rule=sympy.Sum(partials, *limits),
        summed=summed,
        result=result,
        matrix=recognize(result, arrangement, every),
        row_index=arrangement.row_index,
        col_index=arrangement.col_index,
    )
