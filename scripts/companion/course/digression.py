"""A digression the speaker closes themself: "..., anyway."

Talk drifts: between two stretches on care a guest tells of the rental inspection this week, the
caravan park's bookings, the call centre's scripts, a bank's new bot, and the course's words come
up in it in that field's sense ("an invasion of privacy", "they accepted it and then rejected it",
"rebuilding customer trust"). Such an aside is short, and the speaker ends it themself with a
*pop* marker, the discourse cue that returns from an interruption to the talk it interrupted
(Grosz and Sidner 1986, "Attention, intentions, and the structure of discourse", Computational
Linguistics 12(3): "anyway", "in any case"; Schiffrin 1987, *Discourse Markers*): "Anyway. I
passed.", "Anyway, that's not why I rang.", "Anyway. Nothing deep." The cue names no field, so it
marks a digression into any field (a freight depot, a choir, a lab) alike.

A discussion ends with the cue too ("anyway, that's why I went back"), but after a minute of talk,
not after a few lines; `weave._stretches` drops a stretch as a closed digression only when it is
short (DIGRESSION_MAX_S) and the cue is said in its last segment or the one after it (`pops`).
"""

from __future__ import annotations

import functools

from companion.course.topics import Phrase, phrase

DIGRESSION_MAX_S = 20.0     # a stretch this short (s, first to last segment) closed by a pop marker is an aside
# Pop markers: a return from an interruption to the talk before it (Grosz and Sidner 1986).
POP_MARKERS = ("anyway", "anyways", "anyhow", "in any case", "at any rate")


@functools.lru_cache(maxsize=1)
def _markers() -> tuple[Phrase, ...]:
    return tuple(phrase(m) for m in POP_MARKERS)


def pops(words: tuple[str, ...]) -> bool:
    """Whether a segment's stems (in order) say a pop marker (POP_MARKERS, as consecutive stems)."""
    return any(words[i:i + len(p)] == p for p in _markers() for i in range(len(words) - len(p) + 1))
