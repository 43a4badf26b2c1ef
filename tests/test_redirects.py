"""Redirect chains as podcast hosts build them, against real servers on 127.0.0.1 (one over TLS):
tracking prefixes that end on a plain-http CDN, hosts that redirect until their cookie comes back,
chains longer than urllib's default allows."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from companion import cli
from companion.pipeline import fetch_policy, http
from episode_records import episode_records
from podcast_server import ForwardProxy, TLSPodcastServer, rss

pytestmark = pytest.mark.subprocess        # openssl makes the test certificate

AUDIO = Path(__file__).parent / "data" / "audio" / "sonnet001.mp3"
PUBLIC_FEED = "https://127.0.0.1/feed.xml"
PRIVATE_FEED = "https://127.0.0.1/feed.xml?auth=3f9c0a1b2c3d4e5f"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert, key), made with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def tls_host(host, certificate, monkeypatch):
    """An https host serving the same folder as `host` (plain http), trusted by this process."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))     # read by ssl's default context
    server = TLSPodcastServer(host.root, cert, key).start()
    yield server
    server.shutdown()
    server.server_close()


def test_public_audio_redirected_down_to_http_is_followed_with_a_note(host, tls_host, tmp_path) -> None:
    """op3 -> podtrac -> CDN on http (audiobookshelf#5251, AntennaPod#5322): apps play it."""
    cdn = host.add("cdn/ep1.mp3", source=AUDIO)
    tls_host.faults.redirects["/op3/ep1.mp3"] = "/podtrac/ep1.mp3"
    tls_host.faults.redirects["/podtrac/ep1.mp3"] = cdn
    notes: list[str] = []
    with fetch_policy.feed_host(PUBLIC_FEED):
        dest = http.download(f"{tls_host.url}/op3/ep1.mp3", tmp_path / "ep1.audio", notes=notes)
    assert dest.read_bytes() == AUDIO.read_bytes()
    assert len(notes) == 1 and "plain http" in notes[0] and "http://127.0.0.1/" in notes[0]
    notes.clear()
    with fetch_policy.feed_host(PUBLIC_FEED):     # already there: nothing fetched, nothing noted
        http.download(f"{tls_host.url}/op3/ep1.mp3", dest, notes=notes)
    assert notes == []


def test_an_https_chain_that_stays_https_has_no_note(host, tls_host, tmp_path) -> None:
    host.add("cdn/ep1.mp3", source=AUDIO)          # the same folder, served by both
    tls_host.faults.redirects["/op3/ep1.mp3"] = "/cdn/ep1.mp3"
    notes: list[str] = []
    with fetch_policy.feed_host(PUBLIC_FEED):
        http.download(f"{tls_host.url}/op3/ep1.mp3", tmp_path / "ep1.audio", notes=notes)
    assert notes == []


@pytest.mark.parametrize("feed, secret, audio_path", [
    (PRIVATE_FEED, False, "/op3/ep1.mp3"),           # a private feed's audio carries its token
    (PUBLIC_FEED, True, "/op3/ep1.mp3"),             # given as $COMPANION_FEED: a secret
    (PUBLIC_FEED, False, "member:s3cret-pass@"),     # a link with its own credentials
])
def test_private_audio_is_never_followed_down_to_http(host, tls_host, tmp_path, feed, secret,
                                                      audio_path) -> None:
    cdn = host.add("cdn/ep1.mp3", source=AUDIO)
    tls_host.faults.redirects["/op3/ep1.mp3"] = cdn
    url = (f"{tls_host.url}{audio_path}" if audio_path.startswith("/")
           else tls_host.url.replace("https://", "https://" + audio_path) + "/op3/ep1.mp3")
    with fetch_policy.feed_host(feed, secret), pytest.raises(http.FetchError, match="down to http"):
        http.download(url, tmp_path / "ep1.audio")
    assert not list(tmp_path.glob("ep1.audio*"))
    assert host.requests["/cdn/ep1.mp3"] == 0


def test_a_feed_or_transcript_is_never_followed_down_to_http(host, tls_host) -> None:
    plain = host.add("feed.xml", b"<rss/>")
    tls_host.faults.redirects["/feed.xml"] = plain
    with fetch_policy.feed_host(PUBLIC_FEED), pytest.raises(http.FetchError, match="down to http"):
        http.fetch(f"{tls_host.url}/feed.xml")
    assert host.requests["/feed.xml"] == 0


@pytest.mark.parametrize("what", ["feed", "audio"])
def test_a_host_that_redirects_until_its_cookie_comes_back(host, tmp_path, what) -> None:
    """art19 (airsonic#1013, airsonic#1175): 302 to itself with Set-Cookie until it is sent."""
    url = host.add("ep1.mp3", source=AUDIO)
    host.faults.cookie_gate.add("/ep1.mp3")
    with fetch_policy.feed_host(url):
        if what == "feed":
            body = http.fetch(url, limit=fetch_policy.TRANSCRIPT).body
        else:
            body = http.download(url, tmp_path / "ep1.audio").read_bytes()
    assert body == AUDIO.read_bytes()
    assert host.requests["/ep1.mp3"] == 2


def test_the_cookie_jar_lives_for_one_fetch(host, tmp_path) -> None:
    url = host.add("ep1.mp3", source=AUDIO)
    host.faults.cookie_gate.add("/ep1.mp3")
    with fetch_policy.feed_host(url):
        http.fetch(url, limit=fetch_policy.TRANSCRIPT)
        http.fetch(url, limit=fetch_policy.TRANSCRIPT)
    cookies = [seen.get("Cookie") for path, seen in host.headers_seen if path == "/ep1.mp3"]
    assert cookies == [None, "gate=passed", None, "gate=passed"]


def test_a_long_chain_of_tracking_prefixes_is_followed(host, tmp_path) -> None:
    """pdst.fm -> chrt.fm -> arttrk.com -> ... (podverse-rn#2161): more hops than urllib's 10."""
    url = host.add("cdn/ep1.mp3", source=AUDIO)
    hops = [f"/t{n}/ep1.mp3" for n in range(14)] + ["/cdn/ep1.mp3"]
    for here, there in zip(hops, hops[1:]):
        host.faults.redirects[here] = there
    with fetch_policy.feed_host(url):
        dest = http.download(f"{host.url}{hops[0]}", tmp_path / "ep1.audio")
    assert dest.read_bytes() == AUDIO.read_bytes()


def test_a_redirect_loop_ends_with_a_clear_error(host, tmp_path) -> None:
    host.faults.redirects["/a.mp3"] = "/b.mp3"
    host.faults.redirects["/b.mp3"] = "/a.mp3"
    with fetch_policy.feed_host(host.url), pytest.raises(http.FetchError, match="redirect"):
        http.download(f"{host.url}/a.mp3", tmp_path / "a.audio")
    assert host.requests["/a.mp3"] <= http.MAX_REDIRECTS


@pytest.mark.model
def test_an_episode_whose_audio_came_over_plain_http_says_so(project, host, tls_host, capsys) -> None:
    """The whole run: a public https feed whose enclosure's tracking prefix sends the audio to a
    CDN on http is transcribed, and the episode and the run's report carry the note."""
    cdn = host.add("cdn/jfk.wav", source=Path(__file__).parent / "data" / "audio" / "jfk.wav")
    tls_host.faults.redirects["/op3/jfk.wav"] = cdn
    host.add("feed.xml", rss([{"title": "Over http", "guid": "h1",
                               "audio": f"{tls_host.url}/op3/jfk.wav"}]).encode())
    assert cli.main(["sync", "--feed", f"{tls_host.url}/feed.xml"]) == 0
    record = episode_records(project / "episodes")[0]
    assert record["status"] == "transcribed"
    assert any("plain http" in note for note in record["transport_warnings"])
    assert not any("plain http" in note for note in record["audio_warnings"])   # said once
    assert "plain http" in " ".join(capsys.readouterr().err.split())


@pytest.mark.model
def test_an_analytics_prefix_that_fails_gives_way_to_the_address_it_wraps(project, host, capsys,
                                                                          monkeypatch) -> None:
    """Chartable went away and its chtbl.com prefixes failed in every app (changelog.com#346,
    AntennaPod#5282, podverse-web#1270). Hosts resolve only through a forward proxy to `host`,
    so the feed can name the real prefix hosts. One prefix answers 404: the file it wraps is
    downloaded, said on the episode. The other's chain leads to a CDN that has no file yet: the
    failure names the host that answered and the address tried after, and a rerun picks up."""
    proxy = ForwardProxy(host.url).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        host.add("ep1.wav", source=Path(__file__).parent / "data" / "audio" / "jfk.wav")
        host.faults.status["/track/ABC/podcast.test/ep1.wav"] = 404           # the prefix is gone
        host.faults.redirects["/redirect.mp3/podcast.test/ep2.mp3"] = "http://cdn.test/ep2.mp3"
        host.add("feed.xml", rss([
            {"title": "Dead prefix", "guid": "p1", "date": "Mon, 07 Dec 2026 09:00:00 +0000",
             "audio": "http://chtbl.com/track/ABC/podcast.test/ep1.wav"},
            {"title": "Not there yet", "guid": "p2", "date": "Sun, 06 Dec 2026 09:00:00 +0000",
             "audio": "http://dts.podtrac.com/redirect.mp3/podcast.test/ep2.mp3"}]).encode())
        assert cli.main(["sync", "--feed", "http://podcast.test/feed.xml"]) == 1
        found = {r["guid"]: r for r in episode_records(project / "episodes")}
        assert found["p1"]["status"] == "transcribed"
        assert "country" in (project / "episodes" / found["p1"]["slug"] / "transcript.txt").read_text()
        assert any("analytics prefixes failed" in note and "podcast.test" in note
                   for note in found["p1"]["transport_warnings"])
        assert found["p2"]["status"] == "failed"
        error = found["p2"]["error"]
        assert "HTTP 404" in error and "answered by cdn.test" in error       # where it broke
        assert "http://podcast.test/ep2.mp3, failed too" in error            # what was tried next
        host.add("ep2.mp3", source=AUDIO)
        assert cli.main(["sync", "--feed", "http://podcast.test/feed.xml"]) == 0
        found = {r["guid"]: r for r in episode_records(project / "episodes")}
        assert found["p2"]["status"] == "transcribed"
        assert "http://dts.podtrac.com/redirect.mp3/podcast.test/ep2.mp3" in proxy.asked
    finally:
        proxy.shutdown()
        proxy.server_close()


def _feed(items: str, channel: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:atom="http://www.w3.org/2005/Atom" '
            'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>T</title>'
            f'{channel}{items}</channel></rss>').encode()


def test_an_https_feed_is_not_followed_to_plain_http_by_its_own_words(project, host, tls_host,
                                                                     capsys) -> None:
    """itunes:new-feed-url and a next page (RFC 5005) on http: the run would read in clear what
    it then publishes. The https feed is read; the http addresses never asked."""
    host.add("moved.xml", _feed('<item><title>Moved</title><guid>m</guid></item>'))
    host.add("page2.xml", _feed('<item><title>Older</title><guid>o</guid></item>'))
    host.add("feed.xml", _feed(
        '<item><title>Here</title><guid>h</guid></item>',
        f'<itunes:new-feed-url>{host.url}/moved.xml</itunes:new-feed-url>'
        f'<atom:link rel="next" href="{host.url}/page2.xml"/>'))
    # the older page not read: the run says the feed was read incompletely (exit 1)
    assert cli.main(["sync", "--feed", f"{tls_host.url}/feed.xml"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "plain http address: a feed read over https is not followed there" in said
    assert "is on plain http and the feed is read over https" in said
    assert [e["guid"] for e in episode_records(project / "episodes")] == ["h"]
    assert host.requests["/moved.xml"] == 0 and host.requests["/page2.xml"] == 0


@pytest.mark.parametrize("private", [True, False])
def test_a_private_https_feeds_direct_http_links_are_never_fetched(project, host, tls_host,
                                                                   monkeypatch, private) -> None:
    """One rule for every step down to plain http (`Policy.check_clear`): a private feed read
    over https that links its transcript and chapters on http would send its token in clear; they
    are not asked for. A public feed's own http links are what it asked for: fetched."""
    vtt = host.add("t.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello there.\n")
    chapters = host.add("c.json", b'{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "A"}]}')
    host.add("feed.xml", _feed(
        '<item><title>Text only</title><guid>t1</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate>'
        f'<podcast:transcript url="{vtt}" type="text/vtt"/>'
        f'<podcast:chapters url="{chapters}" type="application/json+chapters"/></item>')
        .replace(b'<rss version="2.0" ', b'<rss version="2.0" '
                 b'xmlns:podcast="https://podcastindex.org/namespace/1.0" '))
    if private:                                    # a secret: given as $COMPANION_FEED
        monkeypatch.setenv("COMPANION_FEED", f"{tls_host.url}/feed.xml?auth=3f9c0a1b2c3d4e5f")
    code = cli.main(["sync"] if private else ["sync", "--feed", f"{tls_host.url}/feed.xml"])
    record = episode_records(project / "episodes")[0]
    if private:
        assert code == 1 and record["status"] == "failed"
        assert "plain-http link" in record["publisher_warning"]
        assert host.requests["/t.vtt"] == 0 and host.requests["/c.json"] == 0
    else:
        assert code == 0 and record["model"] == "publisher"
        assert host.requests["/t.vtt"] == 1 and host.requests["/c.json"] == 1


@pytest.mark.parametrize("path", ["/public/shows/5f3d9b8c2a1b4c0012345678",          # Acast
                                  "/public/shows/edd6bde5-221e-4c07-bde8-2a0241ccc6e0",
                                  "/d/playlist/e73c998e-6e60-432f-8610-ae210140c5b1/podcast.rss"])
def test_a_public_feed_whose_address_holds_an_id_is_not_taken_for_a_private_one(
        host, tls_host, tmp_path, path) -> None:
    """Acast's and Omny's public feeds carry show ids (a MongoDB ObjectId, a UUID) in their path;
    taken for tokens, the feed was private and its audio's tracking chain down to an http CDN was
    refused. Tokens still make a feed private: a 16-character hex stem, a query credential."""
    cdn = host.add("cdn/ep1.mp3", source=AUDIO)
    tls_host.faults.redirects["/op3/ep1.mp3"] = cdn
    notes: list[str] = []
    with fetch_policy.feed_host(f"{tls_host.url}{path}") as policy:
        assert not policy.private
        http.download(f"{tls_host.url}/op3/ep1.mp3", tmp_path / "ep1.audio", notes=notes)
    assert "plain http" in notes[0]
    for private in ("https://feeds.supercast.example/episodes/3f9c27b1a8e04d55.rss",
                    "https://feeds.acast.com/public/shows/x?token=Zx81qQ93mm",
                    "https://private.example/feed/3f9c0a1b2c3d4e5f6a7b8c9d0e1f2a3b.rss"):
        assert fetch_policy.for_feed(private).private


def test_a_public_https_feeds_http_link_with_a_password_is_never_fetched(host, tls_host,
                                                                         tmp_path) -> None:
    """A public feed's own plain-http links are fetched as they are, but not one that carries a
    user name and password (`http://user:pass@host/ep.mp3`): Basic credentials sent in clear
    (RFC 7617 section 4). The host never sees the request; without the password it does."""
    host.add("ep.mp3", source=AUDIO)
    netloc = host.url.split("//", 1)[1]
    with fetch_policy.feed_host(f"{tls_host.url}/feed.xml"):
        with pytest.raises(http.FetchError, match="password would cross the network in clear"):
            http.download(f"http://listener:s3cret@{netloc}/ep.mp3", tmp_path / "a.audio")
        assert host.requests["/ep.mp3"] == 0
        http.download(f"http://{netloc}/ep.mp3", tmp_path / "b.audio")
    assert host.requests["/ep.mp3"] == 1
    assert not any("Authorization" in headers for _path, headers in host.headers_seen)


@pytest.mark.parametrize("given", ["itpc://{netloc}/feed.xml", "feed:https://{netloc}/feed.xml",
                                   "pcast://{netloc}/feed.xml", "podcast://{netloc}/feed.xml",
                                   "{netloc}/feed.xml"])
def test_a_subscribe_link_or_an_address_without_a_scheme_is_read_as_its_https_feed(
        project, host, tls_host, capsys, given: str) -> None:
    """What a maintainer copies from a "subscribe" button (Apple's itpc:// and pcast://,
    feed:, podcast://: AntennaPod#958, NetNewsWire#343) or types without a scheme
    (RadioDownloader#186) is read, over https, and the run says what to put in the settings."""
    host.add("feed.xml", _feed('<item><title>Here</title><guid>h</guid></item>'))
    netloc = tls_host.url.split("//", 1)[1]
    assert cli.main(["sync", "--feed", given.format(netloc=netloc)]) == 0
    assert [e["guid"] for e in episode_records(project / "episodes")] == ["h"]
    said = " ".join(capsys.readouterr().err.split())
    assert f"read as {tls_host.url}/feed.xml" in said


def test_an_http_feed_sent_through_https_and_back_to_http_is_read(project, host, tls_host) -> None:
    """A feed set as http:// that its host sends through an https address and back to http (a
    CDN's https canonicaliser in front of an http origin): nothing asked for securely crosses
    the network in clear, and it was refused as "a feed read over https". Asked for over https,
    the same step down is still refused."""
    host.add("real/feed.xml", _feed('<item><title>Here</title><guid>h</guid></item>'))
    for server, path, target in ((host, "/feed.xml", f"{tls_host.url}/hop.xml"),
                                 (tls_host, "/hop.xml", f"{host.url}/real/feed.xml")):
        server.faults.redirects[path] = target
        server.faults.redirect_codes[path] = 302
    assert cli.main(["sync", "--feed", f"{host.url}/feed.xml"]) == 0
    assert [e["guid"] for e in episode_records(project / "episodes")] == ["h"]
    with fetch_policy.feed_host(f"{tls_host.url}/hop.xml"):
        with pytest.raises(http.FetchError, match="redirected from https:// down to"):
            http.fetch(f"{tls_host.url}/hop.xml")
