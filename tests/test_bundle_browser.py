"""A lecturer builds a bundle on the builder page, opens its link, and prints it to PDF.

Runs the built site from a local static server in headless Chromium. Also checks the episode
"Cite this" box picks up a `#t=start,end` segment.
"""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest
import rispy

from course_support import FIXTURE_EPISODES, citeproc_apa_intext, course_site_deployed  # noqa: F401

pytestmark = pytest.mark.browser
MIN_PDF_BYTES = 20_000          # a cover-less PDF of three items with references is far larger
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def site_server(course_site_deployed):  # noqa: F811
    """The course as deployed: site_url under /repo/, Material's instant navigation on."""
    return course_site_deployed.url


def test_build_share_open_and_print_a_bundle(browser, site_server: str) -> None:
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{site_server}course/bundle/")
    page.wait_for_selector("[data-bundle-add-module]")
    page.fill("[data-bundle-title-input]", "Week 3 reading")
    page.select_option("[data-bundle-module]", "m1")
    page.click("[data-bundle-add-module]")
    page.select_option("[data-bundle-episode]", "e1")
    page.fill("[data-bundle-start]", "12:30")
    page.fill("[data-bundle-end]", "18:00")
    page.click("[data-bundle-add-episode]")
    page.click("[data-bundle-add-glossary]")
    link = page.input_value("[data-bundle-link]")
    assert link.endswith("course/bundle/?items=m1,e1@12:30-18:00,glossary&title=Week%203%20reading")

    shared = browser.new_page()
    shared.set_default_timeout(TIMEOUT_MS)
    shared.goto(link)
    shared.wait_for_selector("[data-bundle-items] li")
    # A shared link opens the bundle itself for students: its title, no builder.
    assert shared.inner_text(".md-content h1") == "Week 3 reading"
    assert shared.title().startswith("Week 3 reading")
    assert shared.inner_text('[data-md-component="header-topic"]') == "Week 3 reading"
    assert shared.locator(".ffg-bundle__controls").count() == 0
    assert not shared.locator("text=Pick the modules").is_visible()
    items = shared.locator("[data-bundle-items] > li")
    assert items.count() == 3
    texts = items.all_inner_texts()
    assert texts[0].startswith("Module 1:")
    episode_title = FIXTURE_EPISODES[1][1]
    assert texts[1].startswith(f"{episode_title}, 12:30–18:00") and "listening about 6 min" in texts[1]
    assert texts[2].startswith("Glossary")
    episode_href = items.nth(1).locator("a").get_attribute("href")
    assert episode_href.endswith(f"episodes/{FIXTURE_EPISODES[1][0]}/#t=12:30,18:00")
    # The bundle's only Bailey 2024 work: no year letter in its own list (the site letters it 2024a).
    assert "Cite in text: (Bailey, 2024, 12:30–18:00)" in texts[1]
    total = shared.inner_text("[data-bundle-total]")
    assert re.match(r"Total time: about \d+–\d+ min \(reading about \d+–\d+ min, listening about \d+(–\d+)? min\)\.", total), total
    references = shared.locator("[data-bundle-refs] p").all_inner_texts()
    assert len(references) == 2                  # APA order: Bailey before Fall From Grace Companion
    assert "(Host). (2024, May 1)" in references[0] and "[Audio podcast episode]" in references[0]
    reference, stretch = [line.strip() for line in references[0].split("\n") if line.strip()]
    assert "#t=" not in reference, "the reference cites the whole episode"
    assert stretch == f"Stretch 12:30–18:00: {episode_href}"
    assert "What AI can and cannot do in mental health" in references[1]

    shared.emulate_media(media="print")
    printed = shared.inner_text("body")
    assert "Bundle builder" not in printed and "Edit this bundle" not in printed
    url = shared.locator("[data-bundle-url]")
    assert url.is_visible() and url.inner_text() == f"This bundle online: {link}", "the printout carries its link"
    pdf = shared.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > MIN_PDF_BYTES
    shared.emulate_media(media="screen")

    shared.click("[data-bundle-edit-link]")                           # "Edit this bundle" opens the builder
    shared.wait_for_selector("[data-bundle-add-module]")
    assert shared.locator("[data-bundle-edit] li").count() == 3
    assert shared.input_value("[data-bundle-title-input]") == "Week 3 reading"
    assert shared.input_value("[data-bundle-link]") == link
    page.close()
    shared.close()


def _builder(browser, site_server: str, query: str = "?edit=1"):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{site_server}course/bundle/{query}")
    page.wait_for_selector("[data-bundle-add-module]")
    return page


def test_builder_explains_bad_times(browser, site_server: str) -> None:
    page = _builder(browser, site_server)
    message = page.locator(".ffg-bundle__message")
    page.select_option("[data-bundle-episode]", "e1")                # 40 minutes long
    for start, end, expected in [("abc", "", "both a start and an end"), ("abc", "5:00", "not a time"),
                                 ("12:75", "13:00", "00 to 59"), ("9:00", "5:00", "must end after it starts"),
                                 ("39:00", "45:00", "40:00 long"), ("41:00", "42:00", "past the end")]:
        page.fill("[data-bundle-start]", start)
        page.fill("[data-bundle-end]", end)
        page.click("[data-bundle-add-episode]")
        assert expected in message.inner_text(), (start, end, message.inner_text())
        assert page.locator("[data-bundle-edit] li").count() == 0, "nothing was added"
    page.fill("[data-bundle-start]", "")
    page.fill("[data-bundle-end]", "")
    page.click("[data-bundle-add-episode]")                          # whole episode: fine
    page.click("[data-bundle-add-episode]")                          # again: refused as a duplicate
    assert "already in the bundle" in message.inner_text()
    assert page.locator("[data-bundle-edit] li").count() == 1
    page.close()


def test_mangled_link_is_explained_and_the_rest_kept(browser, site_server: str) -> None:
    # 1:75 is a typo (seconds stop at 59), not 2:15: the link's reader says so, as the form does.
    query = "?items=m1,e1@5:00-abc,x%21y,e1@1:75-2:30,e3@44:00-50:00,glossary&title=Week%202"
    page = _builder(browser, site_server, query + "&edit=1")
    text = page.inner_text(".ffg-bundle__message")
    assert "4 problems" in text and "'e1@5:00-abc'" in text and "'x!y'" in text and "45:00 long" in text, text
    assert "'1:75' is not a time" in text, text
    assert page.locator("[data-bundle-edit] li").count() == 3        # m1, the e3 stretch, glossary
    page.goto(f"{site_server}course/bundle/{query}")                 # the student view says so too
    alert = page.locator("[data-bundle-problems]")
    alert.wait_for()
    assert "4 problems" in alert.inner_text()
    assert page.inner_text(".md-content h1") == "Week 2"
    page.close()


def test_hostile_and_huge_titles(browser, site_server: str) -> None:
    """Markup in a shared title is text, never run; a 5,000-character title is cut and said so, so the
    bundle still starts on the first screen."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{site_server}course/bundle/?items=m1&title=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20Caf%C3%A9%20%F0%9F%8E%A7")
    page.wait_for_selector("[data-bundle-items] li")
    assert page.inner_text(".md-content h1") == "<img src=x onerror=alert(1)> Café 🎧"
    assert page.locator(".md-content img[src=x]").count() == 0 and not dialogs
    page.goto(f"{site_server}course/bundle/?items=m1&title=" + "A" * 5000)
    page.wait_for_selector("[data-bundle-items] li")
    heading = page.inner_text(".md-content h1")
    assert len(heading) <= 121 and heading.endswith("…"), len(heading)
    assert "longer than 120 characters" in page.inner_text("[data-bundle-problems]")
    assert page.locator("[data-bundle-items] li").first.bounding_box()["y"] < 844
    page.close()


def test_duplicates_merge_in_references(browser, site_server: str) -> None:
    page = browser.new_page()
    page.goto(f"{site_server}course/bundle/?items=e1@1:00-2:00,m1,e1@3:00-4:00,m1")
    page.wait_for_selector("[data-bundle-items] li")
    assert page.locator("[data-bundle-items] > li").count() == 3     # m1 twice is listed once
    assert "'m1' is listed more than once" in page.inner_text("[data-bundle-problems]")
    references = page.locator("[data-bundle-refs] p").all_inner_texts()
    assert len(references) == 2, references                          # one per work
    episode = next(r for r in references if "[Audio podcast episode]" in r)
    reference, *stretches = [line.strip() for line in episode.split("\n") if line.strip()]
    assert "#t=" not in reference, "two stretches of one episode: the reference cites the episode"
    assert [s.split(":")[0] for s in stretches] == ["Stretch 1", "Stretch 3"], stretches
    assert references[0] == episode, "APA order: Bailey before Fall From Grace Companion"
    page.close()


def _bundle_citations(browser, site_server: str, items: str) -> tuple[list[str], list[str]]:
    """(each item's in-text citation, the references) on the bundle page for `items`."""
    page = browser.new_page()
    page.goto(f"{site_server}course/bundle/?items={items}")
    page.wait_for_selector("[data-bundle-refs] p")
    intext = [t.replace("Cite in text:", "").strip() for t in page.locator("[data-bundle-intext]").all_inner_texts()]
    references = [r.split("\n")[0].strip() for r in page.locator("[data-bundle-refs] p").all_inner_texts()]
    page.close()
    return intext, references


def test_a_bundle_letters_years_over_its_own_reference_list(browser, site_server: str,
                                                          course_site_deployed) -> None:  # noqa: F811
    """APA 7 (8.19, 9.47) letters a/b within one reference list: a bundle's citations and references
    are its own list, so a work alone in its author-year in the bundle has no letter, however many
    works of that author-year the whole site cites (there "Bailey, 2024b" keeps meaning one work on
    every page). citeproc-py (APA CSL) cites each work's own CSL-JSON file, the reference."""
    catalogue = json.loads((course_site_deployed.built.site / "cite" / "catalogue.json").read_text(encoding="utf-8"))
    records = {r["id"]: r for r in catalogue["episodes"] + catalogue["modules"]}
    e1, e7, m1, m2 = (records[k] for k in ("e1", "e7", "m1", "m2"))
    # The site's own list letters them: the fixture's four 2024 episodes by one host, the modules of 2026.
    assert e1["intext"] == "Bailey, 2024a" and e7["intext"] == "Bailey, 2024c", (e1["intext"], e7["intext"])
    assert re.search(r", 2026[a-z]$", m2["intext"]), m2["intext"]

    def citeproc(record: dict) -> str:
        export = course_site_deployed.built.site / record["exports"]["json"]
        return citeproc_apa_intext(json.loads(export.read_text(encoding="utf-8")))[0]

    # One work per author-year: no letter, as citeproc cites it alone, in the text and the reference.
    intext, references = _bundle_citations(browser, site_server, "e7,m2")
    assert intext == [citeproc(e7), citeproc(m2)] == ["(Bailey, 2024)", f"({m2['intext'][:-1]})"], intext
    assert "(2024, June 12)." in references[0] and "2024c" not in references[0], references
    assert re.search(r"\(2026(, [A-Z][a-z]+ \d+)?\)\.", references[1]), references
    # Stretches of one episode are one work: still no letter; the time stamp follows the year.
    intext, _ = _bundle_citations(browser, site_server, "e7@12:30-18:00,e7@20:00-21:00")
    assert intext == ["(Bailey, 2024, 12:30–18:00)", "(Bailey, 2024, 20:00–21:00)"], intext
    # Two works of one author-year: a and b in the bundle's own APA order (May before June),
    # whatever letters the site gives them, in the text and in the references alike.
    intext, references = _bundle_citations(browser, site_server, "e7,m1,e1,m2")
    assert intext[0] == "(Bailey, 2024b)" and intext[2] == "(Bailey, 2024a)", intext
    assert [intext[1][-6:], intext[3][-6:]] == ["2026a)", "2026b)"], intext
    assert "(2024a, May 1)." in references[0] and "(2024b, June 12)." in references[1], references
    # The site's own pages keep the site's letters.
    page = browser.new_page()
    page.goto(f"{site_server}episodes/007-ai-as-therapy/")
    assert "Bailey, 2024c" in page.inner_text(".ffg-cite"), "an episode page cites as the whole site letters"
    page.close()


def test_a_printed_bundle_carries_each_stretchs_transcript(browser, site_server: str) -> None:
    """A printout cannot play audio: each episode stretch carries the words said in it (every
    segment that overlaps the stretch, with its time), closed on screen and open on paper; an
    episode with no transcript, or named whole, carries none. The catalogue names the file."""
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{site_server}course/bundle/?items=e7@12:30-18:00,e1@1:00-2:00,e7&title=Handout")
    page.wait_for_selector("[data-bundle-transcript-line]", state="attached")
    items = page.locator("[data-bundle-items] > li")
    assert [items.nth(i).locator("[data-bundle-transcript]").count() for i in range(3)] == [1, 0, 0]
    lines = items.nth(0).locator("[data-bundle-transcript-line]")      # running text, as read
    assert [" ".join(t.split()) for t in lines.all_text_contents()] == [
        "12:25 This is where the stretch begins. And this is the long middle of it."]
    assert lines.nth(0).locator("a").get_attribute("href").endswith("episodes/007-ai-as-therapy/#t=12:25")
    assert "Machine-made transcript" in items.nth(0).text_content()
    assert not lines.nth(0).is_visible(), "closed on screen: a long stretch does not bury the references"
    # Paragraphs as a reader reads them: a new one at a change of speaker, or at a sentence end
    # once it has run 30 s; lines of one sentence stay together however long it runs.
    said = [(0, "A", "One."), (10, "A", "Two."), (20, "B", "Three"), (40, "B", "still three."),
            (45, "B", "Four."), (80, "B", "Five.")]
    segments = [{"startTime": t, "endTime": t + 5, "speaker": who, "body": text} for t, who, text in said]
    assert page.evaluate("s => window.ffgBundles.paragraphs(s)", segments) == [
        {"start": 0, "speaker": "A", "text": "One. Two."},
        {"start": 20, "speaker": "B", "text": "Three still three. Four."},
        {"start": 80, "speaker": "B", "text": "Five."}]

    page.emulate_media(media="print")
    assert lines.nth(0).is_visible(), "printed open"
    assert "Welcome back to the show." not in page.inner_text("body"), "only the stretch is printed"
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")       # Firefox and Safari
    assert page.locator("details[data-bundle-transcript][open]").count() == 1
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details[data-bundle-transcript][open]").count() == 0
    page.close()


def test_a_bundles_references_download_for_reference_managers(browser, site_server: str) -> None:
    """The bundle's works as one RIS, BibTeX or CSL-JSON file (each work once however many of its
    stretches are listed; the glossary is no work), as the pages' own downloads write them."""
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{site_server}course/bundle/?items=e1@12:30-18:00,m1,e1@20:00-21:00,glossary")
    page.wait_for_selector("[data-bundle-download]")
    files = {}
    for kind in ("ris", "bib", "json"):
        with page.expect_download() as download:
            page.click(f'.ffg-bundle__actions [data-bundle-download="{kind}"]')
        assert download.value.suggested_filename == f"bundle-references.{kind}"
        files[kind] = open(download.value.path(), encoding="utf-8", newline="").read()
    records = rispy.loads(files["ris"])
    ris_lines = files["ris"].split("\r\n")       # CR LF throughout, as the pages' RIS files
    assert "\n" not in files["ris"].replace("\r\n", ""), "a bare LF in the RIS"
    assert ris_lines.count("ER  - ") == 2 and ris_lines[-2:] == ["ER  - ", ""], ris_lines
    assert [r["type_of_reference"] for r in records] == ["SOUND", "WEB"], "APA order: Bailey first"
    assert len(bibtexparser.loads(files["bib"]).entries) == 2
    assert [i["type"] for i in json.loads(files["json"])] == ["broadcast", "webpage"]
    assert "Downloaded 2 references (CSL-JSON)." in page.inner_text(".ffg-bundle__actions")
    page.close()


def test_a_part_and_stretches_past_the_end(browser, site_server: str) -> None:
    """A bundle names a part by its display number (e12.5); a stretch running past its episode's
    end is cited to the end, in the item, its in-text citation, its link and the references, and
    says so; one starting after the end is left out, and says so."""
    part_slug, part_title = FIXTURE_EPISODES[12.5][:2]
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{site_server}course/bundle/?items=e12.5@1:00-2:00,e1@39:00-50:00,e7@55:00-56:00,e1@39:00-41:00")
    page.wait_for_selector("[data-bundle-items] li")
    items = page.locator("[data-bundle-items] > li")
    assert items.count() == 2, items.all_inner_texts()
    first, second = items.all_inner_texts()
    assert first.startswith(f"{part_title}, 1:00–2:00") and "not yet on this site" not in first
    assert items.nth(0).locator("a").get_attribute("href").endswith(f"episodes/{part_slug}/#t=1:00,2:00")
    assert second.startswith(f"{FIXTURE_EPISODES[1][1]}, 39:00–40:00") and "39:00–40:00)" in second
    assert items.nth(1).locator("a").get_attribute("href").endswith("#t=39:00,40:00")
    references = page.inner_text("[data-bundle-refs]")
    assert "50:00" not in references and "#t=39:00,40:00" in references
    problems = page.inner_text("[data-bundle-problems]")
    assert "cited as 39:00–40:00" in problems and "55:00–56:00 is left out" in problems
    # The builder shows the same, and its link is the corrected one.
    page.goto(f"{site_server}course/bundle/?edit=1&items=e1@39:00-50:00")
    page.wait_for_selector("[data-bundle-link]")
    assert page.input_value("[data-bundle-link]").endswith("items=e1@39:00-40:00")
    assert "cited as 39:00–40:00" in page.inner_text(".ffg-bundle__message")
    page.close()


def test_total_time_counts_each_work_once_and_overlaps_once(browser, site_server: str) -> None:
    """A module listed twice is read once; overlapping stretches of one episode are heard once; a
    stretch past the episode's end (40:00) counts to the end; the total is rounded once, so many
    short stretches are not a minute each."""
    page = browser.new_page()
    page.goto(f"{site_server}course/bundle/?items=m1")
    page.wait_for_selector("[data-bundle-total]")
    alone = page.inner_text("[data-bundle-total]")
    page.goto(f"{site_server}course/bundle/?items=m1,m1,e1@1:00-2:00,e1@1:30-3:00,e1@0:00-1:00,e1@39:00-50:00")
    page.wait_for_selector("[data-bundle-total]")
    total = page.inner_text("[data-bundle-total]")
    reading = re.search(r"(about [\d–]+ min) of reading", alone).group(1)
    assert f"reading {reading}" in total and "listening about 4 min" in total, (alone, total)
    short = ",".join(f"e1@0:{s:02d}-0:{s + 1:02d}" for s in range(0, 40, 2))      # 20 one-second stretches
    page.goto(f"{site_server}course/bundle/?items={short}")
    page.wait_for_selector("[data-bundle-total]")
    assert page.inner_text("[data-bundle-total]") == "Total time: about 1 min of listening."
    page.close()


def test_total_time_names_only_what_the_bundle_holds(browser, site_server: str) -> None:
    """Every ready-made week is modules only: its total said "listening about 0 min", on the page
    and on paper; a bundle of stretches only said "reading about 0 min"."""
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    for query, kind, missing in (("items=m3&title=Week%203", "reading", "listening"),
                                 ("items=e7@12:30-18:00", "listening", "reading")):
        page.goto(f"{site_server}course/bundle/?{query}")
        page.wait_for_selector("[data-bundle-total]")
        for media in ("screen", "print"):
            page.emulate_media(media=media)
            total = page.inner_text("[data-bundle-total]")
            assert re.fullmatch(rf"Total time: about \d+(–\d+)? min of {kind}\.", total), (media, total)
            assert "0 min" not in total and missing not in total, (media, total)
        page.emulate_media(media="screen")
    page.close()


def test_one_episode_named_by_number_and_by_slug_is_one_work(browser, site_server: str) -> None:
    """`e7` and `e007-ai-as-therapy` name one episode: its stretches are heard once in the total,
    cited under one reference, and the same stretch named both ways is listed once."""
    slug = FIXTURE_EPISODES[7][0]
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{site_server}course/bundle/?items=e7@1:00-2:00,e{slug}@1:30-3:00,e{slug}@1:00-2:00")
    page.wait_for_selector("[data-bundle-total]")
    assert page.locator("[data-bundle-items] > li").count() == 2
    assert "'e7@1:00-2:00' is listed more than once" in page.inner_text("[data-bundle-problems]")
    assert "about 2 min of listening" in page.inner_text("[data-bundle-total]")        # 1:00–3:00, not 1 + 1.5
    references = page.locator("[data-bundle-refs] p").all_inner_texts()
    assert len(references) == 1, references
    page.close()


def read_clipboard(page) -> dict[str, str]:
    """MIME type -> text of what the page put on the clipboard (rich and plain)."""
    return page.evaluate("""async () => {
        const [item] = await navigator.clipboard.read();
        const out = {};
        for (const type of item.types) out[type] = await (await item.getType(type)).text();
        return out; }""")


def test_copy_reference_puts_rich_and_plain_text(browser, site_server: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site_server}course/01-what-therapy-does/")
    page.click("[data-cite-copy]")
    page.wait_for_function("document.querySelector('.ffg-cite__status').textContent === 'Copied.'", timeout=TIMEOUT_MS)
    copied = read_clipboard(page)
    assert "<i>" in copied["text/html"] and "What AI can and cannot do" in copied["text/html"]
    assert "<i>" not in copied["text/plain"] and copied["text/plain"].startswith("Fall From Grace Companion. (")
    context.close()


@pytest.mark.parametrize("fragment", ["#t=750,1080", "#t=12:30,18:00"])
def test_one_stretch_is_cited_the_same_in_every_place(browser, site_server: str, fragment: str) -> None:
    """The episode's "Cite this" box, its "Assigned stretch" box and a bundle of that stretch give the
    same in-text form, the same reference and the same link (the bundle's with the year letter of
    its own reference list: none for a work alone in its author-year); on arrival the segment holding the
    stretch's start is the one marked."""
    slug = FIXTURE_EPISODES[7][0]
    url = f"{site_server}episodes/{slug}/"
    page = browser.new_page()
    page.goto(url + fragment)
    page.wait_for_selector("[data-stretch-cite]")
    intext = "(Bailey, 2024c, 12:30–18:00)"
    link = f"Stretch 12:30–18:00: {url}#t=12:30,18:00"
    assert page.inner_text("[data-cite-intext-text]") == intext
    reference = page.inner_text("[data-cite-ref]")
    assert reference.startswith("Bailey, T. (Host). (2024c, June 12).") and reference.endswith(url)
    assert page.inner_text("[data-cite-segment]") == link
    # The downloads hold the whole episode, as a reference manager imports it, and say so here.
    assert "put the time stamp (12:30–18:00) in your in-text citation" in page.inner_text("[data-cite-files-note]")
    ris = page.evaluate("href => fetch(href).then(r => r.text())",
                        page.get_attribute('.ffg-cite__downloads a[href$=".ris"]', "href"))
    (record,) = rispy.loads(ris)
    assert record["urls"] == [url] and "#t=" not in ris, record
    page.evaluate("history.replaceState(null, '', location.pathname); dispatchEvent(new HashChangeEvent('hashchange'))")
    assert not page.locator("[data-cite-files-note]").is_visible(), "no stretch, no note"
    page.evaluate(f"location.hash = {fragment!r}")
    box = page.locator("[data-stretch-cite]")
    assert f"In text: {intext}" in box.inner_text()                    # the sticky player shows this
    full = " ".join(box.text_content().split())                         # copied and printed in full
    assert reference in full and link in full
    page.emulate_media(media="print")
    printed = box.inner_text()
    assert reference in " ".join(printed.split()) and link in printed
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.locator(".ffg-player").bounding_box()["height"] < 370, "the player leaves the phone its transcript"
    current = page.locator(".ffg-seg--current")
    assert current.count() == 1 and float(current.get_attribute("data-start")) == 745.0

    bundle = browser.new_page()
    bundle.goto(f"{site_server}course/bundle/?items=e7@12:30-18:00")
    bundle.wait_for_selector("[data-bundle-refs] p")
    assert f"Cite in text: {intext.replace('2024c', '2024')}" in bundle.inner_text("[data-bundle-intext]")
    assert [line.strip() for line in bundle.inner_text("[data-bundle-refs] p").split("\n") if line.strip()] == [
        reference.replace("(2024c,", "(2024,"), link]
    page.close()
    bundle.close()


def test_copying_a_stretch_keeps_italics_and_the_link(browser, site_server: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site_server}episodes/{FIXTURE_EPISODES[7][0]}/#t=12:30,18:00")
    page.wait_for_selector("[data-stretch-cite]")
    page.click("[data-stretch-copy]")
    page.wait_for_function("document.querySelector('[data-stretch-cite] .ffg-cite__status').textContent === 'Copied.'", timeout=TIMEOUT_MS)
    copied = read_clipboard(page)
    assert "<i>Fall From Grace</i>" in copied["text/html"] and "#t=12:30,18:00" in copied["text/html"]
    lines = copied["text/plain"].split("\n")
    assert lines[0] == "In text: (Bailey, 2024c, 12:30–18:00)" and lines[1].startswith("Bailey, T. (Host).")
    assert lines[2].startswith("Stretch 12:30–18:00: http") and "<i>" not in copied["text/plain"]
    context.close()


def test_builder_copies_the_references_of_an_added_stretch(browser, site_server: str) -> None:
    """A lecturer adds a module's suggested stretch ("Add to a bundle" opens the builder with it) and
    copies its citation from the builder itself, by keyboard: the builder shows the references but
    offered only "Copy link", so the citation could be had only from the students' view."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site_server}course/bundle/?items=e7@12:30-18:00&edit=1")
    page.wait_for_selector("[data-bundle-refs] p")
    reference = page.inner_text("[data-bundle-refs] p")
    page.focus("[data-bundle-copy]")
    for _ in range(6):                                       # Tab on to "Copy references"
        if page.evaluate("document.activeElement.hasAttribute('data-bundle-copy-refs')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-bundle-copy-refs')"), "no Copy references in the builder"
    page.keyboard.press("Enter")
    page.wait_for_function("[...document.querySelectorAll('[role=status]')].some((s) => s.textContent === 'Copied.')", timeout=TIMEOUT_MS)
    copied = read_clipboard(page)
    lines = [line.strip() for line in copied["text/plain"].split("\n") if line.strip()]
    assert lines == [line.strip() for line in reference.split("\n") if line.strip()]
    assert lines[0].startswith("Bailey, T. (Host).") and lines[1].startswith("Stretch 12:30–18:00: http")
    assert "<i>Fall From Grace</i>" in copied["text/html"]
    context.close()


def test_keyboard_only_lecturer_builds_reorders_and_keeps_their_place(browser, site_server: str) -> None:
    """At 360 px with the keyboard only: Enter in the "to" field adds the stretch (as Enter in a
    form field submits it); Move up, Move down and Remove keep focus on the list, not on <body>;
    each change is said once in the status line, and the bundle itself is not a live region."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{site_server}course/bundle/")
    page.wait_for_selector("[data-bundle-add-module]")
    page.focus("[data-bundle-module]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")                                     # Add module: Module 3
    page.focus("[data-bundle-start]")
    page.keyboard.type("12:30")
    page.keyboard.press("Tab")
    page.keyboard.type("18:00")
    page.keyboard.press("Enter")
    assert page.input_value("[data-bundle-link]").endswith("items=m3,e1@12:30-18:00")
    message = page.locator(".ffg-bundle__message")
    assert message.inner_text().startswith("Added ") and "2 items" in message.inner_text()
    assert page.locator("[data-bundle-view]").get_attribute("aria-live") is None

    page.locator('[data-bundle-edit] li >> nth=1 >> button[aria-label="Move up"]').focus()
    page.keyboard.press("Enter")
    assert page.input_value("[data-bundle-link]").endswith("items=e1@12:30-18:00,m3")
    focused = page.evaluate("[document.activeElement.getAttribute('aria-label'),"
                            " [...document.querySelectorAll('[data-bundle-edit] li')].indexOf(document.activeElement.closest('li'))]")
    assert focused == ["Move up", 0], focused
    assert message.inner_text().endswith(": 1 of 2.")
    page.keyboard.press("Tab")                                       # Move down, same item
    page.keyboard.press("Enter")
    assert page.input_value("[data-bundle-link]").endswith("items=m3,e1@12:30-18:00")
    page.keyboard.press("Tab")                                       # Remove, the moved item
    page.keyboard.press("Enter")
    assert page.input_value("[data-bundle-link]").endswith("items=m3")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Remove"
    assert message.inner_text().startswith("Removed ")
    page.keyboard.press("Enter")                                     # the last item: focus goes on
    assert page.locator("[data-bundle-edit] li").count() == 0
    assert page.evaluate("document.activeElement.hasAttribute('data-bundle-add-module')")
    context.close()
