"""RIS, BibTeX and CSL-JSON writers for CSL-JSON entries, for reference managers.

Each writer takes the same CSL-JSON records the site formats in APA, so a reference manager
gets what the page shows. Type choices follow the course notes (module: web page; episode:
sound recording / misc with "Audio podcast episode"); the tests parse every file back with
rispy, bibtexparser and json.
"""

from __future__ import annotations

import json
import re
from typing import Iterable

from companion.bibliography import Entry, date_parts, names, to_csl

RIS_TYPES = {
    "article-journal": "JOUR", "book": "BOOK", "chapter": "CHAP", "report": "RPRT",
    "webpage": "ELEC", "legislation": "STAT", "article": "UNPB", "preprint": "UNPB",
    "broadcast": "SOUND", "paper-conference": "CPAPER", "thesis": "THES", "dataset": "DATA",
}
BIBTEX_TYPES = {
    "article-journal": "article", "book": "book", "chapter": "incollection",
    "report": "techreport", "paper-conference": "inproceedings", "thesis": "phdthesis",
}
BIBTEX_SPECIAL = re.compile(r"([&%$#_])")
BIBTEX_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:\-]")
PAGE_SPLIT = re.compile(r"\s*(?:--|-|\u2013)\s*")


def _person(name: dict[str, str]) -> str:
    if name.get("literal"):
        return name["literal"]
    return f"{name['family']}, {name['given']}" if name.get("given") else name["family"]


def _pages(entry: Entry) -> list[str]:
    return PAGE_SPLIT.split(str(entry.get("page", ""))) if entry.get("page") else []


def _doi(entry: Entry) -> str:
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", str(entry.get("DOI", "")), flags=re.I)


# --- RIS -----------------------------------------------------------------------------------

def ris_record(entry: Entry) -> str:
    """One RIS record (`TY` ... `ER`), tags padded as the format requires: 'XX  - value'."""
    lines = [("TY", RIS_TYPES.get(entry.get("type", ""), "GEN"))]
    people, editors = names(entry)
    lines += [("A2" if editors else "AU", _person(p)) for p in people]
    if not editors:
        lines += [("A2", _person(p)) for p in entry.get("editor") or []]
    lines.append(("TI", entry["title"]))
    if entry.get("container-title"):
        lines.append(("T2", entry["container-title"]))
    parts = date_parts(entry.get("issued")) or []
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/"))
    for tag, field in (("VL", "volume"), ("IS", "issue"), ("PB", "publisher"), ("ET", "edition")):
        if entry.get(field):
            lines.append((tag, str(entry[field])))
    pages = _pages(entry)
    if pages:
        lines.append(("SP", pages[0]))
        if len(pages) > 1:
            lines.append(("EP", pages[1]))
    if entry.get("number"):
        lines.append(("M1", str(entry["number"])))
    if entry.get("genre"):
        lines.append(("M3", entry["genre"]))
    if entry.get("DOI"):
        lines.append(("DO", _doi(entry)))
    if entry.get("URL"):
        lines.append(("UR", entry["URL"]))
    if entry.get("note"):
        lines.append(("N1", entry["note"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)


def ris(entries: Iterable[Entry]) -> str:
    return "\n".join(ris_record(e) for e in entries)


# --- BibTeX --------------------------------------------------------------------------------

def _tex(value: object) -> str:
    return BIBTEX_SPECIAL.sub(r"\\\1", str(value))


def _tex_names(people: list[dict[str, str]]) -> str:
    """`and`-joined names; a group author is braced so BibTeX does not split it."""
    return " and ".join(
        f"{{{_tex(p['literal'])}}}" if p.get("literal") else _tex(_person(p)) for p in people
    )


def bibtex_key(entry: Entry) -> str:
    return BIBTEX_KEY_UNSAFE.sub("_", str(entry["id"]))


def bibtex_record(entry: Entry) -> str:
    kind = entry.get("type", "")
    fields: list[tuple[str, str]] = []
    people, editors = names(entry)
    others = " and others" if entry.get("authors_incomplete") else ""   # BibTeX's "et al."
    fields.append(("editor" if editors else "author", _tex_names(people) + others))
    if not editors and entry.get("editor"):
        fields.append(("editor", _tex_names(entry["editor"])))
    fields.append(("title", f"{{{_tex(entry['title'])}}}"))
    container = {"article-journal": "journal", "chapter": "booktitle",
                 "paper-conference": "booktitle"}.get(kind)
    if entry.get("container-title"):
        fields.append((container or "organization", _tex(entry["container-title"])))
    parts = date_parts(entry.get("issued")) or []
    if parts:
        fields.append(("year", str(parts[0])))
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    for key, field in (("volume", "volume"), ("number", "issue"), ("edition", "edition")):
        if entry.get(field):
            fields.append((key, _tex(entry[field])))
    if entry.get("publisher"):
        fields.append(("institution" if kind == "report" else "publisher", _tex(entry["publisher"])))
    if _pages(entry):
        fields.append(("pages", "--".join(_pages(entry))))
    if entry.get("number"):
        fields.append(("eid" if kind == "article-journal" or entry.get("issue") else "number",
                       _tex(entry["number"])))
    if entry.get("DOI"):
        fields.append(("doi", _doi(entry)))
    if entry.get("URL"):
        fields.append(("url", entry["URL"]))
        if kind not in BIBTEX_TYPES:
            fields.append(("howpublished", f"\\url{{{entry['URL']}}}"))
    note = "; ".join(str(n) for n in (entry.get("genre"), entry.get("note")) if n)
    if note:
        fields.append(("note", _tex(note)))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@{BIBTEX_TYPES.get(kind, 'misc')}{{{bibtex_key(entry)},\n{body}\n}}\n"


def bibtex(entries: Iterable[Entry]) -> str:
    return "\n".join(bibtex_record(e) for e in entries)


# --- CSL-JSON ------------------------------------------------------------------------------

def csl_json(entries: Iterable[Entry]) -> str:
    return json.dumps([to_csl(e) for e in entries], ensure_ascii=False, indent=2) + "\n"


WRITERS = {"ris": ris, "bib": bibtex, "json": csl_json}
