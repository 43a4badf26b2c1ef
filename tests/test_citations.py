"""APA 7 formatting against the course-notes patterns, in-text citation reading, and the
citation exports of a real build parsed back with real parsers (rispy, bibtexparser, json)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import bibtexparser
import pytest
import rispy
from lxml import html as lxml_html
from mkdocs.exceptions import PluginError

from companion.course import apa, bibliography, cite_macros, exports
from companion.course.course_plugin import check_front_matter
from course_support import (FIXTURE_EPISODES, REPO, course_site, course_site_absolute,  # noqa: F401
                            prepare_project)
from site_support import build

BIBLIOGRAPHY = REPO / "data" / "bibliography"

FLUECKIGER = {
    "id": "flueckiger2018", "type": "article-journal", "issued": 2018,
    "author": [{"family": "Flückiger", "given": "Christoph"}, {"family": "Del Re", "given": "A. C."},
               {"family": "Wampold", "given": "Bruce E."}, {"family": "Horvath", "given": "Adam O."}],
    "title": "The alliance in adult psychotherapy: A meta-analytic synthesis",
    "container-title": "Psychotherapy", "volume": "55", "issue": "4", "page": "316-340",
    "DOI": "10.1037/pst0000172",
}
EPISODE = {
    "id": "ep7", "type": "broadcast", "author": [{"family": "Bailey", "given": "Tony"}],
    "issued": "2024-05-01", "title": "When the chatbot says \"I understand\"", "number": "7",
    "genre": "Audio podcast episode", "container-title": "Fall From Grace",
    "URL": "https://example.org/episodes/07/",
}


def text(entry: dict) -> str:
    return apa.plain(apa.reference(entry))


# --- APA 7 reference patterns --------------------------------------------------------------

def test_journal_article() -> None:
    assert text(FLUECKIGER) == (
        "Flückiger, C., Del Re, A. C., Wampold, B. E., & Horvath, A. O. (2018). The alliance in "
        "adult psychotherapy: A meta-analytic synthesis. Psychotherapy, 55(4), 316–340. "
        "https://doi.org/10.1037/pst0000172")
    assert "<i>Psychotherapy, 55</i>(4)" in apa.reference(FLUECKIGER)


def test_podcast_episode_course_notes_pattern() -> None:
    assert text(EPISODE) == (
        "Bailey, T. (Host). (2024, May 1). When the chatbot says \"I understand\" (No. 7) "
        "[Audio podcast episode]. In Fall From Grace. https://example.org/episodes/07/")
    assert "In <i>Fall From Grace</i>." in apa.reference(EPISODE)
    assert "<i>When" not in apa.reference(EPISODE), "episode titles are not italic"


def test_podcast_episode_without_number_and_two_hosts() -> None:
    entry = {**EPISODE, "author": [{"family": "Bailey", "given": "Tony"}, {"family": "Lee", "given": "Sam"}]}
    del entry["number"]
    assert text(entry).startswith("Bailey, T., & Lee, S. (Hosts). (2024, May 1). When the chatbot "
                                  "says \"I understand\" [Audio podcast episode].")


def test_book_and_edited_book() -> None:
    book = {"type": "book", "author": [{"family": "Safran", "given": "Jeremy D."},
                                       {"family": "Muran", "given": "J. Christopher"}],
            "issued": 2000, "title": "Negotiating the therapeutic alliance: A relational treatment guide",
            "publisher": "Guilford Press"}
    assert text(book) == ("Safran, J. D., & Muran, J. C. (2000). Negotiating the therapeutic "
                          "alliance: A relational treatment guide. Guilford Press.")
    assert "<i>Negotiating" in apa.reference(book)
    edited = {"type": "book", "editor": [{"family": "Castonguay", "given": "Louis G."},
                                         {"family": "Hill", "given": "Clara E."}],
              "issued": 2012, "title": "Transformation in psychotherapy",
              "publisher": "American Psychological Association"}
    assert text(edited) == ("Castonguay, L. G., & Hill, C. E. (Eds.). (2012). Transformation in "
                            "psychotherapy. American Psychological Association.")


def test_chapter_in_edited_book() -> None:
    chapter = {"type": "chapter", "author": [{"family": "Knox", "given": "Sarah"},
                                             {"family": "Hill", "given": "Clara E."}],
               "editor": [{"family": "Castonguay", "given": "L. G."}, {"family": "Hill", "given": "C. E."}],
               "issued": 2012, "title": "Corrective experiences in psychotherapy",
               "container-title": "Transformation in psychotherapy", "page": "355-370",
               "publisher": "American Psychological Association"}
    assert text(chapter) == (
        "Knox, S., & Hill, C. E. (2012). Corrective experiences in psychotherapy. In L. G. "
        "Castonguay & C. E. Hill (Eds.), Transformation in psychotherapy (pp. 355–370). "
        "American Psychological Association.")


@pytest.mark.parametrize("written, shown", [("2", "2nd ed."), ("3", "3rd ed."), ("11", "11th ed."),
                                            ("22", "22nd ed."), ("Rev.", "Rev. ed."), ("Rev. ed.", "Rev. ed.")])
def test_an_edition_is_ordinal_in_a_book_and_kept_in_a_chapter(written: str, shown: str) -> None:
    """CSL and reference managers store an edition as a number: APA 7 (9.33) writes "(3rd ed.)",
    not "(3 ed.)", and a chapter's book keeps it beside the pages, "(2nd ed., pp. 55–68)" (it was
    dropped: the course's Gee et al., 2014 chapter lost its edition)."""
    book = {"type": "book", "author": [{"family": "Norcross", "given": "J. C."}], "issued": 2019,
            "title": "Relationships", "edition": written, "publisher": "Oxford University Press"}
    assert text(book) == f"Norcross, J. C. (2019). Relationships ({shown}). Oxford University Press."
    chapter = {"type": "chapter", "author": [{"family": "Gee", "given": "G."}],
               "editor": [{"family": "Dudgeon", "given": "P."}], "issued": 2014, "title": "Wellbeing",
               "container-title": "Working together", "edition": written, "page": "55-68",
               "publisher": "Commonwealth of Australia"}
    assert text(chapter) == ("Gee, G. (2014). Wellbeing. In P. Dudgeon (Ed.), Working together "
                             f"({shown}, pp. 55–68). Commonwealth of Australia.")


def test_report_by_group_author_omits_repeated_publisher() -> None:
    report = {"type": "report", "author": [{"literal": "World Health Organization"}], "issued": 2024,
              "year_suffix": "a", "title": "Ethics and governance of artificial intelligence for health",
              "publisher": "World Health Organization", "URL": "https://www.who.int/publications/x"}
    assert text(report) == ("World Health Organization. (2024a). Ethics and governance of "
                            "artificial intelligence for health. https://www.who.int/publications/x")
    assert apa.intext(report) == "World Health Organization, 2024a"


@pytest.mark.parametrize("number, shown", [
    ("WHO/2021.1", "(Report No. WHO/2021.1)"), ("ECD7", "(Report No. ECD7)"), ("No. 12", "(No. 12)"),
    ("Corporate document ECD7", "(Corporate document ECD7)"), ("CFCA Resource Sheet", "(CFCA Resource Sheet)"),
    ("NIH Publication No. 15-4963", "(NIH Publication No. 15-4963)"),
])
def test_a_report_number_with_its_own_label_is_written_as_the_issuer_gives_it(number: str, shown: str) -> None:
    """APA 7 (10.4) introduces a bare report number with "Report No."; one with its own label keeps
    it ("Report No. CFCA Resource Sheet" was printed for two of the course's sources)."""
    report = {"type": "report", "author": [{"literal": "NICE"}], "issued": 2022, "title": "Framework",
              "number": number}
    assert text(report) == f"NICE. (2022). Framework {shown}."


def test_webpage_with_date_and_site_name() -> None:
    page = {"type": "webpage", "author": [{"literal": "Australian Bureau of Statistics"}],
            "issued": "2023-10-05", "title": "National Study of Mental Health and Wellbeing",
            "container-title": "ABS", "URL": "https://www.abs.gov.au/x"}
    assert text(page) == ("Australian Bureau of Statistics. (2023, October 5). National Study of "
                          "Mental Health and Wellbeing. ABS. https://www.abs.gov.au/x")
    undated = {k: v for k, v in page.items() if k not in ("issued", "container-title")}
    assert "(n.d.)." in text(undated)
    assert apa.intext(undated) == "Australian Bureau of Statistics, n.d."


def test_course_module_as_webpage() -> None:
    module = {"type": "webpage", "author": [{"literal": "Recovery Talks Project"}],
              "issued": "2025-03-03", "title": "Module 3: What AI chatbots can and cannot do in a crisis",
              "container-title": "AI and Mental Health: A Companion Course",
              "URL": "https://example.org/2025s1/modules/03-crisis/"}
    assert text(module) == (
        "Recovery Talks Project. (2025, March 3). Module 3: What AI chatbots can and cannot do in a "
        "crisis. AI and Mental Health: A Companion Course. https://example.org/2025s1/modules/03-crisis/")
    assert "<i>Module 3:" in apa.reference(module)
    assert apa.intext(module) == "Recovery Talks Project, 2025"


def test_legislation_and_preprint() -> None:
    law = {"type": "legislation", "author": [{"literal": "Nevada Legislature"}], "issued": 2025,
           "title": "Assembly Bill 406", "URL": "https://www.leg.state.nv.us/x"}
    assert text(law) == "Assembly Bill 406 (2025). https://www.leg.state.nv.us/x"
    preprint = {"type": "article", "author": [{"family": "Cheng", "given": "Myra"}, {"family": "Lee", "given": "Cinoo"},
                                              {"family": "Jurafsky", "given": "Dan"}],
                "issued": 2025, "title": "Sycophantic AI decreases prosocial intentions and promotes dependence",
                "number": "arXiv:2510.01395", "publisher": "arXiv", "DOI": "10.48550/arXiv.2510.01395"}
    assert text(preprint) == (
        "Cheng, M., Lee, C., & Jurafsky, D. (2025). Sycophantic AI decreases prosocial intentions "
        "and promotes dependence (arXiv:2510.01395). arXiv. https://doi.org/10.48550/arXiv.2510.01395")
    assert apa.intext(preprint) == "Cheng et al., 2025"


def test_twenty_one_authors_use_an_ellipsis() -> None:
    many = {"type": "article-journal", "issued": 2020, "title": "T", "container-title": "J",
            "author": [{"family": f"A{i}", "given": "B"} for i in range(1, 22)]}
    names = text(many).split(" (2020)")[0]
    assert names.startswith("A1, B., A2, B.") and names.endswith("A19, B., . . . A21, B.")


def test_initials_keep_hyphens() -> None:
    assert apa.initials("Jean-Paul") == "J.-P."
    assert apa.initials("Adam O.") == "A. O."


def test_html_is_escaped() -> None:
    entry = {**EPISODE, "title": "<script>x</script> & more"}
    assert "<script>" not in apa.reference(entry)
    assert "&lt;script&gt;" in apa.reference(entry)


# --- in-text citations ---------------------------------------------------------------------

def test_in_text_citations_are_read_and_matched() -> None:
    body = ("Bordin (1979) argued (Flückiger et al., 2018; Safran & Muran, 2000). Moore and "
            "colleagues (2025) found it too (see Cheng et al., 2025, p. 3). `(Fake, 1999)` "
            "The (World Health Organization, 2024a) agrees.")
    found = {(c.names[0], c.year) for c in apa.find_citations(body)}
    assert found == {("Bordin", "1979"), ("Flückiger", "2018"), ("Safran", "2000"),
                     ("Moore", "2025"), ("Cheng", "2025"), ("World Health Organization", "2024a")}
    entries = {"f": FLUECKIGER}
    used, unresolved = apa.resolve(apa.find_citations("(Flückiger et al., 2018) (Flückiger, 2018)"), entries)
    assert used == {"f"}
    assert [c.text for c in unresolved] == ["Flückiger, 2018"], "one author cited for a four-author work"


def test_year_suffix_must_match() -> None:
    report = {"type": "report", "author": [{"literal": "World Health Organization"}], "issued": 2024,
              "year_suffix": "b", "title": "T"}
    _, unresolved = apa.resolve(apa.find_citations("(World Health Organization, 2024a)"), {"w": report})
    assert unresolved


def test_group_author_beginning_with_a_digit_is_read_and_matched() -> None:
    media = {"type": "webpage", "author": [{"literal": "404 Media"}], "issued": "2025-06",
             "title": "[Report on a complaint about therapist chatbots]"}
    body = ("The complaint was reported (404 Media, 2025). As 404 Media (2025) reported, "
            "the bots gave licence numbers.")
    found = [(c.raw, c.year) for c in apa.find_citations(body)]
    assert found.count(("404 Media", "2025")) == 2, found
    used, unresolved = apa.resolve(apa.find_citations(body), {"m": media})
    assert used == {"m"} and not unresolved
    assert apa.intext(media) == "404 Media, 2025"
    # a bare number in brackets is not an author
    assert apa.find_citations("(2018, 2019) and (23 studies)") == []


def test_undated_works_in_brackets_and_with_letters() -> None:
    poll = {"type": "webpage", "author": [{"literal": "Australian Psychological Society"}],
            "title": "[Member poll]", "year_suffix": "a"}
    advocacy = {"type": "webpage", "author": [{"literal": "Australian Psychological Society"}],
                "title": "[Pre-budget submission]", "year_suffix": "b"}
    undated = {"type": "webpage", "author": [{"literal": "The Medical Republic"}], "title": "[Report]"}
    assert apa.year(poll) == "n.d.-a" and apa.intext(advocacy) == "Australian Psychological Society, n.d.-b"
    assert text(poll).startswith("Australian Psychological Society. (n.d.-a). ")
    assert text(undated).startswith("The Medical Republic. (n.d.). ")
    body = ("A poll (Australian Psychological Society, n.d.-a) and a submission (Australian "
            "Psychological Society, n.d.-b); a report (The Medical Republic, n.d.); and the "
            "Australian Psychological Society (n.d.-b) again.")
    found = [c.year for c in apa.find_citations(body)]
    assert sorted(found) == ["n.d.", "n.d.-a", "n.d.-b", "n.d.-b"], found
    wrapped = apa.find_citations("bias (Australian Psychological\nSociety, n.d.-b).")
    assert [(c.raw, c.year) for c in wrapped] == [("Australian Psychological Society", "n.d.-b")]
    entries = {"a": poll, "b": advocacy, "r": undated}
    used, unresolved = apa.resolve(apa.find_citations(body), entries)
    assert used == {"a", "b", "r"} and not unresolved
    # the letter must match: n.d.-c points at nothing, and plain n.d. does not match a lettered work
    _, unresolved = apa.resolve(apa.find_citations(
        "(Australian Psychological Society, n.d.-c) (Australian Psychological Society, n.d.)"),
        {"a": poll, "b": advocacy})
    assert [c.year for c in unresolved] == ["n.d.-c", "n.d."]
    # APA 7 orders undated works first, then by their letter
    ordered = sorted([advocacy, {**poll, "issued": 2024}, poll], key=apa.sort_key)
    assert [apa.year(e) for e in ordered] == ["n.d.-a", "n.d.-b", "2024a"]


# --- exports from a real build ---------------------------------------------------------------

@pytest.fixture(scope="module")
def library() -> dict:
    return bibliography.load(BIBLIOGRAPHY)


@pytest.mark.subprocess
def test_bibliography_ris_parses_back(course_site, library) -> None:  # noqa: F811
    """The built RIS file as served: CR LF line ends (the RIS spec; Zotero's RIS.js writes them),
    read back by rispy."""
    raw = (course_site.site / "cite" / "bibliography.ris").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") > 0 and b"\r\nER  - \r\n" in raw
    records = rispy.loads(raw.decode("utf-8"))
    assert len(records) == len(library)
    ordered = sorted(library.values(), key=apa.sort_key)     # the file's order (two share a title)
    for entry, record in zip(ordered, records):
        key = entry["id"]
        assert record["title"] == entry["title"], key
        if entry.get("DOI"):
            assert record["doi"] == entry["DOI"], key
        if entry.get("author") and entry["author"][0].get("family"):
            assert record["authors"][0].startswith(entry["author"][0]["family"]), key


@pytest.mark.subprocess
def test_bibliography_bibtex_parses_back(course_site, library) -> None:  # noqa: F811
    text = (course_site.site / "cite" / "bibliography.bib").read_text(encoding="utf-8")
    database = bibtexparser.loads(text)
    assert len(database.entries) == len(library)
    keys = {e["ID"] for e in database.entries}
    assert keys == {exports.bibtex_key(e) for e in library.values()}
    for entry in database.entries:
        assert entry.get("title") and (entry.get("author") or entry.get("editor")), entry["ID"]


@pytest.mark.subprocess
def test_bibliography_csl_json_parses_back(course_site, library) -> None:  # noqa: F811
    items = json.loads((course_site.site / "cite" / "bibliography.json").read_text(encoding="utf-8"))
    assert {i["id"] for i in items} == set(library)
    for item in items:
        assert item["type"] and item["title"]
        assert "evidence" not in item, "project-only fields stay out of CSL-JSON"
        if "issued" in item:
            assert isinstance(item["issued"]["date-parts"][0][0], int)


@pytest.mark.subprocess
def test_module_and_episode_exports(course_site) -> None:  # noqa: F811
    cite = course_site.site / "cite"
    catalogue = json.loads((cite / "catalogue.json").read_text(encoding="utf-8"))
    assert catalogue["modules"], "no modules in the catalogue"
    for module in catalogue["modules"]:
        stem = Path(module["exports"]["ris"]).stem
        (record,) = rispy.loads((cite / f"{stem}.ris").read_text(encoding="utf-8"))
        assert record["type_of_reference"] == "WEB" and record["title"] == module["title"]
        (item,) = json.loads((cite / f"{stem}.json").read_text(encoding="utf-8"))
        assert item["type"] == "webpage" and item["container-title"]
        assert bibtexparser.loads((cite / f"{stem}.bib").read_text(encoding="utf-8")).entries
        references = rispy.loads((cite / f"module-{module['number']}-references.ris").read_text())
        assert len(references) == len(module["references"])
    assert len(catalogue["episodes"]) == len(FIXTURE_EPISODES)
    # Every module and episode has its own author-date label (2026a, 2026b; 2024a, ...), the same
    # in its reference, and a place in APA order for the bundle page's reference list.
    records = catalogue["modules"] + catalogue["episodes"]
    assert len({r["intext"] for r in records}) == len(records), [r["intext"] for r in records]
    for record in records:
        assert f"({record['intext'].rsplit(', ', 1)[1]}" in record["apa_text"], record["apa_text"]
    assert sorted(records, key=lambda r: r["apa_rank"])[0]["kind"] == "episode"      # Bailey first
    for episode in catalogue["episodes"]:
        (record,) = rispy.loads((cite / f"episode-{episode['slug']}.ris").read_text(encoding="utf-8"))
        assert record["type_of_reference"] == "SOUND"       # Zotero: audio recording, host its performer
        assert record["tertiary_title"] == "Fall From Grace" and record["secondary_authors"]
        (item,) = json.loads((cite / f"episode-{episode['slug']}.json").read_text(encoding="utf-8"))
        assert item["type"] == "broadcast" and item["medium"] == "Audio podcast episode" and "genre" not in item
        assert "(Host)" in episode["apa_html"] and "[Audio podcast episode]" in episode["apa_html"]


# --- the pages ------------------------------------------------------------------------------

def meta_tags(page: Path) -> tuple[dict[str, list[str]], list[dict]]:
    tree = lxml_html.parse(str(page))
    tags: dict[str, list[str]] = {}
    for meta in tree.xpath("//head/meta[@name]"):
        tags.setdefault(meta.get("name"), []).append(meta.get("content"))
    ld = [json.loads(s.text) for s in tree.xpath("//script[@type='application/ld+json']")]
    return tags, ld


@pytest.mark.subprocess
def test_module_pages_carry_head_metadata_and_cite_box(course_site_absolute) -> None:  # noqa: F811
    catalogue = json.loads((course_site_absolute.site / "cite" / "catalogue.json").read_text())
    for module in catalogue["modules"]:
        path = module["url"].removeprefix("https://course.example.org/")
        page = course_site_absolute.site / path / "index.html"
        tags, ld = meta_tags(page)
        assert tags["citation_title"] == [module["title"]]
        assert tags["citation_public_url"] == [module["url"]]
        assert tags["citation_author"] and tags["DC.creator"]
        assert [d["@type"] for d in ld] == ["LearningResource"]
        assert ld[0]["citation"], "the module's references are in its JSON-LD"
        tree = lxml_html.parse(str(page))
        box = tree.xpath("//aside[contains(@class,'ffg-cite')]")
        assert box and module["url"] in box[0].text_content()
        assert tree.xpath("//*[@id='references']"), "references rendered from front matter"
        assert tree.xpath("//*[contains(@class,'ffg-module-objectives')]//li")


@pytest.mark.subprocess
def test_episode_pages_carry_head_metadata(course_site) -> None:  # noqa: F811
    for number, (slug, title, date, _) in FIXTURE_EPISODES.items():
        tags, ld = meta_tags(course_site.site / "episodes" / slug / "index.html")
        assert tags["citation_title"] == [title]
        assert tags["citation_author"] == ["Bailey, Tony"]
        assert tags["citation_publication_date"] == [date.replace("-", "/")]
        assert ld[0]["@type"] == "PodcastEpisode" and str(ld[0]["episodeNumber"]) == str(number)


@pytest.mark.subprocess
def test_print_page_holds_every_module(course_site) -> None:  # noqa: F811
    catalogue = json.loads((course_site.site / "cite" / "catalogue.json").read_text())
    tree = lxml_html.parse(str(course_site.site / "course" / "print" / "index.html"))
    sections = tree.xpath("//section[contains(@class,'ffg-print-module')]")
    assert [s.get("id") for s in sections] == [m["id"] for m in catalogue["modules"]]
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids)), "module ids collide on the print page"
    for section in sections:
        assert section.xpath(".//*[contains(@class,'ffg-references')]/p")


@pytest.mark.subprocess
def test_syllabus_links_every_week_to_the_bundle_page(course_site) -> None:  # noqa: F811
    catalogue = json.loads((course_site.site / "cite" / "catalogue.json").read_text())
    tree = lxml_html.parse(str(course_site.site / "course" / "syllabus" / "index.html"))
    links = [a.get("href") for a in tree.xpath("//a[contains(@href,'items=')]")]
    assert len(links) == len(catalogue["weeks"])
    for link, week in zip(links, catalogue["weeks"]):
        assert link.startswith("../bundle/?") and link.endswith(week["query"])


# --- what the build refuses -----------------------------------------------------------------

@pytest.mark.subprocess
def test_strict_build_fails_on_an_unresolved_or_uncited_reference(tmp_path) -> None:
    project = prepare_project(tmp_path)
    module = sorted((project / "docs" / "course").glob("01-*.md"))[0]
    text = module.read_text(encoding="utf-8")
    first_key = re.search(r"^references:\s*\[([^,\]]+)", text, re.M).group(1).strip()
    text = text.replace(f"references: [{first_key}, ", "references: [", 1)
    module.write_text(text + "\nAs Nobody (1999) wrote.\n", encoding="utf-8")
    with pytest.raises(AssertionError) as failure:
        build(project, tmp_path / "site")
    log = str(failure.value)
    assert "Nobody (1999)), which matches no listed reference" in log
    assert f"(add {first_key} to references)" in log, log


def test_missing_front_matter_is_a_plugin_error() -> None:
    with pytest.raises(PluginError, match="lacks objectives, keypoints"):
        check_front_matter("course/09-x.md", {"title": "T", "module": 9, "summary": "S",
                                               "questions": ["Q?"], "reading_minutes": [1, 2],
                                               "listening_minutes": [0, 0], "tags": ["t"],
                                               "references": ["k"]})


@pytest.mark.subprocess
def test_cite_macro_forms(course_site) -> None:  # noqa: F811
    catalogue = json.loads((course_site.site / "cite" / "catalogue.json").read_text())
    episode = catalogue["episodes"][0]
    def with_entry(record: dict) -> dict:           # the plugin's record holds its CSL entry too
        stem = Path(record["exports"]["json"]).stem
        (entry,) = json.loads((course_site.site / "cite" / f"{stem}.json").read_text())
        letter = record["intext"][-1] if record["intext"][-1].isalpha() else ""   # the site's year letter
        return {**record, "entry": {**entry, "year_suffix": letter}}
    cites = {r["id"]: with_entry(r) for r in catalogue["modules"] + catalogue["episodes"]}
    plugin = SimpleNamespace(       # the course plugin's lookup by citation id (e7, m1), no catalogue
        library={"flueckiger2018": FLUECKIGER},
        record_for=lambda item: cites.get(f"{item.kind}{item.ref}"),
        podcast=SimpleNamespace(title="Fall From Grace"),
    )
    assert cite_macros.reference(plugin, "flueckiger2018") == apa.reference(FLUECKIGER)
    assert cite_macros.reference(plugin, "m1") == catalogue["modules"][0]["apa_html"]
    ranged = cite_macros.reference(plugin, episode["id"], "12:30", "18:00")
    assert f"{episode['url']}#t=12:30,18:00" in ranged and episode["apa_html"] in ranged
    assert f"({episode['intext']}, 12:30\u201318:00)" in ranged
    assert "not yet on this site" in cite_macros.reference(plugin, "e99")


def test_authors_the_evidence_bank_does_not_name_are_never_guessed() -> None:
    entry = {"id": "darcy2021", "type": "article-journal", "author": [{"family": "Darcy", "given": "A."}],
             "authors_incomplete": True, "issued": 2021, "title": "Evidence of human-level bonds",
             "container-title": "JMIR Formative Research"}
    assert text(entry).startswith("Darcy, A., . . . (2021)."), "APA 7: no et al. in a reference list"
    assert apa.intext(entry) == "Darcy et al., 2021"
    assert apa.resolve(apa.find_citations("as one study found (Darcy et al., 2021)."),
                       {"darcy2021": entry})[0] == {"darcy2021"}
    assert "author = {Darcy, A. and others}" in exports.bibtex([entry])
    assert "authors_incomplete" not in json.dumps(json.loads(exports.csl_json([entry])))
    # RIS and CSL-JSON have no "et al.": imported bare, the list read as whole ("Darcy, A. (2021)",
    # cited "(Darcy, 2021)"). Each says so in the note Zotero (Extra) and EndNote (Notes) keep.
    (item,) = json.loads(exports.csl_json([entry]))
    (record,) = rispy.loads(exports.ris([entry]))
    assert "Incomplete author list" in item["note"] and "Incomplete author list" in record["notes"][0]
    complete = {k: v for k, v in entry.items() if k != "authors_incomplete"}
    assert "note" not in json.loads(exports.csl_json([complete]))[0] and "N1  - " not in exports.ris([complete])
    middle = {**entry, "author": [{"family": "Heinz", "given": "M. V."}, {"family": "Banta", "given": "H. A."},
                                  {"family": "Jacobson", "given": "N. C."}], "authors_incomplete": "middle"}
    assert text(middle).startswith("Heinz, M. V., Banta, H. A., . . . Jacobson, N. C. (2021).")


@pytest.mark.subprocess
def test_catalogue_skips_text_only_items_and_keeps_episodes_sharing_a_number(tmp_path) -> None:
    from companion.pipeline import store
    from course_support import prepare_project
    from site_support import build, write_episode

    project = prepare_project(tmp_path)
    episodes = project / "episodes"
    write_episode(episodes, "101-twin-a", title="Twin A", number=42, date="2024-07-01",
                  duration=600.0, audio_url="http://127.0.0.1:9/a.mp3", segments=None)
    write_episode(episodes, "102-twin-b", title="Twin B", number=42, date="2024-07-08",
                  duration=600.0, audio_url="http://127.0.0.1:9/b.mp3", segments=None)
    note = write_episode(episodes, "103-a-note", title="A note", number=None, date="2024-07-09",
                         duration=0.0, audio_url=None, segments=None)
    record = json.loads((note / store.EPISODE_FILE).read_text())
    store.write_json_atomic(note / store.EPISODE_FILE, {**record, "status": store.STATUS_NO_AUDIO})
    build(project, tmp_path / "site")
    catalogue = json.loads((tmp_path / "site" / "cite" / "catalogue.json").read_text())
    by_slug = {e["slug"]: e["id"] for e in catalogue["episodes"]}
    assert by_slug["101-twin-a"] == "e42" and by_slug["102-twin-b"] == "e102-twin-b"
    order = [slug for slug in by_slug if slug.startswith("10")]
    assert order == ["101-twin-a", "102-twin-b"]     # oldest first, as before issue 22 (bundle picker)
    assert "103-a-note" not in by_slug


def test_a_bracketed_description_is_not_italic() -> None:
    described = {"type": "webpage", "author": [{"literal": "The Medical Republic"}],
                 "title": "[News report on the 2022 evaluation of Better Access]"}
    titled = {**described, "title": "Better Access evaluation"}
    assert "<i>[" not in apa.reference(described)
    assert apa.reference(titled).count("<i>Better Access evaluation</i>") == 1
