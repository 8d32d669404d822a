"""The LaTeX renderer: one template per step kind, filled in by the note's expression printer.

Filters only print (an expression, a written-out sum, a matrix of cells, a list of index
equalities); every fact they print was decided by the engine.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

import jinja2
import sympy

from derivgen.render.printers import to_latex
from derivgen.render.prose import arrangement as layout_clause
from derivgen.render.prose import check_sentence, condition_sides, describe, listing, rule_names
from derivgen.render.templates import latex_environment
from derivgen.steps.kinds import AssembleStep, Dots, Part, Slice, Step, Term
from derivgen.steps.views import VIEWS
from derivgen.verify import Checked

_DOTS = {Dots.LOW: r"\dots", Dots.ACROSS: r"\cdots", Dots.DOWN: r"\vdots", Dots.DIAGONAL: r"\ddots"}
_DIMENSIONS = {3: "three-dimensional", 4: "four-dimensional"}
_SIGNS = {"=": "=", "→": r"\to"}


def tex(value: Term | sympy.Basic) -> str:
    """An expression, or an elision's dots."""
    return _DOTS[value] if isinstance(value, Dots) else to_latex(value)


def terms(items: Iterable[Term]) -> str:
    """`a + b + \\dots + c`, with a leading minus sign folded into the operator."""
    out = ""
    for item in items:
        printed = tex(item)
        if not out:
            out = printed
        elif printed.startswith("-"):
            out += " - " + printed[1:].lstrip()
        else:
            out += " + " + printed
    return out


def matrix(grid: Sequence[Sequence[Term]]) -> str:
    rows = (" & ".join(tex(cell) for cell in row) for row in grid)
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def partial(of: sympy.Basic, by: sympy.Basic) -> str:
    return rf"\frac{{\partial {tex(of)}}}{{\partial {tex(by)}}}"


def slashed(of: sympy.Basic, by: sympy.Basic) -> str:
    """`∂y_3/∂x_7` on one line, for headings, where a fraction would be too small to read."""
    return rf"\partial {tex(of)} / \partial {tex(by)}"


def sliced(symbol: sympy.Basic, indices: Sequence[sympy.Symbol | None]) -> str:
    """`Y_{i,:}` for a matrix held at one row; `\\vec{y}_{i}` for a vector held at one entry."""
    shown = ",".join(":" if i is None else tex(i) for i in indices)
    return f"{tex(symbol)}_{{{shown}}}"


def _math(value: sympy.Basic) -> str:
    return f"${tex(value)}$"


def describe_all(symbols: Iterable[sympy.MatrixSymbol]) -> str:
    return listing(
        [describe(s, _math, lambda r, c: rf"${tex(r)} \times {tex(c)}$") for s in symbols]
    )


def dot_product(parts: Iterable[Part]) -> str:
    named = []
    scalars = []
    for part in parts:
        symbol = f"${to_latex(sympy.Symbol(part.name))}$"
        if part.axis == "scalar":
            scalars.append(symbol)
        elif part.axis == "vector":
            named.append(rf"the vector $\vec{{{to_latex(sympy.Symbol(part.name))}}}$")
        else:
            named.append(f"{part.axis} ${tex(part.index)}$ of {symbol}")
    text = "the dot product of " + listing(named)
    return text + (", scaled by " + listing(scalars) if scalars else "")


def inequalities(pairs: Iterable[tuple[sympy.Expr, sympy.Expr]]) -> str:
    return listing([rf"${tex(a)} \neq {tex(b)}$" for a, b in pairs])


def equalities(pairs: Iterable[tuple[sympy.Expr, sympy.Expr]]) -> str:
    return listing([f"${tex(replaced)} = {tex(kept)}$" for kept, replaced in pairs])


def conditions(pairs: Iterable[tuple[sympy.Expr, sympy.Expr]], negated: bool = False) -> str:
    """`$k = i$` (or `$k \\neq i$`) for each (held, wanted) pair, as `condition_sides` orders it."""
    sign = r"\neq" if negated else "="
    sides = (condition_sides(*pair) for pair in pairs)
    return listing([f"${tex(a)} {sign} {tex(b)}$" for a, b in sides])


def deltas(pairs: Iterable[tuple[sympy.Expr, sympy.Expr]]) -> str:
    """The Kronecker delta of each (held, wanted) pair, as the result writes it."""
    return listing([f"${tex(sympy.KroneckerDelta(*pair))}$" for pair in pairs])


def ranges(items: Iterable[tuple[sympy.Symbol, sympy.Basic]]) -> str:
    return listing([rf"${tex(i)} = 1, \dots, {tex(sympy.sympify(n))}$" for i, n in items])


def index_list(indices: Iterable[sympy.Basic]) -> str:
    return ",".join(tex(i) for i in indices)


def arrangement(step: AssembleStep | Slice) -> str:
    """The arrangement clause for an assembled matrix or a slice (both carry a layout)."""
    return layout_clause(step.layout, step.row_index, step.col_index, _math)


def _number(value: float) -> str:
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


class LatexRenderer:
    """Renders a checked derivation as a LaTeX fragment, one template per step kind."""

    def __init__(self, overrides: Sequence[Path] = ()) -> None:
        self.environment = latex_environment(overrides)
        self.environment.filters.update(
            tex=tex,
            terms=terms,
            matrix=matrix,
            describe_all=describe_all,
            dot_product=dot_product,
            inequalities=inequalities,
            equalities=equalities,
            conditions=conditions,
            deltas=deltas,
            ranges=ranges,
            index_list=index_list,
            arrangement=arrangement,
            dimensional=lambda n: _DIMENSIONS.get(n, f"{n}-dimensional"),
            rule_names=rule_names,
        )
        self.environment.globals.update(partial=partial, slashed=slashed, sliced=sliced)

    def step(self, step: Step) -> str:
        """One step through `templates/steps/<kind>.tex.j2`; a kind without one is an error."""
        try:
            template = self.environment.get_template(f"steps/{step.kind}.tex.j2")
        except jinja2.TemplateNotFound as missing:
            raise NotImplementedError(f"no LaTeX template for step kind {step.kind!r}") from missing
        return template.render(step=step).strip()

    def fragment(self, checked: Checked) -> str:
        derived, verification = checked.derived, checked.verification
        statement = derived.statement
        checked_sentence = check_sentence(
            dict(verification.sizes),
            verification.arithmetic,
            f"${_number(verification.max_error)}$",
            lambda name, sign, value: f"${name} {_SIGNS[sign]} {value}$",
        )
        return self.environment.get_template("derivation.tex.j2").render(
            heading=slashed(derived.of, derived.by),
            equation=f"{tex(statement.output)} = {tex(statement.rhs)}",
            steps=[self.step(s) for s in derived.steps],
            checked=checked_sentence,
        )

    def question(self, checked: Checked) -> str:
        """The problem as a sentence: the equation, the sizes and the derivative asked for."""
        derived = checked.derived
        statement = derived.statement
        return (
            self.environment.get_template("question.tex.j2")
            .render(
                equation=f"{tex(statement.output)} = {tex(statement.rhs)}",
                shapes=describe_all(statement.symbols),
                asked=partial(derived.of, derived.by),
            )
            .strip()
        )

    def answer(self, checked: Checked) -> str:
        """The final answer as one line of display maths (no delimiters), for a key to box."""
        return self.answers(checked)[0]

    def answers(self, checked: Checked) -> tuple[str, ...]:
        """Every form of the final answer a key boxes, each one line of display maths: the
        result, then each view's that says something else (index notation, vec, backprop)."""
        derived = checked.derived
        answer = derived.answer
        template = self.environment.get_template("answer.tex.j2")
        forms = ["result"] + [view for view in VIEWS if getattr(answer, view) is not None]
        rendered = (
            template.render(
                form=form,
                d=derived,
                entry=answer.entry,
                general=answer.general,
                matrix=answer.matrix,
                index=answer.index,
                vec=answer.vec,
                backprop=answer.backprop,
            ).strip()
            for form in forms
        )
        return tuple(dict.fromkeys(rendered))

    def summary(self, checked: Checked) -> str:
        """The results alone, as display maths that MathJax renders (Jupyter's _repr_latex_)."""
        derived = checked.derived
        answer = derived.answer
        return (
            self.environment.get_template("summary.tex.j2")
            .render(d=derived, entry=answer.entry, general=answer.general, matrix=answer.matrix)
            .strip()
        )


@functools.lru_cache(maxsize=8)
def renderer(overrides: tuple[Path, ...] = ()) -> LatexRenderer:
    """One renderer per set of template directories, kept: Jinja2 compiles a template once
    per environment, and compiling is most of the cost of rendering a step."""
    return LatexRenderer(overrides)


def latex(checked: Checked) -> str:
    """A checked derivation as a LaTeX fragment (display maths and short paragraphs)."""
    return renderer().fragment(checked)
