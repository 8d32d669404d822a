"""Whole documents: a derivation's LaTeX fragments wrapped in a preamble and built into a PDF."""

from __future__ import annotations

from derivgen.documents.derivation_document import build_derivation_pdf, derivation_document
from derivgen.documents.files import move_atomically, write_atomically
from derivgen.documents.latex_build import compile_pdf, first_latex_error

__all__ = [
    "build_derivation_pdf",
    "compile_pdf",
    "derivation_document",
    "first_latex_error",
    "move_atomically",
    "write_atomically",
]
