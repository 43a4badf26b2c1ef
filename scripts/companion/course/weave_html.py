"""HTML for the woven course: "Hear it discussed" on modules, "Comes up in" on the glossary, and
"In the course" plus marked terms on episode pages.

Every transcript and feed string goes through `sanitise.text` (escaped, braces inert). Links
are relative to the page (`mkdocs.utils.get_relative_url`), so the site works under a sub-path and
from file://. Lists carry `data-pagefind-ignore`: a module page must not turn up in search for a
sentence that is the episode's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

from mkdocs.utils import get_relative_url

from companion.course import apa, bundles, moment
from companion.course.topics import Term
from companion.course.weave import Mark, Stretch
from companion.episode import Segment, episode_url, segment_id
from companion.sanitise import text
from companion.timecode import format_clock, format_duration

HEARD_ID, HEARD_TITLE = "hear-it-discussed", "Hear it discussed"
IN_COURSE_ID, IN_COURSE_TITLE = "in-the-course", "In the course"
HEARD_H2 = f'<h2 id="{HEARD_ID}">{HEARD_TITLE}</h2>'
IN_COURSE_H2 = f'<h2 id="{IN_COURSE_ID}">{IN_COURSE_TITLE}</h2>'
TRANSCRIPT_H2 = '<h2 id="transcript">'
LINE_CHARS = 180                     # a quoted line longer than this is cut at a word
TIMES_PER_MODULE = 3                 # moments listed per module on an episode page


@dataclass(frozen=True)
class EpisodeRef:
    """What a link to an episode needs: its page, its bundle id, its label and in-text citation."""

    slug: str
    ident: str           # bundle id: "e3" or "e<slug>"
    label: str           # "Episode 3: Nothing to lose"
    entry: dict[str, Any]  # its CSL entry (companion.course.moment cites a stretch of it)
    listenable: bool = True
    review: bool = False  # its transcript is waiting for the host to check it

    @property
    def url(self) -> str:
        return episode_url(self.slug)


def span(stretch: Stretch) -> tuple[int, int]:
    """Whole seconds that cover the stretch (bundle links take whole seconds)."""
    start = int(math.floor(stretch.start))
    return start, max(start + 1, int(math.ceil(stretch.end)))


def bundle_token(ref: EpisodeRef, stretch: Stretch) -> str | None:
    """`e3@12:30-14:00`: the stretch as a bundle builder item (companion.course.bundles), or
    None when the builder cannot take it (no audio; an id a bundle link cannot spell)."""
    start, end = span(stretch)
    token = bundles.Item(bundles.EPISODE, ref.ident[1:], start, end).token()
    try:
        bundles.parse_item(token)
    except bundles.BundleError:
        return None
    return token if ref.listenable else None


def _moment(stretch: Stretch) -> str:
    return moment.fragment(*span(stretch))


def quoted_line(body: str) -> str:
    """A stretch's line as quoted: whole, or cut at a word before LINE_CHARS with an ellipsis."""
    if len(body) <= LINE_CHARS:
        return body
    return body[:LINE_CHARS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def module_section(stretches: list[Stretch], refs: dict[str, EpisodeRef], page_url: str) -> str:
    """The "Hear it discussed" section of a module page (HTML), empty list said plainly."""
    intro = ('<p class="ffg-heard__intro">Moments in the podcast where this module\'s ideas are '
             "talked about, found by matching the module's key terms in the transcripts (and "
             "chosen by the host where marked). Listen before you assign one.</p>")
    if not stretches:
        return (f'<section class="ffg-heard" data-pagefind-ignore>{HEARD_H2}'
                '<p class="ffg-heard__none">No published episode discusses this module yet.</p></section>')
    bundle_page = get_relative_url(bundles.BUNDLE_PAGE, page_url)
    items = []
    for stretch in stretches:
        ref = refs[stretch.slug]
        start, end = span(stretch)
        href = get_relative_url(ref.url, page_url) + _moment(stretch)
        token = bundle_token(ref, stretch)
        chosen = ('<span class="ffg-heard__chosen">Chosen by the host</span> '
                  if stretch.source != "found" else "")
        review = (' <span class="ffg-heard__review">(transcript being checked)</span>'
                  if ref.review else "")
        add = ""
        if token:
            # Which stretch, said to a screen reader (WCAG 2.4.4): a list of links read out of the
            # page gave "Add to a bundle" once per stretch, with nothing to tell them apart.
            add = (f'<a class="ffg-heard__add" href="{text(bundle_page)}?items={text(token)}&amp;edit=1" '
                   f'data-bundle-add="{text(token)}">Add to a bundle<span class="ffg-heard__which">— '
                   f'{text(ref.label)}, {moment.span(start, end)}</span></a>')
        quote = (f'<blockquote class="ffg-heard__line"><p>{text(quoted_line(stretch.line))}</p></blockquote>'
                 if stretch.line else "")
        items.append(
            f'<li class="ffg-heard__item" data-source="{text(stretch.source)}">'
            f'<p class="ffg-heard__where">{chosen}<a class="ffg-heard__listen" href="{text(href)}">'
            f'{text(ref.label)}, {moment.span(start, end)}</a> '
            f'<span class="ffg-heard__length">({format_duration(end - start)})</span>{review}</p>{quote}'
            f'<p class="ffg-heard__meta"><span class="ffg-heard__cite">Cite as '
            f'{text(moment.intext(ref.entry, start, end))}</span> {add}</p>'
            # On paper the in-text citation needs its reference and the stretch's address (APA:
            # every work cited is in a reference list); on screen the episode link gives both.
            f'<p class="ffg-heard__reference">{apa.reference(ref.entry)} '
            f'{moment.link_html(str(ref.entry.get("URL", "")), start, end, get_relative_url(ref.url, page_url))}'
            '</p></li>')
    return (f'<section class="ffg-heard" data-pagefind-ignore>{HEARD_H2}{intro}'
            f'<ol class="ffg-heard__list">{"".join(items)}</ol></section>')


_DT_LINE = r"^(?P<name>{name})[ \t]*\n(?=:   )"


def glossary_markdown(markdown: str, terms: Iterable[Term], stretches: dict[str, list[Stretch]],
                      refs: dict[str, EpisodeRef], page_url: str) -> str:
    """The glossary's Markdown with an id on each term (`term-...`, for links from episode pages)
    and, under each definition, where the podcast says it ("Comes up in ...")."""
    for term in terms:
        pattern = re.compile(_DT_LINE.format(name=re.escape(term.name)), re.M)
        found = pattern.search(markdown)
        if found is None:
            continue
        heard = stretches.get(term.anchor) or []
        links = ", ".join(
            f'<a href="{text(get_relative_url(refs[s.slug].url, page_url) + _moment(s))}">'
            f"{text(refs[s.slug].label)}, {format_clock(span(s)[0])}</a>" for s in heard)
        block = ""
        if links:
            # A continuation paragraph of the definition (indented four spaces), so it stays in the <dd>.
            end = _definition_end(markdown, found.end())
            gap = "\n" if markdown[end - 1] == "\n" else "\n\n"
            block = f'{gap}    <span class="ffg-heard-term" data-pagefind-ignore>Comes up in {links}.</span>\n'
            markdown = markdown[:end] + block + markdown[end:]
        markdown = (markdown[:found.start()] + f"{term.name} {{ #{term.anchor} }}\n"
                    + markdown[found.end():])
    return markdown


def _definition_end(markdown: str, start: int) -> int:
    """Offset just after the last line of the definition (`:   ...` and its indented lines)
    that begins at `start`."""
    pos = end = start
    for line in markdown[start:].splitlines(keepends=True):
        if pos > start and line.strip() and not line.startswith((" ", "\t")):
            break
        pos += len(line)
        if line.strip():
            end = pos
    return end


def episode_section(modules: list[tuple[str, str, list[Stretch]]], terms: list[tuple[Term, Stretch]],
                    page_url: str, glossary_url: str) -> str:
    """ "In the course": the modules (url, title, stretches) and glossary terms an episode touches."""
    if not modules and not terms:
        return ""
    parts = [f'\n{IN_COURSE_H2}\n<div class="ffg-incourse" data-pagefind-ignore>']
    if modules:
        rows = []
        for url, title, stretches in modules:
            times = ", ".join(f'<a href="{_moment(s)}">{format_clock(span(s)[0])}–{format_clock(span(s)[1])}</a>'
                              for s in sorted(stretches[:TIMES_PER_MODULE], key=lambda s: s.start))
            rows.append(f'<li><a href="{text(get_relative_url(url, page_url))}">{text(title)}</a>: {times}</li>')
        parts.append(f'<p>The talk in this episode touches these course modules:</p><ul class="ffg-incourse__modules">{"".join(rows)}</ul>')
    if terms:
        href = get_relative_url(glossary_url, page_url)
        items = ", ".join(f'<a href="{text(href)}#{term.anchor}">{text(term.name)}</a> '
                          f'(<a href="{_moment(s)}">{format_clock(span(s)[0])}</a>)' for term, s in terms)
        parts.append(f'<p class="ffg-incourse__terms">Glossary terms it uses: {items}.</p>')
    parts.append("</div>\n")
    return "".join(parts)


_SEG_TEXT = '<p class="ffg-seg__text">'


def mark_terms(body: str, segments: Iterable[Segment], marks: list[Mark],
               definitions: dict[str, str], page_url: str, glossary_url: str) -> str:
    """Link the first use of each glossary term in the transcript HTML to its definition.

    `segments` are the ones the page was built from (the catalogue's transcript), in order, so the
    segment ids match; a segment whose HTML is not as expected is left alone.
    """
    by_start: dict[float, list[Mark]] = {}
    for mark in marks:
        by_start.setdefault(mark.segment_start, []).append(mark)
    href = get_relative_url(glossary_url, page_url)
    taken: set[str] = set()
    for seg in segments:
        anchor = segment_id(seg.start, taken)
        mine = by_start.get(seg.start)
        if not mine:
            continue
        raw = seg.body
        escaped = f'{_SEG_TEXT}{text(raw)}</p>'
        at = body.find(f'id="{anchor}"')
        where = body.find(escaped, at) if at >= 0 else -1
        if where < 0:
            continue
        out, last = [], 0
        for mark in sorted(mine, key=lambda m: m.begin):
            out.append(text(raw[last:mark.begin]))
            out.append(f'<a class="ffg-term" href="{text(href)}#{mark.anchor}" '
                       f'title="{text(definitions.get(mark.anchor, ""))}">{text(raw[mark.begin:mark.end])}</a>')
            last = mark.end
        out.append(text(raw[last:]))
        body = body[:where] + f'{_SEG_TEXT}{"".join(out)}</p>' + body[where + len(escaped):]
    return body


def add_episode_section(body: str, section: str) -> str:
    """Put the "In the course" section just before the transcript heading."""
    if not section:
        return body
    at = body.find(TRANSCRIPT_H2)
    return body + section if at < 0 else body[:at] + section.lstrip("\n") + "\n" + body[at:]
