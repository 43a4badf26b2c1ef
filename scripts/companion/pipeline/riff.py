"""The length a WAV file's own header declares: its RIFF (or RF64) `data` chunk's size.

ffmpeg reports a WAV's duration from the file's size ("Estimating duration from bitrate"), never
from the size its `data` chunk declares, so a WAV cut short (a partial download, an upload that
stopped early: the `data` chunk holds fewer bytes than its header says) looks whole to it. This
reads the declared size, as MediaInfo (MediaInfoLib#352, "IsTruncated") and BWF MetaEdit
("invalid Wave: truncated") do. Python's `wave` module is not used: it reads only PCM and
WAVE_FORMAT_EXTENSIBLE, not the float, ADPCM or MP3-in-WAV files podcasts also ship, nor RF64.

Layout (Microsoft/IBM "Multimedia Programming Interface and Data Specifications 1.0", 1991;
EBU Tech 3306 for RF64): `RIFF` size `WAVE`, then chunks of a 4-byte id, a little-endian 32-bit
size and the body, padded to an even length; `fmt ` holds the byte rate at offset 8; an RF64
file's `ds64` chunk holds the 64-bit data size that its `data` header leaves as 0xFFFFFFFF.
A stream written before its length was known (a recorder or a pipe, Kokoro-FastAPI#94) declares
0 or 0xFFFFFFFF: that is no length, and None is returned.
"""

from __future__ import annotations

import struct
from pathlib import Path

MAX_CHUNKS = 64                          # chunks walked before `data` (a loop guard on odd files)
PLACEHOLDER_SIZES = (0, 0x7FFFFFFF, 0xFFFFFFFF)   # written by streams that did not know the length


def declared_seconds(path: Path) -> float | None:
    """Seconds of audio the WAV at `path` declares in its header (data chunk bytes / byte rate).

    None when the file is not RIFF/RF64 WAVE, its header cannot be read, it declares no length
    (a placeholder size: PLACEHOLDER_SIZES), or its `fmt ` chunk gives no byte rate. Never raises
    for a malformed file; OSError only when `path` cannot be opened.
    """
    with Path(path).open("rb") as source:
        head = source.read(12)
        if len(head) < 12 or head[8:12] != b"WAVE" or head[:4] not in (b"RIFF", b"RF64"):
            return None
        byte_rate, data_bytes, ds64_bytes = 0, None, None
        for _ in range(MAX_CHUNKS):
            header = source.read(8)
            if len(header) < 8:
                break
            ident, size = header[:4], struct.unpack("<I", header[4:])[0]
            if ident == b"data":
                data_bytes = ds64_bytes if size == 0xFFFFFFFF and ds64_bytes else size
                break
            body = source.read(min(size, 28))
            if ident == b"fmt " and len(body) >= 12:
                byte_rate = struct.unpack("<I", body[8:12])[0]
            elif ident == b"ds64" and len(body) >= 16:
                ds64_bytes = struct.unpack("<Q", body[8:16])[0]
            source.seek(size + (size & 1) - len(body), 1)
    if not byte_rate or data_bytes is None or (data_bytes in PLACEHOLDER_SIZES and not ds64_bytes):
        return None
    return data_bytes / byte_rate
