"""The fixed search query set: sentences from transcripts, course phrases, misspellings, common words.

Used by the browser tests (the right page first, or within the first page of results) and by
`bench/site.py --ranking`, which prints where the right page ranks in Pagefind's own order (what the
search dialog showed before) and in the dialog's order now. Expected pages are the fixture episodes
of `site_support.make_fixture_episodes` and the course modules of the built site.
"""

from __future__ import annotations

import json
from pathlib import Path

from site_support import INAUGURAL, WORDS_FROM_ELSEWHERE

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


def course_phrases(site: Path) -> list[tuple[str, str, str]]:
    """One phrase per course module, from its summary in the built catalogue (so course edits keep it true)."""
    catalogue = json.loads((Path(site) / "cite" / "catalogue.json").read_text(encoding="utf-8"))
    phrases = []
    for module in catalogue["modules"]:
        words = str(module.get("summary") or "").replace(",", " ").split()[:COURSE_PHRASE_WORDS]
        if len(words) >= 3:
            phrases.append((" ".join(words).lower(), module["url"], "page"))
    return phrases
