"""Assignment bundles: a list of course items that lives entirely in a URL.

A bundle is "module 3 + episode 7 from 12:30 to 18:00 + the glossary". It is encoded in the
query of the bundle page so that a static site can show it with no server:

    course/bundle/?items=m3,e7@12:30-18:00,glossary&title=Week%203

`docs/assets/lecturer.js` has the same encoder and decoder (`bundleToQuery`, `bundleFromQuery`);
the tests run both and compare, so keep the two in step. Ready-made bundles (the syllabus weeks)
are defined once in `data/syllabus.yml` and used by the syllabus page and the cartridge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import yaml

from companion.errors import CourseError
from companion.timecode import format_clock

BUNDLE_PAGE = "course/bundle/"
MODULE, EPISODE, GLOSSARY = "m", "e", "glossary"
# An episode is named by its number, a part's display number ("e12.5", as the feed's
# podcast:episode gives it) or its folder's name (slug); a module by its number.
TOKEN = re.compile(r"^(?:(?P<kind>[me])(?P<ref>\d+\.\d+|[A-Za-z0-9][A-Za-z0-9\-]*)"
                   r"(?:@(?P<start>[\d:]+)-(?P<end>[\d:]+))?|(?P<glossary>glossary))$")
NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
JS_SAFE = "!'()*"          # what encodeURIComponent leaves alone besides [A-Za-z0-9_.~-]


class BundleError(CourseError, ValueError):
    """A bundle token or syllabus entry that cannot be read; the message quotes it."""


@dataclass(frozen=True)
class Item:
    kind: str                  # MODULE, EPISODE or GLOSSARY
    ref: str = ""              # module number, or episode number ("7", "12.5") or slug
    start: int | None = None   # seconds into the episode
    end: int | None = None

    def token(self) -> str:
        """This item as a bundle token: "m3", "e7", "e7@12:30-18:00" or "glossary" (the inverse of
        `parse_item`)."""
        if self.kind == GLOSSARY:
            return GLOSSARY
        span = f"@{format_clock(self.start)}-{format_clock(self.end)}" if self.start is not None else ""
        return f"{self.kind}{self.ref}{span}"


@dataclass(frozen=True)
class Bundle:
    items: tuple[Item, ...]
    title: str = ""


def seconds(text: str) -> int:
    """'12:30' -> 750, '1:02:03' -> 3723, '90' -> 90. Minutes and seconds after the first part run
    0-59, as companion.timecode reads them ('0:70' is a typo, not 1:10); digits are ASCII only
    ('²'.isdigit() is true but int('²') fails). Raises BundleError."""
    parts = text.split(":")
    if (len(parts) > 3 or not all(p.isascii() and p.isdigit() for p in parts)
            or any(int(p) >= 60 for p in parts[1:])):
        raise BundleError(f"'{text}' is not a time like 12:30 or 1:02:03.")
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return total


def canonical_ref(ref: str) -> str:
    """A number as one spelling ("007" -> "7", "12.50" -> "12.5"), so two links naming one
    episode are one item; a slug as written."""
    if not NUMBER.match(ref):
        return ref
    whole, _, part = ref.partition(".")
    whole, part = str(int(whole)), part.rstrip("0")
    return f"{whole}.{part}" if part else whole


def parse_item(token: str) -> Item:
    """The item a bundle token names: "m3" (module), "e7" or "e12.5" (an episode by number),
    "e7@12:30-18:00" (an episode's stretch, times as `timecode` reads them) or "glossary". Numbers
    are kept in one spelling (`canonical_ref`). BundleError, quoting the token, for anything else,
    for a module with a part number or a time range, or for a range that does not end after it
    starts."""
    match = TOKEN.match(token.strip())
    if not match:
        raise BundleError(f"'{token}' is not a bundle item (m3, e7, e12.5, e7@12:30-18:00, glossary).")
    if match.group("glossary"):
        return Item(GLOSSARY)
    kind, ref = match.group("kind"), canonical_ref(match.group("ref"))
    if kind == MODULE and "." in ref:
        raise BundleError(f"'{token}': modules are numbered 1, 2, 3 (no parts).")
    start, end = match.group("start"), match.group("end")
    if start is None:
        return Item(kind, ref)
    if kind != EPISODE:
        raise BundleError(f"'{token}': only episodes take a time range.")
    first, last = seconds(start), seconds(end)
    if last <= first:
        raise BundleError(f"'{token}': the range must end after it starts.")
    return Item(EPISODE, ref, first, last)


def repeated(items: tuple[Item, ...] | list[Item]) -> list[Item]:
    """The items that repeat an earlier one exactly (same work, same stretch), in order: a bundle
    lists each once. Two different stretches of one episode are two items."""
    seen: set[Item] = set()
    again = []
    for item in items:
        if item in seen:
            again.append(item)
        seen.add(item)
    return again


def to_query(bundle: Bundle) -> str:
    """The bundle as the bundle page's query string: "items=m3,e7@12:30-18:00" and, when it has
    one, "&title=..." (percent-encoded as the page's JavaScript encodes it)."""
    query = "items=" + ",".join(item.token() for item in bundle.items)
    return query + (f"&title={quote(bundle.title, safe=JS_SAFE)}" if bundle.title else "")


def from_query(query: str) -> Bundle:
    """The bundle a query string ("?items=...&title=...", a leading ? or # allowed) describes;
    empty items and exact repeats (`repeated`) are skipped, as the bundle page does. BundleError
    for a token `parse_item` cannot read."""
    params = parse_qs(query.lstrip("?#"), keep_blank_values=True)
    tokens = [t for t in ",".join(params.get("items", [])).split(",") if t.strip()]
    items = tuple(dict.fromkeys(parse_item(t) for t in tokens))
    return Bundle(items, (params.get("title") or [""])[0])


def url(bundle: Bundle, base: str = "") -> str:
    """The bundle page link; `base` is the site URL (absolute) or a relative prefix."""
    return f"{base}{BUNDLE_PAGE}?{to_query(bundle)}"


@dataclass(frozen=True)
class Week:
    """One ready-made bundle of the syllabus."""

    slug: str
    title: str
    summary: str
    bundle: Bundle


def load_syllabus(path: Path) -> list[Week]:
    """The weeks of `data/syllabus.yml`: `weeks: [{title, summary, items: [m1, e3@1:00-5:00]}]`."""
    if not path.is_file():
        return []
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    weeks = []
    for number, week in enumerate(data.get("weeks") or [], start=1):
        if not isinstance(week, dict) or not week.get("title") or not week.get("items"):
            raise BundleError(f"{path}: week {number} needs a title and a list of items.")
        items = tuple(parse_item(str(token)) for token in week["items"])
        again = repeated(items)
        if again:
            raise BundleError(f"{path}: week {number} ({week['title']}) lists "
                              f"{', '.join(i.token() for i in again)} more than once; list each item once.")
        weeks.append(Week(f"week-{number}", str(week["title"]), str(week.get("summary", "")),
                          Bundle(items, str(week["title"]))))
    return weeks
