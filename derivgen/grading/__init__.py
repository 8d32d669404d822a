"""`grade(spec, answers)`: a class's answers checked per variant, marks and feedback written.

The stages: read the spec and the answers (`answer_sheet`); draw the variants the rows
name and derive their problems once, as the worksheet does (`sheet`); grade each student,
in worker processes with `jobs` > 1 (`student`, through `derivgen.check`); typeset every
feedback PDF in a temporary folder, side by side; then move everything into place, each
file atomically, with a Ctrl-C held back until all are there. A LaTeX failure costs only
that student's PDF (its evidence is kept beside it); every other file is written.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from derivgen.documents.files import (
    move_atomically,
    signals_deferred,
    temporary_directory,
    write_atomically,
)
from derivgen.documents.jobs import default_jobs, default_typesetters
from derivgen.documents.latex_build import LatexError, compile_pdf, require_tex
from derivgen.documents.workers import mapped
from derivgen.documents.worksheet_spec import WorksheetSpec, read_spec
from derivgen.errors import DerivgenError
from derivgen.grading.answer_sheet import AnswerRow, AnswerSheet, read_answers
from derivgen.grading.file_names import file_stems
from derivgen.grading.marks import marks_csv
from derivgen.grading.sheet import ClassSheet, class_sheet
from derivgen.grading.student import GradedAnswer, StudentGrade, grade_student

__all__ = ["GradedAnswer", "Grading", "StudentGrade", "grade"]

FEEDBACK = "feedback"
"""The folder, inside the output folder, that holds one student's feedback per file."""
SUFFIXES = (".txt", ".pdf", ".tex")


@dataclass(frozen=True)
class Grading:
    """What grading a class wrote, and what it found."""

    students: tuple[StudentGrade, ...]
    """In the order the answers file first names them."""
    stems: Mapping[str, str]
    """Each student's feedback file name, without its suffix."""
    marks: Path
    written: tuple[Path, ...]
    warnings: tuple[str, ...]
    """One line per row that was not graded as given (it scored 0)."""
    failed: tuple[str, ...]
    """One line per feedback PDF that LaTeX could not build (its .txt is written)."""

    def student(self, name: str) -> StudentGrade:
        """The grade of the student named `name` (KeyError when no row names them)."""
        for grade in self.students:
            if grade.student == name:
                return grade
        raise KeyError(name)


def grade(
    spec: Path | str | WorksheetSpec,
    answers: Path | str,
    *,
    seed: str = "0",
    output: Path | str = Path("output"),
    variants: int | None = None,
    jobs: int | None = None,
    tex_only: bool = False,
    progress: bool = False,
    warn: Callable[[str], object] = lambda _: None,
    report: Callable[[str], object] = lambda _: None,
) -> Grading:
    """Grade ANSWERS.csv (`student,variant,problem,answer`) against the worksheet that `spec`
    and `seed` build, writing `output/marks.csv` and `output/feedback/STUDENT.pdf` and `.txt`
    (`.tex` instead of `.pdf` with `tex_only`).

    `variants` is how many variants the worksheet printed (ids beyond it are unknown); by
    default any id up to ZZ is graded, drawn as `derivgen worksheet` draws it. `jobs` worker
    processes grade the students and as many LaTeX runs go side by side (default:
    `derivgen.documents.jobs`, measured there). `warn` receives one line per row that could
    not be graded as given, `report` one line per stage. Raises DerivgenError (one line) for
    a bad spec or answers file, having written nothing.
    """
    if jobs is not None and jobs < 1:
        raise DerivgenError(f"--jobs must be at least 1, not {jobs}")
    if variants is not None and variants < 1:
        raise DerivgenError(f"--variants must be at least 1, not {variants}")
    if not tex_only:
        require_tex()
    worksheet = spec if isinstance(spec, WorksheetSpec) else read_spec(Path(spec))
    sheet_rows = read_answers(Path(answers))
    by_student = _by_student(sheet_rows, answers)
    sheet = class_sheet(
        worksheet,
        (row.variant for row in sheet_rows.rows),
        seed=seed,
        printed=variants,
        source=str(answers),
        jobs=jobs,
    )
    stems = file_stems(by_student)
    workers = default_jobs(len(sheet_rows.rows)) if jobs is None else jobs
    warnings = list(sheet_rows.skipped)
    grades: list[StudentGrade] = []
    bar = tqdm(
        total=len(by_student) * (1 if tex_only else 2),
        desc="grading",
        unit="step",
        file=sys.stderr,
        disable=None if progress else True,
        delay=1.0,
        leave=False,
    )
    folder = Path(output) / FEEDBACK
    typesetters = default_typesetters() if jobs is None else jobs
    pdfs: dict[str, Path] = {}
    failed: list[str] = []
    with bar:
        started = time.perf_counter()
        with mapped(_grade, list(by_student.items()), workers, sheet) as graded:
            for result in graded:
                grades.append(result)
                bar.update()
        report(
            f"graded {len(grades)} students with {workers} process{'es' * (workers > 1)} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        with temporary_directory("derivgen-grade-") as staging:
            if not tex_only:
                bar.set_description("typesetting")
                started = time.perf_counter()
                pdfs, failed = _typeset(
                    grades, stems, Path(staging), folder, typesetters, advance=bar.update
                )
                report(f"typeset {len(grades)} PDFs in {time.perf_counter() - started:.1f} s")
            written = _put_in_place(sheet, grades, stems, pdfs, Path(output), tex_only=tex_only)
    # after the bar is gone, so that each warning is a whole line of its own
    warnings += [line for result in grades for line in result.warnings]
    for line in (*warnings, *failed):
        warn(line)
    return Grading(
        students=tuple(grades),
        stems=stems,
        marks=Path(output) / "marks.csv",
        written=tuple(written),
        warnings=tuple(warnings),
        failed=tuple(failed),
    )


def _grade(sheet: ClassSheet, item: tuple[str, list[AnswerRow]]) -> StudentGrade:
    """One student, in a worker process or this one."""
    student, rows = item
    return grade_student(sheet, student, rows)


def _by_student(sheet: AnswerSheet, answers: Path | str) -> dict[str, list[AnswerRow]]:
    """The rows of each student, students in the order the file first names them."""
    if not sheet.rows:
        raise DerivgenError(f"{answers}: no answers to grade (only a header line)")
    found: dict[str, list[AnswerRow]] = {}
    for row in sheet.rows:
        found.setdefault(row.student, []).append(row)
    return found


def _typeset(
    grades: list[StudentGrade],
    stems: Mapping[str, str],
    staging: Path,
    folder: Path,
    jobs: int,
    *,
    advance: Callable[[], object],
) -> tuple[dict[str, Path], list[str]]:
    """Every student's PDF into `staging`; a failure keeps its evidence in `folder` and is
    one line, and the others go on."""

    def build(result: StudentGrade) -> Path | str:
        stem = stems[result.student]
        try:
            return compile_pdf(result.latex, staging / f"{stem}.pdf", keep=folder / stem)
        except LatexError as error:
            return f"{result.student}: feedback PDF not written: {error.message}"
        finally:
            advance()

    with ThreadPoolExecutor(max(1, min(jobs, len(grades)))) as pool:
        built = list(pool.map(build, grades))
    pdfs = {g.student: b for g, b in zip(grades, built, strict=True) if isinstance(b, Path)}
    return pdfs, [b for b in built if isinstance(b, str)]


def _put_in_place(
    sheet: ClassSheet,
    grades: list[StudentGrade],
    stems: Mapping[str, str],
    pdfs: Mapping[str, Path],
    output: Path,
    *,
    tex_only: bool,
) -> list[Path]:
    """Each feedback file and marks.csv, atomically; a Ctrl-C waits until all are in place."""
    folder = output / FEEDBACK
    written = []
    with signals_deferred():
        for result in grades:
            # not Path.with_suffix: a stem such as `J.R._Smith` has dots of its own
            named = {suffix: folder / f"{stems[result.student]}{suffix}" for suffix in SUFFIXES}
            write_atomically(named[".txt"], result.text)
            written.append(named[".txt"])
            if tex_only:
                write_atomically(named[".tex"], result.latex)
                written.append(named[".tex"])
            elif result.student in pdfs:
                move_atomically(pdfs[result.student], named[".pdf"])
                written.append(named[".pdf"])
        write_atomically(output / "marks.csv", marks_csv(sheet, grades, stems))
        written.append(output / "marks.csv")
    return written
