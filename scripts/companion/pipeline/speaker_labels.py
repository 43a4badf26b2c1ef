"""Speakers written into a transcript's text, read into its `speaker` field.

SRT has no speaker field, and many VTT and JSON transcripts leave theirs empty: publishers and
captioners write the speaker into the text instead, at the start of a line, and only when the
speaker changes (the Podcasting 2.0 example SRT's "Travis: When you first get", SubRip writers
such as GigaAMGUI#37; Buzzsprout's SRT import reads "John Smith:" alone on a line,
buzzsprout-api#55). The forms read here:

- `NAME: text`, `NAME:` alone on a line, `- NAME: text` (a dialogue dash);
- `>> NAME: text` (broadcast captions), and `>>` alone: a new speaker whose name is not given
  (cdp-backend#203);
- `[NAME] text` and `(NAME) text` (subsai#117's "(Speaker_01)");
- after a sentence end within a line, a name the file already uses as a label
  ("ALICE: Hi Bob, how are you? BOB: Hi Alice").

A NAME is one to four words, each starting with a capital ("Travis", "Dr. Jane O'Neil",
"Ludwig van Beethoven", "JANE"), or a generic speaker word and a number ("Speaker 1",
"SPEAKER_00", "Спикер №1"). What is not taken, so real text is not eaten: times and ratios
("10:30", "3:2") and numbered items ("Step 1:") have digits; single letters ("Q:", "A:") are an
interview's roles, kept in the text as written; words that open a remark rather than name
anyone ("NOTE:", "Remember:", "Warning:") and sounds in brackets ("[MUSIC]", "[Laughter]") are
listed below. And a file is taken to label its speakers only when some name labels at least two
lines or a `>>` marks a change, so a lone "Jane: hi" in an unlabelled file stays text.

A labelled speaker holds until the next label (labels are written at a change of speaker).
"""

from __future__ import annotations

import re
from collections import Counter

Span = tuple[str | None, str]

# Words that start a remark, not a name: "Note: ...", "Remember: ...", "Warning: ...",
# discourse markers and content notes. Compared lower-cased, with the label's first word.
NOT_NAMES = frozenset("""
    note notes nb ps remember reminder warning caution update tip tips hint step example answer
    question chapter part summary disclaimer content trigger transcript translation translator
    editor source sponsor sponsored ad advert advertisement important fact quote definition rule
    lesson episode season also today tonight now so well yes no okay ok first second third
    finally then next bonus spoiler correction edit edited listen look see wait anyway basically
    honestly seriously plus and but or because result results problem solution goal key takeaway
    verdict reason why what how who where when this that here there thanks thank please the a an
    my our your his her their its every all breaking live recap intro outro subtitles captions
    caption credits music
""".split())
# Sounds and manners that captions put in brackets (YouTube's [Music], [Applause]; DCMP's
# Captioning Key; Rev's [crosstalk], [inaudible]): any of these words makes a bracket a sound.
SOUNDS = frozenset("""
    music applause laughter laughs laughing laugh chuckles chuckling giggles inaudible
    unintelligible indistinct crosstalk silence pause sighs sigh coughs cough clears noise
    background sound sounds foreign cheering cheers clapping ringing rings phone beep beeps bleep
    bleeped static intro outro theme jingle sfx upbeat soft gentle dramatic instrumental singing
    sings humming hums whispers whispering shouting shouts crying cries breathing breathes gasps
    groans footsteps door knock knocking playing plays continues fades ends begins stops break
    ad advert sponsor silent blank overlapping overlap muffled distorted echo audio video
""".split())
# Generic speaker words that may carry a number ("Speaker 1", "SPEAKER_00", "Спикер №1").
NUMBERED = frozenset(
    "speaker speakers guest host caller voice man woman participant interviewer interviewee "
    "person unknown spk спикер говорящий sprecher locuteur hablante".split())
PARTICLES = frozenset("van von der den de da del della di du la le bin al el ter ten".split())

_WORD = r"[^\W\d_][^\s_:：\[\]()]*"
_NAME = rf"{_WORD}(?:[ _]+(?:{_WORD}|[№#]?\d{{1,3}})){{0,3}}"
_COLON = r"[:：]"
# A label at the start of a line; the text follows. Brackets need no colon ("[JANE] Hi").
_LINE_LABEL = re.compile(
    rf"^(?:-\s*)?(?:(?P<chevrons>>>+)\s*)?"
    rf"(?:(?P<name>{_NAME})\s*{_COLON}(?=\s|$)|[\[(](?P<bracketed>{_NAME})[\])]\s*{_COLON}?(?=\s|$))"
    r"\s*")
_CHEVRONS = re.compile(r"^(?:-\s*)?>>+\s*")
_SENTENCE_END = tuple(f"{stop}{close}" for stop in ".?!…" for close in ("", '"', "”", "’", ")"))
LABEL_ROOM = 64                  # a label is looked for in a line's first characters only
INLINE_NAMES = 20                # ... and within a line, only the file's most used names


def _is_name(label: str, bracketed: bool) -> bool:
    """Whether `label` (a label's words) names a speaker: each word capitalised (or a particle
    inside a name), no digits but a generic speaker word's number, not a remark or a sound."""
    words = label.replace("_", " ").split()
    if len(label) > 40 or len(words[0].strip(".")) < 2:          # "Q:", "A:" are roles
        return False
    first = words[0].lower().strip(".’'")
    if first in NOT_NAMES or (bracketed and any(w.lower() in SOUNDS for w in words)):
        return False
    numbers = [w for w in words[1:] if w.lstrip("№#").isdigit()]
    if numbers and (first not in NUMBERED or words[-1] is not numbers[-1] or len(numbers) > 1):
        return False
    lettered = [w for w in words if w not in numbers]
    if any(ch.isdigit() for w in lettered for ch in w):             # "Step1:", "Mp3:"
        return False
    return all(w[0].isupper() or (0 < i < len(lettered) - 1 and w.lower() in PARTICLES)
               for i, w in enumerate(lettered))


def _label(line: str) -> tuple[str | None, bool, str] | None:
    """(name or None, whether a `>>` marked it, the line's text after it) when `line` opens with
    a speaker label of a shape `_is_name` accepts; None when it does not."""
    match = _LINE_LABEL.match(line[:LABEL_ROOM])
    if match:
        name, bracketed = (match["name"], False) if match["name"] else (match["bracketed"], True)
        if _is_name(name, bracketed):
            return " ".join(name.split()), bool(match["chevrons"]), line[match.end():]
    chevrons = _CHEVRONS.match(line)
    if chevrons:
        return None, True, line[chevrons.end():]
    return None


def _inline_labels(names: Counter[str]) -> re.Pattern[str] | None:
    """A pattern for the labels of the file's INLINE_NAMES most used names, to find within a
    line; None when it has none. (Bounded: a hostile file's thousands of names would make every
    line try every one.)"""
    known = [name for name, _ in names.most_common(INLINE_NAMES)]
    if not known:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(known, key=len, reverse=True))
    return re.compile(rf"(?:>>\s*)?(?P<name>{alternatives})\s*{_COLON}\s+")


def _split_inline(text: str, labels: re.Pattern[str] | None) -> list[tuple[str | None, str]]:
    """`text` cut where a known name's label (`labels`) follows a sentence end ("...today? BOB:
    Hi"): (name or None for the text before the first, text) pieces."""
    pieces: list[tuple[str | None, str]] = []
    who, start = None, 0
    for match in labels.finditer(text) if labels else ():
        if match.start() == 0 or not text[:match.start()].rstrip().endswith(_SENTENCE_END):
            continue
        pieces.append((who, text[start:match.start()].strip()))
        who, start = match["name"], match.end()
    pieces.append((who, text[start:].strip()))
    return pieces


def speaker_spans(cues: list[list[str]]) -> list[list[Span]] | None:
    """(speaker, text) spans of each cue, its `lines` of plain text (markup removed), with the
    speakers its labels name, the labels taken out of the text.

    A speaker holds from its label to the next label, over cues; a `>>` with no name starts an
    unnamed speaker (None). Returns None when the file does not label speakers (no name labels
    two lines and no `>>` is used): its text is then read as written.
    """
    labels = [[_label(line) for line in lines] for lines in cues]
    found = [label for cue in labels for label in cue if label]
    names = Counter(name for name, _, _ in found if name)
    if not any(chevrons for _, chevrons, _ in found) and not any(n >= 2 for n in names.values()):
        return None
    inline = _inline_labels(names)
    spans: list[list[Span]] = []
    speaker: str | None = None
    for lines, cue_labels in zip(cues, labels):
        pieces: list[Span] = []
        for line, label in zip(lines, cue_labels):
            if label:
                speaker, _, line = label
            for who, text in _split_inline(line, inline):
                speaker = who if who is not None else speaker
                pieces.append((speaker, text))
        spans.append(_joined(pieces))
    return spans


def _joined(pieces: list[Span]) -> list[Span]:
    """`pieces` with the text of one speaker's consecutive pieces joined, empty ones dropped."""
    joined: list[Span] = []
    for who, text in pieces:
        if not text:
            continue
        if joined and joined[-1][0] == who:
            joined[-1] = (who, f"{joined[-1][1]} {text}")
        else:
            joined.append((who, text))
    return joined
