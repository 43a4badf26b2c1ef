"""Transcript formats against the Podcasting 2.0 examples, both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.pipeline import formats as tf, sync

EXAMPLES = Path(__file__).parent / "data" / "transcripts"


def test_reads_the_pc20_vtt_example_with_speakers() -> None:
    segments = tf.from_vtt((EXAMPLES / "example.vtt").read_text())
    assert segments[0] == {"startTime": 0.0, "endTime": 2.76, "speaker": "Sarah",
                           "body": "In today's episode, you'll learn whether or not you"}
    assert "Podcasting Q&A" in segments[2]["body"]          # &amp; decoded
    assert {"Sarah", "Gillian"} <= {s.get("speaker") for s in segments}


def test_reads_the_pc20_srt_example_with_its_labelled_speakers() -> None:
    """The spec's SRT names a speaker at each change ("Travis: When you first get"); the label
    was kept in the text and no speaker read. It is the speaker until the next label."""
    segments = tf.from_srt((EXAMPLES / "example.srt").read_text())
    assert segments[0] == {"startTime": 0.179, "endTime": 2.399, "speaker": "Travis",
                           "body": "When you first get started in podcasting, it's"}
    assert segments[1]["speaker"] == "Travis"                       # held until the next label
    assert {s["speaker"] for s in segments} == {"Travis", "Sarah", "Gilon"}
    assert not any(s["body"].startswith(("Travis:", "Sarah:", "Gilon:")) for s in segments)
    by_start = {s["startTime"]: s for s in segments}
    assert by_start[53.03] == {"startTime": 53.03, "endTime": 57.77, "speaker": "Sarah",
                               "body": "Creating good audio is really key to keeping your"}
    assert by_start[119.329]["body"].startswith("Travis, Albritton")   # a name in speech stays


def _srt(*cues: str) -> str:
    return "\n".join(f"{n}\n00:00:{n:02d},000 --> 00:00:{n + 1:02d},000\n{cue}\n"
                     for n, cue in enumerate(cues, 1))


def _read(text: str) -> list[tuple[str | None, str]]:
    return [(s.get("speaker"), s["body"]) for s in tf.from_srt(text)]


@pytest.mark.parametrize("cues, read", [
    # broadcast captions: ">>" marks a change of speaker, named or not (cdp-backend#203)
    ((">> JANE: I think so.", "And then.", ">> JOHN: No.", ">>Who said that?"),
     [("JANE", "I think so."), ("JANE", "And then."), ("JOHN", "No."), (None, "Who said that?")]),
    # brackets; a sound in brackets is text, under the speaker it interrupts
    (("[JANE] I think so.", "[MUSIC]", "[JANE] Again.", "[laughs] yes", "(Speaker_01)\nHi."),
     [("JANE", "I think so."), ("JANE", "[MUSIC]"), ("JANE", "Again."),
      ("JANE", "[laughs] yes"), ("Speaker_01", "Hi.")]),
    # a label alone on its line (buzzsprout-api#55); two speakers in one cue, dashed or inline
    (("John Smith:\nWelcome to the show.", "- JANE: Hi.\n- John Smith: Hello.",
      "JANE: How are you today? John Smith: Fine.", "JOHN: ok"),
     [("John Smith", "Welcome to the show."), ("JANE", "Hi."), ("John Smith", "Hello."),
      ("JANE", "How are you today?"), ("John Smith", "Fine."), ("JOHN", "ok")]),
    # numbered generic speakers (whisperX, GigaAMGUI#37), Cyrillic too
    (("Speaker 1: Hello", "SPEAKER_00: Hi", "Спикер №1: Добрый день", "Speaker 1: again"),
     [("Speaker 1", "Hello"), ("SPEAKER_00", "Hi"), ("Спикер №1", "Добрый день"),
      ("Speaker 1", "again")]),
])
def test_speakers_labelled_in_cue_text_become_the_speaker(cues, read) -> None:
    """Publishers write the speaker into SRT and VTT text ("JANE: I think", ">> JANE:",
    "[JANE]"); the label stayed in the text and no speaker was shown."""
    assert _read(_srt(*cues)) == read
    vtt = "WEBVTT\n\n" + _srt(*cues).replace(",000", ".000")
    assert [(s.get("speaker"), s["body"]) for s in tf.from_vtt(vtt)] == read


def test_text_that_only_looks_like_a_label_stays_text() -> None:
    """In a file that labels its speakers, what users read as speech stays: a remark ("NOTE:",
    "Remember:"), times and ratios, numbered steps, an interview's Q:/A: (roles, not names:
    kept as the publisher wrote them)."""
    speech = ["NOTE: this is said aloud.", "We met at 10:30. Step 1: breathe.",
              "Q: Why? A: Because.", "Remember: a ratio of 3:2.", "Step 2: rest."]
    read = _read(_srt("JANE: Hello.", *speech, "JANE: Bye."))
    assert read == [("JANE", "Hello.")] + [("JANE", s) for s in speech] + [("JANE", "Bye.")]
    # a file whose labels name no one twice reads as written: a lone "Jane: hi" may be speech
    assert _read(_srt("Jane: hi", "Note: this episode talks about loss.")) == [
        (None, "Jane: hi"), (None, "Note: this episode talks about loss.")]


def test_voice_spans_and_json_speakers_win_over_labels_in_text() -> None:
    """A file that carries its speakers (`<v>`, JSON `speaker`) keeps its text as written; a
    JSON transcript with no speaker field is read for labels as SRT is."""
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>JANE: hi\n\n00:00:02.000 --> 00:00:03.000\n<v Ann>JANE: yo\n"
    assert [(s["speaker"], s["body"]) for s in tf.from_vtt(vtt)] == [("Ann", "JANE: hi"), ("Ann", "JANE: yo")]
    document = {"segments": [{"startTime": 0, "endTime": 2, "body": "JANE: Hello there."},
                             {"startTime": 2, "endTime": 4, "body": "How are you? JOHN: Fine."},
                             {"startTime": 4, "endTime": 6, "body": "JANE: Good."},
                             {"startTime": 6, "endTime": 8, "body": "JOHN: Bye."}]}
    assert [(s.get("speaker"), s["body"]) for s in tf.from_json(document)] == [
        ("JANE", "Hello there."), ("JANE", "How are you?"), ("JOHN", "Fine."), ("JANE", "Good."),
        ("JOHN", "Bye.")]
    document["segments"][0]["speaker"] = "Host"
    assert tf.from_json(document)[2]["body"] == "JANE: Good."


def test_srt_invents_no_speakers_and_needs_no_blank_lines() -> None:
    text = ("1\n00:00:01,000 --> 00:00:02,500\nNote: this episode talks about loss.\n"
            "2\n00:00:02,500 --> 00:00:04,000\nRemember: you can stop at any time.\n"
            "3\r\n00:00:04,000 --> 00:00:05,000\r\n42\r\n")
    segments = tf.from_srt(text)
    assert [s["body"] for s in segments] == ["Note: this episode talks about loss.",
                                             "Remember: you can stop at any time.", "42"]
    assert [s["startTime"] for s in segments] == [1.0, 2.5, 4.0]
    assert not any("speaker" in s for s in segments)


def test_vtt_voice_names_are_decoded_and_each_voice_is_a_segment() -> None:
    text = ("WEBVTT\n\nNOTE a comment\n\nintro\n00:00:00.000 --> 00:00:04.000\n"
            "<v.loud Q&amp;A host>Welcome back</v> <v Sam &lt;guest&gt;>Thanks for having me\n\n"
            "00:00:04.000 --> 00:00:06.000\n<v Q&amp;A host>Let us begin\n")
    segments = tf.from_vtt(text)
    assert [(s.get("speaker"), s["body"]) for s in segments] == [
        ("Q&A host", "Welcome back"), ("Sam <guest>", "Thanks for having me"),
        ("Q&A host", "Let us begin")]
    assert segments[0]["startTime"] == 0.0 and segments[1]["endTime"] == 4.0
    assert segments[0]["endTime"] == segments[1]["startTime"]
    written = tf.to_vtt(segments)
    assert "<v Q&amp;A host>" in written and "&amp;amp;" not in written
    assert tf.from_vtt(written) == segments
    closed = tf.from_vtt("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ann>Hi</v> (laughter)\n")
    assert [(s.get("speaker"), s["body"]) for s in closed] == [("Ann", "Hi"), (None, "(laughter)")]


def test_json_end_times_are_optional() -> None:
    # podcast-namespace transcripts.md: endTime is "End time for the segment (if available)".
    document = {"version": "1.0.0", "segments": [
        {"speaker": "Host", "startTime": 3.1, "body": "ask not"},
        {"speaker": "Host", "startTime": 0.3, "body": "And so,"},
        {"speaker": "Host", "startTime": 7.6, "endTime": 9.0, "body": "ask what"},
        {"startTime": "9.5", "body": "you can do"}]}
    segments = tf.from_json(document, duration=11.0)
    assert [(s["startTime"], s["endTime"]) for s in segments] == [
        (0.3, 3.1), (3.1, 7.6), (7.6, 9.0), (9.5, 11.0)]
    assert tf.from_json(document)[-1]["endTime"] > 9.5          # no duration: after its words
    with pytest.raises(ValueError, match="segment 1 has no startTime"):
        tf.from_json({"segments": [{"body": "x"}]})
    with pytest.raises(ValueError, match="not a number"):
        tf.from_json({"segments": [{"startTime": "soon", "body": "x"}]})


def test_publisher_times_written_as_clocks_or_without_milliseconds_are_read() -> None:
    """The same kind as an absent endTime: publishers' files that bend the spec but say plainly
    when each line is. JSON times as clock text (as tools write chapters' times), and SRT/VTT
    cues with no fraction (`00:00:01 --> 00:00:03`), which gave no cue at all."""
    document = {"segments": [{"startTime": "00:00:03.5", "endTime": "00:00:04,0", "body": "a"},
                             {"startTime": "1:02", "body": "b"}]}
    assert [(s["startTime"], s["endTime"]) for s in tf.from_json(document, duration=70.0)] == [
        (3.5, 4.0), (62.0, 70.0)]
    vtt = "WEBVTT\n\n00:00:01 --> 00:00:03\nhello\n\n00:00:04 --> 00:00:05.5\nthere\n"
    srt = "1\n00:00:01 --> 00:00:03\nhello\n\n2\n00:00:04,000 --> 00:00:05\nthere\n"
    cues = lambda segments: [(s["startTime"], s["endTime"], s["body"]) for s in segments]  # noqa: E731
    assert cues(tf.from_vtt(vtt)) == [(1.0, 3.0, "hello"), (4.0, 5.5, "there")]
    assert cues(tf.from_srt(srt)) == [(1.0, 3.0, "hello"), (4.0, 5.0, "there")]


def test_reads_the_pc20_json_example_as_lines_with_their_words() -> None:
    # The spec's own JSON example is word-level (one word a segment, podcast-namespace#366);
    # shown as written, the site had a line per word (podverse-web#1093).
    segments = tf.from_json(json.loads((EXAMPLES / "example.json").read_text()))
    assert [(s["speaker"], s["body"]) for s in segments] == [
        ("Darth Vader", "I am your father."), ("Luke", "Nooooo")]
    assert [w["body"] for w in segments[0]["words"]] == ["I", "am", "your", "father."]
    assert (segments[0]["startTime"], segments[0]["endTime"]) == (0.5, 2.5)


def test_a_word_level_hour_becomes_lines_at_pauses_sentences_and_a_maximum() -> None:
    words, at = [], 0.0
    for sentence in range(40):                      # 40 sentences of 12 words, 0.3 s a word
        for index in range(12):
            body = "word." if index == 11 else "word"
            words.append({"startTime": round(at, 2), "endTime": round(at + 0.25, 2), "body": body,
                          "speaker": "Host" if sentence < 30 else "Guest"})
            at += 0.3
        at += 2.0 if sentence == 9 else 0.0          # one long pause
    lines = tf.from_json({"version": "1.0.0", "segments": words})
    assert sum(len(line["words"]) for line in lines) == len(words)
    assert all(line["body"].endswith("word.") for line in lines)     # ends at sentences here
    assert all(line["endTime"] - line["startTime"] <= tf.LINE_MAX_S for line in lines)
    assert 20 <= len(lines) <= 40
    assert any(line["startTime"] == words[120]["startTime"] for line in lines)   # after the pause
    assert {line.get("speaker") for line in lines} == {"Host", "Guest"}


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
    assert tf.to_txt(segments) == "[0:01] Host: Hello <b>&\n"
    assert "<cite>Host:</cite>" in tf.to_html(segments) and "&lt;b&gt;" in tf.to_html(segments)


def test_text_and_html_break_continuous_speech_into_paragraphs_with_times() -> None:
    """Whisper's segments of speech with no pauses (here 3 min, one every 5 s) still make paragraphs."""
    segments = [{"startTime": 5.0 * i, "endTime": 5.0 * i + 5.0, "body": f"Sentence {i} of the talk."}
                for i in range(36)]
    text = tf.to_txt(segments)
    blocks = text.strip().split("\n\n")
    assert len(blocks) >= 4 and blocks[0].startswith("[0:00] Sentence 0") and blocks[1].startswith("[0:30] ")
    groups = tf.paragraphs(segments)
    assert max(g[-1]["endTime"] - g[0]["startTime"] for g in groups) <= tf.PARAGRAPH_MAX_S + 5
    no_stops = [{**s, "body": "and then"} for s in segments]         # no sentence end at all
    assert max(g[-1]["endTime"] - g[0]["startTime"] for g in tf.paragraphs(no_stops)) <= tf.PARAGRAPH_MAX_S + 5


def test_html_transcript_keeps_pc20_structure_and_survives_any_charset() -> None:
    import lxml.html

    segments = [{"startTime": 0, "endTime": 4, "body": "We met at the café — naïve résumé.", "speaker": "Mā"},
                {"startTime": 40, "endTime": 44, "body": "Then more.", "speaker": "Tony"}]
    document = tf.to_html(segments)
    assert document.isascii(), "non-ASCII is written as character references"
    tree = lxml.html.fromstring(document.encode("cp1252"))     # even read as windows-1252
    assert [e.tag for e in tree.iter("cite", "time", "p")] == ["cite", "time", "p", "cite", "time", "p"]
    assert tree.findtext(".//p") == "We met at the café — naïve résumé."
    assert tree.findtext(".//cite") == "Mā:" and tree.findtext(".//time") == "0:00"


def test_not_a_vtt_file() -> None:
    with pytest.raises(ValueError):
        tf.from_vtt("1\n00:00:01,000 --> 00:00:02,000\nhi\n")


@pytest.mark.parametrize("value", ["1e999", "Infinity", 1e999, "-Infinity", "NaN"])
def test_json_times_must_be_finite(value) -> None:
    # float("1e999") is inf: written back, it would make transcript.json invalid JSON (Infinity).
    with pytest.raises(ValueError, match="not a finite number"):
        tf.from_json({"segments": [{"startTime": 1, "endTime": value, "body": "x"}]})


def test_publisher_transcript_types_with_parameters_are_imported() -> None:
    from companion.pipeline import sync

    links = [{"url": "https://h.example/t.srt", "type": "application/x-subrip"},
             {"url": "https://h.example/t.json", "type": "Application/JSON; charset=utf-8"}]
    (link, parse), (second, _) = sync._publisher_transcripts({"publisher_transcripts": links})
    assert link["url"].endswith(".json") and parse is tf.from_json and second["url"].endswith(".srt")


@pytest.mark.parametrize("reader,text", [
    (tf.from_srt, "1\r\n00:00:05,000 --> 00:00:02,000\r\nbackwards\r\n\r\n"
                  "2\r\n00:00:01,000 --> 00:00:03,000\r\nearlier\r\n"),
    (tf.from_vtt, "WEBVTT\n\n00:05.000 --> 00:02.000\nbackwards\n\n00:01.000 --> 00:03.000\nearlier\n"),
])
def test_cues_out_of_order_or_ending_before_they_start_are_put_right(reader, text) -> None:
    # As for JSON: sorted by start, and an end before its start becomes a real end.
    segments = reader(text)
    assert [s["body"] for s in segments] == ["earlier", "backwards"]
    assert all(s["endTime"] > s["startTime"] for s in segments)


def test_angle_brackets_in_cue_text_are_text_and_vtt_timestamp_tags_are_markup() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\n<i>Rates</i> went 5 < 6 and 7 > 3, <3\n"
    assert tf.from_srt(srt)[0]["body"] == "Rates went 5 < 6 and 7 > 3, <3"
    vtt = "WEBVTT\n\n00:01.000 --> 00:04.000\n<v Ann>Hi <00:02.000><c.loud>there</c>\n"
    assert tf.from_vtt(vtt)[0]["body"] == "Hi there"


def test_ssa_override_blocks_left_in_srt_and_vtt_are_hidden() -> None:
    # sandflow/ttconv#492: alignment tags in 35% of 5000 SRT files; asbplayer#471 showed them.
    srt = ("1\n00:00:01,000 --> 00:00:02,000\n{\\an8}On top.\n\n"
           "2\n00:00:03,000 --> 00:00:04,000\n{\\pos(192,230)}{\\i1}Placed{\\i0} and kept {braces}.\n")
    assert [s["body"] for s in tf.from_srt(srt)] == ["On top.", "Placed and kept {braces}."]
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Host>{\\an8}Hello.\n"
    assert tf.from_vtt(vtt)[0] == {"startTime": 1.0, "endTime": 2.0, "speaker": "Host",
                                   "body": "Hello."}


@pytest.mark.parametrize("text", ["Just words, no times.", "", "<html><body>Transcript</body></html>"])
def test_an_unlabelled_transcript_without_times_is_refused_saying_so(text: str) -> None:
    with pytest.raises(ValueError, match="no WebVTT, SRT or JSON"):
        tf.from_unlabelled(text)


@pytest.mark.parametrize("language, imported", [
    (None, True), ("en", True), ("en-AU", True), ("EN_us", True), ("es", False), ("de-DE", False)])
def test_only_an_english_or_unlabelled_publisher_transcript_is_imported(language, imported) -> None:
    """tiny.en transcribes English; a translation beside the transcript is not one."""
    record = {"publisher_transcripts": [{"url": "https://h/t.vtt", "type": "text/vtt",
                                         "language": language}]}
    assert bool(sync._publisher_transcripts(record)) is imported
    assert sync._other_languages(record) == ([] if imported else [language])
