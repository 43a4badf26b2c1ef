"""Assignment bundles: a list of course items that lives entirely in a URL.

A bundle is "module 3 + episode 7 from 12:30 to 18:00 + the glossary". It is encoded in the
query of the bundle page so that a static site can show it with no server:

    course/bundle/?items=m3,e7@12:30-18:00,glossary&title=Week%203

`docs/assets/lecturer.js` has the same encoder and decoder (`bundleToQuery`, `bundleFromQuery`);
the tests run both and compare, so keep the two in step. Ready-made bundles (the syllabus weeks)
are defined once in `data/syllabus.yml` and used by the syllabus page and the cartridge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote

import yaml

from companion import hand_edited
from companion.errors import CourseError
from companion.hand_edited import Problem, position
from companion.timecode import format_clock

BUNDLE_PAGE = "course/bundle/"
MODULE, EPISODE, GLOSSARY = "m", "e", "glossary"
# An episode is named by its number, a part's display number ("e12.5", as the feed's
# podcast:episode gives it) or its folder's name (slug); a module by its number.
TOKEN = re.compile(r"^(?:(?P<kind>[me])(?P<ref>\d+\.\d+|[A-Za-z0-9][A-Za-z0-9\-]*)"
                   r"(?:@(?P<start>[\d:]+)-(?P<end>[\d:]+))?|(?P<glossary>glossary))$")
NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
JS_SAFE = "!'()*"          # what encodeURIComponent leaves alone besides [A-Za-z0-9_.~-]
DASHES = re.compile(r"\s*[\u2010-\u2015\u2212-]\s*")   # 12:30 – 18:00, a word processor's dash
DOTTED_TIME = re.compile(r"\d\.\d")                     # e3@12.30-18.00
# A sentence's closing punctuation taken with a link that ends a sentence ("see .../?items=m3,
# e7@12:30-18:00." or "(... 18:00)"), as autolinkers in mail and editors take it (php-autolink#10,
# Autolinker.js#2, rinku#46). No item ends in one (a colon can: "18:" is never cut), so it is
# dropped, except a dot after an episode number, which may be a part cut short ("e12." for e12.5).
CLOSING_PUNCTUATION = re.compile("[.,;!?)\\]}>\"'\u2019\u201d\u00bb]+$")
EPISODE_NUMBER = re.compile(r"^[eE]\d+$")


class BundleError(CourseError, ValueError):
    """A bundle token or syllabus entry that cannot be read; the message quotes it."""


@dataclass(frozen=True)
class Item:
    kind: str                  # MODULE, EPISODE or GLOSSARY
    ref: str = ""              # module number, or episode number ("7", "12.5") or slug
    start: int | None = None   # seconds into the episode
    end: int | None = None

    def token(self) -> str:
        """This item as a bundle token: "m3", "e7", "e7@12:30-18:00" or "glossary" (the inverse of
        `parse_item`)."""
        if self.kind == GLOSSARY:
            return GLOSSARY
        span = f"@{format_clock(self.start)}-{format_clock(self.end)}" if self.start is not None else ""
        return f"{self.kind}{self.ref}{span}"


@dataclass(frozen=True)
class Bundle:
    items: tuple[Item, ...]
    title: str = ""


def seconds(text: str) -> int:
    """'12:30' -> 750, '1:02:03' -> 3723, '90' -> 90. Minutes and seconds after the first part run
    0-59, as companion.timecode reads them ('0:70' is a typo, not 1:10: refused saying so, in the
    bundle page's words); digits are ASCII only ('²'.isdigit() is true but int('²') fails).
    Raises BundleError."""
    parts = text.split(":")
    if len(parts) > 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise BundleError(f"'{text}' is not a time like 12:30 or 1:02:03.")
    if any(int(p) >= 60 for p in parts[1:]):
        raise BundleError(f"'{text}' is not a time: minutes and seconds run from 00 to 59 "
                          "(write 1:05:00, not 65:00:00 or 12:75).")
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return total


def canonical_ref(ref: str) -> str:
    """A number as one spelling ("007" -> "7", "12.50" -> "12.5"), so two links naming one
    episode are one item; a slug as written."""
    if not NUMBER.match(ref):
        return ref
    whole, _, part = ref.partition(".")
    whole, part = str(int(whole)), part.rstrip("0")
    return f"{whole}.{part}" if part else whole


def parse_item(token: str) -> Item:
    """The item a bundle token names: "m3" (module), "e7" or "e12.5" (an episode by number),
    "e7@12:30-18:00" (an episode's stretch, times as `timecode` reads them) or "glossary", as a
    person types it (`_as_typed`: "M3", "e7@12:30 – 18:00"). Numbers are kept in one spelling
    (`canonical_ref`). BundleError, quoting the token, for anything else,
    for a module with a part number or a time range, or for a range that does not end after it
    starts."""
    match = TOKEN.match(_as_typed(token))
    if not match:
        raise BundleError(f"'{token}' is not a bundle item (m3, e7, e12.5, e7@12:30-18:00, glossary).")
    if match.group("glossary"):
        return Item(GLOSSARY)
    kind, ref = match.group("kind"), canonical_ref(match.group("ref"))
    if kind == MODULE and "." in ref:
        raise BundleError(f"'{token}': modules are numbered 1, 2, 3 (no parts).")
    start, end = match.group("start"), match.group("end")
    if start is None:
        return Item(kind, ref)
    if kind != EPISODE:
        raise BundleError(f"'{token}': only episodes take a time range.")
    first, last = seconds(start), seconds(end)
    if last <= first:
        raise BundleError(f"'{token}': the range must end after it starts.")
    return Item(EPISODE, ref, first, last)


def parse_typed_item(raw: str) -> Item:
    """`parse_item` for an item typed in a YAML data file (data/syllabus.yml, data/listening.yml),
    where a word processor's curly quotes would be kept as part of the text: refused, saying to
    type straight ones. Raises BundleError."""
    if hand_edited.curly_quoted(raw):
        raise BundleError(f"{raw} is in curly quotes, which YAML keeps as part of the text: "
                          "type straight quotes (\") or none")
    return parse_item(raw)


def _as_typed(token: str) -> str:
    """A token as a person types it, in the form TOKEN reads: `M3`, `E7` and `Glossary` (a
    phone capitalises the first letter), a dash or spaces in a range (`12:30 – 18:00`, the site
    writes ranges with an en dash). A time written with a dot (`12.30`: 12:30 or 12.3 s?) is
    refused: BundleError saying what to write. A sentence's closing punctuation after the item
    (`CLOSING_PUNCTUATION`: "m3.", "e7@12:30-18:00)") is not part of it."""
    head, at, span = _without_sentence_end(token.strip()).partition("@")
    head = head.strip()
    if head.lower() == GLOSSARY:
        head = GLOSSARY
    elif head[:1] in ("M", "E"):
        head = head[0].lower() + head[1:]
    if not at:
        return head
    if DOTTED_TIME.search(span):
        raise BundleError(f"'{token}': write times with a colon, minutes:seconds (12:30, "
                          "1:02:03) or seconds (750), not 12.30.")
    return f"{head}@{DASHES.sub('-', span.strip())}"


def _without_sentence_end(token: str) -> str:
    """`token` without the sentence punctuation a pasted link brought with it
    (CLOSING_PUNCTUATION); a dot after an episode number ("e12.", a part cut short?) is kept, so
    the item is refused."""
    end = CLOSING_PUNCTUATION.search(token)
    if not end or (EPISODE_NUMBER.match(token[:end.start()]) and end.group(0).startswith(".")):
        return token
    return token[:end.start()]


def repeated(items: tuple[Item, ...] | list[Item]) -> list[Item]:
    """The items that repeat an earlier one exactly (same work, same stretch), in order: a bundle
    lists each once. Two different stretches of one episode are two items."""
    seen: set[Item] = set()
    again = []
    for item in items:
        if item in seen:
            again.append(item)
        seen.add(item)
    return again


def to_query(bundle: Bundle) -> str:
    """The bundle as the bundle page's query string: "items=m3,e7@12:30-18:00" and, when it has
    one, "&title=..." (percent-encoded as the page's JavaScript encodes it)."""
    query = "items=" + ",".join(item.token() for item in bundle.items)
    return query + (f"&title={quote(bundle.title, safe=JS_SAFE)}" if bundle.title else "")


def query_params(query: str) -> dict[str, list[str]]:
    """A bundle link's query ("?items=...&title=...", a leading ? or # allowed) as parse_qs reads
    it, with "&amp;" read as "&": a link copied from HTML source (an LMS editor's source view)
    has it escaped so, and its title became a parameter named "amp;title" (lecturer.js alike)."""
    return parse_qs(re.sub("&amp;", "&", query.lstrip("?#"), flags=re.I), keep_blank_values=True)


def from_query(query: str) -> Bundle:
    """The bundle a query string ("?items=...&title=...", a leading ? or # allowed) describes;
    empty items and exact repeats (`repeated`) are skipped, as the bundle page does. BundleError
    for a token `parse_item` cannot read."""
    params = query_params(query)
    tokens = [t for t in ",".join(params.get("items", [])).split(",") if t.strip()]
    items = tuple(dict.fromkeys(parse_item(t) for t in tokens))
    return Bundle(items, (params.get("title") or [""])[0])


def url(bundle: Bundle, base: str = "") -> str:
    """The bundle page link; `base` is the site URL (absolute) or a relative prefix."""
    return f"{base}{BUNDLE_PAGE}?{to_query(bundle)}"


@dataclass(frozen=True)
class Week:
    """One ready-made bundle of the syllabus."""

    slug: str
    title: str
    summary: str
    bundle: Bundle
    lines: tuple[tuple[Item, int], ...] = ()     # (item, its line in data/syllabus.yml)

    def line_of(self, item: Item) -> int | None:
        """The line of `item` in the file the week was read from, or None."""
        return dict(self.lines).get(item)


def _week(number: int, node: yaml.Node, problems: list[Problem]) -> Week | None:
    """One week of the syllabus from its YAML node, or None with its faults added to `problems`."""
    fields = {str(k.value): (k, v) for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}
    title_node = fields.get("title", (None, None))[1]
    items_node = fields.get("items", (None, None))[1]
    title = title_node.value.strip() if isinstance(title_node, yaml.ScalarNode) \
        and isinstance(title_node.value, str) else ""
    scalars = ([items_node] if isinstance(items_node, yaml.ScalarNode) and items_node.value
               else list(items_node.value) if isinstance(items_node, yaml.SequenceNode) else [])
    if not title or not scalars or not all(isinstance(n, yaml.ScalarNode) for n in scalars):
        problems.append(Problem(*position(node.start_mark),
                                f"week {number} needs a title and a list of items"))
        return None
    for key, _value in fields.values():
        if key.value not in ("title", "summary", "items"):
            problems.append(Problem(*position(key.start_mark), f"week {number}: unknown key "
                                    f"{key.value!r}{hand_edited.nearest(key.value, ('title', 'summary', 'items'))}"))
    items: list[Item] = []
    first: dict[Item, int] = {}
    for scalar in scalars:
        line, column = position(scalar.start_mark)
        try:
            item = parse_typed_item(str(scalar.value))
        except BundleError as exc:
            problems.append(Problem(line, column, f"week {number} ({title}): {exc}"))
            continue
        if item in first:
            problems.append(Problem(line, column, f"week {number} ({title}) lists {item.token()} "
                                    f"more than once (first at line {first[item]}); list each item once"))
            continue
        first[item] = line
        items.append(item)
    summary_node = fields.get("summary", (None, None))[1]
    summary = str(summary_node.value or "") if isinstance(summary_node, yaml.ScalarNode) else ""
    return Week(f"week-{number}", title, summary, Bundle(tuple(items), title), tuple(first.items()))


def load_syllabus(path: Path, name: str | None = None) -> list[Week]:
    """The weeks of `data/syllabus.yml`: `weeks: [{title, summary, items: [m1, e3@1:00-5:00]}]`.
    Read as a person saves it (`hand_edited`: a byte-order mark, Windows line endings, text kept
    as text). BundleError names the file (as `name`, default the path), line and column of every
    fault: not UTF-8, not YAML, a week with no title or items, an item unread or repeated."""
    name = name or str(path)
    if not path.is_file():
        return []
    try:
        text = hand_edited.decode(path.read_bytes())
    except hand_edited.Undecodable as exc:
        raise BundleError(Problem(exc.line, exc.column, hand_edited.NOT_UTF8).at(name)) from exc
    try:
        root = yaml.compose(text, Loader=hand_edited.TextLoader)
    except yaml.YAMLError as exc:
        raise BundleError(hand_edited.syntax_problem(exc, text).at(name)) from exc
    if root is None or (isinstance(root, yaml.ScalarNode) and root.value == ""):
        return []
    problems = hand_edited.duplicate_keys(root)
    weeks_node = next((v for k, v in root.value if k.value == "weeks"), None) \
        if isinstance(root, yaml.MappingNode) else None
    if weeks_node is None or not isinstance(weeks_node, yaml.SequenceNode):
        if weeks_node is not None and not (isinstance(weeks_node, yaml.ScalarNode) and weeks_node.value == ""):
            problems.append(Problem(*position(weeks_node.start_mark),
                                    "weeks must be a list of weeks (lines starting with '- title:')"))
        weeks_node = None
    weeks = [week for number, node in enumerate(weeks_node.value if weeks_node else [], start=1)
             if (week := _week(number, node, problems)) is not None]
    if problems:
        raise BundleError("; ".join(p.at(name) for p in sorted(set(problems),
                                                              key=lambda p: (p.line, p.column))))
    return weeks
