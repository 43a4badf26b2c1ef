"""Decode any podcast audio to what Whisper wants: 16 kHz mono float32 samples.

pydub does the decoding and conversion with the ffmpeg binary that `imageio-ffmpeg` ships, so
set-up stays pip-only. imageio-ffmpeg has no ffprobe, so the decoder is named from the file's
first bytes instead of probed. Damage is detected, never papered over: a broken MP3 decodes
without an exception into a fraction of a second of noise, which Whisper then "transcribes".
"""

from __future__ import annotations

import re
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

with warnings.catch_warnings():  # pydub warns that no ffmpeg is on PATH; we name imageio's below
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

SAMPLE_RATE = 16000               # Hz, what Whisper's feature extractor expects
SAMPLE_WIDTH = 2                  # bytes per sample after conversion (16-bit PCM)
INT16_SCALE = 32768.0             # int16 -> float32 in [-1, 1)
MAX_LOSSY_BITRATE = 320_000       # bits/s: no podcast MP3/AAC/Opus goes above this
MAX_LOSSLESS_BITRATE = 4_608_000  # bits/s: 24-bit stereo at 96 kHz, for WAV and FLAC
MIN_DECODED_FRACTION = 0.5        # of the declared duration, or of what the file size implies
MAX_DECODE_ERRORS = 10            # ffmpeg error lines tolerated (a glitch or two is normal)

AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()


class AudioError(Exception):
    """The audio cannot be used; the message says why in the maintainer's terms."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray           # float32, mono, SAMPLE_RATE
    seconds: float
    codec: str


def sniff_codec(head: bytes) -> str | None:
    """The ffmpeg decoder for a file that starts with `head` (None when unrecognised)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "opus" if b"OpusHead" in head else "vorbis"
    if head[4:8] == b"ftyp":
        return "aac"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def decode_errors(path: Path) -> list[str]:
    """Lines ffmpeg reports as errors while decoding the whole file (cheap: no output written)."""
    result = subprocess.run([AudioSegment.converter, "-nostdin", "-v", "error", "-i", str(path),
                             "-f", "null", "-"], capture_output=True, text=True, errors="replace")
    # Drop ffmpeg's pointer addresses ("[mp3float @ 0x55d1...]") so a reason reads the same each run.
    lines = [re.sub(r" @ 0x[0-9a-f]+", "", line) for line in result.stderr.splitlines() if line.strip()]
    if result.returncode != 0 and not lines:
        lines = [f"ffmpeg exited with code {result.returncode}"]
    return lines


def check_complete(seconds: float, size_bytes: int, codec: str, declared_s: float | None) -> None:
    """Raise AudioError when far less audio decoded than the file or the feed implies."""
    lossless = codec in ("wav", "flac")
    max_bitrate = MAX_LOSSLESS_BITRATE if lossless else MAX_LOSSY_BITRATE
    implied_min_s = size_bytes * 8 / max_bitrate
    if seconds < MIN_DECODED_FRACTION * implied_min_s:
        raise AudioError(f"damaged audio: {size_bytes} bytes decoded to only {seconds:.1f} s")
    if declared_s and seconds < MIN_DECODED_FRACTION * declared_s:
        raise AudioError(
            f"incomplete audio: decoded {seconds:.1f} s of a declared {declared_s:.0f} s")


def load_audio(path: Path, declared_s: float | None = None) -> Audio:
    """Decode `path` to 16 kHz mono float32, or raise AudioError saying what is wrong with it."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    codec = sniff_codec(head)
    if codec is None:
        raise AudioError("not an audio file ffmpeg can read (unrecognised format)")
    errors = decode_errors(path)
    if len(errors) > MAX_DECODE_ERRORS:
        raise AudioError(f"damaged audio: ffmpeg reported {len(errors)} decoding errors, "
                         f"first: {errors[0]}")
    try:
        segment = AudioSegment.from_file(path, format="wav" if codec == "wav" else None,
                                         codec=None if codec == "wav" else codec)
    except (CouldntDecodeError, IndexError, OSError) as exc:
        raise AudioError(f"cannot decode audio: {str(exc).splitlines()[0]}") from exc
    segment = segment.set_channels(1).set_frame_rate(SAMPLE_RATE).set_sample_width(SAMPLE_WIDTH)
    samples = np.frombuffer(segment.raw_data, dtype=np.int16).astype(np.float32) / INT16_SCALE
    seconds = len(samples) / SAMPLE_RATE
    check_complete(seconds, path.stat().st_size, codec, declared_s)
    return Audio(samples=samples, seconds=seconds, codec=codec)
