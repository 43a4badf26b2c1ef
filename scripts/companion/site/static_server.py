"""A small static file server for 127.0.0.1 that speaks what podcast clients and browsers use:
ETag / If-None-Match (304), Range (206, so audio can seek and downloads can resume) and gzip.

Used by `companion demo` to serve the sample podcast and the built site, and by the tests as the
base of a server that fails on purpose. Python's own SimpleHTTPRequestHandler has no Range, sends
HTML and text without a charset (browsers then guess windows-1252 for a transcript fragment) and
answers a missing page with its own bare error page; this one names UTF-8 and serves the site's
`404.html` when the root has one.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import mimetypes
import re
import threading
import urllib.parse
from pathlib import Path

GZIP_TYPES = ("text/", "application/xml", "application/rss+xml", "application/json",
              "application/javascript")
EXTRA_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".rss": "application/rss+xml",
               ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".opus": "audio/ogg",
               ".js": "application/javascript", ".json": "application/json",
               ".wasm": "application/wasm", ".pf_meta": "application/octet-stream"}
# Types whose bytes are text: everything the project writes is UTF-8, so the header says so
# (RFC 9110 section 8.3.1; without it, HTML and plain text fall back to the browser's locale guess).
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml",
              "application/rss+xml", "application/x-subrip", "image/svg+xml")
NOT_FOUND_PAGE = "404.html"
_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)$")
MAX_PATH_CHARS = 8000         # RFC 9112 section 3: "at least 8000 octets"; longer is 414


def etag_of(data: bytes) -> str:
    """A strong ETag for a file's bytes."""
    return '"' + hashlib.sha1(data).hexdigest()[:16] + '"'


def with_charset(kind: str) -> str:
    """`text/plain` -> `text/plain; charset=utf-8` for every text type; other types unchanged."""
    return f"{kind}; charset=utf-8" if kind.startswith(TEXT_TYPES) and "charset=" not in kind else kind


def content_type(path: Path) -> str:
    """The Content-Type for a file by its suffix, with `charset=utf-8` on every text type."""
    return with_charset(EXTRA_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
                        or "application/octet-stream")


UNSATISFIABLE = (-1, -1)


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte positions one `Range: bytes=...` header asks of a `size`-byte file;
    None to send the whole file (no Range, several ranges or another unit, which a server may
    ignore); UNSATISFIABLE for a range the file cannot give (starts past its end) or an invalid
    one ("bytes=5-2", "bytes=-", RFC 9110 section 14.1.1). Numbers of any length are read
    (Python's int() refuses more than 4300 digits)."""
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first_text, last_text = (g.lstrip("0") or ("0" if g else "") for g in match.groups())
    if not first_text and not last_text:
        return UNSATISFIABLE
    huge = 19                                     # digits beyond any real file
    if not first_text:                            # a suffix: the last N bytes
        suffix = size if len(last_text) >= huge else int(last_text)
        return (max(size - suffix, 0), size - 1) if suffix and size else UNSATISFIABLE
    if len(first_text) >= huge or int(first_text) >= size:
        return UNSATISFIABLE
    first = int(first_text)
    last = size - 1 if not last_text or len(last_text) >= huge else min(int(last_text), size - 1)
    if last_text and len(last_text) < huge and int(last_text) < first:
        return UNSATISFIABLE
    return first, last


class StaticHandler(http.server.BaseHTTPRequestHandler):
    """Serves files under `self.server.root`; directories serve their index.html."""

    server: "StaticServer"
    protocol_version = "HTTP/1.1"
    # A request line that cannot be read is answered with a status line, not HTTP/0.9's bare body.
    default_request_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        # A request refused before it was parsed (400, 414) has no command or path yet.
        """Keep one line per request ("METHOD path status") in the server's log instead of stderr."""
        command, path = getattr(self, "command", None) or "-", getattr(self, "path", None) or "-"
        self.server.log.append(f"{command} {path[:200]} {args[1] if len(args) > 1 else ''}")

    def resolve(self) -> Path | None:
        """The file for the request path, never outside the root; None for a path no file can
        have (a NUL, a name longer than the file system allows)."""
        rel = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
        try:
            target = (self.server.root / rel).resolve()
            if not target.is_relative_to(self.server.root):
                return None
            if target.is_dir():
                target = target / "index.html"
            return target if target.is_file() else None
        except (OSError, ValueError):          # ENAMETOOLONG, ELOOP, "embedded null byte"
            return None

    def parse_request(self) -> bool:
        """The standard parse, then 414 for a path longer than MAX_PATH_CHARS (a status, never
        an empty reply)."""
        if not super().parse_request():
            return False
        if len(self.path) > MAX_PATH_CHARS:
            self.send_error(414)
            return False
        return True

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        """HEAD: as GET, headers only."""
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:  # noqa: N802 - stdlib name
        """GET: the file the path names (a folder's index.html), never outside the root, else the
        site's 404 page."""
        path = self.resolve()
        if path is None:
            self.send_not_found(head)
            return
        data = path.read_bytes()
        self.send_file(data, content_type(path), head)

    def send_not_found(self, head: bool = False) -> None:
        """404 with the site's own page (MkDocs writes `404.html` at the root), else a plain one."""
        page = self.server.root / NOT_FOUND_PAGE
        if not page.is_file():
            self.send_error(404)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", content_type(page))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def send_file(self, data: bytes, kind: str, head: bool = False) -> None:
        """Send `data` as `kind` as GitHub Pages does: ETag and If-None-Match (304), Range and If-Range
        (206, or 416 for a range past the end, RFC 9110 14), the whole body otherwise; `head` sends the
        headers only."""
        etag = etag_of(data)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body, extra = 200, data, {}
        wanted = byte_range(self.headers.get("Range", ""), len(data))
        if_range = self.headers.get("If-Range")
        if if_range and if_range != etag:
            wanted = None                     # RFC 9110 13.1.5: changed file, send it whole
        if wanted == UNSATISFIABLE:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if wanted:
            first, last = wanted
            status, body = 206, data[first:last + 1]
            extra["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
        elif kind.startswith(GZIP_TYPES) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(data)
            extra["Content-Encoding"] = "gzip"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Access-Control-Allow-Origin", "*")   # PC2.0: players fetch transcripts
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)


class StaticServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0,
                 handler: type[StaticHandler] = StaticHandler):
        self.root = Path(root).resolve()
        self.log: list[str] = []
        super().__init__((host, port), handler)

    @property
    def url(self) -> str:
        """The server's base URL, "http://HOST:PORT" (no trailing slash)."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "StaticServer":
        """Serve in a daemon thread; returns self."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()
