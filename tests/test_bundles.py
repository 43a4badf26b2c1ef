"""Bundle links round-trip, in Python and between Python and the browser's encoder
(docs/assets/lecturer.js run in headless Chromium)."""

from __future__ import annotations

import json

import pytest

from companion.course import bundles
from course_support import REPO

LECTURER_JS = REPO / "docs" / "assets" / "lecturer.js"
ON_PAGE_JS = LECTURER_JS.with_name("on-page.js")
E, M, G = bundles.EPISODE, bundles.MODULE, bundles.GLOSSARY
CASES = [
    bundles.Bundle((bundles.Item(M, "3"), bundles.Item(E, "7", 750, 1080), bundles.Item(G)),
                   "Week 3: risks & harms, part 1/2 (draft) — ü"),
    bundles.Bundle((bundles.Item(E, "12", 3723, 4000),)),
    bundles.Bundle((bundles.Item(E, "002-being-seen"), bundles.Item(M, "1")), "a+b=c?#x"),
    bundles.Bundle((bundles.Item(E, "12.5", 60, 120), bundles.Item(E, "12.5"))),   # a part, by its display number
    bundles.Bundle(()),
]
BAD_TOKENS = ["m3@1:00-2:00", "e7@2:00-1:00", "x1", "e7@1:00", "e7@1:2:3:4-5:00", "glossary2",
              "e7@0:70-0:80", "e7@1:60:00-3:00:00", "e7@1:00-1:²0",   # minutes/seconds run 0-59, ASCII digits
              "m1.5", "e12.", "e.5", "e12.5.1",                        # modules have no parts
              "e7@12.30-18.00", "e7@12:30-18.00",                      # 12:30 or 12.3 s? refused
              "e12.)", "e7@12:30-18:"]      # a part cut short? a colon is never sentence punctuation
# One episode, several spellings: a link names it once whichever a lecturer typed.
SPELLINGS = {"e007": "e7", "e12.50": "e12.5", "e012.5@1:00-2:00": "e12.5@1:00-2:00", "m03": "m3",
             "e002-being-seen": "e002-being-seen",
             # as a lecturer types a link by hand: a phone's capital, the site's own en dash
             # (it writes "12:30–18:00"), spaces around the dash
             "M3": "m3", "E7@12:30-18:00": "e7@12:30-18:00", "Glossary": "glossary",
             "e7@12:30\u201318:00": "e7@12:30-18:00", "e7@12:30 - 18:00": "e7@12:30-18:00",
             # a link that ended a sentence, with the punctuation an autolinker took with it
             "e7@12:30-18:00.": "e7@12:30-18:00", "e7@12:30-18:00).": "e7@12:30-18:00",
             "e7@12:30-18:00\u201d": "e7@12:30-18:00", "m3)": "m3", "glossary.": "glossary",
             "e12.5.": "e12.5", "e002-being-seen.": "e002-being-seen", "e7@750-1080>": "e7@12:30-18:00"}


@pytest.mark.parametrize("bundle", CASES)
def test_python_round_trip(bundle: bundles.Bundle) -> None:
    assert bundles.from_query(bundles.to_query(bundle)) == bundle


def test_query_is_readable() -> None:
    assert bundles.to_query(CASES[0]).startswith("items=m3,e7@12:30-18:00,glossary&title=Week%203")
    assert bundles.url(CASES[1], "https://x.org/") == "https://x.org/course/bundle/?items=e12@1:02:03-1:06:40"


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_bad_tokens_are_refused(token: str) -> None:
    with pytest.raises(bundles.BundleError):
        bundles.parse_item(token)


def test_a_time_with_a_dot_says_what_to_write() -> None:
    with pytest.raises(bundles.BundleError, match="write times with a colon, minutes:seconds"):
        bundles.parse_item("e7@12.30-18.00")


@pytest.mark.parametrize("written, canonical", SPELLINGS.items())
def test_numbers_are_read_in_one_spelling(written: str, canonical: str) -> None:
    assert bundles.parse_item(written).token() == canonical


def test_a_repeated_item_is_listed_once() -> None:
    """A link naming one work (or one stretch) twice lists it once; two stretches of one episode
    stay two items."""
    bundle = bundles.from_query("items=m1,e7@1:00-2:00,m01,e7@1:00-2:00,e7@3:00-4:00,e007@1:00-2:00")
    assert [i.token() for i in bundle.items] == ["m1", "e7@1:00-2:00", "e7@3:00-4:00"]


def test_a_syllabus_week_that_repeats_an_item_is_refused(tmp_path) -> None:
    syllabus = tmp_path / "syllabus.yml"
    syllabus.write_text("weeks:\n  - title: Week 1\n    items: [m1, e12.5, m1]\n")
    with pytest.raises(bundles.BundleError, match=r"Week 1.*m1 more than once"):
        bundles.load_syllabus(syllabus)


@pytest.mark.parametrize("raw, where, says", [
    (b"weeks:\n\t- title: Week 1\n\t  items: [m1]\n", "2:1", "indent with spaces, not tabs"),
    (b"weeks:\n  - title: Week 3: Research\n    items: [m3]\n", "2:18", "put text that holds ': '"),
    (b"weeks:\n  - title: Week 1\n    items: [m1, e7@12.30-18.00]\n", "3:17", "write times with a colon"),
    ("weeks:\n  - title: Week 1\n    items: [m1, \u201ce7@12:30-18:00\u201d]\n".encode(), "3:17", "curly quotes"),
    (b"weeks:\n  - title: Week 1\n    items: [m1, e7@18:00-12:30]\n", "3:17", "must end after it starts"),
    (b"weeks:\n  - title: Week 1\n    items: [m1,\n      m1]\n", "4:7", "m1 more than once (first at line 3)"),
    ("weeks:\n  - title: Caf\u00e9\n    items: [m1]\n".encode("cp1252"), "2:15", "not UTF-8 text"),
    (b"weeks:\n  - title: Week 1\n    itmes: [m1]\n", "2:5", "needs a title and a list of items"),
], ids=["tab", "colon-in-title", "dotted-time", "curly", "end-before-start", "repeat", "cp1252", "typo-key"])
def test_a_syllabus_mistake_is_named_at_its_line(tmp_path, raw: bytes, where: str, says: str) -> None:
    """data/syllabus.yml as a lecturer or maintainer types it: a tab or an unquoted colon was a
    PyYAML traceback out of the build, not UTF-8 a UnicodeDecodeError, and an item's fault named
    neither file nor line."""
    syllabus = tmp_path / "syllabus.yml"
    syllabus.write_bytes(raw)
    with pytest.raises(bundles.BundleError) as caught:
        bundles.load_syllabus(syllabus, "data/syllabus.yml")
    assert str(caught.value).startswith(f"data/syllabus.yml:{where}: ") and says in str(caught.value), caught.value


def test_a_syllabus_is_read_as_it_was_meant(tmp_path) -> None:
    """A byte-order mark and Windows line endings, a title YAML 1.1 reads as false, a word
    processor's dash in a range: read as written."""
    syllabus = tmp_path / "syllabus.yml"
    syllabus.write_bytes("\ufeffweeks:\r\n  - title: No\r\n    items: [m1, e7@12:30 \u2013 18:00]\r\n".encode())
    week, = bundles.load_syllabus(syllabus)
    assert (week.title, [i.token() for i in week.bundle.items]) == ("No", ["m1", "e7@12:30-18:00"])
    assert week.line_of(week.bundle.items[1]) == 3


def as_json(bundle: bundles.Bundle) -> dict:
    return {"title": bundle.title,
            "items": [{"kind": i.kind, "ref": i.ref, "start": i.start, "end": i.end} for i in bundle.items]}


@pytest.fixture(scope="module")
def browser_page(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><title>bundles</title>")
    page.add_script_tag(content=ON_PAGE_JS.read_text(encoding="utf-8"))     # lecturer.js sets up through it
    page.add_script_tag(content=LECTURER_JS.read_text(encoding="utf-8"))
    yield page
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("bundle", CASES)
def test_python_and_javascript_agree(browser_page, bundle: bundles.Bundle) -> None:
    query = bundles.to_query(bundle)
    js_query = browser_page.evaluate("b => window.ffgBundles.bundleToQuery(b)", as_json(bundle))
    assert js_query == query, "the JS encoder writes the same link as Python"
    decoded = browser_page.evaluate("q => window.ffgBundles.bundleFromQuery(q)", query)
    assert decoded == as_json(bundle), "the JS decoder reads Python's link"
    assert bundles.from_query(js_query) == bundle


@pytest.mark.browser
@pytest.mark.parametrize("token", BAD_TOKENS)
def test_javascript_refuses_the_same_tokens(browser_page, token: str) -> None:
    refused = browser_page.evaluate(
        "t => { try { window.ffgBundles.parseItem(t); return false; } catch (e) { return true; } }", token)
    assert refused, json.dumps(token)


@pytest.mark.browser
@pytest.mark.parametrize("token", BAD_TOKENS + ["e7@12m30s-18m00s"])
def test_javascript_says_what_python_says(browser_page, token: str) -> None:
    """A token refused on the bundle page is refused in the same words as in data/syllabus.yml,
    each saying what to write: the page said only "'x1' is not a bundle item.", the syllabus
    only "'0:70' is not a time like 12:30" where the page said minutes run 00 to 59."""
    said = browser_page.evaluate(
        "t => { try { window.ffgBundles.parseItem(t); return ''; } catch (e) { return e.message; } }", token)
    with pytest.raises(bundles.BundleError) as refused:
        bundles.parse_item(token)
    assert said == str(refused.value)


@pytest.mark.browser
@pytest.mark.parametrize("written, canonical", SPELLINGS.items())
def test_javascript_reads_numbers_in_the_same_spelling(browser_page, written: str, canonical: str) -> None:
    token = browser_page.evaluate("t => window.ffgBundles.itemToken(window.ffgBundles.parseItem(t))", written)
    assert token == canonical


@pytest.mark.browser
def test_a_link_that_ended_a_sentence_opens_whole(browser_page) -> None:
    """"See .../bundle/?items=m3,e7@12:30-18:00." in a mail or an LMS announcement: the autolinker
    took the full stop, and the page left the stretch out ("'e7@12:30-18:00.' is not a bundle item")."""
    for query in ("items=m3,e7@12:30-18:00.", "items=m3,e7@12:30-18:00)", "items=m3,e7@12:30-18:00)."):
        read = browser_page.evaluate("q => window.ffgBundles.readBundle(q)", query)
        assert read["problems"] == [] and len(read["items"]) == 2, (query, read)
        assert [i.token() for i in bundles.from_query(query).items] == ["m3", "e7@12:30-18:00"]


@pytest.mark.browser
def test_a_link_copied_from_html_source_keeps_its_title(browser_page) -> None:
    """A link copied from an LMS editor's source view or a page's markup has "&amp;" between its
    parameters: the title and the builder's `edit` were read as "amp;title" and "amp;edit", lost."""
    query = "items=m3,e7@12:30-18:00&amp;title=Week%203%20%26%20more&AMP;edit=1"
    read = browser_page.evaluate("q => window.ffgBundles.readBundle(q)", query)
    assert (read["title"], read["edit"], len(read["items"])) == ("Week 3 & more", True, 2), read
    decoded = browser_page.evaluate("q => window.ffgBundles.bundleFromQuery(q)", query)
    assert decoded == as_json(bundles.from_query(query))
    assert bundles.from_query(query).title == "Week 3 & more"


@pytest.mark.browser
def test_javascript_lists_a_repeated_item_once(browser_page) -> None:
    query = "items=m1,e7@1:00-2:00,m01,e7@1:00-2:00,e7@3:00-4:00,e007@1:00-2:00"
    decoded = browser_page.evaluate("q => window.ffgBundles.bundleFromQuery(q)", query)
    assert decoded == as_json(bundles.from_query(query))
    read = browser_page.evaluate("q => window.ffgBundles.readBundle(q)", query)
    assert len(read["items"]) == 3 and any("'m1' is listed more than once" in p for p in read["problems"])
