"""Is this English the model understood? Judged from the model's own signals.

The default model (`tiny.en`) knows only English: given other speech it still writes fluent
invented English, and the coverage check passes because the words cover the speech. The decoder
says how sure it was: each faster-whisper segment carries `avg_logprob` (mean log-probability of
its tokens), `compression_ratio` (gzip ratio of its text: loops and filler compress well) and
`no_speech_prob`. openai/whisper's own fallback rules use the same three (`logprob_threshold`
-1.0, `compression_ratio_threshold` 2.4, `no_speech_threshold` 0.6; transcribe.py there).

`observe` is called with every batch of decoded segments (one line in transcribe.py) while a
`listen()` is open; `judge` sums them, weighted by each segment's duration, into `Speech`. The
thresholds were calibrated on English and non-English speech made with espeak-ng and on the real
English recordings in tests/data (bench/language.py prints the figures; tests/test_language.py
holds the calibration clips).
"""

from __future__ import annotations

import contextvars
from dataclasses import asdict, dataclass
from typing import Any, Iterable

# Calibrated by bench/language.py (see its output in the module's test): English (real and
# synthetic) stays above; German, French, Spanish, Italian, Dutch, Polish... fall below.
MEAN_LOGPROB_MIN = -0.75          # duration-weighted mean avg_logprob of the whole episode
LOW_LOGPROB = -1.0                # a segment below this was decoded unsure (whisper's threshold)
LOW_SHARE_MAX = 0.5               # share of the decoded time in unsure segments
MIN_SECONDS = 4.0                 # less decoded speech than this is not judged
REASON = "the speech may not be English (or was recognised badly): the model was unsure"

_observed: contextvars.ContextVar[list[tuple[float, float, float, float]] | None] = \
    contextvars.ContextVar("observed_segments", default=None)


@dataclass(frozen=True)
class Speech:
    """The model's confidence over one episode (all means weighted by segment duration)."""
    seconds: float                # decoded time judged
    mean_logprob: float           # mean of the segments' avg_logprob
    low_share: float              # share of `seconds` in segments with avg_logprob < LOW_LOGPROB
    compression_ratio: float      # mean compression ratio
    no_speech_prob: float         # mean no-speech probability

    @property
    def unsure(self) -> bool:
        """Whether the transcript is likely invented: not English, or badly recognised."""
        if self.seconds < MIN_SECONDS:
            return False
        return self.mean_logprob < MEAN_LOGPROB_MIN or self.low_share > LOW_SHARE_MAX

    def to_json(self) -> dict[str, Any]:
        return {k: round(v, 3) for k, v in asdict(self).items()} | {"unsure": self.unsure}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Speech":
        return cls(**{k: float(data[k]) for k in cls.__dataclass_fields__})


def listen() -> contextvars.Token:
    """Start collecting the decoded segments of one transcription (in this context)."""
    return _observed.set([])


def observe(segments: Iterable[Any]) -> None:
    """Note faster-whisper segments (objects with start, end, avg_logprob, compression_ratio,
    no_speech_prob); does nothing when no `listen()` is open."""
    found = _observed.get()
    if found is None:
        return
    for s in segments:
        found.append((max(float(s.end) - float(s.start), 0.0), float(s.avg_logprob),
                      float(s.compression_ratio), float(s.no_speech_prob)))


def judge(token: contextvars.Token) -> Speech | None:
    """The segments noted since `listen()` returned `token`, summed; None when none was decoded."""
    found = _observed.get() or []
    _observed.reset(token)
    return summarise(found)


def summarise(found: list[tuple[float, float, float, float]]) -> Speech | None:
    """`Speech` from (seconds, avg_logprob, compression_ratio, no_speech_prob) per segment."""
    seconds = sum(d for d, *_ in found)
    if seconds <= 0:
        return None
    mean = lambda index: sum(row[0] * row[index] for row in found) / seconds   # noqa: E731
    low = sum(d for d, logprob, *_ in found if logprob < LOW_LOGPROB)
    return Speech(seconds=seconds, mean_logprob=mean(1), low_share=low / seconds,
                  compression_ratio=mean(2), no_speech_prob=mean(3))


def review_reasons(data: dict[str, Any] | None) -> list[str]:
    """[REASON with the figures] when the stored judgement (`Speech.to_json`) is unsure."""
    if not data:
        return []
    try:
        speech = Speech.from_json(data)
    except (KeyError, TypeError, ValueError):
        return []
    if not speech.unsure:
        return []
    return [f"{REASON} (mean log-probability {speech.mean_logprob:.2f}, "
            f"{100 * speech.low_share:.0f}% of it unsure)"]
