"""The English-only model on speech it cannot understand: needs-review, never plain `transcribed`.

Clips: real English (JFK) and German and French made with espeak-ng (tests/data/audio/SOURCES.md);
bench/language.py prints the calibration over more languages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from companion import cli
from companion.pipeline import audio, language, store
from companion.pipeline.transcribe import Settings, transcribe_audio
from episode_records import episode_records
from podcast_server import rss

pytestmark = pytest.mark.model
AUDIO = Path(__file__).parent / "data" / "audio"


@pytest.mark.parametrize("name,unsure", [("jfk.wav", False), ("espeak-fr.mp3", True)])
def test_the_models_own_confidence_tells_english_from_other_speech(name: str, unsure: bool) -> None:
    result = transcribe_audio(audio.load_audio(AUDIO / name).samples, Settings())
    assert result.speech is not None and result.speech.unsure is unsure, result.speech
    assert bool(language.review_reasons(result.speech.to_json())) is unsure


def test_a_clip_in_another_language_inside_an_english_episode_is_found() -> None:
    """A French clip between English passages was written as invented English ("So, let's see
    what's going on") and, a small share of a long episode, left the episode `transcribed`."""
    english = [audio.load_audio(AUDIO / name).samples for name in
               ("jfk.wav", "sense_and_sensibility_01_austen_64kb-0870.wav",
                "sense_and_sensibility_01_austen_64kb-0920.wav")]
    french = audio.load_audio(AUDIO / "espeak-fr.mp3").samples
    start = sum(len(part) for part in english[:2]) / audio.SAMPLE_RATE
    end = start + len(french) / audio.SAMPLE_RATE
    coverage = transcribe_audio(np.concatenate(english[:2] + [french] + english[2:]), Settings()).coverage
    # From one run to the next tiny.en writes invented English there (an unsure stretch), next
    # to nothing, or some of each (speech without words: 3.1 s of the clip in one CI run): either
    # way the review names the clip, and only it. The window that held the clip may run on into
    # the next English line, and its guessed words with it: CI saw a stretch end at 32.0 s and
    # a run here at 32.28 s for a clip ending at 30.6 s, so the edges are allowed `overhang_s`.
    overhang_s = 2.5
    doubts = coverage.unsure + coverage.empty
    assert doubts, coverage
    assert all(start - overhang_s <= a and b <= end + overhang_s for a, b in doubts), coverage
    assert coverage.review_reasons(True) and coverage.review_reasons(True, [(start - overhang_s, end + overhang_s)]) == []


def test_a_german_episode_is_needs_review_saying_why(project, host) -> None:
    items = [{"title": "Folge 1", "guid": "de-1", "audio": host.add("espeak-de.mp3"),
              "date": "Mon, 07 Dec 2026 10:00:00 +0100"}]
    assert cli.main(["sync", "--feed", host.add("feed.xml", rss(items).encode())]) == 0
    record = episode_records(project / "episodes")[0]
    assert record["status"] == store.STATUS_NEEDS_REVIEW
    assert any("may not be English" in reason for reason in record["review"])
    assert record["speech"]["unsure"] is True


def test_judgement_sums_segments_by_duration() -> None:
    english = language.summarise([(10.0, -0.3, 1.4, 0.1, 0.9)])
    mixed = language.summarise([(2.0, -0.3, 1.4, 0.1, 0.9), (8.0, -1.5, 1.8, 0.3, 0.3)])
    assert not english.unsure and mixed.unsure and mixed.low_share == pytest.approx(0.8)
    assert language.summarise([(1.0, -2.0, 1.0, 0.1, 0.1)]).unsure is False   # too short to judge
    assert language.summarise([]) is None


def test_unsure_stretches_are_long_runs_of_guessed_segments() -> None:
    sure, guessed = (-0.3, 1.4, 0.9), (-1.5, 1.8, 0.3)
    rows = [(0.0, 20.0, *sure), (20.5, 24.0, *guessed), (25.0, 31.0, *guessed),
            (31.0, 60.0, *sure), (61.0, 64.0, *guessed), (64.0, 90.0, *sure)]
    assert language.unsure_stretches(rows) == [(20.5, 31.0)]          # 3 s alone is too short
    assert language.unsure_stretches([(0.0, 9.0, *sure)]) == []


def test_a_confident_loop_or_guessed_words_are_unsure() -> None:
    """Figures as tiny.en wrote them for German under CTranslate2's AVX2 path: a repetition loop
    decoded confidently (log-probability -0.34, words 0.9), and segments of guessed words."""
    loop = language.summarise([(6.9, -0.34, 1.6, 0.2, 0.45), (9.2, -0.34, 4.98, 0.2, 0.89)])
    assert loop.unsure and loop.low_share == pytest.approx(1.0)
    guessed = language.summarise([(10.0, -0.5, 1.8, 0.2, 0.3), (4.0, -0.3, 1.4, 0.1, 0.9)])
    assert guessed.unsure and guessed.low_share == pytest.approx(10 / 14)
    english = language.summarise([(8.0, -0.29, 1.34, 0.06, 0.92), (2.5, -0.29, 1.34, 0.06, 0.89)])
    assert not english.unsure and english.low_share == 0.0
