"""How common a word is in English at large, so talk in another field's words is recognised.

The course's subject shares words with every other field ("therapy", "relapse", "client
session", "relationship"); what tells a slow-cooker hour or a gym trainer's talk from talk about
care is the rest of the vocabulary around the shared word: lamb, rosemary and a lid; squats and
muscle; a dashboard and onboarding. Those are words the course never says and that are not
everyday English either. The reference for "everyday" is wordfreq (Speer 2022: Wikipedia,
subtitles, news, books, web text and social media, pooled), on its Zipf scale: log10 of a word's
frequency per billion words, about 7 for "the", 6 for "see", 5 for "walk", 4 for "lamb", 3 for
"anchovy", 0 for a word it does not list. `weave._elsewhere` uses it.
"""

from __future__ import annotations

import functools

from wordfreq import zipf_frequency


@functools.lru_cache(maxsize=None)      # a podcast's vocabulary is small; the lookup tokenises
def zipf(word: str) -> float:
    """wordfreq's Zipf frequency of one lower-case English word, 0.0 to about 7.5 (0.0 if it
    does not list the word)."""
    return zipf_frequency(word, "en")
