"""The numbers a feed writes as text: an episode's duration, its episode and season numbers.

Feeds write them in every form their authoring tools produce, not only the specs' forms
(`itunes:duration` "[[HH:]MM:]SS"; `itunes:episode`/`itunes:season` non-zero integers,
Apple Podcasts Connect "RSS tags"; `podcast:episode` a decimal number with an optional
`display` string, `podcast:season` an integer, podcastindex.org namespace 1.0). Each reader
returns a `Reading`: the value, or None with a note saying what was written, so the pipeline
can warn. A value that cannot be read for certain is never guessed: "12a" is not episode 12
(that would collide with episode 12), a byte count in the duration is not a duration.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import isodate

# Longer than a week is no episode: it is a byte count or milliseconds written in the wrong tag
# (PinePods #479: a feed gave the file's size there).
MAX_DURATION_S = 7 * 24 * 3600
MAX_NUMBER = 99_999          # no podcast has more episodes or seasons; beyond is a date or an id
_NOTE_CHARS = 40             # how much of an unreadable value a warning quotes

# "1h 2m 3s", "1 hr 2 mins", "62 min", "45 minutes", "1 hour": units in order, each at most once.
_UNITS = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)\.?)?\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:m|mins?|minutes?)\.?)?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:s|secs?|seconds?)\.?)?$", re.I)
# "1:02:03", "62:03", "1:02:03.5", "01:02:03,500" (SubRip's decimal comma), "3723", "3723.4".
_CLOCK = re.compile(r"^\d+(?:[.,]\d+)?$|^\d+(?::\d+){1,2}(?:[.,]\d+)?$")
# A word naming the number before it: "Episode 12", "Ep. 12", "E12", "#12", "No. 12", "S2".
_LABEL = re.compile(r"^(?:episode|episodio|folge|épisode|ep|e|season|series|staffel|saison|s|no|nr"
                    r"|n[º°o])?\.?\s*#?\s*(?P<n>\d+(?:\.\d+)?)$", re.I)


@dataclass(frozen=True)
class Reading:
    """What a feed field gave: `value` (None when absent or unreadable) and, when it was
    written but could not be read, `note` saying what was written."""
    value: Any = None
    note: str | None = None


def _written(value: Any) -> str:
    return " ".join(str(value or "").split())


def _unreadable(text: str, what: str) -> Reading:
    shown = text if len(text) <= _NOTE_CHARS else text[:_NOTE_CHARS] + "…"
    return Reading(None, f"{what} {shown!r} is not one this reader can be sure of; left empty")


def parse_duration(value: Any) -> Reading:
    """Seconds (float) from `itunes:duration` in the forms feeds ship: seconds (`3723`,
    `3723.4`), clock times (`62:03`, `1:02:03`, `1:02:03.5`, `01:02:03,500`; a field over 59 is
    added as written, as podcastparser and AntennaPod do), units (`1h 2m`, `62 min`,
    `1 hour 2 minutes 3 seconds`) and ISO 8601 durations (`PT1H2M3S`, read by isodate).
    Nothing written gives `Reading()`; anything else, more than four colon fields, a negative,
    a non-finite or an implausible (> a week) value gives a note and no value."""
    text = _written(value)
    if not text:
        return Reading()
    seconds: float | None = None
    if _CLOCK.match(text):
        seconds = 0.0
        for part in text.replace(",", ".").split(":"):
            seconds = seconds * 60 + float(part)
    elif text[:1] in "Pp" and any(c.isdigit() for c in text):    # "PT" alone says nothing
        try:
            parsed = isodate.parse_duration(text.upper())
        except (isodate.ISO8601Error, ValueError, OverflowError):
            parsed = None
        # Years and months come back as an isodate.Duration: no fixed length in seconds.
        seconds = parsed.total_seconds() if isinstance(parsed, timedelta) else None
    elif (match := _UNITS.match(text)) and any(match.groupdict().values()):
        parts = match.groupdict()
        seconds = sum(float(parts[unit] or 0) * scale for unit, scale in (("h", 3600), ("m", 60), ("s", 1)))
    if seconds is None or not math.isfinite(seconds) or not 0 <= seconds <= MAX_DURATION_S:
        return _unreadable(text, "the duration")
    return Reading(seconds)


def clock_seconds(text: str) -> float | None:
    """Seconds from a plain number or clock time as text (`"750"`, `"12:30"`, `"1:02:03.5"`,
    `"00:01:16,135"`): the forms `parse_duration` reads first; None for anything else."""
    written = _written(text)
    return parse_duration(written).value if _CLOCK.match(written) else None


def _decimal(text: str) -> Decimal | None:
    match = _LABEL.match(text)
    if not match:
        return None
    try:
        number = Decimal(match["n"])
    except InvalidOperation:
        return None
    return number if number <= MAX_NUMBER else None


def _number(value: Any, what: str) -> Reading:
    text = _written(value)
    if not text:
        return Reading()
    number = _decimal(text)
    if number is None:
        return _unreadable(text, what)
    return Reading(int(number) if number == number.to_integral_value() else float(number))


def episode_number(value: Any) -> Reading:
    """An episode number: an int, or a float when the feed gives a part (`12.5`, which
    `podcast:episode` allows; never rounded, so 12.5 stays apart from 12). `12`, ` 12 `, `012`,
    `12.0`, `Episode 12`, `Ep. 12`, `#12` give 12. Nothing written gives `Reading()`; a letter
    after the number (`12a`), a roman numeral, a negative, an exponent, a decimal comma (`1,000`
    or `12,5`?) or a number over 99,999 gives a note and no value."""
    return _number(value, "the episode number")


def season_number(value: Any) -> Reading:
    """A season number (int) from `itunes:season` or `podcast:season`: `2`, `2.0`, `Season 2`,
    `S2` give 2. A part (`2.5`: both specs say integer) or anything `episode_number` refuses
    gives a note and no value."""
    reading = _number(value, "the season number")
    return _unreadable(_written(value), "the season number") if isinstance(reading.value, float) else reading


_BARE = re.compile(r"^\d+(?:\.\d+)?$")


def number_key(value: Any) -> str | None:
    """The text an episode number is shown and looked up by (`12`, `12.5`), from a stored
    number or from what a page asked for (`"12"`, `"12.50"`, `12.0`); None when `value` is no
    number (a slug, `"e12"`). Lookups compare these, so `listen("12.5")` finds 12.5, never 12."""
    if isinstance(value, str):
        value = float(value.strip()) if _BARE.match(value.strip()) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return str(int(value)) if value == int(value) else str(value)
