"""The network as users have it: a proxy named by the environment, a private feed behind HTTP
Basic authentication. Real servers on 127.0.0.1 (a host and a forward proxy); the episodes carry
a publisher transcript, so no model runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion import cli
from companion.pipeline import sync
from episode_records import episode_records
from podcast_server import ForwardProxy, rss

VTT = (Path(__file__).parent / "data" / "transcripts" / "example.vtt").read_bytes()


@pytest.fixture
def proxy(host):
    server = ForwardProxy(host.url).start()
    yield server
    server.shutdown()
    server.server_close()


def one_episode(base: str, host, transcript_base: str | None = None) -> None:
    host.add("ep.vtt", VTT)
    host.add("feed.xml", rss([{
        "title": "Through the proxy", "guid": "p1", "date": "Mon, 01 Jan 2024 09:00:00 +0000",
        "audio": f"{base}/never.mp3",
        "transcripts": [{"url": f"{transcript_base or base}/ep.vtt", "type": "text/vtt"}]}]).encode())


def test_the_proxy_the_environment_names_is_used(project, host, proxy, monkeypatch) -> None:
    # AntennaPod#5229, gpodder#891, poddycast#29: HTTP_PROXY set, the app went direct and failed.
    # podcast.test resolves nowhere: only the proxy can reach it, as on a proxied office network.
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    one_episode("http://podcast.test", host)
    assert cli.main(["sync", "--feed", "http://podcast.test/feed.xml"]) == 0
    assert proxy.asked == ["http://podcast.test/feed.xml", "http://podcast.test/ep.vtt"]
    record = episode_records(project / "episodes")[0]
    assert record["status"] == "transcribed" and record["model"] == "publisher"


def test_no_proxy_hosts_go_direct(project, host, proxy, monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    one_episode(host.url, host)
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert proxy.asked == [] and host.requests["/ep.vtt"] == 1


def test_through_a_proxy_a_feed_still_cannot_reach_this_machine(project, host, proxy, capsys,
                                                                monkeypatch) -> None:
    """The proxy makes the connection, so the policy judges the host asked for: a feed on the
    web naming 127.0.0.1 is refused before anything is sent to the proxy."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    one_episode("http://podcast.test", host, transcript_base=host.url)
    assert cli.main(["sync", "--feed", "http://podcast.test/feed.xml"]) == 1   # audio: 404
    assert proxy.asked == ["http://podcast.test/feed.xml", "http://podcast.test/never.mp3"]
    assert "through the proxy" in capsys.readouterr().err and host.requests["/ep.vtt"] == 0


def test_a_private_feed_behind_basic_auth_with_an_encoded_password(project, host, capsys,
                                                                   monkeypatch) -> None:
    # FreshRSS#3099 and xbmc#15228: user-info credentials shown in logs, and a percent-encoded
    # password (`%40` for `@`) escaping redaction once decoded or re-encoded.
    host.faults.basic_auth = "listener:s3cr/t@pa55"
    written = "listener:s3cr%2Ft%40pa55"
    origin = host.url.replace("http://", f"http://{written}@")
    host.add("ep.vtt", VTT)
    # the feed repeats the credentials in its own links, spelt other ways
    host.add("feed.xml", rss([
        {"title": "Members", "guid": "m1", "date": "Mon, 01 Jan 2024 09:00:00 +0000",
         "audio": host.url.replace("http://", "http://listener:s3cr%2ft%40pa55@") + "/gone.mp3",
         "transcripts": [{"url": f"{host.url}/ep.vtt", "type": "text/vtt"}]},
        {"title": "Members two", "guid": "m2", "date": "Tue, 02 Jan 2024 09:00:00 +0000",
         "audio": host.url.replace("http://", "http://listener:s3cr%2Ft@pa55@") + "/gone-too.mp3"},
    ]).encode())
    monkeypatch.setenv(sync.FEED_ENV, f"{origin}/feed.xml")
    assert cli.main(["sync"]) == 1                      # both audio files are gone (404)
    out = capsys.readouterr()
    assert host.requests["/ep.vtt"] == 1 and host.requests["/gone-too.mp3"] == 1
    by_guid = {r["guid"]: r for r in episode_records(project / "episodes")}
    assert by_guid["m1"]["status"] == "transcribed"     # the transcript: same origin, same login
    assert "404" in by_guid["m2"]["error"]              # asked with the login, not refused 401
    shown = out.out + out.err + json.dumps(by_guid)
    for secret in ("s3cr/t@pa55", "s3cr%2Ft%40pa55", "s3cr%2ft%40pa55", "s3cr%2Ft%2540pa55"):
        assert secret not in shown, secret
    for path in (project / "episodes").rglob("*"):
        if path.is_file():
            assert b"pa55" not in path.read_bytes(), path
