"""Back-catalogue planning: measure `companion sync` end to end, then print the planning table.

A 10-minute programme of real speech (the clips of bench/transcribe.py, stitched) is encoded as a
128 kbit/s MP3 and served as a one-episode feed on 127.0.0.1. `companion sync` downloads, decodes
and transcribes it with tiny.en, exactly as a CI job does, and its measured speed (the one a time
budget uses, `.cache/speed.json`) gives the tiny.en row. Other models use the priors in
`companion.pipeline.budget`, each from a published figure named there. Not a test: speeds vary.

    .venv/bin/python bench/catalogue.py [--hours 50 150 300] [--jobs 1 4 10 20]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from companion.pipeline import audio, budget  # noqa: E402
from companion.site.static_server import StaticServer  # noqa: E402

SHARD_MINUTES = 300                 # the workflow's SHARD_MINUTES
MP3_BITRATE = "128k"
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Bench</title><item><title>Programme</title><guid isPermaLink="false">bench-1</guid>
<pubDate>Mon, 01 Jan 2024 09:00:00 +0000</pubDate><itunes:duration>{seconds:.0f}</itunes:duration>
<enclosure url="programme.mp3" length="{length}" type="audio/mpeg"/></item></channel></rss>
"""
# Other models: the prior speeds of companion.pipeline.budget (sources there), on the same 2-vCPU class.
OTHER_MODELS = {"small.en": "small.en", "distil-large-v3, large-v3(-turbo)": "large-v3"}


def stitched_mp3(folder: Path) -> float:
    """Write folder/programme.mp3 (real speech, about 10 minutes); returns its seconds."""
    spec = importlib.util.spec_from_file_location("bench_transcribe", ROOT / "bench" / "transcribe.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    samples, _text = bench.programme(bench.references())
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    subprocess.run([audio.ffmpeg(), "-loglevel", "error", "-f", "s16le",
                    "-ar", str(audio.SAMPLE_RATE), "-ac", "1", "-i", "pipe:0", "-b:a", MP3_BITRATE,
                    str(folder / "programme.mp3")], input=pcm, check=True)
    return len(samples) / audio.SAMPLE_RATE


def measure_tiny(work: Path) -> tuple[float, float]:
    """Sync the programme with tiny.en in a scratch project: (audio seconds, work seconds)."""
    www, project = work / "www", work / "project"
    www.mkdir()
    project.mkdir()
    seconds = stitched_mp3(www)
    (www / "feed.xml").write_text(FEED.format(seconds=seconds,
                                              length=(www / "programme.mp3").stat().st_size))
    (project / "mkdocs.yml").write_text("site_name: Bench\nextra:\n  podcast:\n    feed: \"\"\n")
    server = StaticServer(www).start()
    try:
        subprocess.run([str(Path(sys.executable).with_name("companion")), "sync", "--feed",
                        f"{server.url}/feed.xml"], cwd=project, check=True, capture_output=True)
    finally:
        server.shutdown()
        server.server_close()
    entry = json.loads((project / ".cache" / budget.SPEED_FILE).read_text())["tiny.en"]
    return entry["audio_s"], entry["work_s"]


def wall_hours(runner_h: float, jobs: int) -> float:
    """Wall time with `jobs` shard jobs at once (the plan makes that many, none under 30 min)."""
    shards = budget.shard_count(runner_h * 3600, SHARD_MINUTES, jobs)
    return runner_h / shards if shards else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=float, nargs="+", default=[50, 150, 300])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 4, 10, 20])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        audio_s, work_s = measure_tiny(Path(scratch))
    tiny = audio_s / work_s
    print(f"tiny.en, companion sync end to end (download, decode, transcribe, write) on "
          f"{os.cpu_count()} cores: {audio_s:.0f} s of audio in {work_s:.1f} s = {tiny:.1f}x real time\n")
    speeds = {"tiny.en (measured here)": tiny}
    speeds |= {name: budget.prior_speed(model) for name, model in OTHER_MODELS.items()}
    print("| back catalogue | model | x real time | runner hours | "
          + " | ".join(f"wall, {n} job{'s' * (n > 1)}" for n in args.jobs) + " |")
    print("|---|---|---|---|" + "---|" * len(args.jobs))
    for hours in args.hours:
        for name, speed in speeds.items():
            runner = hours / speed
            walls = []
            for jobs in args.jobs:
                wall = wall_hours(runner, jobs)
                over = " *" if wall * 60 > SHARD_MINUTES else ""
                walls.append(f"{wall:.1f} h{over}")
            print(f"| {hours:.0f} h | {name} | {speed:.1f} | {runner:.1f} | " + " | ".join(walls) + " |")
    print(f"\n* more than one job's {SHARD_MINUTES} minutes: the rest is done by the next run(s).")


if __name__ == "__main__":
    main()
