"""Reading and listening time of a course module, worked out from the module's own text.

This is the one source of the times the course shows: the module header, the course index, the
home page, the lecturers' table and the bundle totals all read what the `companion-course`
plugin computes here at `on_files`, so they cannot disagree (course audit 2026-11-30, finding 10).
"""

from __future__ import annotations

import re
from typing import Iterable

from companion.catalogue import Catalogue
from companion.timecode import parse_time

# Brysbaert, M. (2019). How many words do we read per minute? A review and meta-analysis of
# reading rate. Journal of Memory and Language, 109, 104047: most adults read non-fiction
# silently at about 175-300 words a minute. Fast readers give the low end of the range.
WORDS_PER_MINUTE = (300, 175)
SECONDS_PER_MINUTE = 60

FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
LINK_TARGET = re.compile(r"\]\([^)]*\)")          # keep a link's words, drop its URL
ATTRIBUTES = re.compile(r"\{[:.#][^}]*\}")         # attr_list: { .md-button }
WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*")
# listen(3, "08:00", "15:30", ...) or listen("slug", 750): the episode and the stretch. Only the
# first three arguments matter here; quotes may be single or double.
LISTEN = re.compile(
    r"listen\(\s*(?P<episode>\"[^\"]*\"|'[^']*'|\d+)\s*"
    r"(?:,\s*(?P<start>\"[^\"]*\"|'[^']*'|[\d.]+)\s*)?"
    r"(?:,\s*(?P<end>\"[^\"]*\"|'[^']*'|[\d.]+|None)\s*)?[,)]")


def words(markdown: str) -> int:
    """Words a reader reads in a module: no front matter, macro calls, comments or URLs."""
    text = FRONT_MATTER.sub("", markdown, count=1)
    for pattern in (MACRO, COMMENT, LINK_TARGET, ATTRIBUTES):
        text = pattern.sub(" ", text)
    return len(WORD.findall(text))


def reading_minutes(word_count: int) -> list[int]:
    """[fast, slow] whole minutes (at least 1) for `word_count` words at WORDS_PER_MINUTE."""
    return [max(1, round(word_count / wpm)) for wpm in WORDS_PER_MINUTE]


def _unquote(token: str | None) -> str | None:
    if token is None or token == "None":
        return None
    return token.strip("\"'")


def stretches(markdown: str) -> list[tuple[str, float, float | None]]:
    """Every `listen()` call with an episode: (episode key, start s, end s or None)."""
    found = []
    for match in LISTEN.finditer(markdown):
        start, end = _unquote(match.group("start")), _unquote(match.group("end"))
        found.append((_unquote(match.group("episode")) or "",
                      parse_time(start) if start not in (None, "") else 0.0,
                      parse_time(end) if end not in (None, "") else None))
    return found


def listening_minutes(calls: Iterable[tuple[str, float, float | None]],
                      catalogue: Catalogue) -> list[int]:
    """[low, high] minutes of the stretches that name a published episode.

    A stretch with no end plays to the end of the episode when its duration is known. Stretches
    of unpublished episodes count nothing: their Listen box is the "will appear here" note.
    Episodes are found as `listen()` finds them (`Catalogue.find`).
    """
    total = 0.0
    for key, start, end in calls:
        episode = catalogue.find(key)
        if episode is None:
            continue
        if end is None:
            end = episode.duration if episode.duration is not None else start
        total += max(0.0, end - start)
    minutes = round(total / SECONDS_PER_MINUTE)
    if total and not minutes:
        minutes = 1
    return [minutes, minutes]

