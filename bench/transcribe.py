"""Transcription benchmark: the pipeline's configuration against faster-whisper's default
sequential decoding (what peer tools use), on the real clips and a 10-minute programme stitched
from them. Prints a table of real-time factor, WER and peak memory. Not a test: speeds vary.

    .venv/bin/python bench/transcribe.py [--quick]

Each configuration runs in its own subprocess so that peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from companion import audio  # noqa: E402
from companion.transcribe import BEAM_SIZE, load_model, transcribe, Settings  # noqa: E402

CLIPS = ROOT / "tests" / "data" / "audio"
PROGRAMME_S = 600.0            # the stitched programme's length
GAP_S = 1.0                    # silence between stitched clips
CPU_THREADS = 2                # the target machine has 2 cores


def references() -> list[tuple[Path, str]]:
    clips = json.loads((CLIPS / "references.json").read_text())["clips"]
    out = []
    for clip in clips:
        path = CLIPS / Path(clip["file"]).name
        if path.exists() and clip.get("reference") and clip["kind"] != "model-output":
            out.append((path, clip["reference"]))
    return out


def programme(refs: list[tuple[Path, str]]) -> tuple[np.ndarray, str]:
    """Clips repeated in order, with short gaps, until PROGRAMME_S of audio."""
    parts, texts, total = [], [], 0.0
    gap = np.zeros(int(GAP_S * audio.SAMPLE_RATE), dtype=np.float32)
    while total < PROGRAMME_S:
        for path, text in refs:
            samples = audio.load_audio(path).samples
            parts += [samples, gap]
            texts.append(text)
            total += len(samples) / audio.SAMPLE_RATE + GAP_S
            if total >= PROGRAMME_S:
                break
    return np.concatenate(parts), " ".join(texts)


def run_config(config: str, quick: bool) -> list[dict]:
    """Transcribe every input with one configuration (runs inside the child process)."""
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    normalise = EnglishTextNormalizer()
    refs = references()
    inputs = [(p.name, audio.load_audio(p).samples, text) for p, text in refs]
    if not quick:
        samples, text = programme(refs)
        inputs.append(("programme (10 min)", samples, text))
    model = load_model(None, "cpu", CPU_THREADS)
    rows = []
    for name, samples, text in inputs:
        started = time.perf_counter()
        if config == "sequential":
            segments, _ = model.transcribe(samples, language="en", beam_size=BEAM_SIZE)
            hypothesis = " ".join(s.text for s in segments)
        else:
            settings = Settings(batched=config == "pipeline", cpu_threads=CPU_THREADS)
            hypothesis = " ".join(s["body"] for s in transcribe(samples, settings))
        elapsed = time.perf_counter() - started
        seconds = len(samples) / audio.SAMPLE_RATE
        rows.append({"clip": name, "seconds": seconds, "elapsed": elapsed,
                     "wer": jiwer.wer(normalise(text), normalise(hypothesis))})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for row in rows:
        row["peak_mb"] = peak_mb
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="clips only, no 10-minute programme")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_config(args.child, args.quick)))
        return
    configs = {"sequential": "faster-whisper default: sequential, beam 5, no VAD",
               "pipeline": "pipeline: batched x8, VAD, word timings, re-cut"}
    results = {}
    for config in configs:
        cmd = [sys.executable, __file__, "--child", config] + (["--quick"] if args.quick else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        results[config] = {r["clip"]: r for r in json.loads(out.strip().splitlines()[-1])}
    print(f"tiny.en int8, {CPU_THREADS} CPU threads, {os.cpu_count()} cores\n")
    print("| clip | seconds | WER seq | WER pipeline | x real time seq | x real time pipeline | speed-up |")
    print("|---|---|---|---|---|---|---|")
    seq, pipe = results["sequential"], results["pipeline"]
    for clip, s in seq.items():
        p = pipe[clip]
        print(f"| {clip} | {s['seconds']:.1f} | {s['wer']:.3f} | {p['wer']:.3f} | "
              f"{s['seconds'] / s['elapsed']:.1f} | {p['seconds'] / p['elapsed']:.1f} | "
              f"{s['elapsed'] / p['elapsed']:.2f}x |")
    for config, label in configs.items():
        rows = results[config].values()
        total_s = sum(r["seconds"] for r in rows)
        total_e = sum(r["elapsed"] for r in rows)
        print(f"\n{label}: {total_s / total_e:.1f}x real time over {total_s:.0f} s, "
              f"peak memory {next(iter(rows))['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
