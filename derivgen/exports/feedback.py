"""The derivation as HTML for a question bank's feedback: sentences, with LaTeX maths.

For now the sentences are the text renderer's and the displayed maths the LaTeX renderer's,
step by step: each step's formulas in the text are replaced, in order, by the LaTeX
renderer's displays of the same step, in `\\[ \\]` delimiters that Moodle's MathJax filter
(and MathJax in any page) typesets. `derivation_html` is the one function the exports call;
it is meant to give way to derivgen's HTML renderer when there is one.

A step whose text and LaTeX do not show the same number of displays (a template replaced by
a course, say) keeps the text's own Unicode formulas, in `<pre>`: never a sentence beside
another sentence's formula.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence

from derivgen.documents.prompt_maths import typeset_pieces
from derivgen.model.shapes import Shapes
from derivgen.render.latex import renderer
from derivgen.render.text import TextRenderer
from derivgen.verify import Checked

_UNWRAPPED = 10**6
"""A text width no sentence reaches: the text renderer then wraps nothing."""
_INDENT = "    "
_BULLET = "  • "
_DISPLAY = re.compile(
    r"\\\[(?P<display>.*?)\\\]|\\begin\{align\*\}(?P<align>.*?)\\end\{align\*\}", re.DOTALL
)
_CHECKED = "Checked by derivgen:"


def derivation_html(checked: Checked) -> list[ET.Element]:
    """The derivation's steps and its check sentence as HTML block elements."""
    text = TextRenderer(width=_UNWRAPPED)
    latex = renderer()
    blocks: list[ET.Element] = []
    for step in checked.derived.steps:
        blocks += _step_html(text.step(step), latex.step(step))
    sentence = text.render(checked).rstrip("\n").split("\n\n")[-1]
    last = ET.Element("p")
    ET.SubElement(last, "em").text = _CHECKED
    ET.SubElement(last, "em").tail = sentence.removeprefix(_CHECKED)
    blocks.append(last)
    return blocks


def _step_html(text: str, latex: str) -> list[ET.Element]:
    pieces = list(_text_pieces(text))
    displays = _latex_displays(latex)
    typeset = sum(1 for kind, _ in pieces if kind == "formula") == len(displays)
    shown = iter(displays)
    out = []
    for kind, content in pieces:
        if kind == "prose":
            out += _prose(content)
        elif typeset:
            block = ET.Element("div", {"class": "derivgen-display"})
            block.text = next(shown)
            out.append(block)
        else:
            block = ET.Element("pre")
            block.text = content
            out.append(block)
    return out


def _text_pieces(text: str) -> Iterator[tuple[str, str]]:
    """("prose", sentence) and ("formula", lines): consecutive formula blocks are one."""
    formula: list[str] = []
    for block in text.split("\n\n"):
        if block.startswith(_INDENT) or (formula and not block.strip()):
            formula.append(block)
            continue
        if formula:
            yield "formula", "\n\n".join(formula)
            formula = []
        yield "prose", block
    if formula:
        yield "formula", "\n\n".join(formula)


def _latex_displays(latex: str) -> list[str]:
    """Each run of displays (only white space between them) as one `\\[ \\]` display."""
    runs: list[list[str]] = []
    end = None
    for match in _DISPLAY.finditer(latex):
        if match["align"] is not None:
            body = rf"\begin{{aligned}}{match['align'].strip()}\end{{aligned}}"
        else:
            body = match["display"].strip()
        if end is not None and not latex[end : match.start()].strip():
            runs[-1].append(body)
        else:
            runs.append([body])
        end = match.end()
    return [" ".join(rf"\[ {body} \]" for body in run) for run in runs]


def _prose(block: str) -> list[ET.Element]:
    """A paragraph, or a paragraph with a bulleted list (the chain rule's summary)."""
    lines = block.split("\n")
    paragraph = ET.Element("p")
    paragraph.text = " ".join(line for line in lines if not line.startswith(_BULLET))
    bullets = [line.removeprefix(_BULLET) for line in lines if line.startswith(_BULLET)]
    if not bullets:
        return [paragraph]
    listed = ET.Element("ul")
    for bullet in bullets:
        ET.SubElement(listed, "li").text = bullet
    return [paragraph, listed]


def question_html(
    prompts: Sequence[str], shapes: Shapes, names: Mapping[str, str], question: str
) -> list[ET.Element]:
    """The prompts (user text: the problem's, then a part's), their backticked maths as
    `\\( \\)` typeset as the worksheet typesets it, and the worksheet's question sentence,
    its `$...$` maths as `\\( \\)`; the sentence's words are derivgen's own, with no LaTeX
    markup outside maths."""
    blocks = [
        _paragraph(" ".join(_prompt_text(paragraph, shapes, names).split()))
        for prompt in prompts
        for paragraph in re.split(r"\n\s*\n", prompt)
        if paragraph.strip()
    ]
    pieces = question.split("$")
    words = pieces[0::2]
    if len(pieces) % 2 == 0 or any(re.search(r"[\\{}]", w) for w in words):
        raise ValueError(f"not a sentence with inline maths: {question!r}")
    maths = (rf"\({piece}\)" for piece in pieces[1::2])
    blocks.append(_paragraph("".join(w + next(maths, "") for w in words)))
    return blocks


def _prompt_text(text: str, shapes: Shapes, names: Mapping[str, str]) -> str:
    """User text as it is, each backticked piece as `\\( LaTeX \\)`."""
    return "".join(
        rf"\({piece}\)" if is_maths else piece
        for is_maths, piece in typeset_pieces(text, shapes, names)
    )


def answer_html(answer: str, form: str, checkable: str) -> list[ET.Element]:
    """The boxed answer as display maths, and the same answer as `derivgen check` reads it."""
    shown = ET.Element("div", {"class": "derivgen-display"})
    shown.text = rf"\[ \boxed{{{answer}}} \]"
    how = _paragraph("In the syntax of derivgen check (as its ")
    ET.SubElement(how, "code").text = "ANSWER" if form == "answer" else "--general FORMULA"
    ET.SubElement(how, "code").text = checkable
    how[0].tail = "): "
    how[1].tail = "."
    return [shown, how]


def _paragraph(text: str) -> ET.Element:
    paragraph = ET.Element("p")
    paragraph.text = text
    return paragraph
