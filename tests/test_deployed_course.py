"""The course as deployed (site_url under /repo/, instant navigation on, the repository linked in
the header as maintainers do) asks no third-party host for anything: no fonts, icons, emoji, or
repository facts (Material fetches a GitHub repo_url's stars from api.github.com unless its source
partial is overridden), on a phone at 360 px and on a desktop, by load and by instant navigation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from course_support import REPO, REPO_URL, STRETCH_AUDIO, course_site_deployed  # noqa: F401

pytestmark = pytest.mark.browser
LOCAL = {"127.0.0.1", "localhost"}
PAGES = ["", "course/01-what-therapy-does/", "course/syllabus/", "glossary/", "episodes/",
         "episodes/007-ai-as-therapy/#t=12:30,18:00", "course/bundle/?items=m1,e7@12:30-13:00"]


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 800}],
                         ids=["phone-360", "desktop"])
def test_no_request_leaves_the_site(browser, course_site_deployed, viewport) -> None:  # noqa: F811
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in PAGES:
        page.goto(course_site_deployed.url + path)
        page.wait_for_load_state("networkidle")
    assert page.locator(f'a.md-source[href="{REPO_URL}"]').count() >= 1, "the repository link is shown"
    page.goto(course_site_deployed.url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.querySelector('a[href$=\"course/\"]').click()")     # by instant navigation
    page.wait_for_url("**/course/")
    page.wait_for_load_state("networkidle")
    context.close()
    # The one request allowed elsewhere: the episode's own audio, from the podcast's host, which a
    # `#t=` link loads so the moment is ready to play.
    outside = sorted({u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                      and urlsplit(u).hostname not in LOCAL and u != STRETCH_AUDIO})
    assert not outside, f"requests left the site: {outside}"


AXE = REPO / "tests" / "node_modules" / "axe-core" / "axe.min.js"
AXE_PAGES = ["episodes/", "course/syllabus/", "course/", "course/01-what-therapy-does/", "glossary/",
             "episodes/007-ai-as-therapy/#t=12:30,18:00", "course/bundle/?items=m1,e7@12:30-13:00",
             "course/bundle/?edit=1", "course/print/", "get-help/"]


def test_axe_finds_nothing_moderate_either(browser, course_site_deployed) -> None:  # noqa: F811
    """axe-core's moderate rules too (heading order, one banner/main/contentinfo, landmarks unique),
    on the listing and syllabus pages a screen-reader user walks by heading, at 360 px."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (make browser)")
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    problems = {}
    for path in AXE_PAGES:
        page.goto(course_site_deployed.url + path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found = [f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes'][:3]]}"
                 for v in result["violations"] if v["impact"] in ("moderate", "serious", "critical")]
        if found:
            problems[path] = found
    context.close()
    assert not problems, problems
