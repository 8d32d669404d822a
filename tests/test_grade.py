"""`grade`: a class's marks, each verdict computed by the test oracle on explicit matrices.

The expected points come from `tests.test_check.oracle_reason` (sympy on explicit matrices
of symbols, the answer written again as explicit sympy arithmetic in the test), never from
derivgen's own judge or derivation; the problem each variant states comes from the
worksheet's own drawing (`draw_variants`), which is what grading must reuse.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import sympy

import derivgen.grading.student as student_module
from derivgen import DerivgenError, grade
from derivgen.answers import REASONS
from derivgen.cli import main
from derivgen.documents.worksheet_spec import read_spec
from derivgen.documents.worksheet_variants import draw_variants
from derivgen.grading.file_names import file_stem, file_stems
from derivgen.grading.student import NOT_GRADED
from tests import oracle
from tests.test_check import QUADRATIC, WX, Case, oracle_reason

SPEC = """
title = "Graded class"
course = "Matrix calculus"

[[problem]]
equation = "y = W x"
target = "dy/dx"
points = 2

[[problem]]
equation = "L = x^T A x"
target = "dL/dx"
points = 3

[[problem]]
equation = "f = W x"
target = "df/dW"
points = 4

[[problem]]
equation = "y = W x"
target = "dy[i]/dx[j]"
shapes = { W = "C,D" }
points = 1.5
[problem.random]
indices = { i = [1, 9], j = [1, 9] }
"""

SEED = "11"


def _wx(a):
    return a["W"] * a["x"]


def _quad(a):
    return a["x"].T * a["A"] * a["x"]


MATRIX_ANSWERS = {
    1: [
        ("W", lambda a: a["W"]),
        ("(W)", lambda a: a["W"]),
        ("W^T", lambda a: a["W"].T),
        ("2 W", lambda a: 2 * a["W"]),
        ("x", lambda a: a["x"]),
    ],
    2: [
        ("(A + A^T) x", lambda a: (a["A"] + a["A"].T) * a["x"]),
        ("A^T x + A x", lambda a: a["A"].T * a["x"] + a["A"] * a["x"]),
        ("2 A x", lambda a: 2 * a["A"] * a["x"]),
        ("A x", lambda a: a["A"] * a["x"]),
    ],
}
MATRIX_PROBLEMS = {1: ("y = W x", "dy/dx", WX, _wx), 2: ("L = x^T A x", "dL/dx", QUADRATIC, _quad)}


def _matrix_points(number: int, answer: str, claimed) -> float:
    equation, target, shapes, output = MATRIX_PROBLEMS[number]
    case = Case(equation, target, answer, shapes, output, claimed)
    return {1: 2.0, 2: 3.0}[number] if oracle_reason(case) == "right" else 0.0


FORMULA_ANSWERS = [
    ("delta(i, j) x[k]", lambda x, i, j, k: (1 if i == j else 0) * x[k - 1, 0]),
    ("x[k] KroneckerDelta(j, i)", lambda x, i, j, k: (1 if i == j else 0) * x[k - 1, 0]),
    ("x[k]", lambda x, i, j, k: x[k - 1, 0]),  # the math.SE thread's third answer
    ("2 delta(i, j) x[k]", lambda x, i, j, k: 2 * (1 if i == j else 0) * x[k - 1, 0]),
]


def _formula_points(claimed) -> float:
    """df/dW for f = W x on a 3x4 instance, every entry, by sympy."""
    arrays = oracle.instance({"W": (3, 4), "x": (4, 1)})
    f = arrays["W"] * arrays["x"]
    for i, j, k in itertools.product(range(1, 4), range(1, 4), range(1, 5)):
        truth = sympy.diff(f[i - 1, 0], arrays["W"][j - 1, k - 1])
        if sympy.expand(claimed(arrays["x"], i, j, k) - truth) != 0:
            return 0.0
    return 4.0


def _entry_points(answer_indices: tuple[int, int], drawn: tuple[int, int]) -> float:
    """dy[i]/dx[j] for y = W x is W[i, j]: sympy on a 9x9 instance at the drawn indices."""
    arrays = oracle.instance({"W": (9, 9), "x": (9, 1)})
    i, j = drawn
    truth = sympy.diff((arrays["W"] * arrays["x"])[i - 1, 0], arrays["x"][j - 1, 0])
    claimed = arrays["W"][answer_indices[0] - 1, answer_indices[1] - 1]
    return 1.5 if truth == claimed else 0.0


@dataclass
class Class:
    spec: Path
    answers: Path
    expected: dict[str, dict[str, float]]


def _drawn_indices(spec: Path, variants: int) -> dict[str, tuple[int, int]]:
    """Problem 4's (i, j) in each variant, as the worksheet draws them."""
    found = {}
    for variant in draw_variants(read_spec(spec), variants, SEED):
        target = variant.problems[3].target  # such as dy[4]/dx[7]
        i = int(target.split("[")[1].split("]")[0])
        j = int(target.split("[")[2].split("]")[0])
        found[variant.id] = (i, j)
    return found


def _class(tmp_path: Path) -> Class:
    """Eight students on two variants: every answer of the lists above once or more."""
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    indices = _drawn_indices(spec, 2)
    rows = []
    expected: dict[str, dict[str, float]] = {}
    for n in range(8):
        name, variant = f"Student {n + 1}", "AB"[n % 2]
        one, one_claim = MATRIX_ANSWERS[1][n % 5]
        two, two_claim = MATRIX_ANSWERS[2][n % 4]
        three, three_claim = FORMULA_ANSWERS[n % 4]
        i, j = indices[variant]
        four = (i, j) if n % 3 else (j, i)  # W[j, i] is wrong unless i = j
        rows += [
            [name, variant, "1", one],
            [name, variant.lower(), "2", two],  # ids are read as printed, case aside
            [name, variant, "3", three],
            [name, variant, "4", f"W[{four[0]}, {four[1]}]"],
        ]
        expected[name] = {
            "1": _matrix_points(1, one, one_claim),
            "2": _matrix_points(2, two, two_claim),
            "3": _formula_points(three_claim),
            "4": _entry_points(four, (i, j)),
        }
    answers = tmp_path / "answers.csv"
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["student", "variant", "problem", "answer"])
    writer.writerows(rows)
    answers.write_text(out.getvalue(), encoding="utf-8")
    return Class(spec, answers, expected)


def _marks(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_marks_agree_with_the_oracle_through_the_api(tmp_path: Path) -> None:
    c = _class(tmp_path)
    result = grade(c.spec, c.answers, seed=SEED, output=tmp_path / "out", tex_only=True)
    assert {s.student for s in result.students} == set(c.expected)
    assert not result.warnings
    for name, points in c.expected.items():
        assert result.student(name).points == points, name
    # the oracle's verdicts include right and wrong answers to every problem
    for label in ("1", "2", "3", "4"):
        assert {p[label] > 0 for p in c.expected.values()} == {True, False}
    marks = _marks(tmp_path / "out" / "marks.csv")
    for name, points in c.expected.items():
        assert float(marks[name]["total"]) == sum(points.values())
        assert [float(marks[name][f"problem {n}"]) for n in points] == list(points.values())


def test_marks_agree_with_the_oracle_through_main(tmp_path: Path, capsys) -> None:
    c = _class(tmp_path)
    out = tmp_path / "graded"
    argv = ["grade", str(c.spec), str(c.answers), "--seed", SEED, "-o", str(out), "--tex-only"]
    assert main([*argv, "--variants", "2"]) == 0
    marks = _marks(out / "marks.csv")
    for name, points in c.expected.items():
        assert float(marks[name]["total"]) == sum(points.values()), name
        assert marks[name]["variant"] in ("A", "B")
        text = (out / "feedback" / f"{marks[name]['feedback']}.txt").read_text(encoding="utf-8")
        assert f"Total:   {sum(points.values()):g} of 10.5 points" in text
    assert str(out / "marks.csv") in capsys.readouterr().out


def test_a_wrong_answer_gets_its_counterexample_and_a_right_one_is_marked_right(
    tmp_path: Path,
) -> None:
    c = _class(tmp_path)
    result = grade(c.spec, c.answers, seed=SEED, output=tmp_path / "out", tex_only=True)
    first = result.student("Student 1")  # W (right), (A + A^T) x (right), W[j, i] (wrong)
    assert first.answers[0].status == "right"
    assert "Right: the answer is ∂y/∂x" in first.answers[0].text
    wrong = first.answers[3]
    assert wrong.status == "value"
    assert "Why: the derivation of dy[" in wrong.text
    assert "The key's answer: W[" in wrong.text
    latex = (tmp_path / "out" / "feedback" / "Student_1.tex").read_text(encoding="utf-8")
    assert r"\textbf{Why}" in latex and r"\boxed{" in latex


def _write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([["student", "variant", "problem", "answer"], *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_bad_rows_score_zero_with_a_warning_and_never_stop_the_run(tmp_path: Path) -> None:
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    answers = _write(
        tmp_path / "answers.csv",
        [
            ["Ann", "A", "1", "W"],
            ["Ann", "Q", "2", "(A + A^T) x"],  # an unknown variant
            ["Ann", "A", "7", "W"],  # an unknown problem
            ["Ann", "A", "3", "delta(i, j x[k]"],  # cannot be read
            ["Ann", "A", "1", "W^T"],  # a second answer to problem 1
            ["Ann", "A", "4", ""],  # blank: allowed, no warning
            ["", "A", "1", "W"],  # no student
            ["Ann", "A", "2"],  # a field short
        ],
    )
    warned: list[str] = []
    result = grade(
        spec,
        answers,
        seed=SEED,
        output=tmp_path / "out",
        variants=3,
        tex_only=True,
        warn=warned.append,
    )
    ann = result.student("Ann")
    assert ann.points == {"1": 2.0, "2": 0.0, "3": 0.0, "4": 0.0}
    assert [a.status for a in ann.answers] == ["right", "unknown variant", "unreadable", "blank"]
    assert set(REASONS) | set(NOT_GRADED) >= {a.status for a in ann.answers}
    assert warned == list(result.warnings)
    assert len(warned) == 7
    expected = [
        "line 8: no student named; skipped",
        "line 9: 3 fields, but the header has 4; skipped",
        "line 4 (Ann): problem '7' is not on the worksheet (its problems are 1 to 4)",
        "line 6 (Ann): a second answer to problem 1 (the one on line 2 is graded)",
        "line 3 (Ann, problem 2): variant 'Q' is not on the worksheet (its variants are A to C)",
        "line 5 (Ann, problem 3): the answer cannot be read: '(' is never closed",
        "answers.csv (Ann): the rows name variants A, Q; each row is graded against its own",
    ]
    for line, fragment in zip(warned, expected, strict=True):
        assert "\n" not in line
        assert fragment in line
    text = (tmp_path / "out" / "feedback" / "Ann.txt").read_text(encoding="utf-8")
    assert "Not graded: variant 'Q' is not on the worksheet" in text
    assert "'(' is never closed: delta(i, j x[k]" in text
    assert "No answer given." in text
    assert "Line 4: problem '7' is not on the worksheet" in text


def test_a_variant_beyond_those_printed_is_unknown_only_when_their_number_is_given(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    answers = _write(tmp_path / "answers.csv", [["Ann", "D", "1", "W"], ["Bo", "7", "1", "W"]])
    printed = grade(spec, answers, seed=SEED, output=tmp_path / "a", variants=3, tex_only=True)
    assert printed.student("Ann").answers[0].status == "unknown variant"
    anyhow = grade(spec, answers, seed=SEED, output=tmp_path / "b", tex_only=True)
    assert anyhow.student("Ann").answers[0].status == "right"
    assert anyhow.student("Bo").answers[0].status == "unknown variant"
    assert "'7' is not a variant id" in anyhow.warnings[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,answer\nAnn,W\n", "student, variant, problem are missing"),
        ("student,variant,problem,answer\n", "no answers to grade"),
        ("", "the file is empty"),
    ],
)
def test_an_answers_file_nothing_can_be_graded_from_is_status_2(
    tmp_path: Path, capsys, content: str, message: str
) -> None:
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    answers = tmp_path / "answers.csv"
    answers.write_text(content, encoding="utf-8")
    assert main(["grade", str(spec), str(answers), "-o", str(tmp_path / "out"), "--tex-only"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]
    assert not (tmp_path / "out").exists()


def test_other_bad_input_is_status_2_and_no_tex_is_status_4(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    answers = _write(tmp_path / "answers.csv", [["Ann", "A", "1", "W"]])
    (tmp_path / "latin1.csv").write_bytes(
        "student,variant,problem,answer\nJosé,A,1,W\n".encode("latin-1")
    )
    out = str(tmp_path / "out")
    assert main(["grade", str(tmp_path / "none.csv"), str(answers), "-o", out, "--tex-only"]) == 2
    assert main(["grade", str(spec), str(tmp_path / "none.csv"), "-o", out, "--tex-only"]) == 2
    assert main(["grade", str(spec), str(tmp_path / "latin1.csv"), "-o", out, "--tex-only"]) == 2
    assert main(["grade", str(spec), str(answers), "-o", out, "--jobs", "0"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and all(line.startswith("error: ") for line in err)
    assert "not UTF-8" in err[2]
    monkeypatch.setenv("PATH", str(tmp_path))  # no latexmk, no pdflatex
    assert main(["grade", str(spec), str(answers), "-o", out]) == 4
    assert not (tmp_path / "out").exists()


def test_student_names_become_safe_distinct_file_names(tmp_path: Path) -> None:
    names = ["../../evil", "a/b", "a_b", "..", "CON", "Ann", "ann", "Zoë Ægir", ".hidden", "x\\y"]
    stems = file_stems(names)
    assert len({s.casefold() for s in stems.values()}) == len(names)
    for stem in stems.values():
        assert stem and "/" not in stem and "\\" not in stem and not stem.startswith(".")
        assert stem.upper() not in ("CON", "NUL", "PRN", "AUX")
    assert file_stem("Zoë Ægir") == "Zoë_Ægir"
    assert file_stem("..") == "student"
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    answers = _write(tmp_path / "answers.csv", [[name, "A", "1", "W"] for name in names])
    out = tmp_path / "deep" / "out"
    result = grade(spec, answers, seed=SEED, output=out, tex_only=True)
    feedback = (out / "feedback").resolve()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    for path in files:
        if path.suffix in (".txt", ".tex"):
            assert path.resolve().parent == feedback, path
    assert len(list(feedback.glob("*.txt"))) == len(names)
    marks = _marks(out / "marks.csv")
    assert set(marks) == set(names)  # the names themselves, quoted by the csv module
    assert {m["feedback"] for m in marks.values()} == set(result.stems.values())


def test_parallel_grading_gives_what_serial_grading_gives(tmp_path: Path) -> None:
    c = _class(tmp_path)
    serial = grade(c.spec, c.answers, seed=SEED, output=tmp_path / "one", jobs=1, tex_only=True)
    parallel = grade(c.spec, c.answers, seed=SEED, output=tmp_path / "two", jobs=2, tex_only=True)
    assert [s.points for s in serial.students] == [s.points for s in parallel.students]
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.*"))
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.*"))
    assert one == two
    for path in one:
        assert (tmp_path / "one" / path).read_bytes() == (tmp_path / "two" / path).read_bytes()


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    answers = _write(tmp_path / "answers.csv", [["Ann", "A", "1", "W"]])
    with pytest.raises(DerivgenError, match="--variants must be at least 1"):
        grade(spec, answers, variants=0, tex_only=True, output=tmp_path / "out")


@pytest.mark.latex
def test_the_key_of_a_worksheet_build_gets_full_marks_and_pdfs_are_written(tmp_path: Path) -> None:
    """The same spec and seed give `derivgen worksheet`'s variants: its NAME-key.json answers
    score full marks, and another variant's answers to the drawn problem do not."""
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    assert (
        main(["worksheet", str(spec), "--variants", "2", "--seed", SEED, "-o", str(tmp_path)]) == 0
    )
    key = json.loads((tmp_path / "class-key.json").read_text(encoding="utf-8"))
    rows = []
    for variant in key["variants"]:
        for problem in variant["problems"]:
            rows.append(
                [f"key {variant['id']}", variant["id"], str(problem["number"]), problem["answer"]]
            )
    b_entry = key["variants"][1]["problems"][3]["answer"]
    rows.append(["swapped", "A", "4", b_entry])
    answers = _write(tmp_path / "answers.csv", rows)
    result = grade(spec, answers, seed=SEED, output=tmp_path / "out", variants=2)
    assert result.student("key A").total == result.student("key B").total == 10.5
    assert result.student("swapped").total == 0  # the variants draw different indices
    for stem in result.stems.values():
        assert (tmp_path / "out" / "feedback" / f"{stem}.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.latex
def test_a_latex_failure_costs_only_that_students_pdf(tmp_path: Path, monkeypatch, capsys) -> None:
    real = student_module.feedback_document

    def broken_for_bob(**fields):
        source = real(**fields)
        if fields["student"] == "Bob":
            source = source.replace(r"\end{document}", "\\undefinedmacro\n\\end{document}")
        return source

    monkeypatch.setattr(student_module, "feedback_document", broken_for_bob)
    spec = tmp_path / "class.toml"
    spec.write_text(SPEC, encoding="utf-8")
    answers = _write(
        tmp_path / "answers.csv",
        [["Ann", "A", "1", "W"], ["Bob", "A", "1", "W^T"], ["Cy", "B", "1", "2 W"]],
    )
    out = tmp_path / "out"
    assert main(["grade", str(spec), str(answers), "-o", str(out), "--jobs", "1"]) == 3
    err = capsys.readouterr().err
    assert "Bob: feedback PDF not written: LaTeX failed" in err
    feedback = out / "feedback"
    assert (feedback / "Ann.pdf").is_file() and (feedback / "Cy.pdf").is_file()
    assert not (feedback / "Bob.pdf").exists()
    assert (feedback / "Bob.txt").is_file() and (feedback / "Bob.failed.log").is_file()
    assert set(_marks(out / "marks.csv")) == {"Ann", "Bob", "Cy"}


PARTS_SPEC = """
title = "A class with parts"

[[problem]]
equation = "z = W x + b"
shapes = { W = "C,D" }
[[problem.parts]]
target = "dz/db"
points = 2
[[problem.parts]]
target = "dz/dx"
points = 3

[[problem]]
equation = "L = x^T A x"
target = "dL/dx"
points = 1

[[problem]]
equation = "s = a^T X b"
shapes = { X = "C,D" }
[[problem.parts]]
target = "ds/da"
points = 1
[[problem.parts]]
target = "ds/db"
points = 1
[[problem.parts]]
target = "ds/dX"
points = 2
"""
LAYER = {"z": ("C", 1), "W": ("C", "D"), "x": ("D", 1), "b": ("C", 1)}
BILINEAR = {"s": (1, 1), "a": ("C", 1), "X": ("C", "D"), "b": ("D", 1)}
PARTS = {
    # label: (equation, target, shapes, output, points), as PARTS_SPEC states them
    "1a": ("z = W x + b", "dz/db", LAYER, lambda a: a["W"] * a["x"] + a["b"], 2.0),
    "1b": ("z = W x + b", "dz/dx", LAYER, lambda a: a["W"] * a["x"] + a["b"], 3.0),
    "2": ("L = x^T A x", "dL/dx", QUADRATIC, _quad, 1.0),
    "3a": ("s = a^T X b", "ds/da", BILINEAR, lambda a: a["a"].T * a["X"] * a["b"], 1.0),
    "3b": ("s = a^T X b", "ds/db", BILINEAR, lambda a: a["a"].T * a["X"] * a["b"], 1.0),
    "3c": ("s = a^T X b", "ds/dX", BILINEAR, lambda a: a["a"].T * a["X"] * a["b"], 2.0),
}
# (the problem as a row names it, the label it names, the answer, the answer in sympy)
PART_ROWS = {
    "Ann": [
        ("1a", "1a", "Identity(C)", lambda a: sympy.eye(a["b"].rows)),
        ("1(b)", "1b", "W", lambda a: a["W"]),
        ("2", "2", "A x + A^T x", lambda a: a["A"] * a["x"] + a["A"].T * a["x"]),
        ("3 A", "3a", "X b", lambda a: a["X"] * a["b"]),
        ("3B", "3b", "X^T a", lambda a: a["X"].T * a["a"]),
        ("3 (c)", "3c", "a b^T", lambda a: a["a"] * a["b"].T),
    ],
    "Bo": [
        ("1A", "1a", "W", lambda a: a["W"]),
        ("1 b", "1b", "W^T", lambda a: a["W"].T),
        ("3a", "3a", "X^T b", lambda a: a["X"].T * a["b"]),  # D x C by D x 1: no product
        ("3c", "3c", "b a^T", lambda a: a["b"] * a["a"].T),
    ],
}


def _part_points(label: str, answer: str, claimed) -> float:
    equation, target, shapes, output, points = PARTS[label]
    case = Case(equation, target, answer, shapes, output, claimed)
    return points if oracle_reason(case) == "right" else 0.0


def test_parts_are_named_as_printed_and_each_is_marked_by_the_oracle(tmp_path: Path) -> None:
    spec = tmp_path / "parts.toml"
    spec.write_text(PARTS_SPEC, encoding="utf-8")
    rows = [[s, "A", named, answer] for s, given in PART_ROWS.items() for named, _, answer, _ in given]
    answers = _write(tmp_path / "answers.csv", rows)
    result = grade(spec, answers, output=tmp_path / "out", variants=1, tex_only=True)
    assert not result.warnings
    expected = {}
    for student, given in PART_ROWS.items():
        earned = dict.fromkeys(PARTS, 0.0)  # a part without a row scores 0
        for _, label, answer, claimed in given:
            earned[label] = _part_points(label, answer, claimed)
        expected[student] = earned
        assert result.student(student).points == earned, student
    # the oracle's verdicts include right and wrong answers to parts
    assert {p["1b"] > 0 for p in expected.values()} == {True, False}
    assert {p["3c"] > 0 for p in expected.values()} == {True, False}
    with (tmp_path / "out" / "marks.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["student", "variant", *(f"problem {label}" for label in PARTS), "total", "feedback"]
    marks = _marks(tmp_path / "out" / "marks.csv")
    for student, earned in expected.items():
        assert [float(marks[student][f"problem {label}"]) for label in PARTS] == list(earned.values())
        assert float(marks[student]["total"]) == sum(earned.values())
    text = (tmp_path / "out" / "feedback" / "Bo.txt").read_text(encoding="utf-8")
    assert "Problem 1 (a): 0 of 2 points" in text and "Problem 3 (c): 0 of 2 points" in text
    assert "Problem 2: 0 of 1 point\n" in text and "Problem 1a" not in text
    latex = (tmp_path / "out" / "feedback" / "Ann.tex").read_text(encoding="utf-8")
    assert r"\section*{Problem 1 (b) \hfill" in latex and r"\section*{Problem 2 \hfill" in latex


@pytest.mark.parametrize(
    ("named", "message"),
    [
        ("1", "problem 1 has parts (a) and (b): name one, such as 1a"),
        ("3", "problem 3 has parts (a), (b) and (c): name one, such as 3a"),
        ("1c", "problem '1c' is not on the worksheet (problem 1 has parts (a) and (b))"),
        ("2a", "problem '2a' is not on the worksheet (problem 2 has no parts)"),
        ("4a", "problem '4a' is not on the worksheet (its problems are 1 to 3)"),
        ("1ab", "problem '1ab' is not on the worksheet (its problems are 1 to 3)"),
    ],
)
def test_a_row_that_names_no_problem_or_part_is_not_graded_and_says_why(
    tmp_path: Path, named: str, message: str
) -> None:
    spec = tmp_path / "parts.toml"
    spec.write_text(PARTS_SPEC, encoding="utf-8")
    answers = _write(tmp_path / "answers.csv", [["Ann", "A", named, "W"], ["Ann", "A", "1b", "W"]])
    result = grade(spec, answers, output=tmp_path / "out", tex_only=True)
    assert result.warnings == (f"{answers} line 2 (Ann): {message}; not graded",)
    ann = result.student("Ann")
    assert ann.not_graded == (f"Line 2: {message}; not graded.",)
    assert ann.points == {"1a": 0.0, "1b": 3.0, "2": 0.0, "3a": 0.0, "3b": 0.0, "3c": 0.0}
    assert message in (tmp_path / "out" / "feedback" / "Ann.txt").read_text(encoding="utf-8")


def test_two_rows_naming_one_part_in_different_ways_are_a_second_answer(tmp_path: Path) -> None:
    spec = tmp_path / "parts.toml"
    spec.write_text(PARTS_SPEC, encoding="utf-8")
    answers = _write(tmp_path / "answers.csv", [["Ann", "A", "1 (B)", "W^T"], ["Ann", "A", "1b", "W"]])
    result = grade(spec, answers, output=tmp_path / "out", tex_only=True)
    assert result.student("Ann").points["1b"] == _part_points("1b", "W^T", lambda a: a["W"].T)
    assert result.warnings == (
        f"{answers} line 3 (Ann): a second answer to problem 1b (the one on line 2 is graded); "
        "not graded",
    )


@pytest.mark.latex
def test_the_example_keys_answers_to_its_parts_get_full_marks(tmp_path: Path) -> None:
    """examples/backprop-homework.toml as `derivgen worksheet` builds it: each variant's
    NAME-key.json answers, named as the key names problems and parts (`1a`), score the
    spec's whole total, and marks.csv has a column per problem or part in the spec's order
    (read from the TOML itself)."""
    example = Path(__file__).parent.parent / "examples" / "backprop-homework.toml"
    problems = tomllib.loads(example.read_text(encoding="utf-8"))["problem"]
    labels, total = [], 0.0
    for number, problem in enumerate(problems, start=1):
        for letter, part in zip("abcdefgh", problem.get("parts", []), strict=False):
            labels.append(f"{number}{letter}")
            total += part["points"]
        if "parts" not in problem:
            labels.append(str(number))
            total += problem["points"]
    assert any(not label.isdigit() for label in labels)  # the example has parts
    assert main(["worksheet", str(example), "--variants", "3", "-o", str(tmp_path), "-q"]) == 0
    key = json.loads((tmp_path / "backprop-homework-key.json").read_text(encoding="utf-8"))
    rows = [
        [f"key {v['id']}", v["id"], f"{p['number']}{p.get('part', '')}", p["answer"]]
        for v in key["variants"]
        for p in v["problems"]
    ]
    answers = _write(tmp_path / "answers.csv", rows)
    result = grade(example, answers, output=tmp_path / "out", variants=3, tex_only=True)
    assert not result.warnings
    assert [s.total for s in result.students] == [total] * 3
    with (tmp_path / "out" / "marks.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[2:-2] == [f"problem {label}" for label in labels]
