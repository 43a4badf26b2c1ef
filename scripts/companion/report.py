"""What `companion sync` shows a person: rich progress bars while it works, a summary at the end."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, DownloadColumn, Progress, TaskID, TextColumn,
                           TimeRemainingColumn, TransferSpeedColumn)
from rich.table import Table

from companion.project import Project
from companion.pipeline.sync import Options, Outcome, Report, sync

SECONDS_PER_HOUR = 3600


class RichReporter:
    """Progress bars for the download and the transcription of the episode in hand."""

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                 DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
                                 console=console, transient=True)
        self.seconds = Progress(TextColumn("{task.description}"), BarColumn(),
                                TextColumn("{task.completed:.0f}/{task.total:.0f} s of audio"),
                                TimeRemainingColumn(), console=console, transient=True)
        self._tasks: dict[tuple[str, str], tuple[Progress, TaskID]] = {}

    def __enter__(self) -> "RichReporter":
        self.progress.start()
        self.seconds.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()
        self.seconds.stop()

    def _task(self, bars: Progress, kind: str, title: str, total: float | None) -> TaskID:
        key = (kind, title)
        if key not in self._tasks:
            self._tasks[key] = (bars, bars.add_task(f"{kind} {escape(title[:40])}", total=total))
        return self._tasks[key][1]

    def warn(self, message: str) -> None:
        self.console.print(f"[yellow]warning:[/] {escape(message)}", markup=True, highlight=False)

    def download(self, title: str, done: int, total: int | None) -> None:
        task = self._task(self.progress, "download", title, total)
        self.progress.update(task, completed=done, total=total)

    def transcribing(self, title: str, done_s: float, total_s: float) -> None:
        task = self._task(self.seconds, "transcribe", title, total_s)
        self.seconds.update(task, completed=min(done_s, total_s))

    def finished(self, outcome: Outcome) -> None:
        for key in [k for k in self._tasks if k[1] == outcome.title]:
            bars, task = self._tasks.pop(key)
            bars.remove_task(task)
        colour = {"failed": "red", "transcribed": "green", "imported": "green",
                  "deferred": "yellow", "needs-review": "yellow"}.get(outcome.state, "dim")
        line = f"[{colour}]{outcome.state:>11}[/] {outcome.slug}"
        if outcome.reason:
            line += f" — {escape(outcome.reason)}"
        if outcome.review:
            line += f" — {escape('; '.join(outcome.review))}"
        self.console.print(line, markup=True, highlight=False)


def summary(report: Report) -> Table:
    """The end-of-run table: counts, failures with reasons, audio hours and speed."""
    outcomes = report.outcomes
    count = lambda *states: sum(o.state in states for o in outcomes)  # noqa: E731
    audio_s = sum(o.audio_s for o in outcomes)
    work_s = sum(o.work_s for o in outcomes if o.audio_s)
    table = Table(title="companion sync", show_header=False)
    table.add_row("feed", "unchanged (304)" if report.feed_status == 304 else "fetched")
    if report.pages > 1:
        table.add_row("feed pages read (RFC 5005)", str(report.pages))
    table.add_row("episodes in feed", str(len(outcomes)))
    if report.left_feed:
        table.add_row("[yellow]no longer in the feed[/] (kept)", str(len(report.left_feed)))
    table.add_row("new", str(sum(o.new for o in outcomes)))
    table.add_row("unchanged", str(count("unchanged")))
    table.add_row("corrections re-applied", str(count("corrected")))
    table.add_row("transcribed", str(count("transcribed")))
    table.add_row("needs review (speech missing or maybe not English)", str(count("needs-review")))
    table.add_row("publisher transcripts imported", str(count("imported")))
    table.add_row("text-only (no audio)", str(count("no-audio")))
    table.add_row("failed", str(count("failed")))
    table.add_row("audio transcribed", f"{audio_s / SECONDS_PER_HOUR:.2f} h")
    table.add_row("speed", f"{audio_s / work_s:.1f}x real time" if work_s else "-")
    deferred = report.deferred
    if deferred:
        hours = sum(o.pending_s for o in deferred) / SECONDS_PER_HOUR
        table.add_row("[yellow]left for the next run[/] (time budget)",
                      f"{len(deferred)} episodes, {hours:.2f} h of audio")
    if report.moved:
        table.add_row("[yellow]feed moved[/]", escape(report.moved))
    for outcome in outcomes:
        if outcome.state == "failed":
            table.add_row(f"[red]failed[/] {escape(outcome.title)}", escape(outcome.reason or ""))
        elif outcome.review:
            table.add_row(f"[yellow]needs review[/] {escape(outcome.title)}",
                          escape("; ".join(outcome.review)))
    return table


def sync_with_progress(project: Project, options: Options, console: Console) -> Report:
    """`companion sync` as a person sees it: bars while it works, the summary table after."""
    with RichReporter(console) as reporter:
        result = sync(project, options, reporter)
    console.print(summary(result))
    return result
