"""The HTML renderer: a derivation as a fragment (Jupyter) or, with `page`, a page that opens
offline.

The words are the shared prose layer's (`prose.py`), block by block as the LaTeX and text
renderers take them; the maths is the note's LaTeX (`LatexMath`), between the `\\(`/`\\)`
and `\\[`/`\\]` delimiters that MathJax finds, Jupyter's MathJax or the copy written into
each page. Every word is HTML-escaped; every piece of maths too, since `<` and `&` are
HTML's even inside a formula.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from pathlib import Path

import jinja2
from markupsafe import Markup

from derivgen._version import __version__
from derivgen.render import prose
from derivgen.render.latex import LatexMath, display, displayed, tex
from derivgen.render.printers import in_reading_order
from derivgen.render.templates import templates_dir
from derivgen.steps.kinds import Step
from derivgen.verify import Checked

MATHJAX = Path(__file__).resolve().parent / "mathjax" / "tex-svg.js"
"""MathJax 3's single-file TeX-to-SVG build (Apache 2.0; see mathjax/README.md)."""

_PUNCTUATION = tuple(".,;:!?)")


class MathJaxMath(LatexMath):
    """The note's LaTeX as MathJax reads it: MathJax knows no `\\nobreak` (it shows it in
    red), and never breaks a formula in running text anyway."""

    def _print_Range(self, node: prose.Range) -> str:
        values = node.listed()
        shown = ", ".join(map(str, values)) if values else rf"1, \dots, {tex(node.size)}"
        return rf"{tex(node.index)} = {shown}"


inline = MathJaxMath()


def maths(latex: str) -> str:
    """Inline maths: LaTeX, HTML-escaped, between the delimiters MathJax finds."""
    return rf"\( {html.escape(latex, quote=False)} \)"


def display_maths(latex: str) -> str:
    """Display maths (`\\[ … \\]`, escaped) in a box that scrolls sideways on a narrow
    screen instead of widening the page."""
    return f'<div class="math display">{html.escape(latex, quote=False)}</div>'


def pieces(
    items: prose.Pieces, numbers: dict[str, int], printer: Callable[[object], str] | None = None
) -> str:
    """Words and maths slots as HTML; inline maths keeps the punctuation after it on its
    line (a lone `.` never wraps); `printer` replaces the inline LaTeX of each slot."""
    printer = printer or inline
    out: list[str] = []
    for piece in items:
        match piece:
            case str():
                words = html.escape(piece, quote=False)
                if out and out[-1].startswith(r"\(") and piece.startswith(_PUNCTUATION):
                    mark = len(piece) - len(piece.lstrip("".join(_PUNCTUATION)))
                    out[-1] = f'<span class="nobr">{out[-1]}{words[:mark]}</span>'
                    words = words[mark:]
                out.append(words)
            case prose.Math(node=node):
                out.append(maths(printer(node)))
            case prose.Ref(label=label, before=before, after=after) if label in numbers:
                out.append(html.escape(f"{before}({numbers[label]}){after}", quote=False))
            case prose.Ref():
                pass  # a step shown on its own: the display it cites is not on the page
            case prose.Title(text=text):
                out.append(f"<cite>{html.escape(text, quote=False)}</cite>")
            case _:
                raise TypeError(f"the HTML renderer cannot show {piece!r}")
    return "".join(out)


def paragraph(block: prose.Paragraph, numbers: dict[str, int], lead: str = "strong") -> str:
    opening = f"<{lead}>{html.escape(block.lead)}</{lead}> " if block.lead else ""
    return f"<p>{opening}{pieces(block.pieces, numbers)}</p>"


class HtmlRenderer:
    """Renders a checked derivation as HTML: one `<section>` per step, block by block."""

    def step(self, step: Step) -> str:
        """One step on its own (its references to other steps' displays left out)."""
        shown = prose.blocks(step)
        return self._section(step, shown, prose.numbering([shown]))

    def _section(self, step: Step, shown: tuple[prose.Block, ...], numbers: dict[str, int]) -> str:
        """A step's blocks in a `<section>` named by its kind."""
        out = []
        for block in shown:
            match block:
                case prose.Paragraph():
                    out.append(paragraph(block, numbers))
                case prose.Display():
                    out.append(display_maths(display(block, numbers)))
                case prose.Bullets():
                    items = (f"<li>{pieces(item, numbers)}</li>" for item in block.items)
                    out.append("<ul>" + "".join(items) + "</ul>")
        return f'<section class="step {step.kind}">\n' + "\n".join(out) + "\n</section>"

    @in_reading_order
    def fragment(self, checked: Checked) -> str:
        """The heading, every step, and what was checked, in a `<div class="derivgen">`."""
        derived, verification = checked.derived, checked.verification
        statement = derived.statement
        shown = prose.derivation(derived.steps)
        numbers = prose.numbering(shown)
        sentence = prose.check_sentence(verification)
        heading = (
            f"{maths(inline(prose.Partial(derived.of, derived.by)))} for "
            f"{maths(f'{tex(statement.output)} = {tex(statement.rhs)}')}"
        )
        return "\n".join(
            [
                '<div class="derivgen">',
                f"<h3>{heading}</h3>",
                *(
                    self._section(step, blocks, numbers)
                    for step, blocks in zip(derived.steps, shown, strict=True)
                ),
                f'<section class="checked">\n{paragraph(sentence, {}, lead="em")}\n</section>',
                "</div>",
            ]
        )

    @in_reading_order
    def question(self, checked: Checked) -> str:
        """The problem as a worksheet states it (the LaTeX renderer's question, in HTML),
        its maths in display style so that a fraction's indices read at full size."""
        derived = checked.derived
        statement = derived.statement
        equation = maths(rf"\displaystyle {tex(statement.output)} = {tex(statement.rhs)}")
        asked = maths(rf"\displaystyle {displayed(prose.Partial(derived.of, derived.by))}")
        described = pieces(prose.described(statement.symbols), {})
        also = pieces(
            prose.also_asked(derived), {}, lambda node: rf"\displaystyle {displayed(node)}"
        )
        bounds = pieces(prose.index_bounds((derived.of, derived.by), derived.shapes), {})
        return f"Let {equation}, where {described}. Find {asked}{also}" + (
            f", where {bounds}." if bounds else "."
        )


def result_shape_html(checked: Checked) -> str:
    """The answer's shape as the LaTeX renderer's `result_shape` says it, in HTML."""
    said = prose.result_shape(checked.derived)
    return "" if said is None else pieces(said.pieces, {})


def derivation_html(checked: Checked) -> str:
    """A checked derivation as an HTML fragment."""
    return HtmlRenderer().fragment(checked)


@functools.lru_cache(maxsize=1)
def html_environment() -> jinja2.Environment:
    """Jinja2 for `templates/html/`, escaping every value that is not marked as markup."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "html")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.lru_cache(maxsize=1)
def _mathjax() -> Markup:
    """The MathJax script, safe to write inside <script>: it holds neither `<script` nor
    `</script` (tests/test_html.py checks the file), so no HTML parser can end it early."""
    return Markup(MATHJAX.read_text(encoding="utf-8"))


def page(title: str, body: str, template: str = "page.html.j2", **context: object) -> str:
    """A whole page that opens offline: `body` (HTML) with MathJax and the page style inside.

    `title` is plain text (escaped here); `context` goes to `template` as it is.
    """
    return (
        html_environment()
        .get_template(template)
        .render(
            title=title,
            body=Markup(body),
            mathjax=_mathjax(),
            version=__version__,
            **context,
        )
    )
