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


@pytest.mark.latex
@pytest.mark.parametrize(
    ("equation", "target"),
    [("y = W_1 x", "dy/dx"), ("Y = X_a W_b", "dY/dW_b"), ("y = sigma(W_1 x_0)", "dy/dx_0")],
)
def test_a_name_with_an_underscore_was_a_double_subscript(
    equation: str, target: str, tmp_path: Path
) -> None:
    """The grammar takes W_1 as a name; its entries were printed W_{1}_{3,7}, which LaTeX
    refused (exit 3), and the slice of W_b in the compact form likewise."""
    derivation = derive(equation, target)
    out = derivation.to_pdf(tmp_path / "d.pdf")
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Checked by derivgen" in text
