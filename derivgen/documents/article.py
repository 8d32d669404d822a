"""The article every derivgen document starts from, so derivations and worksheets look alike.

The preamble needs only Debian's texlive-latex-base, -recommended and -extra plus lmodern.
"""

from __future__ import annotations

from collections.abc import Mapping

from pylatex import Command, Document, Package
from pylatex.utils import NoEscape, escape_latex

from derivgen.documents.unicode_text import maths_as_latex
from derivgen.errors import DerivgenError

# pylatex loads lastpage for `page_numbers=True`, but nothing here refers to the last page and
# the plain page style numbers pages anyway; leaving it out keeps the preamble minimal.
_UNUSED_PACKAGES = (Package("lastpage"),)
_MATHS_PACKAGES = ("amsmath", "amssymb", "mathtools")
PAPERS = {"a4": "a4paper", "letter": "letterpaper"}
"""`--paper` names and the geometry package's; without one, LaTeX's own (US letter)."""

# pdfTeX stamps the build time, a random ID and the source's path into every PDF; without
# them the same source gives the same bytes, on every run and machine (SOURCE_DATE_EPOCH
# then sets only TeX's clock, for a template's \today: documents.latex_build).
REPRODUCIBLE = r"""\ifdefined\pdftrailerid
  \pdfinfoomitdate=1
  \pdftrailerid{}
  \pdfsuppressptexinfo=-1
\fi"""


def new_article(
    *,
    geometry: Mapping[str, str] | None = None,
    packages: tuple[str, ...] = (),
    paper: str | None = None,
) -> Document:
    """An 11pt article in Latin Modern (T1) with the AMS maths packages and display breaks,
    whose PDF is the same bytes on every run (REPRODUCIBLE).

    `geometry` replaces the 2.5 cm margins; `packages` are loaded after the maths packages;
    `paper` is a key of PAPERS (a DerivgenError names the choices for another).
    """
    options = dict(geometry or {"margin": "2.5cm"})
    if paper is not None:
        if paper not in PAPERS:
            raise DerivgenError(f"--paper {paper}: use {' or '.join(PAPERS)}")
        options["paper"] = PAPERS[paper]
    doc = Document(
        documentclass="article",
        document_options=["11pt"],
        geometry_options=options,
        fontenc="T1",
        lmodern=True,
        page_numbers=True,
    )
    for package in _UNUSED_PACKAGES:
        doc.packages.discard(package)
    for name in (*_MATHS_PACKAGES, *packages):
        doc.packages.append(Package(name))
    doc.preamble.append(NoEscape(REPRODUCIBLE))
    doc.preamble.append(Command("allowdisplaybreaks"))
    return doc


def plain_text(text: str) -> NoEscape:
    """User text for LaTeX: special characters escaped, runs of white space made one space,
    maths characters (∂, σ, ᵀ) as LaTeX maths."""
    return NoEscape(maths_as_latex(escape_latex(" ".join(text.split()))))
