"""The maintainer's corrections: applied in order, warned about when they match nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.pipeline import corrections

SEGMENTS = [
    {"startTime": 0.0, "endTime": 4.0, "body": "Welcome to the show from Taurens.",
     "words": [{"startTime": 0.0, "endTime": 0.5, "body": "Welcome"}]},
    {"startTime": 750.4, "endTime": 755.0, "body": "Something the model misheard."},
    {"startTime": 800.0, "endTime": 805.0, "body": "I work at bailey code."},
]


def test_replace_segments_and_speakers() -> None:
    data = {"replace": [{"find": "Taurens", "with": "Torrens"},
                        {"find": "BAILEY CODE", "with": "Bailey Code", "ignore_case": True}],
            "segments": [{"start": "12:30", "text": "What was really said."}],
            "speakers": [{"from": "0:00", "to": "12:00", "name": "Tony Bailey"}]}
    fixed, warnings = corrections.apply(SEGMENTS, data)
    assert [s["body"] for s in fixed] == ["Welcome to the show from Torrens.",
                                          "What was really said.", "I work at Bailey Code."]
    assert fixed[0]["speaker"] == "Tony Bailey" and "speaker" not in fixed[1]
    assert "words" not in fixed[0]           # stale word timings go with changed text
    assert warnings == []
    assert SEGMENTS[0]["body"].endswith("Taurens.")     # the raw transcript is untouched


def test_corrections_that_match_nothing_are_reported() -> None:
    _, warnings = corrections.apply(SEGMENTS, {"replace": [{"find": "zebra", "with": "x"}],
                                               "segments": [{"start": 3000, "text": "x"}]})
    assert len(warnings) == 2


@pytest.mark.parametrize("text", ["replace: [oops", "replace: {find: a}", "other: []",
                                  "segments:\n  - start: soon\n    text: x"])
def test_bad_files_are_errors_not_silence(tmp_path: Path, text: str) -> None:
    path = tmp_path / "corrections.yml"
    path.write_text(text)
    with pytest.raises(corrections.CorrectionsError):
        corrections.apply(SEGMENTS, corrections.load(path))


def test_template_is_written_once_and_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yml"
    corrections.ensure_template(path)
    assert corrections.load(path) == {}
    path.write_text("replace:\n  - find: a\n    with: b\n")
    corrections.ensure_template(path)
    assert "find: a" in path.read_text()
