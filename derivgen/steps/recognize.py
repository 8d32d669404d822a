"""From an entry formula back to a matrix expression, in the forms a textbook prints.

`W_{i,j}` is W; `Σ_k V_{i,k} W_{k,j}` is V W; `z_i δ_{i,j}` is diag(z); `x_i x_j` is x xᵀ;
`σ(u_i)(1 − σ(u_i)) W_{i,j}` is diag(σ(W x) ∘ (1 − σ(W x))) W; and a sum whose terms share
a factor is factored, as The Matrix Cookbook writes `(A + Aᵀ) x`.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from derivgen.errors import NotDerivableError
from derivgen.model.ops.base import EntryFunction
from derivgen.model.ops.elementwise import ELEMENTWISE, Applied
from derivgen.model.shapes import Dim, Shapes

_NAMES = {function: name for name, function in ELEMENTWISE.items()}


class _UnnamedError(Exception):
    """No textbook name for this piece; recognition gives up on the whole formula."""


class _Recognizer:
    def __init__(self, shapes: Shapes, sizes: Mapping[sympy.Symbol, Dim]) -> None:
        self.shapes = shapes
        self.sizes = dict(sizes)

    def size(self, index: sympy.Symbol | None) -> Dim:
        return 1 if index is None else self.sizes[index]

    def matrix(
        self, expr: sympy.Expr, row: sympy.Symbol | None, col: sympy.Symbol | None
    ) -> sympy.Basic:
        """The matrix (rows indexed by `row`, columns by `col`) whose entries are `expr`."""
        lacking = self._lacking(expr, row, col)
        if lacking is not None:
            return lacking
        if isinstance(expr, sympy.Add):
            parts = [self.matrix(term, row, col) for term in expr.args]
            if row is None and col is None:  # a scalar: 1 - σ(aᵀx) adds numbers, not 1x1s
                return sympy.Add(*(_as_scalar(p) for p in parts))
            if all(not isinstance(p, sympy.MatrixExpr) for p in parts):
                return sympy.Add(*parts)
            if any(not isinstance(p, sympy.MatrixExpr) for p in parts):
                raise _UnnamedError
            return _factor(sympy.MatAdd(*parts))
        if isinstance(expr, sympy.Mul):
            return self._product(expr, row, col)
        if isinstance(expr, sympy.Sum):
            return self._sum(expr, row, col)
        if isinstance(expr, sympy.Indexed):
            return self._entry(expr, row, col)
        if isinstance(expr, sympy.KroneckerDelta) and set(expr.args) == {row, col}:
            return sympy.Identity(self.size(row))
        if isinstance(expr, sympy.Pow) and expr.exp.is_Integer:
            return sympy.HadamardPower(self.matrix(expr.base, row, col), expr.exp)
        if type(expr) in _NAMES and len(expr.args) == 1:
            inner = self.matrix(expr.args[0], row, col)
            if not isinstance(inner, sympy.MatrixExpr):
                raise _UnnamedError
            return Applied(_NAMES[type(expr)], inner)
        raise _UnnamedError

    def _lacking(
        self, expr: sympy.Expr, row: sympy.Symbol | None, col: sympy.Symbol | None
    ) -> sympy.Basic | None:
        """The matrix of a formula that leaves out an index of the arrangement, else None.

        Free of both, it is the same in every entry (a constant). Free of the column index
        only, it is the same in every column: the column vector it makes, times a row of ones
        as long as a row (`Σ_k A_{k,i}` is Aᵀ 𝟏 𝟏ᵀ). Free of the row index only, it is the
        same in every row: a column of ones times the row vector it makes.
        """
        uses = expr.free_symbols & {row, col}
        if not uses and (row is not None or col is not None or not expr.has(sympy.Indexed)):
            return self._constant(expr, row, col)
        if row is None or col is None or uses == {row, col}:
            return None
        if col not in uses:
            return self.matrix(expr, row, None) * sympy.OneMatrix(1, self.size(col))
        return sympy.OneMatrix(self.size(row), 1) * self.matrix(expr, None, col)

    def _entry(
        self, item: sympy.Indexed, row: sympy.Symbol | None, col: sympy.Symbol | None
    ) -> sympy.Basic:
        name = item.base.name
        shape = self.shapes[name]
        symbol = sympy.MatrixSymbol(name, shape.rows, shape.cols)
        indices = tuple(item.indices)
        if len(indices) == 2:
            if indices == (row, col):
                return symbol
            if indices == (col, row):
                return symbol.T
            raise _UnnamedError
        (index,) = indices
        column = symbol if shape.is_column else symbol.T
        if index == row:
            return column if col is None else column * sympy.OneMatrix(1, self.size(col))
        if index == col:
            return column.T if row is None else sympy.OneMatrix(self.size(row), 1) * column.T
        raise _UnnamedError

    def _product(
        self, expr: sympy.Mul, row: sympy.Symbol | None, col: sympy.Symbol | None
    ) -> sympy.Basic:
        coefficient, down, across, both = [], [], [], []
        diagonal = False
        for factor in expr.args:
            uses = factor.free_symbols & {row, col} - {None}
            if not uses:
                coefficient.append(self._scalar(factor) if factor.has(sympy.Indexed) else factor)
            elif isinstance(factor, sympy.KroneckerDelta) and set(factor.args) == {row, col}:
                diagonal = True
            elif uses == {row}:
                down.append(self.matrix(factor, row, None))
            elif uses == {col}:
                across.append(self.matrix(factor, None, col))
            else:
                both.append(self.matrix(factor, row, col))
        if not (down or across or both or diagonal):
            return sympy.Mul(*coefficient)  # a scalar: every factor was one
        named = self._arrange(
            _hadamard(down), _hadamard(across), both, diagonal=diagonal, row=row, col=col
        )
        scale = sympy.Mul(*coefficient)
        return named if scale == 1 else scale * named

    def _constant(
        self, expr: sympy.Expr, row: sympy.Symbol | None, col: sympy.Symbol | None
    ) -> sympy.Basic:
        """The same value in every entry: a number, or a formula such as 2 Σ_k Σ_l X_{k,l}."""
        value = self._scalar(expr) if expr.has(sympy.Indexed) else expr
        if row is None and col is None:
            return value
        return value * sympy.OneMatrix(self.size(row), self.size(col))

    def _scalar(self, expr: sympy.Expr) -> sympy.Expr:
        """A scalar formula such as Σ_k a_k x_k as a 1x1 product, `(aᵀ x)`, kept as its trace.

        sympy multiplies a 1x1 matrix with nothing else, but its trace is a scalar that it
        will multiply with any matrix, and that `sympy.parse_expr` reads back.
        """
        return _as_scalar(self.matrix(expr, None, None))

    def _arrange(
        self,
        u: sympy.Basic | None,
        v: sympy.Basic | None,
        both: list[sympy.Basic],
        *,
        diagonal: bool,
        row: sympy.Symbol | None,
        col: sympy.Symbol | None,
    ) -> sympy.Basic:
        """Column factors u, row factors v, matrices and a δ_{row,col}, as one matrix."""
        if both:
            if diagonal:
                raise _UnnamedError
            named = _hadamard(both)
            named = named if u is None else sympy.DiagMatrix(u) * named
            return named if v is None else named * sympy.DiagMatrix(v.T)
        if diagonal:
            if u is not None and v is not None:
                return sympy.DiagMatrix(sympy.HadamardProduct(u, v.T))
            if u is not None or v is not None:
                return sympy.DiagMatrix(u if u is not None else v.T)
            return sympy.Identity(self.size(row))
        if u is not None and v is not None:
            return u * v
        if u is not None:
            return u if col is None else u * sympy.OneMatrix(1, self.size(col))
        if v is not None:
            return v if row is None else sympy.OneMatrix(self.size(row), 1) * v
        raise _UnnamedError

    def _sum(
        self, expr: sympy.Sum, row: sympy.Symbol | None, col: sympy.Symbol | None
    ) -> sympy.Basic:
        *inner_limits, (index, lower, upper) = expr.limits
        body = sympy.Sum(expr.function, *inner_limits) if inner_limits else expr.function
        if lower != 1:
            raise _UnnamedError
        if isinstance(body, sympy.Add):
            return self.matrix(
                sympy.Add(*(sympy.Sum(t, (index, lower, upper)) for t in body.args)), row, col
            )
        self.sizes[index] = upper
        factors = sympy.Mul.make_args(body)
        outside = [f for f in factors if index not in f.free_symbols]
        if outside:
            inside = sympy.Mul(*(f for f in factors if index in f.free_symbols))
            return self.matrix(
                sympy.Mul(*outside) * sympy.Sum(inside, (index, lower, upper)), row, col
            )
        left = [f for f in factors if row is not None and row in f.free_symbols]
        right = [f for f in factors if col is not None and col in f.free_symbols]
        if set(left) & set(right):
            raise _UnnamedError
        middle = [f for f in factors if f not in left and f not in right]
        if row is None and col is None:
            middle = [f for m in middle for f in _repeated(m)]
            if len(middle) > 1:
                left, middle = middle[:1], middle[1:]  # a scalar Σ_k a_k x_k reads aᵀ x
        weights = self.matrix(sympy.Mul(*middle), index, None) if middle else None
        a = self.matrix(sympy.Mul(*left), row, index) if left else None
        b = self.matrix(sympy.Mul(*right), index, col) if right else None
        if a is not None and b is not None:
            return a * sympy.DiagMatrix(weights) * b if weights is not None else a * b
        ones = sympy.OneMatrix(upper, 1)
        if a is not None:
            return a * (weights if weights is not None else ones)
        if b is not None:
            return (weights if weights is not None else ones).T * b
        return ones.T * weights


def _as_scalar(value: sympy.Basic) -> sympy.Basic:
    """A 1x1 matrix expression as the scalar it stands for (its trace); anything else as is."""
    return sympy.trace(value) if isinstance(value, sympy.MatrixExpr) else value


def _repeated(factor: sympy.Expr) -> list[sympy.Expr]:
    """`x_k²` as `x_k, x_k`, so that Σ_k x_k² reads xᵀ x."""
    if isinstance(factor, sympy.Pow) and factor.exp.is_Integer and factor.exp > 1:
        return [factor.base] * int(factor.exp)
    return [factor]


def _hadamard(parts: list[sympy.Basic]) -> sympy.Basic | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else sympy.HadamardProduct(*parts)


def _factor(expr: sympy.Basic) -> sympy.Basic:
    """`A x + Aᵀ x` -> `(A + Aᵀ) x`; `x aᵀ + x bᵀ` -> `x (aᵀ + bᵀ)`: shared factors pulled out.

    A shared scalar comes out first, then a shared end factor on either side, again and
    again: `-Aᵀ W r - Aᵀ Wᵀ r` -> `-Aᵀ (W + Wᵀ) r`, as The Matrix Cookbook writes it.
    """
    if not isinstance(expr, sympy.MatAdd):
        return expr
    terms = [_coefficient_and_factors(t) for t in expr.args]
    coefficients = {c for c, _ in terms}
    if len(coefficients) == 1 and coefficients != {1}:
        (shared,) = coefficients
        return shared * _factor(sympy.MatAdd(*(_product(f) for _, f in terms)))
    if any(len(f) < 2 for _, f in terms):
        return expr
    if len({f[-1] for _, f in terms}) == 1:
        heads = [c * _product(f[:-1]) for c, f in terms]
        return sympy.MatMul(_factor(sympy.MatAdd(*heads)), terms[0][1][-1])
    if len({f[0] for _, f in terms}) == 1:
        tails = [c * _product(f[1:]) for c, f in terms]
        return sympy.MatMul(terms[0][1][0], _factor(sympy.MatAdd(*tails)))
    return expr


def _coefficient_and_factors(term: sympy.Basic) -> tuple[sympy.Expr, tuple[sympy.Basic, ...]]:
    """`-2 A x` as (-2, (A, x)): the scalar in front and the matrices in order."""
    if isinstance(term, sympy.MatMul):
        coefficient, matrices = term.as_coeff_matrices()
        return coefficient, tuple(matrices)
    return sympy.Integer(1), (term,)


def _product(factors: tuple[sympy.Basic, ...]) -> sympy.Basic:
    return factors[0] if len(factors) == 1 else sympy.MatMul(*factors)


def recognize_matrix(
    formula: sympy.Expr,
    row: sympy.Symbol | None,
    col: sympy.Symbol | None,
    sizes: Mapping[sympy.Symbol, Dim],
    shapes: Shapes,
) -> sympy.Basic:
    """Name the matrix whose (row, col) entry is `formula`, or refuse in one line.

    An entry function (an entry of X⁻¹, det X) is named through a stand-in array of its own,
    which the named matrix then replaces by what it is (X⁻¹, det X).
    """
    stand_ins, arrays, forms = {}, dict(shapes.of), {}
    for function in formula.atoms(EntryFunction):
        stand_in, name = function.stand_in()
        stand_ins[function] = stand_in
        own = function.shape_in(shapes)
        if isinstance(stand_in, sympy.Indexed):
            arrays[name] = own
            forms[sympy.MatrixSymbol(name, own.rows, own.cols)] = function.matrix_form(own)
        else:
            forms[stand_in] = function.matrix_form(own)
    try:
        named = _Recognizer(Shapes(arrays), sizes).matrix(formula.xreplace(stand_ins), row, col)
        return named.xreplace(forms)
    except _UnnamedError:
        raise NotDerivableError(
            f"derivgen cannot yet name the matrix whose entries are {formula}"
        ) from None
