"""Turn untrusted feed text into safe, stable folder names.

No feed string ever becomes part of a path unslugged: a slug is lower-case ASCII letters, digits
and single hyphens, so `../`, `/`, NUL, emoji and reserved names cannot reach the file system.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG_CHARS = 64          # keeps paths and URLs short; the date prefix takes 11 of them
HASH_CHARS = 6               # suffix that tells apart two episodes with the same date and title
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_chars: int = MAX_SLUG_CHARS) -> str:
    """ASCII slug of `text` ('' when nothing usable is left, e.g. a title made only of emoji)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_chars:
        slug = slug[:max_chars].rsplit("-", 1)[0] or slug[:max_chars]
    return slug.strip("-")


def short_hash(text: str) -> str:
    """The first HASH_CHARS hex digits of the SHA-256 of `text` (UTF-8): a stable tie-breaker for slugs."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def episode_slug(date_iso: str | None, title: str, guid: str, taken: set[str]) -> str:
    """`YYYY-MM-DD-title-words`, made unique against `taken` with a hash of the guid.

    `taken` is compared without case: a folder the maintainer renamed with capitals is the same
    folder as its lower-case name on macOS and Windows. The result depends only on the episode's
    own date, title and guid (and on slugs already given out), so it is stable across runs once
    recorded in `episode.json`.
    """
    date_part = (date_iso or "")[:10] if re.match(r"\d{4}-\d{2}-\d{2}", date_iso or "") else ""
    title_part = slugify(title, MAX_SLUG_CHARS - len(date_part) - 1 - HASH_CHARS - 1)
    base = "-".join(p for p in (date_part, title_part) if p) or f"episode-{short_hash(guid)}"
    if base not in {name.casefold() for name in taken}:
        return base
    return f"{base}-{short_hash(guid)}"
