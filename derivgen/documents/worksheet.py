"""Worksheets and solution keys: a problem-set file in, two PDFs and their LaTeX sources out.

The steps: read and check the whole spec; draw the variants; derive every distinct problem
once (in worker processes with `jobs` > 1), shared by the worksheet and the key; render one
context through `templates/documents/` (or a course's own templates); compile both PDFs in a
temporary folder; and only when both compiled, move the four files into place, each
atomically. A failure anywhere leaves earlier outputs as they were.

Documents come before the API in derivgen's stages, so the caller hands in `derive`
(`derivgen.api.derive`); worker processes receive it by name, as a module-level function.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import jinja2
from pylatex.utils import NoEscape
from tqdm import tqdm

from derivgen.documents.answer_key import answer_key, key_answer
from derivgen.documents.article import new_article, plain_text
from derivgen.documents.files import (
    Contents,
    replace_together,
    signals_deferred,
    temporary_directory,
)
from derivgen.documents.jobs import available_cores, default_jobs, default_typesetters
from derivgen.documents.latex_build import JOB_NAME, LatexError, compile_pdf, require_tex
from derivgen.documents.workers import mapped
from derivgen.documents.worksheet_pages import worksheet_pages
from derivgen.documents.worksheet_problems import (
    answer_table,
    paragraphs,
    points_label,
    problems_context,
)
from derivgen.documents.worksheet_spec import SpecError, WorksheetSpec, problem_label, read_spec
from derivgen.documents.worksheet_variants import Problem, ProblemKey, Variant, draw_variants
from derivgen.errors import BuildError, DerivgenError, ShapeError, TargetError
from derivgen.render.html import result_shape_html
from derivgen.render.latex import renderer
from derivgen.render.templates import latex_environment, templates_dir

DOCUMENTS = ("worksheet", "key")
"""The two documents a spec builds, named `NAME-worksheet` and `NAME-key`."""

_MARKER = re.compile(r"^% derivgen: (?P<where>.+)$")
_STOPPED = re.compile(rf"^(?:\./)?{JOB_NAME}\.tex:(?P<line>\d+): ", re.MULTILINE)
_LINE = re.compile(r"^line \d+: ")
_QUOTED = 60


class TemplateError(DerivgenError):
    """A worksheet or key template that Jinja2 cannot read or fill in."""


class Derived(Protocol):
    """What the worksheet needs of a derivation (derivgen.api.Derivation)."""

    def question_latex(self) -> str: ...
    def answer_latex(self) -> str: ...
    def answers_latex(self) -> tuple[str, ...]: ...
    def to_latex(self) -> str: ...
    def question_html(self) -> str: ...
    def to_html(self) -> str: ...
    def as_dict(self) -> dict[str, Any]: ...


class Deriver(Protocol):
    """derivgen.api.derive, or a stand-in taking the same arguments."""

    def __call__(
        self,
        equation: str,
        target: str,
        shapes: Mapping[str, str],
        *,
        layout: str | None,
        views: Sequence[str],
    ) -> Derived: ...


@dataclass(frozen=True)
class Solution:
    """A derived problem as plain strings, so a worker process can send it back."""

    question: str
    answer: str
    derivation: str
    form: str = "answer"
    """How `derivgen check` takes `checkable`: as its ANSWER, or as `--general`."""
    checkable: str = ""
    """The answer in the syntax `derivgen check` reads, for NAME-key.json."""
    answers: tuple[str, ...] = ()
    """Every form the key boxes (`answer` first, then each view's own)."""
    question_html: str = ""
    derivation_html: str = ""
    """The question and the derivation for the pages (`worksheet --html`)."""
    shape: str = ""
    shape_html: str = ""
    """What shape the answer has (`∂s/∂x is a column vector of length C.`), "" for none."""


@dataclass(frozen=True)
class Failure:
    """A problem derive() refused, with the spec field to blame."""

    field: str
    message: str


def solve(derive: Deriver, key: ProblemKey, html: bool = False) -> Solution | Failure:
    """Derive one problem; runs in worker processes, so it returns data, never raises it.
    With `html`, also its question and derivation as HTML, for the pages."""
    equation, target, shapes, layout, views = key
    try:
        derived = derive(equation, target, dict(shapes), layout=layout, views=views)
    except DerivgenError as error:
        return Failure(_blamed(derive, key, error), error.message)
    form, checkable = key_answer(target, derived.as_dict())
    answers = derived.answers_latex()
    return Solution(
        derived.question_latex(),
        answers[0],
        derived.to_latex(),
        form,
        checkable,
        answers,
        derived.question_html() if html else "",
        derived.to_html() if html else "",
        renderer().result_shape(derived.checked),
        result_shape_html(derived.checked) if html else "",
    )


def _blamed(derive: Deriver, key: ProblemKey, error: DerivgenError) -> str:
    """The spec field behind a refusal: 'views' when the problem without them is not refused
    the same way (derivgen cannot write every vec view), else by the error's kind. Only a
    refused problem pays for the second derivation."""
    equation, target, shapes, layout, views = key
    if views:
        try:
            derive(equation, target, dict(shapes), layout=layout, views=())
        except DerivgenError as plain:
            if plain.message != error.message:
                return "views"
        else:
            return "views"
    if isinstance(error, TargetError):
        return "target"
    if isinstance(error, ShapeError):
        return "shapes"
    return "equation"


def build_worksheets(
    spec_path: Path | WorksheetSpec,
    *,
    derive: Deriver,
    variants: int = 1,
    seed: str = "0",
    output: Path = Path("output"),
    templates: Path | None = None,
    jobs: int | None = None,
    progress: bool = False,
    tex_only: bool = False,
    split: bool = False,
    paper: str | None = None,
    html: bool = False,
    report: Callable[[str], object] = lambda _: None,
) -> tuple[Path, ...]:
    """Build `output/NAME-worksheet.pdf` and `NAME-key.pdf` with their `.tex` sources.

    `spec_path` is the problem-set file, or a spec already read (`read_spec_text` for one
    from standard input). `jobs` worker processes derive the problems and as many LaTeX
    runs go side by side (default: `derivgen.documents.jobs`, measured there); `progress`
    shows a bar on standard error when that is a terminal; `tex_only` writes the two `.tex`
    sources and runs no TeX; `split` writes one worksheet per variant
    (`NAME-worksheet-A.pdf`, ...) instead of one holding them all; `paper` is "a4" or
    "letter" (LaTeX's own, letter, when None); `html` also writes the worksheet and the key
    as web pages (`NAME-worksheet.html`, `NAME-key.html`); `report` receives one line per
    stage (the CLI's `-v`).
    Returns the paths written. Raises DerivgenError (one line) for a bad spec, a bad
    template or a LaTeX failure, having written nothing but, for a LaTeX failure, the
    evidence (`NAME-worksheet.failed.tex` and `.failed.log`).
    """
    if variants < 1:
        raise DerivgenError(f"--variants must be at least 1, not {variants}")
    if jobs is not None and jobs < 1:
        raise DerivgenError(f"--jobs must be at least 1, not {jobs}")
    if not tex_only:
        require_tex()
    environment = worksheet_environment(templates)
    spec = spec_path if isinstance(spec_path, WorksheetSpec) else read_spec(spec_path)
    drawn = draw_variants(spec, variants, seed)
    keys = distinct_problems(drawn)
    workers = default_jobs(len(keys)) if jobs is None else min(jobs, available_cores())
    bar = tqdm(
        total=len(keys) + (0 if tex_only else (variants + 1 if split else len(DOCUMENTS))),
        desc="deriving",
        unit="step",
        file=sys.stderr,
        disable=None if progress else True,
        delay=1.0,
        leave=False,
    )
    with bar:
        started = time.perf_counter()
        solutions = derive_all(
            spec, drawn, derive, jobs=workers, advance=bar.update, html=html
        )
        report(
            f"derived {len(keys)} distinct problems with {workers} "
            f"{'process' if workers == 1 else 'processes'} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        context = worksheet_context(spec, drawn, solutions, seed)
        sources = document_sources(environment, context, split=split, paper=paper)
        stems = {name: output / f"{spec.name}-{name}" for name in sources}
        pages = worksheet_pages(spec, drawn, solutions, seed) if html else {}
        page_stems = {name: output / f"{spec.name}-{name}" for name in pages}
        if tex_only:
            tex = [(stems[name].with_suffix(".tex"), sources[name]) for name in sources]
            web = [(page_stems[name].with_suffix(".html"), pages[name]) for name in pages]
            replace_together([*tex, *web])
            return tuple(path for path, _ in [*tex, *web])
        bar.set_description("typesetting")
        started = time.perf_counter()
        with temporary_directory("derivgen-worksheet-") as staging:
            pdfs = _compile_all(
                spec,
                sources,
                Path(staging),
                stems=stems,
                jobs=default_typesetters() if jobs is None else min(jobs, available_cores()),
                advance=bar.update,
            )
            report(f"typeset {len(sources)} PDFs in {time.perf_counter() - started:.1f} s")
            key_json = output / f"{spec.name}-key.json"
            answers = {key: (s.form, s.checkable) for key, s in solutions.items()}
            outputs: list[tuple[Path, Contents]] = []
            for name in sources:
                outputs += [
                    (stems[name].with_suffix(".pdf"), pdfs[name]),
                    (stems[name].with_suffix(".tex"), sources[name]),
                ]
            outputs.append((key_json, answer_key(spec.title, seed, drawn, answers)))
            outputs += [(page_stems[name].with_suffix(".html"), pages[name]) for name in pages]
            replace_together(outputs)
    return tuple(path for path, _ in outputs)


def document_sources(
    environment: jinja2.Environment,
    context: Mapping[str, Any],
    *,
    split: bool = False,
    paper: str | None = None,
) -> dict[str, str]:
    """Each document's LaTeX by its name (`worksheet`, `key`); with `split`, one worksheet
    per variant (`worksheet-A`, ...), each holding that variant alone."""
    worksheets = {"worksheet": context}
    if split:
        worksheets = {
            f"worksheet-{variant['id']}": {**context, "variants": [variant]}
            for variant in context["variants"]
        }
    sources = {
        name: render_document(environment, "worksheet", one, paper=paper)
        for name, one in worksheets.items()
    }
    sources["key"] = render_document(environment, "key", context, paper=paper)
    return sources


def distinct_problems(variants: Sequence[Variant]) -> list[ProblemKey]:
    """What derive() must see: each problem text once, however many variants share it."""
    return list(dict.fromkeys(p.key for variant in variants for p in variant.problems))


def derive_all(
    spec: WorksheetSpec,
    variants: Sequence[Variant],
    derive: Deriver,
    *,
    jobs: int,
    advance: Callable[[], object] = lambda: None,
    html: bool = False,
) -> dict[ProblemKey, Solution]:
    """Each distinct problem derived once; the first refusal, in reading order, is the error.
    With `html`, the solutions carry HTML for the pages too."""
    keys = distinct_problems(variants)
    results: dict[ProblemKey, Solution | Failure] = {}
    with mapped(functools.partial(solve, html=html), keys, jobs, derive) as solved:
        for key, result in zip(keys, solved, strict=True):
            results[key] = result
            advance()
    for variant in variants:
        for problem in variant.problems:
            result = results[problem.key]
            if isinstance(result, Failure):
                raise _refused(spec, variant, problem, result)
    return {key: result for key, result in results.items() if isinstance(result, Solution)}


def _refused(
    spec: WorksheetSpec, variant: Variant, problem: Problem, failure: Failure
) -> SpecError:
    label = problem_label(spec.path, problem.spec.number, problem.spec.equation)
    drawn = f"variant {variant.id} ({problem.drawn}): " if problem.drawn else ""
    return SpecError(f"{label}: field '{failure.field}': {drawn}{failure.message}")


def worksheet_context(
    spec: WorksheetSpec,
    variants: Sequence[Variant],
    solutions: Mapping[ProblemKey, Solution],
    seed: str,
) -> dict[str, Any]:
    """What both templates see: user text escaped, derivgen's LaTeX as it is."""
    total = sum(problem.points for problem in spec.problems)
    contexts = []
    for variant in variants:
        problems = problems_context(variant, solutions)
        contexts.append(
            {
                "id": variant.id,
                "marker": f"% derivgen: variant {variant.id}",
                "problems": problems,
                "answers": answer_table(problems),
            }
        )
    return {
        "title": plain_text(spec.title),
        "course": plain_text(spec.course),
        "date": plain_text(spec.date),
        "instructions": paragraphs(spec.instructions),
        "total_points": f"{total:g}",
        "total_points_label": points_label(total),
        "seed": plain_text(seed),
        "variant_count": len(variants),
        "variants": contexts,
    }


def worksheet_environment(templates: Path | None = None) -> jinja2.Environment:
    """Templates from `templates` first (a course's own, by name), then derivgen's own."""
    own = templates_dir() / "documents"
    if templates is not None and not Path(templates).is_dir():
        raise TemplateError(f"--templates: {templates} is not a directory")
    return latex_environment([*([Path(templates)] if templates else []), own])


def render_document(
    environment: jinja2.Environment,
    name: str,
    context: Mapping[str, Any],
    *,
    paper: str | None = None,
) -> str:
    """The whole LaTeX source of one document: pylatex's article around the templates."""
    doc = new_article(
        geometry={"margin": "2.2cm", "headheight": "14pt", "includehead": "true"},
        packages=("fancyhdr", "longtable"),
        paper=paper,
    )
    doc.preamble.append(NoEscape(_render(environment, "preamble.tex.j2", context)))
    doc.append(NoEscape(_render(environment, f"{name}.tex.j2", context)))
    return doc.dumps()


def _render(environment: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    try:
        return environment.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        where = Path(error.filename or error.name or name).name
        raise TemplateError(f"template {where}: line {error.lineno}: {error.message}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"template {name}{_template_line(error)}: {error}") from None
    except RecursionError as error:
        raise TemplateError(
            f"template {name}{_template_line(error)}: it includes or calls itself without end"
        ) from None
    except Exception as error:  # a template is code: whatever it raises is its error
        raise TemplateError(
            f"template {name}{_template_line(error)}: {type(error).__name__}: {error}"
        ) from None


def _template_line(error: BaseException) -> str:
    """`: line N` of the innermost template frame in the traceback, when Jinja2 left one."""
    lines = [
        f": line {frame.lineno}"
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith(".j2")
    ]
    return lines[-1] if lines else ""


def _compile_all(
    spec: WorksheetSpec,
    sources: Mapping[str, str],
    staging: Path,
    *,
    stems: Mapping[str, Path],
    jobs: int,
    advance: Callable[[], object],
) -> dict[str, Path]:
    """Both PDFs into `staging`, side by side when there are cores to spare; a failure keeps
    its evidence beside the wanted output (`stems`)."""

    stop = threading.Event()

    def build(name: str) -> Path:
        try:
            return compile_pdf(
                sources[name], staging / f"{name}.pdf", keep=stems[name], stop=stop
            )
        except LatexError as error:
            raise _located(spec, name, sources[name], error) from None
        finally:
            advance()

    with ThreadPoolExecutor(min(jobs, len(sources))) as pool:
        # An interrupt while submit() starts a thread would leave that thread out of the
        # pool's list, unjoined, building into a staging folder already removed (this was
        # the test's 1-in-10 failure): it waits until both are submitted (microseconds).
        with signals_deferred():
            futures = {name: pool.submit(build, name) for name in sources}
        try:
            return {name: future.result() for name, future in futures.items()}
        except BaseException:
            # An interrupt reaches this thread only, and one failure is the answer: stop
            # the other TeX run now rather than wait for it.
            stop.set()
            raise


def _located(spec: WorksheetSpec, name: str, source: str, error: LatexError) -> BuildError:
    """The first LaTeX error, where it came from (a variant and problem, or the preamble),
    the source TeX had read when it stopped, and the files kept to read it in."""
    prefix = f"{spec.path}: LaTeX failed on the {name}"
    message = _LINE.sub("", error.reason)
    kept = f"; kept {error.kept[0]} and {error.kept[1]}"
    # The line of the document TeX stopped on: a missing package's `! message` has none of
    # its own, but the `Emergency stop` after it does.
    stopped = _STOPPED.search(error.log)
    if stopped is None:
        return BuildError(f"{prefix}: {message}{kept}", error.log)
    number = int(stopped["line"])
    before = source.splitlines()[: number - 1]
    started = any(line.startswith(r"\begin{document}") for line in before)
    where = "before the first variant" if started else "the preamble"
    for line in reversed(before):
        marker = _MARKER.match(line)
        if marker:
            where = marker["where"]
            break
    read = re.search(rf"^l\.{number} (?P<text>.*\S)", error.log, re.MULTILINE)
    context = f", after {_tail(read['text'])}" if read else ""
    return BuildError(f"{prefix}, {where}: {message} (line {number}{context}){kept}", error.log)


def _tail(text: str) -> str:
    """The end of what TeX read on the failing line, which ends at the error."""
    text = text.strip()
    return text if len(text) <= _QUOTED else "..." + text[-(_QUOTED - 3) :]
