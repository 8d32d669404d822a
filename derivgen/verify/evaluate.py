"""Claims' sides evaluated on the instance: index notation, matrix expressions and partials.

Every side is compiled once into a closure and called for each value of its free indices.
Entries of the equation's symbols are random numbers; the output's entries come from the
parse tree (`equation.evaluate`), never from the engine's forms; an intermediate's entries
from its definition. A partial `∂f/∂v` is f evaluated with v's entry made a dual number (its
ε part is the derivative, exactly), or, in the float field, a central difference.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from derivgen.errors import VerificationError
from derivgen.model.matrices import Vec
from derivgen.model.ops.determinant import cofactor, determinant
from derivgen.model.ops.elementwise import ELEMENTWISE, Applied
from derivgen.model.ops.inverse import inverse_entry
from derivgen.model.ops.reduction import EntrySum
from derivgen.model.shapes import Dim, Shape
from derivgen.parse.ast import Equation, symbols_in
from derivgen.steps.claims import Definition, axes_of_indices, parts_of
from derivgen.verify import equation as oracle
from derivgen.verify import linear
from derivgen.verify.instance import Instance
from derivgen.verify.numbers import (
    FLOAT,
    STEP,
    Dual,
    Field,
    derivative_of,
    divide,
    value_of,
)

Seed = tuple[str, int, int, object] | None
"""(array, row, column, how): the entry a partial moves, as a dual ("dual") or by a step."""
Bindings = Mapping[sympy.Symbol, int]
Closure = Callable[[Bindings, Seed], Any]

_FUNCTION_NAMES = {function: name for name, function in ELEMENTWISE.items()}
_RELATIONS = {
    sympy.Ne: lambda a, b: a != b,
    sympy.Eq: lambda a, b: a == b,
    sympy.Lt: lambda a, b: a < b,
    sympy.Le: lambda a, b: a <= b,
    sympy.Gt: lambda a, b: a > b,
    sympy.Ge: lambda a, b: a >= b,
}


class UnsupportedError(VerificationError):
    """A side the verifier has no rule for: the claim cannot be checked, so it fails."""


def _array(rows: int, cols: int, cell: Callable[[int, int], Any]) -> np.ndarray:
    out = np.empty((rows, cols), dtype=object)
    for r in range(rows):
        for c in range(cols):
            out[r, c] = cell(r, c)
    return out


def as_array(value: Any) -> np.ndarray:
    """A scalar as a 1x1 array; an array as it is."""
    if isinstance(value, np.ndarray):
        return value
    return _array(1, 1, lambda r, c: value)


def _vec(array: np.ndarray) -> list[Any]:
    return [array[r, c] for c in range(array.shape[1]) for r in range(array.shape[0])]


class Evaluator:
    """The instance's arrays, and every claim side evaluated on them."""

    def __init__(
        self,
        *,
        equation: Equation,
        shapes: Mapping[str, Shape],
        definitions: tuple[Definition, ...],
        instance: Instance,
        field: Field,
        inputs: Mapping[str, np.ndarray],
    ) -> None:
        self.equation = equation
        self.output = equation.lhs.name
        self.rhs_symbols = tuple(dict.fromkeys(s.name for s in symbols_in(equation.rhs)))
        self.shapes = shapes
        self.instance = instance
        self.field = field
        self.inputs = inputs
        self.defined = {str(d.name): d for d in definitions if not d.restates}
        self.restated = next((d for d in definitions if d.restates), None)
        self.symbolic_sizes = {
            d for s in shapes.values() for d in (s.rows, s.cols) if isinstance(d, sympy.Basic)
        }
        self._arrays: dict[tuple[str, Seed], np.ndarray] = {}
        self._compiled: dict[tuple, Closure] = {}
        self._solved: dict[tuple, Any] = {}
        self._depends: dict[str, frozenset[str]] = {}

    # --- arrays -----------------------------------------------------------------------

    def depends(self, name: str) -> frozenset[str]:
        """Every array whose entries can change `name`'s (itself included)."""
        if name not in self._depends:
            found = {name}
            if name == self.output:
                found |= {s for s in self.inputs if s in self.rhs_symbols}
                if self.restated is not None:
                    found |= self._uses(self.restated.value)
            elif name in self.defined:
                found |= self._uses(self.defined[name].value)
            self._depends[name] = frozenset(found)
        return self._depends[name]

    def _uses(self, value: sympy.Basic) -> set[str]:
        found: set[str] = set()
        for name in self._names_in(value):
            found |= self.depends(name)
        return found

    def _names_in(self, value: sympy.Basic) -> set[str]:
        """The arrays `value` names: matrix symbols, entries' bases, scalar symbols."""
        parts = parts_of(value)
        names = {s.name for s in parts.matrices}
        names |= {s.name for s in parts.symbols if s.name in self.shapes}
        return names

    def array(self, name: str, seed: Seed) -> np.ndarray:
        """The entries of `name`, with the seed's entry moved (or made dual)."""
        if seed is not None and seed[0] not in self.depends(name):
            seed = None
        key = (name, seed)
        if key not in self._arrays:
            self._arrays[key] = self._compute(name, seed)
        return self._arrays[key]

    def _compute(self, name: str, seed: Seed) -> np.ndarray:
        if seed is not None and seed[0] == name:
            _, r, c, how = seed
            moved = self.array(name, None).copy()
            moved[r, c] = Dual(moved[r, c], 1) if how == "dual" else moved[r, c] + how
            return moved
        if name in self.inputs:
            return self.inputs[name]
        if name == self.output:
            if (
                seed is not None
                and self.restated is not None
                and seed[0] in self._uses(self.restated.value)
                and seed[0] not in self.inputs
            ):
                return as_array(self.compile(self.restated.value)({}, seed))
            arrays = {n: self.array(n, seed) for n in self.rhs_symbols}
            return oracle.evaluate(self.equation.rhs, arrays, self.field.number, self.field.apply)
        if name in self.defined:
            return as_array(self.compile(self.defined[name].value)({}, seed))
        raise VerificationError(f"{name} is neither a symbol of the equation nor defined")

    def solved(self, name: str, seed: Seed, how: Callable[[np.ndarray], Any]) -> Any:
        """`how` (inverse, determinant) of the array `name`, computed once per seed."""
        if seed is not None and seed[0] not in self.depends(name):
            seed = None
        key = (how.__name__, name, seed)
        if key not in self._solved:
            self._solved[key] = how(self.array(name, seed))
        return self._solved[key]

    def shape_of(self, name: str) -> tuple[int, int]:
        return self.array(name, None).shape

    # --- compiling ------------------------------------------------------------------

    def compile(
        self,
        expr: sympy.Basic,
        axes: Mapping[sympy.Symbol, Dim] | None = None,
        layout: str = "numerator",
    ) -> Closure:
        """A closure computing `expr` for given index values (`axes`: where each index runs)."""
        axes = axes or {}
        key = (expr, tuple(sorted(axes.items(), key=str)), layout)
        if key not in self._compiled:
            self._compiled[key] = self.memoized(expr, _Compiler(self, axes, layout).compile(expr))
        return self._compiled[key]

    def memoized(self, expr: sympy.Basic, closure: Closure) -> Closure:
        """`closure`, remembering its value per value of the indices `expr` depends on.

        Claims repeat their sides (the same partial in five steps) and sums nest factors that
        ignore the outer indices (Σ_p A_{k,p} X_{p,n} inside sums over i, j, l, m); each is
        computed once per value of its own indices. A seed that moves no array `expr` depends
        on changes nothing, so it shares the unseeded value.
        """
        indices = tuple(
            sorted(
                (
                    s
                    for s in parts_of(expr).symbols  # free_symbols omits a partial's index
                    if s.name not in self.shapes and s not in self.symbolic_sizes
                ),
                key=str,
            )
        )
        arrays: set[str] = set()
        for name in self._names_in(expr):
            arrays |= self.depends(name)
        memo: dict[tuple, Any] = {}

        def run(b: Bindings, s: Seed) -> Any:
            if s is not None and s[0] not in arrays:
                s = None
            key = (tuple(b.get(i) for i in indices), s)
            if key not in memo:
                memo[key] = closure(b, s)
            return memo[key]

        return run

    def index(self, expr: sympy.Basic, dim: Dim | None) -> Callable[[Bindings], int]:
        """An index expression (7, k, k + 1, D - 1) as an instance index."""
        return _Compiler(self, {}, "numerator").index(expr, dim)


class _Compiler:
    """Turns one sympy expression into nested closures; one method per kind of node."""

    def __init__(self, owner: Evaluator, axes: Mapping[sympy.Symbol, Dim], layout: str) -> None:
        self.owner = owner
        self.instance = owner.instance
        self.field = owner.field
        self.axes = dict(axes)
        self.layout = layout

    def number(self, value: sympy.Rational) -> Closure:
        constant = self.field.number(Fraction(int(value.p), int(value.q)))
        return lambda b, s: constant

    def dim(self, value: sympy.Basic) -> int:
        return self.instance.size(value)

    def index(self, expr: sympy.Basic, dim: Dim | None) -> Callable[[Bindings], int]:
        """A concrete index is relabelled on its axis; a symbol is bound; + n is an offset."""
        if expr.is_Integer:
            landed = self.instance.index(dim, int(expr))
            return lambda b: landed
        if isinstance(expr, sympy.Symbol):
            if expr in self.owner.symbolic_sizes:
                size = self.instance.size(expr)
                return lambda b: size

            def bound(b: Bindings) -> int:
                if expr not in b:
                    raise UnsupportedError(f"the index {expr} has no value here")
                return b[expr]

            return bound
        if isinstance(expr, sympy.Add):
            offset = sum(int(a) for a in expr.args if a.is_Integer)
            parts = [self.index(a, dim) for a in expr.args if not a.is_Integer]
            return lambda b: offset + sum(p(b) for p in parts)
        raise UnsupportedError(f"derivgen cannot evaluate the index {expr}")

    def partner_axis(self, partner: sympy.Basic) -> Dim | None:
        if partner in self.owner.symbolic_sizes:
            return partner
        return self.axes.get(partner)

    def compile(self, expr: sympy.Basic) -> Closure:  # noqa: PLR0912 - a case per node
        if expr.is_Rational:
            return self.number(expr)
        if isinstance(expr, sympy.Symbol):
            return self.symbol(expr)
        if isinstance(expr, sympy.Indexed):
            return self.entry(expr)
        if isinstance(expr, inverse_entry | determinant | cofactor):
            return self.entry_function(expr)
        if isinstance(expr, sympy.Derivative):
            return self.derivative(expr)
        if isinstance(expr, sympy.Sum):
            return self.total(expr)
        if isinstance(expr, sympy.KroneckerDelta):
            a, b = expr.args
            left, right = self.index(a, self.partner_axis(b)), self.index(b, self.partner_axis(a))
            one, zero = self.field.number(Fraction(1)), self.field.number(Fraction(0))
            return lambda bb, s: one if left(bb) == right(bb) else zero
        if type(expr) in _RELATIONS:
            a, b = expr.args
            left, right = self.index(a, self.partner_axis(b)), self.index(b, self.partner_axis(a))
            test = _RELATIONS[type(expr)]
            return lambda bb, s: test(left(bb), right(bb))
        if isinstance(expr, sympy.And | sympy.Or):
            parts = [self.compile(a) for a in expr.args]
            combine = all if isinstance(expr, sympy.And) else any
            return lambda b, s: combine(p(b, s) for p in parts)
        if expr is sympy.true or expr is sympy.false:
            truth = bool(expr)
            return lambda b, s: truth
        if type(expr) in _FUNCTION_NAMES:
            name, inner = _FUNCTION_NAMES[type(expr)], self.compile(expr.args[0])
            return lambda b, s: self.field.apply(name, inner(b, s))
        if isinstance(expr, sympy.Add | sympy.MatAdd):
            return self.add([self.compile(a) for a in expr.args])
        if isinstance(expr, sympy.Mul | sympy.MatMul):
            return self.product([self.compile(a) for a in expr.args])
        if isinstance(expr, sympy.Inverse):  # before MatPow, which sympy's Inverse is
            inner = self.compile(expr.arg)
            return lambda b, s: linear.inverse(as_array(inner(b, s)))
        if isinstance(expr, sympy.Pow | sympy.MatPow):
            return self.power(expr)
        return self.matrix(expr)

    def symbol(self, expr: sympy.Symbol) -> Closure:
        name = expr.name
        if name in self.owner.shapes and expr not in self.axes:
            if not self.owner.shapes[name].is_scalar:
                raise UnsupportedError(f"{name} is an array, not a scalar")
            return lambda b, s: self.owner.array(name, s)[0, 0]
        if expr in self.owner.symbolic_sizes:
            size = self.field.number(Fraction(self.instance.size(expr)))
            return lambda b, s: size
        index = self.index(expr, None)
        return lambda b, s: index(b)

    def entry(self, expr: sympy.Indexed) -> Closure:
        name = expr.base.name
        shape = self.owner.shapes.get(name)
        if shape is None:
            raise UnsupportedError(f"{name} is not an array of this problem")
        if len(expr.indices) != len(shape.axes):
            raise UnsupportedError(f"{expr} has {len(expr.indices)} indices, {name} has another")
        indices = [self.index(i, d) for i, d in zip(expr.indices, shape.axes, strict=True)]
        rows, cols = self.dim(shape.rows), self.dim(shape.cols)
        first = indices[0] if indices else None
        second = indices[1] if len(indices) == 2 else None
        column, row = shape.is_column, shape.is_row

        def position(b: Bindings) -> tuple[int, int]:
            if column:
                r, c = first(b), 1
            elif row:
                r, c = 1, first(b)
            else:
                r, c = first(b), second(b)
            if not (1 <= r <= rows and 1 <= c <= cols):
                raise VerificationError(f"the entry {expr} lies outside {name} on the instance")
            return r - 1, c - 1

        def value(b: Bindings, s: Seed) -> Any:
            r, c = position(b)
            return self.owner.array(name, s)[r, c]

        value.position = position  # type: ignore[attr-defined]
        value.array = name  # type: ignore[attr-defined]
        return value

    def entry_function(self, expr: inverse_entry | determinant | cofactor) -> Closure:
        """An entry of A⁻¹, det A, or a cofactor of A, computed from A's entries on the
        instance: by elimination, cofactors by their minors (never by the rule the engine
        differentiates with)."""
        name = expr.base.name
        shape = self.owner.shapes.get(name)
        if shape is None or shape.rows != shape.cols:
            raise UnsupportedError(f"{expr} is not of a square array of this problem")
        if isinstance(expr, determinant):
            return lambda b, s: self.owner.solved(name, s, linear.determinant)
        k, l = (self.index(i, shape.rows) for i in expr.indices)  # noqa: E741
        n = self.dim(shape.rows)
        how = linear.cofactors if isinstance(expr, cofactor) else linear.inverse

        def value(b: Bindings, s: Seed) -> Any:
            r, c = k(b), l(b)
            if not (1 <= r <= n and 1 <= c <= n):
                raise VerificationError(f"the entry {expr} lies outside the array")
            return self.owner.solved(name, s, how)[r - 1, c - 1]

        return value

    def total(self, expr: sympy.Sum) -> Closure:
        """Σ over one index or several, as nested sums with each factor hoisted out of the
        signs whose indices it does not use.

        Σ_{k,l,u} W_{i,k} W_{k,l} W_{l,u} x_u is computed as Σ_k W_{i,k} Σ_l W_{k,l} Σ_u
        W_{l,u} x_u: the same number (distributivity), but each inner sum depends on fewer
        indices, and memoized per value of them costs a product of two sizes instead of all
        of them. Sympy's order is kept (the last limit outermost), so a limit that names an
        outer summation index stays valid.
        """
        function = expr.function
        if isinstance(function, sympy.Add):
            # Σ (a + b) = Σ a + Σ b (linearity), so that each term's factors hoist on their own
            return self.add([self.total(sympy.Sum(term, *expr.limits)) for term in function.args])
        factors = list(function.args) if isinstance(function, sympy.Mul) else [function]
        return self.summed(factors, list(expr.limits))

    def summed(self, factors: list[sympy.Basic], limits: list) -> Closure:
        """Σ over `limits` (innermost first) of the product of `factors`, memoized."""
        *inner, (variable, low, high) = limits
        inner_names = {limit[0] for limit in inner}
        here = [f for f in factors if not parts_of(f).symbols & inner_names]
        deeper = [f for f in factors if parts_of(f).symbols & inner_names]
        # a summation index is local: the same name may run over another axis in another sum
        local = axes_of_indices(sympy.Mul(*factors, evaluate=False), self.owner.shapes)
        scope = _Compiler(self.owner, self.axes, self.layout)
        sizes = local.get(variable, set())
        scope.axes[variable] = next(iter(sizes)) if len(sizes) == 1 else None
        parts = [scope.compile(f) for f in here]
        if inner:
            parts.append(scope.summed(deeper, inner))
        one = self.field.number(Fraction(1))
        body = scope.product(parts) if parts else (lambda b, s: one)
        first = scope.index(low, scope.axes[variable])
        last = scope.index(high, scope.axes[variable])
        zero = self.field.number(Fraction(0))

        def run(b: Bindings, s: Seed) -> Any:
            bound = dict(b)
            total: Any = zero
            for value in range(first(b), last(b) + 1):
                bound[variable] = value
                total = total + body(bound, s)
            return total

        whole = sympy.Sum(sympy.Mul(*factors, evaluate=False), *limits)
        return self.owner.memoized(whole, run)

    def add(self, parts: list[Closure]) -> Closure:
        def run(b: Bindings, s: Seed) -> Any:
            values = [p(b, s) for p in parts]
            arrays = [v for v in values if isinstance(v, np.ndarray)]
            if arrays and (len(arrays) != len(values) or len({a.shape for a in arrays}) > 1):
                raise VerificationError("a claim adds arrays of different shapes")
            total = values[0]
            for v in values[1:]:
                total = total + v
            return total

        return run

    def product(self, parts: list[Closure]) -> Closure:
        def run(b: Bindings, s: Seed) -> Any:
            result = parts[0](b, s)
            for part in parts[1:]:
                value = part(b, s)
                if isinstance(result, np.ndarray) and isinstance(value, np.ndarray):
                    if result.shape[1] != value.shape[0]:
                        raise VerificationError(
                            f"a claim multiplies a {result.shape} by a {value.shape} array"
                        )
                    result = result.dot(value)
                else:
                    result = result * value
            return result

        return run

    def power(self, expr: sympy.Basic) -> Closure:
        base, exponent = expr.args
        if not exponent.is_Integer:
            raise UnsupportedError(f"derivgen cannot evaluate the power {expr}")
        inner, n = self.compile(base), int(exponent)

        def run(b: Bindings, s: Seed) -> Any:
            value = inner(b, s)
            if isinstance(value, np.ndarray):
                if value.shape[0] != value.shape[1] or n < 0:
                    raise VerificationError(f"a claim raises a {value.shape} array to {n}")
                result = value
                for _ in range(n - 1):
                    result = result.dot(value)
                return result
            return value**n if n >= 0 else divide(1, value ** (-n))

        return run

    # --- partials ---------------------------------------------------------------------

    def derivative(self, expr: sympy.Derivative) -> Closure:
        ((variable, count),) = expr.variable_count
        if count != 1:
            raise UnsupportedError("derivgen checks first derivatives only")
        if isinstance(variable, sympy.MatrixSymbol | Vec) or (
            isinstance(variable, sympy.Symbol) and isinstance(expr.expr, sympy.MatrixSymbol | Vec)
        ):
            return self.jacobian(expr.expr, variable)
        function = self.compile(expr.expr)
        where = self.seat(variable)

        def run(b: Bindings, s: Seed) -> Any:
            if s is not None:
                raise UnsupportedError("derivgen checks no partial inside another partial")
            name, r, c = where(b)
            return self.differentiate(lambda seed: function(b, seed), name, r, c)

        return run

    def seat(self, variable: sympy.Basic) -> Callable[[Bindings], tuple[str, int, int]]:
        """The array and 0-based entry that a partial differentiates by."""
        if isinstance(variable, sympy.Indexed):
            entry = self.entry(variable)
            name = entry.array  # type: ignore[attr-defined]
            return lambda b: (name, *entry.position(b))  # type: ignore[attr-defined]
        if isinstance(variable, sympy.Symbol) and variable.name in self.owner.shapes:
            return lambda b: (variable.name, 0, 0)
        raise UnsupportedError(f"derivgen cannot differentiate by {variable}")

    def differentiate(self, function: Callable[[Seed], Any], name: str, r: int, c: int) -> Any:
        """∂function/∂name[r, c]: a dual's ε part, or a central difference for floats."""
        if self.field is FLOAT:
            centre = self.owner.array(name, None)[r, c]
            h = STEP * (1 + abs(centre))
            upper = function((name, r, c, h))
            lower = function((name, r, c, -h))
            return (upper - lower) / (2 * h)
        value = function((name, r, c, "dual"))
        if isinstance(value, np.ndarray):
            return np.vectorize(derivative_of, otypes=[object])(value)
        return derivative_of(value)

    def jacobian(self, of: sympy.Basic, by: sympy.Basic) -> Closure:
        """∂vec(of)/∂vec(by): one row per entry of vec(of), one column per entry of vec(by)."""

        def name(item: sympy.Basic) -> str:
            inner = item.arg if isinstance(item, Vec) else item
            if not isinstance(inner, sympy.MatrixSymbol | sympy.Symbol):
                raise UnsupportedError(f"derivgen cannot differentiate {item} as a whole")
            return inner.name

        of_name, by_name = name(of), name(by)

        def run(b: Bindings, s: Seed) -> Any:
            if s is not None:
                raise UnsupportedError("derivgen checks no partial inside another partial")
            rows, cols = self.owner.shape_of(by_name)
            columns = []
            for c in range(cols):
                for r in range(rows):
                    column = self.differentiate(
                        lambda seed: np.array(_vec(self.owner.array(of_name, seed)), dtype=object),
                        by_name,
                        r,
                        c,
                    )
                    columns.append(column)
            count = len(_vec(self.owner.array(of_name, None)))
            jacobian = _array(count, len(columns), lambda p, q: columns[q][p])
            return jacobian.T.copy() if self.layout == "denominator" else jacobian

        return run

    # --- whole arrays ----------------------------------------------------------------

    def kronecker(self, parts: list[Closure]) -> Closure:
        def run(b: Bindings, s: Seed) -> Any:
            result = as_array(parts[0](b, s))
            for part in parts[1:]:
                result = _kron(result, as_array(part(b, s)))
            return result

        return run

    def matrix(self, expr: sympy.Basic) -> Closure:  # noqa: PLR0912, PLR0915 - a case per class
        field = self.field
        zero, one = field.number(Fraction(0)), field.number(Fraction(1))
        if isinstance(expr, sympy.MatrixSymbol):
            name = expr.name
            if name not in self.owner.shapes:
                raise UnsupportedError(f"{name} is not an array of this problem")
            declared = (self.dim(expr.shape[0]), self.dim(expr.shape[1]))

            def symbol(b: Bindings, s: Seed) -> Any:
                value = self.owner.array(name, s)
                if value.shape != declared:
                    raise VerificationError(
                        f"{name} is {value.shape[0]}×{value.shape[1]} on the instance, "
                        f"but the claim has it {declared[0]}×{declared[1]}"
                    )
                return value

            return symbol
        if isinstance(expr, sympy.Transpose):
            inner = self.compile(expr.arg)
            return lambda b, s: as_array(inner(b, s)).T
        if isinstance(expr, sympy.Identity):
            n = self.dim(expr.rows)
            return lambda b, s: _array(n, n, lambda r, c: one if r == c else zero)
        if isinstance(expr, sympy.ZeroMatrix | sympy.OneMatrix):
            rows, cols = self.dim(expr.rows), self.dim(expr.cols)
            fill = zero if isinstance(expr, sympy.ZeroMatrix) else one
            return lambda b, s: _array(rows, cols, lambda r, c: fill)
        if isinstance(expr, sympy.KroneckerProduct):
            return self.kronecker([self.compile(a) for a in expr.args])
        if isinstance(expr, sympy.DiagMatrix):
            inner = self.compile(expr.args[0])

            def diagonal(b: Bindings, s: Seed) -> Any:
                vector = as_array(inner(b, s))
                if 1 not in vector.shape:
                    raise VerificationError("a claim takes diag of a matrix that is no vector")
                entries = list(vector.flat)
                n = len(entries)
                return _array(n, n, lambda r, c: entries[r] if r == c else zero)

            return diagonal
        if isinstance(expr, sympy.HadamardProduct):
            parts = [self.compile(a) for a in expr.args]

            def hadamard(b: Bindings, s: Seed) -> Any:
                values = [as_array(p(b, s)) for p in parts]
                if len({v.shape for v in values}) > 1:
                    raise VerificationError("a claim's Hadamard product joins different shapes")
                result = values[0]
                for v in values[1:]:
                    result = result * v
                return result

            return hadamard
        if isinstance(expr, sympy.HadamardPower):
            inner, exponent = self.compile(expr.base), expr.exp
            if not exponent.is_Integer:
                raise UnsupportedError(f"derivgen cannot evaluate the power {expr}")
            n = int(exponent)
            return lambda b, s: np.vectorize(lambda u: u**n, otypes=[object])(as_array(inner(b, s)))
        if isinstance(expr, Applied):
            inner, name = self.compile(expr.arg), expr.function
            return lambda b, s: np.vectorize(lambda u: field.apply(name, u), otypes=[object])(
                as_array(inner(b, s))
            )
        if isinstance(expr, EntrySum):
            inner = self.compile(expr.arg)
            return lambda b, s: sum(as_array(inner(b, s)).flat)
        if isinstance(expr, sympy.Determinant):
            inner = self.compile(expr.arg)
            return lambda b, s: linear.determinant(as_array(inner(b, s)))
        if isinstance(expr, sympy.Trace):
            inner = self.compile(expr.arg)

            def trace(b: Bindings, s: Seed) -> Any:
                value = as_array(inner(b, s))
                if value.shape[0] != value.shape[1]:
                    raise VerificationError("a claim takes the trace of a non-square array")
                return sum(value[n, n] for n in range(value.shape[0]))

            return trace
        if isinstance(expr, Vec):
            inner = self.compile(expr.arg)

            def stacked(b: Bindings, s: Seed) -> Any:
                entries = _vec(as_array(inner(b, s)))
                return _array(len(entries), 1, lambda r, c: entries[r])

            return stacked
        raise UnsupportedError(f"derivgen has no rule to evaluate {type(expr).__name__}")


def _kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A ⊗ B: the block matrix whose block (p, q) is A[p, q] B."""
    p, q = b.shape
    return _array(a.shape[0] * p, a.shape[1] * q, lambda r, c: a[r // p, c // q] * b[r % p, c % q])


def close(field: Field, a: Any, b: Any) -> bool:
    """Equal in this field (exactly, or within its tolerance)."""
    return field.close(value_of(a), value_of(b))


def error(a: Any, b: Any) -> float:
    """How far apart two numbers are, for the report."""
    try:
        return float(abs(complex(value_of(a)) - complex(value_of(b))))
    except (TypeError, ValueError):
        return math.inf
