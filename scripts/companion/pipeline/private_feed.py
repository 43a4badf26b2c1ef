"""A private feed's secret: what of its URL must never be written, shown or published.

Premium and private feeds (Supercast, Patreon, Substack, Memberful, Glow, ...) give each listener
a feed URL that holds a token, in the query (`?auth=...`), in the user-info (`user:pass@`) or as a
long random path segment (`/episodes/3f9c...e1.rss`). Their enclosure URLs often carry the same
token, so redacting only the whole feed URL is not enough: every piece of it that works as a
credential is replaced by `$COMPANION_FEED` in messages, logs and `episodes/`.
"""

from __future__ import annotations

import re
import urllib.parse
import uuid
from typing import Any

from companion import urls

PLACEHOLDER = "$COMPANION_FEED"
MIN_SECRET_CHARS = 8          # shorter query values ("1", "rss", "en") are not credentials
MIN_PASSWORD_CHARS = 4        # a user-info password is a credential by definition; shorter ones
                              # would blank out ordinary words in every message
# A URL's user-info: after "://", up to the authority's last "@" (a raw "@" in a password too).
_USER_INFO = re.compile(r"(?<=://)([^/?#\s\"']*)@(?=[^/?#\s\"'@]*(?:[/?#\s\"']|$))")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
# Path segments that say the address is a public one (hosts' own words: Acast's feeds and media).
PUBLIC_PATH_WORDS = ("public", "open")
_TOKEN_SEGMENT = re.compile(r"(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-]{16,}")   # random-looking


def secret_parts(feed_url: str) -> list[str]:
    """The strings to hide: the URL as given and as requested, its user-info and password (as
    written, percent-decoded and re-encoded, in either case of escape), its query values of
    at least MIN_SECRET_CHARS characters and its random-looking path segments; longest first."""
    forms = {feed_url.strip()}
    try:
        forms.add(urls.to_uri(feed_url))
    except urls.URLError:
        pass
    parts = urllib.parse.urlsplit(feed_url.strip())
    if "@" in parts.netloc:
        # as written, as requested (re-encoded), decoded: feeds and messages spell it all ways
        written = parts.netloc.rsplit("@", 1)[0]
        user, _, password = written.partition(":")
        for text in (written, password):
            decoded = urllib.parse.unquote(text)
            spellings = {text, decoded, urllib.parse.quote(decoded, safe="!$&'()*+,;=:")}
            spellings |= {_ESCAPE.sub(case, t) for t in spellings
                          for case in (lambda m: m[0].upper(), lambda m: m[0].lower())}
            forms.update(t for t in spellings if t and (text is written or
                                                         len(decoded) >= MIN_PASSWORD_CHARS))
    for pair in parts.query.split("&"):
        raw = pair.partition("=")[2]
        value = urllib.parse.unquote_plus(raw)
        if len(value) >= MIN_SECRET_CHARS:
            # as written (a base64 token's "+" and "/" too), decoded, and encoded again
            forms.update({raw, urllib.parse.unquote(raw), value, urllib.parse.quote(value, safe="")})
    for segment in parts.path.split("/"):
        stem = segment.rsplit(".", 1)[0]
        if _TOKEN_SEGMENT.fullmatch(stem):
            forms.add(stem)
    return sorted((f for f in forms if f), key=len, reverse=True)


def _public_identifier(part: str, path: str) -> bool:
    """Whether a random-looking path segment `part` of `path` is a public identifier rather than
    a token: a UUID (RFC 9562; Acast's and Omny's show and episode ids) or any segment of a path
    that says it is public (`feeds.acast.com/public/shows/<id>`, `sphinx.acast.com/p/open/...`)."""
    segments = path.split("/")
    if part not in {segment.rsplit(".", 1)[0] for segment in segments}:
        return False                       # a query value or user-info: a credential
    try:
        if str(uuid.UUID(part)) == part.lower():     # the hyphenated form only: 32 bare hex
            return True                              # digits can as well be a token
    except ValueError:
        pass
    return any(segment.lower() in PUBLIC_PATH_WORDS for segment in segments)


def is_private(feed_url: str) -> bool:
    """Whether `feed_url` holds a credential: user-info, a long query value or a random-looking
    path segment (what `secret_parts` hides besides the URL itself) that is not a public
    identifier (`_public_identifier`: a public feed taken for a private one has its audio's
    redirects down to http refused)."""
    whole = {feed_url.strip()}
    try:
        whole.add(urls.to_uri(feed_url))
    except urls.URLError:
        pass
    path = urllib.parse.urlsplit(feed_url.strip()).path
    return any(part not in whole and not _public_identifier(part, path)
               for part in secret_parts(feed_url))


def redact(text: str, parts: list[str]) -> str:
    """`text` with every secret part replaced by PLACEHOLDER, and the user-info of any URL in it
    that is a secret once percent-decoded, however it is spelt (`s3cr%2Ft@pa55`, half-encoded)."""
    if parts:
        secret = set(parts)
        text = _USER_INFO.sub(lambda m: PLACEHOLDER + "@" if urllib.parse.unquote(m[1]) in secret
                              else m[0], text)
    for part in parts:
        text = text.replace(part, PLACEHOLDER)
    return text


def scrub(value: Any, parts: list[str]) -> Any:
    """A copy of a JSON-like value (an episode record) with every string redacted."""
    if not parts:
        return value
    if isinstance(value, str):
        return redact(value, parts)
    if isinstance(value, list):
        return [scrub(v, parts) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, parts) for k, v in value.items()}
    return value
