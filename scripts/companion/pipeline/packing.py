"""Pack speech spans into shared decode windows, and map window time back to true time.

Whisper's encoder costs the same for a 2 s line as for 30 s of speech, so decoding every VAD span
as its own window pays one encoder pass per line. Here neighbouring spans share one window: the
silence or music between them is cut to a short gap of digital silence, and every window keeps the
pieces it is made of, so each word the model times inside the window maps back to the true time
of the episode. A span never straddles a window edge.

A word is mapped through the piece that holds its midpoint (a word in an inserted gap goes to the
nearer piece), then its start and end are clamped into that piece. Mapping a segment as a whole
by one offset is what faster-whisper's `restore_speech_timestamps` did, and words of a segment
that crossed a chunk edge were shifted by the wrong chunk's offset (faster-whisper #979/#980);
FunASR's `merge_vad` gave punctuation the merged span's end (FunASR #3702). Mapping each word on
its own rules both out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Interval = tuple[float, float]   # (start, end) in seconds


@dataclass(frozen=True)
class Piece:
    """One stretch of true audio inside a window: true [start, end) s, placed at `at` s in the window."""
    start: float
    end: float
    at: float

    @property
    def window_end(self) -> float:
        """Where this piece ends in the packed window, in seconds."""
        return self.at + self.end - self.start


@dataclass(frozen=True)
class Window:
    """A decode window: its pieces in time order, with gaps of silence between them."""
    pieces: tuple[Piece, ...]

    @property
    def seconds(self) -> float:
        """Length of the window's audio in s (pieces plus the gaps between them)."""
        return self.pieces[-1].window_end

    @property
    def true_span(self) -> Interval:
        """True time from the first piece's start to the last piece's end, in s."""
        return self.pieces[0].start, self.pieces[-1].end

    def piece_at(self, t: float) -> Piece:
        """The piece holding window time `t` (s); in a gap, or outside, the nearer piece."""
        best = self.pieces[0]
        distance = float("inf")
        for piece in self.pieces:
            d = max(piece.at - t, 0.0, t - piece.window_end)
            if d < distance:
                best, distance = piece, d
        return best

    def after(self, t: float) -> list[Interval]:
        """The window's true audio after true time `t` (s), piece by piece: what is left to decode
        when decoding stopped at `t`."""
        return [(max(p.start, t), p.end) for p in self.pieces if p.end > t]

    def with_head(self, seconds: float) -> "Window":
        """This window with its first piece starting `seconds` s earlier in true audio (not before
        0), every later piece moved later by as much: context heard before the window's own audio."""
        first = self.pieces[0]
        shift = first.start - max(0.0, first.start - seconds)
        if shift <= 0:
            return self
        return Window((Piece(first.start - shift, first.end, 0.0),)
                      + tuple(Piece(p.start, p.end, p.at + shift) for p in self.pieces[1:]))

    def word_to_true(self, start: float, end: float) -> Interval:
        """True (start, end) in s of a word timed (start, end) s in the window: mapped through the
        piece holding its midpoint, clamped into that piece."""
        piece = self.piece_at((start + end) / 2)
        shift = piece.start - piece.at

        def clamp(t: float) -> float:
            return min(max(t, piece.at), piece.window_end) + shift
        return clamp(start), clamp(max(start, end))


def pack(spans: list[Interval], window_s: float, gap_s: float) -> list[Window]:
    """Pack time-ordered, non-overlapping `spans` (s) into windows of at most `window_s` s.

    Spans are taken in order; each joins the current window when it still fits, after a gap of
    `gap_s` s of silence, or with the true audio between them when that is no longer than
    `gap_s` (so touching spans stay one piece). A span longer than `window_s` gets a window of
    its own (the caller keeps spans shorter). Raises ValueError for spans out of order.
    """
    windows: list[list[Piece]] = []
    for start, end in spans:
        if end <= start:
            continue
        current = windows[-1] if windows else None
        if current is not None:
            last = current[-1]
            if start < last.end - 1e-6:
                raise ValueError(f"spans out of order or overlapping at {start:.2f} s")
            if start - last.end <= gap_s:
                if last.at + end - last.start <= window_s:
                    current[-1] = Piece(last.start, end, last.at)
                    continue
            elif last.window_end + gap_s + (end - start) <= window_s:
                current.append(Piece(start, end, last.window_end + gap_s))
                continue
        windows.append([Piece(start, end, 0.0)])
    return [Window(tuple(pieces)) for pieces in windows]


def window_audio(window: Window, samples: np.ndarray, rate: int) -> np.ndarray:
    """The window's samples: each piece of `samples` (1-D, `rate` Hz) at its place, zeros between."""
    out = np.zeros(int(round(window.seconds * rate)), dtype=samples.dtype)
    for piece in window.pieces:
        chunk = samples[int(round(piece.start * rate)):int(round(piece.end * rate))]
        at = int(round(piece.at * rate))
        chunk = chunk[:len(out) - at]
        out[at:at + len(chunk)] = chunk
    return out
