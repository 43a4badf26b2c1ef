"""The whole product on a podcast the site has never seen: real audio served from 127.0.0.1,
`sync` through the real model, a strict build, then a reader in Chromium searching for words
that were only ever spoken, landing on the moment, with the audio ready there."""

from __future__ import annotations

import json
import shutil
from urllib.parse import urlsplit

import pytest

from companion.demo import SAMPLE_DIR
from companion.project import copy_site_sources, open_project
from companion.site.build import SITE_DIR, build_site
from companion.site.static_server import StaticServer
from companion.pipeline.sync import Options, sync
from site_support import REPO

pytestmark = [pytest.mark.browser, pytest.mark.model]
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    base = tmp_path_factory.mktemp("end-to-end")
    host = StaticServer(shutil.copytree(SAMPLE_DIR, base / "host")).start()
    project = open_project(copy_site_sources(REPO, base / "project"))
    report = sync(project, Options(feed=f"{host.url}/feed.xml"))
    assert report.exit_code == 0, report.outcomes
    site = StaticServer(build_site(project)).start()
    yield site.url + "/", project
    site.close()
    host.close()


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    yield page
    page.close()
    outside = {u for u in requests if urlsplit(u).hostname not in (None, "127.0.0.1")
               and urlsplit(u).scheme in ("http", "https")}
    assert not outside, f"requests left the machine: {outside}"


@pytest.mark.parametrize("phrase,slug,word", [
    ("fellow Americans", "2023-12-31-ask-not-an-inaugural-address-1961", "americans"),
    ("lusty days", "2024-01-03-sonnet-2-when-forty-winters-shall-besiege-thy", "lusty"),
    # The title says "forty", the model writes "40": the number is searched both ways, and the
    # title's match must not keep the hit from the moment.
    ("when forty winters shall besiege thy brow", "2024-01-03-sonnet-2-when-forty-winters-shall-besiege-thy",
     "winters"),
])
def test_search_for_spoken_words_lands_on_the_moment(served, page, phrase, slug, word) -> None:
    """Each phrase was said in one episode only; the hit opens the segment that says it."""
    url, _ = served
    page.goto(url)
    page.click(".ffg-search-open")
    page.fill("#ffg-search-input", phrase)
    moment = page.locator(".ffg-hit__moments a").first
    moment.wait_for(timeout=WAIT_MS)
    assert f"/episodes/{slug}/#t=" in moment.get_attribute("href")
    moment.click()
    page.wait_for_url(f"**/episodes/{slug}/#t=*", timeout=WAIT_MS)
    target = float(page.evaluate("document.querySelector('.ffg-seg--current').dataset.start"))
    assert word in page.inner_text(".ffg-seg--current").lower()
    page.wait_for_function(
        "(t) => { const a = document.querySelector('.ffg-player audio');"
        " return a.readyState >= 1 && Math.abs(a.currentTime - t) < 0.5; }",
        arg=target, timeout=WAIT_MS)


def test_a_single_digit_is_searched_as_its_word_and_back(served, page) -> None:
    """The reader says "Two." and the model writes "2." (as it writes "40" for "forty"): "sonnet two"
    finds that episode first. The vocabulary used to drop one-character words, digits too, so the
    dialog never tried "sonnet 2": the top hit was the maintainer's page."""
    url, project = served
    words = set(json.loads((project.root / SITE_DIR / "pagefind" / "vocabulary.json").read_text())["words"])
    assert "2" in words and "a" not in words           # one digit is a word, one letter still not
    page.goto(url)
    page.click(".ffg-search-open")
    page.fill("#ffg-search-input", "sonnet two")
    moment = page.locator(".ffg-hit__moments a").first
    moment.wait_for(timeout=WAIT_MS)
    assert "/episodes/2024-01-03-sonnet-2-when-forty-winters-shall-besiege-thy/#" in moment.get_attribute("href")


def test_deep_link_into_a_transcribed_episode_plays_from_there(served, page) -> None:
    url, _ = served
    page.goto(url + "episodes/2024-01-01-sonnet-1-from-fairest-creatures-we-desire/#t=0:20")
    page.wait_for_function(
        "() => { const a = document.querySelector('.ffg-player audio');"
        " return a.readyState >= 1 && Math.abs(a.currentTime - 20) < 0.5; }", timeout=WAIT_MS)
    current = page.locator(".ffg-seg--current")
    start = float(current.get_attribute("data-start"))
    end = float(current.get_attribute("data-end"))
    assert start <= 20 < end + 1
    page.evaluate("(() => { const a = document.querySelector('.ffg-player audio');"
                  " a.muted = true; return a.play(); })()")
    page.wait_for_function(f"document.querySelector('.ffg-player audio').currentTime > {end}",
                           timeout=WAIT_MS)
    page.wait_for_function(
        f"Number(document.querySelector('.ffg-seg--current').dataset.start) >= {end - 0.01}",
        timeout=WAIT_MS)
