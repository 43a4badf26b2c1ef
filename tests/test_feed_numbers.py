"""Durations, episode and season numbers as feeds write them (itunes:duration, itunes:episode,
itunes:season, podcast:episode with its display text, podcast:season), and how the site shows and
finds an episode by number. Pure functions over feed files: fast tier."""

from __future__ import annotations

import io
from pathlib import Path

import podcastparser
import pytest

from companion.catalogue import Catalogue
from companion.course import citemeta
from companion.episode import Episode
from companion.pipeline import store
from companion.pipeline.feed import parse_feed
from companion.pipeline.feed_numbers import episode_number, number_key, parse_duration, season_number
from companion.site.episode_html import episode_meta_html

FEEDS = Path(__file__).parent / "data" / "feeds"


@pytest.mark.parametrize("text,seconds", [
    ("3723", 3723), ("3723.4", 3723.4), (" 62:03 ", 3723), ("1:02:03", 3723), ("1:02:03.5", 3723.5),
    ("01:02:03,500", 3723.5), ("00:50:95", 3095),          # a field over 59 adds up, as peers read it
    ("1h 2m", 3720), ("1h2m3s", 3723), ("62 min", 3720), ("45 mins", 2700),
    ("1 hour 2 minutes 3 seconds", 3723), ("PT1H2M3S", 3723), ("pt62m", 3720), ("P1DT2H", 93600),
])
def test_a_duration_in_any_form_feeds_ship_is_read(text: str, seconds: float) -> None:
    reading = parse_duration(text)
    assert reading.value == seconds and reading.note is None


@pytest.mark.parametrize("text", ["abc", "1:2:3:4", "-5", "nan", "inf", "1e999", "52428800", "P1Y",
                                  "P1M", "PT", "h", "about an hour", "1:02:xx"])
def test_an_unreadable_duration_is_left_empty_and_says_so(text: str) -> None:
    reading = parse_duration(text)
    assert reading.value is None and text in reading.note


@pytest.mark.parametrize("text,number", [
    ("12", 12), ("12.0", 12), (" 12 ", 12), ("012", 12), ("Episode 12", 12), ("Ep. 12", 12),
    ("E12", 12), ("#12", 12), ("No. 12", 12), ("0", 0), ("12.5", 12.5), ("12.50", 12.5),
])
def test_an_episode_number_in_any_form_feeds_ship_is_read(text: str, number: float) -> None:
    reading = episode_number(text)
    assert reading.value == number and type(reading.value) is type(number)


@pytest.mark.parametrize("text", ["12a", "XII", "-3", "99999999999999999999", "1e3", "1,000", "12,5",
                                  "twelve", "12-13"])
def test_an_episode_number_that_is_not_sure_is_left_empty_never_guessed(text: str) -> None:
    reading = episode_number(text)
    assert reading.value is None and text in reading.note


def test_a_season_is_a_whole_number() -> None:
    assert season_number("Season 2").value == 2 and season_number("2.0").value == 2
    assert season_number("2.5").value is None and "2.5" in season_number("2.5").note
    assert season_number("").note is None


def test_a_feed_with_every_form_reads_each_item_and_warns_on_the_unreadable() -> None:
    parsed = parse_feed((FEEDS / "numbers-as-written.xml").read_bytes(), "https://example.com/feed.xml")
    got = {i["title"]: (i["episode"], i["season"], i["duration"]) for i in parsed.items}
    assert got["Decimal zero"] == (12, 2, 3720) and got["Padded"] == (13, None, 3720)
    assert got["Labelled"] == (14, 2, 3723.5) and got["Hash"] == (15, None, 3723.5)
    assert got["Letter after"] == (None, None, 3723.4)       # 12a is not 12
    assert got["Roman"] == (None, None, 3723)
    assert got["Negative"] == got["Huge"] == (None, None, None)
    half = next(i for i in parsed.items if i["title"] == "Half")
    # podcast:episode before itunes:episode (which can only say 12); podcast:season likewise
    assert (half["episode"], half["episode_display"], half["season"]) == (12.5, "Q&A special", 3)
    assert got["Podcast only"] == (16, None, None)
    warned = "\n".join(w for w in parsed.warnings if "no pubDate" not in w)   # undated items
    for written in ("12a", "XII", "-3", "'-5'", "52428800", "99999999999999999999", "about an hour", "2.5"):
        assert written in warned
    assert "'Decimal zero'" not in warned and "'Labelled'" not in warned
    # Half's itunes:episode 12 and itunes:season 1 lose to podcast:*: no warning for them
    assert [w for w in parsed.warnings if w.startswith("'Half'") and "no pubDate" not in w] == [
        "'Half': the duration 'PT' is not one this reader can be sure of; left empty"]


def test_durations_agree_with_gpodders_podcastparser_on_real_feeds() -> None:
    compared = 0
    for path in sorted((FEEDS / "real-world").glob("*.xml")):
        raw = path.read_bytes()
        try:
            episodes = podcastparser.parse("https://example.com/feed.xml", io.BytesIO(raw))["episodes"]
        except podcastparser.FeedParseError:     # the broken ones: podcastparser is strict XML
            continue
        ours = {i["guid"]: i for i in parse_feed(raw, "https://example.com/feed.xml").items}
        for theirs in episodes:
            item = ours.get(theirs.get("guid"))
            if item and theirs["total_time"]:         # podcastparser drops fractions of a second
                assert int(item["duration"]) == theirs["total_time"], (path.name, item["guid"])
                compared += 1
    assert compared > 100


def test_episode_12_5_is_shown_cited_and_found_apart_from_12() -> None:
    twelve = Episode.from_json(store.new_episode("g12", "twelve") | {"episode": 12})
    half = Episode.from_json(store.new_episode("g125", "half") | {"episode": 12.5, "episode_display": "Q&A special",
                                                                  "season": 3})

    def find_episode(episodes: list[Episode], key: object) -> Episode | None:
        return Catalogue.of(Path("episodes"), episodes).find(key)

    assert "Season 3, episode 12.5 (Q&amp;A special)" in episode_meta_html(half)
    assert "Episode 12<" not in episode_meta_html(half) and "12.5" not in episode_meta_html(twelve)
    for key, wanted in (("12.5", half), (12.5, half), ("12.50", half), ("12", twelve), (12, twelve),
                        ("twelve", twelve)):
        assert find_episode([twelve, half], key) is wanted
        assert find_episode([twelve, half], str(key)) is wanted
    assert find_episode([twelve], "12.5") is None and find_episode([half], "12") is None
    assert number_key(12.0) == "12" and number_key("e12") is None and number_key(True) is None
    for episode, number, schema_number in ((half, "12.5", '"12.5"'), (twelve, "12", "12")):
        entry = citemeta.episode_entry(episode, "https://example.org/e/", "Fall From Grace", "Host")
        assert entry["number"] == number
        # schema.org episodeNumber: Integer or Text, never a JSON float
        assert f'"episodeNumber": {schema_number}' in citemeta.episode_json_ld(entry, episode)


_HALF = ('<item><title>Half</title><guid isPermaLink="false">half-1</guid>'
         '<podcast:episode display="Ep 12.5: Special">12.5</podcast:episode>'
         '<podcast:season name="Two">2</podcast:season><itunes:episode>12</itunes:episode>'
         '<podcast:transcript url="https://h/half.vtt" type="text/vtt"/>'
         '<podcast:transcript url="https://h/half.json" type="application/json"/>'
         '<enclosure url="https://h/half.mp3" type="audio/mpeg" length="1"/></item>')
_NEXT = ('<item><title>Next{broken}</title><guid>next-2</guid>'
         '<podcast:episode display="Finale">13</podcast:episode>'
         '<enclosure url="https://h/next.mp3" type="audio/mpeg" length="1"/></item>')


@pytest.mark.parametrize("broken, tail", [
    (" &nbsp; an HTML entity XML does not know", "</channel></rss>"),
    (" Tom & Jerry", "</channel></rss>"),                      # a bare ampersand
    (" CTRL a control character", "</channel></rss>"),
    (" CafLATIN1 in ISO-8859-1, declared UTF-8", "</channel></rss>"),
    ("", '<item><title>Cut off'),                             # the download ended mid-item
])
def test_a_feed_broken_partway_keeps_every_items_podcasting_tags(broken: str, tail: str) -> None:
    """feedparser keeps only the attributes of `<podcast:episode display=..>` and the last
    `<podcast:transcript>`: on a feed that is not well-formed, the recovering parse still gives
    12.5 with its display text, the season and both transcripts, for every item."""
    text = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
            'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>T</title>'
            + _HALF + _NEXT.format(broken=broken) + tail)
    raw = text.encode("utf-8").replace(b"LATIN1", "é".encode("latin-1")).replace(b"CTRL", b"\x01")
    parsed = parse_feed(raw, "https://example.com/feed.xml")
    assert any("malformed" in w or "encoding it declares" in w for w in parsed.warnings)
    half, after = parsed.items[0], parsed.items[1]
    assert (half["guid"], half["episode"], half["episode_display"], half["season"]) == (
        "half-1", 12.5, "Ep 12.5: Special", 2)
    assert [t["url"] for t in half["publisher_transcripts"]] == ["https://h/half.vtt", "https://h/half.json"]
    assert (after["guid"], after["episode"], after["episode_display"]) == ("next-2", 13, "Finale")
    assert after["title"].isprintable()           # a control character is no part of a title
    assert not [w for w in parsed.warnings if "number" in w]
