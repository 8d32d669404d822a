"""The one place templates are found, and the Jinja2 environment that reads them.

Templates live in `templates/` at the top of a checkout and inside the package in a wheel
(pyproject's force-include); the packaged copy wins when both exist. Delimiters are
LaTeX-safe (`\\VAR{}`, `\\BLOCK{}`, `\\#{}`) and a missing variable is an error, never blank.

A course's templates are code from outside derivgen, so they run in Jinja2's sandbox: they
can fill in, loop over and filter what they are given and include each other, but not reach
Python's internals (`__class__`, `__globals__`, os.popen through them) or change the values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

_PACKAGE = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """Where derivgen's own templates are, whether installed or run from a checkout."""
    packaged = _PACKAGE / "templates"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "templates"


class _Utf8Loader(jinja2.FileSystemLoader):
    """FileSystemLoader whose undecodable file is a TemplateError naming that file (an
    included one, perhaps), not a UnicodeDecodeError from deep inside Jinja2."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as error:
            raise jinja2.TemplateError(
                f"{template} is not UTF-8 text (byte 0x{error.object[error.start]:02x} at "
                f"offset {error.start})"
            ) from None


def latex_environment(overrides: Sequence[Path] = ()) -> jinja2.Environment:
    """A sandboxed Jinja2 environment for LaTeX; directories in `overrides` shadow templates
    by name."""
    return ImmutableSandboxedEnvironment(
        loader=_Utf8Loader([*map(str, overrides), str(templates_dir())]),
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
