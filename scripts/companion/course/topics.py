"""The ideas the course teaches, as terms a transcript can be matched against.

A *topic* is one course module or one glossary term. Its *terms* are stemmed phrases (tuples of
Snowball stems: "language models" -> ("languag", "model")) with a weight for how central each is.

- A glossary term's terms are its name and its variants: the part in brackets ("Cognitive
  behavioural therapy (CBT)" gives "cognitive behavioural therapy" and "CBT"), plurals (by
  stemming), and any `variants` the maintainer adds in data/listening.yml. Its *context* is the
  content words of its definition: a single-word term ("Stigma") must come with one of them to
  count, so an everyday use of a word is not taken for the idea.
- A module's terms are read from what the module already says: its front-matter `tags`, the
  glossary terms its text uses (weighted by how often), and the content words of its headings;
  each is weighted down by how many modules share it (the idea of inverse document frequency,
  Sparck Jones 1972, applied over the modules), so "research" says little and "sycophancy" a lot.

Nothing here reads a transcript; `companion.course.weave` does the matching.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import snowballstemmer
from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS

if TYPE_CHECKING:
    from companion.course.facets import Facet

Phrase = tuple[str, ...]
INITIALISM = "="               # first character of a one-word phrase matched in capitals only

_STEMMER = snowballstemmer.stemmer("english")
# A word: letters or digits in any script, with an apostrophe inside ("don't", "person's"), or a
# dotted initialism as Whisper sometimes writes one ("a.i.", read as "ai").
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:'[^\W_]+)?")
_DEF_TERM = re.compile(r"^(?P<term>\S[^\n]*)\n(?::   )", re.M)
_HEADING = re.compile(r"^#{2,4}\s+(.+?)\s*(?:\{[^}]*\})?\s*$", re.M)
_BRACKETS = re.compile(r"\s*\(([^)]+)\)\s*")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)

# Function words and the talk-show filler that carries no idea. Short on purpose: every other word
# is weighed by how rare it is, so this only keeps the obvious out of headings and definitions.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can cannot could did do does doing down during each even ever every few
for from further get gets getting go goes going got had has have having he her here hers him his
how i if in into is it its itself just like may me might more most much must my no nor not now of
off often on once one only or other our ours out over own per quite rather really same say says
she should so some such than that the their theirs them then there these they this those through
to too under until up us very was way we well were what when where which while who whom why will
with within without would yes yet you your yours s t don doesn isn ve ll re d m know think thing
things lot kind sort mean actually maybe something someone anything nothing people person use used
using make makes made part parts short version new many first two three four five six seven
""".split())


# Plain-speech synonyms of the course's own words: how a guest says the idea without the term.
# Only equivalents that are right in any context the course uses the term in (a dictionary's
# sense, not one episode's wording): sycophancy is flattery, telling you what you want to hear;
# to reject someone is to turn them away. ("Pushed away" was tried and left out: "I was not
# pushed away" is said of the accepting relationship of module 1, corpus.yml 104, a test episode.) A module or glossary term holding the key
# phrase also holds its synonyms, at the same weight.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sycophancy": ("flattery", "flattering", "what you want to hear", "sycophantic"),
    "rejection": ("turn you away", "turned you away", "turn me away", "turned me away", "turn away",
                  "turned away"),
}


def synonyms(p: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The stemmed synonyms of a stemmed phrase (see SYNONYMS); [] if it has none."""
    return _SYNONYM_PHRASES().get(p, [])


@functools.lru_cache(maxsize=1)
def _SYNONYM_PHRASES() -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    return {phrase(k): [phrase(v) for v in vs] for k, vs in SYNONYMS.items()}


def normalise(text: str) -> str:
    """Lower case, one character for one (so offsets still index `text`), curly apostrophes
    straight."""
    lowered = text.lower()
    if len(lowered) != len(text):         # rare letters ("İ") that lower-case to two characters
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.replace("\u2019", "'").replace("\u2018", "'")


# "-ize" forms breame's list leaves out ("catastrophizing"): written "-ise" before stemming. The
# base must be long enough that "size" and "prize" keep their z.
_IZE = re.compile(r"(?<=[a-z]{4})iz(e|es|ed|ing|ation|ations|er|ers)$")


def british(word: str) -> str:
    """One lower-case word in British spelling: "counselor" -> "counsellor", "behavior" ->
    "behaviour", "catastrophizing" -> "catastrophising" (breame's list of 1,700 American/British
    pairs, then the "-ize" rule), so a US guest's words meet the course's Australian English.
    Words with one spelling come back as they are."""
    return _IZE.sub(r"is\1", AMERICAN_ENGLISH_SPELLINGS.get(word, word))


@functools.lru_cache(maxsize=None)   # a podcast's vocabulary is small; Snowball in Python is not fast
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of one lower-case word, possessive dropped, in
    British spelling (`british`)."""
    if word.endswith("'s"):
        word = word[:-2]
    return _STEMMER.stemWord(british(word.replace("'", "").replace(".", "")))


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) for each word of `text`; offsets index `text` itself (for marking)."""
    return [(stem(m.group()), m.start(), m.end()) for m in _WORD.finditer(normalise(text))]


def capitals_key(word: str) -> str:
    """'=APP' for 'APPs' or 'APP' as written in capitals, else '': an initialism is matched
    only in capitals, so the word 'apps' is not the Australian Privacy Principles."""
    core = word[:-1] if word.endswith("s") else word
    return f"{INITIALISM}{core}" if len(core) >= 2 and core.isalpha() and core.isupper() else ""


def phrase(text: str) -> Phrase:
    """A term as a tuple of stems: "Language models" -> ("languag", "model")."""
    return tuple(stem(w) for w in _WORD.findall(normalise(text).replace("-", " ")))


def content_stems(text: str) -> list[str]:
    """The stems of the words of `text` that are not stopwords or digits, in order."""
    return [stem(w) for w in _WORD.findall(normalise(text)) if w not in STOPWORDS and not w.isdigit()
            and len(w) > 1]


def is_initialism(short: str, name: str) -> bool:
    """Whether a bracketed capitalised word names the term: 'CBT' for 'Cognitive behavioural
    therapy', 'NDB' in 'Notifiable Data Breaches (NDB) scheme', 'SEWB' for 'Social and emotional
    wellbeing'; not 'AI' in 'Hallucination (AI)', which only says which sense is meant. An
    initialism is 2-6 capitals (a plural 's' after them too: 'APPs') and starts with the name's
    first letter."""
    core = short[:-1] if short.endswith("s") else short
    return (core.isalpha() and core.isupper() and 2 <= len(core) <= 6
            and core[0].lower() == name[:1].lower())


def slugify(name: str) -> str:
    """'Cognitive behavioural therapy (CBT)' -> 'cognitive-behavioural-therapy-cbt'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class Term:
    """One glossary term: its name as written, its page anchor, its surface variants."""

    name: str                          # "Large language model (LLM)"
    anchor: str                        # "term-large-language-model-llm" (id of its <dt>)
    phrases: tuple[Phrase, ...]        # ("larg", "languag", "model"), ("llm",)
    context: frozenset[str]            # content stems of its definition
    definition: str                    # its definition, as plain text

    @property
    def needs_context(self) -> bool:
        """A one-word term that is an everyday word needs a word of its definition nearby."""
        return all(len(p) == 1 for p in self.phrases) and not self.is_acronym

    @property
    def is_acronym(self) -> bool:
        """Whether the term's name holds an all-capital word of two letters or more ("CBT", "LLM")."""
        return any(part.isupper() and len(part) > 1 for part in re.split(r"[\s()]+", self.name))


@dataclass
class Topic:
    """Something a stretch of talk can be about: a module or a glossary term."""

    ident: str                                   # "m2" or a glossary anchor
    title: str
    weights: dict[Phrase, float] = field(default_factory=dict)   # term -> how central it is
    term: Term | None = None                     # set for glossary topics
    facets: list["Facet"] = field(default_factory=list)   # set for modules (companion.course.facets)


def glossary_terms(markdown: str, variants: dict[str, list[str]] | None = None) -> list[Term]:
    """The terms of the glossary page (a Markdown definition list: `Term` then `:   definition`).

    `variants` maps a term's name (as written) to extra spellings. Returns terms in page order.
    """
    variants = {k.lower(): v for k, v in (variants or {}).items()}
    body = _MACRO.sub(" ", markdown)
    terms: list[Term] = []
    matches = list(_DEF_TERM.finditer(body))
    for i, match in enumerate(matches):
        name = match.group("term").strip()
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        definition = re.sub(r"\s+", " ", body[match.end():stop]).strip()
        definition = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", definition)
        plain = _BRACKETS.sub(" ", name).strip()
        # "(CBT)" after "Cognitive behavioural therapy" is another name for it; "(AI)" after
        # "Hallucination" only says which sense is meant, so it joins the context instead.
        initialisms = [b for b in _BRACKETS.findall(name) if is_initialism(b, plain)]
        if not initialisms and capitals_key(plain):            # the name is one: "TEQSA", "Ahpra"
            initialisms, plain = [plain], ""
        forms = [plain, *variants.get(name.lower(), [])]
        found = [phrase(f) for f in forms] + [(capitals_key(i),) for i in initialisms]
        found += [syn for p in found for syn in synonyms(p)]
        phrases = tuple(dict.fromkeys(p for p in found if p and p[0]))
        own = {s for p in phrases for s in p}
        context = frozenset(s for s in content_stems(f"{name} {definition}") if s not in own)
        terms.append(Term(name, f"term-{slugify(name)}", phrases, context, definition))
    return terms


def _used_apart(stem_: str, heading: list[str], prose: list[str]) -> bool:
    """Whether a heading's word is a term of the module on its own: its prose says it at least
    twice without the word the heading puts before it. "Thinking out loud" is a term; its "loud",
    said in the prose only as "out loud", is not (a guest who "said it out loud" is not thinking
    aloud with a chatbot); nor is "ingredient" of "an active ingredient", a figure the heading
    uses once (a recipe's ingredients are not acceptance)."""
    at = heading.index(stem_) if stem_ in heading else 0
    before = heading[at - 1] if at > 0 else None
    apart = sum(1 for i, s in enumerate(prose) if s == stem_ and (before is None or i == 0 or prose[i - 1] != before))
    return apart >= 2


def module_text(markdown: str) -> str:
    """A module's Markdown without code fences and macro calls: the prose its ideas are read from."""
    return _MACRO.sub(" ", _FENCE.sub(" ", markdown))


def module_topics(modules: Iterable[tuple[str, str, list[str], str]], terms: list[Term],
                  extra: dict[str, list[str]] | None = None) -> list[Topic]:
    """One topic per module from (ident, title, tags, Markdown body).

    Weights: a tag 3, a glossary term the module uses 1 + log(uses), a heading word 1 (the most
    of these a term earns), times ln((modules + 1) / modules whose text uses the term), so a
    term every module uses counts for almost nothing. `extra` maps a module ident to terms the maintainer adds
    (weight 3, as tags).
    """
    from companion.course.facets import module_facets   # it stems with this module's helpers
    modules = list(modules)
    facets = module_facets((ident, " ".join([title, *map(str, tags)]), body)
                           for ident, title, tags, body in modules)
    raw: dict[str, dict[Phrase, float]] = {}
    texts: dict[str, PhraseCounts] = {}
    longest = max((len(p) for term in terms for p in term.phrases), default=1)
    for ident, _title, tags, body in modules:
        text = module_text(body)
        stems = texts[ident] = PhraseCounts([s for s, _, _ in word_spans(normalise(text))], longest)
        weights: dict[Phrase, float] = {}

        def offer(p: Phrase, weight: float) -> None:
            if p and weight > weights.get(p, 0.0):
                weights[p] = weight
        prose = [s for s, _, _ in word_spans(normalise(_HEADING.sub(" ", text)))]
        for heading in _HEADING.findall(text):
            said = [s for s, _, _ in word_spans(normalise(heading))]
            for s in content_stems(heading):
                if _used_apart(s, said, prose):
                    offer((s,), 1.0)
        for term in terms:
            uses = sum(stems.count(p) for p in term.phrases)
            if uses:
                for p in term.phrases:
                    offer(p, 1.0 + math.log(uses))
        for tag in [*tags, *(extra or {}).get(ident, [])]:
            offer(phrase(str(tag)), 3.0)
        raw[ident] = weights
    # How many modules use the term anywhere in their text (a tag need not be in the text: 1).
    spread = {p: max(1, sum(1 for stems in texts.values() if stems.count(p)))
              for weights in raw.values() for p in weights}
    topics = []
    for ident, title, _tags, _body in modules:
        weights = {p: w * math.log((len(modules) + 1) / spread[p]) for p, w in raw[ident].items()}
        for p, w in list(weights.items()):
            for syn in synonyms(p):
                weights.setdefault(syn, w)
        topics.append(Topic(ident, title, weights, facets=facets[ident]))
    return topics


# The course's subject, said plainly: the few words without which talk is not about mental-health
# care at all (a budgeting show says "cost" and "access", a phone review "privacy" and "training";
# neither says "therapy"). A seed, not a tuned list: it names the profession and its field, and the
# glossary's clinical terms join it (`subject_phrases`).
SUBJECT_SEED = ("therapy", "therapist", "therapeutic", "counselling", "counsellor", "counselor",
                "psychologist", "psychology", "psychological", "psychiatrist", "psychiatry",
                "mental health", "mental illness", "clinician", "clinical", "psychotherapy",
                # the plain words for the states the field treats, as a guest says them
                "feel", "feeling", "feelings", "emotion", "emotional", "anxiety", "depression",
                "distress", "lonely", "loneliness", "shame", "trauma", "wellbeing",
                # the care a person seeks, as they say it (a GP's referral, a psych, a session)
                "GP", "doctor", "psych", "session", "referral", "crisis line", "helpline", "Lifeline",
                # the podcast's own field: recovery
                "recovery", "relapse", "sober", "addiction", "sponsor",
                # the counselling room as a student or practitioner speaks of it
                "client", "confidentiality", "confidential", "supervision", "placement",
                # the course's own subject: chatbots that people talk to about their lives
                "chatbot", "chat bot", "AI companion")


def subject_phrases(terms: list[Topic]) -> frozenset[Phrase]:
    """Phrases that say the course's subject: the seed, and every name of a glossary term whose
    name holds a seed word ("Cognitive behavioural therapy (CBT)" adds "CBT"). Terms whose
    definition merely mentions a psychologist ("Gap fee", "Better Access") are not added: a cost
    or a scheme is said on budgeting shows too. Initialisms are lower-case stems here (they are
    checked against a segment's stems); a phrase counts when all its stems are in one segment."""
    seed = {phrase(s) for s in SUBJECT_SEED}
    seed_stems = {s for p in seed for s in p}
    out = set(seed)
    for topic in terms:
        term = topic.term
        if term is None or not any(seed_stems & set(p) for p in term.phrases):
            continue
        out.update((p[0][1:].lower(),) if p[0].startswith(INITIALISM) else p for p in term.phrases)
    return frozenset(out)


def glossary_topics(terms: list[Term]) -> list[Topic]:
    """One topic per glossary term: its own phrases, each weight 1."""
    return [Topic(t.anchor, t.name, {p: 1.0 for p in t.phrases}, t) for t in terms]


def count_phrase(stems: list[str], wanted: Phrase) -> int:
    """How many times the stem sequence `wanted` occurs in `stems` (overlapping runs each count)."""
    n = len(wanted)
    return sum(1 for i in range(len(stems) - n + 1) if tuple(stems[i:i + n]) == wanted)


class PhraseCounts:
    """Every run of 1 to `longest` stems of one text, counted once, so that the hundreds of
    glossary phrases are looked up instead of each scanning the text (`count_phrase` per phrase
    made `module_topics` quadratic: seconds per build). A longer phrase is counted by a scan."""

    def __init__(self, stems: list[str], longest: int) -> None:
        self.stems = stems
        self.longest = longest
        self.runs = Counter(tuple(stems[i:i + n]) for n in range(1, longest + 1)
                            for i in range(len(stems) - n + 1))

    def count(self, wanted: Phrase) -> int:
        """Occurrences of `wanted` in the text, as `count_phrase` counts them."""
        if len(wanted) > self.longest:
            return count_phrase(self.stems, wanted)
        return self.runs.get(wanted, 0) if wanted else count_phrase(self.stems, wanted)
