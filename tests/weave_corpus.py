"""The matcher's labelled episodes (tests/data/weave/corpus.yml) written as pipeline episodes.

Shared by tests/test_weave.py and bench/weave.py: each part of an episode becomes segments of
`segment_s` seconds, and each `talk` part becomes a truth record (slug, module ident, start, end).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from site_support import write_episode

CORPUS = Path(__file__).resolve().parent / "data" / "weave" / "corpus.yml"


@dataclass(frozen=True)
class Truth:
    slug: str
    module: str          # "m2"
    start: float
    end: float
    set: str             # "dev" or "test"


def load() -> dict[str, Any]:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


def segments_and_truth(episode: dict[str, Any], step: float) -> tuple[list[dict[str, Any]], list[Truth]]:
    """Podcasting 2.0 segments of one corpus episode, and where it discusses which module."""
    segments: list[dict[str, Any]] = []
    truth: list[Truth] = []
    for part in episode["parts"]:
        lines = part.get("chat") or part.get("lines") or []
        start = len(segments) * step
        for line in lines:
            t = len(segments) * step
            segments.append({"startTime": t, "endTime": t + step - 0.2, "body": line, "speaker": "Host"})
        if part.get("talk"):
            truth.append(Truth(episode["slug"], str(part["talk"]), start, len(segments) * step,
                               episode.get("set", "dev")))
    return segments, truth


def write_corpus(episodes_dir: Path, *, copies: int = 1, media_url: str = "https://media.invalid/",
                 first_number: int = 101) -> list[Truth]:
    """Write the corpus episodes (`copies` times, each copy a new episode) and return the truth."""
    corpus = load()
    step = float(corpus["segment_s"])
    truth: list[Truth] = []
    number = first_number
    for copy in range(copies):
        for episode in corpus["episodes"]:
            segments, found = segments_and_truth(episode, step)
            slug = episode["slug"] if copy == 0 else f"{episode['slug']}-{copy}"
            write_episode(episodes_dir, slug, title=episode["title"], number=number,
                          date=f"2026-{1 + number % 12:02d}-{1 + number % 28:02d}",
                          duration=len(segments) * step, audio_url=f"{media_url}{slug}.mp3",
                          segments=segments)
            truth += [Truth(slug, t.module, t.start, t.end, t.set) for t in found]
            number += 1
    return truth
