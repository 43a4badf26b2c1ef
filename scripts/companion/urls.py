"""URLs taken from a feed: made valid URIs before any request, and normalised to compare them.

Feeds carry URLs as publishers typed them: raw spaces, accented letters, IDN host names
(`https://hôte.example/Épisode 12.mp3`). HTTP needs a URI (RFC 3986); the mapping from an IRI
(RFC 3987) is the one browsers use, which w3lib (Scrapy's URL library) implements as
`safe_url_string`: host to IDNA, path and query percent-encoded in UTF-8, existing escapes kept.

Episode identity also compares enclosure URLs across feed moves and host migrations, where the same
audio reappears behind an analytics redirect (`https://op3.dev/e/host.example/ep.mp3`), with
another scheme, case or query string. `enclosure_key` reduces a URL to what names the audio.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from w3lib.url import safe_url_string

from companion.errors import CompanionError

FETCHABLE_SCHEMES = ("http", "https")

# Subscribe-link schemes that stand for a feed's web address: Apple's `itpc://` and `pcast://`,
# `feed://` (and `feed:https://...`, RFC-less but common), `podcast://`. Podcast apps open them
# as feeds (AntennaPod#958, NetNewsWire#343, SoundWaves in podlove-subscribe-button#113); a
# maintainer who copies a "subscribe" link gets one.
SUBSCRIBE_SCHEMES = ("itpc", "pcast", "feed", "feeds", "podcast")
_HOST_FIRST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z0-9-]+(?::\d+)?[/?]", re.I)   # host, then a path

# Analytics and redirect services that podcast hosts put in front of the real audio URL: the
# rest of the path after the prefix is the real URL, with or without its scheme. Matched on the
# host (lower case, without "www.") and a path prefix; the prefix regexes eat any service-specific
# ids. Sources: each service's own "prefix URL" setup instructions, as collected by OP3's
# documentation (op3.dev/setup) and Podnews' list of podcast analytics prefixes.
TRACKING_PREFIXES: tuple[tuple[str, str], ...] = (
    ("op3.dev", r"/e(?:,[^/]*)?/"),                          # OP3: /e/ or /e,pg=<guid>/
    ("dts.podtrac.com", r"/redirect\.[a-z0-9]+/"),           # Podtrac: /redirect.mp3/
    ("podtrac.com", r"/pts/redirect\.[a-z0-9]+/"),
    ("play.podtrac.com", r"/[^/]+/"),                         # Podtrac: /<publisher id>/
    ("chtbl.com", r"/track/[^/]+/"),                          # Chartable
    ("chrt.fm", r"/track/[^/]+/"),
    ("verifi.podscribe.com", r"/rss/p/"),                     # Podscribe
    ("pscrb.fm", r"/rss/p/"),
    ("pdst.fm", r"/e/"),                                      # Podsights
    ("pdcn.co", r"/e/"),                                      # Podcorn
    ("arttrk.com", r"/p/[^/]+/"),                             # Artsai
    ("mgln.ai", r"/e/[^/]+/"),                                # Magellan AI
    ("claritaspod.com", r"/measure/"),                        # Claritas
    ("clrtpod.com", r"/m/"),
    ("pfx.vpixl.com", r"/[^/]+/"),                            # Veritone
    ("prfx.byspotify.com", r"/e/"),                           # Spotify Ad Analytics
    ("tracking.swap.fm", r"/track/[^/]+/"),
    ("growplow.events", r"/e/[^/]+/"),
    ("media.blubrry.com", r"/[^/]+/"),                        # Blubrry: /<show>/<real host>/...
)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.I)
# What a host may be once IDNA-encoded: DNS labels or an IP literal (RFC 3986 section 3.2.2).
_HOST = re.compile(r"[a-z0-9_.-]+|[0-9a-f:.]+", re.I)
# A `%` that starts no escape (`100% honest.mp3`): w3lib and browsers send it as it is, which many
# servers refuse (400) or read as another name; OkHttp (AntennaPod) and requests encode it `%25`.
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MAX_PREFIXES = 8                    # prefixes chain (op3 -> podtrac -> chartable); bound the loop


class URLError(CompanionError, ValueError):
    """A URL from the feed that cannot be requested; the message names it and says why."""


def _what_is_wrong(url: str) -> str:
    """Plain words for what a feed URL carries that a URI may not (for messages)."""
    found = []
    if " " in url:
        found.append("a space")
    if any(ord(c) > 127 for c in url):
        found.append("an accented or non-ASCII letter")
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        found.append("a control character")
    return " and ".join(found)


def _host_problem(url: str) -> str:
    """`_what_is_wrong` of `url`'s host name alone ("" when it has none, or the host is fine):
    w3lib 2.6 refuses a host with a space itself (a forbidden domain code point), where 2.5
    encoded it and left the refusal to the host check below."""
    try:
        netloc = urllib.parse.urlsplit(url).netloc
    except ValueError:
        return ""
    return _what_is_wrong(netloc.rpartition("@")[2])


def to_uri(url: str) -> str:
    """`url` (an IRI as a feed gives it) as a URI fit for an HTTP request.

    Spaces and non-ASCII letters are percent-encoded as UTF-8, the host name IDNA-encoded, and
    escapes already present are kept (RFC 3987 section 3.1, as browsers do it); a `%` that starts
    no escape is the character itself, `%25` (RFC 3986 section 2.4), as OkHttp sends it.
    Raises URLError naming the URL when it cannot be a http(s) URL (bad port, bad host, other scheme).
    """
    text = url.strip()
    problem = _what_is_wrong(text)
    try:
        uri = safe_url_string(_LONE_PERCENT.sub("%25", text))
        parts = urllib.parse.urlsplit(uri)
        _ = parts.port                                  # raises ValueError when out of range
    except (ValueError, UnicodeError) as exc:
        in_host = _host_problem(text)
        extra = (f" (its host name holds {in_host})" if in_host
                 else f" (it holds {problem})" if problem else "")
        # the parser's words quote pieces of the address: of a password too, when there is one
        why = "" if "@" in text else f": {exc}"
        raise URLError(f"the feed's URL {url!r} is not a usable web address{extra}{why}") from exc
    if (parts.scheme.lower() not in FETCHABLE_SCHEMES or not parts.hostname
            or not _HOST.fullmatch(parts.hostname)):
        extra = f"; its host name holds {problem}" if problem else ""
        raise URLError(f"the feed's URL {url!r} is not a usable web address "
                       f"(it must start with http:// or https:// and name a host{extra})")
    return uri


def strip_tracking(url: str) -> str:
    """The audio URL behind any chain of analytics redirect prefixes (scheme-less if the last
    prefix dropped it), e.g. `https://op3.dev/e/dts.podtrac.com/redirect.mp3/h.example/a.mp3`
    -> `h.example/a.mp3`."""
    current = url
    for _ in range(_MAX_PREFIXES):
        absolute = _SCHEME.match(current) is not None
        parts = urllib.parse.urlsplit(current if absolute else f"http://{current}")
        host = (parts.hostname or "").lower().removeprefix("www.")
        for service, prefix in TRACKING_PREFIXES:
            match = re.match(prefix, parts.path, re.I) if host == service else None
            if match:
                current = parts.path[match.end():] + (f"?{parts.query}" if parts.query else "")
                break
        else:
            return current
    return current


def enclosure_key(url: str) -> str:
    """What names the audio file behind `url`, for recognising one episode across feeds.

    Tracking prefixes removed, scheme, `www.` and query string and fragment ignored, host lower
    case, percent-encoding normalised (IRI and URI forms of one URL give one key).
    """
    behind = strip_tracking(url.strip())
    if behind and not _SCHEME.match(behind):
        behind = f"http://{behind}"       # so the host is read as a host (IDNA), not as a path
    try:
        uri = safe_url_string(behind)
    except (ValueError, UnicodeError):
        uri = url.strip()
    rest = _SCHEME.sub("", uri, count=1) if _SCHEME.match(uri) else uri
    host, _, path = rest.partition("/")
    host = host.rsplit("@", 1)[-1].lower().removeprefix("www.")
    host = re.sub(r":(80|443)$", "", host)
    path = path.split("#", 1)[0].split("?", 1)[0]
    # One spelling of every escape: decode, then encode again the same way.
    path = urllib.parse.quote(urllib.parse.unquote(path), safe="/!$&'()*+,;=:@~-._")
    return f"{host}/{path}"


def feed_address(text: str) -> tuple[str, str | None]:
    """The web address a feed given as `text` is read from, and a sentence for the maintainer
    when it was not given as one: a subscribe link (`itpc://host/feed`, `feed:https://host/feed`,
    `pcast://...`, `podcast://...`) or a host with no scheme (`feeds.example.com/show.rss`,
    RadioDownloader#186). Without a scheme of its own it is read over https (browsers' and
    podcast apps' https-first rule; a private feed's token never goes in clear). Anything else
    (an http(s) URL, a file on this machine, nothing) is returned stripped, with None."""
    address = (text or "").strip()
    if not address or Path(address).expanduser().exists():
        return address, None
    scheme, colon, rest = address.partition(":")
    if colon and scheme.lower() in SUBSCRIBE_SCHEMES:
        inner = rest.lstrip("/") if not re.match(r"(?i)https?://", rest) else rest
        url = inner if re.match(r"(?i)https?://", inner) else f"https://{inner}"
        return url, (f"{address} is a podcast subscribe link: read as {url}; put that address "
                     "in the settings")
    if not colon or not re.match(r"(?i)[a-z][a-z0-9+.-]*://", address):
        if _HOST_FIRST.match(address):
            url = f"https://{address}"
            return url, f"{address} has no http:// or https://: read as {url}"
    return address, None
