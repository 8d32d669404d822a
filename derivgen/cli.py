"""The command line: argument parsing and one error handler around the library, nothing else.

The habits are those of the tools users know (pypa/build, pandoc, latexmk): `--version`,
`python -m derivgen`, `-` for standard input and output, `-q`/`-v`, and an exit status per
kind of failure (EXIT_CODES), each failure one `error:` line naming the user's own paths.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from derivgen._version import __version__
from derivgen.api import LAYOUTS, VIEWS, Derivation, derive
from derivgen.checker import check
from derivgen.documents import (
    build_derivation_pdf,
    build_worksheets,
    derivation_document,
    read_spec_text,
    write_atomically,
)
from derivgen.documents.article import PAPERS
from derivgen.documents.files import temporary_directory
from derivgen.documents.latex_build import TexNotFoundError
from derivgen.documents.worksheet_spec import WorksheetSpec
from derivgen.errors import (
    EXIT_INTERRUPTED,
    INTERRUPTED,
    BuildError,
    DerivgenError,
    Terminated,
    printable,
    raise_terminated,
)
from derivgen.exports import FORMATS as EXPORT_FORMATS
from derivgen.exports import bank_data, export_bank
from derivgen.grading import grade
from derivgen.time_limit import DEFAULT_SECONDS

OUTPUT_DIR = Path("output")
STDIO = "-"

EXIT_WRONG_ANSWER = 1
"""`check`: the answer is wrong (grade exits 0 whatever the marks)."""
EXIT_BAD_INPUT = 2
EXIT_LATEX_FAILED = 3
EXIT_NO_TEX = 4
EXIT_TERMINATED = 143
"""128 + SIGTERM: stopped by `kill` (or a grader's time limit), after the same clean-up."""
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: whoever read standard output stopped reading (`| head -1`); no message."""

EXIT_CODES = f"""exit status:
  0    success
  {EXIT_WRONG_ANSWER}    check: the answer is wrong (or right only in the other layout)
  {EXIT_BAD_INPUT}    bad input: usage, equation, target, shapes, problem set, templates, or
       a path that cannot be read or written
  {EXIT_LATEX_FAILED}    LaTeX failed (NAME.failed.tex and NAME.failed.log are kept beside the
       output; grade writes every other file)
  {EXIT_NO_TEX}    no TeX engine (latexmk, pdflatex) was found: use --tex-only
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); earlier outputs are left as they were
  {EXIT_BROKEN_PIPE}  standard output was closed by its reader (such as | head), silently
  {EXIT_TERMINATED}  terminated (SIGTERM); earlier outputs are left as they were"""

DERIVE_EXAMPLES = """examples:
  derivgen derive "y = W x" "dy[3]/dx[7]"
  derivgen derive "y = x W" "dy/dW" --shape x=1,D --shape W=D,C --format pdf -o y.pdf
  derivgen derive "Y = X W" "dY[2,5]/dX[2,4]" --format json -o - | jq .matrix
  echo "L = (W x - t)^T (W x - t)" | derivgen derive - "dL/dW"
  derivgen derive "z = x W + b" "dz/dW" --shape x=1,D --views index,vec,backprop
  derivgen derive "y = W x" "dy/dx" --tex-only -o y.tex     # compile y.tex elsewhere
  derivgen derive "y = W x" "dy/dx" --format html -o y.html # a page that opens offline"""

WORKSHEET_EXAMPLES = """examples:
  derivgen worksheet examples/note-examples.toml --variants 3
  derivgen worksheet examples/backprop-homework.toml --outdir handouts --seed 2025
  derivgen worksheet hw.toml --tex-only                     # the .tex only, no TeX run
  derivgen worksheet hw.toml --html                         # the PDFs and two web pages
  cat hw.toml | derivgen worksheet - --outdir out           # writes out/stdin-*.pdf"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one `error:` line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise DerivgenError(message)


class _CommandParser(_Parser):
    """A subcommand's parser, which takes its positionals among the options, as in
    `derivgen check "y = W x" dy/dx --shape W=C,D W`: argparse's own parse hands the first
    run of positionals every positional, leaving an optional one (check's answer) unmatched
    when it comes after an option."""

    _intermixing = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._intermixing:  # the intermixed parse calls this itself, twice
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def _add_outdir(cmd: argparse.ArgumentParser, description: str) -> None:
    """`--outdir DIR` (or `-o`, `--output`), output/ by default: where a command's files go."""
    cmd.add_argument(
        "--outdir",
        "-o",
        "--output",
        dest="outdir",
        type=Path,
        default=OUTPUT_DIR,
        metavar="DIR",
        help=description,
    )


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
        parser_class=_CommandParser,
        help="derive (one derivative), check (an answer), worksheet (a problem set's PDFs), "
        "grade (a class's answers) or export (a problem set as a Moodle or QTI question bank)",
    )
    _add_derive_command(commands, chatter)
    _add_check_command(commands, chatter)
    _add_worksheet_command(commands, chatter)
    _add_grade_command(commands, chatter)
    _add_export_command(commands, chatter)
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
        choices=("text", "latex", "json", "pdf", "html"),
        default="text",
        help="text (the default), a LaTeX fragment, JSON for programs, a PDF, or an HTML page "
        "that opens offline (html and pdf go to output/<equation-target>-check.EXT)",
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
    name = _default_pdf_name(options.equation, options.target).with_suffix("")
    if options.format == "pdf" and options.output == STDIO:
        _pdf_on_stdout(result.to_pdf, console)
    elif options.format == "pdf":
        destination = Path(options.output or name.with_name(name.name + "-check.pdf"))
        created = _creating(console, destination.parent)
        result.to_pdf(destination)
        created()
        console.wrote(destination)
    elif options.format == "html":
        default = name.with_name(name.name + "-check.html")
        _emit(result.to_html(standalone=True), options.output or str(default), console)
    else:
        rendered = {
            "text": result.to_text,
            "latex": result.to_latex,
            "json": lambda: json.dumps(result.as_dict(), indent=2, ensure_ascii=False),
        }[options.format]()
        _emit(rendered if rendered.endswith("\n") else rendered + "\n", options.output, console)
    return 0 if result.correct else EXIT_WRONG_ANSWER


GRADE_EXAMPLES = """examples:
  derivgen grade examples/backprop-homework.toml examples/backprop-homework-answers.csv --variants 3
  derivgen grade hw.toml answers.csv --seed 2025 -o graded --jobs 2
  derivgen grade hw.toml answers.csv --tex-only             # feedback .tex, no TeX run

ANSWERS.csv has a header line and one row per answer: student,variant,problem,answer
(variant ids as the worksheet prints them, problems by number, blank answers allowed)."""


def _add_grade_command(commands: argparse._SubParsersAction, chatter: _Parser) -> None:
    cmd = commands.add_parser(
        "grade",
        help="grade a class's answers: marks.csv and one feedback file per student",
        description="Check every answer of ANSWERS.csv against its variant of the worksheet "
        "SPEC builds; write DIR/marks.csv and DIR/feedback/STUDENT.pdf and .txt. A row that "
        "cannot be graded scores 0 with a warning; it never stops the run.",
        epilog=f"{GRADE_EXAMPLES}\n\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[chatter],
    )
    cmd.add_argument("spec", help="the problem set the worksheet was built from")
    cmd.add_argument("answers", help="the answers, a CSV file: student,variant,problem,answer")
    cmd.add_argument(
        "--seed", default="0", metavar="S", help="the worksheet's seed (0), so the same variants"
    )
    cmd.add_argument(
        "--variants",
        type=int,
        metavar="N",
        help="how many variants the worksheet printed (ids beyond are unknown; default: any)",
    )
    _add_outdir(cmd, "the folder for marks.csv and feedback/ (output/)")
    cmd.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes grading the students (default: one process for a small class)",
    )
    cmd.add_argument(
        "--tex-only", action="store_true", help="write each feedback's .tex instead of its PDF"
    )


def _grade(options: argparse.Namespace, console: _Console) -> int:
    """Marks and feedback; exit status 3 when a feedback PDF could not be built."""
    outdir: Path = options.outdir
    if outdir.exists() and not outdir.is_dir():
        raise DerivgenError(f"--outdir {outdir}: not a folder")
    created = _creating(console, outdir)
    result = grade(
        options.spec,
        options.answers,
        seed=options.seed,
        output=outdir,
        variants=options.variants,
        jobs=options.jobs,
        tex_only=options.tex_only,
        progress=not console.quiet,
        warn=console.warning,
        report=console.detail,
    )
    created()
    console.wrote(result.marks)
    console.note(f"feedback for {len(result.students)} students in {outdir / 'feedback'}")
    return EXIT_LATEX_FAILED if result.failed else 0


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
        choices=("text", "latex", "json", "pdf", "html", "numpy"),
        help="text (the default), a LaTeX fragment to paste, JSON for programs, a PDF, an "
        "HTML page that opens offline (MathJax inside), or numpy (a Python module computing f "
        "and the derivative, with check_gradient())",
    )
    cmd.add_argument(
        "--width",
        type=int,
        metavar="N",
        help="wrap text output at N columns (default: the terminal's width, 80 when not a "
        "terminal)",
    )
    cmd.add_argument(
        "--ascii",
        action="store_true",
        help="text output in plain ASCII (W[3,7], x^T, dy/dx), for terminals and logs without "
        "Unicode; chosen by itself when standard output cannot encode Unicode",
    )
    cmd.add_argument(
        "--tex-only",
        action="store_true",
        help="write the PDF's standalone .tex source instead of running TeX (implies pdf)",
    )
    cmd.add_argument(
        "--paper", choices=tuple(PAPERS), help="the PDF's paper size (default: LaTeX's, letter)"
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
        "output by default, a PDF or HTML page to output/<equation-target>.pdf or .html",
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
    _add_outdir(sheet, "the folder the four files go to (output/); -o and --output are aliases")
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
    sheet.add_argument(
        "--split",
        action="store_true",
        help="one worksheet PDF per variant (NAME-worksheet-A.pdf, ...) instead of one for all",
    )
    sheet.add_argument(
        "--paper", choices=tuple(PAPERS), help="the paper size (default: LaTeX's, letter)"
    )
    sheet.add_argument(
        "--html",
        action="store_true",
        help="also write the worksheet and the key as pages that open offline "
        "(NAME-worksheet.html, NAME-key.html)",
    )


EXPORT_EXAMPLES = """examples:
  derivgen export moodle examples/note-examples.toml --variants 3
  derivgen export qti examples/backprop-homework.toml --seed 2025 -o hw-qti.zip
  cat hw.toml | derivgen export moodle - -o -              # the XML on standard output"""


def _add_export_command(commands: argparse._SubParsersAction, chatter: _Parser) -> None:
    bank = commands.add_parser(
        "export",
        help="write a problem set as a question bank (Moodle XML or a QTI 2.1 package)",
        description="Write a problem set's variants as a question bank: one question per "
        "problem and variant (drawn as `derivgen worksheet` draws them), the derivation as "
        "feedback. Moodle XML has a category per problem; QTI 2.1 is a zip package.",
        epilog=f"{EXPORT_EXAMPLES}\n\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[chatter],
    )
    bank.add_argument("format", choices=tuple(EXPORT_FORMATS), help="moodle or qti")
    bank.add_argument(
        "spec", help="the problem set, such as examples/note-examples.toml (- reads stdin)"
    )
    bank.add_argument(
        "--variants", type=int, default=1, metavar="N", help="how many variants of each (1)"
    )
    bank.add_argument("--seed", default="0", metavar="S", help="the seed of the draws (0)")
    bank.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (- for standard output); by default output/NAME-moodle.xml "
        "or output/NAME-qti.zip",
    )


def _export(options: argparse.Namespace, console: _Console) -> None:
    spec: Path | WorksheetSpec = Path(options.spec)
    if options.spec == STDIO:
        spec = read_spec_text(_stdin("the problem set"), Path("<stdin>"), "stdin")
    started = time.perf_counter()
    if options.output == STDIO:
        if options.format == "qti" and sys.stdout.isatty():
            raise DerivgenError("-o -: refusing to write a zip file to a terminal; redirect it")
        _, data = bank_data(spec, options.format, variants=options.variants, seed=options.seed)
        _emit(data, STDIO, console)
    else:
        output = None if options.output is None else Path(options.output)
        created = _creating(console, output.parent if output else OUTPUT_DIR)
        written = export_bank(
            spec, options.format, variants=options.variants, seed=options.seed, output=output
        )
        created()
        console.wrote(written)
    console.detail(f"derived and wrote the bank in {time.perf_counter() - started:.1f} s")


class _Console:
    """Where -q and -v send what: paths to stdout, notes and timings to stderr."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.quiet = options.quiet
        self.verbose = options.verbose

    def wrote(self, path: Path) -> None:
        if not self.quiet:
            print(printable(str(path)))

    def note(self, line: str) -> None:
        if not self.quiet:
            print(f"derivgen: {printable(line)}", file=sys.stderr)

    def warning(self, line: str) -> None:
        if not self.quiet:
            print(f"warning: {line}", file=sys.stderr)

    def detail(self, line: str) -> None:
        if self.verbose:
            print(f"derivgen: {printable(line)}", file=sys.stderr)


def _creating(console: _Console, folder: Path) -> Callable[[], None]:
    """Call the result after writing: it says so if `folder` did not exist before."""
    existed = folder.exists()

    def done() -> None:
        if not existed and folder.is_dir():
            console.note(f"created the folder {folder}")

    return done


def _stdin(what: str) -> str:
    if sys.stdin is None:
        raise DerivgenError(f"{what}: standard input is closed")
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
        split=options.split,
        paper=options.paper,
        html=options.html,
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
    chosen = options.format or ("pdf" if options.tex_only else "text")
    if options.paper is not None and chosen != "pdf":
        raise DerivgenError(f"--paper sizes a PDF: it goes with --format pdf, not {chosen}")
    return chosen


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
    if output_format == "html":
        default = _default_pdf_name(equation, options.target).with_suffix(".html")
        _emit(derivation.to_html(standalone=True), options.output or str(default), console)
        return
    rendered = {
        "text": lambda: derivation.to_text(
            width=_text_width(options), ascii=options.ascii or _needs_ascii(options.output)
        ),
        "latex": derivation.to_latex,
        "json": lambda: json.dumps(derivation.as_dict(), indent=2, ensure_ascii=False) + "\n",
        "numpy": derivation.to_numpy,
    }[output_format]()
    _emit(rendered if rendered.endswith("\n") else rendered + "\n", options.output, console)


def _text_width(options: argparse.Namespace) -> int:
    """--width, else the terminal's width (80 when standard output is not a terminal)."""
    if options.width is not None:
        if options.width < 40:
            raise DerivgenError(f"--width {options.width}: text needs at least 40 columns")
        return options.width
    if options.output not in (None, STDIO) or sys.stdout is None or not sys.stdout.isatty():
        return 80
    return shutil.get_terminal_size((80, 24)).columns


def _needs_ascii(output: str | None) -> bool:
    """Whether standard output, when the text goes there, cannot encode derivgen's Unicode."""
    if output not in (None, STDIO) or sys.stdout is None:  # a closed stdout: _emit says so
        return False
    try:
        "∂yᵢ/∂xⱼ Σ⎡⎤₁ᵀ…".encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def _emit(data: str | bytes, output: str | None, console: _Console) -> None:
    """`data` to standard output (no FILE, or -) or to FILE atomically, saying where."""
    if output is None or output == STDIO:
        if sys.stdout is None:
            raise DerivgenError("standard output is closed: give -o FILE to write a file")
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
        source = derivation_document([derivation.to_latex()], paper=options.paper)
        _emit(source, target, console)
        return
    fragments = [derivation.to_latex()]
    started = time.perf_counter()
    if to_stdout:
        keep = destination.with_suffix("")
        _pdf_on_stdout(
            lambda path: build_derivation_pdf(fragments, path, keep=keep, paper=options.paper),
            console,
        )
    else:
        created = _creating(console, destination.parent)
        build_derivation_pdf(fragments, destination, paper=options.paper)
        created()
        console.wrote(destination)
    console.detail(f"typeset in {time.perf_counter() - started:.2f} s")


def _names_stdout(output: str | None) -> bool:
    """True when FILE is standard output itself (/dev/stdout, /dev/fd/1, or the file it is
    redirected to): written as `-` is, so nothing else printed there lands in between."""
    if output is None or output == STDIO or sys.stdout is None:
        return False
    try:
        return os.path.samestat(os.stat(output), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):  # no such file, or stdout has no descriptor
        return False


def _pdf_on_stdout(build: Callable[[Path], object], console: _Console) -> None:
    """A PDF built by `build(path)` in a temporary folder, then written to standard output."""
    if sys.stdout is not None and sys.stdout.isatty():
        raise DerivgenError("-o -: refusing to write a PDF to a terminal; redirect it")
    with temporary_directory("derivgen-") as directory:
        built = Path(directory) / "derivation.pdf"
        build(built)
        _emit(built.read_bytes(), STDIO, console)


def _run(options: argparse.Namespace) -> int:
    console = _Console(options)
    if _names_stdout(getattr(options, "output", None)):
        options.output = STDIO
    if options.command == "check":
        return _check(options, console)
    if options.command == "grade":
        return _grade(options, console)
    if options.command == "worksheet":
        _worksheet(options, console)
    elif options.command == "export":
        _export(options, console)
    else:
        _derive(options, console)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (EXIT_CODES), every failure one `error:` line.

    A SIGTERM stops it as Ctrl-C does (the same clean-up), with status 143.
    """
    with _terminate_like_interrupt():
        try:
            status = _run(_arguments().parse_args(argv))
            if sys.stdout is not None:
                sys.stdout.flush()  # a closed pipe shows here, not at the interpreter's exit
        except SystemExit as done:  # --help and --version
            return done.code if isinstance(done.code, int) else 0
        except Terminated:
            _say("derivgen: terminated")
            return EXIT_TERMINATED
        except KeyboardInterrupt:
            _say(INTERRUPTED)
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            _silence_stdout()
            return EXIT_BROKEN_PIPE
        except DerivgenError as error:
            for line in error.lines():
                _say(line)
            if isinstance(error, TexNotFoundError):
                return EXIT_NO_TEX
            return EXIT_LATEX_FAILED if isinstance(error, BuildError) else EXIT_BAD_INPUT
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            _say(f"error: {printable(where + (error.strerror or str(error)))}")
            return EXIT_BAD_INPUT
    return status


def _say(line: str) -> None:
    """One line on standard error, if there is one (`2>&-` closes it)."""
    if sys.stderr is not None:
        print(line, file=sys.stderr)


def _silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush of what a
    closed pipe did not take raises nothing either (Python's documented recipe)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM raises Terminated (a KeyboardInterrupt) while the CLI runs, so TeX is stopped,
    the temporary folder removed and earlier outputs kept; the old handler comes back after.
    Only the main thread can set handlers; elsewhere SIGTERM keeps its default."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
