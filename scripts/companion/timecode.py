"""Time codes as people write them in links (`750`, `12:30`, `1:02:03`, `12:30.5`) and as the site shows them.

One parser for the site generator and the `listen()` macro; `companion.js` mirrors `parse_time` so a
link written by a lecturer means the same second in Python and in the browser.
"""

from __future__ import annotations

import math
import re

SECONDS_PER_MINUTE = 60
SECONDS_PER_HOUR = 3600


def parse_time(value: object) -> float:
    """Seconds from a number or `[[h:]m:]s[.frac]`; ValueError says what was wrong."""
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        text = str(value).strip()
        parts = text.split(":")
        if not text or len(parts) > 3:
            raise ValueError(f"not a time: {value!r} (use 750, 12:30 or 1:02:03)")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"not a time: {value!r} (use 750, 12:30 or 1:02:03)") from None
        if any(n < 0 for n in numbers) or any(n >= SECONDS_PER_MINUTE for n in numbers[1:]):
            raise ValueError(f"not a time: {value!r} (minutes and seconds run 0-59)")
        seconds = 0.0
        for number in numbers:
            seconds = seconds * SECONDS_PER_MINUTE + number
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a time: {value!r}")
    return seconds


# `12.30` typed by hand: twelve minutes thirty, as clocks are written with a dot in Australia and
# Britain, or 12.3 seconds? Only in what a person types (a link or a player writes 750.3 or 12:30).
DOTTED_CLOCK = re.compile(r"^\d{1,3}\.[0-5]\d$")


def parse_typed_time(value: object) -> float:
    """`parse_time` for a time a person typed (corrections.yml, a `listen()` box): the same
    forms, except that `12.30` (a dot and two digits under 60) is refused as ambiguous, since it
    is more often 12:30 than 12.3 seconds. ValueError says what to write instead."""
    if isinstance(value, str) and DOTTED_CLOCK.match(value.strip()):
        whole, _, part = value.strip().partition(".")
        raise ValueError(f"{value!r} is ambiguous: write {whole}:{part} for {int(whole)} min {int(part)} s, "
                         f"or {format_clock(float(value), exact=True)} for {value} seconds")
    return parse_time(value)


def format_clock(seconds: float, *, exact: bool = False) -> str:
    """`12:30` or `1:02:03`; with `exact`, keeps hundredths so the link lands inside its segment."""
    centis = round(max(0.0, float(seconds)) * 100)
    whole, fraction = divmod(centis, 100)
    hours, rest = divmod(whole, SECONDS_PER_HOUR)
    minutes, secs = divmod(rest, SECONDS_PER_MINUTE)
    clock = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    if exact and fraction:
        clock += f".{fraction:02d}".rstrip("0")
    return clock


def format_duration(seconds: float | None) -> str:
    """`58 min`, `1 h 2 min`, `45 s`: how long something lasts, for people."""
    if seconds is None or not math.isfinite(float(seconds)) or seconds <= 0:
        return ""
    total = round(float(seconds))
    hours, rest = divmod(total, SECONDS_PER_HOUR)
    minutes, secs = divmod(rest, SECONDS_PER_MINUTE)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs and minutes < 10 else f"{minutes} min"
    return f"{secs} s"


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration for `<time datetime>`."""
    total = round(float(seconds))
    hours, rest = divmod(total, SECONDS_PER_HOUR)
    minutes, secs = divmod(rest, SECONDS_PER_MINUTE)
    return f"PT{hours}H{minutes}M{secs}S"
