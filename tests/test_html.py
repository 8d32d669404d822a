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
from hypothesis import given
from hypothesis import strategies as st
from pylatex.utils import escape_latex

from derivgen import check, derive
from derivgen.cli import main
from derivgen.documents import read_spec_text
from derivgen.documents.worksheet import derive_all, draw_variants
from derivgen.documents.worksheet_pages import worksheet_pages
from derivgen.render.html import (
    MATHJAX,
    UnsupportedLatexError,
    html_of_latex,
    inline_html_of_latex,
)
from derivgen.render.latex import renderer
from derivgen.steps import kinds

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


def _displays(latex: str) -> list[str]:
    """The display maths of a LaTeX fragment, whitespace collapsed, as MathJax will see it."""
    found = re.findall(r"\\\[(.*?)\\\]|\\begin\{align\*\}(.*?)\\end\{align\*\}", latex, re.S)
    return [
        " ".join((display or rf"\begin{{aligned}} {aligned} \end{{aligned}}").split())
        for display, aligned in found
    ]


def _inlines(latex: str) -> list[str]:
    without = re.sub(r"\\\[.*?\\\]|\\begin\{align\*\}.*?\\end\{align\*\}", "", latex, flags=re.S)
    return [" ".join(m.split()) for m in re.findall(r"(?<!\\)\$(.+?)(?<!\\)\$", without)]


def _maths_in(fragment: str) -> tuple[list[str], list[str]]:
    """(display, inline) maths of an HTML fragment, unescaped, as MathJax will read them."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return (
        [" ".join(m.split()) for m in re.findall(r"\\\[ (.*?) \\\]", text, re.S)],
        [" ".join(m.split()) for m in re.findall(r"\\\( (.*?) \\\)", text, re.S)],
    )


def _prose(fragment: str) -> str:
    text = re.sub(r"\\\[.*?\\\]|\\\(.*?\\\)", " MATHS ", html.unescape(fragment), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


# --- the reader of derivgen's LaTeX -----------------------------------------------------


def test_the_problems_use_every_step_kind(derivations) -> None:
    assert {s.kind for d in derivations for s in d.steps} == _step_kinds()


def test_every_step_keeps_its_maths_and_its_words(derivations) -> None:
    """Each step's HTML holds exactly the LaTeX renderer's maths, in order, and its words."""
    latex = renderer()
    for derivation in derivations:
        for step in derivation.steps:
            source = latex.step(step)
            fragment = html_of_latex(source)
            assert _maths_in(fragment) == (_displays(source), _inlines(source)), step.kind
            words = re.sub(r"\\\[.*?\\\]|\\begin\{align\*\}.*?\\end\{align\*\}", " ", source, flags=re.S)
            words = re.sub(r"\$.+?\$", " ", words)
            words = re.sub(r"\\(noindent|textbf|item|begin\{itemize\}|end\{itemize\})|[{}]", " ", words)
            assert _prose(fragment).replace("MATHS", " ").split() == words.split(), step.kind
            assert "\\" not in _prose(fragment), step.kind


def test_steps_are_sections_and_the_check_is_last(derivations) -> None:
    for derivation in derivations:
        fragment = derivation.to_html()
        assert fragment.count("<section>") == len(derivation.steps) + 1
        assert fragment.count("<h3>") == 1
        last = fragment.rsplit("<section>", 1)[1]
        assert _prose(last).startswith("Checked by derivgen: every equality in these lines holds")


@given(st.text(alphabet=st.characters(exclude_characters="\n\r`'", codec="utf-8"), max_size=60))
def test_user_text_escaped_for_latex_comes_back_as_itself_escaped_for_html(text: str) -> None:
    """What pylatex escapes (a check's equation and answer) reads back as the user's text,
    and no character of it can become a tag or an entity in the page."""
    shown = inline_html_of_latex(escape_latex(text))
    assert "<" not in shown
    assert " ".join(html.unescape(shown).split()) == " ".join(text.split())


@pytest.mark.parametrize(
    "latex", [r"\unknown{x}", "a lone $ sign", r"\begin{tabular}{c}", "a { without end"]
)
def test_latex_outside_the_subset_is_refused_not_guessed(latex: str) -> None:
    with pytest.raises(UnsupportedLatexError):
        html_of_latex(latex)


def test_lists_headings_and_emphasis() -> None:
    fragment = html_of_latex(
        "\\subsection*{$a$ for $b$}\n\\noindent To \\emph{summarize}, \\textbf{bold}:\n"
        "\\begin{itemize}\n\\item one $x < y$,\n\\item two.\n\\end{itemize}\n"
    )
    assert fragment == (
        "<h3>\\( a \\) for \\( b \\)</h3>\n<section>\n"
        "<p>To <em>summarize</em>, <strong>bold</strong>:</p>\n"
        '<ul><li>one <span class="nobr">\\( x &lt; y \\),</span></li><li>two.</li></ul>\n'
        "</section>"
    )


# --- Jupyter and the reprs ---------------------------------------------------------------


def test_jupyter_shows_the_whole_derivation_with_its_layout_and_check(derivations) -> None:
    d = derive("y = x W", "dy/dW")
    shown = d._repr_html_()
    assert shown == d.to_html()
    prose = _prose(shown)
    assert "denominator layout" in prose or "numerator layout" in prose
    assert "Checked by derivgen:" in prose
    assert shown.count("<section>") == len(d.steps) + 1
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
    solutions = derive_all(spec, drawn, derive, jobs=1)
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
    assert key.count(r"\boxed{") == 2 * len(problems)
    assert r"\boxed{" not in sheet and "Checked by derivgen" not in sheet
