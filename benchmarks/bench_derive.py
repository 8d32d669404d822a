"""How long derive() takes beside SymPy's bare diff, and whether it stays flat as sizes grow.

Prints three tables and a goals block:

1. each example of the note: the median time of derive() (parse, derive, verify: every
   check on) beside SymPy's bare `MatrixSymbol.diff` on the same right-hand side with the
   same sizes (benchmarks/sympy_baseline.py, written by hand), and the ratio derive/sympy;
2. the same for general expressions (the chain rule, losses, elementwise functions, traces,
   the three views of d(Wx)/dW, a sigmoid layer `y = V sigma(W x)` and `tr(A X B X^T C)`);
3. `y = W x` with concrete sizes 4, 64, 1024 and 10^6, each relative to size 4 run in the
   same process. Nothing in derive() may grow with the sizes (only the small verification
   instance is explicit), so the ratios must stay under 2.

The goals block states, as measured in this run, how many of the note's examples are within
10x of SymPy's bare diff and which examples of tables 1 and 2 take more than 300 ms. Both
sides are timed in this process by the same `median_seconds`. Where SymPy cannot
differentiate an expression, its column reads n/a with a footnote saying why.

    python benchmarks/bench_derive.py [--repeat N]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

import sympy
from sympy_baseline import parse_sizes, sympy_diff
from timing import median_seconds

from derivgen import Derivation, derive

WITHIN = 10.0
"""The note's examples should cost at most this many times SymPy's bare diff."""
SLOW_SECONDS = 0.3
"""An example slower than this is named in the goals block."""


@dataclass(frozen=True)
class Example:
    """One derive() call and the sizes of its right-hand side, written out for SymPy."""

    label: str
    equation: str
    target: str
    sizes: str  # every name on the right-hand side, as derivgen declares or infers it
    shapes: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)


NOTE_EXAMPLES = [
    Example("1", "y = W x", "dy[3]/dx[7]", "W=C,D x=D,1", {"W": "C,D"}),
    Example("1.2.1", "y = W x", "dy/dx", "W=C,D x=D,1", {"W": "C,D"}),
    Example("2", "y = x W", "dy[3]/dx[7]", "x=1,D W=D,C", {"x": "1,D", "W": "D,C"}),
    Example("3", "y = x W", "dy[3]/dW[7,8]", "x=1,D W=D,C", {"x": "1,D", "W": "D,C"}),
    Example("3", "y = x W", "dy/dW", "x=1,D W=D,C", {"x": "1,D", "W": "D,C"}),
    Example("4", "Y = X W", "dY[2,5]/dX[2,4]", "X=N,D W=D,C", {"X": "N,D", "W": "D,C"}),
    Example("4", "Y = X W", "dY/dX", "X=N,D W=D,C", {"X": "N,D", "W": "D,C"}),
    Example("math.SE", "f = W x", "df/dW", "W=n,m x=m,1", {"W": "n,m"}),
]
GENERAL_EXAMPLES = [
    Example("chain", "y = V W x", "dy/dx", "V=C,M W=M,D x=D,1"),
    Example("chain", "y = V W x", "dy/dW", "V=C,M W=M,D x=D,1"),
    Example("chain", "y = U V W x", "dy/dx", "U=C,M V=M,N W=N,D x=D,1"),
    Example("bias", "z = W x + b", "dz/db", "W=C,D x=D,1 b=C,1"),
    Example("loss", "s = x^T A x", "ds/dx", "x=C,1 A=C,C"),
    Example("loss", "L = (W x - t)^T (W x - t)", "dL/dW", "W=C,D x=D,1 t=C,1"),
    Example("trace", "s = tr(A X B)", "ds/dX", "A=C,D X=D,M B=M,C"),
    Example("elementwise", "y = sigma(W x)", "dy/dx", "W=C,D x=D,1"),
    Example("elementwise", "y = tanh(W x + b)", "dy/dW", "W=C,D x=D,1 b=C,1"),
    Example("hadamard", "y = x .* z", "dy/dx", "x=C,1 z=C,1"),
    Example("views", "f = W x", "df/dW", "W=C,D x=D,1", options={"views": "index,vec,backprop"}),
    Example("layer", "y = V sigma(W x)", "dy/dx", "V=C,M W=M,D x=D,1"),
    Example("trace", "s = tr(A X B X^T C)", "ds/dX", "A=D,M X=M,N B=N,N C=M,D"),
    Example("det", "s = det(X)", "ds/dX", "X=C,C"),
    Example("logdet", "s = logdet(X)", "ds/dX", "X=C,C"),
    Example("inverse", "Y = X^-1", "dY/dX", "X=C,C"),
    Example("inverse", "Y = X^-1", "dY[1,2]/dX[3,1]", "X=C,C"),
    Example("inverse", "s = a^T X^-1 b", "ds/dX", "a=C,1 X=C,C b=C,1"),
    Example("gaussian", "L = (x - m)^T S^-1 (x - m) + logdet(S)", "dL/dS", "x=C,1 m=C,1 S=C,C"),
]
SIZES = [4, 64, 1024, 10**6]


@dataclass(frozen=True)
class Measured:
    """An example's median derive() time beside SymPy's (None, with the reason, if n/a)."""

    example: Example
    derive_seconds: float
    sympy_seconds: float | None
    sympy_missing: str | None = None


def time_derive(example: Example, repeat: int) -> float:
    """Median derive() time; the sizes it used must be the ones SymPy is given."""
    results: list[Derivation] = []

    def call() -> None:
        results.append(derive(example.equation, example.target, example.shapes, **example.options))

    seconds = median_seconds(call, repeat)
    used = results[-1].as_dict()["shapes"]  # read after timing: as_dict() renders every step
    for name, dims in parse_sizes(example.sizes).items():
        if [str(dim) for dim in used[name]] != dims:
            raise SystemExit(
                f"{example.equation}: derive() sizes {name} as {used[name]}, the SymPy "
                f"baseline as {dims}; fix the example's sizes so both time the same problem"
            )
    return seconds


def time_sympy(example: Example, repeat: int) -> tuple[float | None, str | None]:
    """Median time of SymPy's bare diff, or None and the reason SymPy cannot do it."""
    call = sympy_diff(example.equation, example.target, example.sizes)
    try:
        result = call()
    except Exception as error:  # any failure of SymPy's means there is no number to show
        return None, f"SymPy {sympy.__version__} raises {type(error).__name__}: {error}"
    if result.has(sympy.Derivative):
        return None, f"SymPy {sympy.__version__} returns the derivative unevaluated"
    if result == 0 or isinstance(result, sympy.ZeroMatrix):  # no example's derivative is 0
        return None, f"SymPy {sympy.__version__} returns 0, which is wrong"
    return median_seconds(call, repeat), None


def measure(example: Example, repeat: int) -> Measured:
    """Both timings of one example, derive() first, in this process."""
    derive_seconds = time_derive(example, repeat)
    sympy_seconds, missing = time_sympy(example, repeat)
    return Measured(example, derive_seconds, sympy_seconds, missing)


def print_table(title: str, label: str, rows: list[Measured]) -> None:
    """One table of derive() beside SymPy, with footnotes for every n/a."""
    print(title)
    print(
        f"{label:<12} {'equation':<27} {'target':<16} {'derive ms':>10} {'sympy ms':>9} "
        f"{'ratio':>7}"
    )
    footnotes: list[str] = []
    for row in rows:
        example = row.example
        derive_ms = f"{row.derive_seconds * 1000:.1f}"
        if row.sympy_seconds is None:
            footnotes.append(f"{example.equation}, {example.target}: {row.sympy_missing}")
            sympy_ms, ratio = f"n/a [{len(footnotes)}]", "n/a"
        else:
            sympy_ms = f"{row.sympy_seconds * 1000:.1f}"
            ratio = f"{row.derive_seconds / row.sympy_seconds:.1f}x"
        print(
            f"{example.label:<12} {example.equation:<27} {example.target:<16} "
            f"{derive_ms:>10} {sympy_ms:>9} {ratio:>7}"
        )
    for number, footnote in enumerate(footnotes, start=1):
        print(f"  [{number}] {footnote}")


def print_goals(note: list[Measured], general: list[Measured]) -> None:
    """The issue's two goals, as this run measured them."""
    within = [
        row
        for row in note
        if row.sympy_seconds is not None and row.derive_seconds <= WITHIN * row.sympy_seconds
    ]
    missing = sum(row.sympy_seconds is None for row in note)
    slow = [row for row in note + general if row.derive_seconds > SLOW_SECONDS]
    print("Goals, as measured in this run")
    names = "; ".join(
        f"{row.example.label} {row.example.equation}, {row.example.target}" for row in within
    )
    print(
        f"  note examples within {WITHIN:.0f}x of SymPy's bare diff: {len(within)} of "
        f"{len(note)}"
        + (f" ({names})" if names else "")
        + (f"; {missing} without a SymPy figure" if missing else "")
    )
    print(
        f"  examples over {SLOW_SECONDS * 1000:.0f} ms: {len(slow)} of {len(note) + len(general)}"
        + (":" if slow else "")
    )
    for row in slow:
        example = row.example
        print(
            f"    {example.label:<12} {example.equation:<27} {example.target:<16} "
            f"{row.derive_seconds * 1000:>10.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat

    note = [measure(example, repeat) for example in NOTE_EXAMPLES]
    print_table(
        f"derive() (all checks on) beside SymPy's bare diff, median of {repeat} runs, "
        "each example of the note",
        "section",
        note,
    )

    print()
    general = [measure(example, repeat) for example in GENERAL_EXAMPLES]
    print_table(
        f"derive() (all checks on) beside SymPy's bare diff, median of {repeat} runs, "
        "general expressions",
        "kind",
        general,
    )

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

    print()
    print_goals(note, general)


if __name__ == "__main__":
    main()
