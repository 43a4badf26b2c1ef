"""A feed split into pages: follow RFC 5005 links to the older episodes, within bounds.

Podlove Publisher, WordPress/PowerPress and others put the newest episodes on the first page and
link the rest with `<atom:link rel="next">` (RFC 5005 section 3, paged feeds); archived feeds link
their previous archive document with `rel="prev-archive"` (section 4). Both are followed, newest
page first, at most MAX_PAGES pages and MAX_SECONDS of reading, and never the same address twice
(a page that links back to an earlier one is a loop, said and stopped).

A page that cannot be read, or a bound reached, leaves the walk incomplete (`Paged.missing`): what
was read is kept, and the run says so and exits non-zero (`sync.Report.exit_code`), because the
episodes on the pages not read are missing from the site (audiobookshelf#3476: a tool that found
99 of 161 episodes and said nothing). A loop is not incomplete: every page it links was read.

An item already read on a newer page is skipped without a warning: when an episode is published
between two page requests, the last item of page 1 becomes the first of page 2.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from companion import urls
from companion.pipeline.feed import FeedError, ParsedFeed

MAX_PAGES = 100          # a WordPress feed of 10 items a page and 1,000 episodes
MAX_SECONDS = 300.0      # all the pages after the first, together


@dataclass
class Paged:
    feed: ParsedFeed                 # the first page's feed with every page's items
    pages: int = 1                   # documents read, the first included
    complete: bool = True            # False: a page failed or a bound stopped the walk
    missing: str | None = None       # why older pages were not read (a page failed, a bound):
                                     # the run is incomplete; None when every page was read
    warnings: list[str] = field(default_factory=list)


def _key(url: str) -> str:
    try:
        return urls.to_uri(url)
    except urls.URLError:
        return url.strip()


def follow(first: ParsedFeed, first_url: str, read: Callable[[str], ParsedFeed],
           max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS) -> Paged:
    """Every page of the feed whose first page is `first` (read from `first_url`).

    `read(url)` returns one page, raising FeedError when it cannot (not a feed, or the fetch
    failed); the walk then stops, keeps what it has and says so. Returns the merged feed, how many pages were read and whether the walk was complete.
    """
    result = Paged(feed=first)
    seen_pages = {_key(first_url)} if first_url else set()
    seen_items = {item["guid"] for item in first.items}
    deadline = time.monotonic() + max_seconds
    page = first
    while True:
        pending = [u for u in page.next_pages if _key(u) not in seen_pages]
        if not pending:
            if page.next_pages:
                result.warnings.append(f"page {result.pages} of the feed links back to a page "
                                       "already read (a loop): stopped there")
                result.complete = False
            break
        if result.pages >= max_pages or time.monotonic() > deadline:
            result.warnings.append(
                f"the feed has more pages than this run reads ({result.pages} pages read, limit "
                f"{max_pages} pages or {max_seconds:.0f} s): older episodes are left out")
            result.complete = False
            result.missing = result.warnings[-1]
            break
        url = pending[0]
        seen_pages.add(_key(url))
        try:
            page = read(url)
        except FeedError as exc:
            result.warnings.append(f"page {result.pages + 1} of the feed ({url}) cannot be read: "
                                   f"{exc}; older episodes are left out this run")
            result.complete = False
            result.missing = result.warnings[-1]
            break
        result.pages += 1
        result.feed.warnings.extend(f"page {result.pages}: {w}" for w in page.warnings)
        if page.cut_off:                 # read what it holds, but the walk is not complete
            result.complete = False
            result.missing = f"page {result.pages} of the feed ({url}): {page.cut_off}"
        for item in page.items:
            if item["guid"] not in seen_items:
                seen_items.add(item["guid"])
                result.feed.items.append(item)
    return result
