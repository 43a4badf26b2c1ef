"""Feed parsing on real feeds from many hosts, parser test suites, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.feed import FeedError, parse_duration, parse_feed
from companion.sanitise import clean_show_notes, plain_text

FEEDS = Path(__file__).parent / "data" / "feeds"
REAL_WORLD = sorted((FEEDS / "real-world").glob("*.xml"))
PODCASTPARSER_CASES = sorted(p.stem for p in (FEEDS / "podcastparser").glob("*.rss"))


@pytest.mark.parametrize("path", REAL_WORLD, ids=lambda p: p.stem)
def test_real_world_feeds_yield_their_items(path: Path) -> None:
    raw = path.read_bytes()
    items_in_file = raw.count(b"<item>") + raw.count(b"<item ")
    if items_in_file == 0:          # a truncated feed: nothing to read, and it says so
        parsed = parse_feed(raw, "https://host.example/feed")
        assert parsed.items == [] and parsed.warnings
        return
    parsed = parse_feed(raw, "https://host.example/feed")
    assert len(parsed.items) >= items_in_file - 1   # duplicate guids are folded
    for item in parsed.items:
        assert item["guid"] and item["title"]
        if item["enclosure"]:
            assert item["enclosure"]["url"].startswith(("http://", "https://"))
        assert "<script" not in item["show_notes_html"].lower()


@pytest.mark.parametrize("case", PODCASTPARSER_CASES)
def test_agrees_with_podcastparser_expectations(case: str) -> None:
    raw = (FEEDS / "podcastparser" / f"{case}.rss").read_bytes()
    expected = json.loads((FEEDS / "podcastparser" / f"{case}.json").read_text())
    try:
        parsed = parse_feed(raw, "http://example.com/feed.rss")
    except FeedError:
        assert not expected.get("episodes")
        return
    with_audio = [e for e in expected.get("episodes", [])
                  if any(x["url"].split("?")[0].endswith((".mp3", ".ogg", ".opus", ".m4a"))
                         or x["mime_type"].startswith("audio/") for x in e["enclosures"])]
    ours = [i for i in parsed.items if i["enclosure"]]
    assert len(ours) == len(with_audio)
    by_title = {i["title"]: i for i in parsed.items}
    for episode in expected.get("episodes", []):
        item = by_title.get(episode["title"]) or by_title.get("Untitled episode")
        assert item is not None
        if episode.get("total_time"):
            assert item["duration"] == episode["total_time"]
        if episode.get("transcript_url"):
            assert episode["transcript_url"] in [t["url"] for t in item["publisher_transcripts"]]


@pytest.mark.parametrize("text,seconds", [
    ("3723", 3723), ("62:03", 3723), ("1:02:03", 3723), ("01:02:03.5", 3723.5), ("90.5", 90.5),
    ("00:20:00", 1200), ("", None), ("abc", None), ("1:2:3:4", None), ("-5", None),
])
def test_itunes_duration_in_all_its_forms(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


def test_podcasting20_example_keeps_every_transcript_and_chapters() -> None:
    parsed = parse_feed((FEEDS / "podcast-namespace" / "example.xml").read_bytes(),
                        "https://example.com/feed.xml")
    first = parsed.items[0]
    types = sorted(t["type"] for t in first["publisher_transcripts"])
    assert len(types) >= 2                    # feedparser alone keeps only the last one
    assert first["chapters_url"].endswith(".json")
    assert first["episode"] is not None


def test_hostile_text_is_made_harmless() -> None:
    raw = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
    <item><title>&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }} {% raw %} ../../etc/passwd \xf0\x9f\x98\x80</title>
      <guid>a</guid>
      <description>&lt;p onclick="x()"&gt;Hi &lt;a href="javascript:alert(1)"&gt;link&lt;/a&gt;
        &lt;a href="https://ok.example/"&gt;ok&lt;/a&gt;&lt;script&gt;bad()&lt;/script&gt;
        &lt;ul&gt;&lt;li&gt;&lt;em&gt;kept&lt;/em&gt;&lt;/li&gt;&lt;/ul&gt;&lt;/p&gt;</description>
      <enclosure url="file:///etc/passwd" type="audio/mpeg"/>
    </item>
    <item><title>no guid</title><enclosure url="/audio/a.mp3" type="audio/mpeg"/></item>
    <item><title>dup</title><guid>a</guid></item>
    </channel></rss>"""
    parsed = parse_feed(raw, "http://127.0.0.1:9/feed.xml")
    first, second = parsed.items
    assert "<script" not in first["title"] and "alert(1)" not in first["title"]
    assert "{{ 7*7 }}" in first["title"]      # kept as text: the site escapes, never evaluates
    assert first["enclosure"] is None         # file:// is never fetched
    notes = first["show_notes_html"]
    assert "onclick" not in notes and "javascript:" not in notes and "bad()" not in notes
    assert 'href="https://ok.example/"' in notes and "<em>kept</em>" in notes and "<li>" in notes
    assert second["guid"] == "http://127.0.0.1:9/audio/a.mp3"   # no guid: the enclosure URL
    assert any("duplicate guid" in w for w in parsed.warnings)


def test_partly_malformed_feed_yields_items_and_a_warning() -> None:
    raw = (FEEDS / "real-world" / "partytime--sentimental-garbage.xml").read_bytes()
    parsed = parse_feed(raw, "https://example.com/feed")
    assert len(parsed.items) > 100
    assert parsed.warnings and "malformed" in parsed.warnings[0]


def test_not_a_feed_is_a_feed_level_error() -> None:
    with pytest.raises(FeedError):
        parse_feed(b"<html><body>Not found</body></html>", "https://example.com/feed")
    with pytest.raises(FeedError):
        parse_feed((FEEDS / "podcast-namespace" / "podcast-example.xml").read_bytes())


def test_plain_text_and_sanitiser() -> None:
    assert plain_text("<b>Bold</b> &amp; <script>x()</script>done") == "Bold & done"
    assert plain_text("<ul><li>Reader: a volunteer</li><li>Source: LibriVox</li></ul>") == \
        "Reader: a volunteer Source: LibriVox"
    assert clean_show_notes('<img src=x onerror=alert(1)><p>ok</p>') == "<p>ok</p>"
