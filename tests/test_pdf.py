"""A derivation compiled to a real PDF, its text read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from derivgen import derive


@pytest.mark.latex
def test_section_1_derivation_compiles_and_reads_back(tmp_path: Path) -> None:
    path = derive("y = W x", "dy[3]/dx[7]").to_pdf(tmp_path / "d.pdf")
    reader = PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages)
    for phrase in (
        "Let",
        "dot product of row",
        "Remove the summation notation",
        "Going through the same process",
        "Checked by derivgen",
    ):
        assert phrase in text
    assert len(reader.pages) <= 2
    last = reader.pages[-1].extract_text()
    assert not last.lstrip().startswith("Checked by derivgen")  # never alone on a page


@pytest.mark.latex
def test_standalone_latex_is_a_whole_document(tmp_path: Path) -> None:
    source = derive("Y = X W", "dY/dX").to_latex(standalone=True)
    assert source.lstrip().startswith(r"\documentclass")
    assert r"\end{document}" in source
