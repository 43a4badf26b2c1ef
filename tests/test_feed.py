"""Feed parsing on real feeds from many hosts, parser test suites, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.pipeline.feed import FeedError, parse_duration, parse_feed
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
    assert parse_duration(text).value == seconds


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
    # the refused audio is named, not silently turned into a text-only episode
    assert any("file:///etc/passwd" in w and "text only" in w for w in parsed.warnings)


def test_partly_malformed_feed_yields_items_and_a_warning() -> None:
    # This real feed's one fault is a newline before its XML declaration: read as apps read it,
    # whole and without a warning. With bare `&`s in titles it is malformed: still read, said.
    raw = (FEEDS / "real-world" / "partytime--sentimental-garbage.xml").read_bytes()
    assert raw.startswith(b"\n<?xml")
    parsed = parse_feed(raw, "https://example.com/feed")
    assert len(parsed.items) > 100 and not parsed.warnings
    parsed = parse_feed(raw.replace(b"</title>", b" & more</title>", 3), "https://example.com/feed")
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


PERMALINK_GUIDS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Caf\xc3\xa9 talk</title>
<item><title>R\xc3\xa9sum\xc3\xa9</title><guid>
  abc-123  </guid><enclosure url="media/\xc3\xa9pisode 1.mp3" type="audio/mpeg"/></item>
<item><title>Two</title><guid isPermaLink="true">https://host.example/ep/2</guid>
<link>/page/2</link></item>
</channel></rss>"""


@pytest.mark.parametrize("address", ["https://old.example/rss", "http://new.example/a/b/feed"])
def test_guids_are_kept_as_written_wherever_the_feed_is_read_from(address: str) -> None:
    parsed = parse_feed(PERMALINK_GUIDS, address)
    assert [i["guid"] for i in parsed.items] == ["abc-123", "https://host.example/ep/2"]
    first, second = parsed.items
    assert first["link"] is None                     # a guid is not a page address
    assert first["enclosure"]["url"] == address.rsplit("/", 1)[0] + "/media/épisode 1.mp3"
    assert second["link"] == address.split("/", 3)[0] + "//" + address.split("/")[2] + "/page/2"


@pytest.mark.parametrize("content_type", ["text/xml", "application/xml", "text/xml; charset=utf-8",
                                          "application/rss+xml", None])
def test_text_xml_without_charset_is_not_called_malformed(content_type) -> None:
    # RFC 7303: the XML declaration decides, not an old US-ASCII default for text/xml.
    parsed = parse_feed(PERMALINK_GUIDS, "https://host.example/feed", content_type)
    malformed = [w for w in parsed.warnings if "no pubDate" not in w]    # its items are undated
    assert malformed == [] and parsed.title == "Café talk"
    assert parsed.items[0]["title"] == "Résumé"


def test_new_feed_url_is_read() -> None:
    raw = PERMALINK_GUIDS.replace(b"<channel>", b'<channel xmlns:itunes="http://www.itunes.com/'
                                  b'dtds/podcast-1.0.dtd"><itunes:new-feed-url> https://new.example/'
                                  b'feed </itunes:new-feed-url>')
    assert parse_feed(raw, "https://old.example/rss").new_feed_url == "https://new.example/feed"


def test_relative_links_in_show_notes_lead_to_the_publishers_site() -> None:
    raw = PERMALINK_GUIDS.replace(b"<title>Two</title>", b"<title>Two</title><description>"
                                  b"&lt;a href=\"/notes/2\"&gt;notes&lt;/a&gt;</description>")
    notes = parse_feed(raw, "https://host.example/rss/feed").items[1]["show_notes_html"]
    assert 'href="https://host.example/notes/2"' in notes


def test_xml_base_does_not_turn_a_guid_into_a_url() -> None:
    raw = PERMALINK_GUIDS.replace(b'<rss version="2.0">',
                                  b'<rss version="2.0" xml:base="https://base.example/x/">')
    assert [i["guid"] for i in parse_feed(raw, "https://h.example/rss").items] == [
        "abc-123", "https://host.example/ep/2"]


def test_an_empty_url_in_an_item_is_not_the_feeds_own_address() -> None:
    # urljoin(feed, "") is the feed: a blank enclosure would be "audio" at the (maybe tokenised)
    # feed URL, shared by every such item, and a blank link or href would publish that URL.
    raw = PERMALINK_GUIDS.replace(b'url="media/\xc3\xa9pisode 1.mp3"', b'url="  "').replace(
        b"<link>/page/2</link>", b"<link> </link><description>&lt;a href=\"\"&gt;x&lt;/a&gt; "
        b"&lt;a href=\"#top\"&gt;y&lt;/a&gt;</description><itunes:image href=\"\" "
        b"xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"/>")
    feed_url = "https://private.example/feed/3f9c0a1b2c3d4e5f6a7b8c9d0e1f2a3b.rss?auth=s3cr3t-t0ken"
    first, second = parse_feed(raw, feed_url).items
    assert first["enclosure"] is None
    assert second["link"] is None and second["image"] is None
    assert "private.example" not in second["show_notes_html"]
    assert 'href="#top"' in second["show_notes_html"]
