"""Decoding real clips, and refusing damaged ones instead of transcribing noise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from companion import audio

AUDIO = Path(__file__).parent / "data" / "audio"


@pytest.mark.parametrize("name,seconds", [
    ("jfk.wav", 11.0), ("sonnet001.mp3", 53.27), ("apollo11.mp3", 89.2),
    ("sense_and_sensibility_01_austen_64kb-0880.wav", 2.99)])
def test_real_clips_decode_to_16k_mono(name: str, seconds: float) -> None:
    decoded = audio.load_audio(AUDIO / name)
    assert decoded.samples.dtype.name == "float32" and decoded.samples.ndim == 1
    assert decoded.seconds == pytest.approx(seconds, abs=0.1)
    assert 0 < abs(decoded.samples).max() <= 1.0


def test_damaged_mp3_is_refused(tmp_path: Path) -> None:
    """BASELINE.md: 3 KB of a real MP3 and random bytes decode without error into 'Hello?'."""
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes((AUDIO / "sonnet001.mp3").read_bytes()[:3000] + bytes(range(256)) * 1500)
    with pytest.raises(audio.AudioError, match="damaged"):
        audio.load_audio(damaged)


def test_truncated_file_is_refused_against_declared_duration(tmp_path: Path) -> None:
    short = tmp_path / "short.mp3"
    short.write_bytes((AUDIO / "sonnet001.mp3").read_bytes()[:150_000])
    assert audio.load_audio(short).seconds < 25          # decodes, but...
    with pytest.raises(audio.AudioError, match="incomplete"):
        audio.load_audio(short, declared_s=53.0)


def test_not_audio_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.mp3"
    page.write_text("<html><body>Sorry, this episode has moved</body></html>")
    with pytest.raises(audio.AudioError, match="not an audio file"):
        audio.load_audio(page)


def test_flac_and_extension_do_not_matter(tmp_path: Path) -> None:
    renamed = tmp_path / "episode.bin"
    shutil.copy(AUDIO / "jfk.wav", renamed)
    assert audio.load_audio(renamed).seconds == pytest.approx(11.0, abs=0.05)
