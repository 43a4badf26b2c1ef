"""The English-only model on speech it cannot understand: needs-review, never plain `transcribed`.

Clips: real English (JFK) and German and French made with espeak-ng (tests/data/audio/SOURCES.md);
bench/language.py prints the calibration over more languages."""

from __future__ import annotations

from pathlib import Path

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


def test_a_confident_loop_or_guessed_words_are_unsure() -> None:
    """Figures as tiny.en wrote them for German under CTranslate2's AVX2 path: a repetition loop
    decoded confidently (log-probability -0.34, words 0.9), and segments of guessed words."""
    loop = language.summarise([(6.9, -0.34, 1.6, 0.2, 0.45), (9.2, -0.34, 4.98, 0.2, 0.89)])
    assert loop.unsure and loop.low_share == pytest.approx(1.0)
    guessed = language.summarise([(10.0, -0.5, 1.8, 0.2, 0.3), (4.0, -0.3, 1.4, 0.1, 0.9)])
    assert guessed.unsure and guessed.low_share == pytest.approx(10 / 14)
    english = language.summarise([(8.0, -0.29, 1.34, 0.06, 0.92), (2.5, -0.29, 1.34, 0.06, 0.89)])
    assert not english.unsure and english.low_share == 0.0
