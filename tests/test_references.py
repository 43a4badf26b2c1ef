"""References that survive real names and real titles (issue 12).

Every export is read back by the readers reference managers and LaTeX users rely on: bibtexparser
and pybtex (BibTeX), pylatexenc (LaTeX to text, taught LaTeX's text-symbol macros), rispy (RIS)
and json (CSL-JSON). Titles and names must come back exactly as written (in NFC), and the APA
reference list must be in APA 7 order and form.
"""

from __future__ import annotations

import json
import unicodedata

import bibtexparser
import pytest
import rispy
from pybtex.database import parse_string
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from companion.course import apa, bibliography, exports
from course_support import REPO, course_site  # noqa: F401

# Each of LaTeX's ten specials, alone and together, plus the titles real feeds and
# bibliographies carry (the shrug, a lone brace, a caret and tilde emoticon).
SPECIALS = "\\{}$&#^_%~"
TITLES = [f"Special {c} in a title" for c in SPECIALS] + [
    "\u00af\\_(\u30c4)_/\u00af Q&A: 100% {honest} answers #1",
    "Anxiety & depression: 5 tips ~ v2 ^_^ {draft}",
    "Feeling :-{ today? Notes from a peer group",
    "Closing brace first } then { opening",
    "A path C:\\new\\table and $5 & 10% off #tag ~user ^up_down",
    "Line\nbreak\tand tab",
    "A title\nER  - that tries to end a RIS record",
    "Ligatures: 1990--2000 --- ?` !` ``quoted'' <<guillemets>> ,,low",
    "Pipes | and <angle> brackets, \\ at the end\\",
]
DECOMPOSED = unicodedata.normalize("NFD", "Éric Öst")      # "E" + U+0301 ...
CORPORATE = "World Health Organization"
SYMBOLS = {"textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}",
           "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_",
           "textless": "<", "textgreater": ">", "textbar": "|"}


def latex_to_text(raw: str) -> str:
    """What LaTeX prints for a BibTeX field, by pylatexenc taught the text-symbol macros."""
    db = get_default_latex_context_db()
    db.add_context_category("text-symbols", prepend=True,
                            macros=[MacroTextSpec(n, simplify_repl=c) for n, c in SYMBOLS.items()])
    return unicodedata.normalize("NFC", LatexNodes2Text(latex_context=db).latex_to_text(raw))


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def person(family: str, given: str) -> dict[str, str]:
    return {"family": family, "given": given}


def sample_entries() -> list[dict]:
    """Titles with every special, and the names APA and BibTeX get wrong."""
    entries = [{"id": f"title-{i}", "type": "webpage", "title": title, "issued": 2024,
                "author": [{"literal": "Peer Support Group"}], "URL": f"https://example.org/{i}"}
               for i, title in enumerate(TITLES)]
    entries += [
        {"id": "hyphens", "type": "article-journal", "issued": 2012, "title": "Hyphenated initials",
         "container-title": "J", "DOI": "doi:10.1000/xyz_1",
         "author": [person("Lee", "Yu-Chen"), person("Öst", "Lars-Göran"), person("Lee", "Y.-C.")]},
        {"id": "accents", "type": "book", "issued": 2020, "title": "Accented initials",
         "author": [person("Ásgeirsdóttir", "Þóra"), person("Ørsted", "Émile")],
         "publisher": "Ö & Co"},
        {"id": "decomposed", "type": "book", "issued": 2019, "title": "Decomposed names",
         "author": [person(DECOMPOSED.split()[1], DECOMPOSED.split()[0])], "URL": "https://example.org/d"},
        {"id": "corporate", "type": "report", "issued": 2021, "title": "Group authors & others",
         "author": [{"literal": CORPORATE}, {"literal": "Smith and Sons {Ltd}"}],
         "URL": "https://example.org/who"},
        {"id": "twentyone", "type": "article-journal", "issued": 2022, "title": "Twenty-one authors",
         "container-title": "J", "DOI": "10.1000/21",
         "author": [person(f"Author{i:02d}", "A. B.") for i in range(1, 22)]},
        {"id": "particles", "type": "book", "issued": 2018, "title": "Particles and suffixes",
         "publisher": "P", "URL": "https://example.org/p",
         "author": [{"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
                    {"family": "Helmholtz", "given": "Hermann L. F.", "dropping-particle": "von"},
                    {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
                    {"family": "de la Cruz", "given": '"Maria" Teresa'},
                    {"family": "Department of Health and Social Care"}]},
        {"id": "twentytwo", "type": "article-journal", "issued": 2022, "title": "Twenty-two authors",
         "container-title": "J", "DOI": "10.1000/22",
         "author": [person(f"Writer{i:02d}", "Ann") for i in range(1, 23)]},
    ]
    return [bibliography.nfc(e) for e in entries]


ENTRIES = sample_entries()


def expected_name(name: dict[str, str], style: str = "ris") -> str:
    """A CSL name as the format writes it: RIS 'Last, First, Suffix'; BibTeX 'von Last, Jr, First';
    the particles stay with the family name; a name with no given part (a group, or an author the
    bank names by surname only: Lewis, 2015) is written whole."""
    if name.get("literal"):
        return name["literal"]
    last = " ".join(name[k] for k in ("dropping-particle", "non-dropping-particle", "family") if name.get(k))
    order = ("suffix", "given") if style == "bibtex" else ("given", "suffix")
    return ", ".join([last] + [name[k] for k in order if name.get(k)])


def split_names(field: str) -> list[str]:
    """A BibTeX name list split on the `and`s outside braces (as BibTeX does)."""
    names, depth, start = [], 0, 0
    for i, char in enumerate(field):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and field.startswith(" and ", i):
            names.append(field[start:i])
            start = i + len(" and ")
    return [n for n in names + [field[start:]] if n.strip()]


# --- BibTeX ----------------------------------------------------------------------------------

def check_bibtex(text: str, entries: list[dict]) -> None:
    """Both BibTeX readers keep every entry; titles and names read back as written."""
    parsed = {e["ID"]: e for e in bibtexparser.loads(text).entries}
    assert set(parsed) == {exports.bibtex_key(e) for e in entries}, "bibtexparser dropped entries"
    database = parse_string(text, "bibtex")       # raises on any unbalanced brace
    assert set(database.entries) == set(parsed)
    for entry in entries:
        key = exports.bibtex_key(entry)
        for raw in (parsed[key]["title"], database.entries[key].fields["title"]):
            assert flat(latex_to_text(raw)) == flat(entry["title"]), key
        people, editors = bibliography.names(entry)
        role = "editor" if editors else "author"
        written = [p for p in database.entries[key].persons[role] if str(p) != "others"]
        expected = [expected_name(p, "bibtex") for p in people]
        assert [flat(latex_to_text(str(p))) for p in written] == expected, key
        from_bibtexparser = split_names(parsed[key][role])
        assert [flat(latex_to_text(n)) for n in from_bibtexparser if n != "others"] == expected, key


def test_every_latex_special_reads_back_through_both_bibtex_readers() -> None:
    check_bibtex(exports.bibtex(ENTRIES), ENTRIES)


def test_no_raw_caret_tilde_or_lone_brace_is_written() -> None:
    for entry in ENTRIES[: len(TITLES)]:
        title = exports.tex(entry["title"])
        bare = title.replace("\\textasciicircum{}", "").replace("\\textasciitilde{}", "")
        assert "^" not in bare and "~" not in bare, title
        depth = 0
        for char in title:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, title
        assert depth == 0, title


def test_non_ascii_is_kept_as_utf8_and_urls_stay_verbatim() -> None:
    text = exports.bibtex(ENTRIES)
    assert "Ásgeirsdóttir, Þóra" in text and "Öst, Lars-Göran" in text
    assert "doi = {10.1000/xyz_1}" in text, "a DOI is verbatim (biblatex reads it as a URL)"
    assert exports.tex_url("https://x.org/a b{c}") == "https://x.org/a%20b%7Bc%7D"


def test_a_url_with_percent_and_hash_survives_where_latex_reads_it_as_an_argument() -> None:
    """`%` (a percent-escape, "50%25") and `#` (a section anchor) in a URL: the `url` field stays
    verbatim for biblatex and every reader; `howpublished`, which LaTeX reads as a macro argument,
    escapes both for hyperref's \\url, so no comment swallows the rest of the line and its closing
    braces (zotero#708, zotero-better-bibtex#1966, acmart#293)."""
    url = "https://www.legislation.gov.au/C2004A03712/latest/text?a=50%25&b=~me#sec26WH"
    record = exports.bibtex_record({"id": "law", "type": "webpage", "author": [{"literal": "Org"}],
                                    "title": "T", "URL": url})
    (entry,) = bibtexparser.loads(record).entries
    assert entry["url"] == url == parse_string(record, "bibtex").entries["law"].fields["url"]
    printed = latex_to_text(entry["howpublished"])
    assert "a=50%25" in printed and printed.endswith("#sec26WH>"), printed
    assert "%" not in entry["howpublished"].replace("\\%", "") and "#" not in entry["howpublished"].replace("\\#", "")


# --- RIS and CSL-JSON --------------------------------------------------------------------------

def test_ris_and_csl_json_read_back_unchanged() -> None:
    records = rispy.loads(exports.ris(ENTRIES))
    items = json.loads(exports.csl_json(ENTRIES))
    assert all(r["type_of_reference"] for r in records)
    assert len(records) == len(items) == len(ENTRIES)
    for entry, record, item in zip(ENTRIES, records, items):
        assert flat(record["title"]) == flat(entry["title"])
        assert item["title"] == entry["title"]
        people, _ = bibliography.names(entry)
        assert record.get("authors", []) == [expected_name(p) for p in people]
        assert item["author"] == people


# --- APA names and order -----------------------------------------------------------------------

def test_initials_keep_hyphens_and_accents() -> None:
    assert apa.initials("Y.-C.") == "Y.-C."
    assert apa.initials("Yu-Chen") == "Y.-C."
    assert apa.initials("L.-G.") == "L.-G."
    assert apa.initials("Lars-Göran") == "L.-G."
    assert apa.initials("A.O.") == "A. O."
    assert apa.initials(unicodedata.normalize("NFD", "Éric")) == "É."
    assert apa.initials("Þóra Émile") == "Þ. É."
    reference = apa.plain(apa.reference(next(e for e in ENTRIES if e["id"] == "hyphens")))
    assert reference.startswith("Lee, Y.-C., Öst, L.-G., & Lee, Y.-C. (2012).")
    decomposed = apa.plain(apa.reference(next(e for e in ENTRIES if e["id"] == "decomposed")))
    assert decomposed.startswith("Öst, É. (2019).")
    assert decomposed == unicodedata.normalize("NFC", decomposed)


def test_author_lists_follow_apa7() -> None:
    by_id = {e["id"]: e for e in ENTRIES}
    twentyone = apa.plain(apa.reference(by_id["twentyone"])).split(" (2022)")[0]
    assert twentyone.endswith("Author19, A. B., . . . Author21, A. B.") and "Author20" not in twentyone
    assert "&" not in twentyone and "et al." not in twentyone
    twentytwo = apa.plain(apa.reference(by_id["twentytwo"])).split(" (2022)")[0]
    assert twentytwo.endswith("Writer19, A., . . . Writer22, A.") and "Writer20" not in twentytwo
    twenty = {**by_id["twentyone"], "author": by_id["twentyone"]["author"][:20]}
    assert apa.plain(apa.reference(twenty)).split(" (2022)")[0].endswith(
        "Author19, A. B., & Author20, A. B.")
    corporate = apa.plain(apa.reference(by_id["corporate"]))
    assert corporate.startswith(f"{CORPORATE}, & Smith and Sons {{Ltd}}. (2021).")


def test_dois_are_links_in_every_reference() -> None:
    for entry in ENTRIES:
        markup = apa.reference(entry)
        if entry.get("DOI"):
            doi = entry["DOI"].removeprefix("doi:")
            assert f'<a href="https://doi.org/{doi}">https://doi.org/{doi}</a>' in markup
        elif entry.get("URL"):
            assert f'<a href="{entry["URL"]}">' in markup


def names_in_order(entries: list[dict]) -> list[str]:
    return [apa.plain(apa.reference(e)).split(",")[0] for e in sorted(entries, key=apa.sort_key)]


def test_apa_order_is_letter_by_letter_ignoring_accents_and_case() -> None:
    def one(family: str, given: str = "A.", year: int | None = 2020, **extra: object) -> dict:
        entry = {"id": family, "type": "book", "title": f"Book by {family}",
                 "author": [person(family, given)], **extra}
        if year:
            entry["issued"] = year
        return entry

    entries = [one("Zhang"), one("Öst"), one("Miller"), one("Ásgeirsdóttir"), one("ásbjörnsson"),
               one(unicodedata.normalize("NFD", "Émond")), one("Loftus"), one("Loft")]
    assert names_in_order(entries) == ["ásbjörnsson", "Ásgeirsdóttir", "Émond", "Loft", "Loftus",
                                       "Miller", "Öst", "Zhang"]
    # a vowel sign is part of its letter: कल (kal) files before कुल (kul), whatever the initials;
    # an accent is ignored until the end: Nguyễn, A. before Nguyen, B. (the initials decide)
    assert names_in_order([one("कुल", "A."), one("कल", "B."), one("Nguyen", "B."), one("Nguyễn", "A."),
                           one("Nguyen", "A.")]) == ["Nguyen", "Nguyễn", "Nguyen", "कल", "कुल"]
    assert [apa.initials(e["author"][0]["given"]) for e in sorted(
        [one("Nguyen", "B."), one("Nguyễn", "A.")], key=apa.sort_key)] == ["A.", "B."]
    # one author before the same author with others; then by year, n.d. first
    solo = one("Brown", year=2019)
    undated = one("Brown", year=None)
    group = {**one("Brown", year=2001), "author": [person("Brown", "A."), person("Adams", "C.")]}
    ordered = sorted([group, solo, undated], key=apa.sort_key)
    assert ordered == [undated, solo, group]
    # a group author files under its first significant word
    who = {"id": "who", "type": "report", "title": "T", "author": [{"literal": "The Lancet"}]}
    assert [e["id"] for e in sorted([one("Maple"), who, one("Kelly")], key=apa.sort_key)] == \
        ["Kelly", "who", "Maple"]


# --- the whole course bibliography, as built --------------------------------------------------

@pytest.mark.subprocess
def test_every_export_of_the_built_bibliography_reads_back(course_site) -> None:  # noqa: F811
    library = bibliography.load(REPO / "data" / "bibliography")
    ordered = sorted(library.values(), key=apa.sort_key)
    cite = course_site.site / "cite"
    check_bibtex((cite / "bibliography.bib").read_text(encoding="utf-8"), ordered)
    test_items = json.loads((cite / "bibliography.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in test_items] == [e["id"] for e in ordered]
    records = rispy.loads((cite / "bibliography.ris").read_text(encoding="utf-8"))
    for entry, record, item in zip(ordered, records, test_items):
        assert record["title"] == item["title"] == entry["title"]
        people, _ = bibliography.names(entry)
        assert item.get("author") or item.get("editor")
        assert (record.get("authors") or record.get("secondary_authors")) == \
            [expected_name(p) for p in people]
    check_every_export(cite)


def check_every_export(cite) -> int:
    """Every download in cite/ (whole course, each module, each module and episode): the CSL-JSON
    is the record; the BibTeX and RIS of the same stem read back to the same titles and names."""
    stems = sorted(p.stem for p in cite.glob("*.json") if p.name != "catalogue.json")
    for stem in stems:
        items = json.loads((cite / f"{stem}.json").read_text(encoding="utf-8"))
        assert items, stem
        check_bibtex((cite / f"{stem}.bib").read_text(encoding="utf-8"), items)
        records = rispy.loads((cite / f"{stem}.ris").read_text(encoding="utf-8"))
        assert [flat(r["title"]) for r in records] == [flat(i["title"]) for i in items], stem
    return len(stems)


@pytest.mark.subprocess
def test_special_characters_from_the_feed_and_the_bibliography_survive_a_real_build(tmp_path) -> None:
    """The real-world case: an episode titled with the shrug, and references with ~ ^ and a lone
    brace, through `mkdocs build --strict` into every download."""
    from course_support import prepare_project
    from site_support import build, write_episode

    project = prepare_project(tmp_path)
    shrug = "\u00af\\_(\u30c4)_/\u00af Q&A: 100% {honest} answers #1"
    write_episode(project / "episodes", "2025-02-15-shrug", title=shrug, number=None,
                  date="2025-02-15", duration=600.0, audio_url=None, segments=None)
    (project / "data" / "bibliography" / "zz-specials.yml").write_text(
        'case-tilde-caret:\n  type: webpage\n  author: [{literal: Beyond Blue}]\n'
        '  title: "Anxiety & depression: 5 tips ~ v2 ^_^ {draft}"\n  URL: https://www.beyondblue.org.au/\n'
        'case-lone-brace:\n  type: webpage\n  author: [{literal: Example Peer Network}]\n  issued: 2024\n'
        '  title: "Feeling :-{ today? Notes from a peer group"\n  URL: https://example.org/peer-notes\n'
        'case-decomposed:\n  type: book\n  issued: 2020\n  title: "Names \\u00d6st"\n'
        f'  author: [{{family: "{unicodedata.normalize("NFD", "Öst")}", given: "Lars-Göran"}}, '
        '{family: Lee, given: Y.-C.}]\n  publisher: P\n', encoding="utf-8")
    build(project, tmp_path / "site")
    cite = tmp_path / "site" / "cite"
    assert check_every_export(cite) > 10
    (episode,) = json.loads((cite / "episode-2025-02-15-shrug.json").read_text(encoding="utf-8"))
    assert episode["title"] == shrug
    whole = json.loads((cite / "bibliography.json").read_text(encoding="utf-8"))
    decomposed = next(i for i in whole if i["id"] == "case-decomposed")
    assert decomposed["author"][0]["family"] == "Öst" == unicodedata.normalize("NFC", "Öst")


@pytest.mark.subprocess
def test_built_reference_lists_are_in_apa_order_without_et_al(course_site) -> None:  # noqa: F811
    catalogue = json.loads((course_site.site / "cite" / "catalogue.json").read_text(encoding="utf-8"))
    library = bibliography.load(REPO / "data" / "bibliography")
    for module in catalogue["modules"]:
        keys = [r["key"] for r in module["references"]]
        assert keys == [e["id"] for e in sorted((library[k] for k in keys), key=apa.sort_key)]
        for ref in module["references"]:
            assert "et al." not in apa.plain(ref["html"]), ref["key"]
            if library[ref["key"]].get("DOI"):
                assert '<a href="https://doi.org/' in ref["html"], ref["key"]


@pytest.mark.parametrize("stem", ["bibliography"])
@pytest.mark.subprocess
def test_reference_downloads_are_linked(course_site, stem) -> None:  # noqa: F811
    lecturers = (course_site.site / "course" / "lecturers" / "index.html").read_text(encoding="utf-8")
    for kind in exports.WRITERS:
        assert f"cite/{stem}.{kind}" in lecturers
    for page in sorted((course_site.site / "course").glob("0[1-9]-*/index.html")):
        html = page.read_text(encoding="utf-8")
        number = int(page.parent.name[:2])
        references = html[html.index('id="references"'):]
        for kind in exports.WRITERS:
            assert f"cite/module-{number}-references.{kind}" in references, page
            assert f"cite/bibliography.{kind}" in references, page


# --- names with particles and suffixes, undated works, citations in the text -------------------

def test_particles_suffixes_and_odd_given_names_in_apa() -> None:
    """CSL-JSON keeps "van", "von" and "Jr." in their own fields: APA 7 (9.44) shows each, files a
    non-dropping particle with the surname ("van Gogh" under V) and a dropping one after the
    initials ("Helmholtz, H. L. F. von", under H)."""
    particles = next(e for e in ENTRIES if e["id"] == "particles")
    text = apa.plain(apa.reference(particles))
    assert text.startswith("van Gogh, V., Helmholtz, H. L. F. von, King, M. L., Jr., de la Cruz, M. T., "
                           "& Department of Health and Social Care. (2018).")
    assert apa.intext(particles) == "van Gogh et al., 2018"
    assert apa.initials("Jean - Paul") == "J.-P." and apa.initials("(Ann) B.") == "A. B."

    def one(name: dict) -> dict:
        return {"id": name["family"], "type": "book", "title": "T", "issued": 2020, "author": [name]}
    entries = [one({"family": "Helmholtz", "given": "H.", "dropping-particle": "von"}),
               one({"family": "Gogh", "given": "V.", "non-dropping-particle": "van"}),
               one({"family": "Vries", "given": "A.", "non-dropping-particle": "De"}),
               one({"family": "DeBase", "given": "A."}), one({"family": "Hume", "given": "D."})]
    assert [e["id"] for e in sorted(entries, key=apa.sort_key)] == \
        ["DeBase", "Vries", "Helmholtz", "Hume", "Gogh"]


def test_undated_works_by_one_author_get_lettered_and_found_in_text() -> None:
    def undated(key: str, suffix: str = "") -> dict:
        entry = {"id": key, "type": "webpage", "title": f"Page {key}", "URL": "https://x.org/" + key,
                 "author": [{"literal": "Australian Psychological Society"}]}
        return {**entry, "year_suffix": suffix} if suffix else entry
    first, second = undated("aps-b", "b"), undated("aps-a", "a")
    assert apa.plain(apa.reference(first)).startswith("Australian Psychological Society. (n.d.-b).")
    assert [e["id"] for e in sorted([first, second], key=apa.sort_key)] == ["aps-a", "aps-b"]
    text = ("The society (Australian Psychological Society, n.d.-a) and Australian Psychological "
            "Society (n.d.-b) both say so; (Australian Psychological Society, n.d.-a).")
    used, unresolved = apa.resolve(apa.find_citations(text), {"aps-a": second, "aps-b": first})
    assert used == {"aps-a", "aps-b"} and not unresolved
    # two undated pages by one author are lettered in title order; a page alone gets no letter
    assert apa.assign_suffixes([undated("two"), undated("one")]) == {"one": "a", "two": "b"}
    assert apa.assign_suffixes([undated("one")]) == {"one": ""}


def test_citations_of_names_with_particles_resolve() -> None:
    gogh = {"id": "gogh", "type": "book", "title": "T", "issued": 2020,
            "author": [{"family": "Gogh", "given": "V.", "non-dropping-particle": "van"}]}
    cruz = {"id": "cruz", "type": "book", "title": "T", "issued": 2021,
            "author": [{"family": "de la Cruz", "given": "M."}, {"family": "O'Brien", "given": "S."}]}
    library = {"gogh": gogh, "cruz": cruz}
    for text in ("As van Gogh (2020) wrote.", "Van Gogh (2020) wrote.", "(van Gogh, 2020)",
                 "de la Cruz and O'Brien (2021) found", "(de la Cruz & O'Brien, 2021)"):
        used, unresolved = apa.resolve(apa.find_citations(text), library)
        assert used and not unresolved, text
    # a lower-case word ending in "y" before a name is not read as a particle
    used, unresolved = apa.resolve(apa.find_citations("Apparently Gogh (2020) is not it."), library)
    assert not used and unresolved


def test_bibtex_keys_are_unique_for_any_ids() -> None:
    """Ids a writer may choose (accents, spaces, dots) must not collapse into one key: a repeated
    key makes pybtex refuse the whole file and bibtexparser drop an entry."""
    ids = ["müller2020", "möller2020", "smith 2020", "smith_2020", "smith.2020", "Ørsted2019",
           "毛2020", "a{b}", "plain-key:1"]
    entries = [{"id": i, "type": "book", "title": f"Title {i}", "issued": 2020, "publisher": "P",
                "author": [{"family": "Author", "given": "A."}]} for i in ids]
    keys = [exports.bibtex_key(e) for e in entries]
    assert len(set(keys)) == len(keys) and keys[3] == "smith_2020" and keys[-1] == "plain-key:1"
    check_bibtex(exports.bibtex(entries), entries)
    assert keys == [exports.bibtex_key(e) for e in entries], "the same key in every file"


def test_the_host_name_is_parsed_as_reference_managers_parse_it() -> None:
    """The host's name from mkdocs.yml becomes the episode's author: particles stay with the
    surname, a suffix is a suffix, and 'Family, Given' names a surname the parser cannot guess."""
    from companion.course import citemeta
    from companion.episode import Episode

    cases = {"Tony Bailey": "Bailey, T.", "Maria de la Cruz": "de la Cruz, M.",
             "Ludwig van Beethoven": "van Beethoven, L.", "Martin Luther King Jr.": "King, M. L., Jr.",
             "García Pérez, María José": "García Pérez, M. J.", "Nguyễn, Thị Ánh": "Nguyễn, T. Á.",
             "bell hooks": "bell hooks", "Plato": "Plato"}
    for host, expected in cases.items():
        entry = citemeta.episode_entry(Episode.from_json({"slug": "e1", "title": "T", "date": "2024-05-01"}),
                                       "https://x.org/e1/", "Fall From Grace", host)
        assert apa.plain(apa.reference(entry)).startswith(f"{expected} (Host)"), host


def test_a_reference_is_one_line_with_a_working_link() -> None:
    """A title or name pasted with line breaks, tabs or U+2028, and a URL or DOI holding a space,
    a non-ASCII letter or '<>': the copied reference is one line and its link opens."""
    from companion.course import citemeta

    entry = {"id": "x", "type": "webpage", "issued": 2024, "title": "Line\nbreak\tand tab\u2028sep  two",
             "author": [{"literal": "Peer\nGroup"}], "URL": "https://x.org/a b/é?q=1&r=2#f"}
    text = apa.plain(apa.reference(entry))
    assert text == "Peer Group. (2024). Line break and tab sep two. https://x.org/a%20b/%C3%A9?q=1&r=2#f"
    assert all(" ".join(c.split()) == c for _, c in citemeta.highwire(entry))
    sici = {"id": "s", "type": "article-journal", "issued": 1998, "title": "T", "container-title": "J",
            "author": [{"family": "A", "given": "B."}], "DOI": "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"}
    assert ('href="https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0"'
            in apa.reference(sici))


def test_zotero_saves_a_module_as_a_web_page_and_an_episode_as_a_podcast() -> None:
    """Zotero's Embedded Metadata translator makes a page holding `citation_journal_title` a journal
    article, and with `citation_title` alone falls back to one ahead of Dublin Core's "Text" or
    "Sound"; a `DC.type` naming a Zotero item type is taken as it stands."""
    from companion.course import citemeta

    module = {"id": "module-3", "type": "webpage", "title": "What the research says",
              "author": [{"literal": "Fall From Grace"}], "container-title": "What AI can and cannot do",
              "URL": "https://x.org/course/03/", "issued": "2026-11-30"}
    episode = module | {"id": "episode-x", "type": "broadcast", "title": "Ask not",
                        "container-title": "Fall From Grace"}
    article = module | {"id": "a", "type": "article-journal", "container-title": "JMIR Mental Health"}
    tags = {kind: dict(citemeta.highwire(entry)) for kind, entry in
            (("module", module), ("episode", episode), ("article", article))}
    assert "citation_journal_title" not in tags["module"] and tags["module"]["DC.type"] == "webpage"
    assert "citation_journal_title" not in tags["episode"] and tags["episode"]["DC.type"] == "podcast"
    assert tags["episode"]["citation_publisher"] == "Fall From Grace"
    assert tags["article"]["citation_journal_title"] == "JMIR Mental Health"
