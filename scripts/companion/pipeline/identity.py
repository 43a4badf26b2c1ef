"""Which episode already in `episodes/` a feed item is: one episode stays one episode.

An item's guid is its identity (RSS 2.0: "a string that uniquely identifies the item"). Publishers
change guids when they migrate hosts, and versions of this project before guids were read as
written stored them resolved against the feed's address (`https://old.example/abc-123` for
`abc-123`). So an item whose guid is new is matched, in this order, to an episode not yet claimed:

1. one of the guids the episode has had, exactly;
2. the episode's stored guid read as feedparser's resolution of this guid against some address;
3. the same audio: enclosure URLs equal once normalised (`urls.enclosure_key`);
4. the same title (case, spacing and punctuation aside) on the same day, the publisher's or UTC's.

An audio key or a title and day held by two episodes (or two items) is not used at all.

Exact guid matches are made for every item first, so an episode whose old guid is still in the feed
is never taken by another item through its audio or title.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from companion.pipeline import dates
from companion.urls import enclosure_key

_NOT_WORD = re.compile(r"[\W_]+")

BY_GUID = "guid"
BY_RESOLVED_GUID = "guid as resolved by an earlier version"
BY_ENCLOSURE = "same audio URL"
BY_TITLE_DATE = "same title and date"


@dataclass(frozen=True)
class Match:
    record: dict[str, Any]      # the episode.json it matched
    how: str                    # BY_* above


def guids(record: dict[str, Any]) -> list[str]:
    """Every guid the episode has had, oldest first, the current one included."""
    seen = [g for g in record.get("guids") or [] if isinstance(g, str)]
    current = record.get("guid")
    return seen + [current] if current and current not in seen else seen


def resolved_form_of(stored: str, guid: str) -> bool:
    """True when `stored` is `guid` resolved as a relative URL against some base address, as
    feedparser did for a guid without isPermaLink="false" (`https://old.example/rss/abc-123`
    for `abc-123`), whatever that address was."""
    if stored == guid or "://" in guid or not guid:
        return False
    if not stored.lower().startswith(("http://", "https://")):
        return False
    return any(urllib.parse.urljoin(stored[: index + 1], guid) == stored
               for index, char in enumerate(stored) if char == "/")


def _title_days(title: Any, date: Any) -> list[tuple[str, str]]:
    """The (title, day) keys an episode is known by: its title with case, spacing and
    punctuation aside (NFKC: a host's move turns "Don't" into "Don’t", "-" into "–"), on the
    day the publisher dated it and on that day in UTC (a new host that writes UTC files a
    22:30 PST release on the next day). Empty when either is missing."""
    if not (title and date and isinstance(title, str) and isinstance(date, str)):
        return []               # a hand-edited episode.json may hold anything
    words = " ".join(_NOT_WORD.sub(" ", unicodedata.normalize("NFKC", title).casefold()).split())
    moment = dates.instant(date)
    days = {date[:10]} | ({moment.astimezone(timezone.utc).date().isoformat()} if moment else set())
    return [(words, day) for day in sorted(days)] if words else []


def _resolved_suffixes(stored: str) -> list[str]:
    """The guids whose resolution could be `stored`: what follows each "/" of its path."""
    if not stored.lower().startswith(("http://", "https://")):
        return []
    return [stored[index + 1:] for index, char in enumerate(stored)
            if char == "/" and index + 1 < len(stored) and resolved_form_of(stored, stored[index + 1:])]


def match_items(items: list[dict[str, Any]],
                records: list[dict[str, Any]]) -> dict[int, Match]:
    """For each feed item (by index) that is an episode already recorded, the match.

    `items` are feed.parse_feed items (guid, title, date, enclosure); `records` the episode.json
    of each folder. Each record is matched at most once. Lookups are by index, so a show of
    thousands of episodes whose every guid changed is matched in linear time."""
    by_guid: dict[str, list[int]] = {}
    for number, record in enumerate(records):
        for guid in guids(record):
            by_guid.setdefault(guid, []).append(number)
    claimed: set[int] = set()
    found: dict[int, Match] = {}

    def claim(index: int, candidates: list[int], how: str) -> bool:
        for number in candidates:
            if number not in claimed:
                claimed.add(number)
                found[index] = Match(records[number], how)
                return True
        return False

    for index, item in enumerate(items):
        claim(index, by_guid.get(item["guid"], []), BY_GUID)
    if len(found) == len(items):              # the usual run: nothing new, nothing changed
        return found

    # An audio key or a title and day that two episodes share (audio named only by its query
    # string, `download.php?id=7`; two "Part 1"s posted the same day) identifies neither of them:
    # matching on it could give a new episode another's folder and transcript.
    record_audio = [_audio_key(r) for r in records]
    record_title_day = [_title_days(r.get("title"), r.get("date")) for r in records]
    item_audio = [_audio_key(i) for i in items]
    item_title_day = [_title_days(i.get("title"), i.get("date")) for i in items]
    shared = (_repeated(record_audio) | _repeated(item_audio)
              | _repeated([k for keys in record_title_day for k in keys])
              | _repeated([k for keys in item_title_day for k in keys]))

    by_resolved: dict[str, list[int]] = {}
    by_audio: dict[str, list[int]] = {}
    by_title_day: dict[tuple[str, str], list[int]] = {}
    for number, record in enumerate(records):
        if number in claimed:
            continue
        for guid in guids(record):
            for suffix in _resolved_suffixes(guid):
                by_resolved.setdefault(suffix, []).append(number)
        if record_audio[number] and record_audio[number] not in shared:
            by_audio[record_audio[number]] = [number]
        for key in record_title_day[number]:
            if key not in shared:
                by_title_day[key] = [number]
    for index, item in enumerate(items):
        if index in found:
            continue
        audio = item_audio[index]
        (claim(index, by_resolved.get(item["guid"], []), BY_RESOLVED_GUID)
         or (audio is not None and claim(index, by_audio.get(audio, []), BY_ENCLOSURE))
         or any(claim(index, by_title_day.get(key, []), BY_TITLE_DATE)
                for key in item_title_day[index] if key not in shared))
    return found


def _audio_key(entry: dict[str, Any]) -> str | None:
    enclosure = entry.get("enclosure")
    url = enclosure.get("url") if isinstance(enclosure, dict) else None
    return enclosure_key(url) if url and isinstance(url, str) else None


def _repeated(keys: list[Any]) -> set[Any]:
    """The keys (None aside) that occur more than once."""
    seen: set[Any] = set()
    twice: set[Any] = set()
    for key in keys:
        if key is not None:
            (twice if key in seen else seen).add(key)
    return twice


def adopt_guid(record: dict[str, Any], guid: str) -> str | None:
    """Make `guid` the record's current guid, keeping every earlier one in `guids`; returns the
    previous guid when it changed."""
    previous = record.get("guid")
    history = guids(record)
    if guid not in history:
        history.append(guid)
    record["guids"] = history
    if previous == guid:
        return None
    record["guid"] = guid
    return previous
