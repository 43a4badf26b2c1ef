"""The `episodes/` folder, written: one folder per episode, every file written atomically.

The layout of `episodes/<slug>/` and the shape of each file (the data contract between the
pipeline and the site) are `companion.episode`'s; this module writes them, and `companion.catalogue`
reads them for the site and the course.

Every write goes to a temporary file in the same folder and is renamed into place, so a crash
(Ctrl-C, kill -9, power loss) leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from companion.episode import (CHAPTERS_FILE, CORRECTIONS_FILE, EPISODE_FILE,  # noqa: F401 - the contract's names
                               RAW_TRANSCRIPT_FILE, SCHEMA_VERSION, TRANSCRIPT_FILE, TRANSCRIPT_FORMATS,
                               Episode, Status)
from companion import hand_edited
from companion.errors import PipelineError
from companion.pipeline import dates

STATUS_PENDING = Status.PENDING.value
STATUS_TRANSCRIBED = Status.TRANSCRIBED.value
STATUS_NEEDS_REVIEW = Status.NEEDS_REVIEW.value   # transcribed, but speech may be missing (see "review")
HAS_TRANSCRIPT = (STATUS_TRANSCRIBED, STATUS_NEEDS_REVIEW)
STATUS_FAILED = Status.FAILED.value
STATUS_NO_AUDIO = Status.NO_AUDIO.value


# The process's umask, read once at import (os.umask can only be read by setting it, which is not
# safe once threads run): a new file gets the mode open() would give it.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _mode_for(path: Path) -> int:
    """The permission bits a file written at `path` gets: the old file's, else 0o666 less the
    umask, as open() gives (mkstemp's 0o600 made transcripts unreadable to a group or a web server)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_UMASK


def write_bytes_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via rename, keeping the old file's permissions (a new file gets what
    open() would give it); returns False (and writes nothing) when unchanged."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _mode_for(path))
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
    """The JSON value in `path`, UTF-8 with or without a byte-order mark.

    A maintainer who fixes `episode.json` or a transcript in Notepad saves it with a BOM; Python's
    `json` refuses one, which stopped the build and the sync over a hand edit. Raises OSError when
    the file cannot be read and ValueError (json.JSONDecodeError) when it is not JSON."""
    return json.loads(path.read_text(encoding="utf-8-sig"))


def read_cache(path: Path) -> dict[str, Any]:
    """A JSON object kept under `.cache/`, or {} when it is missing or damaged: a cache is only a
    cache, so a broken one costs a refetch or a guess, never a stopped run."""
    try:
        data = read_json(path)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def new_episode(guid: str, slug: str) -> dict[str, Any]:
    """A new episode record with every field present (`Episode.new`: the schema is defined there)."""
    return Episode.new(guid, slug).to_json()


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


NOT_UTF8 = hand_edited.NOT_UTF8


class NotText(PipelineError, ValueError):
    """A maintainer's file that is not UTF-8: `line` and `column` (1-based) of the first bad byte."""

    def __init__(self, line: int, column: int):
        super().__init__(NOT_UTF8)
        self.line, self.column = line, column


def digest(path: Path) -> str:
    """'sha256:<hex>' of the file at `path`, as the record's `transcripts_sha256` keeps it.
    Raises OSError when it cannot be read."""
    return digest_of(path.read_bytes())


def digest_of(data: bytes) -> str:
    """'sha256:<hex>' of `data`."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def edited_by_hand(folder: Path, written: dict[str, str] | None) -> set[str]:
    """The transcript file names of `folder` edited by hand since sync wrote them: files whose
    bytes are no longer those recorded in `written` (the record's `transcripts_sha256`: file
    name -> `digest`). Sync and merge never overwrite them; the site build says they are not
    used. A file with no recorded digest, or missing, is not counted."""
    recorded = written or {}
    return {kind.name for kind in TRANSCRIPT_FORMATS
            if recorded.get(kind.name) and (folder / kind.name).is_file()
            and digest(folder / kind.name) != recorded[kind.name]}


def decode_hand_edited(raw: bytes) -> str:
    """The text of a file a person saved (`hand_edited.decode`: UTF-8 with or without a
    byte-order mark, or UTF-16 with one). Raises NotText, with the first bad byte's place, for
    anything else (Windows-1252 from an older editor)."""
    try:
        return hand_edited.decode(raw)
    except hand_edited.Undecodable as exc:
        raise NotText(exc.line, exc.column) from exc
