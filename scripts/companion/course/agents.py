"""Whom is a stretch of talk about: the machine a person confides in, or the human who cares for them?

The course's modules share most of their vocabulary (acceptance, rejection, kindness, trust,
agreement), and what tells two neighbouring modules apart is often not *what* is said but *of
whom*. Module 1 teaches what a human relationship does; module 2 why a chatbot's kindness cannot
do the same, in the same words: "she could have been disgusted with me, and she wasn't" is the
first, "it could never have been disgusted with me" the second. A listener tells them by the
agent: a counsellor, or the bot.

Each module leans to one agent in its own text: the share of its facets' weight
(`companion.course.facets`) on words for the machine (`MACHINES`) against words for the human
carer (`CARERS`), 0 (all about the carer) to 1 (all about the machine). This is read from the
course's pages, not set by hand: today module 1 leans about 0.1, the modules on chatbots' harms,
research and practice 0.6 to 0.9. A window of talk names one agent when it says a word of one
list and none of the other (`speaks_of`). When two modules tie over a window (`weave.TIE`) and
their leans differ by at least LEAN_GAP, the window's agent decides between them (`agent_side`):
the module leaning to the machine if it names only the machine, the one leaning to the carer if
it names only a carer. A window that names both ("I told the bot, then my counsellor") or
neither is left to the words (`weave.contrast`).
"""

from __future__ import annotations

from typing import Iterable

from companion.course.facets import Facet
from companion.course.topics import stem

LEAN_GAP = 0.4      # leans (0..1) of two tied modules this far apart make the window's agent decide

# Words for the machine people confide in, as talk names it (one word each: "chat bot" says "bot").
MACHINES = frozenset(stem(w) for w in """chatbot chatbots bot bots ai app apps model models llm chatgpt
algorithm""".split())
# Words for the human whose care the course contrasts with it.
CARERS = frozenset(stem(w) for w in """counsellor counsellors counselor counselors therapist therapists
psychologist psychologists psychiatrist psych psychs clinician clinicians practitioner
practitioners""".split())


def lean(facets: Iterable[Facet]) -> float:
    """How much a module's own text is about the machine rather than the human carer: its facets'
    weights on MACHINES over their weights on MACHINES and CARERS together (0..1; 0.5 when it
    says neither)."""
    machine = carer = 0.0
    for facet in facets:
        for s, w in facet.weights.items():
            if s in MACHINES:
                machine += w
            elif s in CARERS:
                carer += w
    return machine / (machine + carer) if machine + carer else 0.5


def speaks_of(stems: frozenset[str]) -> str | None:
    """"machine" if a window's stems name the machine and no carer, "carer" if a carer and no
    machine, else None (both named, or neither)."""
    machine, carer = bool(stems & MACHINES), bool(stems & CARERS)
    if machine == carer:
        return None
    return "machine" if machine else "carer"


def agent_side(stems: frozenset[str], leans: tuple[float, float]) -> int | None:
    """Which of two tied modules (0 or 1; `leans` their `lean`s) a window's talk belongs to by
    the agent it names (`speaks_of`), or None when their leans are under LEAN_GAP apart or the
    window names no single agent."""
    agent = speaks_of(stems)
    if agent is None or abs(leans[0] - leans[1]) < LEAN_GAP:
        return None
    machine_side = 0 if leans[0] > leans[1] else 1
    return machine_side if agent == "machine" else 1 - machine_side
