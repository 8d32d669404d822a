"""How long derive() takes, and whether it stays flat as the sizes grow.

Prints three tables: the median time of derive() (parse, derive, verify) for each example of
the note; the same for general expressions (the chain rule, losses, elementwise functions,
traces and the three views of d(Wx)/dW); and `y = W x` with concrete sizes 4, 64, 1024 and
10^6, each relative to size 4 run in the same process. Nothing in derive() may grow with the
sizes (only the small
verification instance is explicit), so the ratios must stay under 2.

    python benchmarks/bench_derive.py [--repeat N]
"""

from __future__ import annotations

import argparse

from timing import median_seconds

from derivgen import derive

NOTE_EXAMPLES = [
    ("1", "y = W x", "dy[3]/dx[7]", {"W": "C,D"}),
    ("1.2.1", "y = W x", "dy/dx", {"W": "C,D"}),
    ("2", "y = x W", "dy[3]/dx[7]", {"x": "1,D", "W": "D,C"}),
    ("3", "y = x W", "dy[3]/dW[7,8]", {"x": "1,D", "W": "D,C"}),
    ("3", "y = x W", "dy/dW", {"x": "1,D", "W": "D,C"}),
    ("4", "Y = X W", "dY[2,5]/dX[2,4]", {"X": "N,D", "W": "D,C"}),
    ("4", "Y = X W", "dY/dX", {"X": "N,D", "W": "D,C"}),
    ("math.SE", "f = W x", "df/dW", {"W": "n,m"}),
]
GENERAL_EXAMPLES = [
    ("chain", "y = V W x", "dy/dx", {}, {}),
    ("chain", "y = V W x", "dy/dW", {}, {}),
    ("chain", "y = U V W x", "dy/dx", {}, {}),
    ("bias", "z = W x + b", "dz/db", {}, {}),
    ("loss", "s = x^T A x", "ds/dx", {}, {}),
    ("loss", "L = (W x - t)^T (W x - t)", "dL/dW", {}, {}),
    ("trace", "s = tr(A X B)", "ds/dX", {}, {}),
    ("elementwise", "y = sigma(W x)", "dy/dx", {}, {}),
    ("elementwise", "y = tanh(W x + b)", "dy/dW", {}, {}),
    ("hadamard", "y = x .* z", "dy/dx", {}, {}),
    ("views", "f = W x", "df/dW", {}, {"views": "index,vec,backprop"}),
]
SIZES = [4, 64, 1024, 10**6]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat

    print(f"derive() median of {repeat} runs, each example of the note")
    print(f"{'section':<9} {'equation':<10} {'target':<16} {'ms':>8}")
    for section, equation, target, shapes in NOTE_EXAMPLES:
        seconds = median_seconds(lambda e=equation, t=target, s=shapes: derive(e, t, s), repeat)
        print(f"{section:<9} {equation:<10} {target:<16} {seconds * 1000:>8.1f}")

    print()
    print(f"derive() median of {repeat} runs, general expressions")
    print(f"{'kind':<12} {'equation':<27} {'target':<8} {'ms':>8}")
    for kind, equation, target, shapes, options in GENERAL_EXAMPLES:
        seconds = median_seconds(
            lambda e=equation, t=target, s=shapes, o=options: derive(e, t, s, **o), repeat
        )
        print(f"{kind:<12} {equation:<27} {target:<8} {seconds * 1000:>8.1f}")

    print()
    print("y = W x, dy[3]/dx[4], W square of size n (time relative to n = 4)")
    print(f"{'n':>9} {'ms':>8} {'ratio':>7}")
    baseline = None
    for n in SIZES:
        seconds = median_seconds(
            lambda n=n: derive("y = W x", "dy[3]/dx[4]", {"W": f"{n},{n}"}), repeat
        )
        baseline = baseline or seconds
        print(f"{n:>9} {seconds * 1000:>8.1f} {seconds / baseline:>7.2f}")


if __name__ == "__main__":
    main()
