"""Question banks (issue 14): Moodle XML and QTI 2.1 packages of a problem set's variants.

No XSD is used: the QTI 2.1 schema (imsqti_v2p1.xsd) could not be fetched on this machine
(only package registries are reachable, and none we checked ships it), and Moodle publishes
no schema for its question XML. So the tests check what the importers read: well-formed XML,
the elements and attributes Moodle's `qformat_xml` and a QTI 2.1 player need, in the order
the QTI schema requires, and identifiers that are XML names. The answers are checked against
explicit sympy matrices (tests/oracle.py) and derivgen's independent answer checker.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import sympy

from derivgen import check
from derivgen.cli import main
from derivgen.documents import read_spec
from derivgen.documents.worksheet_variants import draw_variants
from derivgen.exports import bank_data, export_bank, question_bank
from tests.oracle import element, instance

ROOT = Path(__file__).resolve().parent.parent
NOTE = ROOT / "examples" / "note-examples.toml"
VARIANTS = 3
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
MATHS = re.compile(r"\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\]", re.DOTALL)
QTI_BLOCKS = {"p", "div", "pre", "ul", "rubricBlock", "extendedTextInteraction"}
QTI_INLINE = {"em", "strong", "cite", "span", "code", "li", "textEntryInteraction"}
"""Inline content QTI 2.1 allows (its XHTML text module: em, strong, cite, span, code, …)."""
ITEM_ORDER = ["responseDeclaration", "outcomeDeclaration", "itemBody", "responseProcessing",
              "modalFeedback"]


@pytest.fixture(scope="module")
def moodle() -> ET.Element:
    _, data = bank_data(NOTE, "moodle", variants=VARIANTS, seed="0")
    return ET.fromstring(data)


@pytest.fixture(scope="module")
def qti() -> zipfile.ZipFile:
    _, data = bank_data(NOTE, "qti", variants=VARIANTS, seed="0")
    return zipfile.ZipFile(io.BytesIO(data))


def html(text: str) -> ET.Element:
    """An HTML text as Moodle stores it, parsed (derivgen writes it as well-formed XHTML)."""
    return ET.fromstring(f"<body>{text}</body>")


def test_moodle_has_a_category_per_problem_then_one_question_per_variant(moodle) -> None:
    spec = read_spec(NOTE)
    assert moodle.tag == "quiz"
    questions = moodle.findall("question")
    assert len(questions) == len(spec.problems) * (1 + VARIANTS)
    assert any(problem.part for problem in spec.problems), "the spec has parts"
    starts = range(0, len(questions), 1 + VARIANTS)
    for problem, start in zip(spec.problems, starts, strict=True):
        category, *variants = questions[start : start + 1 + VARIANTS]
        assert category.get("type") == "category"
        path = category.findtext("category/text")
        label = f"{problem.number}{problem.part}"  # 4a for part (a) of problem 4
        assert path == f"$course$/top/{spec.title}/Problem {label} ({problem.equation})"
        for letter, question in zip("ABC", variants, strict=True):
            assert question.get("type") in {"numerical", "essay"}
            name = f"{spec.title}: Problem {label}, variant {letter}"
            assert question.findtext("name/text") == name
            assert question.find("questiontext").get("format") == "html"
            assert question.find("generalfeedback").get("format") == "html"
            assert float(question.findtext("defaultgrade")) == problem.points


def test_moodle_texts_are_html_with_balanced_maths_and_no_latex_outside_it(moodle) -> None:
    for question in moodle.findall("question[@type!='category']"):
        for where in ("questiontext/text", "generalfeedback/text", "graderinfo/text"):
            text = question.findtext(where)
            if text is None:
                continue
            body = html(text)
            words = MATHS.sub("", "".join(body.itertext()))
            assert "\\" not in words and "$" not in words, (where, words[:200])
        feedback = html(question.findtext("generalfeedback/text"))
        assert feedback.find("pre") is None, "every display typeset, none left as text"
        assert "".join(feedback[-1].itertext()).startswith("Checked by derivgen:")


def test_the_variants_are_the_worksheets(moodle) -> None:
    drawn = draw_variants(read_spec(NOTE), VARIANTS, "0")
    bank = question_bank(NOTE, variants=VARIANTS, seed="0")
    for place, (_, questions) in enumerate(bank.problems):
        for variant, question in zip(drawn, questions, strict=True):
            assert question.variant == variant.id
            assert question.problem == variant.problems[place]


def test_numerical_answers_are_the_true_partials(moodle) -> None:
    """The numbers Moodle grades by, against sympy on explicit matrices."""
    bank = question_bank(NOTE, variants=VARIANTS, seed="0")
    numerical = [q for _, column in bank.problems for q in column if q.numeric is not None]
    assert numerical, "the note's y = x W by an entry of W off its column is 0"
    graded = moodle.findall("question[@type='numerical']")
    assert len(graded) == len(numerical)
    for question, xml in zip(numerical, graded, strict=True):
        problem = question.problem
        parts = re.fullmatch(r"d(\w+)\[([\d,]+)\]/d(\w+)\[([\d,]+)\]", problem.target)
        of_idx = tuple(map(int, parts[2].split(",")))
        by, by_idx = parts[3], tuple(map(int, parts[4].split(",")))
        names = problem.equation.split("=")[1].split()
        size = max(*of_idx, *by_idx)
        shapes = dict(problem.shapes)
        dims = {
            n: tuple(int(d) if d.isdigit() else size for d in shapes.get(n, f"{size},1").split(","))
            for n in names
        }
        arrays = instance(dims)
        output = sympy.ImmutableMatrix(sympy.Mul(*(arrays[n] for n in names)))
        truth = sympy.diff(element(output, of_idx), element(arrays[by], by_idx))
        assert truth.is_number
        (answer,) = xml.findall("answer")
        assert answer.get("fraction") == "100"
        assert float(answer.findtext("text")) == float(truth)
        assert float(answer.findtext("tolerance")) == 0


def test_essay_answers_for_the_grader_are_right(moodle) -> None:
    """The grader's answer in derivgen check's syntax, judged by the checker (which evaluates
    the equation itself, never a derivation)."""
    bank = question_bank(NOTE, variants=VARIANTS, seed="0")
    essays = [q for _, column in bank.problems for q in column if q.numeric is None]
    grader = [html(q.findtext("graderinfo/text")) for q in moodle.findall("question[@type='essay']")]
    assert len(grader) == len(essays)
    seen = set()
    for question, info in zip(essays, grader, strict=True):
        problem = question.problem
        form, answer = (code.text for code in info.iter("code"))
        assert "boxed" in info.find("div").text
        if (problem.key, answer) in seen:
            continue
        seen.add((problem.key, answer))
        general = answer if form.startswith("--general") else None
        verdict = check(
            problem.equation,
            problem.target,
            None if general else answer,
            dict(problem.shapes),
            layout=problem.spec.layout,
            general=general,
        )
        assert verdict.correct, (problem.equation, problem.target, answer, verdict.reason)


def test_user_text_is_escaped(tmp_path: Path) -> None:
    spec = tmp_path / "tricky.toml"
    spec.write_text(
        'title = "A & B </text> <b>"\n[[problem]]\nprompt = "Is x < y & <script>?"\n'
        'equation = "y = W x"\ntarget = "dy/dx"\npoints = 1\n',
        encoding="utf-8",
    )
    root = ET.fromstring(bank_data(spec, "moodle")[1])
    question = root.find("question[@type='essay']")
    assert question.findtext("name/text") == "A & B </text> <b>: Problem 1, variant A"
    body = html(question.findtext("questiontext/text"))
    assert body[0].text == "Is x < y & <script>?"
    assert body.find(".//script") is None
    category = root.findtext("question[@type='category']/category/text")
    assert category == "$course$/top/A & B <//text> <b>/Problem 1 (y = W x)"
    with zipfile.ZipFile(io.BytesIO(bank_data(spec, "qti")[1])) as package:
        item = ET.fromstring(package.read("items/P1-A.xml"))
        assert item.get("title") == "A & B </text> <b>: Problem 1, variant A"
        assert item.find(f"{QTI}itemBody/{QTI}p").text == "Is x < y & <script>?"


def test_qti_manifest_lists_the_test_and_every_item(qti) -> None:
    manifest = ET.fromstring(qti.read("imsmanifest.xml"))
    assert manifest.tag == f"{CP}manifest"
    assert [c.tag for c in manifest] == [f"{CP}metadata", f"{CP}organizations", f"{CP}resources"]
    assert manifest.findtext(f"{CP}metadata/{CP}schema") == "QTIv2.1 Package"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    identifiers = [r.get("identifier") for r in resources]
    assert len(set(identifiers)) == len(identifiers)
    assert all(NCNAME.fullmatch(i) for i in [manifest.get("identifier"), *identifiers])
    items = [r for r in resources if r.get("type") == "imsqti_item_xmlv2p1"]
    assert len(items) == len(read_spec(NOTE).problems) * VARIANTS
    names = set(qti.namelist())
    for resource in resources:
        assert resource.get("href") in names
        assert [f.get("href") for f in resource.findall(f"{CP}file")] == [resource.get("href")]
    (test,) = (r for r in resources if r.get("type") == "imsqti_test_xmlv2p1")
    dependencies = [d.get("identifierref") for d in test.findall(f"{CP}dependency")]
    assert dependencies == [r.get("identifier") for r in items]


def test_qti_test_selects_one_variant_of_each_problem(qti) -> None:
    test = ET.fromstring(qti.read("test.xml"))
    assert test.tag == f"{QTI}assessmentTest"
    sections = test.findall(f"{QTI}testPart/{QTI}assessmentSection")
    assert len(sections) == len(read_spec(NOTE).problems)
    for section in sections:
        assert section[0].tag == f"{QTI}selection" and section[0].get("select") == "1"
        refs = section.findall(f"{QTI}assessmentItemRef")
        assert len(refs) == VARIANTS
        for ref in refs:
            item = ET.fromstring(qti.read(ref.get("href")))
            assert item.get("identifier") == ref.get("identifier")


def test_qti_items_follow_the_schemas_order_and_references(qti) -> None:
    items = [n for n in qti.namelist() if n.startswith("items/")]
    kinds = set()
    for name in items:
        item = ET.fromstring(qti.read(name))
        assert item.tag == f"{QTI}assessmentItem"
        assert NCNAME.fullmatch(item.get("identifier"))
        assert item.get("adaptive") == "false" and item.get("timeDependent") == "false"
        tags = [child.tag.removeprefix(QTI) for child in item]
        assert tags == sorted(tags, key=ITEM_ORDER.index), tags
        declared = {d.get("identifier") for d in item.findall(f"{QTI}responseDeclaration")}
        outcomes = {d.get("identifier") for d in item.findall(f"{QTI}outcomeDeclaration")}
        assert {"SCORE", "MAXSCORE", "FEEDBACK"} <= outcomes
        body = item.find(f"{QTI}itemBody")
        assert {c.tag.removeprefix(QTI) for c in body} <= QTI_BLOCKS
        for element_ in item.iter():
            assert element_.tag.startswith(QTI), element_.tag
            if element_.get("responseIdentifier"):
                assert element_.get("responseIdentifier") in declared
        for setting in item.iter(f"{QTI}setOutcomeValue"):
            assert setting.get("identifier") in outcomes
        (feedback,) = item.findall(f"{QTI}modalFeedback")
        assert feedback.get("outcomeIdentifier") in outcomes
        used = {e.tag.removeprefix(QTI) for e in feedback.iter()} - {"modalFeedback"}
        assert used <= QTI_BLOCKS | QTI_INLINE
        numeric = item.find(f".//{QTI}textEntryInteraction")
        if numeric is not None:
            kinds.add("numeric")
            declaration = item.find(f"{QTI}responseDeclaration")
            assert declaration.get("baseType") == "float"
            assert declaration.find(f"{QTI}correctResponse/{QTI}value").text == "0"
            assert item.find(f".//{QTI}responseIf/{QTI}equal") is not None
        else:
            kinds.add("essay")
            assert body.find(f"{QTI}extendedTextInteraction") is not None
            assert body.find(f"{QTI}rubricBlock").get("view") == "scorer"
    assert kinds == {"numeric", "essay"}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_draws() -> None:
    for kind in ("moodle", "qti"):
        first = bank_data(NOTE, kind, variants=2, seed="5")
        assert bank_data(NOTE, kind, variants=2, seed="5") == first
        assert bank_data(NOTE, kind, variants=2, seed="6") != first


def test_the_cli_writes_the_note_examples_bank(tmp_path: Path, capsysbinary) -> None:
    path = tmp_path / "bank" / "note.xml"
    assert main(["export", "moodle", str(NOTE), "--variants", "3", "-o", str(path)]) == 0
    assert capsysbinary.readouterr().out.decode().strip() == str(path)
    assert path.read_bytes() == bank_data(NOTE, "moodle", variants=3)[1]
    assert main(["export", "qti", str(NOTE), "-o", "-", "-q"]) == 0
    assert capsysbinary.readouterr().out == bank_data(NOTE, "qti")[1]


def test_a_refused_problem_is_one_line_and_nothing_is_written(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(
        'title = "T"\n[[problem]]\nequation = "y = W x"\ntarget = "dy/dx"\npoints = 1\n'
        '[[problem]]\nequation = "y = pinv(W) x"\ntarget = "dy/dx"\npoints = 1\n',
        encoding="utf-8",
    )
    out = tmp_path / "old.xml"
    out.write_text("earlier", encoding="utf-8")
    assert main(["export", "moodle", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {spec}: ") and "problem 2" in err[0]
    assert out.read_text(encoding="utf-8") == "earlier"
    with pytest.raises(Exception, match="variants must be at least 1"):
        export_bank(spec, "qti", variants=0, output=out)


def test_a_number_that_is_not_an_integer_is_graded_within_a_tolerance(tmp_path: Path) -> None:
    spec = tmp_path / "numbers.toml"
    spec.write_text(
        'title = "Numbers"\n[[problem]]\nequation = "y = 1.5 x"\ntarget = "dy[2]/dx[2]"\n'
        'points = 1\n[[problem]]\nequation = "y = 3 x"\ntarget = "dy[2]/dx[1]"\npoints = 1\n',
        encoding="utf-8",
    )
    x = instance({"x": (3, 1)})["x"]
    truths = [
        sympy.diff(element(sympy.Rational(3, 2) * x, (2,)), element(x, (2,))),
        sympy.diff(element(3 * x, (2,)), element(x, (1,))),
    ]
    graded = ET.fromstring(bank_data(spec, "moodle")[1]).findall("question[@type='numerical']")
    assert len(graded) == 2
    for question, truth in zip(graded, truths, strict=True):
        value = float(question.findtext("answer/text"))
        tolerance = float(question.findtext("answer/tolerance"))
        assert abs(value - float(truth)) <= tolerance <= 1e-8 * max(1, abs(float(truth)))
    with zipfile.ZipFile(io.BytesIO(bank_data(spec, "qti")[1])) as package:
        item = ET.fromstring(package.read("items/P1-A.xml"))
        assert item.find(f".//{QTI}correctResponse/{QTI}value").text == "1.5"
        assert item.find(f".//{QTI}equal").get("tolerance") == "1.5e-09 1.5e-09"
