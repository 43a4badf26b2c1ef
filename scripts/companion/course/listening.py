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
from typing import Callable, Sequence

import yaml

from companion import hand_edited
from companion.course import bundles
from companion.course.topics import normalise, word_spans
from companion.course.weave import Stretch, function_word
from companion.episode import Segment
from companion.errors import CourseError
from companion.hand_edited import Problem, position

PINNED, ADDED = "pinned", "added"
MAINTAINER_SCORE = float("inf")          # the maintainer's choice outranks any suggestion
LISTS = ("pin", "add", "hide")


class ListeningError(CourseError, ValueError):
    """data/listening.yml cannot be read. `problems` are its faults in file order; str() names
    each as "FILE:LINE:COLUMN: what"."""

    def __init__(self, name: str, problems: list[Problem]):
        self.name, self.problems = name, problems
        super().__init__("; ".join(p.at(name) for p in problems))


@dataclass
class Choices:
    """What the maintainer says about one module or glossary term."""

    pin: list[bundles.Item] = field(default_factory=list)
    add: list[bundles.Item] = field(default_factory=list)
    hide: list[bundles.Item] = field(default_factory=list)
    words: list[str] = field(default_factory=list)     # module `terms` or glossary `variants`
    line: int = 0                                       # where the entry's key is in the file
    lines: dict[tuple[str, bundles.Item], int] = field(default_factory=dict)   # (list, item) -> line

    def line_of(self, kind: str, item: bundles.Item) -> int:
        """The line of `item` in its list `kind` ("pin", "add", "hide"); the entry's line if unknown."""
        return self.lines.get((kind, item), self.line)


@dataclass
class Listening:
    modules: dict[str, Choices] = field(default_factory=dict)    # "m2" -> choices
    glossary: dict[str, Choices] = field(default_factory=dict)   # term name, lower case -> choices
    name: str = "data/listening.yml"                             # how messages name the file


def _scalars(node: yaml.Node) -> list[yaml.ScalarNode] | None:
    """The scalars of a list, or a lone scalar as a list of one (`pin: e3` means `pin: [e3]`);
    None when `node` is neither."""
    if isinstance(node, yaml.ScalarNode):
        return [node] if node.value != "" else []
    if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
        return list(node.value)
    return None


def _item(where: str, node: yaml.ScalarNode) -> tuple[bundles.Item | None, str]:
    """The stretch a scalar names, or None and what is wrong with it."""
    try:
        item = bundles.parse_typed_item(str(node.value))
    except bundles.BundleError as exc:
        return None, f"{where}: {exc}"
    if item.kind != bundles.EPISODE:
        return None, f"{where}: '{node.value}' is not an episode stretch (e3 or e3@1:00-2:00)."
    return item, ""


def _choices(where: str, key: yaml.Node, node: yaml.Node, words_key: str,
             problems: list[Problem]) -> Choices:
    choices = Choices(line=position(key.start_mark)[0])
    if isinstance(node, yaml.ScalarNode) and node.value == "":
        return choices                          # `2:` with everything under it commented out
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(*position(node.start_mark),
                                f"{where} must be a mapping with pin, add, hide or {words_key}."))
        return choices
    seen: dict[bundles.Item, int] = {}
    for key_node, value in node.value:
        name = str(key_node.value)
        if name not in (*LISTS, words_key):
            problems.append(Problem(*position(key_node.start_mark), f"{where}: unknown key {name!r}"
                                    f"{hand_edited.nearest(name, (*LISTS, words_key))}"))
            continue
        scalars = _scalars(value)
        if scalars is None:
            problems.append(Problem(*position(value.start_mark),
                                    f"{where} {name} must be a list like "
                                    + ("[rejection, fully seen]." if name == words_key
                                       else "[e3@12:30-14:00, e5].")))
            continue
        if name == words_key:
            for scalar in scalars:
                if not isinstance(scalar.value, str) or not scalar.value.strip() \
                        or scalar.tag != "tag:yaml.org,2002:str":
                    problems.append(Problem(*position(scalar.start_mark),
                                            f"{where}: {words_key} must be a list of words or "
                                            f"phrases; put {scalar.value or 'it'!s} in quotes"))
                elif hand_edited.curly_quoted(scalar.value):
                    problems.append(Problem(*position(scalar.start_mark),
                                            f"{where} {words_key}: {scalar.value} is in curly "
                                            "quotes: type straight quotes (\") or none"))
                elif all(function_word(normalise(scalar.value[b:e]))
                         for _, b, e in word_spans(scalar.value)):   # the words as the matcher reads them
                    # "no", "the", "it's": said in every episode, it would list every stretch
                    problems.append(Problem(*position(scalar.start_mark),
                                            f"{where} {words_key}: '{scalar.value.strip()}' is only "
                                            "words every talk says; write a word or phrase that "
                                            "says the idea"))
                else:
                    choices.words.append(scalar.value.strip())
            continue
        for scalar in scalars:
            item, wrong = _item(f"{where} {name}", scalar)
            line, column = position(scalar.start_mark)
            if item is None:
                problems.append(Problem(line, column, wrong))
                continue
            if name == "add" and item.start is None:
                problems.append(Problem(line, column, f"{where} add: give each stretch its times "
                                                      f"({item.token()}@12:30-14:00)."))
                continue
            if item in seen:                    # pinned twice would pin a second stretch
                problems.append(Problem(line, column, f"{where}: {item.token()} is given twice "
                                                      f"(first at line {seen[item]}): list it once"))
                continue
            seen[item] = line
            getattr(choices, name).append(item)
            choices.lines[(name, item)] = line
    return choices


def parse(text: str, name: str = "data/listening.yml") -> Listening:
    """Read the text of data/listening.yml; raise ListeningError listing every fault with its
    line and column (`name` is how messages call the file)."""
    try:
        root = yaml.compose(text, Loader=hand_edited.TextLoader)
    except yaml.YAMLError as exc:
        raise ListeningError(name, [hand_edited.syntax_problem(exc, text)]) from exc
    result = Listening(name=name)
    if root is None or (isinstance(root, yaml.ScalarNode) and root.value == ""):
        return result
    problems = hand_edited.duplicate_keys(root)
    if not isinstance(root, yaml.MappingNode):
        raise ListeningError(name, [Problem(*position(root.start_mark),
                                            "the file may only hold `modules:` and `glossary:`.")])
    for key, section in root.value:
        if key.value not in ("modules", "glossary"):
            problems.append(Problem(*position(key.start_mark), f"unknown key {key.value!r}: the file "
                                    "may only hold `modules:` and `glossary:`"
                                    f"{hand_edited.nearest(key.value, ('modules', 'glossary'))}"))
            continue
        if isinstance(section, yaml.ScalarNode) and section.value == "":
            continue
        if not isinstance(section, yaml.MappingNode):
            problems.append(Problem(*position(section.start_mark),
                                    f"{key.value} must be a mapping (a key on its own line, then "
                                    "indented entries)."))
            continue
        for entry_key, entry in section.value:
            label = str(entry_key.value).strip()
            if key.value == "modules":
                if not label.isascii() or not label.isdigit():
                    problems.append(Problem(*position(entry_key.start_mark), "modules are keyed by "
                                            f"number (2:), not '{label}'"))
                    continue
                result.modules[f"m{int(label)}"] = _choices(f"module {int(label)}", entry_key, entry,
                                                            "terms", problems)
            else:
                result.glossary[label.lower()] = _choices(f"glossary {label}", entry_key, entry,
                                                          "variants", problems)
    problems = list(dict.fromkeys(problems))
    if problems:
        raise ListeningError(name, sorted(problems, key=lambda p: (p.line, p.column)))
    return result


def load(path: Path, name: str | None = None) -> Listening:
    """Read data/listening.yml (UTF-8, a byte-order mark and Windows line endings allowed); a
    missing file means no choices. Raises ListeningError naming the file (as `name`, default
    the path), line and column of every fault."""
    name = name or str(path)
    if not path.is_file():
        return Listening(name=name)
    try:
        text = hand_edited.decode(path.read_bytes())
    except hand_edited.Undecodable as exc:
        raise ListeningError(name, [Problem(exc.line, exc.column, hand_edited.NOT_UTF8)]) from exc
    return parse(text, name)


Resolve = Callable[[bundles.Item], "tuple[str, Sequence[Segment]]"]


def _overlaps(item: bundles.Item, slug: str, stretch: Stretch) -> bool:
    if stretch.slug != slug:
        return False
    return item.start is None or (stretch.start < item.end and item.start < stretch.end)


def _maintainer_stretch(item: bundles.Item, slug: str, segments: Sequence[Segment],
                        source: str) -> Stretch:
    inside = [s for s in segments if item.start <= s.start < item.end]
    line = inside[0].body if inside else ""
    return Stretch(slug, float(item.start), float(item.end), MAINTAINER_SCORE, line, (), source)


def apply(found: list[Stretch], choices: Choices | None,
          resolve: Resolve) -> tuple[list[Stretch], list[tuple[int, str]]]:
    """The list to show: pinned, then added, then the matcher's stretches not hidden or replaced.

    `resolve(item)` gives (slug, segments) of the episode an item names, or raises ValueError
    saying why it cannot (no such episode, a stretch past its end). Returns the list and the
    problems to report, each (its line in the file, what): those, and a pin with nothing to pin.
    """
    if choices is None:
        return list(found), []
    problems: list[tuple[int, str]] = []
    rest = list(found)

    def named(kind: str, item: bundles.Item) -> tuple[str, Sequence[Segment]] | None:
        try:
            return resolve(item)
        except ValueError as exc:
            problems.append((choices.line_of(kind, item), f"{kind} {item.token()}: {exc}"))
            return None

    for item in choices.hide:
        hit = named("hide", item)
        if hit:
            rest = [s for s in rest if not _overlaps(item, hit[0], s)]
    chosen: list[Stretch] = []
    for kind, items, source in (("pin", choices.pin, PINNED), ("add", choices.add, ADDED)):
        for item in items:
            hit = named(kind, item)
            if hit is None:
                continue
            slug, segments = hit
            if item.start is not None:
                chosen.append(_maintainer_stretch(item, slug, segments, source))
                rest = [s for s in rest if not _overlaps(item, slug, s)]
                continue
            best = next((s for s in rest if s.slug == slug), None)
            if best is None:
                problems.append((choices.line_of(kind, item),
                                 f"pin {item.token()}: nothing is suggested from that episode to "
                                 f"pin; give the stretch's times ({item.token()}@12:30-14:00)"))
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


def newest_notices(label: str, shown: dict[int, list[tuple[bundles.Item, str]]], where: str) -> list[str]:
    """What a build tells the maintainer about the newest episode's suggestions, so that a wrong
    one is heard and hidden the week it appears (now and then the matcher lists another field's
    talk that shares the course's words: README, "The course and the podcast, woven: measured").

    `label`: the episode's title; `shown`: module number -> (the stretch as a bundle item,
    "e12@1:54-2:12"; its quoted line) for each stretch of that episode its module page lists as
    found (not the maintainer's own); `where`: the listening file's name. Returns one sentence a
    suggestion, each with what to add to `where` to hide it, or one sentence saying no module
    lists the episode."""
    items = [(number, item, line) for number, found in sorted(shown.items()) for item, line in found]
    if not items:
        return [f'Hear it discussed: no module lists the newest episode ("{label}").']
    return [f'Hear it discussed: module {number} lists the newest episode ("{label}") at '
            f'{item.token().partition("@")[2]}: "{line}" Listen to it; if it does not discuss module '
            f"{number}, hide it in {where}: modules: {number}: hide: [{item.token()}]"
            for number, item, line in items]
