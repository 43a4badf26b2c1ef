"""`companion sync` end to end: a real feed and real audio from 127.0.0.1, the real model."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import jiwer
import pytest
from filelock import FileLock
from whisper_normalizer.english import EnglishTextNormalizer

from companion import cli
from companion.episode import Episode
from companion.pipeline import repetition, store
from companion.pipeline.audio import ffmpeg as audio_ffmpeg
from companion.site.episode_html import player_html
from episode_records import episode_records
from podcast_server import rss

pytestmark = pytest.mark.model
DATA = Path(__file__).parent / "data"


def episode_files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns
            for p in sorted((root / "episodes").rglob("*")) if p.is_file()}


def records(root: Path) -> dict[str, dict]:
    return {e["guid"]: e for e in episode_records(root / "episodes")}


def publish(host, items: list[dict], name: str = "feed.xml") -> str:
    return host.add(name, rss(items).encode())


def good_items(host) -> list[dict]:
    return [
        {"title": "Sonnet one", "guid": "ep-1", "date": "Mon, 01 Jan 2024 09:00:00 +0000",
         "audio": host.add("sonnet001.mp3"), "duration": "0:36", "episode": 1},   # 53.3 s
        {"title": "Inaugural", "guid": "ep-2", "date": "Tue, 02 Jan 2024 09:00:00 +0000",
         "audio": host.add("jfk.wav"), "episode": 2, "notes": "<p>Notes <b>bold</b></p>"},
    ]


def test_sync_transcribes_reports_broken_episodes_and_exits_1(project, host, capsys,
                                                              references) -> None:
    corrupt = (DATA / "audio" / "sonnet002.mp3").read_bytes()[:3000] + os.urandom(300_000)
    items = good_items(host) + [
        {"title": "Gone", "guid": "ep-404", "date": "Wed, 03 Jan 2024 09:00:00 +0000",
         "audio": f"{host.url}/missing.mp3"},
        {"title": "Corrupt", "guid": "ep-bad", "date": "Thu, 04 Jan 2024 09:00:00 +0000",
         "audio": host.add("corrupt.mp3", corrupt)},
        {"title": "Text only", "guid": "ep-text", "date": "Fri, 05 Jan 2024 09:00:00 +0000"},
    ]
    assert cli.main(["sync", "--feed", publish(host, items)]) == 1
    err = capsys.readouterr().err
    assert "Gone" in err and "404" in err and "Corrupt" in err and "damaged" in err

    eps = records(project)
    assert eps["ep-1"]["status"] == eps["ep-2"]["status"] == "transcribed"
    assert eps["ep-404"]["status"] == "failed" and "404" in eps["ep-404"]["error"]
    assert eps["ep-bad"]["status"] == "failed" and "damaged" in eps["ep-bad"]["error"]
    assert eps["ep-text"]["status"] == "no-audio"
    assert eps["ep-1"]["model"] == "tiny.en" and eps["ep-1"]["schema"] == store.SCHEMA_VERSION
    # The file is the truth: the length transcribed, not the feed's wrong 0:36, said in a warning.
    assert eps["ep-1"]["duration"] == pytest.approx(53.3, abs=0.1) and eps["ep-1"]["duration_measured"]
    assert eps["ep-2"]["duration"] == pytest.approx(11, abs=0.1)
    assert any("declares 36 s (itunes:duration)" in w for w in eps["ep-1"]["audio_warnings"])
    assert "declares 36 s (itunes:duration)" in " ".join(err.split())
    player = player_html(Episode.from_json(eps["ep-1"]))
    assert "Length <time" in player and ">0:53</time>" in player and "0:36" not in player
    assert eps["ep-1"]["enclosure"]["url"].endswith("/sonnet001.mp3")

    folder = project / "episodes" / eps["ep-1"]["slug"]
    text = (folder / "transcript.txt").read_text()
    normalise = EnglishTextNormalizer()
    assert jiwer.wer(normalise(references["sonnet001.mp3"]), normalise(text)) < 0.15
    document = json.loads((folder / "transcript.json").read_text())
    assert document["version"] == "1.0.0" and document["segments"][0]["words"]
    assert (folder / "transcript.vtt").read_text().startswith("WEBVTT")
    assert (folder / "transcript.srt").read_text().startswith("1\n")
    assert (folder / "corrections.yml").is_file()
    assert not list((project / "episodes").rglob("*.tmp"))

    # The second run retries only the broken episodes and rewrites nothing.
    before, seen = episode_files(project), dict(host.requests)
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 1
    assert episode_files(project) == before
    again = {path: n - seen.get(path, 0) for path, n in host.requests.items() if n - seen.get(path, 0)}
    assert again == {"/feed.xml": 1, "/missing.mp3": 1, "/corrupt.mp3": 1}


def test_second_run_fetches_and_rewrites_nothing(project, host) -> None:
    feed = publish(host, good_items(host))
    assert cli.main(["sync", "--feed", feed]) == 0
    before, requests_before = episode_files(project), sum(host.requests.values())
    assert cli.main(["sync", "--feed", feed]) == 0
    assert episode_files(project) == before
    assert sum(host.requests.values()) - requests_before == 1      # the feed, answered 304
    assert host.log[-1].endswith("304")


def test_failed_episode_is_retried_and_resumes_a_truncated_download(project, host) -> None:
    items = good_items(host)[:1]
    host.faults.status["/sonnet001.mp3"] = 500
    feed = publish(host, items)
    assert cli.main(["sync", "--feed", feed]) == 1
    del host.faults.status["/sonnet001.mp3"]
    host.faults.truncate["/sonnet001.mp3"] = 1         # cut mid-body once, then serve Range
    assert cli.main(["sync", "--feed", feed]) == 0
    assert records(project)["ep-1"]["status"] == "transcribed"
    assert any(h.get("Range") for p, h in host.headers_seen if p == "/sonnet001.mp3")


def test_corrections_survive_retranscribe(project, host) -> None:
    feed = publish(host, good_items(host))
    assert cli.main(["sync", "--feed", feed]) == 0
    slug = records(project)["ep-2"]["slug"]
    folder = project / "episodes" / slug
    fixes = ("replace:\n  - find: country\n    with: nation\n"
             "speakers:\n  - from: 0\n    to: 60\n    name: John F. Kennedy\n")
    (folder / "corrections.yml").write_text(fixes)
    assert cli.main(["sync", "--feed", feed]) == 0              # re-applied without the model
    for args in (["--retranscribe"], []):
        assert cli.main(["sync", "--feed", feed, *args]) == 0
        assert (folder / "corrections.yml").read_text() == fixes
        assert "nation" in (folder / "transcript.txt").read_text()
        assert "country" not in (folder / "transcript.txt").read_text()
        assert "country" in (folder / "transcript.raw.json").read_text()
        assert "<v John F. Kennedy>" in (folder / "transcript.vtt").read_text()
        segments = json.loads((folder / "transcript.json").read_text())["segments"]
        assert all(s["speaker"] == "John F. Kennedy" for s in segments)


def test_an_episode_re_uploaded_with_other_audio_is_transcribed_again(project, host,
                                                                     capsys) -> None:
    """A publisher fixes an episode and re-uploads it under the same guid (podcast-namespace#122,
    castget#67), here at the same address; the feed declares the new length. The transcript was
    of the old audio, its times wrong for the player; now it is of the new one, the maintainer's
    corrections applied to it. A second run does nothing more; a feed that only moves the audio
    to another address (a host's move, same length) is not transcribed again."""
    audio = host.add("ep.wav", source=DATA / "audio" / "jfk.wav")
    feed = publish(host, [{"title": "Fixed later", "guid": "r1", "audio": audio, "duration": "11"}])
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["r1"]["slug"]
    (folder / "corrections.yml").write_text("replace:\n  - find: young man\n    with: YOUNG MAN\n")
    host.add("ep.wav", source=DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav")
    publish(host, [{"title": "Fixed later", "guid": "r1", "audio": audio, "duration": "3"}])
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "re-uploaded" in " ".join(capsys.readouterr().err.split())
    text = (folder / "transcript.txt").read_text()
    assert "YOUNG MAN" in text and "country" not in text
    record = records(project)["r1"]
    assert record["audio_replaced"] is None and record["coverage"]["audio_s"] == pytest.approx(3, abs=0.1)
    moved = host.add("cdn/ep.wav", source=DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav")
    publish(host, [{"title": "Fixed later", "guid": "r1", "audio": moved, "duration": "3"}])
    before = episode_files(project)
    assert cli.main(["sync", "--feed", feed]) == 0
    assert host.requests["/cdn/ep.wav"] == 0
    assert {k: v for k, v in episode_files(project).items() if "transcript" in k} == {
        k: v for k, v in before.items() if "transcript" in k}


def test_a_re_upload_at_the_same_address_and_length_is_told_by_the_hosts_etag(project, host,
                                                                              capsys) -> None:
    """A publisher fixes an episode and re-uploads it at the same address, and the feed still
    declares the same length: only the host's ETag tells (castget#67, podcast-namespace#122).
    On a run whose feed changed, a conditional one-byte request asks; the new audio is
    transcribed with the maintainer's corrections, and the chapters at the same address are
    fetched again (the old ones pointed into audio that is gone). A later run with the host
    answering 304 changes nothing."""
    audio = host.add("ep.wav", source=DATA / "audio" / "jfk.wav")
    chapters = host.add("c.json", b'{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Old cut"}]}')
    item = {"title": "Fixed in place", "guid": "e1", "audio": audio, "duration": "11"}

    def publish_with_chapters(items: list[dict]) -> str:
        text = rss(items).replace("</item>", f'<podcast:chapters url="{chapters}" '
                                  'type="application/json+chapters"/></item>', 1)
        return host.add("feed.xml", text.encode())

    feed = publish_with_chapters([item])
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["e1"]["slug"]
    (folder / "corrections.yml").write_text("replace:\n  - find: young man\n    with: YOUNG MAN\n")
    host.add("ep.wav", source=DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav")
    host.add("c.json", b'{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "New cut"}]}')
    news = {"title": "News", "guid": "n1", "date": "Mon, 01 Jan 2024 09:00:00 +0000"}
    publish_with_chapters([item, news])                 # the feed changed: a text-only item
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "another file at the episode's audio address" in " ".join(capsys.readouterr().err.split())
    text = (folder / "transcript.txt").read_text()
    assert "YOUNG MAN" in text and "country" not in text
    assert "New cut" in (folder / "chapters.json").read_text()
    record = records(project)["e1"]
    assert record["audio_replaced"] is None and not record["audio_validators"].get("changed")
    before = episode_files(project)
    publish_with_chapters([item, news | {"title": "News, again"}])
    assert cli.main(["sync", "--feed", feed]) == 0
    assert {k: v for k, v in episode_files(project).items() if "e1" in k or "fixed" in k} == {
        k: v for k, v in before.items() if "e1" in k or "fixed" in k}
    asked = [h for path, h in host.headers_seen if path == "/ep.wav"]
    assert asked[-1].get("Range") == "bytes=0-0" and asked[-1].get("If-None-Match")


def test_a_re_upload_told_only_by_the_enclosure_length_is_transcribed_again(project, host,
                                                                            capsys) -> None:
    """A feed with no itunes:duration, on a host that gives no ETag or Last-Modified: only the
    enclosure's declared length tells that the publisher re-uploaded the episode at the same
    address (89,036 -> 129,819 bytes was reported "unchanged"). A length that moves while the
    host serves the same file (a feed correcting a wrong length) is asked about, not taken for a
    re-upload; a real one is transcribed again with the maintainer's corrections."""
    old, new = DATA / "audio" / "jfk.wav", DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav"
    audio = host.add("ep.wav", source=old)
    host.faults.no_validators.add("/ep.wav")
    item = {"title": "Length only", "guid": "l1", "audio": audio, "length": old.stat().st_size}
    feed = publish(host, [item])
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["l1"]["slug"]
    (folder / "corrections.yml").write_text("replace:\n  - find: young man\n    with: YOUNG MAN\n")
    before = episode_files(project)
    publish(host, [item | {"length": old.stat().st_size + 40_000}])    # a wrong length, same file
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "re-uploaded" not in " ".join(capsys.readouterr().err.split())
    assert [h.get("Range") for p, h in host.headers_seen if p == "/ep.wav"][-1] == "bytes=0-0"
    assert {k: v for k, v in episode_files(project).items() if "transcript" in k} == {
        k: v for k, v in before.items() if "transcript" in k}
    host.add("ep.wav", source=new)
    publish(host, [item | {"length": new.stat().st_size}])
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "re-uploaded" in " ".join(capsys.readouterr().err.split())
    text = (folder / "transcript.txt").read_text()
    assert "YOUNG MAN" in text and "country" not in text
    record = records(project)["l1"]
    assert record["audio_replaced"] is None and record["declared_bytes_transcribed"] == new.stat().st_size
    assert record["duration"] == pytest.approx(3, abs=0.1)


def test_a_re_upload_that_cannot_be_fetched_keeps_the_published_transcript(project, host) -> None:
    """The feed announces a re-upload (a new length, a new address) that the host does not yet
    serve: the episode became `failed` and its page lost the transcript it had, over a host's
    hiccup. The transcript stays published, the run says what failed, and the next run tries
    the new audio again."""
    audio = host.add("first.wav", source=DATA / "audio" / "jfk.wav")
    item = {"title": "Re-uploaded", "guid": "u1", "audio": audio, "duration": "11"}
    feed = publish(host, [item])
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["u1"]["slug"]
    before = (folder / "transcript.txt").read_text()
    publish(host, [item | {"audio": f"{host.url}/second.wav", "duration": "3"}])
    assert cli.main(["sync", "--feed", feed]) == 1
    record = records(project)["u1"]
    assert record["status"] == "transcribed" and record["audio_replaced"], record
    assert "404" in record["error"] and (folder / "transcript.txt").read_text() == before
    host.add("second.wav", source=DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav")
    assert cli.main(["sync", "--feed", feed]) == 0
    record = records(project)["u1"]
    assert record["audio_replaced"] is None and record["error"] is None
    assert record["coverage"]["audio_s"] == pytest.approx(3, abs=0.1)


def test_a_length_the_feed_first_gives_or_corrects_is_no_re_upload(project, host, capsys) -> None:
    """The re-upload rule compares lengths the feed declared: a feed that gave none when the
    episode was transcribed (the length then taken from the audio) and declares a wrong one
    later, or corrects a wrong one to the audio's own, has not replaced the audio. Both started
    a whole new download and transcription, every time the feed's length moved."""
    audio = host.add("same.wav", source=DATA / "audio" / "jfk.wav")
    item = {"title": "Same audio", "guid": "s1", "audio": audio}
    feed = publish(host, [item])
    assert cli.main(["sync", "--feed", feed]) == 0
    before = episode_files(project)
    for declared in ("30", "11", "30"):        # declared at last (wrongly), corrected, broken again
        publish(host, [item | {"duration": declared}])
        assert cli.main(["sync", "--feed", feed]) == 0
        assert "re-uploaded" not in " ".join(capsys.readouterr().err.split()), declared
        record = records(project)["s1"]
        assert record["audio_replaced"] is None and record["feed_duration"] == int(declared)
        assert record["duration"] == pytest.approx(11, abs=0.1), "the length transcribed stands"
    fetched = [h.get("Range") for path, h in host.headers_seen if path == "/same.wav"]
    assert fetched.count(None) == 1, "the audio was fetched once"      # then only asked whether
    assert set(fetched[1:]) == {"bytes=0-0"}                           # it changed (a 304 each)
    assert {k: v for k, v in episode_files(project).items() if "transcript" in k} == {
        k: v for k, v in before.items() if "transcript" in k}


def test_chapters_embedded_in_the_audio_are_published_until_the_feed_gives_its_own(
        project, host, tmp_path) -> None:
    """An MP3 with ID3 chapters and no podcast:chapters: the episode gets them as chapters.json
    (what AntennaPod and audiobookshelf#1646 show); chapters the feed links later replace them."""
    meta = tmp_path / "meta.txt"
    meta.write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4000\ntitle=Ask not\n"
                    "[CHAPTER]\nTIMEBASE=1/1000\nSTART=4000\nEND=11000\ntitle=Ask what\n")
    mp3 = host.root / "chap.mp3"
    subprocess.run([audio_ffmpeg(), "-nostdin", "-v", "error", "-i", str(DATA / "audio" / "jfk.wav"),
                    "-i", str(meta), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
                    "-c:a", "libmp3lame", "-b:a", "64k", str(mp3)], check=True)
    item = {"title": "Chaptered", "guid": "ch1", "audio": f"{host.url}/chap.mp3"}
    feed = publish(host, [item])
    assert cli.main(["sync", "--feed", feed]) == 0
    record = records(project)["ch1"]
    folder = project / "episodes" / record["slug"]
    written = json.loads((folder / "chapters.json").read_text())
    assert [c["title"] for c in written["chapters"]] == ["Ask not", "Ask what"]
    assert record["chapters_source"] == "audio" and record["chapters_checked"] == "audio"
    assert cli.main(["sync", "--feed", feed]) == 0                # kept, not taken for the feed's
    assert (folder / "chapters.json").is_file()
    host.add("c.json", b'{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Feed own"}]}')
    host.add("feed.xml", rss([item]).encode().replace(
        b"</item>", f'<podcast:chapters url="{host.url}/c.json" type="application/json+chapters"/></item>'.encode()))
    assert cli.main(["sync", "--feed", feed]) == 0
    assert json.loads((folder / "chapters.json").read_text())["chapters"][0]["title"] == "Feed own"


def test_a_broken_corrections_file_changes_nothing_and_starts_no_model(project, host,
                                                                       capsys) -> None:
    """The maintainer's slip leaves the published transcript, status and record as they were,
    says where it is, exits 1; once fixed, the next sync applies it from transcript.raw.json."""
    feed = publish(host, good_items(host)[1:])
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["ep-2"]["slug"]
    published = {name: (folder / name).read_bytes() for name in
                 ("transcript.json", "transcript.vtt", "transcript.srt", "transcript.txt",
                  "transcript.html", "transcript.raw.json")}
    before = records(project)["ep-2"]
    log = capsys.readouterr().err.splitlines()     # not a terminal: progress as log lines
    assert any(re.match(r"transcribe Inaugural: 0:00 of 0:11 audio \(0%\), 0:00 so far, about "
                        r"\d+:\d\d left$", line) for line in log), log
    assert any(line.startswith("transcribe Inaugural: 0:11 of 0:11 audio (100%)") for line in log)
    shown = f"episodes/{folder.name}/corrections.yml"
    for text, says in [
            ("replace:\n  - find: country\n     with: nation\n", f"{shown}:3:10: not valid YAML"),
            ("replce:\n  - find: country\n    with: nation\n",
             f"{shown}:1:1: unknown key 'replce' (did you mean 'replace'?)"),
            ("replace:\n  - find: ''\n    with: x\n    ignore_case: true\n", "find is empty")]:
        (folder / "corrections.yml").write_text(text)
        for args in ([], ["--retranscribe"]):         # neither starts the model
            assert cli.main(["sync", "--feed", feed, *args]) == 1
            err = " ".join(capsys.readouterr().err.split())
            assert "corrections not applied" in err and says in err, err
            assert {n: (folder / n).read_bytes() for n in published} == published
            record = records(project)["ep-2"]
            assert record["corrections_error"].startswith(f"corrections not applied: {says}"
                                                          if says.startswith(shown) else "corr")
            assert {k: record[k] for k in ("status", "transcribed_at", "model", "review")} == \
                {k: before[k] for k in ("status", "transcribed_at", "model", "review")}
    (folder / "corrections.yml").write_text("replace:\n  - find: country\n    with: nation\n")
    assert cli.main(["sync", "--feed", feed]) == 0
    record = records(project)["ep-2"]
    assert "corrections_error" not in record and record["status"] == before["status"]
    assert record["transcribed_at"] == before["transcribed_at"]       # the model did not run
    assert "nation" in (folder / "transcript.txt").read_text()
    assert (folder / "transcript.raw.json").read_bytes() == published["transcript.raw.json"]


def test_a_new_episode_waits_for_its_corrections_to_be_fixed(project, host) -> None:
    """A corrections.yml already there (a merge, a hand-made folder) and broken: the episode is
    not transcribed, nor published uncorrected, until the file is fixed."""
    feed = publish(host, good_items(host)[1:])
    assert cli.main(["sync", "--feed", feed, "--time-budget", "0"]) == 3   # recorded, not done
    folder = project / "episodes" / records(project)["ep-2"]["slug"]
    (folder / "corrections.yml").write_text("speakers:\n  - from: 0\n    to: soon\n    name: JFK\n")
    assert cli.main(["sync", "--feed", feed]) == 1
    record = records(project)["ep-2"]
    assert record["status"] == "pending" and "not a time: 'soon'" in record["corrections_error"]
    assert not (folder / "transcript.raw.json").exists()
    (folder / "corrections.yml").write_text("speakers:\n  - from: 0\n    to: 60\n    name: JFK\n")
    assert cli.main(["sync", "--feed", feed]) == 0
    assert records(project)["ep-2"]["status"] == "transcribed"
    assert "<v JFK>" in (folder / "transcript.vtt").read_text()


def test_hostile_feed_text_never_reaches_a_path(project, host) -> None:
    audio = host.add("jfk.wav")
    items = [
        {"title_xml": "&lt;script&gt;alert(1)&lt;/script&gt;{{ config }} {% include x %}",
         "guid": "h1", "audio": audio, "date": "Mon, 01 Jan 2024 09:00:00 +0000"},
        {"title": "../../../../etc/passwd", "guid": "../../h2", "audio": audio},
        {"title": "😀 Emoji only 😀", "guid": "h3", "audio": audio},
        {"title": "Same guid twice", "guid": "h3", "audio": audio},
        {"title": "No guid at all", "guid": None, "audio": f"{host.url}/jfk.wav?v=2"},
    ]
    assert cli.main(["sync", "--feed", publish(host, items)]) == 0
    episodes = project / "episodes"
    for path in project.rglob("*"):
        assert path.resolve().is_relative_to(project.resolve())
    names = sorted(p.name for p in episodes.iterdir())
    assert len(names) == 4
    assert all(n.replace("-", "").isalnum() and n.isascii() for n in names)
    titles = {e["title"] for e in records(project).values()}
    assert "{{ config }} {% include x %}" in titles     # kept as text for the site to escape


def test_publisher_transcript_is_imported_instead_of_transcribing(project, host) -> None:
    vtt = host.add("ep.vtt", (DATA / "transcripts" / "example.vtt").read_bytes())
    items = [{"title": "Has a transcript", "guid": "p1", "audio": f"{host.url}/never.mp3",
              "transcripts": [{"url": vtt, "type": "text/vtt"}]}]
    assert cli.main(["sync", "--feed", publish(host, items)]) == 0
    record = records(project)["p1"]
    assert record["model"] == "publisher" and record["status"] == "transcribed"
    assert host.requests["/never.mp3"] == 0
    segments = json.loads((project / "episodes" / record["slug"] / "transcript.json").read_text())
    assert segments["segments"][0]["speaker"] == "Sarah"


@pytest.mark.parametrize("name, declared", [
    ("example.srt", "text/plain"),           # podstr#7: every transcript declared text/plain
    ("example.vtt", "plain/txt"),            # anytime_podcast_player#102 (Mixxio)
    ("example.json", ""),
])
def test_a_publisher_transcript_declared_as_plain_text_is_read_by_its_content(
        project, host, name: str, declared: str) -> None:
    url = host.add(name, (DATA / "transcripts" / name).read_bytes())
    items = [{"title": "Mislabelled", "guid": "m1", "audio": f"{host.url}/never.mp3",
              "transcripts": [{"url": url, "type": declared}]}]
    assert cli.main(["sync", "--feed", publish(host, items)]) == 0
    record = records(project)["m1"]
    assert record["model"] == "publisher" and host.requests["/never.mp3"] == 0
    text = (project / "episodes" / record["slug"] / "transcript.txt").read_text()
    assert "-->" not in text and "WEBVTT" not in text and len(text.split()) > 8


def test_the_english_transcript_is_imported_never_a_translation(project, host) -> None:
    """A feed may offer translations beside the transcript (anytime_podcast_player#102,
    `language="es"`): the English one is imported whatever its format's rank; a translation
    alone is no transcript of the audio."""
    srt = host.add("en.srt", (DATA / "transcripts" / "example.srt").read_bytes())
    spanish = host.add("es.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHola a todos\n")
    both = [{"url": spanish, "type": "text/vtt", "language": "es"},
            {"url": srt, "type": "application/x-subrip", "language": "en-US"}]
    items = [{"title": "Both", "guid": "b1", "audio": f"{host.url}/never.mp3", "transcripts": both},
             {"title": "Spanish only", "guid": "s1", "transcripts": both[:1]}]
    assert cli.main(["sync", "--feed", publish(host, items)]) == 0
    found = records(project)
    text = (project / "episodes" / found["b1"]["slug"] / "transcript.txt").read_text()
    assert found["b1"]["model"] == "publisher" and "Hola" not in text
    assert host.requests["/es.vtt"] == 0
    assert found["s1"]["status"] == "no-audio" and found["s1"]["model"] is None


def test_kill_9_mid_transcription_then_rerun_finishes(project, host) -> None:
    items = [{"title": f"Long {n}", "guid": f"k{n}", "audio": host.add(name),
              "date": f"Mon, 0{n} Jan 2024 09:00:00 +0000"}
             for n, name in ((1, "apollo11.mp3"), (2, "sonnet003.mp3"))]
    feed = publish(host, items)
    process = subprocess.Popen([sys.executable, "-m", "companion.cli", "sync", "--feed", feed],
                               cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    # Killed once the model is at work on an episode (its progress log's first line), however
    # long a busy machine took to get there; not a guessed second after the download.
    started = next((line for line in process.stderr if line.startswith("transcribe ")), None)
    assert started and process.poll() is None, "sync finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    for path in (project / "episodes").rglob("*"):
        assert not path.name.endswith(".tmp"), f"half-written file left: {path}"
        if path.suffix == ".json":
            json.loads(path.read_text())
    assert all(e["status"] != "transcribed" or (project / "episodes" / e["slug"] /
               "transcript.json").is_file() for e in records(project).values())
    assert cli.main(["sync", "--feed", feed]) == 0
    # Apollo 11 radio is English recognised badly: needs-review, for that reason alone
    assert {e["status"] for e in records(project).values()} <= set(store.HAS_TRANSCRIPT)
    assert all(e["status"] == "transcribed" or "recognised badly" in " ".join(e["review"])
               for e in records(project).values())
    # tiny.en loops on the radio ("okay," 104 times in 14 s): no run of one word said again and
    # again is published with a loop's timing (a word said four times at the pace of speech is
    # speech, and the model writes that in some runs and not others)
    apollo = json.loads((project / "episodes" / records(project)["k1"]["slug"] / "transcript.json").read_text())
    runs = [list(run) for _t, run in itertools.groupby(
        [w for s in apollo["segments"] for w in s["words"]], key=lambda w: re.sub(r"\W", "", w["body"].lower()))]
    loops = [r for r in runs if len(r) >= repetition.MIN_REPEATS and repetition.is_loop(r)]
    assert not loops, [(r[0]["body"], len(r), r[0]["startTime"], r[-1]["endTime"]) for r in loops]


def test_a_second_sync_at_once_exits_with_a_message(project, host, capsys) -> None:
    (project / ".cache").mkdir()
    with FileLock(str(project / ".cache" / "sync.lock")):
        assert cli.main(["sync", "--feed", publish(host, good_items(host))]) == 2
    assert "another `companion sync` is running" in capsys.readouterr().err


def test_feed_level_errors_exit_2_with_what_to_do(project, host, capsys) -> None:
    assert cli.main(["sync"]) == 2
    assert "extra.podcast.feed" in capsys.readouterr().err
    assert cli.main(["sync", "--feed", f"{host.url}/nothing.xml"]) == 2
    assert "404" in capsys.readouterr().err
    assert cli.main(["sync", "--feed", "/no/such/[/x]feed.xml"]) == 2   # brackets are not markup
    assert "[/x]feed.xml" in capsys.readouterr().err
    assert cli.main(["sync", "--feed", host.add("page.html", b"<html>hi</html>")]) == 2
    assert "returned a web page" in capsys.readouterr().err


def test_a_model_that_cannot_load_stops_the_run(project, host, capsys, tmp_path) -> None:
    empty = tmp_path / "no-model"
    empty.mkdir()
    feed = publish(host, good_items(host))
    assert cli.main(["sync", "--feed", feed, "--model", str(empty)]) == 2
    assert "cannot load model" in capsys.readouterr().err
    assert all(e["status"] != "transcribed" for e in records(project).values())


def test_transcribe_prints_one_file(capsys) -> None:
    assert cli.main(["transcribe", str(DATA / "audio" / "jfk.wav"), "--format", "vtt"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("WEBVTT") and "ask not what your country" in out.lower()


def test_an_upload_cut_short_or_clipped_is_transcribed_and_needs_review_until_accepted(
        project, host, tmp_path) -> None:
    """A host's file that stops at 70 % (an export or upload that stopped early) decodes without
    an error up to the cut, and speech recorded 30 dB too hot is clipped into words the model
    mishears with confidence: the transcript is published, marked needs-review saying where,
    until the maintainer accepts the stretch."""
    whole = tmp_path / "whole.mp3"
    subprocess.run([audio_ffmpeg(), "-nostdin", "-v", "error", "-i", str(DATA / "audio" / "jfk.wav"),
                    "-af", "volume=30dB", "-c:a", "libmp3lame", "-b:a", "64k", str(whole)], check=True)
    cut = whole.read_bytes()[:int(whole.stat().st_size * 0.7)]
    feed = publish(host, [{"title": "Cut short", "guid": "cut", "audio": host.add("cut.mp3", cut)}])
    assert cli.main(["sync", "--feed", feed]) == 0
    record = records(project)["cut"]
    review = " ".join(record["review"])
    assert record["status"] == "needs-review", record
    assert "may be cut short" in review and "0:11" in review and "clipped (distorted) at 0:00-0:0" in review
    assert any("may be cut short" in w for w in record["audio_warnings"])
    assert (project / "episodes" / record["slug"] / "transcript.txt").read_text().strip()
    (project / "episodes" / record["slug"] / "corrections.yml").write_text(
        'accept:\n  - from: "0:00"\n    to: "0:11"\n    reason: read against the audio\n'
        'language_checked: true\n')      # the model may be unsure of the distorted words too
    assert cli.main(["sync", "--feed", feed]) == 0
    assert records(project)["cut"]["status"] == "transcribed"


def test_a_wav_cut_short_is_published_as_needing_review_never_as_whole(project, host) -> None:
    """A WAV whose `data` chunk holds 70 % of what its header declares, and a WAV written as a
    stream (no length declared) cut at 70 % under a feed that says 11 s, were transcribed and
    published `transcribed`, as if whole. Each now needs review, saying where the audio ends and
    who declared more; a WAV cut at 30 % is refused as damaged and fetched again next run."""
    raw = (DATA / "audio" / "jfk.wav").read_bytes()
    streamed = bytearray(raw)
    data_at = raw.index(b"data")
    streamed[4:8] = streamed[data_at + 4:data_at + 8] = b"\xff\xff\xff\xff"
    feed = publish(host, [
        {"title": "Cut WAV", "guid": "w1", "audio": host.add("w1.wav", raw[:int(len(raw) * 0.7)])},
        {"title": "Streamed WAV", "guid": "w2", "duration": "0:11",
         "audio": host.add("w2.wav", bytes(streamed[:int(len(raw) * 0.7)]))},
        {"title": "Stub WAV", "guid": "w3", "audio": host.add("w3.wav", raw[:int(len(raw) * 0.3)])}])
    assert cli.main(["sync", "--feed", feed]) == 1
    eps = records(project)
    for guid, who in (("w1", "its file declares 0:11"), ("w2", "the feed declares (itunes:duration")):
        assert eps[guid]["status"] == "needs-review", eps[guid]
        review = " ".join(eps[guid]["review"])
        assert "ends at 0:07" in review and who in review and "may be cut short" in review
        assert (project / "episodes" / eps[guid]["slug"] / "transcript.txt").read_text().strip()
    assert eps["w3"]["status"] == "failed" and "damaged audio" in eps["w3"]["error"]
    assert cli.main(["sync", "--feed", feed]) == 1 and host.requests["/w3.wav"] == 2


def transcripts(root: Path) -> dict[str, int]:
    return {k: v for k, v in episode_files(root).items() if "transcript" in k}


@pytest.mark.parametrize("validators", [True, False])
def test_a_query_changed_on_every_edit_is_no_re_upload_and_a_real_one_is_seen(
        project, host, capsys, validators: bool) -> None:
    """audioboom writes `length="0"` and a `?modified=` query that changes on every edit of the
    episode, its text too (castget#67): the audio is not downloaded or transcribed again only
    because the query changed, and a real re-upload behind a new query is transcribed again,
    on a host that gives an ETag and on one that gives no validators (then the new query had
    nothing to compare, and the new audio was missed)."""
    old, new = DATA / "audio" / "jfk.wav", DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav"
    audio = host.add("posts/1.wav", source=old)
    if not validators:
        host.faults.no_validators.add("/posts/1.wav")
    item = {"title": "Boom", "guid": "b1", "audio": f"{audio}?modified=1&source=rss", "length": "0"}
    feed = publish(host, [item])
    assert cli.main(["sync", "--feed", feed]) == 0
    before, fetched = transcripts(project), host.requests["/posts/1.wav"]
    publish(host, [item | {"audio": f"{audio}?modified=2&source=rss", "notes": "edited notes"}])
    assert cli.main(["sync", "--feed", feed]) == 0
    assert transcripts(project) == before and "re-uploaded" not in " ".join(capsys.readouterr().err.split())
    asked = [h for p, h in host.headers_seen if p == "/posts/1.wav"][fetched:]
    assert [h.get("Range") for h in asked] == ["bytes=0-0"] * len(asked)   # asked, not fetched
    host.add("posts/1.wav", source=new)
    publish(host, [item | {"audio": f"{audio}?modified=3&source=rss"}])
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "re-uploaded" in " ".join(capsys.readouterr().err.split())
    assert records(project)["b1"]["duration"] == pytest.approx(3, abs=0.1)


def test_a_re_upload_at_a_new_address_with_no_duration_is_seen_and_a_host_move_is_not(
        project, host, capsys) -> None:
    """A publisher re-uploads a fixed episode as a new file (`ep-v2.wav`) under the same guid, in
    a feed with no itunes:duration: the address changed, which alone is no re-upload (hosts
    move), so the new audio was never asked about and its transcript kept the old audio's times.
    The new address is asked for its size (one one-byte request): the same file moved is left
    alone; another file is transcribed again, with the maintainer's corrections."""
    old, new = DATA / "audio" / "jfk.wav", DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0880.wav"
    item = {"title": "Moved", "guid": "m1", "audio": host.add("ep.wav", source=old)}
    feed = publish(host, [item])
    assert cli.main(["sync", "--feed", feed]) == 0
    folder = project / "episodes" / records(project)["m1"]["slug"]
    (folder / "corrections.yml").write_text("replace:\n  - find: young man\n    with: YOUNG MAN\n")
    before = transcripts(project)
    publish(host, [item | {"audio": host.add("cdn/ep.wav", source=old)}])       # a host's move
    assert cli.main(["sync", "--feed", feed]) == 0
    assert transcripts(project) == before
    assert [h.get("Range") for p, h in host.headers_seen if p == "/cdn/ep.wav"] == ["bytes=0-0"]
    publish(host, [item | {"audio": host.add("ep-v2.wav", source=new)}])        # a re-upload
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "re-uploaded" in " ".join(capsys.readouterr().err.split())
    text = (folder / "transcript.txt").read_text()
    assert "YOUNG MAN" in text and "country" not in text     # the new audio, corrected
    assert records(project)["m1"]["duration"] == pytest.approx(3, abs=0.1)


def test_ads_that_rotate_between_runs_do_not_transcribe_the_back_catalogue_again(
        project, host, capsys) -> None:
    """A host that inserts ads (dynamic ad insertion) and changes them between runs, not between
    requests, serves every episode as another file (another ETag) on the next run, while the
    feed says the same of each: each was taken for a re-upload and transcribed again, run after
    run (podcast-namespace#254, pocket-casts-android#1312). Many files of one host changed at
    once, with nothing in the feed to say so, is the host's doing: none is transcribed again, and
    the run says why and how to force it. One file changed alone is still a re-upload."""
    clips = ("jfk.wav", "sense_and_sensibility_01_austen_64kb-0880.wav",
             "sense_and_sensibility_01_austen_64kb-0930.wav")
    items = [{"title": f"Episode {n}", "guid": f"d{n}", "date": f"Mon, 0{n} Jan 2024 09:00:00 +0000",
              "audio": host.add(f"d{n}.wav", source=DATA / "audio" / clip)}
             for n, clip in enumerate(clips, 1)]
    feed = publish(host, items)
    assert cli.main(["sync", "--feed", feed]) == 0
    before = transcripts(project)
    for n, clip in enumerate(clips, 1):        # this run's ads: other bytes, the same speech
        host.add(f"d{n}.wav", (DATA / "audio" / clip).read_bytes() + b"LIST\x04\x00\x00\x00ad01")
    news = {"title": "News", "guid": "n1", "date": "Mon, 08 Jan 2024 09:00:00 +0000"}
    publish(host, items + [news])
    assert cli.main(["sync", "--feed", feed]) == 0
    shown = " ".join(capsys.readouterr().err.split())
    assert transcripts(project) == before and "re-uploaded" not in shown
    assert "3 episodes" in shown and "dynamic ad insertion" in shown and "--retranscribe" in shown
    host.add("d1.wav", source=DATA / "audio" / "sense_and_sensibility_01_austen_64kb-0870.wav")
    publish(host, items + [news | {"title": "News, again"}])
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "re-uploaded" in " ".join(capsys.readouterr().err.split())
    assert records(project)["d1"]["duration"] == pytest.approx(7.1, abs=0.1)
