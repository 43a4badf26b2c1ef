"""`companion feed-tags`: XML in the podcast namespace, and every URL it names is in the built site."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from companion import cli
from published import CHAPTERED_GUID, SITE_URL, Published, published  # noqa: F401

pytestmark = pytest.mark.model
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
MIME = {"vtt": "text/vtt", "srt": "application/x-subrip", "json": "application/json",
        "html": "text/html"}


def tags_of(root: Path, capsys, monkeypatch) -> str:
    monkeypatch.chdir(root)
    assert cli.main(["feed-tags"]) == 0
    return capsys.readouterr().out


def parse(tags: str) -> ET.Element:
    return ET.fromstring(f'<rss xmlns:podcast="{PODCAST_NS}"><channel><item>{tags}</item>'
                         "</channel></rss>")


def site_file(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    return site / url[len(SITE_URL):]


def test_tags_parse_and_name_every_format(published: Published, capsys, monkeypatch) -> None:
    tags = tags_of(published.root, capsys, monkeypatch)
    document = parse(tags)
    transcripts = document.findall(f".//{{{PODCAST_NS}}}transcript")
    assert len(transcripts) == 3 * len(MIME)                  # three transcribed episodes
    for tag in transcripts:
        extension = tag.get("url").rsplit(".", 1)[1]
        assert tag.get("type") == MIME[extension]
        assert tag.get("rel") == ("captions" if extension == "vtt" else None)
    chapters = document.findall(f".//{{{PODCAST_NS}}}chapters")
    assert [c.get("type") for c in chapters] == ["application/json+chapters"]
    assert f"guid: {CHAPTERED_GUID}" in tags.split(chapters[0].get("url"))[0].rsplit("<!--", 1)[1]
    assert tags.count("<!--") == 3 and "gone" not in tags     # failed episodes have no tags


def test_every_url_is_in_the_built_site(published: Published, capsys, monkeypatch) -> None:
    document = parse(tags_of(published.root, capsys, monkeypatch))
    urls = [t.get("url") for t in document.iter() if t.get("url")]
    missing = [u for u in urls if not site_file(published.site, u).is_file()]
    assert not missing


def test_served_files_match_the_episode_data(published: Published) -> None:
    for folder in published.root.glob("episodes/*/"):
        if (folder / "chapters.json").is_file():
            served = published.site / "episodes" / folder.name / "chapters.json"
            assert served.read_bytes() == (folder / "chapters.json").read_bytes()


def test_an_empty_site_url_is_a_clear_error(project, capsys) -> None:
    assert cli.main(["feed-tags"]) == 2
    assert "site_url" in capsys.readouterr().err
