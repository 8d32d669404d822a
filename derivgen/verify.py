"""Every printed result, checked on a small concrete instance two independent ways.

Brute force: the equation is evaluated with explicit sympy matrices of symbols (matrix
arithmetic, no index notation), and each claimed partial is compared with sympy's derivative
of the explicit entry. Finite differences: the same entries at random numbers, perturbed.
Neither uses the engine's component sums, so a wrong step cannot confirm itself.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import sympy

from derivgen.errors import VerificationError
from derivgen.model.indexing import explicit_entry, explicit_symbols, indexed
from derivgen.model.shapes import Dim, Shape, Shapes
from derivgen.parse.ast import (
    Add,
    Elementwise,
    Equation,
    Hadamard,
    MatMul,
    Negate,
    Node,
    Number,
    Reduction,
    Symbol,
    Transpose,
)
from derivgen.steps.build import Derived
from derivgen.steps.kinds import (
    ArrayStep,
    AssembleStep,
    BackpropViewStep,
    ChainRuleStep,
    DeltaStep,
    GeneralizeStep,
    IndexDerivativeStep,
    IndexViewStep,
    IsolateStep,
    Link,
    VecViewStep,
    ZeroStep,
)

SMALLEST_SIZE = 3
"""The smallest size an instance uses; sizes are distinct, so a swapped index cannot pass."""
KEEP_CONCRETE_UP_TO = 6
"""Concrete sizes up to this are verified as they are; larger ones on a smaller instance."""
MAX_BRUTE_FORCE = 400
MAX_FINITE_DIFFERENCES = 60
STEP = 1e-5
TOLERANCE = 1e-6
ZERO = 1e-20
"""A difference below this at 30 significant digits, at three random points, is zero."""
_FUNCTIONS = {
    "sigma": lambda t: 1 / (1 + sympy.exp(-t)),
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "sin": sympy.sin,
    "cos": sympy.cos,
}


@dataclass(frozen=True)
class Verification:
    """What was checked: the instance's sizes, how many partials, and the worst numeric error."""

    sizes: Mapping[str, int]
    brute_force: int
    finite_differences: int
    max_error: float

    @property
    def passed(self) -> bool:
        """True when both methods checked something (a failure raises instead)."""
        return self.brute_force > 0 and self.finite_differences > 0


@dataclass(frozen=True)
class Checked:
    """A derivation together with the evidence that its results are right."""

    derived: Derived
    verification: Verification


@dataclass(frozen=True)
class _Claim:
    """`∂of/∂by = value` for every value of the free index symbols in `of` and `by`."""

    of: sympy.Expr
    by: sympy.Expr
    value: sympy.Expr
    shown: str


class _Instance:
    """The equation on small concrete sizes, with every entry an explicit symbol."""

    def __init__(
        self,
        shapes: Shapes,
        sizes: dict[Dim, int],
        arrays: dict[str, sympy.ImmutableMatrix],
    ) -> None:
        self.shapes = shapes
        self.sizes = sizes
        self.arrays = arrays
        self.size_values = {d: v for d, v in sizes.items() if isinstance(d, sympy.Symbol)}
        self.shrunk = {
            sympy.Integer(d): sympy.Integer(v)
            for d, v in sizes.items()
            if isinstance(d, int) and d != v
        }
        self._derivatives: dict[tuple, sympy.Expr] = {}

    @classmethod
    def of_equation(cls, equation: Equation, shapes: Shapes, sizes: dict[Dim, int]) -> _Instance:
        """Explicit symbols for every operand; the output by plain matrix arithmetic."""
        arrays = {
            name: explicit_symbols(name, sizes[shape.rows], sizes[shape.cols])
            for name, shape in shapes.of.items()
            if name != equation.lhs.name
        }
        arrays[equation.lhs.name] = _evaluate(equation.rhs, arrays)
        return cls(shapes, sizes, arrays)

    @classmethod
    def of_stage(cls, link: Link, sizes: dict[Dim, int]) -> _Instance:
        """One stage of a chain on its own: its intermediate input is a free variable here."""
        symbols = sorted(link.defined.atoms(sympy.MatrixSymbol), key=str)
        shapes = {s.name: Shape(*(_dim(d) for d in s.shape)) for s in symbols}
        arrays = {
            name: explicit_symbols(name, sizes[shape.rows], sizes[shape.cols])
            for name, shape in shapes.items()
        }
        output = _name(link.of.base.label if isinstance(link.of, sympy.Indexed) else link.of)
        shapes[output] = Shape(*(_dim(d) for d in link.defined.shape))
        mapping = {s: arrays[s.name] for s in symbols}
        arrays[output] = sympy.ImmutableMatrix(link.defined.xreplace(mapping).as_explicit())
        return cls(Shapes(shapes), sizes, arrays)

    def shrink(self, expr: sympy.Basic) -> sympy.Basic:
        """A large concrete size (9) as the instance's smaller one, where it is a size.

        Only sums' upper limits and the sizes of I, 1 and 0 matrices are sizes; a factor 9
        elsewhere is a number and stays.
        """
        if not self.shrunk:
            return expr

        def limits(item: sympy.Sum) -> sympy.Sum:
            bounds = [(i, low, self.shrunk.get(high, high)) for i, low, high in item.limits]
            return sympy.Sum(item.function, *bounds)

        def sized(item: sympy.MatrixExpr) -> sympy.MatrixExpr:
            return type(item)(*(self.shrunk.get(a, a) for a in item.args))

        expr = expr.replace(lambda e: isinstance(e, sympy.Sum), limits)
        return expr.replace(
            lambda e: isinstance(e, sympy.Identity | sympy.OneMatrix | sympy.ZeroMatrix), sized
        )

    def range_of(self, expr: sympy.Expr) -> dict[sympy.Symbol, int]:
        """How far each index symbol in an entry runs on this instance."""
        ranges = {}
        for item in expr.atoms(sympy.Indexed):
            axes = self.shapes[str(item.base.label)].axes
            for index, size in zip(item.indices, axes, strict=True):
                if isinstance(index, sympy.Symbol):
                    ranges[index] = self.sizes[size]
        return ranges

    def explicit(self, expr: sympy.Basic) -> sympy.Basic:
        """An index-notation expression with concrete indices, in terms of explicit symbols."""

        def entry_of(item: sympy.Indexed) -> sympy.Expr:
            name = str(item.base.label)
            return explicit_entry(
                self.arrays[name], self.shapes[name], [int(i) for i in item.indices]
            )

        # Sums first: once their ranges are numbers they expand into entries with numbers.
        expr = self.shrink(expr).xreplace(self.size_values).doit()
        expr = expr.replace(lambda e: isinstance(e, sympy.Indexed), entry_of)
        scalars = {
            sympy.Symbol(n): m[0, 0] for n, m in self.arrays.items() if self.shapes[n].is_scalar
        }
        return expr.xreplace(scalars).doit()

    def truth(self, of: sympy.Expr, by: sympy.Expr) -> tuple[sympy.Expr, sympy.Symbol, sympy.Expr]:
        """(explicit output entry, explicit variable, their brute-force derivative)."""
        function, variable = self.explicit(of), self.explicit(by)
        key = (function, variable)
        if key not in self._derivatives:
            self._derivatives[key] = sympy.diff(function, variable)
        return function, variable, self._derivatives[key]

    def matrix(self, expr: sympy.Basic) -> sympy.ImmutableMatrix:
        """A named matrix result (W, W.T, DiagMatrix(x), …) evaluated on this instance."""
        mapping: dict[sympy.Basic, sympy.Basic] = {}
        for name, value in self.arrays.items():
            shape = self.shapes[name]
            if shape.is_scalar:
                mapping[sympy.Symbol(name)] = value[0, 0]
            else:
                mapping[sympy.MatrixSymbol(name, shape.rows, shape.cols)] = value
        replaced = self.shrink(expr).xreplace(mapping).xreplace(self.size_values)
        # sympy leaves OneMatrix(1, 3) * M or σ(M) unevaluated (inside a Trace, say)
        replaced = replaced.replace(_unevaluated, lambda e: sympy.ImmutableMatrix(e.as_explicit()))
        replaced = replaced.doit()
        if isinstance(replaced, sympy.MatrixBase | sympy.MatrixExpr):
            # doit: a scalar factor such as (aᵀx) is kept as Trace(aᵀx) until evaluated
            return sympy.ImmutableMatrix(replaced.as_explicit()).doit()
        return sympy.ImmutableMatrix([[replaced]]).doit()


def _evaluate(node: Node, arrays: Mapping[str, sympy.ImmutableMatrix]) -> sympy.ImmutableMatrix:
    """Plain matrix arithmetic on explicit matrices: the reference the steps are checked against."""
    match node:
        case Symbol(name=name):
            return arrays[name]
        case Number(value=value):
            return sympy.ImmutableMatrix([[sympy.Rational(value.numerator, value.denominator)]])
        case Negate(operand=inner):
            return -_evaluate(inner, arrays)
        case Transpose(operand=inner):
            return _evaluate(inner, arrays).T
        case Elementwise(function=function, operand=inner):
            return _evaluate(inner, arrays).applyfunc(_FUNCTIONS[function])
        case Reduction(function=function, operand=inner):
            value = _evaluate(inner, arrays)
            return sympy.ImmutableMatrix([[value.trace() if function == "tr" else sum(value)]])
        case Add(left=left, right=right, subtract=subtract):
            a, b = _evaluate(left, arrays), _evaluate(right, arrays)
            return a - b if subtract else a + b
        case Hadamard(left=left, right=right):
            return _evaluate(left, arrays).multiply_elementwise(_evaluate(right, arrays))
        case MatMul(left=left, right=right):
            a, b = _evaluate(left, arrays), _evaluate(right, arrays)
            if a.shape == (1, 1):
                return a[0, 0] * b
            if b.shape == (1, 1):
                return a * b[0, 0]
            return a * b
    raise TypeError(f"unknown node {type(node).__name__}")


def _instance_sizes(shapes: Shapes, claims: list[_Claim]) -> dict[Dim, int]:
    """Small distinct sizes, each at least as large as any concrete index the claims use."""
    needed: dict[Dim, int] = {}
    for claim in claims:
        for item in (claim.of, claim.by):
            if isinstance(item, sympy.Indexed):
                axes = shapes[str(item.base.label)].axes
                for index, size in zip(item.indices, axes, strict=True):
                    if index.is_Integer:
                        needed[size] = max(needed.get(size, 1), int(index))
    dims: list[Dim] = []
    for shape in shapes.of.values():
        dims += [d for d in (shape.rows, shape.cols) if d not in dims]
    sizes: dict[Dim, int] = {1: 1}
    for dim in dims:
        if isinstance(dim, int) and dim <= KEEP_CONCRETE_UP_TO:
            sizes[dim] = dim
    for dim in dims:
        if dim not in sizes:
            floor = max(needed.get(dim, 1), SMALLEST_SIZE)
            sizes[dim] = next(v for v in itertools.count(floor) if v not in sizes.values())
    return sizes


def _claims(derived: Derived) -> list[_Claim]:
    claims: list[_Claim] = []
    for step in derived.steps:
        match step:
            case IsolateStep() | GeneralizeStep() | DeltaStep() | ChainRuleStep():
                claims.append(_Claim(step.of, step.by, step.result, step.kind))
            case IndexDerivativeStep():
                claims.append(_Claim(step.of, step.by, step.derivative, step.kind))
            case IndexViewStep():
                claims.append(_Claim(step.of, step.by, step.derivative, step.kind))
                claims.append(_Claim(step.of, step.by, step.result, step.kind))
            case ZeroStep():
                claims.append(_Claim(step.of, step.by, sympy.Integer(0), step.kind))
    return claims


def _assignments(ranges: Mapping[sympy.Symbol, int], limit: int, seed: int) -> Iterator[dict]:
    symbols = sorted(ranges, key=str)
    total = 1
    for s in symbols:
        total *= ranges[s]
    combos = itertools.product(*(range(1, ranges[s] + 1) for s in symbols))
    if total > limit:
        chooser = random.Random(seed)
        picked = sorted(chooser.sample(range(total), limit))
        combos = (c for n, c in enumerate(combos) if n in set(picked))
    for combo in combos:
        yield {s: sympy.Integer(v) for s, v in zip(symbols, combo, strict=True)}


class _Checker:
    """Runs the claims against an instance, counting what it checked."""

    def __init__(self, instance: _Instance) -> None:
        self.instance = instance
        self.numbers = {}
        chooser = random.Random(20240531)
        self.chooser = random.Random(7)
        # Sorted, so the same problem gets the same numbers whatever the hash seed.
        symbols = {s for array in instance.arrays.values() for s in array.free_symbols}
        for symbol in sorted(symbols, key=str):
            self.numbers[symbol] = sympy.Float(chooser.uniform(0.5, 1.5))
        self.brute_force = 0
        self.finite_differences = 0
        self.max_error = 0.0

    def absorb(self, other: _Checker) -> None:
        """Count what another checker (of one stage of a chain) checked as checked here."""
        self.brute_force += other.brute_force
        self.finite_differences += other.finite_differences
        self.max_error = max(self.max_error, other.max_error)

    def equal(self, truth: sympy.Expr, claimed: sympy.Expr) -> bool:
        """Exactly equal: by expansion, or else at random points to 30 digits (σ, tanh, …)."""
        difference = truth - claimed
        if sympy.expand(difference) == 0:
            return True
        difference = difference.rewrite(sympy.exp)
        symbols = sorted(difference.free_symbols, key=str)
        for _ in range(3):
            point = {s: sympy.Float(self.chooser.uniform(0.5, 1.5), 30) for s in symbols}
            if abs(difference.xreplace(point).evalf(30)) > ZERO:
                return False
        return True

    def check(self, claim: _Claim) -> None:
        ranges = self.instance.range_of(claim.of) | self.instance.range_of(claim.by)
        for n, values in enumerate(_assignments(ranges, MAX_BRUTE_FORCE, seed=len(ranges))):
            of, by = claim.of.xreplace(values), claim.by.xreplace(values)
            claimed = self.instance.explicit(claim.value.xreplace(values))
            function, variable, truth = self.instance.truth(of, by)
            if not self.equal(truth, claimed):
                raise VerificationError(
                    f"the {claim.shown} result ∂{of}/∂{by} = {claimed} disagrees with brute "
                    f"force, which gives {truth}"
                )
            self.brute_force += 1
            if n < MAX_FINITE_DIFFERENCES:
                self._finite_difference(function, variable, claimed, f"∂{of}/∂{by}")

    def _finite_difference(
        self, function: sympy.Expr, variable: sympy.Symbol, claimed: sympy.Expr, shown: str
    ) -> None:
        point = dict(self.numbers)
        centre = float(point[variable])
        # Complex: log(-x) is complex at positive points, and its derivative is still -1/(-x).
        point[variable] = sympy.Float(centre + STEP)
        upper = complex(function.xreplace(point))
        point[variable] = sympy.Float(centre - STEP)
        lower = complex(function.xreplace(point))
        estimate = (upper - lower) / (2 * STEP)
        value = complex(claimed.xreplace(self.numbers))
        error = abs(estimate - value)
        if error > TOLERANCE * (1 + abs(value)):
            raise VerificationError(
                f"{shown} = {value:.6g} disagrees with a central finite difference ({estimate:.6g})"
            )
        self.finite_differences += 1
        self.max_error = max(self.max_error, error)

    def check_matrix(self, step: AssembleStep, general: GeneralizeStep) -> None:
        """The named matrix, entry by entry, against the brute-force partials in its arrangement."""
        explicit = self.instance.matrix(step.result)
        for r in range(explicit.rows):
            for c in range(explicit.cols):
                values = _cell(step.row_index, step.col_index, r, c)
                of, by = general.of.xreplace(values), general.by.xreplace(values)
                _, _, truth = self.instance.truth(of, by)
                if not self.equal(truth, explicit[r, c]):
                    raise VerificationError(
                        f"the assembled matrix {step.result} has {explicit[r, c]} at row {r + 1}, "
                        f"column {c + 1}, but brute force gives ∂{of}/∂{by} = {truth}"
                    )
                self.brute_force += 1

    def check_vec(self, step: VecViewStep) -> None:
        """∂vec(f)/∂vec(W) against brute force on vec (columns stacked) of both."""
        vec_of = _vec(self.instance.arrays[_name(step.of)])
        vec_by = _vec(self.instance.arrays[_name(step.by)])
        explicit = self.instance.matrix(step.result)
        if explicit.shape != (len(vec_of), len(vec_by)):
            raise VerificationError(
                f"the vec view {step.result} is {explicit.rows}×{explicit.cols} on the instance, "
                f"but ∂vec({step.of})/∂vec({step.by}) is {len(vec_of)}×{len(vec_by)}"
            )
        for r, c in itertools.product(range(explicit.rows), range(explicit.cols)):
            truth = sympy.diff(vec_of[r], vec_by[c])
            if not self.equal(truth, explicit[r, c]):
                raise VerificationError(
                    f"the vec view {step.result} has {explicit[r, c]} at row {r + 1}, column "
                    f"{c + 1}, but brute force gives {truth}"
                )
            self.brute_force += 1
            if r == c:
                self._finite_difference(vec_of[r], vec_by[c], explicit[r, c], "vec view")
        if step.linear:
            product = explicit * sympy.Matrix(vec_by)
            if any(not self.equal(a, b) for a, b in zip(product, vec_of, strict=True)):
                raise VerificationError(
                    f"vec({step.of}) = ({step.result}) vec({step.by}) does not hold on the instance"
                )

    def check_backprop(self, step: BackpropViewStep) -> None:
        """The outer product against brute force on the loss L = Σ g ∘ z, whose gradient is g."""
        instance = self.instance
        gradient_name, output = _name(step.gradient), instance.arrays[_name(step.output)]
        gradient = explicit_symbols(gradient_name, output.rows, output.cols)
        loss = sum(gradient.multiply_elementwise(output))
        shapes = Shapes(
            {
                **instance.shapes.of,
                gradient_name: instance.shapes[_name(step.output)],
                str(step.loss): Shape(1, 1),
            }
        )
        arrays = {
            **instance.arrays,
            gradient_name: gradient,
            str(step.loss): sympy.ImmutableMatrix([[loss]]),
        }
        checker = _Checker(_Instance(shapes, instance.sizes, arrays))
        checker.check(_Claim(step.loss, step.by_entry, step.result, step.kind))
        explicit = checker.instance.matrix(step.matrix)
        for r, c in itertools.product(range(explicit.rows), range(explicit.cols)):
            values = _cell(step.row_index, step.col_index, r, c)
            variable = checker.instance.explicit(step.by_entry.xreplace(values))
            truth = sympy.diff(loss, variable)
            if not checker.equal(truth, explicit[r, c]):
                raise VerificationError(
                    f"the backprop view {step.matrix} has {explicit[r, c]} at row {r + 1}, "
                    f"column {c + 1}, but brute force gives {truth}"
                )
            checker.brute_force += 1
        self.absorb(checker)

    def check_array(self, step: ArrayStep) -> None:
        """The compact G and, where there is one, the slice matrix, against brute force."""
        shapes = self.instance.shapes
        of_name, by_name = str(_name(step.of)), str(_name(step.by))
        n_of = len(shapes[of_name].axes)
        source = step.compact_source
        of = indexed(of_name, shapes[of_name], source[:n_of])
        by = indexed(by_name, shapes[by_name], source[n_of:])
        self.check(_Claim(of, by, step.compact, "compact"))
        if step.slice is None:
            return
        piece = step.slice
        ranges = self.instance.range_of(of) | self.instance.range_of(by)
        fixed_ranges = {s: ranges[s] for s in piece.fixed}
        for fixed in _assignments(fixed_ranges, MAX_BRUTE_FORCE, seed=1):
            explicit = self.instance.matrix(piece.result)
            for r in range(explicit.rows):
                for c in range(explicit.cols):
                    values = fixed | _cell(piece.row_index, piece.col_index, r, c)
                    _, _, truth = self.instance.truth(of.xreplace(values), by.xreplace(values))
                    if not self.equal(truth, explicit[r, c]):
                        raise VerificationError(
                            f"the slice result {piece.result} disagrees with brute force at "
                            f"{values}: {explicit[r, c]} against {truth}"
                        )
                    self.brute_force += 1


def _cell(
    row_index: sympy.Symbol | None, col_index: sympy.Symbol | None, r: int, c: int
) -> dict[sympy.Symbol, sympy.Integer]:
    """The index values at 0-based cell (r, c) of an arranged matrix (1-based, as the note)."""
    values = {}
    if row_index is not None:
        values[row_index] = sympy.Integer(r + 1)
    if col_index is not None:
        values[col_index] = sympy.Integer(c + 1)
    return values


def _unevaluated(expr: sympy.Basic) -> bool:
    """A matrix expression of explicit matrices only, which sympy would leave as it is."""
    return (
        isinstance(expr, sympy.MatrixExpr)
        and not isinstance(expr, sympy.MatrixBase)
        and not expr.atoms(sympy.MatrixSymbol)
        and all(sympy.sympify(d).is_Integer for d in expr.shape)
    )


def _vec(matrix: sympy.MatrixBase) -> list[sympy.Expr]:
    """The entries with the columns stacked, first column first, as vec(·) orders them."""
    return [matrix[r, c] for c in range(matrix.cols) for r in range(matrix.rows)]


def _dim(value: sympy.Expr) -> Dim:
    """A sympy dimension as the shapes hold it: a plain int when concrete."""
    return int(value) if value.is_Integer else value


def _name(symbol: sympy.Basic) -> str:
    return str(symbol.name) if hasattr(symbol, "name") else str(symbol)


def verify(equation: Equation, shapes: Shapes, derived: Derived) -> Checked:
    """Check every result of a derivation; raise VerificationError on any disagreement."""
    claims = _claims(derived)
    sizes = _instance_sizes(shapes, claims)
    checker = _Checker(_Instance.of_equation(equation, shapes, sizes))
    for claim in claims:
        checker.check(claim)
    for step in derived.steps:
        if isinstance(step, ChainRuleStep):
            for link in step.links:
                stage = _Checker(_Instance.of_stage(link, sizes))
                stage.check(_Claim(link.of, link.by, link.value, "chain rule stage"))
                checker.absorb(stage)
    general = next(s for s in derived.steps if isinstance(s, GeneralizeStep))
    for step in derived.steps:
        if isinstance(step, AssembleStep):
            checker.check_matrix(step, general)
        elif isinstance(step, ArrayStep):
            checker.check_array(step)
        elif isinstance(step, VecViewStep):
            checker.check_vec(step)
        elif isinstance(step, BackpropViewStep):
            checker.check_backprop(step)
    verification = Verification(
        sizes={str(d): v for d, v in sizes.items() if not isinstance(d, int) or d != v},
        brute_force=checker.brute_force,
        finite_differences=checker.finite_differences,
        max_error=checker.max_error,
    )
    if not verification.passed:
        raise VerificationError("derivgen found nothing to check in this derivation")
    return Checked(derived, verification)
