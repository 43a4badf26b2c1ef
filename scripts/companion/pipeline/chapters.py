"""Podcasting 2.0 JSON chapters: fetched from the feed's `podcast:chapters`, or written by hand.

`episodes/<slug>/chapters.json` is the site's one source of chapters. A file the maintainer wrote
is never touched; one fetched from the feed is recorded as such in episode.json
(`chapters_source`, `chapters_fetched_url`) and fetched again only when the feed links another
file, so a sync with nothing new still costs one request. A bad chapters file is a warning: the
transcript is worth more than its chapter headings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from companion.pipeline import fetch_policy, http, store

CHAPTERS_TYPE = "application/json+chapters"   # the MIME type the spec prefers
SOURCE_FEED = "feed"
SOURCE_MANUAL = "manual"
CHAPTER_FIELDS = {"startTime": (int, float), "endTime": (int, float), "title": str, "img": str,
                  "url": str, "toc": bool}


# The spec's deepest value is a chapter's `location.geo` (document > chapters > chapter >
# location): 4. Deeper JSON would be stored and read again by the site build, whose own stack
# leaves json.loads less room than the pipeline had: 990 levels read here failed the build.
MAX_DEPTH = 32


class ChaptersError(ValueError):
    """A chapters file that does not follow the Podcasting 2.0 JSON chapters format."""


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in
                         (item.values() if isinstance(item, dict) else item))
    return deepest


def _wrong_type(value: Any, kind: type | tuple[type, ...]) -> bool:
    if kind is bool:
        return not isinstance(value, bool)
    return isinstance(value, bool) or not isinstance(value, kind)   # True is not a time


def validate(data: Any) -> dict[str, Any]:
    """The chapters document with chapters sorted by start; raise ChaptersError saying what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise ChaptersError('needs an object with a "version" string (e.g. "1.2.0")')
    if _depth(data) > MAX_DEPTH:
        raise ChaptersError(f"nests lists and objects more than {MAX_DEPTH} deep")
    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        raise ChaptersError('needs a non-empty "chapters" list')
    for number, chapter in enumerate(chapters, 1):
        if not isinstance(chapter, dict) or "startTime" not in chapter:
            raise ChaptersError(f"chapter {number} needs a startTime (seconds)")
        for name, kind in CHAPTER_FIELDS.items():
            value = chapter.get(name)
            if value is not None and _wrong_type(value, kind):
                raise ChaptersError(f"chapter {number}: {name} has the wrong type ({value!r})")
        if chapter["startTime"] < 0:
            raise ChaptersError(f"chapter {number}: startTime is negative")
    return {**data, "chapters": sorted(chapters, key=lambda c: c["startTime"])}


def fetch(url: str) -> dict[str, Any]:
    """Download (within `fetch_policy.CHAPTERS`) and validate the chapters file at `url`."""
    body = http.fetch(url, limit=fetch_policy.CHAPTERS).body.decode("utf-8-sig", errors="replace")
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, RecursionError) as exc:   # RecursionError: nested too deep
        raise ChaptersError(f"not JSON ({exc})") from exc
    return validate(data)


def update(folder: Path, record: dict[str, Any], warn: Callable[[str], None]) -> None:
    """Bring `folder/chapters.json` in line with the feed's link, keeping a hand-written file."""
    path = folder / store.CHAPTERS_FILE
    url = record.get("chapters_url")
    if path.is_file() and record.get("chapters_source") != SOURCE_FEED:
        record["chapters_source"] = SOURCE_MANUAL
        return
    if not url:
        if path.is_file():            # the feed dropped its chapters: so does the site
            path.unlink()
            record.update(chapters_source=None, chapters_fetched_url=None)
        return
    if path.is_file() and record.get("chapters_fetched_url") == url:
        return
    try:
        store.write_json_atomic(path, fetch(url))
    except (http.FetchError, ChaptersError) as exc:
        warn(f"{folder.name}: chapters from {url} not used: {exc}")
        return
    record.update(chapters_source=SOURCE_FEED, chapters_fetched_url=url)
