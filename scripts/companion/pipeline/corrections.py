"""The maintainer's fixes to a transcript, kept in `episodes/<slug>/corrections.yml`.

The file is theirs: the pipeline writes a commented template once, when it is missing, and never
touches it again. It is applied to the raw transcript every time transcripts are written, so a
fix survives re-transcription with a better model.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from companion.timecode import parse_time
from companion.pipeline.formats import Segment

SEGMENT_MATCH_S = 1.0            # a `segments:` start time may be this far from the real one

TEMPLATE = """\
# Corrections to the transcript of this episode. Yours: the pipeline never overwrites this file,
# and applies it every time it writes the transcript (also after `companion sync --retranscribe`).
# Run `companion sync` after editing to rewrite transcript.json/.vtt/.srt/.txt.
#
# replace:                 # find -> with, in order, everywhere in the transcript
#   - find: Taurens
#     with: Torrens
#   - find: bailey code
#     with: Bailey Code
#     ignore_case: true
#
# segments:                # new text for the segment that starts at this time (12:30, 750, 1:02:03)
#   - start: "12:30.4"
#     text: The sentence as it was really said.
#
# speakers:                # who speaks over a stretch: shown on the site, in VTT <v> and JSON
#   - from: "0:00"
#     to: "5:20"
#     name: Tony Bailey
#
# accept:                  # stretches with no words on purpose (a song, a clip in another
#   - from: "41:10"        # language): they no longer make the episode needs-review
#     to: "43:02"
#     reason: theme song
"""


class CorrectionsError(Exception):
    """corrections.yml cannot be applied; nothing is written until it is fixed."""


def load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorrectionsError(f"{path.name} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - {"replace", "segments", "speakers", "accept"}:
        raise CorrectionsError(f"{path.name} may only hold the lists replace, segments, "
                               "speakers, accept")
    return data


def ensure_template(path: Path) -> None:
    if not path.exists():
        path.write_text(TEMPLATE, encoding="utf-8")


def _replace(text: str, find: str, new: str, ignore_case: bool) -> str:
    if not ignore_case:
        return text.replace(find, new)
    lower, needle, out, start = text.lower(), find.lower(), [], 0
    while (hit := lower.find(needle, start)) >= 0:
        out += [text[start:hit], new]
        start = hit + len(find)
    return "".join(out) + text[start:]


def _entries(data: dict[str, Any], key: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    entries = data.get(key) or []
    if not isinstance(entries, list):
        raise CorrectionsError(f"corrections.yml: {key} must be a list")
    for entry in entries:
        if not isinstance(entry, dict) or any(f not in entry for f in fields):
            raise CorrectionsError(f"corrections.yml: each {key} entry needs {', '.join(fields)}; "
                                   f"got {entry!r}")
    return entries


def apply(segments: list[Segment], data: dict[str, Any]) -> tuple[list[Segment], list[str]]:
    """Corrected copy of `segments`, and warnings for corrections that matched nothing."""
    out = copy.deepcopy(segments)
    warnings: list[str] = []
    try:
        for entry in _entries(data, "segments", ("start", "text")):
            start = parse_time(entry["start"])
            nearest = min(out, key=lambda s: abs(s["startTime"] - start), default=None)
            if nearest is None or abs(nearest["startTime"] - start) > SEGMENT_MATCH_S:
                warnings.append(f"no segment starts near {entry['start']} (segments: entry)")
                continue
            nearest["body"] = str(entry["text"]).strip()
            nearest.pop("words", None)
        for entry in _entries(data, "replace", ("find", "with")):
            find, new = str(entry["find"]), str(entry["with"])
            hits = 0
            for segment in out:
                fixed = _replace(segment["body"], find, new, bool(entry.get("ignore_case")))
                if fixed != segment["body"]:
                    hits += 1
                    segment["body"] = fixed
                    segment.pop("words", None)
            if not hits:
                warnings.append(f"{find!r} was not found (replace: entry)")
        for entry in _entries(data, "speakers", ("from", "to", "name")):
            start, end = parse_time(entry["from"]), parse_time(entry["to"])
            for segment in out:
                middle = (segment["startTime"] + segment["endTime"]) / 2
                if start <= middle < end:
                    segment["speaker"] = str(entry["name"]).strip()
    except ValueError as exc:
        raise CorrectionsError(f"corrections.yml: {exc}") from exc
    return out, warnings


def accepted(data: dict[str, Any]) -> list[tuple[float, float]]:
    """The `accept:` stretches (seconds): speech the maintainer agrees has no words."""
    try:
        return [(parse_time(e["from"]), parse_time(e["to"]))
                for e in _entries(data, "accept", ("from", "to"))]
    except ValueError as exc:
        raise CorrectionsError(f"corrections.yml: {exc}") from exc
