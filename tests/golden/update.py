"""Regenerate the golden files: shows the diff; writes only with --write.

python tests/golden/update.py            # show what would change
python tests/golden/update.py --write    # accept it
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from derivgen import derive
from tests.golden.cases import CASES, VIEWS
from tests.golden.key_tables import rendered_tables

HERE = Path(__file__).resolve().parent


def rendered() -> dict[Path, str]:
    files = {}
    every = {name: (*case, "") for name, case in CASES.items()} | VIEWS
    for name, (equation, target, shapes, views) in every.items():
        derivation = derive(equation, target, shapes, views=views)
        files[HERE / f"{name}.tex"] = derivation.to_latex()
        files[HERE / f"{name}.txt"] = derivation.to_text()
    files.update(rendered_tables(HERE))
    return files


def main() -> int:
    write = "--write" in sys.argv[1:]
    changed = 0
    for path, text in rendered().items():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old == text:
            continue
        changed += 1
        sys.stdout.writelines(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path.name} (golden)",
                tofile=f"{path.name} (now)",
            )
        )
        if write:
            path.write_text(text, encoding="utf-8")
    print(f"{changed} golden file(s) {'written' if write else 'differ'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
