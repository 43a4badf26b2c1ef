"""Bring a block's signal to what Silero VAD hears: no DC offset, and not far too quiet.

What the VAD misses is not speech to the coverage check (coverage is measured on what it found),
so a word it misses is lost without a trace. Two properties of a recording made it miss speech:

- a DC offset (the waveform's centre off zero: a cheap interface or a faulty preamp; the
  LibriVox readings in tests/data hold 0.7 % of full scale). JFK 20 dB down with an offset of
  0.1 of full scale: Silero found 1.6 of its 9.0 s of speech and the transcript was "And so my
  fellow Americans."; 30 dB down with 0.03, nothing. Only an offset within LOUD_DC_RATIO of the
  speech's own level is removed, so ordinary recordings are left exactly as they are.
- a level far too low: found whole at its own level (loud frames, the 95th percentile of 100 ms
  RMS, at -10.6 dBFS) and at -50.6 dBFS, 7.0 s of it at -57.6 and 4.4 s at -60.6 (a recorder's
  gain left at its lowest), where "And so, my fellow Americans, ask" vanished (silero-vad #665,
  "poor when the speaker speaks softly"; VoiceInk #639, whispered speech at -47 dB mean dropped).
  Raised by 20 dB or more, all 9.0 s were found again; pink noise, room tone and a music bed raised
  the same way held no speech.

The offset is removed first: it would count as level, and raising the audio raises it too.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

SAMPLE_RATE = 16000
FRAME_S = 0.1                     # s per frame whose RMS level is measured
LOUD_PERCENTILE = 95.0            # the level of the audio's loud frames (speech, not its pauses)
SILENT_POWER = 1e-10              # frames under -100 dBFS are digital silence, not audio to judge
QUIET_DB = -35.0                  # loud frames under this (dBFS) are very quiet: raised
TARGET_DB = -20.0                 # where the loud frames are raised to (an ordinary podcast: -10 to -20)
MAX_GAIN_DB = 40.0                # never raised more (digital silence and dither stay silent)
PEAK_DB = -1.0                    # nor so far that the loudest sample passes this (no clipping)
DC_FRAME_S = 1.0                  # s over which the offset is measured (a mean: speech averages out)
LOUD_DC_RATIO = 0.2               # offset / loud frames' RMS above which it is removed: the readings'
                                  # own 0.07-0.11 stay; JFK 30 dB down lost half its speech at 0.34
DC_POLE = 0.995                   # one-pole DC blocker: -3 dB at 13 Hz, under any voice


def loud_level_db(samples: np.ndarray) -> float:
    """Level of the loud frames of float32 `samples` (16 kHz, full scale 1.0), in dBFS: the
    LOUD_PERCENTILE of the RMS levels of its 100 ms frames that are not digital silence; -inf
    when every frame is, or for under one frame."""
    frame = int(FRAME_S * SAMPLE_RATE)
    count = len(samples) // frame
    if not count:
        return float("-inf")
    frames = samples[:count * frame].reshape(count, frame)
    # per-frame sums in place of a squared copy: a 300 s block's float64 square would be 38 MB
    power = np.einsum("ij,ij->i", frames, frames).astype(np.float64) / frame
    # digital silence is left out: a block of 10 s of speech in 290 s of zeros is judged on the speech
    sounding = power[power > SILENT_POWER]
    return 10.0 * float(np.log10(np.percentile(sounding, LOUD_PERCENTILE))) if len(sounding) else float("-inf")


def dc_offset(samples: np.ndarray) -> float:
    """The largest offset from zero of float32 `samples` (full scale 1.0): the greatest absolute
    mean of its DC_FRAME_S frames (the whole of a shorter array)."""
    frame = int(DC_FRAME_S * SAMPLE_RATE)
    if len(samples) < frame:
        return abs(float(np.mean(samples, dtype=np.float64))) if len(samples) else 0.0
    count = len(samples) // frame
    return float(np.max(np.abs(samples[:count * frame].reshape(count, frame).mean(axis=1, dtype=np.float64))))


def remove_dc(samples: np.ndarray) -> np.ndarray:
    """Float32 `samples` without their DC offset when it is over LOUD_DC_RATIO of the loud frames'
    RMS (a one-pole high-pass at 13 Hz, so an offset that changes along the block goes too, started
    from the first second's mean so the block's first samples carry no step); else the same array."""
    level = loud_level_db(samples)
    if not np.isfinite(level) or dc_offset(samples) <= LOUD_DC_RATIO * 10.0 ** (level / 20.0):
        return samples
    start = np.float32(np.mean(samples[:int(DC_FRAME_S * SAMPLE_RATE)], dtype=np.float64))
    centred = lfilter(np.array([1.0, -1.0], dtype=np.float32),
                      np.array([1.0, -DC_POLE], dtype=np.float32), samples - start)
    return centred.astype(np.float32, copy=False)


def lift_gain_db(samples: np.ndarray) -> float:
    """The gain in dB (0.0 or more) that raises very quiet float32 `samples` so their loud frames
    reach TARGET_DB, at most MAX_GAIN_DB and never past PEAK_DB at the loudest sample; 0.0 when
    the loud frames are at QUIET_DB or louder, or the audio is silent."""
    level = loud_level_db(samples)
    if not np.isfinite(level) or level >= QUIET_DB:
        return 0.0
    peak = float(np.max(np.abs(samples)))
    return max(0.0, min(TARGET_DB - level, MAX_GAIN_DB, PEAK_DB - 20.0 * float(np.log10(peak))))


def lift_quiet(samples: np.ndarray) -> np.ndarray:
    """Float32 `samples` raised by `lift_gain_db`: the same array when no gain is due, else a new
    float32 array of the same length."""
    gain = lift_gain_db(samples)
    if gain <= 0.0:
        return samples
    return (samples * np.float32(10.0 ** (gain / 20.0))).astype(np.float32)


def condition(samples: np.ndarray) -> np.ndarray:
    """Float32 `samples` (16 kHz) as the VAD and the model are given them: `remove_dc`, then
    `lift_quiet`. Ordinary audio comes back as the same array, untouched."""
    return lift_quiet(remove_dc(samples))
