"""`check`: every verdict compared with an independent computation on explicit sympy matrices.

The oracle here multiplies out explicit matrices of symbols, differentiates them with sympy
and arranges the result by the README's conventions; the answer is written again as explicit
sympy arithmetic in the test. Nothing is compared with derivgen's own derivation.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sympy

from derivgen import DerivgenError, check, derive
from derivgen.cli import main
from derivgen.documents.answer_key import key_answer
from tests import oracle

SIZES = {"C": 3, "D": 4, "N": 5}
Arrays = dict[str, sympy.ImmutableMatrix]


@dataclass(frozen=True)
class Case:
    equation: str
    target: str
    answer: str
    shapes: dict[str, tuple[str | int, str | int]]
    output: Callable[[Arrays], sympy.MatrixBase]
    claimed: Callable[[Arrays], sympy.MatrixBase]
    layout: str | None = None

    @property
    def of(self) -> str:
        return self.target.split("/")[0][1:]

    @property
    def by(self) -> str:
        return self.target.split("/")[1][1:]


def _arrays(case: Case, sizes: dict[str, int]) -> Arrays:
    concrete = {n: tuple(sizes.get(d, d) for d in s) for n, s in case.shapes.items()}
    return oracle.instance(concrete)


def true_matrix(case: Case, arrays: Arrays, layout: str | None) -> sympy.ImmutableMatrix:
    """The derivative arranged as the README says: numerator layout is one row per output
    entry; a scalar's gradient has the variable's shape; the note's default is numerator for
    a column output, denominator for a row output and the variable's shape for a scalar."""
    out = case.output(arrays)
    var = arrays[case.by]
    if out.shape == (1, 1):
        gradient = var.applyfunc(lambda v: sympy.diff(out[0, 0], v))
        return gradient.T if layout == "numerator" else gradient
    jacobian = sympy.ImmutableMatrix([[sympy.diff(o, v) for v in var.T.vec()] for o in out.T.vec()])
    if layout is None:
        layout = "denominator" if out.rows == 1 else "numerator"
    return jacobian.T if layout == "denominator" else jacobian


def _equal(a: sympy.MatrixBase, b: sympy.MatrixBase) -> bool:
    return a.shape == b.shape and all(sympy.expand(x - y) == 0 for x, y in zip(a, b, strict=True))


def oracle_reason(case: Case) -> str:
    arrays = _arrays(case, SIZES)
    wanted = true_matrix(case, arrays, case.layout)
    default_is_denominator = case.output(arrays).shape == (1, 1) or case.output(arrays).rows == 1
    used = case.layout or ("denominator" if default_is_denominator else "numerator")
    other = true_matrix(case, arrays, "numerator" if used == "denominator" else "denominator")
    try:
        claimed = sympy.ImmutableMatrix(case.claimed(arrays))
    except sympy.ShapeError:
        return "shape"
    if _equal(claimed, wanted):
        return "right"
    if _equal(claimed, other):
        return "layout"
    return "shape" if claimed.shape != wanted.shape else "value"


def _spec(shapes: dict) -> dict[str, str]:
    return {n: f"{r},{c}" for n, (r, c) in shapes.items()}


WX = {"y": ("C", 1), "W": ("C", "D"), "x": ("D", 1)}
QUADRATIC = {"L": (1, 1), "x": ("C", 1), "A": ("C", "C")}
LSQ = {"L": (1, 1), "W": ("C", "D"), "x": ("D", 1), "t": ("C", 1)}
CHAIN = {"y": ("C", 1), "V": ("C", "D"), "W": ("D", "N"), "x": ("N", 1)}
ROW = {"y": (1, "D"), "x": (1, "C"), "W": ("C", "D")}


def _wx(a: Arrays) -> sympy.MatrixBase:
    return a["W"] * a["x"]


def _quad(a: Arrays) -> sympy.MatrixBase:
    return a["x"].T * a["A"] * a["x"]


def _lsq(a: Arrays) -> sympy.MatrixBase:
    r = a["W"] * a["x"] - a["t"]
    return r.T * r


MATRIX_CASES = [
    # right, in several equal forms
    Case("y = W x", "dy/dx", "W", WX, _wx, lambda a: a["W"]),
    Case("y = W x", "dy/dx", "(W)", WX, _wx, lambda a: a["W"]),
    Case(
        "L = x^T A x",
        "dL/dx",
        "(A + A^T) x",
        QUADRATIC,
        _quad,
        lambda a: (a["A"] + a["A"].T) * a["x"],
    ),
    Case(
        "L = x^T A x",
        "dL/dx",
        "(A^T + A) x",
        QUADRATIC,
        _quad,
        lambda a: (a["A"].T + a["A"]) * a["x"],
    ),
    Case(
        "L = x^T A x",
        "dL/dx",
        "A x + A' x",
        QUADRATIC,
        _quad,
        lambda a: a["A"] * a["x"] + a["A"].T * a["x"],
    ),
    Case(
        "L = (W x - t)^T (W x - t)",
        "dL/dW",
        "2 (W x - t) x^T",
        LSQ,
        _lsq,
        lambda a: 2 * (a["W"] * a["x"] - a["t"]) * a["x"].T,
    ),
    Case(
        "L = (W x - t)^T (W x - t)",
        "dL/dW",
        "2*(W*x - t)*x.T",
        LSQ,
        _lsq,
        lambda a: 2 * (a["W"] * a["x"] - a["t"]) * a["x"].T,
    ),
    Case(
        "y = V W x",
        "dy/dx",
        "(V W)",
        CHAIN,
        lambda a: a["V"] * a["W"] * a["x"],
        lambda a: a["V"] * a["W"],
    ),
    Case("y = x W", "dy/dx", "W", ROW, lambda a: a["x"] * a["W"], lambda a: a["W"]),
    Case("y = W x", "dy/dx", "W^T", WX, _wx, lambda a: a["W"].T, layout="denominator"),
    # right up to the layout
    Case("y = W x", "dy/dx", "W^T", WX, _wx, lambda a: a["W"].T),
    Case("y = x W", "dy/dx", "W.T", ROW, lambda a: a["x"] * a["W"], lambda a: a["W"].T),
    Case(
        "L = x^T A x",
        "dL/dx",
        "x^T (A + A^T)",
        QUADRATIC,
        _quad,
        lambda a: a["x"].T * (a["A"] + a["A"].T),
    ),
    Case(
        "L = (W x - t)^T (W x - t)",
        "dL/dW",
        "2 x (W x - t)^T",
        LSQ,
        _lsq,
        lambda a: 2 * a["x"] * (a["W"] * a["x"] - a["t"]).T,
    ),
    # wrong factor, missing term, no symmetry assumed
    Case("y = W x", "dy/dx", "2 W", WX, _wx, lambda a: 2 * a["W"]),
    Case(
        "L = (W x - t)^T (W x - t)",
        "dL/dW",
        "(W x - t) x^T",
        LSQ,
        _lsq,
        lambda a: (a["W"] * a["x"] - a["t"]) * a["x"].T,
    ),
    Case(
        "L = (W x - t)^T (W x - t)",
        "dL/dW",
        "2 W x x^T",
        LSQ,
        _lsq,
        lambda a: 2 * a["W"] * a["x"] * a["x"].T,
    ),
    Case("L = x^T A x", "dL/dx", "2 A x", QUADRATIC, _quad, lambda a: 2 * a["A"] * a["x"]),
    Case("L = x^T A x", "dL/dx", "A x", QUADRATIC, _quad, lambda a: a["A"] * a["x"]),
    # transposed in a square case: the other layout's matrix is not this one
    Case(
        "L = x^T A x",
        "dL/dA",
        "x^T x A",
        QUADRATIC,
        _quad,
        lambda a: (a["x"].T * a["x"])[0, 0] * a["A"],
    ),
    # wrong shape
    Case("y = W x", "dy/dx", "x", WX, _wx, lambda a: a["x"]),
    Case("y = W x", "dy/dx", "W x^T", WX, _wx, lambda a: a["W"] * a["x"].T),
    Case(
        "y = V W x",
        "dy/dx",
        "W^T V^T",
        CHAIN,
        lambda a: a["V"] * a["W"] * a["x"],
        lambda a: a["W"].T * a["V"].T + sympy.zeros(5, 3),
    ),
]


@pytest.mark.parametrize(
    "case", MATRIX_CASES, ids=lambda c: f"{c.equation} | {c.answer} | {c.layout}"
)
def test_a_matrix_answer_gets_the_oracles_verdict(case: Case) -> None:
    result = check(case.equation, case.target, case.answer, _spec(case.shapes), layout=case.layout)
    assert result.reason == oracle_reason(case)
    assert result.correct == (result.reason == "right")
    if result.reason == "value":
        _counterexample_holds(case, result)
    else:
        assert result.counterexample is None


def _at_point(case: Case, sizes: dict[str, int], values: dict) -> tuple[Arrays, dict]:
    arrays = _arrays(case, sizes)
    point = {}
    for name, matrix in arrays.items():
        if name in values:
            for (r, c), symbol in zip(
                itertools.product(*map(range, matrix.shape)), matrix, strict=True
            ):
                point[symbol] = sympy.Integer(values[name][r, c])
    return arrays, point


def _counterexample_holds(case: Case, result) -> None:
    """The reported entry is where the oracle's truth and the answer first differ, there."""
    c = result.counterexample
    _small_enough_to_follow(c)
    arrays, point = _at_point(case, dict(c.sizes), c.values)
    wanted = true_matrix(case, arrays, case.layout).xreplace(point)
    claimed = sympy.ImmutableMatrix(case.claimed(arrays)).xreplace(point)
    r, col = c.position
    assert sympy.Integer(c.true) == wanted[r - 1, col - 1]
    assert sympy.Integer(c.claimed) == claimed[r - 1, col - 1]
    assert c.true != c.claimed
    earlier = [
        (i, j) for i, j in itertools.product(*map(range, wanted.shape)) if (i, j) < (r - 1, col - 1)
    ]
    assert all(wanted[i, j] == claimed[i, j] for i, j in earlier)
    assert result.report.derivation is not None
    assert result.report.derivation.verification.passed


def _small_enough_to_follow(counterexample) -> None:
    """The point a counterexample shows has entries a student can multiply by hand."""
    entries = [v for array in counterexample.values.values() for v in array.flat]
    assert entries
    assert all(-5 <= v <= 5 and v != 0 for v in entries)


def _delta(a: int, b: int) -> int:
    return 1 if a == b else 0


@dataclass(frozen=True)
class FormulaCase:
    equation: str
    target: str
    formula: str
    shapes: dict
    output: Callable[[Arrays], sympy.MatrixBase]
    claimed: Callable[..., sympy.Expr]
    by: str
    general: bool = True


F_WX = {"f": ("C", 1), "W": ("C", "D"), "x": ("D", 1)}
FORMULA_CASES = [
    FormulaCase(
        "f = W x",
        "df/dW",
        "delta(i, j) x[k]",
        F_WX,
        _wx,
        lambda a, i, j, k: _delta(i, j) * a["x"][k - 1, 0],
        "W",
    ),
    FormulaCase(
        "f = W x",
        "df/dW",
        "KroneckerDelta(i, j)*x[k]",
        F_WX,
        _wx,
        lambda a, i, j, k: _delta(i, j) * a["x"][k - 1, 0],
        "W",
    ),
    FormulaCase(
        "f = W x",
        "df[i]/dW[m,n]",
        "delta(i, m) x[n]",
        F_WX,
        _wx,
        lambda a, i, j, k: _delta(i, j) * a["x"][k - 1, 0],
        "W",
    ),
    # the math.SE thread's third answer, entry by entry: every ∂W/∂W taken as 1
    FormulaCase("f = W x", "df/dW", "x[k]", F_WX, _wx, lambda a, i, j, k: a["x"][k - 1, 0], "W"),
    FormulaCase(
        "f = W x",
        "df/dW",
        "2 delta(i, j) x[k]",
        F_WX,
        _wx,
        lambda a, i, j, k: 2 * _delta(i, j) * a["x"][k - 1, 0],
        "W",
    ),
    FormulaCase(
        "y = W x",
        "dy[i]/dx[j]",
        "W[i, j]",
        WX,
        _wx,
        lambda a, i, j: a["W"][i - 1, j - 1],
        "x",
        general=False,
    ),
    FormulaCase(
        "y = W x",
        "dy[i]/dx[j]",
        "W[i, j] + W[i, 1]",
        WX,
        _wx,
        lambda a, i, j: a["W"][i - 1, j - 1] + a["W"][i - 1, 0],
        "x",
        general=False,
    ),
]


def _formula_truth(case: FormulaCase, arrays: Arrays) -> dict[tuple[int, ...], sympy.Expr]:
    out, var = case.output(arrays), arrays[case.by]
    found = {}
    for (p, _), o in zip(itertools.product(range(out.rows), range(out.cols)), out, strict=True):
        for (r, c), v in zip(itertools.product(*map(range, var.shape)), var, strict=True):
            key = (p + 1, r + 1, c + 1) if var.cols > 1 else (p + 1, r + 1)
            found[key] = sympy.diff(o, v)
    return found


@pytest.mark.parametrize("case", FORMULA_CASES, ids=lambda c: f"{c.target} | {c.formula}")
def test_an_index_formula_gets_the_oracles_verdict(case: FormulaCase) -> None:
    arrays = oracle.instance({n: tuple(SIZES.get(d, d) for d in s) for n, s in case.shapes.items()})
    truth = _formula_truth(case, arrays)
    expected = all(sympy.expand(case.claimed(arrays, *k) - v) == 0 for k, v in truth.items())
    if case.general:
        result = check(case.equation, case.target, shapes=_spec(case.shapes), general=case.formula)
    else:
        result = check(case.equation, case.target, case.formula, _spec(case.shapes))
    assert result.correct == expected
    if expected:
        return
    assert result.reason == "value"
    c = result.counterexample
    _small_enough_to_follow(c)
    sizes = dict(c.sizes)
    arrays = oracle.instance({n: tuple(sizes.get(d, d) for d in s) for n, s in case.shapes.items()})
    point = {}
    for name, matrix in arrays.items():
        if name in c.values:
            for (r, col), symbol in zip(
                itertools.product(*map(range, matrix.shape)), matrix, strict=True
            ):
                point[symbol] = sympy.Integer(c.values[name][r, col])
    truth = {k: v.xreplace(point) for k, v in _formula_truth(case, arrays).items()}
    assert truth[c.indices] == sympy.Integer(c.true)
    assert sympy.sympify(case.claimed(arrays, *c.indices)).xreplace(point) == sympy.Integer(
        c.claimed
    )
    assert all(
        truth[k] == sympy.sympify(case.claimed(arrays, *k)).xreplace(point)
        for k in sorted(truth)
        if k < c.indices
    )
    assert result.report.derivation is not None


def test_the_math_se_thirds_answer_is_wrong_with_an_entry_and_its_derivation(capsys) -> None:
    assert main(["check", "f = W x", "df/dW", "--general", "x[k]", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["correct"], data["reason"]) == (False, "value")
    assert data["counterexample"]["entry"] == "df[1]/dW[2,1]"
    assert data["counterexample"]["true"] == "0"
    assert data["derivation"]["target"] == "df[1]/dW[2,1]"
    assert data["derivation"]["entry"] == "0"
    # its matrix form, (xᵀ 1_m) 1_n, cannot be the three-axis derivative at all
    assert main(["check", "f = W x", "df/dW", "Trace(x.T*OneMatrix(D, 1))*OneMatrix(C, 1)"]) == 1
    assert "Wrong shape: the answer is C×1, but ∂f/∂W has 3 axes (C×C×D)" in capsys.readouterr().out
    # and the first answer's δ_{im} x_n is right
    assert main(["check", "f = W x", "df[i]/dW[m,n]", "delta(i, m) x[n]"]) == 0


def test_an_index_on_the_wrong_axis_is_a_wrong_shape() -> None:
    result = check("y = W x", "dy[i]/dx[j]", "W[j, i]", {"W": "C,D"})
    assert result.reason == "shape"
    assert "j runs from 1 to D" in result.judgement.detail


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("W^T +", "error: expected a name, a number or '(' but found end of input: W^T +"),
        ("W q", "error: q is not a symbol of the equation (its symbols are y, W, x): W q"),
        ("__import__('os')", "error: unexpected character '_': __import__('os')"),
        ("Identity(C) W.__class__", "error: unexpected character '.': Identity(C) W.__class__"),
        (
            "W[i, k]",
            "error: the formula's index k is not an index of the target (its indices are i, j)",
        ),
        ("W[i, j]**99999999", "error: a power must be a number up to 12: W[i, j]**99999999"),
        ("W[i, +", "error: '[' is never closed: W[i, +"),
        ("W[i, j])", "error: ')' closes no bracket: W[i, j])"),
    ],
)
def test_bad_answers_are_one_error_line_with_status_2(answer, message, capsys) -> None:
    target = "dy[i]/dx[j]" if "[" in answer else "dy/dx"
    assert main(["check", "y = W x", target, answer]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == message
    assert len(err) <= 2


def test_answer_and_general_together_are_refused() -> None:
    with pytest.raises(DerivgenError, match="not both"):
        check("y = W x", "dy/dx", "W", general="W[i, j]")


def test_formats(capsys, tmp_path) -> None:
    result = check("y = W x", "dy/dx", "2 W")
    assert result.as_dict()["counterexample"]["instance"]["sizes"] == {"C": 3, "D": 4}
    assert r"\frac{\partial" in result.to_latex()
    assert "$" in result._repr_latex_()
    assert main(["check", "y = W x", "dy/dx", "2 W", "--format", "latex"]) == 1
    assert "Why" in capsys.readouterr().out
    assert main(["check", "y = W x", "dy/dx", "W", "-o", str(tmp_path / "v.txt")]) == 0
    assert (tmp_path / "v.txt").read_text().startswith("Check:")


def test_user_text_reaching_latex_is_escaped() -> None:
    latex = check("y = W_1 x", "dy/dx", "2 W_1").to_latex()
    assert "\\texttt{2 W\\_1}" in latex


def test_the_cases_cover_every_verdict() -> None:
    assert {oracle_reason(c) for c in MATRIX_CASES} == {"right", "layout", "shape", "value"}


@pytest.mark.parametrize(
    ("equation", "target"),
    [
        ("y = W x", "dy[4]/dx[2]"),
        ("y = W x", "dy/dx"),
        ("y = x A", "dy[i]/dx[j]"),
        ("f = W x", "df/dW"),
        ("L = (W x - t)^T (W x - t)", "dL/dW"),
        ("z = x W + b", "dz/dW"),
        ("y = sigma(W x)", "dy/dx"),
        ("s = sum(exp(A x))", "ds/dx"),
    ],
)
def test_the_key_json_answer_is_one_check_accepts(equation, target) -> None:
    """What NAME-key.json stores is read back by check and judged right by the equation."""
    form, answer = key_answer(target, derive(equation, target).as_dict())
    result = check(equation, target, **{form: answer})
    assert result.correct, result.to_text()


def test_a_renumbered_counterexample_names_the_instances_entry() -> None:
    """∂y₉/∂x₂ on a 3×4 instance is one of its own entries: the line says which, and the
    true value is W's entry there on the point shown (y = W x, so ∂yᵢ/∂xⱼ = Wᵢⱼ)."""
    result = check("y = W x", "dy[9]/dx[2]", "x[2]")
    c = result.counterexample
    row, col = c.landed
    assert c.indices == (9, 2)
    assert row <= c.sizes["C"] and col <= c.sizes["D"]
    assert sympy.Integer(c.true) == c.values["W"][row - 1, col - 1]
    assert f"∂y₉/∂x₂ is its ∂y{'₀₁₂₃₄₅₆₇₈₉'[row]}/∂x{'₀₁₂₃₄₅₆₇₈₉'[col]}." in result.to_text()
    assert result.as_dict()["counterexample"]["instance"]["indices"] == [row, col]


@pytest.mark.parametrize(
    ("shapes", "size"), [({"W": "C,D"}, "C"), ({"W": "2,5"}, "2"), ({"W": "3,1"}, "3")]
)
def test_a_bare_identity_is_told_a_size_the_problem_has(shapes, size) -> None:
    """`I` has no size; the hint names one of the problem's own (a drawn 2, not a C it does
    not have), and the identity it suggests is right by the oracle (∂z/∂b = I for z = W x + b)."""
    with pytest.raises(DerivgenError) as raised:
        check("z = W x + b", "dz/db", "I", shapes=shapes)
    assert f"such as Identity({size})" in raised.value.message
    rows, cols = (int(d) if d.isdigit() else d for d in shapes["W"].split(","))
    layer = {"z": (rows, 1), "W": (rows, cols), "x": (cols, 1), "b": (rows, 1)}
    identity = int(size) if size.isdigit() else SIZES[size]
    output = lambda a: a["W"] * a["x"] + a["b"]  # noqa: E731
    case = Case("z = W x + b", "dz/db", f"Identity({size})", layer, output,
                lambda a: sympy.eye(identity))
    assert oracle_reason(case) == "right"
    assert check("z = W x + b", "dz/db", f"Identity({size})", shapes=shapes).correct


def test_a_counterexample_on_sizes_given_as_numbers_names_no_empty_sizes() -> None:
    """A drawn variant states its sizes as numbers: the point is not `The point ():`."""
    result = check("y = W x", "dy/dx", "2 W", shapes={"W": "2,2"})
    sized = {"y": (2, 1), "W": (2, 2), "x": (2, 1)}
    assert oracle_reason(Case("y = W x", "dy/dx", "2 W", sized, _wx, lambda a: 2 * a["W"])) == (
        result.reason
    )
    assert result.counterexample is not None
    assert "The point:\n" in result.to_text() and "()" not in result.to_text()
    assert "The point:" in result.to_latex()
