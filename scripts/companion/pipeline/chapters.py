"""Podcasting 2.0 JSON chapters: fetched from the feed's `podcast:chapters`, or written by hand.

`episodes/<slug>/chapters.json` is the site's one source of chapters. A file the maintainer wrote
is never touched; one fetched from the feed is recorded as such in episode.json
(`chapters_source`, `chapters_fetched_url`) and fetched again only when the feed links another
file, so a sync with nothing new still costs one request. A bad chapters file is a warning: the
transcript is worth more than its chapter headings.

A hand-written file that does not parse or validate is not published: sync says "chapters not
applied" with its line and column (or chapter and key), and the site keeps publishing the last
valid version, which sync keeps as `chapters.last-good.json` (`published`).

A file fetched from the feed that the maintainer then edits is theirs from then on: sync records
the SHA-256 of what it wrote (`chapters_sha256`), and a file whose bytes differ is handled as
hand-written (validated, its last good version kept, never overwritten when the feed links
another file). Every file sync writes from the feed is the last good version too.

Chapters are then checked against the episode's length (`check`): the audio's measured length
when it was decoded, else the feed's itunes:duration, said as such. A chapter that starts past the
end is dropped with a warning, chapters are sorted and a repeated start keeps its first chapter;
`toc: false` chapters are kept (apps use them; the site does not list them). episode.json's
`chapters_checked` records what the file was checked against; `feed-tags` republishes a chapters
file only once it has been checked.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from pathlib import Path
from typing import Any, Callable

from companion.errors import PipelineError
from companion.pipeline import fetch_policy, http, store
from companion.pipeline.feed_numbers import clock_seconds
from companion.timecode import format_clock

CHAPTERS_TYPE = "application/json+chapters"   # the MIME type the spec prefers
SOURCE_FEED = "feed"
SOURCE_AUDIO = "audio"       # embedded in the episode's audio file (ID3 CHAP, MP4 chapters)
SOURCE_MANUAL = "manual"
WRITTEN_BY_SYNC = (SOURCE_FEED, SOURCE_AUDIO)   # replaced when the feed links other chapters
LAST_GOOD_FILE = "chapters.last-good.json"   # the last valid hand-written chapters.json
MAX_MANUAL_BYTES = 5_000_000                 # thousands of chapters are 1 MB
CHAPTER_FIELDS = {"startTime": (int, float), "endTime": (int, float), "title": str, "img": str,
                  "url": str, "toc": bool}


# The spec's deepest value is a chapter's `location.geo` (document > chapters > chapter >
# location): 4. Deeper JSON would be stored and read again by the site build, whose own stack
# leaves json.loads less room than the pipeline had: 990 levels read here failed the build.
MAX_DEPTH = 32


class ChaptersError(PipelineError, ValueError):
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
        if not isinstance(chapter, dict) or chapter.get("startTime") is None:   # absent or null
            raise ChaptersError(f"chapter {number} needs a startTime (seconds)")
        for name, kind in CHAPTER_FIELDS.items():
            value = chapter.get(name)
            if value is not None and _wrong_type(value, kind):
                wanted = {"startTime": "seconds, e.g. 750", "endTime": "seconds, e.g. 750",
                          "toc": "true or false"}.get(name, "text in quotes")
                raise ChaptersError(f"chapter {number}: {name} has the wrong type ({value!r}; "
                                    f"write {wanted})")
        if chapter["startTime"] < 0:
            raise ChaptersError(f"chapter {number}: startTime is negative")
    return {**data, "chapters": sorted(chapters, key=lambda c: c["startTime"])}


def _usable_start(chapter: Any) -> bool:
    start = chapter.get("startTime") if isinstance(chapter, dict) else None
    return (isinstance(start, (int, float)) and not isinstance(start, bool)
            and math.isfinite(start) and start >= 0)


def lenient(data: Any) -> tuple[Any, list[str]]:
    """A chapters file from the feed as podcast apps read it, and what was changed: a bare list
    of chapters is the document's `chapters`; a missing or numeric `version` is "1.2.0"; a
    chapter with no usable startTime (absent, null, negative) is dropped and an optional field
    of the wrong type (`"title": 12`, `"img": {}`) is left out, instead of the whole file being
    refused for it (podverse-api#608: a player that showed 3 of an episode's chapters). What
    is left still goes through `validate`. A maintainer's own file is not read this way: it is
    refused with the place to fix (`read_manual`)."""
    notes: list[str] = []
    if isinstance(data, list):
        data = {"version": "1.2.0", "chapters": data}
        notes.append("are a bare list of chapters: read as the document's chapters")
    data, as_text = times_as_seconds(data)
    if as_text:
        notes.append(f"wrote {as_text} times as text, not seconds: read as clock times")
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        return data, notes
    if not isinstance(data.get("version"), str):
        data = {**data, "version": "1.2.0"}
        notes.append('have no "version" text: read as version 1.2.0')
    kept = []
    for number, chapter in enumerate(data["chapters"], 1):
        if not _usable_start(chapter):
            notes.append(f"give chapter {number} no usable startTime: dropped")
            continue
        wrong = [name for name, kind in CHAPTER_FIELDS.items()
                 if chapter.get(name) is not None and _wrong_type(chapter[name], kind)]
        if wrong:
            notes.append(f"give chapter {number} a {', '.join(wrong)} of the wrong type: left out")
        kept.append({k: v for k, v in chapter.items() if k not in wrong})
    return {**data, "chapters": kept}, notes


def times_as_seconds(data: Any) -> tuple[Any, int]:
    """`data` with each chapter's `startTime`/`endTime` written as text (`"750"`, `"12:30"`,
    `"00:01:16.135"`: tools that wrote the Podlove clock format into JSON chapters,
    mp3chapters.github.io#16) as seconds, and how many were changed. Text that is no plain
    number or clock time is left for `validate` to refuse."""
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        return data, 0
    changed, chapters = 0, []
    for chapter in data["chapters"]:
        if isinstance(chapter, dict):
            for name in ("startTime", "endTime"):
                value = chapter.get(name)
                seconds = clock_seconds(value) if isinstance(value, str) else None
                if seconds is not None:
                    chapter, changed = {**chapter, name: seconds}, changed + 1
        chapters.append(chapter)
    return {**data, "chapters": chapters}, changed


def _start(chapter: dict[str, Any]) -> float:
    return float(chapter["startTime"])


def check(data: dict[str, Any], length_s: float) -> tuple[dict[str, Any], list[str]]:
    """`data` (validated) with the chapters an episode of `length_s` seconds can have, sorted,
    one per start time, and what was dropped or changed, as messages."""
    problems: list[str] = []
    kept: list[dict[str, Any]] = []
    for chapter in sorted(data["chapters"], key=_start):
        title = chapter.get("title") or "untitled"
        if _start(chapter) >= length_s:
            problems.append(f"chapter {title!r} starts at {format_clock(_start(chapter))}, past the "
                            f"end of the {format_clock(length_s)} episode: dropped")
            continue
        if kept and abs(_start(kept[-1]) - _start(chapter)) < 0.001:
            problems.append(f"chapter {title!r} repeats the start {format_clock(_start(chapter))} "
                            f"of {kept[-1].get('title') or 'untitled'!r}: dropped")
            continue
        if isinstance(chapter.get("endTime"), (int, float)) and chapter["endTime"] > length_s:
            chapter = {**chapter, "endTime": length_s}
            problems.append(f"chapter {title!r} ended past the end of the episode: ended at "
                            f"{format_clock(length_s)}")
        kept.append(chapter)
    return {**data, "chapters": kept}, problems


def check_file(folder: Path, record: dict[str, Any], measured_s: float | None,
               warn: Callable[[str], None]) -> None:
    """Check `folder/chapters.json` against the episode's length (`check`), rewriting a file
    fetched from the feed and only warning about one the maintainer wrote; records the check in
    `chapters_checked` (None while no length is known or a hand-written file has problems)."""
    path = folder / store.CHAPTERS_FILE
    length, against = (measured_s, "audio") if measured_s else (record.get("duration"), "feed duration")
    if not path.is_file() or not length:
        record["chapters_checked"] = None
        return
    try:
        data = validate(store.read_json(path))
    except (OSError, ValueError, ChaptersError) as exc:
        warn(f"{folder.name}: {path.name} is not used: {exc}")
        record["chapters_checked"] = None
        return
    checked, problems = check(data, float(length))
    said = f"against the {against} ({format_clock(float(length))})"
    for problem in problems:
        warn(f"{folder.name}: {path.name} checked {said}: {problem}")
    if record.get("chapters_source") == SOURCE_MANUAL:
        record["chapters_checked"] = None if problems else against
        return
    if checked["chapters"]:
        if checked != data or not record.get("chapters_sha256"):
            _write_feed_file(folder, record, checked)
        record["chapters_checked"] = against
    else:
        path.unlink()
        record["chapters_checked"] = None


def out_of_order(data: Any) -> bool:
    """Whether a chapters document lists its chapters out of start order (before `validate`)."""
    starts = [c.get("startTime") for c in data.get("chapters", []) if isinstance(c, dict)]
    numbers = [s for s in starts if isinstance(s, (int, float)) and not isinstance(s, bool)]
    return numbers != sorted(numbers)


def _misspelt(chapters: Any) -> str:
    """' (did you mean 'startTime'?)' for the first chapter key that is close to a known one."""
    for number, chapter in enumerate(chapters if isinstance(chapters, list) else [], 1):
        for key in chapter if isinstance(chapter, dict) else {}:
            if key not in CHAPTER_FIELDS:
                match = difflib.get_close_matches(key, list(CHAPTER_FIELDS), n=1, cutoff=0.7)
                if match:
                    return f"; chapter {number} has unknown key {key!r} (did you mean {match[0]!r}?)"
    return ""


def _no_constant(name: str) -> Any:
    """json.loads reads NaN and Infinity, which are not JSON and not a time: refuse them."""
    raise json.JSONDecodeError(f"{name} is not a number JSON allows", name, 0)


def _json_hint(exc: json.JSONDecodeError) -> str:
    """The usual cause of a JSON syntax error a person made by hand, when it can be seen."""
    here = exc.doc[exc.pos:exc.pos + 1]
    if here in "\u201c\u201d\u2018\u2019" and here:
        return ": curly quotes; type straight quotes (\")"
    if exc.doc[:exc.pos].rstrip().endswith(",") and here in "]}":
        return ": a comma after the last item; remove it"
    return ""


def read_manual(path: Path, shown: str) -> dict[str, Any]:
    """A hand-written chapters file, validated; ChaptersError "chapters not applied: FILE:LINE:
    COLUMN: ..." (JSON syntax) or "FILE: chapter N ..." (the format) when it cannot be used."""
    if path.stat().st_size > MAX_MANUAL_BYTES:
        raise ChaptersError(f"chapters not applied: {shown}: larger than {MAX_MANUAL_BYTES} bytes")
    try:
        data = json.loads(store.decode_hand_edited(path.read_bytes()), parse_constant=_no_constant)
    except store.NotText as exc:
        raise ChaptersError(f"chapters not applied: {shown}:{exc.line}:{exc.column}: {exc}") \
            from exc
    except json.JSONDecodeError as exc:
        raise ChaptersError(f"chapters not applied: {shown}:{exc.lineno}:{exc.colno}: not valid "
                            f"JSON: {exc.msg}{_json_hint(exc)}") from exc
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


def fetch(url: str) -> Any:
    """The JSON document at `url` (downloaded within `fetch_policy.CHAPTERS`), not yet
    validated; raises FetchError or ChaptersError."""
    body = http.fetch(url, limit=fetch_policy.CHAPTERS).text()
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (json.JSONDecodeError, RecursionError) as exc:   # RecursionError: nested too deep
        raise ChaptersError(f"not JSON ({exc})") from exc
    return data


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hand_edited(folder: Path, record: dict[str, Any]) -> bool:
    """Whether `folder/chapters.json`, fetched from the feed, has been edited since sync wrote
    it (its bytes are not those recorded in `chapters_sha256`)."""
    path = folder / store.CHAPTERS_FILE
    written = record.get("chapters_sha256")
    return (record.get("chapters_source") in WRITTEN_BY_SYNC and bool(written) and path.is_file()
            and _digest(path) != written)


def _write_feed_file(folder: Path, record: dict[str, Any], data: dict[str, Any]) -> None:
    """Write chapters taken from the feed, as the last good version too, noting their digest."""
    path = folder / store.CHAPTERS_FILE
    store.write_json_atomic(path, data)
    store.write_json_atomic(folder / LAST_GOOD_FILE, data)
    record["chapters_sha256"] = _digest(path)


def from_audio(folder: Path, record: dict[str, Any], found: list[dict[str, Any]],
               warn: Callable[[str], None]) -> None:
    """Publish the chapters embedded in the episode's audio file (`audio.Audio.chapters`: ID3
    CHAP frames, an MP4 chapter list; what AntennaPod and audiobookshelf#1646 read) as
    chapters.json, when the episode has none other: the feed's `podcast:chapters` and the
    maintainer's own file come first, and replace them. A list that does not validate is a
    warning. Chapters taken from an earlier upload that the new audio no longer holds are
    removed: they would point at moments of audio that is gone."""
    path = folder / store.CHAPTERS_FILE
    if (record.get("chapters_url")
            or (path.is_file() and record.get("chapters_source") != SOURCE_AUDIO)):
        return
    if not found:
        if path.is_file():       # an earlier upload's chapters: not this audio's
            path.unlink()
            (folder / LAST_GOOD_FILE).unlink(missing_ok=True)
            record.update(chapters_source=None, chapters_sha256=None, chapters_checked=None)
            warn(f"{folder.name}: the audio file no longer holds chapters (re-uploaded): its "
                 "earlier chapters are no longer published")
        return
    try:
        data = validate({"version": "1.2.0", "chapters": found})
    except ChaptersError as exc:
        warn(f"{folder.name}: the chapters in the audio file not used: {exc}")
        return
    _write_feed_file(folder, record, data)
    record.update(chapters_source=SOURCE_AUDIO, chapters_fetched_url=None, chapters_checked=None)


def update(folder: Path, record: dict[str, Any], warn: Callable[[str], None],
           shown: str = store.CHAPTERS_FILE) -> None:
    """Bring `folder/chapters.json` in line with the feed's link, keeping a hand-written file;
    fetched again when the link changed or the audio was re-uploaded (`audio_replaced`).

    A hand-written file is validated: a valid one is kept as LAST_GOOD_FILE, what the site
    publishes while a later edit is broken; a broken one raises ChaptersError ("chapters not
    applied", naming it as `shown`, with line and column) and changes nothing."""
    path = folder / store.CHAPTERS_FILE
    url = record.get("chapters_url")
    if not path.is_file():
        (folder / LAST_GOOD_FILE).unlink(missing_ok=True)
    if hand_edited(folder, record):
        record.update(chapters_source=SOURCE_MANUAL, chapters_sha256=None)
        warn(f"{folder.name}: {shown} was edited by hand: it is yours now, and the feed's "
             "chapters no longer replace it")
    if path.is_file() and record.get("chapters_source") not in WRITTEN_BY_SYNC:
        record["chapters_source"] = SOURCE_MANUAL
        data = read_manual(path, shown)
        store.write_json_atomic(folder / LAST_GOOD_FILE, data)
        return
    if not url:
        if path.is_file() and record.get("chapters_source") == SOURCE_FEED:
            # the feed dropped its chapters: so does the site (the audio's own stay)
            path.unlink()
            (folder / LAST_GOOD_FILE).unlink(missing_ok=True)
            record.update(chapters_source=None, chapters_fetched_url=None, chapters_sha256=None)
        return
    # Fetched again from the same address when the audio was re-uploaded: a publisher who
    # re-cuts an episode re-writes its chapters at the same URL, and the old ones would point
    # at moments of audio that is gone.
    if (path.is_file() and record.get("chapters_fetched_url") == url
            and not record.get("audio_replaced")):
        return
    try:
        raw, changes = lenient(fetch(url))
        for change in changes:           # said first: they may be why nothing is left
            warn(f"{folder.name}: the chapters from {url} {change}")
        data = validate(raw)
        if out_of_order(raw):
            warn(f"{folder.name}: the chapters from {url} were out of order: sorted by start time")
        _write_feed_file(folder, record, data)
    except (http.FetchError, ChaptersError) as exc:
        warn(f"{folder.name}: chapters from {url} not used: {exc}")
        return
    record.update(chapters_source=SOURCE_FEED, chapters_fetched_url=url, chapters_checked=None)
