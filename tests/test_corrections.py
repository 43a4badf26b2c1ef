"""The maintainer's corrections: applied in order, warned about when they match nothing, and a
file that cannot be applied refused whole, with the line, column and key at fault."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from companion import cli
from companion.pipeline import corrections, language, store
from companion.pipeline.transcribe import Coverage
from episode_records import episode_records
from podcast_server import rss

SEGMENTS = [
    {"startTime": 0.0, "endTime": 4.0, "body": "Welcome to the show from Taurens.",
     "words": [{"startTime": 0.0, "endTime": 0.5, "body": "Welcome"}]},
    {"startTime": 750.4, "endTime": 755.0, "body": "Something the model misheard."},
    {"startTime": 800.0, "endTime": 805.0, "body": "I work at bailey code."},
]
NAME = "episodes/ep/corrections.yml"


def refused(text: str) -> str:
    with pytest.raises(corrections.CorrectionsError) as caught:
        corrections.parse(text, NAME)
    message = str(caught.value)
    assert message.startswith(f"corrections not applied: {NAME}:")
    return message


def test_replace_segments_and_speakers() -> None:
    fixes = corrections.parse(
        "replace:\n  - find: Taurens\n    with: Torrens\n"
        "  - find: BAILEY CODE\n    with: Bailey Code\n    ignore_case: true\n"
        "segments:\n  - start: 12:30\n    text: What was really said.\n"       # unquoted time
        "speakers:\n  - from: 0:00\n    to: 12:00\n    name: Tony Bailey\n")
    fixed, warnings = corrections.apply(SEGMENTS, fixes)
    assert [s["body"] for s in fixed] == ["Welcome to the show from Torrens.",
                                          "What was really said.", "I work at Bailey Code."]
    assert fixed[0]["speaker"] == "Tony Bailey" and "speaker" not in fixed[1]
    assert "words" not in fixed[0]           # stale word timings go with changed text
    assert warnings == []
    assert SEGMENTS[0]["body"].endswith("Taurens.")     # the raw transcript is untouched


@pytest.mark.parametrize("body, text, fixed", [
    # `find: no` finds "no" (YAML 1.1 would read false), `with:` empty deletes, 2020 is text,
    # and a replacement with backslashes is literal
    ("I said no in 2020, um, twice.", "replace:\n  - find: no\n    with: yes\n  - find: ' um,'\n"
     "    with:\n  - find: 2020\n    with: 'C:\\1\\n'\n", "I said yes in C:\\1\\n, twice."),
    # 'İ'.lower() is two characters: positions are the text's own, nothing shifts
    ("İİ Istanbul and ISTANBUL.", "replace:\n  - find: istanbul\n    with: Istanbul\n"
     "    ignore_case: true\n", "İİ Istanbul and Istanbul."),
])
def test_values_are_literal_text(body: str, text: str, fixed: str) -> None:
    segments = [{"startTime": 0.0, "endTime": 2.0, "body": body}]
    out, _ = corrections.apply(segments, corrections.parse(text))
    assert out[0]["body"] == fixed


def test_corrections_that_match_nothing_are_reported() -> None:
    fixes = corrections.parse("replace:\n  - find: zebra\n    with: x\n"
                              "segments:\n  - start: 3000\n    text: x\n")
    _, warnings = corrections.apply(SEGMENTS, fixes)
    assert len(warnings) == 2 and "entry 1" in warnings[0]


@pytest.mark.parametrize("text, where, says", [
    ("replce:\n  - find: a\n    with: b\n", "1:1", "unknown key 'replce' (did you mean 'replace'?)"),
    ("replace:\n  - find: a\n    wiht: b\n", "3:5", "unknown key 'wiht' in replace entry 1 "
                                                   "(did you mean 'with'?)"),
    ("replace:\n  - find: Taurens\n     with: Torrens\n", "3:10", "not valid YAML"),
    ("replace:\n  - find: a\n    with: b\n  - find: c\n   with: d\n", "5:4", "indentation"),
    ("replace:\n\t- find: a\n", "2:1", "not tabs"),
    ("replace: [oops", "2:1", "not valid YAML"),
    ("segments:\n  - start: soon\n    text: x", "2:12", "segments entry 1, start: not a time: 'soon'"),
    ("speakers:\n  - from: 0\n    to: 1:75\n    name: X\n", "3:9", "minutes and seconds run 0-59"),
    ("replace:\n  - find:\n    with: x\n", "2:5", "replace entry 1, find must be text"),
    ("replace:\n  - find: ''\n    with: x\n    ignore_case: true\n", "2:11", "find is empty"),
    ("replace:\n  - find: a\n    with: b\n    ignore_case: maybe\n", "4:18", "true or false"),
    ("replace:\n  - find: a\n", "2:5", "needs 'with'"),
    ("replace:\n  - find: a\n    with: b\nreplace:\n  - find: c\n    with: d\n", "4:1",
     "given twice (first at line 1)"),
    ("- find: a\n", "1:1", "the file must be the lists replace, segments, speakers and accept"),
    ("replace: !!python/object/apply:os.system [ls]\n", "1:10", "not valid YAML"),
    # ` #` starts a YAML comment: `Episode #5` would silently become `Episode`, `#5` empty
    ("replace:\n  - find: Episode #5\n    with: Episode five\n", "2:19",
     "this value would be 'Episode': put it in quotes (find: \"Episode #5\")"),
    ("replace:\n  - find: #5\n    with: five\n", "2:11", "would be empty: put it in quotes"),
    ("segments:\n  - start: 10\n    text: See note #2\n", "3:20", "(text: \"See note #2\")"),
    # a word processor's curly quotes are text to YAML: they would find nothing, or be inserted
    ("replace:\n  - find: \u201cTaurens\u201d\n    with: Torrens\n", "2:11", "curly quotes"),
    ("segments:\n  - start: \u201c12:30\u201d\n    text: x\n", "2:12", "curly quotes"),
    # YAML's booleans and nulls: the message says how to mean the word
    ("replace:\n  - find: true\n    with: x\n", "2:11", "put it in quotes to mean the word "
                                                       "(find: \"true\")"),
    ("replace:\n  - find: ~\n    with: x\n", "2:5", "'~', which YAML reads as empty"),
    # names that are blank and stretches that end before they start would silently do nothing
    ("speakers:\n  - from: 0\n    to: 10\n    name: ' '\n", "4:11", "name is blank"),
    ("speakers:\n  - from: 10:00\n    to: 5:00\n    name: X\n", "3:9",
     "to (5:00) must be after from (10:00)"),
    ("accept:\n  - from: 1:00\n    to: 1:00\n", "3:9", "must be after from"),
    # a clock written with a dot (as Australians and Britons write 12.30) was read as 12.3 s,
    # and its text put in whichever segment starts near 0:12
    ("segments:\n  - start: 12.30\n    text: x\n", "2:12", "'12.30' is ambiguous: write 12:30"),
    ("speakers:\n  - from: 1.05\n    to: 2:00\n    name: X\n", "2:11", "write 1:05 for 1 min 5 s"),
])
def test_bad_files_say_where_and_what(text: str, where: str, says: str) -> None:
    message = refused(text)
    assert f"{NAME}:{where}: " in message and says in message, message


@pytest.mark.parametrize("text", [
    "replace:\n  - find: Taurens   # the town's name\n    with: Torrens\n",   # a real comment
    "replace:\n  - find: um\n    with:    # deletes it\n",
    "replace:\n  - find: \"Episode #5\"\n    with: 'Ep. #5'\n",               # quoted
    "speakers:\n  - from: 0\n    to: 62:03\n    name: Tony\u2019s guest\n",   # 62:03, ’ inside
    "", "# only comments\n# here\n", corrections.TEMPLATE,
])
def test_comments_quotes_and_empty_files_are_fine(text: str) -> None:
    corrections.parse(text, NAME)


def test_each_fault_is_said_once() -> None:
    message = refused("replace:\n  - fnd: a\n")     # jsonschema reports each missing key apart
    assert message.count("needs 'find' and 'with'") == 1, message


@pytest.mark.parametrize("encoded", [
    "\ufeffreplace:\r\n  - find: Taurens\r\n    with: Torrens\r\n".encode(),   # BOM, CRLF
    "replace:\r\n  - find: Taurens\r\n    with: Torrens\r\n".encode("utf-16"),  # Notepad
])
def test_what_windows_editors_save_is_read(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "corrections.yml"
    path.write_bytes(encoded)
    fixed, _ = corrections.apply(SEGMENTS, corrections.load(path, NAME))
    assert fixed[0]["body"] == "Welcome to the show from Torrens."


def test_every_fault_is_listed_in_file_order() -> None:
    message = refused("replce:\n  - find: a\n    with: b\nspeakers:\n  - from: x\n    to: 1\n"
                      "    name: N\n")
    assert message.index(":1:1:") < message.index(":5:11:")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("text, says", [
    # "billion laughs": nine aliases of nine would be 10^9 entries once expanded
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(9)), "aliases (*a) are not allowed"),
    ("replace: " + "[" * 100_000 + "]" * 100_000, "nest"),
    ("replace:\n" + "  - {find: a, with: b}\n" * 40_000, "YAML nodes"),
])
def test_hostile_files_are_refused_quickly(text: str, says: str) -> None:
    started = time.process_time()          # CPU time: a busy machine does not fail it
    assert says in refused(text)
    assert time.process_time() - started < 10


def test_huge_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yml"
    path.write_bytes(b"# " + b"x" * corrections.MAX_FILE_BYTES)
    with pytest.raises(corrections.CorrectionsError, match="bytes, more than"):
        corrections.load(path, NAME)
    path.write_bytes("replace:\n  - find: caf\u00e9\n    with: x\n".encode("cp1252"))
    with pytest.raises(corrections.CorrectionsError, match=f"{NAME}:2:14: not UTF-8.*Notepad"):
        corrections.load(path, NAME)


@pytest.mark.timeout(20)
def test_rules_that_feed_on_their_own_output_are_stopped() -> None:
    """Each rule doubles every 'a': 40 rules would make 2^40 times the text."""
    fixes = corrections.parse("replace:\n" + "  - find: a\n    with: aa\n" * 40)
    with pytest.raises(corrections.CorrectionsError, match=r":\d+:5: replace entry \d+ makes the "
                                                           "transcript more than 4 times"):
        corrections.apply([{"startTime": 0.0, "endTime": 9.0, "body": "a" * 50_000}], fixes)


def test_template_is_written_once_and_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yml"
    corrections.ensure_template(path)
    assert corrections.load(path).data == {}
    path.write_text("replace:\n  - find: a\n    with: b\n")
    corrections.ensure_template(path)
    assert "find: a" in path.read_text()


def test_the_guide_shows_the_files_and_messages_the_code_has() -> None:
    """Every YAML example in the maintainer's guide loads, and its message table quotes the
    code's own wording."""
    guide = (Path(__file__).parents[1] / "docs" / "maintainer.md").read_text()
    blocks = guide.split("```yaml\n")[1:]
    examples = [b.split("```")[0] for b in blocks if b.lstrip().startswith(corrections.LISTS)]
    assert len(examples) >= 2
    for example in examples:
        corrections.parse(example)
    for wording in ("corrections not applied", "did you mean", "aliases", "is given twice",
                    "is empty", "makes the transcript more than", "as the start of a comment",
                    "curly quotes", "must be after"):
        assert wording in guide, wording


def synced_publisher_episode(project: Path, host, title: str) -> tuple[str, dict, Path]:
    """One episode whose transcript the publisher's feed links (example.vtt), synced once (no
    model runs): the feed's URL, the episode's record and its folder."""
    vtt = host.add("ep.vtt", (Path(__file__).parent / "data" / "transcripts" / "example.vtt").read_bytes())
    feed = host.add("feed.xml", rss([{"title": title, "guid": "ep-1", "audio": f"{host.url}/x.mp3",
                                      "date": "Mon, 07 Dec 2026 10:00:00 +0100",
                                      "transcripts": [{"url": vtt, "type": "text/vtt"}]}]).encode())
    assert cli.main(["sync", "--feed", feed]) == 0
    record = episode_records(project / "episodes")[0]
    return feed, record, project / "episodes" / record["slug"]


def test_the_maintainer_clears_a_language_review_once_checked(project, host) -> None:
    """An episode the model was unsure of the language of stays needs-review until the maintainer
    says they checked it (`language_checked: true`); a coverage reason is not cleared by it.
    The episode's judgement is written as a Whisper run leaves it, so no model runs here."""
    feed, record, folder = synced_publisher_episode(project, host, "Folge 1")
    unsure = language.Speech(seconds=30.0, mean_logprob=-1.2, low_share=0.7, compression_ratio=1.5,
                             no_speech_prob=0.1, word_prob=0.4).to_json()
    record.update(model="tiny.en", speech=unsure, status="needs-review",
                  coverage=Coverage(speech_s=30.0, covered_s=30.0, audio_s=31.0).to_json())
    store.write_json_atomic(folder / "episode.json", record)
    assert cli.main(["sync", "--feed", feed]) == 0
    record = episode_records(project / "episodes")[0]
    assert record["status"] == "needs-review" and "may not be English" in record["review"][0]
    (folder / "corrections.yml").write_text("language_checked: true\n")
    assert cli.main(["sync", "--feed", feed]) == 0
    record = episode_records(project / "episodes")[0]
    assert record["status"] == "transcribed" and record["review"] == []
    record.update(coverage=Coverage(speech_s=30.0, covered_s=10.0, audio_s=31.0).to_json())
    store.write_json_atomic(folder / "episode.json", record)
    assert cli.main(["sync", "--feed", feed]) == 0
    record = episode_records(project / "episodes")[0]
    assert record["status"] == "needs-review" and "33% of the speech" in record["review"][0]
    assert not any("English" in reason for reason in record["review"])


def test_a_fix_that_stops_matching_after_a_new_transcription_is_said_at_every_build(project, host) -> None:
    """Re-transcribed (a better model, a re-uploaded episode), the segments start elsewhere and a
    `segments:` fix matches nothing: the page shows the model's words again. It was one warning
    in one sync's log (the weekly job's, unread); it is kept in the record and every build says
    it, naming the file and the entry. The transcript comes from the publisher (no model runs);
    the re-transcription is its raw segments re-cut."""
    from companion.episode import Episode
    from companion.site.site_plugin import unmatched_corrections_notice
    feed, record, folder = synced_publisher_episode(project, host, "Trailers")
    (folder / "corrections.yml").write_text("segments:\n  - start: \"0:06.09\"\n    text: include in one? Welcome to Podcasting Q and A.\n")
    assert cli.main(["sync", "--feed", feed]) == 0
    record = episode_records(project / "episodes")[0]
    assert record["corrections_unmatched"] == [] and unmatched_corrections_notice(Episode.from_json(record), "x") is None
    raw = store.read_json(folder / "transcript.raw.json")
    for segment in raw["segments"]:                  # the new run cuts its segments 1.5 s later
        segment["startTime"] += 1.5
    store.write_json_atomic(folder / "transcript.raw.json", raw)
    assert cli.main(["sync", "--feed", feed]) == 0
    record = episode_records(project / "episodes")[0]
    assert record["corrections_unmatched"] == ["no segment starts near 0:06.09 (segments: entry 1)"]
    notice = unmatched_corrections_notice(Episode.from_json(record), f"episodes/{record['slug']}")
    assert notice.startswith(f"episodes/{record['slug']}/corrections.yml: 1 correction(s) matched nothing")
    assert "no segment starts near 0:06.09 (segments: entry 1)" in notice
    assert (folder / "corrections.yml").read_text().startswith("segments:")      # the fix is kept
