"""A bound on feedparser's one super-linear step, until feedparser ships its own.

feedparser (6.0.14 and earlier) looks for an e-mail address in every `<author>`, `<dc:creator>`,
`<itunes:author>` and `<managingEditor>` with a regex whose nested repetition, `([a-z0-9-]+\\.)+`,
backtracks quadratically: an author of `a@` + `a.` * 8000 (16 KB) took 20 s here, and a feed holds
thousands of items (kurtmckee/feedparser issue 562; the fix proposed upstream, pull request 580,
is this length guard). An address is at most 254 characters (RFC 5321 section 4.5.3.1.3), so an
author field is cut to MAX_AUTHOR_CHARS before feedparser reads it. The pipeline does not use
authors from the feed; the cut only keeps the parse linear.
"""

from __future__ import annotations

from typing import Any

from feedparser import mixin

MAX_AUTHOR_CHARS = 300      # a display name and an address (RFC 5321: 254) with room to spare

_unbounded = mixin._FeedParserMixin._sync_author_detail


def _sync_author_detail(self: Any, key: str = "author") -> None:
    context = self._get_context()
    value = context.get(key)
    if isinstance(value, str) and len(value) > MAX_AUTHOR_CHARS:
        context[key] = value[:MAX_AUTHOR_CHARS]
    _unbounded(self, key)


def install() -> None:
    """Bound feedparser's author parsing (idempotent)."""
    mixin._FeedParserMixin._sync_author_detail = _sync_author_detail
