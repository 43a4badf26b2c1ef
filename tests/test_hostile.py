"""A hostile feed, host and artifact, tried as an attacker would (issue 25).

The hostile podcast host is on 127.0.0.1 (the feed's own host); an "internal" service that only
this machine can reach, holding a secret, is on 127.0.0.2. Nothing the feed names may reach it, by
any spelling of its address or any redirect; no download or parse may pass its size or time bound;
no feed string may change the structure of a page; no secret may land in `episodes/`; a bad
artifact costs only itself; the local server answers every malformed request with a status.

The linear-time checks on parsers time this process's CPU (`time.process_time`), not the wall
clock: a quadratic parser still fails them, a machine busy with other work does not. The deadline
checks time nothing: they count the requests the host saw and the waits the fetch asked for.
"""

from __future__ import annotations

from collections import Counter
import html.parser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import socket
import threading
import time
import tracemalloc
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import pytest

from companion import cli, sanitise
from companion.course.citemeta import json_for_script
from companion.pipeline import chapters, feed, fetch_policy, http, store, sync
from companion.pipeline import formats as tf
from companion.pipeline.merge import merge
from companion.site.episode_html import text
from companion.site.static_server import StaticServer
from episode_records import episode_records
from podcast_server import rss

DATA = Path(__file__).parent / "data" / "transcripts"
VTT = (DATA / "example.vtt").read_bytes()
SECRET = "db_password=hunter2-internal-only"
INTERNAL = "127.0.0.2"
DATE = "Mon, 01 Jan 2024 09:00:00 +0000"


@pytest.fixture
def internal(tmp_path: Path):
    """A service on 127.0.0.2 answering every file with the secret; `internal.log` lists requests."""
    root = tmp_path / "internal"
    root.mkdir()
    chapters_doc = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": SECRET}]}
    (root / "chapters.json").write_text(json.dumps(chapters_doc))
    (root / "t.vtt").write_text(f"WEBVTT\n\n00:00.000 --> 00:05.000\n{SECRET}\n")
    (root / "feed.xml").write_text(rss([{"title": SECRET, "guid": "x"}]))
    (root / "a.mp3").write_text(SECRET)
    server = StaticServer(root, host=INTERNAL).start()
    yield server
    server.close()


@pytest.fixture
def ftp_port():
    """A TCP listener on 127.0.0.2 counting connections (what a redirect to ftp:// would reach)."""
    listener = socket.create_server((INTERNAL, 0))
    listener.settimeout(0.2)
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted
    stop.set()
    thread.join()
    listener.close()


def decimal(ip: str) -> str:
    """`127.0.0.2` as the single number 2130706434: a name filter sees no dotted address."""
    a, b, c, d = (int(x) for x in ip.split("."))
    return str(((a * 256 + b) * 256 + c) * 256 + d)


def every_file_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_nothing_a_feed_names_reaches_an_internal_address(project, host, internal, ftp_port,
                                                          capsys) -> None:
    inside = internal.url                                    # http://127.0.0.2:PORT
    port, ftp_connections = ftp_port
    host.faults.redirects["/to-internal.vtt"] = f"{inside}/t.vtt"
    host.faults.redirects["/to-ftp.json"] = f"ftp://{INTERNAL}:{port}/chapters.json"
    own_chapters = host.add("own.json", (DATA / "chapters-example.json").read_bytes())
    vtt = host.add("ok.vtt", VTT)
    items = [
        {"title": "Direct", "guid": "d", "date": DATE,
         "transcripts": [{"url": f"{inside}/t.vtt", "type": "text/vtt"}, ],
         "chapters": f"{inside}/chapters.json"},
        {"title": "Redirected", "guid": "r", "date": DATE,
         "transcripts": [{"url": f"{host.url}/to-internal.vtt", "type": "text/vtt"}],
         "chapters": f"{host.url}/to-ftp.json"},
        {"title": "Spelt as a number", "guid": "n", "date": DATE,
         "transcripts": [{"url": vtt, "type": "text/vtt"}],
         "chapters": f"http://{decimal(INTERNAL)}:{inside.rsplit(':', 1)[1]}/chapters.json"},
        {"title": "Own host", "guid": "o", "date": DATE,
         "transcripts": [{"url": vtt, "type": "text/vtt"}], "chapters": own_chapters},
    ]
    body = rss(items)
    for item in items:                # podcast:chapters after each item's transcript
        tag = f'<podcast:chapters url="{item["chapters"]}" type="application/json+chapters"/>'
        body = body.replace(f">{item['guid']}</guid>", f">{item['guid']}</guid>{tag}", 1)
    feed_url = host.add("feed.xml", body.encode())

    cli.main(["sync", "--feed", feed_url])
    err = " ".join(capsys.readouterr().err.split())           # the console wraps lines

    assert internal.log == [] and ftp_connections == []      # not one request, not one connection
    assert SECRET.encode() not in every_file_bytes(project)
    assert "loopback, private, link-local or otherwise reserved" in err
    assert "only http:// and https://" in err                 # the ftp:// redirect, named
    records = {r["guid"]: r for r in episode_records(project / "episodes")}
    assert "reserved" in records["d"]["publisher_warning"]
    assert "reserved" in records["r"]["publisher_warning"]
    assert records["o"]["chapters_source"] == "feed"          # the feed's own host still works
    assert {r["guid"] for r in records.values() if r.get("chapters_source")} == {"o"}

    moved = host.add("moved.xml", rss(items[3:], new_feed_url=f"{inside}/feed.xml").encode())
    cli.main(["sync", "--feed", moved])                       # itunes:new-feed-url, inside
    assert "new address cannot be used" in " ".join(capsys.readouterr().err.split())
    assert internal.log == [] and SECRET.encode() not in every_file_bytes(project)


@pytest.mark.parametrize("address", ["127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                     "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                                     "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.2",
                                     "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe"])
def test_no_reserved_address_is_allowed_but_the_feeds_own(address: str) -> None:
    import ipaddress

    policy = fetch_policy.for_feed("http://127.0.0.1:8000/feed.xml")
    assert not policy.allows(ipaddress.ip_address(address))
    assert policy.allows(ipaddress.ip_address("127.0.0.1"))
    assert policy.allows(ipaddress.ip_address("93.184.215.14"))


@pytest.mark.parametrize("spelling", ["127.0.0.2", decimal(INTERNAL), "0x7f000002", "127.2",
                                      "0177.0.0.2", "localhost"])
def test_the_check_is_on_the_resolved_address_not_the_name(spelling: str) -> None:
    policy = fetch_policy.for_feed("http://192.0.2.10/feed.xml")    # a feed elsewhere
    with pytest.raises(fetch_policy.Refused, match="resolves to 127"):
        policy.addresses(spelling, 80)


def test_outside_a_run_nothing_reserved_is_fetched_and_a_file_feed_owns_loopback_only(host) -> None:
    url = host.add("x.json", b"{}")
    with pytest.raises(http.FetchError, match="reserved"):
        http.fetch(url)                                        # fail closed
    with fetch_policy.feed_host("/some/feed.xml"):             # a feed read from this machine
        assert http.fetch(url).body == b"{}"
        assert not fetch_policy.current().allows(__import__("ipaddress").ip_address("10.0.0.1"))


class Hostile(BaseHTTPRequestHandler):
    """Answers that try to take a fetch down: a gzip bomb, a drip, an endless stream, a lie."""

    protocol_version = "HTTP/1.1"
    bomb = b""
    requests: Counter[str] = Counter()       # path -> requests seen, since the test cleared it

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        Hostile.requests[self.path] += 1
        try:
            getattr(self, "route_" + self.path.strip("/").split("?")[0])()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route_bomb(self) -> None:
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(self.bomb)))
        self.end_headers()
        self.wfile.write(self.bomb)

    def route_drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        for _ in range(400):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.05)

    def route_slowheaders(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(400):
            self.wfile.write(b"X-Slow: 1\r\n")
            self.wfile.flush()
            time.sleep(0.05)

    def route_endless(self) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"\0" * 65536
        for _ in range(2000):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    def route_slow500(self) -> None:         # a transient failure, slowly, every time
        time.sleep(0.4)
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_throttled(self) -> None:       # "ask again in 5 s", every time
        self.send_response(503)
        self.send_header("Retry-After", "5")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(10**12))
        self.end_headers()
        self.wfile.write(b"\0" * 65536)


@pytest.fixture(scope="module")
def hostile():
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    Hostile.bomb = b"".join(deflate.compress(zeros) for _ in range(300)) + deflate.flush()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with fetch_policy.feed_host("http://127.0.0.1/feed.xml"):
        yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.network
def test_a_gzip_bomb_stops_at_the_bound_while_it_streams(hostile: str) -> None:
    assert len(Hostile.bomb) < 400_000                        # 0.3 MB that inflates to 300 MB
    tracemalloc.start()
    try:
        with pytest.raises(http.FetchError, match="larger once decompressed than the 4 MB"):
            chapters.fetch(f"{hostile}/bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * fetch_policy.CHAPTERS.max_bytes          # never the 300 MB


@pytest.mark.parametrize("route", ["drip", "slowheaders"])
@pytest.mark.network
def test_a_host_that_drips_is_cut_at_the_deadline(hostile: str, route: str,
                                                  http_sleeps: list[float]) -> None:
    limit = fetch_policy.Limit("chapters", fetch_policy.MiB, 1.0)
    Hostile.requests.clear()
    with pytest.raises(http.FetchError, match="took longer than the 1 s"):
        http.fetch(f"{hostile}/{route}", limit=limit)
    assert Hostile.requests[f"/{route}"] == 1 and http_sleeps == []   # once, not retried 4 times


@pytest.mark.parametrize("route", ["slow500", "throttled"])
@pytest.mark.network
def test_retries_share_one_deadline(hostile: str, route: str, http_sleeps: list[float]) -> None:
    """Each retry of a transient failure used to get a fresh deadline (five per fetch), and a
    Retry-After wait was slept whole past it. The waits the fetch asked for, together, fit in its
    one deadline (not 0.5 + 1 + 2 + 4 s of back-off, nor a 5 s Retry-After), and the host was not
    asked five times, however slowly this machine ran them."""
    limit = fetch_policy.Limit("chapters", fetch_policy.MiB, 1.0)
    Hostile.requests.clear()
    with pytest.raises(http.FetchError, match="took longer than the 1 s .* retries included"):
        http.fetch(f"{hostile}/{route}", limit=limit)
    assert http_sleeps and sum(http_sleeps) <= limit.deadline_s
    assert 1 <= Hostile.requests[f"/{route}"] <= 3 < 1 + http.RETRIES


@pytest.mark.parametrize("to, refused", [("http://cdn.example/a.mp3", True),
                                         ("HTTP://cdn.example/a.mp3", True),
                                         ("https://cdn.example/a.mp3", False)])
@pytest.mark.network
def test_a_redirect_from_https_down_to_http_is_refused(to: str, refused: bool) -> None:
    handler = http._RedirectHandler(http._Guard(fetch_policy.Policy(), 1.0, fetch_policy.FEED))
    request = urllib.request.Request("https://feeds.example/private/feed.xml?token=t")
    if refused:
        with pytest.raises(fetch_policy.Refused, match="down to http://cdn.example/"):
            handler.redirect_request(request, None, 302, "Found", {}, to)
    else:
        assert handler.redirect_request(request, None, 302, "Found", {}, to).full_url == to


@pytest.mark.network
def test_audio_past_its_bound_is_stopped_and_discarded(hostile: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_policy, "AUDIO_FLOOR", 4 * fetch_policy.MiB)
    assert fetch_policy.audio_limit(1000).max_bytes == 4 * fetch_policy.MiB
    dest = tmp_path / "a.audio"
    with pytest.raises(http.FetchError, match="is larger than the 4 MB"):
        http.download(f"{hostile}/endless", dest, expected_bytes=1000)
    with pytest.raises(http.FetchError, match="announces 1,000,000,000,000 bytes"):
        http.download(f"{hostile}/huge", dest, expected_bytes=1000)
    assert list(tmp_path.iterdir()) == []                      # no file, no .part


VTT_HEAD = "WEBVTT\n\n00:00.000 --> 00:05.000\n"
ADVERSARIAL = {
    "voice tags never closed": (tf.from_vtt, VTT_HEAD + "<v " * 200_000),
    "voice with spaces": (tf.from_vtt, VTT_HEAD + "<v.x" + " " * 600_000 + "x"),
    "tags never closed": (tf.from_vtt, VTT_HEAD + "<a" * 300_000),
    "timestamps never closed": (tf.from_vtt, VTT_HEAD + "<0" * 300_000),
    "a line of digits": (tf.from_vtt, "WEBVTT\n\n" + "1" * 600_000 + "\n"),
    "digits and colons": (tf.from_srt, "1\n" + "1:" * 300_000 + "\n"),
    "timings with no arrow": (tf.from_srt, "1\n" + "00:00:00,000 " * 50_000 + "\n"),
    "entities": (tf.from_vtt, VTT_HEAD + "&#" * 300_000),
    "cues with no blank line": (tf.from_srt, "1\n00:00:01,000 --> 00:00:02,000\nx\n" * 20_000),
    "JSON segments": (lambda text: tf.from_json(json.loads(text)), json.dumps(
        {"segments": [{"startTime": 1, "endTime": 0, "speaker": "<v ", "body": "<v " * 3}] * 10_000})),
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_every_transcript_reader_is_linear_on_adversarial_input(name: str) -> None:
    """0.5 to 1 MB each (the old voice pattern took 150 s on 120 KB of "<v ")."""
    reader, data = ADVERSARIAL[name]
    started = time.process_time()
    reader(data)
    assert time.process_time() - started < 5


def test_feed_parsers_refuse_entity_bombs_and_deep_nesting_in_bounded_time(host) -> None:
    entities = "".join(f'<!ENTITY e{i} "{("&e%d;" % (i - 1)) * 10 if i else "x" * 100}">'
                       for i in range(10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
            f"<title>&e9;</title><item><title>t</title><guid>g</guid></item></channel></rss>")
    parsed = feed.parse_feed(bomb.encode(), "http://127.0.0.1/feed.xml")
    assert len(parsed.title) < 1000                           # expat's amplification limit
    deep = json.dumps({"version": "1", "chapters": [0]}).replace("[0]", "[" * 100_000 + "]" * 100_000)
    url = host.add("deep.json", deep.encode())
    with fetch_policy.feed_host(host.url), pytest.raises(chapters.ChaptersError, match="not JSON"):
        chapters.fetch(url)
    # Shallow enough for json.loads here, too deep for the site build's stack to read again.
    stored = json.dumps({"version": "1", "chapters": [{"startTime": 0}], "x": [0]}).replace(
        "[0]", "[" * 400 + "]" * 400)
    with fetch_policy.feed_host(host.url), pytest.raises(chapters.ChaptersError, match="32 deep"):
        chapters.validate(chapters.fetch(host.add("stored.json", stored.encode())))


def _feed_with(body: str, head: str = "", encoding: str = "utf-8") -> bytes:
    return (f'<?xml version="1.0" encoding="{encoding}"?>{head}<rss version="2.0"><channel>'
            f"<title>t</title><item><title>t</title><guid>g</guid><description>{body}"
            "</description></item></channel></rss>").encode(encoding)


N = 50_000
SHAPES = {   # each took feedparser's strict pass from 13 s to 229 s
    "nested elements": (_feed_with("<a>" * N + "</a>" * N), "more than 256 deep"),
    "nested, never closed": (_feed_with("<a>" * N), "more than 256 deep"),
    "nested, in UTF-16": (_feed_with("<a>" * N + "</a>" * N, encoding="utf-16"), "256 deep"),
    "nested, in GB2312": (_feed_with("<a>" * N + "</a>" * N, encoding="gb2312"), "256 deep"),
    "attributes": (_feed_with("").replace(b"<description>", b"<description " + b" ".join(
        b'a%d="1"' % i for i in range(N)) + b">"), "more than 256 attributes"),
    "items": ((b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>' + b"".join(
        b"<item><title>t</title><guid>g%d</guid></item>" % i for i in range(N))
        + b"</channel></rss>"), "more than 20,000 items"),
    "Atom entries": ((b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t'
                      b"</title>" + b"".join(b"<entry><title>t</title><id>g%d</id></entry>" % i
                                             for i in range(N)) + b"</feed>"), "20,000 items"),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_a_feed_shaped_to_be_slow_to_parse_is_refused_at_once(name: str) -> None:
    raw, message = SHAPES[name]
    started = time.process_time()
    with pytest.raises(feed.FeedError, match=message):
        feed.parse_feed(raw, "http://127.0.0.1/feed.xml")
    assert time.process_time() - started < 2


def test_a_malformed_feed_nested_deep_is_read_by_the_linear_loose_parser() -> None:
    """expat stops at the first error (here an HTML entity); feedparser then reads the whole
    document with its loose parser, which is linear in depth (20,000: 1.5 s)."""
    raw = _feed_with("&nbsp;" + "<a>" * 10_000 + "</a>" * 10_000)
    started = time.process_time()
    assert [i["guid"] for i in feed.parse_feed(raw, "http://127.0.0.1/feed.xml").items] == ["g"]
    assert time.process_time() - started < 10


HTML_SHAPES = {   # html5ever in nh3: 20,000 nested <ul><li> took 50 s, 100,000 <div> 190 s
    "nested div": "<div>" * N + "words &lt;b&gt;" + "</div>" * N,
    "nested lists": "<ul><li>" * N + "words &lt;b&gt;",
    "attributes": "<a " + " ".join(f'a{i}="1"' for i in range(N)) + ">words &lt;b&gt;</a>",
}


@pytest.mark.parametrize("name", list(HTML_SHAPES))
def test_show_notes_and_titles_shaped_to_be_slow_are_read_as_text_in_linear_time(name: str) -> None:
    markup = HTML_SHAPES[name]
    started = time.process_time()
    notes = sanitise.clean_show_notes(markup, "http://127.0.0.1/feed.xml")
    title = sanitise.plain_text(markup)
    assert time.process_time() - started < 3
    assert notes == "<p>words &lt;b&gt;</p>" and title == "words <b>"
    sloppy = "<p>a<br>b<p>c<ul><li>d<li>e</ul><img src=x>" * 2_000      # real, flat, kept
    assert sanitise.clean_show_notes(sloppy).count("<li>") == 4_000


@pytest.mark.parametrize("tag", ["author", "itunes:author", "dc:creator", "managingEditor"])
def test_an_author_built_to_backtrack_parses_in_linear_time(tag: str) -> None:
    """feedparser's author e-mail regex is quadratic (kurtmckee/feedparser issue 562): 16 KB of
    `a.` took 20 s; this is 128 KB, in each element it is run on."""
    author = "a@" + "a." * 64_000 + "!"
    raw = (f'<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
           f'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>t</title>'
           f"<item><title>t</title><guid>g</guid><{tag}>{author}</{tag}></item></channel></rss>")
    started = time.process_time()
    assert [i["guid"] for i in feed.parse_feed(raw.encode(), "http://127.0.0.1/f").items] == ["g"]
    assert time.process_time() - started < 5


ATTACKS = ["</script><script>alert(1)</script>", "<!--<script>", "\u2028\u2029", "</SCRIPT >",
           '" onmouseover="alert(1)', "' autofocus onfocus='alert(1)", "javascript:alert(1)",
           "{{ config }}{% raw %}", "<img src=x onerror=alert(1)>", "]]><svg onload=alert(1)>",
           "&lt;/script&gt;", "\0<script>", "<![CDATA[<script>]]>"]


class _Structure(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, attrs))


def _tags(markup: str) -> list[tuple[str, list]]:
    parser = _Structure()
    parser.feed(markup)
    parser.close()
    return parser.tags


@pytest.mark.parametrize("attack", ATTACKS)
def test_feed_strings_are_escaped_for_each_context(attack: str) -> None:
    script = json_for_script({"name": attack, "url": attack})
    assert not set("<>&\u2028\u2029") & set(script)           # inert inside <script>
    assert json.loads(script) == {"name": attack, "url": attack}
    page = f'<p title="{text(attack)}">{text(attack)}</p>'    # attribute and HTML text
    assert _tags(page) == [("p", [("title", attack)])]
    notes = sanitise.clean_show_notes(f'<p>{attack}</p><a href="{attack}">x</a>{attack}',
                                      "http://127.0.0.1/feed.xml")
    for tag, attrs in _tags(notes):
        assert tag in sanitise.SHOW_NOTE_TAGS
        for name, value in attrs:
            assert not name.startswith("on")
            if name == "href" and urllib.parse.urlsplit(value).scheme:
                assert urllib.parse.urlsplit(value).scheme in ("http", "https", "mailto", "tel")
    for scheme in ("javascript:alert(1)", "data:text/html,<script>", "file:///etc/passwd",
                   "ftp://127.0.0.2/"):
        assert feed.fetchable("http://127.0.0.1/feed.xml", scheme) is None


def test_a_private_feeds_redirected_address_never_lands_anywhere(project, host, capsys,
                                                                 monkeypatch) -> None:
    """The configured address redirects to one holding a session token; relative show-notes
    links were resolved against it and published it."""
    token, session = "c0nfigured-T0KEN-1234", "s3ss10n-T0KEN-abcdef987"
    items = [{"title": "Members", "guid": "m1", "date": DATE,
              "notes": '<a href="notes.html">notes</a> <a href="?page=2">next</a>',
              "transcripts": [{"url": host.add("m.vtt", VTT), "type": "text/vtt"}]}]
    host.add(f"s/{session}/feed.xml", rss(items).encode())
    host.faults.redirects["/private/feed.xml"] = f"{host.url}/s/{session}/feed.xml?session={session}"
    monkeypatch.setenv(sync.FEED_ENV, f"{host.url}/private/feed.xml?auth={token}")
    assert cli.main(["sync"]) == 0
    assert cli.main(["sync"]) == 0                            # the 304 path too
    out = capsys.readouterr()
    record = episode_records(project / "episodes")[0]
    assert f"{host.url}/private/notes.html" in record["show_notes_html"]   # the configured base
    cached_feed = project / ".cache" / sync.FEED_CACHE_FILE
    for path in project.rglob("*"):
        if path.is_file() and path != cached_feed:
            for secret in (token, session):
                assert secret.encode() not in path.read_bytes(), path
    assert session not in out.out + out.err and token not in out.out + out.err


def _raw_request(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
            if b"\r\n\r\n" in reply:
                break
    return reply


@pytest.mark.parametrize("request_line, range_header, status", [
    (b"GET /a%00b HTTP/1.1", b"", {b"404"}),
    (b"GET /a\x00b HTTP/1.1", b"", {b"400", b"404"}),        # raw NUL (cpython issue 103223)
    (b"GET \x00 HTTP/1.1", b"", {b"400", b"404"}),
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1", b"", {b"414"}),
    (b"GET /" + b"a/" * 5_000 + b" HTTP/1.1", b"", {b"414"}),
    (b"GET /" + b"a" * 5_000 + b" HTTP/1.1", b"", {b"404"}),            # a name too long
    (b"GET /f.txt HTTP/1.1", b"Range: bytes=5-2\r\n", {b"416"}),
    (b"GET /f.txt HTTP/1.1", b"Range: bytes=" + b"9" * 5_000 + b"-\r\n", {b"416"}),
    (b"GET /f.txt HTTP/1.1", b"Range: bytes=0-" + b"9" * 5_000 + b"\r\n", {b"206"}),
    (b"GET /f.txt HTTP/1.1", b"Range: bytes=-" + b"9" * 5_000 + b"\r\n", {b"206"}),
    (b"GET /f.txt HTTP/1.1", b"Range: bytes=-\r\n", {b"416"}),
    (b"GARBAGE", b"", {b"400"}),
])
@pytest.mark.network
def test_the_local_server_answers_every_malformed_request_with_a_status(
        tmp_path: Path, request_line: bytes, range_header: bytes, status: set) -> None:
    (tmp_path / "f.txt").write_text("0123456789")
    server = StaticServer(tmp_path).start()
    try:
        reply = _raw_request(server.url, request_line + b"\r\nHost: x\r\n" + range_header
                             + b"Connection: close\r\n\r\n")
    finally:
        server.close()
    assert reply, "an empty reply"
    assert reply.split(b" ", 2)[1] in status, reply[:200]


def _episode(folder: Path, guid: str, **extra: object) -> None:
    folder.mkdir(parents=True)
    record = {**store.new_episode(guid, folder.name), **extra}
    (folder / "episode.json").write_text(json.dumps(record))


def test_a_hostile_artifact_costs_only_its_own_folders(tmp_path: Path) -> None:
    here = tmp_path / "episodes"
    _episode(here / "2024-01-01-mine", "mine")
    shard = tmp_path / "shard" / "episodes"
    _episode(shard / "2024-02-01-good", "good")
    _episode(shard / "2024-02-02-slug", "other", slug="2024-01-01-mine")      # names my folder
    _episode(shard / "2024-02-03-guid", "mine")                               # my episode's guid
    _episode(shard / "2024-02-04-raw", "raw", status="transcribed", transcribed_at="2024")
    (shard / "2024-02-04-raw" / "transcript.vtt").write_text("copied before the check")
    (shard / "2024-02-04-raw" / "transcript.raw.json").write_text('{"segments": [{"x": 1}]}')
    _episode(shard / "2024-02-05-link", "link")
    (shard / "2024-02-05-link" / "chapters.json").symlink_to("/etc/passwd")
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "episodes").symlink_to(shard)                                    # a linked episodes/

    report = merge([tmp_path / "shard", linked], here)

    assert report.merged == ["2024-02-01-good"]
    refused = dict(report.refused)
    assert set(refused) == {"2024-02-02-slug", "2024-02-03-guid", "2024-02-04-raw",
                            "2024-02-05-link", str(linked / "episodes")}
    assert "another folder" in refused["2024-02-02-slug"]
    assert "belongs to the episode in '2024-01-01-mine'" in refused["2024-02-03-guid"]
    assert "symbolic link" in refused["2024-02-05-link"]
    assert sorted(p.name for p in here.iterdir()) == ["2024-01-01-mine", "2024-02-01-good"]
    assert json.loads((here / "2024-01-01-mine" / "episode.json").read_text())["guid"] == "mine"


def test_an_artifacts_hard_links_fifos_huge_and_deep_files_cost_only_their_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    from companion.pipeline import merge as merge_module
    monkeypatch.setattr(merge_module, "MAX_FILE_BYTES", 1024 * 1024)
    here = tmp_path / "episodes"
    here.mkdir()
    shard = tmp_path / "shard" / "episodes"
    outside = tmp_path / "runner-secret.txt"
    outside.write_text(SECRET)
    _episode(shard / "2024-03-01-good", "good")
    _episode(shard / "2024-03-02-hardlink", "hardlink")
    os.link(outside, shard / "2024-03-02-hardlink" / "chapters.json")
    _episode(shard / "2024-03-03-fifo", "fifo")
    os.mkfifo(shard / "2024-03-03-fifo" / "chapters.json")
    _episode(shard / "2024-03-04-huge", "huge")
    with open(shard / "2024-03-04-huge" / "transcript.txt", "wb") as huge:
        huge.truncate(2 * 1024 * 1024)                                       # sparse: instant
    _episode(shard / "2024-03-05-deep", "deep", status="transcribed", transcribed_at="2024")
    (shard / "2024-03-05-deep" / "transcript.raw.json").write_text("[" * 100_000 + "]" * 100_000)
    (shard / "2024-03-06-deepjson").mkdir()
    (shard / "2024-03-06-deepjson" / "episode.json").write_text("[" * 100_000 + "]" * 100_000)
    (shard / "2024-03-07-linkedjson").mkdir()
    os.link(outside, shard / "2024-03-07-linkedjson" / "episode.json")

    report = merge([tmp_path / "shard"], here)

    assert report.merged == ["2024-03-01-good", "2024-03-03-fifo"]           # the FIFO left out
    refused = dict(report.refused)
    assert "other hard links" in refused["2024-03-02-hardlink"]
    assert "more than an episode's file may be" in refused["2024-03-04-huge"]
    assert "is not JSON" in refused["2024-03-05-deep"]
    assert {"2024-03-06-deepjson", "2024-03-07-linkedjson"} <= set(refused)
    assert not (here / "2024-03-03-fifo" / "chapters.json").exists()
    assert SECRET.encode() not in every_file_bytes(here)


@pytest.mark.parametrize("separator", ["\n", "\r", "\x85", "\u2028", "\u2029", "\x0b", "\x1c"])
def test_an_episode_title_cannot_end_a_ris_or_bibtex_record(separator: str) -> None:
    """RIS is one field a line; str.splitlines() (and readers built on it) also break at NEL,
    U+2028/2029 and the C0 separators, where a title could end the record and start another."""
    from companion.course import exports
    title = f"Ep 7{separator}ER  - {separator}TY  - JOUR{separator}TI  - injected"
    entry = {"id": "ep7", "type": "song", "title": title, "URL": f"https://x/{separator}ER  - "}
    lines = exports.ris([entry]).splitlines()
    assert [line[:6] for line in lines] == ["TY  - ", "TI  - ", "UR  - ", "ER  - "]
    record = exports.bibtex([entry])
    assert len(record.splitlines()) == len(exports.bibtex([{**entry, "title": "t",
                                                           "URL": "https://x/"}]).splitlines())
