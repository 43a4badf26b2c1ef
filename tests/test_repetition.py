"""Repetition loops inside one decoded stretch (Const-me/Whisper#26, WhisperLiveKit PR #339): cut
by their timing, while real repetition, said at the pace of speech, is kept."""

from __future__ import annotations

from companion.pipeline.repetition import cut_loops

# What tiny.en wrote for 10.8 to 25.1 s of the Apollo 11 radio (tests/data/audio/apollo11.mp3), its
# first 40 words of 104 "okay"s: the word timings collapse onto a few instants.
APOLLO_LOOP = [(10.82, 11.38), (12.76, 13.28), (13.28, 13.88), (13.88, 14.84), (14.84, 14.84),
               (14.84, 14.84), (14.84, 14.94), (14.94, 14.98), (14.98, 14.98), (14.98, 15.06),
               (15.18, 15.20), (15.20, 15.42), (15.42, 15.42), (15.42, 15.42), (15.42, 15.42),
               (15.42, 15.46), (15.46, 15.46), (15.46, 15.46), (15.46, 15.50), (15.50, 15.52),
               (15.52, 15.52), (15.52, 15.52), (15.52, 15.54), (15.54, 15.54), (15.84, 15.84),
               (15.86, 15.86), (15.86, 15.86), (16.20, 16.20), (16.26, 16.38), (16.38, 16.74),
               (16.74, 16.82), (16.82, 17.24), (17.24, 17.24), (17.24, 17.24), (17.24, 17.24),
               (17.24, 17.32), (17.32, 17.32), (17.32, 17.32), (17.32, 17.58), (17.58, 17.58)]


def said(text: str, start: float, seconds_per_word: float) -> list[dict]:
    return [{"startTime": round(start + i * seconds_per_word, 3),
             "endTime": round(start + (i + 0.8) * seconds_per_word, 3), "body": word}
            for i, word in enumerate(text.split())]


def test_a_loop_of_one_word_keeps_its_first_saying() -> None:
    before = said("We got a recommendation for you.", 1.0, 0.4)
    loop = [{"startTime": a, "endTime": b, "body": "okay," if i else "Okay,"}
            for i, (a, b) in enumerate(APOLLO_LOOP)]
    after = said("All right, that's a fair amount.", 33.9, 0.35)
    kept = cut_loops(before + loop + after)
    assert kept == before + loop[:1] + after


def test_a_phrase_looped_faster_than_speech_is_cut() -> None:
    """A loop of a phrase, each saying written in 0.3 s: more words a second than anyone says."""
    loop = said("thanks for watching " * 12, 40.0, 0.1)
    kept = cut_loops(said("That's all for today.", 36.0, 0.4) + loop)
    assert [w["body"] for w in kept][-4:] == ["today.", "thanks", "for", "watching"]


def test_real_repetition_at_the_pace_of_speech_is_kept() -> None:
    """The repeated-lines case: a refrain four times, and "no, no, no, no" said, are speech."""
    for text, pace in (("Keep coming back. " * 4, 0.45), ("No, no, no, no, I said.", 0.3),
                       ("breathe in, breathe out, " * 5, 0.5)):
        words = said(text, 6.0, pace)
        assert cut_loops(words) == words


# What tiny.en int8 wrote on an AMD EPYC for one saying of "Breathe in slowly, and breathe out."
# (the repeated-lines case's breathing.mp3, said 17.28 to 19.85 s): the line twice in one segment,
# the six words where the sayings meet placed at one instant.
BREATHING_TWICE = [(17.144, 17.74, "Breathe"), (17.74, 17.98, "in"), (17.98, 18.28, "slowly"),
                   (18.28, 18.28, "and"), (18.28, 18.28, "breathe"), (18.28, 18.28, "out."),
                   (18.28, 18.28, "Breathe"), (18.28, 18.28, "in"), (18.28, 18.28, "slowly"),
                   (18.28, 18.76, "and"), (18.76, 19.08, "breathe"), (19.08, 20.0, "out.")]


def test_a_long_line_written_twice_over_one_saying_keeps_the_words_heard() -> None:
    """Twice is enough for a phrase of LONG_PHRASE words or more when the timing says placed, not
    heard; the words kept are the ones the model timed, which span the saying."""
    words = [{"startTime": a, "endTime": b, "body": w} for a, b, w in BREATHING_TWICE]
    kept = cut_loops(words)
    assert [w["body"] for w in kept] == ["Breathe", "in", "slowly", "and", "breathe", "out."]
    assert (kept[0]["startTime"], kept[-1]["endTime"]) == (17.144, 20.0)


def test_a_long_line_really_said_twice_is_kept() -> None:
    """The same line said twice at the pace of speech (a breathing exercise's two breaths) is speech."""
    words = said("Breathe in slowly and breathe out. " * 2, 6.0, 0.45)
    assert cut_loops(words) == words
