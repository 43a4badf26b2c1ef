"""Talk about the show rather than an idea: greetings, introductions, previews and sign-offs.

An episode opens by saying who is on it and what is coming ("welcome, my guest today trains
counsellors", "I'm on placement at a community health centre", "later we'll get into why the
apps flatter you", "after the break: what a session costs"), and closes with its signpost to
support ("if any of this brought stuff up, Lifeline is 13 11 14"). Such a line names a topic, often
in the course's own words, without discussing it; a listener sent there hears an introduction.
A segment that frames the show (`frames`) does not count as holding a module's idea
(`weave._stretches`), so a stretch made only of framing lines is not suggested, and a stretch
starts where the talk itself does.

The cues are the broadcast's own formulas, in any podcast, whatever its subject: greeting and
welcoming, naming the guest or oneself, thanking for the invitation, announcing what comes
later, next or after a break. They are phrases of Snowball stems (`topics.phrase`), matched as
consecutive words.

A *preview* also says what a later part of the show will discuss without a fixed formula ("and
in the new year, a whole episode on where chatbots help"). Its words alone are the talk's words
("next week", "later", "coming up" are narrative as often), so it is told by a pair: a time
still ahead (`AHEAD_CUES`) said with a word for the show's own structure or its listeners
(`SHOW_CUES`: episode, season, part two, after the break, send in). A preview usually comes as
a list, one topic a sentence; a line between two framing lines belongs to the list
(`framed`), so "later this month, a privacy lawyer on your data" between two announcements is
one too, while "the next week I told my counsellor" or "an episode of a podcast I heard about
acceptance" is talk.
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
    "in today's episode", "on today's show", "this week on", "this season on", "we'll get into", "we will get into",
    "we're going to talk", "going to be talking", "gonna talk", "we'll talk about",
    "we will talk about", "we'll be talking", "we'll ask", "we will ask", "stay tuned",
    "before we get into", "before we start",
    # signing off
    "thanks for listening", "thank you for listening", "thanks for tuning in", "see you next",
    "see ya next", "catch you next", "until next time", "that's us", "that's all for", "wrap up",
    "bye everyone", "bye for now",
)
# Left out on purpose, being narrative as often as framing: "next week" ("the next week we talked
# it through"), "coming up" ("the word that keeps coming up"), "stick around" (a person who stays).


# A time still ahead of the speaker, as a show announces it. "next week" and "next time" only
# without "the" before them ("the next week we talked it through" is narrative: `_ahead`).
AHEAD_CUES = ("coming up", "later this", "later in", "later on", "next week", "next time",
              "next month", "next season", "in the new year", "another time", "another day",
              "not today", "after that", "upcoming", "in a future")
# The show's own structure and its audience: what only talk about the broadcast says.
SHOW_CUES = ("episode", "episodes", "season", "series", "the show", "this show", "our show",
             "the podcast", "this podcast", "part two", "part three", "second half", "the break",
             "housekeeping", "listener", "listeners", "send in", "send us", "write in", "tune in",
             "subscribe")
_RELATIVE = frozenset(phrase("the that following"))   # "the next week": a time in a story

# Signposting: the show's closing lines (its last CLOSING_S seconds) give a crisis or support
# service and how to reach it
# (Mindframe's guidance asks every program touching on suicide or mental ill-health to). A service's
# name alone may be talk ("the app was my lifeline"); with its number, address or hours, it is the
# signpost.
SERVICE_CUES = ("lifeline", "beyond blue", "beyondblue", "kids helpline", "13yarn", "suicide call back",
                "samaritans", "helpline", "crisis line", "crisis text line", "mensline", "qlife",
                "triple zero", "1800respect", "988", "1737")
CLOSING_S = 60.0            # an episode's closing, in seconds before its last segment starts
CONTACT_CUES = ("thirteen", "eleven", "fourteen", "zero", "dot com", "dot org", "dot au", "any hour",
                "any time", "day or night", "24/7", "around the clock")
# Not "call", "ring" or "text": "I called Lifeline that night and she talked me through it" is talk.

# A listener's question read out and left for later: the show's own handling of its mail, not a
# discussion ("Sam in Ballarat asks, is it normal to feel worse after the first sessions? Great
# question, we'll come back to it"; "Mick writes ... good question, we're going to save that one
# for our clinician guest"). A deferral (DEFER_CUES) with a reading cue (READ_CUES) at most
# READ_BACK segments before it, and the word "question" said from one to the other, is the show
# leaving the message for later. Without the question it is as often a story ("I'd ask it for
# words ... the scared bit I saved for the person"), so nothing is marked.
DEFER_CUES = ("come back to it", "come back to that", "come back to this", "save that", "save this",
              "save it", "save them", "save those", "on the list", "won't answer", "will not answer",
              "not going to answer", "not answering", "hang onto it", "hang on to it", "hold that thought",
              "ask a guest", "get a guest", "for a future", "for another episode")
READ_CUES = ("asks", "writes", "wrote in", "wrote to us", "question from", "question in", "listener question", "emailed",
             "messaged", "sent us", "voicemail from")
QUESTION = ("question", "questions")
READ_BACK = 3               # segments before a deferral searched for the start of what it defers


def _by_first(cues: tuple[str, ...]) -> dict[str, list[Phrase]]:
    by_first: dict[str, list[Phrase]] = {}
    for cue in cues:
        p = phrase(cue)
        by_first.setdefault(p[0], []).append(p)
    return by_first


@functools.lru_cache(maxsize=1)
def _cues() -> tuple[dict[str, list[Phrase]], dict[str, list[Phrase]], dict[str, list[Phrase]]]:
    return _by_first(FRAMING_CUES), _by_first(AHEAD_CUES), _by_first(SHOW_CUES)


@functools.lru_cache(maxsize=1)
def _mail_cues() -> tuple[dict[str, list[Phrase]], dict[str, list[Phrase]], dict[str, list[Phrase]]]:
    return _by_first(DEFER_CUES), _by_first(READ_CUES), _by_first(QUESTION)


@functools.lru_cache(maxsize=1)
def _signpost_cues() -> tuple[dict[str, list[Phrase]], dict[str, list[Phrase]]]:
    return _by_first(SERVICE_CUES), _by_first(CONTACT_CUES)


def _says(words: tuple[str, ...], cues: dict[str, list[Phrase]], relative: bool = True) -> bool:
    """Whether `words` hold one of `cues` as consecutive stems; with `relative` False, not right
    after a word that makes a time relative to a story (`_RELATIVE`)."""
    return any(words[i:i + len(p)] == p and (relative or i == 0 or words[i - 1] not in _RELATIVE)
               for i, w in enumerate(words) for p in cues.get(w, ()))


def previews(words: tuple[str, ...]) -> bool:
    """Whether a segment's stems announce a later part of the show: a time still ahead
    (AHEAD_CUES, not "the next week") said with a word of the show's structure or its audience
    (SHOW_CUES)."""
    _, ahead, show = _cues()
    return _says(words, ahead, relative=False) and _says(words, show)


def signposts(words: tuple[str, ...]) -> bool:
    """Whether a segment's stems give a support service (SERVICE_CUES) with a way to reach it
    (CONTACT_CUES or a number): "Lifeline is 13 11 14, any hour", the show's closing signpost."""
    services, contact = _signpost_cues()
    return _says(words, services) and (_says(words, contact) or any(w.isdigit() for w in words))


def frames(words: tuple[str, ...]) -> bool:
    """Whether a segment's stems (in order) say one of the FRAMING_CUES or preview the show
    (`previews`): it greets, introduces someone, announces what comes later, or signs off."""
    return _says(words, _cues()[0]) or previews(words)


def deferred(segments: list[tuple[str, ...]]) -> list[bool]:
    """For each segment's stems, in time order: whether it is part of the show leaving a
    listener's question for later: from the first reading cue (READ_CUES) to a deferral
    (DEFER_CUES) at most READ_BACK segments after it (the same segment too), when "question" is
    said in between."""
    defer, read, question = _mail_cues()
    out = [False] * len(segments)
    for i, words in enumerate(segments):
        if not _says(words, defer):
            continue
        opened = [k for k in range(max(0, i - READ_BACK), i + 1) if _says(segments[k], read)]
        if opened and any(_says(segments[j], question) for j in range(opened[0], i + 1)):
            out[opened[0]:i + 1] = [True] * (i + 1 - opened[0])
    return out


def framed(segments: list[tuple[str, ...]], starts: list[float] | None = None) -> list[bool]:
    """For each segment's stems, in time order: whether it frames the show (`frames`), or, with
    `starts` (each segment's start, seconds), signposts support (`signposts`) in the episode's
    last CLOSING_S seconds or leaves a listener's question for later (`deferred`), or lies
    between two segments that do any of these (an item of a list of announcements, one topic a
    sentence). A signpost earlier in an episode is talk: telling a listener at 3am to put the app
    down and ring Lifeline is module 4's idea. Linear in segments."""
    last = starts[-1] if starts else 0.0
    mail = deferred(segments) if starts is not None else [False] * len(segments)
    own = [frames(words) or mail[i] or (starts is not None and starts[i] >= last - CLOSING_S and signposts(words))
           for i, words in enumerate(segments)]
    return [f or (0 < i < len(own) - 1 and own[i - 1] and own[i + 1]) for i, f in enumerate(own)]
