"""Transcript formats against the Podcasting 2.0 examples, both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion import transcript_formats as tf

EXAMPLES = Path(__file__).parent / "data" / "transcripts"


def test_reads_the_pc20_vtt_example_with_speakers() -> None:
    segments = tf.from_vtt((EXAMPLES / "example.vtt").read_text())
    assert segments[0] == {"startTime": 0.0, "endTime": 2.76, "speaker": "Sarah",
                           "body": "In today's episode, you'll learn whether or not you"}
    assert "Podcasting Q&A" in segments[2]["body"]          # &amp; decoded
    assert {"Sarah", "Gillian"} <= {s.get("speaker") for s in segments}


def test_reads_the_pc20_srt_example_with_speaker_labels() -> None:
    segments = tf.from_srt((EXAMPLES / "example.srt").read_text())
    assert segments[0]["startTime"] == pytest.approx(0.179)
    assert segments[0]["speaker"] == "Travis"
    assert segments[0]["body"].startswith("When you first get started in podcasting")


def test_reads_the_pc20_json_example() -> None:
    segments = tf.from_json(json.loads((EXAMPLES / "example.json").read_text()))
    assert [s["body"] for s in segments[:4]] == ["I", "am", "your", "father."]
    assert segments[4]["speaker"] == "Luke"


@pytest.mark.parametrize("name,reader,writer", [
    ("example.vtt", tf.from_vtt, tf.to_vtt), ("example.srt", tf.from_srt, tf.to_srt)])
def test_round_trip(name: str, reader, writer) -> None:
    segments = reader((EXAMPLES / name).read_text())
    assert reader(writer(segments)) == segments


def test_json_output_is_pc20_and_keeps_words() -> None:
    segments = [{"startTime": 1.0, "endTime": 2.5, "body": "Hello <b>&", "speaker": "Host",
                 "words": [{"startTime": 1.0, "endTime": 1.4, "body": "Hello"}]}]
    document = tf.to_json(segments)
    assert document["version"] == "1.0.0" and document["segments"][0]["words"]
    vtt = tf.to_vtt(segments)
    assert "<v Host>Hello &lt;b&gt;&amp;" in vtt and vtt.startswith("WEBVTT")
    assert "00:00:01.000 --> 00:00:02.500" in vtt
    assert "00:00:01,000 --> 00:00:02,500" in tf.to_srt(segments)
    assert tf.to_txt(segments) == "Host: Hello <b>&\n"
    assert "<cite>Host:</cite>" in tf.to_html(segments) and "&lt;b&gt;" in tf.to_html(segments)


def test_not_a_vtt_file() -> None:
    with pytest.raises(ValueError):
        tf.from_vtt("1\n00:00:01,000 --> 00:00:02,000\nhi\n")
