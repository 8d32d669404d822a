"""derivgen's pages in a real browser: headless Chromium (Debian's package; `make test`
installs it) opens each page with every network name unresolvable, so the page must work
offline, typesets its maths with the MathJax inside it, and is screenshotted. The DOM it
leaves must hold typeset maths for every formula of the source, no raw LaTeX in its text,
no MathJax error and nothing in MathJax's red (an unknown command), and it must fit the
width of the window it was opened in.

Set DERIVGEN_SCREENSHOTS=DIR to keep the screenshots there (to look at them).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from derivgen import check, derive
from derivgen.cli import main
from derivgen.render.html import page
from tests.test_prose import DERIVATIONS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DESKTOP, PHONE = (900, 1600), (500, 900)
"""Window sizes; headless Chromium will not make a window narrower than 500 pixels."""
_MEASURE = """<script>
MathJax.startup.promise.then(() => {
  document.body.dataset.typeset = "done";
  document.body.dataset.scrollWidth = document.documentElement.scrollWidth;
  document.body.dataset.innerWidth = window.innerWidth;
});
</script>
</body>"""
"""Added to a copy of the page under test: marks when MathJax has finished, and how wide
the page came out in the window."""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if found is None:
        pytest.fail("no chromium: `make test` installs it (apt-get install chromium)")
    return found


def _run(chromium: str, url: str, size: tuple[int, int], *args: str) -> str:
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: no name resolves
            f"--window-size={size[0]},{size[1]}",
            "--virtual-time-budget=15000",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class _Dom(HTMLParser):
    """What a rendered page holds: text outside typeset maths, the typeset formulas (their
    MathML text), MathJax's error and red marks, and the body's data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.outside: list[str] = []
        self.formulas: list[list[str]] = []
        self.errors: list[str] = []
        self.body: dict[str, str] = {}
        self._stack: list[str] = []
        self._maths = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "body":
            self.body = {k: v or "" for k, v in values.items()}
        if tag == "mjx-container":
            if self._maths == 0:
                self.formulas.append([])
            self._maths += 1
        if "data-mjx-error" in values or tag == "merror":
            self.errors.append(values.get("data-mjx-error") or tag)
        if "red" in (values.get("fill"), values.get("mathcolor"), values.get("color")):
            self.errors.append(f"red {tag}")
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            opened = self._stack.pop()
            if opened == "mjx-container":
                self._maths -= 1
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] in ("script", "style", "title"):
            return
        (self.formulas[-1] if self._maths else self.outside).append(data)


def render(chromium: str, html: str, name: str, tmp_path: Path, size=DESKTOP) -> _Dom:
    """Screenshot the page as it is, then read the DOM of a measuring copy; both offline."""
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    screenshot = tmp_path / f"{name}.png"
    _run(chromium, path.as_uri(), size, f"--screenshot={screenshot}")
    header = screenshot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == size
    if os.environ.get("DERIVGEN_SCREENSHOTS"):
        keep = Path(os.environ["DERIVGEN_SCREENSHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, keep / screenshot.name)
    measured = tmp_path / f"{name}.measured.html"
    measured.write_text(html.replace("</body>", _MEASURE, 1), encoding="utf-8")
    dom = _Dom()
    dom.feed(_run(chromium, measured.as_uri(), size, "--dump-dom"))
    return dom


def _formulas_in(html: str) -> int:
    """How many formulas the page's body gives MathJax (MathJax's own script excluded)."""
    body = html[re.search(r"<body[^>]*>", html).end() :]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    # inline maths opens with \( ; a display is one box (its \\[6pt] row gaps are no formula)
    return len(re.findall(r"\\\(", body)) + body.count('<div class="math display">')


def assert_typeset(dom: _Dom, html: str) -> None:
    assert dom.body.get("data-typeset") == "done", "MathJax never finished"
    assert len(dom.formulas) == _formulas_in(html) > 0
    assert dom.errors == []
    text = "".join(dom.outside)
    assert "\\frac" not in text and "\\partial" not in text
    assert re.findall(r"\\[A-Za-z]+", text) == []  # no LaTeX command left as text
    for formula in dom.formulas:
        assert "\\" not in "".join(formula)  # MathML of typeset maths: never raw commands
    assert int(dom.body["data-scroll-width"]) <= int(dom.body["data-inner-width"])


def test_a_derivation_page(chromium: str, tmp_path: Path) -> None:
    html = derive("y = V W x", "dy/dx").to_html(standalone=True)
    assert_typeset(render(chromium, html, "derivation", tmp_path), html)


def test_a_derivation_page_on_a_phone(chromium: str, tmp_path: Path) -> None:
    """The widest display (a matrix of partials) scrolls in its own box; the page does not."""
    html = derive("y = W x", "dy/dx").to_html(standalone=True)
    assert_typeset(render(chromium, html, "derivation-phone", tmp_path, size=PHONE), html)


def test_every_step_kind_typesets(chromium: str, tmp_path: Path) -> None:
    """The 21 derivations that between them use every step kind, on one page."""
    body = "\n".join(derive(e, t, s, views=v).to_html() for e, t, s, v in DERIVATIONS)
    html = page("Every step kind", body)
    assert_typeset(render(chromium, html, "every-kind", tmp_path), html)


def test_a_check_page(chromium: str, tmp_path: Path) -> None:
    html = check("f = W x", "df/dW", general="x[k]").to_html(standalone=True)
    dom = render(chromium, html, "check", tmp_path)
    assert_typeset(dom, html)
    assert "Wrong: at" in "".join(dom.outside)


def test_a_worksheet_and_its_key(chromium: str, tmp_path: Path) -> None:
    spec = ROOT / "examples" / "note-examples.toml"
    out = tmp_path / "out"
    argv = ["worksheet", str(spec), "--variants", "2", "--tex-only", "--html", "--outdir", str(out)]
    assert main([*argv, "-q"]) == 0
    for name in ("key", "worksheet"):
        html = (out / f"note-examples-{name}.html").read_text(encoding="utf-8")
        dom = render(chromium, html, f"note-examples-{name}", tmp_path)
        assert_typeset(dom, html)
        assert "variant b" in "".join(dom.outside).lower()
