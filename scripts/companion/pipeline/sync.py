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

Each feed item is matched to the episode it already is (`identity`): a moved feed, a changed guid
or a folder written by an earlier version keeps its folder, slug and corrections. The feed URL may
come from the environment (`COMPANION_FEED`, for private feeds whose URL holds a token); it is then
never written or shown, only named as $COMPANION_FEED.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
import traceback
import urllib.parse
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Protocol

from filelock import FileLock, Timeout

from companion.errors import CompanionError, PipelineError
from companion.pipeline import (audio, chapters, corrections, dates, feed, fetch_policy, http,
                                identity, language, pages, private_feed, probe, store,
                                formats as tf)
from companion import urls
from companion.episode import TRANSCRIPT_FORMATS
from companion.pipeline.budget import Budget, episode_seconds
from companion.timecode import format_clock
from companion.project import CACHE_DIR as CACHE_NAME, Project
from companion.pipeline.slug import episode_slug
from companion.pipeline.transcribe import Coverage, ModelError, Settings, load_model, transcribe_audio

FEED_STATE_FILE = "feed-state.json"      # ETag / Last-Modified of the last fetch
FEED_CACHE_FILE = "feed.xml"             # body of the last 200, reused on a 304
PAGES_DIR = "feed-pages"                 # the same for the feed's later pages (RFC 5005)
LOCK_FILE = "sync.lock"
ERROR_LOG = "logs/sync-errors.log"       # tracebacks of unexpected per-episode errors, under .cache/
FEED_ENV = "COMPANION_FEED"              # a private feed's URL, from a CI secret
EXIT_MORE_TO_DO = 3                      # the time budget left episodes for the next run
# Publisher transcript formats we can import, best first (JSON keeps speakers and exact times).
PUBLISHER_TYPES = {"application/json": tf.from_json, "text/vtt": tf.from_vtt,
                   "application/x-subrip": tf.from_srt, "application/srt": tf.from_srt,
                   "text/srt": tf.from_srt}
# Transcript types that are certainly not a timed transcript (a web page; HTML transcripts have
# no times): never read by content.
NOT_IMPORTED_TYPES = ("text/html", "application/xhtml+xml")
# Feed fields copied onto the episode record on every run (the feed may edit them).
FEED_FIELDS = ("title", "date", "date_note", "episode", "episode_display", "season", "episode_type",
               "link", "image", "enclosure", "audio_source", "show_notes_html", "publisher_transcripts",
               "chapters_url")


# Episodes whose host is asked, on a run whose feed changed, whether it serves another file at
# the address transcribed (`Syncer.ask_upload`): the newest, where fixes are re-uploaded.
UPLOAD_CHECKS = 25
# This many episodes of one host found replaced in one run, with nothing in the feed to say so,
# are the host's doing (dynamic ad insertion, a re-encode), not re-uploads (`Syncer.ask_uploads`).
ROTATING_EPISODES = 3
# A transcribed episode whose feed now declares a length this much different (both more than
# REPLACED_S seconds and REPLACED_SHARE of it) has had its audio replaced: transcribed again.
REPLACED_S = 5.0
REPLACED_SHARE = 0.02

FAILED = "failed"
NOT_CORRECTED = "corrections-not-applied"   # the maintainer's file is refused; nothing changed


class SyncError(PipelineError):
    """The whole run cannot go on (no feed, unreadable feed, another sync running): exit 2."""


class Reporter(Protocol):
    """What a sync tells its caller as it goes (the CLI draws progress bars from it)."""

    def warn(self, message: str) -> None:
        """A warning for the maintainer (one line; already redacted of a private feed's token)."""

    def download(self, title: str, done: int, total: int | None) -> None:
        """Download progress of one episode: `done` bytes of `total` (None when the host does not say)."""

    def transcribing(self, title: str, done_s: float, total_s: float) -> None:
        """Transcription progress of one episode: `done_s` of `total_s` seconds of audio."""

    def finished(self, outcome: "Outcome") -> None:
        """One episode is done, whatever its outcome (transcribed, failed, deferred, ...)."""


class SilentReporter:
    """A Reporter that drops everything: the default when a sync is given none."""

    def warn(self, message: str) -> None:
        """Dropped."""

    def download(self, title: str, done: int, total: int | None) -> None:
        """Dropped."""

    def transcribing(self, title: str, done_s: float, total_s: float) -> None:
        """Dropped."""

    def finished(self, outcome: "Outcome") -> None:
        """Dropped."""


class RedactingReporter:
    """Passes everything on, with a private feed's secret taken out of warnings."""

    def __init__(self, inner: Reporter, parts: list[str]):
        self.inner, self.parts = inner, parts

    def warn(self, message: str) -> None:
        """The warning with the private feed's secret parts replaced, passed on."""
        self.inner.warn(private_feed.redact(message, self.parts))

    def download(self, title: str, done: int, total: int | None) -> None:
        """Passed on (titles come from the feed's text, not its URL)."""
        self.inner.download(title, done, total)

    def transcribing(self, title: str, done_s: float, total_s: float) -> None:
        """Passed on."""
        self.inner.transcribing(title, done_s, total_s)

    def finished(self, outcome: "Outcome") -> None:
        """Passed on (the outcome's reason is redacted before it gets here)."""
        self.inner.finished(outcome)


@dataclass(frozen=True)
class Options:
    feed: str | None = None
    limit: int | None = None
    model: str | None = None
    retranscribe: bool = False
    batched: bool = False         # spans one by one: measured faster and leaner on CPU
    device: str = "cpu"           # "cuda" with CUDA 12 + cuDNN installed, or "auto"
    time_budget_min: float | None = None   # minutes; None: no budget
    only: Mapping[str, str] | None = None  # a shard's guid -> slug; None: every episode


@dataclass
class Outcome:
    slug: str
    title: str
    new: bool
    state: str                    # transcribed, imported, unchanged, corrected, failed, no-audio,
                                  # deferred (left for the next run by the time budget),
                                  # corrections-not-applied (NOT_CORRECTED: left as it was)
    reason: str | None = None
    review: list[str] = field(default_factory=list)   # why it needs review (status needs-review)
    audio_s: float = 0.0
    work_s: float = 0.0
    pending_s: float = 0.0        # deferred: the episode's audio length (feed's, or a guess)
    previous_guid: str | None = None      # the guid it had before, when the feed changed it
    not_applied: list[str] = field(default_factory=list)   # maintainer's files refused (exit 1)


@dataclass
class Report:
    feed_status: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    moved: str | None = None              # what to do now that the feed moved (itunes:new-feed-url)
    pages: int = 1                        # documents of a paged feed read (RFC 5005)
    feed_incomplete: str | None = None    # why a paged feed's older pages were not read
    left_feed: list[str] = field(default_factory=list)   # slugs no longer in the feed

    @property
    def deferred(self) -> list[Outcome]:
        """The episodes the time budget left for the next run."""
        return [o for o in self.outcomes if o.state == "deferred"]

    @property
    def exit_code(self) -> int:
        """3 more to do (deferred by the budget; failures are listed too), 1 failed, corrections
        not applied or the feed read incompletely (a later page failed), 0 done."""
        if self.deferred:
            return EXIT_MORE_TO_DO
        return 1 if (self.feed_incomplete
                     or any(o.state == FAILED or o.not_applied for o in self.outcomes)) else 0


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def feed_given(options: "Options", project: Project) -> tuple[str, bool]:
    """The feed as the maintainer set it and whether it is secret: `--feed`, else
    $COMPANION_FEED, else extra.podcast.feed in mkdocs.yml."""
    if options.feed:
        return options.feed, False
    secret = os.environ.get(FEED_ENV, "").strip()
    if secret:
        return secret, True
    return project.podcast.feed, False


def feed_source(options: "Options", project: Project) -> tuple[str, bool]:
    """The feed to read and whether it is secret (`feed_given`): a subscribe link or an address
    without a scheme as the web address it stands for (`urls.feed_address`)."""
    given, secret = feed_given(options, project)
    return urls.feed_address(given)[0], secret


def _same_address(one: str, other: str) -> bool:
    """Whether two feed URLs are one address spelt differently (case of scheme and host,
    percent-encoding, surrounding spaces: `urls.to_uri`)."""
    try:
        return urls.to_uri(one) == urls.to_uri(other)
    except urls.URLError:
        return one.strip() == other.strip()


def leaves_https(target: str) -> bool:
    """Whether the run's policy refuses to read `target` as a feed document (a move or a next
    page on plain http while the feed is read over https: `fetch_policy.Policy.check_clear`)."""
    try:
        fetch_policy.current().check_clear(target, fetch_policy.FEED)
    except fetch_policy.Refused:
        return True
    return False


def _base(reply: http.Response, asked: str) -> str:
    """The base address of a feed document's relative links (RFC 3986 section 5.1.3): where the
    redirects led, except for a private feed (its redirect targets may hold a session token),
    whose links are resolved against the address asked for."""
    return asked if fetch_policy.current().private else (reply.url or asked)


def _url_key(url: str) -> str:
    """What feed-state.json keeps to know the feed: a hash, so a tokenised URL is not on disk."""
    return "sha256:" + hashlib.sha256(url.encode("utf-8")).hexdigest()


def read_feed(project: Project, source: str) -> http.Response:
    """Feed bytes from a URL (conditional GET, cached body on 304) or a local file, as a Response:
    its status, content type, every address the request was redirected to and, when every
    redirect was permanent, the address the feed moved to."""
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme not in urls.FETCHABLE_SCHEMES:
        path = Path(source).expanduser()
        if not path.is_file():
            raise SyncError(f"no feed at {source!r}: give an http(s) URL or the path of a feed file")
        return http.Response(200, path.read_bytes(), source, None, None, None)
    return cached_get(source, project.cache_dir / FEED_STATE_FILE, project.cache_dir / FEED_CACHE_FILE)


def cached_get(url: str, state_path: Path, cache_path: Path, offline: bool = False
               ) -> http.Response:
    """The Response to `url` by a conditional GET whose validators and body are kept at
    `state_path` and `cache_path`; a 304 returns the kept body (and the kept content type).
    `offline`: the kept body without asking, when there is one (the later pages of a feed whose
    first page answered 304). Raises SyncError when the request fails."""
    state = store.read_cache(state_path)   # damaged: an unconditional GET, not a stopped run
    usable = state.get("url") == _url_key(url) and cache_path.is_file()
    if offline and usable:
        return http.Response(304, cache_path.read_bytes(), state.get("base") or url, None, None,
                             state.get("content_type"))
    try:
        reply = http.fetch(url, state.get("etag") if usable else None,
                           state.get("last_modified") if usable else None)
    except http.FetchError as exc:
        raise SyncError(f"cannot read the feed: {exc}") from exc
    if reply.status == 304 and not usable:
        # "Not Modified" to a request that named no copy (a CDN caching its own 304s): nothing
        # here to reuse, and no body to read; the run stops with what to do, not a traceback.
        raise SyncError(f"cannot read the feed: {url} answered 304 Not Modified to a request "
                        "that named no cached copy (the host or its CDN is misconfigured); run "
                        "again later, or ask the host to purge its cache")
    if reply.status == 304:
        return dataclasses.replace(reply, body=cache_path.read_bytes(),
                                   content_type=state.get("content_type"))
    store.write_bytes_atomic(cache_path, reply.body)
    # Where a redirect led is the base of the document's relative links (RFC 3986 section
    # 5.1.3), kept for a read from the cache; not for a private feed (its redirects may hold
    # its token: the state file keeps only a hash of what is secret).
    base = reply.url if reply.url != url and not fetch_policy.current().private else None
    store.write_json_atomic(state_path, {"url": _url_key(url), "etag": reply.etag,
                                         "last_modified": reply.last_modified,
                                         "content_type": reply.content_type, "base": base})
    return reply


def in_date_order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`items` newest first by the moment each was published. An undated item keeps its place
    in the feed: it is given as `order_date` a second before its newer dated neighbour (or, with
    none, a second after its older one), k seconds for the k-th undated item in a row; sync
    records it when the episode is first seen, so its place never moves (`store.order_key`)."""
    moments = [dates.instant(i["date"]) for i in items]
    dated = [m for m in moments if m is not None]
    pairs = list(zip(dated, dated[1:]))
    newest_first = sum(a > b for a, b in pairs) >= sum(a < b for a, b in pairs)
    ordered = items if newest_first else items[::-1]         # newest first from here on
    moments = moments if newest_first else moments[::-1]
    for index, item in enumerate(ordered):
        if moments[index] is not None:
            item["order_date"] = item["date"]
            continue
        newer = [(index - j, moments[j]) for j in range(index - 1, -1, -1) if moments[j]]
        older = [(j - index, moments[j]) for j in range(index + 1, len(items)) if moments[j]]
        if newer:
            moment = newer[0][1] - timedelta(seconds=newer[0][0])
        elif older:
            moment = older[0][1] + timedelta(seconds=older[0][0])
        else:
            moment = datetime(1970, 1, 1, tzinfo=timezone.utc) - timedelta(seconds=index)
        moments[index] = moment
        item["order_date"] = moment.isoformat()
    ranked = sorted(range(len(ordered)), key=lambda i: (moments[i], -i), reverse=True)
    return [ordered[i] for i in ranked]


def _publisher_transcripts(record: dict[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    """The importable publisher transcripts linked from the feed, best first, each with its
    parser: those of PUBLISHER_TYPES (in its order), then those declared with a type that says
    nothing (read by their content, `from_unlabelled`); never an HTML page. Every one is tried
    in turn: a feed's first transcript can be empty or gone while the next one is good
    (pocket-casts-ios#2022, pocket-casts-android#2704)."""
    links = [t for t in record["publisher_transcripts"] if _in_english(t)]
    ranked = sorted((t for t in links if _media_type(t) in PUBLISHER_TYPES),
                    key=lambda t: list(PUBLISHER_TYPES).index(_media_type(t)))
    unlabelled = [t for t in links if _media_type(t) not in PUBLISHER_TYPES
                  and _media_type(t) not in NOT_IMPORTED_TYPES]
    return ([(t, PUBLISHER_TYPES[_media_type(t)]) for t in ranked]
            + [(t, tf.from_unlabelled) for t in unlabelled])


def _in_english(link: dict[str, Any]) -> bool:
    """Whether a transcript link is in English or does not say (`language`, BCP 47): the
    podcast is transcribed in English (tiny.en), and a feed may offer translations beside the
    transcript (anytime_podcast_player#102: `language="es"`); a translation timed to English
    speech is not its transcript."""
    language = str(link.get("language") or "").strip().lower()
    return not language or language == "en" or language.startswith(("en-", "en_", "english"))


def _other_languages(record: dict[str, Any]) -> list[str]:
    """The languages of the publisher's transcripts that are not English (see `_in_english`)."""
    return sorted({str(t["language"]) for t in record["publisher_transcripts"] if not _in_english(t)})


def _media_type(link: dict[str, Any]) -> str:
    """A transcript link's media type without parameters (`text/vtt; charset=utf-8` is text/vtt,
    RFC 9110 section 8.3.1)."""
    return (link.get("type") or "").split(";", 1)[0].strip().lower()


def write_outputs(folder: Path, raw: list[tf.Segment],
                  fixes: corrections.Corrections | None = None,
                  written: dict[str, str] | None = None) -> tuple[bool, list[str]]:
    """Apply corrections (`fixes`, else folder's corrections.yml) to `raw` and write every
    transcript format; True if any changed. Raises CorrectionsError, having written nothing,
    when the corrections cannot be applied.

    `written` (the record's `transcripts_sha256`: file name -> SHA-256 of what sync last wrote,
    updated here) keeps the maintainer's hand edits: a transcript file whose bytes are no longer
    those sync wrote was edited by hand and is not overwritten; a warning says how to make the
    fix reach every format (corrections.yml). Without it every file is written."""
    if fixes is None:
        fixes = corrections.load(folder / store.CORRECTIONS_FILE)
    segments, notes = corrections.apply(raw, fixes)
    warnings = [f"{store.CORRECTIONS_FILE}: {note}" for note in notes]
    changed = False
    kept = store.edited_by_hand(folder, written) if written is not None else set()
    for kind in TRANSCRIPT_FORMATS:
        path = folder / kind.name
        text = tf.WRITERS[kind.suffix](segments)
        # A file that holds what would be written is sync's own, recorded or not (a run killed
        # after writing it, before saving the record).
        if kind.name in kept and store.digest(path) != store.digest_of(text.encode("utf-8")):
            warnings.append(f"{kind.name} was edited by hand: kept as it is, not rewritten, and "
                            "the other formats do not have the edit; put the fix in "
                            "corrections.yml and delete the file to have it written again")
            continue
        changed |= store.write_text_atomic(path, text)
        if written is not None:
            written[kind.name] = store.digest(path)
    corrections.ensure_template(folder / store.CORRECTIONS_FILE)
    return changed, warnings


def _apart(one: float, other: float) -> bool:
    """Whether two lengths (s) differ by more than REPLACED_S and REPLACED_SHARE of the longer."""
    gap = abs(one - other)
    return gap > REPLACED_S and gap > REPLACED_SHARE * max(one, other)


def replaced(record: dict[str, Any], declared_s: float | None) -> bool:
    """Whether a Whisper-transcribed episode's audio was replaced since: the feed now declares
    `declared_s` seconds, apart (`_apart`) both from what it declared when the audio was
    transcribed (`declared_s_transcribed`) and from the length of the audio transcribed
    (`coverage.audio_s`). Publishers re-upload a fixed episode under its guid, at the same
    address or another (Podcastindex-org/podcast-namespace#122, castget#67). A feed that omits
    the length, keeps declaring a wrong one, gives one for the first time (nothing to compare)
    or corrects a wrong one to the audio's own changes nothing; neither does an address alone
    (a host's move)."""
    if not declared_s or record.get("model") in (None, "publisher"):
        return False
    if record["status"] not in store.HAS_TRANSCRIPT:
        return False
    known_s = record.get("declared_s_transcribed")
    audio_s = (record.get("coverage") or {}).get("audio_s")
    return bool(known_s) and _apart(declared_s, known_s) and not (
        audio_s and not _apart(declared_s, audio_s))


def length_moved(record: dict[str, Any]) -> bool:
    """Whether the enclosure's byte length the feed declares now (RSS `length`) is apart
    (REPLACED_SHARE of the longer) from the one it declared when the audio was transcribed
    (`declared_bytes_transcribed`) and from the bytes downloaded then: a sign of a re-upload for
    a feed with no itunes:duration, which `Syncer.ask_upload` has the host confirm. A length
    given for the first time, or corrected to the file's own, is none."""
    source = record.get("audio_source") or record.get("enclosure") or {}
    now, known = source.get("length"), record.get("declared_bytes_transcribed")
    downloaded = (record.get("audio_validators") or {}).get("bytes")

    def apart(one: int, other: int) -> bool:
        return abs(one - other) > REPLACED_SHARE * max(one, other)

    return bool(now and known) and apart(now, known) and not (downloaded and not apart(now, downloaded))


def link_changed(record: dict[str, Any]) -> bool:
    """Whether the feed now links the episode's audio by another URL than the one downloaded
    (`http.href_key`: its query too, tracking prefixes aside), with no itunes:duration, now or
    when it was transcribed, to judge a re-upload by (`replaced`): then only the host can tell
    a re-upload (a fixed file under a new name, audioboom's new `?modified=`) from a host's move.
    False for a record downloaded before links were recorded."""
    recorded = (record.get("audio_validators") or {}).get("href")
    source = record.get("audio_source") or record.get("enclosure") or {}
    if not recorded or not source.get("url"):
        return False
    if record.get("feed_duration") and record.get("declared_s_transcribed"):
        return False
    return http.href_key(source["url"]) != recorded


# A publisher transcript shorter than the episode by more than this share of it and this many
# seconds covers part of it: the share is the one a file cut short is judged by; the seconds
# leave room for a music intro or outro, which has no cues.
PARTIAL_SHARE = 0.10
PARTIAL_S = 60.0


def _shares_an_episode(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> bool:
    """Whether a feed's new address lists any episode the old one does, by guid, audio file
    (`urls.enclosure_key`: a host's move changes the address) or title. A move to an empty feed
    or to another podcast's is the publisher's slip, not a move (pyther/podfeed#5: a station
    redirected its feeds to incomplete ones "for a few hours", and apps followed)."""
    def keys(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
        found = set()
        for item in items:
            found.add(("guid", item["guid"]))
            found.add(("title", " ".join(item["title"].casefold().split())))
            if item.get("enclosure"):
                found.add(("audio", urls.enclosure_key(item["enclosure"]["url"])))
        return found
    return bool(keys(old) & keys(new))


def partial_transcript(segments: list[tf.Segment], duration_s: float | None) -> str | None:
    """Why a publisher transcript covers only part of the episode, or None: its cues start late
    or end early against `duration_s` (the feed's itunes:duration, or the audio's measured
    length; None: nothing to judge by) by more than PARTIAL_SHARE and PARTIAL_S. Publishers'
    transcripts do: the first ten minutes missing (warmans/rsk-search#2), written "until 7:10"
    (shanselman/ThisDevelopersLife-Transcripts#26), the interviews at the end left out
    (rustacean-station.org#71). Imported, it would be published as the whole episode."""
    if not duration_s or not segments:
        return None
    first = min(s["startTime"] for s in segments)
    last = max(max(s["startTime"], s.get("endTime") or 0.0) for s in segments)
    missing = max(first, 0.0) + max(duration_s - last, 0.0)
    if missing <= max(PARTIAL_SHARE * duration_s, PARTIAL_S):
        return None
    return (f"covers only {format_clock(first)} to {format_clock(last)} of the episode's "
            f"{format_clock(duration_s)}: part of it")


def set_review(record: dict[str, Any], fixes: corrections.Corrections, has_words: bool,
               outcome: Outcome) -> None:
    """Status `needs-review` (with the reasons) when the stored coverage says speech may be
    missing and the corrections do not accept the empty stretches, or when the model's own
    confidence says the speech may not be English (`language`) and the maintainer has not marked
    it checked (`language_checked` in corrections.yml); else `transcribed`."""
    if not record.get("coverage"):
        record["review"] = []
        return
    accepted = corrections.accepted(fixes)
    coverage = Coverage.from_json(record["coverage"])
    if corrections.language_checked(fixes):
        coverage.unsure = []            # the model's doubts, read against the audio: all cleared
    reasons = coverage.review_reasons(has_words, accepted)
    if not corrections.language_checked(fixes):
        reasons += language.review_reasons(record.get("speech"))
    record["review"] = reasons
    record["status"] = store.STATUS_NEEDS_REVIEW if reasons else store.STATUS_TRANSCRIBED
    outcome.review = reasons
    if reasons and outcome.state == "transcribed":
        outcome.state = "needs-review"


class Syncer:
    """One run of `companion sync` over a project."""

    def __init__(self, project: Project, options: Options, reporter: Reporter | None = None):
        self.project = project
        self.options = options
        self.reporter = reporter or SilentReporter()
        self.secret_parts: list[str] = []   # what of a $COMPANION_FEED URL is never written
        self.matched_by: dict[str, str] = {}  # slug -> how an item with a new guid was matched
        self.feed_fetched = False             # the feed changed this run (not a 304)
        self.upload_checks = UPLOAD_CHECKS    # re-uploads still to ask hosts about this run
        self.reuploaded: set[str] = set()     # slugs whose audio the host replaced (`ask_uploads`)
        self.rotated: dict[str, dict] = {}    # slug -> what the host serves now, changed with
                                              # many others (dynamic ads: `ask_uploads`)
        self.settings = Settings(model=options.model or Settings.model, batched=options.batched,
                                 vocabulary=project.podcast.vocabulary, device=options.device)
        self.budget = Budget(options.time_budget_min, self.settings.model, project.cache_dir)

    def run(self) -> Report:
        """Sync every episode (or the shard's), under the project's lock."""
        with self.locked():
            return self._run()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the project's sync lock (SyncError when another sync holds it) and, for the run,
        the fetch policy of its feed: what the feed names may reach its own host, nothing else
        that is not public (`fetch_policy`)."""
        with self._lock(), fetch_policy.feed_host(*feed_source(self.options, self.project)):
            yield

    @contextmanager
    def _lock(self) -> Iterator[None]:
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

    def _redact(self, text: str) -> str:
        """`text` without the private feed's URL or any token in it (`private_feed`)."""
        return private_feed.redact(text, self.secret_parts)

    def _read(self, source: str) -> tuple[feed.ParsedFeed, int]:
        """The feed at `source`, its relative links resolved against the address it was read
        from after redirects (RFC 3986 section 5.1.3: the retrieval URI is the base, as browsers
        and podcast apps resolve them; a feed moved to another host with relative enclosures
        names the files there). Not for a private feed: its redirected address can hold a
        session token (a secret too, `_add_secrets`), which links resolved against it would
        carry into the site; its links are resolved against the address as configured."""
        try:
            reply = read_feed(self.project, source)
            if self.secret_parts:
                self._add_secrets(reply.redirects)
            parsed = feed.parse_feed(reply.body, _base(reply, source), reply.content_type)
            if parsed.cut_off:    # not kept as "unchanged": the next run asks for it whole
                (self.project.cache_dir / FEED_STATE_FILE).unlink(missing_ok=True)
            parsed.moved_to = reply.moved_to
            return parsed, reply.status
        except feed.FeedError as exc:
            raise SyncError(self._redact(f"cannot use the feed {source}: {exc}")) from exc
        except SyncError as exc:
            raise SyncError(self._redact(str(exc))) from exc

    def _read_page(self, url: str, offline: bool) -> feed.ParsedFeed:
        """One later page of a paged feed, cached like the first (FeedError when unusable, or
        on plain http when the feed is read over https); its links resolved against the address
        it was read from after redirects (`_read`)."""
        if leaves_https(url):
            raise feed.FeedError(f"{self._redact(url)} is on plain http and the feed is read over "
                                 "https: not followed")
        key = _url_key(url).split(":", 1)[1][:24]
        folder = self.project.cache_dir / PAGES_DIR
        try:
            reply = cached_get(url, folder / f"{key}.json", folder / f"{key}.xml", offline)
        except SyncError as exc:
            raise feed.FeedError(self._redact(str(exc))) from exc
        if self.secret_parts:
            self._add_secrets([url, *reply.redirects])
        parsed = feed.parse_feed(reply.body, _base(reply, url), reply.content_type)
        if parsed.cut_off:        # not kept as "unchanged": the next run asks for it whole
            (folder / f"{key}.json").unlink(missing_ok=True)
        return parsed

    def _add_secrets(self, addresses: Iterable[str]) -> None:
        """Hide every secret part of `addresses` too (a private feed's redirects, its new address)."""
        found = set(self.secret_parts)
        for address in addresses:
            found.update(private_feed.secret_parts(address))
        self.secret_parts = sorted(found, key=len, reverse=True)
        self.reporter = RedactingReporter(getattr(self.reporter, "inner", self.reporter),
                                          self.secret_parts)

    def _follow_move(self, source: str, parsed: feed.ParsedFeed, report: Report) -> feed.ParsedFeed:
        """Read the feed at itunes:new-feed-url (one hop) and say how to update the settings."""
        new = parsed.new_feed_url
        if not new or _same_address(new, source) or not source.startswith(("http://", "https://")):
            return parsed
        if self.secret_parts:       # a private feed's new address holds a (new) token as well
            self._add_secrets([new])
        if leaves_https(new):
            report.warnings.append(f"the feed says it moved (itunes:new-feed-url) to {new}, a plain "
                                   "http address: a feed read over https is not followed there "
                                   "(anyone on the network could read or change it); read the "
                                   "one set. Ask the publisher for its https address")
            return parsed
        try:
            moved, report.feed_status = self._read(new)
        except SyncError as exc:
            report.warnings.append(f"the feed says it moved (itunes:new-feed-url), but the new "
                                   f"address cannot be used: {exc}; read the old one")
            return parsed
        if parsed.items and not _shares_an_episode(parsed.items, moved.items):
            report.warnings.append(
                f"the feed says it moved (itunes:new-feed-url) to {new}, but that feed lists "
                f"{'no episodes' if not moved.items else 'none of its episodes'} (a new host "
                "not filled yet, or another podcast's address); read the old one, as it is. "
                "Ask the publisher to check the new address")
            return parsed
        if moved.new_feed_url and _same_address(moved.new_feed_url, source):
            report.warnings.append("the feed and the address it says it moved to (itunes:new-"
                                   "feed-url) name each other as the new address; read the one "
                                   "set, as it is: ask the publisher which is current")
            return parsed
        self._say_moved(new, "itunes:new-feed-url", report)
        return moved

    def _say_moved(self, new: str, how: str, report: Report) -> None:
        """Tell the maintainer the feed lives at `new` now (said by `how`) and what to change.
        A private feed's `new` is already among the secrets: `_follow_move` adds it, and a
        permanent redirect's target is one of the redirects `_read` adds."""
        if self.secret_parts:
            report.moved = (f"the feed moved ({how}): set the {FEED_ENV} secret to the new "
                            "address (not shown: it may hold a token)")
        else:
            report.moved = (f"the feed moved ({how}) to {new}: set extra.podcast.feed in "
                            f"mkdocs.yml to {new}")
        self.reporter.warn(report.moved)

    def entries(self) -> tuple[Report, list[tuple[dict[str, Any], str, bool]]]:
        """Read the feed (following a move): an empty report and (item, slug, new) for each item,
        newest first, each item given the folder of the episode it already is (`identity`)."""
        given, secret = feed_given(self.options, self.project)
        source, rewritten = urls.feed_address(given)
        self.secret_parts = private_feed.secret_parts(source) if secret else []
        if self.secret_parts and not isinstance(self.reporter, RedactingReporter):
            self.reporter = RedactingReporter(self.reporter, self.secret_parts)
        if rewritten:
            self.reporter.warn(self._redact(rewritten))
        if not source:
            raise SyncError("no feed is set. Put the feed URL in mkdocs.yml under "
                            f"extra.podcast.feed, set {FEED_ENV} (a private feed), "
                            "or run `companion sync --feed URL_OR_FILE`.")
        http.budget.reset()
        http.identify(self.project.site_url)
        parsed, status = self._read(source)
        report = Report(feed_status=status)
        self.feed_fetched = status != 304
        if parsed.moved_to and not _same_address(parsed.moved_to, source):
            # 301/308 (RFC 9110 section 15.4.2: "re-link references to the new URI"): read
            # there already; gPodder#911 and AntennaPod#1393 asked apps to take the new address
            self._say_moved(parsed.moved_to, "HTTP permanent redirect", report)
        parsed = self._follow_move(source, parsed, report)
        # A first page unchanged (304): the later pages are taken from the cache, unasked.
        paged = pages.follow(parsed, parsed.url or source,
                             lambda url: self._read_page(url, offline=report.feed_status == 304))
        parsed, report.pages = paged.feed, paged.pages
        missing = parsed.cut_off or paged.missing      # the first page cut short, or a later one
        report.feed_incomplete = self._redact(missing) if missing else None
        # _follow_move's own warnings (a loop, an unusable new address) are shown too
        report.warnings = [self._redact(w) for w in report.warnings + parsed.warnings + paged.warnings]
        for warning in report.warnings:
            self.reporter.warn(warning)
        records = self._readable_records()
        listed = sum(1 for r in records if r.get("in_feed") is not False)
        if not parsed.items and listed and not report.feed_incomplete:
            # A valid feed with no item where there were episodes is a host's glitch far more
            # often than a podcast withdrawn whole (commafeed#1010, pyther/podfeed#5): every
            # episode marked gone would leave the site and `feed-tags` with none.
            report.feed_incomplete = (f"the feed lists no episodes at all, where it listed "
                                      f"{listed}: none is marked gone; the next run reads it again")
            self.reporter.warn(report.feed_incomplete)
        # An old address (a renamed folder's former name) is never given to a new episode: links
        # made to it lead to the renamed one.
        taken = {r["slug"] for r in records} | {old for r in records for old in r.get("former_slugs") or []}
        own = {r["guid"]: r["slug"] for r in records}
        # A shard's folder names are reserved before any other episode is named, so an episode the
        # feed gained since the plan cannot take one; a name another episode already holds here
        # (a shard file edited by hand or from another plan) is not used: its folder is not ours.
        planned = {guid: slug for guid, slug in (self.options.only or {}).items()
                   if own.get(guid) == slug or slug not in taken}
        taken |= set(planned.values())
        items = in_date_order(parsed.items)
        matches = identity.match_items(items, records)     # the whole feed, then --limit
        if paged.complete and not report.feed_incomplete and self.options.only is None:
            self._mark_left(records, {m.record["slug"] for m in matches.values()}, report)
        entries = []
        for index, item in enumerate(items[: self.options.limit or None]):
            match = matches.get(index)
            slug = ((match.record["slug"] if match else None) or planned.get(item["guid"])
                    or episode_slug(item["date"], item["title"], item["guid"], taken))
            taken.add(slug)
            if match and match.how != identity.BY_GUID:
                self.matched_by[slug] = match.how
            entries.append((item, slug, match is None))
        return report, entries

    def _mark_left(self, records: list[dict[str, Any]], in_feed: set[str], report: Report) -> None:
        """Mark the episodes the feed no longer lists (`in_feed: false`, and when it was first
        seen gone); their folders, pages and corrections stay. Only after a complete read of
        the whole feed: a page that failed must not make episodes look withdrawn."""
        for record in records:
            gone = record["slug"] not in in_feed
            if gone == (record.get("in_feed") is False):
                if gone:
                    report.left_feed.append(record["slug"])
                continue
            record.update(in_feed=not gone, left_feed_at=_now() if gone else None)
            path = self.project.episodes_dir / record["slug"] / store.EPISODE_FILE
            store.write_json_atomic(path, private_feed.scrub(record, self.secret_parts))
            if gone:
                report.left_feed.append(record["slug"])
                self.reporter.warn(f"{record['slug']}: no longer in the feed; its page and "
                                   "transcript are kept, marked as no longer in the feed")

    def _readable_records(self) -> list[dict[str, Any]]:
        """Every episode.json that can be read. One the maintainer broke is left out here: its
        item is then given its folder back by slug, and `_episode` fails that episode alone,
        naming the file, rather than the whole run stopping."""
        found: list[tuple[Path, dict[str, Any]]] = []
        for folder in store.episode_dirs(self.project.episodes_dir):
            try:
                record = store.read_json(folder / store.EPISODE_FILE)
            except (OSError, ValueError):
                continue
            if isinstance(record, dict) and isinstance(record.get("slug"), str):
                found.append((folder, record))
        folders_of = Counter(record.get("guid") for _folder, record in found)
        for folder, record in found:
            if record["slug"] == folder.name:
                continue
            if folders_of[record.get("guid")] > 1:    # a copy: the build names both folders
                self.reporter.warn(f"{folder.name}: a copy of the episode in {record['slug']!r} "
                                   "(the same guid): delete one of the two folders")
                continue
            # The maintainer renamed the folder: its name is the slug (the page's address), and
            # is recorded now, whether or not this run goes on to sync the episode. The old name
            # is kept too: links, bundles and citations to its address must still lead here.
            self.reporter.warn(f"{folder.name}: the folder was renamed from {record['slug']!r}; "
                               "the episode keeps it, with its corrections, under its new name, "
                               f"and its old address episodes/{record['slug']}/ leads there")
            record["former_slugs"] = former_slugs(record, folder.name)
            record["slug"] = folder.name
            store.write_json_atomic(folder / store.EPISODE_FILE, record)
        records = [record for _folder, record in found]
        for record in records:
            for old in record.get("former_slugs") or []:
                holder = next((r["slug"] for r in records if r["slug"] == old), None)
                if holder is not None:
                    self.reporter.warn(
                        f"{record['slug']}: its old address episodes/{old}/ is now the folder of "
                        f"another episode, so links made to it before the rename show that one: "
                        f"rename one of the two folders to keep them apart")
        return records

    def record_for(self, item: dict[str, Any], slug: str) -> dict[str, Any]:
        """The episode's record as it stands, refreshed with what the feed now says.
        Raises ValueError when episode.json is not a JSON object."""
        path = self.project.episodes_dir / slug / store.EPISODE_FILE
        record = store.read_json(path) if path.is_file() else store.new_episode(item["guid"], slug)
        if not isinstance(record, dict):
            raise ValueError("it is not a JSON object")
        record["slug"] = slug                     # the folder's name, renamed by hand or not
        known_date = record.get("date")
        # A record from before `declared_s_transcribed`: the length last known stands for it.
        record.setdefault("declared_s_transcribed", record.get("duration"))
        known = record.get("audio_source") or record.get("enclosure")   # a hand-edit may break it
        record.setdefault("declared_bytes_transcribed",
                          known.get("length") if isinstance(known, dict) else None)
        record.update({k: item[k] for k in FEED_FIELDS})
        if known_date and (not item["date"]     # the feed broke a date it gave before: keep it
                           or dates.instant(item["date"]) == dates.instant(known_date)):
            record["date"] = known_date          # the same moment in another zone (a new host,
                                                 # an earlier version's UTC): the day stays
        if not record["date"] and not record.get("order_date"):
            record["order_date"] = item.get("order_date")   # the place it was first seen at
        record["in_feed"], record["left_feed_at"] = True, None
        measured_s = (record.get("coverage") or {}).get("audio_s")
        if not record.get("duration_measured") and measured_s and record.get("model") not in (
                None, "publisher"):
            # transcribed before the measured length was kept: the length transcribed stands
            record["duration"], record["duration_measured"] = measured_s, True
        record["feed_duration"] = item["duration"]
        if item["duration"] and not record.get("duration_measured"):
            # the feed's itunes:duration only stands in until the audio is measured: the file is
            # the truth (a disagreement is an `audio_warnings` entry, `audio.load_audio`)
            record["duration"] = item["duration"]
        if replaced(record, item["duration"]):
            record["audio_replaced"] = (
                f"the feed now declares {item['duration']:.0f} s of audio for this episode, not "
                f"the {record['declared_s_transcribed']:.0f} s it declared when it was "
                "transcribed: the audio was replaced (re-uploaded), so it is transcribed again; "
                "corrections.yml applies to the new transcript")
        elif not (record.get("audio_validators") or {}).get("changed"):
            # the feed went back to the length transcribed (a re-upload the host's validators
            # told of stays one until its audio is transcribed: `ask_uploads`)
            record["audio_replaced"] = None
            if not record["declared_s_transcribed"] and record.get("coverage"):
                # the first length the feed gives for audio transcribed: what later ones are
                # compared with
                record["declared_s_transcribed"] = item["duration"]
        return record

    def ask_upload(self, record: dict[str, Any], seen: dict | None = None) -> bool | None:
        """Whether the host now serves another file for a Whisper-transcribed episode than the one
        transcribed, though the feed declares the same length (a fixed edit re-uploaded in place:
        Podcastindex-org/podcast-namespace#122): the ETag or Last-Modified recorded at download
        differs (`http.changed`, one conditional one-byte request). A host that gives neither is
        asked only when the feed's enclosure length moved (`length_moved`: a feed with no
        itunes:duration), and then its file's total length is compared with the bytes
        downloaded. So is a link that changed (`link_changed`, a feed with no itunes:duration):
        a new query on every edit (castget#67) or a new file name, whose file's length tells a
        re-upload from a host's move. An episode the feed's duration already marks is not
        asked; at most UPLOAD_CHECKS a run, newest first, and none after a host that cannot tell
        (down, or serving another file on every request: dynamic ad insertion, so its feed's
        moving lengths never start a transcription). None when not asked or it cannot tell;
        `seen` is filled as `http.changed` fills it."""
        validators = record.get("audio_validators") or {}
        source = record.get("audio_source") or record.get("enclosure") or {}
        relinked = link_changed(record)
        if (self.upload_checks <= 0 or record.get("audio_replaced") or validators.get("changed")
                or not source.get("url") or not (validators.get("etag")
                                                  or validators.get("last_modified")
                                                  or length_moved(record) or relinked)
                or record.get("model") in (None, "publisher")
                or record["status"] not in store.HAS_TRANSCRIPT):
            return None
        self.upload_checks -= 1
        found = http.changed(source["url"], validators, elsewhere=relinked, seen=seen)
        if found is None:
            self.upload_checks = 0
        return found

    def ask_uploads(self, entries: list[tuple[dict[str, Any], str, bool]]) -> set[str]:
        """The slugs of the episodes re-uploaded (`ask_upload`), asked before any is synced, on a
        run whose feed changed (not a 304: a run with nothing new stays one request).

        Files of ROTATING_EPISODES episodes or more of one host changed at once, told only by
        the host (ETag, Last-Modified, size) while the feed says the same of each, are the
        host's doing, not a publisher's fixes: ads inserted per download and changed between
        runs (dynamic ad insertion; Podcastindex-org/podcast-namespace#254,
        pocket-casts-android#1312) or files re-encoded. Transcribing them again would redo the
        back catalogue on every run for the same words, so none is, and the run says so once
        (`--retranscribe` forces it). What the host serves now is recorded as the file of each
        (`self.rotated`), so the next run compares with this run's, and a file replaced later,
        alone, is a re-upload again."""
        found: dict[str, tuple[str, bool]] = {}
        now: dict[str, dict] = {}
        for item, slug, new in entries:
            if new or (self.options.only is not None and item["guid"] not in self.options.only):
                continue
            try:       # what is wrong with an episode is said when the episode is synced
                record = self.record_for(item, slug)
                told_by_feed = length_moved(record) or link_changed(record)
                replaced_now = self.ask_upload(record, seen := {})
            except (CompanionError, OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
            if replaced_now:
                source = record.get("audio_source") or record.get("enclosure") or {}
                found[slug] = (urllib.parse.urlsplit(source["url"]).hostname or "", told_by_feed)
                now[slug] = seen
        by_host = Counter(host for host, told_by_feed in found.values() if not told_by_feed)
        for host, count in by_host.items():
            if count < ROTATING_EPISODES:
                continue
            self.reporter.warn(
                f"{count} episodes' audio at {host} changed at once since they were transcribed, "
                "while the feed says the same of each: the host's doing (ads inserted and changed "
                "between downloads, dynamic ad insertion, or its files re-encoded), not fixed "
                "uploads, so they are not transcribed again; run `companion sync --retranscribe` "
                "if the publisher did replace them")
            rotated = {slug for slug, f in found.items() if not f[1] and f[0] == host}
            self.rotated.update({slug: now[slug] for slug in rotated})
            found = {slug: f for slug, f in found.items() if slug not in rotated}
        return set(found)

    def mark_upload(self, record: dict[str, Any]) -> None:
        """Mark an episode `ask_uploads` found re-uploaded as `audio_replaced`: transcribed again;
        one whose host changed it with many others takes what the host serves now as its file."""
        validators = record.get("audio_validators") or {}
        if record["slug"] in self.rotated:
            record["audio_validators"] = validators | self.rotated[record["slug"]]
        if record["slug"] not in self.reuploaded:
            return
        validators["changed"] = True
        record["audio_validators"] = validators
        record["audio_replaced"] = (
            "the host now serves another file at the episode's audio address (its ETag, "
            "Last-Modified or size changed since it was transcribed): the audio was replaced "
            "(re-uploaded), so it is transcribed again; corrections.yml applies to the new "
            "transcript")

    def needs_whisper(self, record: dict[str, Any]) -> bool:
        """Whether syncing `record` means a Whisper transcription (what a budget or a plan counts)."""
        if not record["enclosure"]:
            return False
        if self.options.retranscribe or record.get("audio_replaced"):
            return True
        if _publisher_transcripts(record):
            return False
        folder = self.project.episodes_dir / record["slug"]
        return not (record["status"] in store.HAS_TRANSCRIPT
                    and (folder / store.RAW_TRANSCRIPT_FILE).is_file())

    def _run(self) -> Report:
        report, entries = self.entries()
        self.reuploaded = self.ask_uploads(entries) if self.feed_fetched else set()
        for item, slug, new in entries:
            if self.options.only is not None and item["guid"] not in self.options.only:
                continue
            outcome = self._episode(item, slug, new=new)
            if outcome.previous_guid is not None:
                self.reporter.warn(f"{slug}: the feed changed this episode's guid from "
                                   f"{outcome.previous_guid!r} to {item['guid']!r} (matched by "
                                   f"{self.matched_by.get(slug, identity.BY_GUID)}); "
                                   "kept its folder and corrections")
            report.outcomes.append(outcome)
            self.reporter.finished(outcome)
        return report

    def _episode(self, item: dict[str, Any], slug: str, new: bool) -> Outcome:
        """Everything for one episode, inside one error boundary: whatever goes wrong is recorded
        on this episode (status failed, with its reason) and the run goes on."""
        folder = self.project.episodes_dir / slug
        path = folder / store.EPISODE_FILE
        outcome = Outcome(slug=slug, title=item["title"], new=new, state="unchanged")
        try:
            record = self.record_for(item, slug)
        except (OSError, ValueError) as exc:      # a hand-edited episode.json that is not JSON
            outcome.state, outcome.reason = "failed", self._redact(f"{path} cannot be read: {exc}")
            return outcome
        outcome.previous_guid = identity.adopt_guid(record, item["guid"])
        outcome.title = record["title"]
        try:
            self.mark_upload(record)
            self._episode_work(record, folder, outcome)
        except SyncError:
            raise
        except Exception as exc:  # noqa: BLE001 - the boundary: one episode never stops the run
            self._log_traceback(slug, exc)
            reason = (f"unexpected error: {type(exc).__name__}: {exc} "
                      f"(traceback in {CACHE_NAME}/{ERROR_LOG})")
            record.update(status=store.STATUS_FAILED, error=reason)
            outcome.state, outcome.reason = "failed", reason
        # A private feed's token (often in its enclosure URLs too) never reaches episodes/.
        store.write_json_atomic(path, private_feed.scrub(record, self.secret_parts))
        if outcome.reason:
            outcome.reason = self._redact(outcome.reason)
        return outcome

    def _log_traceback(self, slug: str, exc: BaseException) -> None:
        log = self.project.cache_dir / ERROR_LOG
        log.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"--- {_now()} {slug}\n{self._redact(text)}\n")

    def _episode_work(self, record: dict[str, Any], folder: Path, outcome: Outcome) -> None:
        try:      # a broken hand-written chapters.json: the site keeps its last valid one
            chapters.update(folder, record, self.reporter.warn,
                            self._shown(folder / store.CHAPTERS_FILE))
            record.pop("chapters_error", None)
        except chapters.ChaptersError as exc:
            record["chapters_error"] = str(exc)
            outcome.not_applied.append(str(exc))
        self._transcript_work(record, folder, outcome)
        coverage = record.get("coverage") or {}
        chapters.check_file(folder, record, coverage.get("audio_s") or None, self.reporter.warn)

    def _transcript_work(self, record: dict[str, Any], folder: Path, outcome: Outcome) -> None:
        try:
            if not record["enclosure"] and not _publisher_transcripts(record):
                record.update(status=store.STATUS_NO_AUDIO, error=None)
                outcome.state = "no-audio"
                return
            # The maintainer's file is read before anything else: a broken one changes nothing
            # (transcript, status, page) and starts no transcription.
            fixes = corrections.load(folder / store.CORRECTIONS_FILE,
                                     self._shown(folder / store.CORRECTIONS_FILE))
            if self.reapplies(record, folder):
                raw = store.read_json(folder / store.RAW_TRANSCRIPT_FILE)["segments"]
                outcome.state = "corrected" if self._publish(record, folder, raw, fixes, outcome) \
                    else "unchanged"
            elif self.needs_whisper(record) and not self.budget.allows(record):
                outcome.state, outcome.pending_s = "deferred", episode_seconds(record)
                outcome.reason = self.budget.too_long(record)
            else:
                self._transcribe(record, folder, fixes, outcome)
        except corrections.CorrectionsError as exc:
            record["corrections_error"] = str(exc)
            outcome.state, outcome.reason = NOT_CORRECTED, str(exc)
            outcome.not_applied.append(str(exc))
        except SyncError:               # the whole run stops: not this episode's fault
            raise
        except (CompanionError, ValueError) as exc:   # ours say what to fix: shown as they are
            if not (record.get("audio_replaced") and record["status"] in store.HAS_TRANSCRIPT):
                record["status"] = store.STATUS_FAILED
            # else the re-uploaded audio could not be fetched or read: the transcript of the
            # earlier audio stays published, and the next run tries the new audio again
            record["error"] = str(exc)
            outcome.state, outcome.reason = FAILED, str(exc)

    def _shown(self, path: Path) -> str:
        """How messages name a maintainer's file: relative to the project."""
        try:
            return str(path.relative_to(self.project.root))
        except ValueError:
            return str(path)

    def reapplies(self, record: dict[str, Any], folder: Path) -> bool:
        """Whether this sync writes the transcript from transcript.raw.json, without the model:
        it has been published, or it was transcribed and only its corrections held it back."""
        return (not self.options.retranscribe and not record.get("audio_replaced")
                and (folder / store.RAW_TRANSCRIPT_FILE).is_file()
                and (record["status"] in store.HAS_TRANSCRIPT
                     or bool(record.get("corrections_error"))))

    def _publish(self, record: dict[str, Any], folder: Path, raw: list[tf.Segment],
                 fixes: corrections.Corrections, outcome: Outcome) -> bool:
        """Write the corrected transcript and set the status; True if any file changed.
        Raises CorrectionsError, having changed nothing, when `fixes` cannot be applied."""
        written = record.setdefault("transcripts_sha256", {})
        changed, warnings = write_outputs(folder, raw, fixes, written)
        self._warn_all(folder.name, warnings)
        # Kept in the record, so every build says it again: after a re-transcription (a better
        # model, a re-uploaded episode) segments start elsewhere and a `segments:` fix that
        # matches nothing leaves the model's words on the page; one sync's warning is easily missed.
        prefix = f"{store.CORRECTIONS_FILE}: "
        record["corrections_unmatched"] = [w[len(prefix):] for w in warnings if w.startswith(prefix)]
        record.pop("corrections_error", None)
        record["error"] = None
        if record["status"] not in store.HAS_TRANSCRIPT:
            record["status"] = store.STATUS_TRANSCRIBED
        set_review(record, fixes, bool(raw), outcome)
        return changed

    def _transcribe(self, record: dict[str, Any], folder: Path, fixes: corrections.Corrections,
                    outcome: Outcome) -> None:
        started = time.monotonic()
        publisher = [] if self.options.retranscribe else _publisher_transcripts(record)
        raw = self._import(record, publisher) if publisher else None
        if not publisher:
            others = [] if self.options.retranscribe else _other_languages(record)
            record["publisher_warning"] = (
                f"the publisher's transcripts are in {', '.join(others)}, not English: the audio "
                "is transcribed instead" if others else None)
            if others:
                self.reporter.warn(f"{record['slug']}: {record['publisher_warning']}")
        if raw:
            model, outcome.state = "publisher", "imported"
        else:
            raw = self._whisper(record, folder.name, outcome)
            model, outcome.state = self.settings.model, "transcribed"
            notes = record.get("transport_warnings", []) + record.get("audio_warnings", [])
            if notes:
                self.reporter.warn(f"{folder.name}: " + "; ".join(notes))
        store.write_json_atomic(folder / store.RAW_TRANSCRIPT_FILE, tf.to_json(raw))
        outcome.work_s = time.monotonic() - started
        if outcome.state == "transcribed":
            self.budget.record(outcome.audio_s, outcome.work_s)
        record.update(model=model, transcribed_at=_now())      # what transcript.raw.json holds
        if model == "publisher":
            record.update(coverage=None, speech=None, review=[], audio_warnings=[])
        if record["status"] not in store.HAS_TRANSCRIPT:   # published by _publish, or by the
            record.update(status=store.STATUS_PENDING, error=None)   # next sync once they apply
        self._publish(record, folder, raw, fixes, outcome)

    def _import(self, record: dict[str, Any], publisher: list[tuple[dict[str, Any], Any]]
                ) -> list[tf.Segment] | None:
        """The first of the publisher's transcripts (`_publisher_transcripts`, best first) that
        can be fetched and read, or None with a warning on the episode naming each that could
        not (the audio is then transcribed instead)."""
        problems = []
        for link, parse in publisher:
            try:
                raw = self._read_transcript(link, parse, record.get("duration"))
            # JSONDecodeError is a ValueError; json.loads raises RecursionError on deep nesting.
            except (http.FetchError, ValueError, RecursionError) as exc:
                problems.append(f"{link['url']} could not be read ({exc})")
                continue
            if record.get("enclosure") and (  # with no audio, part is all there is
                    partial := partial_transcript(raw, record.get("duration"))):
                problems.append(f"{link['url']} {partial}")
                continue
            record["publisher_warning"] = (
                f"the publisher's transcript {'; '.join(problems)}; {link['url']} was read "
                "instead" if problems else None)
            if problems:
                self.reporter.warn(f"{record['slug']}: {record['publisher_warning']}")
            return raw
        warning = (f"the publisher's transcript {'; '.join(problems)}; the audio is transcribed "
                   "instead")
        record["publisher_warning"] = warning
        self.reporter.warn(f"{record['slug']}: {warning}")
        return None

    @staticmethod
    def _read_transcript(link: dict[str, Any], parse: Any, duration: float | None
                         ) -> list[tf.Segment]:
        """One publisher transcript, fetched and read by its declared type, else by what it
        holds; raises FetchError, ValueError (nothing readable) or RecursionError."""
        text = http.fetch(link["url"], limit=fetch_policy.TRANSCRIPT).text()
        try:
            raw = (parse(json.loads(text), duration) if parse is tf.from_json
                   else parse(text, duration) if parse is tf.from_unlabelled
                   else parse(text))
            if not raw:
                raise ValueError("it holds no text")
        except (ValueError, RecursionError) as declared:
            if parse is tf.from_unlabelled:
                raise
            # A mislabelled file (an SRT declared text/vtt, a VTT declared JSON: podverse-
            # web#1168, podstr#7): read by what it holds before the audio is transcribed.
            try:
                raw = tf.from_unlabelled(text, duration)
            except (ValueError, RecursionError):
                raise declared from None
            if not raw:                 # read by its content, still empty (a bare WEBVTT header)
                raise declared from None
        return raw

    def _download(self, source: dict[str, Any], dest: Path, title: str, notes: list[str],
                  validators: dict[str, Any]) -> Path:
        """`http.download` of the episode's audio; when its analytics prefixes fail (a prefix
        service gone or blocked, one hop of the chain down: changelog.com#346, AntennaPod#5282),
        the address they wrap is downloaded instead, said in `notes`. Raises FetchError naming
        both addresses when neither gives the file."""
        def fetch(url: str) -> Path:
            return http.download(url, dest, source.get("length"), notes=notes,
                                 validators=validators,
                                 progress=lambda done, total: self.reporter.download(title, done, total))
        try:
            return fetch(source["url"])
        except fetch_policy.TooLarge:
            raise
        except (http.FetchError, fetch_policy.Refused) as exc:
            behind = http.behind_prefixes(source["url"])
            if not behind:
                raise
            first = exc
        try:
            cached = fetch(behind)
        except (http.FetchError, fetch_policy.Refused) as exc:
            raise http.FetchError(f"{first}; the address its analytics prefixes wrap, {behind}, "
                                  f"failed too: {exc}") from exc
        validators["href"] = http.href_key(source["url"])     # the feed's link, as ever
        # the host only: the page shows these notes, and a private feed's links hold tokens
        notes.append(f"the audio link's analytics prefixes failed, so the audio was downloaded "
                     f"from the address they wrap, on {urllib.parse.urlsplit(behind).hostname}; "
                     "ask the publisher to fix or drop the prefix, which podcast apps cannot "
                     "get past either")
        return cached

    def _whisper(self, record: dict[str, Any], slug: str, outcome: Outcome) -> list[tf.Segment]:
        enclosure = record["enclosure"]
        if not enclosure:
            raise audio.AudioError(record.get("publisher_warning") or
                                   "the feed gives no audio for this episode")
        try:   # a model that cannot load is the run's problem, not this episode's
            load_model(self.settings.model, self.settings.device, self.settings.cpu_threads)
        except ModelError as exc:
            raise SyncError(str(exc)) from exc
        title = record["title"]
        dest = self.project.audio_cache / f"{slug}.audio"
        if record.get("audio_replaced"):
            self.reporter.warn(f"{slug}: {record['audio_replaced']}")
            dest.unlink(missing_ok=True)        # the old upload: fetched again
        fetched_now, notes, validators = not dest.is_file(), [], {}
        source = record.get("audio_source") or enclosure
        if fetched_now:   # the best audio, not the video; untyped files asked what they are (`probe`)
            source = probe.choose(source)
            if feed.media_kind(source.get("type"), source["url"]) == "playlist":
                raise audio.AudioError(audio.PLAYLIST_NOTE + f" ({source['url']})")
        cached = self._download(source, dest, title, notes, validators)
        if fetched_now:            # a cached file keeps the note made when it was fetched
            record["transport_warnings"] = notes
            record["audio_validators"] = validators or None
        try:
            decoded = audio.load_audio(cached, declared_s := record.get("feed_duration"))
        except audio.AudioError:
            cached.unlink()        # the host may fix the file: download it again next time
            raise
        record["declared_s_transcribed"] = declared_s                # None: the feed gave none
        record["declared_bytes_transcribed"] = (record.get("audio_source") or enclosure).get("length")
        # the length of the audio transcribed, not the feed's: the page's length, the bundles'
        # times and the stretch checks must agree with the transcript's times
        record["duration"], record["duration_measured"] = round(decoded.seconds, 3), True
        chapters.from_audio(self.project.episodes_dir / slug, record, decoded.chapters,
                            self.reporter.warn)
        record["audio_warnings"] = decoded.warnings     # how it was fetched: transport_warnings
        outcome.audio_s = decoded.seconds
        self.reporter.transcribing(title, 0.0, decoded.seconds)
        result = transcribe_audio(decoded.samples, self.settings,
                                  lambda done: self.reporter.transcribing(title, done, decoded.seconds))
        record["audio_replaced"] = None
        # what decoding found that makes a transcript need review: a file cut short, clipping
        result.coverage.declared_s, result.coverage.clipped = decoded.declared_s or 0.0, decoded.clipped
        result.coverage.declared_by = decoded.declared_by
        record["coverage"] = result.coverage.to_json()
        record["speech"] = result.speech.to_json() if result.speech else None
        return result.segments

    def _warn_all(self, slug: str, warnings: list[str]) -> None:
        for warning in warnings:
            self.reporter.warn(f"{slug}: {warning}")


def sync(project: Project, options: Options, reporter: Reporter | None = None) -> Report:
    """Run one sync of `project` (see `Syncer`): the Report of every episode. SyncError when the run
    cannot go on (no feed, unreadable feed, another sync running); one episode's failure is on its
    Outcome, never raised."""
    return Syncer(project, options, reporter).run()


def former_slugs(record: dict[str, Any], new: str) -> list[str]:
    """The record's `former_slugs` once its folder, named `record["slug"]`, is renamed `new`:
    the old name added (last), `new` taken out (a folder renamed back to an old name is there
    again), each once."""
    names = [s for s in record.get("former_slugs") or [] if isinstance(s, str)] + [record["slug"]]
    return [name for index, name in enumerate(names) if name != new and name not in names[:index]]
