"""Files a person edits by hand (`corrections.yml`, `data/listening.yml`): read as editors save
them, as YAML that keeps every value's place, with each fault reported at its line and column.

- Decoding: UTF-8 with or without a byte-order mark (Notepad and PowerShell write one), or UTF-16
  with one; Windows line endings are YAML line breaks. Anything else is refused at its first bad
  byte (`Undecodable`), never read as mojibake.
- `TextLoader` keeps plain scalars as text except YAML 1.2's true/false and null: YAML 1.1 reads
  `12:30` as the base-60 number 750 and `no`/`off` as false (yaml/pyyaml#272, #395; the "Norway
  problem"), which turns a time code into a number and a word into a yes/no.
- `syntax_problem` says where a YAML syntax error is and what usually causes it (a tab in the
  indentation, unquoted text holding ': ').

Shared by the pipeline's corrections and the course's listening choices, so a maintainer reads
one kind of message from both.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable

import yaml

from companion.errors import CompanionError

NOT_UTF8 = "not UTF-8 text: save the file as UTF-8 (Notepad: File, Save as, Encoding: UTF-8)"
CURLY_OPEN, CURLY_CLOSE = "\u201c\u2018\u201e", "\u201d\u2019\u201c"


class Undecodable(CompanionError, ValueError):
    """Bytes that are not UTF-8 (nor UTF-16 with a byte-order mark): `line` and `column`
    (1-based) of the first bad byte."""

    def __init__(self, line: int, column: int):
        super().__init__(f"{NOT_UTF8} (line {line}, column {column})")
        self.line, self.column = line, column


def decode(raw: bytes) -> str:
    """The text of a file a person saved: UTF-8 with or without a byte-order mark, or UTF-16 with
    one (Notepad's "Unicode", unambiguous). Raises Undecodable for anything else (Windows-1252
    from an older editor)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        raise Undecodable(before.count(b"\n") + 1, len(before) - before.rfind(b"\n")) from exc


@dataclass(frozen=True)
class Problem:
    """One fault in a maintainer's file: where (1-based line and column) and what."""
    line: int
    column: int
    message: str

    def at(self, name: str) -> str:
        """This problem as one line for file `name`: "NAME:LINE:COLUMN: message"."""
        return f"{name}:{self.line}:{self.column}: {self.message}"


# libyaml's parser when PyYAML has it: 15x faster than the pure-Python one (1 MB in about a second).
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TextLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps plain scalars as text, except YAML 1.2's true/false and null."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


TextLoader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                 re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
TextLoader.add_implicit_resolver("tag:yaml.org,2002:null",
                                 re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class Unreadable(CompanionError, ValueError):
    """A hand-edited file that cannot be read: `problems` (line, column, what), in file order."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.line}:{p.column}: {p.message}" for p in problems))
        self.problems = problems

    def at(self, name: str) -> str:
        """Every problem as "NAME:LINE:COLUMN: what", joined by "; "."""
        return "; ".join(p.at(name) for p in self.problems)


def load(raw: bytes) -> Any:
    """The data of a hand-edited YAML file's bytes (`decode`, then `TextLoader`: `000` stays the
    text "000", not YAML 1.1's number 0). Raises Unreadable, at line and column, for bytes that
    are not text, YAML that does not parse, or a key given twice in one mapping (YAML would keep
    the last silently)."""
    try:
        text = decode(raw)
    except Undecodable as exc:
        raise Unreadable([Problem(exc.line, exc.column, NOT_UTF8)]) from exc
    try:
        root = yaml.compose(text, Loader=TextLoader)
    except yaml.YAMLError as exc:
        raise Unreadable([syntax_problem(exc, text)]) from exc
    if root is None:
        return None
    problems = duplicate_keys(root)
    if problems:
        raise Unreadable(problems)
    try:
        return TextLoader(text).construct_document(root)
    except yaml.YAMLError as exc:       # an explicit tag the safe loader refuses (!!python/...)
        raise Unreadable([syntax_problem(exc, text)]) from exc


def position(mark: yaml.Mark | None) -> tuple[int, int]:
    """(line, column), 1-based, of a PyYAML mark; (1, 1) without one."""
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def syntax_problem(exc: yaml.YAMLError, text: str = "") -> Problem:
    """A YAML syntax error where PyYAML found it, with the construct it was reading: a
    mis-indented key is often reported at its parent (ruby/psych#190), so both are named."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(1, 1, f"not valid YAML: {exc}")
    mark = exc.problem_mark or exc.context_mark
    line, column = position(mark)
    message = f"not valid YAML: {exc.problem or exc.context}"
    if exc.context and exc.context_mark and exc.problem:
        context_line, context_column = position(exc.context_mark)
        message += f" ({exc.context} that starts at line {context_line}, column {context_column})"
    if "constructor" in message:
        return Problem(line, column, message)
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in here[:column] or "\t" in here[:len(here) - len(here.lstrip())]:
        message += ": indent with spaces, not tabs"
    else:
        message += (": check the indentation of this line and the one before; put text that "
                    "holds ': ' or starts with a quote, [, {, *, & or # in quotes")
    return Problem(line, column, message)


def duplicate_keys(node: yaml.Node) -> list[Problem]:
    """Keys given twice in one mapping: YAML loaders keep the last silently, which would drop
    everything under the first."""
    problems = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, yaml.Node] = {}
        for key, value in node.value:
            if key.value in seen:
                first, _ = position(seen[key.value].start_mark)
                problems.append(Problem(*position(key.start_mark),
                                        f"key {key.value!r} is given twice (first at line "
                                        f"{first}): put all its entries under one"))
            seen.setdefault(key.value, key)
            problems += duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += duplicate_keys(item)
    return problems


def closest(word: str, allowed: Iterable[str]) -> str | None:
    """The one of `allowed` a typo of `word` most likely meant (difflib ratio 0.6 or more,
    compared in lower case), or None."""
    match = difflib.get_close_matches(str(word).lower(), list(allowed), n=1, cutoff=0.6)
    return match[0] if match else None


def nearest(word: str, allowed: Iterable[str]) -> str:
    """" (did you mean 'X'?)" for the closest of `allowed`, else " (valid: a, b, c)"."""
    allowed = list(allowed)
    match = closest(word, allowed)
    return f" (did you mean {match!r}?)" if match else f" (valid: {', '.join(allowed)})"


def curly_quoted(text: str) -> bool:
    """Whether `text` is wrapped in the curly quotes a word processor or phone keyboard types,
    which YAML keeps as part of the text."""
    return len(text) > 1 and text[0] in CURLY_OPEN and text[-1] in CURLY_CLOSE
