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
