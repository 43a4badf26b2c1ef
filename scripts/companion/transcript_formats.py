"""Transcripts in the formats podcast apps and players read, and back again.

The project's own form is the Podcasting 2.0 JSON transcript (`version`, `segments` of
`startTime`, `endTime`, `body`, optional `speaker`), with word timings kept under `words` where the
model gives them. WebVTT, SRT, plain text and HTML are written from it; publisher VTT, SRT and
JSON transcripts are read into it.
"""

from __future__ import annotations

import html
import re
from typing import Any

from companion.timecode import format_clock

PC20_VERSION = "1.0.0"
PARAGRAPH_GAP_S = 2.0            # a pause this long starts a new paragraph in text/HTML
Segment = dict[str, Any]

_CUE_TIME = re.compile(
    r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})\s*-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]+>")
_SRT_SPEAKER = re.compile(r"^([A-Z][\w .'-]{0,40}):\s+")


def clock(seconds: float, separator: str = ".") -> str:
    """`HH:MM:SS.mmm` (VTT) or with `,` (SRT)."""
    millis = int(round(max(seconds, 0.0) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_json(segments: list[Segment]) -> dict[str, Any]:
    return {"version": PC20_VERSION, "segments": segments}


def to_vtt(segments: list[Segment]) -> str:
    cues = ["WEBVTT", ""]
    for segment in segments:
        text = html.escape(segment["body"], quote=False)
        if segment.get("speaker"):
            text = f"<v {html.escape(segment['speaker'], quote=False)}>{text}"
        cues += [f"{clock(segment['startTime'])} --> {clock(segment['endTime'])}", text, ""]
    return "\n".join(cues)


def to_srt(segments: list[Segment]) -> str:
    cues = []
    for number, segment in enumerate(segments, 1):
        text = segment["body"]
        if segment.get("speaker"):
            text = f"{segment['speaker']}: {text}"
        cues.append(f"{number}\n{clock(segment['startTime'], ',')} --> "
                    f"{clock(segment['endTime'], ',')}\n{text}\n")
    return "\n".join(cues)


def paragraphs(segments: list[Segment]) -> list[list[Segment]]:
    """Segments grouped into paragraphs at a change of speaker or a long pause."""
    groups: list[list[Segment]] = []
    for segment in segments:
        last = groups[-1][-1] if groups else None
        if (last is None or segment.get("speaker") != last.get("speaker")
                or segment["startTime"] - last["endTime"] > PARAGRAPH_GAP_S):
            groups.append([])
        groups[-1].append(segment)
    return groups


def to_txt(segments: list[Segment]) -> str:
    blocks = []
    for group in paragraphs(segments):
        text = " ".join(s["body"] for s in group)
        speaker = group[0].get("speaker")
        blocks.append(f"{speaker}: {text}" if speaker else text)
    return "\n\n".join(blocks) + "\n"


def to_html(segments: list[Segment]) -> str:
    """The Podcasting 2.0 HTML transcript form: `<cite>` speaker, `<time>`, `<p>` text."""
    parts = []
    for group in paragraphs(segments):
        if group[0].get("speaker"):
            parts.append(f"<cite>{html.escape(group[0]['speaker'])}:</cite>")
        parts.append(f"<time>{format_clock(group[0]['startTime'])}</time>")
        parts.append(f"<p>{html.escape(' '.join(s['body'] for s in group))}</p>")
    return "\n".join(parts) + "\n"


def _seconds(hours: str | None, minutes: str, secs: str, fraction: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(fraction.ljust(3, "0")) / 1000


def _cues(text: str) -> list[Segment]:
    """Cues of a VTT or SRT file: timing line, then text lines up to a blank line."""
    segments: list[Segment] = []
    blocks = re.split(r"\r?\n\s*\r?\n", text.replace("\ufeff", ""))
    for block in blocks:
        lines = block.strip().splitlines()
        for index, line in enumerate(lines):
            match = _CUE_TIME.search(line)
            if not match:
                continue
            g = match.groups()
            body_lines = lines[index + 1:]
            speaker = None
            if body_lines:
                voice = _VOICE.match(body_lines[0])
                if voice:
                    speaker = voice.group(1).strip()
            body = html.unescape(_TAG.sub("", " ".join(l.strip() for l in body_lines))).strip()
            if body:
                segment: Segment = {"startTime": _seconds(*g[:4]), "endTime": _seconds(*g[4:]),
                                    "body": body}
                if speaker:
                    segment["speaker"] = speaker
                segments.append(segment)
            break
    return segments


def from_vtt(text: str) -> list[Segment]:
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise ValueError("not a WebVTT file (no WEBVTT header)")
    return _cues(text)


def from_srt(text: str) -> list[Segment]:
    segments = _cues(text)
    for segment in segments:
        match = _SRT_SPEAKER.match(segment["body"])
        if match:
            segment["speaker"] = match.group(1)
            segment["body"] = segment["body"][match.end():]
    return segments


def from_json(data: Any) -> list[Segment]:
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise ValueError("not a Podcasting 2.0 JSON transcript (no segments list)")
    segments: list[Segment] = []
    for raw in data["segments"]:
        body = str(raw.get("body", "")).strip()
        if not body:
            continue
        segment: Segment = {"startTime": float(raw["startTime"]), "endTime": float(raw["endTime"]),
                            "body": body}
        if raw.get("speaker"):
            segment["speaker"] = str(raw["speaker"])
        segments.append(segment)
    return segments
