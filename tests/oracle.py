"""An independent reference for the tests: explicit sympy matrices and finite differences.

Nothing here imports derivgen: results are read back from derivgen's JSON strings with
`sympy.parse_expr` and compared with derivatives of explicitly multiplied-out matrices.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping

import sympy
from sympy.parsing.sympy_parser import parse_expr

Arrays = dict[str, sympy.ImmutableMatrix]


def symbols_matrix(name: str, rows: int, cols: int) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(rows, cols, lambda r, c: sympy.Symbol(f"{name}_{r + 1}_{c + 1}"))


def instance(shapes: Mapping[str, tuple[int, int]]) -> Arrays:
    return {name: symbols_matrix(name, *shape) for name, shape in shapes.items()}


def element(matrix: sympy.MatrixBase, indices: tuple[int, ...]) -> sympy.Expr:
    """The note's 1-based entry: one index for a vector of either orientation, two for a matrix."""
    if matrix.shape == (1, 1) and not indices:
        return matrix[0, 0]
    if len(indices) == 1:
        (i,) = indices
        return matrix[i - 1, 0] if matrix.cols == 1 else matrix[0, i - 1]
    return matrix[indices[0] - 1, indices[1] - 1]


def index_tuples(matrix: sympy.MatrixBase) -> list[tuple[int, ...]]:
    rows, cols = matrix.shape
    if (rows, cols) == (1, 1):
        return [()]
    if rows == 1 or cols == 1:
        return [(i,) for i in range(1, max(rows, cols) + 1)]
    return list(itertools.product(range(1, rows + 1), range(1, cols + 1)))


def read(text: str, arrays: Arrays, sizes: Mapping[str, int]) -> sympy.Expr:
    """A derivgen index-notation string (`W[3, 7]`, `KroneckerDelta(i, k)*x[j]`) as sympy."""
    names = {n: sympy.IndexedBase(n) for n, m in arrays.items() if m.shape != (1, 1)}
    names |= {n: sympy.Symbol(n) for n, m in arrays.items() if m.shape == (1, 1)}
    names |= {n: sympy.Symbol(n) for n in sizes}
    return parse_expr(text, local_dict=names)


def evaluate(
    expr: sympy.Expr, arrays: Arrays, indices: Mapping[str, int], sizes: Mapping[str, int]
) -> sympy.Expr:
    """Substitute index values and sizes, then every entry by the explicit symbol."""
    expr = expr.xreplace({sympy.Symbol(k): v for k, v in {**indices, **sizes}.items()})

    def entry(item: sympy.Indexed) -> sympy.Expr:
        return element(arrays[str(item.base.label)], tuple(int(i) for i in item.indices))

    expr = expr.replace(lambda e: isinstance(e, sympy.Indexed), entry)
    scalars = {sympy.Symbol(n): m[0, 0] for n, m in arrays.items() if m.shape == (1, 1)}
    return expr.xreplace(scalars).doit()


def read_matrix(text: str, arrays: Arrays, sizes: Mapping[str, int]) -> sympy.ImmutableMatrix:
    """A derivgen matrix string (`W`, `W.T`, `OneMatrix(C, 1)*x.T`) evaluated on the instance."""
    names = {n: sympy.MatrixSymbol(n, *m.shape) for n, m in arrays.items() if m.shape != (1, 1)}
    names |= {n: sympy.Symbol(n) for n, m in arrays.items() if m.shape == (1, 1)}
    names |= {n: sympy.Integer(v) for n, v in sizes.items()}
    parsed = parse_expr(text, local_dict=names)
    mapping = {names[n]: m for n, m in arrays.items() if m.shape != (1, 1)}
    mapping |= {names[n]: m[0, 0] for n, m in arrays.items() if m.shape == (1, 1)}
    value = parsed.xreplace(mapping)
    if isinstance(value, sympy.MatrixBase | sympy.MatrixExpr):
        return sympy.ImmutableMatrix(value.as_explicit())
    return sympy.ImmutableMatrix([[value]])


def finite_difference(
    function: Callable[[Arrays], sympy.MatrixBase],
    arrays: Arrays,
    of: tuple[int, ...],
    by_name: str,
    by: tuple[int, ...],
    seed: int = 7,
    step: float = 1e-6,
) -> tuple[float, dict]:
    """Central difference of one output entry by one input entry, and the random point used."""
    chooser = random.Random(seed)
    values = {s: chooser.uniform(-1, 1) for m in arrays.values() for s in m.free_symbols}

    def at(shift: float) -> float:
        numbers = dict(values)
        numbers[element(arrays[by_name], by)] += shift
        numeric = {n: m.xreplace(numbers) for n, m in arrays.items()}
        return float(element(function(numeric), of))

    return (at(step) - at(-step)) / (2 * step), values


def check_results(
    result: Mapping,
    function: Callable[[Arrays], sympy.MatrixBase],
    sizes: Mapping[str, int],
    of: str,
    by: str,
) -> int:
    """Compare derivgen's `general`, `matrix` and `entry` with brute force; return the count."""
    dims = {**sizes}

    def size(d: int | str) -> int:
        return d if isinstance(d, int) else dims[d]

    arrays = instance({n: (size(r), size(c)) for n, (r, c) in result["shapes"].items() if n != of})
    output = function(arrays)
    assert output.shape == tuple(size(d) for d in result["shapes"][of])
    arrays_with_output = {**arrays, of: output}
    general = read(result["general"], arrays, dims)
    checked = 0
    for of_idx in index_tuples(output):
        for by_idx in index_tuples(arrays[by]):
            truth = sympy.diff(element(output, of_idx), element(arrays[by], by_idx))
            names = dict(zip(result["of_index"], of_idx, strict=True))
            names |= dict(zip(result["by_index"], by_idx, strict=True))
            claimed = evaluate(general, arrays, names, dims)
            assert sympy.expand(truth - claimed) == 0, (of_idx, by_idx, truth, claimed)
            checked += 1
    if result["matrix"] is not None:
        matrix = read_matrix(result["matrix"], arrays_with_output, dims)
        row, col = result["matrix_index"]
        for r in range(matrix.rows):
            for c in range(matrix.cols):
                at = {row: r + 1, col: c + 1}
                of_idx = tuple(at[n] for n in result["of_index"])
                by_idx = tuple(at[n] for n in result["by_index"])
                truth = sympy.diff(element(output, of_idx), element(arrays[by], by_idx))
                assert sympy.expand(truth - matrix[r, c]) == 0, (r, c, truth, matrix[r, c])
                checked += 1
    return checked


def check_entry(
    result: Mapping,
    function: Callable[[Arrays], sympy.MatrixBase],
    sizes: Mapping[str, int],
    of: str,
    of_idx: tuple[int, ...],
    by: str,
    by_idx: tuple[int, ...],
) -> None:
    """derivgen's `entry` against sympy's derivative and a finite difference."""

    def size(d: int | str) -> int:
        return d if isinstance(d, int) else sizes[d]

    arrays = instance({n: (size(r), size(c)) for n, (r, c) in result["shapes"].items() if n != of})
    output = function(arrays)
    claimed = evaluate(read(result["entry"], arrays, sizes), arrays, {}, sizes)
    truth = sympy.diff(element(output, of_idx), element(arrays[by], by_idx))
    assert sympy.expand(truth - claimed) == 0
    estimate, point = finite_difference(function, arrays, of_idx, by, by_idx)
    assert abs(estimate - float(claimed.xreplace(point))) < 1e-6


# --- General expressions (issue 3): elementwise functions, any product, numeric checks -------
#
# Everything below is again independent of derivgen: the elementwise functions are written out
# here (σ(u) = 1 / (1 + e^{-u})), derivgen's matrix strings are evaluated on explicit matrices
# with this module's own meaning for each sympy name they may use, and every partial is
# compared with sympy's derivative of the multiplied-out output and with a central difference
# taken at 30 significant digits.


def logistic(u: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-u))


ELEMENTWISE: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sigma": logistic,
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "sin": sympy.sin,
    "cos": sympy.cos,
}


def elementwise(name: str, matrix: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    """f applied to every entry (f one of the grammar's elementwise functions, by name)."""
    return sympy.ImmutableMatrix(matrix.applyfunc(ELEMENTWISE[name]))


def hadamard(left: sympy.MatrixBase, right: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    assert left.shape == right.shape, (left.shape, right.shape)
    return sympy.ImmutableMatrix(left.multiply_elementwise(right))


def scalar(matrix: sympy.MatrixBase) -> sympy.Expr:
    """The entry of a 1x1 matrix (a scalar factor such as a^T x, tr(X) or sum(X))."""
    assert matrix.shape == (1, 1), matrix.shape
    return matrix[0, 0]


def _on_entries(function: Callable[[sympy.Expr], sympy.Expr]) -> Callable:
    def apply(arg):
        if isinstance(arg, sympy.MatrixBase):
            return sympy.ImmutableMatrix(arg.applyfunc(function))
        return function(arg)

    return apply


def _hadamard_product(*factors: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    value = factors[0]
    for factor in factors[1:]:
        value = hadamard(value, factor)
    return sympy.ImmutableMatrix(value)


def _diagonal(vector: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    assert 1 in vector.shape, vector.shape
    return sympy.ImmutableMatrix(sympy.diag(*list(vector)))


EXPLICIT_VOCABULARY: dict[str, Callable] = {
    "Identity": lambda n: sympy.ImmutableMatrix(sympy.eye(int(n))),
    "ZeroMatrix": lambda r, c: sympy.ImmutableMatrix(sympy.zeros(int(r), int(c))),
    "OneMatrix": lambda r, c: sympy.ImmutableMatrix(sympy.ones(int(r), int(c))),
    "DiagMatrix": _diagonal,
    "diag": _diagonal,
    "HadamardProduct": _hadamard_product,
    "HadamardPower": lambda m, p: sympy.ImmutableMatrix(m.applyfunc(lambda e: e**p)),
    "Trace": lambda m: m.trace(),
    "Transpose": lambda m: m.T,
    "KroneckerProduct": lambda *ms: sympy.ImmutableMatrix(sympy.kronecker_product(*ms)),
} | {name: _on_entries(function) for name, function in ELEMENTWISE.items()}
"""What each name a derivgen matrix string may use means, on explicit matrices."""


def explicit_matrix(text: str, arrays: Arrays, sizes: Mapping[str, int]) -> sympy.ImmutableMatrix:
    """A derivgen matrix string evaluated by explicit matrix arithmetic on the instance.

    Unlike `read_matrix`, this reads elementwise functions (`sigma(W*x)`), `DiagMatrix`,
    `HadamardProduct` and `HadamardPower` too; a 1x1 array stands for its entry.
    """
    names: dict[str, object] = dict(EXPLICIT_VOCABULARY)
    names |= {n: sympy.Integer(v) for n, v in sizes.items()}
    names |= {n: (m[0, 0] if m.shape == (1, 1) else m) for n, m in arrays.items()}
    value = parse_expr(text, local_dict=names)
    if isinstance(value, sympy.MatrixBase | sympy.MatrixExpr):
        return sympy.ImmutableMatrix(sympy.ImmutableMatrix(value.as_explicit()).doit())
    return sympy.ImmutableMatrix([[value]])


def evaluate_general(
    expr: sympy.Expr, arrays: Arrays, indices: Mapping[str, int], sizes: Mapping[str, int]
) -> sympy.Expr:
    """Like `evaluate`, with sums over symbolic ranges written out before entries are read."""
    expr = expr.xreplace({sympy.Symbol(k): v for k, v in {**indices, **sizes}.items()}).doit()
    return evaluate(expr, arrays, {}, sizes)


def with_inverses(arrays: Arrays) -> Arrays:
    """The arrays with, for each square matrix X, its inverse, determinant and cofactors
    computed here by sympy on the explicit entries: what `inverse_entry(X, k, l)`,
    `determinant(X)` and `cofactor(X, i, j)` read."""
    extra: Arrays = {}
    for name, matrix in arrays.items():
        if matrix.rows == matrix.cols > 1:
            extra[f"{name}__inverse"] = sympy.ImmutableMatrix(matrix.inv())
            extra[f"{name}__det"] = sympy.ImmutableMatrix([[matrix.det()]])
            extra[f"{name}__cofactor"] = sympy.ImmutableMatrix(matrix.cofactor_matrix())
    return arrays | extra


def read_general(text: str, arrays: Arrays, sizes: Mapping[str, int]) -> sympy.Expr:
    """Like `read`, with the elementwise functions written out (σ as 1 / (1 + e^{-u})), and
    an inverse's entries, a cofactor and a determinant read from `with_inverses`' arrays."""
    names: dict[str, object] = {n: _on_entries(f) for n, f in ELEMENTWISE.items()}
    names["inverse_entry"] = lambda base, r, c: sympy.IndexedBase(f"{base}__inverse")[r, c]
    names["cofactor"] = lambda base, r, c: sympy.IndexedBase(f"{base}__cofactor")[r, c]
    names["determinant"] = lambda base: sympy.Symbol(f"{base}__det")
    names |= {n: sympy.IndexedBase(n) for n, m in arrays.items() if m.shape != (1, 1)}
    names |= {n: sympy.Symbol(n) for n, m in arrays.items() if m.shape == (1, 1)}
    names |= {n: sympy.Symbol(n) for n in sizes}
    return parse_expr(text, local_dict=names)


DIGITS = 30


def random_point(arrays: Arrays, seed: int) -> dict[sympy.Symbol, sympy.Float]:
    """A value in [0.1, 1] for every entry (positive, so logs of products of entries are real)."""
    chooser = random.Random(seed)
    symbols = sorted({s for m in arrays.values() for s in m.free_symbols}, key=str)
    return {s: sympy.Float(round(chooser.uniform(0.1, 1.0), 6), DIGITS) for s in symbols}


def numeric(expr: sympy.Expr, point: Mapping[sympy.Symbol, sympy.Float]) -> complex:
    return complex(sympy.sympify(expr).xreplace(dict(point)).doit().evalf(DIGITS))


def central_difference(
    expr: sympy.Expr, variable: sympy.Symbol, point: Mapping[sympy.Symbol, sympy.Float]
) -> complex:
    """(f(v + h) - f(v - h)) / 2h at 30 digits with h = 1e-12: accurate to about 1e-18."""
    step = sympy.Float("1e-12", DIGITS)

    def at(shift: sympy.Float) -> sympy.Expr:
        moved = dict(point)
        moved[variable] = point[variable] + shift
        return sympy.sympify(expr).xreplace(moved).evalf(DIGITS)

    return complex(((at(step) - at(-step)) / (2 * step)).evalf(DIGITS))


def close(a: complex, b: complex, tolerance: float = 1e-9) -> bool:
    return abs(a - b) <= tolerance * (1 + abs(a) + abs(b))


def agree(
    truth: sympy.Expr, claimed: sympy.Expr, points: list[Mapping[sympy.Symbol, sympy.Float]]
) -> bool:
    """Exactly equal when both are polynomials (sympy's expand), else equal at every point."""
    difference = sympy.sympify(truth - claimed)
    if difference.is_polynomial() and not difference.has(sympy.Sum):
        return sympy.expand(difference) == 0
    return all(close(numeric(truth, p), numeric(claimed, p), 1e-15) for p in points)


def axis_lengths(matrix: sympy.MatrixBase) -> list[int]:
    """The lengths of the note's index axes: none for 1x1, one for a vector, two for a matrix."""
    rows, cols = matrix.shape
    if (rows, cols) == (1, 1):
        return []
    if rows == 1 or cols == 1:
        return [max(rows, cols)]
    return [rows, cols]


def check_derivative(
    result: Mapping,
    function: Callable[[Arrays], sympy.MatrixBase],
    sizes: Mapping[str, int],
    of: str,
    by: str,
    *,
    of_idx: tuple[int, ...] | None = None,
    by_idx: tuple[int, ...] | None = None,
    seed: int = 11,
) -> int:
    """derivgen's `general`, `matrix` and `entry` against sympy and central differences.

    Every partial of every output entry by every entry of `by` is compared three ways: the
    claimed value equals sympy's derivative of the explicitly multiplied-out output (exactly
    for polynomials, else at two random points to 15 digits), and equals a central difference
    at the first point. `matrix` must have the shape its `matrix_index` implies. When the
    target is concrete, `of_idx` and `by_idx` say which entry `entry` claims. Returns the
    number of values checked.
    """

    def size(d: int | str) -> int:
        return d if isinstance(d, int) else sizes[d]

    shapes = {n: (size(r), size(c)) for n, (r, c) in result["shapes"].items()}
    arrays = instance({n: s for n, s in shapes.items() if n != of})
    output = sympy.ImmutableMatrix(function(arrays))
    assert output.shape == shapes[of], (output.shape, shapes[of])
    points = [random_point(arrays, seed), random_point(arrays, seed + 1)]
    variable = arrays[by]
    truths: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[sympy.Expr, complex]] = {}
    for o in index_tuples(output):
        for b in index_tuples(variable):
            value = element(output, o)
            truth = sympy.diff(value, element(variable, b))
            estimate = central_difference(value, element(variable, b), points[0])
            assert close(estimate, numeric(truth, points[0]), 1e-9), (o, b, truth, estimate)
            truths[o, b] = (truth, estimate)

    def check(claimed: sympy.Expr, o: tuple[int, ...], b: tuple[int, ...], what: str) -> None:
        truth, estimate = truths[o, b]
        assert agree(truth, claimed, points), (what, o, b, truth, claimed)
        assert close(numeric(claimed, points[0]), estimate, 1e-9), (what, o, b, estimate)

    checked = 0
    dims = dict(sizes)
    for name, value in result.get("intermediates", {}).items():  # M = A X B, of an inverse
        arrays.setdefault(name, explicit_matrix(value, arrays, dims))
    arrays = with_inverses(arrays)
    general = read_general(result["general"], arrays, dims)
    assert len(result["of_index"]) == len(axis_lengths(output)), result["of_index"]
    assert len(result["by_index"]) == len(axis_lengths(variable)), result["by_index"]
    for o, b in truths:
        names = dict(zip(result["of_index"], o, strict=True))
        names |= dict(zip(result["by_index"], b, strict=True))
        check(evaluate_general(general, arrays, names, dims), o, b, "general")
        checked += 1
    if result["matrix"] is not None:
        matrix = explicit_matrix(result["matrix"], {**arrays, of: output}, dims)
        lengths = dict(zip(result["of_index"], axis_lengths(output), strict=True))
        lengths |= dict(zip(result["by_index"], axis_lengths(variable), strict=True))
        row, col = result["matrix_index"]
        expected = (1 if row is None else lengths[row], 1 if col is None else lengths[col])
        assert matrix.shape == expected, (matrix.shape, expected, result["matrix_index"])
        for r in range(matrix.rows):
            for c in range(matrix.cols):
                at = {row: r + 1, col: c + 1}
                o = tuple(at[n] for n in result["of_index"])
                b = tuple(at[n] for n in result["by_index"])
                check(matrix[r, c], o, b, "matrix")
                checked += 1
    if of_idx is not None and by_idx is not None:
        assert result["entry"] is not None, "a concrete target has an entry"
        claimed = evaluate_general(read_general(result["entry"], arrays, dims), arrays, {}, dims)
        check(claimed, of_idx, by_idx, "entry")
        checked += 1
    return checked


def matrix_form(text: str, shapes: Mapping[str, tuple[int | str, int | str]]) -> sympy.Basic:
    """A matrix string as a sympy matrix expression over MatrixSymbols of the declared sizes.

    Sizes stay symbolic, so two forms that agree here agree for every size. Elementwise
    functions stay unapplied (sympy's undefined functions of a matrix argument).
    """

    def dim(d: int | str) -> sympy.Expr:
        return sympy.Integer(d) if isinstance(d, int) else sympy.Symbol(d)

    names: dict[str, object] = {}
    for r, c in shapes.values():
        names |= {str(d): dim(d) for d in (r, c) if isinstance(d, str)}
    for name, (r, c) in shapes.items():
        names[name] = (
            sympy.Symbol(name) if (r, c) == (1, 1) else sympy.MatrixSymbol(name, dim(r), dim(c))
        )
    return parse_expr(text, local_dict=names)


def equivalent_forms(left: sympy.Basic, right: sympy.Basic) -> bool:
    """Equal as matrix expressions of symbolic size: sympy's expansion of both sides, or, where
    that cannot tell (a trace of a 1x1 product beside the product itself), entry by entry on
    MatrixSymbols of two different sets of concrete sizes."""
    if left.shape != right.shape:
        return False
    difference = (left - right).expand()
    if difference == 0 or difference == sympy.ZeroMatrix(*left.shape):
        return True
    sizes = sorted(
        {
            d
            for side in (left, right)
            for node in sympy.preorder_traversal(side)
            if isinstance(node, sympy.MatrixExpr)
            for d in node.shape
            if isinstance(d, sympy.Symbol)
        },
        key=str,
    )
    symbols = {m for side in (left, right) for m in side.atoms(sympy.MatrixSymbol)}
    for first in (2, 3):
        values = {d: first + n for n, d in enumerate(sizes)}
        explicit = {
            m: symbols_matrix(str(m.name), *(int(d.xreplace(values)) for d in m.shape))
            for m in symbols
        }
        value = (left - right).xreplace(explicit).xreplace(values)
        value = value.replace(
            lambda node: isinstance(node, sympy.Trace),
            lambda node: sympy.Matrix(node.arg.as_explicit()).trace(),
        )
        value = sympy.Matrix(value.as_explicit())
        if value.applyfunc(sympy.expand) != sympy.zeros(*value.shape):
            return False
    return True


def leaves(expr: sympy.Basic) -> int:
    """How many matrices the expression writes (each occurrence; transposes are free)."""
    kinds = (sympy.MatrixSymbol, sympy.Identity, sympy.OneMatrix, sympy.ZeroMatrix)
    return sum(1 for node in sympy.preorder_traversal(expr) if isinstance(node, kinds))


INDEX_NOTATION = ("Sum(", "[", "KroneckerDelta", "Derivative", "Subs", "Piecewise")


def is_closed_matrix_form(text: str) -> bool:
    """A matrix written with matrix operations only: no sums, entries, deltas or derivatives."""
    return not any(marker in text for marker in INDEX_NOTATION)
