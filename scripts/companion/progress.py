"""Progress of long work (downloads, transcriptions) as a person sees it, with the time left.

On a terminal, live bars (rich). Anywhere else (a CI log, a file, a pipe) bars print nothing
until they end, so plain lines are written instead, each a whole line flushed at once: the first
at the start, then one at least every LINE_EVERY_AUDIO_S seconds of audio or LINE_EVERY_WALL_S
seconds of wall time, whichever comes first. A heartbeat thread writes the wall-time lines, so a
log keeps moving while the model is inside one long window (CI systems stop jobs that print
nothing for minutes: NixOS/nix#4402; line-by-line progress for CI: cloudquery#888, autobuild#84).

The time left comes from the speed measured so far; before there is any, from the speed the
caller expects (for Whisper, `budget`'s measured or prior speed), so even the first line has an
estimate.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from companion.timecode import format_clock

LINE_EVERY_AUDIO_S = 60.0        # a log line at least every minute of audio transcribed
LINE_EVERY_WALL_S = 15.0         # and at least this often by the clock
HEARTBEAT_S = 1.0                # how often the heartbeat thread looks
BYTES_PER_MB = 1_000_000
TITLE_CHARS = 40

TRANSCRIBE, DOWNLOAD = "transcribe", "download"


@dataclass
class Estimate:
    """Work of `total` units (seconds of audio, bytes) started at `started` (monotonic s)."""
    total: float | None
    expected_rate: float | None = None     # units per second expected before any is measured
    started: float = field(default_factory=time.monotonic)
    done: float = 0.0

    def left_s(self, now: float) -> float | None:
        """Seconds of work left: from the rate so far, else the expected one; None if unknown."""
        if not self.total:
            return None
        elapsed = now - self.started
        rate = self.done / elapsed if self.done > 0 and elapsed > 0 else self.expected_rate
        if not rate or rate <= 0:
            return None
        return max(0.0, self.total - self.done) / rate


def _amount(kind: str, value: float) -> str:
    return format_clock(value) if kind == TRANSCRIBE else f"{value / BYTES_PER_MB:.1f} MB"


def describe(kind: str, title: str, estimate: Estimate, now: float) -> str:
    """One progress line: `transcribe Title: 12:30 of 58:00 audio (22%), 1:05 so far, about
    3:50 left`."""
    done = _amount(kind, estimate.done)
    if estimate.total:
        what = f"{done} of {_amount(kind, estimate.total)}"
        what += " audio" if kind == TRANSCRIBE else ""
        what += f" ({100 * min(estimate.done / estimate.total, 1.0):.0f}%)"
    else:
        what = done
    short = title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1] + "…"
    line = f"{kind} {short}: {what}, {format_clock(now - estimate.started)} so far"
    left = estimate.left_s(now)
    return line + (f", about {format_clock(left)} left" if left is not None else "")


class _Left(ProgressColumn):
    """The bar's time left, from our estimate (rich's own needs samples before its first)."""

    def render(self, task: Task) -> Text:
        estimate: Estimate | None = task.fields.get("estimate")
        left = estimate.left_s(time.monotonic()) if estimate else None
        return Text(f"about {format_clock(left)} left" if left is not None else "", style="cyan")


class _Amount(ProgressColumn):
    def render(self, task: Task) -> Text:
        estimate: Estimate | None = task.fields.get("estimate")
        kind = task.fields.get("kind", TRANSCRIBE)
        if not estimate:
            return Text("")
        total = f" / {_amount(kind, estimate.total)}" if estimate.total else ""
        return Text(f"{_amount(kind, estimate.done)}{total}")


class ProgressBoard:
    """Progress of several named pieces of work, shown live on a terminal or as log lines.

    Use as a context manager; `update(kind, title, done, total)` as work advances, `start` to
    give an expected rate before the first update, `end(title)` when a piece is done.
    """

    def __init__(self, console: Console, clock: Callable[[], float] = time.monotonic):
        self.console = console
        self.clock = clock
        self.live = console.is_terminal and not console.is_dumb_terminal
        self.bars = Progress(TextColumn("{task.description}"), BarColumn(), _Amount(), _Left(),
                             console=console, transient=True)
        self._tasks: dict[tuple[str, str], Estimate] = {}
        self._bar_ids: dict[tuple[str, str], TaskID] = {}
        self._last: dict[tuple[str, str], tuple[float, float]] = {}   # when, done at last line
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._heart: threading.Thread | None = None

    def __enter__(self) -> "ProgressBoard":
        if self.live:
            self.bars.start()
        else:
            self._heart = threading.Thread(target=self._beat, name="progress-heartbeat",
                                           daemon=True)
            self._heart.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._heart:
            self._heart.join()
        if self.live:
            self.bars.stop()

    def start(self, kind: str, title: str, total: float | None,
              expected_rate: float | None = None) -> None:
        """Begin a piece of work (first line at once) with the rate expected before any is seen."""
        with self._lock:
            key = (kind, title)
            self._tasks[key] = Estimate(total, expected_rate, started=self.clock())
            if self.live:
                self._bar_ids[key] = self.bars.add_task(
                    f"{kind} {escape(title[:TITLE_CHARS])}", total=total,
                    estimate=self._tasks[key], kind=kind)
            else:
                self._line(key)

    def update(self, kind: str, title: str, done: float, total: float | None) -> None:
        """`done` units of `total` so far; starts the piece when it is new."""
        if (kind, title) not in self._tasks:
            self.start(kind, title, total)
        with self._lock:
            key = (kind, title)
            estimate = self._tasks[key]
            estimate.done, estimate.total = done, total or estimate.total
            if self.live:
                self.bars.update(self._bar_ids[key], completed=done, total=estimate.total)
                return
            if key not in self._last:          # finished: said once, no heartbeat after
                return
            when, last_done = self._last[key]
            if bool(estimate.total) and done >= estimate.total:
                self._line(key)
                del self._last[key]
            elif (self.clock() - when >= LINE_EVERY_WALL_S
                    or (kind == TRANSCRIBE and done - last_done >= LINE_EVERY_AUDIO_S)):
                self._line(key)

    def end(self, title: str) -> None:
        """Forget every piece of work named `title` (its bars go)."""
        with self._lock:
            for key in [k for k in self._tasks if k[1] == title]:
                del self._tasks[key]
                self._last.pop(key, None)
                if key in self._bar_ids:
                    self.bars.remove_task(self._bar_ids.pop(key))

    def _line(self, key: tuple[str, str]) -> None:
        now = self.clock()
        self.console.print(describe(*key, self._tasks[key], now), markup=False,
                           highlight=False, soft_wrap=True)
        self.console.file.flush()
        self._last[key] = (now, self._tasks[key].done)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            with self._lock:
                now = self.clock()
                for key, (when, _done) in list(self._last.items()):
                    if now - when >= LINE_EVERY_WALL_S:
                        self._line(key)
