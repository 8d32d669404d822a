"""The answers-at-a-glance tables of example keys, kept as golden files (`KEY_TABLES`).

Each is the LaTeX of every variant's table, as `derivgen worksheet SPEC --variants 3` writes
it into the key (with `--tex-only`, so no TeX is needed to compare or update them).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from derivgen import derive
from derivgen.documents import build_worksheets

ROOT = Path(__file__).resolve().parents[2]
KEY_TABLES = {"key-table-note-examples": ROOT / "examples" / "note-examples.toml"}
"""Golden file name -> the spec whose key's tables it holds (3 variants, seed 0)."""
_TABLE = re.compile(r"^\\section\*\{Answers at a glance\}$.*?^\\end\{longtable\}\}$", re.M | re.S)


def key_tables(spec: Path) -> str:
    """Every variant's answers table in the key of `spec`, one after the other."""
    with tempfile.TemporaryDirectory() as directory:
        build_worksheets(
            spec, derive=derive, variants=3, seed="0", output=Path(directory), tex_only=True
        )
        source = (Path(directory) / f"{spec.stem}-key.tex").read_text(encoding="utf-8")
    return "\n".join(_TABLE.findall(source)) + "\n"


def rendered_tables(here: Path) -> dict[Path, str]:
    return {here / f"{name}.tex": key_tables(spec) for name, spec in KEY_TABLES.items()}
