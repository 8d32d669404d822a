"""A derivation's LaTeX fragments as one standalone article, and that article as a PDF."""

from __future__ import annotations

from pathlib import Path

from pylatex.utils import NoEscape

from derivgen.documents.article import new_article, plain_text
from derivgen.documents.latex_build import compile_pdf


def derivation_document(
    fragments: list[str], *, title: str | None = None, paper: str | None = None
) -> str:
    """The LaTeX source of an article holding `fragments` (LaTeX, kept verbatim) in order.

    `title` is user text: it is escaped and set as a centered bold line; `paper` is "a4" or
    "letter" (article.PAPERS), LaTeX's own when None.
    """
    doc = new_article(paper=paper)
    if title is not None and title.strip():
        line = plain_text(title)
        doc.append(NoEscape(f"\\begin{{center}}\\Large\\bfseries {line}\\end{{center}}"))
    for index, fragment in enumerate(fragments):
        if index:
            doc.append(NoEscape("\n\\bigskip\n"))
        doc.append(NoEscape(fragment))
    return doc.dumps()


def build_derivation_pdf(
    fragments: list[str],
    destination: Path,
    *,
    title: str | None = None,
    keep: Path | None = None,
    paper: str | None = None,
) -> Path:
    """Build the document of `fragments` into a PDF at `destination` and return that path.

    `keep` is where a failed build keeps its evidence (compile_pdf's `keep`).
    """
    source = derivation_document(fragments, title=title, paper=paper)
    return compile_pdf(source, destination, keep=keep)
