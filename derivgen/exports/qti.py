"""A QTI 2.1 content package: imsmanifest.xml, one assessmentItem per question, and a test.

Each question is an assessmentItem: a number the student types (`textEntryInteraction`,
scored by the item's response processing) when the answer is one number, else an essay
(`extendedTextInteraction`) with the boxed answer in a rubric block only scorers see. The
derivation is modal feedback shown after the attempt. The test has one section per problem
that selects one of its variants, so each student meets every problem once. Maths is in
`\\( \\)` and `\\[ \\]` for a player with MathJax. The package's bytes depend on the spec and
seed only (fixed dates in the zip).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable

from derivgen.exports.bank import Bank, BankQuestion

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_TYPE = "imsqti_item_xmlv2p1"
TEST_TYPE = "imsqti_test_xmlv2p1"
TEST_FILE = "test.xml"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

ET.register_namespace("xsi", XSI)


def item_path(question: BankQuestion) -> str:
    return f"items/{question.identifier}.xml"


def qti_package(bank: Bank) -> bytes:
    """The zip's bytes: the manifest first, then the test and the items."""
    questions = [q for _, column in bank.problems for q in column]
    files = {
        "imsmanifest.xml": _document(manifest(bank, questions), CP),
        TEST_FILE: _document(assessment_test(bank), QTI),
        **{item_path(q): _document(assessment_item(bank, q), QTI) for q in questions},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in files.items():
            package.writestr(zipfile.ZipInfo(name, _ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _document(root: ET.Element, namespace: str) -> bytes:
    """One XML file whose elements are all in `namespace`, declared as the default on the
    root (the tags are built unqualified: ElementTree's default_namespace refuses the
    unqualified attribute names QTI uses)."""
    root.set("xmlns", namespace)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _sub(parent: ET.Element, tag: str, attributes: dict[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, tag, attributes or {})


def manifest(bank: Bank, questions: Iterable[BankQuestion]) -> ET.Element:
    root = ET.Element(
        "manifest",
        {
            "identifier": "MANIFEST-" + re.sub(r"[^A-Za-z0-9_.-]", "-", bank.spec.name),
            f"{{{XSI}}}schemaLocation": f"{CP} {CP_XSD}",
        },
    )
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "QTIv2.1 Package"
    ET.SubElement(metadata, "schemaversion").text = "1.0.0"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    test = ET.SubElement(
        resources,
        "resource",
        {"identifier": "TEST", "type": TEST_TYPE, "href": TEST_FILE},
    )
    ET.SubElement(test, "file", {"href": TEST_FILE})
    items = []
    for question in questions:
        item = ET.Element(
            "resource",
            {"identifier": question.identifier, "type": ITEM_TYPE, "href": item_path(question)},
        )
        ET.SubElement(item, "file", {"href": item_path(question)})
        ET.SubElement(test, "dependency", {"identifierref": question.identifier})
        items.append(item)
    resources.extend(items)
    return root


def assessment_test(bank: Bank) -> ET.Element:
    root = ET.Element(
        "assessmentTest",
        {
            "identifier": "TEST",
            "title": bank.spec.title,
            f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_XSD}",
        },
    )
    part = _sub(
        root,
        "testPart",
        {"identifier": "PART", "navigationMode": "nonlinear", "submissionMode": "individual"},
    )
    for problem, questions in bank.problems:
        section = _sub(
            part,
            "assessmentSection",
            {
                "identifier": f"P{problem.label}",
                "title": f"Problem {problem.label} ({problem.equation})",
                "visible": "true",
            },
        )
        _sub(section, "selection", {"select": "1"})
        for question in questions:
            _sub(
                section,
                "assessmentItemRef",
                {"identifier": question.identifier, "href": item_path(question)},
            )
    return root


def assessment_item(bank: Bank, question: BankQuestion) -> ET.Element:
    root = ET.Element(
        "assessmentItem",
        {
            "identifier": question.identifier,
            "title": f"{bank.spec.title}: {question.name}",
            "adaptive": "false",
            "timeDependent": "false",
            f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_XSD}",
        },
    )
    numeric = question.numeric
    response = _sub(
        root,
        "responseDeclaration",
        {
            "identifier": "RESPONSE",
            "cardinality": "single",
            "baseType": "float" if numeric else "string",
        },
    )
    if numeric:
        _value(_sub(response, "correctResponse"), numeric.value)
    _outcome(root, "SCORE", "float", "0")
    _outcome(root, "MAXSCORE", "float", f"{question.points:g}")
    _outcome(root, "FEEDBACK", "identifier", None)
    body = _sub(root, "itemBody")
    if not numeric:
        scorer = _sub(body, "rubricBlock", {"view": "scorer"})
        scorer.extend(question.answer)
    body.extend(question.question)
    if numeric:
        line = _sub(body, "p")
        line.text = "Your answer: "
        _sub(
            line, "textEntryInteraction", {"responseIdentifier": "RESPONSE", "expectedLength": "12"}
        )
    else:
        _sub(
            body,
            "extendedTextInteraction",
            {"responseIdentifier": "RESPONSE", "expectedLines": "15"},
        )
    _processing(root, question)
    feedback = _sub(
        root,
        "modalFeedback",
        {
            "outcomeIdentifier": "FEEDBACK",
            "showHide": "show",
            "identifier": "SOLUTION",
            "title": "Solution",
        },
    )
    feedback.extend(question.feedback)
    return root


def _processing(root: ET.Element, question: BankQuestion) -> None:
    """Score a number within its tolerance; always show the solution afterwards."""
    processing = _sub(root, "responseProcessing")
    if question.numeric:
        condition = _sub(_sub(processing, "responseCondition"), "responseIf")
        tolerance = question.numeric.tolerance
        equal = _sub(
            condition,
            "equal",
            {"toleranceMode": "absolute", "tolerance": f"{tolerance} {tolerance}"},
        )
        _sub(equal, "variable", {"identifier": "RESPONSE"})
        _sub(equal, "correct", {"identifier": "RESPONSE"})
        _set(condition, "SCORE", "float", f"{question.points:g}")
    _set(processing, "FEEDBACK", "identifier", "SOLUTION")


def _set(parent: ET.Element, outcome: str, base_type: str, value: str) -> None:
    setting = _sub(parent, "setOutcomeValue", {"identifier": outcome})
    _sub(setting, "baseValue", {"baseType": base_type}).text = value


def _outcome(root: ET.Element, identifier: str, base_type: str, default: str | None) -> None:
    outcome = _sub(
        root,
        "outcomeDeclaration",
        {"identifier": identifier, "cardinality": "single", "baseType": base_type},
    )
    if default is not None:
        _value(_sub(outcome, "defaultValue"), default)


def _value(parent: ET.Element, text: str) -> None:
    _sub(parent, "value").text = text
