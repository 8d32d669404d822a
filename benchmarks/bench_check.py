"""How long checking an answer and grading a class take.

Prints two tables:

1. `check` on a right and a wrong answer to problems of examples/backprop-homework.toml,
   beside `derive` of the same problem in the same process (the baseline: a check of a
   wrong answer derives the failing entry, so it costs about one derivation more than the
   judging). Each figure is the median of --repeat runs after a warm-up run.
2. `derivgen grade` on 30 students x examples/backprop-homework.toml (the example class's
   answers under 30 names, so right, wrong, blank and unreadable answers and an unknown
   variant all occur), with --jobs 1 and --jobs 2, each run in a fresh interpreter as the
   CLI is: grading alone (--tex-only) and with the 30 feedback PDFs, beside the default (no
   --jobs: one process grades, two PDFs compile side by side). Each ratio is over --jobs 1.

    python benchmarks/bench_check.py [--repeat N] [--grade-repeat N] [--no-pdf]
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_seconds

from derivgen import check, derive

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples" / "backprop-homework.toml"
ANSWERS = ROOT / "examples" / "backprop-homework-answers.csv"
STUDENTS = 30

# (equation, target, shapes, how check takes the answer, a right answer, a wrong answer)
PROBLEMS = [
    ("z = W x + b", "dz/dx", None, "answer", "W", "2 W"),
    ("s = x^T A x", "ds/dx", None, "answer", "A x + A^T x", "2 A x"),
    ("L = (W x - t)^T (W x - t)", "dL/dW", None, "answer", "2 (W x - t) x^T", "2 W x x^T"),
    (
        "y = sigma(W x)",
        "dy/dx",
        None,
        "answer",
        "DiagMatrix(HadamardProduct(sigma(W*x), OneMatrix(C, 1) - sigma(W*x)))*W",
        "DiagMatrix(sigma(W*x))*W",
    ),
    ("f = W x", "df/dW", None, "general", "delta(i, j) x[k]", "x[k]"),
    ("z = x W + b", "dz/dW", {"x": "1,D"}, "general", "delta(i, k) x[j]", "x[j]"),
]


def check_table(repeat: int) -> None:
    print(f"check beside derive (median of {repeat} runs, seconds)")
    header = ("problem", "derive", "check right", "ratio", "check wrong", "ratio")
    print(
        f"{header[0]:<34}{header[1]:>8}{header[2]:>13}{header[3]:>7}{header[4]:>13}{header[5]:>7}"
    )
    for equation, target, shapes, form, right, wrong in PROBLEMS:
        baseline = median_seconds(functools.partial(derive, equation, target, shapes), repeat)
        times = []
        for answer, correct in ((right, True), (wrong, False)):
            run = functools.partial(check, equation, target, shapes=shapes, **{form: answer})
            result = run()
            assert result.correct is correct, (equation, answer, result.reason)
            times.append(median_seconds(run, repeat))
        name = f"{target} for {equation}"
        print(
            f"{name[:33]:<34}{baseline:>8.3f}{times[0]:>13.3f}{times[0] / baseline:>7.2f}"
            f"{times[1]:>13.3f}{times[1] / baseline:>7.2f}"
        )


def class_answers(path: Path) -> None:
    """The example class's rows under STUDENTS names, the example students in turn."""
    with ANSWERS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_student: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_student.setdefault(row["student"], []).append(row)
    examples = list(by_student.values())
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["student", "variant", "problem", "answer"])
    for n in range(STUDENTS):
        for row in examples[n % len(examples)]:
            writer.writerow([f"Student {n + 1:02d}", row["variant"], row["problem"], row["answer"]])
    path.write_text(out.getvalue(), encoding="utf-8")


def grade_seconds(answers: Path, outdir: Path, jobs: int | None, pdf: bool) -> float:
    command = [sys.executable, "-m", "derivgen", "grade", str(SPEC), str(answers), "-q"]
    command += ["--variants", "3", "-o", str(outdir)]
    command += [] if jobs is None else ["--jobs", str(jobs)]
    command += [] if pdf else ["--tex-only"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run(command, check=True, env=environment, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def grade_table(repeat: int, pdf: bool) -> None:
    print()
    print(f"derivgen grade, {STUDENTS} students x {SPEC.name} (median of {repeat} runs, seconds)")
    print(f"{'what':<24}{'--jobs 1':>10}{'--jobs 2':>10}{'ratio':>8}{'default':>10}{'ratio':>8}")
    with tempfile.TemporaryDirectory(prefix="bench-check-") as scratch:
        answers = Path(scratch) / "answers.csv"
        class_answers(answers)
        for label, with_pdf in (("grading (--tex-only)", False), ("grading and 30 PDFs", True)):
            if with_pdf and not pdf:
                continue
            medians = []
            for jobs in (1, 2, None):
                out = Path(scratch) / f"out-{jobs}"
                runs = [grade_seconds(answers, out, jobs, with_pdf) for _ in range(repeat)]
                medians.append(statistics.median(runs))
            one, two, default = medians
            print(
                f"{label:<24}{one:>10.2f}{two:>10.2f}{two / one:>8.2f}"
                f"{default:>10.2f}{default / one:>8.2f}"
            )
    print(f"(cores: {os.cpu_count()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per check figure (5)")
    parser.add_argument("--grade-repeat", type=int, default=3, help="runs per grade figure (3)")
    parser.add_argument("--no-pdf", action="store_true", help="time grading without the PDFs")
    options = parser.parse_args()
    check_table(options.repeat)
    grade_table(options.grade_repeat, pdf=not options.no_pdf)


if __name__ == "__main__":
    main()
