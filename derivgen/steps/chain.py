"""Section 5 of the note: a product of three or more arrays, by the chain rule.

`y = V W x` by x names the intermediate result `m = W x`, states `y = V m`, and writes the
chain rule for one component, `∂y_i/∂x_j = Σ_k ∂y_i/∂m_k ∂m_k/∂x_j = Σ_k V_{i,k} W_{k,j}`.
Longer products get one intermediate per stage, innermost first. Each intermediate is a
vector, as in the note; a product whose stages would be matrices takes the general path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sympy

from derivgen.model.indexing import indexed
from derivgen.model.ops import IndexSupply, shape_of, to_matrix_expr
from derivgen.model.ops.symbol import matrix_symbol
from derivgen.model.shapes import Dim, Shapes, conformable
from derivgen.model.target import ResolvedTarget, names_in_use
from derivgen.parse.ast import Equation, MatMul, Node, Symbol, Transpose
from derivgen.steps.assemble import DENOMINATOR_ARRANGEMENTS, arrange
from derivgen.steps.deltas import collapse
from derivgen.steps.general import component_partial, index_supply
from derivgen.steps.kinds import ChainRuleStep, Dots, IntermediatesStep, Link, Step, Term
from derivgen.steps.note import WRITTEN_TERMS_LIMIT

INTERMEDIATE_NAMES = "mnpqruvhg"
"""Names for intermediate results; the note calls its one `m`."""

_NOWHERE = (0, 0)
"""The span of a node derivgen made up (an intermediate), which has no source text."""


@dataclass(frozen=True)
class Chain:
    """The stages of a product: `names[s] = stages[s]` (innermost first), then `output = final`."""

    names: tuple[str, ...]
    stages: tuple[Node, ...]
    final: Node
    shapes: Shapes
    """The equation's shapes with the intermediates added."""


def _factors(node: Node) -> list[Node]:
    """`V W x` as V, W, x: a chain is read across however the products were bracketed."""
    if isinstance(node, MatMul):
        return _factors(node.left) + _factors(node.right)
    return [node]


def _is_array(node: Node) -> bool:
    """A named array, maybe transposed: the only factors a stage of the note's chain has."""
    return isinstance(node, Symbol) or (
        isinstance(node, Transpose) and isinstance(node.operand, Symbol)
    )


def _product(nodes: list[Node]) -> Node:
    result = nodes[0]
    for node in nodes[1:]:
        result = MatMul(left=result, right=node, span=_NOWHERE)
    return result


def _names(taken: set[str]) -> Iterator[str]:
    return (n for n in INTERMEDIATE_NAMES if n not in taken)


def _stages(
    factors: list[Node], position: int, *, leftwards: bool
) -> tuple[Node, list[Node]] | None:
    """The innermost product (the variable with its neighbours) and the factors applied after.

    Leftwards, `U V W x` by x starts from `W x` and then applies V and U on the left;
    rightwards, `x W V` (row vectors) starts from `x W` and applies V on the right.
    """
    last = len(factors) - 1
    if leftwards:
        start = min(position, last - 1)
        if start == 0:
            return None
        return _product(factors[start:]), factors[:start][::-1]
    end = max(position, 1)
    if end == last:
        return None
    return _product(factors[: end + 1]), factors[end + 1 :]


def find_chain(equation: Equation, shapes: Shapes, target: ResolvedTarget) -> Chain | None:
    """The note's chain of intermediates for this target, or None when none applies."""
    factors = _factors(equation.rhs)
    if len(factors) < 3 or not all(_is_array(f) for f in factors):
        return None
    sizes = [shape_of(f, shapes) for f in factors]
    if any(s.is_scalar for s in sizes):
        return None
    if not conformable(sizes):
        return None
    holding = [n for n, f in enumerate(factors) if _holds(f, target.by)]
    if len(holding) != 1:
        return None
    taken = names_in_use(target, shapes)
    for leftwards in (True, False):
        found = _stages(factors, holding[0], leftwards=leftwards)
        if found is not None:
            chain = _chain(*found, equation, shapes, _names(taken), leftwards=leftwards)
            if chain is not None:
                return chain
    return None


def _holds(node: Node, name: str) -> bool:
    """Whether this factor is the variable (transposed or not), which fixes the first stage."""
    return (node.operand if isinstance(node, Transpose) else node).name == name


def _chain(
    core: Node,
    applied: list[Node],
    equation: Equation,
    shapes: Shapes,
    names: Iterator[str],
    *,
    leftwards: bool,
) -> Chain | None:
    known = dict(shapes.of)
    stage_names: list[str] = []
    stages: list[Node] = [core]
    current = core
    for factor in applied:
        shape = shape_of(current, Shapes(known))
        if not shape.is_vector:
            return None
        name = next(names, None)
        if name is None:
            return None
        known[name] = shape
        stage_names.append(name)
        named = Symbol(name=name, span=_NOWHERE)
        current = (
            MatMul(left=factor, right=named, span=_NOWHERE)
            if leftwards
            else MatMul(left=named, right=factor, span=_NOWHERE)
        )
        stages.append(current)
    return Chain(
        names=tuple(stage_names),
        stages=tuple(stages[:-1]),
        final=stages[-1],
        shapes=Shapes(known),
    )


def chain_steps(
    chain: Chain, shapes: Shapes, target: ResolvedTarget, layout: str | None
) -> tuple[list[Step], sympy.Expr, sympy.Expr]:
    """Intermediates, the chain rule for the requested entry; returns them, the entry, general."""
    every = chain.shapes
    symbols = tuple(matrix_symbol(n, every) for n in chain.names)
    output, variable = matrix_symbol(target.of, shapes), matrix_symbol(target.by, shapes)
    pairs = tuple(zip((output, *symbols[::-1]), (*symbols[::-1], variable), strict=True))
    written = _written_layout(shapes, target, layout)
    intermediates = IntermediatesStep(
        output=output,
        by=variable,
        names=symbols,
        definitions=tuple(to_matrix_expr(s, every) for s in chain.stages),
        final=to_matrix_expr(chain.final, every),
        chain=pairs[::-1] if written == "denominator" else pairs,
        layout=written,
    )
    supply = index_supply(target, every)
    requested = _chain_rule(chain, target, target.of_indices, target.by_indices, supply)
    steps: list[Step] = [intermediates, requested]
    general = requested.result
    if (target.of_indices, target.by_indices) != (target.of_names, target.by_names):
        general = _chain_rule(chain, target, target.of_names, target.by_names, supply).result
    return steps, requested.result, general


def _partials(links: list[Link], values: dict | None = None) -> sympy.Expr:
    """∂y_i/∂m_k ∂m_k/∂x_j, kept in the chain's order (sympy would sort the factors)."""
    return sympy.Mul(
        *(
            sympy.Derivative(
                link.of.xreplace(values or {}), link.by.xreplace(values or {}), evaluate=False
            )
            for link in links
        ),
        evaluate=False,
    )


def _nested_sum(body: sympy.Expr, sums: tuple[tuple[sympy.Symbol, Dim], ...]) -> sympy.Expr:
    """Σ_k Σ_l body: one Sum per intermediate, the outermost intermediate's sum outside."""
    for index, size in reversed(sums):
        body = sympy.Sum(body, (index, 1, size))
    return body


def _written_out(
    links: list[Link], summed: tuple[sympy.Symbol, Dim]
) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """`{a_1 b_1 + a_2 b_2 + … + a_M b_M}`: every term of a short concrete sum, else the ends.

    Returns the terms and the index's value at each (dots alike).
    """
    index, size = summed
    if isinstance(size, int) and size <= WRITTEN_TERMS_LIMIT:
        values: list[Term] = [sympy.Integer(v) for v in range(1, size + 1)]
    else:
        values = [sympy.Integer(1), sympy.Integer(2), Dots.LOW, sympy.sympify(size)]
    terms = tuple(v if isinstance(v, Dots) else _partials(links, {index: v}) for v in values)
    return terms, tuple(values)


def _written_layout(shapes: Shapes, target: ResolvedTarget, layout: str | None) -> str | None:
    """The layout the assembled result will be in, which fixes the matrix chain rule's order."""
    of_shape, by_shape = shapes[target.of], shapes[target.by]
    # Each factor dm/dx has the variable's axes and one more: a matrix variable makes them
    # 3-D arrays, which no layout multiplies, so the statement stays the note's symbolic one.
    if len(of_shape.axes) + len(by_shape.axes) > 2 or len(by_shape.axes) > 1:
        return None
    arranged = arrange(of_shape, target.of_names, by_shape, target.by_names, layout).layout
    return "denominator" if arranged in DENOMINATOR_ARRANGEMENTS else "numerator"


def _chain_rule(
    chain: Chain,
    target: ResolvedTarget,
    of_indices: tuple,
    by_indices: tuple,
    supply: IndexSupply,
) -> ChainRuleStep:
    """Σ_k ∂y_i/∂m_k ∂m_k/∂x_j with each stage's partial found from its own component."""
    every = chain.shapes
    outermost_first = chain.names[::-1]
    sums = tuple((supply.fresh(), every[name].axes[0]) for name in outermost_first)
    middle = [
        indexed(name, every[name], (index,))
        for name, (index, _) in zip(outermost_first, sums, strict=True)
    ]
    of_entry = indexed(target.of, every[target.of], of_indices)
    by_entry = indexed(target.by, every[target.by], by_indices)
    outputs = [
        (target.of, of_indices, of_entry),
        *((e.base.name, e.indices, e) for e in middle),
    ]
    variables = [*middle, by_entry]
    nodes = [chain.final, *chain.stages[::-1]]
    links = []
    for (name, indices, entry), variable, node in zip(outputs, variables, nodes, strict=True):
        _, _, value = component_partial(
            node,
            shape=every[name],
            of_indices=indices,
            by_entry=variable,
            shapes=every,
            supply=supply,
        )
        links.append(
            Link(
                of=entry,
                by=variable,
                value=value,
                output=matrix_symbol(name, every),
                defined=to_matrix_expr(node, every),
            )
        )
    summed = _nested_sum(sympy.Mul(*(link.value for link in links)), sums)
    expanded, positions = _written_out(links, sums[0]) if len(sums) == 1 else (None, ())
    return ChainRuleStep(
        of=of_entry,
        by=by_entry,
        sums=sums,
        rule=_nested_sum(_partials(links), sums),
        expanded=expanded,
        positions=positions,
        links=tuple(links),
        summed=summed,
        result=collapse(summed, avoid=set(every)),
    )
