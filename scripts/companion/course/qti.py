"""QTI 1.2 self-check assessments in the IMS Common Cartridge 1.1 profile.

One assessment per module, one essay item per self-check question, the model answer as the
item's general feedback. That is the question form both importers take without loss:

- Moodle (backup/cc/entity11.quiz.class.php) reads `questestinterop/assessment/section/item`,
  the item's type from the `cc_profile` metadata field (`cc.essay.v0p1` -> an essay question),
  its text from `presentation/material/mattext`, and its general feedback from each
  `respcondition continue="Yes"` -> `displayfeedback/@linkrefid` -> `itemfeedback/flow_mat`.
  Each imported assessment becomes a quiz with its own question category: a bank per module.
- Canvas imports `cc.essay.v0p1` items as essay questions, the `general_fb` feedback as the
  question's general comments, and puts each assessment's questions in a question bank of the
  same name.

A cartridge may hold at most one `question-bank` resource (CC 1.1 profile), so the per-module
banks come from per-module assessments, not from question-bank resources.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from companion.course.selfcheck import Question

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (f"{QTI_NS} http://www.imsglobal.org/profile/cc/ccv1p1/"
                   "ccv1p1_qtiasiv1p2p1_v1p0.xsd")
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
EXAM_PROFILE = "cc.exam.v0p1"
ESSAY_PROFILE = "cc.essay.v0p1"
GENERAL_FEEDBACK = "general_fb"
HTML = "text/html"
TITLE_CHARS = 80
# Assessment metadata the CC 1.1 QTI profile defines; a self-check is ungraded and retakeable.
ASSESSMENT_METADATA = (
    ("cc_profile", EXAM_PROFILE),
    ("qmd_assessmenttype", "Examination"),
    ("qmd_scoretype", "Percentage"),
    ("qmd_feedbackpermitted", "Yes"),
    ("qmd_hintspermitted", "Yes"),
    ("qmd_solutionspermitted", "Yes"),
    ("cc_maxattempts", "unlimited"),
)
ITEM_METADATA = (("cc_profile", ESSAY_PROFILE), ("qmd_computerscored", "No"))
# Characters XML 1.0 cannot hold even escaped (section 2.2): C0 controls but tab and line breaks,
# lone surrogates, U+FFFE/U+FFFF. One in a title or answer (Word's vertical tab, a pasted escape
# code) makes the file not XML, and Moodle then refuses the whole cartridge.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold replaced by a space."""
    return NOT_XML.sub(" ", text)


@dataclass(frozen=True)
class Assessment:
    ident: str                       # XML-name safe and unique in the cartridge: "m3-selfcheck"
    title: str
    questions: tuple[Question, ...]


def q(tag: str) -> str:
    """`tag` in the QTI 1.2 namespace ("{ns}tag", ElementTree's form)."""
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, q(tag), {k: xml_text(v) for k, v in attrs.items()})
    if text:
        element.text = xml_text(text)
    return element


def _metadata(parent: ET.Element, fields: tuple[tuple[str, str], ...]) -> None:
    block = _sub(parent, "qtimetadata")
    for label, entry in fields:
        field = _sub(block, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _material(parent: ET.Element, html: str) -> None:
    _sub(_sub(parent, "material"), "mattext", html, texttype=HTML)


def item_title(question: Question) -> str:
    """'Q3. Give two limits of the 2017 Woebot trial.': the name a question bank lists (Moodle
    reads the item's title attribute as the question name), cut at a word near 80 characters."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", question.question_html)).split())
    if len(text) > TITLE_CHARS:
        text = text[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    return f"Q{question.number}. {text}"


def _item(section: ET.Element, ident: str, question: Question) -> None:
    item = _sub(section, "item", ident=ident, title=item_title(question))
    _metadata(_sub(item, "itemmetadata"), ITEM_METADATA)
    presentation = _sub(item, "presentation")
    _material(presentation, question.question_html)
    response = _sub(presentation, "response_str", ident=f"{ident}-response", rcardinality="Single")
    _sub(_sub(response, "render_fib"), "response_label", ident="answer", rshuffle="No")
    processing = _sub(item, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", varname="SCORE", vartype="Decimal",
         minvalue="0", maxvalue="100")
    condition = _sub(processing, "respcondition", **{"continue": "Yes"})
    _sub(_sub(condition, "conditionvar"), "other")
    _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=GENERAL_FEEDBACK)
    feedback = _sub(item, "itemfeedback", ident=GENERAL_FEEDBACK)
    _material(_sub(feedback, "flow_mat"), question.answer_html)


def assessment_xml(assessment: Assessment) -> bytes:
    """The QTI 1.2 file of one assessment, as UTF-8 XML (question and answer HTML as text)."""
    ET.register_namespace("", QTI_NS)
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element(q("questestinterop"), {f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION})
    node = _sub(root, "assessment", ident=assessment.ident, title=assessment.title)
    _metadata(node, ASSESSMENT_METADATA)
    section = _sub(node, "section", ident=f"{assessment.ident}-section")
    # Item idents by position: Moodle files questions by ident (a repeated one replaces the
    # earlier question), and a page may number two questions alike.
    for position, question in enumerate(assessment.questions, start=1):
        _item(section, f"{assessment.ident}-q{position}", question)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
