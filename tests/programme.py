"""Podcast-shaped test audio stitched from the real clips in tests/data/audio: a synthetic music
bed (chords, a vibrato lead, kick and hi-hat noise), refrains, unbroken speech. Shared by the
tests and bench/transcribe.py, so both measure the same kinds of programme.

Each builder returns the 16 kHz int16 samples and the placed passages: (name, reference text,
true onset in s, end in s). The onset is where the clip's own speech starts (its leading
silence measured), not where the clip was placed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np

from companion.pipeline import audio

AUDIO = Path(__file__).parent / "data" / "audio"
RATE = audio.SAMPLE_RATE
ONSET_DB = -35.0                 # a 20 ms frame this far below the clip's peak is silence
Placed = tuple[str, str, float, float]

CLIPS = {   # short name -> file in tests/data/audio
    "jfk": "jfk.wav",
    "dashwood": "sense_and_sensibility_01_austen_64kb-0870.wav",
    "unless": "sense_and_sensibility_01_austen_64kb-0890.wav",
    "married": "sense_and_sensibility_01_austen_64kb-0920.wav",
    "amiable": "sense_and_sensibility_01_austen_64kb-0930.wav",
    "sonnet1": "sonnet001.mp3",
    "sonnet2": "sonnet002.mp3",
}


def references() -> dict[str, str]:
    clips = json.loads((AUDIO / "references.json").read_text())["clips"]
    by_file = {Path(c["file"]).name: c["reference"] for c in clips if c.get("reference")}
    return {name: by_file[file] for name, file in CLIPS.items()}


def clip(name: str) -> np.ndarray:
    return audio.load_audio(AUDIO / CLIPS[name]).samples


def onset_s(samples: np.ndarray) -> float:
    """Where speech starts in a clip: the first 20 ms frame within ONSET_DB of the peak frame."""
    frame = RATE // 50
    x = audio.to_float(samples)[: len(samples) // frame * frame].reshape(-1, frame)
    level = 10 * np.log10(np.square(x).mean(axis=1) + 1e-12)
    return float(np.argmax(level > level.max() + ONSET_DB) * frame / RATE)


def music(seconds: float, seed: int = 0, level: float = 0.25) -> np.ndarray:
    """A synthetic music bed: chord changes, a vibrato lead line, kick drum and hi-hat noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    chords = [(220.0, 277.18, 329.63), (196.0, 246.94, 293.66), (174.61, 220.0, 261.63)]
    bed = np.zeros_like(t)
    for index, chord in enumerate(chords):
        mask = (t // 2 % len(chords)) == index
        bed += mask * sum(np.sin(2 * np.pi * f * t) for f in chord) / 3
    lead = np.sin(2 * np.pi * (440 + 8 * np.sin(2 * np.pi * 5 * t)) * t) * (0.5 + 0.5 * np.sin(np.pi * t))
    beat = (t % 0.5) < 0.05
    kick = beat * np.sin(2 * np.pi * 60 * t) * np.exp(-(t % 0.5) * 40)
    hats = ((t + 0.25) % 0.5 < 0.02) * rng.normal(0, 0.5, len(t))
    signal = 0.5 * bed + 0.3 * lead + 0.6 * kick + 0.3 * hats
    return (level * signal / np.abs(signal).max() * 32767).astype(np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


def stitch(parts: list[str | np.ndarray]) -> tuple[np.ndarray, list[Placed]]:
    """Join clip names and ready-made sample arrays; place each clip's reference text."""
    refs = references()
    pieces, placed, cursor = [], [], 0
    for part in parts:
        samples = clip(part) if isinstance(part, str) else part
        if isinstance(part, str):
            start = cursor / RATE
            placed.append((part, refs[part], round(start + onset_s(samples), 2),
                           round(start + len(samples) / RATE, 2)))
        pieces.append(samples)
        cursor += len(samples)
    return np.concatenate(pieces), placed


def completeness_programme(pause_s: float = 1.0, refrain_pause_s: float = 2.0,
                           break_s: float = 8.0) -> tuple[np.ndarray, list[Placed]]:
    """The bench's programme (about 2.5 min): music intro, speech, a music break, a four-times
    refrain with pauses, 30 s of unbroken speech (clips joined with no pause), music outro.
    `pause_s` (after the first Dashwood line), `refrain_pause_s` (between the refrain's lines)
    and `break_s` (the music break after JFK) move every later window edge (`VARIANTS`)."""
    refrain = silence(refrain_pause_s)
    return stitch([music(12, 1), "jfk", music(break_s, 2), "dashwood", silence(pause_s),
                   "amiable", refrain, "amiable", refrain, "amiable", refrain,
                   "amiable", silence(1.5), "jfk", "dashwood", "unless", "married", silence(1.0),
                   "sonnet1", music(6, 3)])


# The completeness programme with its pauses and music break moved: where a decoder's window edges
# fall moves with them, and a transcript must not depend on where they fall. name -> keywords.
VARIANTS: dict[str, dict[str, float]] = {
    "as the programme": {},
    "pause 0.6 s": {"pause_s": 0.6},
    "pause 1.4 s": {"pause_s": 1.4},
    "refrain pauses 1.6 s": {"refrain_pause_s": 1.6},
    "refrain pauses 2.5 s": {"refrain_pause_s": 2.5},
    "music break 5 s": {"break_s": 5.0},
}


def to_mp3(samples: np.ndarray, path: Path, bitrate: str = "128k", stereo: bool = True) -> Path:
    """Encode as podcasts ship: 44.1 kHz MP3 (stereo by default) through the project's ffmpeg."""
    command = [audio.ffmpeg(), "-nostdin", "-v", "error", "-y", "-f", "s16le", "-ar", str(RATE),
               "-ac", "1", "-i", "-", "-ar", "44100", "-ac", "2" if stereo else "1",
               "-c:a", "libmp3lame", "-b:a", bitrate, str(path)]
    subprocess.run(command, input=samples.tobytes(), check=True)
    return path


def words(text: str) -> list[str]:
    """Normalised words: lower case, no punctuation, apostrophes dropped, "mister" as "mr"."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return ["mr" if w == "mister" else w for w in re.findall(r"[a-z0-9]+", text)]
