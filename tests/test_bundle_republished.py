"""A bundle link opened again after the site was rebuilt, served as GitHub Pages serves it.

GitHub Pages sends every file with `Cache-Control: max-age=600`. The bundle page reads
cite/catalogue.json and each stretch's transcript.json after load; from the browser's cache, a
bundle link naming the episode just published said "not yet on this site" for ten minutes, and a
stretch printed the transcript's words from before its correction.
"""

from __future__ import annotations

import pytest

from companion.site.static_server import StaticHandler, StaticServer
from course_support import STRETCH_AUDIO, STRETCH_SEGMENTS, prepare_project
from site_support import (BUNDLE_BUILT, DEPLOY_PATH, build, open_page, settle, write_episode,
                          write_transcript_files)

pytestmark = pytest.mark.browser
PAGES_MAX_AGE = "max-age=600"          # what GitHub Pages sends with every file
NEW_TITLE = "A new episode, just published"
CORRECTED = "This is where the corrected stretch begins."


class PagesHandler(StaticHandler):
    """The static server with GitHub Pages' caching header on every answer."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", PAGES_MAX_AGE)
        super().end_headers()


def bundle_view(page, link: str | None) -> tuple[list[str], str]:
    """The bundle's items as listed, and the words of its stretches' transcripts, once loaded:
    `link` opened, or (None) the bundle page the browser is on."""
    if link:
        page.goto(link)
    page.wait_for_function(BUNDLE_BUILT)
    settle(page, "() => { const blocks = [...document.querySelectorAll('.ffg-bundle__transcript')];"
                 " return blocks.length > 0 && blocks.every((t) => /\\d:\\d\\d /.test(t.textContent)); }")
    words = " ".join(page.locator(".ffg-bundle__transcript").all_text_contents())
    return page.locator("[data-bundle-items] > li").all_inner_texts(), words


def correct_the_stretch(project) -> None:
    """Episode 7's transcript corrected where the assigned stretch begins."""
    corrected = [dict(s, body=CORRECTED) if s["startTime"] == 745.0 else s for s in STRETCH_SEGMENTS]
    write_transcript_files(project / "episodes" / "007-ai-as-therapy", corrected)


def served(tmp_path) -> tuple[StaticServer, str]:
    """An empty site folder served as GitHub Pages serves it, and the site's address there."""
    www = tmp_path / "www"
    www.mkdir()
    server = StaticServer(www, handler=PagesHandler).start()
    return server, f"{server.url}/{DEPLOY_PATH}"


def test_a_bundle_link_reads_the_site_as_last_published(browser, tmp_path) -> None:
    server, url = served(tmp_path)
    www = server.root
    context = browser.new_context()              # one browser cache across the two publications
    try:
        project = prepare_project(tmp_path, url)
        build(project, www / DEPLOY_PATH)
        page = context.new_page()
        link = f"{url}course/bundle/?items=m3,e7@12:30-18:00,e8@1:00-2:00"
        items, words = bundle_view(page, link)
        assert "not yet on this site" in items[2], items
        assert "This is where the stretch begins." in words and CORRECTED not in words

        # The next publication: episode 8 arrives, and episode 7's transcript is corrected.
        episodes = project / "episodes"
        write_episode(episodes, "008-just-published", title=NEW_TITLE, number=8, date="2024-06-19",
                      duration=1800.0, audio_url=STRETCH_AUDIO, segments=STRETCH_SEGMENTS)
        correct_the_stretch(project)
        build(project, www / DEPLOY_PATH)

        items, words = bundle_view(page, link)
        assert items[2].startswith(f"{NEW_TITLE}, 1:00–2:00"), items
        assert CORRECTED in words, words
    finally:
        context.close()
        server.close()


def test_a_bundle_reached_by_instant_navigation_after_a_correction(browser, tmp_path) -> None:
    """A lecturer keeps the bundle open while a transcript is corrected and the site rebuilt, then
    comes back to it through the site (instant navigation, the same document): the stretch
    printed the words read before, kept for the tab's life."""
    server, url = served(tmp_path)
    context = browser.new_context()
    try:
        project = prepare_project(tmp_path, url)
        build(project, server.root / DEPLOY_PATH)
        page = context.new_page()
        open_page(page, f"{url}course/bundle/?items=m3,e7@12:30-18:00")
        _, words = bundle_view(page, None)
        assert "This is where the stretch begins." in words
        correct_the_stretch(project)
        build(project, server.root / DEPLOY_PATH)
        page.evaluate("window.ffgSameDocument = true")
        page.locator("[data-bundle-items] > li a").first.click()          # Module 3, by instant navigation
        page.wait_for_url("**/course/03-what-the-research-says/")
        page.go_back()
        _, words = bundle_view(page, None)
        assert page.evaluate("window.ffgSameDocument === true"), "instant navigation kept the document"
        assert CORRECTED in words, words
    finally:
        context.close()
        server.close()
