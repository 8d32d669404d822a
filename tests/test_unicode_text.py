"""Unicode in a spec's printed text: maths characters become LaTeX maths that pdfLaTeX
compiles, accented letters stay, and anything else is refused when the spec is checked,
naming the field, rather than failing inside LaTeX."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from pypdf import PdfReader

from derivgen.cli import main
from derivgen.documents import SpecError, compile_pdf, derivation_document, read_spec
from derivgen.documents.article import plain_text
from derivgen.documents.latex_build import LatexError
from derivgen.documents.unicode_text import MATHS, first_untypesettable

SPEC = """title = "{title}"
[[problem]]
prompt = "{prompt}"
equation = "y = W x"
target = "dy/dx"
points = 1
"""
ACCENTED = "café, Straße, Łódź, naïve, Ærø, « » – — “ ” …"


def test_maths_characters_are_converted_and_others_refused_naming_the_field(tmp_path: Path) -> None:
    spec = tmp_path / "u.toml"
    spec.write_text(SPEC.format(title="∂L/∂W", prompt="σ(Wx)ᵀ"), encoding="utf-8")
    read_spec(spec)  # accepted
    spec.write_text(SPEC.format(title="ok", prompt="the set ℵ₀"), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        read_spec(spec)
    assert str(caught.value) == (
        f"{spec}: problem 1 (\"y = W x\"): field 'prompt': the character ℵ (U+2135) cannot be "
        "typeset in text: write maths in the equation, or spell it out"
    )
    spec.write_text(SPEC.format(title="日本", prompt=""), encoding="utf-8")
    with pytest.raises(SpecError, match=r"field 'title': the character 日 \(U\+65E5\)"):
        read_spec(spec)


def test_the_cli_refuses_it_with_status_2_before_any_tex(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "u.toml"
    spec.write_text(SPEC.format(title="ok", prompt="☃"), encoding="utf-8")
    assert main(["worksheet", str(spec), "--outdir", str(tmp_path / "out")]) == 2
    assert "field 'prompt': the character ☃ (U+2603)" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_ascii_and_latin_letters_are_kept_as_they_are() -> None:
    assert first_untypesettable(string.printable + ACCENTED) is None
    assert plain_text(ACCENTED) == ACCENTED
    assert plain_text("∂y") == r"\ensuremath{\partial}y"


@pytest.mark.latex
def test_every_converted_character_compiles_where_the_raw_one_does_not(tmp_path: Path) -> None:
    text = " ".join(MATHS) + " " + ACCENTED
    pdf = compile_pdf(derivation_document([plain_text(text)]), tmp_path / "all.pdf")
    extracted = PdfReader(pdf).pages[0].extract_text()
    assert "caf" in extracted and "Stra" in extracted
    # The control: the same text unconverted is what pdfLaTeX refuses.
    with pytest.raises(LatexError, match=r"LaTeX Error: Unicode character ∂ \(U\+2202\)"):
        compile_pdf(derivation_document([" ".join(MATHS)]), tmp_path / "raw.pdf")
