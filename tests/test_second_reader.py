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
     "We read every spelling of it (feed._podcast_local)"),
    (r"\| duration \| ours [\d.]+, podcastparser 0$",
     "podcastparser reads only [[HH:]MM:]SS and plain seconds and gives 0 for the rest; we also "
     "read the other forms feeds ship ('1h 2m', '62 min', '01:02:03,500', ISO 8601 'PT1H2M3S': "
     "pipeline/feed_numbers.py)"),
    (r"\| duration \| ours None, podcastparser (-\d+|\d{7,})$",
     "podcastparser takes a negative number, or a file size in bytes written as the duration, as "
     "seconds; we leave the duration empty and warn (feed_numbers: no duration is negative or "
     "over a week)"),
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
    found = [(name, what) for path in files for _key, name, what in differences(path)]
    kinds = [name for name, _what in found]
    assert "date" not in kinds and "title" not in kinds
    # Durations differ only where one reader has none: never two different readings of one value.
    durations = [what for name, what in found if name == "duration"]
    assert all(re.search(r"ours ([\d.]+, podcastparser 0|None, podcastparser (-\d+|\d{7,}))$", what) for what in durations), durations
