"""HTTP against a real server on 127.0.0.1: gzip, validators, retries, resumable downloads."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from companion.pipeline import fetch_policy, http

AUDIO = Path(__file__).parent / "data" / "audio"

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>" * 50


@pytest.fixture(autouse=True)
def feed_on_this_machine():
    """These requests are the feed's own (a feed served from 127.0.0.1), as in a sync run; outside
    a run nothing on loopback is reached (tests/test_hostile.py)."""
    with fetch_policy.feed_host("http://127.0.0.1/feed.xml"):
        yield


def test_gzip_and_validators(host) -> None:
    url = host.add("feed.xml", FEED)
    first = http.fetch(url)
    assert first.status == 200 and first.body == FEED and first.etag
    assert host.headers_seen[-1][1].get("Accept-Encoding") == "gzip"
    second = http.fetch(url, first.etag, first.last_modified)
    assert second.status == 304 and second.body == b""
    assert host.requests["/feed.xml"] == 2


@pytest.mark.parametrize("fault", ["declared, not sent", "sent, not declared", "twice"])
def test_a_feed_whose_host_gets_gzip_wrong_is_read(host, fault: str) -> None:
    """`Content-Encoding: gzip` on a plain body (PHP's zlib.output_compression: curl#8928,
    node-feedparser#277), a gzip body with no Content-Encoding (a `.xml.gz` stored as is:
    apache/trafficcontrol#1737) and a body compressed twice (a proxy over a compressing host):
    the document is what a feed reader gets, not gzip bytes or "the gzip body is damaged"."""
    import gzip
    body = {"declared, not sent": FEED, "sent, not declared": gzip.compress(FEED),
            "twice": gzip.compress(FEED)}[fault]
    url = host.add("feed.xml", body)
    if fault == "declared, not sent":
        host.faults.gzip_declared.add("/feed.xml")
    if fault == "twice":
        host.faults.gzip_always.add("/feed.xml")
    assert http.fetch(url).body == FEED


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


def test_a_range_answered_with_status_200_and_its_content_range_resumes(host, tmp_path: Path,
                                                                        monkeypatch) -> None:
    """modelscope_hub#50: the host sends the bytes asked for, with their Content-Range, as a 200."""
    monkeypatch.setattr(http, "BACKOFF_S", 0.01)
    url = host.add("sonnet001.mp3")
    host.faults.truncate["/sonnet001.mp3"] = 1
    host.faults.range_as_200 = True
    dest = tmp_path / "a.audio"
    http.download(url, dest)
    assert dest.read_bytes() == (host.root / "sonnet001.mp3").read_bytes()
    assert host.requests["/sonnet001.mp3"] == 2


def killed_download(host, url: str, dest: Path, data: bytes) -> None:
    """What a run killed mid-download leaves: a .part and the validators seen when it started."""
    etag = http.fetch(url).etag                       # the ETag the first run saw
    dest.with_name(dest.name + ".part").write_bytes(data[:100_000])
    dest.with_name(dest.name + ".part.json").write_text(json.dumps(
        {"url": http.part_key(url), "etag": etag, "last_modified": None, "total": len(data)}))


def test_part_file_left_by_a_killed_run_is_resumed(host, tmp_path: Path) -> None:
    url = host.add("sonnet002.mp3")
    data = (host.root / "sonnet002.mp3").read_bytes()
    dest = tmp_path / "b.audio"
    killed_download(host, url, dest, data)
    http.download(url, dest)
    assert dest.read_bytes() == data
    assert host.headers_seen[-1][1]["Range"] == "bytes=100000-"
    assert host.headers_seen[-1][1]["If-Range"].startswith('"')
    assert not dest.with_name("b.audio.part.json").exists()


def test_a_part_resumes_when_only_the_links_signature_changed(host, tmp_path: Path) -> None:
    """Signed CDN links and private feeds' tokens change on every feed fetch; the file does not
    (moondownloader#90: a fresh link each run restarted a 4 GB download from zero)."""
    host.add("sonnet002.mp3")
    data = (host.root / "sonnet002.mp3").read_bytes()
    dest = tmp_path / "b.audio"
    killed_download(host, f"{host.url}/sonnet002.mp3?Expires=1&Signature=aaa", dest, data)
    http.download(f"{host.url}/sonnet002.mp3?Expires=2&Signature=bbb", dest)
    assert dest.read_bytes() == data
    assert host.headers_seen[-1][1]["Range"] == "bytes=100000-"


def test_a_part_of_another_file_is_not_resumed(host, tmp_path: Path) -> None:
    host.add("sonnet001.mp3")
    other = host.add("sonnet002.mp3")
    data = (host.root / "sonnet002.mp3").read_bytes()
    dest = tmp_path / "b.audio"
    killed_download(host, f"{host.url}/sonnet001.mp3", dest, (host.root / "sonnet001.mp3").read_bytes())
    http.download(other, dest)
    assert dest.read_bytes() == data and "Range" not in host.headers_seen[-1][1]


def test_a_part_without_validators_is_not_trusted(host, tmp_path: Path) -> None:
    # A .part from an earlier version: nothing says which upload it came from, so start again.
    url = host.add("sonnet002.mp3")
    data = (host.root / "sonnet002.mp3").read_bytes()
    dest = tmp_path / "b.audio"
    dest.with_name("b.audio.part").write_bytes(b"x" * 100_000)
    http.download(url, dest)
    assert dest.read_bytes() == data and "Range" not in host.headers_seen[-1][1]


@pytest.mark.parametrize("honours_if_range", [True, False], ids=["if-range", "ignores-if-range"])
@pytest.mark.parametrize("new_size", ["longer", "shorter"])
def test_a_file_reuploaded_after_a_kill_is_downloaded_whole(host, tmp_path: Path, new_size: str,
                                                            honours_if_range: bool) -> None:
    first = host.add("ep.mp3", source=AUDIO / "sonnet001.mp3")
    old = (host.root / "ep.mp3").read_bytes()
    new = (AUDIO / ("sonnet002.mp3" if new_size == "longer" else "jfk.wav")).read_bytes()[:90_000]
    dest = tmp_path / "c.audio"
    killed_download(host, first, dest, old)
    host.add("ep.mp3", new)                            # the publisher replaces the file
    host.faults.ignore_if_range = not honours_if_range
    http.download(first, dest)
    assert dest.read_bytes() == new                    # never the old head and the new tail
    statuses = [line.rsplit(" ", 1)[-1] for line in host.log if "/ep.mp3" in line]
    assert "416" not in statuses[-1:]


def test_a_reupload_in_the_middle_of_a_download_restarts_it(host, tmp_path: Path,
                                                            monkeypatch) -> None:
    monkeypatch.setattr(http, "BACKOFF_S", 0.01)
    url = host.add("ep.mp3", source=AUDIO / "sonnet001.mp3")
    new = (AUDIO / "sonnet002.mp3").read_bytes()
    host.faults.truncate["/ep.mp3"] = 1
    host.faults.reupload["/ep.mp3"] = new             # replaced while our connection is cut
    host.faults.ignore_if_range = True                 # and the host sends the new file's tail
    http.download(url, tmp_path / "d.audio")
    assert (tmp_path / "d.audio").read_bytes() == new


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_when_short(host, monkeypatch, status: int,
                                            http_sleeps: list[float]) -> None:
    url = host.add("feed.xml", FEED)
    host.faults.throttle["/feed.xml"] = [1, 1, status]   # one 429 (or 503), Retry-After: 1
    monkeypatch.setattr(http, "budget", http.WaitBudget(10))
    assert http.fetch(url).body == FEED
    assert http_sleeps == [1.0] and host.requests["/feed.xml"] == 2   # waited the 1 s it was asked


def test_a_long_retry_after_fails_at_once_saying_when(host) -> None:
    url = host.add("ep.mp3", source=AUDIO / "jfk.wav")
    host.faults.throttle["/ep.mp3"] = [5, 3600]
    with pytest.raises(http.FetchError, match=r"429.*asked to be asked again after 20\d\d-.*next run"):
        http.download(url, host.root.parent / "never.audio")
    assert host.requests["/ep.mp3"] == 1               # no hammering


def test_the_runs_waiting_budget_bounds_retry_after(host, monkeypatch) -> None:
    url = host.add("feed.xml", FEED)
    host.faults.throttle["/feed.xml"] = [3, 2]
    monkeypatch.setattr(http, "budget", http.WaitBudget(3))
    with pytest.raises(http.FetchError, match="Retry-After 2 s"):
        http.fetch(url)
    assert host.requests["/feed.xml"] == 2             # waited once (2 s), then out of budget


def test_retry_after_zero_forever_ends(host, monkeypatch) -> None:
    url = host.add("feed.xml", FEED)
    host.faults.throttle["/feed.xml"] = [1000, 0]
    monkeypatch.setattr(http, "budget", http.WaitBudget(2))
    with pytest.raises(http.FetchError, match="429"):
        http.fetch(url)
    assert host.requests["/feed.xml"] == 3             # two 1 s waits, then out of budget


@pytest.mark.parametrize("value,seconds", [("12", 12.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
                                           ("soon", None), (None, None)])
def test_retry_after_values(value, seconds) -> None:
    now = datetime(2015, 10, 21, 7, 28, 30, tzinfo=timezone.utc)
    assert http.retry_after_s(value, now) == seconds
    assert http.retry_after_s("Wed, 21 Oct 2015 07:29:00 GMT", now) == 30.0


def test_urls_with_spaces_and_accents_are_requested_percent_encoded(host, tmp_path: Path) -> None:
    host.add("media/Épisode 12 - Final Mix.mp3", source=AUDIO / "jfk.wav")
    dest = http.download(f"{host.url}/media/Épisode 12 - Final Mix.mp3", tmp_path / "e.audio")
    assert dest.read_bytes() == (AUDIO / "jfk.wav").read_bytes()
    assert "/media/%C3%89pisode%2012%20-%20Final%20Mix.mp3" in host.requests
    host.add("media/100% honest.mp3", source=AUDIO / "jfk.wav")          # a `%` that is no escape
    dest = http.download(f"{host.url}/media/100% honest.mp3", tmp_path / "p.audio")
    assert dest.read_bytes() == (AUDIO / "jfk.wav").read_bytes()
    assert "/media/100%25%20honest.mp3" in host.requests
    with pytest.raises(http.FetchError, match="not a usable web address.*a space"):
        http.fetch("http://127.0.0.1:99999/a b.mp3")


@pytest.mark.network
def test_unreachable_host_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(http, "BACKOFF_S", 0.01)
    with pytest.raises(http.FetchError, match="cannot connect"):
        http.download("http://127.0.0.1:9/none.mp3", tmp_path / "x.audio", 10)


@pytest.mark.parametrize("value", ["Fri, 31 Dec 9999 23:59:59 GMT", "99999999999999999999999"])
def test_a_retry_after_beyond_any_calendar_fails_only_the_request(host, value: str) -> None:
    # datetime cannot hold "now + 10**23 s": that must be a FetchError, not an OverflowError
    # escaping the per-episode boundary (or stopping the run when it is the feed).
    url = host.add("feed.xml", FEED)
    host.faults.throttle["/feed.xml"] = [5, value, 503]
    with pytest.raises(http.FetchError, match="503.*more than a year from now.*next run"):
        http.fetch(url)
    assert host.requests["/feed.xml"] == 1


def test_a_web_page_answered_for_audio_is_refused_not_kept(host, tmp_path) -> None:
    """An expired signed CDN link or a login wall answers 200 with HTML: it is not stored as the
    episode's audio (ffmpeg would say only "cannot decode")."""
    url = host.add("ep.mp3", b"<!DOCTYPE html>\n<html><body>Link expired</body></html>" * 100)
    host.faults.types["/ep.mp3"] = "text/html; charset=utf-8"
    dest = tmp_path / "cache" / "ep.audio"
    with pytest.raises(http.FetchError, match="web page"):
        http.download(url, dest)
    assert list(dest.parent.iterdir()) == []
    url = host.add("ep.mp3", source=AUDIO / "sonnet001.mp3")   # real MP3 bytes, mislabelled
    assert http.download(url, dest).read_bytes() == (AUDIO / "sonnet001.mp3").read_bytes()


@pytest.mark.parametrize("fault, declared", [
    ("gzip_always", None),      # FileDownloader#975, Thinki-Downloader#73: audio gzip-encoded unasked
    ("chunked", 1),             # no Content-Length, and the feed's length="1" (a placeholder)
    ("chunked", 10**9),         # no Content-Length, and a feed length far too large
])
def test_audio_as_hosts_frame_it_arrives_whole(host, tmp_path, fault, declared) -> None:
    original = (AUDIO / "sonnet001.mp3").read_bytes()
    url = host.add("ep.mp3", original)
    getattr(host.faults, fault).add("/ep.mp3")
    dest = http.download(url, tmp_path / "ep.audio", declared)
    assert dest.read_bytes() == original
    assert host.headers_seen[-1][1].get("Accept-Encoding") == "identity"


def test_a_file_with_no_length_and_a_wrong_feed_length_is_kept_when_the_host_confirms_it(
        host, tmp_path) -> None:
    """A body framed only by the connection's close, and a feed that declares ten times the
    file's length (voc/voctoweb#945, #774: enclosure lengths far from the file's): the host's
    own length (a one-byte range request) says the file is whole, so it is kept, where every run
    failed "got N bytes, expected M". An empty 200 is no file: refused, nothing kept."""
    data = (AUDIO / "jfk.wav").read_bytes()
    url = host.add("ep.wav", data)
    host.faults.close_delimited.add("/ep.wav")
    got = http.download(url, tmp_path / "ep.audio", expected_bytes=10 * len(data))
    assert got.read_bytes() == data
    assert [h.get("Range") for p, h in host.headers_seen if p == "/ep.wav"] == [None, "bytes=0-0"]
    empty = host.add("empty.mp3", b"")
    with pytest.raises(http.FetchError, match="empty file"):
        http.download(empty, tmp_path / "empty.audio")
    assert not list(tmp_path.glob("empty.audio*"))


def test_a_gzip_body_of_several_members_is_stored_whole(host, tmp_path) -> None:
    """A gzip file may hold several members (RFC 1952 2.2: concatenated streams, as S3 multipart
    objects and pigz write them); stopping at the first stored half the audio as if whole."""
    original = (AUDIO / "sonnet001.mp3").read_bytes()
    url = host.add("members.mp3", original)
    host.faults.gzip_always.add("/members.mp3")
    host.faults.gzip_members.add("/members.mp3")
    assert http.download(url, tmp_path / "ep.audio").read_bytes() == original


def test_a_gzip_body_cut_short_is_fetched_again_whole(host, tmp_path, monkeypatch) -> None:
    original = (AUDIO / "sonnet001.mp3").read_bytes()
    url = host.add("ep.mp3", original)
    host.faults.gzip_always.add("/ep.mp3")
    host.faults.truncate["/ep.mp3"] = 1
    monkeypatch.setattr(http, "BACKOFF_S", 0.01)
    assert http.download(url, tmp_path / "ep.audio").read_bytes() == original


def test_a_file_that_changes_on_every_request_is_no_re_upload(host, tmp_path) -> None:
    """Hosts that insert ads per request (dynamic ad insertion) send another file, with another
    ETag, every time: `changed` cannot call that a re-upload (the whole catalogue would be
    transcribed again on every run). A file replaced once, and then served the same, is one."""
    url = host.add("ep.mp3", b"ID3" + b"a" * 5000)
    validators: dict = {}
    http.download(url, tmp_path / "ep.audio", validators=validators)
    assert validators["etag"] and http.changed(url, validators) is False
    assert host.headers_seen[-1][1].get("If-None-Match") == validators["etag"]
    host.add("ep.mp3", b"ID3" + b"b" * 5000)                  # re-uploaded in place
    assert http.changed(url, validators) is True
    host.faults.stitched.add("/ep.mp3")                        # a new ad in every answer
    assert http.changed(url, validators) is None


def test_a_host_with_no_validators_is_asked_for_its_files_size(host, tmp_path) -> None:
    """A host that gives no ETag or Last-Modified: the total length it serves now is compared
    with the bytes downloaded, asked twice (dynamic ad insertion changes it on every request)."""
    url = host.add("ep.mp3", b"ID3" + b"a" * 5000)
    host.faults.no_validators.add("/ep.mp3")
    validators: dict = {}
    http.download(url, tmp_path / "ep.audio", validators=validators)
    assert not validators["etag"] and validators["bytes"] == 5003
    assert http.changed(url, validators) is False
    assert host.headers_seen[-1][1].get("Range") == "bytes=0-0"
    host.add("ep.mp3", b"ID3" + b"b" * 7000)                  # re-uploaded in place, longer
    assert http.changed(url, validators) is True
    host.faults.stitched.add("/ep.mp3")                        # a new ad in every answer
    assert http.changed(url, validators) is None


# What the product calls itself: name/version, then the published site (RFC 9110 section 10.1.5)
PRODUCT_AGENT = re.compile(r"^FallFromGraceCompanion/\d+\.\d+\.\d+ \(\+https?://\S+; podcast transcripts\)$")


def test_a_host_that_refuses_programs_by_user_agent_serves_the_feed_and_the_audio(host, tmp_path,
                                                                                  monkeypatch) -> None:
    """Podcast CDNs and Cloudflare-fronted feeds answer 403 to an HTTP library's default
    User-Agent or to a request with no Accept (podgrab#313 and #322, dplocki/podcast-downloader#33,
    podly#132, audiobookshelf#3322): every request of a sync (the feed, the audio, the one-byte
    probes) names the product and the site, and carries Accept, so such a host answers."""
    import urllib.error
    import urllib.request
    monkeypatch.setattr(http, "_site_url", "")
    http.identify("https://maintainer.example/ffg/")
    feed = host.add("feed.xml", FEED)
    audio = host.add("jfk.wav")
    host.faults.refuse_agents = True
    with pytest.raises(urllib.error.HTTPError) as refused:     # the host's rule is real
        urllib.request.urlopen(feed, timeout=5)
    assert refused.value.code == 403
    assert http.fetch(feed).body == FEED
    assert http.served_type(audio) == "audio/x-wav"
    got = http.download(audio, tmp_path / "episode.wav")
    assert got.read_bytes() == (AUDIO / "jfk.wav").read_bytes()
    agents = {seen.get("User-Agent") for _path, seen in host.headers_seen[1:]}
    assert agents and all(PRODUCT_AGENT.match(a or "") for a in agents), agents
    assert all(seen.get("Accept") for _path, seen in host.headers_seen[1:])


def test_a_403_names_the_host_that_refused_and_what_was_sent(host, monkeypatch) -> None:
    """A 403 (a host that refuses this program, or a CDN's firewall in front of it) says which
    host refused, that the answer came from its firewall when it did, and the User-Agent sent:
    it was "HTTP 403 Forbidden", which a maintainer cannot act on (RadioDownloader#180)."""
    monkeypatch.setattr(http, "_site_url", "")
    feed = host.add("feed.xml", FEED)
    host.faults.status["/feed.xml"] = 403
    with pytest.raises(http.FetchError) as plain:
        http.fetch(feed)
    message = str(plain.value)
    assert "127.0.0.1 refused this request" in message and "FallFromGraceCompanion/" in message
    assert "firewall" not in message
    monkeypatch.setattr("podcast_server.refused_agent", lambda headers: True)
    host.faults.refuse_agents = True
    with pytest.raises(http.FetchError) as firewall:
        http.fetch(feed)
    assert "127.0.0.1 refused this request (the answer came from cloudflare" in str(firewall.value)
    assert host.requests["/feed.xml"] == 2       # once each: a 403 is not asked again in a run
