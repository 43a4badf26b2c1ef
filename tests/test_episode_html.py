"""The episode page's HTML from in-memory records (fast tier): what test_site_build proves through a
real build, checked here on the pure functions, one behaviour a test."""

from __future__ import annotations

import html

import lxml.html

from companion.pipeline import store
from companion.site.episode_html import (Download, card_html, downloads_html, episode_page_html,
                                         segment_id)
from site_support import HOSTILE_NOTES, HOSTILE_SEGMENTS, HOSTILE_TITLE


def episode(**fields: object) -> dict[str, object]:
    record = {"slug": "004-hostile", "title": "Title", "episode": 4, "date": "2025-03-22",
              "duration": 53.3, "status": store.STATUS_TRANSCRIBED,
              "enclosure": {"url": "https://media.example.org/ep4.mp3", "type": "audio/mpeg"}}
    return record | fields


def transcript(*bodies: str, speaker: str = "") -> dict[str, object]:
    return {"version": "1.0.0", "segments": [
        {"startTime": 5.0 * i, "endTime": 5.0 * i + 4.5, "body": body, "speaker": speaker}
        for i, body in enumerate(bodies)]}


def inert(text: str) -> str:
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def test_hostile_feed_text_is_text_on_the_page() -> None:
    body, _ = episode_page_html(episode(title=HOSTILE_TITLE, show_notes_html=HOSTILE_NOTES),
                                transcript(*HOSTILE_SEGMENTS, speaker="{{ speaker }}"), None, [], "../")
    assert inert(HOSTILE_TITLE) in body
    for segment in HOSTILE_SEGMENTS:
        assert inert(segment) in body
    tree = lxml.html.fromstring(f"<div>{body}</div>")
    assert not [e for e in tree.iter() if e.tag == "script" and "alert(" in (e.text or "")]
    assert not [a for e in tree.iter() for a in e.attrib if a.lower().startswith("on")]
    assert "<img" not in body and 'href="javascript:' not in body and "{{" not in body
    assert 'href="https://example.org/" rel="noopener noreferrer nofollow"' in body


def test_an_episode_without_a_transcript_says_so() -> None:
    pending, _ = episode_page_html(episode(status=store.STATUS_PENDING), None, None, [], "../")
    assert "The transcript is not available yet." in pending and "ffg-seg" not in pending
    silent, _ = episode_page_html(episode(status=store.STATUS_NO_AUDIO, enclosure=None), None, None,
                                  [], "../")
    assert "This episode has no audio, so it has no transcript." in silent
    assert "No audio file is published for this episode." in silent


def test_a_transcript_of_a_failed_episode_is_not_shown() -> None:
    body, _ = episode_page_html(episode(status=store.STATUS_FAILED), transcript("stale words"),
                                None, [], "../")
    assert "stale words" not in body


def test_speaker_is_shown_when_it_changes() -> None:
    segments = {"segments": [{"startTime": 0, "endTime": 2, "body": "one", "speaker": "Ana"},
                             {"startTime": 2, "endTime": 4, "body": "two", "speaker": "Ana"},
                             {"startTime": 4, "endTime": 6, "body": "three", "speaker": "Ben"}]}
    body, _ = episode_page_html(episode(), segments, None, [], "../")
    assert body.count('class="ffg-seg__speaker">Ana<') == 1
    assert body.count('class="ffg-seg__speaker">Ben<') == 1


def test_malformed_segments_are_skipped_and_the_rest_kept_in_time_order() -> None:
    segments = {"segments": [{"startTime": 8, "endTime": 9, "body": "later"},
                             {"startTime": "x", "body": "no time"}, {"endTime": 3, "body": "no start"},
                             {"startTime": 1, "endTime": 2, "body": "   "},
                             {"startTime": 2, "endTime": 1, "body": "earlier"}]}
    body, _ = episode_page_html(episode(), segments, None, [], "../")
    assert "no time" not in body and "no start" not in body
    assert body.index("earlier") < body.index("later")
    assert 'data-start="2" data-end="2"' in body            # an end before its start is clamped


def test_chapters_become_headings_in_the_table_of_contents() -> None:
    chapters = {"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": "Welcome"}, {"startTime": 9.6, "title": "<b>Hidden</b>", "toc": False},
        {"startTime": 10, "title": "The {{ middle }}"}]}
    body, toc = episode_page_html(episode(), transcript("a", "b", "c", "d"), chapters, [], "../")
    transcript_entry = next(t for t in toc if t["id"] == "transcript")
    assert [c["id"] for c in transcript_entry["children"]] == ["chapter-1", "chapter-2"]
    assert ('<h3 id="chapter-2" class="ffg-chapter" data-start="10">'
            'The &#123;&#123; middle &#125;&#125;</h3>') in body
    assert "Hidden" not in body


def test_show_notes_have_their_own_heading_only_when_there_are_notes() -> None:
    _, toc = episode_page_html(episode(show_notes_html="<p>Notes</p>"), None, None, [], "../")
    assert [t["id"] for t in toc] == ["show-notes", "transcript"]
    _, toc = episode_page_html(episode(show_notes_html="  "), None, None, [], "../")
    assert [t["id"] for t in toc] == ["transcript"]


def test_segment_ids_are_milliseconds_and_unique() -> None:
    taken: set[str] = set()
    assert [segment_id(s, taken) for s in (12.5, 12.5, 12.5004, 0)] == \
        ["t-12500", "t-12500-2", "t-12500-3", "t-0"]


def test_downloads_list_escapes_and_is_empty_without_files() -> None:
    assert downloads_html([]) == ""
    listed = downloads_html([Download('WebVTT "captions"', "transcript.vtt?a=1&b=2", "vtt")])
    assert 'href="transcript.vtt?a=1&amp;b=2" download' in listed
    assert "WebVTT &quot;captions&quot;" in listed and ".vtt<" in listed


def test_a_card_links_to_its_episode_and_escapes_the_title() -> None:
    card = card_html(episode(title=HOSTILE_TITLE), "episodes/004-hostile/")
    assert 'href="episodes/004-hostile/"' in card and inert(HOSTILE_TITLE) in card
    assert "<script>" not in card
