"""A module's self-check questions and model answers, read from its Markdown.

The course style puts them under a `## Self-check` heading: each question a bold numbered line
(`**1. What was the control group?**`) and its model answer in the collapsible admonition that
follows (`??? note "Answer"`, body indented four spaces). A question may also be the title of
its admonition (`??? question "1. What was the control group?"`, answer as the body). The
cartridge exports them as QTI essay questions with the model answer as feedback (`companion.qti`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown

HEADING = re.compile(r"^##\s+Self[- ]check\b.*$", re.I | re.M)
NEXT_HEADING = re.compile(r"^#{1,2}\s", re.M)
QUESTION = re.compile(r"^(?:\*\*\s*(\d+)[.)]\s*(.+?)\s*\*\*|(\d+)[.)]\s+\*\*(.+?)\*\*)\s*$")
ADMONITION = re.compile(r"^(?:\?\?\?\+?|!!!)\s*[\w-]*(?:\s+\"[^\"]*\")?\s*$")
TITLED_QUESTION = re.compile(r"^(?:\?\?\?\+?|!!!)\s*[\w-]*\s+\"\s*(\d+)[.)]\s*(.+?)\s*\"\s*$")
INDENT = "    "
MARKDOWN_EXTENSIONS = ("tables", "sane_lists")


@dataclass(frozen=True)
class Question:
    """One self-check question: its number, and the question and model answer as HTML."""

    number: int
    question_html: str
    answer_html: str


class SelfCheckError(ValueError):
    """A self-check section the exporter cannot read (the message says which question)."""


def section(markdown_text: str) -> str:
    """The text under the `## Self-check` heading, up to the next heading of level 1-2."""
    head = HEADING.search(markdown_text)
    if not head:
        return ""
    rest = markdown_text[head.end():]
    end = NEXT_HEADING.search(rest)
    return rest[: end.start()] if end else rest


def to_html(text: str) -> str:
    return markdown.markdown(text.strip(), extensions=list(MARKDOWN_EXTENSIONS))


def questions(markdown_text: str) -> list[Question]:
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
            number = int(match.group(1) or match.group(3))
            text = match.group(2) or match.group(4)
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
        found.append(Question(number, to_html(text), to_html(answer)))
    return found
