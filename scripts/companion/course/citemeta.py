"""How the site cites itself: CSL-JSON records for modules and episodes, and their page metadata.

Modules are cited as web pages of the course (APA 7 "webpage" form, group author), episodes
as podcast episodes (CSL `broadcast`, genre "Audio podcast episode", host as author). The same
record feeds the "Cite this" box, the exports and the head metadata that reference managers
read: Highwire `citation_*` tags (Zotero's Embedded Metadata translator), Dublin Core, and
schema.org JSON-LD.
"""

from __future__ import annotations

import json
import re
from typing import Any

from companion.course import apa
from companion.course.bibliography import Entry, date_parts, date_text, full_family, names, nfc
from companion.episode import Episode

PODCAST_GENRE = "Audio podcast episode"
NAME_SUFFIX = re.compile(r"^(?:Jr|Sr)\.?$|^(?:II|III|IV)$")
MINUTE = 60


def person(name: str) -> dict[str, str]:
    """A host's name as written in mkdocs.yml, as a CSL name (the rules of citeproc-js's name
    parser, which Zotero uses): 'Tony Bailey' -> {family: Bailey, given: Tony}; 'Bailey, Tony'
    likewise; lower-case words before the surname are its particle ('Maria de la Cruz' ->
    family 'de la Cruz'); a final 'Jr.', 'Sr.' or roman numeral is the suffix. One word, or
    only lower-case words ('bell hooks'), stays a literal name."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = (part.strip() for part in name.partition(","))
        return {"family": family, "given": given} if family and given else {"literal": name}
    parts = name.split(" ")
    suffix = parts.pop() if len(parts) > 2 and NAME_SUFFIX.match(parts[-1]) else ""
    start = len(parts) - 1
    while start > 1 and parts[start - 1][:1].islower():
        start -= 1
    if start < 1 or not any(p[:1].isupper() for p in parts[:start]):
        return {"literal": name}
    entry = {"family": " ".join(parts[start:]), "given": " ".join(parts[:start])}
    return {**entry, "suffix": suffix} if suffix else entry


HOST_SEPARATORS = re.compile(r"\s*;\s*|\s+(?:and|&)\s+")


def hosts(text: str) -> list[dict[str, str]]:
    """The hosts named in mkdocs.yml (`extra.podcast.host`) as CSL names, in order.

    Several hosts are separated by 'and', '&' or ';' ('Tony Bailey and Sam Lee', 'Bailey, Tony;
    Lee, Sam'), as BibTeX and citeproc-js separate names. A group, collective or organisation
    written in braces ('{Recovery Collective}', BibTeX's mark for a corporate name, which Zotero's
    BibTeX import also reads as one field) stays one literal name, never 'Collective, R.'.
    """
    text = " ".join(text.split())
    if text.startswith("{") and text.endswith("}") and "}" not in text[1:-1]:
        return [{"literal": text[1:-1].strip()}] if text[1:-1].strip() else []
    return [person(part) for part in HOST_SEPARATORS.split(text) if part.strip()]


def module_entry(meta: dict[str, Any], url: str, author: str, course: str, date: str) -> Entry:
    """The CSL-JSON record (type webpage, genre "Course module") for a module. `meta` is the
    module page's front matter and must hold `module` (its number) and `title`; `url` is its
    address, `author` and `course` the site's author and course title, `date` "YYYY-MM-DD" or ""."""
    entry: Entry = {
        "id": f"module-{meta['module']}",
        "type": "webpage",
        "author": [{"literal": author}],
        "title": str(meta["title"]),
        "container-title": course,
        "URL": url,
        "genre": "Course module",
    }
    if date:
        entry["issued"] = date
    return entry


def episode_entry(episode: Episode, url: str, podcast: str, host: str) -> Entry:
    """The CSL-JSON record (type broadcast, genre podcast episode) for an episode: `url` is its
    page's absolute address; `title` (the slug when empty), `date` (ISO 8601, the day is kept) and
    the number (`number_key`: "12.5" stays 12.5) are used when present. The podcast's `host` names
    the authors (the podcast itself when empty). Text is NFC-normalised."""
    entry: Entry = {
        "id": f"episode-{episode.slug}",
        "type": "broadcast",
        "author": hosts(host) or [{"literal": podcast}],
        "title": episode.label,
        "container-title": podcast,
        "genre": PODCAST_GENRE,
        "URL": url,
    }
    if episode.date:
        entry["issued"] = episode.date[:10]
    if episode.number_key is not None:
        entry["number"] = episode.number_key      # "12.5" stays 12.5
    return nfc(entry)          # feed titles and names may arrive decomposed


def iso_duration(minutes: float) -> str:
    """`minutes` as an ISO 8601 duration in whole minutes, at least one ("PT12M")."""
    return f"PT{max(1, round(minutes))}M"


def _authors_text(entry: Entry) -> list[str]:
    people, _ = names(entry)
    return [p.get("literal") or ", ".join([full_family(p)] + [str(p[k]) for k in ("given", "suffix")
                                                              if p.get(k)])
            for p in people]


# The item type Zotero's Embedded Metadata translator gives a page: `citation_journal_title` makes
# any page a journal article, and `citation_title` alone makes one its fallback, ahead of every
# Dublin Core guess ("Sound", "Text"). A `DC.type` that is a Zotero item type's own name is taken
# as it stands (zotero/translators, RDF.js detectType: dc:type checked with itemTypeExists).
ZOTERO_TYPE = {"webpage": "webpage", "broadcast": "podcast"}
# Only a journal's article names its container as a journal; an episode's is its publisher.
CONTAINER_TAG = {"broadcast": "citation_publisher", "article-journal": "citation_journal_title"}


def highwire(entry: Entry) -> list[tuple[str, str]]:
    """`citation_*` and Dublin Core meta tags, as (name, content) pairs. A module page (CSL
    webpage) is saved by Zotero as a web page and an episode page (CSL broadcast) as a podcast
    episode, not as journal articles (`ZOTERO_TYPE`)."""
    parts = date_parts(entry.get("issued")) or []
    published = date_text(parts, "/")
    authors = _authors_text(entry)
    tags = [("citation_title", entry["title"])]
    tags += [("citation_author", a) for a in authors]
    if published:
        tags += [("citation_publication_date", published), ("citation_date", published)]
    if entry.get("URL"):
        tags += [("citation_public_url", entry["URL"])]
    if entry.get("container-title") and entry["type"] in CONTAINER_TAG:
        tags += [(CONTAINER_TAG[entry["type"]], entry["container-title"])]
    tags += [("DC.title", entry["title"])]
    tags += [("DC.creator", a) for a in authors]
    if parts:
        tags += [("DC.date", date_text(parts, "-"))]
    tags += [("DC.type", ZOTERO_TYPE.get(entry["type"], "Text"))]
    return [(name, " ".join(str(content).split())) for name, content in tags]   # one line each


# Inside <script>, "</script", "<!--" and "<script" change how HTML reads the rest of the page
# (WHATWG HTML 4.12.1.3, "restrictions for contents of script elements"); U+2028/2029 end a line
# in older JavaScript. As \u escapes they are the same JSON (RFC 8259 section 7) and inert HTML.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_for_script(data: Any) -> str:
    """JSON text safe inside an HTML <script> element: `<`, `>`, `&`, U+2028 and U+2029 written
    as \\u escapes (as Django's json_script and Rails' json_escape do), so no feed string can
    end the element, open a comment or start another script."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)


def module_json_ld(entry: Entry, meta: dict[str, Any], references: list[Entry]) -> str:
    """schema.org LearningResource JSON-LD for a module page: `entry` is its CSL-JSON record,
    `meta` its front matter (summary, objectives, tags, reading_minutes [low, high]), `references`
    the CSL-JSON records it cites (written as plain APA). A JSON string safe inside <script>."""
    reading = meta.get("reading_minutes") or [0, 0]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "learningResourceType": "Course module",
        "name": entry["title"],
        "description": str(meta.get("summary", "")),
        "url": entry["URL"],
        "author": {"@type": "Organization", "name": entry["author"][0]["literal"]},
        "isPartOf": {"@type": "Course", "name": entry["container-title"]},
        "teaches": [str(o) for o in meta.get("objectives") or []],
        "keywords": [str(t) for t in meta.get("tags") or []],
        "timeRequired": iso_duration(reading[-1]),
        "citation": [apa.plain(apa.reference(r)) for r in references],
    }
    if entry.get("issued"):
        data["datePublished"] = str(entry["issued"])
    return json_for_script(data)


def episode_json_ld(entry: Entry, episode: Episode) -> str:
    """schema.org PodcastEpisode JSON-LD for an episode page: `entry` is its CSL-JSON record,
    `episode` the episode (number, date, duration in seconds are used when present). A JSON string
    safe inside <script>."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": entry["title"],
        "url": entry["URL"],
        "partOfSeries": {"@type": "PodcastSeries", "name": entry["container-title"]},
        "author": [{"@type": "Person", "name": n} for n in _authors_text(entry)],
    }
    if (number := episode.number_key) is not None:
        # schema.org: Integer or Text, so a part (12.5) goes as its text
        data["episodeNumber"] = int(number) if number.isdigit() else number
    if episode.date:
        data["datePublished"] = episode.date
    if episode.duration:
        data["timeRequired"] = iso_duration(episode.duration / MINUTE)
    if episode.enclosure is not None:
        data["associatedMedia"] = {"@type": "MediaObject", "contentUrl": episode.enclosure.url}
    return json_for_script(data)
