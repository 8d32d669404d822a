"""The texts of a question bank's items as HTML: the derivation (derivgen's HTML renderer,
the same sentences and LaTeX displays as every other output), the question and the answer.

Maths stays LaTeX between `\\( \\)` and `\\[ \\]`, which Moodle's MathJax filter (and
MathJax in any page) typesets.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from derivgen.documents.prompt_maths import typeset_pieces
from derivgen.model.shapes import Shapes
from derivgen.render.html import derivation_html as rendered_html
from derivgen.verify import Checked


def derivation_html(checked: Checked) -> list[ET.Element]:
    """The derivation's steps and its check sentence as HTML block elements: the HTML
    renderer's sections, each a `<div>` (a QTI 2.1 item body holds XHTML 1.1, which has no
    `<section>`), without the heading the question states already."""
    fragment = ET.fromstring(rendered_html(checked))
    blocks = [child for child in fragment if child.tag == "section"]
    for block in blocks:
        block.tag = "div"
        for element in block.iter():  # the renderer's line breaks between elements
            if element.text is not None and not element.text.strip():
                element.text = None
            if element.tail is not None and not element.tail.strip():
                element.tail = None
    return blocks


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
