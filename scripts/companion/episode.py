"""The data of one episode on disk, typed: `Episode`, `Transcript`, `Segment`, `Word`, `Chapter`.

This is the data contract between the pipeline (which writes `episodes/<slug>/`) and the site and
course (which read it), in one place and one vocabulary. In Python a segment's times are `start`
and `end` (seconds); on disk they keep the Podcasting 2.0 names `startTime` and `endTime`
(https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/transcripts/transcripts.md),
so no episode folder is migrated: `from_json` reads exactly what the pipeline has always written,
as leniently as the readers' `.get()` calls did, and `to_json` writes the same JSON back.

Layout of `episodes/<slug>/`:

- `episode.json`     the `Episode` record (schema `SCHEMA_VERSION`).
- `transcript.raw.json`  the model's (or publisher's) transcript before corrections, Podcasting 2.0
                     JSON; kept so corrections can be re-applied without re-transcribing.
- the `TRANSCRIPT_FORMATS` (`transcript.json` first, the corrected `Transcript`; then WebVTT, SRT,
                     plain text and HTML of the same segments).
- `corrections.yml`  the maintainer's; never written by the pipeline once it exists.
- `chapters.json`    optional, Podcasting 2.0 JSON chapters (from the feed or by hand).
- `chapters.last-good.json`  sync's copy of the last valid hand-written chapters.json.

Nothing here touches the file system: `companion.catalogue` reads, `companion.pipeline.store`
writes. Every class is frozen: a reader cannot change what another reader sees.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any, Mapping

from companion.sanitise import one_line

SCHEMA_VERSION = 1
EPISODE_FILE = "episode.json"
RAW_TRANSCRIPT_FILE = "transcript.raw.json"
TRANSCRIPT_FILE = "transcript.json"
CORRECTIONS_FILE = "corrections.yml"
CHAPTERS_FILE = "chapters.json"
EPISODES_URL = "episodes"            # site folder of the episode pages: `episodes/<slug>/`
PC20_VERSION = "1.0.0"               # Podcasting 2.0 JSON transcript `version`


@dataclass(frozen=True)
class TranscriptFormat:
    """One transcript file every transcribed episode has: its name in `episodes/<slug>/` (and at
    `episodes/<slug>/` on the site), the label the episode page shows, its MIME type as the
    Podcasting 2.0 `<podcast:transcript type>` names it, and the `rel` that tag carries (None)."""

    name: str
    label: str
    mime: str
    rel: str | None = None
    in_feed: bool = True        # offered to podcast apps by `companion feed-tags`

    @property
    def suffix(self) -> str:
        return self.name.rsplit(".", 1)[1]


# The one table of transcript files: sync writes each (pipeline.sync.WRITERS), the episode page
# offers them for download in this order, feed-tags links the `in_feed` ones (VTT first: what
# Apple Podcasts ingests; plain text has no MIME type the spec names).
TRANSCRIPT_FORMATS = (
    TranscriptFormat("transcript.vtt", "WebVTT captions", "text/vtt", "captions"),
    TranscriptFormat("transcript.srt", "SubRip subtitles", "application/x-subrip"),
    TranscriptFormat(TRANSCRIPT_FILE, "Podcasting 2.0 JSON", "application/json"),
    TranscriptFormat("transcript.txt", "Plain text", "text/plain", in_feed=False),
    TranscriptFormat("transcript.html", "HTML", "text/html"),
)
# Every file name of the contract (what only the store and the catalogue may name).
CONTRACT_FILES = frozenset({EPISODE_FILE, RAW_TRANSCRIPT_FILE, CORRECTIONS_FILE, CHAPTERS_FILE,
                            *(f.name for f in TRANSCRIPT_FORMATS)})


class Status(StrEnum):
    """`episode.json` `status`: where the episode stands (a str, so it compares with the JSON)."""

    PENDING = "pending"
    TRANSCRIBED = "transcribed"
    NEEDS_REVIEW = "needs-review"    # transcribed, but speech may be missing (see `review`)
    FAILED = "failed"
    NO_AUDIO = "no-audio"

    @property
    def has_transcript(self) -> bool:
        return self in (Status.TRANSCRIBED, Status.NEEDS_REVIEW)


def _number(value: Any) -> float | None:
    """A time or length in seconds: an int, float or numeric string; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _start(raw: Any) -> float | None:
    """`startTime` (s) of a segment, word or chapter object; None when it has none (or is no object)."""
    return _number(raw.get("startTime")) if isinstance(raw, Mapping) else None


def _frozen(value: Any) -> Any:
    """A read-only copy of a JSON value (mappings as MappingProxyType, lists as tuples)."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def _thawed(value: Any) -> Any:
    """JSON again from `_frozen` data."""
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


@dataclass(frozen=True)
class Word:
    """One timed word of a segment (Podcasting 2.0 `words`): seconds from the episode's start."""

    start: float
    end: float
    body: str

    @classmethod
    def from_json(cls, raw: Any) -> Word | None:
        """The word, or None when it has no numeric `startTime` (a damaged file loses the word, not the page)."""
        start = _start(raw)
        if start is None:
            return None
        end = _number(raw.get("endTime"))
        return cls(start, max(end if end is not None else start, start), str(raw.get("body") or ""))

    def to_json(self) -> dict[str, Any]:
        return {"startTime": self.start, "endTime": self.end, "body": self.body}


@dataclass(frozen=True)
class Segment:
    """One transcript segment: `start`/`end` in seconds from the episode's start, the words said
    (`body`, one line), who said them (`speaker`, "" when unknown) and the timed `words` if the
    transcriber gave them. On disk: `startTime`, `endTime`, `body`, `speaker`?, `words`?."""

    start: float
    end: float
    body: str
    speaker: str = ""
    words: tuple[Word, ...] = ()

    @classmethod
    def from_json(cls, raw: Any) -> Segment | None:
        """The segment, or None when it has no numeric `startTime` or no words in `body` (the
        reader skips it, as the site always has). `endTime` before the start (or missing) is
        read as the start."""
        start = _start(raw)
        body = one_line(raw.get("body")) if start is not None else ""
        if start is None or not body:
            return None
        end = _number(raw.get("endTime")) if "endTime" in raw else start
        if end is None:
            return None
        words = tuple(w for w in map(Word.from_json, raw.get("words") or ()) if w is not None) \
            if isinstance(raw.get("words"), list) else ()
        return cls(start, max(end, start), body, one_line(raw.get("speaker")), words)

    def to_json(self) -> dict[str, Any]:
        """Podcasting 2.0 names; `speaker` and `words` only when there are any."""
        out: dict[str, Any] = {"startTime": self.start, "endTime": self.end, "body": self.body}
        if self.speaker:
            out["speaker"] = self.speaker
        if self.words:
            out["words"] = [w.to_json() for w in self.words]
        return out


@dataclass(frozen=True)
class Transcript:
    """`transcript.json`: the corrected segments, in time order (malformed ones left out)."""

    segments: tuple[Segment, ...] = ()
    version: str = PC20_VERSION

    @classmethod
    def from_json(cls, data: Any) -> Transcript:
        """Lenient: anything but an object with a `segments` list is an empty transcript."""
        raw = data.get("segments") if isinstance(data, Mapping) else None
        found = [s for s in map(Segment.from_json, raw if isinstance(raw, list) else ()) if s]
        version = str(data.get("version") or PC20_VERSION) if isinstance(data, Mapping) else PC20_VERSION
        return cls(tuple(sorted(found, key=lambda s: s.start)), version)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "segments": [s.to_json() for s in self.segments]}


@dataclass(frozen=True)
class Chapter:
    """One Podcasting 2.0 chapter: `start` (s), its `title` ("Chapter" when blank), and whether it
    belongs in a table of contents (`toc: false` chapters are only for players)."""

    start: float
    title: str
    toc: bool = True

    @classmethod
    def from_json(cls, raw: Any) -> Chapter | None:
        """The chapter, or None when it has no numeric `startTime`."""
        start = _start(raw)
        if start is None:
            return None
        return cls(start, one_line(raw.get("title")) or "Chapter", raw.get("toc") is not False)

    @staticmethod
    def listed(data: Any) -> tuple[Chapter, ...]:
        """The chapters of a chapters.json document that go in the table of contents, by start."""
        raw = data.get("chapters") if isinstance(data, Mapping) else None
        found = [c for c in map(Chapter.from_json, raw if isinstance(raw, list) else ()) if c and c.toc]
        return tuple(sorted(found, key=lambda c: (c.start, c.title)))


@dataclass(frozen=True)
class Enclosure:
    """The audio the player plays (RSS `<enclosure>`): URL, MIME type, length in bytes (or None)."""

    url: str
    type: str = ""
    length: int | None = None

    @classmethod
    def from_json(cls, raw: Any) -> Enclosure | None:
        if not isinstance(raw, Mapping) or not raw.get("url"):
            return None
        length = raw.get("length")
        return cls(str(raw["url"]), str(raw.get("type") or ""),
                   length if isinstance(length, int) and not isinstance(length, bool) else None)


def _int(value: Any) -> int | None:
    """itunes:episode / itunes:season: a whole number (int or digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _status(value: Any) -> Status:
    try:
        return Status(value)
    except ValueError:
        return Status.PENDING            # an unknown status reads as "not transcribed yet"


# JSON key -> (attribute, how it is read from the JSON). The order is the record's on disk.
_FIELDS: dict[str, tuple[str, Any]] = {
    "schema": ("schema", lambda v: v if isinstance(v, int) else SCHEMA_VERSION),
    "guid": ("guid", lambda v: str(v) if v is not None else ""),
    "guids": ("guids", lambda v: tuple(str(g) for g in v) if isinstance(v, list) else ()),
    "slug": ("slug", lambda v: v if isinstance(v, str) else ""),
    "title": ("title", one_line),
    "date": ("date", lambda v: str(v) if v else None),
    "order_date": ("order_date", lambda v: str(v) if v else None),
    "duration": ("duration", _number),
    "episode": ("number", lambda v: v if isinstance(v, (int, float)) and not isinstance(v, bool)
                else _number(v) if isinstance(v, str) else None),
    "season": ("season", _int),
    "episode_type": ("episode_type", lambda v: str(v) if v else None),
    "enclosure": ("enclosure", Enclosure.from_json),
    "show_notes_html": ("show_notes_html", lambda v: str(v) if v else ""),
    "status": ("status", _status),
    "review": ("review", lambda v: tuple(str(r) for r in v) if isinstance(v, list) else ()),
    "in_feed": ("in_feed", lambda v: v is not False),
}
# What `store.new_episode` writes for a new guid: every key present, in this order.
_NEW_RECORD: dict[str, Any] = {
    "schema": SCHEMA_VERSION,
    "guid": "",
    "guids": [],              # every guid the feed has given this episode, current last
    "slug": "",
    "former_slugs": [],       # the folder's names before the maintainer renamed it, oldest first:
                              # their addresses lead to the page (companion.site.moved)
    "title": "",
    "date": None,             # ISO 8601 with the publisher's offset (its day is theirs), or None
    "date_note": None,        # why the feed's date was not read, or what was assumed (zone)
    "order_date": None,       # undated: where the feed listed it when first seen (sorting only)
    "duration": None,         # seconds (float): the feed's until the audio is measured
    "duration_measured": False,  # True: `duration` is the transcribed audio's own length
    "feed_duration": None,    # seconds: the itunes:duration the feed declares now, or None
    "episode": None,          # podcast:episode or itunes:episode: int, or float for a part (12.5)
    "episode_display": None,  # podcast:episode's display text ("Special"), shown beside it
    "season": None,           # podcast:season or itunes:season (int)
    "episode_type": None,     # itunes:episodeType (full, trailer, bonus)
    "link": None,
    "image": None,
    "enclosure": None,        # {"url", "type", "length"}: what the player plays
    "audio_source": None,     # {"url", "type", "length", "origin", "why"}: what is transcribed
    "show_notes_html": "",    # sanitised with nh3
    "publisher_transcripts": [],  # [{"url", "type", "rel", "language"}] from podcast:transcript
    "chapters_url": None,     # podcast:chapters
    "chapters_source": None,  # "feed" (from chapters_url), "audio" (embedded in the file) or "manual"
    "chapters_fetched_url": None,
    "chapters_checked": None,  # "audio" / "feed duration": the length chapters.json was checked against
    "status": Status.PENDING.value,
    "error": None,            # reason of the last failure
    "publisher_warning": None,  # why the publisher's transcript was not used, if it was not
    "model": None,            # model that made transcript.raw.json, or "publisher"
    "transcribed_at": None,
    "audio_replaced": None,   # why the audio is to be transcribed again (re-uploaded), until it is
    "declared_s_transcribed": None,  # the feed's itunes:duration (s) when the audio was transcribed
    "declared_bytes_transcribed": None,  # the enclosure length (bytes) the feed declared then
    "audio_validators": None,  # {"url", "etag", "last_modified", "bytes"[, "changed"]}: what the
                               # host said of the audio transcribed (a re-upload at one address)
    "coverage": None,         # {"speech_s","covered_s","percent","refilled","empty","audio_s"} (Whisper only)
    "transcripts_sha256": {},  # file name -> digest of what sync wrote: a file edited by hand is kept
    "review": [],             # why the transcript needs a maintainer's look (needs-review)
    "corrections_unmatched": [],  # corrections.yml entries that matched nothing when the
                              # transcript was last written (its segments re-cut by a new run)
    "audio_warnings": [],     # what decoding noticed: wrong itunes:duration, channel fixes
    "transport_warnings": [],  # how the cached audio was fetched: over plain http
    "speech": None,           # the model's confidence (language.Speech), Whisper only
    "in_feed": True,          # False once the feed stops listing it (the page stays)
    "left_feed_at": None,
}


@dataclass(frozen=True)
class Episode:
    """`episode.json`: one episode's metadata, as the feed and the pipeline left it.

    The fields are the keys every reader uses, typed and read leniently (a wrong type reads as
    "not given", never as an error); `record` is the whole JSON object, read-only, for the rest
    (`coverage`, `speech`, `chapters_checked`, ...). `to_json()` gives back that object with any
    field changed through `dataclasses.replace` written in, so reading and writing an episode
    leaves its file byte for byte as it was. Times are seconds; `date` is ISO 8601 with the
    publisher's offset; `number` is itunes:episode.
    """

    schema: int
    guid: str
    guids: tuple[str, ...]
    slug: str
    title: str                      # one line; "" when the feed gave none
    date: str | None
    order_date: str | None          # undated: where the feed listed it when first seen (sorting only)
    duration: float | None          # seconds
    number: int | float | None      # podcast:episode / itunes:episode: int, or float for a part (12.5)
    season: int | None
    episode_type: str | None        # full, trailer, bonus
    enclosure: Enclosure | None     # what the player plays
    show_notes_html: str            # sanitised by the pipeline (nh3); re-cleaned before display
    status: Status
    review: tuple[str, ...]         # why the transcript needs the maintainer's look
    in_feed: bool                   # False once the feed stops listing it (the page stays)
    record: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False,
                                      repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Episode:
        """The episode in `data` (an `episode.json` object). Raises TypeError when `data` is not
        a JSON object; any key may be missing or of the wrong type."""
        if not isinstance(data, Mapping):
            raise TypeError(f"{EPISODE_FILE} is not a JSON object")
        values = {attr: read(data.get(key)) for key, (attr, read) in _FIELDS.items()}
        return cls(**values, record=_frozen(data))

    @classmethod
    def new(cls, guid: str, slug: str) -> Episode:
        """A new episode record with every field present, so readers never need to guess."""
        return cls.from_json({**_NEW_RECORD, "guid": guid, "guids": [guid], "slug": slug})

    def to_json(self) -> dict[str, Any]:
        """The `episode.json` object: `record` with the fields that differ from it written in
        (keys in the record's order, new ones last)."""
        out = _thawed(self.record)
        before = Episode.from_json(self.record) if self.record else None
        for key, (attr, _) in _FIELDS.items():
            value = getattr(self, attr)
            if before is None or getattr(before, attr) != value:
                out[key] = _encode(value)
        return out

    def get(self, key: str, default: Any = None) -> Any:
        """A key of the record the fields do not cover (e.g. `coverage`, `speech`), as JSON."""
        value = self.record.get(key, default)
        return _thawed(value) if isinstance(value, (Mapping, tuple)) else value

    @property
    def number_key(self) -> str | None:
        """The number as it is shown and looked up (`12`, `12.5`: `feed_numbers.number_key`)."""
        from companion.pipeline.feed_numbers import number_key   # pure; local: this module is the ground floor
        return number_key(self.number)

    @property
    def has_transcript(self) -> bool:
        return self.status.has_transcript

    @property
    def former_slugs(self) -> tuple[str, ...]:
        """The names `episodes/<slug>/` had before the maintainer renamed it, oldest first
        (`former_slugs` in episode.json, kept by sync): old addresses that must still lead here."""
        found = self.record.get("former_slugs")
        return tuple(s for s in found if isinstance(s, str) and s) if isinstance(found, (list, tuple)) else ()

    @property
    def url(self) -> str:
        """The episode page's URL relative to the site root: `episodes/<slug>/`."""
        return episode_url(self.slug)

    @property
    def label(self) -> str:
        """The title, or the slug when the feed gave none."""
        return self.title or self.slug

    def replace(self, **changes: Any) -> Episode:
        return dataclasses.replace(self, **changes)


def _encode(value: Any) -> Any:
    if isinstance(value, Enclosure):
        out: dict[str, Any] = {"url": value.url, "type": value.type}
        if value.length is not None:
            out["length"] = value.length
        return out
    return _thawed(value)


def episode_url(slug: str) -> str:
    """An episode page's URL relative to the site root (the one place it is built)."""
    return f"{EPISODES_URL}/{slug}/"



def segment_id(start: float, taken: set[str]) -> str:
    """The HTML id of the segment starting at `start` (s) on its episode page, `t-<milliseconds>`
    (`-2`, `-3`... for a repeat, recorded in `taken`): search results turn it back into a `#t=`
    link without the page, and the course links a glossary term to it."""
    base = f"t-{round(start * 1000)}"
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor
