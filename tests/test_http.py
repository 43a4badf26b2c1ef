"""HTTP against a real server on 127.0.0.1: gzip, validators, retries, resumable downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion import http

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>" * 50


def test_gzip_and_validators(host) -> None:
    url = host.add("feed.xml", FEED)
    first = http.fetch(url)
    assert first.status == 200 and first.body == FEED and first.etag
    assert host.headers_seen[-1][1].get("Accept-Encoding") == "gzip"
    second = http.fetch(url, first.etag, first.last_modified)
    assert second.status == 304 and second.body == b""
    assert host.requests["/feed.xml"] == 2


def test_redirects_are_followed(host) -> None:
    host.add("new/feed.xml", FEED)
    host.faults.redirects["/old.xml"] = "/new/feed.xml"
    reply = http.fetch(f"{host.url}/old.xml")
    assert reply.body == FEED and reply.url.endswith("/new/feed.xml")


def test_transient_errors_are_retried(host, monkeypatch) -> None:
    monkeypatch.setattr(http, "BACKOFF_S", 0.01)
    url = host.add("feed.xml", FEED)
    host.faults.fail_5xx["/feed.xml"] = 2
    assert http.fetch(url).body == FEED
    assert host.requests["/feed.xml"] == 3


def test_client_errors_are_not_retried(host) -> None:
    with pytest.raises(http.FetchError, match="404"):
        http.fetch(f"{host.url}/missing.xml")
    assert host.requests["/missing.xml"] == 1


def test_truncated_download_resumes_with_range(host, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(http, "BACKOFF_S", 0.01)
    url = host.add("sonnet001.mp3")
    host.faults.truncate["/sonnet001.mp3"] = 1
    dest = tmp_path / "cache" / "a.audio"
    http.download(url, dest)
    assert dest.read_bytes() == (host.root / "sonnet001.mp3").read_bytes()
    ranges = [h.get("Range") for p, h in host.headers_seen if p == "/sonnet001.mp3"]
    assert ranges[0] is None and ranges[1].startswith("bytes=") and ranges[1] != "bytes=0-"
    assert not dest.with_name("a.audio.part").exists()


def test_part_file_left_by_a_killed_run_is_resumed(host, tmp_path: Path) -> None:
    url = host.add("sonnet002.mp3")
    data = (host.root / "sonnet002.mp3").read_bytes()
    dest = tmp_path / "b.audio"
    dest.with_name("b.audio.part").write_bytes(data[:100_000])
    http.download(url, dest)
    assert dest.read_bytes() == data
    assert host.headers_seen[-1][1]["Range"] == "bytes=100000-"


def test_unreachable_host_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(http, "BACKOFF_S", 0.01)
    with pytest.raises(http.FetchError, match="cannot connect"):
        http.download("http://127.0.0.1:9/none.mp3", tmp_path / "x.audio", 10)
