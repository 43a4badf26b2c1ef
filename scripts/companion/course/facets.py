"""A module's idea as facets: the few sub-ideas its own sections teach, each a bag of stems.

A module is not one list of key terms: Module 1 teaches the working alliance, acceptance, being
fully seen, the corrective experience, the secure base, rupture and repair. Talk that discusses
the module touches one or two of these in its own words ("she stayed with me", "we had a falling
out and talked it through"), rarely the module's tags. So each `## ` section of the module's
text (its lead-in before the first heading too) is a *facet*: the stems the section uses, each
weighted by

    w(stem) = (1 + ln tf) x ln((M + 1) / df)

where tf is how often the section says the stem and df how many of the M modules use it anywhere
(inverse document frequency over the modules, Sparck Jones 1972): "chatbot", said by every module,
weighs almost nothing; "rupture" or "rebate" a lot. A stem must be said twice in the section (or in
its heading) to join it, so a passing mention does not make a sub-idea. The course's boilerplate
sections (self-check, reflection questions, notes for lecturers) say nothing a guest would say and
are left out.

Everything here is read from the course's own pages: nothing is copied from labelled talk.
`companion.course.weave` scores a window of talk against every facet (`facet_scores`, through
`facet_index`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

from companion.course.plain_words import PLAIN
from companion.course.topics import content_stems, module_text

# Sections every module has that teach no idea of their own (they ask about, or point to, the rest).
BOILERPLATE = frozenset({"self-check", "reflection questions", "for lecturers", "putting it together",
                         "references", "further reading"})
MIN_TF = 2                  # times a section must say a stem for it to join the facet
_H2 = re.compile(r"^##\s+(.+?)\s*(?:\{[^}]*\})?\s*$", re.M)
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class Facet:
    """One sub-idea of a module: a section's distinctive stems."""

    module: str                        # "m1"
    title: str                         # the section heading ("Rupture and repair"); "" for the lead-in
    weights: dict[str, float]          # stem -> weight (1 + ln tf) x module idf, >= 0
    said: frozenset[str]               # every content stem the section says, once or more

    @property
    def norm(self) -> float:
        """The Euclidean length of the weights (1.0 for an empty facet, which holds nothing)."""
        return math.sqrt(sum(w * w for w in self.weights.values())) or 1.0


def sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) of each `## ` section of a module's Markdown, the lead-in first with heading
    "", boilerplate sections dropped; headings without their attribute lists."""
    text = _LINK.sub(r"\1", module_text(body))
    marks = list(_H2.finditer(text))
    out = [("", text[:marks[0].start()] if marks else text)]
    for i, m in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out.append((m.group(1).strip(), text[m.end():stop]))
    return [(h, t) for h, t in out if h.lower() not in BOILERPLATE and t.strip()]


def module_facets(modules: Iterable[tuple[str, str, str]]) -> dict[str, list[Facet]]:
    """Module ident -> its facets, from (ident, lead text, Markdown body) per module.

    `lead text` is what the module says of itself outside its body (title, summary, questions,
    objectives, key points: one string); it joins the lead-in facet. Raises nothing; a module with
    no text has no facets.
    """
    modules = list(modules)
    parts: dict[str, list[tuple[str, Counter[str], set[str]]]] = {}
    used: Counter[str] = Counter()                     # stem -> modules using it
    for ident, lead, body in modules:
        mine = []
        vocabulary: set[str] = set()
        glosses = dict(plain_words(ident))
        for n, (heading, text) in enumerate(sections(body)):
            said = Counter(content_stems(f"{lead} {text}" if n == 0 else text))
            titled = set(content_stems(heading))
            vocabulary |= set(said) | titled
            mine.append((heading, said, titled))
            if heading in glosses:
                # the section's idea in plain speech is a facet of its own, every word of it
                # counting, with a norm of its own: a long section's many words do not drown it
                gloss = Counter(content_stems(glosses.pop(heading)))
                vocabulary |= set(gloss)
                mine.append((f"{heading} (in plain words)", gloss, set(gloss)))
        used.update(vocabulary)
        parts[ident] = mine
    count = len(modules)
    out: dict[str, list[Facet]] = {}
    for ident, mine in parts.items():
        out[ident] = []
        for heading, said, titled in mine:
            weights = {s: (1 + math.log(max(tf, 1))) * math.log((count + 1) / used[s])
                       for s, tf in ({**said, **{s: said.get(s, 0) for s in titled}}).items()
                       if tf >= MIN_TF or s in titled}
            out[ident].append(Facet(ident, heading, {s: w for s, w in weights.items() if w > 0},
                                    frozenset(said) | titled))
    return out


def plain_words(ident: str) -> dict[str, str]:
    """Section heading -> its idea in plain speech (`companion.course.plain_words`) for the
    module `ident` ("m4"); {} for a module without any."""
    number = ident[1:]
    return PLAIN.get(int(number), {}) if number.isdigit() else {}


FacetIndex = dict[str, list[tuple[str, int, float]]]     # stem -> (module, facet number, weight / norm)


def facet_index(facets: dict[str, list[Facet]]) -> FacetIndex:
    """Every facet stem with where it counts, so a window's stems are looked up once each
    (`facet_scores`), not once for every facet of every module."""
    index: FacetIndex = {}
    for ident, mine in facets.items():
        for n, facet in enumerate(mine):
            norm = facet.norm
            for s, w in facet.weights.items():
                index.setdefault(s, []).append((ident, n, w / norm))
    return index


def facet_scores(stems: Iterable[str] | Mapping[str, float], index: FacetIndex, rarity: dict[str, float],
                 facets: dict[str, list[Facet]], least: float = math.inf
                 ) -> tuple[dict[str, list[float]], dict[str, list[int]]]:
    """How much of each facet a window holds, and in how many words, in one pass over its stems.

    Scores, module ident -> one score a facet (in the order of `facets`): the sum of the facet's
    weights over the window's distinct stems, each times its rarity in the podcast (0..1,
    `weave.stem_rarity`), over the facet's Euclidean norm (the cosine's numerator and the facet's
    half of its denominator, so a long section that uses many words is not held by any talk that
    says a few). Each score is 0..sqrt(stems held). `stems` may map each stem to how much it
    counts (0..1: `weave` counts a stem said at the edge of a window less than one said at its
    centre).

    Counts, in the same shape: how many distinct stems of each facet add at least `least` to its
    score (all zero unless `least` is given). A facet held by one word (with, at most, a few
    common ones that add next to nothing) is that word shared, not the sub-idea
    (`weave.Evidence.holds_idea`)."""
    counted = stems if isinstance(stems, Mapping) else dict.fromkeys(stems, 1.0)
    scores = {ident: [0.0] * len(mine) for ident, mine in facets.items()}
    counts = {ident: [0] * len(mine) for ident, mine in facets.items()}
    for s, share in counted.items():
        for ident, n, w in index.get(s, ()):
            adds = w * rarity.get(s, 0.0) * share
            scores[ident][n] += adds
            if adds >= least:
                counts[ident][n] += 1
    return scores, counts
