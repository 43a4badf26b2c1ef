"""Talk about the show rather than an idea: greetings, introductions and previews.

An episode opens by saying who is on it and what is coming ("welcome, my guest today trains
counsellors", "I'm on placement at a community health centre", "later we'll get into why the
apps flatter you", "after the break: what a session costs"). Such a line names a topic, often
in the course's own words, without discussing it; a listener sent there hears an introduction.
A segment that frames the show (`frames`) does not count as holding a module's idea
(`weave._stretches`), so a stretch made only of framing lines is not suggested, and a stretch
starts where the talk itself does.

The cues are the broadcast's own formulas, in any podcast, whatever its subject: greeting and
welcoming, naming the guest or oneself, thanking for the invitation, announcing what comes
later, next or after a break. They are phrases of Snowball stems (`topics.phrase`), matched as
consecutive words.
"""

from __future__ import annotations

import functools

from companion.course.topics import Phrase, phrase

FRAMING_CUES = (
    # greeting and welcoming
    "welcome", "welcome back", "hello and", "hi everyone", "hey everyone", "hey folks", "g'day",
    # naming the guest, the panel or oneself
    "my guest", "our guest", "guest today", "today's guest", "with me today", "joining me",
    "joining us", "i'm joined by", "here with me", "introduce", "introduction", "let me introduce",
    "my name is", "i'm from", "originally from", "thanks for having me", "thank you for having me",
    "great to be here", "lovely to be on", "good to be on", "get you on", "have you on",
    # what is coming: a preview, not the talk
    "coming up on the show", "coming up after", "coming up later", "up next", "later in the show",
    "later in the episode", "after the break", "next week on", "next episode", "in this episode",
    "in today's episode", "on today's show", "this week on", "we'll get into", "we will get into",
    "we're going to talk", "going to be talking", "gonna talk", "we'll talk about",
    "we will talk about", "we'll be talking", "stay tuned", "before we get into", "before we start",
)
# Left out on purpose, being narrative as often as framing: "next week" ("the next week we talked
# it through"), "coming up" ("the word that keeps coming up"), "stick around" (a person who stays).


@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, list[Phrase]]:
    by_first: dict[str, list[Phrase]] = {}
    for cue in FRAMING_CUES:
        p = phrase(cue)
        by_first.setdefault(p[0], []).append(p)
    return by_first


def frames(words: tuple[str, ...]) -> bool:
    """Whether a segment's stems (in order) say one of the FRAMING_CUES: it greets, introduces
    someone, or announces what comes later."""
    cues = _cues()
    return any(words[i:i + len(p)] == p for i, w in enumerate(words) for p in cues.get(w, ()))
