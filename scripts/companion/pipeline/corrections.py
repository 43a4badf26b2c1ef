"""The maintainer's fixes to a transcript, kept in `episodes/<slug>/corrections.yml`.

The file is theirs: the pipeline writes a commented template once, when it is missing, and never
touches it again. It is applied to the raw transcript every time transcripts are written, so a
fix survives re-transcription with a better model.

A file that cannot be applied is refused whole, before anything is written: `load` raises
`CorrectionsError` with one `Problem` per fault, each with its line and column, the key or value
at fault and, for a misspelt key, the nearest valid one. Reading is in three steps:

1. bounds, before any parsing: size (`MAX_FILE_BYTES`), then, over PyYAML's event stream, nesting
   depth, node count and aliases (`*name`). Aliases are refused outright: a corrections file never
   needs one, and expanding them is how a few lines become billions of entries ("billion laughs");
2. PyYAML composes the node tree, which keeps every key's and value's position (`Mark`); plain
   scalars stay text except `true`/`false` and empty/`null` (YAML 1.2 core spellings), so
   `find: no` finds "no" and `start: 12:30` stays a time code, not YAML 1.1's base-60 number;
3. jsonschema (Draft 2020-12) validates the data against `SCHEMA`, time codes through a format
   checker; each error's path is mapped back to its node for the position.

Rules are also bounded so that applying them always ends, in time linear in the transcript: a
`find` is never empty (an empty needle matched everywhere and looped forever with ignore_case),
and the replacements may not grow the transcript past `MAX_GROWTH` times its size.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

from companion.errors import PipelineError
from companion.hand_edited import Problem, curly_quoted
from companion.hand_edited import TextLoader as _Loader
from companion.hand_edited import duplicate_keys as _duplicate_keys
from companion.hand_edited import nearest as _nearest
from companion.hand_edited import position as _position
from companion.hand_edited import syntax_problem as _syntax_problem
from companion.timecode import parse_time, parse_typed_time
from companion.pipeline import store
from companion.pipeline.formats import Segment

SEGMENT_MATCH_S = 1.0            # a `segments:` start time may be this far from the real one
MAX_FILE_BYTES = 1_000_000       # a 3-hour episode's every line rewritten is about 300 KB
MAX_DEPTH = 6                    # the file nests 3 deep (list key, entry, field)
MAX_NODES = 200_000              # YAML events: about 10 per entry
MAX_ENTRIES = 20_000             # per list
MAX_TEXT_CHARS = 5_000           # one find, with, text or name
MAX_GROWTH = 4                   # replacements may make the transcript at most this many times
GROWTH_SLACK_CHARS = 100_000     # longer (plus this), else they are refused as runaway
MAX_PROBLEMS = 10                # listed in one message; the rest are counted
LISTS = ("replace", "segments", "speakers", "accept")
YES_NO = r"^(?i:yes|no|on|off)$"   # YAML 1.1 spellings of a boolean, kept for ignore_case

TEMPLATE = """\
# Corrections to the transcript of this episode. Yours: the pipeline never overwrites this file,
# and applies it every time it writes the transcript (also after `companion sync --retranscribe`).
# Run `companion sync` after editing to rewrite transcript.json/.vtt/.srt/.txt. If this file has
# a mistake, sync says "corrections not applied" with its line and column, and the published
# transcript stays as it was until the file is fixed.
#
# replace:                 # find -> with, in order, everywhere in the transcript
#   - find: Taurens
#     with: Torrens
#   - find: bailey code
#     with: Bailey Code
#     ignore_case: true
#
# segments:                # new text for the segment that starts at this time (12:30, 750, 1:02:03)
#   - start: "12:30.4"
#     text: The sentence as it was really said.
#
# speakers:                # who speaks over a stretch: shown on the site, in VTT <v> and JSON
#   - from: "0:00"
#     to: "5:20"
#     name: Tony Bailey
#
# accept:                  # stretches with no words on purpose (a song, a clip in another
#   - from: "41:10"        # language), clipped audio you read against the transcript, or the
#     to: "43:02"          # missing end of a file cut short: they no longer make the episode
#     reason: theme song   # needs-review
#
# language_checked: true   # the episode is needs-review because the model was unsure of the
#                          # language; you read the transcript against the audio (and fixed it
#                          # above): this clears that reason, and only that one
"""

_TEXT = {"type": "string", "maxLength": MAX_TEXT_CHARS}
_TIME = {"type": "string", "format": "timecode"}


def _list_of(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": ["array", "null"], "maxItems": MAX_ENTRIES,
            "items": {"type": "object", "additionalProperties": False,
                      "required": required, "properties": properties}}


# JSON Schema (Draft 2020-12) of corrections.yml, after loading (scalars are text, see above).
SCHEMA: dict[str, Any] = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {
        "replace": _list_of({"find": {**_TEXT, "minLength": 1},
                             "with": {"type": ["string", "null"], "maxLength": MAX_TEXT_CHARS},
                             "ignore_case": {"anyOf": [{"type": "boolean"},
                                                       {"type": "string", "pattern": YES_NO}]}},
                            ["find", "with"]),
        "segments": _list_of({"start": _TIME, "text": _TEXT}, ["start", "text"]),
        "speakers": _list_of({"from": _TIME, "to": _TIME, "name": {**_TEXT, "pattern": r"\S"}},
                             ["from", "to", "name"]),
        "accept": _list_of({"from": _TIME, "to": _TIME, "reason": {"type": ["string", "null"]}},
                           ["from", "to"]),
        "language_checked": {"anyOf": [{"type": ["boolean", "null"]},
                                       {"type": "string", "pattern": YES_NO}]},
    },
}

_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("timecode", raises=ValueError)
def _is_timecode(value: object) -> bool:
    parse_typed_time(value)            # raises ValueError saying what is wrong (12.30 too)
    return True


_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=_FORMATS)


class CorrectionsError(PipelineError):
    """corrections.yml cannot be applied; nothing is written until it is fixed.

    `problems` are the faults in file order; str() is one line: "corrections not applied:
    FILE:LINE:COLUMN: what (did you mean 'KEY'?); ...".
    """

    def __init__(self, name: str, problems: list[Problem]):
        self.name, self.problems = name, problems
        shown = "; ".join(p.at(name) for p in problems[:MAX_PROBLEMS])
        more = len(problems) - MAX_PROBLEMS
        super().__init__(f"corrections not applied: {shown}"
                         + (f"; and {more} more" if more > 0 else ""))


@dataclass
class Corrections:
    """A loaded, valid corrections.yml: each list's entries, and where each entry starts."""
    name: str = "corrections.yml"
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    where: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)

    def entries(self, key: str) -> list[dict[str, Any]]:
        """The list of entries under `key` ("replace", "segments", ...), [] when absent."""
        return self.data.get(key) or []

    def problem(self, key: str, index: int, message: str) -> CorrectionsError:
        """A CorrectionsError for the `index`-th entry under `key`, at its line and column in the file."""
        line, column = self.where.get((key, index), (1, 1))
        return CorrectionsError(self.name, [Problem(line, column, message)])


def _check_bounds(text: str) -> list[Problem]:
    """Aliases, depth and size refused from the event stream, before any node is built."""
    depth = count = 0
    for event in yaml.parse(text, Loader=_Loader):
        count += 1
        if isinstance(event, yaml.AliasEvent):
            return [Problem(*_position(event.start_mark),
                            f"YAML aliases (*{event.anchor}) are not allowed here: write the "
                            "entry out in full")]
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return [Problem(*_position(event.start_mark),
                                f"nested more than {MAX_DEPTH} deep: corrections.yml holds lists "
                                "of entries with fields, nothing deeper")]
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        if count > MAX_NODES:
            return [Problem(*_position(event.start_mark),
                            f"more than {MAX_NODES} YAML nodes: too large to be corrections")]
    return []


def _node_at(root: yaml.Node, path: Iterable[Any]) -> tuple[yaml.Node, yaml.Node | None]:
    """The node at a jsonschema path, and its key node when it is a mapping value."""
    node, key_node = root, None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == step), None)
            if pair is None:
                break
            key_node, node = pair
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                and step < len(node.value):
            node, key_node = node.value[step], None
        else:
            break
    return node, key_node


def _where(path: list[Any]) -> str:
    """`replace entry 2, find` for the jsonschema path ['replace', 1, 'find']."""
    words = []
    for step in path:
        words.append(f"entry {step + 1}" if isinstance(step, int) else repr(step))
    text = " ".join(words[:2]) + (", " + " ".join(words[2:]) if len(words) > 2 else "")
    return text.replace("'", "")


def _schema_problems(error: jsonschema.ValidationError, root: yaml.Node) -> list[Problem]:
    """What a maintainer reads for one schema error, at the node it names."""
    path = list(error.absolute_path)
    node, key_node = _node_at(root, path)
    here = _position(node.start_mark)
    name = _where(path) or "the file"
    if error.validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        problems = []
        for key in error.instance:
            if key not in allowed:
                key_at, _value = _node_at(root, path + [key])
                mark = next((k.start_mark for k, _v in getattr(node, "value", [])
                             if k.value == key), key_at.start_mark)
                where = f" in {name}" if path else ""
                problems.append(Problem(*_position(mark), f"unknown key {key!r}{where}"
                                        f"{_nearest(key, allowed)}"))
        return problems
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return [Problem(*here, f"{name} needs {' and '.join(repr(k) for k in missing)}")]
    if error.validator == "format":
        reason = str(error.cause or error.message)
        hint = "" if "use 750" in reason or "ambiguous" in reason else " (use 750, 12:30 or 1:02:03)"
        return [Problem(*here, f"{name}: {reason}{hint}")]
    if error.validator == "pattern" and path[-1:] == ["name"]:
        return [Problem(*here, f"{name} is blank: write the speaker's name")]
    if error.validator == "minLength":
        return [Problem(*here, f"{name} is empty" + (": a replace entry needs text to find"
                                                      if path[-1:] == ["find"] else ""))]
    if error.validator in ("maxLength", "maxItems"):
        return [Problem(*here, f"{name} is too long (at most {error.validator_value} "
                               f"{'characters' if error.validator == 'maxLength' else 'entries'})")]
    if error.validator == "type" and not path:
        return [Problem(*here, "the file must be the lists replace, segments, speakers and "
                               "accept, each a key at the start of a line followed by a colon")]
    if error.validator == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) \
            else [error.validator_value]
        wanted = {"array": "a list of entries (lines starting with '- ')",
                  "object": "an entry with fields (key: value lines)", "string": "text",
                  "boolean": "true or false", "null": "empty"}
        got = "empty" if error.instance is None else repr(error.instance)
        raw = node.value if isinstance(node, yaml.ScalarNode) else ""
        if "string" in kinds and raw and not node.style:    # `find: true`, `find: null`, `~`
            got = (f"{raw!r}, which YAML reads as {'empty' if error.instance is None else 'yes/no'}"
                   f": put it in quotes to mean the word ({path[-1]}: \"{raw}\")")
        return [Problem(*(_position(key_node.start_mark) if key_node and error.instance is None
                          else here),
                        f"{name} must be {' or '.join(wanted[k] for k in kinds if k != 'null')}; "
                        f"got {got}")]
    if error.validator == "anyOf":
        return [Problem(*here, f"{name} must be true or false; got {error.instance!r}")]
    return [Problem(*here, f"{name}: {error.message}")]


_COMMENT_AFTER = re.compile(r"\s+#\S")     # ` #5` after a plain value: text cut, not a comment


def _typing_slips(root: yaml.Node, lines: list[str]) -> list[Problem]:
    """Values YAML reads differently from what the maintainer typed, found from the raw line:

    - `find: Episode #5` is read as `Episode` (` #` starts a comment), and `find: #5` as empty:
      a `#` straight after the space, followed by text, is taken for a cut value, not a comment
      (a comment is `# words`, as in the template);
    - `find: “Taurens”` keeps the curly quotes a word processor typed as part of the text, so it
      finds nothing, and `with: “Torrens”` would put them in the transcript.
    """
    problems = []
    for _key, entries in root.value if isinstance(root, yaml.MappingNode) else []:
        for entry in entries.value if isinstance(entries, yaml.SequenceNode) else []:
            for key, value in entry.value if isinstance(entry, yaml.MappingNode) else []:
                if not isinstance(value, yaml.ScalarNode) or value.style:
                    continue
                end = value.end_mark if value.value else key.end_mark
                line = lines[end.line] if end.line < len(lines) else ""
                column = end.column
                if value.value == "":          # `find: #5`: look after the key's colon
                    column = line.find(":", column) + 1
                rest = line[column:]
                cut = _COMMENT_AFTER.match(rest)
                if cut:
                    typed = (value.value + rest).strip()
                    read = repr(value.value) if value.value else "empty"
                    problems.append(Problem(end.line + 1, column + cut.end() - 1,
                                            f"{key.value}: YAML reads ' #' as the start of a "
                                            f"comment, so this value would be {read}: "
                                            f"put it in quotes ({key.value}: \"{typed}\"), or, for a "
                                            "comment, write '# ' with a space"))
                elif curly_quoted(value.value):
                    problems.append(Problem(*_position(value.start_mark),
                                            f"{key.value}: {value.value} is in curly quotes, "
                                            "which YAML keeps as part of the text: type straight "
                                            "quotes (\") or none (word processors and phone "
                                            "keyboards curl them)"))
    return problems


def _ranges(data: dict[str, Any], root: yaml.Node) -> list[Problem]:
    """`speakers` and `accept` stretches whose `to` is not after their `from`: they would
    silently match nothing."""
    problems = []
    for key in ("speakers", "accept"):
        for index, entry in enumerate(data.get(key) or []):
            if parse_time(entry["to"]) <= parse_time(entry["from"]):
                node, _ = _node_at(root, [key, index, "to"])
                problems.append(Problem(*_position(node.start_mark),
                                        f"{key} entry {index + 1}: to ({entry['to']}) must be "
                                        f"after from ({entry['from']})"))
    return problems


def parse(text: str, name: str = "corrections.yml") -> Corrections:
    """Validate corrections text; raise CorrectionsError listing every fault with its position."""
    try:
        problems = _check_bounds(text)
        root = None if problems else yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise CorrectionsError(name, [_syntax_problem(exc, text)]) from exc
    except RecursionError as exc:       # the depth check runs first; this is a last guard
        raise CorrectionsError(name, [Problem(1, 1, "nested too deep")]) from exc
    if problems:
        raise CorrectionsError(name, problems)
    if root is None:
        return Corrections(name=name)
    problems = _duplicate_keys(root)
    try:
        data = _Loader(text).construct_document(root)
    except yaml.YAMLError as exc:       # an explicit tag the safe loader refuses (!!python/...)
        raise CorrectionsError(name, [_syntax_problem(exc, text)]) from exc
    slips = _typing_slips(root, text.splitlines())
    errors = list(_VALIDATOR.iter_errors(data))
    for error in errors:
        problems += _schema_problems(error, root)
    if not errors and isinstance(data, dict):
        problems += _ranges(data, root)
    # A slip explains a schema error on the same line (a curly-quoted time): say it once.
    slip_lines = {p.line for p in slips}
    problems = slips + [p for p in dict.fromkeys(problems) if p.line not in slip_lines]
    if problems:
        raise CorrectionsError(name, sorted(problems, key=lambda p: (p.line, p.column)))
    where = {}
    for key_node, value_node in root.value if isinstance(root, yaml.MappingNode) else []:
        entries = value_node.value if isinstance(value_node, yaml.SequenceNode) else []
        for index, entry in enumerate(entries):
            where[(key_node.value, index)] = _position(entry.start_mark)
    return Corrections(name=name, data=data or {}, where=where)


def load(path: Path, name: str | None = None) -> Corrections:
    """The corrections in `path` (none when it does not exist); CorrectionsError when the file
    is too large, not UTF-8, not YAML, or not valid corrections. Messages call the file `name`
    (default: the path)."""
    name = name or str(path)
    if not path.is_file():
        return Corrections(name=name)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CorrectionsError(name, [Problem(1, 1, f"{size} bytes, more than the "
                                                         f"{MAX_FILE_BYTES} a corrections file "
                                                         "may have")])
    try:
        text = store.decode_hand_edited(path.read_bytes())
    except store.NotText as exc:
        raise CorrectionsError(name, [Problem(exc.line, exc.column, str(exc))]) from exc
    return parse(text, name)


def ensure_template(path: Path) -> None:
    """Write the commented corrections.yml template at `path` unless a file is there (the
    maintainer's own file is never overwritten)."""
    if not path.exists():
        path.write_text(TEMPLATE, encoding="utf-8")


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("yes", "on"))


def _text(value: object) -> str:
    return "" if value is None else str(value)


def apply(segments: list[Segment], fixes: Corrections) -> tuple[list[Segment], list[str]]:
    """Corrected copy of `segments`, and warnings for corrections that matched nothing.

    Replacements are literal (no patterns) and applied in file order; ignoring case compares
    with Python's case-insensitive regular expressions, so the positions found are the text's own
    even where lower-casing changes a string's length. Raises CorrectionsError, naming the entry,
    when the replacements grow the transcript past MAX_GROWTH times its size.
    """
    out = copy.deepcopy(segments)
    warnings: list[str] = []
    for index, entry in enumerate(fixes.entries("segments")):
        start = parse_time(entry["start"])
        nearest = min(out, key=lambda s: abs(s["startTime"] - start), default=None)
        if nearest is None or abs(nearest["startTime"] - start) > SEGMENT_MATCH_S:
            warnings.append(f"no segment starts near {entry['start']} (segments: entry {index + 1})")
            continue
        nearest["body"] = _text(entry["text"]).strip()
        nearest.pop("words", None)
    ceiling = MAX_GROWTH * sum(len(s["body"]) for s in out) + GROWTH_SLACK_CHARS
    for index, entry in enumerate(fixes.entries("replace")):
        find, new = _text(entry["find"]), _text(entry["with"])
        pattern = re.compile(re.escape(find), re.IGNORECASE if _flag(entry.get("ignore_case")) else 0)
        hits = 0
        for segment in out:
            fixed = pattern.sub(lambda _m: new, segment["body"])
            if fixed != segment["body"]:
                hits += 1
                segment["body"] = fixed
                segment.pop("words", None)
        if not hits:
            warnings.append(f"{find!r} was not found (replace: entry {index + 1})")
        if sum(len(s["body"]) for s in out) > ceiling:
            raise fixes.problem("replace", index, f"replace entry {index + 1} makes the "
                                f"transcript more than {MAX_GROWTH} times as long: a rule that "
                                "feeds on its own output?")
    for entry in fixes.entries("speakers"):
        start, end = parse_time(entry["from"]), parse_time(entry["to"])
        for segment in out:
            middle = (segment["startTime"] + segment["endTime"]) / 2
            if start <= middle < end:
                segment["speaker"] = _text(entry["name"]).strip()
    return out, warnings


def language_checked(fixes: Corrections) -> bool:
    """Whether the maintainer has checked a transcript the model was unsure of the language of
    (`language_checked: true`): that review reason is then cleared."""
    return _flag(fixes.data.get("language_checked"))


def accepted(fixes: Corrections) -> list[tuple[float, float]]:
    """The `accept:` stretches (seconds) the maintainer has checked: speech that has no words on
    purpose, clipped audio read against its transcript, the missing end of a file cut short."""
    return [(parse_time(e["from"]), parse_time(e["to"])) for e in fixes.entries("accept")]
