"""Feeds and hosts as they really are, synced against a real host on 127.0.0.1: a moved feed, a
changed guid, a folder written by the previous version, messy enclosure URLs, throttling, a
re-upload in the middle of a download, broken publisher transcripts and a private feed URL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jiwer
import pytest
from whisper_normalizer.english import EnglishTextNormalizer

from companion import cli
from companion.pipeline import sync
from episode_records import episode_records
from podcast_server import rss

DATA = Path(__file__).parent / "data"
AUDIO = DATA / "audio"
VTT = (DATA / "transcripts" / "example.vtt").read_bytes()
JFK = ("And so, my fellow Americans, ask not what your country can do for you; "
       "ask what you can do for your country.")


def records(root: Path) -> list[dict]:
    return episode_records(root / "episodes")


def by_guid(root: Path) -> dict[str, dict]:
    return {r["guid"]: r for r in records(root)}


def wer(reference: str, text: str) -> float:
    normalise = EnglishTextNormalizer()
    return jiwer.wer(normalise(reference), normalise(text))


def test_moved_feed_and_changed_guids_keep_every_episode(project, host, capsys) -> None:
    """The show moves host: the old feed points to the new one (itunes:new-feed-url), the new
    feed reads its guids relative to another address, one episode's guid is replaced, and its
    enclosure URL is spelt differently (raw vs percent-encoded, a query string added); a new
    episode is throttled (Retry-After) and re-uploaded in the middle of its download."""
    host.add("media/Épisode b.wav", source=AUDIO / "jfk.wav")
    transcript = host.add("a.vtt", VTT)
    old_items = [
        {"title": "Episode A", "guid": "episode-a", "permalink": True,
         "date": "Mon, 01 Jan 2024 09:00:00 +0000", "audio": f"{host.url}/never-a.mp3",
         "transcripts": [{"url": transcript, "type": "text/vtt"}]},
        {"title": "Episode B", "guid": "b-on-the-old-host", "permalink": True,
         "date": "Tue, 02 Jan 2024 09:00:00 +0000", "audio": f"{host.url}/media/Épisode b.wav"},
    ]
    old_feed = host.add("old/feed.xml", rss(old_items).encode())
    assert cli.main(["sync", "--feed", old_feed]) == 0
    first = by_guid(project)
    assert set(first) == {"episode-a", "b-on-the-old-host"}          # guids as written
    slug_b = first["b-on-the-old-host"]["slug"]
    folder_b = project / "episodes" / slug_b
    assert wer(JFK, (folder_b / "transcript.txt").read_text()) < 0.15
    fixes = "replace:\n  - find: country\n    with: nation\n"
    (folder_b / "corrections.yml").write_text(fixes)

    # The new host also has a new episode: throttled at first, then re-uploaded while we download.
    c_audio = host.add("media/c.wav", source=AUDIO / "sense_and_sensibility_01_austen_64kb-0880.wav")
    host.faults.throttle["/media/c.wav"] = [1, 1]
    host.faults.truncate["/media/c.wav"] = 1
    host.faults.reupload["/media/c.wav"] = (AUDIO / "jfk.wav").read_bytes()
    new_items = [dict(old_items[0]),
                 dict(old_items[1], guid="b-on-the-new-host",
                      audio=f"{host.url}/media/%C3%89pisode%20b.wav?from=new-host"),
                 {"title": "Episode C", "guid": "c", "date": "Wed, 03 Jan 2024 09:00:00 +0000",
                  "audio": c_audio}]
    new_feed = host.add("new/podcast/feed.xml", rss(new_items).encode())
    host.add("old/feed.xml", rss(old_items, new_feed_url=new_feed).encode())
    seen = len(host.headers_seen)
    capsys.readouterr()
    assert cli.main(["sync", "--feed", old_feed]) == 0
    err = capsys.readouterr().err

    after = records(project)
    assert len(after) == 3 and len(list((project / "episodes").iterdir())) == 3
    now = {r["guid"]: r for r in after}
    assert set(now) == {"episode-a", "b-on-the-new-host", "c"}
    text_c = (project / "episodes" / now["c"]["slug"] / "transcript.txt").read_text()
    assert wer(JFK, text_c) < 0.15, text_c                   # the re-upload, never a splice
    assert now["b-on-the-new-host"]["slug"] == slug_b
    assert now["b-on-the-new-host"]["guids"] == ["b-on-the-old-host", "b-on-the-new-host"]
    assert (folder_b / "corrections.yml").read_text() == fixes
    assert "nation" in (folder_b / "transcript.txt").read_text()
    # B's host is only asked whether its file changed (a one-byte conditional request)
    fetched = {p for p, h in host.headers_seen[seen:] if h.get("Range") != "bytes=0-0"}
    assert fetched == {"/old/feed.xml", "/new/podcast/feed.xml", "/media/c.wav"}, \
        "nothing downloaded again but the new episode"
    assert "feed moved" in err and "mkdocs.yml" in " ".join(err.split())
    assert "changed this episode's guid" in err


def test_episodes_written_by_the_previous_version_are_recognised(project, host) -> None:
    """episodes/ as the previous version wrote it (guids resolved against the old feed address),
    synced from a feed at a new address: every episode is found, none made twice."""
    shutil.copytree(DATA / "migration" / "episodes", project / "episodes")
    for path in (project / "episodes").rglob("*"):
        if path.is_file():
            path.write_text(path.read_text().replace("__BASE__", host.url))
    before = {p.name: (p / "transcript.json").read_bytes() if (p / "transcript.json").is_file()
              else None for p in (project / "episodes").iterdir()}
    (project / "episodes" / "2024-01-01-episode-a" / "corrections.yml").write_text(
        "replace:\n  - find: episode\n    with: show\n")
    host.add("a.vtt", VTT)
    host.add("jfk.wav")
    feed = (DATA / "migration" / "feed.xml").read_text().replace("__BASE__", host.url)
    assert cli.main(["sync", "--feed", host.add("moved/feed.xml", feed.encode())]) == 0
    folders = sorted(p.name for p in (project / "episodes").iterdir())
    assert folders == sorted(before)
    now = by_guid(project)
    assert set(now) == {"episode-a", "https://example.org/episodes/b", "episode c"}
    assert now["episode-a"]["guids"] == [f"{host.url}/old/episode-a", "episode-a"]
    assert now["episode c"]["slug"] == "2024-01-03-episode-c-text-only"
    assert host.requests["/jfk.wav"] == 0 and host.requests["/a.vtt"] == 0   # nothing redone
    text = (project / "episodes" / "2024-01-01-episode-a" / "transcript.txt").read_text()
    assert "In today's show" in text                            # corrections kept and applied


def test_reupload_in_the_middle_of_a_download_gives_the_new_files_transcript(project, host) -> None:
    url = host.add("ep.wav", source=DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav")
    host.faults.truncate["/ep.wav"] = 1                # the connection drops a third of the way
    host.faults.reupload["/ep.wav"] = (AUDIO / "jfk.wav").read_bytes()   # and the host re-uploads
    host.faults.ignore_if_range = True                 # and then serves Range without If-Range
    items = [{"title": "Re-uploaded", "guid": "r1", "audio": url,
              "date": "Mon, 01 Jan 2024 09:00:00 +0000"}]
    assert cli.main(["sync", "--feed", host.add("feed.xml", rss(items).encode())]) == 0
    record = by_guid(project)["r1"]
    text = (project / "episodes" / record["slug"] / "transcript.txt").read_text()
    assert wer(JFK, text) < 0.15, text
    assert record["duration"] == pytest.approx(11, abs=0.1)


def test_one_broken_publisher_transcript_or_throttled_host_affects_only_its_episode(
        project, host, capsys, monkeypatch) -> None:
    audio = host.add("jfk.wav")
    no_end = {"version": "1.0.0", "segments": [
        {"speaker": "Host", "startTime": 0.3, "body": "And so, my fellow Americans,"},
        {"speaker": "Host", "startTime": 3.1, "body": "ask not what your country can do for you,"}]}
    items = [
        {"title": "Broken JSON", "guid": "broken", "audio": audio,
         "date": "Mon, 01 Jan 2024 09:00:00 +0000",
         "transcripts": [{"url": host.add("broken.json", b'{"segments": [{"body": '),
                          "type": "application/json"}]},
        {"title": "No endTime", "guid": "no-end", "audio": f"{host.url}/never.mp3",
         "date": "Tue, 02 Jan 2024 09:00:00 +0000", "duration": "0:11",
         "transcripts": [{"url": host.add("t.json", json.dumps(no_end).encode()),
                          "type": "application/json"}]},
        {"title": "Throttled", "guid": "throttled",
         "audio": host.add("slow.mp3", source=AUDIO / "jfk.wav"),
         "date": "Wed, 03 Jan 2024 09:00:00 +0000"},
        {"title": "Surprise", "guid": "surprise", "date": "Thu, 04 Jan 2024 09:00:00 +0000",
         "transcripts": [{"url": host.add("s.vtt", VTT), "type": "text/vtt"}]},
    ]
    host.faults.throttle["/slow.mp3"] = [1, 7200]
    feed = host.add("feed.xml", rss(items).encode())
    # An unexpected exception inside one episode's work (a bug, a disk error): only that episode fails.
    real_write = sync.write_outputs

    def write_outputs(folder: Path, *args):
        if folder.name.endswith("surprise"):
            raise RuntimeError("disk on fire")
        return real_write(folder, *args)

    monkeypatch.setattr(sync, "write_outputs", write_outputs)
    assert cli.main(["sync", "--feed", feed]) == 1
    err = " ".join(capsys.readouterr().err.split())
    now = by_guid(project)
    broken = now["broken"]
    assert broken["status"] == "transcribed" and broken["model"] == "tiny.en"
    assert "broken.json" in broken["publisher_warning"] and "the audio is transcribed instead" in err
    assert wer(JFK, (project / "episodes" / broken["slug"] / "transcript.txt").read_text()) < 0.15
    segments = json.loads((project / "episodes" / now["no-end"]["slug"] / "transcript.json")
                          .read_text())["segments"]
    assert [(s["startTime"], s["endTime"]) for s in segments] == [(0.3, 3.1), (3.1, 11.0)]
    throttled = now["throttled"]
    assert throttled["status"] == "failed" and "asked to be asked again after" in throttled["error"]
    assert host.requests["/slow.mp3"] == 1
    surprise = now["surprise"]
    assert surprise["status"] == "failed" and "RuntimeError: disk on fire" in surprise["error"]
    log = (project / ".cache" / "logs" / "sync-errors.log").read_text()
    assert "Traceback" in log and "disk on fire" in log
    monkeypatch.setattr(sync, "write_outputs", real_write)
    assert cli.main(["sync", "--feed", feed]) == 0                # the next run retries both
    assert {r["status"] for r in records(project)} == {"transcribed"}


def test_a_private_feed_url_never_lands_on_disk_or_in_output(project, host, capsys,
                                                             monkeypatch) -> None:
    token = "s3cr3t-T0KEN-4f9a"
    host.add("private/jfk.wav", source=AUDIO / "jfk.wav")
    items = [{"title": "Members only", "guid": "m1", "date": "Mon, 01 Jan 2024 09:00:00 +0000",
              "transcripts": [{"url": host.add("m.vtt", VTT), "type": "text/vtt"}]},
             # premium hosts put the listener's token in the audio URLs too
             {"title": "Members audio", "guid": "m2", "date": "Tue, 02 Jan 2024 09:00:00 +0000",
              "audio": f"{host.url}/private/jfk.wav?auth={token}"},
             {"title": "Members gone", "guid": "m3", "date": "Wed, 03 Jan 2024 09:00:00 +0000",
              "audio": f"{host.url}/private/gone.mp3?auth={token}"}]
    host.add("private/feed.xml", rss(items, new_feed_url=f"{host.url}/private/v2?auth={token}x")
             .encode())
    host.add("private/v2", rss(items).encode())
    monkeypatch.setenv(sync.FEED_ENV, f"{host.url}/private/feed.xml?auth={token}")
    assert cli.main(["sync"]) == 1                                 # m3's audio is gone
    assert cli.main(["sync"]) == 1                                 # the 304 path too
    monkeypatch.setenv(sync.FEED_ENV, f"{host.url}/private/gone.xml?auth={token}")
    assert cli.main(["sync"]) == 2
    out = capsys.readouterr()
    assert "$COMPANION_FEED" in out.err and "gone.mp3" in out.err and "COMPANION_FEED secret" in out.err
    assert token not in out.out + out.err
    now = by_guid(project)
    assert now["m1"]["status"] == now["m2"]["status"] == "transcribed"
    assert "404" in now["m3"]["error"] and "$COMPANION_FEED" in now["m3"]["error"]
    assert now["m2"]["enclosure"]["url"].endswith("/private/jfk.wav?auth=$COMPANION_FEED")
    cached_feed = project / ".cache" / sync.FEED_CACHE_FILE   # the feed's own body (git-ignored)
    for path in project.rglob("*"):
        if path.is_file() and path != cached_feed:
            assert token.encode() not in path.read_bytes(), path


def test_a_hand_broken_episode_json_fails_only_its_episode(project, capsys) -> None:
    # The identity pass reads every episode.json before any episode is synced: one that is not
    # JSON, not an object, or has fields of the wrong type must fail its own episode only.
    items = [{"title": t, "guid": g, "date": f"Mon, 0{n} Jan 2024 09:00:00 +0000"}
             for n, (t, g) in enumerate([("One", "g1"), ("Two", "g2"), ("Three", "g3"),
                                         ("Four", "g4")], 1)]
    feed_file = project / "feed.xml"
    feed_file.write_text(rss(items))
    assert cli.main(["sync", "--feed", str(feed_file)]) == 0
    folders = {r["guid"]: project / "episodes" / r["slug"] for r in records(project)}
    (folders["g1"] / "episode.json").write_text("{ not json")
    (folders["g2"] / "episode.json").write_text("[1, 2]")
    odd = json.loads((folders["g3"] / "episode.json").read_text())
    odd.update(title=7, date=20240103, enclosure="https://h.example/3.mp3")
    (folders["g3"] / "episode.json").write_text(json.dumps(odd))
    items.append({"title": "Five", "guid": "g5", "date": "Fri, 05 Jan 2024 09:00:00 +0000"})
    feed_file.write_text(rss(items))
    capsys.readouterr()
    assert cli.main(["sync", "--feed", str(feed_file)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert len(list((project / "episodes").iterdir())) == 5          # no second folder for any
    assert (folders["g1"] / "episode.json").read_text() == "{ not json"   # the maintainer's file
    readable = [json.loads(f.read_text()) for f in (project / "episodes").glob("*/episode.json")
                if f.parent not in (folders["g1"], folders["g2"])]
    assert {r["guid"]: r["title"] for r in readable} == {"g3": "Three", "g4": "Four", "g5": "Five"}


def test_a_private_feed_that_moves_to_a_new_token_hides_the_new_one_too(project, host, capsys,
                                                                        monkeypatch) -> None:
    # itunes:new-feed-url of a private feed is itself a private URL, often with a fresh token
    # that its items carry too (show-note links, transcript and audio URLs).
    old, new = "0ldT0ken-aaaa-1111", "n3wT0ken-bbbb-2222"
    items = [{"title": "Members notes", "guid": "n1", "date": "Mon, 01 Jan 2024 09:00:00 +0000",
              "notes": f'<a href="https://members.example/account?auth={new}">account</a>'},
             {"title": "Members transcript", "guid": "n2",
              "date": "Tue, 02 Jan 2024 09:00:00 +0000",
              "transcripts": [{"url": f"{host.url}/private/gone.vtt?auth={new}",
                               "type": "text/vtt"}]}]
    host.add("private/feed.xml", rss([], new_feed_url=f"{host.url}/private/v2?auth={new}").encode())
    host.add("private/v2", rss(items).encode())
    monkeypatch.setenv(sync.FEED_ENV, f"{host.url}/private/feed.xml?auth={old}")
    assert cli.main(["sync"]) == 1                                 # n2 has neither text nor audio
    out = capsys.readouterr()
    assert "gone.vtt" in out.err and "COMPANION_FEED secret" in out.err
    assert new not in out.out + out.err and old not in out.out + out.err
    cached_feed = project / ".cache" / sync.FEED_CACHE_FILE
    for path in project.rglob("*"):
        if path.is_file() and path != cached_feed:
            assert new.encode() not in path.read_bytes(), path


def test_a_publisher_transcript_nested_too_deep_is_a_warning_not_a_crash(project, host) -> None:
    # json.loads raises RecursionError (not ValueError) on deeply nested input: still "cannot be
    # read, the audio is transcribed instead", not an unexpected error of the episode.
    items = [{"title": "Deep", "guid": "deep", "date": "Mon, 01 Jan 2024 09:00:00 +0000",
              "transcripts": [{"url": host.add("deep.json", b"[" * 200_000),
                               "type": "application/json"}]}]
    assert cli.main(["sync", "--feed", host.add("feed.xml", rss(items).encode())]) == 1
    deep = by_guid(project)["deep"]
    assert "deep.json could not be read" in deep["publisher_warning"]
    assert "unexpected error" not in deep["error"]


def test_damaged_cache_files_never_stop_a_run(project, host, tmp_path) -> None:
    # .cache/ holds only caches: a feed-state.json or speed.json that is not what we wrote
    # (a disk filled mid-write by another tool, a hand edit) means starting that cache again.
    from companion.pipeline import budget

    items = [{"title": "One", "guid": "g1", "date": "Mon, 01 Jan 2024 09:00:00 +0000"}]
    feed = host.add("feed.xml", rss(items).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    for damaged in ("{ not json", "[1, 2]"):
        (project / ".cache" / sync.FEED_STATE_FILE).write_text(damaged)
        assert cli.main(["sync", "--feed", feed]) == 0
    speeds = tmp_path / budget.SPEED_FILE
    speeds.write_text("[1, 2]")
    budget.save_measured(tmp_path, "tiny.en", 60.0, 6.0)
    assert budget.load_measured(tmp_path, "tiny.en") == 10.0


def test_a_new_feed_url_that_is_the_same_feed_or_a_loop_is_no_move(project, host, capsys) -> None:
    # A feed naming itself (spelt differently) or two feeds naming each other: telling the
    # maintainer to "move" to the address they already use, or back and forth, helps nobody.
    items = [{"title": "One", "guid": "g1", "date": "Mon, 01 Jan 2024 09:00:00 +0000"}]
    a, b = f"{host.url}/a/feed.xml", f"{host.url}/b/feed.xml"
    host.add("self/feed.xml", rss(items, new_feed_url=f" HTTP://{host.url[7:]}/self/feed.xml ")
             .encode())
    host.add("a/feed.xml", rss(items, new_feed_url=b).encode())
    host.add("b/feed.xml", rss(items, new_feed_url=a).encode())
    capsys.readouterr()
    assert cli.main(["sync", "--feed", f"{host.url}/self/feed.xml"]) == 0
    assert "feed moved" not in capsys.readouterr().err
    assert cli.main(["sync", "--feed", a]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "feed moved" not in err and "name each other" in err
    assert len(records(project)) == 1
    # and a move to an address that does not answer is said, not kept in the report unseen
    host.add("c/feed.xml", rss(items, new_feed_url=f"{host.url}/gone/feed.xml").encode())
    assert cli.main(["sync", "--feed", f"{host.url}/c/feed.xml"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "new address cannot be used" in err and "404" in err


@pytest.mark.parametrize("moved_to", [[], [{"title": "Another show", "guid": "x1",
                                               "date": "Mon, 01 Jan 2024 09:00:00 +0000"}]])
def test_a_new_feed_url_to_an_empty_feed_or_another_podcast_is_no_move(project, host, capsys,
                                                                        moved_to) -> None:
    # pyther/podfeed#5: a station pointed its feeds at incomplete new ones for a few hours.
    # Followed, every episode was marked gone and the maintainer told to set the empty address.
    items = [{"title": f"Ep {n}", "guid": f"g{n}", "date": f"Mon, 0{n} Jan 2024 09:00:00 +0000"}
             for n in (1, 2)]
    host.add("new/feed.xml", rss(moved_to).encode())
    host.add("feed.xml", rss(items, new_feed_url=f"{host.url}/new/feed.xml").encode())
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "feed moved" not in err and "read the old one" in err
    assert "no episodes" in err if not moved_to else "none of its episodes" in err
    assert sorted((r["guid"], r["in_feed"]) for r in records(project)) == [("g1", True), ("g2", True)]


def test_a_feed_that_suddenly_lists_no_episode_marks_none_gone(project, host, capsys) -> None:
    # commafeed#1010: a big show's feed served empty for a while, then whole again.
    items = [{"title": f"Ep {n}", "guid": f"g{n}", "date": f"Mon, 0{n} Jan 2024 09:00:00 +0000"}
             for n in (1, 2)]
    host.add("feed.xml", rss(items).encode())
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    host.add("feed.xml", rss([]).encode())
    capsys.readouterr()
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 1
    assert "lists no episodes at all, where it listed 2" in " ".join(capsys.readouterr().err.split())
    assert [r["in_feed"] for r in records(project)] == [True, True]
    host.add("feed.xml", rss(items[:1]).encode())       # whole again, one withdrawn: said as ever
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert sorted((r["guid"], r["in_feed"]) for r in records(project)) == [("g1", True), ("g2", False)]


def test_an_episodes_date_is_stable_when_the_feed_rewrites_its_zone(project, host) -> None:
    """AntennaPod#4219-like churn: hosts (and this tool's earlier versions, which kept UTC) write
    one moment in another zone; the episode's day, shown and cited, must not move. A real change
    of the moment is taken."""
    def feed(date: str) -> str:
        return host.add("feed.xml", rss([{"title": "Late night", "guid": "z1", "date": date}]).encode())

    assert cli.main(["sync", "--feed", feed("Tue, 01 Dec 2026 06:30:00 +0000")]) == 0
    first = by_guid(project)["z1"]["date"]
    assert first.startswith("2026-12-01")
    assert cli.main(["sync", "--feed", feed("Mon, 30 Nov 2026 22:30:00 -0800")]) == 0
    assert by_guid(project)["z1"]["date"] == first
    assert cli.main(["sync", "--feed", feed("Wed, 02 Dec 2026 06:30:00 +0000")]) == 0
    assert by_guid(project)["z1"]["date"].startswith("2026-12-02")


def test_untyped_enclosures_are_asked_what_they_are(project, host) -> None:
    """Clementine#5934, AntennaPod#2074: enclosures with no type and no file extension. The host
    is asked (headers of a one-byte request) and the audio is downloaded, not the web page
    listed first; an item whose only file is a web page fails saying so, body unread."""
    host.add("play/42", b"<!DOCTYPE html><html><title>Listen</title></html>" + b" " * 500_000)
    host.add("download/42", source=AUDIO / "jfk.wav")
    host.faults.types.update({"/play/42": "text/html; charset=utf-8", "/download/42": "audio/wav"})
    feed = rss([{"title": "Untyped", "guid": "u1", "date": "Mon, 01 Jan 2024 09:00:00 +0000"},
                {"title": "Only a page", "guid": "u2", "date": "Tue, 02 Jan 2024 09:00:00 +0000"}])
    feed = feed.replace("</item>", f'<enclosure url="{host.url}/play/42"/>'
                        f'<enclosure url="{host.url}/download/42" type=""/></item>', 1)
    feed = feed.replace("<title>Only a page</title>",
                        f'<title>Only a page</title><enclosure url="{host.url}/play/42"/>')
    assert cli.main(["sync", "--feed", host.add("feed.xml", feed.encode())]) == 1
    now = by_guid(project)
    assert now["u1"]["status"] == "transcribed"
    assert wer(JFK, (project / "episodes" / now["u1"]["slug"] / "transcript.txt").read_text()) < 0.2
    assert "not audio" in now["u2"]["error"] and "text/html" in now["u2"]["error"]
    ranges = [h.get("Range") for p, h in host.headers_seen if p == "/play/42"]
    assert ranges and set(ranges) == {"bytes=0-0"}          # the page was only ever asked about
    # Transcribed again from the cached audio: its host is not asked again what it serves.
    asked = sum(p == "/download/42" for p, _h in host.headers_seen)
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml", "--retranscribe"]) == 1
    assert by_guid(project)["u1"]["status"] == "transcribed"
    assert sum(p == "/download/42" for p, _h in host.headers_seen) == asked
