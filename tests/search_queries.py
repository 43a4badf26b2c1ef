"""The fixed search query set: sentences from transcripts, course phrases, misspellings, common words.

Used by the browser tests (the right page first, or within the first page of results) and by
`bench/site.py --ranking`, which prints where the right page ranks in Pagefind's own order (what the
search dialog showed before) and in the dialog's order now. Expected pages are the fixture episodes
of `site_support.make_fixture_episodes` and the course modules of the built site.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from site_support import FIRST_INAUGURAL, GETTYSBURG, HALF_REMEMBERED, INAUGURAL, WORDS_FROM_ELSEWHERE

COURSE_PHRASE_WORDS = 7        # words from the start of a module's summary, typed as remembered

# (query as typed, expected page path, "first" | "page": first result, or within the first page)
QUERY_SET: list[tuple[str, str, str]] = [
    ("what to say when people ask", f"episodes/{WORDS_FROM_ELSEWHERE}/", "first"),
    ("end of this short one", f"episodes/{WORDS_FROM_ELSEWHERE}/", "first"),
    ("she said it's fine to go slowly", f"episodes/{WORDS_FROM_ELSEWHERE}/", "first"),
    ("a few words of te reo Maori", f"episodes/{WORDS_FROM_ELSEWHERE}/", "first"),
    ("ask not what your country can do", f"episodes/{INAUGURAL}/", "first"),
    ("when forty winters shall besiege thy brow", "episodes/002-sonnet-2/", "first"),
    ("look in thy glass and tell the face", "episodes/003-sonnet-3/", "first"),
]
# Queries where nothing matches well: a misspelling or a word on nearly every page.
WEAK_QUERIES = ["inagural", "sonet brow", "Lifelyne", "the", "and"]


def course_phrases(site: Path, prefix: str = "/") -> list[tuple[str, str, str]]:
    """One phrase per course module, from its summary in the built catalogue (so course edits keep it true).
    Module URLs are given from the site's root (`course/01-x/`), whether the catalogue holds them
    relative or absolute (a build with `site_url`: `https://host/repo/course/01-x/` with prefix `/repo/`)."""
    catalogue = json.loads((Path(site) / "cite" / "catalogue.json").read_text(encoding="utf-8"))
    phrases = []
    for module in catalogue["modules"]:
        words = str(module.get("summary") or "").replace(",", " ").split()[:COURSE_PHRASE_WORDS]
        path = urlsplit(module["url"]).path if "://" in module["url"] else module["url"]
        if path.startswith(prefix):
            path = path[len(prefix):]
        if len(words) >= 3:
            phrases.append((" ".join(words).lower(), path.lstrip("/"), "page"))
    return phrases


# Half-remembered queries, typed as a reader remembers them, each with the episode and the moment
# (`#t=`) Enter must open. One of each kind the search forgives (issue 17).
HALF = f"episodes/{HALF_REMEMBERED}/"
HALF_REMEMBERED_QUERIES: list[tuple[str, str, str, str]] = [
    # (kind, query as typed, expected page, expected #t= moment; "" when the page itself, or any moment, is right)
    ("title words", "staying with the hard days", HALF, ""),
    ("title words, reordered", "hard days staying", HALF, ""),
    ("one word wrong", "recovery needs your patience not your perfection", HALF, "0:20"),
    ("words in another order", "perfection not patience recovery asks", HALF, "0:20"),
    ("compound", "cannot pretend the email from my brother", HALF, "0:10"),
    ("contraction", "its a different kind of tiredness", HALF, "0:50"),
    ("regional spelling", "her behavior changed", HALF, "0:30"),
    ("regional spellings", "organized a picnic at the neighborhood center", HALF, "0:40"),
    ("misspelt word", "grandmuther kept every postcard", HALF, "1:00"),
    ("misspelt and one word wrong", "a biscut tin under the bed", HALF, "1:00"),
    ("misquotation, one word wrong", "ask not what your country can do for the country", f"episodes/{INAUGURAL}/", "0:04"),
    ("misspelt title word", "inagural address", f"episodes/{INAUGURAL}/", ""),
]

# The review's set (issue 17): other texts nobody tuned the search for, one query of each kind a
# reader half-remembers. Same shape as HALF_REMEMBERED_QUERIES; the browser test and the bench run both.
GETTY, FEAR = f"episodes/{GETTYSBURG}/", f"episodes/{FIRST_INAUGURAL}/"
REVIEW_QUERIES: list[tuple[str, str, str, str]] = [
    ("misquotation", "four score and seven years ago our forefathers brought forth upon this continent", GETTY, "0:10"),
    ("one word wrong", "government of the people by the people for the people shall not vanish from the earth", GETTY, "0:50"),
    ("words reordered", "fear itself is the only thing we have to fear", FEAR, "0:10"),
    ("cannot for can not", "we cannot consecrate this ground", GETTY, "0:30"),
    ("its for it's", "its a speech that knows it's audience", FEAR, "0:00"),
    ("e-mail for email", "e-mail us your favorite line", GETTY, "0:00"),
    ("vigour for vigor", "a leadership of frankness and of vigour", FEAR, "0:20"),
    ("misspelt word", "happyness lies not in the mere possesion of money", FEAR, "0:30"),
    ("title words", "lincoln gettysburg", GETTY, ""),
    ("word not on its page", "nameless unreasoning unjustified terror that paralyzes everyone", FEAR, "0:10"),
    ("only common words", "what they did here", GETTY, "0:40"),
    ("capitals and punctuation", "THE WORLD WILL LITTLE NOTE!!! NOR LONG REMEMBER...", GETTY, "0:40"),
    ("curly apostrophe", "ain\u2019t i a woman", FEAR, "0:40"),
    ("accent on page, none typed", "recorded this reading in a cafe", GETTY, "0:00"),
    ("accent typed, none on page", "a new nation conceived in liberté", GETTY, "0:10"),
    ("two words wrong", "the world will hardly notice nor long remember what we say here", GETTY, "0:40"),
    ("common words, another page too", "it is for us to be here", GETTY, "0:50"),
    ("long pasted paragraph",
     "So first of all let me assert my firm belief that the only thing we have to fear is fear itself, nameless, "
     "unreasoning, unjustified terror which paralyses needed efforts to convert retreat into advance. In every "
     "dark hour of our national life a leadership of frankness and vigour has met with that understanding", FEAR, "0:10"),
]
