"""`companion sync`: bring `episodes/` up to date with the feed, doing only what is new.

One episode at a time: record its metadata, then get a transcript (the publisher's when the
feed links one, else Whisper's), apply the maintainer's corrections and write every format.
A failure is recorded on that episode and the run goes on; the next run retries it. Every file is
written atomically and `status` is set to `transcribed` last, so a run killed at any point is
finished by the next one.

With a time budget (`budget.Budget`) no Whisper transcription starts that is expected to end after
it: those episodes are `deferred` and the run says "more to do" (exit 3). With `only` (a shard of a
plan, see `plan.py`) the run syncs just the episodes the shard lists, under the folder names the
plan gave them; slugs are given out over the whole feed all the same, as in a single run.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping, Protocol

from filelock import FileLock, Timeout

from companion import audio, chapters, corrections, feed, http, store, transcript_formats as tf
from companion.budget import Budget, episode_seconds
from companion.project import Project
from companion.slug import episode_slug
from companion.transcribe import ModelError, Settings, load_model, transcribe

FEED_STATE_FILE = "feed-state.json"      # ETag / Last-Modified of the last fetch
FEED_CACHE_FILE = "feed.xml"             # body of the last 200, reused on a 304
LOCK_FILE = "sync.lock"
EXIT_MORE_TO_DO = 3                      # the time budget left episodes for the next run
# Publisher transcript formats we can import, best first (JSON keeps speakers and exact times).
PUBLISHER_TYPES = {"application/json": tf.from_json, "text/vtt": tf.from_vtt,
                   "application/x-subrip": tf.from_srt, "application/srt": tf.from_srt,
                   "text/srt": tf.from_srt}
# Feed fields copied onto the episode record on every run (the feed may edit them).
FEED_FIELDS = ("title", "date", "episode", "season", "episode_type", "link", "image",
               "enclosure", "show_notes_html", "publisher_transcripts", "chapters_url")


class SyncError(Exception):
    """The whole run cannot go on (no feed, unreadable feed, another sync running): exit 2."""


class Reporter(Protocol):
    def warn(self, message: str) -> None: ...
    def download(self, title: str, done: int, total: int | None) -> None: ...
    def transcribing(self, title: str, done_s: float, total_s: float) -> None: ...
    def finished(self, outcome: "Outcome") -> None: ...


class SilentReporter:
    def warn(self, message: str) -> None: ...
    def download(self, title: str, done: int, total: int | None) -> None: ...
    def transcribing(self, title: str, done_s: float, total_s: float) -> None: ...
    def finished(self, outcome: "Outcome") -> None: ...


@dataclass(frozen=True)
class Options:
    feed: str | None = None
    limit: int | None = None
    model: str | None = None
    retranscribe: bool = False
    batched: bool = True
    device: str = "cpu"           # "cuda" with CUDA 12 + cuDNN installed, or "auto"
    time_budget_min: float | None = None   # minutes; None: no budget
    only: Mapping[str, str] | None = None  # a shard's guid -> slug; None: every episode


@dataclass
class Outcome:
    slug: str
    title: str
    new: bool
    state: str                    # transcribed, imported, unchanged, corrected, failed, no-audio,
                                  # deferred (left for the next run by the time budget)
    reason: str | None = None
    audio_s: float = 0.0
    work_s: float = 0.0
    pending_s: float = 0.0        # deferred: the episode's audio length (feed's, or a guess)


@dataclass
class Report:
    feed_status: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def deferred(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == "deferred"]

    @property
    def exit_code(self) -> int:
        """3 more to do (deferred by the budget; failures are listed too), 1 failed, 0 done."""
        if self.deferred:
            return EXIT_MORE_TO_DO
        return 1 if any(o.state == "failed" for o in self.outcomes) else 0


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def read_feed(project: Project, source: str) -> tuple[bytes, str, str | None, int]:
    """Feed bytes from a URL (conditional GET, cached body on 304) or a local file."""
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme not in ("http", "https"):
        path = Path(source).expanduser()
        if not path.is_file():
            raise SyncError(f"no feed at {source!r}: give an http(s) URL or the path of a feed file")
        return path.read_bytes(), "", None, 200
    state_path = project.cache_dir / FEED_STATE_FILE
    cache_path = project.cache_dir / FEED_CACHE_FILE
    state = json.loads(state_path.read_text()) if state_path.is_file() else {}
    usable = state.get("url") == source and cache_path.is_file()
    try:
        reply = http.fetch(source, state.get("etag") if usable else None,
                           state.get("last_modified") if usable else None)
    except http.FetchError as exc:
        raise SyncError(f"cannot read the feed: {exc}") from exc
    if reply.status == 304:
        return cache_path.read_bytes(), reply.url, state.get("content_type"), 304
    store.write_bytes_atomic(cache_path, reply.body)
    store.write_json_atomic(state_path, {"url": source, "etag": reply.etag,
                                         "last_modified": reply.last_modified,
                                         "content_type": reply.content_type})
    return reply.body, reply.url, reply.content_type, reply.status


def _publisher_transcript(record: dict[str, Any]) -> tuple[dict[str, Any], Any] | None:
    """The best importable publisher transcript linked from the feed, with its parser."""
    ranked = sorted((t for t in record["publisher_transcripts"]
                     if (t.get("type") or "").lower() in PUBLISHER_TYPES),
                    key=lambda t: list(PUBLISHER_TYPES).index(t["type"].lower()))
    return (ranked[0], PUBLISHER_TYPES[ranked[0]["type"].lower()]) if ranked else None


def write_outputs(folder: Path, raw: list[tf.Segment]) -> tuple[bool, list[str]]:
    """Apply corrections.yml to `raw` and write every transcript format; True if any changed."""
    fixes = corrections.load(folder / store.CORRECTIONS_FILE)
    segments, warnings = corrections.apply(raw, fixes)
    changed = False
    for name, text in (("transcript.json", store.dump_json(tf.to_json(segments))),
                       ("transcript.vtt", tf.to_vtt(segments)),
                       ("transcript.srt", tf.to_srt(segments)),
                       ("transcript.txt", tf.to_txt(segments)),
                       ("transcript.html", tf.to_html(segments))):
        changed |= store.write_text_atomic(folder / name, text)
    corrections.ensure_template(folder / store.CORRECTIONS_FILE)
    return changed, warnings


class Syncer:
    """One run of `companion sync` over a project."""

    def __init__(self, project: Project, options: Options, reporter: Reporter | None = None):
        self.project = project
        self.options = options
        self.reporter = reporter or SilentReporter()
        self.settings = Settings(model=options.model or Settings.model, batched=options.batched,
                                 vocabulary=project.podcast.vocabulary, device=options.device)
        self.budget = Budget(options.time_budget_min, self.settings.model, project.cache_dir)

    def run(self) -> Report:
        """Sync every episode (or the shard's), under the project's lock."""
        with self.locked():
            return self._run()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the project's sync lock; SyncError when another sync holds it."""
        self.project.cache_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.project.cache_dir / LOCK_FILE))
        try:
            lock.acquire(timeout=0)
        except Timeout as exc:
            raise SyncError("another `companion sync` is running in this project; "
                            "wait for it to finish, then run again") from exc
        try:
            yield
        finally:
            lock.release()

    def entries(self) -> tuple[Report, list[tuple[dict[str, Any], str, bool]]]:
        """Read the feed: an empty report and (item, slug, new) for each item, newest first."""
        source = self.options.feed or self.project.podcast.feed
        if not source:
            raise SyncError("no feed is set. Put the feed URL in mkdocs.yml under "
                            "extra.podcast.feed, or run `companion sync --feed URL_OR_FILE`.")
        raw, url, content_type, status = read_feed(self.project, source)
        try:
            parsed = feed.parse_feed(raw, url or "", content_type)
        except feed.FeedError as exc:
            raise SyncError(f"cannot use the feed {source}: {exc}") from exc
        report = Report(feed_status=status, warnings=list(parsed.warnings))
        for warning in parsed.warnings:
            self.reporter.warn(warning)
        existing = {e["guid"]: e["slug"] for e in store.load_episodes(self.project.episodes_dir)}
        taken = set(existing.values())
        items = sorted(parsed.items, key=lambda i: i["date"] or "", reverse=True)
        entries = []
        planned = self.options.only or {}
        for item in items[: self.options.limit] if self.options.limit else items:
            slug = (existing.get(item["guid"]) or planned.get(item["guid"])
                    or episode_slug(item["date"], item["title"], item["guid"], taken))
            taken.add(slug)
            entries.append((item, slug, item["guid"] not in existing))
        return report, entries

    def record_for(self, item: dict[str, Any], slug: str) -> dict[str, Any]:
        """The episode's record as it stands, refreshed with what the feed now says."""
        path = self.project.episodes_dir / slug / store.EPISODE_FILE
        record = store.read_json(path) if path.is_file() else store.new_episode(item["guid"], slug)
        record.update({k: item[k] for k in FEED_FIELDS})
        if item["duration"]:
            record["duration"] = item["duration"]
        return record

    def needs_whisper(self, record: dict[str, Any]) -> bool:
        """Whether syncing `record` means a Whisper transcription (what a budget or a plan counts)."""
        if not record["enclosure"]:
            return False
        if self.options.retranscribe:
            return True
        if _publisher_transcript(record):
            return False
        folder = self.project.episodes_dir / record["slug"]
        return not (record["status"] == store.STATUS_TRANSCRIBED
                    and (folder / store.RAW_TRANSCRIPT_FILE).is_file())

    def _run(self) -> Report:
        report, entries = self.entries()
        for item, slug, new in entries:
            if self.options.only is not None and item["guid"] not in self.options.only:
                continue
            outcome = self._episode(item, slug, new=new)
            report.outcomes.append(outcome)
            self.reporter.finished(outcome)
        return report

    def _episode(self, item: dict[str, Any], slug: str, new: bool) -> Outcome:
        folder = self.project.episodes_dir / slug
        path = folder / store.EPISODE_FILE
        record = self.record_for(item, slug)
        outcome = Outcome(slug=slug, title=record["title"], new=new, state="unchanged")
        chapters.update(folder, record, self.reporter.warn)
        try:
            if not record["enclosure"] and not _publisher_transcript(record):
                record.update(status=store.STATUS_NO_AUDIO, error=None)
                outcome.state = "no-audio"
            elif (record["status"] == store.STATUS_TRANSCRIBED and not self.options.retranscribe
                  and (folder / store.RAW_TRANSCRIPT_FILE).is_file()):
                raw = store.read_json(folder / store.RAW_TRANSCRIPT_FILE)["segments"]
                changed, warnings = write_outputs(folder, raw)
                self._warn_all(slug, warnings)
                outcome.state = "corrected" if changed else "unchanged"
            elif self.needs_whisper(record) and not self.budget.allows(record):
                outcome.state, outcome.pending_s = "deferred", episode_seconds(record)
                outcome.reason = self.budget.too_long(record)
            else:
                self._transcribe(record, folder, outcome)
        except (http.FetchError, audio.AudioError, ModelError, corrections.CorrectionsError,
                ValueError) as exc:
            record.update(status=store.STATUS_FAILED, error=str(exc))
            outcome.state, outcome.reason = "failed", str(exc)
        store.write_json_atomic(path, record)
        return outcome

    def _transcribe(self, record: dict[str, Any], folder: Path, outcome: Outcome) -> None:
        started = time.monotonic()
        publisher = None if self.options.retranscribe else _publisher_transcript(record)
        if publisher:
            link, parse = publisher
            reply = http.fetch(link["url"])
            text = reply.body.decode("utf-8-sig", errors="replace")
            raw = parse(json.loads(text)) if parse is tf.from_json else parse(text)
            model, outcome.state = "publisher", "imported"
        else:
            raw = self._whisper(record, folder.name, outcome)
            model, outcome.state = self.settings.model, "transcribed"
        store.write_json_atomic(folder / store.RAW_TRANSCRIPT_FILE, tf.to_json(raw))
        _changed, warnings = write_outputs(folder, raw)
        self._warn_all(folder.name, warnings)
        outcome.work_s = time.monotonic() - started
        if outcome.state == "transcribed":
            self.budget.record(outcome.audio_s, outcome.work_s)
        record.update(status=store.STATUS_TRANSCRIBED, error=None, model=model,
                      transcribed_at=_now())

    def _whisper(self, record: dict[str, Any], slug: str, outcome: Outcome) -> list[tf.Segment]:
        enclosure = record["enclosure"]
        if not enclosure:
            raise audio.AudioError("the feed gives no audio for this episode")
        try:   # a model that cannot load is the run's problem, not this episode's
            load_model(self.settings.model, self.settings.device, self.settings.cpu_threads)
        except ModelError as exc:
            raise SyncError(str(exc)) from exc
        title = record["title"]
        cached = http.download(
            enclosure["url"], self.project.audio_cache / f"{slug}.audio", enclosure.get("length"),
            progress=lambda done, total: self.reporter.download(title, done, total))
        try:
            decoded = audio.load_audio(cached, record.get("duration"))
        except audio.AudioError:
            cached.unlink()        # the host may fix the file: download it again next time
            raise
        if not record.get("duration"):
            record["duration"] = round(decoded.seconds, 3)
        outcome.audio_s = decoded.seconds
        return transcribe(decoded.samples, self.settings,
                          lambda done: self.reporter.transcribing(title, done, decoded.seconds))

    def _warn_all(self, slug: str, warnings: list[str]) -> None:
        for warning in warnings:
            self.reporter.warn(f"{slug}: corrections.yml: {warning}")


def sync(project: Project, options: Options, reporter: Reporter | None = None) -> Report:
    return Syncer(project, options, reporter).run()
