"""Each renderer's exact output for the note's examples, against golden files.

The golden files were read against the note when they were written; they change only through
`python tests/golden/update.py`, which shows the diff first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derivgen import derive
from tests.golden.cases import CASES, VIEWS
from tests.golden.key_tables import KEY_TABLES, key_tables

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("name", sorted(CASES))
def test_latex_matches_golden(name: str) -> None:
    equation, target, shapes = CASES[name]
    expected = (GOLDEN / f"{name}.tex").read_text(encoding="utf-8")
    assert derive(equation, target, shapes).to_latex() == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_matches_golden(name: str) -> None:
    equation, target, shapes = CASES[name]
    expected = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert derive(equation, target, shapes).to_text() == expected


@pytest.mark.parametrize("name", sorted(KEY_TABLES))
def test_key_answer_table_matches_golden(name: str) -> None:
    expected = (GOLDEN / f"{name}.tex").read_text(encoding="utf-8")
    assert key_tables(KEY_TABLES[name]) == expected


@pytest.mark.parametrize("name", sorted(VIEWS))
@pytest.mark.parametrize("suffix", ["tex", "txt"])
def test_views_match_golden(name: str, suffix: str) -> None:
    equation, target, shapes, views = VIEWS[name]
    derivation = derive(equation, target, shapes, views=views)
    rendered = derivation.to_latex() if suffix == "tex" else derivation.to_text()
    assert rendered == (GOLDEN / f"{name}.{suffix}").read_text(encoding="utf-8")
