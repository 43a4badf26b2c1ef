"""The episode model and the catalogue (issue 22): fast, no model, no browser, no MkDocs build.

Episodes are written to tmp_path with the pipeline's own store, or built in memory
(`Catalogue.of`), as sqlite-utils tests against a fresh in-memory database.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion import episode as episode_module
from companion import project
from companion.catalogue import Catalogue, CatalogueError, StretchError, check_stretch, episodes_dir
from companion.episode import (TRANSCRIPT_FORMATS, Chapter, Episode, Segment, Status, Transcript,
                               episode_url)
from companion.pipeline import store

DATA = Path(__file__).resolve().parent / "data"


def write(folder: Path, slug: str, transcript: dict | None = None, **fields) -> dict:
    record = store.new_episode(f"guid-{slug}", slug) | fields
    store.write_json_atomic(folder / slug / store.EPISODE_FILE, record)
    if transcript is not None:
        store.write_json_atomic(folder / slug / store.TRANSCRIPT_FILE, transcript)
    return record


def memory(*records: dict) -> Catalogue:
    return Catalogue.of(Path("episodes"), [Episode.from_json(r) for r in records])


# -- the model ----------------------------------------------------------------------------------

def test_every_stored_episode_json_round_trips_byte_for_byte() -> None:
    paths = sorted(DATA.rglob(store.EPISODE_FILE))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert store.dump_json(Episode.from_json(json.loads(text)).to_json()) == text, path


def test_a_new_record_is_the_schema_and_a_change_is_written_in_place() -> None:
    record = store.new_episode("g", "2026-01-01-x")
    assert record["schema"] == 1 and record["guids"] == ["g"] and record["status"] == "pending"
    # every key of the schema's new record, in its order (a field added there is one here too)
    assert list(record) == list(episode_module._NEW_RECORD)
    episode = Episode.from_json(record | {"extra_key": [1, 2]})
    changed = episode.replace(title="New", status=Status.TRANSCRIBED, duration=61.5).to_json()
    assert list(changed) == [*record, "extra_key"]           # order kept, unknown keys kept
    assert (changed["title"], changed["status"], changed["duration"]) == ("New", "transcribed", 61.5)
    assert changed["extra_key"] == [1, 2] and json.dumps(changed)


def test_from_json_is_as_lenient_as_the_readers_were() -> None:
    odd = Episode.from_json({"slug": "s", "title": "  Two\n lines ", "duration": "not a number",
                             "episode": "7", "season": True, "status": "something new",
                             "enclosure": {"type": "audio/mpeg"}, "in_feed": None, "review": "x"})
    assert (odd.title, odd.duration, odd.number, odd.season) == ("Two lines", None, 7, None)
    assert odd.status is Status.PENDING and odd.enclosure is None and odd.in_feed and odd.review == ()
    assert odd.label == "Two lines" and Episode.from_json({"slug": "s"}).label == "s"
    assert odd.url == episode_url("s") == "episodes/s/"
    with pytest.raises(TypeError):
        Episode.from_json(["not", "an", "object"])         # type: ignore[arg-type]


def test_segments_keep_podcasting_names_on_disk_and_skip_what_cannot_be_shown() -> None:
    raw = {"version": "1.0.0", "segments": [
        {"startTime": 5, "endTime": 6.5, "body": "Second.", "speaker": "Host"},
        {"startTime": 1.0, "endTime": 2.0, "body": "First\nline.",
         "words": [{"startTime": 1.0, "endTime": 1.4, "body": "First"}, {"body": "no time"}]},
        {"startTime": "x", "body": "no start"}, {"startTime": 3, "body": "   "},
        {"startTime": 4, "endTime": None, "body": "bad end"}, {"startTime": 9, "endTime": 8, "body": "End before."},
    ]}
    transcript = Transcript.from_json(raw)
    assert [s.body for s in transcript.segments] == ["First line.", "Second.", "End before."]
    first = transcript.segments[0]
    assert (first.start, first.end, first.speaker, len(first.words)) == (1.0, 2.0, "", 1)
    assert transcript.segments[2].end == 9                  # an end before the start reads as the start
    assert transcript.segments[1].to_json() == {"startTime": 5.0, "endTime": 6.5, "body": "Second.",
                                               "speaker": "Host"}
    assert Transcript.from_json(None).segments == () and Transcript.from_json({"segments": 3}).segments == ()
    assert Segment.from_json(first.to_json()) == first


def test_a_well_formed_transcript_round_trips() -> None:
    for path in sorted(DATA.rglob(store.TRANSCRIPT_FILE))[:5]:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert Transcript.from_json(Transcript.from_json(data).to_json()) == Transcript.from_json(data)


def test_chapters_for_the_table_of_contents() -> None:
    listed = Chapter.listed({"chapters": [{"startTime": 60, "title": "B"}, {"startTime": 0, "title": ""},
                                          {"startTime": 30, "title": "hidden", "toc": False},
                                          {"title": "no start"}]})
    assert listed == (Chapter(0.0, "Chapter"), Chapter(60.0, "B"))


def test_the_table_of_formats_names_each_file_once() -> None:
    names = [f.name for f in TRANSCRIPT_FORMATS]
    assert len(set(names)) == len(names) and store.TRANSCRIPT_FILE in names
    assert [f.suffix for f in TRANSCRIPT_FORMATS if f.in_feed][0] == "vtt"   # Apple reads the first


# -- finding ------------------------------------------------------------------------------------

def test_find_has_one_precedence_slug_number_citation_id_guid() -> None:
    catalogue = memory(
        store.new_episode("g-old", "2024-01-01-old") | {"episode": 7, "date": "2024-01-01"},
        store.new_episode("g-new", "2025-01-01-new") | {"episode": 7, "date": "2025-01-01",
                                                        "guids": ["g-first", "g-new"]},
        store.new_episode("g-7", "7") | {"date": "2023-01-01"},        # a slug that is a number
        store.new_episode("g-none", "2025-06-01-none") | {"date": "2025-06-01"},
        store.new_episode("3", "2022-01-01-numeric-guid") | {"episode": 12, "date": "2022-01-01"},
        store.new_episode("g-3", "2021-01-01-three") | {"episode": 3, "date": "2021-01-01"},
    )
    assert [e.slug for e in catalogue][:4] == ["2025-06-01-none", "2025-01-01-new", "2024-01-01-old", "7"]
    assert catalogue.find("7").slug == "7"                                  # 1. slug first
    assert catalogue.find(3).slug == "2021-01-01-three"                     # a number before a guid "3"
    assert catalogue.find("g-first").slug == "2025-01-01-new"               # 4. any guid it had
    assert catalogue.find("g-7").slug == "7"
    drop_slug = memory(*(e.to_json() for e in catalogue if e.slug != "7"))
    assert drop_slug.find(7).slug == drop_slug.find("7").slug == "2024-01-01-old"   # 3. as e7 names it
    assert drop_slug.find("e7").slug == "2024-01-01-old"                    # 4. citation id
    assert drop_slug.find("e2025-01-01-new").slug == "2025-01-01-new"
    assert drop_slug.cite_ids() == {"2024-01-01-old": "e7", "2025-01-01-new": "e2025-01-01-new",
                                    "2025-06-01-none": "e2025-06-01-none",
                                    "2022-01-01-numeric-guid": "e12", "2021-01-01-three": "e3"}
    assert catalogue.find("nothing") is None and catalogue.find(None) is None and catalogue.find(" ") is None


def test_a_stretch_must_fit_in_its_episode() -> None:
    episode = Episode.from_json({"slug": "s", "episode": 3, "duration": 600})
    check_stretch(episode, 0, 600)
    check_stretch(Episode.from_json({"slug": "s"}), 5000, None)          # length unknown: passes
    with pytest.raises(StretchError, match="runs past the end of episode 3 .10:00 long"):
        check_stretch(episode, 550, 601)
    with pytest.raises(StretchError):
        check_stretch(episode, 600, None)


# -- reading once -------------------------------------------------------------------------------

def test_each_file_is_read_once_however_often_it_is_asked_for(tmp_path: Path) -> None:
    segments = [{"startTime": 0.0, "endTime": 1.0, "body": "Hello."}]
    write(tmp_path, "a", {"version": "1.0.0", "segments": segments}, status="transcribed")
    write(tmp_path, "b")
    (tmp_path / "a" / store.CHAPTERS_FILE).write_text(
        json.dumps({"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Start"}]}), encoding="utf-8")
    catalogue = Catalogue.load(tmp_path)
    for _ in range(3):
        assert catalogue.find("a").slug == "a"
        assert catalogue.transcript("a").segments[0].body == "Hello."
        assert catalogue.chapters("a") == (Chapter(0.0, "Start"),)
        assert catalogue.chapters_file("a") == tmp_path / "a" / store.CHAPTERS_FILE
        assert catalogue.transcript("b") is None and catalogue.chapters("b") is None
    assert dict(catalogue.reads) == {"a/episode.json": 1, "b/episode.json": 1,
                                     "a/transcript.json": 1, "a/chapters.json": 1}
    assert [f.name for f in catalogue.downloads("a")] == [store.TRANSCRIPT_FILE]


def test_a_broken_hand_edit_of_chapters_publishes_the_last_good_file(tmp_path: Path) -> None:
    write(tmp_path, "a")
    (tmp_path / "a" / store.CHAPTERS_FILE).write_text('{"chapters": [', encoding="utf-8")
    (tmp_path / "a" / "chapters.last-good.json").write_text(
        json.dumps({"version": "1.2.0", "chapters": [{"startTime": 5, "title": "Kept"}]}), encoding="utf-8")
    catalogue = Catalogue.load(tmp_path)
    assert catalogue.chapters("a") == (Chapter(5.0, "Kept"),)
    assert catalogue.chapters_file("a").name == "chapters.last-good.json"


def test_a_folder_that_is_not_an_episode_is_named(tmp_path: Path) -> None:
    assert len(Catalogue.load(tmp_path / "missing")) == 0
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / store.EPISODE_FILE).write_text("[1]", encoding="utf-8")
    with pytest.raises(CatalogueError, match="x/episode.json is not a JSON object"):
        Catalogue.load(tmp_path)
    (tmp_path / "x" / store.EPISODE_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid JSON"):
        Catalogue.load(tmp_path)


def test_a_folder_renamed_or_copied_by_hand_is_named_not_built_from_another(tmp_path: Path) -> None:
    """A page is built from `episodes/<slug>/`: a folder whose record names another slug would
    publish another folder's transcript, or none."""
    write(tmp_path, "2026-01-01-first")
    (tmp_path / "2026-01-01-first").rename(tmp_path / "2026-01-01-renamed")
    with pytest.raises(CatalogueError, match="slug '2026-01-01-first' is not its folder's name "
                                             "'2026-01-01-renamed'"):
        Catalogue.load(tmp_path)


# -- one episodes folder ------------------------------------------------------------------------

def test_the_episodes_folder_has_one_authority(tmp_path: Path) -> None:
    assert project.episodes_folder({}) == project.EPISODES_DIR
    site = {"plugins": ["search", {"companion-episodes": {"episodes_dir": "shows"}}]}
    assert project.episodes_folder(site) == "shows"
    course_only = {"plugins": [{"companion-course": {"episodes_dir": "old"}}]}
    assert project.episodes_folder(course_only) == "old"          # an older mkdocs.yml still works
    both = {"plugins": [{"companion-episodes": {"episodes_dir": "shows"}},
                        {"companion-course": {"episodes_dir": "shows/"}}]}
    assert project.episodes_folder(both) == "shows"
    with pytest.raises(project.ProjectError, match="'shows' for companion-episodes but 'other'"):
        project.episodes_folder({"plugins": [{"companion-episodes": {"episodes_dir": "shows"}},
                                             {"companion-course": {"episodes_dir": "other"}}]})
    assert episodes_dir(tmp_path, {"companion-episodes": None, "companion-course": None}) == tmp_path / "episodes"
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  - companion-episodes:\n      episodes_dir: shows\n",
                                         encoding="utf-8")
    assert project.open_project(tmp_path).episodes_dir == tmp_path / "shows"   # where sync writes


def test_an_episode_json_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Notepad saves UTF-8 with a BOM: a hand-edited record and transcript still load."""
    record = write(tmp_path, "2026-01-01-bom", transcript={"version": "1.0.0", "segments": [
        {"startTime": 0.0, "endTime": 2.0, "body": "Café talk"}]}, title="Édith")
    for name in (store.EPISODE_FILE, store.TRANSCRIPT_FILE):
        path = tmp_path / "2026-01-01-bom" / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    catalogue = Catalogue.load(tmp_path)
    episode = catalogue.find("2026-01-01-bom")
    assert episode is not None and episode.title == record["title"] == "Édith"
    assert [s.body for s in catalogue.transcript(episode).segments] == ["Café talk"]


def test_an_undated_episode_never_takes_an_older_episodes_citation_id() -> None:
    """Episode 7 was cited as `e7`; a newer item repeating the number 7 came with an empty
    pubDate (its place in the feed kept as `order_date`). Sorted by its empty date it came first,
    took `e7`, and last term's bundle links named the new episode. Dates are compared as
    moments too: 1 February 23:30 at -0800 is after 2 February 06:00 UTC, not a day before."""
    catalogue = memory(
        store.new_episode("g-old", "2024-01-01-old") | {"episode": 7, "date": "2024-01-01T09:00:00+00:00"},
        store.new_episode("g-new", "ep-7-again") | {"episode": 7, "date": None,
                                                    "order_date": "2024-06-01T09:00:00+00:00"},
        store.new_episode("g-w", "2024-02-01-west") | {"episode": 8, "date": "2024-02-01T23:30:00-08:00"},
        store.new_episode("g-e", "2024-02-02-east") | {"episode": 8, "date": "2024-02-02T06:00:00+00:00"})
    assert catalogue.cite_ids() == {"2024-01-01-old": "e7", "ep-7-again": "eep-7-again",
                                    "2024-02-01-west": "e2024-02-01-west", "2024-02-02-east": "e8"}
    assert [e.slug for e in catalogue] == ["ep-7-again", "2024-02-01-west", "2024-02-02-east",
                                           "2024-01-01-old"]
