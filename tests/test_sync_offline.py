"""Sync's run-level and per-episode error handling from a feed file on disk: no host, no audio.

The end-to-end runs with real audio and the model are in test_sync.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion import cli
from companion.pipeline import store
from episode_records import episode_records
from podcast_server import rss


def test_feed_level_errors_exit_2_with_what_to_do(project: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sync"]) == 2
    assert "extra.podcast.feed" in capsys.readouterr().err
    assert cli.main(["sync", "--feed", "/no/such/[/x]feed.xml"]) == 2   # brackets are not markup
    assert "[/x]feed.xml" in capsys.readouterr().err
    assert cli.main(["sync", "--feed", "feed.xml", "--time-budget", "nan"]) == 2
    assert "--time-budget is in minutes" in capsys.readouterr().err


@pytest.mark.model           # sync loads the model before it fetches the audio (it never runs here)
def test_an_episode_whose_audio_cannot_be_fetched_fails_alone_with_a_plain_reason(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The refusal is a CompanionError (FetchError): the boundary records its own message, not
    "unexpected error" and a traceback, and the other episodes still complete."""
    feed = project / "feed.xml"
    feed.write_text(rss([
        {"title": "Loopback", "guid": "ep-1", "date": "Mon, 01 Jan 2024 09:00:00 +0000",
         "audio": "http://127.0.0.1:9/episode.mp3"},
        {"title": "Text only", "guid": "ep-2", "date": "Tue, 02 Jan 2024 09:00:00 +0000"},
    ]), encoding="utf-8")
    assert cli.main(["sync", "--feed", str(feed)]) == 1
    found = {e["guid"]: e for e in episode_records(project / "episodes")}
    assert found["ep-2"]["status"] == store.STATUS_NO_AUDIO
    failed = found["ep-1"]
    assert failed["status"] == store.STATUS_FAILED
    assert "127.0.0.1" in failed["error"] and "unexpected error" not in failed["error"]
    assert not (project / ".cache" / "logs").exists() or "Traceback" not in "".join(
        p.read_text() for p in (project / ".cache" / "logs").iterdir())
