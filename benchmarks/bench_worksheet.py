"""How long a worksheet takes: derivgen's own work beside the LaTeX engine's, and --jobs.

Prints two tables and a verdict:

1. A 100-problem worksheet and key (the note's and the homework's problems in turn, indices
   drawn): derivgen's time from spec to both .tex sources (read, draw, derive, render), in
   one process, beside latexmk's time compiling those same two sources, which is the floor
   any build of this document pays.
2. `examples/note-examples.toml` in 30 variants, built whole (spec to both PDFs) with
   --jobs 1 and --jobs 2, and the ratio.

The last line says whether derivgen's time for the 100-problem document (spec to both .tex)
is at most latexmk's time for it (both PDFs), the floor that any build of it pays.

Each figure is the median of --repeat runs in this process (the first run of each fills
sympy's caches and is not counted).

    python benchmarks/bench_worksheet.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from timing import median_seconds

from derivgen import derive
from derivgen.documents import build_worksheets, compile_pdf, read_spec
from derivgen.documents.worksheet import (
    DOCUMENTS,
    derive_all,
    distinct_problems,
    render_document,
    worksheet_context,
    worksheet_environment,
)
from derivgen.documents.worksheet_variants import draw_variants

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PROBLEMS = [
    """equation = "y = W x"
target = "dy[i]/dx[j]"
shapes = { W = "C,D" }
random = { indices = { i = [1, 9], j = [1, 9] } }""",
    """equation = "y = x W"
target = "dy[i]/dW[j,k]"
shapes = { x = "1,D", W = "D,C" }
random = { indices = { i = [1, 9], j = [1, 9], k = [1, 9] } }""",
    """equation = "Y = X W"
target = "dY[i,j]/dX[i,k]"
shapes = { X = "N,D", W = "D,C" }
random = { sizes = { N = [2, 5], D = [2, 5], C = [2, 5] }, indices = ["i", "j", "k"] }""",
    """equation = "y = W x"
target = "dy/dx"
random = { symbols = { W = ["W", "A", "M"] } }""",
    'equation = "f = W x"\ntarget = "df/dW"',
    'equation = "z = W x + b"\ntarget = "dz/db"',
    """equation = "s = x^T A x"
target = "ds/dx"
random = { symbols = { A = ["A", "B", "Q"] } }""",
    'equation = "y = sigma(W x)"\ntarget = "dy/dx"',
    'equation = "s = a^T X b"\ntarget = "ds/dX"',
    'equation = "L = (W x - t)^T (W x - t)"\ntarget = "dL/dW"',
]


def hundred_problems() -> str:
    """A problem set of 100 problems, cycling through PROBLEMS."""
    head = 'title = "Benchmark: one hundred problems"\ncourse = "derivgen"\n'
    problems = (
        f"[[problem]]\npoints = 2\nspace = 3\n{PROBLEMS[n % len(PROBLEMS)]}\n" for n in range(100)
    )
    return head + "\n".join(problems)


def sources(spec_path: Path, timings: list[float] | None = None) -> dict[str, str]:
    """Spec to the two .tex sources in this process: derivgen's own work, nothing of LaTeX.

    Appends the time spent deriving (each distinct problem once) to `timings`, when given."""
    spec = read_spec(spec_path)
    variants = draw_variants(spec, 1, "0")
    start = time.perf_counter()
    solutions = derive_all(spec, variants, derive, jobs=1)
    if timings is not None:
        timings.append(time.perf_counter() - start)
    context = worksheet_context(spec, variants, solutions, "0")
    environment = worksheet_environment()
    return {name: render_document(environment, name, context) for name in DOCUMENTS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat

    with tempfile.TemporaryDirectory(prefix="derivgen-bench-") as directory:
        folder = Path(directory)
        spec = folder / "hundred.toml"
        spec.write_text(hundred_problems(), encoding="utf-8")
        built = sources(spec)
        deriving: list[float] = []
        own = median_seconds(lambda: sources(spec, deriving), repeat)
        engine = {
            name: median_seconds(lambda n=name: compile_pdf(built[n], folder / f"{n}.pdf"), repeat)
            for name in DOCUMENTS
        }
        print(f"100-problem worksheet and key, median of {repeat} runs")
        print(f"{'stage':<44} {'s':>7}")
        print(f"{'derivgen: spec to both .tex (one process)':<44} {own:>7.2f}")
        distinct = len(distinct_problems(draw_variants(read_spec(spec), 1, "0")))
        of_which = statistics.median(deriving[1:])
        print(f"{f'  of which derive(), {distinct} distinct problems':<44} {of_which:>7.2f}")
        for name in DOCUMENTS:
            print(f"{f'latexmk -pdf: {name}':<44} {engine[name]:>7.2f}")
        print(f"{'latexmk -pdf: both':<44} {sum(engine.values()):>7.2f}")

        print()
        print(f"examples/note-examples.toml, 30 variants, spec to both PDFs, median of {repeat}")
        print(f"{'jobs':>4} {'s':>7} {'vs --jobs 1':>12}")
        baseline = None
        for jobs in (1, 2):
            seconds = median_seconds(
                lambda j=jobs: build_worksheets(
                    EXAMPLES / "note-examples.toml",
                    derive=derive,
                    variants=30,
                    output=folder / f"jobs{j}",
                    jobs=j,
                ),
                repeat,
            )
            baseline = baseline or seconds
            print(f"{jobs:>4} {seconds:>7.2f} {seconds / baseline:>12.2f}")

        latex = sum(engine.values())
        print()
        print(
            f"derivgen time <= LaTeX time (100 problems: spec to both .tex {own:.2f} s, "
            f"latexmk both {latex:.2f} s): {'yes' if own <= latex else 'no'}"
        )


if __name__ == "__main__":
    main()
