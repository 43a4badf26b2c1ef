"""Macros about episodes for course pages: `listen()`, `episode_card()`, `episode_list()`.

Macro output goes back into the page's Markdown, so each macro returns one raw HTML block (blank
lines around it, no line starting with feed text): Markdown leaves it alone, Jinja does not
re-evaluate returned strings, and every feed string is escaped by `sanitise.text`. Episodes
come from the build's one `Catalogue` (`catalogue.for_build`), found by `Catalogue.find`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from mkdocs.utils import get_relative_url

from companion import catalogue, hand_edited
from companion.catalogue import StretchError, check_stretch
from companion.course import moment
from companion.episode import Episode, episode_url
from companion.project import COURSE_PLUGIN   # holds every episode's reference, with its year letter
from companion.sanitise import one_line, text
from companion.site.episode_html import card_html
from companion.timecode import format_duration, parse_typed_time

# Shown instead of a Listen link until the stretch can be checked against a published episode.
# Deliberately says nothing about what the episode contains: nothing may be claimed about the
# host's words before a transcript exists (course audit 2026-11-30, finding 6).
PENDING_TEXT = "A listening suggestion will appear here once the episode is published."

log = logging.getLogger("mkdocs.plugins.companion.listen")


def _block(html: str) -> str:
    return f"\n\n{html}\n\n"


def _href(env: Any, slug: str, fragment: str = "") -> str:
    """URL of an episode page relative to the page being rendered (works on file:// too)."""
    here = env.page.url if env.page is not None else ""
    return get_relative_url(episode_url(slug), here) + fragment


ATX_HEADING = re.compile(r"^(#{1,6})\s", re.M)


def _level_under(env: Any, call: str) -> int:
    """The heading level one under the page's last Markdown heading before `call` (the macro's
    name and bracket, as written), at most 6; 2 when none comes before it (under the page's h1)."""
    markdown = str(getattr(env, "markdown", "") or "")
    where = markdown.find(call)
    before = markdown[:where] if where >= 0 else ""
    levels = [len(m.group(1)) for m in ATX_HEADING.finditer(before)]
    return min(6, max(levels[-1] + 1 if levels else 2, 2))


NUMBERED = re.compile(r"^e?\d+(?:\.\d+)?$")     # 7, "7", "e7", "e12.5": may be an episode to come


def _call_at(env: Any, *needles: Any) -> str:
    """'docs/PAGE:LINE' of the macro call on the page being rendered: the first line that holds
    `listen(` and every needle as written (its arguments); 'docs/PAGE' when none does."""
    file = env.page.file if env.page is not None else None
    if file is None:
        return "a page"
    where = f"docs/{file.src_uri}"
    try:
        lines = str(file.content_string).splitlines()
    except (OSError, AttributeError, TypeError):
        return where
    found = next((n for n, line in enumerate(lines, 1)
                  if "listen(" in line and all(str(x) in line for x in needles)), None)
    return f"{where}:{found}" if found else where


def pending_html() -> str:
    """The neutral Listen box: no episode, no times, no description of what will be said."""
    return ('<div class="admonition note ffg-listen ffg-listen--pending">'
            '<p class="admonition-title">Listen</p>'
            f"<p>{text(PENDING_TEXT)}</p></div>")


def stretch_citation(env: Any, slug: str, start: float, end: float | None) -> str:
    """The stretch's citation as every other place gives it (`course.moment.citation_html`: in-text
    form with the time stamp, the episode's APA reference, the link to the stretch), or "" when the
    build has no `companion-course` plugin or it does not know the episode."""
    course = env.conf["plugins"].get(COURSE_PLUGIN)
    record = course.episode_cites.get(slug) if course is not None else None
    if record is None:
        return ""
    return moment.citation_html(record["entry"], start, end, href=_href(env, slug),
                                relative=bool(record.get("relative_url")))


def listen_html(episode: Episode | None, start: float, end: float | None,
                label: str, href: str, citation: str = "") -> str:
    """The "Listen" admonition for a stretch of a published episode, else the neutral box.
    `citation` (from `stretch_citation`) goes under the link, so a Listen box cites its stretch
    as the episode page, the bundle and the exports do."""
    if episode is None:
        return pending_html()
    span = moment.span(start, end)
    length = f" ({format_duration(end - start)})" if end is not None else ""
    what = f"<strong>{text(one_line(label))}</strong>: " if label else ""
    title = text(episode.label)
    return (
        '<div class="admonition tip ffg-listen">'
        '<p class="admonition-title">Listen</p>'
        f'<p>{what}<a href="{text(href)}">{title}, {span}</a>{length}.</p>'
        + (f'<p class="ffg-listen__cite">{citation}</p>' if citation else "")
        + "</div>"
    )


def register(env: Any) -> None:
    @env.macro
    def listen(episode: Any = None, start: Any = 0, end: Any = None, label: str = "") -> str:
        """Link to a stretch of an episode (`#t=START,END`), e.g. `listen(3, "08:00", "15:30", "...")`.

        `listen()` with no episode, or naming an episode not in `episodes/` yet, renders the
        neutral "will appear here" box. A stretch that runs past the end of a published episode
        is logged as a warning (so `mkdocs build --strict` fails) and also renders that box.
        """
        if episode in (None, ""):
            return _block(pending_html())
        begin = parse_typed_time(start)
        finish = parse_typed_time(end) if end not in (None, "") else None
        if finish is not None and finish <= begin:
            raise ValueError(f"listen({episode!r}, {start!r}, {end!r}): the end must come after the start")
        episodes = catalogue.for_build(env.conf)
        found = episodes.find(episode)
        if found is not None:
            try:
                check_stretch(found, begin, finish)
            except StretchError as exc:
                log.warning("companion: %s: listen(%r, %r, %r): %s.", _call_at(env, episode, start),
                            episode, start, end, exc)
                return _block(pending_html())
        if found is None:
            # A number may be an episode still to come (the box waits for it); a slug is a
            # folder's name, known only once the episode exists, so one that names nothing is
            # a typo or a folder renamed or removed, and the box would wait for ever.
            if not NUMBERED.match(str(episode).strip()):
                meant = hand_edited.closest(str(episode), [e.slug for e in episodes])
                log.warning("companion: %s: listen(%r, ...): no episode has the slug %r%s; the box "
                            "says the episode is not published yet.", _call_at(env, episode),
                            episode, episode, f" (did you mean {meant!r}?)" if meant else "")
            return _block(pending_html())
        href = _href(env, found.slug, moment.fragment(begin, finish))
        citation = stretch_citation(env, found.slug, begin, finish)
        return _block(listen_html(found, begin, finish, label, href, citation))

    @env.macro
    def episode_card(slug: str, heading_level: int | None = None) -> str:
        """One episode as a card, its title a heading one level under the page's last heading
        before the call (`heading_level` to set it); a note if it is not published (yet)."""
        found = catalogue.for_build(env.conf).find(slug)
        if found is None:
            return _block(f'<p class="ffg-empty">Episode {text(slug)} is not published yet.</p>')
        level = heading_level or _level_under(env, "episode_card(")
        return _block(card_html(found, _href(env, found.slug), level))

    @env.macro
    def episode_list(limit: int | None = None, heading_level: int | None = None) -> str:
        """Episodes newest first as cards (all of them, or the latest `limit`), their titles
        headings one level under the page's last heading before the call (`heading_level` to set
        it), so a screen reader's outline skips no level (WCAG 1.3.1; axe `heading-order`)."""
        episodes = list(catalogue.for_build(env.conf))
        if limit is not None:
            episodes = episodes[: int(limit)]
        if not episodes:
            return _block('<p class="ffg-empty">No episodes are published yet.</p>')
        level = heading_level or _level_under(env, "episode_list(")
        cards = "".join(f"<li>{card_html(e, _href(env, e.slug), level)}</li>" for e in episodes)
        return _block(f'<ul class="ffg-episode-list">{cards}</ul>')
