"""Raise very quiet audio to a level Silero VAD hears, before it is looked at for speech.

Silero's speech probability falls with the level of its input: JFK's 9.0 s of speech was found
whole at its own level (loud frames, the 95th percentile of 100 ms RMS, at -10.6 dBFS) and at
-50.6 dBFS, 7.0 s of it at -57.6 and 4.4 s at -60.6 (a recorder's gain left at its lowest), where
"And so, my fellow Americans, ask" vanished from the transcript while the coverage said 100 %,
since coverage is measured on what the VAD found (silero-vad #665, "poor when the speaker speaks
softly"; VoiceInk #639, whispered speech at -47 dB mean dropped). Raised by 20 dB or more, all
9.0 s were found again; pink noise, room tone and a music bed raised the same way held no speech.
Audio at an ordinary level is left exactly as it is.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16000
FRAME_S = 0.1                     # s per frame whose RMS level is measured
LOUD_PERCENTILE = 95.0            # the level of the audio's loud frames (speech, not its pauses)
QUIET_DB = -35.0                  # loud frames under this (dBFS) are very quiet: raised
TARGET_DB = -20.0                 # where the loud frames are raised to (an ordinary podcast: -10 to -15)
MAX_GAIN_DB = 40.0                # never raised more (digital silence and dither stay silent)
SILENT_POWER = 1e-10             # frames under -100 dBFS are digital silence, not audio to judge
PEAK_DB = -1.0                    # nor so far that the loudest sample passes this (no clipping)


def loud_level_db(samples: np.ndarray) -> float:
    """Level of the loud frames of float32 `samples` (16 kHz, full scale 1.0), in dBFS: the
    LOUD_PERCENTILE of the RMS levels of its 100 ms frames that are not digital silence; -inf
    when every frame is, or for under one frame."""
    frame = int(FRAME_S * SAMPLE_RATE)
    count = len(samples) // frame
    if not count:
        return float("-inf")
    power = np.mean(np.square(samples[:count * frame].reshape(count, frame), dtype=np.float64), axis=1)
    # digital silence is left out: a block of 10 s of speech in 290 s of zeros is judged on the speech
    sounding = power[power > SILENT_POWER]
    return 10.0 * float(np.log10(np.percentile(sounding, LOUD_PERCENTILE))) if len(sounding) else float("-inf")


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
