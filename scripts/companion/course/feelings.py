"""Is a stretch of talk about a person's mind or care, whatever field it drifts to?

The course's words are shared with every other field: a plumber has a "client" and does an
"assessment", a beekeeper's colony is "in crisis" with a "waiting list" for queens, a super fund
runs a "trial" of an AI "model", a sourdough starter "never rejected me". Lists of other fields'
words (`companion.course.subject`) remove the fields they name and no others. What talk about
the course's subject has, and another field's business lacks, is a person: how someone feels, or
the care they seek. So a stretch must itself say one of

- a *care phrase*: the course's subject seed (`topics.subject_phrases`) less the words other
  fields use in their own sense (`SHARED`: a client, a session, a chatbot), or
- a *feeling word*: a word of Empath's categories of feeling (`CATEGORIES`; Fast, Chen and
  Bernstein 2016, "Empath: Understanding Topic Signals in Large-Scale Text", CHI: categories
  grown from seed words over embeddings of fiction and filtered by crowd workers) that is not an
  everyday English word as said (Zipf under FEELING_ZIPF, `everyday.zipf`: "scared", "ashamed",
  "lonely", "proud" count; "like", "kind", "good" do not).

Neither list names another field, so the measure does not depend on which field a podcast drifts
to. Only Empath's lexicon file is read; its server (used to grow new categories) never is.
"""

from __future__ import annotations

import functools
from importlib.util import find_spec
from pathlib import Path
from typing import Iterable, Sequence

from companion.course.everyday import zipf
from companion.course.topics import Phrase, phrase, stem

# Empath's categories of feeling and inner state (not of an activity, a place or a trade).
CATEGORIES = frozenset("""emotional negative_emotion positive_emotion sadness shame fear nervousness
suffering sympathy affection love anger rage torment disappointment contentment joy cheerfulness
optimism confusion timidity irritability exasperation envy hate pride""".split())
FEELING_ZIPF = 5.0      # a feeling word said as a word this common in English (Zipf) is everyday talk

# Words of the subject seed that other fields say in their own sense: a tradesman's or a
# designer's client, a physio's or a gym's session, a booking app's or a chess app's chatbot.
# They place talk in the counselling room or with the chatbots people confide in only beside a
# care phrase or a feeling; alone they are not the subject.
SHARED = ("client", "clients", "session", "sessions", "chatbot", "chat bot")


@functools.lru_cache(maxsize=1)
def feeling_stems() -> frozenset[str]:
    """The Snowball stems (`topics.stem`) of the one-word entries of Empath's `CATEGORIES`, read
    from the lexicon file the package ships. The package itself is not imported: it imports
    requests for its server, which the build never calls. Raises ModuleNotFoundError if empath
    is not installed."""
    spec = find_spec("empath")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("empath is not installed: run `make setup` (it installs what "
                                  "pyproject.toml lists; the weave needs Empath's lexicon)")
    text = (Path(spec.origin).parent / "data" / "categories.tsv").read_text(encoding="utf-8")
    out: set[str] = set()
    for line in text.splitlines():
        name, *words = line.split("\t")
        if name in CATEGORIES:
            out.update(stem(w) for w in words if w.isalpha())
    return frozenset(out)


def is_feeling(word: str, word_stem: str) -> bool:
    """Whether one lower-case word, as said (`word_stem` its stem), names a feeling: its stem is
    a feeling stem and the word is not an everyday one (Zipf under FEELING_ZIPF)."""
    return word_stem in feeling_stems() and zipf(word) < FEELING_ZIPF


def care_phrases(subject: Iterable[Phrase]) -> frozenset[Phrase]:
    """The phrases of the course's subject (`topics.subject_phrases`) that say a person's care on
    their own: all but the `SHARED` words other fields use."""
    shared = {phrase(s) for s in SHARED}
    return frozenset(p for p in subject if p not in shared)


# Words of the subject seed for a feeling in general: said of anyone, in any field (a juror who
# cried, a dad "feeling like the worst dad" at the orthodontist's, an esports "emotional tilt"
# score). They say talk is about someone's mind (`_personal` in the weave), not that it is about
# care: they do not name the domain (`domain_phrases`).
GENERIC_FEELINGS = ("feel", "feeling", "feelings", "emotion", "emotional")
# The confidant the course is about, however it is said ("the bot", "the chat bot").
CONFIDANTS = ("chatbot", "chat bot", "bot")
# The care roles beside the counsellor that a recovery podcast's guests hold or see: named once
# ("my guest is a peer worker"), then called by the role's head noun ("the worker", `role_heads`).
CARE_ROLES = ("peer worker", "peer support worker", "support worker", "social worker", "youth worker",
              "health worker", "case worker", "caseworker", "drug worker", "alcohol and other drugs worker")


def domain_phrases(subject: Iterable[Phrase], glossary: Iterable[Phrase]) -> frozenset[Phrase]:
    """The phrases that name the course's domain itself: care and its cost, a person's mental
    health, recovery, the counselling room, a chatbot people confide in. `subject`: the subject
    phrases (`topics.subject_phrases`); `glossary`: the names of the glossary's terms that are not
    everyday words (a one-word everyday term such as "Stigma" names the domain only beside its
    definition's words, which the weave checks apart). Returns the care phrases (`care_phrases`)
    less the `GENERIC_FEELINGS`, with the `CONFIDANTS`, the `CARE_ROLES` and `glossary` added."""
    generic = {phrase(s) for s in GENERIC_FEELINGS}
    return ((care_phrases(subject) - generic) | {phrase(s) for s in (*CONFIDANTS, *CARE_ROLES)}
            | frozenset(glossary))


def role_heads() -> dict[Phrase, str]:
    """Each of the `CARE_ROLES` said in more than one word -> its head noun's stem ("peer worker"
    -> "worker"): once a role is named in an episode, talk goes on calling its holder by the head
    alone ("I shouted at the worker"), and that still names the domain (`weave._anchored`)."""
    return {p: p[-1] for p in (phrase(s) for s in CARE_ROLES) if len(p) > 1}


# Words that name people in talk: the personal pronouns and their possessives. Talk about care is
# told of someone (I, she, my counsellor, you); another field's business is told of things (the
# system, the valve, the fund, the colony).
PERSONS = frozenset(stem(w) for w in """i me my mine myself you your yours yourself we us our ours
ourselves she her hers herself he him his himself they them their theirs themselves""".split())


def person_share(stems: Sequence[str]) -> float:
    """The share (0..1) of words said (`stems`: their Snowball stems, every word counted) that
    name a person (`PERSONS`); 0.0 for no words."""
    return sum(s in PERSONS for s in stems) / len(stems) if stems else 0.0
