"""The site's search vocabulary: every word Pagefind indexed, with how often, written at build time.

The search dialog (docs/assets/companion.js) reads it to forgive a reader's memory: a query word that
no page holds is matched to the nearest words that are in the index (edit distance, "Did you mean …"),
and compound, contraction and regional spellings ("can not"/"cannot", "behaviour"/"behavior") and
numbers ("seven"/"7", "forty"/"40") are tried in the form the site uses. The words are read from Pagefind's own fragments (the text it
indexed, with `data-pagefind-ignore` parts already left out), so the list never holds a word the
index does not.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

FILE_NAME = "vocabulary.json"       # beside Pagefind's bundle: <site>/pagefind/vocabulary.json
FRAGMENT_SIGNATURE = b"pagefind_dcd"  # Pagefind's marker at the start of a decompressed file
MIN_LETTERS = 2                       # one-letter words are never worth suggesting, but a digit
                                      # is kept: the dialog writes "seven" as "7" only when it is here
MAX_LETTERS = 30                      # longer "words" are URLs, hashes or glued text
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)


def fold(word: str) -> str:
    """A word as the dialog compares it: lower case, accents dropped, letters and digits only
    (mirrors `fold` in companion.js: "Māori" -> "maori", "it's" -> "its", "e-mail" -> "email")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return _NOT_WORD.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def words_of(text: str) -> list[str]:
    """Folded words of a text: each space-separated token whole, and its hyphenated parts."""
    found = []
    for token in text.split():
        whole = fold(token)
        if whole:
            found.append(whole)
        if "-" in token:
            found.extend(p for p in (fold(part) for part in token.split("-")) if p and p != whole)
    return [w for w in found if MIN_LETTERS <= len(w) <= MAX_LETTERS or w.isdecimal()]


def read_fragment(path: Path) -> dict:
    """One Pagefind fragment (gzip, signature, JSON: url, content, meta, anchors ...)."""
    data = gzip.decompress(path.read_bytes())
    if data.startswith(FRAGMENT_SIGNATURE):
        data = data[len(FRAGMENT_SIGNATURE):]
    return json.loads(data.decode("utf-8"))


def build_vocabulary(site_dir: Path) -> dict[str, int]:
    """Word -> number of occurrences over every page Pagefind indexed under `site_dir`.

    Raises FileNotFoundError when the site has no Pagefind bundle (index it first).
    """
    fragments = Path(site_dir) / "pagefind" / "fragment"
    if not fragments.is_dir():
        raise FileNotFoundError(f"no Pagefind fragments in {fragments}")
    counts: Counter[str] = Counter()
    for path in sorted(fragments.glob("*.pf_fragment")):
        fragment = read_fragment(path)
        counts.update(words_of(str(fragment.get("content") or "")))
        counts.update(words_of(str((fragment.get("meta") or {}).get("title") or "")))
    return dict(counts)


def write_vocabulary(site_dir: Path) -> Path:
    """Write `<site>/pagefind/vocabulary.json`: `{"words": [...], "counts": [...]}`, most frequent first.

    Returns the path written. Raises FileNotFoundError as `build_vocabulary` does.
    """
    counts = build_vocabulary(site_dir)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    target = Path(site_dir) / "pagefind" / FILE_NAME
    target.write_text(json.dumps({"words": [w for w, _ in ordered], "counts": [n for _, n in ordered]},
                                 ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return target
