"""Is this English the model understood? Judged from the model's own signals.

The default model (`tiny.en`) knows only English: given other speech it still writes fluent
invented English, and the coverage check passes because the words cover the speech. The decoder
says how sure it was: each faster-whisper segment carries `avg_logprob` (mean log-probability of
its tokens), `compression_ratio` (gzip ratio of its text: loops and filler compress well) and
`no_speech_prob`. openai/whisper's own fallback rules use the same three (`logprob_threshold`
-1.0, `compression_ratio_threshold` 2.4, `no_speech_threshold` 0.6; transcribe.py there).

Each word's probability is used too. `transcribe.transcribe_audio` hands every decoded segment
(its `Decoded` records: duration and the model's signals) to `summarise`, which weights each by
its duration into `Speech`. The thresholds were calibrated on English and non-English speech made with espeak-ng and on the real
English recordings in tests/data (bench/language.py prints the figures; tests/test_language.py
holds the calibration clips).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable

# Calibrated by bench/language.py with tiny.en (figures of 2026-12-07, mean log-probability /
# mean word probability): real English read or spoken (JFK, LibriVox prose and sonnets) -0.24 to
# -0.39 / 0.88-0.91; espeak-ng English -0.37 / 0.88; espeak-ng German -1.14 / 0.38, French
# -1.15 / 0.40, Spanish -2.18, Dutch -0.75 / 0.49, Polish -1.89, Portuguese -2.54, Swedish
# -2.27, Turkish -1.23; the Apollo 11 air-to-ground radio (English through heavy noise, recognised
# badly) -0.86 / 0.48. The thresholds sit between the two groups.
MEAN_LOGPROB_MIN = -0.6           # duration-weighted mean avg_logprob of the whole episode
WORD_PROB_MIN = 0.65              # duration-weighted mean of the words' probabilities
LOW_LOGPROB = -1.0                # a segment below this was decoded unsure (whisper's threshold)
LOW_SHARE_MAX = 0.5               # share of the decoded time in unsure segments
MIN_SECONDS = 3.0                 # less decoded speech than this is not judged
REASON = ("the speech may not be English, or it was recognised badly (noisy or unclear audio): "
          "the model was unsure of what it wrote")

@dataclass(frozen=True)
class Speech:
    """The model's confidence over one episode (all means weighted by segment duration)."""
    seconds: float                # decoded time judged
    mean_logprob: float           # mean of the segments' avg_logprob
    low_share: float              # share of `seconds` in segments with avg_logprob < LOW_LOGPROB
    compression_ratio: float      # mean compression ratio
    no_speech_prob: float         # mean no-speech probability
    word_prob: float = 1.0        # mean of the words' probabilities

    @property
    def unsure(self) -> bool:
        """Whether the transcript is likely invented: not English, or badly recognised."""
        if self.seconds < MIN_SECONDS:
            return False
        return bool(self.mean_logprob < MEAN_LOGPROB_MIN or self.word_prob < WORD_PROB_MIN
                    or self.low_share > LOW_SHARE_MAX)

    def to_json(self) -> dict[str, Any]:
        """episode.json's `speech`: each measure rounded to 3 places, with `unsure`."""
        return {k: round(v, 3) for k, v in asdict(self).items()} | {"unsure": self.unsure}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Speech":
        """A Speech from `to_json`'s object; KeyError or ValueError when a measure is missing or
        not a number."""
        return cls(**{k: float(data[k]) for k in cls.__dataclass_fields__})


def summarise(found: list[tuple[float, ...]]) -> Speech | None:
    """`Speech` from (seconds, avg_logprob, compression_ratio, no_speech_prob, mean word
    probability) per segment."""
    found = [tuple(float(x) for x in row) for row in found]     # plain floats: the judgement is JSON
    seconds = sum(d for d, *_ in found)
    if seconds <= 0:
        return None
    mean = lambda index: sum(row[0] * row[index] for row in found) / seconds   # noqa: E731
    low = sum(d for d, logprob, *_ in found if logprob < LOW_LOGPROB)
    return Speech(seconds=seconds, mean_logprob=mean(1), low_share=low / seconds,
                  compression_ratio=mean(2), no_speech_prob=mean(3), word_prob=mean(4))


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
    return [f"{REASON} (mean log-probability {speech.mean_logprob:.2f}, mean word probability "
            f"{speech.word_prob:.2f})"]
