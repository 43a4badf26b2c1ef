"""Transcription benchmark: the pipeline against faster-whisper's default sequential decoding
(what peer tools use). Prints tables, not a test: speeds vary on a shared machine.

    .venv/bin/python bench/transcribe.py completeness   # music beds, refrain, unbroken speech
    .venv/bin/python bench/transcribe.py variants   # its pauses and music break moved, six ways
    .venv/bin/python bench/transcribe.py long [--hours 1,3]   # sequential vs pipeline, 128k MP3
    .venv/bin/python bench/transcribe.py clips [--quick]   # real clips and a 10-minute programme

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
from statistics import median
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

sys.path.insert(0, str(ROOT / "tests"))

import programme as stitched  # noqa: E402  (tests/programme.py: the podcast-shaped audio)
from companion.pipeline import audio  # noqa: E402
from companion.pipeline.transcribe import (BATCH_SIZE, BEAM_SIZE, Settings, load_model,  # noqa: E402
                                           speech_regions, transcribe, transcribe_audio)

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
    gap = np.zeros(int(GAP_S * audio.SAMPLE_RATE), dtype=np.int16)
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
    model = load_model(None, "cpu", CPU_THREADS, config != "sequential")
    rows = []
    for name, samples, text in inputs:
        started = time.perf_counter()
        if config == "sequential":
            segments, _ = model.transcribe(audio.to_float(samples), language="en", beam_size=BEAM_SIZE)
            hypothesis = " ".join(s.text for s in segments)
        else:
            settings = Settings(cpu_threads=CPU_THREADS)
            hypothesis = " ".join(s["body"] for s in transcribe(samples, settings))
        elapsed = time.perf_counter() - started
        seconds = len(samples) / audio.SAMPLE_RATE
        rows.append({"clip": name, "seconds": seconds, "elapsed": elapsed,
                     "wer": jiwer.wer(normalise(text), normalise(hypothesis))})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for row in rows:
        row["peak_mb"] = peak_mb
    return rows


COMPLETENESS_CONFIGS = {
    "sequential": "faster-whisper default: sequential, beam 5, no VAD, word timings",
    "pipeline": f"pipeline (the default): packed VAD spans, beam {BEAM_SIZE}, gap refill",
    "pipeline-beam1": "pipeline, beam 1 (greedy)",
    "pipeline-beam5": "pipeline, beam 5",
    "pipeline-batched": f"pipeline, packed windows batched x{BATCH_SIZE} (--batched)",
}
VOCABULARY = ("Torrens", "Bailey Code", "Fall From Grace")


def passage_figures(words: list[tuple[float, str]], placed: list) -> tuple[int, float, list[str]]:
    """Passages found (>= 90 % of their words near them), worst onset error, what is missing."""
    import collections

    found, worst, missing = 0, 0.0, []
    for name, reference, onset, end in placed:
        near = [(t, w) for t, w in words if onset - 1.0 <= t <= end]
        bag = collections.Counter(w for _t, w in near)
        ref = stitched.words(reference)
        hits = 0
        for w in ref:
            if bag[w] > 0:
                bag[w] -= 1
                hits += 1
        if hits / len(ref) >= 0.9:
            found += 1     # onset: the passage's own first words, not the previous one's tail
            # (or the first word heard at all: a reading's title, "One", is not in its reference)
            starts = [t for t, w in near if w in ref[:3] and t <= onset + 3.0] + [near[0][0]]
            worst = max(worst, min(abs(t - onset) for t in starts))
        else:
            lacking = collections.Counter(ref) - collections.Counter(w for _t, w in near)
            missing.append(f"{name}@{onset:g}s ({hits}/{len(ref)} words; lacking "
                           f"{' '.join(sorted(lacking.elements()))})")
    return found, worst, missing


def settings_for(config: str) -> Settings:
    """The pipeline's Settings for a configuration name of COMPLETENESS_CONFIGS."""
    beam = {"pipeline-beam5": 5, "pipeline-beam1": 1}.get(config, BEAM_SIZE)
    return Settings(batched=config == "pipeline-batched", cpu_threads=CPU_THREADS,
                    vocabulary=VOCABULARY, beam_size=beam)


def sequential(samples: np.ndarray) -> tuple[str, list[tuple[float, str]]]:
    """faster-whisper's own sequential decoding, as peer tools run it: (text, timed words)."""
    model = load_model(Settings().model, "cpu", CPU_THREADS, whole_windows=False)
    raw, _ = model.transcribe(audio.to_float(samples), language="en", beam_size=5, word_timestamps=True)
    raw = list(raw)
    return (" ".join(s.text for s in raw),
            [(w.start, t) for s in raw for w in s.words for t in stitched.words(w.word)])


def count_encoder_passes() -> list[int]:
    """Count every call of faster-whisper's encoder in this process from now on: [passes].
    The structural figure that load on a shared machine cannot distort."""
    from faster_whisper import WhisperModel

    from companion.pipeline.split_threads import SplitThreadsModel

    passes, inside = [0], [False]
    # sequential's model and the pipeline's (its own `encode`, which may call WhisperModel's:
    # a pass is counted once, at the outer call)
    for model in (WhisperModel, SplitThreadsModel):
        def counted(self, features, encode=model.encode):  # noqa: ANN001, ANN202
            if inside[0]:
                return encode(self, features)
            passes[0] += 1 if features.ndim == 2 else features.shape[0]
            inside[0] = True
            try:
                return encode(self, features)
            finally:
                inside[0] = False
        model.encode = counted
    return passes


def timed(work, *args) -> tuple[object, float, float]:  # noqa: ANN001
    """(result, wall seconds, CPU seconds of this process) of `work(*args)`."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = work(*args)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def warm(config: str) -> None:
    """Load what a configuration loads once per process (the Whisper model; for the pipeline also
    Silero VAD's ONNX session), so that the timed part is the transcription alone."""
    load_model(Settings().model, "cpu", CPU_THREADS, config != "sequential")
    if config != "sequential":
        speech_regions(np.zeros(audio.SAMPLE_RATE, dtype=np.float32))


def run_completeness(config: str, variant: str = "as the programme") -> dict:
    """The completeness programme (or one of its `programme.VARIANTS`) through one configuration
    (inside the child process)."""
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    samples, placed = stitched.completeness_programme(**stitched.VARIANTS[variant])
    reference = " ".join(r for _n, r, _o, _e in placed)
    warm(config)   # not timed
    passes = count_encoder_passes()
    if config == "sequential":
        (text, words), elapsed, cpu = timed(sequential, samples)
        coverage = None
    else:
        result, elapsed, cpu = timed(transcribe_audio, samples, settings_for(config))
        text = " ".join(s["body"] for s in result.segments)
        words = [(w["startTime"], t) for s in result.segments for w in s["words"]
                 for t in stitched.words(w["body"])]
        coverage = result.coverage.to_json()
    found, worst, missing = passage_figures(words, placed)
    normalise = EnglishTextNormalizer()
    return {"config": config, "variant": variant, "seconds": len(samples) / audio.SAMPLE_RATE,
            "elapsed": elapsed,
            "cpu": cpu, "load": os.getloadavg()[0], "passes": passes[0],
            "found": found, "placed": len(placed), "onset_max": worst, "missing": missing,
            "wer": jiwer.wer(normalise(reference), normalise(text)), "coverage": coverage,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_long(config: str, path: str) -> dict:
    """Decode and transcribe one long MP3, sequentially or with the pipeline (in the child)."""
    warm(config)
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    passes = count_encoder_passes()
    started, cpu = time.perf_counter(), time.process_time()
    decoded = audio.load_audio(Path(path))
    decode_s = time.perf_counter() - started
    if config == "sequential":
        _text, words = sequential(decoded.samples)
        segments, coverage = len(words), None
    else:
        result = transcribe_audio(decoded.samples, settings_for(config))
        segments, coverage = len(result.segments), result.coverage.to_json()
    return {"config": config, "seconds": decoded.seconds, "decode_s": decode_s,
            "elapsed": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "load": os.getloadavg()[0], "passes": passes[0], "segments": segments, "coverage": coverage,
            "model_mb": loaded_mb, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child(*args: str) -> dict | list:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def completeness(rounds: int, configs: list[str]) -> None:
    """Each configuration `rounds` times, interleaved (sequential, pipeline, ..., sequential, ...),
    so that the machine's load falls on all alike; speeds are the best of the rounds (the run
    least slowed by other jobs), in CPU time and in wall time, with the encoder passes."""
    runs: dict[str, list[dict]] = {c: [] for c in configs}
    for _ in range(rounds):
        for config in configs:
            runs[config].append(child("completeness", config))
    seq = runs["sequential"]
    first = seq[0]
    print(f"completeness programme: {first['seconds']:.0f} s, {first['placed']} placed passages "
          f"(music intro, music break, four-times refrain, 30 s unbroken, sonnet, music outro); "
          f"{rounds} interleaved round(s), best of the rounds\n")
    print("| configuration | encoder passes | passages found | onset error max (s) | WER | "
          "CPU s | x real time (CPU) | vs sequential (CPU) | wall s | vs sequential (wall) | "
          "peak memory (MB) | coverage | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    seq_wall, seq_cpu = min(r["elapsed"] for r in seq), min(r["cpu"] for r in seq)
    for config in configs:
        rows = runs[config]
        row = rows[-1]
        wall, cpu = min(r["elapsed"] for r in rows), min(r["cpu"] for r in rows)
        cover = f"{row['coverage']['percent']:.1f}%" if row["coverage"] else "-"
        loads = ", ".join(f"{r['load']:.1f}" for r in rows)
        passes = ", ".join(sorted({str(r["passes"]) for r in rows}))
        print(f"| {COMPLETENESS_CONFIGS[config]} | {passes} | {row['found']}/{row['placed']} | "
              f"{row['onset_max']:.2f} | {row['wer']:.3f} | {cpu:.1f} | {row['seconds'] / cpu:.1f} | "
              f"{seq_cpu / cpu:.2f}x | {wall:.1f} | {seq_wall / wall:.2f}x | "
              f"{max(r['peak_mb'] for r in rows):.0f} | {cover} | {loads} |", flush=True)
        if row["missing"]:
            print(f"|  missing: {'; '.join(row['missing'])} ||||||||||||")


def variants(rounds: int, configs: list[str]) -> None:
    """Every `programme.VARIANTS` (pauses and the music break moved, so that every window edge
    moves) through each configuration, `rounds` times interleaved; per variant the passages found
    (what each misses, word by word), WER, and CPU and wall time against sequential (best of the
    rounds). A transcript that depends on where window edges fall shows here, not on one programme."""
    runs: dict[tuple[str, str], list[dict]] = {}
    for _ in range(rounds):
        for variant in stitched.VARIANTS:
            for config in configs:
                runs.setdefault((variant, config), []).append(child("completeness", config, variant))
    print(f"completeness programme variants; {rounds} interleaved round(s); passages and WER from "
          f"the last round, times the best of the rounds\n")
    print("| variant | configuration | encoder passes | passages found | onset error max (s) | WER | "
          "CPU s | vs sequential (CPU) | wall s | vs sequential (wall) | coverage | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    totals: dict[str, list[float]] = {c: [0, 0, 0.0, 0.0, 0.0] for c in configs}
    notes = []
    for variant in stitched.VARIANTS:
        seq = runs[(variant, "sequential")]
        seq_wall, seq_cpu = min(r["elapsed"] for r in seq), min(r["cpu"] for r in seq)
        for config in configs:
            rows = runs[(variant, config)]
            row = rows[-1]
            wall, cpu = min(r["elapsed"] for r in rows), min(r["cpu"] for r in rows)
            cover = f"{row['coverage']['percent']:.1f}%" if row["coverage"] else "-"
            total = totals[config]
            total[0] += row["found"]
            total[1] += row["placed"]
            total[2] += row["wer"]
            total[3] += cpu
            total[4] += wall
            print(f"| {variant} | {config} | {row['passes']} | {row['found']}/{row['placed']} | "
                  f"{row['onset_max']:.2f} | {row['wer']:.3f} | {cpu:.1f} | {seq_cpu / cpu:.2f}x | "
                  f"{wall:.1f} | {seq_wall / wall:.2f}x | {cover} | "
                  f"{', '.join(format(r['load'], '.1f') for r in rows)} |", flush=True)
            notes += [f"- {variant}, {config}: {m}" for m in row["missing"]]
    seq_total = totals["sequential"]
    for config, (found, placed, wer, cpu, wall) in totals.items():
        print(f"| **in all** | {config} | | **{found}/{placed}** | | {wer / len(stitched.VARIANTS):.3f} "
              f"(mean) | {cpu:.1f} | {seq_total[3] / cpu:.2f}x | {wall:.1f} | {seq_total[4] / wall:.2f}x | | |")
    if notes:
        print("\nmissed passages (words of the reference not heard near it):\n" + "\n".join(notes))


def long_episodes(hours: list[float], configs: list[str]) -> None:
    """MP3s as podcasts ship them (128 kbit/s stereo 44.1 kHz), looped from the completeness
    programme (real speech clips, music beds). Every (episode, configuration) runs in its own
    process, all at once, so that a shared machine's load falls on all alike (compare CPU time)."""
    import tempfile

    samples, _placed = stitched.completeness_programme()
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "programme.wav"
        subprocess.run([audio.ffmpeg(), "-nostdin", "-v", "error", "-f", "s16le", "-ar", "16000",
                        "-ac", "1", "-i", "-", str(wav)], input=samples.tobytes(), check=True)
        running = []
        for h in hours:
            mp3 = Path(folder) / f"episode-{h}h.mp3"
            subprocess.run([audio.ffmpeg(), "-nostdin", "-v", "error", "-stream_loop", "-1", "-i",
                            str(wav), "-t", str(h * 3600), "-ar", "44100", "-ac", "2",
                            "-c:a", "libmp3lame", "-b:a", "128k", str(mp3)], check=True)
            running += [(h, config, subprocess.Popen(
                [sys.executable, __file__, "--child", "long", config, str(mp3)],
                stdout=subprocess.PIPE, text=True)) for config in configs]
        rows = {(h, c): json.loads(p.communicate()[0].strip().splitlines()[-1]) for h, c, p in running}
    print("| episode | configuration | encoder passes | decode (s) | decode + transcribe (s) | "
          "CPU s | vs sequential (CPU) | vs sequential (wall) | peak memory (MB) | "
          "of which model (MB) | coverage | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (h, config), row in rows.items():
        seq = rows.get((h, "sequential"))
        cover = f"{row['coverage']['percent']:.1f}%" if row["coverage"] else "-"
        ratios = (f"{seq['cpu'] / row['cpu']:.2f}x | {seq['elapsed'] / row['elapsed']:.2f}x"
                  if seq else "- | -")
        print(f"| {row['seconds'] / 60:.0f} min | {config} | {row['passes']} | "
              f"{row['decode_s']:.1f} | {row['elapsed']:.0f} | {row['cpu']:.0f} | {ratios} | "
              f"{row['peak_mb']:.0f} | {row['model_mb']:.0f} | {cover} | {row['load']:.1f} |")


def clips(quick: bool) -> None:
    configs = {"sequential": "faster-whisper default: sequential, beam 5, no VAD",
               "pipeline": "pipeline: VAD spans + gap refill, word timings, re-cut"}
    results = {}
    for config in configs:
        rows = child("clips", config, *(["--quick"] if quick else []))
        results[config] = {r["clip"]: r for r in rows}
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("programme", nargs="?", default="completeness",
                        choices=("completeness", "variants", "long", "clips"))
    parser.add_argument("--hours", default="1,3", help="long: episode lengths in hours")
    parser.add_argument("--rounds", type=int, default=2,
                        help="completeness, variants: interleaved rounds")
    parser.add_argument("--configs", default="",
                        help="comma-separated configurations (default: all; sequential always first)")
    parser.add_argument("--no-sequential", action="store_true",
                        help="long: the pipeline only (when the machine has no time for both)")
    parser.add_argument("--quick", action="store_true", help="clips: no 10-minute programme")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, value, *rest = args.child
        out = {"completeness": lambda c: run_completeness(c, *rest), "long": lambda c: run_long(c, rest[0]),
               "clips": lambda c: run_config(c, "--quick" in rest)}[kind](value)
        print(json.dumps(out))
        return
    print(f"tiny.en int8, {CPU_THREADS} CPU threads, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    chosen = [c for c in args.configs.split(",") if c and c != "sequential"]
    if args.programme == "completeness":
        completeness(args.rounds, ["sequential"] + (chosen or list(COMPLETENESS_CONFIGS)[1:]))
    elif args.programme == "variants":
        variants(args.rounds, ["sequential"] + (chosen or ["pipeline"]))
    elif args.programme == "long":
        long_episodes([float(h) for h in args.hours.split(",")],
                      ([] if args.no_sequential else ["sequential"]) + (chosen or ["pipeline"]))
    else:
        clips(args.quick)


if __name__ == "__main__":
    main()
