"""Documents and PDF builds: real LaTeX runs, error messages, shell escape off, atomic files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from derivgen.documents import (
    build_derivation_pdf,
    compile_pdf,
    derivation_document,
    first_latex_error,
    move_atomically,
    write_atomically,
)
from derivgen.documents import files as files_module
from derivgen.documents.latex_build import TexNotFoundError
from derivgen.errors import BuildError

PARTIAL = r"\[ \frac{\partial \vec{y}_{3}}{\partial \vec{x}_{7}} = W_{3,7} \]"
SENTENCE = "The matrix entry is the whole answer."


def _pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --- the document source (no LaTeX needed) -------------------------------------------------


def test_document_holds_the_fragments_in_order_with_the_preamble() -> None:
    source = derivation_document([PARTIAL, SENTENCE, "Last."])
    assert source.startswith("\\documentclass[11pt]{article}")
    for line in [
        "\\usepackage[T1]{fontenc}",
        "\\usepackage{lmodern}",
        "\\geometry{margin=2.5cm}",
        "\\usepackage{amsmath}",
        "\\usepackage{amssymb}",
        "\\usepackage{mathtools}",
        "\\allowdisplaybreaks",
    ]:
        assert line in source
    assert "lastpage" not in source
    assert "\\maketitle" not in source
    body = source.split("\\begin{document}", 1)[1]
    assert body.index(PARTIAL) < body.index(SENTENCE) < body.index("Last.")
    assert body.count("\\bigskip") == 2
    assert "\\begin{center}" not in body


def test_the_title_is_escaped_and_centered() -> None:
    source = derivation_document([SENTENCE], title="a_b % & # $ \\ end")
    assert (
        "\\begin{center}\\Large\\bfseries a\\_b \\% \\& \\# \\$ \\textbackslash{} end\\end{center}"
        in source
    )
    assert derivation_document([SENTENCE], title="  ") == derivation_document([SENTENCE])


# --- error extraction (canned logs, no LaTeX needed) ----------------------------------------

CANNED_LOG = """\
This is pdfTeX, Version 3.141592653-2.6-1.40.24 (TeX Live 2022/Debian) (preloaded format=pdflatex)
LaTeX Font Info:    Trying to load font information for T1+lmr on input line 14.
(./derivation.aux)
./derivation.tex:17: Undefined control sequence.
l.17 Before \\undefinedmacro
                            {} after.
./derivation.tex:21: Missing $ inserted.
! Another message.
"""


def test_first_error_is_reduced_to_line_and_message() -> None:
    assert first_latex_error(CANNED_LOG) == "line 17: Undefined control sequence."


def test_an_error_in_a_package_file_keeps_its_line_and_message() -> None:
    log = "(/usr/share/texlive/texmf-dist/tex/latex/foo/foo.sty\n"
    log += "/usr/share/texlive/texmf-dist/tex/latex/foo/foo.sty:123: LaTeX Error: Bad thing.\n"
    assert first_latex_error(log) == "line 123: LaTeX Error: Bad thing."


def test_without_file_line_errors_the_first_bang_line_counts() -> None:
    log = "Some text\n! Emergency stop.\n<*> derivation.tex\n! Later error.\n"
    assert first_latex_error(log) == "Emergency stop."


MISSING_PACKAGE_LOG = """\
(/usr/share/texlive/texmf-dist/tex/latex/base/size11.clo))
! LaTeX Error: File `nosuch.sty' not found.

Type X to quit or <RETURN> to proceed,
or enter new name. (Default extension: sty)

Enter file name:
./derivation.tex:3: Emergency stop.
<read *>

l.3 \\begin
          {document}^^M
./derivation.tex:3:  ==> Fatal error occurred, no output PDF file produced!
"""


def test_the_first_error_counts_whichever_its_form() -> None:
    # A missing package is printed `! message`, before the `Emergency stop` it causes.
    assert first_latex_error(MISSING_PACKAGE_LOG) == "LaTeX Error: File `nosuch.sty' not found."


def test_a_clean_log_has_no_error() -> None:
    assert first_latex_error("") is None
    assert first_latex_error("Output written on derivation.pdf (1 page, 1234 bytes).\n") is None


def test_a_missing_tex_is_named_with_the_way_out(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(TexNotFoundError) as caught:
        compile_pdf(derivation_document([SENTENCE]), tmp_path / "out.pdf")
    assert str(caught.value) == (
        "latexmk and pdflatex were not found: install TeX (Debian or Ubuntu: the README's "
        "set-up command; macOS: brew install --cask mactex-no-gui; Windows: MiKTeX or TeX "
        "Live), or use --tex-only to write the .tex without compiling it"
    )
    assert list(tmp_path.iterdir()) == []


# --- real builds ----------------------------------------------------------------------------


@pytest.mark.latex
def test_a_small_document_compiles_and_reads_back(tmp_path) -> None:
    destination = tmp_path / "nested" / "dir" / "derivation.pdf"
    assert build_derivation_pdf([PARTIAL, SENTENCE], destination) == destination
    pages, text = _pdf_text(destination)
    assert pages == 1
    assert SENTENCE in text
    assert "W3,7" in text.replace(" ", "")
    assert _leftovers(destination.parent) == []
    assert sorted(p.name for p in destination.parent.iterdir()) == ["derivation.pdf"]


@pytest.mark.latex
def test_a_title_full_of_special_characters_compiles(tmp_path) -> None:
    title = "Gradient of y_i = 100% & #3 at $5 \\ done"
    destination = tmp_path / "titled.pdf"
    build_derivation_pdf([PARTIAL, SENTENCE], destination, title=title)
    pages, text = _pdf_text(destination)
    assert pages == 1
    assert title in text
    assert SENTENCE in text


@pytest.mark.latex
def test_an_undefined_macro_names_its_line_and_keeps_the_earlier_file(tmp_path) -> None:
    fragments = [PARTIAL, "Before \\undefinedmacro{} after."]
    source = derivation_document(fragments)
    line = next(
        number
        for number, text in enumerate(source.splitlines(), start=1)
        if "\\undefinedmacro" in text
    )
    destination = tmp_path / "derivation.pdf"
    earlier = b"%PDF-1.5 an earlier build, kept byte for byte\n"
    destination.write_bytes(earlier)

    with pytest.raises(BuildError) as caught:
        build_derivation_pdf(fragments, destination)

    kept_tex, kept_log = tmp_path / "derivation.failed.tex", tmp_path / "derivation.failed.log"
    assert str(caught.value) == (
        f"LaTeX failed: line {line}: Undefined control sequence. (kept {kept_tex} and {kept_log})"
    )
    assert "\\undefinedmacro" in caught.value.log
    assert "This is pdfTeX" in caught.value.log
    assert destination.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "derivation.failed.log",
        "derivation.failed.tex",
        "derivation.pdf",
    ]
    # The line the message names is the failing one of the kept source.
    assert "\\undefinedmacro" in kept_tex.read_text().splitlines()[line - 1]
    assert kept_log.read_text() == caught.value.log


@pytest.mark.latex
def test_a_failed_first_build_leaves_only_its_evidence_and_a_success_removes_it(tmp_path) -> None:
    source = derivation_document(["\\begin{align} x \\end{alig}"])
    with pytest.raises(BuildError, match=r"^LaTeX failed: line \d+: "):
        compile_pdf(source, tmp_path / "a.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.failed.log", "a.failed.tex"]
    assert (tmp_path / "a.failed.tex").read_text() == source
    compile_pdf(derivation_document([SENTENCE]), tmp_path / "a.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


@pytest.mark.latex
@pytest.mark.parametrize(
    "write",
    ["\\write18{touch {target}}", "\\immediate\\write18{touch {target}}"],
    ids=["write18", "immediate-write18"],
)
def test_shell_escape_is_off(tmp_path, monkeypatch, write) -> None:
    target = tmp_path / "pwned"
    # Even an rc file that turns shell escape on must not be read.
    rc = "$pdflatex = 'pdflatex -shell-escape -interaction=nonstopmode %S';\n"
    (tmp_path / ".latexmkrc").write_text(rc, encoding="utf-8")
    (tmp_path / "config" / "latexmk").mkdir(parents=True)
    (tmp_path / "config" / "latexmk" / "latexmkrc").write_text(rc, encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)

    fragment = write.replace("{target}", str(target)) + "\nShell escape stays off."
    destination = tmp_path / "out.pdf"
    build_derivation_pdf([fragment], destination)

    assert not target.exists()
    assert "Shell escape stays off." in _pdf_text(destination)[1]


@pytest.mark.latex
def test_tex_cannot_write_outside_its_directory(tmp_path) -> None:
    target = tmp_path / "written.txt"
    fragment = (
        f"\\newwrite\\out\\immediate\\openout\\out={target}"
        "\\immediate\\write\\out{hello}\\immediate\\closeout\\out Done."
    )
    # openout_any=p refuses the absolute path; pdflatex reports it and halts.
    with pytest.raises(BuildError, match=r"^LaTeX failed: line \d+: I can't write on file"):
        build_derivation_pdf([fragment], tmp_path / "out.pdf")
    assert not target.exists()


@pytest.mark.latex
def test_a_build_that_never_ends_times_out(tmp_path) -> None:
    started = time.monotonic()
    with pytest.raises(BuildError) as caught:
        compile_pdf(derivation_document(["\\def\\x{\\x}\\x"]), tmp_path / "out.pdf", timeout=3)
    assert str(caught.value) == (
        "LaTeX failed: latexmk took longer than 3 seconds (DERIVGEN_LATEX_TIMEOUT sets the "
        f"limit) (kept {tmp_path / 'out.failed.tex'} and {tmp_path / 'out.failed.log'})"
    )
    assert time.monotonic() - started < 60
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.failed.log", "out.failed.tex"]


# --- atomic files (no LaTeX needed) ---------------------------------------------------------


def test_write_atomically_writes_text_and_bytes_and_creates_directories(tmp_path) -> None:
    text_path = tmp_path / "a" / "b" / "out.tex"
    write_atomically(text_path, "∂y/∂x\n")
    assert text_path.read_text(encoding="utf-8") == "∂y/∂x\n"
    write_atomically(text_path, b"\x00\x01")
    assert text_path.read_bytes() == b"\x00\x01"
    assert _leftovers(text_path.parent) == []


def test_a_new_file_gets_ordinary_permissions_and_an_old_one_keeps_its_own(tmp_path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        write_atomically(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old", encoding="utf-8")
        kept.chmod(0o600)
        write_atomically(kept, "new")
        assert kept.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_write_atomically_keeps_the_old_file_when_writing_fails(
    tmp_path, monkeypatch, failing
) -> None:
    path = tmp_path / "out.pdf"
    path.write_bytes(b"old contents")

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files_module.os, failing, fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, b"new contents that never arrive")
    monkeypatch.undo()

    assert path.read_bytes() == b"old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_move_atomically_moves_across_directories(tmp_path) -> None:
    src = tmp_path / "build" / "job.pdf"
    src.parent.mkdir()
    src.write_bytes(b"%PDF new")
    dst = tmp_path / "output" / "result.pdf"
    move_atomically(src, dst)
    assert dst.read_bytes() == b"%PDF new"
    assert not src.exists()
    assert _leftovers(dst.parent) == []


def test_move_atomically_keeps_the_destination_when_the_source_is_missing(tmp_path) -> None:
    dst = tmp_path / "result.pdf"
    dst.write_bytes(b"earlier")
    with pytest.raises(FileNotFoundError):
        move_atomically(tmp_path / "missing.pdf", dst)
    assert dst.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.pdf"]
