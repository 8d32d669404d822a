"""The command line: argument parsing and one error handler around the library, nothing else."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from derivgen.api import derive
from derivgen.documents import write_atomically
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
    derive_cmd.add_argument("--format", choices=("text", "latex", "json", "pdf"), default="text")
    derive_cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        help="write here instead of standard output (for pdf: instead of output/<name>.pdf)",
    )
    return parser


def _default_pdf_name(equation: str, target: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{equation} {target}").strip("-") or "derivation"
    return OUTPUT_DIR / f"{slug}.pdf"


def _run(options: argparse.Namespace) -> None:
    derivation = derive(options.equation, options.target, options.shape)
    if options.format == "pdf":
        destination = options.output or _default_pdf_name(options.equation, options.target)
        print(derivation.to_pdf(destination))
        return
    rendered = {
        "text": derivation.to_text,
        "latex": derivation.to_latex,
        "json": lambda: json.dumps(derivation.as_dict(), indent=2, ensure_ascii=False) + "\n",
    }[options.format]()
    if options.output is None:
        sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")
    else:
        write_atomically(options.output, rendered)
        print(options.output)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (2 for any error, with one `error:` line)."""
    try:
        _run(_arguments().parse_args(argv))
    except DerivgenError as error:
        for line in error.lines():
            print(line, file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.strerror or error}: {error.filename}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
