"""A cited stretch on the site as it is deployed: `site_url` under a sub-path, Material's instant
navigation on, real audio served with HTTP Range (companion.site.static_server), in Chromium.

A student reaches the stretch three ways: a fresh load of the episode page at `#t=`, a click on a
module's Listen box, a click on a bundle item (the last two by instant navigation, no page load).
Each time the segment marked is the one holding the stretch's start and the audio stands there.
The Listen box, the bundle and the episode page cite the stretch identically. The fixture episodes
are the odd inputs citations meet: two episodes the same day (a/b letters), one with no date, a
title with markup and quotes, a stretch past an hour.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_support import (AUDIO, SONNETS, StaticServer, build, copy_project, even_segments, open_page,
                          sonnet_lines, write_episode)

pytestmark = pytest.mark.browser
SUB_PATH = "ffg"
WAIT_MS = 20_000
SAME_DAY = "2025-03-08"
ODD_TITLE = 'Being <em>seen</em>: "fully" and not rejected'
START, END = 16.0, 42.0
MODULE_SOURCE = "01-what-therapy-does.md"
MODULE_URL = "course/01-what-therapy-does/"
LISTENS = ('\n\n{{ listen(2, "0:16", "0:42", "The stretch") }}\n\n'
           '{{ listen(5, "1:02:03", "1:05:00", "Past the hour") }}\n')


class Deployed:
    def __init__(self, workdir: Path) -> None:
        self.www = workdir / "www"
        (self.www / "media").mkdir(parents=True)
        shutil.copy2(AUDIO / "sonnet002.mp3", self.www / "media" / "sonnet002.mp3")
        self.server = StaticServer(self.www).start()
        self.url = f"{self.server.url}/{SUB_PATH}/"
        project = copy_project(workdir / "project")
        config = project / "mkdocs.yml"
        config.write_text(config.read_text().replace('site_url: ""', f'site_url: "{self.url}"'))
        # An undated episode by the host shares "Bailey, n.d." with the host's essay: APA letters
        # them (the essay's title sorts first, "An" aside), and the prose cites the new label, as
        # the build's warning tells the maintainer to.
        for source in (project / "docs" / "course").glob("[0-9][0-9]-*.md"):
            source.write_text(source.read_text().replace("Bailey, n.d.)", "Bailey, n.d.-a)"))
        module = project / "docs" / "course" / MODULE_SOURCE
        module.write_text(module.read_text() + LISTENS)
        episodes = project / "episodes"
        self.segments = even_segments(sonnet_lines("sonnet002"), SONNETS["sonnet002"])
        write_episode(episodes, "002-sonnet-2", title="Sonnet 2: a reading", number=2, date=SAME_DAY,
                      duration=SONNETS["sonnet002"], audio_url=f"{self.server.url}/media/sonnet002.mp3",
                      segments=self.segments)
        write_episode(episodes, "003-same-day", title=ODD_TITLE, number=3, date=SAME_DAY,
                      duration=1800.0, audio_url=None, segments=None)
        write_episode(episodes, "004-undated", title="An undated episode", number=4, date="",
                      duration=1800.0, audio_url=None, segments=None)
        write_episode(episodes, "005-long", title="A long conversation", number=5, date="2025-04-01",
                      duration=4000.0, audio_url=None, segments=None)
        build(project, self.www / SUB_PATH)

    def holding(self, seconds: float) -> float:
        """Start of the fixture segment that holds `seconds`."""
        return max(s["startTime"] for s in self.segments if s["startTime"] <= seconds)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    site = Deployed(tmp_path_factory.mktemp("moment-deployed"))
    yield site
    site.server.close()


def arrived_at_start(page, site: Deployed) -> None:
    """The marked segment holds the stretch's start, and the real audio has seeked there."""
    page.wait_for_selector(".ffg-seg--current", timeout=WAIT_MS)
    current = page.locator(".ffg-seg--current")
    assert current.count() == 1
    assert float(current.get_attribute("data-start")) == site.holding(START)
    page.wait_for_function(f"(() => {{ const a = document.querySelector('audio');"
                           f" return a && a.seekable.length && Math.abs(a.currentTime - {START}) < 1; }})()",
                           timeout=WAIT_MS)
    # The stretch stays marked once the audio is there (a `timeupdate` at 0 must not move it): the
    # seek has landed and the page has handled its events (two animation frames on).
    page.evaluate("""() => new Promise((landed) => { const a = document.querySelector('audio');
        const after = () => requestAnimationFrame(() => requestAnimationFrame(landed));
        if (a.seeking) a.addEventListener('seeked', after, {once: true}); else after(); })""")
    assert float(page.locator(".ffg-seg--current").get_attribute("data-start")) == site.holding(START)


def citation_parts(box) -> list[str]:
    return [" ".join(box.locator(f".ffg-moment__{part}").inner_text().split())
            for part in ("intext", "ref", "link")]


def test_references_letter_same_day_episodes_and_undated_ones(deployed: Deployed) -> None:
    page = (deployed.www / SUB_PATH / MODULE_URL / "index.html").read_text(encoding="utf-8")
    assert "(Bailey, 2025b, 0:16\u20130:42)" in page, "'Being seen' (2025a) sorts before 'Sonnet 2' (2025b)"
    assert "(Bailey, 2025c, 1:02:03\u20131:05:00)" in page, "dated works of one year go by date, then title"
    assert f"{deployed.url}episodes/005-long/#t=1:02:03,1:05:00" in page


def test_a_listen_box_cites_as_the_bundle_and_the_episode_page(browser, deployed: Deployed) -> None:
    page = browser.new_page()
    page.goto(deployed.url + MODULE_URL)
    listen = page.locator(".ffg-listen", has_text="The stretch")
    intext, reference, link = citation_parts(listen)
    assert intext == "In text: (Bailey, 2025b, 0:16\u20130:42)"
    episode_url = f"{deployed.url}episodes/002-sonnet-2/"
    assert reference.startswith("Bailey, T. (Host). (2025b, March 8). Sonnet 2: a reading")
    assert link == f"Stretch 0:16\u20130:42: {episode_url}#t=0:16,0:42"
    # APA: what the text cites, the reference list lists: the module's References name the episode.
    refs = [" ".join(t.split()) for t in page.locator(".ffg-references .ffg-reference").all_inner_texts()]
    assert reference in refs, refs

    bundle = browser.new_page()
    bundle.goto(f"{deployed.url}course/bundle/?items=m1,e3,e2@0:16-0:42,e4")
    bundle.wait_for_selector("[data-bundle-refs] p")
    assert "Cite in text: (Bailey, 2025b, 0:16\u20130:42)" in [t.strip() for t in bundle.locator("[data-bundle-intext]").all_inner_texts()]
    listed = [" ".join(p.split()) for p in bundle.locator("[data-bundle-refs] p").all_inner_texts()]
    assert any(p.startswith(reference) and p.endswith(link) for p in listed), listed
    # APA order: Bailey n.d. first ("n.d." before dates), then 2025a, 2025b, then the course (F
    # after B). The letters are the bundle's own list's (APA 7, 8.19): the site's n.d.-b (after the
    # host's essay, which the bundle does not hold) is plain n.d. here; its two 2025 works stay a, b.
    assert [p.startswith("Bailey") for p in listed] == [True, True, True, False], listed
    assert "(n.d.)" in listed[0] and "(2025a" in listed[1] and "(2025b" in listed[2], listed
    # A feed's title is text (as on the episode page): its tags are shown, never obeyed; quotes kept.
    assert 'Being <em>seen</em>: "fully" and not rejected' in listed[1]
    assert bundle.locator("[data-bundle-refs] em").count() == 0

    episode = browser.new_page()
    episode.goto(episode_url + "#t=0:16,0:42")
    episode.wait_for_selector("[data-stretch-cite]", timeout=WAIT_MS)
    assert citation_parts(episode.locator("[data-stretch-cite]")) == [intext, reference, link]
    for each in (page, bundle, episode):
        each.close()


def test_arriving_fresh_marks_the_segment_holding_the_start(browser, deployed: Deployed) -> None:
    page = browser.new_page()
    page.goto(f"{deployed.url}episodes/002-sonnet-2/#t=0:16,0:42")
    arrived_at_start(page, deployed)
    page.close()


@pytest.mark.parametrize("source, link", [
    (MODULE_URL, '.ffg-listen a[href*="#t=0:16,0:42"]'),
    ("course/bundle/?items=m1,e2@0:16-0:42", '#ffg-bundle a[href*="002-sonnet-2/#t=0:16,0:42"]'),
])
def test_arriving_by_instant_navigation_marks_the_start(browser, deployed: Deployed, source: str, link: str) -> None:
    page = browser.new_page()
    open_page(page, deployed.url + source, WAIT_MS)      # a click before Material's sitemap is a full load
    page.locator(link).first.wait_for(timeout=WAIT_MS)
    page.evaluate("window.__sameDocument = true")
    page.locator(link).first.click()
    page.wait_for_url("**/episodes/002-sonnet-2/#t=0:16,0:42", timeout=WAIT_MS)
    arrived_at_start(page, deployed)
    assert page.evaluate("window.__sameDocument === true"), "Material's instant navigation made no page load"
    page.close()


def test_built_without_site_url_the_citations_show_and_link_absolute_addresses(browser, tmp_path) -> None:
    """A preview copy (no site_url, under a sub-path): a Listen box's citation and the module's
    References give the episode's full address, and the links go to the episode page."""
    project = copy_project(tmp_path / "project")
    write_episode(project / "episodes", "003-why-no", title="Why no", number=3, date="2025-02-01",
                  duration=1800.0, audio_url=None, segments=None)
    module = project / "docs" / "course" / MODULE_SOURCE
    module.write_text(module.read_text() + '\n\n{{ listen(3, "08:00", "15:30", "The stretch") }}\n')
    build(project, tmp_path / "www" / SUB_PATH)
    server = StaticServer(tmp_path / "www").start()
    try:
        page = browser.new_page()
        page.goto(f"{server.url}/{SUB_PATH}/{MODULE_URL}")
        episode = f"{server.url}/{SUB_PATH}/episodes/003-why-no/"
        box = page.locator(".ffg-listen .ffg-moment")
        assert citation_parts(box)[2] == f"Stretch 8:00\u201315:30: {episode}#t=8:00,15:30"
        for link in (box.locator(".ffg-moment__ref a"), page.locator("#ref-episode-003-why-no a")):
            assert link.inner_text() == episode and link.evaluate("a => a.href") == episode
        assert box.locator(".ffg-moment__link a").evaluate("a => a.href") == f"{episode}#t=8:00,15:30"
        page.close()
    finally:
        server.close()


def test_a_printed_module_keeps_its_listen_box_whole_with_the_address(browser, deployed: Deployed) -> None:
    """Printed (a handout for a tutorial), a module's Listen box is there, in one piece, and carries
    the stretch's full address in its text, since a printed link cannot be followed."""
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(deployed.url + MODULE_URL)
    page.emulate_media(media="print")
    listen = page.locator(".ffg-listen", has_text="The stretch")
    assert listen.is_visible()
    printed = " ".join(listen.inner_text().split())
    assert f"{deployed.url}episodes/002-sonnet-2/#t=0:16,0:42" in printed, printed
    assert "(Bailey, 2025b, 0:16\u20130:42)" in printed
    assert listen.evaluate("e => getComputedStyle(e).breakInside") in ("avoid", "avoid-page"), "cut across two pages"
    hidden = listen.evaluate("e => [...e.querySelectorAll('button, .md-button')].filter(b => b.offsetParent !== null).length")
    assert hidden == 0, "a button printed on paper"
    pdf = page.pdf(format="A4")
    assert len(pdf) > 20_000
    page.close()
