"""The build in three steps (generate, render, index) under each engine: MkDocs, ProperDocs, Zensical.

One fixture project (the sonnet episodes, a hostile one, one without transcript, the Podcasting 2.0
example) is built with `mkdocs build` through the plugins and with `companion.site.build.build_site` under
every engine installed from the test extras; the sets of pages and downloads must match, every page
must carry the crisis lines, and each engine's output must carry a Pagefind index of every page.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
from pathlib import Path

import pytest

from companion.site import generate
from companion.project import open_project
from companion.site.render import ENGINES, engine_gaps
from companion.site.build import build_site
from companion.episode import TRANSCRIPT_FORMATS
from companion.pipeline import store
from site_support import HOSTILE_TITLE, build, copy_project, make_fixture_episodes, sonnet_lines

INSTALLED = [e for e in ENGINES if importlib.util.find_spec(e) is not None]
ENGINE_OWN = ("assets/", "pagefind/", "search/", "search.json", "sitemap.xml", "sitemap.xml.gz")
DOWNLOAD_SUFFIXES = (".vtt", ".srt", ".json", ".txt", ".ris", ".bib", ".imscc", "/transcript.html")


def site_files(site: Path) -> set[str]:
    """Pages and downloads of a built site, without each engine's own theme assets and indexes."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*")
            if p.is_file() and not p.relative_to(site).as_posix().startswith(ENGINE_OWN)}


def pages(files: set[str]) -> set[str]:
    return {f for f in files if f.endswith(".html") and not f.endswith(DOWNLOAD_SUFFIXES)}


def downloads(files: set[str]) -> set[str]:
    return {f for f in files if f.endswith(DOWNLOAD_SUFFIXES)}


HAND_EDITED = "003-sonnet-3"
HAND_EDIT = "Thou art thy mother's glass, edited by hand"


def hand_edit(folder: Path) -> None:
    """What sync leaves (each transcript file's digest in `transcripts_sha256`), then a
    maintainer's edit of one line of `transcript.vtt` in place."""
    record = json.loads((folder / "episode.json").read_text())
    record["transcripts_sha256"] = {kind.name: store.digest(folder / kind.name) for kind in TRANSCRIPT_FORMATS}
    (folder / "episode.json").write_text(json.dumps(record))
    vtt = folder / "transcript.vtt"
    line = next(l for l in sonnet_lines("sonnet003") if l in vtt.read_text())
    vtt.write_text(vtt.read_text().replace(line, HAND_EDIT, 1))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """engine -> built site, plus "plugins" -> `mkdocs build` on the project through the plugins."""
    root = tmp_path_factory.mktemp("engines")
    project = copy_project(root / "project")
    make_fixture_episodes(project / "episodes", "http://127.0.0.1:9/media/")
    hand_edit(project / "episodes" / HAND_EDITED)
    sites = {"plugins": root / "site-plugins"}
    build(project, sites["plugins"])
    warnings: list[str] = []
    for name in INSTALLED:
        sites[name] = build_site(open_project(project), site_dir=root / f"site-{name}",
                                 engine=name, warn=warnings.append)
    sites["warnings"] = warnings            # type: ignore[assignment]
    return sites


def test_mkdocs_and_properdocs_are_installed() -> None:
    assert {"mkdocs", "properdocs"} <= set(INSTALLED)


@pytest.mark.subprocess
def test_same_pages_and_downloads_under_every_engine(built: dict[str, Path]) -> None:
    reference = site_files(built["plugins"])
    assert "episodes/004-hostile/index.html" in reference and "cite/catalogue.json" in reference
    for name in INSTALLED:
        files = site_files(built[name])
        assert pages(files) == pages(reference), (name, pages(files) ^ pages(reference))
        assert downloads(files) == downloads(reference), (name, downloads(files) ^ downloads(reference))


@pytest.mark.subprocess
def test_downloads_have_the_same_bytes(built: dict[str, Path]) -> None:
    reference = built["plugins"]
    for name in INSTALLED:
        for rel in sorted(downloads(site_files(reference))):
            assert (built[name] / rel).read_bytes() == (reference / rel).read_bytes(), (name, rel)


@pytest.mark.subprocess
def test_crisis_lines_on_every_page(built: dict[str, Path]) -> None:
    for name in INSTALLED:
        for rel in sorted(pages(site_files(built[name]))):
            page = (built[name] / rel).read_text(encoding="utf-8")
            assert "data-ffg-help" in page and "tel:" in page, (name, rel)
            assert "data-ffg-disclaimer" in page, (name, rel)


@pytest.mark.subprocess
def test_pagefind_index_per_engine(built: dict[str, Path]) -> None:
    for name in INSTALLED:
        entry = json.loads((built[name] / "pagefind" / "pagefind-entry.json").read_text())
        indexed = sum(lang["page_count"] for lang in entry["languages"].values())
        # 404 carries no body marker; the print page is kept out (`search: exclude`: it repeats every module)
        expected = len([p for p in pages(site_files(built[name])) if p not in ("404.html", "course/print/index.html")])
        assert indexed >= expected - 1, (name, indexed, expected)
        assert (built[name] / "pagefind" / "pagefind.js").is_file(), name


@pytest.mark.subprocess
def test_generated_content_is_the_same_under_every_engine(built: dict[str, Path]) -> None:
    for name in INSTALLED:
        site = built[name]
        episode = (site / "episodes/004-hostile/index.html").read_text(encoding="utf-8")
        body = episode[episode.index("data-pagefind-body"):]
        assert html.escape(HOSTILE_TITLE).replace("{", "&#123;").replace("}", "&#125;") in body, name
        assert ">42<" not in body and "<strong>bold</strong>" not in body, name
        assert 'class="ffg-cite"' in episode, name
        module = (site / "course/01-what-therapy-does/index.html").read_text(encoding="utf-8")
        assert "ffg-module-header" in module and 'id="references"' in module, name
        assert module.count('class="ffg-reference"') >= 5 and 'class="ffg-cite"' in module, name
        assert "{{" not in module and "ffg-listen" in module, name           # macros expanded
        print_page = (site / "course/print/index.html").read_text(encoding="utf-8")
        modules = len(list((Path(__file__).parent.parent / "docs" / "course").glob("[0-9][0-9]-*.md")))
        assert print_page.count('class="ffg-print-module"') == modules, name
        assert ".md#" not in print_page and '.md"' not in print_page, name   # links became URLs
        help_page = (site / "get-help/index.html").read_text(encoding="utf-8")
        assert "ffg-help-directory" in help_page, name
        assert "ffg-search-open" in episode, name                            # the Pagefind button


def toc_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    nav = text[text.index('data-md-component="toc"'):]
    return re.findall(r'<a href="(#[^"]+)" class="md-nav__link"', nav[:nav.index("</nav>")])


@pytest.mark.subprocess
def test_table_of_contents_of_an_episode(built: dict[str, Path]) -> None:
    reference = toc_links(built["plugins"] / "episodes/001-sonnet-1/index.html")
    assert reference == ["#show-notes", "#transcript", "#chapter-1", "#chapter-2"], reference
    for name in INSTALLED:
        found = toc_links(built[name] / "episodes/001-sonnet-1/index.html")
        # Zensical runs no MkDocs plugin: its list stops at the ## headings (a gap it prints).
        assert found == (reference[:2] if name == "zensical" else reference), (name, found)


@pytest.mark.subprocess
def test_gaps_are_said_not_dropped(built: dict[str, Path]) -> None:
    said = built["warnings"]
    for name in INSTALLED:
        for gap in engine_gaps(name):
            assert f"{name}: {gap}" in said


@pytest.mark.subprocess
def test_a_hand_edited_transcript_file_is_named_with_the_way_to_keep_the_fix(built: dict[str, Path]) -> None:
    """A transcript file edited by hand since sync wrote it: the build says, once per build,
    naming the file, that the page does not use the edit and to put the fix in corrections.yml
    (sync's own rule: it keeps the file and never rewrites it); the build does not fail."""
    said = [w for w in built["warnings"] if "edited by hand" in w]
    assert len(said) == len(INSTALLED), said                       # this file only, every build
    message = said[0]
    assert f"episodes/{HAND_EDITED}/transcript.vtt was edited by hand" in message, message
    assert f"episodes/{HAND_EDITED}/corrections.yml" in message and "companion sync" in message
    assert "episode page" in message and "not used" in message
    for name in ["plugins", *INSTALLED]:                           # what the message says is so
        site = built[name] / "episodes" / HAND_EDITED
        assert HAND_EDIT in (site / "transcript.vtt").read_text()
        assert "edited by hand" not in (site / "index.html").read_text()
        assert "edited by hand" not in (site / "transcript.srt").read_text()


@pytest.mark.subprocess
def test_generate_rewrites_only_what_changed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    make_fixture_episodes(project / "episodes", "http://127.0.0.1:9/media/")
    # The course names no episode until the podcast's own are published, so give Module 1 a
    # Listen box for fixture episode 2 (inside its duration).
    module = project / "docs" / "course" / "01-what-therapy-does.md"
    module.write_text(module.read_text() + '\n{{ listen(2, "0:01", "0:10", "A stretch") }}\n')
    first = generate.generate(project)
    assert "docs/episodes/001-sonnet-1/index.md" in first.written
    assert not list((project / "docs").rglob("episodes/*/index.md")), "nothing generated in docs/"
    assert generate.generate(project).written == []
    record = project / "episodes" / "002-sonnet-2" / "episode.json"
    data = json.loads(record.read_text())
    data["title"] = "Sonnet 2, retitled"
    record.write_text(json.dumps(data))
    changed = generate.generate(project).written
    assert "docs/episodes/002-sonnet-2/index.md" in changed
    assert "docs/episodes/001-sonnet-1/index.md" not in changed
    assert "docs/course/01-what-therapy-does.md" in changed            # its listen(2, ...) box names it
    assert "docs/course/07-for-clinicians-and-students.md" not in changed, changed
    (project / "episodes" / "002-sonnet-2" / "transcript.srt").unlink()
    assert "docs/episodes/002-sonnet-2/transcript.srt" in generate.generate(project).removed


@pytest.mark.browser
def test_episodes_tab_and_search_work_under_every_engine(built: dict[str, Path], browser) -> None:
    """In Chromium: the Episodes tab is marked on an episode page, and Pagefind finds a spoken line."""
    from companion.site.static_server import StaticServer

    for name in INSTALLED:
        server = StaticServer(built[name]).start()
        page = browser.new_page()
        try:
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{server.url}/episodes/001-sonnet-1/")
            active = page.locator(".md-tabs__item--active .md-tabs__link")
            assert active.count() == 1, name
            assert active.get_attribute("href").rstrip("/").endswith("episodes"), name
            page.locator(".ffg-search-open").click()
            page.locator("#ffg-search-input").fill("fairest creatures")
            page.locator(".ffg-search__results a").first.wait_for(timeout=15000)
            assert "sonnet" in page.locator(".ffg-search__results").inner_text().lower(), name
            assert all(u.startswith(server.url) for u in requests if u.startswith("http")), name
            assert not [u for u in requests if u.endswith("search.json")], name   # Pagefind only
        finally:
            page.close()
            server.close()
