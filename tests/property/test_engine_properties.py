"""Random products, sizes and targets: derivgen's results agree with brute force, always.

The reference is tests/oracle.py (explicit sympy matrices and finite differences), and the
API may raise nothing but DerivgenError, whatever text it is given.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivgen import DerivgenError, derive
from tests.oracle import check_entry, check_results, instance

Form = tuple[str, str, dict[str, tuple[str, str]], Callable]

FORMS: list[Form] = [
    ("y = W x", "y", {"W": ("a", "b"), "x": ("b", "1")}, lambda m: m["W"] * m["x"]),
    ("y = x W", "y", {"x": ("1", "a"), "W": ("a", "b")}, lambda m: m["x"] * m["W"]),
    ("Y = X W", "Y", {"X": ("a", "b"), "W": ("b", "c")}, lambda m: m["X"] * m["W"]),
    ("y = W^T x", "y", {"W": ("a", "b"), "x": ("a", "1")}, lambda m: m["W"].T * m["x"]),
    ("Y = X' W", "Y", {"X": ("a", "b"), "W": ("a", "c")}, lambda m: m["X"].T * m["W"]),
    ("s = a^T x", "s", {"a": ("a", "1"), "x": ("a", "1")}, lambda m: m["a"].T * m["x"]),
    ("M = x z.T", "M", {"x": ("a", "1"), "z": ("b", "1")}, lambda m: m["x"] * m["z"].T),
    ("y = -3 W x", "y", {"W": ("a", "b"), "x": ("b", "1")}, lambda m: -3 * m["W"] * m["x"]),
    ("y = c x", "y", {"c": ("1", "1"), "x": ("a", "1")}, lambda m: m["c"][0, 0] * m["x"]),
]


@st.composite
def problems(draw: st.DrawFn):
    equation, of, symbols, function = draw(st.sampled_from(FORMS))
    sizes = {"1": 1} | {k: draw(st.integers(2, 4)) for k in "abc"}
    shapes = {n: (sizes[r], sizes[c]) for n, (r, c) in symbols.items()}
    by = draw(st.sampled_from(sorted(symbols)))
    return equation, of, shapes, function, by, draw(st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_results_agree_with_brute_force(problem, data) -> None:
    equation, of, shapes, function, by, whole = problem
    declared = {n: f"{r},{c}" for n, (r, c) in shapes.items()}
    if whole:
        result = derive(equation, f"d{of}/d{by}", declared).as_dict()
        check_results(result, function, {}, of, by)
        return
    of_idx = _draw_indices(data, function(instance(shapes)).shape)
    by_idx = _draw_indices(data, shapes[by])
    target = f"d{of}{_bracket(of_idx)}/d{by}{_bracket(by_idx)}"
    result = derive(equation, target, declared).as_dict()
    check_entry(result, function, {}, of, of_idx, by, by_idx)
    check_results(result, function, {}, of, by)


def _draw_indices(data, shape: tuple[int, int]) -> tuple[int, ...]:
    axes = [] if shape == (1, 1) else [n for n in shape if n != 1]
    return tuple(data.draw(st.integers(1, n)) for n in axes)


def _bracket(indices: tuple[int, ...]) -> str:
    return f"[{','.join(map(str, indices))}]" if indices else ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.text(max_size=20))
def test_the_api_raises_nothing_but_derivgen_error(equation: str, target: str) -> None:
    with contextlib.suppress(DerivgenError):
        derive(equation, target)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FORMS), st.text(alphabet="dxyzWXYsM[]/,0123456789ij∂ ", max_size=16))
def test_random_targets_raise_nothing_but_derivgen_error(form: Form, target: str) -> None:
    with contextlib.suppress(DerivgenError):
        derive(form[0], target)
