"""The course as deployed (site_url under /repo/, instant navigation on, the repository linked in
the header as maintainers do) asks no third-party host for anything: no fonts, icons, emoji, or
repository facts (Material fetches a GitHub repo_url's stars from api.github.com unless its source
partial is overridden), on a phone at 360 px and on a desktop, by load and by instant navigation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from course_support import REPO, REPO_URL, STRETCH_AUDIO, course_site_deployed  # noqa: F401
from site_support import settle

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


# A visually hidden input shows its focus on the label after it (Material's palette toggle: the
# label beside radio 0 is the one for radio 1), so that label's box counts.
FOCUSED = """(() => { const e = document.activeElement;
  const shown = e.tagName === 'INPUT' && e.nextElementSibling && e.nextElementSibling.tagName === 'LABEL' ? e.nextElementSibling : e;
  const r = shown.getBoundingClientRect();
  return {text: (e.getAttribute('aria-label') || e.getAttribute('title') || e.textContent || '').trim().slice(0, 40),
          visible: r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight,
          inContent: !!e.closest('.md-content'), inNav: !!e.closest('.md-sidebar--primary')}; })()"""


def test_keyboard_on_a_phone_never_tabs_into_the_hidden_drawer(browser, course_site_deployed) -> None:  # noqa: F811
    """At 360 px the navigation is an off-screen drawer: Tab reaches the page's content without
    passing through links nobody can see, the menu button is reachable and opens the drawer with
    Enter (focus on its first link, which is visible), and Escape closes it, focus back on the
    button. After an instant navigation the same holds."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(course_site_deployed.url + "course/bundle/?edit=1")
    page.wait_for_selector("[data-bundle-add-module]")
    seen, menu_reached = [], False
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused)
        menu_reached = menu_reached or focused["text"] == "Navigation menu"
        if focused["inContent"]:
            break
    hidden = [f["text"] for f in seen if not f["visible"] or f["inNav"]]
    assert not hidden, f"Tab went through what cannot be seen: {hidden}"
    assert seen[-1]["inContent"] and menu_reached, seen
    page.locator("[data-ffg-drawer-toggle]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('__drawer').checked")
    assert page.get_attribute("[data-ffg-drawer-toggle]", "aria-expanded") == "true"
    page.wait_for_function("!!document.activeElement.closest('.md-sidebar--primary')")
    settle(page, f"{FOCUSED}.visible")                                   # the drawer slides in
    assert page.evaluate(FOCUSED)["visible"], "focus went into the drawer but is not on screen"
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__drawer').checked")
    assert page.evaluate("document.activeElement.hasAttribute('data-ffg-drawer-toggle')")
    page.evaluate("document.querySelector('a[href$=\"course/syllabus/\"]').click()")   # instant navigation
    page.wait_for_url("**/course/syllabus/")
    assert page.evaluate("document.querySelector('.md-sidebar--primary').inert")
    context.close()
