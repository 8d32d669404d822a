"""Issue 13's engine findings, each kept as a test named after what it was.

Crashes that were not a DerivgenError, hangs, and numbers and names read wrongly. Results
are compared with tests/oracle.py (explicit sympy matrices), never with derivgen's own.
"""

from __future__ import annotations

import dataclasses
import json
import re
import signal
import threading
import time

import pytest
import sympy
from sympy.parsing.sympy_parser import parse_expr

from derivgen import DerivgenError, derive
from derivgen.cli import main
from derivgen.errors import ParseError, ShapeError, TimeLimitError, VerificationError
from derivgen.parse import parse_equation
from derivgen.parse.names import JSON_VOCABULARY
from derivgen.parse.tokens import MAX_DIGITS
from derivgen.steps import kinds
from derivgen.time_limit import time_limit
from derivgen.verify import verify
from tests.oracle import check_derivative, check_results

HUGE = 10**100

# --- crashes that were Python's own errors --------------------------------------------------


@pytest.mark.parametrize(
    ("shapes", "views", "message"),
    [
        ({"W": 5}, (), "the shape of W must be a string such as 'C,D' or a pair such as (5, 'D'), not an int"),
        (5, (), "shapes must be a mapping such as {'W': 'C,D'} or a list of strings such as ['W=C,D'], not an int"),
        ([None], (), "a shape in a list must be a string such as 'W=C,D', not None"),
        ({3: "C,D"}, (), "a shape's name must be a string such as 'W', not an int"),
        ("W=C,D", (), "shapes must be a mapping such as {'W': 'C,D'} or a list of strings such as ['W=C,D'], not a str"),
        (None, 5, "views must be given as strings, such as ['index', 'vec']"),
    ],
    ids=["shapes W=5 (TypeError)", "shapes=5 (TypeError)", "shapes=[None] (AttributeError)",
         "a number as a name", "a bare string", "views=5 (TypeError)"],
)  # fmt: skip
def test_wrong_api_types_were_type_and_attribute_errors(shapes, views, message) -> None:
    with pytest.raises(DerivgenError) as refused:
        derive("y = W x", "dy/dW", shapes, views=views)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("equation", "target", "shapes"),
    [
        ("y = W x", f"dy[{'9' * 5000}]/dx[1]", None),
        (f"y = {'9' * 5000} x", "dy/dx", None),
        (f"y = 1.{'9' * 5000} x", "dy/dx", None),
        ("y = 1e99999999 x", "dy/dx", None),
    ],
    ids=["a 5000-digit index", "a 5000-digit number", "a 5000-digit decimal", "a huge exponent"],
)
def test_numbers_past_pythons_digit_limit_were_value_errors(equation, target, shapes) -> None:
    """int() and Fraction() refuse 4,300 digits with a ValueError; 1e99999999 would not end."""
    with pytest.raises(ParseError) as refused:
        derive(equation, target, shapes)
    assert refused.value.reason == (
        f"a number has at most {MAX_DIGITS} digits and an exponent of at most {MAX_DIGITS}"
    )
    number = re.search(r"[0-9][0-9.e]*", refused.value.text[refused.value.position :])
    assert number is not None and refused.value.length == len(number[0])


def test_a_shape_of_5000_digits_was_a_value_error() -> None:
    with pytest.raises(ParseError) as refused:
        derive("y = W x", "dy/dx", {"W": "9" * 5000 + ",3"})
    assert refused.value.reason == f"a dimension has at most {MAX_DIGITS} digits"


def test_a_size_named_like_a_symbol_was_a_key_error_in_entry_of() -> None:
    """`Z = o Q` with Q of size P×Q: Q named a matrix and a size at once."""
    with pytest.raises(ShapeError) as refused:
        derive("Z = o Q", "dZ/dQ", {"o": "1,1", "Q": "P,Q"})
    assert str(refused.value) == (
        "the size Q of Q has the name of a symbol of the equation: name it apart (a size such as C or n)"
    )
    result = derive("Z = o Q", "dZ[1,2]/dQ[1,2]", {"o": "1,1", "Q": "P,R"}).as_dict()
    check_derivative(result, lambda m: m["o"][0, 0] * m["Q"], {"P": 2, "R": 3}, "Z", "Q",
                     of_idx=(1, 2), by_idx=(1, 2))  # fmt: skip


def test_twenty_uppercase_symbols_exhausted_the_size_names_with_stop_iteration() -> None:
    letters = "ABCDEFGHIJKLMNOPQRST"
    equation = "Y = " + " ".join(letters)
    result = derive(equation, "dY[1,2]/dA[1,2]").as_dict()
    sizes = [d for dims in result["shapes"].values() for d in dims]
    assert len(set(sizes)) == len(letters) + 1  # a chain of 20 matrices has 21 sizes
    assert not set(sizes) & set(letters)
    assert result["verified"] is True


@pytest.mark.parametrize(
    ("equation", "target", "function", "by"),
    [
        ("y = x'", "dy/dx", lambda m: m["x"].T, "x"),
        ("Y = W", "dY/dW", lambda m: m["W"], "W"),
    ],
    ids=["y = x' ", "Y = W"],
)
def test_an_identity_derivative_was_a_python_int_in_a_claim(equation, target, function, by):
    """The isolate step's `nonzero` was Python's 1 ('int' object has no attribute 'args')."""
    result = derive(equation, target).as_dict()
    check_results(result, function, {"C": 3, "D": 4, "N": 5}, equation[0], by)


def test_a_summed_index_took_the_name_of_the_partials_own_index() -> None:
    """∂s_i/∂X_{j,k} = l_i Σ_k A_{k,j}: the sum's k captured the partial's k, so the claim
    'ran over no single axis'."""
    result = derive("s = l sum(A X)", "ds/dX", {"A": "3,2", "X": "2,4"}).as_dict()
    check_derivative(
        result, lambda m: m["l"] * sum(m["A"] * m["X"]), {"C": 3}, "s", "X"
    )


def test_a_long_product_of_one_matrix_ran_out_of_inner_index_names() -> None:
    """`y = W W … W x` with more nested sums than INNER_NAMES was an IndexError."""
    result = derive("y = " + "W " * 20 + "x", "dy/dx").as_dict()
    (rows, cols) = result["shapes"]["W"]
    read = parse_expr(result["matrix"], local_dict={"W": sympy.MatrixSymbol("W", 3, 3)})
    w = sympy.Matrix(3, 3, lambda r, c: sympy.Rational(r + 2 * c + 1, 7))
    assert rows == cols
    assert sympy.Matrix(read.subs(sympy.MatrixSymbol("W", 3, 3), w).doit()) == w**20


@pytest.mark.parametrize(
    "equation",
    ["y = exp(exp(exp(exp(x))))", "y = " + "exp(" * 45 + "x" + ")" * 45],
    ids=["float overflow (OverflowError)", "50-digit overflow (ValueError)"],
)
def test_nested_exponentials_overflowed_the_verifiers_numbers(equation: str) -> None:
    with pytest.raises(VerificationError) as refused:
        derive(equation, "dy/dx")
    assert str(refused.value).startswith("the verifier cannot evaluate exp at its random point")
    assert str(refused.value).endswith("derivgen prints nothing it has not checked")


def test_a_function_with_no_value_anywhere_is_named_not_called_a_false_line() -> None:
    """log(g - g) is log 0 at every point: it once read "the shapes step: y = … does not
    hold", as if derivgen had written a wrong line."""
    with pytest.raises(VerificationError) as refused:
        derive("y = p^T log(g - g)", "dy/dg")
    message = str(refused.value)
    assert "cannot evaluate log at its random point" in message
    assert "log of 0.0 is not a finite number" in message and "\n" not in message


# --- bounds: sizes and indices, length, time ------------------------------------------------


def test_sizes_and_indices_of_ten_to_the_hundred_derive_on_a_small_instance() -> None:
    """`dy[1000]/dx[7]` with W of 10^9 × 10^9 once ran past 60 s and 660 MB: the sum was
    expanded up to the index value."""
    derivation = derive("y = W x", f"dy[{HUGE}]/dx[{HUGE - 1}]", {"W": f"{HUGE},{HUGE}"})
    result = derivation.as_dict()
    assert result["entry"] == f"W[{HUGE}, {HUGE - 1}]"
    expand = next(s["latex"] for s in result["steps"] if s["kind"] == "expand")
    assert f"W_{{{HUGE},{HUGE - 1}}}" in expand  # the target's term is written out
    assert expand.count("W_{") <= 6 and "\\dots" in expand  # the others are elided
    assert all(size <= 10 for size in derivation.verification.sizes.values())


def test_a_huge_index_still_checks_the_line_it_labels() -> None:
    """Relabelling 10^100 onto a small index must keep a wrong neighbour wrong."""
    derived = derive("y = W x", f"dy[{HUGE}]/dx[7]").checked.derived
    for wrong in ((HUGE - 1, 7), (HUGE, 8), (HUGE, HUGE)):
        entry = sympy.IndexedBase("W")[tuple(map(sympy.Integer, wrong))]
        steps = tuple(
            dataclasses.replace(s, result=entry) if isinstance(s, kinds.IsolateStep) else s
            for s in derived.steps
        )
        with pytest.raises(VerificationError):
            verify(parse_equation("y = W x"), derived.shapes, dataclasses.replace(derived, steps=steps))


def test_a_derivation_past_its_time_limit_ends_in_one_line_and_leaves_no_timer() -> None:
    equation = "y = " + " ".join(f"A{n}" for n in range(20)) + " x"
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(TimeLimitError) as stopped:
        derive(equation, "dy/dx", time_limit=0.001)
    assert str(stopped.value).startswith(
        f"deriving 'dy/dx' for {equation!r} took longer than the time limit of 0.001 s"
    )
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert derive("y = W x", "dy/dx", time_limit=30).as_dict()["matrix"] == "W"


def test_the_time_limit_holds_outside_the_main_thread_too() -> None:
    caught: list[BaseException] = []

    def run() -> None:
        try:
            derive("y = " + " ".join(f"A{n}" for n in range(20)) + " x", "dy/dx", time_limit=0.001)
        except BaseException as error:  # the test reports what it was
            caught.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert len(caught) == 1 and isinstance(caught[0], TimeLimitError)


def test_the_cli_time_limit_is_one_error_line_and_status_2(capsys) -> None:
    equation = "y = " + " ".join(f"A{n}" for n in range(20)) + " x"
    assert main(["derive", equation, "dy/dx", "--time-limit", "0.001"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "took longer than the time limit of 0.001 s" in lines[0]
    assert main(["derive", "y = W x", "dy/dx", "--time-limit", "-1"]) == 2
    assert capsys.readouterr().err == (
        "error: the time limit must be a positive number of seconds, not -1.0\n"
    )


# --- numbers and names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "value"),
    [("1e3", 1000), ("0.5", sympy.Rational(1, 2)), ("2.5e-3", sympy.Rational(1, 400)),
     ("1E2", 100)],
)  # fmt: skip
def test_decimals_and_exponents_were_read_as_names(number: str, value) -> None:
    """`1e3 W x` was 1 · e3 · W x, with e3 a row vector."""
    result = derive(f"y = {number} W x", "dy/dx", {"W": "C,D"}).as_dict()
    assert set(result["shapes"]) == {"y", "W", "x"}
    check_results(result, lambda m: value * m["W"] * m["x"], {"C": 3, "D": 4}, "y", "x")


def test_an_unknown_function_was_read_as_a_product() -> None:
    with pytest.raises(ParseError) as refused:
        derive("y = foo(x)", "dy/dx")
    assert refused.value.reason.startswith("unknown function foo (the functions are sigma")
    assert (refused.value.position, refused.value.length) == (4, 3)
    assert derive("y = W(x)", "dy/dx").as_dict()["matrix"] == "W"  # one letter: a product


@pytest.mark.parametrize(
    ("equation", "target", "name"),
    [
        ("y = lambda x", "dy/dx", "lambda"),
        ("lambda = W x", "dlambda/dx", "lambda"),
        ("y = Sum x", "dy/dx", "Sum"),
        ("y = W x", "dy[if]/dx[j]", "if"),
        ("y = KroneckerDelta x", "dy/dx", "KroneckerDelta"),
    ],
)
def test_keywords_and_json_function_names_gave_json_that_does_not_parse(
    equation: str, target: str, name: str
) -> None:
    with pytest.raises(ParseError) as refused:
        derive(equation, target)
    assert refused.value.reason.startswith(f"{name} is a ")
    assert refused.value.text[refused.value.position :].startswith(name)


def _json_strings(value: object, path: str = "") -> list[tuple[str, str]]:
    """Every string the JSON holds that is an expression, with where it is."""
    if isinstance(value, dict):
        return [
            s
            for key, item in value.items()
            if key not in {"equation", "target", "kind", "latex", "layout", "derivgen_version"}
            for s in _json_strings(item, f"{path}.{key}")
        ]
    if isinstance(value, list):
        return [s for n, item in enumerate(value) for s in _json_strings(item, f"{path}[{n}]")]
    return [(path, value)] if isinstance(value, str) else []


SYMPY_NAMED = [
    ("y = E x + S x", "dy/dx", {"E": "N,Q", "S": "N,Q"}),
    ("Y = I O", "dY[2,3]/dO[1,3]", {}),
    ("s = pi^T gamma", "ds/dgamma", {}),
    ("Y = Q X", "dY/dX", {"Q": "N,N"}),
]


@pytest.mark.parametrize(("equation", "target", "shapes"), SYMPY_NAMED)
def test_names_sympy_reads_as_its_own_parse_back_in_every_json_string(
    equation: str, target: str, shapes: dict
) -> None:
    """E, I, S, N, O, Q, pi, gamma: sympy's without a local dictionary, the user's with one."""
    result = json.loads(json.dumps(derive(equation, target, shapes).as_dict()))
    sizes = {d for dims in result["shapes"].values() for d in dims if isinstance(d, str)}
    indices = set()
    for _, text in _json_strings(result):
        indices |= set(re.findall(r"\b([a-z][0-9]*)\b", text)) - set(result["shapes"])
    scalars = {str(s): sympy.Symbol(s) for s in sizes | indices} | {
        name: sympy.Function(name)  # derivgen's own, which the README names
        for name in ("shape", "Vec", "inverse_entry", "determinant", "cofactor")
    }
    entries = scalars | {n: sympy.IndexedBase(n) for n in result["shapes"]}
    matrices = scalars | {
        n: sympy.MatrixSymbol(n, *(sympy.Symbol(d) if isinstance(d, str) else d for d in dims))
        for n, dims in result["shapes"].items()
    }
    constants = (sympy.E, sympy.I, sympy.pi, sympy.S.Reals)
    for path, text in _json_strings(result):
        names = matrices if path in {".matrix"} or path.startswith(".views") else entries
        try:
            parsed = parse_expr(text, local_dict=names)
        except Exception:  # a matrix string: read with MatrixSymbols
            parsed = parse_expr(text, local_dict=matrices)
        assert isinstance(parsed, sympy.Basic | tuple), (path, text)
        assert not any(sympy.sympify(parsed).has(c) for c in constants), (path, text, parsed)


JSON_CASES = [
    ("y = W x", "dy[3]/dx[7]", {}, ()),
    ("Y = X W", "dY/dX", {}, ()),
    ("y = V W x", "dy/dx", {}, ()),
    ("L = (W x - t)^T (W x - t)", "dL/dW", {}, ()),
    ("s = logdet(X)", "ds/dX", {}, ()),
    ("s = det(A X B)", "ds/dX", {}, ()),
    ("s = tr(A X^-1 B)", "ds/dX", {}, ()),
    ("Y = inv(X)", "dY/dX", {}, ()),
    ("s = sum(A X)", "ds/dX", {"A": "3,2", "X": "2,4"}, ()),
    ("y = tanh(W x) + sin(x) .* cos(x) + log(x)", "dy/dx", {}, ()),
    ("y = sigma(W x) .* exp(x)", "dy/dW", {}, ()),
    ("z = x W + b", "dz/dW", {"x": "1,D"}, ("index", "vec", "backprop")),
    ("f = W x", "df/dW", {}, ("index", "vec", "backprop")),
]


def test_every_function_name_in_the_json_is_refused_as_a_symbol_name() -> None:
    """A symbol named like a function the JSON writes would shadow it when read back."""
    equation_functions = {"sigma", "tanh", "exp", "log", "sin", "cos", "tr", "sum", "inv",
                          "det", "logdet"}  # fmt: skip
    used: set[str] = set()
    for equation, target, shapes, views in JSON_CASES:
        for _, text in _json_strings(derive(equation, target, shapes, views=views).as_dict()):
            used |= set(re.findall(r"([A-Za-z_]\w*)\(", text))
    assert used - equation_functions <= JSON_VOCABULARY, used - equation_functions - JSON_VOCABULARY
    assert {"Sum", "Derivative", "KroneckerDelta"} <= used


def test_a_scalar_by_a_scalar_whole_target_filled_entry() -> None:
    """The interface leaves `entry` null for a whole target, a scalar by a scalar included."""
    result = derive("s = a b", "ds/da", {"a": "1,1", "b": "1,1", "s": "1,1"}).as_dict()
    assert result["entry"] is None
    check_results(result, lambda m: m["a"] * m["b"], {}, "s", "a")


def test_a_time_limit_that_fired_inside_a_finalizer_was_lost() -> None:
    """SIGALRM landing in a __del__ made Python swallow the interrupt as 'unraisable', and
    the block ran on past its limit (seen once: `--time-limit 0.001` derived to the end)."""

    class Slow:
        def __del__(self) -> None:
            time.sleep(0.02)  # the alarm lands here, not in the loop

    def garbage() -> None:
        for _ in range(10):
            Slow()

    started = time.monotonic()
    with pytest.raises(TimeLimitError), time_limit(0.01, "the loop"):
        garbage()
    assert time.monotonic() - started < 1
