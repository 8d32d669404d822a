"""Summing out Kronecker deltas: Σ_k δ_{k,j} f(k) = f(j), the step the math.SE answer takes.

Only sums are touched: a delta between two free indices stays (it says where the result is
non-zero). Every index lies in its sum's range, because shapes were unified first.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection

import sympy

from derivgen.model.names import numbered


def _delta_on(term: sympy.Expr, index: sympy.Symbol) -> sympy.KroneckerDelta | None:
    for factor in sympy.Mul.make_args(term):
        if isinstance(factor, sympy.KroneckerDelta) and index in factor.args:
            a, b = factor.args
            if a != b:
                return factor
    return None


INNER_NAMES = "klmnpqrstuvabcdefgh"
"""Names for summed indices once deltas are gone, outermost sum first."""


def collapse(expr: sympy.Expr, avoid: Collection[str] = ()) -> sympy.Expr:
    """`expr` with every summed Kronecker delta summed out, common factors pulled out again.

    Sums are renamed canonically first, so that `Σ_l W_{i,l} x_l + Σ_m W_{i,m} x_m` is seen
    as twice one sum; no summed index takes a name in `avoid` (the arrays' own names).
    """
    return sympy.factor_terms(canonical_sums(_collapse(expr), avoid))


def summed_apart(expr: sympy.Expr) -> sympy.Expr:
    """`expr` with its summed deltas summed out, and nothing else done: equal terms that
    differ in the names of their summed indices are still apart (the line before `collapse`
    adds them up)."""
    return _collapse(expr)


def canonical_sums(expr: sympy.Expr, avoid: Collection[str] = ()) -> sympy.Expr:
    """Rename every summed index by nesting depth, from names the expression leaves free."""
    deepest = sum(len(total.limits) for total in expr.atoms(sympy.Sum))
    free = (
        sympy.Symbol(n)
        for n in numbered(INNER_NAMES)
        if sympy.Symbol(n) not in expr.free_symbols and n not in avoid
    )
    names = list(itertools.islice(free, deepest))

    def rename(node: sympy.Expr, depth: int) -> sympy.Expr:
        if isinstance(node, sympy.Sum):
            body = node.function
            limits = []
            for index, lower, upper in node.limits:
                fresh = sympy.Dummy()  # no capture while inner sums still use the name
                body = body.xreplace({index: fresh})
                limits.append((fresh, lower, upper))
            body = rename(body, depth + len(limits))
            renamed = []
            for offset, (fresh, lower, upper) in enumerate(reversed(limits)):
                name = names[depth + offset]
                body = body.xreplace({fresh: name})
                renamed.append((name, lower, upper))
            return sympy.Sum(body, *reversed(renamed))
        if node.args and not isinstance(node, sympy.Indexed | sympy.KroneckerDelta):
            return node.func(*(rename(a, depth) for a in node.args))
        return node

    return rename(expr, 0)


def _collapse(expr: sympy.Expr) -> sympy.Expr:
    if isinstance(expr, sympy.Sum):
        body = _collapse(expr.function)
        for limit in expr.limits:  # sympy lists the innermost sum first
            body = _sum_out(body, limit)
        return body
    if expr.args and not isinstance(expr, sympy.Indexed | sympy.KroneckerDelta):
        return expr.func(*(_collapse(a) for a in expr.args))
    return expr


def _terms_for(body: sympy.Expr, index: sympy.Symbol) -> list[sympy.Expr]:
    """The terms of `body`, multiplied out only where a bracket hides a delta on `index`.

    `(x_k - t_k) W_{k,i}` stays one term, so that it is still read as Wᵀ(x - t) later;
    `(a_k δ_{k,j} + b_k) c_k` is multiplied out, so that the delta can pick its term.
    """
    terms = []
    for term in sympy.Add.make_args(body):
        hidden = any(
            isinstance(factor, sympy.Add)
            and any(index in d.args for d in factor.atoms(sympy.KroneckerDelta))
            for factor in sympy.Mul.make_args(term)
        )
        expanded = sympy.expand_mul(term, deep=False) if hidden else term
        if expanded == term:
            terms.append(term)
        else:
            terms += _terms_for(expanded, index)
    return terms


def _sum_out(body: sympy.Expr, limit: tuple) -> sympy.Expr:
    """Σ over one index: a delta on it picks one term; factors free of it move outside."""
    index, lower, upper = limit
    terms = []
    for term in _terms_for(body, index):
        delta = _delta_on(term, index)
        if delta is not None:
            other = delta.args[1] if delta.args[0] == index else delta.args[0]
            reduced = sympy.Mul(*(f for f in sympy.Mul.make_args(term) if f is not delta))
            terms.append(reduced.xreplace({index: other}))
            continue
        outside = [f for f in sympy.Mul.make_args(term) if index not in f.free_symbols]
        inside = [f for f in sympy.Mul.make_args(term) if index in f.free_symbols]
        if inside:
            terms.append(sympy.Mul(*outside) * sympy.Sum(sympy.Mul(*inside), limit))
        else:
            terms.append(term * (upper - lower + 1))
    return sympy.Add(*terms)
