"""The page and the terminal say the same sentences: the LaTeX and the text of many
derivations, read back from their outputs, hold the same words in the same order.

Both renderers take their words from one prose layer; this test reads what each actually
printed, so a sentence added to, dropped from or reworded in one renderer alone fails.
"""

from __future__ import annotations

import re

import pytest

from derivgen import derive
from derivgen.render.prose import article

DERIVATIONS = [
    ("y = W x", "dy[3]/dx[7]", {"W": "C,D"}, ()),
    ("y = W x", "dy/dx", {}, ()),
    ("y = x W", "dy[3]/dx[7]", {"x": "1,D", "W": "D,C"}, ()),
    ("y = x W", "dy[3]/dW[7,8]", {"x": "1,D", "W": "D,C"}, ()),
    ("y = x W", "dy/dW", {"x": "1,D"}, ()),
    ("Y = X W", "dY/dX", {}, ()),
    ("Y = X W", "dY[2,5]/dX[3,4]", {}, ()),
    ("y = V W x", "dy/dx", {}, ()),
    ("y = V W x", "dy/dW", {}, ()),
    ("y = U V W x", "dy/dx", {}, ()),
    ("s = sum(A X)", "ds/dX", {"A": "3,2", "X": "2,4"}, ()),
    ("L = (W x - t)^T (W x - t)", "dL/dW", {}, ()),
    ("s = tr(A X B)", "ds/dX", {}, ()),
    ("s = x^T A x", "ds/dx", {}, ()),
    ("y = sigma(W x)", "dy/dx", {}, ()),
    ("s = det(X)", "ds/dX", {}, ()),
    ("Y = inv(X)", "dY[1,2]/dX[2,1]", {}, ()),
    ("s = logdet(X)", "ds/dX", {}, ()),
    ("z = x W + b", "dz/dW", {"x": "1,D"}, ("index", "vec", "backprop")),
    ("f = W x", "df/dW", {}, ("index", "vec", "backprop")),
    ("y = W x", "dy/dx", {}, ()),
]

_MATH = re.compile(r"\$[^$]*\$")
_FUNCTIONS = {"tr", "exp", "tanh", "log", "det", "cof", "vec", "sum", "diag", "sin", "cos"}


def _latex_paragraphs(fragment: str) -> list[str]:
    """The sentences of a LaTeX fragment, one string per paragraph or bullet, maths kept."""
    body = re.sub(r"\\subsection\*\{.*\}\n|\\begingroup.*\n|\\par\n\\endgroup", "", fragment)
    body = re.sub(r"\\\[.*?\\\]", "\n", body, flags=re.DOTALL)
    body = re.sub(
        r"\\(?:begin|end)\{(?:itemize|minipage)\}(?:\{\\linewidth\})?|\\par(?:\\nopagebreak|\\pagebreak\[0\])?"
        r"\\medskip|\\noindent ?",
        "\n",
        body,
    )
    body = body.replace(r"\item ", "\n").replace(r"\vspace{\topsep}", "")
    body = re.sub(r"\\(?:textbf|emph)\{([^{}]*)\}", r"\1", body)
    # a no-break space, or a tie (~) between a word and a short formula, reads as a space
    body = body.replace("\u00a0", " ").replace("~", " ")
    return [line.strip() for line in body.splitlines() if line.strip()]


def _text_paragraphs(text: str) -> list[str]:
    """The sentences of the terminal text, one string per paragraph or bullet."""
    out = []
    for block in text.split("\n\n")[1:]:  # the title and its underline come first
        lines = block.splitlines()
        if all(line.startswith("    ") or not line.strip() for line in lines):
            continue  # a display
        if lines[0].startswith("  • "):
            items = "\n".join(lines).split("  • ")
            out += [" ".join(i.split()) for i in items if i.strip()]
        else:
            out.append(" ".join(" ".join(lines).split()).replace("“", "").replace("”", ""))
    return out


def _same_sentence(latex: str, text: str) -> None:
    """The words between the maths of `latex` appear in `text` in order, and nothing else
    but maths is left over."""
    at = 0
    rest = text
    for words in (w.strip() for w in _MATH.split(latex)):
        if not words:
            continue
        found = text.find(words, at)
        assert found >= 0, f"{words!r} is on the page but not in the terminal's {text!r}"
        at = found + len(words)
        rest = rest.replace(words, " ", 1)
    leftover = set(re.findall(r"[A-Za-z]{3,}", rest)) - _FUNCTIONS
    assert not leftover, f"words only in the terminal's {text!r}: {sorted(leftover)}"


@pytest.mark.parametrize(("equation", "target", "shapes", "views"), DERIVATIONS)
def test_text_and_latex_say_the_same_sentences(equation, target, shapes, views) -> None:
    derivation = derive(equation, target, shapes, views=views)
    page = _latex_paragraphs(derivation.to_latex())
    terminal = _text_paragraphs(derivation.to_text())
    assert len(page) == len(terminal), (page, terminal)
    for latex, text in zip(page, terminal, strict=True):
        _same_sentence(latex, text)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("11", "an"),
        ("8", "an"),
        ("18", "an"),
        ("1", "a"),
        ("3", "a"),
        ("110", "a"),
        ("N", "an"),
        ("C", "a"),
        ("M", "an"),
        ("D", "a"),
        ("11000", "an"),
    ],
)
def test_the_article_before_a_size_is_the_one_it_is_read_with(size, expected) -> None:
    assert article(size) == expected
