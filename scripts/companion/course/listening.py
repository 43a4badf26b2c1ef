"""The maintainer's say over "Hear it discussed": data/listening.yml (read by the build, never written).

    modules:
      2:                              # module number
        terms: [rejection, fully seen]     # more key terms for the matcher
        pin: [e3@12:30-14:00, e5]     # listed first; an episode alone pins its best suggestion
        add: [e7@1:02:00-1:04:30]     # a stretch the matcher missed
        hide: [e4, e6@3:00-4:00]      # never suggest these (an episode alone hides all of it)
    glossary:
      Sycophancy:                     # the term as the glossary writes it
        variants: [sycophantic]       # more ways of saying it
        pin: [...]                    # pin, add and hide as above

Stretches are written as in a bundle link (`companion.course.bundles`): `e<number or slug>`,
optionally `@start-end`. Pinned and added stretches are always shown; the rest of the list is
the matcher's, best first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from companion.course import bundles
from companion.course.weave import Stretch
from companion.errors import CourseError

PINNED, ADDED = "pinned", "added"
MAINTAINER_SCORE = float("inf")          # the maintainer's choice outranks any suggestion


class ListeningError(CourseError, ValueError):
    """data/listening.yml cannot be read; the message names the entry."""


@dataclass
class Choices:
    """What the maintainer says about one module or glossary term."""

    pin: list[bundles.Item] = field(default_factory=list)
    add: list[bundles.Item] = field(default_factory=list)
    hide: list[bundles.Item] = field(default_factory=list)
    words: list[str] = field(default_factory=list)     # module `terms` or glossary `variants`


@dataclass
class Listening:
    modules: dict[str, Choices] = field(default_factory=dict)    # "m2" -> choices
    glossary: dict[str, Choices] = field(default_factory=dict)   # term name, lower case -> choices


def _items(where: str, value: Any) -> list[bundles.Item]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ListeningError(f"{where} must be a list like [e3@12:30-14:00, e5].")
    items = []
    for token in value:
        try:
            item = bundles.parse_item(str(token))
        except bundles.BundleError as exc:
            raise ListeningError(f"{where}: {exc}") from exc
        if item.kind != bundles.EPISODE:
            raise ListeningError(f"{where}: '{token}' is not an episode stretch (e3 or e3@1:00-2:00).")
        items.append(item)
    return items


def _choices(where: str, entry: Any, words_key: str) -> Choices:
    if not isinstance(entry, dict):
        raise ListeningError(f"{where} must be a mapping with pin, add, hide or {words_key}.")
    unknown = set(entry) - {"pin", "add", "hide", words_key}
    if unknown:
        raise ListeningError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                             f"(use pin, add, hide, {words_key}).")
    words = entry.get(words_key) or []
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ListeningError(f"{where}: {words_key} must be a list of words or phrases.")
    added = _items(f"{where} add", entry.get("add"))
    if any(item.start is None for item in added):
        raise ListeningError(f"{where} add: give each stretch its times (e3@12:30-14:00).")
    return Choices(_items(f"{where} pin", entry.get("pin")), added,
                   _items(f"{where} hide", entry.get("hide")), [w.strip() for w in words])


def load(path: Path) -> Listening:
    """Read data/listening.yml; a missing file means no choices. Raises ListeningError."""
    if not path.is_file():
        return Listening()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ListeningError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or set(data) - {"modules", "glossary"}:
        raise ListeningError(f"{path} may only hold `modules:` and `glossary:`.")
    result = Listening()
    for number, entry in (data.get("modules") or {}).items():
        if not str(number).isdigit():
            raise ListeningError(f"{path}: modules are keyed by number (2:), not '{number}'.")
        result.modules[f"m{int(number)}"] = _choices(f"{path} module {number}", entry, "terms")
    for name, entry in (data.get("glossary") or {}).items():
        result.glossary[str(name).strip().lower()] = _choices(f"{path} glossary {name}", entry, "variants")
    return result


Resolve = Callable[[bundles.Item], "tuple[str, list[dict[str, Any]]]"]


def _overlaps(item: bundles.Item, slug: str, stretch: Stretch) -> bool:
    if stretch.slug != slug:
        return False
    return item.start is None or (stretch.start < item.end and item.start < stretch.end)


def _maintainer_stretch(item: bundles.Item, slug: str, segments: list[dict[str, Any]],
                        source: str) -> Stretch:
    inside = [s for s in segments if item.start <= s["start"] < item.end]
    line = inside[0]["body"] if inside else ""
    return Stretch(slug, float(item.start), float(item.end), MAINTAINER_SCORE, line, (), source)


def apply(found: list[Stretch], choices: Choices | None, resolve: Resolve) -> tuple[list[Stretch], list[str]]:
    """The list to show: pinned, then added, then the matcher's stretches not hidden or replaced.

    `resolve(item)` gives (slug, segments) of the episode an item names, or raises ValueError
    saying why it cannot (no such episode, a stretch past its end). Returns the list and the
    problems to report (those, and a pin with nothing to pin).
    """
    if choices is None:
        return list(found), []
    problems: list[str] = []
    rest = list(found)

    def named(item: bundles.Item) -> tuple[str, list[dict[str, Any]]] | None:
        try:
            return resolve(item)
        except ValueError as exc:
            problems.append(f"{item.token()}: {exc}")
            return None

    for item in choices.hide:
        hit = named(item)
        if hit:
            rest = [s for s in rest if not _overlaps(item, hit[0], s)]
    chosen: list[Stretch] = []
    for items, source in ((choices.pin, PINNED), (choices.add, ADDED)):
        for item in items:
            hit = named(item)
            if hit is None:
                continue
            slug, segments = hit
            if item.start is not None:
                chosen.append(_maintainer_stretch(item, slug, segments, source))
                rest = [s for s in rest if not _overlaps(item, slug, s)]
                continue
            best = next((s for s in rest if s.slug == slug), None)
            if best is None:
                problems.append(f"pin {item.token()}: nothing is suggested from that episode to pin; "
                                "give the stretch's times")
                continue
            rest.remove(best)
            chosen.append(Stretch(best.slug, best.start, best.end, MAINTAINER_SCORE, best.line,
                                  best.terms, source))
    return chosen + rest, problems


def shortlist(stretches: list[Stretch], limit: int, per_episode: int) -> list[Stretch]:
    """The first `limit` stretches, at most `per_episode` from one episode; the maintainer's own
    stretches always stay (they come first and are never cut)."""
    out: list[Stretch] = []
    count: dict[str, int] = {}
    for stretch in stretches:
        mine = stretch.source in (PINNED, ADDED)
        if not mine and (len(out) >= limit or count.get(stretch.slug, 0) >= per_episode):
            continue
        out.append(stretch)
        count[stretch.slug] = count.get(stretch.slug, 0) + 1
    return out
