"""Macros about episodes for course pages: `listen()`, `episode_card()`, `episode_list()`.

Macro output goes back into the page's Markdown, so each macro returns one raw HTML block (blank
lines around it, no line starting with feed text): Markdown leaves it alone, Jinja does not
re-evaluate returned strings, and every feed string is escaped by `episode_html.text`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.utils import get_relative_url

from companion.course import moment
from companion.errors import CourseError
from companion.pipeline import store
from companion.site.episode_html import card_html, one_line, text
from companion.site.site_plugin import EPISODES_URL
from companion.timecode import format_clock, format_duration, parse_time

PLUGIN_NAME = "companion-episodes"
COURSE_PLUGIN = "companion-course"       # holds every episode's reference, with its year letter
DEFAULT_EPISODES_DIR = "episodes"
# Shown instead of a Listen link until the stretch can be checked against a published episode.
# Deliberately says nothing about what the episode contains: nothing may be claimed about the
# host's words before a transcript exists (course audit 2026-11-30, finding 6).
PENDING_TEXT = "A listening suggestion will appear here once the episode is published."

log = logging.getLogger("mkdocs.plugins.companion.listen")


class StretchError(CourseError, ValueError):
    """A Listen stretch that does not fit inside its episode (start or end past its duration)."""


def check_stretch(episode: dict[str, Any], start: float, end: float | None) -> None:
    """Raise `StretchError` unless [start, end] (seconds) lies inside the episode's duration.

    An episode whose duration is not known yet (feed gave none, audio not probed) passes: there
    is nothing to check against, and the sync fills the duration in later.
    """
    duration = episode.get("duration")
    if duration is None:
        return
    last = end if end is not None else start
    if start >= float(duration) or last > float(duration):
        span = format_clock(start) + (f"–{format_clock(end)}" if end is not None else "")
        raise StretchError(f"the stretch {span} runs past the end of episode "
                           f"{episode.get('episode') or episode.get('slug')} "
                           f"({format_clock(float(duration))} long)")


def _block(html: str) -> str:
    return f"\n\n{html}\n\n"


def _episodes(env: Any) -> list[dict[str, Any]]:
    """Episodes as the site plugin sees them (same folder setting), newest first."""
    conf = env.conf
    root = Path(os.path.dirname(conf["config_file_path"] or ".")).resolve()
    plugin = conf["plugins"].get(PLUGIN_NAME)
    folder = plugin.config.episodes_dir if plugin is not None else DEFAULT_EPISODES_DIR
    return store.load_episodes(root / folder)


def _href(env: Any, slug: str, fragment: str = "") -> str:
    """URL of an episode page relative to the page being rendered (works on file:// too)."""
    here = env.page.url if env.page is not None else ""
    return get_relative_url(f"{EPISODES_URL}/{slug}/", here) + fragment


def find_episode(episodes: list[dict[str, Any]], key: Any) -> dict[str, Any] | None:
    """An episode by its number (int or digits, matches `episode`) or by its slug."""
    wanted = str(key).strip()
    for episode in episodes:
        if wanted.isdigit() and episode.get("episode") is not None and str(episode["episode"]) == wanted:
            return episode
        if episode.get("slug") == wanted:
            return episode
    return None


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


def listen_html(episode: dict[str, Any] | None, start: float, end: float | None,
                label: str, href: str, citation: str = "") -> str:
    """The "Listen" admonition for a stretch of a published episode, else the neutral box.
    `citation` (from `stretch_citation`) goes under the link, so a Listen box cites its stretch
    as the episode page, the bundle and the exports do."""
    if episode is None:
        return pending_html()
    span = moment.span(start, end)
    length = f" ({format_duration(end - start)})" if end is not None else ""
    what = f"<strong>{text(one_line(label))}</strong>: " if label else ""
    title = text(one_line(episode.get("title")) or episode.get("slug"))
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
        begin = parse_time(start)
        finish = parse_time(end) if end not in (None, "") else None
        if finish is not None and finish <= begin:
            raise ValueError(f"listen({episode!r}, {start!r}, {end!r}): the end must come after the start")
        found = find_episode(_episodes(env), episode)
        if found is not None:
            try:
                check_stretch(found, begin, finish)
            except StretchError as exc:
                where = env.page.file.src_uri if env.page is not None else "a page"
                log.warning("companion: docs/%s: listen(%r, %r, %r): %s.", where, episode, start, end, exc)
                return _block(pending_html())
        if found is None:
            return _block(pending_html())
        href = _href(env, found["slug"], moment.fragment(begin, finish))
        citation = stretch_citation(env, found["slug"], begin, finish)
        return _block(listen_html(found, begin, finish, label, href, citation))

    @env.macro
    def episode_card(slug: str) -> str:
        """One episode as a card; a note if it is not published (yet)."""
        found = find_episode(_episodes(env), slug)
        if found is None:
            return _block(f'<p class="ffg-empty">Episode {text(slug)} is not published yet.</p>')
        return _block(card_html(found, _href(env, found["slug"])))

    @env.macro
    def episode_list(limit: int | None = None) -> str:
        """Episodes newest first as cards (all of them, or the latest `limit`)."""
        episodes = _episodes(env)
        if limit is not None:
            episodes = episodes[: int(limit)]
        if not episodes:
            return _block('<p class="ffg-empty">No episodes are published yet.</p>')
        cards = "".join(f"<li>{card_html(e, _href(env, e['slug']))}</li>" for e in episodes)
        return _block(f'<ul class="ffg-episode-list">{cards}</ul>')
