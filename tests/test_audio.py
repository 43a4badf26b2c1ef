"""Decoding real clips, and refusing damaged ones instead of transcribing noise."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from companion.pipeline import audio

AUDIO = Path(__file__).parent / "data" / "audio"


@pytest.mark.parametrize("name,seconds", [
    ("jfk.wav", 11.0), ("sonnet001.mp3", 53.27), ("apollo11.mp3", 89.2),
    ("sense_and_sensibility_01_austen_64kb-0880.wav", 2.99)])
@pytest.mark.subprocess
def test_real_clips_decode_to_16k_mono(name: str, seconds: float) -> None:
    decoded = audio.load_audio(AUDIO / name)
    assert decoded.samples.dtype.name == "int16" and decoded.samples.ndim == 1
    assert decoded.seconds == pytest.approx(seconds, abs=0.1)
    assert 0 < abs(audio.to_float(decoded.samples)).max() <= 1.0


@pytest.mark.subprocess
def test_damaged_mp3_is_refused(tmp_path: Path) -> None:
    """BASELINE.md: 3 KB of a real MP3 and random bytes decode without error into 'Hello?'."""
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes((AUDIO / "sonnet001.mp3").read_bytes()[:3000] + bytes(range(256)) * 1500)
    with pytest.raises(audio.AudioError, match="damaged"):
        audio.load_audio(damaged)


@pytest.mark.subprocess
def test_truncated_file_is_refused_against_its_own_header(tmp_path: Path) -> None:
    """The stream's header (here the MP3's Xing frame count) says 53 s; 150 kB holds about 19."""
    short = tmp_path / "short.mp3"
    short.write_bytes((AUDIO / "sonnet001.mp3").read_bytes()[:150_000])
    with pytest.raises(audio.AudioError, match="damaged audio: only 1[0-9].[0-9] s decodes of the 53"):
        audio.load_audio(short)


@pytest.mark.subprocess
def test_a_file_cut_short_decodes_with_a_warning_saying_so(tmp_path: Path) -> None:
    """An upload cut at 70 % decodes cleanly up to the cut (the MP3 decoder reports no error):
    what is there is used, and the header's length is kept so the episode needs review."""
    cut = tmp_path / "cut.mp3"
    cut.write_bytes((AUDIO / "sonnet001.mp3").read_bytes()[:300_000])
    decoded = audio.load_audio(cut)
    assert decoded.seconds == pytest.approx(37.4, abs=1.0) and decoded.declared_s == pytest.approx(53.3, abs=0.1)
    assert any("may be cut short" in w and "declares 53.3 s" in w for w in decoded.warnings)
    whole = audio.load_audio(AUDIO / "sonnet001.mp3")
    assert not audio.cut_short(whole.seconds, whole.declared_s) and whole.warnings == []


@pytest.mark.subprocess
def test_speech_clipped_into_distortion_is_found(tmp_path: Path) -> None:
    """PiSugar/whisplay-ai-chatbot#40 ("rate clipped 1865 samples", words wrong half the time):
    JFK 30 dB too hot is misheard with confidence; 12 dB too hot is still heard right."""
    for gain, expected in (("30dB", [(0.0, 11.0)]), ("12dB", [])):
        path = tmp_path / f"hot-{gain}.mp3"
        ffmpeg("-i", str(AUDIO / "jfk.wav"), "-af", f"volume={gain}", "-ar", "44100", str(path))
        decoded = audio.load_audio(path)
        assert decoded.clipped == [pytest.approx(c, abs=0.1) for c in expected]
        assert any("clipped" in w for w in decoded.warnings) == bool(expected)


@pytest.mark.subprocess
def test_a_few_damaged_frames_mid_file_are_used_with_a_warning(tmp_path: Path) -> None:
    """3 kB of noise in the middle of an MP3 (a damaged upload) costs 0.4 s of audio and turned
    "how much" into "howched", with no word said: too little to refuse the file, but said."""
    data = (AUDIO / "sonnet001.mp3").read_bytes()
    middle = len(data) // 2
    damaged = tmp_path / "damaged-middle.mp3"
    damaged.write_bytes(data[:middle] + bytes(range(256)) * 12 + data[middle + 3072:])
    decoded = audio.load_audio(damaged)
    assert decoded.seconds == pytest.approx(53.3, abs=1.0)
    assert any("could not decode part of the audio" in w for w in decoded.warnings)


@pytest.mark.subprocess
def test_an_mp3_whose_header_claims_three_times_its_frames_is_used(tmp_path: Path) -> None:
    """A whole file whose Xing frame count says 3x what it holds (its byte count right) is not a
    cut file: it was refused as "damaged" on every run."""
    data = bytearray((AUDIO / "sonnet001.mp3").read_bytes())
    at = data.find(b"Xing") + 8 if b"Xing" in data else data.find(b"Info") + 8
    frames = struct.unpack(">I", data[at:at + 4])[0]
    data[at:at + 4] = struct.pack(">I", frames * 3)
    lying = tmp_path / "lying-header.mp3"
    lying.write_bytes(bytes(data))
    decoded = audio.load_audio(lying)
    assert decoded.seconds == pytest.approx(53.3, abs=0.2) and decoded.declared_s is None
    assert any("header is wrong" in w for w in decoded.warnings)


@pytest.mark.subprocess
def test_not_audio_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.mp3"
    page.write_text("<html><body>Sorry, this episode has moved</body></html>")
    with pytest.raises(audio.AudioError, match="not audio ffmpeg can decode"):
        audio.load_audio(page)


@pytest.mark.subprocess
def test_flac_and_extension_do_not_matter(tmp_path: Path) -> None:
    renamed = tmp_path / "episode.bin"
    shutil.copy(AUDIO / "jfk.wav", renamed)
    assert audio.load_audio(renamed).seconds == pytest.approx(11.0, abs=0.05)


# ---- formats podcasts really ship, made from a real clip with the project's own ffmpeg ----------

def ffmpeg(*args: str) -> None:
    subprocess.run([audio.ffmpeg(), "-nostdin", "-v", "error", "-y", *args], check=True)


def envelope(samples: np.ndarray) -> np.ndarray:
    """RMS per 20 ms: compares content across codecs, whatever their filtering."""
    x = audio.to_float(samples)
    frame = audio.SAMPLE_RATE // 50
    x = x[: len(x) // frame * frame].reshape(-1, frame)
    return np.sqrt(np.square(x).mean(axis=1))


def same_speech(a: np.ndarray, b: np.ndarray) -> float:
    """Best correlation of the two envelopes within 200 ms of lag (AAC and Opus encoder delay)."""
    a, b = envelope(a), envelope(b)
    best = -1.0
    for lag in range(-10, 11):
        x, y = (a[lag:], b) if lag >= 0 else (a, b[-lag:])
        n = min(len(x), len(y))
        best = max(best, float(np.corrcoef(x[:n], y[:n])[0, 1]))
    return best


@pytest.fixture(scope="module")
def jfk() -> np.ndarray:
    return audio.load_audio(AUDIO / "jfk.wav").samples


@pytest.fixture(scope="module")
def cover_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3000 px noisy JPEG of about 3 MB: the size Apple's artwork often has."""
    path = tmp_path_factory.mktemp("art") / "cover.jpg"
    ffmpeg("-f", "lavfi", "-i", "color=c=0x336699:s=3000x3000,noise=alls=80:allf=t+u:all_seed=7",
           "-frames:v", "1", "-q:v", "8", str(path))
    return path


@pytest.mark.parametrize("name,encode,codec", [
    ("adts.aac", ["-c:a", "aac", "-b:a", "48k", "-f", "adts"], "aac"),
    ("moov-at-end.m4a", ["-c:a", "aac", "-b:a", "48k"], "aac"),
    ("episode.webm", ["-c:a", "libopus", "-b:a", "32k"], "opus"),
    ("alac.m4a", ["-c:a", "alac"], "alac"),
    ("float32.wav", ["-c:a", "pcm_f32le"], "pcm_f32le"),
    ("stereo-128k.mp3", ["-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k"], "mp3"),
    ("no-extension", ["-c:a", "flac", "-f", "flac"], "flac"),
])
@pytest.mark.subprocess
def test_podcast_formats_decode_to_the_same_speech(tmp_path: Path, jfk: np.ndarray, name: str,
                                                   encode: list[str], codec: str) -> None:
    """ffmpeg probes the container and codec; nothing is guessed from the first bytes
    (an ADTS stream starts FF F1, which a sniffer takes for MP3)."""
    path = tmp_path / name
    ffmpeg("-i", str(AUDIO / "jfk.wav"), *encode, str(path))
    decoded = audio.load_audio(path)
    assert decoded.codec == codec
    assert decoded.seconds == pytest.approx(11.0, abs=0.15)
    assert same_speech(decoded.samples, jfk) > 0.95


@pytest.mark.subprocess
def test_mp3_with_3_mb_of_cover_art_is_not_damaged(tmp_path: Path, jfk: np.ndarray,
                                                   cover_jpeg: Path) -> None:
    """Damage is judged from the audio stream, never from the file size (MPD#2328)."""
    plain, art = tmp_path / "plain.mp3", tmp_path / "art.mp3"
    ffmpeg("-i", str(AUDIO / "jfk.wav"), "-c:a", "libmp3lame", "-b:a", "64k", str(plain))
    ffmpeg("-i", str(plain), "-i", str(cover_jpeg), "-map", "0:a", "-map", "1:v", "-c", "copy",
           "-id3v2_version", "3", str(art))
    assert art.stat().st_size > 3_000_000
    decoded = audio.load_audio(art, declared_s=11.0)
    assert decoded.seconds == pytest.approx(11.0, abs=0.15) and not decoded.warnings
    assert same_speech(decoded.samples, jfk) > 0.95


@pytest.mark.subprocess
def test_wrong_itunes_duration_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    decoded = audio.load_audio(AUDIO / "jfk.wav", declared_s=95.0)
    assert decoded.seconds == pytest.approx(11.0, abs=0.05)
    assert any("95 s" in w and "itunes:duration" in w for w in decoded.warnings)


@pytest.mark.parametrize("pan,expected", [
    ("stereo|c0=c0|c1=-1*c0", "side"),          # one channel inverted: a mix cancels to silence
    ("stereo|c0=0*c0|c1=c0", "right"),          # dead left channel
    ("stereo|c0=c0|c1=c0", "mixed"),            # ordinary stereo
])
@pytest.mark.subprocess
def test_channels_that_cancel_or_are_dead_are_detected(tmp_path: Path, jfk: np.ndarray,
                                                       pan: str, expected: str) -> None:
    path = tmp_path / "stereo.mp3"
    ffmpeg("-i", str(AUDIO / "jfk.wav"), "-af", f"pan={pan}", "-c:a", "libmp3lame", "-b:a", "128k",
           str(path))
    decoded = audio.load_audio(path)
    assert decoded.channels == expected
    assert (expected in ("mixed", "mono")) == (not decoded.warnings)
    assert same_speech(decoded.samples, jfk) > 0.95
    assert np.abs(audio.to_float(decoded.samples)).max() > 0.3     # the speech, not a residue


def test_missing_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(audio.AudioError, match="no such audio file"):
        audio.load_audio(tmp_path / "nope.mp3")


@pytest.mark.parametrize("delay", ["2S", "3S"])   # 0.12 and 0.19 ms at 16 kHz
@pytest.mark.subprocess
def test_inverted_channel_a_few_samples_late_is_not_thinned(tmp_path: Path, jfk: np.ndarray,
                                                            delay: str) -> None:
    """One channel inverted and a fraction of a millisecond late (two mics, a misaligned edit)
    only partly cancels: the mix keeps about half the energy, all of it treble, and loses the
    voice's fundamental. The sum of the two must win only when it carries the signal."""
    path = tmp_path / "late-inverted.wav"
    ffmpeg("-i", str(AUDIO / "jfk.wav"), "-af",
           f"aeval=val(0)|-val(0):c=stereo,adelay=0|{delay}", str(path))
    decoded = audio.load_audio(path)
    assert decoded.channels == "side" and decoded.warnings
    level = np.sqrt(np.square(audio.to_float(decoded.samples)).mean())
    assert level > 0.8 * np.sqrt(np.square(audio.to_float(jfk)).mean())


@pytest.mark.subprocess
def test_one_channel_speech_other_channel_music_is_mixed(tmp_path: Path, jfk: np.ndarray) -> None:
    """Uncorrelated channels neither cancel nor are dead: both are kept."""
    path = tmp_path / "speech-music.wav"
    ffmpeg("-i", str(AUDIO / "jfk.wav"), "-f", "lavfi", "-i", "sine=f=220:r=16000:d=11",
           "-filter_complex", "[0][1]amerge=inputs=2,volume=1[a]", "-map", "[a]", str(path))
    assert audio.load_audio(path).channels == "mixed"


@pytest.mark.parametrize("name", ["ep3:relapse.mp3", "-ep 3 é.mp3"])
@pytest.mark.subprocess
def test_relative_paths_with_colons_and_dashes_decode(tmp_path: Path, name: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """'ep3:relapse.mp3' is a file, not the URL scheme 'ep3' (ffmpeg: 'Protocol not found')."""
    ffmpeg("-i", str(AUDIO / "jfk.wav"), "-c:a", "libmp3lame", "-b:a", "32k", str(tmp_path / name))
    monkeypatch.chdir(tmp_path)
    assert audio.load_audio(Path(name)).seconds == pytest.approx(11.0, abs=0.15)


@pytest.mark.parametrize("encode", [
    ["-f", "lavfi", "-i", "color=c=red:s=64x64:d=2", "-c:v", "mpeg4"],          # video, no sound
    ["-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", "-f", "image2", "-c:v", "png"],
])
@pytest.mark.subprocess
def test_an_enclosure_with_no_audio_stream_says_so(tmp_path: Path, encode: list[str]) -> None:
    path = tmp_path / "episode.mp4"
    ffmpeg(*encode, str(path))
    with pytest.raises(audio.AudioError, match="no audio stream, only video"):
        audio.load_audio(path)


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"<!DOCTYPE html>\n<html><head><title>Not found</title></head><body>Gone</body></html>",
     "a web page"),
    # a host serving the stream's playlist under the episode's .mp3 name (HLS, M3U, PLS)
    (b"#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:10.0,\nhttps://cdn.example/seg0.ts\n", "streaming playlist"),
    (b"[playlist]\nFile1=https://cdn.example/ep1.mp3\nNumberOfEntries=1\n", "streaming playlist"),
])
@pytest.mark.subprocess
def test_empty_file_and_web_page_say_what_they_are(tmp_path: Path, content: bytes,
                                                   reason: str) -> None:
    """A host that answers 200 with an HTML page, or an interrupted write, is named plainly."""
    path = tmp_path / "episode.mp3"
    path.write_bytes(content)
    with pytest.raises(audio.AudioError, match=reason) as error:
        audio.load_audio(path)
    assert "\n" not in str(error.value)


def _syncsafe(n: int) -> bytes:
    return bytes([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127])


def _id3v24_footer_tag(picture: bytes) -> bytes:
    """An ID3v2.4 tag with a footer (flag 0x10), as taggers append it at the END of a file
    (ID3v2.4.0 structure, sections 3.1 and 3.4), holding an APIC cover picture."""
    data = b"\x00image/png\x00\x03\x00" + picture
    body = b"APIC" + _syncsafe(len(data)) + b"\x00\x00" + data
    return (b"ID3\x04\x00\x10" + _syncsafe(len(body)) + body
            + b"3DI\x04\x00\x10" + _syncsafe(len(body)))


def _ape_tag(value: bytes) -> bytes:
    """An APEv2 tag with header and footer (32 bytes each), one binary item."""
    item = struct.pack("<II", len(value), 2) + b"Cover Art (Front)\x00" + value
    size = len(item) + 32
    return (b"APETAGEX" + struct.pack("<IIII", 2000, size, 1, 0xA0000000) + bytes(8) + item
            + b"APETAGEX" + struct.pack("<IIII", 2000, size, 1, 0x80000000) + bytes(8))


@pytest.mark.parametrize("tail", ["id3v24-footer", "ape+id3v24+id3v1"])
@pytest.mark.subprocess
def test_tags_at_the_end_of_an_mp3_are_not_damage(tmp_path: Path, jfk: np.ndarray,
                                                  tail: str) -> None:
    """Tags appended after the audio (an ID3v2.4 tag with a footer, APE, ID3v1) holding a
    picture are not audio: ffmpeg's MP3 demuxer reads only ID3v1/APE there, tries to decode an
    appended ID3v2.4 picture as frames and reported 136 'Header missing' errors."""
    plain, tagged = tmp_path / "plain.mp3", tmp_path / "tagged.mp3"
    ffmpeg("-i", str(AUDIO / "jfk.wav"), "-c:a", "libmp3lame", "-b:a", "64k", str(plain))
    picture = np.random.default_rng(7).integers(0, 256, 900_000, dtype=np.uint8).tobytes()
    end = _id3v24_footer_tag(picture)
    if tail != "id3v24-footer":
        end = _ape_tag(picture[:5000]) + end + b"TAG" + bytes(125)
    tagged.write_bytes(plain.read_bytes() + end)
    decoded = audio.load_audio(tagged, declared_s=11.0)
    assert decoded.seconds == pytest.approx(11.0, abs=0.15) and not decoded.warnings
    assert same_speech(decoded.samples, jfk) > 0.95


def _lyrics3v2(text: bytes) -> bytes:
    """A Lyrics3v2 block: "LYRICSBEGIN", fields, the 6-digit size of what came before, "LYRICS200"."""
    block = b"LYRICSBEGIN" + b"LYR" + b"%05d" % len(text) + text
    return block + b"%06d" % len(block) + b"LYRICS200"


@pytest.mark.parametrize("tail", [
    "none", "id3v1", "id3v24-footer", "ape", "lyrics3v2", "ape+id3v24-footer+id3v1", "lyrics3v2+id3v1"])
def test_audio_end_peels_each_kind_of_tag_appended_after_the_audio(tmp_path: Path, tail: str) -> None:
    """Fast twin of the test above: where the audio ends, read from the bytes alone."""
    frames = b"\xff\xfb\x90\x64" + bytes(5000)          # stands in for MPEG frames: only the end matters
    parts = {"id3v1": b"TAG" + bytes(125), "id3v24-footer": _id3v24_footer_tag(b"\x89PNG" + bytes(900)),
             "ape": _ape_tag(bytes(700)), "lyrics3v2": _lyrics3v2(b"la la la")}
    appended = b"".join(parts[name] for name in tail.split("+")) if tail != "none" else b""
    path = tmp_path / "episode.mp3"
    path.write_bytes(frames + appended)
    assert audio.audio_end(path) == len(frames)


def test_audio_end_keeps_the_whole_file_when_a_tag_claims_more_than_there_is(tmp_path: Path) -> None:
    path = tmp_path / "odd.mp3"
    path.write_bytes(b"\xff\xfb" + bytes(100) + b"3DI\x04\x00\x10" + _syncsafe(50_000))
    assert audio.audio_end(path) == path.stat().st_size


@pytest.mark.parametrize("first", [
    ["-f", "lavfi", "-t", "11", "-i", "anullsrc=r=44100:cl=stereo"],     # a muted track first
    ["-f", "lavfi", "-t", "0.02", "-i", "sine=f=0"],                     # an empty one
])
@pytest.mark.subprocess
def test_the_audio_stream_with_the_speech_is_used_when_the_first_is_silent(
        tmp_path: Path, jfk: np.ndarray, first: list[str]) -> None:
    """A file whose first audio stream is silent or empty and whose second holds the speech (a
    video's placeholder track, a muted track left by an editor): players and `-map 0:a:0` take
    the first and Whisper hears nothing; the stream that carries the signal is used, and said."""
    path = tmp_path / "episode.m4a"
    ffmpeg(*first, "-i", str(AUDIO / "jfk.wav"), "-map", "0:a", "-map", "1:a", "-c:a", "aac",
           "-b:a", "64k", str(path))
    decoded = audio.load_audio(path)
    assert decoded.stream == 1 and decoded.seconds == pytest.approx(11.0, abs=0.1)
    assert same_speech(decoded.samples, jfk) > 0.9
    assert any("first audio stream is silent" in w for w in decoded.warnings)
    only = tmp_path / "one-stream.m4a"
    ffmpeg(*first, "-c:a", "aac", str(only))               # nothing else to use: as before
    assert audio.best_stream(only).stream == 0


@pytest.mark.subprocess
def test_an_mp4_cut_before_its_index_says_so(tmp_path: Path) -> None:
    """An M4A whose `moov` box is at its end (ffmpeg's default, no faststart), cut short: ffmpeg
    says only "Invalid data found"; the reason names the missing index and the cut."""
    whole = tmp_path / "whole.m4a"
    ffmpeg("-i", str(AUDIO / "jfk.wav"), "-c:a", "aac", "-b:a", "48k", str(whole))
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(audio.AudioError, match="without its index .* cut short"):
        audio.load_audio(cut)


@pytest.mark.parametrize("name, encode", [("chapters.mp3", ["-c:a", "libmp3lame", "-b:a", "64k"]),   # ID3 CHAP
                                          ("chapters.m4a", ["-c:a", "aac", "-b:a", "48k"])])     # MP4 chapters
@pytest.mark.subprocess
def test_chapters_embedded_in_the_audio_file_are_read(tmp_path: Path, name: str,
                                                      encode: list[str]) -> None:
    """Podcasts made with Auphonic, Forecast or Hindenburg carry their chapters in the file
    (ID3 CHAP frames, an MP4 chapter list) and often nowhere else (audiobookshelf#1646)."""
    meta = tmp_path / "meta.txt"
    meta.write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4000\n"
                    "title=Intro: why we ask\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=4000\nEND=11000\n"
                    "title=Café talk\n", encoding="utf-8")
    path = tmp_path / name
    ffmpeg("-i", str(AUDIO / "jfk.wav"), "-i", str(meta), "-map", "0:a", "-map_metadata", "1",
           "-map_chapters", "1", *encode, str(path))
    assert audio.load_audio(path).chapters == [
        {"startTime": 0.0, "endTime": 4.0, "title": "Intro: why we ask"},
        {"startTime": 4.0, "endTime": 11.0, "title": "Café talk"}]
    assert audio.load_audio(AUDIO / "jfk.wav").chapters == []


def _wav_data_at(raw: bytes) -> int:
    """Offset of the `data` chunk's header in a RIFF WAVE file."""
    offset = 12
    while raw[offset:offset + 4] != b"data":
        size = struct.unpack("<I", raw[offset + 4:offset + 8])[0]
        offset += 8 + size + (size & 1)
    return offset


@pytest.mark.subprocess
def test_a_wav_cut_short_is_told_by_its_data_chunk(tmp_path: Path) -> None:
    """ffmpeg measures a WAV by its file's size, so a WAV whose `data` chunk holds 70 % of the
    bytes its header declares (a partial download, an upload stopped early) decoded as whole, no
    warning, and was published as finished. Its declared size now tells, as an MP3's Xing count
    does: 70 % is transcribed and needs review, 30 % is refused as damaged (fetched again); an
    RF64 file (EBU Tech 3306, its size in `ds64`) the same."""
    raw = (AUDIO / "jfk.wav").read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(raw[:int(len(raw) * 0.7)])
    decoded = audio.load_audio(cut)
    assert decoded.seconds == pytest.approx(7.7, abs=0.1) and decoded.declared_s == pytest.approx(11.0)
    assert decoded.declared_by == "file" and audio.cut_short(decoded.seconds, decoded.declared_s)
    assert any("may be cut short" in w and "declares 11.0 s" in w for w in decoded.warnings)
    stub = tmp_path / "stub.wav"
    stub.write_bytes(raw[:int(len(raw) * 0.3)])
    with pytest.raises(audio.AudioError, match=r"damaged audio: only 3.\d s decodes of the 11.0 s"):
        audio.load_audio(stub)
    at = _wav_data_at(raw)           # RF64: sizes 0xFFFFFFFF, the real ones in `ds64`
    ds64 = b"ds64" + struct.pack("<IQQQI", 28, 0, len(raw) - at - 8, 0, 0)
    rf64 = bytearray(b"RF64\xff\xff\xff\xffWAVE" + ds64 + raw[12:int(len(raw) * 0.7)])
    rf64[at + len(ds64) + 4:at + len(ds64) + 8] = b"\xff\xff\xff\xff"
    (tmp_path / "cut-rf64.wav").write_bytes(bytes(rf64))
    assert audio.load_audio(tmp_path / "cut-rf64.wav").declared_s == pytest.approx(11.0)
    whole = audio.load_audio(AUDIO / "jfk.wav")
    assert whole.declared_s == pytest.approx(11.0) and whole.warnings == []


@pytest.mark.subprocess
@pytest.mark.parametrize("kind", ["streamed-wav", "mp3-without-xing"])
def test_a_file_cut_short_that_declares_no_length_is_judged_by_the_feed(tmp_path: Path,
                                                                        kind: str) -> None:
    """A WAV written as a stream (data size 0xFFFFFFFF: Kokoro-FastAPI#94) or a CBR MP3 with no
    Xing header declares no length of its own: cut at 70 % it looked whole. The feed's
    itunes:duration is then the only sign: well short of it (over 10 %), the file may be cut
    short and the episode needs review; within it, or with no duration given, nothing is said."""
    if kind == "streamed-wav":
        raw = bytearray((AUDIO / "jfk.wav").read_bytes())
        at = _wav_data_at(bytes(raw))
        raw[4:8] = raw[at + 4:at + 8] = b"\xff\xff\xff\xff"
    else:
        whole = tmp_path / "whole.mp3"
        subprocess.run([audio.ffmpeg(), "-nostdin", "-v", "error", "-i", str(AUDIO / "jfk.wav"),
                        "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0", str(whole)],
                       check=True)
        raw = bytearray(whole.read_bytes())
    cut = tmp_path / f"cut-{kind}"
    cut.write_bytes(bytes(raw[:int(len(raw) * 0.7)]))
    alone = audio.load_audio(cut)
    assert alone.declared_s is None and not any("cut short" in w for w in alone.warnings)
    judged = audio.load_audio(cut, 11.0)
    assert judged.declared_s == 11.0 and judged.declared_by == "feed"
    assert [w for w in judged.warnings if "may be cut short" in w and "11 s the feed declares" in w]
    assert not any("(itunes:duration) but the audio is" in w for w in judged.warnings)  # said once
    assert audio.load_audio(cut, 8.0).declared_s is None    # within 10 % of the feed: whole
