"""Every course page, as a phone reader meets it: axe-core on each module, the glossary and the
lecturers' page at 360 px (one browser, the suite's shared build), and keyboard access to a wide
table's scroll box (Material wraps tables in `.md-typeset__scrollwrap`, which Chromium never
focuses; docs/assets/scroll-regions.js names it and makes it focusable while it overflows).
"""

from __future__ import annotations

import pytest

from site_support import settle, shared_site

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}


# scroll-regions.js gives a box a tab stop exactly when it overflows, from a ResizeObserver
# callback that runs after layout: settled when every box agrees.
REGIONS_SETTLED = ("[...document.querySelectorAll('.md-typeset__scrollwrap')]"
                   ".every(b => (b.scrollWidth > b.clientWidth + 1) === b.hasAttribute('tabindex'))")


def _pages(site) -> list[str]:
    stems = sorted(p.stem for p in (site.project / "docs" / "course").glob("0*.md"))
    assert len(stems) >= 8, stems
    return [f"course/{stem}/" for stem in stems] + ["glossary/", "course/lecturers/"]


def test_course_pages_pass_axe_on_a_phone(browser, tmp_path_factory) -> None:
    from test_site_browser import AXE, Watched, _serious
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (make browser)")
    axe_source = AXE.read_text(encoding="utf-8")
    site = shared_site(tmp_path_factory)
    context = browser.new_context(viewport=PHONE)
    web = Watched(context.new_page(), site.url)
    problems = {}
    for path in _pages(site):
        web.go(path)
        settle(web.page, REGIONS_SETTLED)
        found = _serious(web, axe_source)
        if found:
            problems[path] = found
    context.close()
    assert not problems, problems
    assert not web.errors, web.errors


def test_wide_table_is_a_named_focusable_region_and_scrolls_by_keyboard(browser, tmp_path_factory) -> None:
    from test_site_browser import Watched
    site = shared_site(tmp_path_factory)
    context = browser.new_context(viewport=PHONE)
    web = Watched(context.new_page(), site.url)
    web.go("course/03-what-the-research-says/")
    settle(web.page, REGIONS_SETTLED)
    boxes = web.page.evaluate("""[...document.querySelectorAll('.md-typeset__scrollwrap')].map(b => ({
        overflows: b.scrollWidth > b.clientWidth + 1, tabindex: b.getAttribute('tabindex'),
        role: b.getAttribute('role'), name: b.getAttribute('aria-label') || ''}))""")
    wide = [b for b in boxes if b["overflows"]]
    assert wide, "expected Module 3's summary table to overflow at 360 px"
    for box in wide:
        assert box["tabindex"] == "0" and box["role"] == "region" and box["name"], box
    assert all(b["tabindex"] is None for b in boxes if not b["overflows"]), boxes  # no needless tab stops
    region = web.page.locator(".md-typeset__scrollwrap[tabindex='0']").first
    region.focus()
    web.page.keyboard.press("ArrowRight")
    settle(web.page, "b => b.scrollLeft > 0", arg=region.element_handle())    # a smooth scroll
    assert region.evaluate("b => b.scrollLeft") > 0
    # The same page at desktop width: the table fits, so the box is no longer a tab stop.
    web.page.set_viewport_size({"width": 1280, "height": 900})
    web.page.wait_for_function("![...document.querySelectorAll('.md-typeset__scrollwrap')]"
                               ".some(b => b.scrollWidth <= b.clientWidth + 1 && b.hasAttribute('tabindex'))",
                               timeout=5000)
    context.close()
    assert not web.errors, web.errors


def test_wide_code_is_a_tab_stop_on_a_phone_with_a_keyboard(browser, tmp_path_factory) -> None:
    """The maintainer's guide's commands are wider than a phone. Material makes a wide code block a
    tab stop only where the device can hover, so on a phone or tablet with a keyboard (no hover)
    the cut-off end of a command could not be scrolled to (axe: scrollable-region-focusable)."""
    from test_site_browser import Watched
    site = shared_site(tmp_path_factory)
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    web = Watched(context.new_page(), site.url)
    web.go("maintainer/")
    assert not web.page.evaluate("matchMedia('(hover)').matches"), "a phone: no hover"
    wide = "[...document.querySelectorAll('.md-typeset pre > code')].filter(c => c.scrollWidth > c.clientWidth + 1)"
    settle(web.page, f"{wide}.length > 0 && {wide}.every(c => c.getAttribute('tabindex') === '0')")
    stops = web.page.evaluate(f"{wide}.map(c => c.getAttribute('tabindex'))")
    assert len(stops) >= 3 and all(s == "0" for s in stops), stops
    # Turned to landscape and back: the blocks that fitted overflow again, and Material, told so on a
    # device without hover, removes tab stops: they stay.
    web.page.set_viewport_size({"width": 1280, "height": 640})
    settle(web.page, "[...document.querySelectorAll('.md-typeset pre > code')].some(c => c.scrollWidth <= c.clientWidth + 1 && !c.hasAttribute('tabindex'))")
    web.page.set_viewport_size({"width": 360, "height": 640})
    settle(web.page, f"{wide}.length === {len(stops)} && {wide}.every(c => c.getAttribute('tabindex') === '0')")
    code = web.page.locator(".md-typeset pre > code[tabindex='0']").first
    code.focus()
    web.page.keyboard.press("ArrowRight")
    settle(web.page, "c => c.scrollLeft > 0", arg=code.element_handle())
    assert code.evaluate("c => c.scrollLeft") > 0
    assert web.page.evaluate(f"{wide}.every(c => c.getAttribute('tabindex') === '0')")
    context.close()
    assert not web.errors, web.errors


def test_printed_module_shows_answers_figure_data_and_whole_tables(browser, tmp_path_factory) -> None:
    """Printed (print media, A4 text width), every self-check answer and a figure's data table are
    rendered although their <details> are closed (Chromium hides closed content in
    ::details-content), and no table is cut off at the page edge."""
    from test_site_browser import Watched
    site = shared_site(tmp_path_factory)
    context = browser.new_context(viewport={"width": 718, "height": 1000})   # A4 less margins, 96 dpi
    web = Watched(context.new_page(), site.url)
    web.go("course/03-what-the-research-says/")
    web.page.emulate_media(media="print")
    state = web.page.evaluate("""(() => ({
        details: [...document.querySelectorAll('.md-content details')].map(d =>
            [...d.children].filter(c => c.tagName !== 'SUMMARY').every(c => c.checkVisibility())),
        figureTable: [...document.querySelectorAll('figure details table')].map(t => t.checkVisibility()),
        clipped: [...document.querySelectorAll('.md-typeset__scrollwrap, .ffg-figure-scroll')]
            .filter(b => b.scrollWidth > b.clientWidth + 1).length,
    }))()""")
    assert len(state["details"]) >= 5 and all(state["details"]), state
    assert state["figureTable"] and all(state["figureTable"]), state
    assert state["clipped"] == 0, state
    web.page.pdf(format="A4")                                # and Chromium prints it
    context.close()
    assert not web.errors, web.errors


TOOLTIP_SHOWN = ("text => [...document.querySelectorAll('.md-tooltip2--active')]"
                 ".some(e => getComputedStyle(e).visibility === 'visible' && e.textContent.includes(text))")


def test_glossary_definitions_open_by_keyboard_and_by_tap(browser, tmp_path_factory) -> None:
    """A glossary term (<abbr title>, Material's tooltip) is reached with Tab, once a term a page, and
    shows its definition on focus; a tap on any use of a term shows it too. Arrived at by instant
    navigation, as a reader moves between modules."""
    from test_site_browser import Watched
    site = shared_site(tmp_path_factory)
    context = browser.new_context(viewport=PHONE, has_touch=True)
    web = Watched(context.new_page(), site.url)
    web.go("course/")
    web.page.evaluate("document.querySelector('.md-content a[href$=\"01-what-therapy-does/\"]').click()")
    web.page.wait_for_url("**/course/01-what-therapy-does/")
    web.page.wait_for_function("document.querySelector('.md-content abbr[tabindex=\"0\"]') !== null")
    terms = web.page.evaluate("[...document.querySelectorAll('.md-content abbr[title]')].map(a => [a.title, a.tabIndex])")
    titles = {title for title, _ in terms}
    assert len(terms) > len(titles), "the module uses some term twice"
    assert sorted(t for t, index in terms if index == 0) == sorted(titles), "each term one Tab stop"
    for _ in range(300):
        web.page.keyboard.press("Tab")
        if web.page.evaluate("document.activeElement.tagName") == "ABBR":
            break
    definition = web.page.evaluate("document.activeElement.title")
    web.page.wait_for_function(TOOLTIP_SHOWN, arg=definition[:40])
    later = web.page.locator(".md-content abbr[tabindex='-1']").first      # a second use of a term
    later_definition = later.get_attribute("title")
    later.scroll_into_view_if_needed()
    later.tap()
    web.page.wait_for_function(TOOLTIP_SHOWN, arg=later_definition[:40])
    assert web.page.evaluate("document.activeElement.tagName") == "ABBR"
    context.close()
    assert not web.errors, web.errors
