"""Worksheets and keys compiled to real PDFs and read back with pypdf, through the library
and the CLI: what is on each, what is not, and that a failure keeps earlier outputs."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import sympy
from pypdf import PdfReader

from derivgen import derive
from derivgen.cli import main
from derivgen.documents import build_worksheets, read_spec
from derivgen.documents.worksheet import TemplateError
from derivgen.documents.worksheet_variants import Variant, draw_variants
from derivgen.errors import BuildError, DerivgenError
from tests.oracle import element, instance

pytestmark = pytest.mark.latex

SPEC = """
title = "Vector & matrix derivatives: 100% by hand"
course = "ML_101"
date = 2025-03-07
instructions = \"\"\"
Show every step.

Indices start at 1.
\"\"\"

[[problem]]
prompt = "Section 1 of the note."
equation = "y = W x"
target = "dy[i]/dx[j]"
shapes = { W = "C,D" }
points = 3
[problem.random]
indices = { i = [1, 9], j = [1, 9] }

[[problem]]
prompt = "Section 2: row vectors."
equation = "y = x W"
target = "dy[i]/dx[j]"
shapes = { x = "1,D", W = "D,C" }
points = 2
[problem.random]
indices = { i = [1, 9], j = [1, 9] }
symbols = { W = ["W", "A", "M"] }

[[problem]]
prompt = "Section 4: data points as rows."
equation = "Y = X W"
target = "dY[i,j]/dX[i,k]"
shapes = { X = "N,D", W = "D,C" }
points = 4
[problem.random]
sizes = { N = [2, 4], D = [3, 5], C = [3, 5] }
indices = ["i", "j", "k"]

[[problem]]
prompt = "The math.SE question."
equation = "f = W x"
target = "df/dW"
points = 1
"""
VARIANTS = 3
OUTPUTS = ("set-worksheet.pdf", "set-worksheet.tex", "set-key.pdf", "set-key.tex", "set-key.json")


def pages_by_variant(pdf: Path) -> dict[str, str]:
    """Each variant's text, its pages found by the variant id in their header."""
    texts: dict[str, list[str]] = defaultdict(list)
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        match = re.match(r".*?Variant ([A-Z]+)\n", text)
        assert match, f"a page without its variant id in the header: {text[:80]!r}"
        texts[match[1]].append(text)
    return {variant: "\n".join(pages) for variant, pages in texts.items()}


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        name: ((directory / name).read_bytes(), (directory / name).stat().st_mtime_ns)
        for name in OUTPUTS
    }


def expected_entry(equation: str, target: str, shapes: dict[str, str]) -> str:
    """The requested partial as the key prints it (`W4,9`), from explicit sympy matrices."""
    pattern = r"d\w+\[(?P<of>[\d,]+)\]/d(?P<by>\w+)\[(?P<at>[\d,]+)\]"
    parts = re.fullmatch(pattern, target)
    of_idx = tuple(map(int, parts["of"].split(",")))
    by, by_idx = parts["by"], tuple(map(int, parts["at"].split(",")))
    names = re.findall(r"\w+", equation.split("=")[1])
    size = max(*of_idx, *by_idx, 2)

    def dims(name: str) -> tuple[int, int]:
        declared = shapes.get(name)
        if declared is None:
            return (size, 1)
        return tuple(int(d) if d.isdigit() else size for d in declared.split(","))

    arrays = instance({name: dims(name) for name in names})
    left, right = (arrays[n] for n in names)
    truth = sympy.diff(element(left * right, of_idx), element(arrays[by], by_idx))
    name, row, col = str(truth).split("_")
    return f"{name}{row},{col}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[Variant, ...]]:
    directory = tmp_path_factory.mktemp("worksheets")
    spec = directory / "set.toml"
    spec.write_text(SPEC, encoding="utf-8")
    written = build_worksheets(
        spec, derive=derive, variants=VARIANTS, seed="11", output=directory / "out", jobs=2
    )
    assert [path.name for path in written] == list(OUTPUTS)
    return directory, draw_variants(read_spec(spec), VARIANTS, "11")


def test_every_page_of_the_worksheet_names_its_variant_and_every_problem_is_there(
    built: tuple[Path, tuple[Variant, ...]],
) -> None:
    directory, variants = built
    sheets = pages_by_variant(directory / "out" / "set-worksheet.pdf")
    assert list(sheets) == ["A", "B", "C"]
    for variant in variants:
        text = sheets[variant.id]
        assert text.count("Vector & matrix derivatives: 100% by hand") == 1
        assert "ML_101" in text and "2025-03-07" in text
        assert "Name:" in text and "Show every step." in text and "Indices start at 1." in text
        assert "Total: 10 points." in text
        for problem in variant.problems:
            assert f"Problem {problem.spec.number}." in text
            assert problem.spec.prompt in text
        assert "(3 points)" in text and "(1 point)" in text
        assert f"Variant {variant.id} · page 1" in text


def test_the_worksheet_holds_no_answers_and_the_key_every_answer(
    built: tuple[Path, tuple[Variant, ...]],
) -> None:
    directory, variants = built
    sheets = pages_by_variant(directory / "out" / "set-worksheet.pdf")
    keys = pages_by_variant(directory / "out" / "set-key.pdf")
    assert list(keys) == list(sheets)
    for variant in variants:
        sheet, key = sheets[variant.id], keys[variant.id]
        for absent in ("Answer", "Checked by derivgen", "Solution key", "dot product"):
            assert absent not in sheet
        assert f"Solution key, variant {variant.id}" in key
        answers = re.findall(r"Answer\.\n(.*?)(?=\nProblem \d|\nKey, variant|$)", key, re.S)
        assert len(answers) == len(variant.problems)
        for problem, answer in zip(variant.problems[:3], answers, strict=False):
            entry = expected_entry(problem.equation, problem.target, dict(problem.shapes))
            assert answer.endswith(f"= {entry}"), (problem.target, answer)
            assert entry not in sheet
            assert f"Problem {problem.spec.number} ({problem.spec.points:g} point" in key
        # the math.SE array, ∂f_i/∂W_jk = x_k δ_ij, then the shape the key states for it
        boxed, shape = answers[3].rsplit("\n", 1)
        assert boxed.endswith("δi,j") and shape == "∂⃗f/∂W is a C×C×D array."
        assert key.count("Checked by derivgen") == len(variant.problems)


def test_randomised_variants_differ_and_fixed_problems_do_not(
    built: tuple[Path, tuple[Variant, ...]],
) -> None:
    directory, variants = built
    keys = pages_by_variant(directory / "out" / "set-key.pdf")
    answers = {
        v: re.findall(r"Answer\.\n(.*?)(?=\nProblem \d|\nKey, variant|$)", text, re.S)
        for v, text in keys.items()
    }
    for column in range(3):
        assert len({answers[v.id][column] for v in variants}) == VARIANTS
    assert len({answers[v.id][3] for v in variants}) == 1


def test_the_same_seed_gives_the_same_files(
    built: tuple[Path, tuple[Variant, ...]], tmp_path: Path
) -> None:
    directory, _ = built
    build_worksheets(
        directory / "set.toml", derive=derive, variants=VARIANTS, seed="11", output=tmp_path, jobs=1
    )
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (directory / "out" / name).read_bytes(), name
    build_worksheets(
        directory / "set.toml", derive=derive, variants=VARIANTS, seed="12", output=tmp_path, jobs=1
    )
    for name in ("set-worksheet.pdf", "set-key.pdf"):
        again = pages_by_variant(tmp_path / name)
        assert again != pages_by_variant(directory / "out" / name)


BROKEN_WORKSHEET = r"""\BLOCK{for variant in variants}
\VAR{variant.marker}
\startvariant{\VAR{variant.id}}
\BLOCK{for problem in variant.problems}
\VAR{problem.marker}
Problem \VAR{problem.number}. \VAR{problem.question} \notamacro
\BLOCK{endfor}
\BLOCK{endfor}
"""


def test_a_template_with_a_latex_error_names_it_and_keeps_earlier_outputs(
    built: tuple[Path, tuple[Variant, ...]], tmp_path: Path
) -> None:
    directory, _ = built
    output = directory / "out"
    before = snapshot(output)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "worksheet.tex.j2").write_text(BROKEN_WORKSHEET, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build_worksheets(
            directory / "set.toml", derive=derive, seed="11", output=output, templates=templates
        )
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        f"{directory / 'set.toml'}: LaTeX failed on the worksheet, variant A, problem 1: "
        "Undefined control sequence. (line "
    )
    kept = (output / "set-worksheet.failed.tex", output / "set-worksheet.failed.log")
    assert message.endswith(rf"\notamacro); kept {kept[0]} and {kept[1]}")
    assert snapshot(output) == before
    assert sorted(p.name for p in output.iterdir()) == sorted([*OUTPUTS, *(k.name for k in kept)])
    line = int(re.search(r"\(line (\d+),", message)[1])
    assert r"\notamacro" in kept[0].read_text().splitlines()[line - 1]
    assert "Undefined control sequence" in kept[1].read_text()
    for path in kept:
        path.unlink()


def test_a_missing_package_is_named_not_the_emergency_stop_it_causes(
    built: tuple[Path, tuple[Variant, ...]], tmp_path: Path
) -> None:
    directory, _ = built
    (tmp_path / "preamble.tex.j2").write_text("\\usepackage{nosuch}\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(BuildError) as caught:
        build_worksheets(directory / "set.toml", derive=derive, output=out, templates=tmp_path)
    assert re.fullmatch(
        re.escape(f"{directory / 'set.toml'}: LaTeX failed on the worksheet, the preamble: ")
        + r"LaTeX Error: File `nosuch\.sty' not found\. \(line \d+, after \\begin\)"
        + re.escape(f"; kept {out / 'set-worksheet.failed.tex'} and {out / 'set-worksheet.failed.log'}"),
        str(caught.value),
    ), str(caught.value)
    assert {p.name for p in out.iterdir()} <= {
        f"set-{name}.failed.{suffix}" for name in ("worksheet", "key") for suffix in ("tex", "log")
    }


VIEWS_SPEC = """
title = "Views"

[[problem]]
prompt = "Backpropagation through a linear layer."
equation = "z = x W + b"
target = "dz/dW"
shapes = { x = "1,D" }
views = ["backprop"]
points = 2

[[problem]]
equation = "f = W x"
target = "df/dW"
views = ["vec", "index"]
points = 2
"""


def test_the_key_shows_each_problems_views_and_the_worksheet_none(tmp_path: Path) -> None:
    spec = tmp_path / "views.toml"
    spec.write_text(VIEWS_SPEC, encoding="utf-8")
    build_worksheets(spec, derive=derive, output=tmp_path, jobs=2)
    key = pages_by_variant(tmp_path / "views-key.pdf")["A"]
    # pypdf puts vector arrows (U+20D7) and breaks between the parts of a formula.
    flat = re.sub(r"\s|\u20d7", "", key)
    backprop, vectorised = flat.split("Problem2", 1)
    assert "View:backpropagation." in backprop and "∂L∂W=x⊤g,g=∂L∂z." in backprop
    assert "View:index" not in backprop and "View:vectorization" not in backprop
    # The views come in derivgen's order (index, vec), whatever the file's.
    assert vectorised.index("View:indexnotation.") < vectorised.index("View:vectorization.")
    assert "∂f∂vec(W)=x⊤⊗IC." in vectorised and "View:backpropagation" not in vectorised
    # each answer's boxes, and after them the shapes the key states (inline ∂…/∂…)
    answers = [
        re.sub(r"∂[^∂=]*/∂.*$", "", answer)
        for answer in re.findall(r"Answer\.(.*?)(?=Problem\d|Key,variant|$)", flat)
    ]
    # Each form a problem asks for is boxed: the backprop problem's entry and its outer
    # product ∂L/∂W, with what g is; the index notation (the general entry, boxed once) and
    # the vec view.
    assert [answer.split("=")[1:] for answer in answers] == [
        ["xjδi,k∂L∂W", "x⊤g,g", "∂L∂z"],
        ["xkδi,j∂f∂vec(W)", "x⊤⊗IC"],
    ]
    assert "View:" not in pages_by_variant(tmp_path / "views-worksheet.pdf")["A"]


def test_a_bad_spec_keeps_earlier_outputs(
    built: tuple[Path, tuple[Variant, ...]], tmp_path: Path
) -> None:
    directory, _ = built
    output = directory / "out"
    before = snapshot(output)
    bad = tmp_path / "set.toml"
    first = "indices = { i = [1, 9], j = [1, 9] }"
    bad.write_text(SPEC.replace(first, first + "\nsizes = { C = [2, 5] }", 1), encoding="utf-8")
    with pytest.raises(DerivgenError) as caught:
        build_worksheets(bad, derive=derive, output=output)
    assert str(caught.value) == (
        f"{bad}: problem 1 (\"y = W x\"): field 'random.indices': i may be drawn as 9, but it "
        "indexes an axis of size C (as small as 2)"
    )
    assert snapshot(output) == before


def test_a_course_template_overrides_one_document_by_name(
    built: tuple[Path, tuple[Variant, ...]], tmp_path: Path
) -> None:
    directory, _ = built
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "key.tex.j2").write_text(
        r"""\BLOCK{for variant in variants}
\startvariant{\VAR{variant.id}}
Our own key, variant \VAR{variant.id}.
\BLOCK{for problem in variant.problems}
\[ \boxed{\VAR{problem.answer}} \]
\BLOCK{endfor}
\BLOCK{endfor}
""",
        encoding="utf-8",
    )
    build_worksheets(
        directory / "set.toml",
        derive=derive,
        variants=2,
        seed="11",
        output=tmp_path,
        templates=templates,
    )
    key = PdfReader(tmp_path / "set-key.pdf").pages[0].extract_text()
    assert "Our own key, variant A." in key
    assert "Solution key" not in key
    assert "Problem 1." in PdfReader(tmp_path / "set-worksheet.pdf").pages[0].extract_text()


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "\\BLOCK{for v in variants}\\VAR{v.id}\n",
            "template key.tex.j2: line 1: Unexpected end of template. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'.",
        ),
        (
            "\\BLOCK{for v in variants}\\VAR{v.nope}\\BLOCK{endfor}\n",
            "template key.tex.j2: line 1: 'dict object' has no attribute 'nope'",
        ),
    ],
)
def test_a_template_jinja_cannot_read_is_one_line(
    built: tuple[Path, tuple[Variant, ...]], tmp_path: Path, template: str, message: str
) -> None:
    directory, _ = built
    (tmp_path / "key.tex.j2").write_text(template, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        build_worksheets(directory / "set.toml", derive=derive, output=tmp_path, templates=tmp_path)
    assert str(caught.value) == message
    assert not list(tmp_path.glob("*.pdf"))


def test_the_cli_builds_both_documents_quietly_off_a_terminal(
    built: tuple[Path, tuple[Variant, ...]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, _ = built
    status = main(
        [
            "worksheet",
            str(directory / "set.toml"),
            "-o",
            str(tmp_path),
            "--variants",
            "2",
            "--jobs",
            "1",
        ]
    )
    out, err = capsys.readouterr()
    assert status == 0
    assert out.splitlines() == [str(tmp_path / name) for name in OUTPUTS]
    assert err == ""  # no progress bar when standard error is not a terminal
    assert list(pages_by_variant(tmp_path / "set-worksheet.pdf")) == ["A", "B"]


@pytest.mark.parametrize(
    ("replace", "by", "line"),
    [
        (
            "points = 3",
            "",
            "problem 1 (\"y = W x\"): field 'points': missing: how many points the problem is worth",
        ),
        (
            "dy[i]/dx[j]",
            "dy[i]/dq[j]",
            "problem 1 (\"y = W x\"): field 'target': the target differentiates by q, which is not on the right-hand side (its symbols are W, x)",
        ),
        (
            'indices = ["i", "j", "k"]',
            "indices = { i = [1, 9], j = [1, 2], k = [1, 2] }",
            "problem 3 (\"Y = X W\"): field 'random.indices': i may be drawn as 9, but it indexes an axis of size N (as small as 2)",
        ),
    ],
)
def test_the_cli_reports_a_bad_spec_in_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replace: str, by: str, line: str
) -> None:
    spec = tmp_path / "set.toml"
    spec.write_text(SPEC.replace(replace, by), encoding="utf-8")
    assert main(["worksheet", str(spec), "-o", str(tmp_path / "out")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"error: {spec}: {line}\n"
    assert not (tmp_path / "out").exists()


def test_the_cli_reports_a_latex_failure_in_one_line_and_keeps_earlier_outputs(
    built: tuple[Path, tuple[Variant, ...]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory, _ = built
    output = directory / "out"
    before = snapshot(output)
    (tmp_path / "worksheet.tex.j2").write_text(BROKEN_WORKSHEET, encoding="utf-8")
    arguments = ["worksheet", str(directory / "set.toml"), "-o", str(output)]
    assert main([*arguments, "--templates", str(tmp_path), "--seed", "11"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "LaTeX failed on the worksheet, variant A, problem 1: Undefined control sequence." in err
    assert snapshot(output) == before
    for path in output.glob("*.failed.*"):
        path.unlink()
    assert main([*arguments, "--variants", "0"]) == 2
    assert capsys.readouterr().err == "error: --variants must be at least 1, not 0\n"
