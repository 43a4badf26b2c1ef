"""A second reader as a check: every feed in tests/data/feeds/ (a copy of the shared collection)
read by gPodder's podcastparser and by us, compared item by item (guid, title, date, chosen
audio, duration, chapters, transcript links: tests/second_reader.py). Each difference must be
one of the explained kinds below, or the test fails naming it."""

from __future__ import annotations

import re

import pytest
from second_reader import FEEDS, differences, feed_files

# (what matches (path, item, field, what), why it is right that the two readers differ)
EXPLAINED = [
    (r"\| feed \| podcastparser refuses the feed",
     "podcastparser stops at the first XML error (expat); feedparser reads what a partly malformed "
     "feed still holds, and sync says the feed is partly malformed"),
    (r"\| item \| only we read this item",
     "podcastparser drops an item with no <title> unless it has exactly one enclosure, and one "
     "with neither guid nor link unless its enclosures share one URL; we keep it (\"Untitled "
     "episode\", text-only without audio) so nothing the publisher listed is lost"),
    (r"^podcastparser/no_guid\.rss \| .* \| item \| only podcastparser reads",
     "the same item as the line before: with no <guid>, podcastparser names it by its <link> and "
     "we by its enclosure URL (feed._identity: the audio file identifies the episode)"),
    (r"^feedparser/wellformed/rss/item_enclosure_(length|type|url)\.xml \| .* \| audio \| ours None",
     "the enclosure is image/jpeg: nothing to transcribe; podcastparser lists every enclosure "
     "whatever its type"),
    (r"\| guid \| podcastparser 'https?://",
     "podcastparser resolves a permalink guid, or uses the <link>, as a URL; we keep the guid "
     "exactly as written (shared KNOWN TRAPS: an identity must not change when the feed moves) "
     "and fall back to the enclosure URL when there is no guid"),
    (r"\| guid \| podcastparser ''$",
     "the item's <guid> is empty: no identity; we fall back to the enclosure URL"),
    (r"^podcast-namespace/example\.xml \| .* \| (chapters|transcript) \|",
     "podcastparser 0.6.11 knows the Podcasting 2.0 namespace only by its first address "
     "(github.com/Podcastindex-org/...); this feed uses https://podcastindex.org/namespace/1.0. "
     "We read both (feed.PODCAST_NAMESPACES)"),
]


def explanation(line: str) -> str | None:
    return next((why for pattern, why in EXPLAINED if re.search(pattern, line)), None)


@pytest.mark.parametrize("path", feed_files(), ids=lambda p: str(p.relative_to(FEEDS)))
def test_every_difference_from_podcastparser_is_explained(path) -> None:
    lines = [f"{path.relative_to(FEEDS)} | {key} | {name} | {what}"
             for key, name, what in differences(path)]
    unexplained = [line for line in lines if explanation(line) is None]
    assert not unexplained, "\n".join(unexplained)


def test_the_comparison_covers_the_collection_and_agrees_on_dates_and_audio() -> None:
    files = feed_files()
    assert len(files) >= 70
    kinds = [name for path in files for _key, name, _what in differences(path)]
    assert "date" not in kinds and "duration" not in kinds and "title" not in kinds
