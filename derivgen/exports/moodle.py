"""Moodle XML: a `category` question per problem, then one question per variant.

A problem whose answer is one number (the target fixes every index and the entry is a
constant, such as 0) becomes a `numerical` question, graded by Moodle; any other answer is a
formula or an array, which core Moodle cannot grade, so it becomes an `essay` question with
the boxed answer (and its `derivgen check` syntax) as the grader's information. The whole
derivation is every question's general feedback. Texts are HTML with maths in `\\( \\)` and
`\\[ \\]`, which Moodle's MathJax filter typesets; the XML is built with ElementTree, which
escapes every text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from derivgen.documents.worksheet_spec import ProblemSpec
from derivgen.exports.bank import Bank, BankQuestion

_IDNUMBER = 100
"""The length of Moodle's question.idnumber column."""
_PENALTY = "0.3333333"
"""Moodle's default penalty for each wrong try."""


def moodle_xml(bank: Bank) -> bytes:
    """The bank as a Moodle XML question file (UTF-8, with its XML declaration)."""
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" derivgen: {bank.spec.title}, seed {bank.seed} "))
    for problem, questions in bank.problems:
        quiz.append(_category(bank, problem))
        for question in questions:
            quiz.append(_question(bank, question))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"


def category_path(bank: Bank, problem: ProblemSpec) -> str:
    """`$course$/top/TITLE/Problem 1 (y = W x)` (`Problem 4a (...)` for a part); a `/` inside
    a name is written `//`."""
    names = (bank.spec.title, f"Problem {problem.label} ({problem.equation})")
    return "/".join(["$course$", "top", *(n.replace("/", "//") for n in names)])


def _category(bank: Bank, problem: ProblemSpec) -> ET.Element:
    question = ET.Element("question", {"type": "category"})
    category = ET.SubElement(question, "category")
    ET.SubElement(category, "text").text = category_path(bank, problem)
    return question


def _question(bank: Bank, item: BankQuestion) -> ET.Element:
    kind = "numerical" if item.numeric is not None else "essay"
    question = ET.Element("question", {"type": kind})
    name = ET.SubElement(question, "name")
    ET.SubElement(name, "text").text = f"{bank.spec.title}: {item.name}"
    question.append(_html("questiontext", item.question))
    question.append(_html("generalfeedback", item.feedback))
    _values(question, defaultgrade=f"{item.points:g}", penalty=_PENALTY, hidden="0")
    idnumber = f"{bank.spec.name[:40]}-{item.identifier}-seed-{bank.seed[:40]}"
    _values(question, idnumber=idnumber[:_IDNUMBER])
    if item.numeric is not None:
        answer = ET.SubElement(
            question, "answer", {"fraction": "100", "format": "moodle_auto_format"}
        )
        ET.SubElement(answer, "text").text = item.numeric.value
        answer.append(_html("feedback", []))
        ET.SubElement(answer, "tolerance").text = item.numeric.tolerance
        _values(question, unitgradingtype="0", unitpenalty="0", showunits="3", unitsleft="0")
    else:
        _values(
            question,
            responseformat="editor",
            responserequired="1",
            responsefieldlines="15",
            attachments="0",
            attachmentsrequired="0",
        )
        question.append(_html("graderinfo", item.answer))
        question.append(_html("responsetemplate", []))
    return question


def _html(tag: str, blocks: Iterable[ET.Element]) -> ET.Element:
    """`<tag format="html"><text>...</text></tag>`: the blocks serialised as HTML text."""
    element = ET.Element(tag, {"format": "html"})
    ET.SubElement(element, "text").text = "".join(
        ET.tostring(block, encoding="unicode", method="html") for block in blocks
    )
    return element


def _values(question: ET.Element, **values: str) -> None:
    for tag, value in values.items():
        ET.SubElement(question, tag).text = value
