"""Feeds as podcast apps read them (issue 18): dates in every form feeds write, paged feeds,
several enclosures, chapters against the audio, addresses that are not feeds, items that leave
the feed. Feeds are served by a real HTTP server on 127.0.0.1; no model runs here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion import cli
from companion.pipeline import chapters, pages, store
from companion.pipeline.dates import parse_pubdate
from companion.pipeline.feed import FeedError, parse_feed
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


def test_an_undated_item_keeps_its_place_its_slug_and_a_reason(project, host, capsys) -> None:
    items = [{"title": "Newest", "guid": "n3", "date": "Mon, 23 Nov 2026 06:00:00 +0000"},
             {"title": "Hour that does not exist", "guid": "n2",
              "date": "Mon, 16 Nov 2026 34:50:00 -0400"},
             {"title": "Oldest", "guid": "n1", "date": "Mon, 09 Nov 2026 06:00:00 +0000"}]
    feed = host.add("feed.xml", rss(items).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    out = said(capsys)
    assert "Hour that does not exist" in out and "hour must be in 0..23" in out
    assert [e["guid"] for e in episode_records(project / "episodes")] == ["n3", "n2", "n1"]
    undated = records(project)["n2"]
    assert undated["date"] is None and "hour must be" in undated["date_note"]
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
    paged(host, {"feed.xml": [{"title": "A", "guid": "a"}]}, {"feed.xml": "next gone.xml"})
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert "cannot be read" in said(capsys)
    assert records(project)["b"]["in_feed"] is True       # the walk failed: not "left the feed"


def test_follow_stops_at_its_page_bound() -> None:
    def page(n: int):
        return parse_feed(feed_of(f'<atom:link rel="next" href="https://h/{n + 1}"/>'
                                  f'<item><guid>{n}</guid><title>{n}</title></item>'), f"https://h/{n}")
    walked = pages.follow(page(1), "https://h/1", lambda url: page(int(url.rsplit("/", 1)[1])),
                          max_pages=3)
    assert walked.pages == 3 and not walked.complete and "more pages" in walked.warnings[0]
    assert [i["guid"] for i in walked.feed.items] == ["1", "2", "3"]


# ---- items that leave the feed, a guid twice ----------------------------------------------------

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


def test_a_guid_reused_for_new_audio_is_a_new_episode_and_the_old_one_keeps_its_folder(
        project, host, capsys) -> None:
    """A publisher copies an item and forgets the guid (AntennaPod#3275, gPodder#847, #1474):
    the new episode must not take the old one's folder and transcript, nor hide it."""
    def vtt(words: str) -> str:
        return host.add(f"{words[:3]}.vtt", f"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n{words}\n".encode())
    old = {"title": "Old one", "guid": "show", "audio": f"{host.url}/old.mp3",
           "date": "Mon, 02 Nov 2026 10:00:00 +0000",
           "transcripts": [{"url": vtt("old words"), "type": "text/vtt"}]}
    new = {"title": "New one", "guid": "show", "audio": f"{host.url}/new.mp3",
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
