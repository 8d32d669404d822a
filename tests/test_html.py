"""HTML without a browser: the reader of derivgen's LaTeX, the fragment for Jupyter and the
reprs, whole pages (self-contained, user text escaped), and the CLI's --format html and
worksheet --html. The pages in a real browser are in test_html_browser.py."""

from __future__ import annotations

import html
import inspect
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sympy

from derivgen import check, derive
from derivgen.cli import main
from derivgen.documents import read_spec_text
from derivgen.documents.worksheet import derive_all, draw_variants
from derivgen.documents.worksheet_pages import worksheet_pages
from derivgen.render.html import MATHJAX, pieces
from derivgen.render.latex import renderer
from derivgen.render.prose import Math
from derivgen.steps import kinds
from tests.test_prose import DERIVATIONS, _latex_paragraphs

ROOT = Path(__file__).resolve().parent.parent

EVERY_KIND = [
    ("y = W x", "dy[3]/dx[7]", {}, ()),
    ("y = W x", "dy/dx", {}, ()),
    ("y = x W", "dy[3]/dW[7,8]", {"x": "1,D"}, ()),
    ("Y = X W", "dY/dX", {}, ()),
    ("y = V W x", "dy/dx", {}, ()),
    ("L = (W x - t)^T (W x - t)", "dL/dW", {}, ()),
    ("s = det(X)", "ds/dX", {}, ()),
    ("Y = X^-1", "dY[1,2]/dX[3,4]", {}, ()),
    ("z = x W + b", "dz/dW", {"x": "1,D"}, ("index", "vec", "backprop")),
]
"""Problems whose derivations, together, use every step kind (checked below)."""


@pytest.fixture(scope="module")
def derivations():
    return [derive(e, t, s, views=v) for e, t, s, v in EVERY_KIND]


class _Page(HTMLParser):
    """A page's text outside <script> and <style>, its tags, and its external references."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.references: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self._skipping += tag in ("script", "style")
        self.references += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_endtag(self, tag) -> None:
        self._skipping -= tag in ("script", "style")

    def handle_data(self, data) -> None:
        if not self._skipping:
            self.text.append(data)


def _read(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    return parsed


def _step_kinds() -> set[str]:
    return {
        cls.kind
        for _, cls in inspect.getmembers(kinds, inspect.isclass)
        if issubclass(cls, kinds.Step) and cls is not kinds.Step
    }


def _prose(fragment: str) -> str:
    text = re.sub(r"\\\[.*?\\\]|\\\(.*?\\\)", " MATHS ", html.unescape(fragment), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _html_paragraphs(fragment: str) -> list[str]:
    """The sentences of an HTML fragment as the LaTeX writes them: one string per paragraph
    or list item, inline maths between dollars, tags dropped, entities read."""
    found = re.findall(r"<(p|li)>(.*?)</\1>", fragment, re.S)
    out = []
    for _, body in found:
        text = html.unescape(re.sub(r"<[^>]+>", "", body))
        out.append(" ".join(re.sub(r"\\\( (.*?) \\\)", r"$\1$", text).split()))
    return out


def _html_displays(fragment: str) -> list[str]:
    shown = re.findall(r'<div class="math display">(.*?)</div>', fragment, re.S)
    return [html.unescape(d) for d in shown]


def _latex_displays(fragment: str) -> list[str]:
    return re.findall(r"\\\[.*?\\\]", fragment, re.S)


def _mathjax_latex(latex: str) -> str:
    """The LaTeX renderer's maths as the HTML renderer writes it for MathJax: without TeX's
    line- and page-breaking commands (\\nobreak, \\postdisplaypenalty), which a browser has
    no use for and MathJax does not know."""
    return (
        latex.replace(r"=\nobreak ", "= ")
        .replace(r" \postdisplaypenalty=10000", "")
        .replace("~$", " $")  # a tie between a word and a short formula ending a clause
    )


# --- the same sentences and maths as the LaTeX ---------------------------------------------


def test_the_problems_use_every_step_kind(derivations) -> None:
    assert {s.kind for d in derivations for s in d.steps} == _step_kinds()


@pytest.mark.parametrize(("equation", "target", "shapes", "views"), DERIVATIONS)
def test_html_and_latex_say_the_same_sentences_and_maths(equation, target, shapes, views) -> None:
    """Read back from both outputs: every paragraph and list item, word for word with its
    inline maths, and every display, character for character."""
    derivation = derive(equation, target, shapes, views=views)
    fragment, latex = derivation.to_html(), _mathjax_latex(derivation.to_latex())
    assert _html_paragraphs(fragment) == [" ".join(p.split()) for p in _latex_paragraphs(latex)]
    assert _html_displays(fragment) == _latex_displays(latex)


def test_the_worksheet_question_says_what_the_pdf_says(derivations) -> None:
    """The page's question is the LaTeX question word for word, its maths displayed."""
    for derivation in derivations:
        (shown,) = _html_paragraphs(f"<p>{derivation.question_html()}</p>")
        assert shown.replace(r"\displaystyle ", "") == " ".join(
            _mathjax_latex(derivation.question_latex()).split()
        )


def test_steps_are_sections_and_the_check_is_last(derivations) -> None:
    for derivation in derivations:
        fragment = derivation.to_html()
        kinds_shown = re.findall(r'<section class="step (\w+)">', fragment)
        assert kinds_shown == [s.kind for s in derivation.steps]
        assert fragment.count("<h3>") == 1
        last = fragment.rsplit("<section", 1)[1]
        assert last.startswith(' class="checked">\n<p><em>Checked by derivgen:</em> every')


def test_words_and_maths_are_html_escaped() -> None:
    assert pieces(("a < b & ", Math(sympy.Symbol("x") < 1), ", then."), {}) == (
        r'a &lt; b &amp; <span class="nobr">\( x &lt; 1 \),</span> then.'
    )


# --- Jupyter and the reprs ---------------------------------------------------------------


def test_jupyter_shows_the_whole_derivation_with_its_layout_and_check(derivations) -> None:
    d = derive("y = x W", "dy/dW")
    shown = d._repr_html_()
    assert shown == d.to_html()
    prose = _prose(shown)
    assert "denominator layout" in prose or "numerator layout" in prose
    assert "Checked by derivgen:" in prose
    assert shown.count("<section class=\"step ") == len(d.steps)
    assert d._repr_latex_() == renderer().summary(d.checked)  # the summary, as before


def test_str_is_the_text_and_repr_one_short_line(derivations) -> None:
    for derivation, (equation, target, _, _) in zip(derivations, EVERY_KIND, strict=True):
        assert str(derivation) == derivation.to_text()
        count = len(derivation.steps)
        assert repr(derivation) == f"<Derivation {target} of {equation}: {count} steps, checked>"


def test_a_check_shows_its_verdict_and_repr() -> None:
    wrong = check("f = W x", "df/dW", general="x[k]")
    assert repr(wrong) == "<Check df/dW of f = W x, answer x[k]: wrong (value)>"
    assert str(wrong) == wrong.to_text()
    prose = _prose(wrong._repr_html_())
    assert "Wrong: at MATHS the answer gives MATHS = " in prose
    assert "Why : the derivation of df[1]/dW[2,1] ." in prose  # the entry, derived
    assert "Checked by derivgen:" in prose
    right = check("y = W x", "dy/dx", "W")
    assert repr(right) == "<Check dy/dx of y = W x, answer W: right>"


# --- pages --------------------------------------------------------------------------------


def test_mathjax_can_be_written_inside_a_script_element() -> None:
    """An inline <script> ends at the first `</script` (and `<script` after `<!--` changes
    how it is parsed), so the vendored file must hold neither."""
    source = MATHJAX.read_text(encoding="utf-8").lower()
    assert "</script" not in source
    assert "<script" not in source
    assert (MATHJAX.parent / "LICENSE").read_text(encoding="utf-8").lstrip().startswith(
        "Apache License"
    )


def test_a_page_is_self_contained_and_readable_on_a_phone() -> None:
    page = derive("y = W x", "dy/dx").to_html(standalone=True)
    parsed = _read(page)
    assert parsed.references == []  # no script, style sheet or font fetched from anywhere
    assert "link" not in parsed.tags
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "max-width" in page and "overflow-x: auto" in page
    assert page.count("<script>") == 2  # MathJax's configuration, then MathJax itself
    assert "<title>dy/dx for y = W x</title>" in page


def test_user_text_is_escaped_on_every_page(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    spec = read_spec_text(
        f'title = "{hostile.replace(chr(34), chr(92) + chr(34))}"\n'
        f"course = '{hostile}'\ninstructions = '''{hostile}\n\nSecond paragraph.'''\n"
        f"[[problem]]\nequation = 'y = W x'\ntarget = 'dy/dx'\npoints = 1\nprompt = '{hostile}'\n",
        tmp_path / "hw.toml",
        "hw",
    )
    drawn = draw_variants(spec, 1, "0")
    solutions = derive_all(spec, drawn, derive, jobs=1, html=True)
    pages = worksheet_pages(spec, drawn, solutions, "0")
    for page in pages.values():
        parsed = _read(page)
        assert parsed.tags.count("script") == 2  # derivgen's own two, none from the text
        assert "b" not in parsed.tags
        assert hostile in "".join(parsed.text)
    assert "<p>Second paragraph.</p>" in pages["worksheet"]


# --- the command line ----------------------------------------------------------------------


def test_derive_format_html_writes_a_page(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["derive", "y = W x", "dy/dx", "--format", "html"]) == 0
    written = tmp_path / "output" / "y-W-x-dy-dx.html"
    assert capsys.readouterr().out == "output/y-W-x-dy-dx.html\n"
    assert written.read_text(encoding="utf-8") == derive("y = W x", "dy/dx").to_html(
        standalone=True
    )
    assert main(["derive", "y = W x", "dy/dx", "--format", "html", "-o", "-"]) == 0
    assert capsys.readouterr().out == written.read_text(encoding="utf-8")


def test_check_format_html_keeps_the_exit_status(tmp_path: Path, capsys) -> None:
    page = tmp_path / "c.html"
    assert main(["check", "y = W x", "dy/dx", "W^T", "--format", "html", "-o", str(page)]) == 1
    assert capsys.readouterr().out == f"{page}\n"
    assert "Right up to the layout" in "".join(_read(page.read_text(encoding="utf-8")).text)


def test_worksheet_html_in_a_subprocess(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "derivgen",
            "worksheet",
            str(ROOT / "examples" / "note-examples.toml"),
            "--tex-only",
            "--html",
            "--variants",
            "2",
            "--outdir",
            str(tmp_path),
        ],
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    names = [Path(line).name for line in done.stdout.splitlines()]
    assert names == [
        "note-examples-worksheet.tex",
        "note-examples-key.tex",
        "note-examples-worksheet.html",
        "note-examples-key.html",
    ]
    key = (tmp_path / "note-examples-key.html").read_text(encoding="utf-8")
    sheet = (tmp_path / "note-examples-worksheet.html").read_text(encoding="utf-8")
    spec = tomllib.loads((ROOT / "examples" / "note-examples.toml").read_text(encoding="utf-8"))
    problems = spec["problem"]
    assert key.count('<section class="problem"') == 2 * len(problems)
    assert sheet.count('<section class="problem"') == 2 * len(problems)
    targets = sum(len(problem.get("parts", [problem])) for problem in problems)
    assert key.count("<strong>Answer.</strong>") == 2 * targets  # one per problem or part
    assert key.count(r"\boxed{") >= 2 * targets  # a view asked for is boxed too
    assert sheet.count("<h3><span>(a)</span>") == key.count("<h3><span>(a)</span>") > 0
    assert r"\boxed{" not in sheet and "Checked by derivgen" not in sheet
