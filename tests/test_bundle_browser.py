"""A lecturer builds a bundle on the builder page, opens its link, and prints it to PDF.

Runs the built site from a local static server in headless Chromium. Also checks the episode
"Cite this" box picks up a `#t=start,end` segment.
"""

from __future__ import annotations

import re

import pytest

from course_support import FIXTURE_EPISODES, course_site  # noqa: F401
from site_support import StaticServer

pytestmark = pytest.mark.browser
MIN_PDF_BYTES = 20_000          # a cover-less PDF of three items with references is far larger
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def site_server(course_site):  # noqa: F811
    server = StaticServer(course_site.site).start()
    yield server.url + "/"
    server.close()


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
    items = shared.locator("[data-bundle-items] > li")
    assert items.count() == 3
    texts = items.all_inner_texts()
    assert texts[0].startswith("Module 1:")
    episode_title = FIXTURE_EPISODES[1][1]
    assert texts[1].startswith(f"{episode_title}, 12:30–18:00") and "listening about 6 min" in texts[1]
    assert texts[2].startswith("Glossary")
    episode_href = items.nth(1).locator("a").get_attribute("href")
    assert episode_href.endswith(f"episodes/{FIXTURE_EPISODES[1][0]}/#t=750,1080")
    assert shared.inner_text("[data-bundle-title]") == "Week 3 reading"
    total = shared.inner_text("[data-bundle-total]")
    assert re.match(r"Total time: about \d+–\d+ min \(reading about \d+–\d+ min, listening about \d+(–\d+)? min\)\.", total), total
    references = shared.locator("[data-bundle-refs] p").all_inner_texts()
    assert len(references) == 2
    assert "What AI can and cannot do in mental health" in references[0]
    assert "(Host). (2024, May 1)" in references[1] and "[Audio podcast episode]" in references[1]
    assert "#t=750,1080" in references[1] and references[1].count("http") == 1

    shared.emulate_media(media="print")
    assert not shared.locator(".ffg-bundle__controls").is_visible(), "print layout hides the builder"
    pdf = shared.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > MIN_PDF_BYTES
    page.close()
    shared.close()


def test_episode_cite_box_takes_the_segment(browser, site_server: str) -> None:
    slug = FIXTURE_EPISODES[7][0]
    page = browser.new_page()
    page.goto(f"{site_server}episodes/{slug}/#t=750,1080")
    page.wait_for_selector(".ffg-cite")
    assert page.inner_text("[data-cite-intext-text]") == "(Bailey, 2024, 12:30–18:00)"
    reference = page.inner_text("[data-cite-ref]")
    assert reference.startswith("Bailey, T. (Host). (2024, June 12).")
    assert f"{site_server}episodes/{slug}/#t=750,1080" in reference, "absolute URL with the segment"
    assert page.inner_text("[data-cite-segment]").startswith("Segment: 12:30–18:00")
    page.close()
