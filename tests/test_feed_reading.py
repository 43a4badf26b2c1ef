"""Feeds as podcast apps read them (issue 18): dates in every form feeds write, paged feeds,
several enclosures, chapters against the audio, addresses that are not feeds, items that leave
the feed. Feeds are served by a real HTTP server on 127.0.0.1; no model runs here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from companion import cli
from companion.catalogue import Catalogue, CatalogueError
from companion.episode import Episode
from companion.pipeline import chapters, pages, store, sync
from companion.pipeline.dates import parse_pubdate
from companion.pipeline.feed import FeedError, parse_feed
from companion.site.episode_html import episode_meta_html
from episode_records import episode_records
from podcast_server import rss

RSS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
            'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>')


def feed_of(*items: str, channel: str = "") -> bytes:
    return (RSS_HEAD + channel + "".join(items) + "</channel></rss>").encode()


def said(capsys) -> str:
    """What the run printed (warnings go to stderr), rich's line wrapping undone."""
    captured = capsys.readouterr()
    return " ".join((captured.out + captured.err).split())


def records(root: Path) -> dict[str, dict]:
    return {e["guid"]: e for e in episode_records(root / "episodes")}


def vtt_item(host, guid: str, title: str, day: int = 1) -> str:
    """An RSS item published on `day` December 2025 with a publisher's WebVTT transcript
    ("Hello Taurens."): an episode synced without the model."""
    vtt = host.add(f"{guid}.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello Taurens.\n")
    return (f'<item><title>{title}</title><guid>{guid}</guid><pubDate>Mon, {day:02d} Dec 2025 '
            f'10:00:00 GMT</pubDate><podcast:transcript url="{vtt}" type="text/vtt"/></item>')


# ---- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("written,day", [
    ("Mon, 2 Nov 2026 10:10 GMT", "2026-11-02"),                     # no seconds (AntennaPod#545)
    ("Mon, 09 Nov 2026 11:24:50", "2026-11-09"),                     # no zone (greg#87)
    ("Mon Nov 16 09:19:24 2026 GMT", "2026-11-16"),                  # asctime (code-maven#39)
    ("Mon Nov 23 2026 09:00:57 GMT+0000 (Coordinated Universal Time)", "2026-11-23"),  # JS
    ("Tue Dec 08 2026 23:30:00 GMT+0100 (Mitteleuropäische Normalzeit)", "2026-12-08"),
    ("Mon, 30 Nov 2026 22:30:00 PST", "2026-11-30"),                 # not 1 Dec (UTC)
    ("Mon, 30 Nov 2026 22:30:00 -0800", "2026-11-30"),
    ("Tue, 01 Dec 2026 08:00:00 AEDT", "2026-12-01"),                # not 30 Nov (UTC)
    ("Wed, 02 Dec 2026 08:00:00 CEST", "2026-12-02"),
    ("2026-12-03T10:00:00Z", "2026-12-03"),                          # RFC 3339 (Atom)
    ("2026-12-03T23:00:00-05:00", "2026-12-03"),
    ("Mo, 07 Dez 2026 10:00:00 +0100", "2026-12-07"),                # German
    ("Montag, 7. Dezember 2026 10:00", "2026-12-07"),
    ("lunes, 7 de diciembre de 2026 10:00:00 +0100", "2026-12-07"),  # Spanish
    ("mar., 08 déc. 2026 10:00:00 +0100", "2026-12-08"),             # French
    ("December 9, 2026", "2026-12-09"),
    ("Thu, 10 Dec 2026 10:00 AM EST", "2026-12-10"),
    ("Fri, 11 Dec 2026 23:30:00 America/Los_Angeles", "2026-12-11"),  # IANA zone, not 12 Dec
])
def test_every_date_form_feeds_write_keeps_the_publishers_day(written: str, day: str) -> None:
    parsed = parse_pubdate(written)
    assert parsed.iso and parsed.iso.startswith(day), parsed


@pytest.mark.parametrize("written,iso", [
    ("Mon, 30 Nov 2026 22:30:00 -08:00", "2026-11-30T22:30:00-08:00"),   # colon: not "no zone"
    ("Mon, 30 Nov 2026 10:00 +05:30", "2026-11-30T10:00:00+05:30"),
    ("Mon, 30 Nov 2026 10:00:00 +11", "2026-11-30T10:00:00+11:00"),       # hours, not minutes
    ("Mon, 30 Nov 2026 10:00:00 GMT+11", "2026-11-30T10:00:00+11:00"),    # not POSIX's -11
    ("Mon, 30 Nov 2026 10:00:00 UTC+1", "2026-11-30T10:00:00+01:00"),
])
def test_a_zone_offset_in_any_written_form_is_kept_exactly(written: str, iso: str) -> None:
    parsed = parse_pubdate(written)
    assert (parsed.iso, parsed.problem) == (iso, None)


@pytest.mark.parametrize("written,why", [
    ("Mon, 30 Nov 2026 34:50:00 -0400", "hour"),                     # AntennaPod#4219
    ("2026-02-30T10:00:00Z", "day"),
    ("Thu, 31 Dec 2026 23:59:59 +2500", "offset"),
    ("Nov 2026", "full date"),
    ("07/12/2026", "ambiguous"),
    ("soon", "format"),
])
def test_an_impossible_or_ambiguous_date_is_no_date_and_says_why(written: str, why: str) -> None:
    parsed = parse_pubdate(written)
    assert parsed.iso is None and why in parsed.problem and written in parsed.problem


def test_a_numeric_date_is_read_in_the_order_the_feed_itself_settles() -> None:
    raw = feed_of('<item><guid>a</guid><title>A</title><pubDate>25/12/2026</pubDate></item>',
                  '<item><guid>b</guid><title>B</title><pubDate>07/12/2026</pubDate></item>')
    dates = {i["guid"]: i["date"][:10] for i in parse_feed(raw).items}
    assert dates == {"a": "2026-12-25", "b": "2026-12-07"}


@pytest.mark.parametrize("written,why", [
    ("Mon, 16 Nov 2026 34:50:00 -0400", "hour must be in 0..23"),     # AntennaPod#4219
    (" ", "its pubDate is empty"),          # said nothing: no date, no warning (vod2pod-rss#224)
    (None, "it has no pubDate"),
])
def test_an_undated_item_keeps_its_place_its_slug_and_a_reason(project, host, capsys,
                                                               written: str | None, why: str) -> None:
    """An item whose pubDate cannot be read, is empty or is missing is no date, and the
    maintainer is told, naming the item; it keeps its place in the feed's order, between its
    neighbours, and its page shows no date."""
    items = [{"title": "Newest", "guid": "n3", "date": "Mon, 23 Nov 2026 06:00:00 +0000"},
             {"title": "Hour that does not exist", "guid": "n2", "date": written},
             {"title": "Oldest", "guid": "n1", "date": "Mon, 09 Nov 2026 06:00:00 +0000"}]
    feed = host.add("feed.xml", rss(items).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    out = said(capsys)
    assert "'Hour that does not exist': no date: " in out and why in out
    assert [e["guid"] for e in episode_records(project / "episodes")] == ["n3", "n2", "n1"]
    undated = records(project)["n2"]
    assert undated["date"] is None and why in undated["date_note"]
    assert "2026-11-09" < undated["order_date"][:10] <= "2026-11-23"
    assert "<time" not in episode_meta_html(Episode.from_json(undated))
    slug = undated["slug"]
    # The publisher fixes the date later: the episode keeps its folder (and its links).
    items[1]["date"] = "Mon, 16 Nov 2026 10:50:00 -0400"
    host.add("feed.xml", rss(items).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    fixed = records(project)["n2"]
    assert fixed["slug"] == slug and fixed["date"] == "2026-11-16T10:50:00-04:00"
    assert fixed["date_note"] is None


# ---- enclosures ---------------------------------------------------------------------------------

def test_audio_is_chosen_before_video_by_declared_type() -> None:
    raw = feed_of(
        '<item><guid>v</guid><title>V</title>'
        '<enclosure url="https://h/e.mp4" length="9000" type="video/mp4"/>'
        '<enclosure url="https://h/e.mp3" length="100" type="audio/mpeg"/></item>',
        '<item><guid>alt</guid><title>Alt</title>'
        '<enclosure url="https://h/v.mp4" length="9000" type="video/mp4"/>'
        '<podcast:alternateEnclosure type="video/mp4" default="true"><podcast:source uri="https://h/v.mp4"/>'
        '</podcast:alternateEnclosure>'
        '<podcast:alternateEnclosure type="audio/mpeg" length="100"><podcast:source uri="ipfs://x"/>'
        '<podcast:source uri="https://h/a.mp3"/></podcast:alternateEnclosure></item>',
        '<item><guid>only-video</guid><title>Only video</title>'
        '<enclosure url="https://h/only.mp4" type="video/mp4"/></item>',
        '<item><guid>untyped</guid><title>Untyped</title>'
        '<enclosure url="https://h/cover.jpg" type="image/jpeg"/>'
        '<enclosure url="https://h/show.m4a?x=1" type=""/></item>',
        '<item><guid>mp4-audio</guid><title>M4A as mp4</title>'
        '<enclosure url="https://h/ep.mp4" type="audio/mp4"/></item>',
        '<item><guid>media</guid><title>Media RSS only</title>'           # AntennaPod#2354 kin
        '<media:content url="https://h/m.jpg" medium="image"/>'
        '<media:content url="https://h/m.mp4" type="video/mp4" isDefault="true"/>'
        '<media:content url="https://h/m.mp3" type="audio/mpeg"/></item>',
        '<item><guid>picture</guid><title>Picture only</title>'
        '<enclosure url="https://h/cover.png"/></item>')
    items = {i["guid"]: i for i in parse_feed(raw).items}
    assert items["v"]["enclosure"]["url"] == "https://h/e.mp3"          # player: the audio too
    assert items["v"]["audio_source"]["url"] == "https://h/e.mp3"
    assert "passed over 1 video" in items["v"]["audio_source"]["why"]
    assert items["alt"]["enclosure"]["url"] == "https://h/v.mp4"        # the publisher's choice
    assert items["alt"]["audio_source"]["url"] == "https://h/a.mp3"     # the transcriber's
    assert items["alt"]["audio_source"]["origin"] == "alternateEnclosure"
    assert items["only-video"]["audio_source"]["url"] == "https://h/only.mp4"
    assert "audio track" in items["only-video"]["audio_source"]["why"]
    assert items["untyped"]["audio_source"]["url"] == "https://h/show.m4a?x=1"
    assert "file name" in items["untyped"]["audio_source"]["why"]
    assert items["mp4-audio"]["audio_source"]["url"] == "https://h/ep.mp4"
    assert items["media"]["enclosure"]["url"] == items["media"]["audio_source"]["url"] == "https://h/m.mp3"
    assert items["picture"]["enclosure"] is None and items["picture"]["audio_source"] is None


@pytest.mark.parametrize("declared", ["audio", "mp3", "text/plain", "application/mp3",
                                      "application/mpeg", "binary/octet-stream"])
def test_a_mistyped_enclosure_type_gives_way_to_a_media_file_name(declared: str) -> None:
    """Publishers write the type wrong (`audio`, `mp3`, `text/plain` for an MP3); AntennaPod and
    gPodder then go by the file's name. Before, such an episode had no audio at all."""
    raw = feed_of(f'<item><guid>a</guid><title>A</title><enclosure url="https://h/ep1.mp3?src=rss" '
                  f'length="1000" type="{declared}"/></item>',
                  '<item><guid>pic</guid><title>Pic</title>'                   # still not audio
                  '<enclosure url="https://h/cover.jpg" type="image/jpeg"/>'
                  '<enclosure url="https://h/notes.pdf" type="text/plain"/></item>',
                  f'<item><guid>bare</guid><title>Bare</title>'               # the host is asked
                  f'<enclosure url="https://h/play/42" type="{declared}"/></item>')
    items = {i["guid"]: i for i in parse_feed(raw).items}
    assert items["a"]["enclosure"]["url"] == items["a"]["audio_source"]["url"] == "https://h/ep1.mp3?src=rss"
    assert items["pic"]["enclosure"] is None and items["pic"]["audio_source"] is None
    bare = items["bare"]["audio_source"]
    if declared == "text/plain":
        assert bare is None                   # a real type that is not media, no media name
    else:
        assert bare["url"] == "https://h/play/42" and bare["candidates"]


def test_tags_after_a_tag_left_open_in_a_title_still_belong_to_their_item() -> None:
    """`<title>Part 1<br>Part 2</title>` is not XML; the recovering parse nests every later
    element of the item inside the `<br>`. Its podcast:episode (with display), season, both
    transcripts and its alternate enclosure were lost; the next item is untouched."""
    raw = feed_of(
        '<item><title>Relapse<br>and repair</title><guid>g1</guid>'
        '<podcast:season>2</podcast:season><podcast:episode display="Ep. 7 (rerun)">7</podcast:episode>'
        '<podcast:transcript url="https://h/1.vtt" type="text/vtt"/>'
        '<podcast:transcript url="https://h/1.json" type="application/json"/>'
        '<podcast:alternateEnclosure type="audio/mpeg"><podcast:source uri="https://h/1-hq.mp3"/>'
        '</podcast:alternateEnclosure>'
        '<enclosure url="https://h/1.mp4" type="video/mp4"/></item>',
        '<item><title>Next</title><guid>g2</guid><podcast:episode>8</podcast:episode>'
        '<enclosure url="https://h/2.mp3" type="audio/mpeg"/></item>')
    parsed = parse_feed(raw)
    first, second = parsed.items
    assert first["title"] == "Relapse and repair" and first["guid"] == "g1"
    assert (first["episode"], first["episode_display"], first["season"]) == (7, "Ep. 7 (rerun)", 2)
    assert [t["url"] for t in first["publisher_transcripts"]] == ["https://h/1.vtt", "https://h/1.json"]
    assert first["audio_source"]["url"] == "https://h/1-hq.mp3"
    assert (second["guid"], second["episode"], second["publisher_transcripts"]) == ("g2", 8, [])
    assert any("malformed" in w for w in parsed.warnings)


def test_an_empty_title_gives_way_to_itunes_title() -> None:
    raw = feed_of('<item><title></title><itunes:title>What therapy is</itunes:title><guid>a</guid></item>',
                  '<item><itunes:title>Only &amp;amp; itunes</itunes:title><guid>b</guid></item>',
                  '<item><title>Both</title><itunes:title>Not this</itunes:title><guid>c</guid></item>',
                  '<item><guid>d</guid><enclosure url="https://h/d.mp3" type="audio/mpeg"/></item>')
    assert [i["title"] for i in parse_feed(raw).items] == [
        "What therapy is", "Only & itunes", "Both", "Untitled episode"]


@pytest.mark.parametrize("written, shown", [
    ("Grief &lt;Part 1&gt;", "Grief <Part 1>"),                 # escaped once
    ("<![CDATA[Fear <and> loathing]]>", "Fear <and> loathing"),   # CDATA (MuPiBox#87, poddl#10)
    ("I &lt;3 therapy", "I <3 therapy"),
    ("Grief &amp;lt;Part 2&amp;gt;", "Grief <Part 2>"),        # escaped twice
    ("Don&amp;#8217;t panic", "Don\u2019t panic"),              # WordPress's double escape (supper#52)
    ("<![CDATA[Tom &amp; Jerry]]>", "Tom & Jerry"),             # escaped inside CDATA (wpseo-news#131)
    ("&lt;b&gt;Bold&lt;/b&gt; move", "Bold move"),              # markup: its words
])
def test_a_title_keeps_its_angle_brackets_unless_they_are_html(written: str, shown: str) -> None:
    # nh3 read `<Part 1>` as a tag and dropped every word after it: "Grief"
    raw = feed_of(f'<item><title>{written}</title><guid>a</guid></item>',
                  f'<item><title></title><itunes:title>{written}</itunes:title><guid>b</guid></item>',
                  channel="").replace(b"<title>T</title>", f"<title>{written}</title>".encode())
    parsed = parse_feed(raw)
    assert [i["title"] for i in parsed.items] == [shown, shown]
    assert parsed.title == shown


@pytest.mark.parametrize("namespace", ["http://podcastindex.org/namespace/1.0",
                                       "https://podcastindex.org/namespace/1.0/",
                                       "https://PodcastIndex.org/namespace/1.0",
                                       "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"])
def test_the_podcast_namespace_is_read_however_the_feed_spells_it(namespace: str) -> None:
    """`xmlns:podcast` written with http://, a final slash or capitals (as itunes' is:
    podcast-feed-parser#13) lost podcast:episode with its display, every transcript but the last
    and the alternate enclosure."""
    raw = ('<?xml version="1.0"?><rss version="2.0" xmlns:podcast="' + namespace + '"><channel>'
           '<title>T</title><item><title>A</title><guid>a</guid>'
           '<podcast:episode display="Pilot">1</podcast:episode>'
           '<podcast:transcript url="https://h/1.vtt" type="text/vtt"/>'
           '<podcast:transcript url="https://h/1.srt" type="application/x-subrip"/>'
           '<podcast:alternateEnclosure type="audio/mpeg"><podcast:source uri="https://h/alt.mp3"/>'
           '</podcast:alternateEnclosure><enclosure url="https://h/v.mp4" type="video/mp4"/>'
           '</item></channel></rss>').encode()
    item = parse_feed(raw, "https://h/feed.xml").items[0]
    assert (item["episode"], item["episode_display"]) == (1, "Pilot")
    assert [t["url"] for t in item["publisher_transcripts"]] == ["https://h/1.vtt", "https://h/1.srt"]
    assert item["audio_source"]["url"] == "https://h/alt.mp3"


def test_a_streaming_playlist_enclosure_is_its_own_kind() -> None:
    raw = feed_of('<item><guid>hls</guid><title>HLS</title>'
                  '<enclosure url="https://h/ep1/master.m3u8" type="application/x-mpegURL"/></item>',
                  '<item><guid>both</guid><title>Both</title>'
                  '<enclosure url="https://h/ep2.m3u" type="audio/x-mpegurl"/>'
                  '<enclosure url="https://h/ep2.mp3" type="audio/mpeg"/></item>')
    items = {i["guid"]: i for i in parse_feed(raw).items}
    assert "streaming playlist" in items["hls"]["audio_source"]["why"]
    assert items["both"]["audio_source"]["url"] == "https://h/ep2.mp3"   # the file, not the list


@pytest.mark.model
def test_an_episode_whose_audio_is_a_playlist_fails_saying_so(project, host, capsys) -> None:
    """A host serving an HLS playlist for the episode: a clear failure (no ffmpeg noise, no
    request to the addresses the playlist names), the run goes on."""
    host.add("ep1/master.m3u8", b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000\nlow.m3u8\n")
    host.add("ep2.mp3", b"#EXTM3U\n#EXTINF:10,\nseg0.ts\n")            # a playlist by any name
    host.add("feed.xml", feed_of(
        f'<item><guid>hls</guid><title>HLS</title><enclosure url="{host.url}/ep1/master.m3u8" '
        'type="application/vnd.apple.mpegurl"/></item>',
        f'<item><guid>named</guid><title>Named</title><enclosure url="{host.url}/ep2.mp3" '
        'type="audio/mpeg"/></item>'))
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 1
    found = records(project)
    for guid in ("hls", "named"):
        assert found[guid]["status"] == "failed"
        assert "streaming playlist" in found[guid]["error"]
    assert host.requests["/ep1/low.m3u8"] == 0 and host.requests["/seg0.ts"] == 0
    assert "streaming playlist" in said(capsys)


# ---- not a feed ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body,said", [
    (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
     b"<div id='challenge-platform'></div></body></html>", ["web page titled 'Just a moment...'", "bot check"]),
    (b"<html><head><title>Sign in &amp; listen</title></head><body><form>"
     b"<input type='password'></form></body></html>", ["web page titled 'Sign in & listen'", "login page"]),
    (b"<!doctype html><html><head><title>My Show</title><link rel='alternate' "
     b"type='application/rss+xml' href='/rss'></head></html>", ["'My Show'", "names a feed at https://h.example/rss"]),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', ["JSON Feed"]),
    (b'{"error": "not found"}', ["JSON data"]),
    (b"", ["nothing"]),
    (b"  \n", ["nothing"]),
    (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
     ["<urlset>"]),
])
def test_what_an_address_returned_instead_of_a_feed_is_named(body: bytes, said: list[str]) -> None:
    with pytest.raises(FeedError) as error:
        parse_feed(body, "https://h.example/feed")
    for words in said:
        assert words in str(error.value)


@pytest.mark.parametrize("served", ["text/plain", "application/octet-stream", "binary/octet-stream",
                                    "text/plain; charset=utf-8"])
def test_a_well_formed_feed_served_with_a_non_xml_type_is_not_called_malformed(served: str) -> None:
    raw = feed_of('<item><title>Caf\u00e9</title><guid>a</guid>'
                  '<podcast:episode display="Half">2.5</podcast:episode></item>')
    parsed = parse_feed(raw, "https://example.com/feed.xml", served)
    assert [(i["title"], i["episode"], i["episode_display"]) for i in parsed.items] == [("Café", 2.5, "Half")]
    assert not any("malformed" in w for w in parsed.warnings)
    assert any("serves the feed as" in w for w in parsed.warnings)


@pytest.mark.parametrize("encoding,before,served", [
    ("utf-16", b"", "application/rss+xml; charset=iso-8859-1"),    # rss-parser#219, gofeed#170
    ("utf-16", b"", "text/xml; charset=utf-8"),
    ("utf-8", b"\xef\xbb\xbf\n\n  ", None),                          # feedbin/support#129
    ("utf-8", b"\r\n\t", "application/rss+xml"),                      # Podcast-Manager#223
])
def test_a_byte_order_mark_and_blank_lines_before_the_declaration_are_read_as_apps_do(
        project, host, capsys, encoding: str, before: bytes, served: str | None) -> None:
    """A UTF-16 feed (with its byte order mark) that the host serves with another charset, and a
    feed with blank lines (and a BOM) before its XML declaration: every episode and its
    publisher transcript is read, titles keep their letters, and nothing is called malformed."""
    text = feed_of(vtt_item(host, "u1", "Caf\u00e9 \u2019one\u2019", 1),
                   vtt_item(host, "u2", "Two", 2)).decode()
    if encoding == "utf-16":
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    url = host.add("feed.xml", before + text.encode(encoding))
    if served:
        host.faults.types["/feed.xml"] = served
    assert cli.main(["sync", "--feed", url]) == 0
    found = records(project)
    assert {g: (r["title"], r["model"]) for g, r in found.items()} == {
        "u1": ("Caf\u00e9 \u2019one\u2019", "publisher"), "u2": ("Two", "publisher")}
    shown = said(capsys)
    assert "malformed" not in shown and "not in the encoding" not in shown


def test_a_real_feed_sent_as_text_html_is_still_read() -> None:
    raw = feed_of('<item><guid>a</guid><title>A</title></item>')
    assert [i["guid"] for i in parse_feed(raw, "https://h/", "text/html").items] == ["a"]


# ---- paged feeds --------------------------------------------------------------------------------

def paged(host, pages_: dict[str, list[dict]], links: dict[str, str]) -> None:
    """Serve each page, its items as `rss` writes them, with an atom:link rel=next to links[page]."""
    for name, items in pages_.items():
        text = rss(items).replace('<rss version="2.0"', '<rss version="2.0" '
                                  'xmlns:atom="http://www.w3.org/2005/Atom"', 1)
        if name in links:
            rel, target = links[name].split(" ")
            text = text.replace("</title>", f'</title><atom:link rel="{rel}" '
                                f'href="{host.url}/{target}"/>', 1)
        host.add(name, text.encode())


def test_a_paged_feed_is_read_to_its_end_and_a_rerun_is_one_304(project, host, capsys) -> None:
    def item(n: int) -> dict:
        return {"title": f"Ep {n}", "guid": f"p{n}", "date": f"Mon, {n:02d} Nov 2026 06:00:00 +0000"}
    paged(host, {"feed.xml": [item(6), item(5)], "page2.xml": [item(4), item(3)],
                 "archive.xml": [item(2), item(1)]},
          {"feed.xml": "next page2.xml", "page2.xml": "prev-archive archive.xml"})
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert sorted(records(project)) == [f"p{n}" for n in range(1, 7)]
    assert "feed pages read (RFC 5005)" in said(capsys)
    before = sum(host.requests.values())
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert sum(host.requests.values()) - before == 1          # page 1 answered 304: nothing more


def test_a_page_loop_and_a_missing_page_are_said_and_nothing_is_marked_gone(project, host, capsys) -> None:
    paged(host, {"feed.xml": [{"title": "A", "guid": "a"}], "page2.xml": [{"title": "B", "guid": "b"}]},
          {"feed.xml": "next page2.xml", "page2.xml": "next feed.xml"})
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert "a loop" in said(capsys) and sorted(records(project)) == ["a", "b"]
    paged(host, {"feed.xml": [{"title": "A", "guid": "a"}, {"title": "C", "guid": "c"}]},
          {"feed.xml": "next gone.xml"})
    # a later page that fails is no success (exit 1) and is said in the summary; what was read
    # is kept (audiobookshelf#3476: 99 of 161 episodes found, nothing said)
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 1
    shown = said(capsys)
    assert "cannot be read" in shown and "feed read incompletely" in shown
    assert sorted(records(project)) == ["a", "b", "c"]
    assert records(project)["b"]["in_feed"] is True       # the walk failed: not "left the feed"


def test_relative_links_are_resolved_against_the_address_a_redirect_led_to(project, host) -> None:
    """A feed behind a redirect (a host's move, a CDN in front) whose links are relative: the
    base is the address the document was read from (RFC 3986 section 5.1.3, as browsers and
    feedparser's own fetcher resolve them), for the first page and for a later page, on a first
    run and on a rerun whose pages come from the cache."""
    vtt = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello Taurens.\n"
    host.add("new/t1.vtt", vtt)
    host.add("archive/t2.vtt", vtt)

    def item(guid: str, day: int) -> str:
        return (f'<item><title>{guid}</title><guid>{guid}</guid><pubDate>Mon, {day:02d} Dec 2025 '
                f'10:00:00 GMT</pubDate><podcast:transcript url="{guid}.vtt" type="text/vtt"/></item>')
    host.add("new/feed.xml", feed_of(item("t1", 2), channel='<atom:link rel="next" href="page2.xml"/>'))
    host.add("archive/page2.xml", feed_of(item("t2", 1)))
    for path, target in (("/feed.xml", "/new/feed.xml"), ("/new/page2.xml", "/archive/page2.xml")):
        host.faults.redirects[path] = host.url + target
        host.faults.redirect_codes[path] = 302
    for _run in range(2):
        assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
        assert {guid: r["model"] for guid, r in records(project).items()} == {
            "t1": "publisher", "t2": "publisher"}
    assert host.requests["/new/t1.vtt"] == 1 and host.requests["/archive/t2.vtt"] == 1
    assert host.requests["/t1.vtt"] == host.requests["/new/t2.vtt"] == 0


def test_a_not_modified_answer_with_nothing_cached_is_a_clear_error(project, host, capsys) -> None:
    """A host (or its CDN) that answers 304 Not Modified to a request naming no copy (AntennaPod
    #6332: servers that say "Not Modified" when they should not): the run said nothing useful,
    a FileNotFoundError traceback. Now it stops with what happened (exit 2); a later page that
    does it leaves the feed incomplete (exit 1), the first page's episodes kept."""
    host.add("feed.xml", b"<rss/>")
    host.faults.not_modified.add("/feed.xml")
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 2
    assert "answered 304 Not Modified to a request that named no cached copy" in said(capsys)
    host.faults.not_modified.clear()
    paged(host, {"feed.xml": [{"title": "A", "guid": "a"}], "page2.xml": []},
          {"feed.xml": "next page2.xml"})
    host.faults.not_modified.add("/page2.xml")
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 1
    assert "feed read incompletely" in said(capsys) and sorted(records(project)) == ["a"]


def test_follow_stops_at_its_page_bound() -> None:
    def page(n: int):
        return parse_feed(feed_of(f'<atom:link rel="next" href="https://h/{n + 1}"/>'
                                  f'<item><guid>{n}</guid><title>{n}</title></item>'), f"https://h/{n}")
    walked = pages.follow(page(1), "https://h/1", lambda url: page(int(url.rsplit("/", 1)[1])),
                          max_pages=3)
    assert walked.pages == 3 and not walked.complete and "more pages" in walked.warnings[0]
    assert [i["guid"] for i in walked.feed.items] == ["1", "2", "3"]


# ---- items that leave the feed, a guid twice ----------------------------------------------------

@pytest.mark.parametrize("title,date", [
    ("Ep 1: Don\u2019t panic \u2013 part one", "Sun, 30 Nov 2025 22:30:00 -0800"),   # typography
    ("Ep 1: Don't panic - part one", "Mon, 01 Dec 2025 06:30:00 +0000"),       # UTC: next day
])
def test_a_host_move_that_changes_guid_audio_and_typography_keeps_the_episode(
        project, host, title: str, date: str) -> None:
    """A move to a new host gives every item a new guid and a new audio address, and the new
    host writes the title with typographic quotes and dashes, or the date in UTC (a 22:30 PST
    release filed on the next day). The episode keeps its folder and the maintainer's
    corrections, not a second copy of itself (jdcb4/podcast-ad-remover#12: a migration must not
    duplicate the archive)."""
    vtt = host.add("t.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello Taurens.\n")

    def publish(guid: str, title_: str, date_: str, audio: str) -> None:
        host.add("feed.xml", rss([{"title": title_, "guid": guid, "date": date_, "audio": audio,
                                   "transcripts": [{"url": vtt, "type": "text/vtt"}]}]).encode())
    publish("old-host-1", "Ep 1: Don't panic - part one", "Sun, 30 Nov 2025 22:30:00 -0800",
            f"{host.url}/old/ep1.mp3")
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    (folder,) = (project / "episodes").iterdir()
    (folder / "corrections.yml").write_text("replace:\n  - find: Taurens\n    with: Torrens\n")
    publish("9f2c-new-host", title, date, "https://cdn.newhost.example/a8f3/audio.mp3")
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert [p.name for p in (project / "episodes").iterdir()] == [folder.name]
    record = records(project)["9f2c-new-host"]
    assert record["guids"] == ["old-host-1", "9f2c-new-host"]
    assert "Hello Torrens." in (folder / "transcript.txt").read_text()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "utf-32"])
def test_a_feed_cut_off_in_transit_loses_no_episode_and_makes_none_up(project, host, capsys,
                                                                      encoding: str) -> None:
    """A feed whose download ends early with nothing to tell (the connection closed, no length)
    or whose generator failed mid-feed: the recovering parser read the whole items before the
    cut, made an episode of the fragment after them ("untitled", no guid) and marked every later
    episode "no longer in the feed". Now the fragment is not read, nothing is marked gone, the
    run says so and exits 1, and the next run asks for the feed whole, not "unchanged". In every
    encoding: a UTF-16 feed with a byte order mark was not judged (its fragment read as an
    episode) and, cut inside a character, refused as "not a feed"; one without a byte order mark
    (big-endian, served as this host serves every feed, `charset=utf-8`) was refused even whole;
    a UTF-32 one, cut, was refused."""
    items = [vtt_item(host, g, g.upper(), day) for g, day in (("c", 3), ("b", 2), ("a", 1))]
    text = feed_of(*items).decode().replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
    whole = text.encode(encoding)
    host.add("feed.xml", whole)
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert len(records(project)) == 3
    cut = len(text[:text.index("<title>B</title>") + 20].encode(encoding)) + 1
    host.add("feed.xml", whole[:cut])                 # + 1: inside a character, wider than a byte
    host.faults.close_delimited.add("/feed.xml")
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 1
    shown = said(capsys)
    assert "feed read incompletely" in shown and "cut off after 1 whole item" in shown
    assert {g: r["in_feed"] for g, r in records(project).items()} == {"a": True, "b": True, "c": True}
    assert not (project / ".cache" / sync.FEED_STATE_FILE).exists()   # no validators kept
    host.faults.close_delimited.clear()
    host.add("feed.xml", whole)
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert len(records(project)) == 3


def test_an_item_that_leaves_the_feed_keeps_its_folder_marked(project, host, capsys) -> None:
    items = [{"title": "Stays", "guid": "s"}, {"title": "Withdrawn", "guid": "w", "notes": "x"},
             {"title": "Stays twice", "guid": "s"}]
    feed = host.add("feed.xml", rss(items).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    out = said(capsys)
    assert "duplicate guid 's'" in out and len(records(project)) == 2
    host.add("feed.xml", rss(items[:1]).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    gone = records(project)["w"]
    assert gone["in_feed"] is False and gone["left_feed_at"]
    assert (project / "episodes" / gone["slug"] / "episode.json").is_file()
    assert "no longer in the feed" in said(capsys)
    host.add("feed.xml", rss(items).encode())                 # it comes back
    assert cli.main(["sync", "--feed", feed]) == 0
    assert records(project)["w"]["in_feed"] is True


@pytest.mark.parametrize("codes, moved", [((301,), True), ((308,), True), ((301, 308), True),
                                          ((302,), False), ((301, 307), False), ((307,), False)])
def test_a_feed_moved_for_good_by_http_tells_the_maintainer_its_new_address(
        project, host, capsys, codes: tuple[int, ...], moved: bool) -> None:
    """gPodder#911, AntennaPod#1393: a 301 or 308 says the feed moved for good (RFC 9110
    15.4.2: re-link to the new address); apps take the new address, a temporary 302/307 they do
    not. The run says what to set, on every run (a 304 too) until the setting is changed."""
    new = host.add("new/feed.xml", rss([{"title": "Here", "guid": "h"}]).encode())
    hops = [f"/hop{i}.xml" for i in range(len(codes))] + ["/new/feed.xml"]
    for path, target, code in zip(hops, hops[1:], codes):
        host.faults.redirects[path] = target
        host.faults.redirect_codes[path] = code
    for _run in range(2):
        assert cli.main(["sync", "--feed", f"{host.url}{hops[0]}"]) == 0
        out = said(capsys)
        assert (f"set extra.podcast.feed in mkdocs.yml to {new}" in out) is moved
    assert list(records(project)) == ["h"]


@pytest.mark.parametrize("encoding, served", [("cp1252", "application/x-subrip"),
                                              ("cp1252", "application/x-subrip; charset=iso-8859-1"),
                                              ("utf-8", "application/x-subrip"),
                                              ("utf-16", "text/plain")])
def test_a_publisher_transcript_saved_in_a_code_page_keeps_its_letters(
        project, host, encoding: str, served: str) -> None:
    """Subtitle editors save SRT in the system's code page (windows-1252; SubtitleEdit#5170,
    srt2vtt#3): read as UTF-8, "café" and "isn’t" became "caf�" and "isn�t" on the page. The
    body is read by its BOM, its declared charset (ISO-8859-1 meaning windows-1252, as in
    browsers), UTF-8, then windows-1252 (the WHATWG Encoding standard's way)."""
    words = "We met at the café – a naïve start. “Relapse isn’t failure.”"
    host.add("t.srt", f"1\n00:00:00,000 --> 00:00:04,000\n{words}\n".encode(encoding))
    host.faults.types["/t.srt"] = served
    feed = host.add("feed.xml", feed_of(
        '<item><title>Coded</title><guid>c1</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate>'
        f'<podcast:transcript url="{host.url}/t.srt" type="application/x-subrip"/></item>'))
    assert cli.main(["sync", "--feed", feed]) == 0
    text = (project / "episodes" / records(project)["c1"]["slug"] / "transcript.txt").read_text()
    assert words in text and "\ufffd" not in text


def test_a_publisher_srt_naming_its_speakers_in_the_text_gives_the_speakers(project, host) -> None:
    """An SRT that names each speaker in its text (">> JANE: I think...", "[SAM] ..."): the
    labels stayed in the words of every transcript file and no speaker was shown."""
    srt = host.add("s.srt", ("1\n00:00:00,000 --> 00:00:03,000\n>> JANE: I think it helps.\n\n"
                             "2\n00:00:03,000 --> 00:00:06,000\nAt 10:30 every day.\n\n"
                             "3\n00:00:06,000 --> 00:00:09,000\n>> SAM: Step 1: breathe.\n").encode())
    feed = host.add("feed.xml", feed_of(
        '<item><title>Voices</title><guid>v1</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate>'
        f'<podcast:transcript url="{srt}" type="application/x-subrip"/></item>'))
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["v1"]["slug"]
    segments = json.loads((folder / "transcript.json").read_text())["segments"]
    assert [(s.get("speaker"), s["body"]) for s in segments] == [
        ("JANE", "I think it helps."), ("JANE", "At 10:30 every day."), ("SAM", "Step 1: breathe.")]
    assert "<v SAM>Step 1: breathe." in (folder / "transcript.vtt").read_text()
    assert ">>" not in (folder / "transcript.txt").read_text()


@pytest.mark.parametrize("declared, body", [
    ("text/vtt", "1\n00:00:00,000 --> 00:00:03,000\nDeclared VTT, written SRT.\n"),
    ("application/json", "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nDeclared JSON, written VTT.\n"),
    ("application/x-subrip", '{"version": "1.0.0", "segments": [{"startTime": 0, "endTime": 3, '
                             '"body": "Declared SRT, written JSON."}]}'),
])
def test_a_publisher_transcript_of_another_format_than_declared_is_read_by_its_content(
        project, host, declared: str, body: str) -> None:
    """A feed's transcript type is often wrong (podverse-web#1168, podstr#7): the file declared
    one format and written in another was refused, and the audio transcribed instead."""
    host.add("t.txt", body.encode())
    feed = host.add("feed.xml", feed_of(
        '<item><title>Mislabelled</title><guid>m1</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT'
        f'</pubDate><podcast:transcript url="{host.url}/t.txt" type="{declared}"/></item>'))
    assert cli.main(["sync", "--feed", feed]) == 0
    record = records(project)["m1"]
    assert record["model"] == "publisher" and record["publisher_warning"] is None
    text = (project / "episodes" / record["slug"] / "transcript.txt").read_text()
    assert "Declared" in text and "written" in text


def test_a_broken_or_empty_publisher_transcript_gives_way_to_the_next_one(project, host) -> None:
    """An item offering several transcripts whose preferred one is gone (404) or empty (a VTT
    with a header and no cue: Chaos Radio's, pocket-casts-ios#2022, pocket-casts-android#2704):
    the next readable one is imported, not the audio transcribed (or, with no audio, the episode
    failed), and the episode says which could not be read."""
    srt = host.add("t.srt", b"1\n00:00:00,000 --> 00:00:02,000\nHello from the SRT.\n")
    links = [(f"{host.url}/gone.json", "application/json"),
             (host.add("t.vtt", b"WEBVTT\n\n"), "text/vtt"), (srt, "application/x-subrip")]
    host.add("feed.xml", rss([{"title": "Three transcripts", "guid": "t3",
                               "date": "Mon, 01 Dec 2025 10:00:00 GMT",
                               "transcripts": [{"url": u, "type": t} for u, t in links]}]).encode())
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    record = records(project)["t3"]
    assert record["model"] == "publisher" and record["status"] == "transcribed"
    text = (project / "episodes" / record["slug"] / "transcript.txt").read_text()
    assert "Hello from the SRT." in text
    warning = record["publisher_warning"]
    assert "gone.json could not be read" in warning and "t.vtt could not be read" in warning
    assert warning.endswith(f"{srt} was read instead")


@pytest.mark.parametrize("cues, duration_s, partial", [
    ([(1, 20)], 1800, True),                       # written "until 7:10" (ThisDevelopersLife#26)
    ([(600, 1790)], 1800, True),                   # the first ten minutes missing (rsk-search#2)
    ([(5, 900), (1500, 1700)], 1800, False),       # a gap is not judged: silence, a song
    ([(45, 1750)], 1800, False),                   # a music intro and outro have no cues
    ([(1, 20)], None, False),                      # no length to judge by
    ([(3, 100)], 150, False),                      # a minute short: within the room left
])
def test_a_publisher_transcript_covering_part_of_the_episode_is_told(cues, duration_s,
                                                                      partial) -> None:
    segments = [{"startTime": float(a), "endTime": float(b), "body": "words"} for a, b in cues]
    assert bool(sync.partial_transcript(segments, duration_s)) is partial


@pytest.mark.model
def test_a_partial_publisher_transcript_gives_way_to_the_audio(project, host) -> None:
    """A publisher's VTT that stops at 0:04 of an episode whose feed says 2:00 was published as
    the whole episode's transcript; now the audio is transcribed and the episode says why."""
    host.add("jfk.wav", source=Path(__file__).parent / "data" / "audio" / "jfk.wav")
    host.add("part.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nAnd so my fellow Americans\n")
    host.add("feed.xml", rss([{"title": "Part of it", "guid": "p1", "duration": "2:00",
                               "date": "Mon, 01 Dec 2025 10:00:00 GMT", "audio": f"{host.url}/jfk.wav",
                               "transcripts": [{"url": f"{host.url}/part.vtt", "type": "text/vtt"}]}]).encode())
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    record = records(project)["p1"]
    assert record["model"] != "publisher" and record["status"] == "transcribed"
    assert "what you can do for your country" in (
        project / "episodes" / record["slug"] / "transcript.txt").read_text()
    assert "part.vtt covers only 0:00 to 0:04 of the episode's 2:00" in record["publisher_warning"]


@pytest.mark.parametrize("embedded", [True, False])
def test_a_flightcast_json_transcript_is_read(project, host, embedded: bool) -> None:
    """Flightcast serves its transcripts as application/json with `text`, `start` and `end` in
    each segment and the whole transcript as WebVTT under `vtt` (pocket-casts-android#5544): it
    was read as an empty transcript. The WebVTT is read, else the segments."""
    doc: dict = {"segments": [{"text": "Hello from the segments.", "start": 0.5, "end": 2.0}]}
    if embedded:
        doc["vtt"] = "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello from the WebVTT.\n"
    url = host.add("t.json", json.dumps(doc).encode())
    host.add("feed.xml", rss([{"title": "Flightcast", "guid": "f1",
                               "date": "Mon, 01 Dec 2025 10:00:00 GMT",
                               "transcripts": [{"url": url, "type": "application/json"}]}]).encode())
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    record = records(project)["f1"]
    assert record["model"] == "publisher" and record["publisher_warning"] is None
    segments = json.loads((project / "episodes" / record["slug"] / "transcript.json")
                          .read_text())["segments"]
    said_ = "Hello from the WebVTT." if embedded else "Hello from the segments."
    assert [(s["startTime"], s["endTime"], s["body"]) for s in segments] == [(0.5, 2.0, said_)]


def test_an_atom_podcast_keeps_every_transcript_and_its_podcast_tags(project, host) -> None:
    """A podcast published as Atom (Podlove Publisher offers it; RFC 4287 `link rel="enclosure"`):
    feedparser keeps one `podcast:transcript` an entry, so only the last was seen; with the
    first gone, the episode had none. Every one is read, in order, with `podcast:episode` 2.5."""
    good = host.add("t/ep2.json", json.dumps({"version": "1.0.0", "segments": [
        {"startTime": 0.0, "endTime": 2.0, "body": "Hello from JSON."}]}).encode())
    host.add("feed.atom", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<title>Atom Show</title><id>urn:uuid:5f2c</id><updated>2025-12-02T10:00:00Z</updated>
<entry><title>Ep 2</title><id>tag:h.example,2025:ep2</id><updated>2025-12-02T10:00:00Z</updated>
<link rel="enclosure" type="audio/mpeg" href="media/ep2.mp3"/>
<podcast:transcript url="t/gone.vtt" type="text/vtt"/>
<podcast:transcript url="{good}" type="application/json"/>
<podcast:episode display="Part two">2.5</podcast:episode></entry></feed>""".encode())
    assert cli.main(["sync", "--feed", f"{host.url}/feed.atom"]) == 0
    record = records(project)["tag:h.example,2025:ep2"]
    assert record["model"] == "publisher" and record["episode"] == 2.5
    assert [t["url"] for t in record["publisher_transcripts"]] == [f"{host.url}/t/gone.vtt", good]
    assert "Hello from JSON." in (project / "episodes" / record["slug"] / "transcript.txt").read_text()


def test_a_transcript_file_edited_by_hand_is_never_overwritten(project, host, capsys) -> None:
    """The maintainer fixes a word in transcript.vtt itself, not in corrections.yml: the next
    sync rewrote every format from the raw transcript and the fix was gone, silently. The file
    is kept and the run says how to make the fix reach every format; corrections still apply
    to the other files, and a deleted file is written again."""
    vtt = host.add("t.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello Taurens.\n")
    feed = host.add("feed.xml", feed_of(
        '<item><title>Edited</title><guid>e1</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT'
        f'</pubDate><podcast:transcript url="{vtt}" type="text/vtt"/></item>'))
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["e1"]["slug"]
    edited = (folder / "transcript.vtt").read_text().replace("Taurens", "Torrens (by hand)")
    (folder / "transcript.vtt").write_text(edited)
    (folder / "corrections.yml").write_text("replace:\n  - find: Hello\n    with: Hi\n")
    for _run in range(2):
        assert cli.main(["sync", "--feed", feed]) == 0
        assert (folder / "transcript.vtt").read_text() == edited
        assert "transcript.vtt was edited by hand" in said(capsys)
    assert "Hi Taurens." in (folder / "transcript.txt").read_text()
    (folder / "transcript.vtt").unlink()
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "Hi Taurens." in (folder / "transcript.vtt").read_text()
    assert "edited by hand" not in said(capsys)


def test_a_folder_renamed_by_hand_is_recorded_even_for_an_episode_sync_does_not_touch(
        project, host, capsys) -> None:
    """The maintainer renames an episode's folder; the build then refuses the folder and says
    "run `companion sync`, which takes the folder's name". Sync took it only for the episodes it
    went on to process: one beyond `--limit` kept its old slug and the site never built again. A copy (another folder of the same guid) is not taken for a
    rename: the build keeps refusing it, and no two folders become one episode."""
    feed = host.add("feed.xml", feed_of(vtt_item(host, "r1", "Episode r1", 1),
                                        vtt_item(host, "r2", "Episode r2", 2)))
    assert cli.main(["sync", "--feed", feed]) == 0
    episodes = project / "episodes"
    old = records(project)["r1"]["slug"]
    (episodes / old).rename(episodes / "relapse-is-not-failure")
    assert cli.main(["sync", "--feed", feed, "--limit", "1"]) == 0      # r2 only, the newest
    assert records(project)["r1"]["slug"] == "relapse-is-not-failure"
    assert len(Catalogue.load(episodes).episodes) == 2

    shutil.copytree(episodes / "relapse-is-not-failure", episodes / "relapse-copy")
    assert cli.main(["sync", "--feed", feed]) == 0
    copied = store.read_json(episodes / "relapse-copy" / "episode.json")
    assert copied["slug"] == "relapse-is-not-failure"
    with pytest.raises(CatalogueError, match="relapse-copy"):
        Catalogue.load(episodes)


def test_a_new_episode_never_takes_a_renamed_folders_name_in_other_case(project, host) -> None:
    """The maintainer renamed a folder with capitals; a new episode whose name differs only in
    case was given that name in lower case: on macOS and Windows (folders compared without case)
    both episodes were written into the one folder, the second over the first."""
    feed = host.add("feed.xml", feed_of(vtt_item(host, "c1", "Relapse")))
    assert cli.main(["sync", "--feed", feed]) == 0
    episodes = project / "episodes"
    (episodes / records(project)["c1"]["slug"]).rename(episodes / "2025-12-01-Relapse-Part-1")
    host.add("feed.xml", feed_of(vtt_item(host, "c1", "Relapse"),
                                 vtt_item(host, "c2", "Relapse part 1")))
    assert cli.main(["sync", "--feed", feed]) == 0
    slugs = {guid: record["slug"] for guid, record in records(project).items()}
    assert slugs["c1"] == "2025-12-01-Relapse-Part-1"
    assert slugs["c2"].casefold() != slugs["c1"].casefold(), slugs


def test_a_run_killed_before_its_record_was_saved_takes_no_file_for_a_hand_edit(
        project, host, capsys) -> None:
    """Sync writes the transcript files, then episode.json with their digests: a run killed
    between the two (a cancelled job) left files whose digests were not recorded, and every
    later run took them for hand edits: kept, warned about, and corrections never reached
    them again. A file that holds what sync would write is sync's own."""
    feed = host.add("feed.xml", feed_of(vtt_item(host, "k1", "Killed")))
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["k1"]["slug"]
    saved = (folder / "episode.json").read_bytes()
    (folder / "corrections.yml").write_text("replace:\n  - find: Taurens\n    with: Torrens\n")
    assert cli.main(["sync", "--feed", feed]) == 0
    (folder / "episode.json").write_bytes(saved)          # as if killed before the record
    said(capsys)
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "edited by hand" not in said(capsys)
    (folder / "corrections.yml").write_text("replace:\n  - find: Taurens\n    with: TORRENS\n")
    assert cli.main(["sync", "--feed", feed]) == 0
    assert all("TORRENS" in (folder / name).read_text()
               for name in ("transcript.vtt", "transcript.srt", "transcript.txt"))


def test_a_merge_keeps_a_transcript_file_edited_by_hand(project, host, tmp_path: Path) -> None:
    """A shard transcribed the episode again (a newer transcript) while the maintainer fixed a
    word in transcript.srt here: `companion merge` copied the shard's files over it and wrote
    every format again, and the fix was gone. The file stays, and stays protected from the next
    sync; the other formats take the shard's transcript."""
    srt = host.add("t.srt", b"1\n00:00:00,000 --> 00:00:02,000\nHello Taurens.\n")
    feed = host.add("feed.xml", feed_of(
        '<item><title>Merged</title><guid>m1</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT'
        f'</pubDate><podcast:transcript url="{srt}" type="application/x-subrip"/></item>'))
    assert cli.main(["sync", "--feed", feed]) == 0
    slug = records(project)["m1"]["slug"]
    here = project / "episodes" / slug
    shard = tmp_path / "shard" / "episodes" / slug
    shard.parent.mkdir(parents=True)
    shutil.copytree(here, shard)
    record = store.read_json(shard / store.EPISODE_FILE)
    store.write_json_atomic(shard / store.EPISODE_FILE,
                            record | {"transcribed_at": "2999-01-01T00:00:00+00:00"})
    edited = (here / "transcript.srt").read_text().replace("Taurens", "Torrens (by hand)")
    (here / "transcript.srt").write_text(edited)

    assert cli.main(["merge", str(tmp_path / "shard")]) == 0
    assert (here / "transcript.srt").read_text() == edited
    assert "Taurens" in (here / "transcript.txt").read_text()
    assert cli.main(["sync", "--feed", feed]) == 0
    assert (here / "transcript.srt").read_text() == edited


def test_a_folder_the_maintainer_renamed_keeps_its_episode_and_corrections(project, host,
                                                                          capsys) -> None:
    """Renaming `episodes/<slug>/` by hand (a better address for the page): the next sync made a
    second folder under the old name, transcript uncorrected, and the site had two pages of one
    episode. The folder's name is the slug; its corrections apply."""
    from companion.catalogue import Catalogue

    vtt = host.add("t.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello Taurens.\n")
    feed = host.add("feed.xml", feed_of(
        '<item><title>First one</title><guid>g1</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT'
        f'</pubDate><podcast:transcript url="{vtt}" type="text/vtt"/></item>'))
    assert cli.main(["sync", "--feed", feed]) == 0
    episodes = project / "episodes"
    (episodes / "2025-12-01-first-one").rename(episodes / "2025-12-01-first")
    (episodes / "2025-12-01-first" / "corrections.yml").write_text(
        "replace:\n  - find: Taurens\n    with: Torrens\n", encoding="utf-8")
    assert cli.main(["sync", "--feed", feed]) == 0
    assert [p.name for p in episodes.iterdir()] == ["2025-12-01-first"]
    assert records(project)["g1"]["slug"] == "2025-12-01-first"
    assert "Hello Torrens." in (episodes / "2025-12-01-first" / "transcript.txt").read_text()
    assert "renamed" in said(capsys)
    assert Catalogue.load(episodes).find("2025-12-01-first") is not None


@pytest.mark.parametrize("old_audio, new_audio", [("/old.mp3", "/new.mp3"),
                                                  ("/download.php?id=1", "/download.php?id=2"),
                                                  ("/ep/media.mp3?ep=1", "/ep/media.mp3?ep=2")])
def test_a_guid_reused_for_new_audio_is_a_new_episode_and_the_old_one_keeps_its_folder(
        project, host, capsys, old_audio: str, new_audio: str) -> None:
    """A publisher copies an item and forgets the guid (AntennaPod#3275, gPodder#847, #1474):
    the new episode must not take the old one's folder and transcript, nor hide it. Hosts that
    name every file alike and tell them apart by the query (podfox#34, AntennaPod#48) too."""
    def vtt(words: str) -> str:
        return host.add(f"{words[:3]}.vtt", f"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n{words}\n".encode())
    old = {"title": "Old one", "guid": "show", "audio": f"{host.url}{old_audio}",
           "date": "Mon, 02 Nov 2026 10:00:00 +0000",
           "transcripts": [{"url": vtt("old words"), "type": "text/vtt"}]}
    new = {"title": "New one", "guid": "show", "audio": f"{host.url}{new_audio}",
           "date": "Mon, 09 Nov 2026 10:00:00 +0000",
           "transcripts": [{"url": vtt("new words"), "type": "text/vtt"}]}
    feed = host.add("feed.xml", rss([old]).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    first = records(project)["show"]
    host.add("feed.xml", rss([new, old]).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "'show' is given to 2 items with different audio" in said(capsys)
    by_title = {e["title"]: e for e in records(project).values()}
    assert set(by_title) == {"Old one", "New one"}
    assert by_title["Old one"]["slug"] == first["slug"] and by_title["Old one"]["in_feed"]
    assert by_title["New one"]["slug"] != first["slug"]
    for title, words in (("Old one", "old words"), ("New one", "new words")):
        folder = project / "episodes" / by_title[title]["slug"]
        assert words in (folder / "transcript.txt").read_text()


# ---- chapters -----------------------------------------------------------------------------------

def test_chapters_are_checked_against_the_length_sorted_and_deduplicated() -> None:
    data = chapters.validate({"version": "1.2.0", "chapters": [
        {"startTime": 1804, "title": "Past the end"}, {"startTime": 0, "title": "Intro"},
        {"startTime": 95, "title": "Also past"}, {"startTime": 5, "title": "Hidden", "toc": False},
        {"startTime": 5, "title": "Same start"}, {"startTime": 8, "title": "Ends late", "endTime": 60}]})
    checked, problems = chapters.check(data, 11.0)
    assert [c["title"] for c in checked["chapters"]] == ["Intro", "Hidden", "Ends late"]
    assert checked["chapters"][1]["toc"] is False and checked["chapters"][2]["endTime"] == 11.0
    assert sum("dropped" in p and "past the end" in p for p in problems) == 2 and any("repeats" in p for p in problems)


def test_feed_chapters_past_the_end_are_dropped_and_only_checked_ones_republished(
        project, host, capsys) -> None:
    doc = {"version": "1.2.0", "chapters": [{"startTime": 1804, "title": "Late"},
                                            {"startTime": 95, "title": "Later"},
                                            {"startTime": 0, "title": "Start"}]}
    url = host.add("chapters.json", json.dumps(doc).encode())
    vtt = host.add("ep.vtt", b"WEBVTT\n\n00:00.000 --> 00:05.000\nHello there.\n")
    text = rss([{"title": "Short", "guid": "c1", "duration": "11", "audio": f"{host.url}/never.mp3",
                 "transcripts": [{"url": vtt, "type": "text/vtt"}]}])
    text = text.replace("</item>", f'<podcast:chapters url="{url}" type="application/json+chapters"/></item>')
    feed = host.add("feed.xml", text.encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    out = said(capsys)
    assert "out of order" in out and out.count("past the") >= 2
    record = records(project)["c1"]
    kept = json.loads((project / "episodes" / record["slug"] / "chapters.json").read_text())
    assert [c["title"] for c in kept["chapters"]] == ["Start"]
    assert record["chapters_checked"] == "feed duration"


def test_the_page_says_when_an_episode_left_the_feed_or_may_not_be_english() -> None:
    from companion.episode import Episode
    from companion.site.episode_html import episode_meta_html, review_note_html
    record = store.new_episode("g", "s") | {"date": "2026-11-30T22:30:00-08:00"}
    assert "30 November 2026" in episode_meta_html(Episode.from_json(record))   # the publisher's day
    assert "No longer" not in episode_meta_html(Episode.from_json(record))
    assert "No longer in the podcast" in episode_meta_html(Episode.from_json(record | {"in_feed": False}))
    assert "may not be in English" in review_note_html(Episode.from_json(record | {"speech": {"unsure": True}}))
