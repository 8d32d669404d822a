"""Question banks for learning-management systems: Moodle XML and QTI 2.1 packages.

`export_bank` draws a spec's variants as `derivgen worksheet` does, solves each problem
once, and writes one file, atomically.
"""

from __future__ import annotations

from pathlib import Path

from derivgen.documents.files import write_atomically
from derivgen.documents.worksheet_spec import WorksheetSpec
from derivgen.errors import DerivgenError
from derivgen.exports.bank import Bank, BankQuestion, question_bank
from derivgen.exports.moodle import moodle_xml
from derivgen.exports.qti import qti_package

FORMATS = {"moodle": (moodle_xml, "-moodle.xml"), "qti": (qti_package, "-qti.zip")}
"""Each bank format: what writes it, and the ending of its default file name."""

__all__ = ["FORMATS", "Bank", "BankQuestion", "bank_data", "export_bank", "question_bank"]


def bank_data(
    spec: Path | WorksheetSpec, bank_format: str, *, variants: int = 1, seed: str = "0"
) -> tuple[str, bytes]:
    """The bank in `bank_format` ("moodle" or "qti"): its default file name and its bytes."""
    if bank_format not in FORMATS:
        raise DerivgenError(f"unknown export format {bank_format!r}: use moodle or qti")
    writer, ending = FORMATS[bank_format]
    bank = question_bank(spec, variants=variants, seed=seed)
    return f"{bank.spec.name}{ending}", writer(bank)


def export_bank(
    spec: Path | WorksheetSpec,
    bank_format: str,
    *,
    variants: int = 1,
    seed: str = "0",
    output: Path | None = None,
    outdir: Path = Path("output"),
) -> Path:
    """Write the bank in `bank_format` ("moodle" or "qti") to `output`, by default
    `outdir/NAME-moodle.xml` or `outdir/NAME-qti.zip`; returns the path written. Nothing is
    written when the spec or a problem is refused (DerivgenError, one line)."""
    name, data = bank_data(spec, bank_format, variants=variants, seed=seed)
    destination = Path(output) if output is not None else outdir / name
    write_atomically(destination, data)
    return destination
