"""A podcast host on 127.0.0.1 for the tests: serves feeds and audio with ETag, Range, If-Range
and gzip (companion.site.static_server), counts every request, and fails on purpose where a test asks
it to: errors, throttling with Retry-After, cut connections, a file re-uploaded mid-download,
a host that ignores If-Range."""

from __future__ import annotations

import base64
import gzip
import html
import re
import http.client
import http.server
import ssl
import threading
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from companion.site.static_server import StaticHandler, StaticServer, content_type, etag_of


@dataclass
class Faults:
    """Per-path misbehaviour. Counts are how many requests misbehave before service is normal."""

    status: dict[str, int] = field(default_factory=dict)        # path -> HTTP status, always
    fail_5xx: Counter = field(default_factory=Counter)          # path -> times to answer 503
    truncate: Counter = field(default_factory=Counter)          # path -> times to cut the body
    ignore_validators: bool = False                             # never answer 304
    ignore_if_range: bool = False                               # Range served even if changed
    redirects: dict[str, str] = field(default_factory=dict)     # path -> Location (301)
    redirect_codes: dict[str, int] = field(default_factory=dict)  # path -> 302, 307, 308...
    throttle: dict[str, list] = field(default_factory=dict)     # path -> [times, Retry-After,
                                                                #          status (429 or 503)]
    reupload: dict[str, bytes] = field(default_factory=dict)    # path -> new bytes, put in place
                                                                # right after a truncated answer
    types: dict[str, str] = field(default_factory=dict)         # path -> Content-Type served
    gzip_always: set[str] = field(default_factory=set)          # sent gzip-encoded, asked or not
    gzip_members: set[str] = field(default_factory=set)         # ... as two gzip members (RFC 1952)
    chunked: set[str] = field(default_factory=set)              # sent chunked, no Content-Length
    gzip_declared: set[str] = field(default_factory=set)        # `Content-Encoding: gzip` on a
                                                                # body sent as it is (curl#8928)
    basic_auth: str | None = None                               # "user:password": every path
                                                                # answers 401 without it
    range_as_200: bool = False                                  # a range sent as 206 should be,
                                                                # under the status 200
    not_modified: set[str] = field(default_factory=set)         # 304 to every request
    stitched: set[str] = field(default_factory=set)             # another file every request
                                                                # (dynamic ad insertion)
    close_delimited: set[str] = field(default_factory=set)      # a whole-file answer with no
                                                                # length: its end is the close
    no_validators: set[str] = field(default_factory=set)        # sent with no ETag (a host
                                                                # that gives no validators)
    cookie_gate: set[str] = field(default_factory=set)          # 302 to itself (a new query
                                                                # each time) setting a cookie,
                                                                # until the cookie comes back
    refuse_agents: bool = False                                 # 403 from "cloudflare" to a
                                                                # library's default User-Agent,
                                                                # none, or no Accept (bot rules)


# User-Agents that podcast CDNs and firewalls refuse (podgrab#313 "Go-http-client/1.1",
# dplocki/podcast-downloader#33 urllib's default, podly#132 python-requests, tt-rss#226, CBC)
LIBRARY_AGENTS = re.compile(r"^$|python-urllib|python-requests|go-http-client|^curl/|^wget/|"
                            r"aiohttp|httpx|okhttp|java/|libwww-perl", re.IGNORECASE)


def refused_agent(headers) -> bool:
    """Does a bot rule refuse this request: a library's default User-Agent, none, or no Accept."""
    return bool(LIBRARY_AGENTS.search(headers.get("User-Agent", ""))) or not headers.get("Accept")


class FaultyHandler(StaticHandler):
    server: "PodcastServer"

    def send_response(self, code: int, message: str | None = None) -> None:
        if code == 206 and self.server.faults.range_as_200:   # modelscope_hub#50
            code = 200
        super().send_response(code, message)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword == "ETag" and self.path.split("?", 1)[0] in self.server.faults.no_validators:
            return
        super().send_header(keyword, value)

    def do_GET(self, head: bool = False) -> None:  # noqa: N802 - stdlib name
        path = self.path.split("?", 1)[0]
        self.server.requests[path] += 1
        self.server.headers_seen.append((path, dict(self.headers)))
        faults = self.server.faults
        if faults.refuse_agents and refused_agent(self.headers):
            self.send_response_only(403)            # its own Server header, no other
            self.send_header("Server", "cloudflare")
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            body = b"<!DOCTYPE html><title>Attention Required! | Cloudflare</title>"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path in faults.redirects:
            self.send_response(faults.redirect_codes.get(path, 301))
            self.send_header("Location", faults.redirects[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path in faults.status:
            self.send_error(faults.status[path])
            return
        if path in faults.not_modified:
            self.send_response(304)
            self.end_headers()
            return
        if path in faults.cookie_gate and "gate=passed" not in self.headers.get("Cookie", ""):
            self.send_response(302)             # art19's way (airsonic#1013)
            self.send_header("Location", f"{path}?visit={self.server.requests[path]}")
            self.send_header("Set-Cookie", "gate=passed; Path=/; HttpOnly")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if faults.basic_auth is not None:
            given = self.headers.get("Authorization", "")
            if given != "Basic " + base64.b64encode(faults.basic_auth.encode()).decode():
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="members"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if faults.throttle.get(path, [0])[0] > 0:
            faults.throttle[path][0] -= 1
            self.send_response(faults.throttle[path][2] if len(faults.throttle[path]) > 2 else 429)
            self.send_header("Retry-After", str(faults.throttle[path][1]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if faults.fail_5xx[path] > 0:
            faults.fail_5xx[path] -= 1
            self.send_error(503)
            return
        if faults.ignore_validators:
            del self.headers["If-None-Match"]
        if faults.ignore_if_range:
            del self.headers["If-Range"]
        target = self.resolve()
        if target is None:
            self.send_error(404)
            return
        data = target.read_bytes()
        if path in faults.stitched:             # an ad of its own in every answer
            data += b"ad" * self.server.requests[path]         # of its own length, too
        if faults.truncate[path] > 0 and "Range" not in self.headers:
            faults.truncate[path] -= 1
            self.send_response(200)
            self.send_header("Content-Type", content_type(target))
            if path in faults.gzip_always:
                data = gzip.compress(data)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", etag_of(data))
            self.end_headers()
            self.wfile.write(data[: len(data) // 3])
            self.wfile.flush()
            self.close_connection = True
            if path in faults.reupload:           # the publisher replaces the file meanwhile
                target.write_bytes(faults.reupload.pop(path))
            return
        if path in faults.close_delimited and "Range" not in self.headers:
            self.send_response(200)             # HTTP/1.0's framing (RFC 9112 section 6.3 rule 8)
            self.send_header("Content-Type", content_type(target))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True
            return
        if path in faults.gzip_always or path in faults.chunked or path in faults.gzip_declared:
            body = data
            if path in faults.gzip_always:
                half = len(data) // 2 if path in faults.gzip_members else len(data)
                body = gzip.compress(data[:half]) + (gzip.compress(data[half:]) if data[half:] else b"")
            self.send_response(200)
            self.send_header("Content-Type", faults.types.get(path) or content_type(target))
            if path in faults.gzip_always or path in faults.gzip_declared:
                self.send_header("Content-Encoding", "gzip")
            if path in faults.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for start in range(0, len(body), 65536):
                    piece = body[start:start + 65536]
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            return
        self.send_file(data, faults.types.get(path) or content_type(target), head)


class PodcastServer(StaticServer):
    def __init__(self, root: Path):
        self.requests: Counter = Counter()
        self.headers_seen: list[tuple[str, dict]] = []
        self.faults = Faults()
        super().__init__(root, handler=FaultyHandler)


class TLSPodcastServer(PodcastServer):
    """The same host over https (TLS with `cert` and `key`, PEM files), for redirects between
    https and http."""

    def __init__(self, root: Path, cert: Path, key: Path):
        super().__init__(root)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(self.socket, server_side=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"https://{host}:{port}"


class ForwardProxy(http.server.ThreadingHTTPServer):
    """An HTTP forward proxy on 127.0.0.1 (what HTTP_PROXY names): takes absolute-form requests
    (`GET http://podcast.test/feed.xml`, RFC 9112 section 3.2.2) for any host and relays them,
    headers and all, to `upstream` (a PodcastServer), noting every URL asked for."""

    def __init__(self, upstream: str):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.asked: list[str] = []
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "ForwardProxy":
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    server: ForwardProxy

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.server.asked.append(self.path)
        target = urllib.parse.urlsplit(self.path)
        connection = http.client.HTTPConnection(self.server.upstream.hostname,
                                                self.server.upstream.port, timeout=10)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "proxy-connection", "connection")}
        connection.request("GET", target.path + (f"?{target.query}" if target.query else ""),
                           headers=headers)
        reply = connection.getresponse()
        body = reply.read()
        self.send_response(reply.status)
        for name, value in reply.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def rss(items: list[dict], title: str = "Test Podcast", new_feed_url: str | None = None) -> str:
    """A small RSS feed; item values are inserted as given (tests pass hostile text on purpose).

    An item's guid is written with isPermaLink="false" unless the item says `"permalink": True`
    (then with no attribute: RSS's default, "a permalink")."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
           'xmlns:podcast="https://podcastindex.org/namespace/1.0">',
           f"<channel><title>{html.escape(title)}</title><link>http://127.0.0.1/</link>"]
    if new_feed_url:
        out.append(f"<itunes:new-feed-url>{html.escape(new_feed_url)}</itunes:new-feed-url>")
    for item in items:
        out.append("<item>")
        out.append(f"<title>{item.get('title_xml') or html.escape(item.get('title', ''))}</title>")
        if item.get("guid") is not None:
            attribute = "" if item.get("permalink") else ' isPermaLink="false"'
            out.append(f"<guid{attribute}>{html.escape(item['guid'])}</guid>")
        if item.get("date"):
            out.append(f"<pubDate>{item['date']}</pubDate>")
        if item.get("duration"):
            out.append(f"<itunes:duration>{item['duration']}</itunes:duration>")
        if item.get("episode"):
            out.append(f"<itunes:episode>{item['episode']}</itunes:episode>")
        if item.get("audio"):
            length = f' length="{item["length"]}"' if item.get("length") else ""
            out.append(f'<enclosure url="{html.escape(item["audio"])}"{length} type="audio/mpeg"/>')
        if item.get("notes") is not None:
            out.append(f"<description>{html.escape(item['notes'])}</description>")
        for transcript in item.get("transcripts", []):
            language = f' language="{transcript["language"]}"' if transcript.get("language") else ""
            out.append(f'<podcast:transcript url="{transcript["url"]}" type="{transcript["type"]}"'
                       f'{language}/>')
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out)
