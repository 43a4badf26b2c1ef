"""Recognising one episode across feed moves, guid changes and enclosure URL spellings."""

from __future__ import annotations

import pytest

from companion.pipeline import identity
from companion import urls


@pytest.mark.parametrize("url", [
    "https://host.example/shows/ep%201.mp3",
    "http://HOST.example/shows/ep 1.mp3",
    "https://www.host.example:443/shows/ep%201.mp3?awCollectionId=1&aid=rss",
    "https://op3.dev/e/host.example/shows/ep%201.mp3",
    "https://op3.dev/e,pg=9b024349-ccf0-5f69-a609-6b82873eab3c/https://host.example/shows/ep 1.mp3",
    "https://dts.podtrac.com/redirect.mp3/op3.dev/e/host.example/shows/ep%201.mp3",
    "https://www.podtrac.com/pts/redirect.mp3/host.example/shows/ep%201.mp3",
    "https://chtbl.com/track/A1B2C/host.example/shows/ep%201.mp3",
    "https://pdst.fm/e/chrt.fm/track/XYZ/https://host.example/shows/ep%201.mp3",
    "https://verifi.podscribe.com/rss/p/host.example/shows/ep%201.mp3",
    "https://pscrb.fm/rss/p/host.example/shows/ep%201.mp3#t=10",
])
def test_one_audio_file_has_one_enclosure_key(url: str) -> None:
    assert urls.enclosure_key(url) == "host.example/shows/ep%201.mp3"


def test_different_audio_has_different_keys() -> None:
    keys = {urls.enclosure_key(u) for u in ("https://h.example/a/ep1.mp3",
                                            "https://h.example/b/ep1.mp3",
                                            "https://h.example/a/Ep1.mp3",
                                            "https://other.example/a/ep1.mp3")}
    assert len(keys) == 4


@pytest.mark.parametrize("iri,uri", [
    ("http://h.example/media/Episode 12 - Final Mix.mp3",
     "http://h.example/media/Episode%2012%20-%20Final%20Mix.mp3"),
    ("https://h.example/épisode-douze.mp3", "https://h.example/%C3%A9pisode-douze.mp3"),
    ("https://hôte.example/a%20b.mp3?q=é", "https://xn--hte-kna.example/a%20b.mp3?q=%C3%A9"),
    ("  https://h.example/ok.mp3 ", "https://h.example/ok.mp3"),
    ("https://h.example/100% honest.mp3", "https://h.example/100%25%20honest.mp3"),   # no escape
    ("https://h.example/50%.mp3?x=%zz", "https://h.example/50%25.mp3?x=%25zz"),
    ("https://h.example/a%2Fb%2.mp3", "https://h.example/a%2Fb%252.mp3"),             # one kept
])
def test_feed_urls_become_uris(iri: str, uri: str) -> None:
    assert urls.to_uri(iri) == uri


@pytest.mark.parametrize("bad,words", [("http://h.example:99999/a b.mp3", "a space"),
                                       ("ftp://h.example/a.mp3", "http://"),
                                       ("file:///etc/passwd", "http://")])
def test_unusable_urls_are_named_in_plain_words(bad: str, words: str) -> None:
    with pytest.raises(urls.URLError) as caught:
        urls.to_uri(bad)
    assert bad in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize("stored,guid,same", [
    ("https://old.example/abc-123", "abc-123", True),
    ("https://old.example/rss/abc-123", "abc-123", True),
    ("http://127.0.0.1:8000/old/episode c", "episode c", True),
    ("https://old.example/rss/abc-1234", "abc-123", False),
    ("abc-123", "abc-123", False),                     # equal guids are an exact match instead
    ("https://old.example/x/abc-123", "https://new.example/x/abc-123", False),
])
def test_guids_resolved_by_the_previous_version(stored: str, guid: str, same: bool) -> None:
    assert identity.resolved_form_of(stored, guid) is same


def record(guid: str, title: str, date: str, audio: str | None, slug: str) -> dict:
    return {"guid": guid, "title": title, "date": date, "slug": slug,
            "enclosure": {"url": audio} if audio else None}


def test_items_match_by_guid_first_then_audio_then_title_and_day() -> None:
    records = [record("g1", "One", "2024-01-01T09:00:00+00:00", "https://h.example/1.mp3", "s1"),
               record("g2", "Two", "2024-01-02T09:00:00+00:00", "https://h.example/2.mp3", "s2"),
               record("https://old.example/g3", "Three", "2024-01-03T09:00:00+00:00", None, "s3"),
               record("g4", "Four  ", "2024-01-04T09:00:00+00:00", None, "s4")]
    items = [
        # a new guid reusing episode 1's audio comes first, but g1 is still in the feed: g1 wins
        {"guid": "new-1", "title": "One again", "date": None,
         "enclosure": {"url": "https://op3.dev/e/h.example/1.mp3"}},
        {"guid": "g1", "title": "One", "date": None, "enclosure": None},
        {"guid": "new-2", "title": "x", "date": None,
         "enclosure": {"url": "https://H.example/2.mp3?v=2"}},
        {"guid": "g3", "title": "y", "date": None, "enclosure": None},
        {"guid": "new-4", "title": "four", "date": "2024-01-04T17:00:00+00:00", "enclosure": None},
        {"guid": "brand-new", "title": "Five", "date": "2024-01-05T09:00:00+00:00",
         "enclosure": {"url": "https://h.example/5.mp3"}},
    ]
    found = identity.match_items(items, records)
    assert {i: (m.record["slug"], m.how) for i, m in found.items()} == {
        1: ("s1", identity.BY_GUID), 2: ("s2", identity.BY_ENCLOSURE),
        3: ("s3", identity.BY_RESOLVED_GUID), 4: ("s4", identity.BY_TITLE_DATE)}


def test_every_guid_an_episode_had_is_kept() -> None:
    kept = record("old", "T", "2024-01-01", None, "s")
    assert identity.adopt_guid(kept, "new") == "old"
    assert identity.adopt_guid(kept, "new") is None
    assert kept["guid"] == "new" and kept["guids"] == ["old", "new"]
    assert identity.match_items([{"guid": "old", "title": "", "date": None, "enclosure": None}],
                                [kept])[0].how == identity.BY_GUID


@pytest.mark.parametrize("feed,secret", [
    ("https://feeds.example.com/show?auth=Zx81qQ93mm", "Zx81qQ93mm"),
    ("https://feeds.supercast.example/episodes/3f9c27b1a8e04d55.rss", "3f9c27b1a8e04d55"),
    ("https://listener:hunter2pass@feeds.example.com/rss", "listener:hunter2pass"),
    ("https://feeds.example.com/rss?format=en&auth=Zm9vYmFy+YmF6/cXV4==&x=1",
     "Zm9vYmFy+YmF6/cXV4=="),                                     # base64, written raw
])
def test_a_private_feeds_tokens_are_found_and_hidden(feed: str, secret: str) -> None:
    from companion.pipeline import private_feed

    parts = private_feed.secret_parts(feed)
    record = {"enclosure": {"url": f"https://cdn.example/ep1.mp3?t={secret}"},
              "error": f"fetching {feed}: HTTP 404", "n": 3}
    clean = private_feed.scrub(record, parts)
    assert secret not in str(clean) and clean["n"] == 3
    assert "$COMPANION_FEED" in clean["enclosure"]["url"] and feed not in clean["error"]
    assert private_feed.secret_parts("https://feeds.example.com/show/rss?format=en") == [
        "https://feeds.example.com/show/rss?format=en"]        # nothing else looks like a token


@pytest.mark.parametrize("url", ["https://hôte.example/épisode.mp3",
                                 "https://xn--hte-kna.example/%C3%A9pisode.mp3",
                                 "https://op3.dev/e/hôte.example/épisode.mp3",
                                 "https://chrt.fm/track/XYZ/hôte.example/épisode.mp3",
                                 "https://play.podtrac.com/npr-510289/hôte.example/épisode.mp3"])
def test_an_accented_host_behind_a_prefix_has_the_same_key(url: str) -> None:
    # A prefix leaves the real URL without its scheme: its host must still be read as a host.
    assert urls.enclosure_key(url) == "xn--hte-kna.example/%C3%A9pisode.mp3"


def test_a_host_name_with_a_space_is_refused_naming_it() -> None:
    with pytest.raises(urls.URLError, match="host name holds a space"):
        urls.to_uri("https://exa mple.com/a.mp3")


def test_audio_named_by_its_query_or_a_title_day_two_episodes_share_merges_nothing() -> None:
    # Hosts that name the audio only in the query (download.php?id=N) give every episode one key
    # once the query is ignored; a feed that keeps its latest items leaves older episodes
    # unclaimed. A new episode must not take one of their folders (and its transcript).
    records = [record("ep1", "One", "2024-01-01T09:00:00+00:00",
                      "https://h.example/download.php?id=1", "s1"),
               record("ep2", "Two", "2024-01-08T09:00:00+00:00",
                      "https://h.example/download.php?id=2", "s2"),
               record("p1a", "Part 1", "2024-02-01T09:00:00+00:00", None, "s3"),
               record("p1b", "Part 1", "2024-02-01T18:00:00+00:00", None, "s4")]
    items = [{"guid": "ep2", "title": "Two", "date": "2024-01-08T09:00:00+00:00",
              "enclosure": {"url": "https://h.example/download.php?id=2"}},
             {"guid": "ep3", "title": "Three", "date": "2024-01-15T09:00:00+00:00",
              "enclosure": {"url": "https://h.example/download.php?id=3"}},
             {"guid": "new-part-1", "title": "Part 1", "date": "2024-02-01T12:00:00+00:00",
              "enclosure": None}]
    found = identity.match_items(items, records)
    assert {i: m.record["slug"] for i, m in found.items()} == {0: "s2"}
    # One episode, one key: a moved host with a tracking prefix still matches.
    moved = [{"guid": "new-1", "title": "One!", "date": None,
              "enclosure": {"url": "https://op3.dev/e/h.example/download.php?id=1"}}]
    assert identity.match_items(moved, records[:1])[0].how == identity.BY_ENCLOSURE
