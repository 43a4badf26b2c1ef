"""Packing speech spans into shared windows and mapping every word back to its true time
(no model: pure functions on intervals and samples)."""

from __future__ import annotations

import numpy as np
import pytest

from companion.pipeline.packing import Piece, Window, pack, window_audio

RATE = 16000


def test_neighbouring_spans_share_a_window_with_the_gap_cut_short() -> None:
    spans = [(10.0, 14.0), (30.0, 35.0), (50.0, 52.0)]
    windows = pack(spans, window_s=29.0, gap_s=0.5)
    assert len(windows) == 1
    assert windows[0].pieces == (Piece(10.0, 14.0, 0.0), Piece(30.0, 35.0, 4.5), Piece(50.0, 52.0, 10.0))
    assert windows[0].seconds == pytest.approx(12.0)


def test_touching_spans_stay_one_stretch_of_true_audio() -> None:
    windows = pack([(1.0, 5.0), (5.0, 9.0), (9.3, 12.0)], window_s=29.0, gap_s=0.5)
    assert windows[0].pieces == (Piece(1.0, 12.0, 0.0),)


def test_a_span_never_straddles_a_window_edge() -> None:
    spans = [(0.0, 20.0), (25.0, 35.0), (40.0, 45.0), (100.0, 128.0)]
    windows = pack(spans, window_s=29.0, gap_s=0.5)
    assert all(w.seconds <= 29.0 for w in windows)
    placed = [(p.start, p.end) for w in windows for p in w.pieces]
    assert placed == spans                      # every span whole, in order, exactly once
    with pytest.raises(ValueError):
        pack([(5.0, 9.0), (4.0, 6.0)], window_s=29.0, gap_s=0.5)


def test_every_word_maps_back_to_its_true_time() -> None:
    window = pack([(10.0, 14.0), (30.0, 35.0)], window_s=29.0, gap_s=0.5)[0]
    assert window.word_to_true(1.0, 1.5) == pytest.approx((11.0, 11.5))
    assert window.word_to_true(5.0, 5.4) == pytest.approx((30.5, 30.9))


def test_after_gives_the_true_audio_left_once_decoding_stopped() -> None:
    window = Window((Piece(10.0, 14.0, 0.0), Piece(30.0, 35.0, 4.5)))
    assert window.after(12.5) == [(12.5, 14.0), (30.0, 35.0)]
    assert window.after(20.0) == [(30.0, 35.0)]
    assert window.after(35.0) == []


def test_a_word_across_a_cut_maps_through_one_piece_only() -> None:
    """faster-whisper #979/#980: a segment crossing a VAD chunk edge got the wrong chunk's
    offset. Each word goes through the piece holding its midpoint and is clamped into it; a word
    stamped inside the inserted silence goes to the nearer piece."""
    window = Window((Piece(10.0, 14.0, 0.0), Piece(30.0, 35.0, 4.5)))
    assert window.word_to_true(3.8, 4.3) == pytest.approx((13.8, 14.0))     # mostly before the cut
    assert window.word_to_true(4.2, 5.0) == pytest.approx((30.0, 30.5))     # mostly after it
    assert window.word_to_true(4.3, 4.4) == pytest.approx((30.0, 30.0))     # in the silence
    start, end = window.word_to_true(2.0, 9.0)                              # stretched over both
    assert 30.0 <= start <= end <= 35.0


def test_window_audio_holds_each_piece_at_its_place_and_silence_between() -> None:
    samples = np.arange(60 * RATE, dtype=np.int16)
    window = Window((Piece(10.0, 14.0, 0.0), Piece(30.0, 35.0, 4.5)))
    out = window_audio(window, samples, RATE)
    assert len(out) == int(9.5 * RATE)
    assert out[0] == samples[10 * RATE] and out[int(4.5 * RATE)] == samples[30 * RATE]
    assert not out[4 * RATE:int(4.5 * RATE)].any()


def test_a_head_of_context_is_heard_before_the_window_and_moves_the_rest() -> None:
    window = Window((Piece(10.0, 14.0, 0.0), Piece(30.0, 35.0, 4.5)))
    heard = window.with_head(2.0)
    assert heard.pieces == (Piece(8.0, 14.0, 0.0), Piece(30.0, 35.0, 6.5))
    assert heard.word_to_true(7.0, 7.4) == pytest.approx((30.5, 30.9))    # same true time as before
    assert window.with_head(0.0) is window
    assert Window((Piece(0.5, 3.0, 0.0),)).with_head(2.0).pieces == (Piece(0.0, 3.0, 0.0),)  # not before 0
