"""`companion demo`'s project: a real project under .cache/demo naming the sample feed it serves
and the address its site is served at, so the maintainer's commands work there and the build
offers what a published site does."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

from companion import demo
from companion.project import open_project, site_url_problem

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.network
def test_the_demo_project_names_its_feed_and_its_own_address(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "clone"
    source.mkdir()
    for part in ("mkdocs.yml", "docs", "overrides", "data"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy)(REPO / part, source / part)
    monkeypatch.chdir(source)
    scratch = demo.prepare(open_project(), "http://127.0.0.1:8123/")
    try:
        assert scratch.project.root == source / ".cache" / "demo"
        again = open_project(scratch.project.root)          # what `companion` reads there
        assert again.site_url == "http://127.0.0.1:8123/"
        assert "local address" in site_url_problem(again.site_url)   # deploy still refuses it
        assert again.podcast.feed == scratch.feed_url
        with urllib.request.urlopen(again.podcast.feed, timeout=10) as reply:
            assert b"<rss" in reply.read()
        assert open_project(source).site_url == ""             # the real project is untouched
    finally:
        scratch.sample.close()


def test_the_readme_says_where_the_demo_lives_and_how_its_port_is_chosen() -> None:
    readme = (REPO / "README.md").read_text()
    for words in (".cache/demo", "--port", "free port", "cd .cache/demo", "course.imscc"):
        assert words in readme, words


def test_an_edit_made_in_the_demos_copy_is_set_aside_not_lost(tmp_path: Path) -> None:
    """The demo copies the project's docs/, data/ and overrides/ afresh on every run: a pin tried
    in .cache/demo/data/listening.yml vanished without a word at the next run (newcomer4)."""
    source, scratch = tmp_path / "project", tmp_path / "project" / ".cache" / "demo"
    for root in (source, scratch):
        (root / "data").mkdir(parents=True)
        (root / "data" / "help.yml").write_text("bar: yes\n", encoding="utf-8")
    (scratch / "data" / "listening.yml").write_text("modules:\n  2:\n    pin: [e3]\n", encoding="utf-8")
    into = scratch / demo.EDITED_FOLDER / "run1"
    assert demo.set_aside_edits(source, scratch, into) == [Path("data") / "listening.yml"]
    assert (into / "data" / "listening.yml").read_text(encoding="utf-8") == "modules:\n  2:\n    pin: [e3]\n"
    (scratch / "data" / "listening.yml").unlink()
    assert demo.set_aside_edits(source, scratch, scratch / demo.EDITED_FOLDER / "run2") == []  # as the project's


@pytest.mark.network
def test_a_file_the_project_changed_since_the_last_run_is_no_edit(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Compared with the project's own files, every change the project made since the last run
    (a new companion.css) was set aside as if edited in the demo; only what changed in the demo's
    copy since it was copied is."""
    source = tmp_path / "clone"
    source.mkdir()
    for part in ("mkdocs.yml", "docs", "overrides", "data"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy)(REPO / part, source / part)
    monkeypatch.chdir(source)
    demo.prepare(open_project(), "http://127.0.0.1:8124/").sample.close()
    (source / "docs" / "assets" / "companion.css").write_text("/* the project's own change */\n")
    (source / ".cache" / "demo" / "data" / "listening.yml").write_text("modules:\n  2:\n    hide: [e4]\n")
    scratch = demo.prepare(open_project(), "http://127.0.0.1:8124/")
    scratch.sample.close()
    assert scratch.set_aside == [Path("data") / "listening.yml"]
    assert (scratch.set_aside_in / "data" / "listening.yml").read_text() == "modules:\n  2:\n    hide: [e4]\n"
