"""A module's self-check questions and model answers, read from its Markdown.

The course style puts them under a `## Self-check` heading: each question a bold numbered line
(`**1. What was the control group?**`, `**1.** What ...`, `1. **What ...**`) and its model answer in
the collapsible admonition that follows (`??? note "Answer"`, body indented four spaces). A
question may also be the title of its admonition (`??? question "1. What was the control group?"`,
answer as the body). The cartridge exports them as QTI essay questions with the model answer as
feedback (`companion.course.qti`).

Nothing is dropped quietly: an answer block no question claims, or a question or answer holding a
macro (`{{ }}`, `{% %}`, which only the site renders), is an error naming the question or line.
Links are written as on the site; `absolute_links` makes them absolute for an LMS, and `local_ids`
keeps the links within one question or answer (a footnote and its way back) inside the LMS.
"""

from __future__ import annotations

import html as html_module
import posixpath
import re
from dataclasses import dataclass
from typing import Any

import markdown

from companion.errors import CourseError

HEADING = re.compile(r"^##\s+Self[- ]check\b.*$", re.I | re.M)
NEXT_HEADING = re.compile(r"^#{1,2}\s", re.M)
QUESTION = re.compile(r"^(?:\*\*\s*(\d+)[.)]\s*(.+?)\s*\*\*|(\d+)[.)]\s+\*\*(.+?)\*\*"
                      r"|\*\*\s*(\d+)[.)]\s*\*\*\s*(.+?))\s*$")
ADMONITION = re.compile(r"^(?:\?\?\?\+?|!!!)\s*[\w-]*(?:\s+\"[^\"]*\")?\s*$")
TITLED_QUESTION = re.compile(r"^(?:\?\?\?\+?|!!!)\s*[\w-]*\s+\"\s*(\d+)[.)]\s*(.+?)\s*\"\s*$")
INDENT = "    "
MACRO = re.compile(r"\{\{|\{%")
LINK = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
ID = re.compile(r'(\sid=")([^"]*)(")')
LINK_OR_ID = re.compile(r'(\s(?:href|src|id)=")([^"]*)(")')
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:|//)", re.I)   # a scheme (https:, mailto:) or //host
# Python-Markdown's own extensions for what a course page writes (admonitions, definition lists,
# fenced code, attribute lists, footnotes, abbreviations): the default when the site's own
# `markdown_extensions` are not given, so an answer never reaches the LMS as raw syntax.
MARKDOWN_EXTENSIONS = ("tables", "sane_lists", "fenced_code", "admonition", "attr_list", "def_list",
                       "footnotes", "abbr", "md_in_html")
# Site extensions that need the site around them: snippets reads files (and appends the glossary
# to every text), toc adds permalinks to headings an answer does not have.
SITE_ONLY_EXTENSIONS = ("pymdownx.snippets", "toc")


@dataclass(frozen=True)
class Question:
    """One self-check question: its number, and the question and model answer as HTML."""

    number: int
    question_html: str
    answer_html: str


class SelfCheckError(CourseError, ValueError):
    """A self-check section the exporter cannot read (the message says which question)."""


def section(markdown_text: str) -> str:
    """The text under the `## Self-check` heading, up to the next heading of level 1-2."""
    head = HEADING.search(markdown_text)
    if not head:
        return ""
    rest = markdown_text[head.end():]
    end = NEXT_HEADING.search(rest)
    return rest[: end.start()] if end else rest


@dataclass(frozen=True)
class Renderer:
    """The Markdown extensions (names) and their settings a question and answer are rendered
    with: the site's (`from_site`), so the LMS shows what the page shows."""

    extensions: tuple[str, ...] = MARKDOWN_EXTENSIONS
    configs: tuple[tuple[str, dict[str, Any]], ...] = ()

    @classmethod
    def from_site(cls, extensions: list[Any], configs: dict[str, Any]) -> "Renderer":
        """A renderer with the site's Markdown extensions (`markdown_extensions` from mkdocs.yml,
        as names and their configs), minus those that only work inside MkDocs."""
        names = tuple(str(e) for e in extensions if isinstance(e, str) and e not in SITE_ONLY_EXTENSIONS)
        return cls(names, tuple((n, dict(configs.get(n) or {})) for n in names if configs.get(n)))

    def html(self, text: str) -> str:
        """`text` (Markdown) as HTML, rendered as the site renders it."""
        return markdown.markdown(text.strip(), extensions=list(self.extensions),
                                 extension_configs=dict(self.configs))



def questions(markdown_text: str, renderer: Renderer | None = None) -> list[Question]:
    """Every question of the page's self-check, in order; [] when the page has none.

    Raises SelfCheckError for a question with no model answer, so a lecturer never imports a
    question bank whose feedback silently went missing.
    """
    found: list[Question] = []
    lines = section(markdown_text).splitlines()
    i = 0
    while i < len(lines):
        titled = TITLED_QUESTION.match(lines[i].strip())
        match = titled or QUESTION.match(lines[i].strip())
        i += 1
        if not match:
            continue
        if titled:
            number, text = int(titled.group(1)), titled.group(2)
        else:
            number = int(match.group(1) or match.group(3) or match.group(5))
            text = match.group(2) or match.group(4) or match.group(6)
            while i < len(lines) and not lines[i].strip():
                i += 1
            if i >= len(lines) or not ADMONITION.match(lines[i].strip()):
                raise SelfCheckError(f"self-check question {number} has no answer block after it.")
            i += 1
        body = []
        while i < len(lines) and (lines[i].startswith(INDENT) or not lines[i].strip()):
            body.append(lines[i][len(INDENT):] if lines[i].startswith(INDENT) else "")
            i += 1
        answer = "\n".join(body).strip()
        if not answer:
            raise SelfCheckError(f"self-check question {number} has an empty answer.")
        if MACRO.search(text) or MACRO.search(answer):
            raise SelfCheckError(f"self-check question {number} holds a macro ({{{{ }}}} or {{% %}}), "
                                 "which the cartridge cannot render: write its text out.")
        render = (renderer or Renderer()).html
        found.append(Question(number, render(text), render(answer)))
    orphan = next((line.strip() for line in _unclaimed(lines, found)), None)
    if orphan is not None:
        raise SelfCheckError(f"self-check answer block {orphan!r} follows no question the exporter "
                             "can read: write the question as a bold numbered line "
                             "(**1. What ...?**) just before it.")
    return found


def _unclaimed(lines: list[str], found: list[Question]) -> list[str]:
    """Answer blocks at the section's top level beyond those the questions claimed."""
    blocks = [line for line in lines if not line.startswith((" ", "\t")) and
              (ADMONITION.match(line.strip()) or TITLED_QUESTION.match(line.strip()))]
    return blocks[len(found):]


def _ids(html: str) -> set[str]:
    """The ids `html` defines (unescaped)."""
    return {html_module.unescape(m.group(2)) for m in ID.finditer(html)}


def local_ids(html: str, prefix: str) -> str:
    """`html` with every id it defines prefixed with `prefix`, and every link to one of those ids
    ("#fn:1", a footnote and its way back) following it; other links unchanged.

    Each answer is rendered alone, but an LMS shows a quiz's questions and feedback on one page
    among its own elements: an id unique on the module page ("fn:1", "top") need not be unique
    there, and a link to a repeated id jumps to the first. `prefix` must differ between every
    question and answer of one assessment (the item's ident, then "question-" or "answer-")."""
    own = _ids(html)

    def renamed(match: re.Match[str]) -> str:
        value = html_module.unescape(match.group(2))
        if match.group(1).strip().startswith("id"):
            return f"{match.group(1)}{html_module.escape(prefix + value)}{match.group(3)}"
        if value.startswith("#") and value[1:] in own:
            return f"{match.group(1)}{html_module.escape('#' + prefix + value[1:])}{match.group(3)}"
        return match.group(0)
    return LINK_OR_ID.sub(renamed, html)


def absolute_links(html: str, src_uri: str, site_url: str, directory_urls: bool = True) -> str:
    """`html` of a question or answer with every relative link and image made absolute, as the
    site publishes it: a page's `x.md` becomes `x/` (or `x.html` without MkDocs'
    `use_directory_urls`), other files keep their path, both resolved against the module's
    source path `src_uri` and prefixed with `site_url`. An LMS imports a relative link as a
    broken one (Moodle: http://invalidurldetected/). A link to an id the same `html` defines
    (a footnote, its back link) stays a fragment: made absolute, it left the LMS for the module
    page, where that id names the page's own first footnote, or nothing."""
    page_dir = posixpath.dirname(src_uri)
    page_url = _page_url(src_uri, directory_urls)
    own = _ids(html)

    def absolute(match: re.Match[str]) -> str:
        target = html_module.unescape(match.group(2))
        if ABSOLUTE.match(target) or (target.startswith("#") and target[1:] in own):
            return match.group(0)
        path, hash_, fragment = target.partition("#")
        if not path:
            url = page_url
        else:
            resolved = posixpath.normpath(posixpath.join(page_dir, path))
            url = _page_url(resolved, directory_urls) if resolved.endswith(".md") else resolved
        full = f"{site_url}{url}{hash_}{fragment}"
        return f"{match.group(1)}{html_module.escape(full)}{match.group(3)}"
    return LINK.sub(absolute, html)


def _page_url(src_uri: str, directory_urls: bool) -> str:
    """'course/02-x.md' -> 'course/02-x/'; 'course/index.md' -> 'course/'; 'index.md' -> ''
    (without directory URLs: 'course/02-x.html', 'course/index.html')."""
    stem = src_uri[: -len(".md")]
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/")
    return f"{stem}/" if stem else ""
