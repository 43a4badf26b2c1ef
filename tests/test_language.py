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


@pytest.mark.parametrize("pause_s", [2.0, 4.0])
def test_a_line_said_four_times_is_english_not_a_loop(pause_s: float) -> None:
    """A refrain (an affirmation said four times, a tagline after a music break) shares one decode
    window: "He might even have been made amiable himself." four times compressed at 2.45 and the
    episode was judged "may not be English" (unsure share 0.78). Each saying lasts about as long
    as the others, so it is a line said again, not a loop."""
    import programme   # noqa: PLC0415 - tests/programme.py, the completeness programme's clips
    gap = programme.silence(pause_s)
    samples, _placed = programme.stitch(["amiable", gap] * 4)
    result = transcribe_audio(samples, Settings())
    assert " ".join(s["body"] for s in result.segments).count("amiable") == 4, result.segments
    assert result.speech is not None and not result.speech.unsure, result.speech
    assert result.coverage.unsure == [] and result.coverage.review_reasons(True) == []


def test_the_same_speech_twice_far_apart_is_english() -> None:
    """JFK, a minute and a half of silence, JFK again (packed into one window): 2.51, unsure."""
    speech = audio.load_audio(AUDIO / "jfk.wav").samples
    samples = np.concatenate([speech, np.zeros(90 * audio.SAMPLE_RATE, dtype=np.int16), speech])
    result = transcribe_audio(samples, Settings())
    assert len(result.segments) == 2 and not result.speech.unsure, result.speech
    assert result.coverage.review_reasons(True) == [], result.coverage


def test_a_sentence_written_over_different_speech_is_still_a_loop() -> None:
    """tiny.en on espeak-ng French wrote one sentence over stretches of 1.8, 4.2, 2.1, 0.1 and
    2.6 s: no refrain, the model's own ratio stands. Four sayings of one length are a refrain."""
    french = "I'm not sure if I'm going to do it."
    assert language.refrain_ratio([(french, s) for s in (1.8, 4.2, 2.06, 0.12, 2.56)]) is None
    assert language.refrain_ratio([("Ask not.", 2.0), ("What you can do.", 3.0)]) is None
    line = "He might even have been made amiable himself."
    said = language.refrain_ratio([(line, 3.78), (line.upper(), 3.9), (line, 3.72), (line + "!", 3.3)])
    assert said is not None and said < language.COMPRESSION_RATIO_MAX
