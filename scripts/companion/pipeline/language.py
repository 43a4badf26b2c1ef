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

import re
import zlib
from dataclasses import asdict, dataclass
from statistics import median
from typing import Any, Iterable

# Calibrated by bench/language.py --isa all with tiny.en (2026-12-07, CPU code paths GENERIC, AVX
# and AVX2): real English (JFK, LibriVox prose and a sonnet) and espeak-ng English: mean
# log-probability -0.24 to -0.37, mean word probability 0.86-0.93, compression ratio 1.1-1.5, no
# segment unsure. espeak-ng German, French, Spanish, Italian, Dutch, Polish, Portuguese, Swedish and
# Turkish: either unsure by confidence (Dutch -0.74 to -0.81 / 0.48-0.50) or looping (compression
# 2.8-21, though log-probability can be as high as -0.15 and words 0.93), 44-100 % of the time in
# unsure segments. The Apollo 11 air-to-ground radio (English through heavy noise) loops too
# (compression 5.9-8.4): recognised badly, so unsure. The thresholds sit between the groups.
MEAN_LOGPROB_MIN = -0.6           # duration-weighted mean avg_logprob of the whole episode
WORD_PROB_MIN = 0.65              # duration-weighted mean of the words' probabilities
LOW_LOGPROB = -1.0                # a segment below this was decoded unsure (whisper's threshold)
# A decode whose text gzips better than this is a repetition loop (whisper's
# `compression_ratio_threshold`, where it gives up on a decode and tries again). On speech the
# English-only model cannot follow, it often settles into such a loop *confidently* ("vita, vita,
# vita", "-r-r-r", one sentence sixty times): word probabilities near 0.9, log-probability near
# -0.3. Which speech loops differs with CTranslate2's CPU code path (GENERIC, AVX, AVX2, AVX512
# give different int8 arithmetic), so confidence alone misjudged German on one machine and French
# on another; a loop is unsure on every path (bench/language.py --isa).
COMPRESSION_RATIO_MAX = 2.4
# A segment whose words the model gave less than even odds on average was guessed (calibration:
# clean English segments 0.85-0.93, German and French read by espeak-ng 0.04-0.48 outside loops).
LOW_WORD_PROB = 0.5
LOW_SHARE_MAX = 0.5               # share of the decoded time in unsure segments
MIN_SECONDS = 3.0                 # less decoded speech than this is not judged
STRETCH_S = 8.0                   # unsure speech this long inside a sure episode needs review
STRETCH_GAP_S = 2.0               # unsure segments this close are one stretch
REASON = ("the speech may not be English, or it was recognised badly (noisy or unclear audio): "
          "the model was unsure of what it wrote")

# A line said again in one decode window (a refrain, an affirmation, a tagline after a music
# break: packing puts them in one window) makes the window's text compress like a loop: "He might
# even have been made amiable himself." four times gave 2.45, and a short English episode was
# judged "may not be English". Each saying of a real refrain lasts about as long as the others;
# a loop writes one sentence over different speech, so its copies last very differently (tiny.en
# on espeak-ng French: "I'm not sure if I'm going to do it." over 1.8, 4.2, 2.1, 0.1 and 2.6 s).
REFRAIN_SPREAD = 0.25             # every saying within this share of the sayings' median length


def refrain_ratio(lines: list[tuple[str, float]]) -> float | None:
    """The compression ratio of one decode window's text with each line said again counted once,
    from (text, seconds) per decoded segment; None when no line is said again (the model's own
    figure stands). A line is said again when its text (ignoring case and punctuation) comes two
    times or more and every saying lasts within REFRAIN_SPREAD of their median; the ratio is
    faster-whisper's (`get_compression_ratio`: UTF-8 bytes over zlib-compressed bytes)."""
    key = lambda text: re.sub(r"[^\w ]", "", text.lower()).strip()   # noqa: E731
    seconds: dict[str, list[float]] = {}
    for text, length in lines:
        seconds.setdefault(key(text), []).append(length)
    refrains = {k for k, lengths in seconds.items() if k and len(lengths) > 1
                and all(abs(x - median(lengths)) <= REFRAIN_SPREAD * median(lengths) for x in lengths)}
    if not refrains:
        return None
    seen: set[str] = set()
    kept = []
    for text, _length in lines:
        if key(text) in refrains and key(text) in seen:
            continue
        seen.add(key(text))
        kept.append(text.strip())
    data = " ".join(kept).encode("utf-8")
    return len(data) / len(zlib.compress(data))


@dataclass(frozen=True)
class Speech:
    """The model's confidence over one episode (all means weighted by segment duration)."""
    seconds: float                # decoded time judged
    mean_logprob: float           # mean of the segments' avg_logprob
    low_share: float              # share of `seconds` in unsure segments (`unsure_segment`)
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


def unsure_segment(avg_logprob: float, compression_ratio: float, word_prob: float) -> bool:
    """Whether one decoded segment was guessed: avg_logprob below LOW_LOGPROB or compression
    ratio above COMPRESSION_RATIO_MAX (openai/whisper's fallback thresholds, its transcribe.py),
    or mean word probability below LOW_WORD_PROB. The no-speech probability is not used: music
    and noise are the coverage check's concern, not this judgement's."""
    return (avg_logprob < LOW_LOGPROB or compression_ratio > COMPRESSION_RATIO_MAX
            or word_prob < LOW_WORD_PROB)


def summarise(found: list[tuple[float, ...]]) -> Speech | None:
    """`Speech` from (seconds, avg_logprob, compression_ratio, no_speech_prob, mean word
    probability) per decoded segment; None when nothing was decoded."""
    found = [tuple(float(x) for x in row) for row in found]     # plain floats: the judgement is JSON
    seconds = sum(d for d, *_ in found)
    if seconds <= 0:
        return None
    mean = lambda index: sum(row[0] * row[index] for row in found) / seconds   # noqa: E731
    low = sum(d for d, logprob, ratio, _no_speech, words in found if unsure_segment(logprob, ratio, words))
    return Speech(seconds=seconds, mean_logprob=mean(1), low_share=low / seconds,
                  compression_ratio=mean(2), no_speech_prob=mean(3), word_prob=mean(4))


def unsure_stretches(found: list[tuple[float, float, float, float, float]]) -> list[tuple[float, float]]:
    """The (start, end) seconds of the stretches the model guessed: its unsure segments (`unsure_segment`)
    from (start, end, avg_logprob, compression_ratio, mean word probability) per decoded segment,
    joined across gaps under STRETCH_GAP_S, that last STRETCH_S or more. A clip in another
    language inside an English episode (a guest's German, a quoted song) is written as invented
    English, and in a long episode it is too small a share of the time for `Speech.unsure`."""
    spans = sorted((float(a), float(b)) for a, b, logprob, ratio, words in found
                   if unsure_segment(logprob, ratio, words))
    joined: list[tuple[float, float]] = []
    for start, end in spans:
        if joined and start <= joined[-1][1] + STRETCH_GAP_S:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return [(round(a, 2), round(b, 2)) for a, b in joined if b - a >= STRETCH_S]


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
