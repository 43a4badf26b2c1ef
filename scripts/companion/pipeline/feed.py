"""Read a podcast feed into plain episode records, trusting none of its text.

feedparser does the forgiving parse (a partly malformed feed yields what can be read); a second,
strict pass over the XML collects every `<podcast:transcript>` of an item, because feedparser keeps
only the last one. Show notes are sanitised with nh3; titles become plain text.

feedparser is never told where the feed came from: given a base URL it resolves an RSS `<guid>`
without `isPermaLink="false"` against it (`abc-123` read from `https://host/rss` becomes
`https://host/abc-123`), so an episode's identity would change whenever the feed moves. The guid
is kept exactly as written (whitespace trimmed) and this module resolves the URLs itself.
"""

from __future__ import annotations

import calendar
import html
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import feedparser
import lxml.etree
import nh3

from companion.errors import PipelineError
from companion.sanitise import clean_show_notes, one_line, plain_text
from companion.pipeline import dates, feedparser_bounds, sniff
from companion.pipeline.feed_numbers import episode_number, parse_duration, season_number
from companion.pipeline.slug import short_hash
from companion.urls import FETCHABLE_SCHEMES, enclosure_key, strip_tracking   # an enclosure: never file:// or else

feedparser_bounds.install()       # its author regex is quadratic on hostile input

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
# Every spelling of the namespace feeds write, compared without scheme, case or a final slash: its
# first address (still in feeds written in 2020-21, Podcast Index's own pc20rss; the spec says
# clients "must also recognize" it: podcast-namespace#143), `http://` and a trailing `/`.
_PODCAST_NS_FORMS = ("podcastindex.org/namespace/1.0",
                     "github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md")


def _podcast_local(tag: str) -> str | None:
    """The local name of a `{namespace}name` tag in the Podcasting 2.0 namespace, however the
    feed spells the namespace; None for any other tag."""
    if not tag.startswith("{"):
        return None
    namespace, _, local = tag[1:].partition("}")
    form = re.sub(r"^https?://(www\.)?", "", namespace.strip().lower()).rstrip("/")
    return local if form in _PODCAST_NS_FORMS else None


def _podcast_tags(element: Any, name: str) -> list[Any]:
    """`element`'s children `podcast:<name>`, under any spelling of the namespace."""
    return [child for child in element
            if isinstance(child.tag, str) and _podcast_local(child.tag) == name]


def _own_elements(item: Any) -> dict[str, list[Any]]:
    """The elements of an RSS `<item>` by tag (Podcasting 2.0 ones under PODCAST_NS, however the
    feed spells it), in document order: its children and, below them,
    whatever is not inside a nested `<item>` or a `podcast:alternateEnclosure`. A strict parse
    gives the same as the children; a recovering one (`_xml_root`) nests an item's later elements
    inside a tag left open in its title or description (`<title>Part 1<br>Part 2</title>`: every
    element after it ends up inside the `<br>`), and they are found all the same."""
    found: dict[str, list[Any]] = {}
    stack = list(item)[::-1]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):       # an unexpanded entity (lxml)
            continue
        local = _podcast_local(element.tag)
        found.setdefault(f"{{{PODCAST_NS}}}{local}" if local else element.tag, []).append(element)
        if element.tag not in ("item", f"{ATOM_NS}entry") and local != "alternateEnclosure":
            stack.extend(list(element)[::-1])
    return found


def _own_podcast(own: dict[str, list[Any]], name: str) -> list[Any]:
    """The `podcast:<name>` elements of an item's `_own_elements` (any spelling of the namespace)."""
    return own.get(f"{{{PODCAST_NS}}}{name}", [])
AUDIO_EXTENSIONS = (".mp3", ".m4a", ".m4b", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac")
VIDEO_EXTENSIONS = (".mp4", ".m4v", ".mov", ".webm", ".mkv")
NOT_MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf", ".html", ".htm",
                        ".txt", ".json", ".vtt", ".srt", ".xml")
# Types that say nothing about the media: the file's extension decides, then ffmpeg (probing).
UNDECLARED_TYPES = ("", "application/octet-stream", "binary/octet-stream", "application/x-download",
                    "application/download", "application/force-download")
AUDIO_TYPES = ("application/ogg", "application/x-ogg")    # audio in practice, whatever the prefix
# Streaming playlists (HLS, M3U, PLS): a list of addresses, not a file that holds the episode.
PLAYLIST_TYPES = ("application/x-mpegurl", "application/vnd.apple.mpegurl", "audio/x-mpegurl",
                  "audio/mpegurl", "audio/x-scpls", "application/pls+xml")
PLAYLIST_EXTENSIONS = (".m3u8", ".m3u", ".pls")
# Words in a mistyped type (`application/mp3`, `mpeg`) that say it may be media after all.
_MEDIA_WORDS = re.compile(r"audio|video|mpeg|mp3|mp4|m4a|aac|ogg|opus|wav|flac|podcast")
# RFC 5005: a paged feed's next (older) page, and an archived feed's previous archive document.
PAGE_RELS = ("next", "prev-archive")


class FeedError(PipelineError):
    """The feed as a whole cannot be used (unreachable, not a feed, nothing readable)."""


@dataclass
class ParsedFeed:
    title: str
    link: str | None
    items: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    new_feed_url: str | None = None          # itunes:new-feed-url: the publisher moved the feed
    next_pages: list[str] = field(default_factory=list)   # RFC 5005 next / prev-archive links
    url: str = ""                            # where it was read from
    moved_to: str | None = None              # HTTP 301/308 all the way: where it lives now
    cut_off: str | None = None               # why the document is known to be incomplete


def _int_or_none(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _field(entry: Any, name: str) -> Any:
    """`entry[name]` as written: feedparser maps a missing `updated*` to `published*` with a
    DeprecationWarning; a dict lookup of the stored keys does not."""
    return dict.get(entry, name)


def _date_text(entry: Any) -> str | None:
    return _field(entry, "published") or _field(entry, "updated") or None


def _date(entry: Any, day_first: bool | None) -> dates.PubDate:
    """The item's date in the publisher's zone (`dates.parse_pubdate`); feedparser's own UTC
    reading only when ours finds none (feedparser reads a few regional formats we do not). An
    item with no date always says why (its `problem`), an empty or missing pubDate too: the
    maintainer is told, as for one that cannot be read (vod2pod-rss#224: undated episodes that
    apps then sort wrongly)."""
    ours = dates.parse_pubdate(_date_text(entry), day_first)
    if ours.iso:
        return ours
    parsed = _field(entry, "published_parsed") or _field(entry, "updated_parsed")
    if parsed:
        try:
            iso = datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).isoformat()
        except (OverflowError, ValueError, OSError):
            return ours
        return dates.PubDate(iso, None)
    if ours.problem:
        return ours
    written = any(dict.__contains__(entry, name) for name in ("published", "updated"))
    return dates.PubDate(None, "its pubDate is empty" if written
                         else "it has no pubDate (no publication date at all)")


def media_kind(media_type: str | None, url: str | None) -> str:
    """"audio", "video", "playlist" (HLS `.m3u8`, M3U, PLS: addresses of a stream, not a file),
    "unknown" (nothing usable declared, nothing in the name) or "other" (an image, a PDF...) for
    an enclosure. A declared audio or video type decides (a `.mp4` declared
    `video/mp4` is video); any other type gives way to a media file name, because publishers
    mistype it (`audio`, `mp3`, `application/mp3`, `text/plain` for an MP3: AntennaPod and gPodder
    then go by the extension too); a type that is not a media type (`type/subtype`, RFC 6838)
    but names audio, with no telling name, is left for ffmpeg (probing)."""
    kind = (media_type or "").split(";", 1)[0].strip().lower()
    path = (url or "").lower().split("?", 1)[0].split("#", 1)[0]
    if kind in PLAYLIST_TYPES or (path.endswith(PLAYLIST_EXTENSIONS)
                                  and not kind.startswith(("audio/", "video/"))):
        return "playlist"
    if kind.startswith("audio/") or kind in AUDIO_TYPES:
        return "audio"
    if kind.startswith("video/"):
        return "video"
    by_name = ("audio" if path.endswith(AUDIO_EXTENSIONS) else "video"
               if path.endswith(VIDEO_EXTENSIONS) else "other"
               if path.endswith(NOT_MEDIA_EXTENSIONS) else "unknown")
    if kind in UNDECLARED_TYPES or by_name in ("audio", "video"):
        return by_name
    if by_name == "unknown" and ("/" not in kind or _MEDIA_WORDS.search(kind)):
        return "unknown"
    return "other"


def _is_media(enclosure: dict[str, Any]) -> bool:
    return media_kind(enclosure.get("type"), enclosure.get("href")) != "other"


def _content_type(content_type: str | None) -> str:
    """The media type feedparser should trust. `text/xml` without a charset no longer means
    US-ASCII (RFC 7303 section 8.5 and appendix C obsolete RFC 3023's default): the XML
    declaration or BOM decides, exactly as for `application/xml`."""
    kind = (content_type or "application/xml").strip()
    if kind.split(";", 1)[0].strip().lower() == "text/xml" and "charset" not in kind.lower():
        return "application/xml"
    return kind


# Which media an episode's audio is best taken from: audio by declared type, audio by its name,
# then video (transcribed from its audio track), then what only ffmpeg can tell (probing).
KIND_RANK = {"audio": 0, "video": 2, "unknown": 3, "playlist": 4}
WHY = {"audio": "declared audio", "video": "video: transcribed from its audio track",
       "unknown": "no media type declared: ffmpeg reads what the file holds",
       "playlist": "a streaming playlist (HLS or M3U/PLS), not an audio file"}


def _media(url: str, media_type: str | None, length: Any, origin: str) -> dict[str, Any]:
    return {"url": url, "type": (media_type or "").strip().lower() or None,
            "length": _int_or_none(length) or None, "origin": origin}


def rank(media: dict[str, Any]) -> tuple[int, int]:
    """Sort key of a media candidate ({"url", "type", "origin", ...}): lower is better."""
    kind = media_kind(media["type"], media["url"])
    declared = 0 if kind == "audio" and (media["type"] or "") not in UNDECLARED_TYPES else 1
    return (KIND_RANK.get(kind, 9) + (declared if kind == "audio" else 0),
            0 if media["origin"] == "enclosure" else 1)


def _enclosures(entry: Any, base_url: str) -> list[dict[str, Any]]:
    """The item's `<enclosure>`s that are media at a web address, in document order, then its
    Media RSS `<media:content>`s (some hosts give the audio only there; AntennaPod and
    podcastparser read them too)."""
    found = []
    for e in entry.get("enclosures", []):
        url = fetchable(base_url, e.get("href"))
        if url and _is_media(e):
            found.append(_media(url, e.get("type"), e.get("length"), "enclosure"))
    for m in entry.get("media_content", []):
        url = fetchable(base_url, m.get("url"))
        if (url and m.get("medium", "audio") in ("audio", "video")
                and media_kind(m.get("type"), url) != "other" and url not in [f["url"] for f in found]):
            found.append(_media(url, m.get("type"), m.get("filesize") or m.get("fileSize"), "media:content"))
    return found


def _enclosure(entry: Any, base_url: str) -> dict[str, Any] | None:
    """What the player plays: the item's best `<enclosure>` (audio before video; RSS allows one,
    feeds that list several put other media first)."""
    found = sorted(_enclosures(entry, base_url), key=rank)
    return {k: v for k, v in found[0].items() if k != "origin"} if found else None


def audio_source(enclosures: list[dict[str, Any]], alternates: list[dict[str, Any]]
                 ) -> dict[str, Any] | None:
    """What the transcriber downloads: the best of the enclosures and the Podcasting 2.0
    `podcast:alternateEnclosure`s (audio before video, declared before guessed, the publisher's
    enclosure before an alternate of the same rank), with `why` it was chosen."""
    ranked = sorted(enclosures + alternates, key=rank)
    if not ranked:
        return None
    chosen = dict(ranked[0])
    kind = media_kind(chosen["type"], chosen["url"])
    why = WHY[kind] if kind != "audio" or chosen["type"] not in (None, *UNDECLARED_TYPES) \
        else "audio by its file name (no media type declared)"
    passed = [m for m in ranked[1:] if media_kind(m["type"], m["url"]) != kind]
    if passed:
        why += f"; passed over {len(passed)} {media_kind(passed[0]['type'], passed[0]['url'])} file(s)"
    chosen["why"] = f"{chosen['origin']}: {why}"
    if any(media_kind(m["type"], m["url"]) == "unknown" for m in ranked):
        chosen["candidates"] = ranked      # what only the host can tell apart: `probe.choose`
    return chosen


def _show_notes(entry: Any, base_url: str) -> str:
    content = entry.get("content") or []
    html_parts = [c.get("value", "") for c in content if c.get("value")]
    return clean_show_notes(html_parts[0] if html_parts else entry.get("summary", ""), base_url)


def fetchable(base_url: str, url: str | None) -> str | None:
    """`url` made absolute against the feed's URL; None unless it is http(s). An empty or
    fragment-only `url` is None: resolved, it would be the feed's own URL (RFC 3986 section 5.2),
    taken for an episode's audio, page or image."""
    if not url or not url.strip() or url.strip().startswith("#"):
        return None
    absolute = urllib.parse.urljoin(base_url, url.strip())
    return absolute if urllib.parse.urlsplit(absolute).scheme.lower() in FETCHABLE_SCHEMES else None


def _xml_root(raw: bytes) -> tuple[Any, bool]:
    """The feed's XML tree (ElementTree's API): a strict parse, or, when the XML is not
    well-formed (a bare `&`, an unclosed `<br>`, a stray control character), lxml's recovering
    parse, which keeps what can be read (libxml2's `recover`; no entity expansion, no network),
    so one broken item does not take every item's Podcasting 2.0 tags with it. None when not
    even that yields an element; with whether the strict parse succeeded (well-formed)."""
    try:
        return ET.fromstring(raw), True
    except (ET.ParseError, ValueError):     # ValueError: expat's "multi-byte encodings are not
        pass                                # supported" (UTF-16 declared, no byte order mark)
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                                  huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        return lxml.etree.fromstring(raw, parser), False
    except lxml.etree.LxmlError:
        return None, False


def _alternates(own: dict[str, list[Any]], base_url: str) -> list[dict[str, Any]]:
    """An item's `podcast:alternateEnclosure`s (from its `_own_elements`), each as its first
    http(s) `podcast:source` (Podcasting 2.0 namespace; a source's `contentType` overrides the
    element's `type`)."""
    found = []
    for alternate in _own_podcast(own, "alternateEnclosure"):
        for source in _podcast_tags(alternate, "source"):
            url = fetchable(base_url, source.get("uri"))
            media_type = source.get("contentType") or alternate.get("type")
            if url and media_kind(media_type, url) != "other":
                found.append(_media(url, media_type, alternate.get("length"), "alternateEnclosure"))
                break
    return found


def _strict_items(root: Any, base_url: str) -> list[dict[str, Any]] | None:
    """What feedparser does not return, per RSS item (or, in an Atom feed, per entry: Podlove
    Publisher and others publish podcasts as Atom too) in document order, in one walk of the tree:
    the `<guid>` text as written (feedparser resolves guids against `xml:base` even without a base
    URL), every `podcast:transcript` (feedparser keeps only the last), the alternate enclosures
    and the podcast:episode/season elements (feedparser keeps only the attributes of one with a
    `display`), with the enclosure URL (to match items by). None when there is no tree."""
    if root is None:
        return None
    found = []
    atom = not any(True for _ in root.iter("item"))
    for item in root.iter(f"{ATOM_NS}entry" if atom else "item"):
        own = _own_elements(item)
        guid = next(iter(own.get(f"{ATOM_NS}id" if atom else "guid", [])), None)
        if atom:     # an Atom entry's audio: <link rel="enclosure" href=...> (RFC 4287 4.2.7.2)
            link = next((e for e in own.get(f"{ATOM_NS}link", [])
                         if e.get("rel") == "enclosure"), None)
            enclosure_url = (link.get("href") or "").strip() if link is not None else ""
        else:
            enclosure = next(iter(own.get("enclosure", [])), None)
            enclosure_url = (enclosure.get("url") or "").strip() if enclosure is not None else ""
        found.append({
            "guid": (guid.text or "").strip() or None if guid is not None else None,
            "enclosure_url": enclosure_url,
            "transcripts": [{"url": t.get("url"), "type": t.get("type"), "rel": t.get("rel"),
                             "language": t.get("language")}
                            for t in _own_podcast(own, "transcript") if t.get("url")],
            "alternates": _alternates(own, base_url),
            "podcast_episode": next(iter(_own_podcast(own, "episode")), None),
            "podcast_season": next(iter(_own_podcast(own, "season")), None)})
    return found


def _matched(entries: list[Any], strict: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """`strict`'s item for each feedparser entry: in order when both read the same number of
    items; else (a recovering parse that lost or split an item) by guid, then enclosure URL,
    and `{}` for an entry neither finds, never another item's."""
    if strict is None:
        return [{}] * len(entries)
    if len(strict) == len(entries):
        return strict
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for item in strict:   # the pair first: one guid or one audio URL can be given to two items
        pair = f"{item['guid']}\n{item['enclosure_url']}" if item["guid"] and item["enclosure_url"] else ""
        for key in (("pair", pair), ("guid", item["guid"] or ""), ("url", item["enclosure_url"])):
            if key[1]:
                by_key.setdefault(key, item)
    found = []
    for entry in entries:
        urls_ = [(e.get("href") or "").strip() for e in entry.get("enclosures", [])]
        guid = (entry.get("id") or "").strip()
        keys = ([("pair", f"{guid}\n{u}") for u in urls_ if guid and u] + [("guid", guid)]
                + [("url", u) for u in urls_])
        found.append(next((by_key[k] for k in keys if k[1] and k in by_key), {}))
    return found


def _text_only(entry: Any, name: str) -> str | None:
    """feedparser's text of an element, or None: for an element with attributes (`display`,
    `name`) it keeps only the attributes, as a dict, and loses the number."""
    value = entry.get(name)
    return value if isinstance(value, str) else None


# Elements a title written as markup uses: nh3's safe set, and the active ones it removes.
HTML_ELEMENTS = frozenset(nh3.ALLOWED_TAGS) | {
    "script", "style", "iframe", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "svg", "math", "link", "meta", "base", "noscript", "template",
    "audio", "video", "source", "font", "frame", "frameset"}
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def shown_text(element: Any, name: str) -> str:
    """The text of `element[name]` (a title) as a listener reads it, on one line ("" if none).

    A title that holds an HTML element's tag (`&lt;b&gt;Bold&lt;/b&gt; move`, `<script>`) is
    markup, reduced to its words. Any other is text and keeps every character, angle
    brackets too: `Grief <Part 1>`, `Fear <and> loathing`, `I <3 therapy` (an RSS title is
    text; nh3 read `<Part 1>` as a tag and dropped the words after it). Entities a publisher
    escaped twice (`Don&amp;#8217;t`, podcast apps' oldest title bug) are decoded in both. The
    site escapes every feed string it shows (`sanitise.text`), so text kept whole is never
    markup there."""
    value = element.get(name)
    if not isinstance(value, str):
        return ""
    if any(tag.lower() in HTML_ELEMENTS for tag in _TAG_NAME.findall(value)):
        return plain_text(value)
    return one_line(html.unescape(value))


def _numbers(entry: Any, strict: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The item's duration, episode and season numbers and the episode's `display` text, with a
    note for each written but unreadable one whose field has no readable alternative.
    `podcast:episode` comes before `itunes:episode`: it is the one that can say 12.5 (a feed
    writing both writes the itunes one as a whole number)."""
    tag = strict.get("podcast_episode")
    season_tag = strict.get("podcast_season")
    duration = parse_duration(_text_only(entry, "itunes_duration"))
    podcast_episode = tag.text if tag is not None else _text_only(entry, "podcast_episode")
    podcast_season = season_tag.text if season_tag is not None else _text_only(entry, "podcast_season")
    episodes = [episode_number(podcast_episode), episode_number(_text_only(entry, "itunes_episode"))]
    seasons = [season_number(podcast_season), season_number(_text_only(entry, "itunes_season"))]
    episode = next((r for r in episodes if r.value is not None), None)
    season = next((r for r in seasons if r.value is not None), None)
    notes = [duration.note] if duration.note else []
    for found, readings in ((episode, episodes), (season, seasons)):
        if found is None:
            notes += [r.note for r in readings if r.note]
    # Spec: "display" is at most 32 characters; apps show it instead of the number.
    display = plain_text(tag.get("display")) if tag is not None and episode is episodes[0] else ""
    return {"duration": duration.value, "episode": episode.value if episode else None,
            "episode_display": display[:32] or None,
            "season": season.value if season else None}, notes


def _identity(entry: Any, enclosure: dict[str, Any] | None, title: str, date: str | None,
              raw_guid: str | None = None) -> str:
    guid = raw_guid or (entry.get("id") or "").strip()
    if guid:
        return guid
    if enclosure:
        return enclosure["url"]
    if entry.get("link"):
        return entry["link"]
    return f"untitled:{short_hash(title + (date or ''))}"


def _item(entry: Any, base_url: str, strict: dict[str, Any],
          day_first: bool | None = None) -> dict[str, Any]:
    # An empty <title> beside an itunes:title (Apple's episode title without its number, which
    # some hosts fill in alone: ruby/rss#44, FeedKit#114): the itunes one, not "Untitled".
    title = (shown_text(entry, "title") or shown_text(entry, "itunes_title")
             or "Untitled episode")
    pubdate = _date(entry, day_first)
    date = pubdate.iso
    enclosure = _enclosure(entry, base_url)
    guid = _identity(entry, enclosure, title, date, strict.get("guid"))
    publisher = strict.get("transcripts")
    if not publisher and entry.get("podcast_transcript", {}).get("url"):
        single = entry["podcast_transcript"]
        publisher = [{k: single.get(k) for k in ("url", "type", "rel", "language")}]
    publisher = [dict(t, url=fetchable(base_url, t["url"])) for t in publisher or []
                 if fetchable(base_url, t.get("url"))]
    chapters = entry.get("podcast_chapters") or {}
    image = entry.get("image") or {}
    link = entry.get("link")
    numbers, number_notes = _numbers(entry, strict)
    if link and entry.get("guidislink") and link == entry.get("id"):
        link = None             # feedparser copied a permalink guid into link: not a page address
    return {
        "guid": guid,
        "title": title,
        "date": date,
        "date_note": pubdate.problem,     # why there is no date, or what was assumed (zone)
        **numbers,
        "number_notes": number_notes,     # unreadable numbers, for the feed's warnings
        "episode_type": plain_text(entry.get("itunes_episodetype")) or None,
        "link": fetchable(base_url, link),
        "image": fetchable(base_url, image.get("href")) if isinstance(image, dict) else None,
        "enclosure": enclosure,
        "audio_source": audio_source(_enclosures(entry, base_url), strict.get("alternates", [])),
        "show_notes_html": _show_notes(entry, base_url),
        "publisher_transcripts": publisher,
        "chapters_url": fetchable(base_url, chapters.get("url")),
    }


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_FEED_LINK = re.compile(rb"<link\b[^>]*\btype=[\"']application/(?:rss|atom)\+xml[^>]*>", re.I)
_HREF = re.compile(rb"\bhref=[\"']([^\"']+)", re.I)
# What a bot check or a login page says (Cloudflare, Akamai, hosts' own sign-in pages).
BOT_CHECK = (b"captcha", b"cf-challenge", b"challenge-platform", b"just a moment",
             b"attention required", b"verify you are human", b"are you a robot", b"access denied",
             b"checking your browser", b"ddos protection")
LOGIN = (b'type="password"', b"type='password'", b"sign in", b"log in", b"login", b"signin")


def not_a_feed(raw: bytes, url: str = "") -> str:
    """What an address gave instead of a feed, and what to do, for the maintainer."""
    if not raw.strip():
        return ("the address returned nothing (an empty reply), not a feed: check the address, "
                "or run again later if the host was having trouble")
    head = sniff.head(raw)
    if head.startswith((b"{", b"[")):
        try:
            data = json.loads(raw.decode("utf-8-sig", errors="replace"))
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict) and "jsonfeed.org" in str(data.get("version", "")):
            return ("the address returned a JSON Feed (jsonfeed.org), which podcast apps and this "
                    "tool do not read: use the show's RSS feed address instead")
        return ("the address returned JSON data, not a feed: check that it is the podcast's RSS "
                "feed address (an API address or a page's data was given?)")
    if sniff.is_web_page(raw):
        found = _TITLE.search(raw[:200_000])
        title = plain_text(html.unescape(found.group(1).decode("utf-8", errors="replace"))) if found else ""
        what = f"a web page titled {title[:80]!r}" if title else "a web page (HTML)"
        lower = raw[:200_000].lower()
        if any(marker in lower for marker in BOT_CHECK):
            advice = ("it looks like a bot check or block page: the host refuses automated "
                      "readers; ask the host to let podcast apps through, or use the feed address "
                      "the host gives for apps")
        elif any(marker in lower for marker in LOGIN):
            advice = ("it looks like a login page: a private feed needs the address with its "
                      "token that the host gives for podcast apps (set it as $COMPANION_FEED)")
        else:
            advice = "use the show's RSS feed address (podcast apps' \"Copy RSS link\")"
        feed_link = _FEED_LINK.search(raw[:200_000])
        href = _HREF.search(feed_link.group(0)) if feed_link else None
        if href:
            named = fetchable(url, html.unescape(href.group(1).decode("utf-8", errors="replace")))
            if named:
                advice = f"the page names a feed at {named}: use that address"
        return f"the address returned {what}, not a feed: {advice}"
    root = re.match(rb"<([a-z0-9_:.-]+)", head)
    if root:
        return (f"the address returned an XML document whose root is <{root.group(1).decode()}>, "
                "not an RSS or Atom feed: check that it is the podcast's feed address")
    return "the address did not return an RSS or Atom feed: check that it is the podcast's feed address"


def _page_links(feed: Any, base_url: str) -> list[str]:
    """The RFC 5005 links to older documents of this feed (`next`, then `prev-archive`)."""
    links = [link for link in feed.get("links", []) if link.get("rel") in PAGE_RELS]
    links.sort(key=lambda link: PAGE_RELS.index(link["rel"]))
    return [u for link in links if (u := fetchable(base_url, link.get("href")))]


def _audio_ids(members: list[dict[str, Any]]) -> list[str]:
    """What tells apart the audio of items that share a guid, one string per item: the audio
    file's `enclosure_key`; when that is one for all (`media.mp3?ep=3`, `download.php?id=7`:
    podfox#34, AntennaPod#48) and their titles differ, the key with the query, which then names
    the file. Equal strings: the same audio."""
    keys = [enclosure_key(m["enclosure"]["url"]) for m in members]
    if len(set(keys)) > 1 or len({m["title"] for m in members}) < 2:
        return keys
    queries = [urllib.parse.urlsplit(strip_tracking(m["enclosure"]["url"])).query for m in members]
    return [f"{key}?{query}" for key, query in zip(keys, queries)]


def _tell_apart(items: list[dict[str, Any]]) -> list[str]:
    """Give each item that shares its guid with an item of different audio a guid of its own,
    `<guid>#<hash of its audio's id>` (`_audio_ids`), and say so; one warning per shared guid.

    Publishers reuse guids (a template copied, a CMS that writes the show's address): two
    items with one guid and different audio files are two episodes (AntennaPod#3275, gPodder#847
    and #1474 lose one). Stable across runs, and an episode first stored under the bare guid is
    found again by its audio (`identity`). Items whose audio is the same, or that have none, are
    one episode listed twice (audiobookshelf#2986), left for the caller to fold."""
    by_guid: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item["enclosure"]:
            by_guid.setdefault(item["guid"], []).append(item)
    warnings = []
    for guid, members in sorted(by_guid.items()):
        ids = _audio_ids(members)
        if len(set(ids)) < 2:
            continue
        for item, ident in zip(members, ids):
            item["guid"] += "#" + short_hash(ident)
        warnings.append(f"guid {guid!r} is given to {len(set(ids))} items with different audio: "
                        "each is kept as an episode of its own (its guid followed by a hash of "
                        "its audio address); ask the publisher to give each episode its own guid")
    return warnings


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_ITEM_END = re.compile(r"</\s*(?:[\w.-]+:)?(?:item|entry)\s*>", re.I)


def _cut_off(raw: bytes, root: Any, well_formed: bool) -> int | None:
    """How many whole items (their end tag came) a feed document cut off before its end holds,
    or None when it is not cut off: well-formed, or its root element's end tag is there. A
    download cut short with no length to tell (a connection closed early) or a generator that
    failed mid-feed (a real one ends in `<!-- Exception rendering module on server -->`) still
    parses with the recovering parser; its last item is then a fragment and every later episode
    is missing. The tags are looked for in the document's text, decoded as the parser decoded it,
    so a feed in any encoding is judged (a UTF-16 one's `</rss>` is not these bytes in UTF-8:
    simplepie#916, FreshRSS#7690 broke UTF-16LE feeds by handling their bytes as ASCII)."""
    if well_formed or root is None:
        return None
    text = _document_text(raw, root)
    name = re.escape(str(root.tag).rsplit("}", 1)[-1])
    if re.search(r"</\s*(?:[\w.-]+:)?" + name + r"\s*(?:>|\s*\Z)", text, re.I):
        return None
    return len(_ITEM_END.findall(text))


def _document_text(raw: bytes, root: Any) -> str:
    """`raw` decoded in the encoding the recovering parser read it in (libxml2's: the BOM, the
    first bytes' pattern, then the XML declaration; XML 1.0 appendix F), undecodable bytes (a
    character cut in two) replaced; UTF-8 when the parser names none it knows."""
    encoding = _wide_encoding(raw) or root.getroottree().docinfo.encoding or "utf-8"
    try:
        return raw.decode(encoding, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


# XML 1.0 (Fifth Edition) appendix F.1: the first four bytes of a document in UTF-16 or UTF-32,
# with a byte order mark or without one (then `<?` or `<` itself tells the byte order).
_WIDE_STARTS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                (b"\x3c\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00\x3c", "utf-32-be"),
                (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                (b"\x3c\x00\x3f\x00", "utf-16-le"), (b"\x00\x3c\x00\x3f", "utf-16-be"))


def _wide_encoding(raw: bytes) -> str | None:
    """The UTF-16 or UTF-32 form (Python's codec name, with its byte order) a document's first
    bytes show (XML 1.0 appendix F.1); None for every encoding that writes ASCII as ASCII."""
    return next((name for start, name in _WIDE_STARTS if raw.startswith(start)), None)


def _prolog(raw: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """The feed's bytes and media type as a reader should take them.

    A byte order mark, or the first bytes of a UTF-16 or UTF-32 document without one (`<?` with
    NULs), names the encoding, whatever charset the host declares (XML 1.0 appendix F;
    the WHATWG Encoding standard's BOM sniffing: a UTF-16 feed served as `charset=utf-8` or
    `iso-8859-1` is still UTF-16; rss-parser#219, gofeed#170), so the declared charset is dropped.
    Blank lines before the XML declaration (a WordPress or Joomla plugin that prints a newline
    first: BabDev/Podcast-Manager#223, feedbin/support#129, feedjira#196) are dropped too: they
    make the document not well-formed, and every item's Podcasting 2.0 tags would otherwise come
    only from the recovering parse, with a "malformed" warning for one newline. A UTF-16 or
    UTF-32 document cut inside a character (a download cut at any byte) loses that character's
    first bytes, so the rest is read in its own encoding (it was read as UTF-8, and refused as
    not a feed)."""
    if wide := _wide_encoding(raw):
        unit = 4 if "32" in wide else 2
        raw = raw[:len(raw) - len(raw) % unit]
    bom = next((b for b in _BOMS if raw.startswith(b)), b"")
    if (bom or wide) and content_type:   # `<` and `?` as UTF-16 or UTF-32 are no ASCII charset's
        content_type = content_type.split(";", 1)[0].strip()
    if bom in (b"", _BOMS[0]):
        rest = raw[len(bom):].lstrip(b" \t\r\n")
        if rest.startswith(b"<?xml") and len(rest) != len(raw) - len(bom):
            raw = bom + rest
    return raw, content_type


def parse_feed(raw: bytes, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes fetched from `url`; raise FeedError saying what the address returned
    when it is not a feed (a web page, a login or bot check, JSON, nothing)."""
    raw, content_type = _prolog(raw, content_type)
    if not raw.strip() or sniff.is_web_page(raw) or sniff.head(raw).startswith((b"{", b"[")):
        raise FeedError(not_a_feed(raw, url))
    # No content-location: feedparser would resolve guids against it (see the module docstring).
    # Its own HTML sanitiser and link resolver are off: nh3 cleans every string we keep
    # (`sanitise`), and feedparser's pure-Python pass cost 60% of the parse (9.5 s -> 3.9 s on a
    # 0.5 MB feed; 50,000 escaped tags in one description took 15 s).
    feedparser_bounds.check_shape(raw, FeedError)   # nesting, attributes, items: bounded first
    parsed = feedparser.parse(raw, response_headers={"content-type": _content_type(content_type)},
                              sanitize_html=False, resolve_relative_uris=False)
    warnings: list[str] = []
    if not parsed.entries and not parsed.get("version"):
        reason = not_a_feed(raw, url)
        raise FeedError(reason + (f" ({parsed.get('bozo_exception')})" if parsed.bozo else ""))
    if parsed.bozo:
        problem = parsed.get("bozo_exception")
        if not parsed.entries and not parsed.feed.get("title"):
            raise FeedError(f"not a readable podcast feed ({problem})")
        served = _content_type(content_type).split(";", 1)[0].strip().lower()
        if isinstance(problem, feedparser.NonXMLContentType) or (
                isinstance(problem, feedparser.CharacterEncodingOverride)
                and not served.endswith("xml")):
            # the XML itself parsed: only the host's Content-Type was odd (S3 and CDNs serve
            # feeds as text/plain or application/octet-stream); "malformed" would be a false alarm
            warnings.append(f"the host serves the feed as {served!r}, not an XML type; it was "
                            "read as XML, completely")
        elif isinstance(problem, feedparser.CharacterEncodingOverride):
            warnings.append(f"the feed's text is not in the encoding it declares ({problem}); "
                            "read what could be read")
        else:
            warnings.append(f"the feed is partly malformed ({problem}); read what could be read")
    root, well_formed = _xml_root(raw)
    strict = _matched(parsed.entries, _strict_items(root, url))
    day_first = dates.numeric_order(_date_text(e) for e in parsed.entries)
    read = [(entry, _item(entry, url, extra, day_first))
            for entry, extra in zip(parsed.entries, strict)]
    whole = _cut_off(raw, root, well_formed)
    cut_off = None
    if whole is not None:
        dropped = read[whole:]
        read = read[:whole]          # the item the cut went through is a fragment, not an episode
        cut_off = (f"the feed stops before its end (cut off after {whole} whole item(s)"
                   + (f"; the fragment of {dropped[0][1]['title']!r} is not read" if dropped else "")
                   + "): episodes after the cut are missing this run")
        warnings.append(cut_off)
    warnings += _tell_apart([item for _entry, item in read])
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry, item in read:
        warnings += [f"{item['title']!r}: {note}" for note in item.pop("number_notes")]
        refused = [e["href"] for e in entry.get("enclosures", [])
                   if e.get("href") and _is_media(e)] if not item["enclosure"] else []
        if refused:
            warnings.append(f"{item['title']!r}: its audio {refused[0].strip()!r} is not a web "
                            "address (http:// or https://); the episode is kept as text only")
        if item["guid"] in seen:
            warnings.append(f"duplicate guid {item['guid']!r} ({item['title']!r}): the feed lists "
                            "it twice; one episode, as first listed; ask the publisher to fix it")
            continue
        if item["date_note"] and not item["date"]:
            warnings.append(f"{item['title']!r}: no date: {item['date_note']}; the episode keeps "
                            "its place in the feed's order")
        seen.add(item["guid"])
        items.append(item)
    return ParsedFeed(title=shown_text(parsed.feed, "title"),
                      link=fetchable(url, parsed.feed.get("link")), items=items, warnings=warnings,
                      new_feed_url=fetchable(url, parsed.feed.get("itunes_new-feed-url")),
                      next_pages=_page_links(parsed.feed, url), url=url, cut_off=cut_off)
