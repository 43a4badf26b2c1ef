"""Course figures drawn at build time as inline SVG, each with a text alternative and a data table.

A figure is used where a reader would rather look than read: Bordin's three parts of the
alliance (Module 1), the effect sizes of the evidence bank's meta-analyses side by side
(Module 3) and a timeline of AI regulation and guidance (Module 7). Every number and date comes
from the course's evidence bank (../shared/evidence/evidence.md), with the section named beside
it; items the bank holds only through secondary reports are marked "reported".

The SVG is inline, so it makes no request to any host, and it takes the site's colours from
Material's CSS custom properties (`--md-primary-fg-color`, `--md-accent-fg-color`,
`--md-default-fg-color`), so it follows the light and dark schemes. Accessibility: the SVG has
`role="img"` and is named by its `<title>` and described by its `<desc>`; the same content is
in a visible caption and in a data table (`<th scope>` headers) under a `<details>` block, so a
screen-reader or keyboard user gets every value without the drawing.

The macro `figure(name)` returns one HTML block with no blank lines, so Python-Markdown passes it
through untouched. An unknown name raises `KeyError` (a strict build fails rather than show a
hole).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable

PRIMARY = "var(--md-primary-fg-color, #009485)"
ACCENT = "var(--md-accent-fg-color, #ff6e42)"
TEXT = "var(--md-default-fg-color, #000000de)"
LIGHT = "var(--md-default-fg-color--lightest, #00000012)"
FONT = 'font-family="inherit" font-size="14"'


@dataclass(frozen=True)
class Figure:
    """A drawn figure: its accessible title and description, its caption (HTML), the SVG body and
    viewBox size (px), and its data table as a header row and body rows."""

    key: str
    title: str
    description: str
    caption_html: str
    width: int
    height: int
    svg_body: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# --- Module 1: Bordin's three parts of the working alliance (bank 1.1) ------------------------

ALLIANCE_PARTS = (
    ("Goals", "Agreement on what the client and therapist are working towards"),
    ("Tasks", "Agreement on what they will do together to get there"),
    ("Bond", "A bond of trust and liking that makes the work possible"),
)


def alliance() -> Figure:
    """Three overlapping circles, one per part (Bordin, 1979; bank 1.1)."""
    centres = ((170, 120), (290, 120), (230, 215))
    colours = (PRIMARY, ACCENT, PRIMARY)
    parts = []
    for (label, _), (x, y), colour in zip(ALLIANCE_PARTS, centres, colours):
        parts.append(f'<circle cx="{x}" cy="{y}" r="88" style="fill:{colour};fill-opacity:0.18;'
                     f'stroke:{colour};stroke-width:2"/>')
    offsets = ((-40, -20), (40, -20), (0, 45))
    for (label, _), (x, y), (dx, dy) in zip(ALLIANCE_PARTS, centres, offsets):
        parts.append(f'<text x="{x + dx}" y="{y + dy}" text-anchor="middle" {FONT} font-weight="bold" '
                     f'style="fill:{TEXT}">{_e(label)}</text>')
    parts.append(f'<text x="230" y="160" text-anchor="middle" {FONT} style="fill:{TEXT}">alliance</text>')
    return Figure(
        key="alliance",
        title="The working alliance: goals, tasks and bond",
        description=("Three overlapping circles labelled goals, tasks and bond. Where all three "
                     "overlap is the working alliance, as Bordin (1979) defined it."),
        caption_html=("Bordin's three parts of the working alliance (Bordin, 1979). The alliance is "
                      "where all three overlap."),
        width=460, height=320, svg_body="".join(parts),
        header=("Part", "What it means"),
        rows=ALLIANCE_PARTS,
    )


# --- Module 3: effect sizes side by side (bank 1.1, 1.2, 2.2, 5.1, 5.3, 5.4) -------------------

@dataclass(frozen=True)
class Effect:
    label: str
    value: float
    low: float | None
    high: float | None
    measure: str
    source: str


EFFECTS = (
    Effect("Alliance and outcome (face-to-face)", 0.58, None, None, "d (converted from r = .28)", "Flückiger et al., 2018"),
    Effect("Positive regard and outcome", 0.28, None, None, "g", "Farber et al., 2018"),
    Effect("Chatbots: depression", 0.64, 0.17, 1.12, "g", "Li et al., 2023"),
    Effect("Chatbots: distress", 0.70, 0.18, 1.22, "g", "Li et al., 2023"),
    Effect("Chatbots: overall well-being", 0.32, -0.13, 0.78, "g", "Li et al., 2023"),
    Effect("Brief psychoeducation", 0.20, 0.01, 0.40, "d", "Donker et al., 2009"),
    Effect("CBT homework", 0.48, None, None, "d", "Kazantzis et al., 2010"),
)


def effect_sizes() -> Figure:
    """A dot plot of standardised effects with 95% confidence intervals where the bank gives them."""
    left, right, top, row_h = 250, 610, 40, 34
    lo, hi = -0.2, 1.3

    def x(v: float) -> float:
        return round(left + (v - lo) / (hi - lo) * (right - left), 1)

    height = top + row_h * len(EFFECTS) + 50
    parts = []
    for tick in (0.0, 0.2, 0.5, 0.8, 1.2):
        parts.append(f'<line x1="{x(tick)}" y1="{top - 10}" x2="{x(tick)}" y2="{height - 40}" '
                     f'style="stroke:{LIGHT if tick else TEXT};stroke-width:{1 if tick else 1.5}"/>')
        parts.append(f'<text x="{x(tick)}" y="{height - 22}" text-anchor="middle" {FONT} '
                     f'style="fill:{TEXT}">{tick:g}</text>')
    parts.append(f'<text x="{x(0.5)}" y="{height - 4}" text-anchor="middle" {FONT} style="fill:{TEXT}">'
                 'effect size (0.2 small, 0.5 moderate, 0.8 large)</text>')
    for i, effect in enumerate(EFFECTS):
        y = top + i * row_h + 12
        colour = ACCENT if effect.label.startswith("Chatbots") else PRIMARY
        parts.append(f'<text x="{left - 10}" y="{y + 5}" text-anchor="end" {FONT} style="fill:{TEXT}">'
                     f'{_e(effect.label)}</text>')
        if effect.low is not None and effect.high is not None:
            parts.append(f'<line x1="{x(effect.low)}" y1="{y}" x2="{x(effect.high)}" y2="{y}" '
                         f'style="stroke:{colour};stroke-width:3"/>')
        parts.append(f'<circle cx="{x(effect.value)}" cy="{y}" r="7" style="fill:{colour}"/>')
    rows = tuple(
        (e.label, f"{e.value:.2f}", e.measure,
         f"{e.low:.2f} to {e.high:.2f}" if e.low is not None and e.high is not None else "not given",
         e.source)
        for e in EFFECTS)
    return Figure(
        key="effect-sizes",
        title="Effect sizes from the course's meta-analyses, side by side",
        description=("Dots show each effect size; lines show 95% confidence intervals where "
                     "known. Chatbot effects on depression (0.64) and distress (0.70) have wide "
                     "intervals; the chatbot effect on overall well-being (0.32) has an interval "
                     "that crosses zero. The alliance (about 0.58), CBT homework (0.48), positive "
                     "regard (0.28) and brief psychoeducation (0.20) are shown for comparison."),
        caption_html=("Effect sizes from the meta-analyses this course cites, on one scale. They "
                      "come from different designs and outcomes, so read them as a rough guide, "
                      "not a league table: the alliance figure is a correlation converted to d, "
                      "and the chatbot trials were short and often against no treatment."),
        width=640, height=height, svg_body="".join(parts),
        header=("Effect", "Size", "Measure", "95% confidence interval", "Source"),
        rows=rows,
    )


# --- Module 7: a timeline of regulation and guidance (bank 4.1–4.5, 4.6, 5.7) ----------------

EVENTS = (   # (year-month, short label for the drawing, full text for the table, secondary note)
    ("2020-11", "Australia's digital mental health standards", "Australia: National Safety and Quality Digital Mental Health Standards released", ""),
    ("2024-01", "WHO (large models); American Counseling Assn", "WHO guidance on large multi-modal models; American Counseling Association AI recommendations", "WHO reported"),
    ("2024-08", "Ahpra and National Boards: AI guidance", "Ahpra and National Boards: using AI in healthcare", ""),
    ("2024-10", "OAIC: privacy and AI products", "OAIC guidance on privacy and commercially available AI products", ""),
    ("2025-02", "eSafety advisory on AI companions; UK MHRA", "eSafety's first Online Safety Advisory, on AI companions; UK MHRA guidance on digital mental health devices", "MHRA reported"),
    ("2025-05", "Utah chatbot law takes effect", "Utah HB 452 (mental health chatbots) takes effect", ""),
    ("2025-08", "Illinois law on AI and therapy", "Illinois Wellness and Oversight for Psychological Resources Act", "date reported"),
    ("2025-09", "eSafety industry codes; US FTC orders", "eSafety registers industry codes covering AI companions; US FTC orders to seven companies", "reported"),
    ("2025-11", "US FDA advisers meet; APA health advisory", "US FDA advisory committee on generative-AI mental health devices; APA health advisory", "FDA reported"),
    ("2026-01", "TGA clarifies AI scribes", "TGA clarification on AI scribes", "reported"),
    ("2026-03", "eSafety age checks begin", "eSafety age-assurance obligations for higher-risk services begin", "reported"),
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month(stamp: str) -> str:
    year, month = stamp.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def timeline() -> Figure:
    """A vertical timeline, one dot per month with an event (bank 4.1–4.6)."""
    top, row_h, axis = 30, 42, 110
    height = top + row_h * len(EVENTS) + 10
    parts = [f'<line x1="{axis}" y1="{top - 10}" x2="{axis}" y2="{height - 10}" style="stroke:{PRIMARY};stroke-width:3"/>']
    for i, (stamp, short, _, note) in enumerate(EVENTS):
        y = top + i * row_h
        colour = ACCENT if note else PRIMARY
        parts.append(f'<circle cx="{axis}" cy="{y}" r="7" style="fill:{colour}"/>')
        parts.append(f'<text x="{axis - 16}" y="{y + 5}" text-anchor="end" {FONT} font-weight="bold" '
                     f'style="fill:{TEXT}">{_e(_month(stamp))}</text>')
        parts.append(f'<text x="{axis + 18}" y="{y + 5}" {FONT} style="fill:{TEXT}">{_e(short)}</text>')
    rows = tuple((_month(s), full, f"Partly from secondary reports ({n})" if n else "Read in the source")
                 for s, _, full, n in EVENTS)
    return Figure(
        key="timeline",
        title="A timeline of AI regulation and guidance in mental health, 2020 to 2026",
        description=("Eleven dated steps from November 2020 to March 2026, from Australia's digital "
                     "mental health standards to eSafety's age-assurance obligations. Orange dots "
                     "mark items the course holds at least partly through secondary reports. The full list "
                     "is in the table below."),
        caption_html=("Regulation and guidance on AI in mental health, by month. Orange dots: items "
                      "the course holds at least partly through secondary reports. The drawing "
                      "uses short labels; the table gives each item in full."),
        width=640, height=height, svg_body="".join(parts),
        header=("When", "What", "How the course knows it"),
        rows=rows,
    )


FIGURES: dict[str, Callable[[], Figure]] = {
    "alliance": alliance, "effect-sizes": effect_sizes, "timeline": timeline,
}


def render(figure: Figure) -> str:
    """The figure as one HTML block: inline SVG, caption and a collapsible data table."""
    ids = f"ffg-fig-{figure.key}"
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {figure.width} {figure.height}" '
           f'width="100%" role="img" aria-labelledby="{ids}-title {ids}-desc" focusable="false" '
           f'style="max-width:{figure.width}px;height:auto">'
           f'<title id="{ids}-title">{_e(figure.title)}</title>'
           f'<desc id="{ids}-desc">{_e(figure.description)}</desc>{figure.svg_body}</svg>')
    cell = f'style="padding:0.3em 0.6em;text-align:left;vertical-align:top;border-bottom:1px solid {LIGHT}"'
    head = "".join(f'<th scope="col" {cell}>{_e(h)}</th>' for h in figure.header)
    body = "".join("<tr>" + f'<th scope="row" {cell}>{_e(r[0])}</th>'
                   + "".join(f"<td {cell}>{_e(c)}</td>" for c in r[1:]) + "</tr>" for r in figure.rows)
    # The table has a class, so Material does not wrap it in its own scroll box (which a keyboard
    # cannot reach: axe "scrollable-region-focusable"); this region scrolls and takes focus.
    table = (f'<details class="ffg-figure-data"><summary>The data in this figure, as a table</summary>'
             f'<div class="ffg-figure-scroll" role="region" tabindex="0" aria-label="{_e(figure.title)}: data" '
             f'style="overflow-x:auto"><table class="ffg-figure-table" style="border-collapse:collapse;'
             f'font-size:0.85em"><caption>{_e(figure.title)}</caption><thead><tr>{head}</tr></thead>'
             f'<tbody>{body}</tbody></table></div></details>')
    return (f'<figure class="ffg-figure" id="{ids}">{svg}'
            f'<figcaption>{figure.caption_html}</figcaption>{table}</figure>')


def register(env: Any) -> None:
    """Add the `figure(name)` macro to mkdocs-macros."""
    @env.macro
    def figure(name: str) -> str:
        return render(FIGURES[name]())
