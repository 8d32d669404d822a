"""Worksheets and keys an instructor hands out as they are: maths in prompts, problems with
parts, room to work sized by the key, `--split`, `--paper`, and "page x of y" per variant."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from derivgen import derive
from derivgen.cli import main
from derivgen.documents import build_worksheets, read_spec_text
from derivgen.documents.worksheet import derive_all
from derivgen.documents.worksheet_problems import ROOM_CM, problems_context, room_cm
from derivgen.documents.worksheet_spec import SpecError
from derivgen.documents.worksheet_variants import draw_variants

PARTS = """
title = "Parts"
[[problem]]
prompt = "A layer `z = W x + b`; its loss `L` sends back `dL/dz`."
equation = "z = W x + b"
shapes = { W = "C,D" }
[problem.random]
sizes = { C = [2, 4], D = [4, 5] }
indices = { i = [1, 2], k = [3, 4] }
symbols = { W = ["A", "M"] }
[[problem.parts]]
target = "dz[i]/dx[k]"
points = 2
prompt = "One entry, by `x`."
[[problem.parts]]
target = "dz[i]/dW[i,k]"
points = 1.5
space = 3
"""


def spec_of(text: str, name: str = "set") -> object:
    return read_spec_text(text, Path(f"{name}.toml"), name)


def refusal(text: str) -> SpecError:
    with pytest.raises(SpecError) as refused:
        spec_of(text)
    return refused.value


def test_backticked_maths_is_typeset_with_the_letters_each_variant_draws() -> None:
    spec = spec_of(PARTS)
    variants = draw_variants(spec, 3, "0")
    solutions = derive_all(spec, variants, derive, jobs=1)
    for variant in variants:
        (problem,) = problems_context(variant, solutions)
        letter = dict(variant.problems[0].names)["W"]
        assert variant.problems[0].equation == f"z = {letter} x + b"
        assert problem["prompt"] == (
            rf"A layer $\vec{{z}} = {letter} \vec{{x}} + \vec{{b}}$; its loss $L$ sends back "
            r"$\partial L / \partial \vec{z}$."
        )
        assert problem["parts"][0]["prompt"] == r"One entry, by $\vec{x}$."
        assert "`" not in json.dumps(problem)


@pytest.mark.parametrize(
    ("prompt", "reason", "caret_under"),
    [
        ("Use `W x +` here.", "expected a name, a number or '(' but found end of input", "W x +"),
        ("Use `W ) x`.", "unexpected ')'", "W ) x"),
        ("Use `W x here.", "a backtick opens maths that no backtick closes", None),
    ],
)
def test_maths_that_does_not_parse_is_refused_with_the_field_and_a_caret(
    prompt: str, reason: str, caret_under: str | None
) -> None:
    error = refusal(
        PARTS.replace("A layer `z = W x + b`; its loss `L` sends back `dL/dz`.", prompt)
    )
    message, caret = error.lines()
    assert message.startswith("error: set.toml: problem 1 (\"z = W x + b\"): field 'prompt': ")
    assert reason in message
    shown = message.rsplit(": ", 1)[1]
    # The caret sits under the offending character of the text it quotes.
    assert len(caret) - 1 >= len(message) - len(shown)
    spot = caret.index("^") - (len(message) - len(shown))
    if caret_under == "W x +":
        assert shown == "W x +" and spot == len("W x +")
    elif caret_under == "W ) x":
        assert shown[spot] == ")"
    else:
        assert shown == prompt and shown[spot] == "`"


def test_maths_that_does_not_shape_under_a_drawn_letter_is_refused() -> None:
    text = PARTS.replace("its loss `L`", "its loss `x^T A`")
    error = refusal(text)
    assert "field 'prompt'" in error.message and "W drawn as A" in error.message


def test_parts_share_the_draws_and_each_has_its_target_points_and_room() -> None:
    spec = spec_of(PARTS)
    assert [(p.number, p.part, p.points, p.space) for p in spec.problems] == [
        (1, "a", 2, None),
        (1, "b", 1.5, 3.0),
    ]
    for variant in draw_variants(spec, 4, "7"):
        first, second = variant.problems
        assert first.equation == second.equation and first.shapes == second.shapes
        i, k = re.fullmatch(r"dz\[(\d+)\]/dx\[(\d+)\]", first.target).groups()
        # Index names the parts share are drawn once, and the letter drawn for W is one.
        letter = dict(first.names)["W"]
        assert second.target == f"dz[{i}]/d{letter}[{i},{k}]"
        assert first.names == second.names and letter in first.equation


def test_parts_are_refused_with_a_target_or_points_of_their_own_problem() -> None:
    with_target = PARTS.replace(
        'shapes = { W = "C,D" }', 'shapes = { W = "C,D" }\ntarget = "dz/dx"'
    )
    assert (
        "field 'target': a problem with parts gives each part its target"
        in refusal(with_target).message
    )
    bad_part = PARTS.replace("points = 1.5", "points = 0")
    assert refusal(bad_part).message.startswith(
        "set.toml: problem 1 (\"z = W x + b\"), part (b): field 'points'"
    )
    unknown = PARTS.replace("space = 3", "room = 3")
    assert "part (b): field 'room': unknown field" in refusal(unknown).message


def test_the_room_grows_with_the_key_and_the_spec_space_wins(tmp_path: Path) -> None:
    short = derive("y = W x", "dy[1]/dx[2]").to_latex()
    long = derive("f = W x", "df/dW", views=("index", "vec")).to_latex()
    assert ROOM_CM[0] <= room_cm(short) < room_cm(long) <= ROOM_CM[1]
    assert room_cm("") == ROOM_CM[0] and room_cm(r"\[ x \]" * 100) == ROOM_CM[1]
    spec = spec_of(PARTS)
    variants = draw_variants(spec, 1, "0")
    solutions = derive_all(spec, variants, derive, jobs=1)
    (problem,) = problems_context(variants[0], solutions)
    derived = solutions[variants[0].problems[0].key].derivation
    assert [part["space"] for part in problem["parts"]] == [f"{room_cm(derived):g}cm", "3cm"]


def test_split_writes_one_worksheet_per_variant_and_paper_sets_the_size(tmp_path: Path) -> None:
    spec = tmp_path / "hw.toml"
    spec.write_text(PARTS, encoding="utf-8")
    written = build_worksheets(
        spec, derive=derive, variants=2, output=tmp_path, tex_only=True, split=True, paper="a4"
    )
    assert [path.name for path in written] == [
        "hw-worksheet-A.tex",
        "hw-worksheet-B.tex",
        "hw-key.tex",
    ]
    for path, variant in zip(written, "AB", strict=False):
        source = path.read_text(encoding="utf-8")
        assert re.findall(r"\\startvariant\{(\w+)\}", source) == [variant]
        assert "paper=a4paper" in source
    key = written[-1].read_text(encoding="utf-8")
    assert re.findall(r"\\startvariant\{(\w+)\}", key) == ["A", "B"]
    assert (
        main(
            [
                "worksheet",
                str(spec),
                "--tex-only",
                "--split",
                "--variants",
                "2",
                "--paper",
                "letter",
                "-q",
                "-o",
                str(tmp_path / "l"),
            ]
        )
        == 0
    )
    assert sorted(path.name for path in (tmp_path / "l").iterdir()) == [
        "hw-key.tex",
        "hw-worksheet-A.tex",
        "hw-worksheet-B.tex",
    ]
    assert "paper=letterpaper" in (tmp_path / "l" / "hw-key.tex").read_text(encoding="utf-8")


def test_paper_goes_with_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "y = W x", "dy/dx", "--paper", "a4"]) == 2
    assert (
        capsys.readouterr().err
        == "error: --paper sizes a PDF: it goes with --format pdf, not text\n"
    )
    out = tmp_path / "d.tex"
    assert (
        main(
            [
                "derive",
                "y = W x",
                "dy/dx",
                "--tex-only",
                "--paper",
                "a4",
                "-q",
                "-o",
                str(tmp_path / "d.pdf"),
            ]
        )
        == 0
    )
    assert "paper=a4paper" in out.read_text(encoding="utf-8")


@pytest.mark.latex
def test_every_page_says_page_x_of_y_within_its_variant(tmp_path: Path) -> None:
    spec = tmp_path / "hw.toml"
    spec.write_text(PARTS.replace("space = 3", "space = 20"), encoding="utf-8")
    build_worksheets(spec, derive=derive, variants=2, output=tmp_path)
    for document in ("worksheet", "key"):
        footers = [
            re.search(r"[Vv]ariant ([A-Z]) · page (\d+) of (\d+)", page.extract_text())
            for page in PdfReader(tmp_path / f"hw-{document}.pdf").pages
        ]
        assert all(footers), document
        by_variant: dict[str, list[tuple[int, int]]] = {}
        for found in footers:
            by_variant.setdefault(found[1], []).append((int(found[2]), int(found[3])))
        assert sorted(by_variant) == ["A", "B"]
        for pages in by_variant.values():
            assert len(pages) > 1
            assert pages == [(n, len(pages)) for n in range(1, len(pages) + 1)]


EXAMPLES = Path(__file__).parent.parent / "examples"


def _indices(target: str) -> list[list[int]]:
    return [[int(i) for i in half.split(",")] for half in re.findall(r"\[([\d,]+)\]", target)]


def test_the_note_examples_give_every_variant_both_of_the_notes_cases() -> None:
    """Section 3: ∂y_i/∂W_{j,k} of y = x W is x_j when k = i and 0 otherwise; section 4:
    ∂Y_{i,j}/∂X_{l,k} of Y = X W is W_{k,j} in the same row (l = i) and 0 in another."""
    spec = spec_of((EXAMPLES / "note-examples.toml").read_text(encoding="utf-8"), "note")
    variants = draw_variants(spec, 3, "0")
    for variant in variants:
        parts = {(p.spec.number, p.spec.part): p for p in variant.problems}
        (i,), (_, k) = _indices(parts[4, "a"].target)
        assert k == i
        (i,), (_, k) = _indices(parts[4, "b"].target)
        assert k != i
        (i, _), (row, _) = _indices(parts[5, "a"].target)
        assert row == i
        (i, _), (row, _) = _indices(parts[5, "b"].target)
        assert row != i


@pytest.mark.parametrize("name", ["note-examples", "backprop-homework"])
def test_most_example_problems_differ_across_variants(name: str) -> None:
    spec = spec_of((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"), name)
    variants = draw_variants(spec, 3, "0")
    columns = zip(*(variant.problems for variant in variants), strict=True)
    varied = [len({(p.equation, p.target, p.shapes) for p in column}) > 1 for column in columns]
    assert sum(varied) > len(varied) * 3 / 4, varied
