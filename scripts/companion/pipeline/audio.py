"""Decode any podcast audio to what Whisper wants: 16 kHz mono samples.

The `imageio-ffmpeg` binary does all the work, called directly as openai/whisper's
`audio.load_audio` calls ffmpeg: ffmpeg probes the file and picks the demuxer and decoder itself
(MP3, ADTS or MP4 AAC, ALAC, Opus or Vorbis in Ogg/WebM, FLAC, WAV of any sample format...), so
nothing is guessed from the first bytes. Two passes, both streamed through a pipe:

1. a scan at 8 kHz stereo that keeps only running sums: the stream's own header (codec, channels,
   declared duration), the decoder's errors, how much audio really decodes, and the energy of the
   left, right and mid (L+R) signals;
2. the decode proper, resampled by ffmpeg straight to 16 kHz mono 16-bit, into one preallocated
   array, so memory is the 16 kHz signal (115 MB an hour), never the source's rate and channels.

Damage is judged from the audio stream itself (decoder errors, decoded duration against the
duration its header declares, a WAV's read from its `data` chunk by `riff`, since ffmpeg measures
a WAV by its size; tags and pictures are not audio), never from the file's size. Under
half of it is damage; less than it declares but more than half is a file cut short (an export or
upload that stopped early, which decodes cleanly up to the cut): what is there is transcribed, with
a warning, and the header's length is kept (`Audio.declared_s`) so the episode needs review. The
feed's `itunes:duration` is often wrong, so a mismatch with it is a warning, not a failure.
Channels that cancel each other (one inverted, a common mastering fault) or a dead channel are
detected and the channel that carries the signal is used; `Audio.channels` says what was done.
Likewise a file with several audio streams whose first is silent or empty: the first that carries
a signal is used (`best_stream`; `Audio.stream` says which).
"""

from __future__ import annotations

import functools
import re
import struct
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from companion.errors import PipelineError
from companion.pipeline import riff, sniff

SAMPLE_RATE = 16000               # Hz, what Whisper's feature extractor expects
SCAN_RATE = 8000                  # Hz, enough to measure channel energies and duration
INT16_SCALE = 32768.0             # int16 -> float32 in [-1, 1)
READ_BYTES = 1 << 20              # pipe read size
TAIL_TAG_SCAN = 64                # trailing tags peeled off at most (a loop guard on odd files)
HEAD_BYTES = 1024                 # bytes read to name what a refused file is (message only)
MIN_DECODED_FRACTION = 0.5        # of the duration the stream's own header declares
MAX_DECODE_ERRORS = 10            # ffmpeg error lines tolerated (a glitch or two, said in a warning)
FEED_DURATION_TOLERANCE = 0.1     # share of the feed's itunes:duration before a warning
CLIP_LEVEL = 32000                # int16 sample magnitude within 0.2 dB of full scale
CLIP_BLOCK_S = 5.0                # s of audio judged at a time
CLIP_SHARE = 0.2                  # share of a block's samples at CLIP_LEVEL that garbles words:
                                  # JFK at +12 dB (13 %) was transcribed word for word, at +18 dB
                                  # (23 %) "And so, my" became "And so am I", at +30 dB (46 %)
                                  # "ask not what your country" became "And not! What you all"
CUT_SHORT_S = 1.0                 # decoded audio this much shorter than its header declares,
CUT_SHORT_SHARE = 0.01            # and this share of it, is cut short (encoder padding is ms)
SILENT_CHANNEL_RATIO = 1e-3       # a channel with under 0.1 % of the other's energy (-30 dB) is dead
SIDE_RATIO = 0.5                  # mid (L+R)/2 with under half the side (L-R)/2 energy: the
                                  # channels are anti-correlated (correlation < -1/3), i.e. one is
                                  # inverted, perhaps a little late; the side carries the signal
MAX_AUDIO_STREAMS = 8             # later audio streams of one file are not looked at
SILENT_POWER = 1e-9               # mean square (float scale) below which a signal is digital silence

# Which signal to use, as an ffmpeg `pan` filter; the key is what is recorded on the episode.
PAN = {"mono": None, "mixed": None, "left": "pan=mono|c0=c0",   # None: ffmpeg's own downmix
       "right": "pan=mono|c0=c1", "side": "pan=mono|c0=0.5*c0-0.5*c1"}
CHANNEL_NOTES = {
    "mono": "mono source",
    "mixed": "stereo mixed to mono",
    "left": "right channel silent: left channel used alone",
    "right": "left channel silent: right channel used alone",
    "side": "channels out of phase (they cancel when mixed): used left minus right",
}


PLAYLIST_NOTE = ("the episode's audio is a streaming playlist (HLS .m3u8, M3U or PLS: addresses "
                 "of a stream), not an audio file, and is not transcribed; ask the publisher for "
                 "an enclosure that is the file itself")
PLAYLIST_HEADS = (b"#extm3u", b"[playlist]")


class AudioError(PipelineError):
    """The audio cannot be used; the message says why in the maintainer's terms."""

    audio_streams = 0             # how many audio streams the refused file holds, when known


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray           # int16, mono, SAMPLE_RATE (see `to_float` for Whisper's float32)
    seconds: float
    codec: str                    # ffmpeg's decoder name, e.g. "mp3", "aac", "opus", "pcm_f32le"
    channels: str = "mono"        # a key of CHANNEL_NOTES: which signal was used
    warnings: list[str] = field(default_factory=list)
    stream: int = 0               # which audio stream of the file was used (0: the first)
    chapters: list[dict] = field(default_factory=list)   # embedded in the file (`Scan.chapters`)
    declared_s: float | None = None   # the length the stream's own header declares, when it was
                                      # read from the file (not estimated from a bitrate); or the
                                      # feed's, when the file declares none and ends well short
    declared_by: str = "file"         # who declared `declared_s`: "file" or "feed"
    clipped: list[tuple[float, float]] = field(default_factory=list)   # (start, end) s, `clipped`


@dataclass
class Scan:
    """What the first pass learnt about one audio stream of a file (the first, unless asked)."""
    stream: int = 0                        # which audio stream: ffmpeg's `0:a:<stream>`
    audio_streams: int = 0                 # how many audio streams the file holds
    codec: str | None = None
    source_channels: int = 0
    header_s: float | None = None          # duration declared by the container/stream header
    header_estimated: bool = False         # ffmpeg guessed it from a bitrate (VBR without an index)
    size_mismatch: bool = False            # ffmpeg: the file is smaller than its MP3 header's byte count
    decoded_s: float = 0.0
    errors: list[str] = field(default_factory=list)
    power: tuple[float, float, float] = (0.0, 0.0, 0.0)   # mean square of left, right, mid
    # Chapters the file itself holds (ID3v2 CHAP frames in an MP3, an MP4 chapter list, Vorbis
    # CHAPTERxx comments), as Podcasting 2.0 JSON chapters: {"startTime", "endTime", "title"}.
    chapters: list[dict] = field(default_factory=list)


def to_float(samples: np.ndarray) -> np.ndarray:
    """int16 samples (any shape) -> float32 in [-1, 1); float input is returned as float32."""
    if samples.dtype == np.int16:
        return samples.astype(np.float32) / INT16_SCALE
    return samples.astype(np.float32, copy=False)


def audio_end(path: Path) -> int:
    """Byte offset where the audio ends: the file size less the tags appended after it.

    Peels, from the end: ID3v1 ("TAG", 128 bytes), an ID3v2.4 tag with a footer ("3DI", tag size
    + 20; ID3v2.4.0 structure, sections 3.1 and 3.4), APEv2 ("APETAGEX" footer, with its header
    when flagged; APE tag v2 specification) and Lyrics3v2 ("LYRICS200"). ffmpeg's MP3 demuxer
    skips only ID3v1 and APE at the end, and decodes an appended ID3v2.4 picture as broken frames.
    """
    size = Path(path).stat().st_size
    end = size
    with Path(path).open("rb") as source:
        def tail(count: int) -> bytes:
            if count > end:
                return b""
            source.seek(end - count)
            return source.read(count)

        for _ in range(TAIL_TAG_SCAN):
            if (block := tail(128)).startswith(b"TAG"):
                end -= 128
            elif (block := tail(10)).startswith(b"3DI") and block[3] == 4 and max(block[6:]) < 128:
                length = (block[6] << 21) | (block[7] << 14) | (block[8] << 7) | block[9]
                end -= length + 20
            elif (block := tail(32)).startswith(b"APETAGEX"):
                length, flags = struct.unpack("<I4xI", block[12:24])
                end -= length + (32 if flags & 0x80000000 else 0)
            elif (block := tail(15)).endswith(b"LYRICS200") and block[:6].isdigit():
                end -= int(block[:6]) + 15
            else:
                break
    return end if 0 < end < size else size


@functools.cache
def ffmpeg() -> str:
    """The path of imageio-ffmpeg's ffmpeg binary, looked up (by running it once) on first use, not
    on import: importing this module starts no program. RuntimeError when it is missing."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def _command(path: Path, rate: int, channels: int, sample_format: str,
             pan: str | None = None, stream: int = 0) -> list[str]:
    """ffmpeg arguments decoding audio stream `stream` (0: the first) of `path` to raw PCM on
    stdout."""
    # "file:" and an absolute path: a name such as "ep3:relapse.mp3" is a file, not the URL
    # scheme "ep3", and no other ffmpeg protocol (http, concat, ...) is ever opened.
    source = "file:" + str(Path(path).absolute())
    end = audio_end(path)
    if end < Path(path).stat().st_size:           # tags appended after the audio: not audio
        source = f"subfile,,start,0,end,{end},,:{source}"
    command = [ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "level+info", "-i", source,
               "-map", f"0:a:{stream}", "-vn", "-sn", "-dn"]
    if pan:
        command += ["-af", pan]
    return command + ["-ac", str(channels), "-ar", str(rate), "-f", sample_format, "-"]


def _parse_header(log: str, scan: Scan) -> None:
    """Fill codec, channels and header duration of the scanned stream, and the number of audio
    streams, from ffmpeg's description of the input."""
    described = log.split("Output #0", 1)[0]        # the input's streams, not what ffmpeg writes
    found = re.findall(r"Stream #0:\d+\S*: Audio: (\w+)[^,]*, \d+ Hz, ([^,]+),", described)
    scan.audio_streams = len(found)
    stream = found[scan.stream] if scan.stream < len(found) else None
    if stream:
        scan.codec = stream[0]
        layout = stream[1].strip()
        named = {"mono": 1, "stereo": 2}
        digits = re.match(r"(\d+)", layout)
        scan.source_channels = named.get(layout, int(digits.group(1)) if digits else 2)
        if layout.startswith(("5.1", "7.1", "quad", "4.0", "2.1")):
            scan.source_channels = 3
    scan.chapters = _chapters(described)
    duration = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", log)
    if duration:
        h, m, s = duration.groups()
        scan.header_s = int(h) * 3600 + int(m) * 60 + float(s)
    scan.header_estimated = "Estimating duration from bitrate" in log
    scan.size_mismatch = "filesize and duration do not match" in log


_CHAPTER_LINE = re.compile(r"Chapter #\d+:\d+: start (-?\d+(?:\.\d+)?), end (-?\d+(?:\.\d+)?)")
_TITLE_LINE = re.compile(r"^(?:\[\w+\] )?\s+title\s*: (.*)$")
MAX_CHAPTERS = 1000               # more in one file is not a podcast's chapter list


def _chapters(described: str) -> list[dict]:
    """The chapters ffmpeg lists for the input (`Chapter #0:N: start S, end E` and the title in
    its metadata below), as Podcasting 2.0 JSON chapters; those ending before they start, or
    starting before 0, are left out."""
    found: list[dict] = []
    for line in described.splitlines():
        if match := _CHAPTER_LINE.search(line):
            start, end = float(match[1]), float(match[2])
            found.append({"startTime": round(start, 3), "endTime": round(end, 3)}
                         if 0 <= start < end else {})
        elif found and found[-1] and "title" not in found[-1] and (title := _TITLE_LINE.match(line)):
            found[-1]["title"] = title[1].strip()
        elif "Stream #" in line:
            break
    return [c for c in found if c][:MAX_CHAPTERS]


def _error_lines(log: str) -> list[str]:
    # Drop ffmpeg's pointer addresses ("[mp3float @ 0x55d1...]") so a reason reads the same each run.
    lines = [line for line in log.splitlines() if "[error]" in line or "[fatal]" in line]
    return [re.sub(r" @ 0x[0-9a-f]+|\[(error|fatal)\] ", "", line).strip() for line in lines]


def _not_audio_reason(path: Path) -> str | None:
    """What a file ffmpeg refused is, when it is a common mistake: an empty file (an interrupted
    download), a web page (a host answering 200 with an HTML error page) or a playlist (a host
    serving an `.m3u8` or `.pls` under an audio file's name). Only for the message:
    the decoder is always ffmpeg's choice."""
    if path.stat().st_size == 0:
        return "empty file: 0 bytes"
    with path.open("rb") as source:
        head = source.read(HEAD_BYTES)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.is_web_page(head) or text.startswith(b"<?xml") or b"<html" in text:
        return "the file is a web page (HTML), not audio: the host sent an error or login page"
    if text.startswith(PLAYLIST_HEADS):
        return PLAYLIST_NOTE
    return None


def _no_audio_stream(log: str) -> str | None:
    """What a file ffmpeg opened holds when it holds no audio stream (a video published without
    its sound, a cover image as the enclosure): said plainly instead of ffmpeg's "Error opening
    output files"."""
    if re.search(r"Stream #0:\d+\S*: Audio:", log):
        return None
    kinds = sorted(set(re.findall(r"Stream #0:\d+\S*: (Video|Subtitle|Data|Attachment):", log)))
    return ("it holds no audio stream, only " + " and ".join(k.lower() for k in kinds)
            + ": a video without its sound, or an image") if kinds else None


def _cut_mp4(log: str) -> str | None:
    """What an MP4/M4A without its index is, in the maintainer's terms: files not prepared for
    streaming keep the index (the `moov` box) at their end, so a copy cut short has none and
    ffmpeg says only "Invalid data" (Whisper-WebUI#415, epic-kitchens#23)."""
    if "moov atom not found" not in log:
        return None
    return ("an MP4/M4A file without its index (the 'moov' box, at the end of files not "
            "prepared for streaming): the file is cut short, an incomplete download or a damaged "
            "upload; it is downloaded again on the next run")


def scan(path: Path, stream: int = 0) -> Scan:
    """First pass over audio stream `stream`: header facts, decoder errors, decoded duration and
    channel energies.

    Streams 8 kHz stereo int16 through a pipe and keeps only sums, so memory stays constant.
    Raises AudioError when ffmpeg finds no audio stream it can decode.
    """
    result = Scan(stream=stream)
    sums = np.zeros(3)
    frames = 0
    with subprocess.Popen(_command(path, SCAN_RATE, 2, "s16le", stream=stream), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        log_parts: list[bytes] = []
        reader = threading.Thread(target=lambda: log_parts.append(process.stderr.read()))
        reader.start()
        leftover = b""
        while chunk := process.stdout.read(READ_BYTES):
            chunk = leftover + chunk
            usable = len(chunk) - len(chunk) % 4
            leftover = chunk[usable:]
            pcm = np.frombuffer(chunk[:usable], dtype=np.int16).reshape(-1, 2).astype(np.float64)
            left, right = pcm[:, 0], pcm[:, 1]
            sums += (np.dot(left, left), np.dot(right, right), np.dot(left + right, left + right) / 4)
            frames += len(pcm)
        reader.join()
        returncode = process.wait()
    log = b"".join(log_parts).decode("utf-8", errors="replace")
    _parse_header(log, result)
    if result.header_estimated and (declared := riff.declared_seconds(path)):
        # ffmpeg measures a WAV by its file size; the data chunk's declared size is the length
        # the file was written with, so a WAV cut short is told as an MP3's Xing count tells
        result.header_s, result.header_estimated = declared, False
    result.errors = _error_lines(log)
    result.decoded_s = frames / SCAN_RATE
    if frames:
        result.power = tuple(float(x) / frames / INT16_SCALE ** 2 for x in sums)  # type: ignore[assignment]
    if result.codec is None or (returncode != 0 and frames == 0):
        reason = _not_audio_reason(path) or _no_audio_stream(log) or _cut_mp4(log) or (
            result.errors[-1] if result.errors else f"ffmpeg exited with code {returncode}")
        error = AudioError(f"not audio ffmpeg can decode ({reason})")
        error.audio_streams = result.audio_streams
        raise error
    return result


def _has_signal(scan_result: Scan) -> bool:
    return scan_result.decoded_s > 0 and max(scan_result.power) >= SILENT_POWER


def best_stream(path: Path) -> Scan:
    """The scan of the audio stream that carries the episode: the first, unless it is silent,
    empty or undecodable and a later one (of at most MAX_AUDIO_STREAMS) is not, as in a video
    whose first track is a silent placeholder or a file with a muted track ahead of the speech
    (players pick the first track, and ffmpeg's `-map 0:a:0` did too). Raises AudioError as
    `scan` does for the first stream when no stream carries anything."""
    try:
        first = scan(path)
    except AudioError as exc:
        first, failure, streams = None, exc, exc.audio_streams
    else:
        streams = first.audio_streams
    if first is not None and (_has_signal(first) or streams < 2):
        return first
    for index in range(1, min(streams, MAX_AUDIO_STREAMS)):
        try:
            other = scan(path, index)
        except AudioError:
            continue
        if _has_signal(other):
            return other
    if first is None:
        raise failure
    return first


def choose_channels(scan_result: Scan) -> str:
    """Which signal carries the speech: a key of PAN (see CHANNEL_NOTES for the rules)."""
    if scan_result.source_channels != 2:
        return "mono" if scan_result.source_channels == 1 else "mixed"
    left, right, mid = scan_result.power
    loud = max(left, right)
    if loud < SILENT_POWER:
        return "mixed"
    if min(left, right) < SILENT_CHANNEL_RATIO * loud:
        return "left" if left >= right else "right"
    side = (left + right) / 2 - mid          # (L-R)^2/4 = (L^2+R^2)/2 - (L+R)^2/4
    if mid < SIDE_RATIO * side:
        return "side"
    return "mixed"


def header_contradicted(scan_result: Scan) -> bool:
    """Whether an MP3's Xing/Info header declares more than twice the audio that decodes, whole
    and without an error, while the byte count in the same header matches the file (ffmpeg says
    "filesize and duration do not match" when the file is shorter: a cut file). Then the frame
    count is what is wrong, not the file: one trimmed or stitched after it was encoded, its
    header left as it was (getID3#41, a Xing header that put a file's length off tenfold)."""
    return (scan_result.codec == "mp3" and not scan_result.errors and not scan_result.size_mismatch
            and bool(scan_result.header_s)
            and scan_result.decoded_s < MIN_DECODED_FRACTION * scan_result.header_s)


def check_stream(scan_result: Scan) -> None:
    """Raise AudioError when the stream is damaged: many decoder errors, or far less audio than
    its own header declares (a truncated or corrupted upload)."""
    errors = scan_result.errors
    if len(errors) > MAX_DECODE_ERRORS:
        raise AudioError(f"damaged audio: ffmpeg reported {len(errors)} decoding errors and "
                         f"decoded {scan_result.decoded_s:.1f} s; first error: {errors[0]}")
    header = scan_result.header_s
    # A duration ffmpeg estimated from the first frame's bitrate is wrong for VBR files that carry
    # no index: it only condemns a stream that also failed to decode somewhere.
    trusted = (not scan_result.header_estimated or errors) and not header_contradicted(scan_result)
    if header and trusted and scan_result.decoded_s < MIN_DECODED_FRACTION * header:
        raise AudioError(f"damaged audio: only {scan_result.decoded_s:.1f} s decodes of the "
                         f"{header:.1f} s its audio stream declares")
    if scan_result.decoded_s <= 0:
        raise AudioError("the file holds no audio that decodes")


def cut_short(seconds: float, declared_s: float | None) -> bool:
    """Whether audio that decodes to `seconds` ends well before the `declared_s` its own stream
    header declares (an MP3's Xing frame count, an MP4's or FLAC's sample count, a WAV's data
    chunk size: `riff`): by more than CUT_SHORT_S and CUT_SHORT_SHARE of it. A file cut this short still decodes cleanly up to the
    cut (the MP3 decoder reports no error), so nothing else tells."""
    return bool(declared_s) and declared_s - seconds > max(CUT_SHORT_S, CUT_SHORT_SHARE * declared_s)


def cut_short_warning(seconds: float, declared_s: float | None) -> str | None:
    """The warning for audio `cut_short` of what its header declares, else None."""
    if not cut_short(seconds, declared_s):
        return None
    return (f"the audio ends at {seconds:.1f} s but its own header declares {declared_s:.1f} s: "
            "the file may be cut short (an upload or export that stopped early)")


def undeclared_short_warning(seconds: float, feed_s: float | None) -> str | None:
    """The warning for audio whose file declares no length of its own (a WAV written as a stream,
    its data size 0 or 0xFFFFFFFF; an MP3 with no Xing header, measured by ffmpeg from its size)
    that ends short of the feed's itunes:duration `feed_s` by more than FEED_DURATION_TOLERANCE
    of it: the only sign left that the file may be cut short, so the episode needs review rather
    than being published as whole. None when it does not."""
    if not feed_s or feed_s - seconds <= FEED_DURATION_TOLERANCE * feed_s:
        return None
    return (f"the audio ends at {seconds:.1f} s, well short of the {feed_s:.0f} s the feed declares "
            "(itunes:duration), and the file declares no length of its own to tell: the file may "
            "be cut short (a partial download or an upload that stopped early)")


def clipped(samples: np.ndarray) -> list[tuple[float, float]]:
    """The (start, end) seconds of 16 kHz int16 `samples` that are clipped: CLIP_BLOCK_S blocks
    with CLIP_SHARE or more of their samples at full scale (CLIP_LEVEL), touching blocks merged.
    Speech clipped that hard (a guest shouting into a hot microphone, a gain set far too high)
    is distorted into words the model mishears, while its confidence stays high."""
    block = int(CLIP_BLOCK_S * SAMPLE_RATE)
    found: list[tuple[float, float]] = []
    for start in range(0, len(samples), block):
        part = samples[start:start + block]
        loud = np.count_nonzero(part >= CLIP_LEVEL) + np.count_nonzero(part <= -CLIP_LEVEL)
        if loud >= CLIP_SHARE * len(part):
            begin, end = start / SAMPLE_RATE, (start + len(part)) / SAMPLE_RATE
            found[-1:] = ([(found[-1][0], end)] if found and found[-1][1] == begin
                          else found[-1:] + [(begin, end)])
    return found


def feed_duration_warning(seconds: float, declared_s: float | None) -> str | None:
    """A warning when the feed's itunes:duration disagrees with the decoded audio (the file wins)."""
    if not declared_s or abs(seconds - declared_s) <= FEED_DURATION_TOLERANCE * declared_s:
        return None
    return (f"the feed declares {declared_s:.0f} s (itunes:duration) but the audio is "
            f"{seconds:.1f} s; the audio was used as it is")


def decode(path: Path, channels: str, expected_s: float, stream: int = 0) -> np.ndarray:
    """Second pass: 16 kHz mono int16 samples of the chosen signal of audio stream `stream`,
    read into one array.

    `expected_s` (from the scan) sizes the array; it grows only if ffmpeg yields more.
    """
    capacity = int(expected_s * SAMPLE_RATE) + SAMPLE_RATE
    samples = np.empty(capacity, dtype=np.int16)
    filled = 0                    # bytes: a read may end mid-sample; the next completes it in place
    with subprocess.Popen(_command(path, SAMPLE_RATE, 1, "s16le", PAN[channels], stream),
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        view = memoryview(samples).cast("B")
        while True:
            if filled == len(view):
                del view
                samples = np.resize(samples, len(samples) + 60 * SAMPLE_RATE)
                view = memoryview(samples).cast("B")
            count = process.stdout.readinto(view[filled:])
            if not count:
                break
            filled += count
        process.wait()
    del view
    return samples[:filled // 2]


def load_audio(path: Path, declared_s: float | None = None) -> Audio:
    """Decode `path` to 16 kHz mono int16 samples, or raise AudioError saying what is wrong.

    `declared_s` is the feed's itunes:duration: a mismatch is returned in `Audio.warnings`.
    Raises AudioError for a missing file, a file ffmpeg cannot decode, or a damaged stream.
    """
    if not Path(path).is_file():
        raise AudioError(f"no such audio file: {path}")
    scan_result = best_stream(Path(path))
    check_stream(scan_result)
    channels = choose_channels(scan_result)
    samples = decode(Path(path), channels, scan_result.decoded_s, scan_result.stream)
    seconds = len(samples) / SAMPLE_RATE
    warnings = []
    if scan_result.stream:
        warnings.append(f"the file's first audio stream is silent or empty: audio stream "
                        f"{scan_result.stream + 1} of {scan_result.audio_streams} used")
    if channels not in ("mono", "mixed"):
        warnings.append(CHANNEL_NOTES[channels])
    if scan_result.errors:        # too few to refuse the file (check_stream), still worth a word
        warnings.append(f"ffmpeg could not decode part of the audio ({len(scan_result.errors)} "
                        f"error(s), first: {scan_result.errors[0]}): a damaged spot, or where two "
                        "files were joined; a word or two there may be missing or misheard")
    declared = None if scan_result.header_estimated else scan_result.header_s
    if header_contradicted(scan_result):
        warnings.append(f"the MP3's header declares {declared:.1f} s but the file, whole (its byte "
                        f"count matches), holds {seconds:.1f} s that decode without an error: the "
                        "header is wrong, and the audio was used as it is")
        declared = None
    distorted = clipped(samples)
    if distorted:
        warnings.append("the audio is clipped (distorted, a fifth of its samples or more at full "
                        "scale) at " + ", ".join(f"{a:.0f}-{b:.0f} s" for a, b in distorted)
                        + ": words there may be misheard")
    declared_by = "file"
    if note := cut_short_warning(seconds, declared):
        warnings.append(note)
    elif declared is None and (note := undeclared_short_warning(seconds, declared_s)):
        warnings.append(note)
        declared, declared_by = declared_s, "feed"
    if declared_by == "file" and (note := feed_duration_warning(seconds, declared_s)):
        warnings.append(note)
    return Audio(samples=samples, seconds=seconds, codec=scan_result.codec or "unknown",
                 channels=channels, warnings=warnings, stream=scan_result.stream,
                 chapters=scan_result.chapters, declared_s=declared, declared_by=declared_by,
                 clipped=distorted)
