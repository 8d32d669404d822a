"""The public Python interface: `derive(equation, target, shapes)` and the Derivation it returns.

This is the one place the stages meet: parse, shape, resolve the target, derive, verify; the
Derivation then renders itself through the renderers and the document builder on request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from derivgen.documents import build_derivation_pdf, derivation_document
from derivgen.errors import DerivgenError, ShapeError
from derivgen.model.inference import infer_shapes
from derivgen.model.target import resolve_target
from derivgen.parse import parse_equation, parse_shape, parse_target
from derivgen.parse.shapes import parse_dims
from derivgen.render.html import HtmlRenderer, derivation_html, page
from derivgen.render.json import as_dict
from derivgen.render.latex import latex, renderer
from derivgen.render.numpy_code import numpy_module
from derivgen.render.text import text
from derivgen.steps.assemble import LAYOUTS
from derivgen.steps.build import build
from derivgen.steps.kinds import Step
from derivgen.steps.views import VIEWS, check_views
from derivgen.time_limit import DEFAULT_SECONDS
from derivgen.time_limit import time_limit as limited
from derivgen.verify import Checked, Verification, verify

__all__ = ["LAYOUTS", "VIEWS", "Derivation", "derive"]

ShapeSpec = str | Sequence[int | str]
"""A declared shape: "C,D", "5,8", "1,D", or a (rows, cols) pair."""


@dataclass(frozen=True)
class Derivation:
    """A derivation that has been checked; renders as text, LaTeX, HTML, JSON or PDF.

    In Jupyter it shows itself whole (`_repr_html_`: every step, the layout, the check);
    `print(d)` is `to_text()` and `repr(d)` one line.
    """

    checked: Checked

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.checked.derived.steps

    @property
    def verification(self) -> Verification:
        return self.checked.verification

    def as_dict(self) -> dict[str, Any]:
        return as_dict(self.checked)

    def to_text(self, *, width: int = 80, ascii: bool = False) -> str:
        """Terminal text `width` columns wide; `ascii` for a terminal or log without Unicode."""
        return text(self.checked, width=width, ascii=ascii)

    def to_latex(self, *, standalone: bool = False) -> str:
        """A LaTeX fragment, or with `standalone` a complete document that compiles on its own."""
        fragment = latex(self.checked)
        return derivation_document([fragment]) if standalone else fragment

    def to_html(self, *, standalone: bool = False) -> str:
        """An HTML fragment (maths as LaTeX for MathJax), or with `standalone` a whole page
        that opens offline, MathJax inside."""
        fragment = derivation_html(self.checked)
        return page(self.title, fragment) if standalone else fragment

    @property
    def title(self) -> str:
        """`dy/dx for y = W x`: the problem as the user wrote it."""
        derived = self.checked.derived
        return f"{derived.target} for {derived.equation}"

    def to_pdf(self, destination: str | Path) -> Path:
        """Compile the derivation to a PDF at `destination`, replacing it only on success."""
        return build_derivation_pdf([latex(self.checked)], Path(destination))

    def to_numpy(self) -> str:
        """A Python module: NumPy code for the equation, f(...), and for the derivative, in
        the layout stated, with check_gradient() against central differences."""
        return numpy_module(self.checked)

    def question_latex(self) -> str:
        """The problem statement, as a worksheet would print it (LaTeX, inline maths)."""
        return renderer().question(self.checked)

    def question_html(self) -> str:
        """The problem statement as a worksheet page prints it (HTML, inline maths)."""
        return HtmlRenderer().question(self.checked)

    def answer_latex(self) -> str:
        """The final answer as display-maths LaTeX without delimiters, e.g. for \\boxed{}."""
        return renderer().answer(self.checked)

    def answers_latex(self) -> tuple[str, ...]:
        """Every form of the answer a key boxes (the result, then each view's own), each as
        display-maths LaTeX without delimiters; the first is answer_latex()."""
        return renderer().answers(self.checked)

    def _repr_latex_(self) -> str:
        """The results alone, as display maths (for front ends that show LaTeX, not HTML)."""
        return renderer().summary(self.checked)

    def _repr_html_(self) -> str:
        """Jupyter shows the whole derivation; its MathJax typesets the maths."""
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        """`<Derivation dy/dx of y = W x: 7 steps, checked>`; a Derivation exists only once
        `verify` has passed every line."""
        derived = self.checked.derived
        count = len(derived.steps)
        return (
            f"<Derivation {derived.target} of {derived.equation}: "
            f"{count} step{'s' if count != 1 else ''}, checked>"
        )


def declarations(shapes: Mapping[str, ShapeSpec] | Sequence[str] | None) -> dict:
    """Shape declarations from a mapping ({"W": "C,D"}) or the CLI's strings (["W=C,D"]).

    Anything else (a number, a bare string, a list holding None) is refused here, naming what
    was given, instead of failing deeper down with Python's own TypeError.
    """
    if shapes is None:
        return {}
    if isinstance(shapes, Mapping):
        parsed = [parse_dims(*_mapped_shape(name, spec)) for name, spec in shapes.items()]
    elif isinstance(shapes, Sequence) and not isinstance(shapes, str):
        parsed = [parse_shape(_listed_shape(text)) for text in shapes]
    else:
        raise ShapeError(
            f"shapes must be a mapping such as {{'W': 'C,D'}} or a list of strings such as "
            f"['W=C,D'], not {_type_name(shapes)}"
        )
    declared = {}
    for declaration in parsed:
        if declaration.name in declared:
            raise ShapeError(f"the shape of {declaration.name} is declared twice")
        declared[declaration.name] = declaration
    return declared


def _type_name(value: object) -> str:
    """`None`, `an int`, `a float`: what was given instead, for the message."""
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _mapped_shape(name: object, spec: object) -> tuple[str, str]:
    """One entry of a shapes mapping as the text `parse_dims` reads: ("W", "C,D")."""
    if not isinstance(name, str):
        raise ShapeError(f"a shape's name must be a string such as 'W', not {_type_name(name)}")
    if isinstance(spec, str):
        return name, spec
    dims_ok = isinstance(spec, Sequence) and all(
        isinstance(d, str) or (isinstance(d, int) and not isinstance(d, bool)) for d in spec
    )
    if not dims_ok:
        raise ShapeError(
            f"the shape of {name} must be a string such as 'C,D' or a pair such as (5, 'D'), "
            f"not {_type_name(spec)}"
        )
    return name, ",".join(map(str, spec))


def _listed_shape(text: object) -> str:
    if not isinstance(text, str):
        wanted = "a shape in a list must be a string such as 'W=C,D'"
        raise ShapeError(f"{wanted}, not {_type_name(text)}")
    return text


def _views(views: Sequence[str] | str | None) -> tuple[str, ...]:
    """ "index,vec" or ["index", "vec"] as a tuple of names, blanks dropped, repeats once."""
    if views is None:
        return ()
    if isinstance(views, str):
        views = views.split(",")
    if not isinstance(views, Sequence) or not all(isinstance(v, str) for v in views):
        raise DerivgenError("views must be given as strings, such as ['index', 'vec']")
    return tuple(dict.fromkeys(v.strip() for v in views if v.strip()))


def derive(
    equation: str,
    target: str,
    shapes: Mapping[str, ShapeSpec] | Sequence[str] | None = None,
    *,
    layout: str | None = None,
    views: Sequence[str] | str | None = (),
    time_limit: float | None = DEFAULT_SECONDS,
) -> Derivation:
    """Derive `target` (such as "dy[3]/dx[7]") for `equation` (such as "y = W x"), checked.

    `shapes` maps names to sizes ({"W": "C,D"}, {"x": (1, "D")}) or lists "NAME=DIMS" strings.
    `layout` is "numerator" or "denominator"; by default the note's arrangement (numerator for
    a column-vector output, denominator for a row-vector output, a scalar's gradient in the
    shape of the variable).
    `views` adds, to a derivative by a matrix, any of the math.SE thread's views: "index"
    (Kronecker deltas), "vec" (Kronecker products) and "backprop" (the outer product met
    when the output feeds a scalar loss); a list or a comma-separated string.
    `time_limit` is in seconds (None for none): past it, TimeLimitError (a DerivgenError)
    says that the derivation took too long.

    Raises DerivgenError, with a one-line message, for anything it cannot parse, shape, derive
    or verify.
    """
    if not isinstance(equation, str) or not isinstance(target, str):
        raise DerivgenError("the equation and the target must be strings")
    if layout is not None and layout not in LAYOUTS:
        raise DerivgenError(f"unknown layout {layout!r}: use {' or '.join(LAYOUTS)}")
    if time_limit is not None and (
        isinstance(time_limit, bool) or not isinstance(time_limit, int | float)
    ):
        raise DerivgenError(f"time_limit must be a number of seconds or None, not {time_limit!r}")
    with limited(time_limit, f"deriving {target!r} for {equation!r}"):
        return _derive(equation, target, shapes, layout, views)


def _derive(
    equation: str,
    target: str,
    shapes: Mapping[str, ShapeSpec] | Sequence[str] | None,
    layout: str | None,
    views: Sequence[str] | str | None,
) -> Derivation:
    parsed = parse_equation(equation)
    wanted = parse_target(target)
    shaped = infer_shapes(parsed, declarations(shapes))
    resolved = resolve_target(wanted, parsed, shaped)
    wanted_views = _views(views)
    check_views(wanted_views, shaped, resolved)
    derived = build(parsed, shaped, resolved, target, layout=layout, views=wanted_views)
    return Derivation(verify(parsed, shaped, derived))
