"""The course's figures (companion.course.figures), as built and as a browser reads them.

Each figure is inline SVG named by its <title> and described by its <desc>, with a visible
caption and a data table holding every value; it requests nothing from any host, takes the
site's colours from Material's CSS properties, and passes axe-core in both colour schemes.
"""

from __future__ import annotations

import re

import lxml.html
import pytest

from companion.course import figures
from course_support import course_site  # noqa: F401
from site_support import shared_site

PAGES = {"alliance": "01-what-therapy-does", "effect-sizes": "03-what-the-research-says",
         "timeline": "07-for-clinicians-and-students"}


def test_every_figure_value_is_in_its_table_and_alternative() -> None:
    for name, make in figures.FIGURES.items():
        figure = make()
        html = figures.render(figure)
        assert "\n\n" not in html, name                      # one Markdown block
        tree = lxml.html.fromstring(html)
        cells = [" ".join(c.text_content().split()) for c in tree.xpath("//tbody//th | //tbody//td")]
        for row in figure.rows:
            for value in row:
                assert value in cells, (name, value)
        assert figure.title and len(figure.description) > 40, name
        urls = re.findall(r"""(?:href|src|xlink:href)=["']([^"']+)""", html)
        assert not urls, f"{name} links out: {urls}"
        assert "var(--md-primary-fg-color" in html, f"{name} does not use the site's colours"


def test_effect_sizes_are_the_banks_numbers() -> None:
    """Spot check against the evidence bank (2.2, 1.2, 5.1): Li et al.'s g values and intervals."""
    rows = {r[0]: r for r in figures.effect_sizes().rows}
    assert rows["Chatbots: depression"][1:4] == ("0.64", "g", "0.17 to 1.12")
    assert rows["Chatbots: overall well-being"][3] == "-0.13 to 0.78"
    assert rows["Positive regard and outcome"][1] == "0.28"
    assert rows["Brief psychoeducation"][3] == "0.01 to 0.40"


@pytest.mark.subprocess
def test_built_figures_are_named_described_and_tabled(course_site) -> None:  # noqa: F811
    for name, stem in PAGES.items():
        tree = lxml.html.parse(str(course_site.site / "course" / stem / "index.html"))
        (figure,) = tree.xpath(f'//figure[@id="ffg-fig-{name}"]')
        (svg,) = figure.xpath(".//*[local-name()='svg']")
        assert svg.get("role") == "img"
        for ref in svg.get("aria-labelledby").split():
            assert figure.xpath(f'.//*[@id="{ref}"]'), (name, ref)
        assert figure.xpath(".//figcaption") and figure.xpath(".//details//table//th[@scope='col']"), name
        assert figure.xpath(".//details//*[@role='region'][@tabindex='0']"), f"{name}: table region not focusable"


@pytest.mark.subprocess
def test_unknown_figure_is_an_error() -> None:
    with pytest.raises(KeyError):
        figures.FIGURES["no-such-figure"]


def _serious_in(web, axe_source: str, selector: str) -> list[str]:
    """Serious or critical axe-core violations inside `selector` (every match)."""
    web.page.add_script_tag(content=axe_source)
    result = web.page.evaluate(
        "(s) => axe.run(s, {resultTypes: ['violations']})",
        selector)
    return [f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figure_pages_pass_axe_and_stay_local(browser, tmp_path_factory, scheme: str) -> None:
    from test_site_browser import AXE, Watched  # the suite's own page watcher
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (make browser)")
    site = shared_site(tmp_path_factory)
    context = browser.new_context(color_scheme=scheme, viewport={"width": 360, "height": 800})
    web = Watched(context.new_page(), site.url)
    problems = {}
    for stem in [*PAGES.values(), "08-practice-kit"]:
        web.go(f"course/{stem}/")
        has_figure = web.page.locator("figure.ffg-figure").count() > 0
        if has_figure:
            web.page.locator("figure.ffg-figure summary").first.click()   # open the data table too
        found = _serious_in(web, AXE.read_text(encoding="utf-8"),
                            "figure.ffg-figure" if has_figure else "article")
        if found:
            problems[stem] = found
        if has_figure:
            box = web.page.locator("figure.ffg-figure svg").first.bounding_box()
            assert box and box["width"] <= 360, (stem, box)
    context.close()
    assert not problems, problems
    assert not web.errors, web.errors
    assert all(url.startswith(site.url) or url.startswith("data:") for url in web.requests), \
        [u for u in web.requests if not u.startswith(site.url)]
