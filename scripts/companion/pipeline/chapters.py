"""Podcasting 2.0 JSON chapters: fetched from the feed's `podcast:chapters`, or written by hand.

`episodes/<slug>/chapters.json` is the site's one source of chapters. A file the maintainer wrote
is never touched; one fetched from the feed is recorded as such in episode.json
(`chapters_source`, `chapters_fetched_url`) and fetched again only when the feed links another
file, so a sync with nothing new still costs one request. A bad chapters file is a warning: the
transcript is worth more than its chapter headings.

A hand-written file that does not parse or validate is not published: sync says "chapters not
applied" with its line and column (or chapter and key), and the site keeps publishing the last
valid version, which sync keeps as `chapters.last-good.json` (`published`).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any, Callable

from companion.pipeline import fetch_policy, http, store

CHAPTERS_TYPE = "application/json+chapters"   # the MIME type the spec prefers
SOURCE_FEED = "feed"
SOURCE_MANUAL = "manual"
LAST_GOOD_FILE = "chapters.last-good.json"   # the last valid hand-written chapters.json
MAX_MANUAL_BYTES = 5_000_000                 # thousands of chapters are 1 MB
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


def _misspelt(chapters: Any) -> str:
    """' (did you mean 'startTime'?)' for the first chapter key that is close to a known one."""
    for number, chapter in enumerate(chapters if isinstance(chapters, list) else [], 1):
        for key in chapter if isinstance(chapter, dict) else {}:
            if key not in CHAPTER_FIELDS:
                match = difflib.get_close_matches(key, list(CHAPTER_FIELDS), n=1, cutoff=0.7)
                if match:
                    return f"; chapter {number} has unknown key {key!r} (did you mean {match[0]!r}?)"
    return ""


def read_manual(path: Path, shown: str) -> dict[str, Any]:
    """A hand-written chapters file, validated; ChaptersError "chapters not applied: FILE:LINE:
    COLUMN: ..." (JSON syntax) or "FILE: chapter N ..." (the format) when it cannot be used."""
    if path.stat().st_size > MAX_MANUAL_BYTES:
        raise ChaptersError(f"chapters not applied: {shown}: larger than {MAX_MANUAL_BYTES} bytes")
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ChaptersError(f"chapters not applied: {shown}: not UTF-8 text (byte {exc.start})") \
            from exc
    except json.JSONDecodeError as exc:
        raise ChaptersError(f"chapters not applied: {shown}:{exc.lineno}:{exc.colno}: not valid "
                            f"JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise ChaptersError(f"chapters not applied: {shown}: nested too deep") from exc
    try:
        return validate(data)
    except ChaptersError as exc:
        hint = _misspelt(data.get("chapters")) if isinstance(data, dict) else ""
        raise ChaptersError(f"chapters not applied: {shown}: {exc}{hint}") from exc


def published(folder: Path) -> Path | None:
    """The chapters file the site publishes for `folder`: chapters.json when it is valid, else
    the last valid one sync kept (LAST_GOOD_FILE), else None."""
    path = folder / store.CHAPTERS_FILE
    if path.is_file():
        try:
            read_manual(path, path.name)
            return path
        except (ChaptersError, OSError):
            pass
    last_good = folder / LAST_GOOD_FILE
    return last_good if path.is_file() and last_good.is_file() else None


def fetch(url: str) -> dict[str, Any]:
    """Download (within `fetch_policy.CHAPTERS`) and validate the chapters file at `url`."""
    body = http.fetch(url, limit=fetch_policy.CHAPTERS).body.decode("utf-8-sig", errors="replace")
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, RecursionError) as exc:   # RecursionError: nested too deep
        raise ChaptersError(f"not JSON ({exc})") from exc
    return validate(data)


def update(folder: Path, record: dict[str, Any], warn: Callable[[str], None],
           shown: str = store.CHAPTERS_FILE) -> None:
    """Bring `folder/chapters.json` in line with the feed's link, keeping a hand-written file.

    A hand-written file is validated: a valid one is kept as LAST_GOOD_FILE, what the site
    publishes while a later edit is broken; a broken one raises ChaptersError ("chapters not
    applied", naming it as `shown`, with line and column) and changes nothing."""
    path = folder / store.CHAPTERS_FILE
    url = record.get("chapters_url")
    if not path.is_file():
        (folder / LAST_GOOD_FILE).unlink(missing_ok=True)
    if path.is_file() and record.get("chapters_source") != SOURCE_FEED:
        record["chapters_source"] = SOURCE_MANUAL
        data = read_manual(path, shown)
        store.write_json_atomic(folder / LAST_GOOD_FILE, data)
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
