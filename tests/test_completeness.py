"""Never lose a word: podcast-shaped audio made from the real clips through the real model.

Music beds, a refrain said four times, unbroken speech, out-of-phase stereo: every passage must be
there (90 % of its normalised words), start within 1 s of its true onset, and nothing may be
invented in the music. Coverage and `needs-review` are checked on their own, without the model.
"""

from __future__ import annotations

import collections
import json
import math
from pathlib import Path

import numpy as np
import pytest

import programme
from companion.pipeline import audio, corrections, store
from companion import cli
from companion.pipeline.sync import Outcome, set_review
from companion.pipeline.packing import Piece, Window
from companion.pipeline.split_threads import SplitThreadsModel
from companion.pipeline.transcribe import (VAD_SPEECH_PAD_MS, Coverage, Settings, _decode_windows,
                                           decode_spans, drop_loops, left_over, load_model,
                                           snap_onsets, snap_silent_words, speech_regions,
                                           transcribe_audio, uncovered)

VOCABULARY = ("Torrens", "Bailey Code")   # hotwords, as sync passes the show's vocabulary
NEAR_S = 1.0


def flat(segments: list[dict]) -> list[tuple[float, str]]:
    """(start, normalised word) for every word of the transcript, in order."""
    return [(w["startTime"], token) for s in segments for w in s["words"]
            for token in programme.words(w["body"])]


def recall(reference: str, got: list[str]) -> float:
    bag = collections.Counter(got)
    found = 0
    for word in programme.words(reference):
        if bag[word] > 0:
            bag[word] -= 1
            found += 1
    return found / len(programme.words(reference))


def check_passages(segments: list[dict], placed: list[programme.Placed]) -> list[str]:
    """Problems: a passage with under 90 % of its words, or whose first word is not within 1 s."""
    timed = flat(segments)
    problems = []
    for name, reference, onset, end in placed:
        around = [(t, w) for t, w in timed if onset - NEAR_S <= t <= end]
        share = recall(reference, [w for _t, w in around])
        if share < 0.9:
            problems.append(f"{name} at {onset}: {share:.0%} of its words")
        elif around[0][0] > onset + NEAR_S:
            problems.append(f"{name} said at {onset} starts at {around[0][0]}")
    starts = [s["startTime"] for s in segments]
    assert starts == sorted(starts), "segments out of time order"
    return problems


@pytest.fixture
def encoder_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """[passes of the model's encoder] while the test runs (each costs the same, 30 s or 2 s)."""
    passes = [0]
    encode = SplitThreadsModel.encode    # the pipeline's model (`load_model`)

    def counted(self, features):  # noqa: ANN001, ANN202
        passes[0] += 1
        return encode(self, features)
    monkeypatch.setattr(SplitThreadsModel, "encode", counted)
    return passes


@pytest.mark.model
def test_music_bed_intro_break_and_outro(tmp_path: Path, encoder_passes: list[int]) -> None:
    """faster-whisper#1179 and the music-bed case: the sentence after a music break was lost, and
    the VAD starts late after music ("And so" dropped). The 24 s of speech in 41 s of audio fill
    one window: never more encoder passes than sequential decoding's 30 s windows need."""
    samples, placed = programme.stitch([programme.music(10, 1), "jfk", programme.music(8, 2),
                                        "dashwood", programme.music(5, 3)])
    decoded = audio.load_audio(programme.to_mp3(samples, tmp_path / "episode.mp3"))
    result = transcribe_audio(decoded.samples, Settings(vocabulary=VOCABULARY))
    assert check_passages(result.segments, placed) == []
    assert encoder_passes[0] <= math.ceil(decoded.seconds / 30), f"{encoder_passes[0]} encoder passes"
    speech = [(onset - NEAR_S, end + 0.5) for _n, _r, onset, end in placed]
    for segment in result.segments:
        for word in segment["words"]:
            assert any(a <= word["startTime"] <= b for a, b in speech), f"a word in the music: {word}"
    assert result.coverage.percent >= 95 and not result.coverage.review_reasons(True)
    # the model's own signals stay on the result, in true time (packed windows mapped back)
    decoded = result.decoded
    assert decoded and [d.start for d in decoded] == sorted(d.start for d in decoded)
    assert all(any(a <= d.start <= b for a, b in speech) for d in decoded)
    assert all(d.avg_logprob <= 0 and 0 <= d.no_speech_prob <= 1 and d.compression_ratio > 0 for d in decoded)


@pytest.mark.model
def test_a_refrain_said_four_times_keeps_all_four_at_their_times() -> None:
    """"Keep coming back." said four times kept only two: the loop guard deleted real speech."""
    gap = programme.silence(2.0)
    samples, placed = programme.stitch(["dashwood", gap, "amiable", gap, "amiable", gap,
                                        "amiable", gap, "amiable", gap])
    segments = transcribe_audio(samples, Settings(vocabulary=VOCABULARY)).segments
    timed = flat(segments)
    found = [t for i, (t, w) in enumerate(timed)
             if w == "amiable" and i + 1 < len(timed) and timed[i + 1][1] == "himself"]
    onsets = [onset for name, _r, onset, _e in placed if name == "amiable"]
    assert len(found) == 4, f"refrain found at {found}, said at {onsets}"
    assert check_passages(segments, placed) == []


@pytest.mark.model
def test_thirty_seconds_of_unbroken_speech_is_all_there() -> None:
    """The last 11 s of 29 s of unbroken speech vanished with batched decoding."""
    samples, placed = programme.stitch(["jfk", "dashwood", "unless", "married"])
    result = transcribe_audio(samples, Settings(vocabulary=VOCABULARY))
    assert check_passages(result.segments, placed) == []
    assert result.coverage.percent >= 95


@pytest.mark.model
def test_a_window_that_starts_mid_speech_hears_what_came_before() -> None:
    """A span cut against its neighbour starts a window mid-speech: on the completeness programme
    a window began 0.16 s before "Unless", and tiny.en, hearing nothing before it, gave "... is
    to be ill disposed" as "... old-sposed": the passage was lost. The window hears HEAD_S of the
    audio before it, and the words it hears there (the last window's) are not given twice."""
    samples, placed = programme.completeness_programme()
    (_n, dashwood, _o, _e), (_n2, unless, onset, _end) = [p for p in placed if p[2] > 70][:2]
    cut = 77.94                           # where the edge fell (the last span's end), as decoded
    spans = [(70.0, cut), (cut, 105.24)]  # the second: that window's audio, 27.3 s
    floats = audio.to_float(samples)
    words = _decode_windows(load_model(None), floats, spans, speech_regions(floats), Settings(), [])
    timed = [(w["startTime"], t) for w in words for t in programme.words(w["body"])]
    assert recall(unless, [w for t, w in timed if cut - 0.5 <= t <= onset + 6]) >= 0.9, timed
    assert recall(dashwood, [w for t, w in timed if t < cut]) >= 0.9, timed
    assert [w for _t, w in timed].count("them") == 1, timed   # dashwood's last word, heard twice


@pytest.mark.model
def test_a_word_timed_in_a_pause_moves_to_the_line_it_begins() -> None:
    """With the pause after the first Dashwood line 0.6 s (a variant of the completeness
    programme, `programme.VARIANTS`), the window holding the refrain timed the third line's "He"
    at 48.21 s, in the digital silence of the 2 s pause, 1.07 s before the line said at 49.28 s:
    the passage counted as lost and search would land in the pause. A word timed wholly on
    silence moves into the region its next word is said in."""
    samples, placed = programme.completeness_programme(pause_s=0.6)
    floats = audio.to_float(samples)
    regions = speech_regions(floats)
    span = (38.53, 67.38)                 # that window's audio, as decoded (a carry: no head)
    words = _decode_windows(load_model(None), floats, [span], regions, Settings(), [])
    onsets = [onset for name, _r, onset, _e in placed if name == "amiable"]
    timed = [w["startTime"] for w in words if w["body"].strip() == "He"]
    assert len(timed) == 4, words
    assert any(min(abs(t - o) for o in onsets) > NEAR_S for t in timed), f"no word in a pause: {timed}"
    snap_silent_words(words, regions, floats)
    snap_onsets(words, regions)
    timed = [w["startTime"] for w in words if w["body"].strip() == "He"]
    assert all(min(abs(t - o) for o in onsets) <= 0.5 for t in timed), (timed, onsets)
    assert [w["startTime"] for w in words] == sorted(w["startTime"] for w in words)


@pytest.mark.model
def test_out_of_phase_stereo_is_transcribed(tmp_path: Path) -> None:
    """A stereo file whose channels cancel decoded to silence and an empty 'transcribed' episode."""
    path = tmp_path / "phase.mp3"
    audio_in = programme.AUDIO / "jfk.wav"
    import subprocess
    subprocess.run([audio.ffmpeg(), "-nostdin", "-v", "error", "-i", str(audio_in), "-af",
                    "pan=stereo|c0=c0|c1=-1*c0", "-c:a", "libmp3lame", "-b:a", "128k", str(path)],
                   check=True)
    decoded = audio.load_audio(path)
    assert decoded.channels == "side"
    segments = transcribe_audio(decoded.samples, Settings()).segments
    jfk = programme.references()["jfk"]
    assert recall(jfk, [w for _t, w in flat(segments)]) >= 0.9


# ---- without the model: spans, gaps, loops, coverage, needs-review ---------------------------------

def test_decode_spans_keep_audio_before_each_region_and_fit_a_window() -> None:
    regions = [(21.5, 22.3), (25.5, 30.7), (41.5, 48.0), (60.0, 85.0)]
    spans = decode_spans(regions, 90.0)
    assert spans[0][0] == pytest.approx(19.0) and spans[1][0] == pytest.approx(23.0)
    assert all(b - a <= 30.0 for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
    assert all(any(a <= r0 and r1 <= b for a, b in spans) for r0, r1 in regions)


@pytest.mark.subprocess
def test_a_blip_at_a_music_onset_is_not_a_speech_region() -> None:
    """Silero flagged one 32 ms frame where a music bed starts right after speech; with
    faster-whisper's min_speech_duration_ms of 0 that became a 0.43 s region no word could cover
    (the 1 h episode's 99.8 % coverage). A region holds at least 100 ms of speech."""
    samples, _placed = programme.completeness_programme()
    regions = speech_regions(audio.to_float(samples))
    shortest = 2 * VAD_SPEECH_PAD_MS / 1000 + 0.1    # 100 ms of speech inside its padding
    assert regions and all(b - a >= shortest for a, b in regions), regions


def test_what_a_pass_leaves_after_its_last_word_is_carried_to_the_next_window() -> None:
    """Whisper often ends a pass short of the window's end; the rest joins the next window."""
    window = Window((Piece(10.0, 24.0, 0.0), Piece(30.0, 40.0, 14.5)))
    regions = [(10.5, 23.5), (30.2, 39.8)]
    said = [{"startTime": t, "endTime": t + 0.3, "body": "x."} for t in np.arange(10.5, 33.0, 0.5)]
    assert left_over(window, said, regions) == (said, [(pytest.approx(32.8), 40.0)])
    everything = said + [{"startTime": 39.5, "endTime": 39.7, "body": "x"}]
    assert left_over(window, everything, regions) == (everything, [])   # under CARRY_MIN_S left
    assert left_over(window, [], regions) == ([], [])           # nothing decoded: left to the refill
    stalled = [{"startTime": 10.0, "endTime": 10.2, "body": "x"}]
    assert left_over(window, stalled, regions) == (stalled, [])  # no progress: left to the refill


def test_a_carry_never_starts_inside_a_sentence_the_pass_stopped_in() -> None:
    """A pass that stopped at "... rather selfish, is to" (music break 5 s variant) carried "be
    ill disposed." into a window that began on "be": the carry starts at the last clause end,
    and the words after it are decoded again, with the rest of their sentence."""
    window = Window((Piece(54.76, 80.31, 0.0),))
    regions = [(55.0, 80.1)]
    said = [{"startTime": 60.0, "endTime": 60.5, "body": " country."}]
    said += [{"startTime": 77.0 + i * 0.3, "endTime": 77.2 + i * 0.3, "body": f" {w}"}
             for i, w in enumerate(["rather", "selfish,", "is", "to"])]
    kept, rest = left_over(window, said, regions)
    assert [w["body"] for w in kept][-1] == " selfish," and rest == [(pytest.approx(77.5), 80.31)]
    far = said[:1] + [{"startTime": 68.0, "endTime": 68.2, "body": " and"},
                      {"startTime": 75.0, "endTime": 75.5, "body": " to"}]
    kept, rest = left_over(window, far, regions)     # no clause end within REWIND_MAX_S: as before
    assert kept == far and rest == [(75.5, 80.31)]


def test_a_silent_word_joins_the_line_it_belongs_to() -> None:
    """A word timed on silence goes to its neighbour's region: one that ends a clause to the line
    before ("... and breathe | out.", real-world case repeated-lines, where it had moved 5 s on to
    the next line), one after a clause end to the line after ("himself. | He might ...")."""
    rate = 16000
    t = np.arange(10 * rate) / rate
    samples = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    samples[3 * rate:6 * rate] = 0.0                    # a pause from 3 s to 6 s
    regions = [(0.0, 3.0), (6.0, 10.0)]

    def said(*timed: tuple[str, float, float]) -> list[dict]:
        return [{"body": f" {b}", "startTime": a, "endTime": e} for b, a, e in timed]
    words = said(("breathe", 2.5, 2.9), ("out.", 4.0, 4.2), ("Good,", 6.2, 6.5))
    snap_silent_words(words, regions, samples)
    assert (words[1]["startTime"], words[1]["endTime"]) == (pytest.approx(2.8), pytest.approx(3.0))
    words = said(("himself.", 2.5, 2.9), ("He", 4.0, 4.2), ("might", 5.0, 6.5))
    snap_silent_words(words, regions, samples)
    assert words[1]["startTime"] == pytest.approx(6.0) and words[1]["endTime"] <= 6.5
    music = samples.copy()
    music[3 * rate:6 * rate] = 0.2                      # sound the VAD did not call speech: kept
    words = said(("himself.", 2.5, 2.9), ("And", 4.0, 4.2), ("so", 6.1, 6.5))
    snap_silent_words(words, regions, music)
    assert words[1]["startTime"] == 4.0


def test_uncovered_finds_speech_without_words() -> None:
    words = [{"startTime": t, "endTime": t + 0.3, "body": "x"} for t in np.arange(0.0, 18.0, 0.4)]
    assert uncovered([(0.0, 29.0)], words, 1.0) == [(pytest.approx(18.0, abs=0.5), 29.0)]
    assert uncovered([(0.0, 10.0)], words, 1.0) == []


def test_loop_guard_cuts_only_repeats_over_the_same_audio() -> None:
    line = {"startTime": 6.0, "endTime": 7.3, "body": "Keep coming back."}
    said_four_times = [dict(line, startTime=6.0 + 3.7 * i, endTime=7.3 + 3.7 * i) for i in range(4)]
    assert drop_loops(said_four_times) == said_four_times
    looped = [dict(line, startTime=6.0 + 0.2 * i, endTime=7.3 + 0.2 * i) for i in range(4)]
    assert len(drop_loops(looped)) == 1


def test_review_reasons_and_accepted_stretches() -> None:
    complete = Coverage(speech_s=100.0, covered_s=98.0, empty=[(10.0, 11.5)])
    assert complete.review_reasons(True) == []
    low = Coverage(speech_s=100.0, covered_s=90.0, empty=[(40.0, 44.0)])
    assert "90%" in low.review_reasons(True)[0] and "0:40-0:44" in low.review_reasons(True)[-1]
    long_gap = Coverage(speech_s=600.0, covered_s=594.0, empty=[(125.0, 131.0)])
    assert long_gap.review_reasons(True) and not long_gap.review_reasons(True, [(120.0, 135.0)])
    empty = Coverage(speech_s=30.0, covered_s=0.0, empty=[(0.0, 30.0)])
    assert "no words" in empty.review_reasons(False)[0]


def test_clipped_audio_and_a_file_cut_short_need_review_until_accepted() -> None:
    coverage = Coverage(speech_s=50.0, covered_s=50.0, audio_s=60.0, declared_s=90.0,
                        clipped=[(10.0, 20.0)])
    reasons = " ".join(Coverage.from_json(coverage.to_json()).review_reasons(True))
    assert "clipped (distorted) at 0:10-0:20" in reasons and "ends at 1:00" in reasons
    assert "declares 1:30" in reasons
    assert coverage.review_reasons(True, [(9.5, 20.5), (60.0, 90.0)]) == []
    assert Coverage.from_json({"speech_s": 1.0, "covered_s": 1.0}).review_reasons(True) == []


def test_a_stretch_the_model_guessed_needs_review_until_checked(tmp_path: Path) -> None:
    record = store.new_episode("g", "s")
    record["coverage"] = Coverage(speech_s=90.0, covered_s=90.0, unsure=[(29.5, 42.7)]).to_json()
    outcome = Outcome(slug="s", title="t", new=True, state="transcribed")
    set_review(record, corrections.load(tmp_path / store.CORRECTIONS_FILE), True, outcome)
    assert record["status"] == store.STATUS_NEEDS_REVIEW and "0:29-0:42" in " ".join(record["review"])
    (tmp_path / store.CORRECTIONS_FILE).write_text("language_checked: true\n")
    set_review(record, corrections.load(tmp_path / store.CORRECTIONS_FILE), True, outcome)
    assert record["status"] == store.STATUS_TRANSCRIBED and record["review"] == []


def test_an_episode_with_no_speech_at_all_needs_review() -> None:
    """A long upload that is all silence, music or noise (a broken export, the wrong file) is
    not a finished transcript with no words; a short sting is, and the maintainer can accept a
    music-only episode in corrections.yml."""
    silent = Coverage(audio_s=3600.0)
    assert "no speech" in silent.review_reasons(False)[0] and "1:00:00" in silent.review_reasons(False)[0]
    assert silent.review_reasons(False, [(0.0, 3600.0)]) == []
    assert Coverage(audio_s=8.0).review_reasons(False) == []
    assert Coverage.from_json(silent.to_json()).review_reasons(False)
    assert Coverage.from_json({"speech_s": 0.0, "covered_s": 0.0}).review_reasons(False) == []


def test_needs_review_until_the_maintainer_accepts_the_stretch(tmp_path: Path) -> None:
    record = store.new_episode("g", "s")
    record["status"] = store.STATUS_TRANSCRIBED
    record["coverage"] = Coverage(speech_s=300.0, covered_s=292.0, empty=[(200.0, 208.0)]).to_json()
    outcome = Outcome(slug="s", title="t", new=True, state="transcribed")
    set_review(record, corrections.load(tmp_path / store.CORRECTIONS_FILE), True, outcome)
    assert record["status"] == store.STATUS_NEEDS_REVIEW and outcome.state == "needs-review"
    assert "3:20-3:28" in " ".join(record["review"])
    (tmp_path / store.CORRECTIONS_FILE).write_text(
        'accept:\n  - from: "3:19"\n    to: "3:30"\n    reason: theme song\n')
    set_review(record, corrections.load(tmp_path / store.CORRECTIONS_FILE), True,
               Outcome(slug="s", title="t", new=False, state="unchanged"))
    assert record["status"] == store.STATUS_TRANSCRIBED and record["review"] == []
    json.dumps(record)                    # episode.json stays plain JSON


def test_transcribe_command_missing_file_is_one_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["transcribe", str(tmp_path / "nope.mp3")]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "no such audio file" in err and "\n" not in err


def test_needs_review_shows_on_the_page_and_in_the_sync_summary() -> None:
    from rich.console import Console

    from companion.episode import Episode, Transcript
    from companion.site.episode_html import episode_page_html
    from companion.report import summary
    from companion.pipeline.sync import Report

    episode = store.new_episode("g", "2026-11-02-ep")
    episode.update(title="Ep", status=store.STATUS_NEEDS_REVIEW,
                   coverage=Coverage(speech_s=300, covered_s=280, empty=[(200.0, 212.0)]).to_json())
    transcript = Transcript.from_json({"segments": [{"startTime": 1.0, "endTime": 2.0, "body": "Hello there."}]})
    page, _toc = episode_page_html(Episode.from_json(episode), transcript, None, [], "../")
    assert "Hello there." in page and "may be missing" in page and "3:20" in page
    episode.update(coverage=Coverage(speech_s=300, covered_s=300, unsure=[(29.5, 42.7)]).to_json())
    page, _toc = episode_page_html(Episode.from_json(episode), transcript, None, [], "../")
    assert "may be wrong" in page and "0:29–0:42" in page
    outcome = Outcome(slug="s", title="Ep", new=True, state="needs-review",
                      review=["only 93% of the speech holds words", "no words at 3:20-3:32"])
    console = Console(record=True, width=200)
    console.print(summary(Report(outcomes=[outcome])))
    text = console.export_text()
    assert "needs review" in text and "3:20-3:32" in text


def test_vocabulary_is_spelt_as_the_show_spells_it() -> None:
    from companion.pipeline.transcribe import spell_vocabulary

    words = [{"body": w} for w in (" at", " bailey", " code,", " with", " torrens.")]
    spell_vocabulary(words, VOCABULARY)
    assert "".join(w["body"] for w in words) == " at Bailey Code, with Torrens."


@pytest.mark.model
def test_transcribe_command_inside_a_project_uses_its_vocabulary(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`companion transcribe` reproduces what sync makes: the show's spelling of its names."""
    (project / "mkdocs.yml").write_text(
        "site_name: Test\nextra:\n  podcast:\n    vocabulary: [Fellow AMERICANS]\n")
    assert cli.main(["transcribe", str(programme.AUDIO / "jfk.wav")]) == 0
    assert "Fellow AMERICANS" in capsys.readouterr().out


@pytest.mark.subprocess
def test_speech_right_after_a_music_bed_is_found_by_the_vad() -> None:
    """Silero's state, carried through 25 s of tones over pink noise, kept it deaf to the 5 s of
    speech after them ("And so, my fellow Americans, ask not"): 5 s of speech found of 9, coverage
    100 %, the words lost unsaid (auto-subs#563, faster-whisper#1179). Each silent stretch is
    heard again with a fresh state; the music stays music."""
    rate = audio.SAMPLE_RATE
    t = np.arange(25 * rate) / rate
    bed = (0.2 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))
           + 0.15 * np.sin(2 * np.pi * 277 * t) + 0.12 * np.sin(2 * np.pi * 330 * t + np.sin(2 * np.pi * 5 * t)))
    pink = np.cumsum(np.random.default_rng(7).normal(0, 1, t.size))
    bed += 0.03 * (pink - np.convolve(pink, np.ones(400) / 400, "same")) / 20
    jfk = audio.to_float(audio.load_audio(Path(__file__).parent / "data" / "audio" / "jfk.wav").samples)
    regions = speech_regions(np.concatenate([bed.astype(np.float32) / 2, jfk]))
    assert regions and abs(regions[0][0] - 25.1) < 0.5            # the speech, from its start
    assert sum(b - a for a, b in regions if a >= 25) > 7.5         # nearly all of it (9 s alone)
    assert not [r for r in regions if r[1] <= 25.0]               # and none in the music
