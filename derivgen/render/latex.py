"""The LaTeX renderer: the shared prose (`prose.py`) with its maths slots in the note's LaTeX.

The words come from the prose layer, the maths from the note's expression printer; templates
hold the derivation's frame, the question, the boxed answer and Jupyter's summary.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import sympy

from derivgen.render import prose
from derivgen.render.printers import in_reading_order, subscripted, to_latex
from derivgen.render.templates import latex_environment
from derivgen.steps.kinds import Dots, Step, Term
from derivgen.steps.views import VIEWS
from derivgen.verify import Checked

_DOTS = {Dots.LOW: r"\dots", Dots.ACROSS: r"\cdots", Dots.DOWN: r"\vdots", Dots.DIAGONAL: r"\ddots"}
_SIGNS = {"=": "=", "≠": r"\neq", "→": r"\to", "≥": r"\geq"}


def tex(value: Term | sympy.Basic) -> str:
    """An expression, or an elision's dots."""
    return _DOTS[value] if isinstance(value, Dots) else to_latex(value)


def partial(of: sympy.Basic, by: sympy.Basic) -> str:
    return displayed(prose.Partial(of, by))


def slashed(of: sympy.Basic, by: sympy.Basic) -> str:
    """`∂y_3/∂x_7` on one line, for headings, where a fraction would be too small to read."""
    return inline(prose.Partial(of, by))


class LatexMath(prose.MathPrinter):
    """Maths slots in the note's LaTeX; partials are fractions in displays, slashed in text."""

    def __init__(self, display: bool = False) -> None:
        self.display = display

    def expression(self, value: sympy.Basic | Dots) -> str:
        return tex(value)

    def _print_Partial(self, node: prose.Partial) -> str:
        d = "d" if node.whole else r"\partial"
        if self.display:
            return rf"\frac{{{d} {self(node.of)}}}{{{d} {self(node.by)}}}"
        return rf"{d} {self(node.of)} / {d} {self(node.by)}"

    def _print_PartialOf(self, node: prose.PartialOf) -> str:
        return rf"\frac{{\partial}}{{\partial {self(node.by)}}}\left[{self(node.body)}\right]"

    def _print_Terms(self, node: prose.Terms) -> str:
        return prose.join_terms([self(item) for item in node.items])

    def _print_Braces(self, node: prose.Braces) -> str:
        return rf"\left\{{ {self(node.body)} \right\}}"

    def _print_Together(self, node: prose.Together) -> str:
        return r", \quad ".join(self(item) for item in node.items)

    def _print_EntryOf(self, node: prose.EntryOf) -> str:
        indices = ",".join(tex(i) for i in node.indices)
        return ("-" if node.negated else "") + f"({tex(node.matrix)})_{{{indices}}}"

    def _print_Parens(self, node: prose.Parens) -> str:
        return f"({self(node.body)})"

    def _print_Grid(self, node: prose.Grid) -> str:
        """Partials in a grid at full size, rows spaced so the fractions do not touch."""
        printed = [[self(cell) for cell in row] for row in node.rows]
        tall = any(r"\frac" in cell for row in printed for cell in row)
        cells = (
            [
                [rf"\dfrac{cell[5:]}" if cell.startswith(r"\frac") else cell for cell in row]
                for row in printed
            ]
            if tall
            else printed
        )
        # the fractions are deeper than a row's strut: 1ex of extra depth would vanish in them
        arrows = any(r"\vec" in cell for row in printed for cell in row)
        # arrows over a row's entries would touch the subscripts of the row above
        between = r" \\[2.5ex] " if tall else r" \\[0.6ex] " if arrows else r" \\ "
        rows = (" & ".join(row) for row in cells)
        return r"\begin{bmatrix} " + between.join(rows) + r" \end{bmatrix}"

    def _print_Shaped(self, node: prose.Shaped) -> str:
        return to_latex(node.expr, shapes=True)

    def _print_Sliced(self, node: prose.Sliced) -> str:
        shown = ",".join(":" if i is None else tex(i) for i in node.indices)
        return subscripted(tex(node.symbol), shown)

    def _print_Func(self, node: prose.Func) -> str:
        head = node.name if len(node.name) == 1 else rf"\operatorname{{{node.name}}}"
        return f"{head}({self(node.arg)})"

    def _print_Product(self, node: prose.Product) -> str:
        return r"\,".join(self(f) for f in node.factors)

    def _print_Relation(self, node: prose.Relation) -> str:
        return f"{self(node.lhs)} {_SIGNS[node.sign]} {self(node.rhs)}"

    def _print_Range(self, node: prose.Range) -> str:
        # no line break after the `=`: "j =" at a line's end and "1, …, D" on the next
        values = node.listed()
        shown = ", ".join(map(str, values)) if values else rf"1, \dots, {tex(node.size)}"
        return rf"{tex(node.index)} =\nobreak {shown}"

    def _print_Number(self, node: prose.Number) -> str:
        return _number(node.value)

    def _print_Times(self, node: prose.Times) -> str:
        return r" \times ".join(tex(d) for d in node.dims)


inline, displayed = LatexMath(), LatexMath(display=True)


def _number(value: float) -> str:
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def pieces(items: prose.Pieces, numbers: dict[str, int], printer: LatexMath | None = None) -> str:
    """Words with their maths slots as inline maths, and references as `(n)`; `printer`
    (`displayed`) sets partials as fractions, as a question's line sets what to find."""
    printer = printer or inline
    out = []
    for n, piece in enumerate(items):
        match piece:
            case str():
                out.append(piece)
            case prose.Math(node=node):
                printed = printer(node)
                after = items[n + 1] if n + 1 < len(items) else ""
                if (
                    len(printed) <= 2
                    and out
                    and out[-1][-2:-1].isalpha()
                    and out[-1].endswith(" ")
                    and isinstance(after, str)
                    and after[:1] in ".,:;"
                ):
                    # a short formula ending a clause is tied to the word before it: no line
                    # holds "0:" alone
                    out[-1] = out[-1][:-1] + "~"
                out.append(f"${printed}$")
            case prose.Ref(label=label, before=before, after=after) if label in numbers:
                out.append(f"{before}({numbers[label]}){after}")
            case prose.Title(text=text):
                out.append(rf"\emph{{{text}}}")
    return "".join(out)


def _row(row: prose.Row, aligned: bool) -> str:
    sides = [displayed(side) for side in row.rhs]
    lhs = "" if row.lhs is None else displayed(row.lhs)
    text = lhs + "".join(
        f" {'&' if aligned and n == 0 else ''}= {side}" for n, side in enumerate(sides)
    )
    if row.note:
        text += r" && \text{" + pieces(row.note, {}) + "}"
    return text


def _has_grid(row: prose.Row) -> bool:
    return any(isinstance(side, prose.Grid) for side in (row.lhs, *row.rhs))


def display(block: prose.Display, numbers: dict[str, int], keep: bool = False) -> str:
    """`\\[ … \\]`, rows aligned at their first `=` in `aligned` (never broken across pages);
    `keep` forbids a page break after it, before the words that go on from it."""
    tag = "" if block.label is None else rf" \tag{{{numbers[block.label]}}}"
    if keep:
        tag += r" \postdisplaypenalty=10000"
    if len(block.rows) == 1 and not block.rows[0].note:
        return rf"\[ {_row(block.rows[0], aligned=False)}{block.end}{tag} \]"
    rows = [_row(row, aligned=True) for row in block.rows]
    # a row of brackets beneath another would touch it: a little room between them
    between = " \\\\[1ex]\n" if any(_has_grid(row) for row in block.rows) else " \\\\\n"
    body = between.join(rows) + block.end
    return "\\[ \\begin{aligned}\n" + body + "\n\\end{aligned}" + tag + " \\]"


def paragraph(block: prose.Paragraph, numbers: dict[str, int]) -> str:
    lead = rf"\textbf{{{block.lead}}} " if block.lead else ""
    return lead + pieces(block.pieces, numbers)


def bullets(block: prose.Bullets, numbers: dict[str, int]) -> str:
    items = "".join(f"\\item {pieces(item, numbers)}\n" for item in block.items)
    return "\\begin{itemize}\n" + items + "\\end{itemize}"


def _number(value: float) -> str:
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def render_blocks(blocks: Sequence[prose.Block], numbers: dict[str, int]) -> str:
    """One step's blocks as LaTeX that keeps each sentence with its display.

    TeX never breaks a page just before a display; every display forbids a break after it
    too (`\\postdisplaypenalty`, read at the display's end), so a page never opens with "we
    have" or "So", and a step's last display stays with what follows it until the frame
    (derivation.tex.j2) allows a break between steps; a sentence that introduces a list is
    boxed with it. Pages break between steps and inside long paragraphs.
    """
    out = []
    for n, block in enumerate(blocks):
        last = n == len(blocks) - 1
        match block:
            case prose.Paragraph():
                text = paragraph(block, numbers)
                if not last and isinstance(blocks[n + 1], prose.Bullets):
                    text = r"\begin{minipage}{\linewidth}" + "\n" + text
                out.append(text)
            case prose.Display():
                out.append(display(block, numbers, keep=True))
            case prose.Bullets():
                boxed = n > 0 and isinstance(blocks[n - 1], prose.Paragraph)
                # the list's space below it, which the end of a minipage would drop
                closing = "\n\\vspace{\\topsep}\\end{minipage}"
                out.append(bullets(block, numbers) + (closing if boxed else ""))
    return "\\noindent " + "\n".join(out)


class LatexRenderer:
    """Renders a checked derivation as a LaTeX fragment: the shared prose, the note's maths."""

    def __init__(self, overrides: Sequence[Path] = ()) -> None:
        self.environment = latex_environment(overrides)
        self.environment.filters.update(tex=tex)
        self.environment.globals.update(partial=partial, slashed=slashed)

    def step(self, step: Step) -> str:
        """One step on its own (its references to other steps' displays left out)."""
        shown = prose.blocks(step)
        return render_blocks(shown, prose.numbering([shown]))

    def steps(self, steps: Sequence[Step]) -> list[str]:
        """Every step of a derivation, its displays numbered through the whole of it."""
        shown = prose.derivation(steps)
        numbers = prose.numbering(shown)
        return [render_blocks(blocks, numbers) for blocks in shown]

    @in_reading_order
    def fragment(self, checked: Checked) -> str:
        derived, verification = checked.derived, checked.verification
        statement = derived.statement
        sentence = prose.check_sentence(verification)
        return self.environment.get_template("derivation.tex.j2").render(
            heading=slashed(derived.of, derived.by),
            equation=f"{tex(statement.output)} = {tex(statement.rhs)}",
            steps=self.steps(derived.steps),
            checked=pieces(sentence.pieces, {}),
        )

    @in_reading_order
    def question(self, checked: Checked) -> str:
        """The problem as a sentence: the equation, the sizes and the derivative asked for."""
        derived = checked.derived
        statement = derived.statement
        return (
            self.environment.get_template("question.tex.j2")
            .render(
                equation=f"{tex(statement.output)} = {tex(statement.rhs)}",
                shapes=pieces(prose.described(statement.symbols), {}),
                asked=partial(derived.of, derived.by),
                also=pieces(prose.also_asked(derived), {}, displayed),
                bounds=pieces(prose.index_bounds((derived.of, derived.by), derived.shapes), {}),
            )
            .strip()
        )

    def answer(self, checked: Checked) -> str:
        """The final answer as one line of display maths (no delimiters), for a key to box."""
        return self.answers(checked)[0]

    @in_reading_order
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

    def result_shape(self, checked: Checked) -> str:
        """`$∂s/∂x$ is a column vector of length $C$.`, for a key beside the box; "" when the
        answer is an entry."""
        said = prose.result_shape(checked.derived)
        return "" if said is None else pieces(said.pieces, {})

    @in_reading_order
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
