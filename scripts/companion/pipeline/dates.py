"""An item's publication date as feeds really write it, kept in the publisher's own time zone.

RSS 2.0 asks for RFC 822 dates; feeds also write them without seconds or zone, with US or
European zone names, in `asctime` form, as JavaScript's `Date.toString()`, as RFC 3339, or with
month names in the show's language. Layers, strictest first:

1. `email.utils.parsedate_to_datetime` (the standard library's RFC 2822 reader; it reads
   no-seconds, `asctime` and the US zone names);
2. `datetime.fromisoformat` (RFC 3339 / ISO 8601);
3. python-dateutil's parser, given the zone names podcast hosts write and month and weekday
   names in other languages taken from the Unicode CLDR through Babel (both already installed:
   dateutil by the model's stack, Babel by MkDocs Material). A name that means two months in two
   languages is left out, so only unambiguous names are read.

A date the parser cannot read completely (no year, no day), a numeric date whose order of day
and month the feed does not settle (`07/12/2026`), and an impossible one (hour 34) give no date
and a problem to show: a date is never invented.

The date is kept as ISO 8601 with the offset the feed wrote (`2026-11-30T22:30:00-08:00`), so the
episode's day is the publisher's calendar day (`iso[:10]`); ordering uses `instant`, in UTC.
A date with no zone is taken as UTC (what RFC 822 readers do) and says so.
"""

from __future__ import annotations

import email.utils
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser
from dateutil.parser import ParserError, UnknownTimezoneWarning

# Zone abbreviations hosts write, with their UTC offsets in hours. Names with two meanings
# (IST: India, Ireland, Israel; CST: US Central or China) take the one podcast hosts mean:
# RFC 822 itself defines CST as US Central.
ZONE_HOURS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "WEST": 1, "IST": 1,
    "CET": 1, "MET": 1, "CEST": 2, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AWST": 8, "ACST": 9.5, "ACDT": 10.5,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}
# Languages whose month and weekday names are read (CLDR, through Babel).
LANGUAGES = ("de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs", "ca",
             "ro", "hu", "tr", "id")
# "7 de diciembre de 2026", "7. Dezember 2026 um 10:00": words between the parts of a date.
JOIN_WORDS = ("de", "del", "um", "à", "a", "le", "el", "den", "der", "kl", "klo", "às", "om")
# `Mon Nov 23 2026 09:00:57 GMT+0000 (Coordinated Universal Time)`: JavaScript's toString.
_JS_COMMENT = re.compile(r"\s*\([^()]*\)\s*$")
# A zone offset after the time as people write it: `+01:00`, `+11`, `GMT+1`, `UTC+10:00`,
# `GMT+0000` (JavaScript). The standard library reads `+01:00` as no zone and `+11` as eleven
# minutes; dateutil reads `GMT+3` the POSIX way (three hours *behind*). Rewritten as RFC 822's
# `+HHMM`, which every layer reads alike. `-0000` stays: RFC 2822 says it means "no zone".
_TRAILING_OFFSET = re.compile(r"(\d:\d{2}(?::\d{2})?)\s*(?:GMT|UTC|UT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$")
_NUMERIC = re.compile(r"(?<![\d:])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?![\d:])")
_BAD_FIELD = re.compile(r"(hour|minute|second|day|month|year)\b.*(must be|out of range).*", re.I)
_ZONE_NAME = re.compile(r"\s([A-Za-z]{1,5})$")            # `... 08:00:00 CEST`
_IANA_ZONE = re.compile(r"\s([A-Za-z]+(?:/[A-Za-z_+-]+)+)$")   # `... 12:00:00 Europe/London`
_WEEKDAY = re.compile(r"^[^\W\d]+\.?,\s*")                 # `mar., 08 déc.`: redundant, dropped


@dataclass(frozen=True)
class PubDate:
    iso: str | None           # ISO 8601 with the feed's offset, or None
    problem: str | None       # why the text gave no date, or what was assumed (zone)


def numeric_order(texts: Iterable[str | None]) -> bool | None:
    """Whether the feed writes numeric dates day first (True), month first (False), or cannot
    tell (None): decided by any date in the feed whose first or second number exceeds 12."""
    day_first = month_first = False
    for text in texts:
        for first, second, _year in _NUMERIC.findall(text or ""):
            day_first |= int(first) > 12
            month_first |= int(second) > 12
    if day_first == month_first:
        return None
    return day_first


@lru_cache(maxsize=1)
def _parserinfo() -> dateutil_parser.parserinfo:
    """dateutil's English names plus every unambiguous CLDR month and weekday name of LANGUAGES."""
    from babel.dates import get_day_names, get_month_names

    base = dateutil_parser.parserinfo()
    english = {name for names in base.MONTHS + base.WEEKDAYS for name in names}
    months: list[set[str]] = [set(names) for names in base.MONTHS]
    days: list[set[str]] = [set(names) for names in base.WEEKDAYS]
    meaning: dict[str, set[tuple[str, int]]] = {}
    for language in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    meaning.setdefault(_token(name), set()).add(("month", number - 1))
                for number, name in get_day_names(width, context, language).items():
                    meaning.setdefault(_token(name), set()).add(("day", number))   # 0 = Monday
    for name, senses in meaning.items():
        if len(senses) != 1 or name in english or len(name) < 2:
            continue                  # two meanings, or an English word already: not read
        kind, index = next(iter(senses))
        (months if kind == "month" else days)[index].add(name)

    class Multilingual(dateutil_parser.parserinfo):
        MONTHS = [tuple(sorted(names)) for names in months]
        WEEKDAYS = [tuple(sorted(names)) for names in days]
        JUMP = list(dateutil_parser.parserinfo.JUMP) + [w for w in JOIN_WORDS
                                                         if w not in english]

    return Multilingual()


def _token(name: str) -> str:
    return name.lower().strip().rstrip(".")


def _clean(text: str) -> str:
    """`text` with what only humans read removed: JavaScript's zone name in brackets, and a
    trailing zone offset in any written form made `+HHMM` (`_TRAILING_OFFSET`)."""
    text = " ".join(_JS_COMMENT.sub("", text).split())
    if not re.match(r"\d{4}-\d{2}-\d{2}", text):          # RFC 3339 is read as it is
        text = _TRAILING_OFFSET.sub(
            lambda m: f"{m.group(1)} {m.group(2)}{int(m.group(3)):02d}{m.group(4) or '00'}", text)
    return text


def _iana_zone(text: str) -> ZoneInfo | None:
    """The IANA time zone a date ends with (`Europe/London`), from the system's tz database."""
    found = _IANA_ZONE.search(text)
    if not found:
        return None
    try:
        return ZoneInfo(found.group(1))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _rfc822(text: str) -> datetime | None:
    """The standard library's reading, unless it dropped a zone name it does not know (it then
    returns a naive time, as if no zone had been written)."""
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    zone = _ZONE_NAME.search(text)
    if when.tzinfo is None and zone and zone.group(1).upper() not in ("GMT", "UT", "UTC", "Z"):
        return None
    return when


def _iso(text: str) -> datetime | None:
    if not re.match(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _dateutil(text: str, day_first: bool | None) -> tuple[datetime | None, str | None]:
    """dateutil's reading of `text`, or why it gives none (a part missing, out of range)."""
    info = _parserinfo()
    tz = {name: int(hours * 3600) for name, hours in ZONE_HOURS.items()}
    readings = []
    unknown_zone = None
    # Parsed against two different defaults: a part the text does not give (year, month, day)
    # would come from the default, so the two readings differ and the date is refused.
    for default in (datetime(2001, 1, 1), datetime(2002, 2, 2)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UnknownTimezoneWarning)
            try:
                readings.append(dateutil_parser.parse(
                    _WEEKDAY.sub("", text).replace(". ", " "), parserinfo=info, default=default,
                    tzinfos=tz, dayfirst=bool(day_first)))
            except (ParserError, ValueError, OverflowError) as exc:
                bad = _BAD_FIELD.search(str(exc))
                return None, (f"it is not a valid date ({bad.group(0).split(':')[0]})" if bad
                              else "it is not a date format we can read")
        if any(issubclass(w.category, UnknownTimezoneWarning) for w in caught):
            unknown_zone = _ZONE_NAME.search(text)
    first, second = readings
    if first.date() != second.date():
        return None, "it does not give a full date (year, month and day)"
    if unknown_zone:
        return first, f"its time zone {unknown_zone.group(1)!r} is not one we know"
    return first, None


def parse_pubdate(text: str | None, day_first: bool | None = None) -> PubDate:
    """The publication date written as `text` (an RSS pubDate, Atom published/updated).

    `day_first` is the feed's own numeric order (`numeric_order`); None when it cannot tell,
    and then `03/04/2026` is refused as ambiguous. Returns PubDate(None, None) for no text.
    """
    raw = " ".join((text or "").split())
    if not raw:
        return PubDate(None, None)
    cleaned = _clean(raw)
    named_zone, problem = _iana_zone(cleaned), None
    if zone_name := _IANA_ZONE.search(cleaned):
        cleaned = cleaned[: zone_name.start()]
        if named_zone is None:
            problem = f"its time zone {zone_name.group(1)!r} is not one we know"
    when = _rfc822(cleaned) or _iso(cleaned)
    if when is None:
        numeric = _NUMERIC.search(cleaned)
        if (numeric and day_first is None and int(numeric.group(1)) <= 12
                and int(numeric.group(2)) <= 12 and numeric.group(1) != numeric.group(2)):
            return PubDate(None, f"pubDate {raw!r} is ambiguous (day/month or month/day?) and "
                                 "no other date in the feed settles it")
        when, why = _dateutil(cleaned, day_first)
        if when is None:
            return PubDate(None, f"pubDate {raw!r}: {why}")
        problem = problem or why
    if named_zone and when.tzinfo is None:
        when = when.replace(tzinfo=named_zone)     # that zone's offset on that day (DST too)
    note = f"pubDate {raw!r}: {problem}: taken as UTC" if problem else None
    try:
        offset = when.utcoffset()
    except ValueError:                      # "+2500": datetime refuses the offset itself
        offset = timedelta(days=1)
    if when.tzinfo is not None and offset is None:
        when = when.replace(tzinfo=None)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
        note = note or f"pubDate {raw!r} has no time zone: taken as UTC"
    elif abs(offset) > timedelta(hours=14):    # no zone is that far off
        return PubDate(None, f"pubDate {raw!r}: its time zone offset is impossible")
    return PubDate(when.replace(microsecond=0).isoformat(), note)


def instant(iso: str | None) -> datetime | None:
    """The moment an ISO 8601 date names (aware, UTC), for ordering; None when unreadable."""
    if not iso:
        return None
    try:
        when = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)
