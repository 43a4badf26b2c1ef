"""A renamed episode folder keeps its old address (companion.site.moved): the maintainer renames
`episodes/<slug>/` (a typo in the title's words), sync keeps the old name in episode.json, and the
site, deployed under a sub-path, leads every link made before the rename to the episode: the
page (with its moment, `#t=`), its downloads, and a bundle naming it by its old citation id."""

from __future__ import annotations

import json
import urllib.request

import pytest

from companion import cli
from companion.catalogue import Catalogue
from companion.site.static_server import StaticServer
from site_support import DEPLOY_PATH, build, copy_project, set_site_url

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]
OLD, NEW = "2025-12-01-frist-one", "2025-12-01-first-one"


def _item(host, title: str, guid: str, day: int) -> str:
    vtt = host.add(f"{guid}.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello Torrens.\n")
    return (f'<item><title>{title}</title><guid>{guid}</guid><pubDate>Mon, {day:02d} Dec 2025 '
            f'10:00:00 GMT</pubDate><podcast:transcript url="{vtt}" type="text/vtt"/></item>')


def _feed(*items: str) -> bytes:
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:podcast="https://podcastindex.org/'
            'namespace/1.0"><channel><title>T</title>' + "".join(items) + "</channel></rss>").encode()


@pytest.fixture
def renamed(tmp_path, host, monkeypatch):
    """The project synced with one episode, its folder renamed from OLD to NEW and synced again;
    built under /repo/ and served. Yields (server, project)."""
    project = copy_project(tmp_path / "site-project")
    monkeypatch.chdir(project)
    feed = host.add("feed.xml", _feed(_item(host, "Frist one", "g1", 1)))
    assert cli.main(["sync", "--feed", feed]) == 0
    episodes = project / "episodes"
    assert (episodes / OLD).is_dir()
    (episodes / OLD).rename(episodes / NEW)
    host.add("feed.xml", _feed(_item(host, "First one", "g1", 1), _item(host, "Frist one", "g2", 1)))
    assert cli.main(["sync", "--feed", feed]) == 0
    www = tmp_path / "served"
    server = StaticServer(www).start()
    set_site_url(project, f"{server.url}/{DEPLOY_PATH}")
    build(project, www / DEPLOY_PATH.strip("/"))
    yield server, project
    server.close()


def test_the_old_address_of_a_renamed_folder_leads_to_the_episode(browser, renamed) -> None:
    """Before: the old address was a 404 after the rename (its page, its transcript files)."""
    server, project = renamed
    record = json.loads((project / "episodes" / NEW / "episode.json").read_text())
    assert record["slug"] == NEW and record["former_slugs"] == [OLD]
    # the feed's new episode with the old title is not given the old address
    slugs = {e.slug for e in Catalogue.load(project / "episodes")}
    assert OLD not in slugs and NEW in slugs and len(slugs) == 2
    base = f"{server.url}/{DEPLOY_PATH}"
    with urllib.request.urlopen(f"{base}episodes/{OLD}/") as response:
        left = response.read().decode()
    assert "tel:" in left and "data-ffg-help" in left and f'href="../{NEW}/"' in left
    page = browser.new_page()
    page.goto(f"{base}episodes/{OLD}/?from=syllabus#t=0:01")
    page.wait_for_url(f"{base}episodes/{NEW}/?from=syllabus#t=0:01")
    assert page.inner_text(".md-content h1").strip() == "First one"
    for name in ("transcript.vtt", "transcript.txt"):
        with urllib.request.urlopen(f"{base}episodes/{OLD}/{name}") as old, \
                urllib.request.urlopen(f"{base}episodes/{NEW}/{name}") as new:
            assert old.read() == new.read()
    page.goto(f"{base}course/bundle/?items=e{OLD}@0:00-0:02&title=Week%201")
    page.wait_for_selector("[data-bundle-items] li")
    text = page.inner_text(".md-content")
    assert "First one" in text and "not yet on this site" not in text
    page.close()


def test_an_old_address_taken_by_another_folder_is_said(renamed, host, capsys) -> None:
    """An old address the maintainer then gives to another episode's folder cannot lead to both:
    sync says so, and the old address shows the folder that holds it now."""
    _server, project = renamed
    episodes = project / "episodes"
    other = next(p.name for p in episodes.iterdir() if p.name not in (NEW,))
    (episodes / other).rename(episodes / OLD)
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert f"its old address episodes/{OLD}/ is now the folder of another episode" in said
    catalogue = Catalogue.load(episodes)
    assert catalogue.find(OLD).slug == OLD
    assert any(OLD in why and NEW in why for why in catalogue.moved()[1])
