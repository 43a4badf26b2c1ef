"""Progress of long work: a line at least every minute of audio or LINE_EVERY_WALL_S seconds in a
log, with the time left from the first line; the model reports as each window is decoded."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from companion.pipeline import audio
from companion.pipeline.transcribe import Settings, transcribe_audio
from companion.progress import (DOWNLOAD, LINE_EVERY_AUDIO_S, LINE_EVERY_WALL_S, TRANSCRIBE,
                                ProgressBoard)

AUDIO = Path(__file__).parent / "data" / "audio"
LINE = re.compile(r"^transcribe Episode: (\d+):(\d\d) of 10:00 audio \(\d+%\), \d+:\d\d so far"
                  r", about \d+:\d\d left$")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def log_board() -> tuple[ProgressBoard, io.StringIO, Clock]:
    out, clock = io.StringIO(), Clock()
    return ProgressBoard(Console(file=out, width=200), clock), out, clock


def test_a_log_gets_a_line_each_minute_of_audio_with_an_estimate_from_the_start() -> None:
    board, out, clock = log_board()
    with board:
        board.start(TRANSCRIBE, "Episode", 600.0, expected_rate=20.0)
        for done in range(10, 601, 10):            # a window every 10 s of audio, 1 s apart
            clock.now += 1.0
            board.update(TRANSCRIBE, "Episode", float(done), 600.0)
    lines = out.getvalue().splitlines()
    assert all(LINE.match(line) for line in lines), lines
    assert lines[0].startswith("transcribe Episode: 0:00 of 10:00 audio (0%), 0:00 so far, "
                               "about 0:30 left")            # 600 s at the expected 20x
    seconds = [int(m) * 60 + int(s) for m, s in (LINE.match(x).groups() for x in lines)]
    assert seconds[-1] == 600 and max(np.diff(seconds)) <= LINE_EVERY_AUDIO_S
    assert len(lines) <= 600 / LINE_EVERY_AUDIO_S + 2           # a log line per minute, no flood
    assert lines[-2].endswith("about 0:06 left")     # 540 s in 54 s: 10x measured, 60 s to go


def test_a_log_keeps_moving_while_a_window_takes_long() -> None:
    """No update for half a minute (a slow model inside one window): the heartbeat still writes
    a line every LINE_EVERY_WALL_S, so CI never sees a silent job."""
    board, out, clock = log_board()
    with board:
        board.start(TRANSCRIBE, "Episode", 600.0, expected_rate=2.0)
        clock.now += LINE_EVERY_WALL_S + 1
        # The heartbeat thread looks every HEARTBEAT_S: wait for its line, not for a set time (the
        # bound only stops a test whose heartbeat never writes; a busy machine does not reach it).
        deadline = time.monotonic() + 120
        while len(out.getvalue().splitlines()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("transcribe Episode: 0:00 of 10:00 audio (0%), "
                                                   "0:16 so far, about 5:00 left")


def test_downloads_report_megabytes_and_an_unknown_size() -> None:
    board, out, clock = log_board()
    with board:
        board.update(DOWNLOAD, "Episode", 0, None)
        clock.now += LINE_EVERY_WALL_S
        board.update(DOWNLOAD, "Episode", 5_000_000, None)
        board.end("Episode")
    assert out.getvalue().splitlines() == ["download Episode: 0.0 MB, 0:00 so far",
                                           "download Episode: 5.0 MB, 0:15 so far"]


@pytest.mark.model
def test_the_model_reports_every_window_not_every_block() -> None:
    """A 53 s sonnet: progress comes at least every 30 s of audio (a decode window), not once
    per 10-minute block, rising, ending at the end."""
    samples = audio.load_audio(AUDIO / "sonnet001.mp3").samples
    total = len(samples) / audio.SAMPLE_RATE
    reported: list[float] = []
    transcribe_audio(samples, Settings(), reported.append)
    assert reported == sorted(reported) and reported[-1] == pytest.approx(total, abs=0.01)
    assert len(reported) >= 3 and max(np.diff([0.0, *reported])) <= 30.0, reported


@pytest.mark.model
def test_companion_transcribe_reports_on_stderr_and_prints_the_transcript_on_stdout() -> None:
    result = subprocess.run([str(Path(sys.executable).with_name("companion")), "transcribe",
                             str(AUDIO / "jfk.wav")], capture_output=True, text=True, timeout=300,
                            env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    err = result.stderr.splitlines()
    assert re.match(r"transcribe jfk\.wav: 0:00 of 0:11 audio \(0%\), 0:00 so far, about 0:0\d "
                    r"left", err[0]), err
    assert any(line.startswith("transcribe jfk.wav: 0:11 of 0:11 audio (100%)") for line in err)
    assert "transcribe" not in result.stdout and "ask not what your country" in result.stdout.lower()
