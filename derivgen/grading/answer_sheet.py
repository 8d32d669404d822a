"""ANSWERS.csv: one row per answer, `student,variant,problem,answer`, read with the csv module.

The header names the columns (in any order, any case; other columns are ignored). A file
without the four columns, or one that is not UTF-8 text, is bad input: nothing could be
graded from it. A row that cannot be read (too many or too few fields, no student) is
reported and skipped, so one bad line never stops a class from being graded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from derivgen.errors import DerivgenError

COLUMNS = ("student", "variant", "problem", "answer")


@dataclass(frozen=True)
class AnswerRow:
    """One answer as the file gives it, with the line it starts on (for messages)."""

    line: int
    student: str
    variant: str
    problem: str
    answer: str


@dataclass(frozen=True)
class AnswerSheet:
    """The rows that can be graded, and one message per line that cannot."""

    rows: tuple[AnswerRow, ...]
    skipped: tuple[str, ...]


def read_answers(path: Path) -> AnswerSheet:
    """The answers in `path`; raises DerivgenError (one line) when no row could be read."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")  # a spreadsheet's BOM is dropped
    except UnicodeDecodeError as error:
        raise DerivgenError(
            f"{path}: not UTF-8 text (byte {error.start}); save the file as CSV UTF-8"
        ) from None
    return read_answers_text(text, str(path))


def read_answers_text(text: str, name: str) -> AnswerSheet:
    """The answers in `text`, named `name` in messages."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise DerivgenError(
                f"{name}: the file is empty; its first line names the columns {','.join(COLUMNS)}"
            )
        names = [column.strip().lower() for column in header]
        missing = [column for column in COLUMNS if column not in names]
        if missing:
            raise DerivgenError(
                f"{name}: the first line must name the columns {','.join(COLUMNS)}; "
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing"
            )
        where = {column: names.index(column) for column in COLUMNS}
        rows: list[AnswerRow] = []
        skipped: list[str] = []
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(field.strip() for field in fields):
                continue  # a blank line
            if len(fields) != len(header):
                quote = ' (an answer with a comma is quoted: "W[4, 2]")' * (
                    len(fields) > len(header)
                )
                skipped.append(
                    f"{name} line {line}: {len(fields)} fields, but the header has "
                    f"{len(header)}{quote}; skipped"
                )
                continue
            value = {column: fields[index] for column, index in where.items()}
            if not value["student"].strip():
                skipped.append(f"{name} line {line}: no student named; skipped")
                continue
            rows.append(
                AnswerRow(
                    line=line,
                    student=value["student"].strip(),
                    variant=value["variant"].strip(),
                    problem=value["problem"].strip(),
                    answer=value["answer"].strip(),
                )
            )
    except csv.Error as error:
        raise DerivgenError(f"{name} line {reader.line_num}: {error}") from None
    return AnswerSheet(rows=tuple(rows), skipped=tuple(skipped))
