"""One allow-list for HTML from a feed: what show notes may keep, and plain text for the rest.

The pipeline cleans show notes when it records them, and the site cleans them again when it
renders them (a hand-edited `episode.json` is no more trusted than a feed), with the same rules:
links, lists, emphasis and paragraphs stay; scripts, styles, event handlers, `javascript:` URLs,
images and embeds go (an image in show notes would let a feed's tracker see every reader).

nh3's HTML parser (html5ever) takes time that grows with the square of the nesting depth or
worse: 20,000 nested `<div>` took 7 s, 20,000 nested `<ul><li>` 50 s, 100,000 nested `<div>` over
3 minutes. HTML nested past MAX_DEPTH, or with a tag longer than MAX_TAG_CHARS (thousands of
attributes), is not given to nh3: it is read as text by one linear pass (`_text_only`), so the
words stay and the markup goes.
"""

from __future__ import annotations

import html
import re
import urllib.parse

from typing import Any

import nh3

SHOW_NOTE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "sup", "u", "ul",
}
SHOW_NOTE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
SHOW_NOTE_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer nofollow"
BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})   # template braces as entities: inert in Jinja
# Whitespace, and the C0/C1 control characters a feed can smuggle in (`&#1;`, a raw \x01 that a
# malformed feed keeps): never text, and invalid in the XML and YAML the site writes.
_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
MAX_DEPTH = 256          # real show notes nest under 10
MAX_TAG_CHARS = 4096     # a tag with a long link is under 2,000
# Elements that do not nest when left open (void, or an end tag HTML lets be omitted: a second
# <p> or <li> closes the first), so counting them would only over-count.
_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
         "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body"}
# Linear: `[^<>]*` stops at the next `<`, so no stretch of text is scanned twice.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|div|dd|dt)>|<br\s*/?>", re.IGNORECASE)


def text(value: Any) -> str:
    """Escape untrusted text for HTML: tags, quotes and template braces all become inert
    (None is ""). Every feed or transcript string the site or the course shows goes through it."""
    return html.escape(str(value if value is not None else ""), quote=True).translate(BRACES)


def _too_costly(markup: str) -> bool:
    """True when `markup` nests elements deeper than MAX_DEPTH or holds a tag longer than
    MAX_TAG_CHARS: an upper bound on what html5ever would build, read in one linear pass."""
    depth = 0
    for match in _TAG.finditer(markup):
        closing, name, rest = match.groups()
        if len(rest) > MAX_TAG_CHARS:
            return True
        if name.lower() in _FLAT or rest.endswith("/"):
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > MAX_DEPTH:
            return True
    return False


def one_line(value: Any) -> str:
    """`value` as text (None as ""), each run of whitespace and control characters one space, the
    ends trimmed: feed text can then never start a line (Markdown, snippets) in macro output, nor
    carry a character the site's XML and YAML cannot hold."""
    return _SPACE.sub(" ", str(value if value is not None else "")).strip()


def _text_only(markup: str) -> str:
    """The words of `markup` with every tag dropped and entities decoded, on one line."""
    return one_line(html.unescape(_TAG.sub(" ", _BLOCK_END.sub(" ", markup))))


def clean_show_notes(raw_html: str | None, base_url: str | None = None) -> str:
    """Show notes with only the allowed tags; relative links made absolute against `base_url`
    (the feed's address), so they still lead somewhere on the site. Markup too deep or too
    large to parse in linear time (MAX_DEPTH, MAX_TAG_CHARS) becomes one escaped paragraph of
    its text."""
    if raw_html and _too_costly(raw_html):
        text = _text_only(raw_html)
        return f"<p>{html.escape(text, quote=False)}</p>" if text else ""

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
    if raw_html and _too_costly(raw_html):
        return _text_only(raw_html)
    spaced = _BLOCK_END.sub(" ", raw_html or "")
    return one_line(html.unescape(nh3.clean(spaced, tags=set())))
