"""Fuzzers (issue 13): whatever the text, derivgen answers or fails with one DerivgenError line.

Five kinds of input, each through the layer a user reaches: random strings into the three
parsers; near-miss edits of valid problems (a character deleted, inserted, replaced, a
piece duplicated) into `derive()`; random targets and shape strings beside valid equations
into `derive()`; random well-formed problems (test_general_properties' generator) into
`derive()`; and near-miss problems as command lines into `main(argv)`, whose standard error
must be one `error:` line (two with the caret) and whose status must be 0 or 2.

A ParseError's caret must stand under the character its position names, in the line as
printed. No input may run past FUZZ_TIME_LIMIT: derive() runs with that time limit and a
TimeLimitError fails the test as a hang. Messages are checked to be one line when the input
holds no line break (escaping those is the job of the error printer, issue 13's other half).

The budget is each test's `max_examples` under the `ci` profile (fixed seed, conftest.py);
DERIVGEN_FUZZ_EXAMPLES=N runs N random inputs per fuzzer instead (README, Troubleshooting).
"""

from __future__ import annotations

import contextlib
import io
import os
import unicodedata

import wcwidth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivgen import DerivgenError, derive
from derivgen.cli import main
from derivgen.errors import ParseError, TimeLimitError
from derivgen.parse import parse_equation, parse_shape, parse_target
from tests.property.test_general_properties import Problem, problems

FUZZ_TIME_LIMIT = 10.0
"""Seconds: a derivation past this is a hang (the slowest valid problem here takes ~1 s)."""

VALID = [
    ("y = W x", "dy[3]/dx[7]", ["W=C,D"]),
    ("y = x W", "dy/dW", ["x=1,D"]),
    ("Y = X W", "dY[2,5]/dX[2,4]", []),
    ("y = V W x", "dy/dx", []),
    ("L = (W x - t)^T (W x - t)", "dL/dW", []),
    ("z = x W + b", "dz/dW", ["x=1,D"]),
    ("s = x^T A x", "ds/dx", []),
    ("s = a^T X b", "ds/dX", []),
    ("y = sigma(W x)", "dy/dx", []),
    ("s = logdet(X)", "ds/dX", []),
    ("s = tr(A X^-1 B)", "ds/dX", []),
    ("Y = inv(X)", "dY/dX", []),
    ("s = sum(A X)", "ds/dX", ["A=3,2", "X=2,4"]),
    ("y = exp(x) .* z", "dy/dx", []),
    ("s = (a^T x) b", "ds/db", []),
    ("y = 2.5e-3 W x - 0.5 x", "dy[1000000000]/dx[1]", []),
    ("f = tanh(W x + b)", "df/dW", []),
]
"""Problems derivgen derives, the seeds of the near-miss edits."""

ALPHABET = "xyzWAXbTdst∂^.'*@+-()[]{},/=∘ 0123456789eEijksigmatrexplogdetinv_"
"""Characters of the grammars, so that edits and random text get past the tokenizer."""


def budget(ci: int) -> int:
    """The CI budget, or DERIVGEN_FUZZ_EXAMPLES inputs in a long run."""
    return int(os.environ.get("DERIVGEN_FUZZ_EXAMPLES", ci))


def fuzz_settings(ci: int) -> settings:
    return settings(
        max_examples=budget(ci),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@st.composite
def near_misses(draw: st.DrawFn, text: str) -> str:
    """`text` with one to three edits at random places."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(chars)))
        edit = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        if edit == "insert" or not chars:
            chars.insert(at, draw(st.sampled_from(ALPHABET)))
            continue
        at = min(at, len(chars) - 1)
        if edit == "delete":
            del chars[at]
        elif edit == "replace":
            chars[at] = draw(st.sampled_from(ALPHABET))
        else:
            end = draw(st.integers(at, min(len(chars), at + 6)))
            chars[at:at] = chars[at:end]
    return "".join(chars)


@st.composite
def mangled_problems(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """A valid problem with its equation, its target or both edited."""
    equation, target, shapes = draw(st.sampled_from(VALID))
    which = draw(st.sampled_from(["equation", "target", "both"]))
    if which != "target":
        equation = draw(near_misses(equation))
    if which != "equation":
        target = draw(near_misses(target))
    return equation, target, shapes


def has_line_break(*texts: str) -> bool:
    return any(len(f"{t}.".splitlines()) > 1 for t in texts)


def assert_one_line(error: DerivgenError, *inputs: str) -> None:
    """One message line (and a caret line for parse errors), the caret under its spot."""
    lines = error.lines()
    if not has_line_break(*inputs):
        assert "\n" not in error.message, error.message
    if isinstance(error, ParseError):
        assert len(lines) == 2
        assert 0 <= error.position <= len(error.text)
        column = lines[1].index("^")
        last = error.position + error.length - 1
        if last < len(error.text):
            assert _ends_at(lines[0], _shown(error.text[last]), column), (lines, column)
    else:
        assert len(lines) == 1


def _shown(char: str) -> str:
    """A character as a one-line message shows it: one a terminal acts on, hides or sizes as
    it likes (a control, a format, an unassigned or private code point) escaped (`\\x1b`)."""
    hidden = unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Cn", "Co"}
    return repr(char)[1:-1] if hidden else char


def _ends_at(line: str, shown: str, column: int) -> bool:
    """`shown` ends in `line` where the caret is, counted in a terminal's columns (wcwidth's):
    under its last column, or, for a zero-width mark, just after the character before it."""
    end_column = column if wcwidth.wcswidth(shown) == 0 else column + 1
    return any(
        line[:end].endswith(shown) and wcwidth.wcswidth(line[:end]) == end_column
        for end in range(1, len(line) + 1)
    )


def derive_or_fail_cleanly(equation: str, target: str, shapes: object = None) -> None:
    """derive() answers, or raises a one-line DerivgenError; running out of time is a hang."""
    try:
        derive(equation, target, shapes, time_limit=FUZZ_TIME_LIMIT)
    except TimeLimitError as hang:
        raise AssertionError(f"hang: {equation!r} {target!r} {shapes!r}") from hang
    except DerivgenError as error:
        assert_one_line(error, equation, target, *(shapes or ()))


texts = st.one_of(st.text(max_size=40), st.text(alphabet=ALPHABET, max_size=40))


def parse_or_fail_cleanly(parse, text: str) -> None:
    try:
        parse(text)
    except DerivgenError as error:
        assert_one_line(error, text)


@fuzz_settings(ci=400)
@given(texts)
def test_fuzz_parser_equations(text: str) -> None:
    parse_or_fail_cleanly(parse_equation, text)


@fuzz_settings(ci=300)
@given(texts)
def test_fuzz_parser_targets(text: str) -> None:
    parse_or_fail_cleanly(parse_target, text)


@fuzz_settings(ci=300)
@given(texts)
def test_fuzz_parser_shapes(text: str) -> None:
    parse_or_fail_cleanly(parse_shape, text)


@fuzz_settings(ci=400)
@given(mangled_problems())
def test_fuzz_near_miss_edits_through_derive(problem: tuple[str, str, list[str]]) -> None:
    derive_or_fail_cleanly(*problem)


@st.composite
def odd_targets_and_shapes(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """A valid equation with a random or edited target and random or edited shape strings."""
    equation, target, _ = draw(st.sampled_from(VALID))
    target = draw(st.one_of(near_misses(target), st.text(alphabet=ALPHABET, max_size=20)))
    shape_texts = st.one_of(
        st.sampled_from(["W=C,D", "x=1,D", "A=3,2", "X=2,4", "b=1,1"]).flatmap(near_misses),
        st.text(alphabet="WAXxbyC,D=0123456789 ", max_size=12),
    )
    return equation, target, draw(st.lists(shape_texts, max_size=3))


@fuzz_settings(ci=200)
@given(odd_targets_and_shapes())
def test_fuzz_targets_and_shape_strings_through_derive(
    problem: tuple[str, str, list[str]],
) -> None:
    derive_or_fail_cleanly(*problem)


@fuzz_settings(ci=25)
@given(problems(max_depth=2))
def test_fuzz_well_formed_problems_through_derive(problem: Problem) -> None:
    derive_or_fail_cleanly(problem.equation, problem.target, problem.declared)


@fuzz_settings(ci=150)
@given(mangled_problems(), st.sampled_from(["text", "json", "latex"]))
def test_fuzz_near_miss_command_lines_through_main(
    problem: tuple[str, str, list[str]], output_format: str
) -> None:
    equation, target, shapes = problem
    argv = ["derive", "--format", output_format, "--time-limit", str(FUZZ_TIME_LIMIT)]
    argv += [f"--shape={s}" for s in shapes] + ["--", equation, target]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    lines = err.getvalue().splitlines()
    assert "Traceback" not in err.getvalue()
    if status == 0:
        assert out.getvalue() and not lines
        return
    assert status == 2, (status, err.getvalue())
    assert lines and lines[0].startswith("error: "), lines
    assert "took longer than the time limit" not in lines[0], f"hang: {argv}"
    if not has_line_break(equation, target, *shapes):
        assert len(lines) <= 2, lines
        assert len(lines) == 1 or set(lines[1].strip()) <= {"~", "^"}, lines
