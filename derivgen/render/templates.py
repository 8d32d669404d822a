"""The one place templates are found, and the Jinja2 environment that reads them.

Templates live in `templates/` at the top of a checkout and inside the package in a wheel
(pyproject's force-include); the packaged copy wins when both exist. Delimiters are
LaTeX-safe (`\\VAR{}`, `\\BLOCK{}`, `\\#{}`) and a missing variable is an error, never blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2

_PACKAGE = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """Where derivgen's own templates are, whether installed or run from a checkout."""
    packaged = _PACKAGE / "templates"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "templates"


def latex_environment(overrides: Sequence[Path] = ()) -> jinja2.Environment:
    """A Jinja2 environment for LaTeX; directories in `overrides` shadow templates by name."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*map(str, overrides), str(templates_dir())]),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        line_statement_prefix=None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )
