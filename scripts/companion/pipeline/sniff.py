"""What a body is, sniffed from its first bytes: a web page, whatever the host declared.

One rule for every fetch: a feed address that answers with a page (a bot check, a login, a
show's home page) and an audio address that answers with one (an expired signed link, a host's
error page sent with 200) are told apart from the real thing the same way. The WHATWG MIME
Sniffing standard's HTML signatures (section 7.1, "identifying a resource with an unknown MIME
type") are the model: the start of the document, after white space, a BOM, an XML declaration
and comments.
"""

from __future__ import annotations

import re

SNIFF_BYTES = 4096                   # what is looked at: the signatures sit at the very start
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


def head(raw: bytes) -> bytes:
    """The document's start without BOM, white space, XML declaration and comments, lower case."""
    text = raw[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return re.sub(rb"^(<\?xml[^>]*>|<!--.*?-->|\s)+", b"", text, flags=re.S)


def is_web_page(raw: bytes) -> bool:
    """Whether `raw` (a body, or its first bytes) is an HTML page."""
    return head(raw).startswith(HTML_STARTS)
