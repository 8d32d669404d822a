"""A derivation's LaTeX fragments as one standalone article, and that article as a PDF.

The preamble needs only Debian's texlive-latex-base, -recommended and -extra plus lmodern.
"""

from __future__ import annotations

from pathlib import Path

from pylatex import Command, Document, Package
from pylatex.utils import NoEscape, escape_latex

from derivgen.documents.latex_build import compile_pdf

# pylatex loads lastpage for `page_numbers=True`, but nothing here refers to the last page and
# the plain page style numbers pages anyway; leaving it out keeps the preamble minimal.
_UNUSED_PACKAGES = (Package("lastpage"),)


def derivation_document(fragments: list[str], *, title: str | None = None) -> str:
    """The LaTeX source of an article holding `fragments` (LaTeX, kept verbatim) in order.

    `title` is user text: it is escaped and set as a centered bold line.
    """
    doc = Document(
        documentclass="article",
        document_options=["11pt"],
        geometry_options={"margin": "2.5cm"},
        fontenc="T1",
        lmodern=True,
        page_numbers=True,
    )
    for package in _UNUSED_PACKAGES:
        doc.packages.discard(package)
    for name in ("amsmath", "amssymb", "mathtools"):
        doc.packages.append(Package(name))
    doc.preamble.append(Command("allowdisplaybreaks"))

    if title is not None and title.strip():
        line = escape_latex(" ".join(title.split()))
        doc.append(NoEscape(f"\\begin{{center}}\\Large\\bfseries {line}\\end{{center}}"))
    for index, fragment in enumerate(fragments):
        if index:
            doc.append(NoEscape("\n\\bigskip\n"))
        doc.append(NoEscape(fragment))
    return doc.dumps()


def build_derivation_pdf(
    fragments: list[str], destination: Path, *, title: str | None = None
) -> Path:
    """Build the document of `fragments` into a PDF at `destination` and return that path."""
    return compile_pdf(derivation_document(fragments, title=title), destination)
