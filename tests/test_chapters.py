"""Chapters: `podcast:chapters` JSON fetched during sync, validated, and never over a hand-written file.

The episodes carry a publisher transcript, so these runs need no model and take a second.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.pipeline import chapters, store
from companion import cli
from episode_records import episode_records
from podcast_server import rss

DATA = Path(__file__).parent / "data" / "transcripts"
EXAMPLE = json.loads((DATA / "chapters-example.json").read_text())


def publish(host, chapters_url: str | None) -> str:
    """A one-episode feed with a publisher VTT and, when given, a `podcast:chapters` link."""
    vtt = host.add("ep.vtt", (DATA / "example.vtt").read_bytes())
    feed = rss([{"title": "With chapters", "guid": "c1", "audio": f"{host.url}/never.mp3",
                 "date": "Mon, 01 Jan 2024 09:00:00 +0000",
                 "transcripts": [{"url": vtt, "type": "text/vtt"}]}])
    if chapters_url:
        tag = f'<podcast:chapters url="{chapters_url}" type="{chapters.CHAPTERS_TYPE}"/>'
        feed = feed.replace("</item>", tag + "</item>")
    return host.add("feed.xml", feed.encode())


def episode(root: Path) -> tuple[Path, dict]:
    record = episode_records(root / "episodes")[0]
    return root / "episodes" / record["slug"], record


def test_feed_chapters_are_fetched_once_and_recorded(project, host) -> None:
    url = host.add("chapters.json", (DATA / "chapters-example.json").read_bytes())
    feed = publish(host, url)
    assert cli.main(["sync", "--feed", feed]) == 0
    folder, record = episode(project)
    written = json.loads((folder / "chapters.json").read_text())
    assert written["version"] == "1.2.0"
    assert [c["title"] for c in written["chapters"]] == [c["title"] for c in EXAMPLE["chapters"]]
    assert record["chapters_source"] == "feed" and record["chapters_fetched_url"] == url
    assert host.requests["/never.mp3"] == 0
    assert cli.main(["sync", "--feed", feed]) == 0
    assert host.requests["/chapters.json"] == 1            # not fetched again: same link


def test_hand_written_chapters_are_never_overwritten(project, host) -> None:
    url = host.add("chapters.json", (DATA / "chapters-example.json").read_bytes())
    feed = publish(host, None)
    assert cli.main(["sync", "--feed", feed]) == 0
    folder, _ = episode(project)
    mine = '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Mine"}]}\n'
    (folder / "chapters.json").write_text(mine)
    assert cli.main(["sync", "--feed", publish(host, url)]) == 0
    assert (folder / "chapters.json").read_text() == mine
    assert episode(project)[1]["chapters_source"] == "manual"
    assert host.requests["/chapters.json"] == 0


def test_feed_chapters_follow_the_feed(project, host) -> None:
    url = host.add("chapters.json", (DATA / "chapters-example.json").read_bytes())
    assert cli.main(["sync", "--feed", publish(host, url)]) == 0
    folder, _ = episode(project)
    assert cli.main(["sync", "--feed", publish(host, None)]) == 0
    assert not (folder / "chapters.json").exists()
    assert episode(project)[1]["chapters_source"] is None


@pytest.mark.parametrize("body, reason", [
    (b"not json", "not JSON"),
    (b'{"version": "1.2.0", "chapters": []}', "non-empty"),      # podcast-namespace#391
    (b'{"version": "1.2.0", "chapters": [{"title": "no start"}]}', "no usable startTime"),
    (b'{"version": "1.2.0", "chapters": [{"startTime": "ten seconds"}]}', "no usable startTime"),
    (b'{"version": "1.2.0", "chapters": [{"startTime": NaN}]}', "not JSON"),
    (b"[" * 200_000, "not JSON"),                   # json.loads: RecursionError, not ValueError
])
def test_bad_chapters_are_a_warning_not_a_failure(project, host, capsys, body, reason) -> None:
    url = host.add("chapters.json", body)
    assert cli.main(["sync", "--feed", publish(host, url)]) == 0
    folder, record = episode(project)
    assert record["status"] == "transcribed" and not (folder / "chapters.json").exists()
    err = capsys.readouterr().err
    assert "chapters" in err and reason in err


def test_feed_chapters_with_clock_times_as_text_are_read_as_seconds(project, host, capsys) -> None:
    """Tools wrote Podlove's "hh:mm:ss.fff" into JSON chapters (mp3chapters.github.io#16); apps
    reading the file as numbers lost every chapter."""
    body = {"version": "1.2.0", "chapters": [
        {"startTime": "00:00:00.000", "title": "Intro"},
        {"startTime": "00:01:16.135", "title": "Listener mail", "endTime": "2:49.5"},
        {"startTime": "170", "title": "Seconds as text"}, {"startTime": 200, "title": "A number"}]}
    url = host.add("chapters.json", json.dumps(body).encode())
    assert cli.main(["sync", "--feed", publish(host, url)]) == 0
    folder, _ = episode(project)
    written = json.loads((folder / "chapters.json").read_text())["chapters"]
    assert [(c["startTime"], c.get("endTime")) for c in written] == [
        (0, None), (76.135, 169.5), (170, None), (200, None)]
    assert "wrote 4 times as text" in capsys.readouterr().err


@pytest.mark.parametrize("bare", [False, True])
def test_a_feeds_chapters_keep_their_good_chapters_around_a_broken_one(project, host, capsys,
                                                                        bare: bool) -> None:
    """A chapters file from the feed with one chapter whose startTime is missing, null or
    negative, a title written as a number, no "version" (or the chapters as a bare list): the
    good chapters are published and each change said (podverse-api#608: a player showed 3 of an
    episode's chapters); a null startTime took the episode down with a TypeError."""
    listed = [{"startTime": 0, "title": "Intro"}, {"title": "No start"},
              {"startTime": None, "title": "Null start"}, {"startTime": -5, "title": "Before"},
              {"startTime": 60, "title": 12}, {"startTime": 90, "title": "Last"}]
    body = listed if bare else {"chapters": listed}
    url = host.add("chapters.json", json.dumps(body).encode())
    assert cli.main(["sync", "--feed", publish(host, url)]) == 0
    folder, record = episode(project)
    written = json.loads((folder / "chapters.json").read_text())
    assert written["version"] == "1.2.0" and record["chapters_source"] == "feed"
    assert [(c["startTime"], c.get("title")) for c in written["chapters"]] == [
        (0, "Intro"), (60, None), (90, "Last")]
    err = " ".join(capsys.readouterr().err.split())
    assert "give chapter 2 no usable startTime: dropped" in err
    assert "chapter 5 a title of the wrong type: left out" in err


def test_a_hand_written_chapter_with_a_null_start_is_refused_not_a_crash(tmp_path: Path) -> None:
    """The maintainer's own file keeps the strict rule, with the place to fix; a null startTime
    raised TypeError out of the site build's `published` and sync's episode."""
    (tmp_path / "chapters.json").write_text(
        '{"version": "1.2.0", "chapters": [{"startTime": null, "title": "A"}, {"startTime": 5}]}')
    with pytest.raises(chapters.ChaptersError, match="chapter 1 needs a startTime"):
        chapters.read_manual(tmp_path / "chapters.json", "chapters.json")
    assert chapters.published(tmp_path) is None


def test_unreachable_chapters_are_a_warning(project, host, capsys) -> None:
    assert cli.main(["sync", "--feed", publish(host, f"{host.url}/gone.json")]) == 0
    assert "404" in capsys.readouterr().err
    assert episode(project)[1]["status"] == "transcribed"


def test_validate_sorts_chapters_by_start() -> None:
    shuffled = {"version": "1.2.0", "chapters": list(reversed(EXAMPLE["chapters"]))}
    assert chapters.validate(shuffled)["chapters"] == EXAMPLE["chapters"]


def test_a_broken_hand_edit_is_refused_and_the_last_good_chapters_stay_published(
        project, host, capsys) -> None:
    """A hand-written chapters.json that stops parsing or validating: sync says where (exit 1),
    the site publishes the last valid version; once fixed, the fix is published."""
    feed = publish(host, None)
    assert cli.main(["sync", "--feed", feed]) == 0
    folder, _ = episode(project)
    good = '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Mine"}]}\n'
    (folder / "chapters.json").write_text(good)
    assert cli.main(["sync", "--feed", feed]) == 0
    assert chapters.published(folder) == folder / "chapters.json"
    capsys.readouterr()
    shown = f"episodes/{folder.name}/chapters.json"
    for broken, says in [
            ('{"version": "1.2.0",\n "chapters": [{"startTime": 0, "title": "Mine",}]}\n',
             f"chapters not applied: {shown}:2:48: not valid JSON"),
            ('{"version": "1.2.0", "chapters": [{"starttime": 0, "title": "Mine"}]}\n',
             "chapter 1 needs a startTime (seconds); chapter 1 has unknown key 'starttime' "
             "(did you mean 'startTime'?)")]:
        (folder / "chapters.json").write_text(broken)
        assert cli.main(["sync", "--feed", feed]) == 1
        err = " ".join(capsys.readouterr().err.split())
        assert says in err, err
        assert says in episode(project)[1]["chapters_error"]
        published = chapters.published(folder)
        assert published == folder / chapters.LAST_GOOD_FILE
        assert json.loads(published.read_text())["chapters"][0]["title"] == "Mine"
        assert episode(project)[1]["status"] == "transcribed"
    (folder / "chapters.json").write_text(good.replace("Mine", "Fixed"))
    assert cli.main(["sync", "--feed", feed]) == 0
    assert "chapters_error" not in episode(project)[1]
    assert chapters.published(folder) == folder / "chapters.json"
    assert "Fixed" in (folder / chapters.LAST_GOOD_FILE).read_text()


GOOD = '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Welcome"}]}'


@pytest.mark.parametrize("saved, says", [
    # what editors on Windows and phones save, and the slips people make by hand
    (("\ufeff" + GOOD.replace(", ", ",\r\n")).encode(), None),            # BOM and CRLF
    (GOOD.encode("utf-16"), None),                                         # Notepad's "Unicode"
    (GOOD.replace("Welcome", "Caf\u00e9").encode("cp1252"), ":1:65: not UTF-8 text"),
    (GOOD.replace('"startTime": 0', '"startTime": NaN').encode(), "NaN is not a number"),
    (GOOD.replace('"Welcome"}', '"Welcome"},').encode(), "a comma after the last item"),
    (GOOD.replace('"Welcome"', "\u201cWelcome\u201d").encode(), ":1:61: not valid JSON: "
                                                                  "Expecting value: curly quotes"),
    (GOOD.replace("0,", '"12:30",').encode(), "write seconds, e.g. 750"),
])
def test_hand_edits_as_editors_save_them(tmp_path: Path, saved: bytes, says: str | None) -> None:
    path = tmp_path / store.CHAPTERS_FILE
    path.write_bytes(saved)
    if says is None:
        assert chapters.read_manual(path, "chapters.json")["chapters"][0]["startTime"] == 0
        return
    with pytest.raises(chapters.ChaptersError, match="chapters not applied: chapters.json") as caught:
        chapters.read_manual(path, "chapters.json")
    assert says in str(caught.value), caught.value


def test_feed_chapters_edited_by_hand_become_the_maintainers_with_a_last_good_copy(
        project, host, capsys) -> None:
    """Chapters fetched from the feed, then edited: broken at once, the site keeps the feed's
    version; fixed, the edit is theirs and a new link in the feed no longer replaces it."""
    url = host.add("chapters.json", (DATA / "chapters-example.json").read_bytes())
    feed = publish(host, url)
    assert cli.main(["sync", "--feed", feed]) == 0
    folder, _ = episode(project)
    fetched = (folder / "chapters.json").read_text()
    (folder / "chapters.json").write_text(fetched.replace('"chapters"', '"chapters",', 1))
    assert cli.main(["sync", "--feed", feed]) == 1                # said, with line and column
    assert "chapters not applied" in capsys.readouterr().err
    published = chapters.published(folder)
    assert published == folder / chapters.LAST_GOOD_FILE and published.read_text() == fetched
    mine = json.loads(fetched)
    mine["chapters"][0]["title"] = "Retitled by the host"
    (folder / "chapters.json").write_text(json.dumps(mine))
    assert cli.main(["sync", "--feed", feed]) == 0
    assert episode(project)[1]["chapters_source"] == "manual"
    other = host.add("chapters-v2.json", (DATA / "chapters-example.json").read_bytes())
    assert cli.main(["sync", "--feed", publish(host, other)]) == 0
    assert host.requests["/chapters-v2.json"] == 0
    assert json.loads((folder / "chapters.json").read_text())["chapters"][0]["title"] == \
        "Retitled by the host"
    assert "Retitled" in (folder / chapters.LAST_GOOD_FILE).read_text()


def test_chapters_from_an_earlier_uploads_audio_are_removed_when_the_new_audio_has_none(
        tmp_path: Path) -> None:
    """Chapters sync took from the audio file (ID3 CHAP) belong to that upload: a re-upload
    whose file holds none no longer publishes them (they pointed into audio that is gone)."""
    record: dict = {"chapters_url": None, "chapters_source": None}
    warned: list[str] = []
    chapters.from_audio(tmp_path, record, [{"startTime": 0.0, "title": "Intro"}], warned.append)
    assert (tmp_path / "chapters.json").is_file() and record["chapters_source"] == "audio"
    chapters.from_audio(tmp_path, record, [], warned.append)
    assert not (tmp_path / "chapters.json").exists()
    assert not (tmp_path / chapters.LAST_GOOD_FILE).exists()
    assert record["chapters_source"] is None and "no longer holds chapters" in warned[-1]
