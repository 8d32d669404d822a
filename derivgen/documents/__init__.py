"""Whole documents: a derivation's LaTeX fragments wrapped in a preamble and built into a PDF."""

from __future__ import annotations

from derivgen.documents.derivation_document import build_derivation_pdf, derivation_document
from derivgen.documents.files import move_atomically, write_atomically
from derivgen.documents.latex_build import compile_pdf, first_latex_error
from derivgen.documents.worksheet import build_worksheets
from derivgen.documents.worksheet_spec import SpecError, read_spec, read_spec_text

__all__ = [
    "SpecError",
    "build_derivation_pdf",
    "build_worksheets",
    "compile_pdf",
    "derivation_document",
    "first_latex_error",
    "move_atomically",
    "read_spec",
    "read_spec_text",
    "write_atomically",
]
