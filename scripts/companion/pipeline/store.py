"""The `episodes/` folder: one folder per episode, written atomically, read by the site.

Layout of `episodes/<slug>/` (the data contract between the pipeline and the site):

- `episode.json`     metadata (see `new_episode`), `schema` = SCHEMA_VERSION.
- `transcript.raw.json`  the model's (or publisher's) transcript before corrections, Podcasting 2.0
                     JSON; kept so corrections can be re-applied without re-transcribing.
- `transcript.json`  corrected Podcasting 2.0 JSON: {"version": "1.0.0", "segments": [{"startTime",
                     "endTime", "body", "speaker"?, "words"?: [{"startTime","endTime","body"}]}]}.
- `transcript.vtt`, `transcript.srt`, `transcript.txt`: the same transcript in other formats.
- `corrections.yml`  the maintainer's; never written by the pipeline once it exists.
- `chapters.json`    optional, Podcasting 2.0 JSON chapters (from the feed or by hand).
- `chapters.last-good.json`  sync's copy of the last valid hand-written chapters.json, which the
                     site publishes while a later hand edit does not parse (`chapters.published`).

Every write goes to a temporary file in the same folder and is renamed into place, so a crash
(Ctrl-C, kill -9, power loss) leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from companion.errors import PipelineError
from companion.pipeline import dates

SCHEMA_VERSION = 1
EPISODE_FILE = "episode.json"
RAW_TRANSCRIPT_FILE = "transcript.raw.json"
TRANSCRIPT_FILE = "transcript.json"
CORRECTIONS_FILE = "corrections.yml"
CHAPTERS_FILE = "chapters.json"

STATUS_PENDING = "pending"
STATUS_TRANSCRIBED = "transcribed"
STATUS_NEEDS_REVIEW = "needs-review"   # transcribed, but speech may be missing (see "review")
HAS_TRANSCRIPT = (STATUS_TRANSCRIBED, STATUS_NEEDS_REVIEW)
STATUS_FAILED = "failed"
STATUS_NO_AUDIO = "no-audio"


def write_bytes_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via rename; returns False (and writes nothing) when unchanged."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_text_atomic(path: Path, text: str) -> bool:
    return write_bytes_atomic(path, text.encode("utf-8"))


def dump_json(data: Any) -> str:
    """Stable JSON text (sorted keys off: field order is meaningful to readers of the files)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_json_atomic(path: Path, data: Any) -> bool:
    return write_text_atomic(path, dump_json(data))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_cache(path: Path) -> dict[str, Any]:
    """A JSON object kept under `.cache/`, or {} when it is missing or damaged: a cache is only a
    cache, so a broken one costs a refetch or a guess, never a stopped run."""
    try:
        data = read_json(path)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def new_episode(guid: str, slug: str) -> dict[str, Any]:
    """An episode record with every field present, so readers never need to guess."""
    return {
        "schema": SCHEMA_VERSION,
        "guid": guid,
        "guids": [guid],           # every guid the feed has given this episode, current last
        "slug": slug,
        "title": "",
        "date": None,              # ISO 8601 with the publisher's offset (its day is theirs), or None
        "date_note": None,         # why the feed's date was not read, or what was assumed (zone)
        "order_date": None,        # undated: where the feed listed it when first seen (sorting only)
        "duration": None,          # seconds (float), from the feed, then from the audio
        "episode": None,           # itunes:episode
        "season": None,            # itunes:season
        "episode_type": None,      # itunes:episodeType (full, trailer, bonus)
        "link": None,
        "image": None,
        "enclosure": None,         # {"url", "type", "length"}: what the player plays
        "audio_source": None,      # {"url", "type", "length", "origin", "why"}: what is transcribed
        "show_notes_html": "",     # sanitised with nh3
        "publisher_transcripts": [],  # [{"url", "type", "rel", "language"}] from podcast:transcript
        "chapters_url": None,      # podcast:chapters
        "chapters_source": None,   # "feed" (fetched from chapters_url) or "manual" (hand-written)
        "chapters_fetched_url": None,
        "chapters_checked": None,  # "audio" / "feed duration": the length chapters.json was checked against
        "status": STATUS_PENDING,
        "error": None,             # reason of the last failure
        "publisher_warning": None,  # why the publisher's transcript was not used, if it was not
        "model": None,             # model that made transcript.raw.json, or "publisher"
        "transcribed_at": None,
        "coverage": None,          # {"speech_s","covered_s","percent","refilled","empty","audio_s"} (Whisper only)
        "review": [],              # why the transcript needs a maintainer's look (needs-review)
        "audio_warnings": [],      # what decoding noticed: wrong itunes:duration, channel fixes
        "speech": None,            # the model's confidence (language.Speech), Whisper only
        "in_feed": True,           # False once the feed stops listing it (the page stays)
        "left_feed_at": None,
    }


def episode_dirs(episodes_dir: Path) -> Iterator[Path]:
    if not episodes_dir.is_dir():
        return
    for folder in sorted(episodes_dir.iterdir()):
        if folder.is_dir() and (folder / EPISODE_FILE).is_file():
            yield folder


def order_key(record: dict[str, Any]) -> float:
    """Sort key, oldest first: the moment published (UTC, whatever the offset written); an
    undated episode where the feed listed it when first seen (`order_date`, see sync)."""
    when = dates.instant(record.get("date")) or dates.instant(record.get("order_date"))
    return when.timestamp() if when else float("-inf")


def load_episodes(episodes_dir: Path) -> list[dict[str, Any]]:
    """Every episode's metadata, newest first (undated ones where the feed listed them)."""
    episodes = [read_json(folder / EPISODE_FILE) for folder in episode_dirs(episodes_dir)]
    return sorted(episodes, key=order_key, reverse=True)


def load_transcript(folder: Path) -> dict[str, Any] | None:
    path = folder / TRANSCRIPT_FILE
    return read_json(path) if path.is_file() else None


NOT_UTF8 = "not UTF-8 text: save the file as UTF-8 (Notepad: File, Save as, Encoding: UTF-8)"


class NotText(PipelineError, ValueError):
    """A maintainer's file that is not UTF-8: `line` and `column` (1-based) of the first bad byte."""

    def __init__(self, line: int, column: int):
        super().__init__(NOT_UTF8)
        self.line, self.column = line, column


def decode_hand_edited(raw: bytes) -> str:
    """The text of a file a person saved: UTF-8 with or without a byte-order mark, or UTF-16 with
    one (Notepad's "Unicode", unambiguous). Raises NotText, with the first bad byte's place,
    for anything else (Windows-1252 from an older editor)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        raise NotText(before.count(b"\n") + 1, len(before) - before.rfind(b"\n")) from exc
