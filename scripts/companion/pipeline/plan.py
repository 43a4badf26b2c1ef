"""`companion sync --plan DIR`: split the episodes that need Whisper into shards of similar audio hours.

A plan is a folder:

- `matrix.json`  a GitHub Actions matrix, `{"include": [{"shard": "1", "file": "shard-1.json",
                 "episodes": 3, "audio_hours": 2.5, "work_minutes": 50.0}, ...]}`;
- `shard-<id>.json` per shard: `{"shard", "model", "episodes": [{"guid", "slug", "title",
                 "seconds"}]}`, what `companion sync --only FILE` reads.

Shards are balanced by audio length with the longest-processing-time rule (longest episode first,
each into the shard with the least audio so far; Graham 1969, within 4/3 of the best split). Their
number is `budget.shard_count`: as many as `max_shards` (the jobs that run at once), none with
less than half an hour of work at the expected speed (`budget.Budget.speed`). A shard with more
work than `shard_minutes` is stopped by its own time budget, and the next run plans what is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.pipeline import store
from companion.pipeline.budget import SECONDS_PER_MINUTE, episode_seconds, shard_count
from companion.pipeline.merge import SLUG_PATTERN
from companion.pipeline.sync import Syncer, SyncError

MATRIX_FILE = "matrix.json"
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class Shard:
    id: str
    episodes: tuple[dict[str, Any], ...]       # {"guid", "slug", "title", "seconds"}

    @property
    def seconds(self) -> float:
        """Total audio of this shard's episodes, in seconds."""
        return sum(e["seconds"] for e in self.episodes)


@dataclass(frozen=True)
class Plan:
    model: str
    speed_x: float                             # expected times real time
    shards: tuple[Shard, ...]

    @property
    def work_minutes(self) -> float:
        """Expected minutes of work of the longest shard."""
        longest = max((s.seconds for s in self.shards), default=0.0)
        return longest / self.speed_x / SECONDS_PER_MINUTE

    def matrix(self) -> dict[str, list[dict[str, Any]]]:
        """The GitHub Actions matrix (`strategy.matrix: ${{ fromJSON(...) }}`)."""
        return {"include": [{"shard": s.id, "file": f"shard-{s.id}.json",
                             "episodes": len(s.episodes),
                             "audio_hours": round(s.seconds / SECONDS_PER_HOUR, 2),
                             "work_minutes": round(s.seconds / self.speed_x / SECONDS_PER_MINUTE, 1)}
                            for s in self.shards]}


def balance(episodes: list[dict[str, Any]], count: int) -> list[list[dict[str, Any]]]:
    """Split episodes (each with "seconds") into `count` lists of similar total seconds (LPT)."""
    bins: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    totals = [0.0] * count
    for episode in sorted(episodes, key=lambda e: (-e["seconds"], e["guid"])):
        lightest = totals.index(min(totals))
        bins[lightest].append(episode)
        totals[lightest] += episode["seconds"]
    return bins


def make_plan(syncer: Syncer, shard_minutes: float, max_shards: int) -> Plan:
    """Read the feed and plan the Whisper work it needs (nothing is written to `episodes/`).

    Raises SyncError for a feed that cannot be read, as sync does, and for a useless budget.
    """
    if shard_minutes <= 0 or max_shards < 1:
        raise SyncError("a plan needs --time-budget above 0 (minutes per shard) and --max-shards >= 1")
    with syncer.locked():
        _report, entries = syncer.entries()
        todo = []
        for item, slug, _new in entries:
            record = syncer.record_for(item, slug)
            if syncer.needs_whisper(record):
                todo.append({"guid": item["guid"], "slug": slug, "title": record["title"],
                             "seconds": round(episode_seconds(record), 3)})
    speed = syncer.budget.speed()
    count = shard_count(sum(e["seconds"] for e in todo) / speed, shard_minutes, max_shards)
    width = len(str(count))
    shards = tuple(Shard(id=str(n + 1).zfill(width), episodes=tuple(b))
                   for n, b in enumerate(balance(todo, count)))
    return Plan(model=syncer.settings.model, speed_x=speed, shards=shards)


def write_plan(plan: Plan, directory: Path) -> Path:
    """Write `matrix.json` and one `shard-<id>.json` per shard into `directory`; returns matrix.json.

    Shard files of an earlier plan in the same folder are removed, so the folder is exactly this plan.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("shard-*.json"):
        old.unlink()
    for shard in plan.shards:
        store.write_json_atomic(directory / f"shard-{shard.id}.json",
                                {"shard": shard.id, "model": plan.model,
                                 "episodes": list(shard.episodes)})
    path = directory / MATRIX_FILE
    store.write_json_atomic(path, plan.matrix())
    return path


def read_shard(path: Path) -> dict[str, str]:
    """guid -> slug of the episodes a shard file lists. SyncError when it is missing or not a shard."""
    try:
        data = store.read_json(path)
        listed = {e["guid"]: e["slug"] for e in data["episodes"]}
    except OSError as exc:
        raise SyncError(f"cannot read the shard file {path}: {exc.strerror}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise SyncError(f"{path} is not a shard file of `companion sync --plan` ({exc})") from exc
    for guid, slug in listed.items():
        if not (isinstance(guid, str) and isinstance(slug, str) and SLUG_PATTERN.fullmatch(slug)):
            raise SyncError(f"{path} is not a shard file of `companion sync --plan` "
                            f"(episode {guid!r} has no valid folder name)")
    if len(set(listed.values())) < len(listed):
        raise SyncError(f"{path} is not a shard file of `companion sync --plan` "
                        "(two episodes have the same folder name)")
    return listed
