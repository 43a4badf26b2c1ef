"""`companion doctor`: a missing model and an unreachable feed are reported with what to fix."""

from __future__ import annotations

import re
import socket
import time
import types
from pathlib import Path

import pytest

from companion import cli, doctor
from companion.pipeline import http

FEED = Path(__file__).parent / "data" / "feeds" / "podcast-namespace" / "example.xml"


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The feed check retries like sync does; the tests need not wait for the back-off."""
    monkeypatch.setattr(http, "time", types.SimpleNamespace(sleep=lambda seconds: None,
                                                            monotonic=time.monotonic))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]           # nothing listens once the socket is closed


def set_feed(project, url: str) -> None:
    (project / "mkdocs.yml").write_text(f"site_name: Test\nextra:\n  podcast:\n    feed: {url}\n")


def unboxed(table: str) -> str:
    """The table's text without borders or line breaks, so wrapped cells read whole."""
    return re.sub(r"[│┃\s]+", " ", table)


def rows(checks: list[doctor.Check]) -> dict[str, doctor.Check]:
    return {check.name: check for check in checks}


@pytest.mark.subprocess
def test_a_model_folder_without_a_model_fails_and_says_so(project, tmp_path, capsys) -> None:
    empty = tmp_path / "no-model"
    empty.mkdir()
    assert cli.main(["doctor", "--model", str(empty)]) == 1
    out = unboxed(capsys.readouterr().out)
    assert "FAIL" in out and "has no model.bin" in out and "no-model" in out
    row = rows(doctor.run(str(empty)))[doctor.MODEL_CHECK]
    assert row.status == doctor.FAIL and "model.bin" in row.detail


def test_an_unknown_model_name_and_an_uncached_one_offline(project, monkeypatch) -> None:
    assert doctor.check_model("huge.en").status == doctor.FAIL
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    check = doctor.check_model("large-v3")
    assert check.status == doctor.FAIL and "HF_HUB_OFFLINE" in check.detail


@pytest.mark.network
def test_an_unreachable_feed_fails_and_names_the_setting(project, capsys, no_backoff) -> None:
    url = f"http://127.0.0.1:{closed_port()}/feed.xml"
    set_feed(project, url)
    assert cli.main(["doctor"]) == 1
    out = unboxed(capsys.readouterr().out)
    assert "unreachable" in out and "extra.podcast.feed" in out
    row = rows(doctor.run())["feed"]
    assert row.status == doctor.FAIL and url in row.detail and "cannot connect" in row.detail


def test_a_page_that_is_not_a_feed_fails(project, host) -> None:
    set_feed(project, host.add("page.html", b"<html><body>hello</body></html>"))
    row = rows(doctor.run())["feed"]
    assert row.status == doctor.FAIL and "returned a web page" in row.detail


def test_a_healthy_machine_passes(project, host, capsys) -> None:
    set_feed(project, host.add("feed.xml", source=FEED))
    assert cli.main(["doctor"]) == 0
    checks = rows(doctor.run())
    assert checks["feed"].status == checks[doctor.DEFAULT_CHECK].status == checks["ffmpeg"].status == "OK"
    assert "FAIL" not in capsys.readouterr().out


@pytest.mark.network
def test_a_private_feed_token_is_hidden_in_every_spelling(project, monkeypatch, no_backoff) -> None:
    # The error names the URL as requested (percent-encoded), not as the secret was written.
    secret = f"http://127.0.0.1:{closed_port()}/feeds/my show.rss?auth=T0k|en-5a8f2c"
    monkeypatch.setenv("COMPANION_FEED", secret)
    row = rows(doctor.run())["feed"]
    assert row.status == doctor.FAIL and "$COMPANION_FEED" in row.detail
    assert "T0k" not in row.detail and "5a8f2c" not in row.detail


def test_doctor_says_which_address_the_site_is_built_for(monkeypatch) -> None:
    """mkdocs.yml's site_url, else GitHub Pages' (what the workflow passes from
    actions/configure-pages), else a warning that says what the workflow will do."""
    monkeypatch.delenv("PAGES_BASE_URL", raising=False)
    unset = doctor.check_site_url("")
    assert unset.status == doctor.WARN and "GitHub Pages' address" in unset.detail
    monkeypatch.setenv("PAGES_BASE_URL", "https://user.github.io/repo")
    pages = doctor.check_site_url("")
    assert pages.status == doctor.OK and pages.detail.startswith("https://user.github.io/repo/ (GitHub Pages")
    own = doctor.check_site_url("https://course.example.org/")
    assert own.detail == "https://course.example.org/ (from mkdocs.yml)"


@pytest.mark.network
def test_doctor_inside_the_demo_does_not_fail_its_local_address(tmp_path: Path) -> None:
    """`companion demo` sets site_url to where it serves the sample (127.0.0.1) on purpose: doctor
    run in the demo's project says so (OK), not FAIL; the same address in a real project FAILs."""
    from companion import demo
    from companion.project import open_project
    from site_support import copy_project

    source = open_project(copy_project(tmp_path / "project"))
    prepared = demo.prepare(source, "http://127.0.0.1:8000/")
    try:
        checks = rows(doctor.run(start=prepared.project.root))
    finally:
        prepared.sample.close()
    assert checks["site_url"].status == doctor.OK and "companion demo" in checks["site_url"].detail
    assert checks["feed"].status == doctor.OK
    assert doctor.check_site_url("http://127.0.0.1:8000/").status == doctor.FAIL


def test_doctor_reads_the_files_the_maintainer_edits(project) -> None:
    """A slip in data/listening.yml or an episode's corrections.yml was found only by the build or
    the next sync (the weekly job's): doctor now reads them as those do and names file and line."""
    from companion.project import open_project
    assert doctor.check_hand_edited(open_project(project)).status == doctor.OK      # none yet
    (project / "data").mkdir()
    (project / "data" / "listening.yml").write_text("modules:\n  2:\n    pin: [e3@12.30-14.00]\n")
    (project / "episodes" / "ep").mkdir(parents=True)
    (project / "episodes" / "ep" / "corrections.yml").write_bytes(b"\xef\xbb\xbfreplace:\r\n\t- find: x\r\n")
    check = doctor.check_hand_edited(open_project(project))
    assert check.status == doctor.FAIL
    assert "data/listening.yml:3:11: module 2 pin: 'e3@12.30-14.00': write times with a colon" in check.detail
    assert "episodes/ep/corrections.yml:2:1: not valid YAML" in check.detail and "not tabs" in check.detail
    (project / "data" / "listening.yml").write_text("modules:\n  2:\n    pin: [e3@12:30-14:00]\n")
    (project / "episodes" / "ep" / "corrections.yml").write_bytes(b"\xef\xbb\xbfreplace:\r\n  - find: x\r\n    with: y\r\n")
    assert doctor.check_hand_edited(open_project(project)) == doctor.Check(
        "your files", doctor.OK, "2 file(s) you edit by hand read without a fault")
