"""The course bibliography: `data/bibliography/*.yml` merged into one CSL-JSON library.

The YAML files hold CSL-JSON fields keyed by id so that writers edit one familiar format and
every export (APA, RIS, BibTeX, CSL-JSON) reads the same record. Three extra fields exist for
the project only: `evidence` (the section of the evidence bank the source comes from),
`year_suffix` (APA's 2024a/2024b: the course plugin works it out over every work the site cites,
`apa.assign_suffixes`, and warns when a written one disagrees) and `authors_incomplete` (the bank
names only the first authors; the rest are never guessed); none is a CSL variable, so `to_csl`
maps or drops them. CSL's `accessed` (the day a writer read an undated page, never guessed) gives
APA's "Retrieved Month D, YYYY, from URL" on the site and in every export (`apa.retrieved`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from companion.errors import CourseError

REQUIRED_FIELDS = ("type", "title")   # no `issued` means "n.d."
NAME_FIELDS = ("author", "editor")
PROJECT_FIELDS = ("evidence", "year_suffix", "authors_incomplete")
ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")

Entry = dict[str, Any]
# Types whose `genre` is APA's bracketed description of the format ("[Audio podcast episode]"):
# CSL calls that `medium`. APA's CSL style prints a `genre` beside the number as a label, so an
# episode came out "Title (Audio Podcast Episode No. 3)" in Zotero and citeproc, where APA 7 (and
# the site) give "Title (No. 3) [Audio podcast episode]"; Zotero's podcast keeps `medium` as its
# audio file type.
BRACKETED_MEDIUM_TYPES = frozenset({"broadcast"})
# RIS and CSL-JSON have no "et al.": a list the bank left incomplete would import as the whole list
# ("Torous, J. (2018)", cited "(Torous, 2018)"). BibTeX says "and others"; these two carry a note,
# which Zotero keeps in Extra and EndNote in Notes, beside the item the reader will cite.
INCOMPLETE_AUTHORS_NOTE = ("Incomplete author list: the course's sources name only the authors given "
                           "here; look up the full list (DOI or URL) before citing.")


def export_note(entry: Entry) -> str:
    """The entry's `note`, with INCOMPLETE_AUTHORS_NOTE after it when its author list is
    incomplete (`authors_incomplete`); '' when there is neither."""
    notes = [str(entry["note"])] if entry.get("note") else []
    if entry.get("authors_incomplete"):
        notes.append(INCOMPLETE_AUTHORS_NOTE)
    return " ".join(notes)


class BibliographyError(CourseError):
    """A bibliography file the writers must fix; the message names the file and the key."""


def load(folder: Path) -> dict[str, Entry]:
    """Every entry of every `*.yml` in `folder`, merged; a key defined twice is an error."""
    merged: dict[str, Entry] = {}
    origin: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise BibliographyError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise BibliographyError(f"{path}: expected a mapping of id -> CSL-JSON entry.")
        for key, entry in data.items():
            key = str(key)
            if key in merged:
                raise BibliographyError(
                    f"Reference '{key}' is defined twice: in {origin[key]} and in {path}."
                )
            problem = validate(entry)
            if problem:
                raise BibliographyError(f"{path}: reference '{key}': {problem}")
            merged[key] = {**nfc(entry), "id": key}
            origin[key] = path
    return merged


def nfc(value: Any) -> Any:
    """Every string in `value` (nested lists and mappings too) in Unicode NFC.

    Done first, on load: a name typed or pasted decomposed ("E" + U+0301) must give the same
    initial ("É."), sort key and export bytes as the composed one.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k) if isinstance(k, str) else k: nfc(v) for k, v in value.items()}
    return value


def validate(entry: Any) -> str:
    """What is wrong with one entry, or '' when it can be formatted and exported."""
    if not isinstance(entry, dict):
        return "must be a mapping of CSL-JSON fields."
    missing = [name for name in REQUIRED_FIELDS if not entry.get(name)]
    if missing:
        return f"missing {', '.join(missing)}."
    if not any(entry.get(name) for name in NAME_FIELDS):
        return "needs an author or an editor (use {literal: ...} for a group author)."
    for field in NAME_FIELDS:
        for name in entry.get(field) or []:
            if not isinstance(name, dict) or not (name.get("family") or name.get("literal")):
                return f"every {field} needs 'family' (with 'given') or 'literal'."
    for field in ("issued", "accessed"):
        if field in entry and date_parts(entry[field]) is None:
            return f"{field} must be a year or an ISO date, not {entry.get(field)!r}."
    return ""


def date_parts(value: Any) -> list[int] | None:
    """[year, month?, day?] from a YAML year, ISO string, date, or CSL date-parts mapping."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return [value]
    if isinstance(value, dt.date):
        return [value.year, value.month, value.day]
    if isinstance(value, dict) and value.get("date-parts"):
        return [int(p) for p in value["date-parts"][0]]
    match = ISO_DATE.match(str(value or ""))
    if not match:
        return None
    return [int(p) for p in match.groups() if p]


def date_text(parts: list[int], separator: str) -> str:
    """`2024/03/07` or `2024-03-07` from [year, month?, day?]: month and day zero-padded."""
    return separator.join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def names(entry: Entry) -> tuple[list[dict[str, str]], bool]:
    """The names that lead the reference, and whether they are editors (no author given)."""
    if entry.get("author"):
        return list(entry["author"]), False
    return list(entry.get("editor") or []), True


def family(name: dict[str, str]) -> str:
    """The surname a person is filed and cited under: CSL's non-dropping particle with the family
    name ("van Gogh", "De Vries", "de la Cruz"); a dropping particle ("von" in Helmholtz) is not
    part of it (CSL-JSON 1.0 name variables; APA 7, section 9.44). '' for a literal name."""
    return " ".join(str(name[k]) for k in ("non-dropping-particle", "family") if name.get(k))


def full_family(name: dict[str, str]) -> str:
    """Both particles with the family name ("von Helmholtz", "van Gogh"): the last-name field of
    RIS and the "von Last" of BibTeX, which keep a name whole rather than file it."""
    return " ".join(str(name[k]) for k in ("dropping-particle", "non-dropping-particle", "family")
                    if name.get(k))


def year_suffix(entry: Entry) -> str:
    """The letter after the year ("a", "b") that tells apart one author's works of one
    year, from `year_suffix` (ours) or `year-suffix` (CSL); "" when none."""
    return str(entry.get("year_suffix") or entry.get("year-suffix") or "")


def to_csl(entry: Entry) -> Entry:
    """The entry as standard CSL-JSON: dates as date-parts, project-only fields mapped or dropped.

    The year letter is left out: it tells a work from others in a reference list, so the writer of
    a list adds it (exports.csl_json)."""
    csl = {k: v for k, v in entry.items() if k not in PROJECT_FIELDS and k != "year-suffix"}
    if csl.get("type") in BRACKETED_MEDIUM_TYPES and csl.get("genre") and not csl.get("medium"):
        csl["medium"] = csl.pop("genre")
    if export_note(entry):
        csl["note"] = export_note(entry)
    for field in ("issued", "accessed"):
        if field in csl:
            parts = date_parts(csl[field])
            csl[field] = {"date-parts": [parts]} if parts else csl[field]
    return csl
