"""What the course says, checked against the 2026-11-30 audit (issue 10): Listen stretches only of
published episodes, one source for reading and listening times, no unhedged overclaims, the
thesis stated the same way everywhere, vignette names used once, and Get help matching the
evidence bank's table of lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from mkdocs.utils.meta import get_data

from companion.course import bundles, course_time
from companion.catalogue import Catalogue
from companion.episode import Episode
from companion.course.course_macros import span
from companion.site.episode_macros import PENDING_TEXT
from course_support import EVIDENCE, REPO, course_site, module_files  # noqa: F401

MODULES = module_files()
pytestmark = pytest.mark.skipif(not MODULES, reason="no course modules yet")

THESIS = "argued position that no study has yet tested"
THESIS_PAGES = [*MODULES, REPO / "docs" / "course" / "index.md", REPO / "docs" / "index.md",
                REPO / "docs" / "about.md", REPO / "docs" / "course" / "lecturers.md"]
# The audit's overclaim phrases, and words that make a sentence an attributed or hedged claim.
OVERCLAIMS = ("can test", "proves", "built to keep you engaged")
HEDGES = ("host argues", "he argues", "not ", "no study", "may ", "might ", "reported", "alleg",
          "if ", "whether", "?")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
FICTIONAL = re.compile(r"\*This (?:case )?is (?:a )?fictional(?: case)?\. (?P<names>[^*]+?) (?:is|are) not (?:a )?real")


def body(path: Path) -> str:
    return get_data(path.read_text(encoding="utf-8"))[0]


def published_episodes() -> Catalogue:
    return Catalogue.load(REPO / "episodes")


# --- Listen boxes and syllabus stretches ---------------------------------------------------

@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_listen_stretch_is_inside_a_published_episode(path: Path) -> None:
    """A Listen box names a stretch of an episode in episodes/ that fits its duration, or is the
    bare `listen()` placeholder: nothing is said about an episode nobody can check."""
    text = body(path)
    calls = re.findall(r"\{\{\s*listen\((.*?)\)\s*\}\}", text, re.S)
    assert calls, f"{path.name}: no Listen box"
    episodes = published_episodes()
    for key, start, end in course_time.stretches(text):
        episode = episodes.find(key)
        assert episode is not None, f"{path.name}: listen({key!r}) names an unpublished episode"
        duration = episode.duration
        assert duration is not None and (end or start) <= duration, \
            f"{path.name}: listen({key!r}) runs past the end of the episode"
    named = len(course_time.stretches(text))
    bare = sum(1 for c in calls if not c.strip())
    assert named + bare == len(calls), f"{path.name}: a listen() call the checker cannot read: {calls}"


def test_every_syllabus_stretch_is_inside_a_published_episode() -> None:
    weeks = bundles.load_syllabus(REPO / "data" / "syllabus.yml")
    episodes = published_episodes()
    for week in weeks:
        for item in week.bundle.items:
            if item.kind != bundles.EPISODE:
                continue
            episode = episodes.find(item.ref)
            assert episode is not None, f"{week.title}: names unpublished episode {item.ref}"
            if item.end is not None:
                assert episode.duration is not None and item.end <= episode.duration, \
                    f"{week.title}: {item.token()}"


@pytest.mark.subprocess
def test_built_listen_boxes_are_the_neutral_placeholder_until_published(course_site) -> None:  # noqa: F811
    for path in MODULES:
        page = course_site.site / "course" / path.stem / "index.html"
        tree = lxml.html.parse(str(page))
        boxes = tree.xpath('//div[contains(@class, "ffg-listen")]')
        assert boxes, path.stem
        for box in boxes:
            text = " ".join(box.text_content().split())
            if "ffg-listen--pending" in box.get("class"):
                paragraphs = [p.text_content() for p in box.xpath("p")]
                assert paragraphs == ["Listen", PENDING_TEXT], paragraphs
            else:
                assert box.xpath(".//a[contains(@href, '#t=')]"), text


# --- Reading and listening times: one source -----------------------------------------------

def header_times(html: str) -> tuple[str, str]:
    tree = lxml.html.fromstring(html)
    spans = [" ".join(s.text_content().split()) for s in tree.xpath('//p[@class="ffg-module-time"]/span')]
    return spans[0], spans[1]


@pytest.mark.subprocess
def test_times_agree_on_module_pages_lecturers_table_course_index_and_home(course_site) -> None:  # noqa: F811
    site = course_site.site
    table = lxml.html.parse(str(site / "course" / "lecturers" / "index.html"))
    rows = {r.xpath("td[1]")[0].text_content().split(":")[0].strip(): [c.text_content().strip() for c in r.xpath("td")]
            for r in table.xpath("//table[.//th[contains(., 'Reading (min)')]]//tbody/tr")}
    episodes = Catalogue.load(course_site.project / "episodes")
    lows, highs, total = [], [], [0, 0]
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        reading = course_time.reading_minutes(course_time.words(text))
        listening = course_time.listening_minutes(course_time.stretches(text), episodes)
        number = str(int(path.stem[:2]))
        reading_text, listening_text = header_times((site / "course" / path.stem / "index.html").read_text())
        assert reading_text == f"Reading: about {span(*reading)} min", (path.stem, reading_text)
        if listening[1] == 0:
            assert listening_text.startswith("Listening: none yet"), listening_text
        assert rows[number][1] == span(*reading) and rows[number][2] == span(*listening), rows[number]
        lows.append(reading[0])
        highs.append(reading[1])
        total = [total[0] + reading[0], total[1] + reading[1]]
    assert rows["Total"][1] == span(*total)
    course_range = span(min(lows), max(highs), "minutes")
    for page in ("index.html", "course/index.html"):
        text = " ".join(lxml.html.parse(str(site / page)).getroot().text_content().split())
        assert f"about {course_range} to read" in text, page
        assert not re.search(r"\b(20–30|25 to 50) minutes\b", text), page


@pytest.mark.subprocess
def test_reading_time_follows_the_text() -> None:
    """Fast and slow readers (300 and 175 words a minute) bound the range."""
    assert course_time.reading_minutes(3000) == [10, 17]
    text = "---\ntitle: T\n---\n" + "word " * 600 + '{{ listen(3, "1:00", "2:00", "label words here") }}'
    assert course_time.words(text) == 600
    one = Catalogue.of(Path("episodes"), [Episode.from_json({"slug": "003-x", "episode": 3, "duration": 900})])
    assert course_time.listening_minutes(course_time.stretches(text), one) == [1, 1]
    assert course_time.listening_minutes(course_time.stretches(text), Catalogue.of(Path("episodes"), [])) == [0, 0]


# --- Claims ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_no_unhedged_overclaim(path: Path) -> None:
    prose = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
    for sentence in SENTENCE.split(prose):
        lowered = sentence.lower()
        for phrase in OVERCLAIMS:
            # whole words: "improves" is not "proves"
            if re.search(rf"\b{re.escape(phrase)}\b", lowered):
                assert any(h in lowered for h in HEDGES), f"{path.name}: unhedged '{phrase}': {sentence}"


@pytest.mark.parametrize("path", THESIS_PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_thesis_is_stated_as_an_argued_position(path: Path) -> None:
    text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
    assert THESIS in text, f"{path.name} does not state the thesis as an {THESIS!r}"
    assert "no study can test" not in text.lower()


def test_vignette_names_are_not_reused_across_modules() -> None:
    seen: dict[str, str] = {}
    for path in MODULES:
        text = re.sub(r"\s+", " ", body(path))
        for match in FICTIONAL.finditer(text):
            for name in re.split(r",\s*|\s+and\s+", match.group("names")):
                name = name.strip()
                assert seen.get(name, path.stem) == path.stem, \
                    f"{name} is a fictional person in both {seen[name]} and {path.stem}"
                seen[name] = path.stem
    assert len(seen) >= 7, seen


# --- Get help matches the evidence bank -------------------------------------------------------

def bank_lines() -> dict[str, str]:
    """Service -> number from the bank's section 6.4 table ('| Lifeline | **13 11 14** | ...')."""
    text = EVIDENCE.read_text(encoding="utf-8")
    section = text[text.index("### 6.4"):]
    section = section[: section.index("\n## ") if "\n## " in section else len(section)]
    rows = re.findall(r"^\|\s*([^|]+?)\s*\|\s*\*\*([\d ]+)\*\*\s*\|(.*)$", section, re.M)
    return {name: number for name, number, _ in rows}


def test_get_help_lines_match_the_bank() -> None:
    if not EVIDENCE.is_file():
        pytest.skip(f"{EVIDENCE} is not beside the clone")
    bank = bank_lines()
    assert {"Lifeline", "Suicide Call Back Service", "MensLine Australia",
            "National Alcohol and Other Drug Hotline"} <= set(bank), bank
    help_data = yaml.safe_load((REPO / "data" / "help.yml").read_text(encoding="utf-8"))
    shown = {s["name"]: s["phone"] for s in help_data["services"]}
    shown[help_data["emergency"]["name"]] = help_data["emergency"]["phone"]
    for name, number in bank.items():
        assert shown.get(name) == number, f"Get help: {name} should be {number}, shows {shown.get(name)}"
    for name, number in shown.items():
        assert bank.get(name) == number, f"Get help lists {name} {number}, which the bank does not give"
    lifeline = next(s for s in help_data["services"] if s["name"] == "Lifeline")
    assert lifeline["text"] == "0477 13 11 14"


@pytest.mark.subprocess
def test_get_help_page_shows_the_bank_lines(course_site) -> None:  # noqa: F811
    text = (course_site.site / "get-help" / "index.html").read_text(encoding="utf-8")
    for name, number in bank_lines().items():
        assert name in text and f'href="tel:{number.replace(" ", "")}"' in text, name


@pytest.mark.subprocess
def test_syllabus_naming_an_unpublished_episode_or_a_stretch_past_its_end_fails_the_build(tmp_path: Path) -> None:
    from site_support import build, copy_project, write_episode

    project = copy_project(tmp_path / "project")
    write_episode(project / "episodes", "003-short", title="Short", number=3, date="2025-02-01",
                  duration=600, audio_url="http://127.0.0.1:9/a.mp3",
                  segments=[{"startTime": 0, "endTime": 5, "body": "hello"}])
    syllabus = project / "data" / "syllabus.yml"
    text = syllabus.read_text(encoding="utf-8")
    syllabus.write_text(text.replace("items: [m1, glossary]", "items: [m1, e3@8:00-15:30, e9@1:00-2:00, glossary]", 1),
                        encoding="utf-8")
    with pytest.raises(AssertionError) as failure:
        build(project, tmp_path / "site")
    log = str(failure.value)
    assert "data/syllabus.yml:11 (Week 1: What therapy actually does): the stretch 8:00–15:30 runs past the end of episode 3 (10:00 long)" in log
    assert "data/syllabus.yml:11 (Week 1: What therapy actually does) names episode 9, which is not in episodes/" in log


@pytest.mark.subprocess
def test_a_student_can_name_the_privacy_principles_and_ethics_standard(course_site) -> None:  # noqa: F811
    """Issue 10's 'done when': the built Module 7 answers, in a self-check, which Australian Privacy
    Principles and which PACFA standard apply to a counsellor's and a client's AI use."""
    page = course_site.site / "course" / "07-for-clinicians-and-students" / "index.html"
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    answers = " ".join(" ".join(d.itertext()) for d in tree.xpath("//details"))
    answers = re.sub(r"\s+", " ", answers)
    for needed in ("APP 3", "APP 6", "PACFA Code of Ethics", "Respect confidentiality",
                   "client's own chatbot use"):
        assert needed in answers, f"Module 7 self-check answers do not name {needed!r}"


@pytest.mark.subprocess
def test_news_only_sources_are_named_in_prose_and_read_pages_are_findable(course_site) -> None:  # noqa: F811
    """The 2026-12-06 audit: a news item the bank holds without a title (the CFA complaint via 404
    Media) is named in the prose with no pseudo-reference; a page that was read (the undated APS
    poll, n.d.-a among three undated APS pages: its title files first in APA order) is listed by its
    real title with its address."""
    def page(slug: str) -> str:
        path = course_site.site / "course" / slug / "index.html"
        return re.sub(r"\s+", " ", " ".join(lxml.html.fromstring(
            path.read_text(encoding="utf-8")).xpath("//article")[0].itertext()))
    harms, access = page("05-risks-and-harms"), page("06-access-cost-system")
    assert "news report by 404 Media" in harms and "404 Media. (n.d.)" not in harms
    assert "(Australian Psychological Society, n.d.-a)" in access
    assert ("Australian Psychological Society. (n.d.-a). APS member poll shows cost remains the "
            "biggest barrier to care") in access
    assert "psychology.org.au/insights/aps-member-poll" in access


# --- Assessment aligned to the objectives (2026-12-06 audit, issue 21) -------------------------

CASE = re.compile(r"^\*\*\d+\. Case \(objectives? (?P<numbers>[\d ,and]+)\): .+\*\*\s*$", re.M)
# Reflection prompts that ask a student about their own life rather than their practice (the
# lecturer guide: "Do not ask students to disclose their own mental health or their own chatbot use").
DISCLOSURE = re.compile(r"\b(think of a time|have you (ever )?(felt|tried|used)|in your own relationships|"
                        r"for you personally|what did it cost you|you have tried)\b", re.I)


def section_text(text: str, heading: str) -> str:
    match = re.search(rf"^{re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_objective_has_an_applied_self_check(path: Path) -> None:
    """Each objective is tested by at least one case to judge (a 'Case (objective N)' item)."""
    text = path.read_text(encoding="utf-8")
    objectives = get_data(text)[1]["objectives"]
    covered = {int(n) for m in CASE.finditer(section_text(body(path), "## Self-check"))
               for n in re.findall(r"\d+", m.group("numbers"))}
    missing = sorted(set(range(1, len(objectives) + 1)) - covered)
    assert not missing, f"{path.name}: no applied self-check for objective(s) {missing}"
    assert covered <= set(range(1, len(objectives) + 1)), f"{path.name}: a case names no objective: {covered}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_reflection_questions_ask_about_practice_not_personal_disclosure(path: Path) -> None:
    prompts = section_text(body(path), "## Reflection questions")
    assert prompts.strip(), path.name
    hits = DISCLOSURE.findall(prompts)
    assert not hits, f"{path.name}: a reflection question asks for personal disclosure: {hits}"


def test_disclosure_check_catches_the_audits_examples() -> None:
    """The phrases the 2026-12-06 audit flagged (01:368, 02:340, 04:358, 05:438) are caught."""
    for prompt in ("Think of a time someone accepted you after you showed them something",
                   "Have you felt heard by a chatbot?", "Which of the seven uses have you tried",
                   "What is one sign, for you personally, that it would be time"):
        assert DISCLOSURE.search(prompt), prompt


# --- The thesis's own source (issue 21) ---------------------------------------------------------

ESSAY_URL = "https://www.iamtonybailey.com/read/empty-promise-ai-therapy"


@pytest.mark.subprocess
def test_the_hosts_essay_is_cited_where_the_argument_is_attributed_and_exported(course_site) -> None:  # noqa: F811
    """Every module that sets out the host's argument as his cites his essay (Bailey, n.d.), lists
    it with its address (APA 7 untitled work: a bracketed description), and the module's RIS and
    the site's CSL-JSON exports carry it, so a reference manager gets it too."""
    import json
    import rispy
    cite = course_site.site / "cite"
    for path in MODULES:
        meta = get_data(path.read_text(encoding="utf-8"))[1]
        if "baileynd" not in meta["references"]:
            continue
        page = (course_site.site / "course" / path.stem / "index.html").read_text(encoding="utf-8")
        assert "(Bailey, n.d.)" in page and ESSAY_URL in page, path.stem
        assert "Bailey, T. (n.d.). [Essay on AI as therapy]" in re.sub(r"<[^>]+>", "", page), path.stem
        ris = rispy.loads((cite / f"module-{meta['module']}-references.ris").read_text(encoding="utf-8"))
        assert any(r.get("url") == ESSAY_URL or ESSAY_URL in r.get("urls", []) for r in ris), path.stem
    cited_by = [p.stem for p in MODULES if "baileynd" in get_data(p.read_text(encoding="utf-8"))[1]["references"]]
    assert {"01-what-therapy-does", "02-why-a-model-cannot"} <= set(cited_by), cited_by
    items = json.loads((cite / "bibliography.json").read_text(encoding="utf-8"))
    assert any(i.get("URL") == ESSAY_URL for i in items)
