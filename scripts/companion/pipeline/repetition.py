"""Whisper's repetition loops inside one decoded stretch: a word or phrase said once, written
dozens of times.

On speech it cannot follow (radio noise, crosstalk, a language it does not know) Whisper can
settle into writing one token sequence again and again until its window ends: "okay, okay, okay"
104 times over 14 s of the Apollo 11 radio, its word timings collapsed onto a few instants
(Const-me/Whisper#26, "text output looping/repeating (until end)"; QuentinFuxa/WhisperLiveKit
PR #339 detects an n-gram repeated back to back; anti-vocale#74 notes a loop's words are packed
as tightly as the token budget allows). Inside one segment such a loop passes every line-level
guard (`transcribe.drop_loops` compares whole segments), and in a long, otherwise clear episode
the model's overall confidence stays high, so it was published as the transcript.

A real repetition ("no, no, no", a refrain said four times) is said at the pace of speech, each
word taking time. A loop is told apart by its timing: an n-gram repeated back to back
`MIN_REPEATS` times or more whose words come faster than anyone speaks (`MAX_WORDS_PER_S`) or
mostly take no time at all. The first saying is kept; the repeats are cut, so the speech under
them has no words, and the completeness pass decodes it again (with temperature fallback) or
reports it as speech without words.
"""

from __future__ import annotations

import re
from typing import Any

MAX_NGRAM = 8                     # longest phrase looked for (words)
MIN_REPEATS = 3                   # sayings back to back before timing is looked at
LONG_PHRASE = 4                   # a phrase of this many words or more said twice is looked at too
MAX_WORDS_PER_S = 6.0             # faster than anyone speaks (as transcribe.MAX_WORDS_PER_S)
INSTANT_S = 0.02                  # a word this short was not heard, it was placed
INSTANT_SHARE = 0.5               # share of such words that marks a run as a loop

Word = dict[str, Any]             # {"startTime", "endTime" (s), "body"}


def _token(word: Word) -> str:
    return re.sub(r"[^a-z0-9']", "", word["body"].lower())


def _repeats(tokens: list[str], start: int, size: int) -> int:
    """How many times tokens[start:start+size] is said back to back from `start`."""
    phrase = tokens[start:start + size]
    count = 1
    while tokens[start + count * size:start + (count + 1) * size] == phrase:
        count += 1
    return count


def is_loop(run: list[Word]) -> bool:
    """Whether the words of one repeated run were placed, not heard: more than MAX_WORDS_PER_S
    over the run, or at least INSTANT_SHARE of them shorter than INSTANT_S."""
    seconds = run[-1]["endTime"] - run[0]["startTime"]
    instant = sum(1 for w in run if w["endTime"] - w["startTime"] < INSTANT_S)
    return len(run) > MAX_WORDS_PER_S * max(seconds, 0.1) or instant >= INSTANT_SHARE * len(run)


def _one_saying(run: list[Word], phrase: list[str]) -> list[Word]:
    """The words of a loop's `run` to keep: those the model timed (not placed at an instant,
    INSTANT_S) when they spell `phrase` once, in order, since the instants are the written-over
    repeats wherever they fall; else the run's first saying."""
    timed = [w for w in run if w["endTime"] - w["startTime"] >= INSTANT_S]
    return timed if [_token(w) for w in timed] == phrase else run[:len(phrase)]


def cut_loops(words: list[Word]) -> list[Word]:
    """`words` (in time order) without the repeats of each repetition loop: its first saying is
    kept. A run is a phrase said MIN_REPEATS times back to back, or twice when it is LONG_PHRASE
    words or more (tiny.en on an AMD EPYC wrote "Breathe in slowly and breathe out." twice over
    one 2.6 s saying, six of its twelve words placed at one instant). The longest run starting at
    a word wins; a run that is not a loop by its timing (`is_loop`) is kept whole: a refrain
    really said twice takes the time of two sayings."""
    tokens = [_token(w) for w in words]
    kept: list[Word] = []
    index = 0
    while index < len(words):
        best_size, best_count = 0, 1
        if tokens[index]:
            for size in range(1, MAX_NGRAM + 1):
                if index + 2 * size > len(words):
                    break
                count = _repeats(tokens, index, size)
                if count >= (2 if size >= LONG_PHRASE else MIN_REPEATS) and count * size > best_count * best_size:
                    best_size, best_count = size, count
        end = index + best_size * best_count
        if best_size and is_loop(words[index:end]):
            kept.extend(_one_saying(words[index:end], tokens[index:index + best_size]))
            index = end
        else:
            kept.append(words[index])
            index += 1
    return kept
