"""APA 7 references and in-text citations from CSL-JSON entries.

References are built as HTML (italics as `<i>`) because the site shows them; `plain()` gives the
text a reader pastes into a document. Titles are used as written: the bibliography stores them
in the case APA wants (sentence case for articles, as published for journals).

In-text citations are read back out of the module bodies so the build can check that every
`(Author, Year)` resolves to a listed reference and every listed reference is cited.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from urllib.parse import quote
from typing import Iterable

import pyuca

from companion.course.bibliography import Entry, date_parts, family, names, nfc, year_suffix

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MAX_LISTED_AUTHORS = 20        # APA 7: list up to 20, else 19, an ellipsis, and the last
ET_AL_FROM = 3                 # APA 7: "et al." in text from three authors
DATED_TYPES = {"webpage", "broadcast", "post", "post-weblog", "article-newspaper",
               "article-magazine", "speech", "interview"}
ITALIC_TITLE_TYPES = {"book", "report", "webpage", "thesis", "article", "preprint", "dataset",
                      "software", "motion_picture", "post", "post-weblog"}
DASH = "\u2013"
ELLIPSIS = ". . ."             # APA 7 writes the omission as three spaced periods
COLLATOR = pyuca.Collator()    # UCA with the DUCET table pyuca ships (pure Python, no ICU)
NO_DATE = "n.d."
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"   # RFC 3986 reserved characters and '%': left as written
HYPHEN_SPACES = re.compile(r"\s*-\s*")   # "Jean - Paul" is "Jean-Paul"

Citation = tuple[str, ...]


def _e(text: object) -> str:
    """Text for a reference, HTML-escaped, every run of whitespace (line breaks, tabs, U+2028 from
    a pasted title) one space: a copied reference is one line."""
    return html.escape(" ".join(str(text).split()), quote=False)


def plain(markup: str) -> str:
    """The text of a reference without its HTML, for copying and for RIS notes."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _period(text: str) -> str:
    return text if plain(text).rstrip().endswith((".", "?", "!")) else f"{text}."


def _initial(part: str) -> str:
    """The first letter of a name part with any combining marks that follow it ("É", "Ǹ"); quotes,
    brackets and other marks before it are skipped ('"Bob"' -> "B."); '' when it has no letter."""
    start = next((i for i, char in enumerate(part) if char.isalpha()), None)
    if start is None:
        return ""
    letter = part[start]
    for char in part[start + 1:]:
        if not unicodedata.combining(char):
            break
        letter += char
    return f"{letter}."


def initials(given: str) -> str:
    """Given names as APA 7 initials, hyphens kept (APA 7, section 9.8).

    'Adam O.' -> 'A. O.'; 'Jean-Paul' -> 'J.-P.'; 'Y.-C.' -> 'Y.-C.'; 'L.-G.' -> 'L.-G.';
    'A.O.' -> 'A. O.'; a decomposed 'E' + U+0301 -> 'É.' (the text is put in NFC first).
    """
    words = []
    for word in HYPHEN_SPACES.sub("-", unicodedata.normalize("NFC", given)).split():
        hyphenated = []
        for part in word.split("-"):
            letters = [i for i in (_initial(p) for p in part.split(".")) if i]
            if letters:
                hyphenated.append(" ".join(letters))
        if hyphenated:
            words.append("-".join(hyphenated))
    return " ".join(words)


def _given_part(name: dict[str, str]) -> str:
    """Initials, then a dropping particle ("H. L. F. von"), as APA 7 writes both (section 9.44)."""
    return " ".join(p for p in (initials(str(name.get("given", ""))),
                                str(name.get("dropping-particle", ""))) if p)


def name_inverted(name: dict[str, str]) -> str:
    """'van Gogh, V.', 'Helmholtz, H. L. F. von', 'King, M. L., Jr.' (APA 7, sections 9.8, 9.44)."""
    if name.get("literal"):
        return _e(name["literal"])
    parts = [family(name), _given_part(name), str(name.get("suffix", ""))]
    return _e(", ".join(p for p in parts if p))


def name_direct(name: dict[str, str]) -> str:
    """'V. van Gogh', 'M. L. King Jr.': an editor's name in an "In ... (Ed.)" source."""
    if name.get("literal"):
        return _e(name["literal"])
    parts = [_given_part(name), family(name), str(name.get("suffix", ""))]
    return _e(" ".join(p for p in parts if p))


def _join(parts: list[str]) -> str:
    """APA list of names: 'A', 'A, & B', 'A, B, & C' (the serial comma before & always); from
    21 names, the first 19, an ellipsis and the last, with no ampersand (APA 7, section 9.8)."""
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) > MAX_LISTED_AUTHORS:
        return ", ".join(parts[: MAX_LISTED_AUTHORS - 1]) + f", {ELLIPSIS} " + parts[-1]
    return ", ".join(parts[:-1]) + ", &amp; " + parts[-1]


def _join_direct(parts: list[str]) -> str:
    if len(parts) == 2:
        return f"{parts[0]} &amp; {parts[1]}"
    return _join(parts)


def incomplete(entry: Entry) -> bool:
    """The evidence bank names only some authors ("Darcy, A., et al.", or "Banta, H. A., …
    Jacobson, N. C." with the middle left out): the rest are never guessed. APA 7 never puts
    "et al." in a reference list, so the reference lists the names the bank gives and marks the
    gap with APA's ellipsis; `authors_incomplete: middle` marks a gap before the last author."""
    return bool(entry.get("authors_incomplete"))


def _listed(entry: Entry, names_inverted: list[str]) -> str:
    if entry.get("authors_incomplete") == "middle" and len(names_inverted) > 1:
        return ", ".join(names_inverted[:-1]) + f", {ELLIPSIS} " + names_inverted[-1]
    if incomplete(entry):
        return ", ".join(names_inverted) + f", {ELLIPSIS}"
    return _join(names_inverted)


def authors(entry: Entry) -> str:
    """The author element of an APA 7 reference for a CSL-JSON `entry`: names inverted ("Rogers,
    C. R."), listed as APA 7 lists them (an ellipsis for an incomplete list), with "(Ed.)"/"(Eds.)"
    for an edited book or "(Host)"/"(Hosts)" for a broadcast, ending in a full stop; HTML-escaped."""
    people, editors = names(entry)
    text = _listed(entry, [name_inverted(n) for n in people])
    if editors:
        text += " (Eds.)" if len(people) > 1 else " (Ed.)"
    elif entry.get("type") == "broadcast":
        text += " (Hosts)" if len(people) > 1 else " (Host)"
    return _period(text)


def date(entry: Entry) -> str:
    """'(2018a).' or, for dated kinds such as web pages and episodes, '(2024, May 1).'"""
    parts = date_parts(entry.get("issued"))
    if not parts:
        return f"({year(entry)})."
    text = f"{parts[0]}{year_suffix(entry)}"
    if entry.get("type") in DATED_TYPES and len(parts) > 1:
        text += f", {MONTHS[parts[1] - 1]}"
        if len(parts) > 2:
            text += f" {parts[2]}"
    return f"({text})."


def year(entry: Entry) -> str:
    """'2018', '2018a', 'n.d.', or 'n.d.-a' (APA 7, section 9.47: the letter after a hyphen)."""
    parts = date_parts(entry.get("issued"))
    suffix = year_suffix(entry)
    if parts:
        return f"{parts[0]}{suffix}"
    return f"{NO_DATE}-{suffix}" if suffix else NO_DATE


def doi_url(entry: Entry) -> str:
    """The DOI as the https://doi.org/ URL APA 7 asks for (section 9.34), whatever form it was
    stored in ('10.x/y', 'doi:10.x/y', 'http://dx.doi.org/10.x/y'); '' when there is none."""
    if not entry.get("DOI"):
        return ""
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", str(entry["DOI"]).strip(), flags=re.I)
    return f"https://doi.org/{doi}"


def locator(entry: Entry) -> str:
    """The DOI link, else the URL link, as HTML (`plain()` leaves the address as text)."""
    url = " ".join((doi_url(entry) or str(entry.get("URL", ""))).split())
    if not url:
        return ""
    # A space, a non-ASCII letter or a DOI's "<>" is not valid in a URL: encoded (RFC 3986), and
    # shown so, so the address a reader copies from the reference works too.
    href = quote(url, safe=URL_SAFE)
    return f'<a href="{html.escape(href)}">{_e(href)}</a>'



def retrieved(entry: Entry) -> str:
    """'Retrieved May 3, 2026, from ' before the URL of an undated work whose `accessed` date (a
    full day) is known, else ''. APA 7 (section 9.16) gives a retrieval date for a work designed
    to change; APA's CSL style (apa.csl, which Zotero, Mendeley and citeproc use) prints one for
    every undated work with a URL, and with no `accessed` date prints "Retrieved" alone before it,
    so the exports carry the same date the page shows."""
    accessed = date_parts(entry.get("accessed")) or []
    if date_parts(entry.get("issued")) or len(accessed) < 3 or doi_url(entry) or not entry.get("URL"):
        return ""
    return f"Retrieved {MONTHS[accessed[1] - 1]} {accessed[2]}, {accessed[0]}, from "


def _where(entry: Entry) -> str:
    """The retrieval statement, if any, and the link (the last element of a reference)."""
    link = locator(entry)
    return f"{retrieved(entry)}{link}" if link else ""


def pages(entry: Entry) -> str:
    """The entry's `page` field with hyphens turned into en dashes (APA 7, 9.26), HTML-escaped."""
    return _e(str(entry.get("page", "")).replace("--", DASH).replace("-", DASH))


def _title(entry: Entry, italic: bool) -> str:
    """The title, italic where APA wants it; a bracketed description standing in for a missing
    title ("[Report on ...]") is never italic (APA 7, section 9.21)."""
    title = _e(entry["title"])
    described = str(entry["title"]).startswith("[")
    return f"<i>{title}</i>" if italic and not described else title


def _tail(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _journal(entry: Entry) -> str:
    source = _e(entry.get("container-title", ""))
    if entry.get("volume"):
        source += f", {_e(entry['volume'])}"
    source = f"<i>{source}</i>" if source else ""
    if entry.get("issue"):
        source += f"({_e(entry['issue'])})"
    if entry.get("page"):
        source += f", {pages(entry)}"
    elif entry.get("number"):
        source += f", Article {_e(entry['number'])}"
    return _period(source) if source else ""


def _publisher(entry: Entry) -> str:
    """The publisher, left out when it repeats the (group) author, as APA 7 asks."""
    publisher = str(entry.get("publisher", ""))
    people, _ = names(entry)
    if not publisher or any(p.get("literal") == publisher for p in people):
        return ""
    return _period(_e(publisher))


def _in_editors(entry: Entry) -> str:
    editors = [name_direct(n) for n in entry.get("editor") or []]
    if not editors:
        return ""
    return f"{_join_direct(editors)} ({'Eds.' if len(editors) > 1 else 'Ed.'}), "


def edition(entry: Entry) -> str:
    """'2nd ed.' from a CSL `edition` (a number, as CSL and reference managers store it: "2" ->
    "2nd ed.", APA 7 section 9.33); a worded edition as written ("Rev. ed.", "Updated"); '' when
    there is none. "3" was printed "(3 ed.)"."""
    text = str(entry.get("edition") or "").strip()
    if not text:
        return ""
    if text.isdigit():
        number = int(text)
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix} ed."
    return _e(text if re.search(r"\bed\.?$", text, re.I) else f"{text} ed.")


def _bare_number(label: str) -> bool:
    """Whether a report's number is a bare code ("WHO/2021.1", "ECD7", "NCJ 123") that APA 7
    introduces with "Report No." (section 10.4), rather than a number with its own label, written
    as the issuer gives it: "Corporate document ECD7", "CFCA Resource Sheet", "NIH Publication No.
    15-4963" (a word with a lower-case letter names the series). "Report No. CFCA Resource Sheet"
    named no report number at all."""
    if not label or label.lower().startswith(("report", "no")):
        return False
    return not any(any(c.islower() for c in word) for word in label.split())


def _details(entry: Entry, label: str) -> str:
    """'(No. 7)', '(arXiv:2510.01395)', '(pp. 1–10)' style parenthetical after a title."""
    return f" ({label})" if label else ""


def reference(entry: Entry) -> str:
    """The APA 7 reference-list entry for one CSL-JSON record, as HTML (text in NFC)."""
    entry = nfc(entry)
    kind = entry.get("type", "")
    head = f"{authors(entry)} {date(entry)}"
    italic = kind in ITALIC_TITLE_TYPES
    if kind == "article-journal":
        body = _tail(_period(_title(entry, False)), _journal(entry))
    elif kind in ("chapter", "paper-conference"):
        page_label = f"pp. {pages(entry)}" if entry.get("page") else ""
        book = ", ".join(p for p in (edition(entry), page_label) if p)   # "(2nd ed., pp. 55–68)"
        source = f"<i>{_e(entry.get('container-title', ''))}</i>{_details(entry, book)}"
        body = _tail(_period(_title(entry, False)), _period(f"In {_in_editors(entry)}{source}"),
                     _publisher(entry))
    elif kind == "broadcast":
        number = f"No. {_e(entry['number'])}" if entry.get("number") else ""
        genre = _e(entry.get("genre", "Audio podcast episode"))
        title = f"{_title(entry, False)}{_details(entry, number)} [{genre}]"
        show = _period(f"In <i>{_e(entry.get('container-title', ''))}</i>")
        body = _tail(_period(title), show, _publisher(entry))
    elif kind == "legislation":
        number = f", {_e(entry['number'])}" if entry.get("number") else ""
        return _tail(_period(f"{_e(entry['title'])}{number} ({year(entry)})"), _where(entry))
    elif kind == "legal_case":    # APA 7 section 11.4: Name, docket number (court year). URL
        number = str(entry.get("number", ""))
        number = f", {'' if number.lower().startswith('no') else 'No. '}{_e(number)}" if number else ""
        court = f"{_e(entry['authority'])} " if entry.get("authority") else ""
        return _tail(_period(f"{_e(entry['title'])}{number} ({court}{year(entry)})"), _where(entry))
    elif kind == "webpage":
        site = str(entry.get("container-title", ""))
        people, _ = names(entry)
        site_part = "" if any(p.get("literal") == site for p in people) else _e(site)
        body = _tail(_period(_title(entry, True)), _period(site_part) if site_part else "")
    else:  # book, report, preprint and other stand-alone works
        label = _e(entry.get("number", ""))
        if kind == "report" and _bare_number(label):
            label = f"Report No. {label}"
        archive = entry.get("publisher") or entry.get("container-title") or ""
        body = _tail(
            _period(f"{_title(entry, italic)}"
                    f"{_details(entry, edition(entry))}{_details(entry, label)}"),
            _publisher({**entry, "publisher": archive}),
        )
    return _tail(head, body, _where(entry))


def _letters(text: str, primary: bool) -> tuple[int, ...]:
    """A UCA collation key of the letters (with their marks) and digits only, as APA orders
    "letter by letter"; with `primary`, only the base letters count (accents and case ignored:
    "Öst" files under O, "Ásgeirsdóttir" under A), else the full key that breaks ties."""
    # Marks stay: a Devanagari vowel sign or a Latin accent left after NFC is part of the letter.
    kept = "".join(c for c in unicodedata.normalize("NFC", text)
                   if c.isalnum() or unicodedata.category(c).startswith("M"))
    key = tuple(COLLATOR.sort_key(kept))
    return key[: key.index(0)] if primary and 0 in key else key   # pyuca: 0 ends a level


def _title_key(title: str, primary: bool) -> tuple[tuple[int, object], ...]:
    """A title's sort key without a leading article: its text letter by letter (`_letters`), its
    numbers by value, so "Chapter 8" files before "Chapter 11" (as "eight" before "eleven")."""
    title = re.sub(r"^(the|a|an)\s+", "", title, flags=re.I)
    return tuple((0, int(part)) if part.isdigit() else (1, _letters(part, primary))
                 for part in re.split(r"(\d+)", title) if part)


def _name_key(name: dict[str, str], primary: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if name.get("literal"):
        return _letters(re.sub(r"^(the|a|an)\s+", "", name["literal"], flags=re.I), primary), ()
    return (_letters(family(name) or name.get("family", ""), primary),
            _letters(initials(name.get("given", "")), primary))


def sort_key(entry: Entry) -> tuple[object, ...]:
    """APA 7 reference-list order (section 9.44-9.47): letter by letter by the first author's
    surname then initials, then the next authors ("nothing precedes something", so one author
    comes before the same author with others), then year with n.d. first, then title without
    a leading article. Accents and case are ignored throughout ("Nguyễn, A." before "Nguyen,
    B.") and only break a tie at the end. Collation is the Unicode Collation Algorithm
    (pyuca's DUCET)."""
    people, _ = names(entry)
    parts = date_parts(entry.get("issued"))
    when = (1, parts[0], year_suffix(entry)) if parts else (0, 0, year_suffix(entry))
    title = str(entry.get("title", ""))
    return (tuple(_name_key(p, True) for p in people), when, _title_key(title, True),
            tuple(_name_key(p, False) for p in people), _title_key(title, False))


def _who(entry: Entry) -> tuple[tuple[str, str, str], ...]:
    """The authors as APA compares them: the same names in the same order, surnames and
    initials (a group author by its name)."""
    people, _ = names(entry)
    return tuple((str(p.get("literal", "")), family(p), initials(str(p.get("given", ""))))
                 for p in people)


def bare_year(entry: Entry) -> str:
    """The year without its letter: '2018', or 'n.d.' for a work with no date."""
    parts = date_parts(entry.get("issued"))
    return str(parts[0]) if parts else NO_DATE


def year_group(entry: Entry) -> str:
    """The author-and-year group `assign_suffixes` letters within, as a string: equal for
    works with the same authors and the same year (or no date). catalogue.json carries it, with
    `year` and `bare_year`, so the bundle page can letter a bundle's own reference list again
    (APA 7, section 8.19: the letters belong to one reference list)."""
    return json.dumps([_who(entry), bare_year(entry)], ensure_ascii=False)


def _within_year_key(entry: Entry) -> tuple[object, ...]:
    """Order inside one author-and-year group: a year alone before a month, a month before a
    day ("nothing precedes something"), earlier dates first, then the title without a leading
    article (APA 7, section 9.47: same author, same date, alphabetical by title)."""
    parts = (date_parts(entry.get("issued")) or [])[1:]
    title = str(entry.get("title", ""))
    return (tuple(parts), _title_key(title, True), _title_key(title, False), str(entry.get("id", "")))


def assign_suffixes(entries: Iterable[Entry]) -> dict[str, str]:
    """Entry id -> APA 7 year suffix ('a', 'b', ...; '' for a work alone in its author-year):
    every group of works with the same authors and the same year (or no date) is lettered in
    reference-list order (APA 7, section 9.47), over everything the site cites at once (the
    bibliography, the course's modules, the podcast's episodes), so a label such as
    "Bailey, 2024b" means one work on every page. Past 26 works the letters go on 'aa', 'ab'."""
    groups: dict[tuple[object, ...], list[Entry]] = {}
    for entry in entries:
        groups.setdefault((_who(entry), bare_year(entry)), []).append(entry)
    suffixes: dict[str, str] = {}
    for group in groups.values():
        ordered = sorted(group, key=_within_year_key)
        for index, entry in enumerate(ordered):
            suffixes[str(entry["id"])] = _letter(index) if len(ordered) > 1 else ""
    return suffixes


def _letter(index: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[index] if index < len(letters) else _letter(index // 26 - 1) + letters[index % 26]


# --- in-text citations -------------------------------------------------------------------

def surname(name: dict[str, str]) -> str:
    """The name an in-text citation gives: 'van Gogh', 'King' (no suffix), a group's name."""
    return family(name) or str(name.get("literal") or "")


def intext(entry: Entry, locator_text: str = "") -> str:
    """'Flückiger et al., 2018'; 'Safran & Muran, 2000'; with ', 12:30' for a timestamp."""
    people, _ = names(entry)
    if len(people) >= ET_AL_FROM or incomplete(entry):
        who = f"{surname(people[0])} et al."
    else:
        who = " & ".join(surname(p) for p in people)
    text = f"{who}, {year(entry)}"
    return f"{text}, {locator_text}" if locator_text else text


YEAR = r"(?:\d{4}[a-z]?|n\.d\.(?:-[a-z])?)"
CAPITAL = "A-ZÀ-ÖØ-ÞĀ-Ž"
# Surname particles written in lower case ("van Gogh", "de la Cruz"): part of a narrative citation.
PARTICLE = r"(?:\b(?:van|von|de|der|den|del|della|di|da|das|dos|du|la|le|ten|ter|zu) )"
NAME_WORD = rf"{PARTICLE}*[{CAPITAL}][\w'’\-]*"
# A group author may begin with a number ("404 Media"): digits, a space, then a word.
NUMBER_PREFIX = r"(?:\d+\s+)?"
PAREN = re.compile(rf"\(([^()]*?{YEAR}[^()]*)\)")
PAREN_PART = re.compile(
    rf"^(?:(?:e\.g\.|i\.e\.|see also|see|cf\.|as cited in),?\s+)?"
    rf"(?P<names>{NUMBER_PREFIX}[^\W\d_][^;()]*?),\s*(?P<years>{YEAR}(?:,\s*{YEAR})*)(?![\w.\-])"
)
NARRATIVE = re.compile(
    rf"(?P<names>{NUMBER_PREFIX}{NAME_WORD}(?:\s+{NAME_WORD})*?"
    rf"(?:\s+(?:and|&)\s+{NAME_WORD}|\s+et al\.|\s+and colleagues)?)"
    rf"\s+\((?P<years>{YEAR}(?:,\s*{YEAR})*)(?:,[^()]*)?\)"
)
CODE = re.compile(r"```.*?```|`[^`\n]*`|\{\{.*?\}\}|\{%.*?%\}", re.S)
LINK_TARGET = re.compile(r"\]\([^)]*\)")


@dataclass(frozen=True)
class Cited:
    """One author-date citation found in text: the names as written, and one year."""

    raw: str           # the names as written: "Safran & Muran", "World Health Organization"
    names: Citation    # split into surnames: ("Safran", "Muran")
    et_al: bool
    year: str
    text: str


def _split_names(raw: str) -> tuple[Citation, bool]:
    raw = raw.strip()
    et_al = bool(re.search(r"\s+(et al\.?|and colleagues)$", raw))
    raw = re.sub(r"\s+(et al\.?|and colleagues)$", "", raw)
    parts = re.split(r"\s*,\s*&\s*|\s*,\s*|\s+&\s+|\s+and\s+", raw)
    return tuple(p for p in parts if p), et_al


def find_citations(markdown: str) -> list[Cited]:
    """Every parenthetical and narrative author-date citation in a page body."""
    text = LINK_TARGET.sub("]", CODE.sub(" ", markdown))
    found: list[Cited] = []
    for match in PAREN.finditer(text):
        for part in match.group(1).split(";"):
            hit = PAREN_PART.match(part.strip())
            if hit:
                found.extend(_cited(hit.group("names"), hit.group("years"), part.strip()))
    for match in NARRATIVE.finditer(text):
        found.extend(_cited(match.group("names"), match.group("years"), match.group(0)))
    return found


def _cited(raw_names: str, years: str, text: str) -> list[Cited]:
    raw = " ".join(raw_names.split())   # a group name may wrap across source lines
    people, et_al = _split_names(raw)
    return [Cited(raw, people, et_al, y.strip(), text) for y in years.split(",") if y.strip()]


def matches(cited: Cited, entry: Entry) -> bool:
    """Whether a citation points at this entry: same year and the same leading names.

    Narrative citations may carry leading words ("In Bordin (1979)"), so the first cited name
    may end with the surname rather than equal it.
    """
    if cited.year != year(entry):
        return False
    people, _ = names(entry)
    if len(people) == 1 and people[0].get("literal"):
        group = people[0]["literal"]
        return cited.raw == group or cited.raw.endswith(" " + group)
    surnames = [surname(p) for p in people]
    if not surnames or not cited.names:
        return False
    # A particle is capitalised at the start of a sentence ("Van Gogh (2020)"): compare caseless.
    first, surnames = cited.names[0].casefold(), [n.casefold() for n in surnames]
    if not (first == surnames[0] or first.endswith(" " + surnames[0])):
        return False
    if cited.et_al:
        return len(surnames) >= ET_AL_FROM or incomplete(entry)
    return [n.casefold() for n in cited.names[1:]] == surnames[1:]


def _without_letter(label: str) -> str:
    return re.sub(r"(?<=\d)[a-z]$|-[a-z]$", "", label)


def relettered(cited: Cited, entry: Entry) -> bool:
    """Whether a citation points at this entry but for its year letter: '(Bailey, n.d.)' for a work
    now labelled n.d.-b because an episode by the same author and year joined the site."""
    label = year(entry)
    return (cited.year != label and _without_letter(cited.year) == _without_letter(label)
            and matches(replace(cited, year=label), entry))


def _year_token(label: str) -> re.Pattern[str]:
    """`label` as a whole year in citation text: '2025' not inside '2025a' or '12025'."""
    return re.compile(rf"(?<![\w.]){re.escape(label)}(?![\w\-])")


def _outside_code(markdown: str, change) -> str:
    """`change` applied to the text between code spans, fences and macro tags (CODE), not inside."""
    out, last = [], 0
    for match in CODE.finditer(markdown):
        out += [change(markdown[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join(out + [change(markdown[last:])])


def reletter(markdown: str, references: Iterable[Entry]) -> tuple[str, list[tuple[str, str]]]:
    """The page with each citation whose year letter moved rewritten to the new label, and the
    (as written, as rewritten) pairs. An episode by a cited author, in the year of a cited source,
    letters both (APA 7, section 9.47: '2025' becomes '2025a'); prose that says '(Bailey, 2025)' then
    names no listed work. When exactly one listed reference matches but for its letter, the citation
    takes that reference's label, as a reference manager's word-processor plugin updates it; when
    none or several do, the text is left for `check_citations` to report."""
    listed = list(references)
    new_years: dict[str, list[tuple[str, str]]] = {}
    for cited in find_citations(markdown):
        if cited.year != _without_letter(cited.year) or any(matches(cited, e) for e in listed):
            continue                       # a letter written by hand is the writer's, not moved
        moved = [e for e in listed if relettered(cited, e)]
        if len(moved) == 1:
            new_years.setdefault(cited.text, []).append((cited.year, year(moved[0])))
    changes = []
    for text, years in new_years.items():
        rewritten = text
        for old, new in years:
            rewritten = _year_token(old).sub(new, rewritten, count=1)
        if rewritten != text:
            whole = re.compile(rf"(?<!\w){re.escape(text)}(?![\w\-])")
            markdown = _outside_code(markdown, lambda part: whole.sub(lambda _: rewritten, part))
            changes.append((text, rewritten))
    return markdown, changes


def resolve(citations: Iterable[Cited], entries: dict[str, Entry]) -> tuple[set[str], list[Cited]]:
    """The keys the citations point at, and the citations that point at none of `entries`."""
    used: set[str] = set()
    unresolved: list[Cited] = []
    for cited in citations:
        keys = [key for key, entry in entries.items() if matches(cited, entry)]
        used.update(keys)
        if not keys:
            unresolved.append(cited)
    return used, unresolved
