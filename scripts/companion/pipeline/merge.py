"""`companion merge DIR...`: bring episode folders made elsewhere (shards, other machines) into `episodes/`.

One folder per episode, so shards never touch the same files. The rules, for each `<slug>/` found
in a source (`DIR/<slug>/episode.json` or `DIR/episodes/<slug>/episode.json`):

- the maintainer's files are never overwritten: `corrections.yml`, and `chapters.json` when the
  episode's chapters are hand-written (`chapters_source: manual`);
- a finished episode is never replaced by an unfinished one, nor by a transcript no newer
  (`transcribed_at`); an unfinished one (pending, failed) takes the incoming state;
- a folder whose guid differs from the episode already under that slug is refused;
- only plain files are copied (no links, no hidden temporary files), `episode.json` last, so its
  `status` is the last thing to change, as in sync.

After copying, the transcript formats are written again from `transcript.raw.json` with this
project's `corrections.yml`, so a correction made while a shard was running still applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from companion.pipeline import corrections, store
from companion.pipeline.sync import write_outputs

SLUG_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")   # what slug.episode_slug gives out
MAINTAINER_FILES = (store.CORRECTIONS_FILE,)


@dataclass
class MergeReport:
    merged: list[str] = field(default_factory=list)            # slugs copied in
    kept: list[tuple[str, str]] = field(default_factory=list)   # (slug, why the existing stayed)
    refused: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def episode_folders(source: Path) -> Iterator[Path]:
    """The episode folders in `source` (a folder of episodes, or one that holds `episodes/`)."""
    base = source / "episodes" if (source / "episodes").is_dir() else source
    for folder in sorted(base.iterdir()) if base.is_dir() else ():
        if folder.is_dir() and not folder.is_symlink() and (folder / store.EPISODE_FILE).is_file():
            yield folder


def _read_record(path: Path) -> dict[str, Any] | None:
    """An incoming episode.json, or None when it is a link, unreadable, or not an episode record.

    An artifact is untrusted: a bad record costs its own folder, never the rest of the merge.
    """
    if path.is_symlink():
        return None
    try:
        record = store.read_json(path)
    except (OSError, ValueError):
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
    return name == store.CHAPTERS_FILE and bool(existing) and \
        existing.get("chapters_source") == "manual"


def merge_folder(folder: Path, episodes_dir: Path, report: MergeReport) -> None:
    """Merge one episode folder into `episodes_dir` by the rules above."""
    slug = folder.name
    if not SLUG_PATTERN.fullmatch(slug):
        report.refused.append((slug, "not an episode folder name"))
        return
    incoming = _read_record(folder / store.EPISODE_FILE)
    if incoming is None:
        report.refused.append((slug, "its episode.json is a link, not JSON or not an episode"))
        return
    target = episodes_dir / slug
    existing = store.read_json(target / store.EPISODE_FILE) \
        if (target / store.EPISODE_FILE).is_file() else None
    if existing and existing.get("guid") != incoming.get("guid"):
        report.refused.append((slug, f"another episode (guid {existing.get('guid')!r}) "
                                     "already has this folder"))
        return
    why = _why_keep(incoming, existing)
    if why:
        report.kept.append((slug, why))
        return
    files = [f for f in sorted(folder.iterdir())
             if f.is_file() and not f.is_symlink() and not f.name.startswith(".")]
    for source in [f for f in files if f.name != store.EPISODE_FILE]:
        if not _protected(source.name, existing, target):
            store.write_bytes_atomic(target / source.name, source.read_bytes())
    raw_path = target / store.RAW_TRANSCRIPT_FILE
    if _finished(incoming) and raw_path.is_file():
        try:
            _changed, warnings = write_outputs(target, store.read_json(raw_path)["segments"])
        except corrections.CorrectionsError as exc:
            warnings = [f"corrections.yml not applied: {exc}"]
        report.warnings += [f"{slug}: {w}" for w in warnings]
    if _protected(store.CHAPTERS_FILE, existing, target):
        # The hand-written chapters.json stayed, so does the record saying so: with the shard's
        # "feed" here, the next sync would fetch the feed's chapters over the maintainer's.
        incoming.update({k: existing.get(k) for k in ("chapters_source", "chapters_fetched_url")})
    store.write_json_atomic(target / store.EPISODE_FILE, incoming)
    report.merged.append(slug)


def merge(sources: Iterable[Path], episodes_dir: Path) -> MergeReport:
    """Merge every episode folder of `sources`, in order, into `episodes_dir`."""
    report = MergeReport()
    for source in sources:
        for folder in episode_folders(source):
            merge_folder(folder, episodes_dir, report)
    return report
