"""The example specs' keys, built with three variants and read back from the PDF: no page
starts inside a sentence or a display, and every answer of the answers-at-a-glance table is
a result its own derivation reaches (not only the box under it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from derivgen import derive
from derivgen.documents import build_worksheets

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.toml"))
_LABEL = re.compile(r"^(\d+(?: \([a-z]\))?) ")
"""A row of the answers table starts with its problem (and part), such as `4 (a)`."""
_CONTINUATION = re.compile(r"^[a-z]{2,}\b(?!\()")
"""A page that starts with a lowercase word (`we have`, `so`, `where`) continues a sentence;
`tr(` or `diag(` would start a display."""


def _flat(text: str) -> str:
    """Text without white space or vector arrows, which pypdf places between the pieces of
    a formula wherever the fonts change."""
    return re.sub(r"\s|\u20d7", "", text)


def _body(page: str) -> list[str]:
    """A key page's lines without its running header and footer."""
    lines = [line for line in page.splitlines() if line.strip()]
    return [line for line in lines if "Solution key" not in line and "Key, variant" not in line]


def _table_rows(page: str) -> list[list[str]]:
    """The answers table of a variant's first page: each row's right-hand sides, read from
    every line of it that holds an `=` (one line per boxed form)."""
    table = page.split("Problem Answer Points", 1)[1].split("\nTotal", 1)[0]
    rows: list[list[str]] = []
    for line in table.strip().splitlines():
        if _LABEL.match(line):
            rows.append([])
        if "=" in line:
            rhs = line.rsplit("=", 1)[1]
            rows[-1].append(re.sub(r"\s\d+(\.\d+)?$", "", rhs.strip()))
    return rows


@pytest.mark.latex
@pytest.mark.parametrize("spec", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_example_keys_break_cleanly_and_their_answers_are_derived(
    spec: Path, tmp_path: Path
) -> None:
    build_worksheets(spec, derive=derive, variants=3, output=tmp_path)
    pages = [page.extract_text() for page in PdfReader(tmp_path / f"{spec.stem}-key.pdf").pages]
    for number, page in enumerate(pages, start=1):
        first = _body(page)[0]
        assert not first.startswith("="), f"page {number} starts inside a display: {first!r}"
        assert not _CONTINUATION.match(first), f"page {number} continues a sentence: {first!r}"
    starts = [n for n, page in enumerate(pages) if "Answers at a glance" in page]
    assert len(starts) == 3
    for start, end in zip(starts, [*starts[1:], len(pages)], strict=True):
        rows = _table_rows(pages[start])
        derivations = "\n".join(pages[start + 1 : end]).split("Answer.")[:-1]
        # One derivation per row of the table, in the same order; each form's right-hand
        # side is an equation's right-hand side in the derivation before its box.
        assert len(rows) == len(derivations) > 0
        for forms, derivation in zip(rows, derivations, strict=True):
            assert forms, "a row of the answers table without an answer"
            for rhs in forms:
                assert _flat("=" + rhs) in _flat(derivation), (rhs, derivation[-300:])
