"""One encoder pass per decode window: keep the sentence that runs to the end of the audio.

faster-whisper decodes a file 30 s at a time, as Whisper does: when the text of a pass does not
end on a timestamp, the last sentence is taken to be cut by the window's edge, so it is dropped
and the audio from the last word's end is encoded and decoded again (`generate_segments`, after
`_split_segments_by_timestamps`). That is right inside a long file, where speech runs on past
the edge. It is wrong when the pass already reaches the end of the audio, as every packed window
does (`packing.pack` never cuts a span at a window edge): there is nothing after the edge to
finish the sentence, so the second pass re-encodes what was already decoded. On the bench's
completeness programme that was 2 of 8 encoder passes.

`WholeWindowModel` keeps that last sentence, timed from its opening timestamp to the end of the
audio (its words are then timed by faster-whisper's own alignment, like every other sentence),
and ends the window there. Passes that stop short of the audio's end (30 s of a longer file) are
left exactly as faster-whisper decodes them. Whatever a window still loses is found by the
pipeline's coverage check and decoded again (`transcribe._refill`).
"""

from __future__ import annotations

from typing import Any

from faster_whisper import WhisperModel


class WholeWindowModel(WhisperModel):
    """A WhisperModel whose pass over the end of the audio is final (one encoder pass for audio
    of under 30 s). Everything else is faster-whisper's own decoding."""

    def _split_segments_by_timestamps(self, tokenizer: Any, tokens: list[int], time_offset: float,
                                      segment_size: int, segment_duration: float,
                                      seek: int) -> tuple[list[dict], int, bool]:
        """faster-whisper's split of one pass's `tokens` into timed segments -> (segments, next
        seek in frames, whether the pass is final). A pass of fewer than 30 s of frames reaches
        the end of the audio: text after its last timestamp becomes a segment ending at the
        audio's end, and the pass is final."""
        segments, next_seek, final = super()._split_segments_by_timestamps(
            tokenizer=tokenizer, tokens=tokens, time_offset=time_offset, segment_size=segment_size,
            segment_duration=segment_duration, seek=seek)
        if final or segment_size >= self.feature_extractor.nb_max_frames:
            return segments, next_seek, final
        tail = tokens[sum(len(s["tokens"]) for s in segments):]
        if any(t < tokenizer.eot for t in tail):
            opening = tail[0] - tokenizer.timestamp_begin if tail[0] >= tokenizer.timestamp_begin else 0
            segments.append(dict(seek=seek, start=time_offset + opening * self.time_precision,
                                 end=time_offset + segment_duration, tokens=tail))
        return segments, seek + segment_size, True
