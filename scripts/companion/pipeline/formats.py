"""Transcripts in the formats podcast apps and players read, and back again.

The project's own form is the Podcasting 2.0 JSON transcript (`version`, `segments` of
`startTime`, `endTime`, `body`, optional `speaker`), with word timings kept under `words` where the
model gives them. WebVTT, SRT, plain text and HTML are written from it; publisher VTT, SRT and
JSON transcripts are read into it.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

from companion.episode import PC20_VERSION
from companion.pipeline.feed_numbers import clock_seconds
from companion.pipeline.speaker_labels import speaker_spans
from companion.pipeline.store import dump_json
from companion.timecode import format_clock

PARAGRAPH_GAP_S = 2.0            # a pause this long starts a new paragraph in text/HTML
PARAGRAPH_TARGET_S = 30.0        # after this long, a paragraph ends at the next sentence end
PARAGRAPH_MAX_S = 90.0           # ... and never runs longer than this (speech with no pauses)
LINE_GAP_S = 1.5                 # word-level transcripts: a pause this long ends a line,
LINE_TARGET_S = 6.0              # ... as does a sentence end once the line is this long,
LINE_MAX_S = 15.0                # ... and a line never runs longer (Whisper's lines are 2-15 s)
WORD_LEVEL_SHARE = 0.8           # a transcript whose segments are this often one word is word-level
SENTENCE_END = (".", "?", "!", "…", ".\"", "?\"", "!\"", ".”", "?”", "!”")
Segment = dict[str, Any]

# Every pattern here runs in time linear in its input (a feed's transcript is untrusted: the
# first voice pattern, `<v(?:\.[^\s>]*)?\s+([^>]*)>`, took 150 s on 120 KB of "<v "). No
# repetition may overlap the next one, and none may run past a "<" to where the next tag starts.
# A timing line's hours have at most 9 digits, so a line of digits is not retried from each one.
# The fraction is optional: hand-made and converted SRT/VTT files write `00:00:01 --> 00:00:03`,
# which the specs do not allow but players read; such a file gave no cue at all.
_CUE_TIME = re.compile(
    r"(?:(\d{1,9}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?[ \t]*-->[ \t]*"
    r"(?:(\d{1,9}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?")
# `<v>`, `<v Name>`, `<v.class.other Name>`, `</v>` (W3C WebVTT section 4.2.2)
_VOICE_ANYWHERE = re.compile(r"<v(?:\.[^\s<>]*)?(?:\s([^<>]*))?>|</v>")
# Cue markup: a tag starts with a letter (`<i>`, `</v>`, `<c.loud>`, `<font color=..>`) or is a
# WebVTT timestamp (`<00:01.500>`); "5 < 6 and 7 > 3" in an SRT line is text.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<[\d:.]+>")
# SSA/ASS override blocks that subtitle tools leave in SRT (`{\an8}` top, `{\pos(192,230)}`,
# `{\i1}`): not SRT, but in over a third of SRT files in the wild (sandflow/ttconv#492); players
# hide them (asbplayer#471, jellyfin-web#3727 show them as text when they do not).
_SSA_OVERRIDE = re.compile(r"\{\\[^{}]*\}")


def clock(seconds: float, separator: str = ".") -> str:
    """`HH:MM:SS.mmm` (VTT) or with `,` (SRT)."""
    millis = int(round(max(seconds, 0.0) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_json(segments: list[Segment]) -> dict[str, Any]:
    """The Podcasting 2.0 JSON transcript: {"version": "1.0.0", "segments": segments}, each
    segment {"startTime", "endTime" (seconds), "body", optional "speaker"}."""
    return {"version": PC20_VERSION, "segments": segments}


def to_vtt(segments: list[Segment]) -> str:
    """WebVTT text for `segments` (startTime/endTime in seconds, body, optional speaker as a <v>
    voice tag); text is escaped so a "<" or "&" said in a title stays text."""
    cues = ["WEBVTT", ""]
    for segment in segments:
        text = html.escape(segment["body"], quote=False)
        if segment.get("speaker"):
            text = f"<v {html.escape(segment['speaker'], quote=False)}>{text}"
        cues += [f"{clock(segment['startTime'])} --> {clock(segment['endTime'])}", text, ""]
    return "\n".join(cues)


def to_srt(segments: list[Segment]) -> str:
    """SubRip text for `segments` (startTime/endTime in seconds, body, optional speaker written
    "Speaker: text"), cues numbered from 1."""
    cues = []
    for number, segment in enumerate(segments, 1):
        text = segment["body"]
        if segment.get("speaker"):
            text = f"{segment['speaker']}: {text}"
        cues.append(f"{number}\n{clock(segment['startTime'], ',')} --> "
                    f"{clock(segment['endTime'], ',')}\n{text}\n")
    return "\n".join(cues)


def paragraphs(segments: list[Segment]) -> list[list[Segment]]:
    """Segments grouped into paragraphs: at a change of speaker, a pause over PARAGRAPH_GAP_S, the
    first sentence end after PARAGRAPH_TARGET_S, and at the latest after PARAGRAPH_MAX_S (Whisper's
    segments of continuous speech have no pauses, which once made one paragraph of a whole episode)."""
    groups: list[list[Segment]] = []
    for segment in segments:
        group = groups[-1] if groups else None
        last = group[-1] if group else None
        length = segment["startTime"] - group[0]["startTime"] if group else 0.0
        if (last is None or segment.get("speaker") != last.get("speaker")
                or segment["startTime"] - last["endTime"] > PARAGRAPH_GAP_S
                or (length >= PARAGRAPH_TARGET_S and last["body"].rstrip().endswith(SENTENCE_END))
                or length >= PARAGRAPH_MAX_S):
            groups.append([])
        groups[-1].append(segment)
    return groups


def to_txt(segments: list[Segment]) -> str:
    """Plain text: one paragraph per block, each opened by its time mark (`[12:30]`) and speaker."""
    blocks = []
    for group in paragraphs(segments):
        text = " ".join(s["body"] for s in group)
        speaker = group[0].get("speaker")
        mark = f"[{format_clock(group[0]['startTime'])}]"
        blocks.append(f"{mark} {speaker}: {text}" if speaker else f"{mark} {text}")
    return "\n\n".join(blocks) + "\n"


def _html_text(value: str) -> str:
    """Escaped for HTML, with non-ASCII as character references: the file reads right under any charset."""
    return html.escape(value).encode("ascii", "xmlcharrefreplace").decode("ascii")


def to_html(segments: list[Segment]) -> str:
    """The Podcasting 2.0 HTML transcript form: `<cite>` speaker, `<time>`, `<p>` text.

    A leading `<meta charset="utf-8">` tells a browser opening the file (no charset from the host)
    its encoding; podcast apps reading the cite/time/p structure ignore it.
    """
    parts = ['<meta charset="utf-8">']
    for group in paragraphs(segments):
        if group[0].get("speaker"):
            parts.append(f"<cite>{_html_text(group[0]['speaker'])}:</cite>")
        parts.append(f"<time>{format_clock(group[0]['startTime'])}</time>")
        parts.append(f"<p>{_html_text(' '.join(s['body'] for s in group))}</p>")
    return "\n".join(parts) + "\n"



def _json_text(segments: list[Segment]) -> str:
    return dump_json(to_json(segments))


# How each of `companion.episode.TRANSCRIPT_FORMATS` is written from segments, by file suffix.
WRITERS = {"json": _json_text, "vtt": to_vtt, "srt": to_srt, "txt": to_txt, "html": to_html}

def _seconds(hours: str | None, minutes: str, secs: str, fraction: str | None) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int((fraction or "").ljust(3, "0")) / 1000


def _cue_blocks(text: str) -> list[tuple[re.Match[str], list[str]]]:
    """(timing match, text lines) of every cue of a VTT or SRT file.

    A cue is its timing line and the text lines after it, up to a blank line or the next timing
    line: publishers' SRT often has no blank line between cues, so a timing line always starts a
    new cue, and a lone number just before it (the SRT cue number) is not text. Lines outside a cue
    (VTT cue ids, NOTE and STYLE blocks) are skipped.
    """
    cues: list[tuple[re.Match[str], list[str]]] = []
    current: list[str] | None = None
    for line in text.replace("\ufeff", "").splitlines():
        match = _CUE_TIME.search(line)
        if match:
            if current and current[-1].strip().isdigit():
                current.pop()                            # the next cue's number
            current = []
            cues.append((match, current))
        elif not line.strip():
            current = None
        elif current is not None:
            current.append(line.strip())
    return cues


def _plain(text: str) -> str:
    """Cue text without markup tags (and SSA override blocks, `{\\an8}`), character references
    decoded, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub("", _SSA_OVERRIDE.sub("", text))).split())


def _voice_spans(lines: list[str]) -> list[tuple[str | None, str]]:
    """(speaker, text) per WebVTT voice span of a cue: `<v Name>` opens a span (closed by `</v>`,
    the next `<v>` or the end; text after `</v>` has no speaker); the name is the text after the
    tag's classes, references decoded
    (W3C WebVTT section 4.2.2: `<v.loud Q&amp;A host>` is speaker "Q&A host")."""
    text = "\n".join(lines)
    spans: list[tuple[str | None, str]] = []
    position, speaker = 0, None
    for match in _VOICE_ANYWHERE.finditer(text):
        before = _plain(text[position:match.start()])
        if before:
            spans.append((speaker, before))
        closing = match.group(0) == "</v>"
        speaker = None if closing else " ".join(html.unescape(match.group(1) or "").split()) or None
        position = match.end()
    rest = _plain(text[position:])
    if rest:
        spans.append((speaker, rest))
    return spans


def _in_order(segments: list[Segment], ends: list[float | None],
              duration: float | None = None) -> list[Segment]:
    """`segments` sorted by start (stably), each with an end after its start: a missing or
    backwards end (publishers' files have both) ends at the next start, the last at `duration`
    when known, else after its words at WORDS_PER_S."""
    read = sorted(zip(segments, ends), key=lambda pair: pair[0]["startTime"])
    for index, (segment, end) in enumerate(read):
        start = segment["startTime"]
        if end is None or end <= start:
            if index + 1 < len(read) and read[index + 1][0]["startTime"] > start:
                end = read[index + 1][0]["startTime"]
            elif index + 1 == len(read) and duration and duration > start:
                end = duration
            else:
                end = start + max(len(segment["body"].split()) / WORDS_PER_S, 0.5)
        segment["endTime"] = round(end, 3)
    return [segment for segment, _end in read]


def _spans(blocks: list[tuple[re.Match[str], list[str]]], voices: bool) -> list[list[tuple[str | None, str]]]:
    """(speaker, text) spans of each cue: WebVTT voice spans when `voices` and the file names
    any; else the speakers its text labels ("JANE: ...", ">> JANE: ...", "[JANE] ...":
    companion.pipeline.speaker_labels); else one unnamed span of the cue's text."""
    if voices:
        spans = [_voice_spans(lines) for _, lines in blocks]
        if any(who for cue in spans for who, _ in cue):
            return spans
    labelled = speaker_spans([[_plain(line) for line in lines] for _, lines in blocks])
    return labelled or [[(None, _plain(" ".join(lines)))] for _, lines in blocks]


def _shared(start: float, end: float, spans: list[tuple[str | None, str]]) -> list[Segment]:
    """Segments of one cue's (speaker, text) spans, from `start` to `end` seconds: several
    voices in one cue share its time in proportion to their text."""
    spans = [(who, body) for who, body in spans if body]
    total = sum(len(body) for _, body in spans) or 1
    segments: list[Segment] = []
    at = start
    for number, (who, body) in enumerate(spans, 1):
        until = end if number == len(spans) else at + (end - start) * len(body) / total
        segment: Segment = {"startTime": round(at, 3), "endTime": round(until, 3), "body": body}
        if who:
            segment["speaker"] = who
        segments.append(segment)
        at = until
    return segments


def _cues(text: str, voices: bool) -> list[Segment]:
    segments: list[Segment] = []
    blocks = _cue_blocks(text)
    for (match, _lines), spans in zip(blocks, _spans(blocks, voices)):
        g = match.groups()
        segments += _shared(_seconds(*g[:4]), _seconds(*g[4:]), spans)
    return _in_order(segments, [s["endTime"] for s in segments])


def _labelled(segments: list[Segment]) -> list[Segment]:
    """JSON `segments` (in time order) with no `speaker` in any, their speakers read from labels
    in their text as in SRT (companion.pipeline.speaker_labels); any others unchanged."""
    if any(s.get("speaker") for s in segments):
        return segments
    spans = speaker_spans([[s["body"]] for s in segments])
    if spans is None:
        return segments
    return [part for segment, cue in zip(segments, spans)
            for part in _shared(segment["startTime"], segment["endTime"], cue)]


def from_vtt(text: str) -> list[Segment]:
    """Segments of a WebVTT file, one per voice span, with `<v>` names as speakers; a file with
    no voice names is read for speakers labelled in its text, as SRT is.

    Raises ValueError when the WEBVTT header is missing."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise ValueError("not a WebVTT file (no WEBVTT header)")
    return _cues(text, voices=True)


def from_srt(text: str) -> list[Segment]:
    """Segments of a SubRip file. SRT has no speaker field: speakers written into the text at a
    change of speaker ("Travis: When you first get", ">> JANE:", "[JANE]") are taken out of it
    into `speaker` (companion.pipeline.speaker_labels says which forms, and what stays text:
    "Note:", "10:30", "Step 1:", "Q:")."""
    return _cues(text, voices=False)


def from_unlabelled(text: str, duration: float | None = None) -> list[Segment]:
    """Segments of a transcript whose declared type says nothing usable (`text/plain` for every
    file, podstr#7; `plain/txt`; none), read by what it holds: a WEBVTT header is WebVTT, a JSON
    object is Podcasting 2.0 JSON, SRT timing lines are SRT. Raises ValueError for anything
    else (plain text has no times to link to)."""
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("WEBVTT"):
        return from_vtt(body)
    if body.startswith("{"):
        return from_json(json.loads(body), duration)
    if _cue_blocks(body):
        return from_srt(body)
    raise ValueError("declared as plain text and holds no WebVTT, SRT or JSON transcript")


WORDS_PER_S = 2.5          # ordinary speech (150 words a minute), to end a last segment with no end


def _time(raw: dict[str, Any], name: str, number: int) -> float | None:
    value = raw.get(name)
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        # a clock time as text ("00:01:16.135"), as some tools write chapters' times too
        clock = clock_seconds(value) if isinstance(value, str) else None
        if clock is None:
            raise ValueError(f"segment {number}: {name} is not a number ({value!r})") from None
        seconds = clock
    if not 0 <= seconds < math.inf:                     # also catches NaN, 1e999, "Infinity"
        raise ValueError(f"segment {number}: {name} is negative or not a finite number ({value!r})")
    return seconds


def from_json(data: Any, duration: float | None = None) -> list[Segment]:
    """Segments of a Podcasting 2.0 JSON transcript.

    `endTime` is optional in the spec ("End time for the segment (if available)",
    podcast-namespace transcripts.md): a missing one ends at the next segment's start, the last at
    `duration` (seconds of audio, when known) or after its words at WORDS_PER_S.
    A time written as a clock (`"00:01:16.135"`) is read as its seconds.

    Flightcast's JSON transcripts, served as `application/json` too, carry `text`, `start` and
    `end` in their segments and the whole transcript as WebVTT under `vtt`: the WebVTT is read
    when no segment has a `body`, else the segments under those names (as Pocket Casts reads
    them: pocket-casts-android#5544; they were read as an empty transcript).
    Raises ValueError naming the segment when `startTime` is missing or a time is not a number.
    """
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise ValueError("not a Podcasting 2.0 JSON transcript (no segments list)")
    spec = any(isinstance(raw, dict) and "body" in raw for raw in data["segments"])
    embedded = data.get("vtt")
    if not spec and isinstance(embedded, str) and embedded.lstrip("\ufeff \t\r\n").startswith("WEBVTT"):
        found = from_vtt(embedded)
        if found:
            return found
    names = ("body", "startTime", "endTime") if spec else ("text", "start", "end")
    segments: list[Segment] = []
    ends: list[float | None] = []
    for number, raw in enumerate(data["segments"], 1):
        if not isinstance(raw, dict):
            raise ValueError(f"segment {number} is not an object")
        body = str(raw.get(names[0]) or "").strip()
        if not body:
            continue
        start = _time(raw, names[1], number)
        if start is None:
            raise ValueError(f"segment {number} has no {names[1]}")
        segment: Segment = {"startTime": start, "endTime": start, "body": body}
        if raw.get("speaker"):
            segment["speaker"] = str(raw["speaker"])
        segments.append(segment)
        ends.append(_time(raw, names[2], number))
    return join_words(_labelled(_in_order(segments, ends, duration)))


def join_words(segments: list[Segment]) -> list[Segment]:
    """A word-level transcript (one word per segment, as the Podcasting 2.0 JSON example and
    hosts that follow podcast-namespace#366 write it) as lines of speech, each with its `words`;
    any other transcript unchanged. A line ends at a change of speaker, a pause over LINE_GAP_S,
    a sentence end once it is LINE_TARGET_S long, and at LINE_MAX_S (podverse-web#1093: shown
    a word a line otherwise)."""
    single = sum(1 for s in segments if len(s["body"].split()) == 1)
    if len(segments) < 4 or single < WORD_LEVEL_SHARE * len(segments):
        return segments
    lines: list[Segment] = []
    for word in segments:
        line = lines[-1] if lines else None
        if (line is None or word.get("speaker") != line.get("speaker")
                or word["startTime"] - line["endTime"] > LINE_GAP_S
                or (line["endTime"] - line["startTime"] >= LINE_TARGET_S
                    and line["body"].endswith(SENTENCE_END))
                or word["endTime"] - line["startTime"] > LINE_MAX_S):
            line = {"startTime": word["startTime"], "endTime": word["endTime"], "body": "",
                    **({"speaker": word["speaker"]} if word.get("speaker") else {}), "words": []}
            lines.append(line)
        line["body"] = f"{line['body']} {word['body']}".strip()
        line["endTime"] = max(line["endTime"], word["endTime"])
        line["words"].append({k: word[k] for k in ("startTime", "endTime", "body")})
    return lines
