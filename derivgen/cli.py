"""The command line: argument parsing and one error handler around the library, nothing else.

The habits are those of the tools users know (pypa/build, pandoc, latexmk): `--version`,
`python -m derivgen`, `-` for standard input and output, `-q`/`-v`, and an exit status per
kind of failure (EXIT_CODES), each failure one `error:` line naming the user's own paths.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from derivgen._version import __version__
from derivgen.api import LAYOUTS, VIEWS, Derivation, derive
from derivgen.checker import check
from derivgen.documents import (
    build_derivation_pdf,
    build_worksheets,
    read_spec_text,
    write_atomically,
)
from derivgen.documents.files import temporary_directory
from derivgen.documents.latex_build import TexNotFoundError
from derivgen.documents.worksheet_spec import WorksheetSpec
from derivgen.errors import BuildError, DerivgenError
from derivgen.time_limit import DEFAULT_SECONDS

OUTPUT_DIR = Path("output")
STDIO = "-"

EXIT_WRONG_ANSWER = 1
"""Reserved for a future `check` command: the student's answer is wrong."""
EXIT_BAD_INPUT = 2
EXIT_LATEX_FAILED = 3
EXIT_NO_TEX = 4
EXIT_INTERRUPTED = 130
"""128 + SIGINT, as shells report a command stopped by Ctrl-C."""

EXIT_CODES = f"""exit status:
  0    success
  {EXIT_WRONG_ANSWER}    check: the answer is wrong (or right only in the other layout)
  {EXIT_BAD_INPUT}    bad input: usage, equation, target, shapes, problem set, templates, or
       a path that cannot be read or written
  {EXIT_LATEX_FAILED}    LaTeX failed (NAME.failed.tex and NAME.failed.log are kept beside the
       output)
  {EXIT_NO_TEX}    no TeX engine (latexmk, pdflatex) was found: use --tex-only
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); earlier outputs are left as they were"""

DERIVE_EXAMPLES = """examples:
  derivgen derive "y = W x" "dy[3]/dx[7]"
  derivgen derive "y = x W" "dy/dW" --shape x=1,D --shape W=D,C --format pdf -o y.pdf
  derivgen derive "Y = X W" "dY[2,5]/dX[2,4]" --format json -o - | jq .matrix
  echo "L = (W x - t)^T (W x - t)" | derivgen derive - "dL/dW"
  derivgen derive "z = x W + b" "dz/dW" --shape x=1,D --views index,vec,backprop
  derivgen derive "y = W x" "dy/dx" --tex-only -o y.tex     # compile y.tex elsewhere"""

WORKSHEET_EXAMPLES = """examples:
  derivgen worksheet examples/note-examples.toml --variants 3
  derivgen worksheet examples/backprop-homework.toml --outdir handouts --seed 2025
  derivgen worksheet hw.toml --tex-only                     # the .tex only, no TeX run
  cat hw.toml | derivgen worksheet - --outdir out           # writes out/stdin-*.pdf"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one `error:` line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise DerivgenError(message)


def _arguments() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="derivgen",
        description="Matrix calculus, derived step by step and checked.",
        epilog=f"{EXIT_CODES}\n\nRun `derivgen COMMAND --help` for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"derivgen {__version__}")
    chatter = _Parser(add_help=False)
    loudness = chatter.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only (no paths, notes or bar)"
    )
    loudness.add_argument(
        "-v", "--verbose", action="store_true", help="also say what took how long, on stderr"
    )
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        parser_class=_Parser,
        help="derive (one derivative), check (an answer) or worksheet (a problem set's PDFs)",
    )
    _add_derive_command(commands, chatter)
    _add_check_command(commands, chatter)
    _add_worksheet_command(commands, chatter)
    return parser


CHECK_EXAMPLES = """examples:
  derivgen check "y = W x" "dy/dx" "W"
  derivgen check "s = x^T A x" "ds/dx" "2 A x"                  # wrong: A is not symmetric
  derivgen check "f = W x" "df[i]/dW[m,n]" --general "delta(i, m) x[n]"
  derivgen check "s = logdet(X)" "ds/dX" "X^-T" --format json"""


def _add_check_command(commands: argparse._SubParsersAction, chatter: _Parser) -> None:
    cmd = commands.add_parser(
        "check",
        help="judge an answer: right, or which entry fails and why (exit 1 if wrong)",
        description="Judge an answer by evaluation; when wrong, derive an entry where it fails.",
        epilog=f"{CHECK_EXAMPLES}\n\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[chatter],
    )
    cmd.add_argument("equation", help='the equation, such as "y = W x"')
    cmd.add_argument("target", help='the derivative, such as "dy/dx" or "dy[i]/dx[j]"')
    cmd.add_argument("answer", nargs="?", help='the answer, such as "W" or "2 (W x - t) x^T"')
    cmd.add_argument(
        "--general", metavar="FORMULA", help='an index formula instead, such as "delta(i, j) x[k]"'
    )
    cmd.add_argument(
        "--shape", action="append", default=[], metavar="NAME=DIMS", help="declare a shape"
    )
    cmd.add_argument("--layout", choices=LAYOUTS, help="the layout the answer is meant in")
    cmd.add_argument(
        "--format",
        choices=("text", "latex", "json", "pdf"),
        default="text",
        help="text (the default), a LaTeX fragment, JSON for programs, or a PDF",
    )
    cmd.add_argument("-o", "--output", metavar="FILE", help="write to FILE (- for standard output)")


def _check(options: argparse.Namespace, console: _Console) -> int:
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
        destination = Path(options.output or name.with_name(name.name + "-check.pdf"))
        created = _creating(console, destination.parent)
        result.to_pdf(destination)
        created()
        console.wrote(destination)
    else:
        rendered = {
            "text": result.to_text,
            "latex": result.to_latex,
            "json": lambda: json.dumps(result.as_dict(), indent=2, ensure_ascii=False),
        }[options.format]()
        _emit(rendered if rendered.endswith("\n") else rendered + "\n", options.output, console)
    return 0 if result.correct else EXIT_WRONG_ANSWER


def _add_derive_command(commands: argparse._SubParsersAction, chatter: _Parser) -> None:
    cmd = commands.add_parser(
        "derive",
        help="derive one derivative step by step",
        description="Derive one derivative step by step; every line is checked.",
        epilog=f"{DERIVE_EXAMPLES}\n\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[chatter],
    )
    cmd.add_argument("equation", help='the equation, such as "y = W x" (- reads standard input)')
    cmd.add_argument("target", help='the derivative, such as "dy[3]/dx[7]" or "dL/dW"')
    cmd.add_argument(
        "--shape",
        action="append",
        default=[],
        metavar="NAME=DIMS",
        help="declare a shape, such as W=C,D or x=1,D (repeatable; others are inferred)",
    )
    cmd.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="arrange the assembled matrix in this layout (default: the note's arrangement)",
    )
    cmd.add_argument(
        "--views",
        default="",
        metavar="VIEW[,VIEW]...",
        help=f"for a derivative by a matrix, add these views: {','.join(VIEWS)}",
    )
    cmd.add_argument(
        "--format",
        choices=("text", "latex", "json", "pdf"),
        help="text (the default), a LaTeX fragment to paste, JSON for programs, or a PDF",
    )
    cmd.add_argument(
        "--tex-only",
        action="store_true",
        help="write the PDF's standalone .tex source instead of running TeX (implies pdf)",
    )
    cmd.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_SECONDS,
        metavar="SECONDS",
        help=f"stop deriving after SECONDS, with one error line (default {DEFAULT_SECONDS:g})",
    )
    cmd.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (- for standard output); text, latex and json go to standard "
        "output by default, a PDF to output/<equation-target>.pdf",
    )


def _add_worksheet_command(commands: argparse._SubParsersAction, chatter: _Parser) -> None:
    sheet = commands.add_parser(
        "worksheet",
        help="build a worksheet and its solution key from a problem-set file",
        description="Build NAME-worksheet.pdf and NAME-key.pdf, with their .tex sources, "
        "from a problem-set file (TOML; the README describes its fields).",
        epilog=f"{WORKSHEET_EXAMPLES}\n\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[chatter],
    )
    sheet.add_argument(
        "spec", help="the problem set, such as examples/note-examples.toml (- reads stdin)"
    )
    sheet.add_argument(
        "--variants",
        type=int,
        default=1,
        metavar="N",
        help="how many variants (1); each starts on a new page",
    )
    sheet.add_argument(
        "--seed",
        default="0",
        metavar="S",
        help="the seed of the draws (0): the same seed, the same PDFs",
    )
    sheet.add_argument(
        "--outdir",
        "-o",
        "--output",
        dest="outdir",
        type=Path,
        default=OUTPUT_DIR,
        metavar="DIR",
        help="the folder the four files go to (output/); -o and --output are aliases",
    )
    sheet.add_argument(
        "--templates", type=Path, metavar="DIR", help="a course's own templates, used first"
    )
    sheet.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes deriving the problems (default: one process for a small "
        "problem set, one per core for a large one)",
    )
    sheet.add_argument(
        "--tex-only", action="store_true", help="write the two .tex sources and run no TeX"
    )


class _Console:
    """Where -q and -v send what: paths to stdout, notes and timings to stderr."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.quiet = options.quiet
        self.verbose = options.verbose

    def wrote(self, path: Path) -> None:
        if not self.quiet:
            print(path)

    def note(self, line: str) -> None:
        if not self.quiet:
            print(f"derivgen: {line}", file=sys.stderr)

    def detail(self, line: str) -> None:
        if self.verbose:
            print(f"derivgen: {line}", file=sys.stderr)


def _creating(console: _Console, folder: Path) -> Callable[[], None]:
    """Call the result after writing: it says so if `folder` did not exist before."""
    existed = folder.exists()

    def done() -> None:
        if not existed and folder.is_dir():
            console.note(f"created the folder {folder}")

    return done


def _stdin(what: str) -> str:
    text = sys.stdin.read()
    if not text.strip():
        raise DerivgenError(f"{what}: standard input is empty")
    return text


def _worksheet(options: argparse.Namespace, console: _Console) -> None:
    outdir: Path = options.outdir
    if outdir.suffix.lower() == ".pdf":
        raise DerivgenError(
            f"--outdir {outdir}: the worksheet writes four files into a folder; "
            f"give a folder, such as {outdir.with_suffix('')}"
        )
    if outdir.exists() and not outdir.is_dir():
        raise DerivgenError(f"--outdir {outdir}: not a folder")
    spec: Path | WorksheetSpec = Path(options.spec)
    if options.spec == STDIO:
        spec = read_spec_text(_stdin("the problem set"), Path("<stdin>"), "stdin")
    created = _creating(console, outdir)
    written = build_worksheets(
        spec,
        derive=derive,
        variants=options.variants,
        seed=options.seed,
        output=outdir,
        templates=options.templates,
        jobs=options.jobs,
        progress=not console.quiet,
        tex_only=options.tex_only,
        report=console.detail,
    )
    created()
    for path in written:
        console.wrote(path)


def _default_pdf_name(equation: str, target: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{equation} {target}").strip("-") or "derivation"
    return OUTPUT_DIR / f"{slug}.pdf"


def _format(options: argparse.Namespace) -> str:
    if options.tex_only and options.format not in (None, "pdf"):
        raise DerivgenError(
            f"--tex-only writes a PDF's source: it goes with --format pdf, not {options.format}"
        )
    return options.format or ("pdf" if options.tex_only else "text")


def _derive(options: argparse.Namespace, console: _Console) -> None:
    output_format = _format(options)
    equation = _stdin("the equation").strip() if options.equation == STDIO else options.equation
    started = time.perf_counter()
    derivation = derive(
        equation,
        options.target,
        options.shape,
        layout=options.layout,
        views=options.views,
        time_limit=options.time_limit,
    )
    console.detail(f"derived and checked in {time.perf_counter() - started:.2f} s")
    if output_format == "pdf":
        _pdf(derivation, options, equation, console)
        return
    rendered = {
        "text": derivation.to_text,
        "latex": derivation.to_latex,
        "json": lambda: json.dumps(derivation.as_dict(), indent=2, ensure_ascii=False) + "\n",
    }[output_format]()
    _emit(rendered if rendered.endswith("\n") else rendered + "\n", options.output, console)


def _emit(data: str | bytes, output: str | None, console: _Console) -> None:
    """`data` to standard output (no FILE, or -) or to FILE atomically, saying where."""
    if output is None or output == STDIO:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
        return
    destination = Path(output)
    created = _creating(console, destination.parent)
    write_atomically(destination, data)
    created()
    console.wrote(destination)


def _pdf(
    derivation: Derivation, options: argparse.Namespace, equation: str, console: _Console
) -> None:
    """The PDF (or with --tex-only its source) at -o FILE, on standard output, or in output/."""
    to_stdout = options.output == STDIO
    destination = _default_pdf_name(equation, options.target)
    if options.output is not None and not to_stdout:
        destination = Path(options.output)
    if options.tex_only:
        target = None if to_stdout else str(destination.with_suffix(".tex"))
        _emit(derivation.to_latex(standalone=True), target, console)
        return
    if to_stdout and sys.stdout.isatty():
        raise DerivgenError("-o -: refusing to write a PDF to a terminal; redirect it")
    fragments = [derivation.to_latex()]
    started = time.perf_counter()
    if to_stdout:
        with temporary_directory("derivgen-") as directory:
            built = build_derivation_pdf(
                fragments, Path(directory) / "derivation.pdf", keep=destination.with_suffix("")
            )
            _emit(built.read_bytes(), STDIO, console)
    else:
        created = _creating(console, destination.parent)
        build_derivation_pdf(fragments, destination)
        created()
        console.wrote(destination)
    console.detail(f"typeset in {time.perf_counter() - started:.2f} s")


def _run(options: argparse.Namespace) -> int:
    console = _Console(options)
    if options.command == "check":
        return _check(options, console)
    if options.command == "worksheet":
        _worksheet(options, console)
    else:
        _derive(options, console)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (EXIT_CODES), every failure one `error:` line."""
    try:
        status = _run(_arguments().parse_args(argv))
    except SystemExit as done:  # --help and --version
        return done.code if isinstance(done.code, int) else 0
    except KeyboardInterrupt:
        print("derivgen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except DerivgenError as error:
        for line in error.lines():
            print(line, file=sys.stderr)
        if isinstance(error, TexNotFoundError):
            return EXIT_NO_TEX
        return EXIT_LATEX_FAILED if isinstance(error, BuildError) else EXIT_BAD_INPUT
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return status
