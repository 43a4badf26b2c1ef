"""One allow-list for HTML from a feed: what show notes may keep, and plain text for the rest.

The pipeline cleans show notes when it records them, and the site cleans them again when it
renders them (a hand-edited `episode.json` is no more trusted than a feed), with the same rules:
links, lists, emphasis and paragraphs stay; scripts, styles, event handlers, `javascript:` URLs,
images and embeds go (an image in show notes would let a feed's tracker see every reader).
"""

from __future__ import annotations

import html
import re
import urllib.parse

import nh3

SHOW_NOTE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "sup", "u", "ul",
}
SHOW_NOTE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
SHOW_NOTE_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer nofollow"
_SPACE = re.compile(r"\s+")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|div|dd|dt)>|<br\s*/?>", re.IGNORECASE)


def clean_show_notes(raw_html: str | None, base_url: str | None = None) -> str:
    """Show notes with only the allowed tags; relative links made absolute against `base_url`
    (the feed's address), so they still lead somewhere on the site."""

    def absolute(tag: str, attribute: str, value: str) -> str:
        # An empty or "#..." href names no other page: resolved, it would be the feed's own URL
        # (a private feed's token, published).
        if attribute != "href" or not value.strip() or value.strip().startswith("#"):
            return value
        return urllib.parse.urljoin(base_url or "", value)

    return nh3.clean(raw_html or "", tags=SHOW_NOTE_TAGS, attributes=SHOW_NOTE_ATTRIBUTES,
                     url_schemes=SHOW_NOTE_SCHEMES, link_rel=LINK_REL,
                     attribute_filter=absolute if base_url else None).strip()


def plain_text(raw_html: str | None) -> str:
    """Text only, on one line: tags (and script/style contents) dropped, entities decoded, and a
    space where a block ended, so "<li>a</li><li>b</li>" reads "a b"."""
    spaced = _BLOCK_END.sub(" ", raw_html or "")
    return _SPACE.sub(" ", html.unescape(nh3.clean(spaced, tags=set()))).strip()
