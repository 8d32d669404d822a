"""`marks.csv`: one row per student, the points of each problem and the total, written with
the csv module (so a name with a comma or a quote stays one field)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from derivgen.grading.sheet import ClassSheet
from derivgen.grading.student import StudentGrade, points_text


def marks_csv(sheet: ClassSheet, grades: Sequence[StudentGrade], stems: Mapping[str, str]) -> str:
    """The marks as CSV text: student, variant, `problem N` per problem (`problem 1a` per
    part) in the spec's order, total, and the feedback files' name (the student's name made
    safe as a file name)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    labels = list(sheet.points)
    writer.writerow(["student", "variant", *(f"problem {n}" for n in labels), "total", "feedback"])
    for grade in grades:
        points = grade.points
        writer.writerow(
            [
                grade.student,
                " ".join(grade.variants),
                *(points_text(points[n]) for n in labels),
                points_text(grade.total),
                stems[grade.student],
            ]
        )
    return out.getvalue()
