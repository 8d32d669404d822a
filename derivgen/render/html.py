"""The HTML renderer: a derivation or a check as a fragment (Jupyter) or a page that opens offline.

The words are the LaTeX renderer's. Its templates (one per step kind, dispatched on the
step's class) are where each step's sentences are written next to their maths, so this
renderer reads the LaTeX they produce, a small closed subset (paragraphs, inline and
display maths, bold, emphasis, typewriter text, itemized lists, a heading, and pylatex's
escapes of user text), and writes the prose as HTML, HTML-escaped, with the maths kept as
LaTeX between `\\(`/`\\)` and `\\[`/`\\]` for MathJax (Jupyter's own, or the copy written
into each page). Anything outside the subset is an error rather than a guess, so a
template that grows a new command fails the tests instead of leaking raw LaTeX to a page.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from derivgen._version import __version__
from derivgen.answers.report import Report
from derivgen.render.check import report_latex
from derivgen.render.latex import latex
from derivgen.render.templates import templates_dir
from derivgen.verify import Checked

MATHJAX = Path(__file__).resolve().parent / "mathjax" / "tex-svg.js"
"""MathJax 3's single-file TeX-to-SVG build (Apache 2.0; see mathjax/README.md)."""

_TOKENS = re.compile(
    r"""
      (?P<display>\\\[(?P<display_body>.*?)\\\])
    | (?P<dollars>\$\$(?P<dollars_body>.*?)\$\$)
    | (?P<align>\\begin\{align\*\}(?P<align_body>.*?)\\end\{align\*\})
    | (?P<escaped>\\[&%$\#_{}]|\\textbackslash\{\}|\\textasciitilde\{\}
                 |\\textasciicircum\{\}|\\\^\{\}|\{-\}|\{\[\}|\{\]\})
    | (?P<newline>\\newline%?)
    | (?P<inline>\$(?P<inline_body>(?:\\.|[^$\\])+?)\$)
    | (?P<command>\\[A-Za-z]+\*?)
    | (?P<space>\\[\ ,;])
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<blank>[\ \t]*\n[\ \t]*\n\s*)
    | (?P<text>[^\\$%{}\n~]+|\n|~)
    """,
    re.DOTALL | re.VERBOSE,
)
_ESCAPED = {
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\^{}": "^",
    "{-}": "-",
    "{[}": "[",
    "{]}": "]",
}
"""pylatex's escapes of user text (`escape_latex`), each back to its character."""
_INLINE = {"textbf": "strong", "emph": "em", "texttt": "code"}
_HEADINGS = {"section*": "h2", "subsection*": "h3"}
_SPACING = {"noindent", "medskip", "smallskip", "bigskip"}
_TYPOGRAPHY = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"))


class UnsupportedLatexError(NotImplementedError):
    """LaTeX outside the subset this renderer reads: a template needs a rule here."""


@dataclass
class _Blocks:
    """HTML blocks as they are completed; a section ends where a step ends (`\\par\\medskip`)."""

    sections: list[list[str]] = field(default_factory=lambda: [[]])
    paragraph: list[str] = field(default_factory=list)
    items: list[str] | None = None

    def flush(self) -> None:
        text = _unbroken(re.sub(r"\s+", " ", "".join(self.paragraph)).strip())
        self.paragraph = []
        if not text:
            return
        if self.items is not None:
            self.items.append(text)
        else:
            self.sections[-1].append(f"<p>{text}</p>")

    def block(self, markup: str) -> None:
        self.flush()
        self.sections[-1].append(markup)

    def end_section(self) -> None:
        self.flush()
        if self.sections[-1]:
            self.sections.append([])


class _Reader:
    """The tokens of a LaTeX fragment, every character accounted for."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = self._tokens(source)
        self.at = 0

    @staticmethod
    def _tokens(source: str) -> list[re.Match[str]]:
        tokens, end = [], 0
        for token in _TOKENS.finditer(source):
            if token.start() != end:
                break
            tokens.append(token)
            end = token.end()
        if end != len(source):
            rest = source[end : end + 40]
            raise UnsupportedLatexError(f"cannot render this LaTeX as HTML: {rest!r}")
        return tokens

    def next(self) -> re.Match[str] | None:
        if self.at == len(self.tokens):
            return None
        self.at += 1
        return self.tokens[self.at - 1]

    def peek_command(self) -> str | None:
        """The next command's name, looking past spaces and single newlines."""
        for token in self.tokens[self.at :]:
            if token.lastgroup == "command":
                return token.group()[1:]
            if token.lastgroup != "text" or token.group().strip():
                return None
        return None

    def skip_to_command(self) -> None:
        while self.tokens[self.at].lastgroup != "command":
            self.at += 1

    def group_text(self) -> str:
        """The plain letters of a `{...}` argument, such as `itemize`."""
        opened, name, closed = self.next(), self.next(), self.next()
        if not (opened and name and closed and opened.lastgroup == "open"):
            raise UnsupportedLatexError(f"expected an argument in braces: {self.source[:60]!r}")
        if name.lastgroup != "text" or closed.lastgroup != "close":
            raise UnsupportedLatexError(f"expected a name in braces: {self.source[:60]!r}")
        return name.group()


_MATHS_THEN_PUNCTUATION = re.compile(r"(\\\( (?:(?!\\\)).)* \\\))([.,;:!?)]+)")


def _unbroken(text: str) -> str:
    """Inline maths kept on one line with the punctuation after it (no lone `.` wrapped)."""
    return _MATHS_THEN_PUNCTUATION.sub(r'<span class="nobr">\1\2</span>', text)


def _maths(body: str, *, display: bool) -> str:
    """LaTeX maths, HTML-escaped, between the delimiters MathJax finds by default."""
    escaped = html.escape(" ".join(body.split()), quote=False)
    return rf"\[ {escaped} \]" if display else rf"\( {escaped} \)"


def _text(raw: str) -> str:
    if raw == "~":
        return "&nbsp;"
    for tex, character in _TYPOGRAPHY:
        raw = raw.replace(tex, character)
    return html.escape(raw, quote=False)


def _simple(token: re.Match[str]) -> str | None:
    """The HTML of a token that stands for itself, or None for one that opens a structure."""
    kind, value = token.lastgroup, token.group()
    if kind == "text":
        return _text(value)
    if kind == "space":
        return " "
    if kind == "escaped":
        return html.escape(_ESCAPED.get(value, value[1:]), quote=False)
    if kind == "newline":
        return "<br>"
    if kind == "inline":
        return _maths(token["inline_body"], display=False)
    return None


def _inline(reader: _Reader, blocks: _Blocks | None, depth: int = 0) -> Iterator[str]:
    """Inline HTML up to the closing brace of this group (or the end, at the top level);
    block structure (displays, paragraphs, lists, headings) goes to `blocks`."""
    while (token := reader.next()) is not None:
        kind, value = token.lastgroup, token.group()
        if (simple := _simple(token)) is not None:
            yield simple
        elif kind == "close":
            if depth == 0:
                raise UnsupportedLatexError(f"an unmatched brace: {reader.source[:60]!r}")
            return
        elif kind == "open":
            yield from _inline(reader, blocks, depth + 1)
        elif kind == "command" and value[1:] in _INLINE:
            yield _tagged(reader, _INLINE[value[1:]], value, blocks, depth)
        elif blocks is None or depth > 0:
            raise UnsupportedLatexError(f"{value!r} inside a sentence cannot be rendered as HTML")
        else:
            _block(reader, blocks, token)
    if depth > 0:
        raise UnsupportedLatexError(f"a brace never closed: {reader.source[-60:]!r}")


def _tagged(reader: _Reader, tag: str, command: str, blocks: _Blocks | None, depth: int) -> str:
    """`\\textbf{...}` and its kind: the argument's inline HTML inside `<tag>`."""
    opened = reader.next()
    if opened is None or opened.lastgroup != "open":
        raise UnsupportedLatexError(f"{command} without an argument in braces")
    return f"<{tag}>{''.join(_inline(reader, blocks, depth + 1))}</{tag}>"


def _block(reader: _Reader, blocks: _Blocks, token: re.Match[str]) -> None:
    """A token that shapes the page rather than a sentence."""
    kind, name = token.lastgroup, token.group()[1:]
    if kind in ("display", "dollars"):
        blocks.block(_display(token[f"{kind}_body"]))
    elif kind == "align":
        blocks.block(_display(rf"\begin{{aligned}} {token['align_body']} \end{{aligned}}"))
    elif kind == "blank" or name in _SPACING - {"noindent"}:
        blocks.flush()
    elif name == "noindent":
        return
    elif name == "par":
        _paragraph_end(reader, blocks)
    elif name in _HEADINGS:
        blocks.end_section()
        blocks.block(_tagged(reader, _HEADINGS[name], token.group(), None, 0))
        blocks.end_section()
    elif name in ("begin", "end") and reader.group_text() == "itemize":
        _itemize(blocks, opening=name == "begin")
    elif name == "item" and blocks.items is not None:
        blocks.flush()
    else:
        raise UnsupportedLatexError(f"{token.group()!r} has no HTML rendering")


def _paragraph_end(reader: _Reader, blocks: _Blocks) -> None:
    """`\\par` ends a paragraph; `\\par\\medskip`, which the derivation template puts
    after each step, ends a step's section."""
    if reader.peek_command() != "medskip":
        blocks.flush()
        return
    reader.skip_to_command()
    reader.next()
    blocks.end_section()


def _itemize(blocks: _Blocks, *, opening: bool) -> None:
    blocks.flush()
    if opening:
        blocks.items = []
        return
    items, blocks.items = blocks.items or [], None
    blocks.block("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")


def _display(body: str) -> str:
    """Display maths in a box that scrolls sideways on a narrow screen instead of overflowing."""
    return f'<div class="math display">{_maths(body, display=True)}</div>'


def html_of_latex(source: str) -> str:
    """derivgen's LaTeX (prose with maths, as its templates write it) as HTML blocks.

    Steps, which the derivation template separates with `\\par\\medskip`, become `<section>`s.
    """
    blocks = _Blocks()
    reader = _Reader(source)
    for piece in _inline(reader, blocks):  # blocks.flush() replaces the paragraph list
        blocks.paragraph.append(piece)
    blocks.end_section()
    sections = [s for s in blocks.sections if s]
    if len(sections) == 1:
        return "\n".join(sections[0])
    return "\n".join(
        section[0] if _is_heading(section) else "<section>\n" + "\n".join(section) + "\n</section>"
        for section in sections
    )


def _is_heading(section: list[str]) -> bool:
    """A section of one heading (headings stand between sections, not inside one)."""
    return len(section) == 1 and section[0].startswith(tuple(f"<{t}>" for t in _HEADINGS.values()))


def inline_html_of_latex(source: str) -> str:
    """One sentence of derivgen's LaTeX (a question, a verdict) as inline HTML, no blocks."""
    return re.sub(r"\s+", " ", "".join(_inline(_Reader(source), None))).strip()


def derivation_html(checked: Checked) -> str:
    """A checked derivation as an HTML fragment: the heading, every step, what was checked."""
    return f'<div class="derivgen">\n{html_of_latex(latex(checked))}\n</div>'


def check_html(report: Report) -> str:
    """A checked answer as an HTML fragment: the verdict, the point, the entry's derivation."""
    return f'<div class="derivgen check">\n{html_of_latex(report_latex(report))}\n</div>'


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
