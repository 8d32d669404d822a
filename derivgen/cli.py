"""The command line: argument parsing and one error handler around the library, nothing else."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from derivgen.api import LAYOUTS, VIEWS, derive
from derivgen.checker import check
from derivgen.documents import build_worksheets, write_atomically
from derivgen.errors import DerivgenError

OUTPUT_DIR = Path("output")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one `error:` line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise DerivgenError(message)


def _arguments() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="derivgen", description="Matrix calculus, derived step by step and checked."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    derive_cmd = commands.add_parser("derive", help="derive one derivative step by step")
    derive_cmd.add_argument("equation", help='the equation, such as "y = W x"')
    derive_cmd.add_argument("target", help='the derivative, such as "dy[3]/dx[7]"')
    derive_cmd.add_argument(
        "--shape",
        action="append",
        default=[],
        metavar="NAME=DIMS",
        help="declare a shape, such as W=C,D or x=1,D (repeatable)",
    )
    derive_cmd.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="arrange the assembled matrix in this layout (default: the note's arrangement)",
    )
    derive_cmd.add_argument(
        "--views",
        default="",
        metavar="VIEW[,VIEW]...",
        help=f"for a derivative by a matrix, add these views: {','.join(VIEWS)}",
    )
    derive_cmd.add_argument("--format", choices=("text", "latex", "json", "pdf"), default="text")
    derive_cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        help="write here instead of standard output (for pdf: instead of output/<name>.pdf)",
    )
    _add_worksheet_command(commands)
    _add_check_command(commands)
    return parser


def _add_check_command(commands: argparse._SubParsersAction) -> None:
    checking = commands.add_parser(
        "check", help="judge an answer: right, or which entry fails and why (exit 1 if wrong)"
    )
    checking.add_argument("equation", help='the equation, such as "y = W x"')
    checking.add_argument("target", help='the derivative, such as "dy/dx" or "dy[i]/dx[j]"')
    checking.add_argument("answer", nargs="?", help='the answer, such as "W" or "2 (W x - t) x^T"')
    checking.add_argument(
        "--general", metavar="FORMULA", help='an index formula instead, such as "delta(i, j) x[k]"'
    )
    checking.add_argument("--shape", action="append", default=[], metavar="NAME=DIMS")
    checking.add_argument("--layout", choices=LAYOUTS, help="the layout the answer is meant in")
    checking.add_argument("--format", choices=("text", "latex", "json", "pdf"), default="text")
    checking.add_argument("-o", "--output", type=Path, help="write here instead")


def _check(options: argparse.Namespace) -> int:
    """Print the verdict; the status is 0 when the answer is right and 1 when it is wrong."""
    result = check(
        options.equation,
        options.target,
        options.answer,
        options.shape,
        layout=options.layout,
        general=options.general,
    )
    if options.format == "pdf":
        name = _default_pdf_name(options.equation, options.target).with_suffix("")
        print(result.to_pdf(options.output or name.with_name(name.name + "-check.pdf")))
    else:
        _emit(
            options.output,
            {
                "text": result.to_text,
                "latex": result.to_latex,
                "json": lambda: json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n",
            }[options.format](),
        )
    return 0 if result.correct else 1


def _add_worksheet_command(commands: argparse._SubParsersAction) -> None:
    sheet = commands.add_parser(
        "worksheet", help="build a worksheet and its solution key from a problem-set file"
    )
    sheet.add_argument("spec", type=Path, help="the problem set, such as examples/hw.toml")
    sheet.add_argument("--variants", type=int, default=1, metavar="N", help="variants (1)")
    sheet.add_argument("--seed", default="0", metavar="S", help="seed of the draws (0)")
    sheet.add_argument(
        "-o", "--output", type=Path, default=OUTPUT_DIR, metavar="DIR", help="where (output/)"
    )
    sheet.add_argument("--templates", type=Path, metavar="DIR", help="a course's own templates")
    sheet.add_argument("--jobs", type=int, metavar="N", help="worker processes (one per core)")


def _worksheet(options: argparse.Namespace) -> None:
    written = build_worksheets(
        options.spec,
        derive=derive,
        variants=options.variants,
        seed=options.seed,
        output=options.output,
        templates=options.templates,
        jobs=options.jobs,
        progress=True,
    )
    for path in written:
        print(path)


def _default_pdf_name(equation: str, target: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{equation} {target}").strip("-") or "derivation"
    return OUTPUT_DIR / f"{slug}.pdf"


def _run(options: argparse.Namespace) -> int:
    if options.command == "worksheet":
        _worksheet(options)
        return 0
    if options.command == "check":
        return _check(options)
    derivation = derive(
        options.equation,
        options.target,
        options.shape,
        layout=options.layout,
        views=options.views,
    )
    if options.format == "pdf":
        destination = options.output or _default_pdf_name(options.equation, options.target)
        print(derivation.to_pdf(destination))
        return 0
    _emit(
        options.output,
        {
            "text": derivation.to_text,
            "latex": derivation.to_latex,
            "json": lambda: json.dumps(derivation.as_dict(), indent=2, ensure_ascii=False) + "\n",
        }[options.format](),
    )
    return 0


def _emit(output: Path | None, rendered: str) -> None:
    """Standard output, or the file `output` (replaced atomically, its path printed)."""
    if output is None:
        sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")
    else:
        write_atomically(output, rendered)
        print(output)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (2 for any error, with one `error:` line; 1 when
    `check` finds the answer wrong)."""
    try:
        return _run(_arguments().parse_args(argv))
    except DerivgenError as error:
        for line in error.lines():
            print(line, file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.strerror or error}: {error.filename}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
