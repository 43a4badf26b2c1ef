"""`companion merge DIR...`: bring episode folders made elsewhere (shards, other machines) into `episodes/`.

One folder per episode, so shards never touch the same files. The rules, for each `<slug>/` found
in a source (`DIR/<slug>/episode.json` or `DIR/episodes/<slug>/episode.json`):

- the maintainer's files are never overwritten: `corrections.yml`, `chapters.json` when the
  episode's chapters are hand-written (`chapters_source: manual`), and a transcript file edited
  by hand here (its bytes no longer those sync recorded in `transcripts_sha256`: `store.edited_by_hand`);
- a finished episode is never replaced by an unfinished one, nor by a transcript no newer
  (`transcribed_at`); an unfinished one (pending, failed) takes the incoming state;
- a folder whose guid differs from the episode already under that slug is refused, and so is one
  whose record names another folder (`slug`) or whose guid another episode already has: two
  folders for one episode would stop the site build;
- links are never followed: a source, `episodes/`, an episode folder or a file that is a symbolic
  link is refused (an artifact could point them at anything on the runner);
- only plain files are copied (no hidden temporary files, no FIFO or device, no file with other
  hard links, which could be a runner's file under a new name, none over MAX_FILE_BYTES, which
  would be read whole into memory), `episode.json` last, so its `status` is
  the last thing to change, as in sync;
- each folder is checked alone, and wholly before anything is written (every file read, the raw
  transcript parsed): a bad folder is refused with the reason, never half-copied, and the rest
  merge.

After copying, the transcript formats are written again from `transcript.raw.json` with this
project's `corrections.yml`, so a correction made while a shard was running still applies.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from companion.errors import PipelineError
from companion.pipeline import chapters, corrections, store, formats as tf
from companion.pipeline.sync import write_outputs

# The largest file an episode folder holds is a 4-hour transcript.raw.json with word timings,
# about 10 MB; audio is never in an episode folder.
MAX_FILE_BYTES = 64 * 1024 * 1024
SLUG_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")   # what slug.episode_slug gives out
MAINTAINER_FILES = (store.CORRECTIONS_FILE,)


@dataclass
class MergeReport:
    merged: list[str] = field(default_factory=list)            # slugs copied in
    kept: list[tuple[str, str]] = field(default_factory=list)   # (slug, why the existing stayed)
    refused: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def episode_folders(source: Path, report: MergeReport) -> Iterator[Path]:
    """The episode folders in `source` (a folder of episodes, or one that holds `episodes/`);
    links (the source, its `episodes/`, a folder) are refused in `report`, never followed."""
    base = source / "episodes" if (source / "episodes").is_dir() else source
    for link in (source, base):
        if link.is_symlink():
            report.refused.append((str(link), "a symbolic link: not followed"))
            return
    for folder in sorted(base.iterdir()) if base.is_dir() else ():
        if folder.is_symlink() and (folder / store.EPISODE_FILE).exists():
            report.refused.append((folder.name, "a symbolic link: not followed"))
        elif folder.is_dir() and not folder.is_symlink() and (folder / store.EPISODE_FILE).is_file():
            yield folder


def _guids(episodes_dir: Path) -> dict[str, str]:
    """guid -> slug of every episode already in `episodes_dir` (unreadable records skipped)."""
    found: dict[str, str] = {}
    for folder in store.episode_dirs(episodes_dir):
        try:
            record = store.read_json(folder / store.EPISODE_FILE)
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("guid"), str):
            found.setdefault(record["guid"], folder.name)
    return found


def _read_record(path: Path, incoming: bool = True) -> dict[str, Any] | None:
    """An episode.json (`incoming`: an artifact's, read by `_plain_bytes`), or None when it is a
    link, unreadable, nested past the recursion limit, or not an episode record.

    An artifact is untrusted: a bad record costs its own folder, never the rest of the merge.
    """
    if path.is_symlink():
        return None
    try:
        record = (json.loads(_plain_bytes(path).decode("utf-8")) if incoming
                  else store.read_json(path))
    except (Refusal, OSError, ValueError, RecursionError):
        return None
    if not (isinstance(record, dict) and isinstance(record.get("guid"), str)
            and all(isinstance(record.get(k) or "", str) for k in ("status", "transcribed_at"))):
        return None
    return record


def _finished(record: dict[str, Any] | None) -> bool:
    return bool(record) and record.get("status") in store.HAS_TRANSCRIPT


def _why_keep(incoming: dict[str, Any], existing: dict[str, Any] | None) -> str | None:
    """Why the existing folder must stay as it is, or None when the incoming one may be copied."""
    if not _finished(existing):
        return None                      # pending or failed here: the incoming state is newer news
    if not _finished(incoming):
        return "already transcribed here; this copy is not"
    if (incoming.get("transcribed_at") or "") <= (existing.get("transcribed_at") or ""):
        return "already transcribed here, as recently"
    return None


def _protected(name: str, existing: dict[str, Any] | None, target: Path) -> bool:
    """Whether `target/name` belongs to the maintainer and exists, so it must not be overwritten."""
    if not (target / name).exists():
        return False
    if name in MAINTAINER_FILES:
        return True
    return name == store.CHAPTERS_FILE and bool(existing) and (
        existing.get("chapters_source") == "manual" or chapters.hand_edited(target, existing))


class Refusal(PipelineError):
    """Why one incoming folder is not merged (the rest still are)."""


def _plain_bytes(path: Path) -> bytes:
    """The bytes of `path`, checked on the open file itself (so a swap after the check gains
    nothing): Refusal unless it is a regular file, not a link, with no other hard link, of at
    most MAX_FILE_BYTES. O_NONBLOCK: opening a FIFO must not wait for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise Refusal(f"{path.name} cannot be opened as a plain file ({exc.strerror})") from exc
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refusal(f"{path.name} is not a plain file")
        if info.st_nlink > 1:
            raise Refusal(f"{path.name} has other hard links: it may be another file on this machine")
        if info.st_size > MAX_FILE_BYTES:
            raise Refusal(f"{path.name} is {info.st_size:,} bytes, more than an episode's file may be")
        return file.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]


def _incoming_files(folder: Path, incoming: dict[str, Any]) -> dict[str, bytes]:
    """Every plain file of `folder` but episode.json, read now, so nothing is written for a
    folder that turns out to be unreadable; raise Refusal for a link or a transcript that is not
    a transcript."""
    files: dict[str, bytes] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == store.EPISODE_FILE:
            continue
        if path.is_symlink():
            raise Refusal(f"{path.name} is a symbolic link: not followed")
        if path.is_file():
            files[path.name] = _plain_bytes(path)
    if _finished(incoming):
        try:
            raw = json.loads(files.get(store.RAW_TRANSCRIPT_FILE, b"null"))
        except (ValueError, RecursionError) as exc:      # RecursionError: nested too deep
            raise Refusal(f"its {store.RAW_TRANSCRIPT_FILE} is not JSON ({exc})") from exc
        if raw is not None:
            try:                       # what merge writes from it afterwards, tried first
                for write in (tf.to_json, tf.to_vtt, tf.to_srt, tf.to_txt, tf.to_html):
                    write(raw["segments"])
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise Refusal(f"its {store.RAW_TRANSCRIPT_FILE} is not a transcript "
                              f"({type(exc).__name__}: {exc})") from exc
    return files


def _check_identity(slug: str, incoming: dict[str, Any], existing: dict[str, Any] | None,
                    guids: dict[str, str]) -> None:
    """Raise Refusal when the incoming record would make two folders of one episode, or one
    folder of two."""
    if existing and existing.get("guid") != incoming.get("guid"):
        raise Refusal(f"another episode (guid {existing.get('guid')!r}) already has this folder")
    named = incoming.get("slug")
    if named is not None and named != slug:
        raise Refusal(f"its episode.json names another folder ({named!r})")
    owner = guids.get(incoming["guid"])
    if owner is not None and owner != slug:
        raise Refusal(f"its guid {incoming['guid']!r} belongs to the episode in {owner!r}")


def merge_folder(folder: Path, episodes_dir: Path, report: MergeReport,
                 guids: dict[str, str] | None = None) -> None:
    """Merge one episode folder into `episodes_dir` by the rules above; `guids` (guid -> slug
    of the episodes there, kept up to date) is read from `episodes_dir` when not given."""
    slug = folder.name
    if not SLUG_PATTERN.fullmatch(slug):
        report.refused.append((slug, "not an episode folder name"))
        return
    incoming = _read_record(folder / store.EPISODE_FILE)
    if incoming is None:
        report.refused.append((slug, "its episode.json is a link, not JSON or not an episode"))
        return
    guids = _guids(episodes_dir) if guids is None else guids
    target = episodes_dir / slug
    try:
        if target.is_symlink():
            raise Refusal(f"{target} is a symbolic link: not followed")
        existing = _read_record(target / store.EPISODE_FILE, incoming=False) \
            if (target / store.EPISODE_FILE).is_file() else None
        _check_identity(slug, incoming, existing, guids)
        why = _why_keep(incoming, existing)
        files = None if why else _incoming_files(folder, incoming)
    except Refusal as exc:
        report.refused.append((slug, str(exc)))
        return
    except (OSError, UnicodeError) as exc:
        report.refused.append((slug, f"cannot be read ({exc})"))
        return
    if files is None:
        report.kept.append((slug, why))
        return
    mine = (existing or {}).get("transcripts_sha256") or {}
    by_hand = store.edited_by_hand(target, mine)
    for name, data in files.items():
        if not _protected(name, existing, target) and name not in by_hand:
            store.write_bytes_atomic(target / name, data)
    # What sync wrote, as the shard recorded it; a file edited by hand here keeps the digest that
    # tells it apart, so neither this merge nor a later sync writes over it.
    written = {**(incoming.get("transcripts_sha256") or {}),
               **{name: mine[name] for name in by_hand}}
    raw_path = target / store.RAW_TRANSCRIPT_FILE
    if _finished(incoming) and raw_path.is_file():
        try:
            _changed, warnings = write_outputs(target, store.read_json(raw_path)["segments"],
                                               written=written)
        except corrections.CorrectionsError as exc:
            warnings = [str(exc)]       # "corrections not applied: FILE:LINE:COLUMN: ..."
        report.warnings += [f"{slug}: {w}" for w in warnings]
    if _protected(store.CHAPTERS_FILE, existing, target):
        # The hand-written chapters.json stayed, so does the record saying so: with the shard's
        # "feed" here, the next sync would fetch the feed's chapters over the maintainer's.
        incoming.update({k: existing.get(k) for k in ("chapters_source", "chapters_fetched_url",
                                                      "chapters_sha256")})
    incoming["transcripts_sha256"] = written
    store.write_json_atomic(target / store.EPISODE_FILE, incoming)
    guids[incoming["guid"]] = slug
    report.merged.append(slug)


def merge(sources: Iterable[Path], episodes_dir: Path) -> MergeReport:
    """Merge every episode folder of `sources`, in order, into `episodes_dir`."""
    report = MergeReport()
    guids = _guids(episodes_dir)
    for source in sources:
        for folder in episode_folders(source, report):
            merge_folder(folder, episodes_dir, report, guids)
    return report
