"""`companion.pipeline.store`: files written atomically keep the permissions a plain write gives."""

from __future__ import annotations

import stat
from pathlib import Path

from companion.pipeline import store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_mode_and_a_rewrite_keeps_the_old_files(tmp_path: Path) -> None:
    """mkstemp creates 0o600, and the rename carried that mode into episodes/: transcripts and
    episode.json were unreadable to anyone but their writer (a group sharing the project, a web
    server serving it), where every other file the maintainer makes is 0o644 under umask 022."""
    plain = tmp_path / "plain.txt"
    plain.write_text("x")                                         # what open() gives, for comparison
    written = tmp_path / "episode" / "transcript.vtt"
    assert store.write_text_atomic(written, "WEBVTT\n")
    assert _mode(written) == _mode(plain)
    written.chmod(0o664)                                          # the maintainer shares it with a group
    assert store.write_text_atomic(written, "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n")
    assert _mode(written) == 0o664
    assert written.read_text().endswith("hi\n")
