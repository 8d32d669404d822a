"""The CLI in-process: the formats, where files go, and that a failure keeps earlier files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import derivgen
from derivgen import derive
from derivgen.cli import main


def test_text_is_the_default(capsys) -> None:
    assert main(["derive", "y = W x", "dy[3]/dx[7]"]) == 0
    out = capsys.readouterr().out
    assert out == derive("y = W x", "dy[3]/dx[7]").to_text()
    assert all(len(line) <= 80 for line in out.splitlines())


def test_json_has_exactly_the_public_fields(capsys) -> None:
    assert main(["derive", "y = W x", "dy[3]/dx[7]", "--shape", "W=C,D", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "equation",
        "target",
        "shapes",
        "entry",
        "general",
        "of_index",
        "by_index",
        "matrix",
        "matrix_index",
        "steps",
        "intermediates",
        "verified",
        "derivgen_version",
    ]
    assert data["derivgen_version"] == derivgen.__version__
    assert data["verified"] is True
    assert [s["kind"] for s in data["steps"]] == [
        "shapes",
        "component",
        "expand",
        "differentiate",
        "isolate",
        "generalize",
        "assemble",
    ]
    assert all(set(s) == {"kind", "latex", "claims"} for s in data["steps"])


def test_output_file_is_written_and_replaced(tmp_path: Path, capsys) -> None:
    path = tmp_path / "d.tex"
    assert main(["derive", "y = W x", "dy[3]/dx[7]", "--format", "latex", "-o", str(path)]) == 0
    assert path.read_text() == derive("y = W x", "dy[3]/dx[7]").to_latex()
    assert capsys.readouterr().out.strip() == str(path)


def test_a_failed_run_leaves_the_earlier_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "d.txt"
    path.write_text("earlier")
    assert main(["derive", "y = W x", "dy[0]/dx[7]", "-o", str(path)]) == 2
    assert path.read_text() == "earlier"


@pytest.mark.latex
def test_pdf_goes_to_output_by_default(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["derive", "y = W x", "dy[3]/dx[7]", "--format", "pdf"]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.parent == Path("output") and written.suffix == ".pdf"
    assert written.read_bytes().startswith(b"%PDF")
