"""What `companion sync` shows a person: rich progress bars while it works, a summary at the end."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from companion.pipeline.budget import load_measured, prior_speed
from companion.progress import DOWNLOAD, TRANSCRIBE, ProgressBoard
from companion.project import Project
from companion.pipeline.sync import NOT_CORRECTED, Options, Outcome, Report, sync
from companion.pipeline.transcribe import Settings

SECONDS_PER_HOUR = 3600


class RichReporter:
    """Progress of the download and the transcription of the episode in hand (live bars on a
    terminal, lines in a log: `progress.ProgressBoard`), and one line per finished episode."""

    def __init__(self, console: Console, expected_x: float | None = None):
        self.console = console
        self.expected_x = expected_x          # times real time expected before any is measured
        self.board = ProgressBoard(console)

    def __enter__(self) -> "RichReporter":
        self.board.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.board.__exit__(*exc)

    def warn(self, message: str) -> None:
        """A yellow "warning:" line on the console (the text is not read as markup)."""
        self.console.print(f"[yellow]warning:[/] {escape(message)}", markup=True, highlight=False)

    def download(self, title: str, done: int, total: int | None) -> None:
        """Move the episode's download bar: `done` bytes of `total` (None: unknown size)."""
        self.board.update(DOWNLOAD, title, done, total)

    def transcribing(self, title: str, done_s: float, total_s: float) -> None:
        """Move the episode's transcription bar to `done_s` of `total_s` seconds of audio (starting it
        at 0, with the expected speed for its time left)."""
        if done_s <= 0:
            self.board.start(TRANSCRIBE, title, total_s, self.expected_x)
        self.board.update(TRANSCRIBE, title, min(done_s, total_s), total_s)

    def finished(self, outcome: Outcome) -> None:
        """Close the episode's bar and print one line: its state, slug, and why (reason, review notes,
        corrections not applied)."""
        self.board.end(outcome.title)
        colour = {"failed": "red", NOT_CORRECTED: "red", "transcribed": "green",
                  "imported": "green", "deferred": "yellow", "needs-review": "yellow"
                  }.get(outcome.state, "dim")
        line = f"[{colour}]{outcome.state:>11}[/] {outcome.slug}"
        if outcome.reason:
            line += f" — {escape(outcome.reason)}"
        if outcome.review:
            line += f" — {escape('; '.join(outcome.review))}"
        for refused in outcome.not_applied:
            if refused != outcome.reason:
                line += f" — [red]{escape(refused)}[/]"
        self.console.print(line, markup=True, highlight=False)


def summary(report: Report) -> Table:
    """The end-of-run table: counts, failures with reasons, audio hours and speed."""
    outcomes = report.outcomes
    count = lambda *states: sum(o.state in states for o in outcomes)  # noqa: E731
    audio_s = sum(o.audio_s for o in outcomes)
    work_s = sum(o.work_s for o in outcomes if o.audio_s)
    table = Table(title="companion sync", show_header=False)
    table.add_column()
    table.add_column(overflow="fold")      # a file:line:column to fix is shown whole
    table.add_row("feed", "unchanged (304)" if report.feed_status == 304 else "fetched")
    if report.pages > 1:
        table.add_row("feed pages read (RFC 5005)", str(report.pages))
    if report.feed_incomplete:
        table.add_row("[red]feed read incompletely[/] (kept what was read)",
                      escape(report.feed_incomplete))
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
    table.add_row("corrections not applied (fix the file named below)",
                  str(sum(bool(o.not_applied) for o in outcomes)))
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
        for refused in outcome.not_applied:      # "corrections/chapters not applied: FILE:..."
            table.add_row(f"[red]left as it was[/] {escape(outcome.title)}", escape(refused))
    return table


def sync_with_progress(project: Project, options: Options, console: Console) -> Report:
    """`companion sync` as a person sees it: progress while it works, the summary table after."""
    model = options.model or Settings.model
    expected_x = load_measured(project.cache_dir, model) or prior_speed(model)
    with RichReporter(console, expected_x) as reporter:
        result = sync(project, options, reporter)
    console.print(summary(result))
    return result
