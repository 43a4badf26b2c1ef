"""Bounds on what feedparser and the strict XML pass are given, until feedparser ships its own.

Two of feedparser's steps are super-linear on hostile input:

- It looks for an e-mail address in every `<author>`, `<dc:creator>`, `<itunes:author>` and
  `<managingEditor>` with a regex whose nested repetition, `([a-z0-9-]+\\.)+`, backtracks
  quadratically: an author of `a@` + `a.` * 8000 (16 KB) took 20 s here, and a feed holds thousands
  of items (kurtmckee/feedparser issue 562; the fix proposed upstream, pull request 580, is this
  length guard). An address is at most 254 characters (RFC 5321 section 4.5.3.1.3), so an author
  field is cut to MAX_AUTHOR_CHARS before feedparser reads it. The pipeline does not use authors
  from the feed; the cut only keeps the parse linear.
- Its strict (SAX) pass costs the square of the nesting depth (each element it closes joins the
  text of every element still open inside it: 50,000 nested elements took 13 s), of the number of
  attributes on one element (50,000 took 229 s) and, less steeply, of the number of items (20,000
  took 23 s). `check_shape` refuses a feed past MAX_DEPTH, MAX_ATTRIBUTES or MAX_ITEMS before any
  parser sees it: one linear expat pass (C, no entity expansion past expat's own amplification
  limit) over exactly what feedparser's strict pass would read (the bytes made UTF-8 and the
  DOCTYPE replaced, by feedparser's own functions). A document expat finds malformed is read by
  feedparser's loose parser instead, which is linear in all three (20,000 deep: 1.5 s), so
  what follows the error needs no bound here. The strict `xml.etree` passes in `feed` are C and
  linear.
"""

from __future__ import annotations

import xml.parsers.expat
from typing import Any

from feedparser import mixin
from feedparser.encodings import convert_to_utf8
from feedparser.sanitizer import replace_doctype

from companion.errors import PipelineError

MAX_AUTHOR_CHARS = 300      # a display name and an address (RFC 5321: 254) with room to spare
# Real feeds nest under 15 deep (rss > channel > item > podcast:person ...); XHTML show notes in
# an Atom `<content type="xhtml">` add what the notes' own markup nests, rarely 20 more.
MAX_DEPTH = 256
MAX_ATTRIBUTES = 256        # real elements carry under 10
MAX_ITEMS = 20_000          # a daily show for 50 years; real feeds hold at most a few thousand

_unbounded = mixin._FeedParserMixin._sync_author_detail


class ShapeError(PipelineError, ValueError):
    """A feed shaped to make parsing it take too long; the message names the bound."""


def _sync_author_detail(self: Any, key: str = "author") -> None:
    context = self._get_context()
    value = context.get(key)
    if isinstance(value, str) and len(value) > MAX_AUTHOR_CHARS:
        context[key] = value[:MAX_AUTHOR_CHARS]
    _unbounded(self, key)


def install() -> None:
    """Bound feedparser's author parsing (idempotent)."""
    mixin._FeedParserMixin._sync_author_detail = _sync_author_detail


def check_shape(raw: bytes, error: type[Exception] = ShapeError) -> None:
    """Raise `error` (a message naming the bound) when the feed `raw` nests elements more than
    MAX_DEPTH deep, puts more than MAX_ATTRIBUTES on one element or holds more than MAX_ITEMS
    items or entries. Linear in len(raw); a feed expat cannot read is let through (see above)."""
    data = convert_to_utf8({}, raw, {})
    _version, data, _entities = replace_doctype(data)
    depth = items = 0

    def start(name: str, attrs: list) -> None:
        nonlocal depth, items
        depth += 1
        if depth > MAX_DEPTH:
            raise error(f"the feed nests elements more than {MAX_DEPTH} deep (real feeds nest "
                        "under 30); not read, since the time to parse that grows with the "
                        "square of the depth")
        if len(attrs) > 2 * MAX_ATTRIBUTES:            # ordered_attributes: name, value, ...
            raise error(f"a <{name[:40]}> in the feed has more than {MAX_ATTRIBUTES} "
                        "attributes; not read, since the time to parse that grows with the "
                        "square of their number")
        if name.rpartition(" ")[2] in ("item", "entry"):
            items += 1
            if items > MAX_ITEMS:
                raise error(f"the feed holds more than {MAX_ITEMS:,} items; not read, since the "
                            "time to parse that grows faster than their number")

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.ordered_attributes = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        pass                     # feedparser's linear loose parser reads it
