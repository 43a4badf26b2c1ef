"""RIS, BibTeX and CSL-JSON writers for CSL-JSON entries, for reference managers.

Each writer takes the same CSL-JSON records the site formats in APA, so a reference manager
gets what the page shows. Type choices follow the course notes (module: web page; episode:
sound recording / misc with "Audio podcast episode"); the tests parse every file back with
rispy, bibtexparser, pybtex and json.

BibTeX: every one of LaTeX's ten special characters (`\\ { } $ & # ^ _ % ~`) is written as the
LaTeX command that prints it (`\\textbackslash{}`, `\\textbraceleft{}`, `\\&`, ...), in one pass,
so a title such as `¯\\_(ツ)_/¯` or "Feeling :-{ today?" reads back as written and no field can
hold an unbalanced brace (BibTeX and Biber count `\\{` as a brace too: biber#61); `< > |` (which
LaTeX's default OT1 fonts print as other glyphs) are written as commands too, and ligature pairs
("--", "?`", "``") are split with `{}`, so LaTeX prints what was written. Non-ASCII text is
kept as UTF-8, which Biber/biblatex, Zotero, JabRef and pybtex read as is. No ASCII fallback is
written: LaTeX accent macros cannot spell every name (Vietnamese, Cyrillic, CJK), and classic
8-bit BibTeX with `inputenc` still typesets UTF-8 Latin names; a user who needs ASCII can run
the file through `biber --tool --output-safechars` (LaTeX macros for what they can spell).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Iterable

from companion.course.bibliography import (Entry, date_parts, date_text, export_note, full_family, names, to_csl,
                                           year_suffix)

# RIS as Zotero and EndNote read it, not as the RIS specification reads it. Sources: Zotero's RIS
# importer (zotero/translators, RIS.js: `importTypeMap`, `fieldMap`, `degenerateImportFieldMap`,
# `cleanTags`) and EndNote's own tag list per reference type (the EndNote export of every type
# kept as a test case in the same file). Facts that decide a choice:
# - UNPB is not in Zotero's type map: it imports as a journal article (the default), and then M1
#   becomes the article's issue ("EndNote hack"). MANSCPT is "manuscript" in both; the archive (DB)
#   and the archive's number (AN) are fields of it in both ("Name of Database", "Accession Number").
# - A2 on BOOK is Zotero's *series* editor; A3 is the editor in both. EDBOOK with AU: Zotero turns
#   the AU names into editors (cleanTags); EndNote's EDBOOK calls AU "Editor".
# - AU on SOUND is Zotero's composer; A2 is its performer, the main creator of an audio recording
#   (so the host stays the creator a style cites first); T3 is its series title; C5 its format.
#   No RIS type imports as Zotero's "podcast": CSL-JSON does (see CSL_JSON_NOTE).
# - A report's number is SN for both (Zotero `reportNumber`, EndNote "Report Number"), not M1.
# - EndNote exports a web page as WEB (Zotero reads WEB and ELEC alike as "webpage").
# - STAT and CASE are Zotero's statute and case; their fields are named per type below.
RIS_TYPES = {
    "article-journal": "JOUR", "book": "BOOK", "chapter": "CHAP", "report": "RPRT",
    "webpage": "WEB", "post-weblog": "BLOG", "legislation": "STAT", "legal_case": "CASE",
    "article": "MANSCPT", "manuscript": "MANSCPT", "broadcast": "SOUND",
    "paper-conference": "CPAPER", "thesis": "THES", "dataset": "DATA",
    "article-newspaper": "NEWS", "article-magazine": "MGZN",
}
EDITED_BOOK = "EDBOOK"
# Per RIS type, where Zotero and EndNote read what a CSL field holds (RIS.js fieldMap; EndNote's
# tag list). Fields not named fall back to RIS_COMMON.
RIS_FIELDS: dict[str, dict[str, str]] = {
    "RPRT": {"number": "SN", "genre": "M3"},
    "WEB": {"genre": "M3"},
    "BLOG": {"genre": "M3"},
    "MANSCPT": {"publisher": "DB", "number": "AN", "genre": "M3"},
    "SOUND": {"container-title": "T3", "genre": "C5", "number": "M1"},
    "STAT": {"number": "M1", "container-title": "T2", "volume": "VL", "section": "SE"},
    # Zotero: PB is the court, SV the docket number, VL the reporter volume, SP the first page.
    "CASE": {"authority": "PB", "number": "SV", "container-title": "T2"},
    "JOUR": {"number": "C7"},           # EndNote's "Article Number"; Zotero keeps it as a note
}
RIS_COMMON = {"container-title": "T2", "volume": "VL", "issue": "IS", "publisher": "PB",
              "edition": "ET", "number": "M1", "genre": "M3", "publisher-place": "CY"}
# Classic BibTeX has no full date: `year` and `month`, the month as one of the twelve macros every
# standard style defines (Patashnik, "BibTeXing", section 4: `month = jan`), which apacite, natbib's
# styles and apalike print as the month's name and pybtex, bibtexparser, JabRef and Zotero read back.
# That is how Zotero's and JabRef's BibTeX exports write it; `date` (ISO 8601) is kept for
# biblatex/Biber, which prefer it and also hold the day. Classic BibTeX has no day field.
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# BibTeX entry types: only the standard ones (Patashnik's list), because classic BibTeX styles
# and readers such as bibtexparser drop any other type ("@online not standard"), which would lose
# the entry. As Zotero's BibTeX importer (zotero/translators, BibTeX.js `bibtex2zoteroTypeMap`,
# `processField`) reads them: @unpublished is a "manuscript" (a preprint's `eprint` and
# `eprinttype` go into Extra as "arXiv: ..."), @misc a "document" (web pages, podcast episodes,
# laws and cases: BibTeX has no type that keeps them; CSL-JSON does), `number` a report's number
# and otherwise an issue, `institution`/`organization` the publisher.
BIBTEX_TYPES = {
    "article-journal": "article", "book": "book", "chapter": "incollection",
    "report": "techreport", "paper-conference": "inproceedings", "thesis": "phdthesis",
    "article": "unpublished", "manuscript": "unpublished",
}
PREPRINT_GENRE = "Preprint"
EPRINT_ARCHIVES = {"arxiv": "arxiv", "psyarxiv": "psyarxiv", "medrxiv": "medrxiv", "biorxiv": "biorxiv"}
# LaTeX's ten special characters and the text-mode command that prints each (LaTeX2e
# "fntguide"/textcomp names). Braces are never written as `\{` because BibTeX counts those too.
BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%", "_": r"\_",
    "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    # Not special to BibTeX, but LaTeX's default OT1 font prints them as "¡", "¿" and "—".
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
BIBTEX_ESCAPES = str.maketrans(BIBTEX_SPECIALS)
# Character pairs LaTeX's fonts set as one ligature ("--" an en dash, "?`" an inverted "?",
# "``" a curly quote, "<<" a guillemet in T1): a `{}` between the two keeps what was written.
LIGATURE = re.compile(r"([-`',])(?=\1)|[?!](?=`)")   # after escaping: no < > left
# Tabs, line breaks and other controls: one space. C1 controls (NEL, U+0085) and the Unicode line
# and paragraph separators too: readers that split lines as Python's str.splitlines() does would
# otherwise end a field, or a whole record, inside a title.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
URL_UNSAFE = re.compile(r"[{}\\\s]")           # would break a braced field or \url{}
BIBTEX_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:\-]")
KEY_HASH_CHARS = 6
PAGE_SPLIT = re.compile(r"\s*(?:--|-|\u2013)\s*")


def _person(name: dict[str, str]) -> str:
    """A name as RIS writes it: 'Last, First, Suffix' (RIS format spec, AU tag), particles kept
    with the family name ('van Gogh, Vincent', 'King, Martin Luther, Jr.')."""
    if name.get("literal"):
        return name["literal"]
    parts = [full_family(name), name.get("given"), name.get("suffix")]
    return ", ".join(str(p) for p in parts if p)


def _pages(entry: Entry) -> list[str]:
    return PAGE_SPLIT.split(str(entry.get("page", ""))) if entry.get("page") else []


def _doi(entry: Entry) -> str:
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", str(entry.get("DOI", "")), flags=re.I)


# --- RIS -----------------------------------------------------------------------------------

def _ris_creators(kind: str, entry: Entry) -> tuple[str, list[tuple[str, str]]]:
    """The TY value and the creator lines, with roles where Zotero and EndNote read them (see
    RIS_TYPES): editors of a book are A3 (an edited book is EDBOOK with its editors as AU), of a
    chapter or anything else A2; a podcast's host is the recording's A2 (performer)."""
    people, editors = names(entry)
    ty = RIS_TYPES.get(kind, "GEN")
    if kind == "book" and editors:
        return EDITED_BOOK, [("AU", _person(p)) for p in people]
    author_tag = "A2" if ty == "SOUND" else "AU"
    editor_tag = "A3" if ty == "BOOK" else "A2"
    lines = [(editor_tag if editors else author_tag, _person(p)) for p in people]
    if not editors:
        lines += [(editor_tag, _person(p)) for p in entry.get("editor") or []]
    return ty, lines


def _eprint(entry: Entry) -> tuple[str, str]:
    """('arxiv', '2505.02428') for a preprint on a known archive, else ('', '')."""
    archive = EPRINT_ARCHIVES.get(str(entry.get("publisher", "")).strip().lower(), "")
    number = str(entry.get("number", "")).strip()
    if not (archive and number):
        return "", ""
    return archive, re.sub(rf"^{archive}:\s*", "", number, flags=re.I)


# A RIS line ends with CR LF (the RIS format specification, Research Information Systems; EndNote's
# import filters are Windows-born): Zotero's RIS.js exports `newLineChar = "\r\n"; //from spec`
# and imports either ending, as rispy and EndNote do.
RIS_EOL = "\r\n"


def ris_record(entry: Entry) -> str:
    """One RIS record (`TY` ... `ER`), tags padded as the format requires: 'XX  - value', each
    line ended by CR LF (RIS_EOL), each field under the tag Zotero's and EndNote's RIS importers
    read it from (RIS_TYPES, RIS_FIELDS).

    RIS is one field a line, so line breaks and other controls in a value become one space (a
    title holding "\\nER  - " must not end the record early).
    """
    kind = entry.get("type", "")
    ty, creators = _ris_creators(kind, entry)
    lines = [("TY", ty), *creators, ("TI", entry["title"])]
    tags = {**RIS_COMMON, **RIS_FIELDS.get(ty, {})}
    parts = date_parts(entry.get("issued")) or []
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", date_text(parts, "/") + "/"))
    if kind == "article" and not entry.get("genre"):
        entry = {**entry, "genre": PREPRINT_GENRE}     # Zotero: the manuscript's type
    for field in ("container-title", "volume", "issue", "publisher", "authority", "edition",
                  "publisher-place", "number", "section", "genre"):
        if entry.get(field) and field in tags:
            value = str(entry[field])
            if ty == "MANSCPT" and field == "number":
                value = _eprint(entry)[1] or value
            lines.append((tags[field], value))
    pages = _pages(entry)
    if pages:
        lines.append(("SP", pages[0]))
        if len(pages) > 1:
            lines.append(("EP", pages[1]))
    if entry.get("DOI"):
        lines.append(("DO", _doi(entry)))
    if entry.get("URL"):
        lines.append(("UR", entry["URL"]))
    accessed = date_parts(entry.get("accessed")) or []
    if accessed:          # Zotero's accessDate (RIS.js fieldMap), EndNote's "Access Date"
        lines.append(("Y2", date_text(accessed, "/")))
    if export_note(entry):
        lines.append(("N1", export_note(entry)))
    lines.append(("ER", ""))
    # Every line keeps the whole six-character tag, "ER  - " too: EndNote reads "ER  - " as the end
    # of a reference and does not import a file whose tags lack the spaces (Clarivate's direct
    # export notes, quoted in cffconvert#392; pkp-lib#4802).
    return "".join(f"{tag}  - {CONTROL.sub(' ', str(value)).rstrip()}{RIS_EOL}" for tag, value in lines)


def ris(entries: Iterable[Entry]) -> str:
    """RIS records for `entries` (CSL-JSON records), each ended by "ER  - ", a blank line between
    them, every line ended by CR LF (RIS_EOL)."""
    return RIS_EOL.join(ris_record(e) for e in entries)


# --- BibTeX --------------------------------------------------------------------------------

def tex(value: object) -> str:
    """Text as a BibTeX field body: NFC, controls as spaces, every LaTeX special escaped.

    The result has balanced braces whatever the input (each brace it holds belongs to a
    `\\text...{}` command), so one odd title cannot make a reader drop the entry or the file.
    """
    text = CONTROL.sub(" ", unicodedata.normalize("NFC", str(value)))
    return LIGATURE.sub(lambda m: m.group(0) + "{}", text.translate(BIBTEX_ESCAPES))


def tex_url(url: object) -> str:
    """A URL for `url` and `\\url{}`: kept verbatim (biblatex reads it so) except the characters
    that would end the field or the command, which are percent-encoded as RFC 3986 allows."""
    return URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")),
                          str(url).strip())


# In a field that LaTeX reads as a macro argument (`howpublished`: a literal field in biblatex, an
# argument of `\bibitem` under hyperref's backref, of `\shownote` in acmart), `%` starts a comment
# that swallows the rest of the line and its closing braces ("Runaway argument": zotero#708,
# zotero-better-bibtex#1966, acmart#293) and `#` is a macro parameter ("Illegal parameter number").
# hyperref's `\url` reads `\%` and `\#` as the characters themselves there (hyperref manual, "\url").
URL_IN_ARGUMENT = str.maketrans({"%": r"\%", "#": r"\#"})


def tex_url_argument(url: object) -> str:
    """`url` for `\\url{}` inside another field's text (`howpublished`): `tex_url`, with `%` and `#`
    escaped as hyperref's `\\url` takes them in an argument. The `url` field itself stays verbatim
    (biblatex and Biber read it so, and an escape there would end up in the address)."""
    return tex_url(url).translate(URL_IN_ARGUMENT)


def _tex_person(name: dict[str, str]) -> str:
    """One BibTeX name, 'von Last, Jr, First' (Patashnik, "BibTeXing", section 4). A name with no
    given part (a group author, written as `literal` or as a lone `family`) is braced whole, so
    BibTeX neither splits it at an "and" or a comma nor reads its first words as a given name;
    a family name holding " and " or a comma is braced for the same reason."""
    if name.get("literal") or not name.get("given"):
        return f"{{{tex(name.get('literal') or full_family(name))}}}"
    last = tex(full_family(name))
    if "," in last or re.search(r"\band\b", last, re.I):
        last = f"{{{last}}}"
    parts = [last] + ([tex(name["suffix"])] if name.get("suffix") else []) + [tex(name["given"])]
    return ", ".join(parts)


def _tex_names(people: list[dict[str, str]]) -> str:
    """`and`-joined names (see `_tex_person`)."""
    return " and ".join(_tex_person(p) for p in people)


def bibtex_key(entry: Entry) -> str:
    """The entry's id as a BibTeX key: ASCII letters, digits and `_:-` as written; any other id
    ("öst2012", "smith 2020") is folded to those and given a short hash of the id as written, so
    two ids never share a key (a repeated key makes pybtex refuse the file and bibtexparser
    drop an entry) and an entry has the same key in every file it appears in."""
    key = str(entry["id"])
    if key and not BIBTEX_KEY_UNSAFE.search(key):
        return key
    folded = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:KEY_HASH_CHARS]
    return f"{BIBTEX_KEY_UNSAFE.sub('_', folded).strip('_') or 'ref'}-{digest}"


def bibtex_record(entry: Entry) -> str:
    """One BibTeX record for a CSL-JSON `entry` (type, id, author or editor, title, container,
    date, URL, DOI, ...): LaTeX specials escaped so BibTeX, biber and Zotero read the text back; an
    incomplete author list ends in "and others"."""
    kind = entry.get("type", "")
    fields: list[tuple[str, str]] = []
    people, editors = names(entry)
    others = " and others" if entry.get("authors_incomplete") else ""   # BibTeX's "et al."
    fields.append(("editor" if editors else "author", _tex_names(people) + others))
    if not editors and entry.get("editor"):
        fields.append(("editor", _tex_names(entry["editor"])))
    fields.append(("title", f"{{{tex(entry['title'])}}}"))
    container = {"article-journal": "journal", "chapter": "booktitle",
                 "paper-conference": "booktitle"}.get(kind)
    if entry.get("container-title"):
        fields.append((container or "organization", tex(entry["container-title"])))
    if entry.get("authority"):                          # a court: Zotero reads it as the publisher
        fields.append(("institution", tex(entry["authority"])))
    parts = date_parts(entry.get("issued")) or []
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1 and 1 <= parts[1] <= 12:
            fields.append(("month", BIBTEX_MONTHS[parts[1] - 1]))
        fields.append(("date", date_text(parts, "-")))
    for key, field in (("volume", "volume"), ("number", "issue"), ("edition", "edition")):
        if entry.get(field):
            fields.append((key, tex(entry[field])))
    archive, eprint = _eprint(entry)
    if archive:      # biblatex's eprint fields; Zotero's BibTeX importer puts "arXiv: <id>" in Extra
        fields += [("eprint", tex(eprint)), ("eprinttype", archive), ("archiveprefix", tex(entry["publisher"]))]
    elif entry.get("publisher"):
        fields.append(("institution" if kind == "report" else "publisher", tex(entry["publisher"])))
    if _pages(entry):
        fields.append(("pages", "--".join(tex(p) for p in _pages(entry))))
    if entry.get("number") and not archive:
        fields.append(("eid" if kind == "article-journal" or entry.get("issue") else "number",
                       tex(entry["number"])))
    if entry.get("DOI"):
        fields.append(("doi", tex_url(_doi(entry))))
    if entry.get("URL"):
        fields.append(("url", tex_url(entry["URL"])))
        if kind not in BIBTEX_TYPES:
            fields.append(("howpublished", f"\\url{{{tex_url_argument(entry['URL'])}}}"))
        accessed = date_parts(entry.get("accessed")) or []
        if accessed:      # biblatex's urldate; Zotero's BibTeX import reads it as accessDate
            fields.append(("urldate", date_text(accessed, "-")))
    genre = entry.get("genre") or (PREPRINT_GENRE if kind == "article" else "")
    note = "; ".join(str(n) for n in (genre, entry.get("note")) if n)
    if note:
        fields.append(("note", tex(note)))
    # The month is the style's macro, unbraced (`month = mar`): braced, it would print as "mar".
    body = ",\n".join(f"  {key} = {value}" if key == "month" else f"  {key} = {{{value}}}"
                      for key, value in fields)
    return f"@{BIBTEX_TYPES.get(kind, 'misc')}{{{bibtex_key(entry)},\n{body}\n}}\n"


def bibtex(entries: Iterable[Entry]) -> str:
    """BibTeX records for `entries` (CSL-JSON records), separated by newlines."""
    return "\n".join(bibtex_record(e) for e in entries)


# --- CSL-JSON ------------------------------------------------------------------------------

def csl_json(entries: Iterable[Entry]) -> str:
    """`entries` as a CSL-JSON array (what Zotero and Mendeley import), UTF-8 text, indented.

    A reference list (the site's bibliography, a module's references) keeps the site's year letters
    (`year-suffix`, 2024a: APA 7 section 9.47), as its pages show them; the file of one work has
    none, since a letter only tells a work from others in the same list. A CSL processor takes the
    letter as given (citeproc-py does), so one episode's file carrying the site's "a" was cited
    "Bailey (2024a)" in a reader's own paper, where APA gives "(2024)"."""
    works = list(entries)
    records = []
    for entry in works:
        csl = to_csl(entry)
        if len(works) > 1 and year_suffix(entry):
            csl["year-suffix"] = year_suffix(entry)
        records.append(csl)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


WRITERS = {"ris": ris, "bib": bibtex, "json": csl_json}
