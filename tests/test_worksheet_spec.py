"""Problem-set files: every bad field is one line naming the problem and the field; variants
are drawn by the seed alone, within the sizes, and differ where randomised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derivgen import DerivgenError, derive
from derivgen.documents.worksheet import derive_all
from derivgen.documents.worksheet_spec import SpecError, read_spec
from derivgen.documents.worksheet_variants import draw_variants, variant_id
from derivgen.errors import TargetError
from tests.oracle import check_entry

HEADER = 'title = "Week 1"\n'
PROBLEM = """
[[problem]]
equation = "y = W x"
target = "dy[i]/dx[j]"
shapes = { W = "C,D" }
points = 3
"""


def write(tmp_path: Path, text: str, name: str = "set.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(SpecError) as caught:
        read_spec(write(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message
    assert isinstance(caught.value, DerivgenError)
    return message.removeprefix(f"{tmp_path / 'set.toml'}: ")


def test_a_full_spec_reads_back(tmp_path: Path) -> None:
    spec = read_spec(
        write(
            tmp_path,
            """
title = "Week 1"
course = "ML 101"
date = 2025-03-07
instructions = "Show your work."
[[problem]]
prompt = "Section 1."
equation = "y = W x"
target = "dy[i]/dx[j]"
shapes = { W = "C,D", x = ["D", 1] }
points = 2.5
space = 4
[problem.random]
indices = { i = [1, 5], j = [2, 6] }
symbols = { W = ["W", "A"] }
""",
        )
    )
    assert (spec.name, spec.title, spec.course, spec.date) == (
        "set",
        "Week 1",
        "ML 101",
        "2025-03-07",
    )
    (problem,) = spec.problems
    assert problem.shapes == {"W": "C,D", "x": "D,1"}
    assert (problem.points, problem.space, problem.prompt) == (2.5, 4.0, "Section 1.")
    assert problem.random.indices == {"i": (1, 5), "j": (2, 6)}
    assert problem.random.symbols == {"W": ("W", "A")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PROBLEM, "field 'title': missing"),
        (HEADER, "field 'problem': missing: add at least one [[problem]] table"),
        (
            HEADER + 'colour = "red"\n' + PROBLEM,
            "field 'colour': unknown field (the fields are title, course, date, instructions, problem)",
        ),
        (
            HEADER + "problem = 3\n",
            "field 'problem': must be a list of tables, written [[problem]]",
        ),
        (
            HEADER + 'title2 = "x\n',
            "not valid TOML: Illegal character '\\n' (at line 2, column 12)",
        ),
        (
            HEADER + PROBLEM.replace("points = 3", ""),
            "problem 1 (\"y = W x\"): field 'points': missing: how many points the problem is worth",
        ),
        (
            HEADER + PROBLEM.replace("points = 3", "points = 0"),
            "problem 1 (\"y = W x\"): field 'points': must be a finite number more than 0, not 0",
        ),
        (
            HEADER + PROBLEM.replace("points = 3", "pionts = 3"),
            "problem 1 (\"y = W x\"): field 'pionts': unknown field (the fields are equation, target, shapes, layout, views, points, prompt, space, random, parts)",
        ),
        (
            HEADER + PROBLEM.replace('equation = "y = W x"\n', ""),
            "problem 1: field 'equation': missing",
        ),
        (
            HEADER + PROBLEM.replace("y = W x", "y = W x +"),
            "problem 1 (\"y = W x +\"): field 'equation': expected a name, a number or '(' but found end of input: y = W x +",
        ),
        (
            HEADER + PROBLEM.replace("dy[i]/dx[j]", "dy/dq"),
            "problem 1 (\"y = W x\"): field 'target': the target differentiates by q, which is not on the right-hand side (its symbols are W, x)",
        ),
        (
            HEADER + PROBLEM.replace("dy[i]/dx[j]", "dy[1,2]/dx"),
            "problem 1 (\"y = W x\"): field 'target': y is a vector (C, 1), so it takes one index, but the target gives 2",
        ),
        (
            HEADER + PROBLEM.replace('"C,D"', '"C,0"'),
            "problem 1 (\"y = W x\"): field 'shapes': a dimension must be at least 1: W=C,0",
        ),
        (
            HEADER + PROBLEM.replace('W = "C,D"', 'W = "C,D", x = "E,1"'),
            'problem 1 ("y = W x"): field \'shapes\': shape mismatch in "W x": W is (C, D) but x is (E, 1)',
        ),
        (
            HEADER + PROBLEM + PROBLEM.replace("points = 3", 'points = "3"'),
            "problem 2 (\"y = W x\"): field 'points': must be a finite number more than 0, not '3'",
        ),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, text: str, message: str) -> None:
    assert error_of(tmp_path, text) == message


@pytest.mark.parametrize(
    ("random", "message"),
    [
        ("seed = 3", "field 'random.seed': unknown field (the fields are indices, sizes, symbols)"),
        (
            "indices = { k = [1, 3] }",
            "field 'random.indices': k is not an index name of the target dy[i]/dx[j]",
        ),
        (
            "indices = { i = [3, 1] }",
            "field 'random.indices': i: a range is [low, high], 1 <= low <= high",
        ),
        (
            'indices = ["i", "j"]',
            "field 'random.indices': i runs over C, which has no value: give i a range (i = [1, 9]) or draw C under random.sizes",
        ),
        (
            "sizes = { E = [2, 3] }",
            "field 'random.sizes': E is not a size name in 'shapes' (declare it, as in W = \"E,D\")",
        ),
        (
            'symbols = { V = ["A", "B"] }',
            "field 'random.symbols': V is not a symbol of the equation (its symbols are y, W, x)",
        ),
        (
            'symbols = { W = ["A", "b"] }',
            "field 'random.symbols': W: b must be uppercase like W (the case says vector or matrix)",
        ),
        (
            'symbols = { W = ["A", "C"] }',
            "field 'random.symbols': W: C is already a symbol, size or index name of the problem",
        ),
        (
            'symbols = { W = ["A", "x"] }',
            "field 'random.symbols': W: x must be uppercase like W (the case says vector or matrix)",
        ),
        (
            'symbols = { W = ["A"], x = ["u"], y = ["u"] }',
            "field 'random.symbols': y: u is also drawn for x",
        ),
        (
            'symbols = { W = ["A", "1B"] }',
            "field 'random.symbols': W: '1B' is not a symbol name LaTeX prints as typed: use "
            "letters and digits",
        ),
    ],
)
def test_bad_randomisation_is_named(tmp_path: Path, random: str, message: str) -> None:
    text = HEADER + PROBLEM + "[problem.random]\n" + random + "\n"
    assert error_of(tmp_path, text) == 'problem 1 ("y = W x"): ' + message


@pytest.mark.parametrize(
    ("target", "random", "message"),
    [
        (
            "dy[i]/dx[j]",
            "sizes = { C = [2, 4] }\nindices = { i = [1, 6], j = [1, 3] }",
            "field 'random.indices': i may be drawn as 6, but it indexes an axis of size C (as small as 2)",
        ),
        (
            "dy[5]/dx[2]",
            "sizes = { C = [3, 6] }",
            "field 'random.sizes': C may be drawn as 3, but the target's index 5 of y runs over C",
        ),
    ],
)
def test_an_index_out_of_range_after_randomisation_is_refused_before_drawing(
    tmp_path: Path, target: str, random: str, message: str
) -> None:
    text = HEADER + PROBLEM.replace("dy[i]/dx[j]", target) + "[problem.random]\n" + random + "\n"
    assert error_of(tmp_path, text) == 'problem 1 ("y = W x"): ' + message


def test_an_index_out_of_a_concrete_size_is_refused(tmp_path: Path) -> None:
    text = (
        HEADER + PROBLEM.replace('"C,D"', '"4,5"') + "[problem.random]\nindices = { i = [1, 5] }\n"
    )
    assert error_of(tmp_path, text) == (
        "problem 1 (\"y = W x\"): field 'random.indices': i may be drawn as 5, but it indexes "
        "an axis of size 4"
    )


MATRIX_PROBLEM = """
[[problem]]
equation = "z = x W + b"
target = "dz/dW"
shapes = { x = "1,D" }
points = 3
"""


def test_layout_and_views_read_back_in_the_order_derive_shows_the_views(tmp_path: Path) -> None:
    text = (
        HEADER + MATRIX_PROBLEM + 'layout = "numerator"\nviews = ["backprop", "index", "index"]\n'
    )
    (problem,) = read_spec(write(tmp_path, text)).problems
    assert (problem.layout, problem.views) == ("numerator", ("index", "backprop"))
    (plain,) = read_spec(write(tmp_path, HEADER + MATRIX_PROBLEM)).problems
    assert (plain.layout, plain.views) == (None, ())


@pytest.mark.parametrize(
    ("equation", "target", "fields", "message"),
    [
        (
            "y = W x",
            "dy/dx",
            'layout = "row"',
            "field 'layout': unknown layout 'row': use numerator or denominator",
        ),
        (
            "y = W x",
            "dy/dx",
            "layout = 1",
            "field 'layout': unknown layout 1: use numerator or denominator",
        ),
        (
            "y = W x",
            "dy/dW",
            'views = "index,vec"',
            'field \'views\': must be a list of strings such as ["index", "vec"]',
        ),
        (
            "y = W x",
            "dy/dW",
            'views = ["index", "tensor"]',
            "field 'views': unknown view 'tensor': use index, vec, backprop",
        ),
        (
            "y = W x",
            "dy[i]/dx[j]",
            'views = ["index"]',
            "field 'views': the views (index) are of a derivative by a matrix, but x is not a "
            "matrix",
        ),
        (
            "y = W x",
            "dy/dW",
            'views = ["vec", "backprop"]\nshapes = { W = "1,D" }',
            "field 'views': the views (vec, backprop) are of a derivative by a matrix, but W is "
            "not a matrix",
        ),
        (
            "s = a^T X b",
            "ds/dX",
            'views = ["backprop"]',
            "field 'views': the backprop view sums against the gradient of a scalar loss, but s "
            "is already a scalar: its derivative is that gradient",
        ),
    ],
)
def test_bad_layouts_and_views_are_named(
    tmp_path: Path, equation: str, target: str, fields: str, message: str
) -> None:
    text = f'{HEADER}[[problem]]\nequation = "{equation}"\ntarget = "{target}"\npoints = 1\n'
    assert error_of(tmp_path, text + fields + "\n") == f'problem 1 ("{equation}"): {message}'


def test_problems_that_differ_only_in_views_are_derived_apart(tmp_path: Path) -> None:
    text = (
        HEADER
        + MATRIX_PROBLEM
        + MATRIX_PROBLEM
        + 'views = ["backprop"]\n'
        + MATRIX_PROBLEM
        + 'views = ["index", "vec"]\nlayout = "numerator"\n'
    )
    spec = read_spec(write(tmp_path, text))
    variants = draw_variants(spec, 2, "0")
    # In worker processes, which receive derive by name and pass it the keywords.
    solutions = derive_all(spec, variants, derive, jobs=2)
    plain, backprop, both = (solutions[p.key] for p in variants[0].problems)
    assert len(solutions) == 3
    assert "View:" not in plain.derivation
    assert "View: backpropagation" in backprop.derivation
    assert r"\vec{x}^{\,\top} \vec{g}" in backprop.derivation
    assert "View: index notation" in both.derivation and "View: vectorization" in both.derivation
    assert "View: backpropagation" not in both.derivation
    assert plain.answer == both.answer
    # The backprop problem boxes ∂L/∂W as a second form beside the same derivative.
    assert backprop.answers[0] == plain.answer and len(backprop.answers) == 2
    assert backprop.answers[1].startswith(r"\frac{\partial L}{\partial W} = ")
    assert r"\vec{x}^{\,\top} \vec{g}" in backprop.answers[1]


def test_the_layout_reaches_derive(tmp_path: Path) -> None:
    problem = (
        '[[problem]]\nequation = "y = x W"\ntarget = "dy/dx"\nshapes = { x = "1,D" }\npoints = 1\n'
    )
    text = HEADER + problem + problem + 'layout = "numerator"\n'
    spec = read_spec(write(tmp_path, text))
    (variant,) = draw_variants(spec, 1, "0")
    solutions = derive_all(spec, (variant,), derive, jobs=1)
    note, numerator = (solutions[p.key].answer for p in variant.problems)
    assert note.endswith("= W") and numerator.endswith(r"= W^{\top}")


def test_a_size_that_may_be_drawn_as_1_and_leave_no_matrix_to_view_is_refused(
    tmp_path: Path,
) -> None:
    text = HEADER + PROBLEM.replace("dy[i]/dx[j]", "dy/dW") + 'views = ["index"]\n'
    text += "[problem.random]\nsizes = { C = [1, 3] }\n"
    assert error_of(tmp_path, text) == (
        "problem 1 (\"y = W x\"): field 'views': the views (index) are of a derivative by a "
        "matrix, but W is not a matrix when C = 1, which random.sizes may draw"
    )
    (problem,) = read_spec(write(tmp_path, text.replace("[1, 3]", "[2, 3]"))).problems
    assert problem.views == ("index",)


def test_a_view_derive_refuses_is_blamed_on_the_views(tmp_path: Path) -> None:
    text = HEADER + PROBLEM.replace("y = W x", "y = W^T x").replace("dy[i]/dx[j]", "dy/dW")
    text += 'views = ["vec"]\n[problem.random]\nsymbols = { W = ["A"] }\n'
    spec = read_spec(write(tmp_path, text))
    with pytest.raises(SpecError) as caught:
        derive_all(spec, draw_variants(spec, 1, "0"), derive, jobs=1)
    # Without the views, the same problem derives: the refusal is the vec view's.
    assert str(caught.value).startswith(
        f"{spec.path}: problem 1 (\"y = W^T x\"): field 'views': variant A (W as A): "
        "derivgen cannot write ∂vec(y)/∂vec(A) as Kronecker products"
    )


RANDOMISED = (
    HEADER
    + """
[[problem]]
equation = "y = W x"
target = "dy[i]/dx[j]"
shapes = { W = "C,D" }
points = 1
[problem.random]
indices = { i = [1, 9], j = [1, 9] }
symbols = { W = ["W", "A", "M"] }

[[problem]]
equation = "Y = X W"
target = "dY[i,j]/dX[i,k]"
shapes = { X = "N,D", W = "D,C" }
points = 2
[problem.random]
sizes = { N = [2, 4], D = [3, 5], C = [3, 6] }
indices = ["i", "j", "k"]

[[problem]]
equation = "f = W x"
target = "df/dW"
points = 3
"""
)


def test_variants_are_fixed_by_the_seed_and_differ_where_randomised(tmp_path: Path) -> None:
    spec = read_spec(write(tmp_path, RANDOMISED))
    first = draw_variants(spec, 6, "7")
    assert first == draw_variants(spec, 6, "7")
    assert first != draw_variants(spec, 6, "8")
    assert [v.id for v in first] == ["A", "B", "C", "D", "E", "F"]
    for column in (0, 1):
        keys = [variant.problems[column].key for variant in first]
        assert len(set(keys)) == len(keys)
    assert {variant.problems[2].key for variant in first} == {("f = W x", "df/dW", (), None, ())}
    # Adding variants leaves the earlier ones as they were.
    assert draw_variants(spec, 3, "7") == first[:3]


def test_indices_drawn_within_the_sizes_stay_in_range(tmp_path: Path) -> None:
    spec = read_spec(write(tmp_path, RANDOMISED))
    for variant in draw_variants(spec, 40, "0"):
        problem = variant.problems[1]
        shapes = dict(problem.shapes)
        rows, depth = (int(n) for n in shapes["X"].split(","))
        _, cols = (int(n) for n in shapes["W"].split(","))
        i, j, i_again, k = (int(n) for n in re.findall(r"\d+", problem.target))
        assert i == i_again
        assert 1 <= i <= rows and 1 <= j <= cols and 1 <= k <= depth


def test_renamed_symbols_change_everywhere(tmp_path: Path) -> None:
    text = (
        HEADER
        + """
[[problem]]
equation = "y = x W"
target = "dy[i]/dW[j,k]"
shapes = { x = "1,D", W = "D,C" }
points = 1
[problem.random]
indices = { i = [1, 4], j = [1, 4], k = [1, 4] }
symbols = { W = ["M"], x = ["u"] }
"""
    )
    (variant,) = draw_variants(read_spec(write(tmp_path, text)), 1, "0")
    (problem,) = variant.problems
    assert problem.equation == "y = u M"
    assert re.fullmatch(r"dy\[\d\]/dM\[\d,\d\]", problem.target)
    assert problem.shapes == (("u", "1,D"), ("M", "D,C"))
    assert problem.drawn.startswith("W as M, x as u, i = ")


def test_drawn_entries_agree_with_an_independent_derivative(tmp_path: Path) -> None:
    spec = read_spec(write(tmp_path, RANDOMISED))
    for variant in draw_variants(spec, 4, "3"):
        problem = variant.problems[0]
        letter = re.match(r"y = (\w) x", problem.equation)[1]
        i, j = (int(n) for n in re.findall(r"\d+", problem.target))
        result = derive(*problem.key[:2], dict(problem.key[2])).as_dict()
        assert result["entry"] == f"{letter}[{i}, {j}]"
        check_entry(
            result,
            lambda a, w=letter: a[w] * a["x"],
            {"C": 9, "D": 9},
            "y",
            (i,),
            "x",
            (j,),
        )


def test_variant_ids_run_past_z() -> None:
    assert [variant_id(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def refuse_large_indices(
    equation: str, target: str, shapes: dict[str, str], *, layout: str | None, views: list[str]
):
    """A stand-in for derive() that refuses any index above 5, as a sized target would."""
    if any(int(n) > 5 for n in re.findall(r"\d+", target)):
        raise TargetError("index out of range")
    return derive(equation, target, shapes, layout=layout, views=views)


def test_a_refused_variant_names_the_problem_field_and_draws(tmp_path: Path) -> None:
    spec = read_spec(write(tmp_path, RANDOMISED))
    variants = draw_variants(spec, 4, "3")
    with pytest.raises(SpecError) as caught:
        derive_all(spec, variants, refuse_large_indices, jobs=1)
    first = next(
        (v, p)
        for v in variants
        for p in v.problems
        if any(int(n) > 5 for n in re.findall(r"\d+", p.target))
    )
    variant, problem = first
    assert str(caught.value) == (
        f'{spec.path}: problem {problem.spec.number} ("{problem.spec.equation}"): '
        f"field 'target': variant {variant.id} ({problem.drawn}): index out of range"
    )


def test_worker_processes_give_the_same_derivations(tmp_path: Path) -> None:
    spec = read_spec(write(tmp_path, RANDOMISED))
    variants = draw_variants(spec, 2, "0")
    steps = []
    alone = derive_all(spec, variants, derive, jobs=1, advance=lambda: steps.append(1))
    assert derive_all(spec, variants, derive, jobs=2) == alone
    # Each distinct problem is derived once: two variants of two randomised problems plus
    # the one fixed problem they share.
    assert len(alone) == len(steps) == 5
    fixed = alone[variants[0].problems[2].key]
    assert all(isinstance(text, str | tuple) for text in vars(fixed).values())
    assert all(isinstance(form, str) for form in fixed.answers)
