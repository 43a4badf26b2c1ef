"""data/listening.yml as a maintainer really writes it (issue 24: pin, hide or add a "Hear it
discussed" stretch): each slip gets a message naming the file, line and column, and nothing the
maintainer wrote is dropped or read as something else.

Kinds taken from peer reports: YAML 1.1 reads `no` as false and `12:30` as 750 (yaml/pyyaml#272,
#395, the Norway problem); a byte-order mark hides the first key (dependabot-core#11073); a tab
in the indentation (uPagge/uBlogger#15); a key given twice keeps only the last. The build-side
messages (a module, term or episode that does not exist) are in test_weave.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.course import bundles, listening

NAME = "data/listening.yml"


def load(tmp_path: Path, raw: bytes | str) -> listening.Listening:
    path = tmp_path / "listening.yml"
    path.write_bytes(raw.encode("utf-8") if isinstance(raw, str) else raw)
    return listening.load(path, NAME)


def tokens(choices: listening.Choices) -> tuple[list[str], list[str], list[str], list[str]]:
    return ([i.token() for i in choices.pin], [i.token() for i in choices.add],
            [i.token() for i in choices.hide], choices.words)


PLAIN = "modules:\n  2:\n    pin: [e3@12:30-14:00]\n    terms: [rejection]\n"


@pytest.mark.parametrize("raw", [
    ("\ufeff" + PLAIN).encode("utf-8"),                     # Notepad's UTF-8 with a BOM
    PLAIN.replace("\n", "\r\n").encode("utf-8"),            # Windows line endings
    ("\ufeff" + PLAIN).encode("utf-16-le"),                 # Notepad's "Unicode"
], ids=["bom", "crlf", "utf16"])
def test_the_file_as_windows_editors_save_it_reads_the_same(tmp_path: Path, raw: bytes) -> None:
    assert tokens(load(tmp_path, raw).modules["m2"]) == (["e3@12:30-14:00"], [], [], ["rejection"])


def test_words_and_names_are_text_not_yaml_1_1_booleans(tmp_path: Path) -> None:
    """`terms: [no, off]` stopped the build ('must be a list of words'), and a glossary term
    called No was keyed 'false'."""
    read = load(tmp_path, "modules:\n  2:\n    terms: [no harm, off the record, true self, n]\n"
                          "glossary:\n  No:\n    variants: [nope]\n")
    assert read.modules["m2"].words == ["no harm", "off the record", "true self", "n"]
    assert read.glossary["no"].words == ["nope"]


@pytest.mark.parametrize("word", ["no", "off", "the", "it's", "'of the'"])
def test_a_word_every_talk_says_is_refused_not_matched_everywhere(tmp_path: Path, word: str) -> None:
    """Read as text, `terms: [no]` would make "no" a key term of the module: said in every
    episode, it would list stretches that share nothing with the idea but that word."""
    with pytest.raises(listening.ListeningError) as caught:
        load(tmp_path, f"modules:\n  2:\n    terms: [rejection, {word}]\n")
    assert str(caught.value).startswith(f"{NAME}:3:24: module 2 terms: '{word.strip(chr(39))}' is only "
                                        "words every talk says"), str(caught.value)


def test_a_module_given_twice_is_refused_not_half_dropped(tmp_path: Path) -> None:
    """YAML keeps the last of two `2:` keys: the first one's pin vanished without a word."""
    with pytest.raises(listening.ListeningError) as caught:
        load(tmp_path, "modules:\n  2:\n    pin: [e3@12:30-14:00]\n  3:\n    hide: [e4]\n  2:\n    hide: [e5]\n")
    assert str(caught.value).startswith(f"{NAME}:6:3: key '2' is given twice (first at line 2)")


def test_a_stretch_given_twice_is_refused(tmp_path: Path) -> None:
    """`pin: [e3, e3]` pinned e3's best stretch and then, silently, its second best."""
    with pytest.raises(listening.ListeningError, match=rf"^{NAME}:3:15: module 2: e3 is given twice \(first at line 3\)"):
        load(tmp_path, "modules:\n  2:\n    pin: [e3, e3]\n")
    with pytest.raises(listening.ListeningError, match=rf"^{NAME}:5:9: module 2: e3 is given twice"):
        load(tmp_path, "modules:\n  2:\n    pin: [e3]\n    hide:\n      - e3\n")     # pinned and hidden


@pytest.mark.parametrize("text, where, says", [
    ("modules:\n\t2:\n\t\tpin: [e3]\n", "2:1", "indent with spaces, not tabs"),
    ("modules:\n  2:\n    pin: [\u201ce3@12:30-14:00\u201d]\n", "3:11", "curly quotes"),
    ("modules:\n  2:\n    pin: [e3@12.30-14.00]\n", "3:11", "write times with a colon"),
    ("modules:\n  2:\n    pin: [e3@14:00-12:30]\n", "3:11", "must end after it starts"),
    ("modules:\n  2:\n    pin: [e3@12:30-18:75]\n", "3:11", "minutes and seconds run from 00 to 59"),
    ("modules:\n  m2:\n    pin: [e3]\n", "2:3", "keyed by number"),
    ("modules:\n  2:\n    pinned: [e3]\n", "3:5", "unknown key 'pinned' (did you mean 'pin'?)"),
    ("modules:\n  2:\n    pin: [m3]\n", "3:11", "not an episode stretch"),
    ("modules:\n  2:\n    add: [e3]\n", "3:11", "give each stretch its times"),
    ("module:\n  2:\n    pin: [e3]\n", "1:1", "did you mean 'modules'"),
], ids=["tab", "curly", "dotted-time", "end-before-start", "seconds-past-59", "m2", "pinned",
        "module-item", "add-without-times", "module-singular"])
def test_each_slip_is_named_at_its_line(tmp_path: Path, text: str, where: str, says: str) -> None:
    with pytest.raises(listening.ListeningError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"{NAME}:{where}: ") and says in message, message


def test_not_utf8_is_named_at_its_byte(tmp_path: Path) -> None:
    """Windows-1252 from an older editor was a UnicodeDecodeError traceback out of the build."""
    with pytest.raises(listening.ListeningError, match=rf"^{NAME}:3:16: not UTF-8 text"):
        load(tmp_path, "modules:\n  2:\n    terms: [caf\u00e9]\n".encode("cp1252"))


def test_what_is_meant_is_read_as_meant(tmp_path: Path) -> None:
    """Unambiguous slips are read as written: a word processor's dash or spaces in a range, one
    stretch with no brackets, an entry whose lines are all commented out, times as 750, 12:30 and
    1:02:03 (never as YAML 1.1's base-60 numbers)."""
    read = load(tmp_path, "modules:\n  2:\n    pin: [e3@12:30 \u2013 14:00, e4@750-1:02:03]\n"
                          "    hide: e5\n  3:\n    # pin: [e6]\n")
    assert tokens(read.modules["m2"]) == (["e3@12:30-14:00", "e4@12:30-1:02:03"], [], ["e5"], [])
    assert tokens(read.modules["m3"]) == ([], [], [], [])


def test_every_fault_is_listed_at_once(tmp_path: Path) -> None:
    """A maintainer fixes the file in one pass, not one fault per build."""
    with pytest.raises(listening.ListeningError) as caught:
        load(tmp_path, "modules:\n  2:\n    pin: [e3@12.30-14.00]\n  4:\n    hide: [e7@3:00-2:00]\n")
    assert [(p.line, p.column) for p in caught.value.problems] == [(3, 11), (5, 12)]


def test_apply_names_the_line_of_a_choice_it_cannot_use() -> None:
    read = listening.parse("modules:\n  2:\n    pin: [e2]\n    add:\n      - e9@0:01-0:02\n", NAME)
    choices = read.modules["m2"]
    found = [bundles_stretch("a", 10), bundles_stretch("b", 5)]
    def resolve(item: bundles.Item) -> tuple[str, list]:
        if item.ref != "2":
            raise ValueError("no such episode")
        return "b", []
    shown, problems = listening.apply(found, choices, resolve)
    assert [(s.slug, s.source) for s in shown] == [("b", "pinned"), ("a", "found")]
    assert problems == [(5, "add e9@0:01-0:02: no such episode")]


def bundles_stretch(slug: str, start: float) -> listening.Stretch:
    return listening.Stretch(slug, start, start + 30, 1.0, "line", ())
