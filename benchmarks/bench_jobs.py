"""Where a second worker process starts to pay: derive_all's time with --jobs 1 and 2.

For problem sets of growing size (the 100-problem benchmark's problems, cut to N, in one
or more variants; the table counts the distinct problems derived), each figure is the
median of --repeat runs, each in a fresh interpreter as the CLI would be (cold caches; a
worker process costs a fork and its own cold caches).

    python benchmarks/bench_jobs.py [--repeat N] [--sizes 2,4,8,...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ONE_RUN = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {bench!r})
from bench_worksheet import hundred_problems
from derivgen import derive
from derivgen.documents import read_spec
from derivgen.documents.worksheet import derive_all, distinct_problems
from derivgen.documents.worksheet_variants import draw_variants

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "set.toml"
    path.write_text(hundred_problems(), encoding="utf-8")
    spec = read_spec(path)
spec = spec.__class__(**{{**spec.__dict__, "problems": spec.problems[:{size}]}})
drawn = draw_variants(spec, {variants}, "0")
started = time.perf_counter()
derive_all(spec, drawn, derive, jobs={jobs})
print(len(distinct_problems(drawn)), time.perf_counter() - started)
"""


def run_once(size: int, variants: int, jobs: int) -> tuple[int, float]:
    bench = str(Path(__file__).resolve().parent)
    code = ONE_RUN.format(bench=bench, size=size, variants=variants, jobs=jobs)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    distinct, seconds = out.stdout.split()
    return int(distinct), float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--sizes",
        default="2,4,8,16,48,100,100x3,100x6,100x12",
        help="problems taken from the 100, each as N or NxVARIANTS",
    )
    options = parser.parse_args()
    print(f"{'distinct':>8} {'jobs 1 (s)':>11} {'jobs 2 (s)':>11} {'2 / 1':>6}")
    for given in options.sizes.split(","):
        size, _, variants = given.partition("x")
        times = {}
        for jobs in (1, 2):
            runs = [run_once(int(size), int(variants or 1), jobs) for _ in range(options.repeat)]
            distinct = runs[0][0]
            times[jobs] = statistics.median(seconds for _, seconds in runs)
        print(f"{distinct:>8} {times[1]:>11.3f} {times[2]:>11.3f} {times[2] / times[1]:>6.2f}")


if __name__ == "__main__":
    main()
