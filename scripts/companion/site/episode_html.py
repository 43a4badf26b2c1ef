"""HTML for episode pages and cards, built from feed and transcript data that we do not trust.

Every string from a feed or a transcript goes through `text()` (HTML-escaped, braces as entities),
and the result is handed to MkDocs after Markdown and mkdocs-macros have run, so neither Jinja nor
Markdown ever sees it. Show notes are HTML by nature: they are re-cleaned here with an allow-list
that drops images and media, so a feed cannot make the reader's browser call a tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from companion import sanitise
from companion.episode import Chapter, Episode, Segment, Status, Transcript, segment_id
from companion.sanitise import text
from companion.timecode import format_clock, format_duration, iso_duration

SUMMARY_CHARS = 220                     # card excerpt length
STATUS_BADGES = {Status.TRANSCRIBED: "", Status.NEEDS_REVIEW: "Transcript being checked", Status.NO_AUDIO: "Text only",
                 Status.FAILED: "Transcript coming", Status.PENDING: "Transcript coming"}


@dataclass(frozen=True)
class Download:
    label: str          # e.g. "WebVTT captions"
    href: str           # relative to the episode page
    suffix: str         # e.g. "vtt"


def clean_show_notes(raw_html: str) -> str:
    """Show notes as safe HTML (companion.sanitise), with template braces made inert too."""
    return sanitise.clean_show_notes(raw_html).translate(sanitise.BRACES)


def plain_summary(raw_html: str, limit: int = SUMMARY_CHARS) -> str:
    """Show notes as one line of plain (unescaped) text, cut at a word boundary."""
    plain = sanitise.plain_text(raw_html)
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def display_date(value: Any) -> tuple[str, str]:
    """(`2025-03-12`, `12 March 2025`) from an ISO date or datetime; empty when missing or invalid."""
    if not value:
        return "", ""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        try:
            parsed = date.fromisoformat(str(value)[:10])
        except ValueError:
            return "", ""
    return parsed.isoformat(), f"{parsed.day} {parsed:%B %Y}"


def episode_meta_html(episode: Episode) -> str:
    """Date, duration, season/episode number (and whether the feed still lists it) as one line
    of `<time>` and text."""
    parts: list[str] = []
    iso, shown = display_date(episode.date)
    if iso:
        parts.append(f'<time datetime="{iso}">{text(shown)}</time>')
    duration = episode.duration
    if duration is not None and duration > 0:
        parts.append(f'<time datetime="{iso_duration(duration)}">{text(format_duration(duration))}</time>')
    number, season = episode.number_key, episode.season
    if number is not None:
        label = f"Season {season}, episode {number}" if season is not None else f"Episode {number}"
        display = episode.get("episode_display")      # podcast:episode's own words ("Special")
        parts.append(text(f"{label} ({display})" if display and display != number else label))
    if not episode.in_feed:                    # withdrawn by the publisher; the page stays
        parts.append("No longer in the podcast’s feed")
    return ' <span aria-hidden="true">·</span> '.join(parts)


def review_note_html(episode: Episode) -> str:
    """A short note on an episode whose transcript may miss speech (with where), or may be
    wrong because the model was unsure of the speech (`pipeline.language`), of a stretch of it,
    or the audio there is clipped (`coverage.unsure`, `coverage.clipped`, with where)."""
    if (episode.get("speech") or {}).get("unsure"):
        return ('<p class="ffg-review-note admonition warning" data-pagefind-ignore>'
                "This transcript may be wrong: the speech may not be in English, or was hard to "
                "recognise. It is waiting for the host to check it.</p>")
    coverage = episode.get("coverage") or {}
    empty = coverage.get("empty") or []
    doubtful = sorted((coverage.get("unsure") or []) + (coverage.get("clipped") or []))
    where = ", ".join(f"{format_clock(a)}–{format_clock(b)}" for a, b in (empty or doubtful)[:6])
    return ('<p class="ffg-review-note admonition warning" data-pagefind-ignore>'
            "Parts of this transcript may be " + ("missing" if empty or not doubtful else "wrong")
            + " and are waiting for the host to check them"
            + (f" (around {text(where)})" if where else "") + ".</p>")


def card_html(episode: Episode, href: str, heading_level: int = 3) -> str:
    """One episode as a card: linked title, meta line, a short plain-text summary."""
    title = text(episode.label)
    summary = plain_summary(episode.show_notes_html)
    status = STATUS_BADGES[episode.status]
    status = f'<span class="ffg-badge">{status}</span>' if status else ""
    return (
        # Left out of the search index (data-pagefind-ignore): a title is indexed on its own page, so a
        # listing (home, the episode list) never outranks the episode it lists.
        f'<article class="ffg-card" data-pagefind-ignore><h{heading_level} class="ffg-card__title">'
        f'<a href="{text(href)}">{title}</a></h{heading_level}>'
        f'<p class="ffg-card__meta">{episode_meta_html(episode)} {status}</p>'
        + (f'<p class="ffg-card__summary">{text(summary)}</p>' if summary else "")
        + "</article>"
    )


def _chapters(chapters: tuple[Chapter, ...] | None) -> list[tuple[float, str]]:
    """(start s, title) of the chapters that go in the table of contents, in start order."""
    return [(c.start, c.title) for c in chapters or ()]


def transcript_html(segments: Iterable[Segment], chapters: list[tuple[float, str]],
                    toc: list[dict[str, Any]]) -> str:
    """Segments as blocks: a seek link with the time, the speaker when it changes, the words, a copy-link button."""
    out: list[str] = []
    taken: set[str] = set()
    pending = list(chapters)
    speaker = ""
    for seg in segments:
        while pending and pending[0][0] <= seg.start + 0.5:
            start, title = pending.pop(0)
            anchor = f"chapter-{len(toc[-1]['children']) + 1}"
            toc[-1]["children"].append({"level": 3, "id": anchor, "name": text(title), "children": []})
            out.append(f'<h3 id="{anchor}" class="ffg-chapter" data-start="{start:g}">{text(title)}</h3>')
            speaker = ""
        clock = format_clock(seg.start, exact=True)
        shown = format_clock(seg.start)
        who = ""
        if seg.speaker and seg.speaker != speaker:
            who = f'<span class="ffg-seg__speaker">{text(seg.speaker)}</span>'
        speaker = seg.speaker or speaker
        out.append(
            f'<div class="ffg-seg" id="{segment_id(seg.start, taken)}" '
            f'data-start="{seg.start:g}" data-end="{seg.end:g}">'
            f'<div class="ffg-seg__meta" data-pagefind-ignore>'
            f'<a class="ffg-seg__time" href="#t={clock}" aria-label="Play from {shown}">{shown}</a>{who}'
            f'<button type="button" class="ffg-seg__copy" data-t="{clock}" '
            f'aria-label="Copy link to {shown}" title="Copy link to this moment">'
            f'</button></div>'
            f'<p class="ffg-seg__text">{text(seg.body)}</p></div>'
        )
    return "\n".join(out)


def chapter_markers_html(chapters: list[tuple[float, str]]) -> str:
    """Chapter markers for the player: `#t=` links, which the player seeks to like any deep link."""
    if not chapters:
        return ""
    items = "".join(f'<li><a href="#t={format_clock(start, exact=True)}">'
                    f'<span class="ffg-chapters__time">{format_clock(start)}</span> {text(title)}</a></li>'
                    for start, title in chapters)
    return (f'<details class="ffg-chapters"><summary>Chapters ({len(chapters)})</summary>'
            f'<ol>{items}</ol></details>')


def player_html(episode: Episode, chapters: list[tuple[float, str]] = ()) -> str:
    """The native audio element on the publisher's enclosure URL (never re-hosted)."""
    url = episode.enclosure.url if episode.enclosure else ""
    if not url.startswith(("https://", "http://")):
        return '<p class="ffg-player ffg-player--none">No audio file is published for this episode.</p>'
    # preload="none" shows 0:00 until play: the feed's duration tells the reader the length before that.
    duration = episode.duration
    length = ""
    if duration is not None and duration > 0:
        length = (f'<p class="ffg-player__length">Length <time datetime="{iso_duration(duration)}">'
                  f'{text(format_clock(duration))}</time></p>')
    return (
        '<div class="ffg-player" data-pagefind-ignore>'
        f'<audio controls preload="none" src="{text(url)}" aria-label="Episode audio">'
        f'<a href="{text(url)}">Download the audio</a></audio>'
        '<div class="ffg-player__bar">'
        f'{length}<label class="ffg-follow"><input type="checkbox" class="ffg-follow__box" checked> '
        'Follow along</label>'
        f'{listening_controls_html()}'
        '<p class="ffg-range" hidden></p>'
        '<p class="ffg-status" role="status" aria-live="polite"></p>'
        f'</div>{chapter_markers_html(list(chapters))}</div>'
        + keyboard_shortcuts_html()          # outside the sticky player: it must stay short on a phone
    )


SPEEDS = (0.75, 1, 1.25, 1.5, 1.75, 2)     # playback rates offered (the native control offers none on some browsers)
SKIP_BACK_S, SKIP_FORWARD_S = 15, 30       # what podcast apps (AntennaPod, Apple Podcasts) skip by default


def listening_controls_html() -> str:
    """Back 15 s, forward 30 s, speed and, on a phone, "More" (the folded player's other parts), in
    the player's bar. Hidden until companion.js shows them (without JavaScript they would do nothing).
    On a phone the skip buttons read "−15 s" and "+30 s"; "Back" and "Forward" stay in their names."""
    options = "".join(f'<option value="{rate:g}"{" selected" if rate == 1 else ""}>{rate:g}×</option>' for rate in SPEEDS)
    return (
        '<span class="ffg-controls" role="group" aria-label="Playback controls" hidden>'
        f'<button type="button" class="ffg-skip" data-skip="-{SKIP_BACK_S}" aria-keyshortcuts="j">'
        f'<span class="ffg-skip__word">Back </span>{SKIP_BACK_S} s</button>'
        f'<button type="button" class="ffg-skip" data-skip="{SKIP_FORWARD_S}" aria-keyshortcuts="l">'
        f'<span class="ffg-skip__word">Forward </span>{SKIP_FORWARD_S} s</button>'
        f'<label class="ffg-speed">Speed <select class="ffg-speed__select">{options}</select></label>'
        # On a phone (upright or on its side) the player folds to what plays; this shows the rest
        # (length, follow along, the stretch's citation, chapters). companion.js binds it.
        '<button type="button" class="ffg-player__more" aria-expanded="false">More</button>'
        '</span>'
    )


def keyboard_shortcuts_html() -> str:
    """The player's keyboard shortcuts (bound by companion.js), listed on the page."""
    return (
        '<details class="ffg-keys" data-pagefind-ignore><summary>Keyboard shortcuts</summary><ul>'
        '<li><kbd>k</kbd> play or pause</li>'
        f'<li><kbd>j</kbd> back {SKIP_BACK_S} seconds</li><li><kbd>l</kbd> forward {SKIP_FORWARD_S} seconds</li>'
        '<li><kbd>&lt;</kbd> slower, <kbd>&gt;</kbd> faster</li>'
        '<li><kbd>/</kbd> search</li></ul>'
        '<p>They work anywhere on the page except in a text box.</p></details>'
    )


def downloads_html(downloads: Iterable[Download]) -> str:
    """The episode page's list of transcript downloads: one link (with the `download` attribute)
    and its file kind per Download; "" when there are none. Labels and hrefs are escaped."""
    items = "".join(
        f'<li><a href="{text(d.href)}" download>{text(d.label)}</a> '
        f'<span class="ffg-downloads__kind">.{text(d.suffix)}</span></li>'
        for d in downloads
    )
    return f'<ul class="ffg-downloads">{items}</ul>' if items else ""


def episode_page_html(episode: Episode, transcript: Transcript | None,
                      chapters: tuple[Chapter, ...] | None, downloads: list[Download],
                      index_href: str) -> tuple[str, list[dict[str, Any]]]:
    """The whole page body and its table-of-contents tokens (for `mkdocs.structure.toc.get_toc`)."""
    title = text(episode.label)
    toc: list[dict[str, Any]] = []
    notes = clean_show_notes(episode.show_notes_html)
    markers = _chapters(chapters)
    parts = [
        f'<p class="ffg-back" data-pagefind-ignore><a href="{text(index_href)}">← All episodes</a></p>',
        f'<h1 class="ffg-episode-title">{title}</h1>',
        f'<p class="ffg-episode-meta">{episode_meta_html(episode)}</p>',
        player_html(episode, markers),
    ]
    if notes.strip():
        toc.append({"level": 2, "id": "show-notes", "name": "Show notes", "children": []})
        parts.append(f'<h2 id="show-notes">Show notes</h2><div class="ffg-notes">{notes}</div>')
    toc.append({"level": 2, "id": "transcript", "name": "Transcript", "children": []})
    parts.append('<h2 id="transcript">Transcript</h2>')
    segments = transcript.segments if transcript is not None and episode.has_transcript else ()
    if segments:
        parts.append(
            '<p class="ffg-transcript-help" data-pagefind-ignore>Select a time to play from there. '
            'The transcript is machine-made and may contain errors.</p>'
        )
        if episode.status == Status.NEEDS_REVIEW:
            parts.append(review_note_html(episode))
        if downloads:
            parts.append(f'<div class="ffg-download-box" data-pagefind-ignore><p>Download the transcript:</p>{downloads_html(downloads)}</div>')
        parts.append(
            f'<div class="ffg-transcript" data-title="{title}" '
            f'data-date="{text(display_date(episode.date)[1])}">'
            + transcript_html(segments, markers, toc) + "</div>"
        )
    else:
        missing = ("This episode has no audio, so it has no transcript."
                   if episode.status == Status.NO_AUDIO
                   else "The transcript is not available yet.")
        parts.append(f'<p class="ffg-transcript-missing">{missing}</p>')
    return "\n".join(parts), toc
