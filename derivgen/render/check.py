"""A checked answer as text, LaTeX, HTML and JSON: the verdict, the counterexample, the derivation.

Only formatting: every number and shape arrives computed in the Report.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy
from pylatex.utils import escape_latex

from derivgen.answers.judge import Counterexample, Judgement
from derivgen.answers.report import Report
from derivgen.model.indexing import indexed
from derivgen.model.shapes import Dim
from derivgen.render.html import derivation_html, display_maths, maths
from derivgen.render.json import as_dict
from derivgen.render.latex import latex
from derivgen.render.printers import to_json, to_latex, to_text
from derivgen.render.text import text


def number(value: Any) -> str:
    """An exact number as written (7, -3/4); a 50-digit one to 20 digits."""
    if isinstance(value, int | Fraction):
        return str(value)
    if isinstance(value, mpmath.ctx_mp_python.mpnumeric):  # any context's mpf or mpc
        return mpmath.nstr(value, 20)
    return str(value)


def shape_text(shape: tuple[Dim, ...]) -> str:
    return "×".join(to_text(sympy.sympify(d)) for d in shape)


def _partial(report: Report, indices: tuple | None, printer: Callable) -> str:
    """∂f/∂W for the whole target, or the partial at `indices`."""
    problem = report.problem
    t = problem.target
    if indices is None:
        of = sympy.Symbol(t.of) if not t.of_given else indexed(t.of, problem.of_shape, t.of_indices)
        by = sympy.Symbol(t.by) if not t.by_given else indexed(t.by, problem.by_shape, t.by_indices)
    else:
        split = len(problem.of_shape.axes)
        of = indexed(t.of, problem.of_shape, indices[:split])
        by = indexed(t.by, problem.by_shape, indices[split:])
    return printer(sympy.Derivative(of, by, evaluate=False))


def _general(report: Report, printer: Callable) -> str:
    """∂fᵢ/∂Wⱼ,ₖ: the partial an index formula is claimed for."""
    return _partial(report, report.problem.requested, printer)


def transposed(answer: str) -> str:
    """The answer transposed, as the user would write it."""
    stripped = answer.strip()
    if stripped.isidentifier():
        return f"{stripped}^T"
    if stripped.endswith("^T") and stripped[:-2].strip().isidentifier():
        return stripped[:-2].strip()
    return f"({stripped})^T"


def _verdict(report: Report, partial: str, general: str, number_of: Callable) -> str:
    j = report.judgement
    layout = "" if j.layout is None else f" in the {j.layout} layout"
    if j.reason == "right":
        if report.form == "formula":
            names = ", ".join(
                str(n)
                for n, i in zip(report.problem.names, report.problem.requested, strict=True)
                if not i.is_Integer
            )
            return f"Right: the answer is {general}" + (f" for every {names}." if names else ".")
        return f"Right: the answer is {partial}{layout}."
    if j.reason == "layout":
        note = "" if report.layout is not None else " (the note's arrangement)"
        return (
            f"Right up to the layout: this is the {j.answer_layout} layout; the {j.layout} "
            f"layout{note} is {transposed(report.answer)}."
        )
    if j.reason == "shape":
        if j.detail is not None:
            return f"Wrong shape: {j.detail}."
        assert j.expected_shape is not None
        assert j.answer_shape is not None
        if len(j.expected_shape) > 2:
            names = ", ".join(str(n) for n in report.problem.names)
            return (
                f"Wrong shape: the answer is {shape_text(j.answer_shape)}, but {partial} has "
                f"{len(j.expected_shape)} axes ({shape_text(j.expected_shape)}), so no matrix "
                f"is it; an index formula in {names} (--general) can say every entry."
            )
        return (
            f"Wrong shape: the answer is {shape_text(j.answer_shape)}, but {partial} is "
            f"{shape_text(j.expected_shape)}{layout}."
        )
    c = j.counterexample
    assert c is not None
    at = _partial(report, c.indices, number_of)
    formula = f"{number_of(c.formula)} = " if c.formula is not None else ""
    matrix = c.position is not None and 1 not in (j.answer_shape or (1,))
    where = f" (row {c.position[0]}, column {c.position[1]})" if matrix and c.position else ""
    return (
        f"Wrong: at {at}{where} the answer gives {formula}{number(c.claimed)}, but the "
        f"derivative is {number(c.true)}."
    )


def _renumbered(report: Report, printer: Callable) -> str | None:
    """Which entry of the small instance the counterexample's partial is, when the problem's
    indices are larger than the instance (∂y₉/∂x₂ on a 3×4 instance); else None."""
    c = report.judgement.counterexample
    if c is None or c.landed is None or c.landed == c.indices:
        return None
    return (
        f"The instance is small, so its entries are numbered anew: "
        f"{_partial(report, c.indices, printer)} is its {_partial(report, c.landed, printer)}."
    )


def _method(j: Judgement) -> str | None:
    if j.arithmetic is None:
        return None
    counts: dict[str, int] = {}
    for sizes in j.instances:
        key = ", ".join(f"{k} = {v}" for k, v in sizes.items()) or "the sizes given"
        counts[key] = counts.get(key, 0) + 1
    where = " and ".join(f"{n} on {key}" for key, n in counts.items())
    how = "exact rational arithmetic" if j.arithmetic == "exact" else "50-digit arithmetic"
    return (
        f"Judged by evaluation, not by comparing strings: {how} at {len(j.instances)} random "
        f"points ({where})."
    )


def _rows(array: np.ndarray) -> list[list[str]]:
    return [[number(v) for v in row] for row in array]


def _values(c: Counterexample) -> list[tuple[str, list[list[str]]]]:
    return [(name, _rows(array)) for name, array in sorted(c.values.items())]


def _inline(rows: list[list[str]]) -> str:
    """[1, 2; 3, 4], one semicolon per row, as numerical software writes a matrix."""
    return "[" + "; ".join(", ".join(row) for row in rows) + "]"


def _the_point(sizes: str) -> str:
    """`The point (C = 3, D = 4)`, or `The point` alone for a problem whose sizes are all
    numbers (a worksheet's drawn variant), which has no size symbols to give."""
    return f"The point ({sizes})" if sizes else "The point"


def report_text(report: Report) -> str:
    """The verdict, the counterexample's point and the derivation of its entry, as text."""
    j = report.judgement
    lines = [
        f"Check: {_partial(report, None, to_text)} for {report.equation}",
        f"Answer: {report.answer}"
        + (
            f"   (an index formula for {_general(report, to_text)})"
            if report.form == "formula"
            else ""
        ),
        "",
        _verdict(report, _partial(report, None, to_text), _general(report, to_text), to_text),
    ]
    c = j.counterexample
    if c is not None:
        sizes = ", ".join(f"{k} = {v}" for k, v in c.sizes.items())
        lines += ["", f"{_the_point(sizes)}:"]
        lines += [f"    {name} = {_inline(rows)}" for name, rows in _values(c)]
        renumbered = _renumbered(report, to_text)
        if renumbered:
            lines += [renumbered]
    method = _method(j)
    if method:
        lines += ["", method]
    if report.derivation is not None:
        lines += ["", f"Why: the derivation of {report.entry}", "", text(report.derivation)]
    elif report.derivation_error is not None:
        lines += ["", f"(derivgen cannot derive {report.entry}: {report.derivation_error})"]
    return "\n".join(lines).rstrip() + "\n"


def _latex_matrix(rows: list[list[str]]) -> str:
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def report_summary(report: Report) -> str:
    """The verdict alone, as LaTeX (what Jupyter shows)."""
    verdict = _verdict(
        report,
        f"${_partial(report, None, to_latex)}$",
        f"${_general(report, to_latex)}$",
        lambda e: f"${to_latex(e)}$",
    )
    return _escaped(verdict)


def _escaped(verdict: str) -> str:
    """The verdict with its prose (the user's answer included) escaped and its maths kept."""
    pieces = verdict.split("$")
    return "".join(f"${p}$" if n % 2 else escape_latex(p) for n, p in enumerate(pieces))


def report_latex(report: Report) -> str:
    """The verdict, the point and the derivation of the entry, as a LaTeX fragment."""
    j = report.judgement
    parts = [
        rf"\noindent\textbf{{Check}}: ${_partial(report, None, to_latex)}$ for "
        rf"\texttt{{{escape_latex(report.equation)}}}, "
        rf"answer \texttt{{{escape_latex(report.answer)}}}.",
        "",
        report_summary(report),
    ]
    c = j.counterexample
    if c is not None:
        sizes = ", ".join(f"${k} = {v}$" for k, v in c.sizes.items())
        arrays = ",\\quad ".join(f"{name} = {_latex_matrix(rows)}" for name, rows in _values(c))
        parts += ["", f"{_the_point(sizes)}:", rf"\[ {arrays} \]"]
        renumbered = _renumbered(report, lambda e: f"${to_latex(e)}$")
        if renumbered:
            parts += [_escaped(renumbered)]
    method = _method(j)
    if method:
        parts += ["", escape_latex(method)]
    if report.derivation is not None:
        parts += [
            "",
            rf"\medskip\noindent\textbf{{Why}}: the derivation of "
            rf"\texttt{{{escape_latex(report.entry or '')}}}.",
            "",
            latex(report.derivation),
        ]
    elif report.derivation_error is not None:
        parts += [
            "",
            escape_latex(f"(derivgen cannot derive {report.entry}: {report.derivation_error})"),
        ]
    return "\n".join(parts) + "\n"


def report_html(report: Report) -> str:
    """The verdict, the point and the derivation of the entry, as an HTML fragment."""
    j = report.judgement
    verdict = _verdict(
        report,
        f"${_partial(report, None, to_latex)}$",
        f"${_general(report, to_latex)}$",
        lambda e: f"${to_latex(e)}$",
    )
    said = "".join(
        maths(p) if n % 2 else html.escape(p, quote=False)
        for n, p in enumerate(verdict.split("$"))
    )
    parts = [
        f"<p><strong>Check</strong>: {maths(_partial(report, None, to_latex))} for "
        f"<code>{html.escape(report.equation)}</code>, answer "
        f"<code>{html.escape(report.answer)}</code>.</p>",
        f'<p class="verdict">{said}</p>',
    ]
    c = j.counterexample
    if c is not None:
        sizes = ", ".join(maths(f"{k} = {v}") for k, v in c.sizes.items())
        arrays = ",\\quad ".join(f"{name} = {_latex_matrix(rows)}" for name, rows in _values(c))
        parts += [f"<p>The point ({sizes}):</p>", display_maths(rf"\[ {arrays} \]")]
    method = _method(j)
    if method:
        parts.append(f"<p>{html.escape(method, quote=False)}</p>")
    if report.derivation is not None:
        entry = html.escape(report.entry or "")
        parts += [
            f"<p><strong>Why</strong>: the derivation of <code>{entry}</code>.</p>",
            derivation_html(report.derivation),
        ]
    elif report.derivation_error is not None:
        failed = f"(derivgen cannot derive {report.entry}: {report.derivation_error})"
        parts.append(f"<p>{html.escape(failed, quote=False)}</p>")
    return '<div class="derivgen check">\n' + "\n".join(parts) + "\n</div>"


def _shape(shape: tuple[Dim, ...] | None) -> list[int | str] | None:
    return None if shape is None else [d if isinstance(d, int) else str(d) for d in shape]


def report_dict(report: Report) -> dict[str, Any]:
    """The public JSON of a check: verdict, reason, counterexample and the derivation."""
    j = report.judgement
    c = j.counterexample
    counter: Mapping[str, Any] | None = None
    if c is not None:
        counter = {
            "entry": report.entry,
            "indices": list(c.indices),
            "position": None if c.position is None else list(c.position),
            "formula": None if c.formula is None else to_json(c.formula),
            "claimed": number(c.claimed),
            "true": number(c.true),
            "instance": {
                "sizes": dict(c.sizes),
                "values": dict(_values(c)),
                "indices": None if c.landed is None else list(c.landed),
            },
        }
    return {
        "equation": report.equation,
        "target": report.target,
        "answer": report.answer,
        "form": report.form,
        "correct": j.correct,
        "reason": j.reason,
        "layout": j.layout,
        "answer_layout": j.answer_layout,
        "expected_shape": _shape(j.expected_shape),
        "answer_shape": _shape(j.answer_shape),
        "detail": j.detail,
        "message": _verdict(
            report, _partial(report, None, to_text), _general(report, to_text), to_text
        ),
        "method": None
        if j.arithmetic is None
        else {
            "arithmetic": j.arithmetic,
            "points": len(j.instances),
            "instances": list(j.instances),
        },
        "counterexample": counter,
        "derivation": None if report.derivation is None else as_dict(report.derivation),
        "derivation_error": report.derivation_error,
    }
