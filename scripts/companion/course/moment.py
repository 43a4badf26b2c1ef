"""How the site cites a moment or a stretch of an episode: one form, used in every place.

APA 7 cites a part of an audiovisual work in the text, by its time stamp, and keeps the reference
for the whole work (APA Style, "Timestamps for audiovisual materials"; Publication Manual 7th ed.,
section 8.28: "(Bailey, 2024a, 12:30)"). So a stretch is cited as:

- in text: `(Bailey, 2024a, 12:30–18:00)`, the range as the text gives it;
- the reference: the episode's APA reference, unchanged (its URL is the episode page);
- beside the reference, the link to the stretch: `https://…/episodes/slug/#t=12:30,18:00`, the
  same `#t=` form the player, the transcript and the `listen()` macro write (W3C Media
  Fragments, temporal dimension), which opens the page at the stretch with the audio ready.

The episode page's "Assigned stretch" box, the "Cite this" box, the bundle page, the `cite()`
macro and every `listen()` box (module pages, and lists built from them) all use it; `docs/assets/lecturer.js` (`ffgCite`) mirrors `fragment`, `span` and `intext`,
and the tests compare the two.
"""

from __future__ import annotations

import html

from companion.course import apa
from companion.course.bibliography import Entry
from companion.timecode import format_clock

DASH = "\u2013"     # APA writes a range with an en dash


def span(start: float, end: float | None = None) -> str:
    """'0:16', '12:30–18:00', '1:02:03–1:10:00': the time stamp APA puts in the citation."""
    text = format_clock(start)
    return f"{text}{DASH}{format_clock(end)}" if end is not None else text


def fragment(start: float, end: float | None = None) -> str:
    """'#t=12:30,18:00' or '#t=12:30': the link's media fragment (seconds with hundredths kept,
    so a moment inside a segment lands in it)."""
    text = format_clock(start, exact=True)
    return f"#t={text},{format_clock(end, exact=True)}" if end is not None else f"#t={text}"


def intext(entry: Entry, start: float | None = None, end: float | None = None) -> str:
    """'(Bailey, 2024a, 12:30–18:00)'; without a time, '(Bailey, 2024a)'."""
    return f"({apa.intext(entry, span(start, end) if start is not None else '')})"


def link_html(url: str, start: float, end: float | None = None, href: str | None = None) -> str:
    """'Stretch 12:30–18:00: <a href=…#t=12:30,18:00>…</a>': the line beside the reference.

    `href` (default `url`) is where the link goes when it differs from the address the citation
    shows: a page-relative path on a site built without `site_url`, so the link works offline
    while the text keeps the site's own address form."""
    label = "Stretch" if end is not None else "Moment"
    shown = html.escape(url + fragment(start, end))
    target = html.escape((href if href is not None else url) + fragment(start, end))
    return f'{label} {span(start, end)}: <a href="{target}">{shown}</a>'


def citation_html(entry: Entry, start: float, end: float | None = None, *,
                  href: str | None = None, relative: bool = False) -> str:
    """The whole citation of a stretch as HTML: the in-text form, the reference and the link, in
    one `.ffg-moment` span (as lecturer.js `ffgCite.citation` builds it).

    `href`: the page-relative address of the episode page, for the link's target; `relative`: the
    entry's URL has no domain (no `site_url`), so lecturer.js makes it absolute from the page's own
    address, as the "Cite this" box does."""
    url = str(entry.get("URL", ""))
    attrs = f' data-cite-url="{html.escape(url)}" data-cite-relative="true"' if relative else ""
    return (f'<span class="ffg-moment"{attrs}>'
            f'<span class="ffg-moment__intext">In text: {html.escape(intext(entry, start, end))}</span> '
            f'<span class="ffg-moment__ref">{apa.reference(entry)}</span> '
            f'<span class="ffg-moment__link">{link_html(url, start, end, href)}</span></span>')
