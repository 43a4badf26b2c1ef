"""A time budget for `companion sync --time-budget MINUTES`: start no transcription that would end late.

Before each Whisper transcription the run asks whether the episode, at the expected speed, still
ends inside the budget. The episode in hand always finishes; what does not fit is left for the next
run. The expected speed (times real time: seconds of audio per second of work, download and
decoding included) is, in order of preference:

1. what this run has measured so far (all its transcriptions together);
2. what an earlier run on this machine measured for the same model (`.cache/speed.json`);
3. a conservative prior per model (`PRIOR_SPEED_X`), for a first run on a new machine.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.pipeline import store

SECONDS_PER_MINUTE = 60
MIN_SHARD_MINUTES = 30              # a shard job's install and model cache restore take minutes
SPEED_FILE = "speed.json"            # in .cache/: {model: {"audio_s": float, "work_s": float}}
MEASURED_AUDIO_MIN_S = 30.0          # less audio than this is too little to trust as a speed
# Speed of an episode whose feed gives no duration: the enclosure size at this bit rate, else
# an hour (podcasts' common length; overestimating only defers an episode to the next run).
ASSUMED_BYTES_PER_S = 128_000 / 8    # 128 kbit/s MP3
ASSUMED_EPISODE_S = 3600.0
# Priors in times real time on a 2-vCPU machine, batched int8 on the CPU. They are deliberately
# below the figures they come from, because a wrong high guess overruns a job's time limit:
# - tiny.en: 39.5x measured on this project's 2-core test machine (bench/transcribe.py, 10-minute
#   programme; README); 20x leaves room for downloads and slower runners.
# - small / small.en: 15x on 8 threads in faster-whisper's published CPU benchmark
#   (SYSTRAN/faster-whisper README, small, int8, batch 8); scaled to 2 threads, about 4x; 3x here.
# - base / base.en: between the two (openai/whisper's README puts base at 7/10 of tiny's speed).
# - anything else (medium, large-v3, distil-large-v3, turbo): 0.5x, the large-v3-turbo CPU figure
#   that cast2md's documentation reports; measure your own with one run and it is used instead.
PRIOR_SPEED_X = {"tiny.en": 20.0, "tiny": 20.0, "base.en": 10.0, "base": 10.0,
                 "small.en": 3.0, "small": 3.0}
UNKNOWN_MODEL_SPEED_X = 0.5


def episode_seconds(record: dict[str, Any]) -> float:
    """An episode's audio length in seconds: the feed's duration, else a guess from its size.

    A duration or size that is not a finite number above 0 (a feed says anything) counts as
    unknown, so no estimate is ever nan, infinite or negative.
    """
    for value, scale in ((record.get("duration"), 1.0),
                         ((record.get("enclosure") or {}).get("length"), ASSUMED_BYTES_PER_S)):
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value) and value > 0:
            return float(value) / scale
    return ASSUMED_EPISODE_S


def prior_speed(model: str) -> float:
    """The conservative prior speed (times real time) of a model name or folder."""
    return PRIOR_SPEED_X.get(Path(model).name, UNKNOWN_MODEL_SPEED_X)


def load_measured(cache_dir: Path, model: str) -> float | None:
    """The speed an earlier run measured for `model` on this machine, or None."""
    path = cache_dir / SPEED_FILE
    try:
        entry = store.read_cache(path)[model]
        audio_s, work_s = float(entry["audio_s"]), float(entry["work_s"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return audio_s / work_s if audio_s >= MEASURED_AUDIO_MIN_S and work_s > 0 else None


def save_measured(cache_dir: Path, model: str, audio_s: float, work_s: float) -> None:
    """Remember this run's speed for `model` (seconds of audio, seconds of work)."""
    if audio_s < MEASURED_AUDIO_MIN_S or work_s <= 0:
        return
    path = cache_dir / SPEED_FILE
    speeds = store.read_cache(path)
    speeds[model] = {"audio_s": round(audio_s, 3), "work_s": round(work_s, 3)}
    store.write_json_atomic(path, speeds)


@dataclass
class Budget:
    """Minutes of wall time for one run, counted from its creation.

    `minutes` None means no budget: every transcription may start.
    """

    minutes: float | None
    model: str
    cache_dir: Path
    started: float = field(default_factory=time.monotonic)
    audio_s: float = 0.0             # audio transcribed by this run
    work_s: float = 0.0              # time those transcriptions took
    stopped: bool = False            # once an episode is deferred, later ones are too

    def speed(self) -> float:
        """Expected times real time: this run's measure, else an earlier run's, else the prior."""
        if self.audio_s >= MEASURED_AUDIO_MIN_S and self.work_s > 0:
            return self.audio_s / self.work_s
        return load_measured(self.cache_dir, self.model) or prior_speed(self.model)

    def estimate_s(self, record: dict[str, Any]) -> float:
        """Expected seconds of work to transcribe the episode `record`."""
        return episode_seconds(record) / self.speed()

    def allows(self, record: dict[str, Any]) -> bool:
        """Whether transcribing `record` now is expected to end inside the budget.

        The first "no" stops the run's transcriptions for good, so episodes are done newest first
        and a long one is not overtaken by a stream of short ones.
        """
        if self.minutes is None:
            return True
        if not self.stopped:
            elapsed = time.monotonic() - self.started
            self.stopped = elapsed + self.estimate_s(record) > self.minutes * SECONDS_PER_MINUTE
        return not self.stopped

    def too_long(self, record: dict[str, Any]) -> str | None:
        """Why `record` can never fit this budget, or None when a fresh run could do it."""
        estimate = self.estimate_s(record)
        if self.minutes is None or estimate <= self.minutes * SECONDS_PER_MINUTE:
            return None
        return (f"expected to take about {estimate / SECONDS_PER_MINUTE:.0f} minutes with "
                f"{self.model}, more than the whole time budget of {self.minutes:g}: "
                "give a larger budget or a faster model")

    def record(self, audio_s: float, work_s: float) -> None:
        """Count one finished transcription and keep the machine's measured speed up to date."""
        self.audio_s += audio_s
        self.work_s += work_s
        save_measured(self.cache_dir, self.model, self.audio_s, self.work_s)


def shard_count(total_work_s: float, shard_minutes: float, max_shards: int) -> int:
    """How many shards (jobs, machines) to spread `total_work_s` of work over: 0 when there is none.

    As many as `max_shards` allows, so the wall time is short, but none with less work than
    MIN_SHARD_MINUTES (or `shard_minutes` when smaller), where setting a job up would cost more
    than it saves: a weekly episode stays one job. Work beyond `max_shards` x `shard_minutes` is
    left to the shards' own time budgets, and so to the next run.
    """
    if total_work_s <= 0:
        return 0
    smallest = min(MIN_SHARD_MINUTES, shard_minutes) * SECONDS_PER_MINUTE
    return max(1, min(max_shards, math.ceil(total_work_s / smallest)))
