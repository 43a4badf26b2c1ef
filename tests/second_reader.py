"""Two readers of one feed: ours (`feed.parse_feed`) and gPodder's `podcastparser`, item by item.

Used by tests/test_second_reader.py (every difference is explained there or fails) and runnable
alone to list the differences: `.venv/bin/python tests/second_reader.py`.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any, Iterator

import podcastparser

from companion.pipeline import dates
from companion.pipeline.feed import FeedError, parse_feed

FEEDS = Path(__file__).parent / "data" / "feeds"
URL = "https://host.example/feed.xml"


def feed_files() -> list[Path]:
    return sorted(p for p in FEEDS.rglob("*") if p.suffix in (".xml", ".rss"))


def _theirs(raw: bytes) -> list[dict[str, Any]] | None:
    try:
        return podcastparser.parse(URL, io.BytesIO(raw))["episodes"]
    except Exception:  # noqa: BLE001 - podcastparser raises whatever its XML reader raises
        return None


def _same_title(ours: str, theirs: str | None) -> bool:
    return " ".join(ours.split()) == " ".join((theirs or "").split())


def differences(path: Path) -> Iterator[tuple[str, str, str]]:
    """(item key, field, what differs) for every disagreement in one feed file."""
    raw = path.read_bytes()
    theirs = _theirs(raw)
    try:
        ours = parse_feed(raw, URL).items
    except FeedError as exc:
        if theirs:
            yield ("*", "feed", f"we refuse the feed ({exc}); podcastparser reads {len(theirs)} items")
        return
    if theirs is None:
        if ours:
            yield ("*", "feed", f"podcastparser refuses the feed; we read {len(ours)} items")
        return
    unmatched = list(theirs)
    for item in ours:
        match = next((e for e in unmatched if e.get("guid") == item["guid"]), None) or \
            next((e for e in unmatched if _same_title(item["title"], e.get("title"))), None)
        key = item["guid"][:60]
        if match is None:
            yield (key, "item", "only we read this item")
            continue
        unmatched.remove(match)
        if match.get("guid") != item["guid"]:
            yield (key, "guid", f"podcastparser {match.get('guid')!r}")
        if not _same_title(item["title"], match.get("title")) and item["title"] != "Untitled episode":
            yield (key, "title", f"ours {item['title']!r}, podcastparser {match.get('title')!r}")
        when = dates.instant(item["date"])
        ours_ts = int(when.timestamp()) if when else 0
        if ours_ts != (match.get("published") or 0):
            yield (key, "date", f"ours {item['date']!r}, podcastparser {match.get('published')!r}")
        urls = [e["url"] for e in match.get("enclosures", [])]
        chosen = (item["audio_source"] or {}).get("url")
        if chosen not in urls and (chosen or urls):
            yield (key, "audio", f"ours {chosen!r}, podcastparser {urls!r}")
        duration = item["duration"] or 0
        if int(duration) != (match.get("total_time") or 0):
            yield (key, "duration", f"ours {item['duration']!r}, podcastparser {match.get('total_time')!r}")
        if (item["chapters_url"] or None) != (match.get("chapters_json_url") or None):
            yield (key, "chapters", f"ours {item['chapters_url']!r}, podcastparser "
                                    f"{match.get('chapters_json_url')!r}")
        transcript = match.get("transcript_url")
        if transcript and transcript not in [t["url"] for t in item["publisher_transcripts"]]:
            yield (key, "transcript", f"podcastparser {transcript!r} is not among ours")
        if not transcript and item["publisher_transcripts"]:
            yield (key, "transcript", "only we read a transcript link")
    for episode in unmatched:
        yield (str(episode.get("guid"))[:60], "item", "only podcastparser reads this item")


def main() -> int:
    for path in feed_files():
        for key, name, what in differences(path):
            print(f"{path.relative_to(FEEDS)} | {key} | {name} | {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
