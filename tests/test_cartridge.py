"""The IMS Common Cartridge, checked as Moodle's and Canvas's importers read it.

No PyPI package ships the IMS CC 1.1 XSDs (and the project commits no copy of another
project's files), so the tests check the profile's structural rules (IMS CC 1.1 manifest and QTI 1.2.1 profile) and the XPaths
Moodle's importer follows (backup/cc/cc112moodle.php, entity11.quiz.class.php): web links
absolute, every item bound to a resource whose file is in the zip, each module's self-check an
assessment of essay items whose model answer is the general feedback. Without site_url the build
warns and offers no cartridge.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from companion.course import cartridge, qti, selfcheck
from companion.site import deploy
from companion import doctor
from companion.pipeline import feed_tags
from companion.project import open_project
from course_support import REPO, course_site, course_site_absolute, module_files  # noqa: F401

NS = {"cp": cartridge.CP_NS, "wl": cartridge.WL_NS, "lom": cartridge.LOM_NS, "q": qti.QTI_NS}
SITE_URL = "https://course.example.org/"
CC11_RESOURCE_TYPES = {"webcontent", "imswl_xmlv1p1", "imsdt_xmlv1p1", "imsbasiclti_xmlv1p0",
                       "imsqti_xmlv1p2/imscc_xmlv1p1/assessment",
                       "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank",
                       "associatedcontent/imscc_xmlv1p1/learning-application-resource"}
CC_QUESTION_PROFILES = {"cc.multiple_choice.v0p1", "cc.multiple_response.v0p1", "cc.true_false.v0p1",
                        "cc.fib.v0p1", "cc.pattern_match.v0p1", "cc.essay.v0p1"}
NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
# Moodle's imscc11 converter: the string its
# detect_format looks for in the manifest's first 500 bytes (lower-cased, no spaces or quotes).
MOODLE_DETECT = "xmlns=http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LINK_ATTRIBUTE = re.compile(r'\s(?:href|src)="([^"]*)"')
# Item parts the CC 1.1 QTI profile removed from QTI 1.2.1 (profile notes, Item (c)-(k)).
REMOVED_ITEM_PARTS = ("itemcontrol", "itemrubric", "rubric", "duration", "objectives", "reference",
                      "itemproc_extension", "itemprecondition", "itempostcondition", "qticomment")


def open_cartridge(site) -> tuple[zipfile.ZipFile, etree._Element, dict]:
    data = (site.site / "downloads" / "course.imscc").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest = etree.fromstring(archive.read(cartridge.MANIFEST))
    catalogue = json.loads((site.site / "cite" / "catalogue.json").read_text(encoding="utf-8"))
    return archive, manifest, catalogue


def resources_by_type(archive, manifest, kind: str) -> dict[str, etree._Element]:
    """Item title -> the parsed file of its resource, for items bound to resources of `kind`."""
    resources = {r.get("identifier"): r for r in manifest.xpath("//cp:resource", namespaces=NS)}
    found = {}
    for item in manifest.xpath("//cp:item[@identifierref]", namespaces=NS):
        resource = resources[item.get("identifierref")]
        if resource.get("type") == kind:
            (href,) = resource.xpath("cp:file/@href", namespaces=NS)
            found[item.xpath("string(cp:title)", namespaces=NS)] = etree.fromstring(archive.read(href))
    return found


def weblinks(archive, manifest) -> dict[str, tuple[str, str]]:
    """Item title -> (web-link title, URL)."""
    links = {}
    for title, link in resources_by_type(archive, manifest, cartridge.WEBLINK_TYPE).items():
        assert link.tag == f"{{{cartridge.WL_NS}}}webLink"
        links[title] = (link.xpath("string(wl:title)", namespaces=NS),
                        link.xpath("string(wl:url/@href)", namespaces=NS))
    return links


def check_manifest_profile(archive: zipfile.ZipFile, manifest: etree._Element) -> None:
    """The CC 1.1 manifest rules an importer relies on."""
    assert manifest.tag == f"{{{cartridge.CP_NS}}}manifest"
    assert manifest.xpath("string(cp:metadata/cp:schema)", namespaces=NS) == "IMS Common Cartridge"
    assert manifest.xpath("string(cp:metadata/cp:schemaversion)", namespaces=NS) == "1.1.0"
    assert manifest.xpath("string(cp:metadata/lom:lom/lom:general/lom:title/lom:string)", namespaces=NS)
    (organization,) = manifest.xpath("cp:organizations/cp:organization", namespaces=NS)
    assert organization.get("structure") == "rooted-hierarchy"
    assert len(organization.xpath("cp:item", namespaces=NS)) == 1, "one root item"
    identifiers = manifest.xpath("//@identifier")
    assert len(identifiers) == len(set(identifiers)) and all(NCNAME.match(i) for i in identifiers)
    resources = {r.get("identifier"): r for r in manifest.xpath("//cp:resource", namespaces=NS)}
    for resource in resources.values():
        assert resource.get("type") in CC11_RESOURCE_TYPES, resource.get("type")
        hrefs = resource.xpath("cp:file/@href", namespaces=NS)
        assert hrefs, resource.get("identifier")
        for href in hrefs:
            assert href in archive.namelist(), f"{href} is listed but not in the zip"
    refs = manifest.xpath("//cp:item/@identifierref", namespaces=NS)
    assert set(refs) <= set(resources), "an item points at no resource"
    banks = [r for r in resources.values() if r.get("type").endswith("question-bank")]
    assert len(banks) <= 1 and not {b.get("identifier") for b in banks} & set(refs)
    for name in archive.namelist():
        if name.endswith(".xml"):
            etree.fromstring(archive.read(name))       # every XML file well-formed


def check_moodle_detects_cc11(archive: zipfile.ZipFile) -> None:
    """Moodle detects a CC 1.1 cartridge by the manifest's default namespace in its first bytes."""
    head = re.sub(r"\s", "", archive.read(cartridge.MANIFEST)[:500].decode("utf-8", "replace").lower())
    assert MOODLE_DETECT in head.replace("'", "").replace('"', ""), "Moodle would not detect CC 1.1"


def check_qti_profile(root: etree._Element) -> list[etree._Element]:
    """The CC 1.1 QTI profile's structure and the XPaths Moodle's importer reads; the items."""
    assert root.tag == f"{{{qti.QTI_NS}}}questestinterop"
    (assessment,) = root.xpath("q:assessment", namespaces=NS)
    assert not root.xpath("q:objectbank|q:section|q:item", namespaces=NS)
    assert assessment.get("title") and NCNAME.match(assessment.get("ident"))
    meta = {f.xpath("string(q:fieldlabel)", namespaces=NS): f.xpath("string(q:fieldentry)", namespaces=NS)
            for f in assessment.xpath("q:qtimetadata/q:qtimetadatafield", namespaces=NS)}
    assert meta["cc_profile"] == "cc.exam.v0p1" and meta["qmd_assessmenttype"] == "Examination"
    assert meta["cc_maxattempts"] in {"unlimited", "1", "2", "3", "4", "5"}
    (section,) = assessment.xpath("q:section", namespaces=NS)
    items = section.xpath("q:item", namespaces=NS)
    assert items, "a section holds at least one item"
    idents = [i.get("ident") for i in items]
    assert len(idents) == len(set(idents)) and all(NCNAME.match(i) for i in idents)
    for item in items:
        assert not [c for c in item if etree.QName(c).localname in REMOVED_ITEM_PARTS]
        profile = item.xpath("string(q:itemmetadata/q:qtimetadata/q:qtimetadatafield"
                             "[q:fieldlabel='cc_profile']/q:fieldentry)", namespaces=NS)
        assert profile in CC_QUESTION_PROFILES and profile == "cc.essay.v0p1"
        assert item.xpath("string(q:presentation/q:material/q:mattext)", namespaces=NS).strip()
        for text in item.xpath(".//q:mattext/text()", namespaces=NS):
            for target in LINK_ATTRIBUTE.findall(text):      # an LMS breaks relative links
                assert target.startswith(("https://", "http://", "mailto:")), target
        assert item.xpath("q:presentation/q:response_str/q:render_fib", namespaces=NS)
        # Moodle's general feedback: respcondition continue="Yes" -> displayfeedback -> itemfeedback
        links = item.xpath("q:resprocessing/q:respcondition[@continue='Yes']/q:displayfeedback/@linkrefid",
                           namespaces=NS)
        assert links
        for link in links:
            text = item.xpath(f"string(q:itemfeedback[@ident='{link}']/q:flow_mat/q:material/q:mattext)",
                              namespaces=NS)
            assert text.strip(), f"{item.get('ident')}: feedback {link} is empty"
    return items


def plain(html_text: str) -> str:
    return " ".join(lxml_html.fromstring(f"<div>{html_text}</div>").text_content().split())


# --- with site_url: the cartridge as published ---------------------------------------------

@pytest.mark.subprocess
def test_manifest_follows_the_cc11_profile(course_site_absolute) -> None:  # noqa: F811
    archive, manifest, _ = open_cartridge(course_site_absolute)
    check_manifest_profile(archive, manifest)
    check_moodle_detects_cc11(archive)


@pytest.mark.subprocess
def test_every_module_and_week_is_an_absolute_weblink(course_site_absolute) -> None:  # noqa: F811
    archive, manifest, catalogue = open_cartridge(course_site_absolute)
    links = weblinks(archive, manifest)
    assert len(catalogue["modules"]) == len(module_files())
    for module in catalogue["modules"]:
        assert links[module["title"]] == (module["title"], module["url"])
        assert module["url"].startswith(SITE_URL)
    assert all(cartridge.MOODLE_URL.match(url) for _, url in links.values()), "Moodle: invalidurldetected"
    for week in catalogue["weeks"]:
        title, url = links[week["title"]]
        assert url == f"{SITE_URL}course/bundle/?{week['query']}"
    assert len(links) == len(catalogue["modules"]) + len(catalogue["weeks"])
    assert all(url.startswith(SITE_URL) for _, url in links.values())


@pytest.mark.subprocess
def test_each_module_self_check_is_a_qti_question_bank(course_site_absolute) -> None:  # noqa: F811
    archive, manifest, catalogue = open_cartridge(course_site_absolute)
    banks = resources_by_type(archive, manifest, qti.ASSESSMENT_TYPE)
    sources = {int(path.name[:2]): path for path in module_files()}
    modules_with_checks = 0
    for module in catalogue["modules"]:
        expected = selfcheck.questions(sources[module["number"]].read_text(encoding="utf-8"))
        title = f"{module['title']} — self-check"
        if not expected:
            assert title not in banks
            continue
        modules_with_checks += 1
        items = check_qti_profile(banks[title])
        assert len(items) == len(expected)
        for item, question in zip(items, expected):
            asked = item.xpath("string(q:presentation/q:material/q:mattext)", namespaces=NS)
            answer = item.xpath("string(q:itemfeedback/q:flow_mat/q:material/q:mattext)", namespaces=NS)
            assert plain(asked) == plain(question.question_html) and plain(asked)
            assert plain(answer) == plain(question.answer_html) and plain(answer)
    assert modules_with_checks == len(module_files()), "every module has a self-check today"


@pytest.mark.subprocess
def test_self_check_markdown_is_read_exactly() -> None:
    page = """# T

## Self-check

**1. What is *sycophancy* & why does it matter?**

??? note "Answer"
    Agreeing with the user whatever they say.

    - It can harm.

2. **Second <question>?**

???+ tip "Model answer"
    Two.

## For lecturers

**3. Not a self-check question**
"""
    questions = selfcheck.questions(page)
    assert [q.number for q in questions] == [1, 2]
    assert questions[0].question_html == "<p>What is <em>sycophancy</em> &amp; why does it matter?</p>"
    assert "<li>It can harm.</li>" in questions[0].answer_html
    xml = qti.assessment_xml(qti.Assessment("m9-selfcheck", "Module 9 self-check", tuple(questions)))
    items = check_qti_profile(etree.fromstring(xml))
    assert len(items) == 2
    assert items[0].get("title") == "Q1. What is sycophancy & why does it matter?"
    titled = selfcheck.questions('## Self-check\n\n??? question "3. Why ask?"\n    Because.\n')
    assert [(q.number, q.question_html, q.answer_html) for q in titled] == \
        [(3, "<p>Why ask?</p>", "<p>Because.</p>")]
    with pytest.raises(selfcheck.SelfCheckError, match="question 1 has no answer"):
        selfcheck.questions("## Self-check\n\n**1. Orphan question?**\n\nSome text.\n")


def test_an_empty_folder_is_left_out() -> None:
    folders = [cartridge.Folder("Modules", (cartridge.Link("m1", "Module 1", "https://x/m1/"),)),
               cartridge.Folder("Weekly bundles", ()), cartridge.Folder("Self-checks", ())]
    manifest = etree.fromstring(cartridge.manifest_xml("T", "D", folders))
    assert manifest.xpath("//cp:item[cp:title='Weekly bundles' or cp:title='Self-checks']", namespaces=NS) == []
    assert manifest.xpath("//cp:item/cp:title/text()", namespaces=NS) == ["Modules", "Module 1"]


def test_a_folder_keeps_its_identifier_when_another_comes_or_goes() -> None:
    """Canvas keeps a folder's identifier as its module's migration id and, when a newer cartridge
    is imported into the same course, updates the module holding that id (org_converter.rb;
    canvas-lms#1175: a re-import broke the module structure). Numbered by place, the self-checks
    folder took the weeks' number once a syllabus was added, and Canvas renamed the wrong module."""
    question = selfcheck.Question(1, "<p>Why?</p>", "<p>Because.</p>")
    modules = cartridge.Folder("Modules", (cartridge.Link("m1", "Module 1", "https://x.org/m1/"),), "modules")
    checks = cartridge.Folder("Self-checks", (qti.Assessment("m1-selfcheck", "Check", (question,)),), "selfchecks")

    def identifiers(weeks: tuple) -> dict[str, str]:
        folders = [modules, cartridge.Folder("Weekly bundles", weeks, "weeks"), checks]
        manifest = etree.fromstring(cartridge.manifest_xml("T", "D", folders))
        return {item.xpath("string(cp:title)", namespaces=NS): item.get("identifier")
                for item in manifest.xpath("//cp:organization/cp:item/cp:item", namespaces=NS)}

    before = identifiers(())
    after = identifiers((cartridge.Link("week-1", "Week 1", "https://x.org/b/?items=m1"),))
    assert after["Modules"] == before["Modules"] and after["Self-checks"] == before["Self-checks"]
    assert len(set(after.values())) == 3 and all(NCNAME.match(i) for i in after.values())
    twin = cartridge.Folder("Modules", (cartridge.Link("m2", "Module 2", "https://x.org/m2/"),))
    with pytest.raises(cartridge.CartridgeError, match="merge the two modules"):
        cartridge.build("T", "D", [modules, twin])


def test_same_input_same_bytes() -> None:
    folders = [cartridge.Folder("Modules", (cartridge.Link("m1", "Module 1", "https://x/m1/"),))]
    assert cartridge.build("T", "D", folders) == cartridge.build("T", "D", folders)


def test_a_relative_link_is_refused() -> None:
    folders = [cartridge.Folder("Modules", (cartridge.Link("m1", "Module 1", "course/m1/"),))]
    with pytest.raises(cartridge.CartridgeError, match="invalidurldetected"):
        cartridge.build("T", "D", folders)


@pytest.mark.subprocess
def test_the_published_site_offers_the_cartridge(course_site_absolute) -> None:  # noqa: F811
    site = course_site_absolute.site
    syllabus = (site / "course" / "syllabus" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../downloads/course.imscc"' in syllabus
    # Where it is downloaded, the lecturer learns what a self-hosted Canvas silently skips.
    assert "skips the quizzes without a warning" in syllabus and "essay questions" in syllabus
    assert 'href="../lecturers/#importing-the-course-into-moodle-or-canvas"' in syllabus
    assert "site_url is not set" not in course_site_absolute.log


# --- without site_url: a clear warning, no cartridge offered --------------------------------

@pytest.mark.subprocess
def test_without_site_url_the_build_warns_and_offers_no_cartridge(course_site) -> None:  # noqa: F811
    warnings = [line for line in course_site.log.splitlines() if "site_url is not set" in line]
    assert len(warnings) == 1 and warnings[0].startswith("WARNING")
    assert "Common Cartridge" in warnings[0] and "relative links" in warnings[0]
    site = course_site.site
    assert not (site / "downloads" / "course.imscc").exists()
    for page in ("syllabus", "lecturers"):
        text = (site / "course" / page / "index.html").read_text(encoding="utf-8")
        assert "course.imscc" not in text
        assert "not offered on this copy of the site" in text and "site_url" in text
    module = next((site / "course").glob("03-*/index.html")).read_text(encoding="utf-8")
    assert "built without its web address" in module, "the cite box says why its files are relative"


@pytest.mark.subprocess
def test_doctor_reports_and_deploy_refuses_without_site_url(tmp_path) -> None:
    (tmp_path / "mkdocs.yml").write_text('site_name: x\nsite_url: ""\n')
    project = open_project(tmp_path)
    check = doctor.check_site_url(project.site_url)
    assert check.status == doctor.WARN and "deploy" in check.detail
    assert "site_url" in [c.name for c in doctor.run(start=tmp_path)]
    with pytest.raises(deploy.DeployError, match="site_url is not set"):
        deploy.deploy(project, dry_run=True)
    refused = subprocess.run([sys.executable, "-m", "companion.cli", "deploy", "--dry-run"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "site_url is not set" in refused.stdout + refused.stderr
    (tmp_path / "mkdocs.yml").write_text(f'site_name: x\nsite_url: "{SITE_URL}"\n')
    project = open_project(tmp_path)
    assert doctor.check_site_url(project.site_url).status == doctor.OK
    line, code = deploy.deploy(project, dry_run=True)
    assert code == 0 and "gh-deploy" in line
    assert doctor.check_site_url("course.example.org").status == doctor.FAIL


@pytest.mark.network
def test_companion_build_passes_the_site_url_warning_on(tmp_path, capsys) -> None:
    from companion.project import open_project as project_at
    from companion.site.build import build_site
    from course_support import prepare_project

    root = prepare_project(tmp_path)
    build_site(project_at(root), site_dir=tmp_path / "site")
    lines = [l for l in capsys.readouterr().err.splitlines() if "site_url is not set" in l]
    assert len(lines) == 1 and "Common Cartridge" in lines[0]


# --- what real titles and self-checks hold ---------------------------------------------------

def test_hostile_text_still_makes_a_cartridge_moodle_accepts() -> None:
    """Control characters pasted from Word (vertical tab, form feed, NUL, ESC), markup, `{{`, `]]>`,
    RTL marks and emoji in titles and answers; two questions numbered alike."""
    ask = "<p>Is 3 &lt; 4 &amp; {{ x }} true?\x0b ]]&gt; \u202eRTL \U0001F600</p>"
    answer = '<p>Yes\x1b: <code>a &lt; b</code> &amp; <a href="https://x.org/?a=1&amp;b=2">x</a></p>'
    questions = (selfcheck.Question(1, ask, answer), selfcheck.Question(1, "<p>Again?</p>", "<p>Yes.</p>"))
    folders = [cartridge.Folder("Modules & <more>\x0c", (cartridge.Link("m1", "Feeling :-{ \x0bnow", "https://x.org/m1/"),)),
               cartridge.Folder("Self-checks", (qti.Assessment("m1-selfcheck", "Self\x00check", questions),))]
    archive = zipfile.ZipFile(io.BytesIO(cartridge.build("Course\x00 & <T>", "D", folders)))
    manifest = etree.fromstring(archive.read(cartridge.MANIFEST))
    check_manifest_profile(archive, manifest)
    check_moodle_detects_cc11(archive)
    (bank,) = resources_by_type(archive, manifest, qti.ASSESSMENT_TYPE).values()
    items = check_qti_profile(bank)
    assert len(items) == 2, "a repeated question number must not merge two questions"
    asked = items[0].xpath("string(q:presentation/q:material/q:mattext)", namespaces=NS)
    assert asked == ask.replace("\x0b", " ")
    assert weblinks(archive, manifest)["Feeling :-{  now"] == ("Feeling :-{  now", "https://x.org/m1/")


def test_self_check_links_become_absolute() -> None:
    (question,) = selfcheck.questions(
        '## Self-check\n\n**1.** Which module?\n\n??? note "Answer"\n    [Module 2](02-why.md#x), '
        '[here](#top), [home](../index.md), ![chart](../img/a&b.png), <https://x.org>, [m](mailto:a@b)\n')
    html = selfcheck.absolute_links(question.answer_html, "course/01-x.md", SITE_URL)
    assert LINK_ATTRIBUTE.findall(html) == [
        f"{SITE_URL}course/02-why/#x", f"{SITE_URL}course/01-x/#top", SITE_URL,
        f"{SITE_URL}img/a&amp;b.png", "https://x.org", "mailto:a@b"]
    flat = selfcheck.absolute_links(question.answer_html, "course/01-x.md", SITE_URL, directory_urls=False)
    assert LINK_ATTRIBUTE.findall(flat)[:3] == [
        f"{SITE_URL}course/02-why.html#x", f"{SITE_URL}course/01-x.html#top", f"{SITE_URL}index.html"]


# Two answers with a footnote each, written as a module page writes them (one label a page), and
# a link to a heading of the module page.
FOOTNOTED = """
**98. Which control group?**

??? note "Answer"
    A waitlist.[^waitlist] See [what the trial did](#what-the-trial-did).

    [^waitlist]: People who got no treatment during the study.

**99. And the reviews?**

??? note "Answer"
    Short trials.[^short] A second answer, a second note.[^waitlist2]

    [^short]: Most ran eight weeks or less.
    [^waitlist2]: Again, no treatment.

"""


@pytest.mark.subprocess
def test_links_inside_an_answer_stay_inside_the_lms(tmp_path) -> None:
    """A footnote in a model answer, imported into Moodle or Canvas: its number and its way back
    are links within the answer, and must stay there; before, both were made absolute and left
    the LMS for the module page, where `#fn:...` is another footnote or none. Every id is unique
    in the assessment (a quiz shows its questions and feedback on one page); a link to a heading
    of the module page still goes there."""
    from course_support import prepare_project
    from site_support import build

    project = prepare_project(tmp_path, SITE_URL)
    module = project / "docs" / "course" / "03-what-the-research-says.md"
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace("## For lecturers", FOOTNOTED + "## For lecturers", 1), encoding="utf-8")
    build(project, tmp_path / "site")
    archive = zipfile.ZipFile(tmp_path / "site" / "downloads" / "course.imscc")
    manifest = etree.fromstring(archive.read(cartridge.MANIFEST))
    bank = resources_by_type(archive, manifest, qti.ASSESSMENT_TYPE)[
        "Module 3: What the research says about chatbots — self-check"]
    texts = [m.text for m in bank.iter(f"{{{qti.QTI_NS}}}mattext")]
    ids = [i for text in texts for i in lxml_html.fromstring(f"<div>{text}</div>").xpath("//@id")]
    assert len(ids) == len(set(ids)) >= 6, ids          # 3 notes, 3 references to them
    local = 0
    for text in texts:
        tree = lxml_html.fromstring(f"<div>{text}</div>")
        own = set(tree.xpath("//@id"))
        for href in tree.xpath("//a/@href"):
            if href.startswith("#"):
                assert href[1:] in own, (href, text)
                local += 1
            else:
                assert href.startswith(SITE_URL) or cartridge.MOODLE_URL.match(href), href
                assert "#fn" not in href, f"a footnote link leaves the LMS: {href}"
        if "what the trial did" in text:
            (heading,) = tree.xpath("//a[text()='what the trial did']/@href")
            assert heading == f"{SITE_URL}course/03-what-the-research-says/#what-the-trial-did"
    assert local == 6, "each note's number and its way back"


@pytest.mark.parametrize("section, problem", [
    ('**Q1. What?**\n\n??? note "Answer"\n    a\n', "follows no question"),
    ('**1. A question that\nwraps?**\n\n??? note "Answer"\n    a\n', "follows no question"),
    ('**1. A?**\n\n??? note "Answer"\n    a\n\n**2 What?**\n\n??? note "Answer"\n    b\n', "follows no question"),
    ('**1. A?**\n\n??? note "Answer"\n    See {{ cite("m3") }}.\n', "macro"),
])
def test_a_self_check_question_is_never_dropped_quietly(section, problem) -> None:
    with pytest.raises(selfcheck.SelfCheckError, match=problem):
        selfcheck.questions(f"## Self-check\n\n{section}")


@pytest.mark.subprocess
def test_site_url_from_the_environment_and_the_publish_build(tmp_path, monkeypatch) -> None:
    """`site_url: !ENV [SITE_URL, ""]` (how CI sets it) is read as MkDocs reads it, and the
    workflow's build step refuses to build a site for Pages while site_url is unset."""
    (tmp_path / "mkdocs.yml").write_text('site_name: x\nsite_url: !ENV [SITE_URL, ""]\n')
    monkeypatch.delenv("SITE_URL", raising=False)
    assert open_project(tmp_path).site_url == ""
    assert doctor.check_site_url(open_project(tmp_path).site_url).status == doctor.WARN
    monkeypatch.setenv("SITE_URL", SITE_URL)
    assert open_project(tmp_path).site_url == SITE_URL
    assert deploy.deploy(open_project(tmp_path), dry_run=True)[1] == 0

    from course_support import prepare_project
    monkeypatch.delenv("SITE_URL")
    root = prepare_project(tmp_path / "p")
    companion = str(Path(sys.executable).with_name("companion"))
    refused = subprocess.run(["bash", str(REPO / "scripts" / "ci" / "publish.sh"), "build"], cwd=root,
                             capture_output=True, text=True, timeout=300,
                             env={**os.environ, "COMPANION": companion})
    assert refused.returncode == 2 and "site_url is not set" in refused.stderr
    assert not (root / "site").exists()


@pytest.mark.parametrize("address", ["http://localhost:8000/", "http://127.0.0.1:8000/", "http://[::1]/",
                                     "http://192.168.1.20/course/", "https://course.local/",
                                     "https://my-site.test/", "http://intranet/", "https:///path"])
def test_a_local_site_url_is_refused(tmp_path, address) -> None:
    """`mkdocs serve` likes a localhost site_url; published, every citation link and the cartridge
    would point at the maintainer's machine."""
    (tmp_path / "mkdocs.yml").write_text(f'site_name: x\nsite_url: "{address}"\n')
    project = open_project(tmp_path)
    assert doctor.check_site_url(project.site_url).status == doctor.FAIL
    with pytest.raises(deploy.DeployError, match="site_url"):
        deploy.deploy(project, dry_run=True)
    with pytest.raises(feed_tags.FeedTagsError, match="site_url"):   # podcast apps cannot fetch it
        feed_tags.site_url(project)


def test_self_check_answers_render_as_the_site_renders_them() -> None:
    """Fenced code, definition lists, nested admonitions, attribute lists and footnotes reach
    the LMS as HTML, not as Markdown syntax."""
    page = ('## Self-check\n\n**1. A?**\n\n??? note "Answer"\n    A reply such as:\n\n'
            '    ```text\n    I hear you <3\n    ```\n\n    Alliance\n    :   The working bond.\n\n'
            '    !!! warning "Careful"\n        Not therapy.\n\n    A point and a note[^1].\n    { .lead }\n\n'
            '    [^1]: Bordin (1979).\n')
    site = selfcheck.Renderer.from_site(
        ["toc", "admonition", "attr_list", "def_list", "footnotes", "tables", "pymdownx.details",
         "pymdownx.superfences", "pymdownx.snippets"],
        {"toc": {"permalink": True}, "pymdownx.snippets": {"auto_append": ["missing.md"], "check_paths": True}})
    for renderer in (None, site):
        (question,) = selfcheck.questions(page, renderer)
        answer = question.answer_html
        for syntax in ("```", ":   ", "!!!", "{ .lead }", "[^1]"):
            assert syntax not in answer, (syntax, answer)
        assert "I hear you &lt;3" in answer and "<dd>" in answer and "Careful" in answer


# --- as Canvas reads it ---------------------------------------------------------------------------
# Canvas's Common Cartridge importer (instructure/canvas-lms, lib/cc/importer/standard/converter.rb
# and org_converter.rb), as a table: each child of the root item that has no `identifierref` becomes
# a Canvas module titled by its <title> (one bound directly to a resource would go to a "Misc
# Module"); inside it, a resource type matching `\Aimswl` becomes a URL item (title and href from the
# webLink file; an empty href drops it), one ending in `assessment` a quiz, `webcontent` a file.
# Quizzes need the QTI migration tool on the Canvas server (`Qti.qti_enabled?`).
CANVAS_ITEM_KIND = ((re.compile(r"\Aimswl"), "URL"), (re.compile(r"assessment\Z"), "ASSESSMENT"),
                    (re.compile(r"webcontent"), "FILE_TYPE"))


def canvas_modules(archive, manifest) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """[(module title, [(item kind, item title, url)])] as Canvas's org converter builds them."""
    resources = {r.get("identifier"): r for r in manifest.xpath("//cp:resource", namespaces=NS)}
    modules = []
    for folder in manifest.xpath("cp:organizations/cp:organization/cp:item/cp:item", namespaces=NS):
        assert folder.get("identifierref") is None, "a top-level link would land in Canvas's 'Misc Module'"
        items = []
        for node in folder.xpath("cp:item", namespaces=NS):
            resource = resources[node.get("identifierref")]
            kind = next((k for pattern, k in CANVAS_ITEM_KIND if pattern.search(resource.get("type"))), None)
            assert kind, f"Canvas drops resource type {resource.get('type')}"
            url = ""
            if kind == "URL":
                (href,) = resource.xpath("cp:file/@href", namespaces=NS)
                link = etree.fromstring(archive.read(href))
                url = link.xpath("string(wl:url/@href)", namespaces=NS)
                assert url, "Canvas drops a web link whose href is empty"
            items.append((kind, node.xpath("string(cp:title)", namespaces=NS), url))
        modules.append((folder.xpath("string(cp:title)", namespaces=NS), items))
    return modules


@pytest.mark.subprocess
def test_canvas_imports_a_module_per_folder_with_url_and_quiz_items(course_site_absolute) -> None:  # noqa: F811
    archive, manifest, catalogue = open_cartridge(course_site_absolute)
    modules = dict(canvas_modules(archive, manifest))
    assert list(modules) == ["Modules", "Weekly bundles", "Self-checks (question banks)"]
    assert [(k, t) for k, t, _ in modules["Modules"]] == [("URL", m["title"]) for m in catalogue["modules"]]
    assert all(url.startswith(SITE_URL) for _, _, url in modules["Modules"] + modules["Weekly bundles"])
    assert modules["Self-checks (question banks)"] and {k for k, _, _ in modules["Self-checks (question banks)"]} == {"ASSESSMENT"}


# --- what Moodle's importer does with a web link's URL and an entry's identity ---------------------
# Moodle (backup/cc/entity11.resource.class.php) keeps a web link's URL only if it passes
# `validateUrlSyntax($url, 's+')` (lib/validateurlsyntax.php: RFC 2396, ASCII), or does once
# rawurldecoded; anything else imports as http://invalidurldetected/.

def test_links_are_written_as_uris_moodle_accepts() -> None:
    """A site_url or page path with a space, accented letters, an IDN host, `[ ] |` or an escape
    already made: written as the URI a browser would request, which Moodle's URL syntax takes."""
    typed = {"m1": "https://course.example.org/kurs ü/m1/", "m2": "https://exämple.org/a b/",
             "m3": "https://x.org/course/bundle/?m=1&e=2@0:30-1:00&t=[x]|y", "m4": "https://x.org/a%20b/#Top",
             "m5": " https://x.org/m5/ "}
    folders = [cartridge.Folder("Modules", tuple(cartridge.Link(i, f"Module {i}", u) for i, u in typed.items()))]
    archive = zipfile.ZipFile(io.BytesIO(cartridge.build("T", "D", folders)))
    manifest = etree.fromstring(archive.read(cartridge.MANIFEST))
    links = weblinks(archive, manifest)
    assert links["Module m1"][1] == "https://course.example.org/kurs%20%C3%BC/m1/"
    assert links["Module m2"][1] == "https://xn--exmple-cua.org/a%20b/"
    assert links["Module m3"][1] == "https://x.org/course/bundle/?m=1&e=2@0:30-1:00&t=%5Bx%5D%7Cy"
    assert links["Module m4"][1] == "https://x.org/a%20b/#Top"
    assert links["Module m5"][1] == "https://x.org/m5/"
    assert all(cartridge.MOODLE_URL.match(url) for _, url in links.values())
    for name in archive.namelist():
        if name.startswith("weblinks/"):       # the profile's form: webLink in the default namespace
            assert etree.fromstring(archive.read(name)).nsmap == {None: cartridge.WL_NS}


@pytest.mark.parametrize("url", ["https://x.org//m1/", "https://my_site.org/m1/", "https://x.org:99999/"])
def test_a_url_moodle_would_replace_is_refused(url) -> None:
    folders = [cartridge.Folder("Modules", (cartridge.Link("m1", "Module 1", url),))]
    with pytest.raises(cartridge.CartridgeError, match="invalidurldetected"):
        cartridge.build("T", "D", folders)


@pytest.mark.parametrize("links, problem", [
    ((cartridge.Link("m1", "A", "https://x.org/a/"), cartridge.Link("m1", "B", "https://x.org/b/")), "used twice"),
    ((cartridge.Link("m 1", "A", "https://x.org/a/"),), "not a plain ASCII name"),
    ((cartridge.Link('m"1', "A", "https://x.org/a/"),), "not a plain ASCII name"),
    ((cartridge.Link("m1", "  ", "https://x.org/a/"),), "no title"),
])
def test_an_entry_the_importers_would_mangle_is_refused(links, problem) -> None:
    """Moodle looks resources and questions up by identifier inside a `"`-quoted XPath, and names
    each activity from the item's <title>: a repeated or odd identifier, or a blank title, would
    import wrong without a word."""
    with pytest.raises(cartridge.CartridgeError, match=problem):
        cartridge.build("T", "D", [cartridge.Folder("Modules", links)])
