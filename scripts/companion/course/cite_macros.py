"""Macros for citing the course and episodes: `cite()`, and the syllabus weeks. (Issue 4.)

They read what the `companion-course` plugin loaded at `on_files` (the bibliography, the module
front matter, the episodes), so a page can cite any module, episode or source, whatever the
build order of pages.
"""

from __future__ import annotations

from typing import Any

from mkdocs.utils import get_relative_url

from companion.course import apa, bundles, moment
from companion.timecode import format_clock

PLUGIN = "companion-course"


def _plugin(env: Any) -> Any:
    plugin = env.conf.plugins.get(PLUGIN)
    if plugin is None:
        raise KeyError(f"cite() needs the {PLUGIN} plugin in mkdocs.yml.")
    return plugin


def _episode_missing(ref: str, podcast: str) -> str:
    return f"Episode {ref} of <i>{podcast}</i> (not yet on this site)."


def reference(plugin: Any, what: str, start: str = "", end: str = "", here: str = "") -> str:
    """The APA reference for a module ('m3'), an episode ('e7') or a source key; with a start and
    an end, the citation of that stretch of the episode (`moment.citation_html`), its link relative
    to the page at URL `here` (so it works on a copy built without `site_url`)."""
    if what in plugin.library:
        return apa.reference(plugin.library[what])
    item = bundles.parse_item(what)
    record = plugin.record_for(bundles.Item(item.kind, item.ref))
    if item.kind == bundles.EPISODE and record is None:
        return _episode_missing(item.ref, plugin.podcast.title)
    if record is None:
        raise KeyError(f"cite({what!r}): no such module, episode or bibliography key.")
    if not (start and end):
        return record["apa_html"]
    return moment.citation_html(record["entry"], bundles.seconds(start), bundles.seconds(end),
                                href=get_relative_url(record["site_path"], here),
                                relative=bool(record["relative_url"]))


def week_markdown(plugin: Any, week: bundles.Week) -> str:
    """Markdown for one syllabus week: a heading, its summary, one bullet per item (see
    `item_label`) and a button opening the week as a bundle. `plugin` is the course plugin (its
    `cites` maps "m3"/"e7" to a CSL-JSON record)."""
    lines = [f"## {week.title}", ""]          # the page's h1 is the syllabus: weeks are its sections
    if week.summary:
        lines += [week.summary, ""]
    for item in week.bundle.items:
        lines.append(f"- {item_label(plugin, item)}")
    lines += ["", f"[Open this week as a bundle](bundle.md?{bundles.to_query(week.bundle)})"
              "{ .md-button }", ""]
    return "\n".join(lines)


def item_label(plugin: Any, item: bundles.Item) -> str:
    """How a bundle item reads in a list: the module's or episode's title, with its stretch
    ("12:30–18:00") when it has one; "(not yet on this site)" for one the site does not hold."""
    if item.kind == bundles.GLOSSARY:
        return "The glossary"
    record = plugin.record_for(item)
    span = f", {format_clock(item.start)}–{format_clock(item.end)}" if item.start is not None else ""
    if record is None:
        kind = "Module" if item.kind == bundles.MODULE else "Episode"
        return f"{kind} {item.ref}{span} (not yet on this site)"
    return f"{record['title']}{span}"


def register(env: Any) -> None:
    """Add the citation macros to the mkdocs-macros `env`: cite(), course_downloads(),
    cartridge_link() and syllabus_weeks(); each reads the course plugin's state."""
    @env.macro
    def cite(what: str, start: str = "", end: str = "") -> str:
        """APA 7 reference: cite("m3"), cite("e7", "12:30", "18:00"), cite("flueckiger2018")."""
        return reference(_plugin(env), what, start, end, env.page.url if env.page is not None else "")

    @env.macro
    def course_downloads() -> str:
        """The reference downloads (whole course and each module) and the cartridge, or why the
        cartridge is not offered."""
        return _plugin(env).downloads_markdown(env.page.file.src_uri)

    @env.macro
    def cartridge_link() -> str:
        """One sentence: the Common Cartridge link, or why this copy of the site has none."""
        return _plugin(env).cartridge_note(env.page.file.src_uri)

    @env.macro
    def syllabus_weeks() -> str:
        """Every week of data/syllabus.yml with its items and a link to its bundle."""
        plugin = _plugin(env)
        return "\n".join(week_markdown(plugin, week) for week in plugin.weeks)
