"""The real model on real speech: WER within the reference figures, short word-cut segments,
nothing invented from silence or music."""

from __future__ import annotations

import re
from pathlib import Path

import jiwer
import numpy as np
import pytest
from whisper_normalizer.english import EnglishTextNormalizer

from companion.pipeline import audio
from companion.pipeline.transcribe import MAX_SEGMENT_S, Settings, cut_on_words, transcribe, transcribe_audio

AUDIO = Path(__file__).parent / "data" / "audio"
WER_MARGIN = 0.03
normalise = EnglishTextNormalizer()


def baseline() -> dict[str, float]:
    """The batched WER column of BASELINE.md (copied into tests/data/audio/SOURCES.md)."""
    table = {}
    for line in (AUDIO / "SOURCES.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"\d\.\d{3}", cells[3]):
            table[cells[0].split("/")[-1].replace("...-", "")] = float(cells[3])
    return table


def wer_bound(name: str) -> float:
    table = baseline()
    name = name.replace("jfk.wav", "jfk.flac")     # the same speech; BASELINE.md lists the FLAC
    key = next((k for k in table if name.endswith(k) or k.endswith(name)), None)
    assert key is not None, f"no reference figure for {name}"
    return table[key] + WER_MARGIN


@pytest.mark.model
@pytest.mark.parametrize("name", [
    "jfk.wav", "sonnet001.mp3", "sonnet002.mp3", "sonnet003.mp3",
    "sense_and_sensibility_01_austen_64kb-0870.wav", "sense_and_sensibility_01_austen_64kb-0890.wav",
    "sense_and_sensibility_01_austen_64kb-0920.wav"])
def test_real_speech_within_reference_wer(name: str, references: dict[str, str]) -> None:
    decoded = audio.load_audio(AUDIO / name)
    segments = transcribe(decoded.samples, Settings(vocabulary=("Torrens", "Bailey Code")))
    hypothesis = " ".join(s["body"] for s in segments)
    error = jiwer.wer(normalise(references[name]), normalise(hypothesis))
    assert error <= wer_bound(name), f"{name}: WER {error:.3f} > {wer_bound(name):.3f}: {hypothesis}"


@pytest.mark.model
def test_segments_are_short_and_start_on_their_first_word() -> None:
    decoded = audio.load_audio(AUDIO / "sonnet002.mp3")
    segments = transcribe(decoded.samples, Settings())
    assert len(segments) >= 3
    for segment in segments:
        assert segment["endTime"] - segment["startTime"] <= MAX_SEGMENT_S + 0.01
        assert abs(segment["startTime"] - segment["words"][0]["startTime"]) < 1.0
        assert segment["body"]
    starts = [s["startTime"] for s in segments]
    assert starts == sorted(starts)


@pytest.mark.model
def test_silence_gives_no_words() -> None:
    silence = np.zeros(40 * audio.SAMPLE_RATE, dtype=np.float32)
    result = transcribe_audio(silence, Settings())
    assert result.segments == [] and result.coverage.audio_s == pytest.approx(40.0)
    assert "no speech" in result.coverage.review_reasons(False)[0]     # 40 s of nothing: look


@pytest.mark.model
def test_music_without_speech_gives_no_invented_sentences() -> None:
    """Forty seconds of chords (a synthesised instrumental bed): VAD keeps it from the model."""
    t = np.arange(40 * audio.SAMPLE_RATE) / audio.SAMPLE_RATE
    notes = [220.0, 277.18, 329.63, 440.0]
    music = sum(np.sin(2 * np.pi * f * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t + i))
                for i, f in enumerate(notes))
    music = (0.2 * music / np.abs(music).max()).astype(np.float32)
    words = sum(len(s["body"].split()) for s in transcribe(music, Settings()))
    assert words <= 2


@pytest.mark.model
def test_speech_after_silence_keeps_its_timing() -> None:
    speech = audio.load_audio(AUDIO / "jfk.wav").samples
    padded = np.concatenate([np.zeros(20 * audio.SAMPLE_RATE, dtype=speech.dtype), speech])
    segments = transcribe(padded, Settings())
    assert segments and 19.0 <= segments[0]["startTime"] <= 22.0
    assert "country" in segments[-1]["body"].lower()


def _words(text: str, start: float = 0.0, step: float = 0.4) -> list[dict]:
    out = []
    for i, token in enumerate(text.split()):
        out.append({"startTime": start + i * step, "endTime": start + i * step + 0.3,
                    "body": f" {token}"})
    return out


def test_cut_on_words_keeps_sentences_and_bounds_length() -> None:
    words = _words("This is one short sentence that runs on for a while. " * 6)
    segments = cut_on_words(words)
    assert all(s["endTime"] - s["startTime"] <= MAX_SEGMENT_S for s in segments)
    assert all(s["body"].endswith(".") for s in segments)
    assert " ".join(s["body"] for s in segments).split() == [w["body"].strip() for w in words]


def test_cut_on_words_splits_at_long_pauses_and_joins_word_pieces() -> None:
    words = _words("Hello there") + _words("again", start=5.0)
    words[1]["body"] = "-there"          # a continuation token has no leading space
    segments = cut_on_words(words)
    assert [s["body"] for s in segments] == ["Hello-there", "again"]
