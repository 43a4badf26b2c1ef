"""Exports read as Zotero and EndNote read them, for every kind of entry the course cites.

The expectations below are the documented import rules of those tools, written as tables (not
their code): Zotero's RIS importer and BibTeX importer (zotero/translators, RIS.js `importTypeMap`,
`fieldMap`, `cleanTags`; BibTeX.js `bibtex2zoteroTypeMap`, `processField`), Zotero's CSL type map
(zotero/zotero-schema, schema.json `csl.types`), and EndNote's RIS tag per reference type (its
export of every type, kept in RIS.js's tests). Each file is parsed back with rispy, bibtexparser
and json, then each record is read through the tables: type, creator roles and fields must come
out as the course means them.
"""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest
import rispy

from companion.course import apa, citemeta, exports, moment
from companion.episode import Episode
from course_support import citeproc_apa, course_site  # noqa: F401


def person(family: str, given: str) -> dict[str, str]:
    return {"family": family, "given": given}


ENTRIES = {
    "preprint": {"id": "louie2025", "type": "article", "author": [person("Louie", "R."), person("Shah", "R. S.")],
                 "issued": 2025, "title": "Can LLM-simulated practice upskill counselors?",
                 "publisher": "arXiv", "number": "arXiv:2505.02428"},
    "edited-book": {"id": "norcross2019", "type": "book", "editor": [person("Norcross", "J. C."), person("Lambert", "M. J.")],
                    "issued": 2019, "title": "Psychotherapy relationships that work", "edition": "3",
                    "publisher": "Oxford University Press"},
    "book": {"id": "safran2000", "type": "book", "author": [person("Safran", "J. D.")],
             "editor": [person("Series", "E.")], "issued": 2000, "title": "Negotiating the alliance",
             "publisher": "Guilford Press"},
    "chapter": {"id": "horvath2019", "type": "chapter", "author": [person("Flückiger", "C.")],
                "editor": [person("Norcross", "J. C.")], "issued": 2019, "title": "Alliance in adult psychotherapy",
                "container-title": "Psychotherapy relationships that work", "page": "24-78",
                "publisher": "Oxford University Press"},
    "journal": {"id": "bordin1979", "type": "article-journal", "author": [person("Bordin", "E. S.")],
                "issued": 1979, "title": "The generalizability of the psychoanalytic concept of the working alliance",
                "container-title": "Psychotherapy: Theory, Research & Practice", "volume": "16", "issue": "3",
                "page": "252-260", "DOI": "10.1037/h0085885"},
    "report": {"id": "who2021", "type": "report", "author": [{"literal": "World Health Organization"}],
               "issued": "2021-06-28", "title": "Ethics and governance of AI for health", "number": "WHO/2021.1",
               "publisher": "World Health Organization", "genre": "Guidance"},
    "webpage": {"id": "aca2024", "type": "webpage", "author": [{"literal": "American Counseling Association"}],
                "issued": "2024-01", "title": "Recommendations of the AI Work Group",
                "container-title": "Counseling.org", "URL": "https://www.counseling.org/ai"},
    "law": {"id": "privacy1988", "type": "legislation", "author": [{"literal": "Parliament of Australia"}],
            "issued": 1988, "title": "Privacy Act 1988 (Cth)", "number": "No. 119", "URL": "https://www.legislation.gov.au/C2004A03712"},
    "court": {"id": "garcia2025", "type": "legal_case", "author": [{"literal": "U.S. District Court, M.D. Fla."}],
              "issued": "2025-05-21", "title": "Garcia v. Character Technologies, Inc.", "number": "6:24-cv-01903",
              "authority": "U.S. District Court for the Middle District of Florida"},
    "podcast": {"id": "episode-003", "type": "broadcast", "author": [person("Bailey", "Tony")], "issued": "2024-05-15",
                "title": "A machine cannot say no", "container-title": "Fall From Grace", "number": "3",
                "genre": "Audio podcast episode", "URL": "https://course.example.org/episodes/003/"},
    "module": {"id": "module-3", "type": "webpage", "author": [{"literal": "Fall From Grace Companion"}],
               "issued": 2026, "title": "Module 3: What the research says", "genre": "Course module",
               "container-title": "What AI can and cannot do in mental health",
               "URL": "https://course.example.org/course/03/"},
}

# --- Zotero's RIS importer, as a table (RIS.js) ---------------------------------------------------
ZOTERO_RIS_TYPE = {"JOUR": "journalArticle", "BOOK": "book", "EDBOOK": "book", "CHAP": "bookSection",
                   "RPRT": "report", "WEB": "webpage", "ELEC": "webpage", "STAT": "statute",
                   "CASE": "case", "SOUND": "audioRecording", "MANSCPT": "manuscript"}
ZOTERO_RIS_DEFAULT_TYPE = "journalArticle"          # UNPB, GEN and any unknown TY
ZOTERO_RIS_ROLE = {                                 # (tag, item type) -> creator type; "*" any type
    ("AU", "audioRecording"): "composer", ("AU", "*"): "author",
    ("A2", "audioRecording"): "performer", ("A2", "book"): "seriesEditor", ("A2", "report"): "seriesEditor",
    ("A2", "bookSection"): "editor", ("A2", "journalArticle"): "editor",
    ("A3", "book"): "editor", ("A3", "bookSection"): "seriesEditor",
}
ZOTERO_RIS_FIELD = {                                # (tag, item type) -> field
    ("T2", "bookSection"): "bookTitle", ("T2", "journalArticle"): "publicationTitle",
    ("T2", "webpage"): "websiteTitle", ("T2", "report"): "seriesTitle", ("T2", "statute"): "code",
    ("T3", "audioRecording"): "seriesTitle", ("SN", "report"): "reportNumber",
    ("PB", "report"): "institution", ("PB", "case"): "court", ("PB", "book"): "publisher",
    ("PB", "bookSection"): "publisher", ("M1", "statute"): "publicLawNumber",
    ("M1", "journalArticle"): "issue", ("SV", "case"): "docketNumber", ("IS", "journalArticle"): "issue",
    ("VL", "journalArticle"): "volume", ("M3", "webpage"): "websiteType", ("M3", "report"): "reportType",
    ("M3", "manuscript"): "manuscriptType", ("DB", "*"): "archive", ("AN", "*"): "archiveLocation",
    ("C5", "audioRecording"): "audioRecordingFormat", ("TI", "statute"): "nameOfAct",
    ("TI", "case"): "caseName", ("TI", "*"): "title", ("ET", "book"): "edition",
}
# EndNote's own reading of the same tags (its export of each reference type).
ENDNOTE_ROLE = {("EDBOOK", "AU"): "Editor", ("BOOK", "A3"): "Editor", ("BOOK", "A2"): "Editor, Series",
                ("CHAP", "A2"): "Editor", ("CHAP", "AU"): "Author", ("JOUR", "AU"): "Author"}


def zotero_from_ris(text: str) -> dict:
    """One RIS record read through the Zotero tables: item type, creators by role, fields."""
    lines = [line for line in text.splitlines() if line.strip()]
    tags = [(line[:2], line[6:]) for line in lines]
    ty = tags[0][1]
    item_type = ZOTERO_RIS_TYPE.get(ty, ZOTERO_RIS_DEFAULT_TYPE)
    item: dict = {"itemType": item_type, "creators": [], "TY": ty}
    for tag, value in tags[1:]:
        if tag in ("AU", "A2", "A3"):
            role = ZOTERO_RIS_ROLE.get((tag, item_type)) or ZOTERO_RIS_ROLE.get((tag, "*"))
            if ty == "EDBOOK" and tag == "AU":       # cleanTags: an edited book's AU are its editors
                role = "editor"
            item["creators"].append((role, value))
        else:
            field = ZOTERO_RIS_FIELD.get((tag, item_type)) or ZOTERO_RIS_FIELD.get((tag, "*"))
            if field:
                item[field] = value
    return item


EXPECTED_ZOTERO = {
    "preprint": {"itemType": "manuscript", "roles": {"author"}, "archive": "arXiv",
                 "archiveLocation": "2505.02428", "manuscriptType": "Preprint"},
    "edited-book": {"itemType": "book", "roles": {"editor"}, "edition": "3"},
    "book": {"itemType": "book", "roles": {"author", "editor"}},
    "chapter": {"itemType": "bookSection", "roles": {"author", "editor"},
                "bookTitle": "Psychotherapy relationships that work"},
    "journal": {"itemType": "journalArticle", "roles": {"author"}, "volume": "16", "issue": "3",
                "publicationTitle": "Psychotherapy: Theory, Research & Practice"},
    "report": {"itemType": "report", "roles": {"author"}, "reportNumber": "WHO/2021.1",
               "reportType": "Guidance"},
    "webpage": {"itemType": "webpage", "roles": {"author"}, "websiteTitle": "Counseling.org"},
    "law": {"itemType": "statute", "nameOfAct": "Privacy Act 1988 (Cth)", "publicLawNumber": "No. 119"},
    "court": {"itemType": "case", "caseName": "Garcia v. Character Technologies, Inc.",
              "docketNumber": "6:24-cv-01903",
              "court": "U.S. District Court for the Middle District of Florida"},
    "podcast": {"itemType": "audioRecording", "roles": {"performer"}, "seriesTitle": "Fall From Grace",
                "audioRecordingFormat": "Audio podcast episode"},
    "module": {"itemType": "webpage", "roles": {"author"}, "websiteType": "Course module",
               "websiteTitle": "What AI can and cannot do in mental health"},
}


@pytest.mark.parametrize("kind", sorted(ENTRIES))
def test_ris_keeps_type_roles_and_fields_through_zoteros_import(kind: str) -> None:
    text = exports.ris_record(ENTRIES[kind])
    (parsed,) = rispy.loads(text)                      # a standard RIS reader reads it too
    assert parsed["title"] == ENTRIES[kind]["title"]
    item = zotero_from_ris(text)
    expected = dict(EXPECTED_ZOTERO[kind])
    roles = expected.pop("roles", None)
    for field, value in expected.items():
        assert item.get(field) == value, (kind, field, text)
    if roles is not None:
        assert {role for role, _ in item["creators"]} == roles, (kind, text)
    # JabRef/jabref#296: JabRef took a chapter's T3 for its book title; a chapter carries no T3.
    if item["TY"] == "CHAP":
        assert "\nT3  - " not in text
    # The faults found on main: no arXiv id as an issue, no editor as a series editor, no host as composer.
    assert "issue" not in item or kind == "journal"
    assert all(role not in ("seriesEditor", "composer") for role, _ in item["creators"]), text


@pytest.mark.parametrize("kind, ty, tag, role", [
    ("edited-book", "EDBOOK", "AU", "Editor"), ("book", "BOOK", "A3", "Editor"),
    ("chapter", "CHAP", "A2", "Editor"), ("chapter", "CHAP", "AU", "Author"),
])
def test_ris_roles_as_endnote_reads_them(kind: str, ty: str, tag: str, role: str) -> None:
    text = exports.ris_record(ENTRIES[kind])
    assert text.startswith(f"TY  - {ty}\r\n")
    assert f"\r\n{tag}  - " in text and ENDNOTE_ROLE[(ty, tag)] == role


def test_every_ris_line_has_the_tag_shape_endnote_requires() -> None:
    """EndNote reads a RIS tag only as two characters, two spaces, a hyphen and a space, and
    "ER  - " as the end of a reference; a file with "ER  -" (trailing space trimmed) or tags
    without the spaces did not import (cffconvert#392, quoting Clarivate; pkp-lib#4802). Every
    line ends with CR LF, as the RIS spec has it and Zotero's RIS.js exports (`newLineChar =
    "\\r\\n"; //from spec`); no bare LF or CR is left in a value."""
    text = exports.ris(ENTRIES.values())
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    lines = [line for line in text.split("\r\n") if line]
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines), lines
    assert text.count("\r\nER  - \r\n") == len(ENTRIES) and text.endswith("ER  - \r\n")
    assert text.count("ER  - \r\n\r\nTY  - ") == len(ENTRIES) - 1      # a blank line between
    assert len(rispy.loads(text)) == len(ENTRIES)


# --- Zotero's BibTeX importer, as a table (BibTeX.js) --------------------------------------------
ZOTERO_BIBTEX_TYPE = {"article": "journalArticle", "book": "book", "incollection": "bookSection",
                      "techreport": "report", "unpublished": "manuscript", "misc": "document",
                      "inproceedings": "conferencePaper", "phdthesis": "thesis"}
EXPECTED_BIBTEX = {"preprint": "manuscript", "edited-book": "book", "book": "book", "chapter": "bookSection",
                   "journal": "journalArticle", "report": "report", "webpage": "document", "law": "document",
                   "court": "document", "podcast": "document", "module": "document"}


@pytest.mark.parametrize("kind", sorted(ENTRIES))
def test_bibtex_types_and_roles_as_zotero_reads_them(kind: str) -> None:
    entry = ENTRIES[kind]
    (record,) = bibtexparser.loads(exports.bibtex_record(entry)).entries   # standard types only
    assert ZOTERO_BIBTEX_TYPE[record["ENTRYTYPE"]] == EXPECTED_BIBTEX[kind]
    if kind == "edited-book":
        assert "editor" in record and "author" not in record
    if kind == "chapter":
        assert record["booktitle"] == entry["container-title"] and "editor" in record
    if kind == "preprint":               # Zotero: Extra "arXiv: 2505.02428"; no issue, no number
        assert (record["eprint"], record["eprinttype"]) == ("2505.02428", "arxiv")
        assert "number" not in record and "issue" not in record
        # rstudio/rstudio#15205: a preprint as @article warns "empty journal"; @unpublished needs none
        assert record["ENTRYTYPE"] == "unpublished" and "journal" not in record
    if kind == "report":                 # Zotero: `number` of a techreport is its report number
        assert record["number"] == "WHO/2021.1" and record["institution"]


# --- CSL-JSON, as Zotero maps CSL types (zotero-schema schema.json csl.types) -------------------
ZOTERO_CSL_TYPE = {"article": "preprint", "book": "book", "chapter": "bookSection",
                   "article-journal": "journalArticle", "report": "report", "webpage": "webpage",
                   "legislation": "statute", "legal_case": "case", "broadcast": "podcast"}


# The CSL-JSON schema's rules (citation-style-language/schema, schemas/input/csl-data.json): the
# item properties it allows (`additionalProperties: false`), its name and date shapes. Listed here
# only for the variables the course's entries can hold; anything else fails the check.
CSL_TYPES = {"article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
             "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
             "entry-dictionary", "entry-encyclopedia", "figure", "graphic", "hearing", "interview",
             "legal_case", "legislation", "manuscript", "map", "motion_picture", "musical_score",
             "pamphlet", "paper-conference", "patent", "performance", "periodical",
             "personal_communication", "post", "post-weblog", "regulation", "report", "review",
             "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage"}
CSL_STRING_VARIABLES = {"id", "title", "container-title", "collection-title", "publisher",
                        "publisher-place", "genre", "URL", "DOI", "ISBN", "ISSN", "note", "authority",
                        "archive", "archive_location", "section", "medium", "abstract", "language",
                        "year-suffix", "title-short", "event", "jurisdiction", "source", "version"}
CSL_STRING_OR_NUMBER = {"number", "volume", "issue", "page", "edition", "chapter-number",
                        "collection-number", "number-of-pages", "number-of-volumes", "page-first"}
CSL_NAME_VARIABLES = {"author", "editor", "collection-editor", "container-author", "translator",
                      "composer", "director", "interviewer", "performer", "recipient", "contributor"}
CSL_DATE_VARIABLES = {"issued", "accessed", "original-date", "event-date", "submitted", "available-date"}
CSL_NAME_PARTS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix",
                  "comma-suffix", "static-ordering", "literal", "parse-names"}


def csl_schema_problems(item: dict) -> list[str]:
    problems = []
    for key, value in item.items():
        if key == "type":
            if value not in CSL_TYPES:
                problems.append(f"type {value}")
        elif key in CSL_STRING_VARIABLES:
            problems += [] if isinstance(value, str) else [f"{key} is not a string"]
        elif key in CSL_STRING_OR_NUMBER:
            problems += [] if isinstance(value, (str, int, float)) else [f"{key} is not a string or number"]
        elif key in CSL_NAME_VARIABLES:
            problems += [f"{key}: {n}" for n in value if not (isinstance(n, dict) and set(n) <= CSL_NAME_PARTS)]
        elif key in CSL_DATE_VARIABLES:
            parts = value.get("date-parts") if isinstance(value, dict) else None
            ok = (isinstance(parts, list) and 1 <= len(parts) <= 2
                  and all(isinstance(p, list) and 1 <= len(p) <= 3 for p in parts) and set(value) <= {"date-parts"})
            problems += [] if ok else [f"{key} {value!r}"]
        else:
            problems.append(f"{key} is not a CSL variable")
    return problems + [f"missing {k}" for k in ("type", "id") if k not in item]


@pytest.mark.parametrize("kind", sorted(ENTRIES))
def test_csl_json_keeps_every_type_zotero_has(kind: str) -> None:
    (item,) = json.loads(exports.csl_json([ENTRIES[kind]]))
    assert ZOTERO_CSL_TYPE[item["type"]]
    assert not csl_schema_problems(item), csl_schema_problems(item)


@pytest.mark.subprocess
def test_every_built_csl_json_file_is_schema_valid(course_site) -> None:  # noqa: F811
    files = sorted((course_site.site / "cite").glob("*.json"))
    files = [f for f in files if f.name != "catalogue.json"]
    assert len(files) > 10
    for path in files:
        for item in json.loads(path.read_text(encoding="utf-8")):
            assert not csl_schema_problems(item), (path.name, item["id"], csl_schema_problems(item))


@pytest.mark.subprocess
def test_csl_json_files_render_in_citeproc_with_the_right_year_letters(course_site) -> None:  # noqa: F811
    """A CSL processor (citeproc-py, APA) renders every built file. One work's file is cited with its
    bare year, as APA cites it in a reader's own paper: it carried the site's letter, so an episode
    the site calls "Bailey (2024a)" came out "2024a" alone in the reader's list. A reference list
    (the bibliography) keeps the letters the site's pages show."""
    cite = course_site.site / "cite"
    catalogue = json.loads((cite / "catalogue.json").read_text(encoding="utf-8"))
    lettered = [r for r in catalogue["episodes"] + catalogue["modules"] if r["intext"][-1].isalpha()]
    assert lettered, "the fixture has works the site letters (Bailey 2024a, 2024b)"
    for path in sorted(cite.glob("episode-*.json")) + sorted(cite.glob("module-?.json")):
        (item,) = json.loads(path.read_text(encoding="utf-8"))
        (reference,) = citeproc_apa([item])
        year = str(item["issued"]["date-parts"][0][0])
        assert f"({year}," in reference or f"({year})" in reference, (path.name, reference)
    everything = json.loads((cite / "bibliography.json").read_text(encoding="utf-8"))
    rendered = citeproc_apa(everything)
    assert len(rendered) == len(everything)
    for item in (e for e in everything if e.get("year-suffix")):
        year = (item.get("issued") or {}).get("date-parts", [["n.d."]])[0][0]
        label = f"{year}{item['year-suffix']}" if year != "n.d." else f"n.d.-{item['year-suffix']}"
        assert any(f"({label}" in r for r in rendered), label


@pytest.mark.subprocess
def test_an_undated_page_gives_its_retrieval_date_as_apas_csl_style_prints_it() -> None:
    """APA's CSL style prints "Retrieved" before the URL of every undated work and the `accessed`
    date after it; with no date it printed "Retrieved https://..." in every reader's list. With an
    `accessed` date, the site's reference and citeproc's are the same text, and RIS (Y2) and BibTeX
    (urldate) carry it; with none, the site's reference has no retrieval statement."""
    page = {"id": "aps", "type": "webpage", "author": [{"literal": "Australian Psychological Society"}],
            "title": "Use AI in practice", "container-title": "APS", "URL": "https://psychology.org.au/x",
            "accessed": "2026-05-03"}
    ours = apa.plain(apa.reference(page))
    assert ours.endswith("(n.d.). Use AI in practice. APS. Retrieved May 3, 2026, from https://psychology.org.au/x")
    assert citeproc_apa(json.loads(exports.csl_json([page]))) == [ours]
    (record,) = rispy.loads(exports.ris_record(page))
    assert record["access_date"] == "2026/05/03"
    (entry,) = bibtexparser.loads(exports.bibtex_record(page)).entries
    assert entry["urldate"] == "2026-05-03"
    dated = {**page, "issued": "2025-07"}           # a dated page: no retrieval date (APA 9.16)
    assert "Retrieved" not in apa.plain(apa.reference(dated))
    assert "Retrieved" not in citeproc_apa(json.loads(exports.csl_json([dated])))[0]
    undated = {k: v for k, v in page.items() if k != "accessed"}
    assert "Retrieved" not in apa.plain(apa.reference(undated))


@pytest.mark.subprocess
def test_an_episode_in_apas_csl_style_has_its_number_and_bracketed_description() -> None:
    """APA's CSL style prints a `genre` beside the number as its label: an episode came out "A
    machine cannot say no (Audio Podcast Episode No. 3)". APA 7 (and the site) write "(No. 3)
    [Audio podcast episode]": the bracketed format is CSL's `medium`. Only the host's "(Host)"
    label is the site's alone (CSL 1.0.2's `host`, which citeproc-py does not read)."""
    (item,) = json.loads(exports.csl_json([ENTRIES["podcast"]]))
    assert item["medium"] == "Audio podcast episode" and "genre" not in item
    (rendered,) = citeproc_apa([item])
    ours = apa.plain(apa.reference(ENTRIES["podcast"]))
    assert "A machine cannot say no (No. 3) [Audio podcast episode]. In Fall From Grace." in rendered
    assert rendered == ours.replace(" (Host).", ""), (rendered, ours)


# --- APA for the same kinds ---------------------------------------------------------------------

@pytest.mark.subprocess
def test_apa_for_laws_cases_and_episodes() -> None:
    assert apa.plain(apa.reference(ENTRIES["law"])).startswith("Privacy Act 1988 (Cth), No. 119 (1988).")
    # APA 7 section 11.4: name, docket number, (court and year), URL; the name is not italic.
    assert apa.reference(ENTRIES["court"]) == ("Garcia v. Character Technologies, Inc., No. 6:24-cv-01903 "
                                               "(U.S. District Court for the Middle District of Florida 2025).")
    episode = apa.plain(apa.reference(ENTRIES["podcast"]))
    assert episode.startswith("Bailey, T. (Host). (2024, May 15). A machine cannot say no (No. 3) "
                              "[Audio podcast episode]. In Fall From Grace.")


# --- the year letters and the one citation of a stretch -----------------------------------------

def test_year_letters_over_sources_modules_and_episodes() -> None:
    host = [person("Bailey", "Tony")]
    works = [
        {"id": "e2", "type": "broadcast", "author": host, "issued": "2024-06-01", "title": "B"},
        {"id": "e1", "type": "broadcast", "author": host, "issued": "2024-05-01", "title": "Z"},
        {"id": "essay", "type": "article-journal", "author": host, "issued": 2024, "title": "An essay"},
        {"id": "m2", "type": "webpage", "author": [{"literal": "Course"}], "issued": 2026, "title": "Module 2"},
        {"id": "m1", "type": "webpage", "author": [{"literal": "Course"}], "issued": 2026, "title": "Module 1"},
        {"id": "alone", "type": "webpage", "author": [{"literal": "Other"}], "issued": 2026, "title": "X"},
    ]
    letters = apa.assign_suffixes(works)
    # A year alone precedes a dated one ("nothing precedes something"), then dates, then titles.
    assert (letters["essay"], letters["e1"], letters["e2"]) == ("a", "b", "c")
    assert (letters["m1"], letters["m2"], letters["alone"]) == ("a", "b", "")
    lettered = [{**w, "year_suffix": letters[w["id"]]} for w in works]
    order = [w["id"] for w in sorted(lettered, key=apa.sort_key)]
    assert order == ["essay", "e1", "e2", "m1", "m2", "alone"]
    # What catalogue.json carries for the bundle page to letter a bundle's own list again: the
    # group is what is lettered together, the bare year what a letter is added to.
    groups = {w["id"]: apa.year_group(w) for w in works}
    assert groups["essay"] == groups["e1"] == groups["e2"] != groups["m1"] == groups["m2"] != groups["alone"]
    assert [(apa.bare_year(w), apa.year(w)) for w in lettered if w["id"] in ("e1", "alone")] == [
        ("2024", "2024b"), ("2026", "2026")]
    # Numbers in titles go by value: "Chapter 8" before "Chapter 11", "Module 9" before "Module 10".
    oaic = [{"id": f"app{n}", "type": "webpage", "author": [{"literal": "OAIC"}], "issued": "2019-07-22",
             "title": f"Chapter {n}: APP {n}"} for n in (11, 8)]
    assert apa.assign_suffixes(oaic) == {"app8": "a", "app11": "b"}
    modules = [{"id": f"m{n}", "type": "webpage", "author": [{"literal": "Course"}], "title": f"Module {n}: X"}
               for n in (10, 9)]
    assert [m["id"] for m in sorted(modules, key=apa.sort_key)] == ["m9", "m10"]


def test_a_stretch_is_cited_with_its_time_stamp_beside_the_reference() -> None:
    episode = {**ENTRIES["podcast"], "year_suffix": "b"}
    assert moment.intext(episode, 16, 42) == "(Bailey, 2024b, 0:16\u20130:42)"
    assert moment.intext(episode, 750) == "(Bailey, 2024b, 12:30)"
    assert moment.fragment(750, 1080) == "#t=12:30,18:00"
    html = moment.citation_html(episode, 3723, 4000)
    assert "(Bailey, 2024b, 1:02:03\u20131:06:40)" in html
    assert f'href="{episode["URL"]}#t=1:02:03,1:06:40"' in html
    assert apa.reference(episode) in html, "the reference cites the whole episode, unchanged"


@pytest.mark.parametrize("host, intext, names", [
    ("Tony Bailey", "(Bailey, 2025, 1:02:03)", "Bailey, T. (Host)."),
    ("{Recovery Collective}", "(Recovery Collective, 2025, 1:02:03)", "Recovery Collective (Host)."),
    ("Tony Bailey and Sam Lee", "(Bailey & Lee, 2025, 1:02:03)", "Bailey, T., & Lee, S. (Hosts)."),
    ("Bailey, Tony; Lee, Sam", "(Bailey & Lee, 2025, 1:02:03)", "Bailey, T., & Lee, S. (Hosts)."),
    ("Maria de la Cruz", "(de la Cruz, 2025, 1:02:03)", "de la Cruz, M. (Host)."),
])
def test_hosts_as_written_in_mkdocs_yml_are_cited_as_apa_names_them(host: str, intext: str, names: str) -> None:
    """A group host stays one name (not 'Collective, R.'); two hosts are two authors in every export."""
    episode = Episode.from_json({"title": "Ep", "date": "2025-03-08", "episode": 2, "slug": "s"})
    entry = {**citemeta.episode_entry(episode, "https://x.org/episodes/s/", "Fall From Grace", host),
             "year_suffix": ""}
    assert moment.intext(entry, 3723) == intext
    assert apa.plain(apa.reference(entry)).startswith(names)
    hosts = [line for line in exports.ris([entry]).splitlines() if line.startswith("A2  - ")]
    assert len(hosts) == len(entry["author"]), "one A2 (performer: Zotero's main creator of audio) per host"


def test_a_citation_whose_letter_moved_is_named_with_its_new_label() -> None:
    """An undated episode by the host joins the site: the host's undated essay becomes n.d.-a, and
    the build's warning names that label for the prose that still says (Bailey, n.d.)."""
    essay = {"id": "baileynd", "type": "webpage", "author": [{"family": "Bailey", "given": "T."}],
             "title": "[Essay on AI as therapy]", "year_suffix": "a"}
    [cited] = apa.find_citations("As the host argues (Bailey, n.d.), ...")
    assert not apa.matches(cited, essay) and apa.relettered(cited, essay)
    assert apa.intext(essay) == "Bailey, n.d.-a"
    [other] = apa.find_citations("(Bailey, 2019)")
    assert not apa.relettered(other, essay)


def test_prose_citations_follow_a_year_letter_that_moved() -> None:
    """An episode by the host in the year of a cited source letters both (2025a/2025b): the module's
    '(Bailey, 2025)' and 'Bailey (2025)' take the source's new label instead of stopping the strict
    build; a letter written by hand, a citation two listed works could take, and code stay as written."""
    essay = {"id": "bailey2025", "type": "webpage", "author": [{"family": "Bailey", "given": "T."}],
             "title": "Essay", "issued": {"date-parts": [[2025]]}, "year_suffix": "a"}
    other = {**essay, "id": "smith2020", "author": [{"family": "Smith", "given": "J."}],
             "issued": {"date-parts": [[2020]]}, "year_suffix": ""}
    text = ("The host argues (Bailey, 2025; Smith, 2020), as Bailey (2025) puts it; "
            "see (Bailey, 2025b) and `(Bailey, 2025)`.")
    rewritten, moved = apa.reletter(text, [essay, other])
    assert rewritten == ("The host argues (Bailey, 2025a; Smith, 2020), as Bailey (2025a) puts it; "
                         "see (Bailey, 2025b) and `(Bailey, 2025)`.")
    assert moved == [("Bailey, 2025", "Bailey, 2025a"), ("Bailey (2025)", "Bailey (2025a)")]
    used, unresolved = apa.resolve(apa.find_citations(rewritten), {"bailey2025": essay, "smith2020": other})
    assert used == {"bailey2025", "smith2020"} and [u.year for u in unresolved] == ["2025b"]
    twice = {**essay, "id": "bailey2025b", "title": "Second essay", "year_suffix": "b"}
    assert apa.reletter("(Bailey, 2025)", [essay, twice]) == ("(Bailey, 2025)", [])


# --- the month, for classic BibTeX styles (apacite, natbib's apalike) ----------------------------

def test_bibtex_month_is_the_style_macro_and_date_stays_for_biblatex() -> None:
    """APA cites an episode by year, month and day: classic BibTeX styles read only `year` and
    `month`, so the month is written as Zotero's and JabRef's exports write it (`month = may`, the
    unbraced macro every standard style defines) and `date` keeps the full date for biblatex."""
    from pybtex.database import parse_string

    text = exports.bibtex_record(ENTRIES["podcast"])
    assert "\n  month = may,\n" in text and "date = {2024-05-15}" in text
    (record,) = bibtexparser.loads(text).entries
    assert (record["year"], record["month"], record["date"]) == ("2024", "May", "2024-05-15")
    (entry,) = parse_string(text, "bibtex").entries.values()
    assert (entry.fields["year"], entry.fields["month"]) == ("2024", "May")
    for kind in ("module", "book"):            # a year alone: no month written
        assert "month" not in exports.bibtex_record(ENTRIES[kind])
    december = exports.bibtex_record({**ENTRIES["podcast"], "issued": {"date-parts": [[2025, 12]]}})
    assert "month = dec," in december and "date = {2025-12}" in december
