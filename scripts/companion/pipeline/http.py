"""HTTP for feeds and audio: timeouts, redirects, gzip, validators, retries, resumable downloads.

Plain urllib, so the pipeline has no HTTP dependency beyond the standard library. Every URL is
made a valid URI first (`urls.to_uri`: feeds carry spaces and accented letters). Transient
failures (5xx, resets, timeouts) are retried with exponential back-off; client errors (4xx) are
not, because asking again will not change the answer. A 429 or 503 with `Retry-After`
(RFC 9110 section 10.2.3) is waited out when the wait is short and the run's waiting budget allows;
otherwise the request fails saying when the host asked to be asked again.

The proxies the environment names (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`, as curl, pip and
gPodder read them; urllib's `ProxyHandler`) are used: on a network that reaches the web only
through a proxy, nothing else works. The proxy is the operator's choice and is connected to as
given; the policy is then checked on the host asked for (its address when this machine can
resolve it; a name only the proxy can resolve is the proxy's to judge).

A URL's user-info (`https://user:pass@host/feed`, how private feeds behind HTTP Basic
authentication are given) is taken out of the request line and sent, percent-decoded (RFC 3986
section 3.2.1), as Basic credentials (RFC 7617) to that origin only (urllib's
`HTTPPasswordMgrWithPriorAuth`): never to a host a redirect leads to.

Every request goes through `fetch_policy`: http(s) only on every hop, no reserved address other
than the feed's own host, checked on the address each connection uses; a size bound per kind of
download counted on decompressed bytes as they arrive, and a deadline for the whole fetch (a
watchdog closes the socket, so a host that sends one byte every 29 s cannot hold the run).

Redirects are followed as browsers follow them: up to `MAX_REDIRECTS` hops (tracking prefixes
chain: op3 -> podtrac -> chartable -> the host -> its CDN), with the cookies the hops set sent back
on the later hops of the same fetch (`http.cookiejar`, RFC 6265: hosts such as art19 redirect to
themselves until the cookie they set comes back; airsonic#1013). The jar lives for one fetch.

Plain http where https was asked for follows the run's rule (`fetch_policy.Policy.check_clear`),
checked on the first request and on every redirect: refused, except a public feed's audio
redirected down to a CDN's http address, which is followed and said (`download(notes=...)`), so
the episode can carry a visible note.

A download resumes only when the host confirms the file is the one whose head is on disk
(RFC 9110 section 13.1.5, `If-Range` with the validator recorded when the download started);
a 200, a 416, or a 206 for another file starts it again from zero.
"""

from __future__ import annotations

import codecs
import email.message
import email.utils
import hashlib
import http.client
import http.cookiejar
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from companion import __version__, urls
from companion.errors import PipelineError
from companion.pipeline import fetch_policy, sniff, store
from companion.pipeline.fetch_policy import Limit, Refused

TIMEOUT_S = 30.0             # per connect/read; a stalled server fails instead of hanging
RETRIES = 4                  # attempts after the first, for transient failures only
BACKOFF_S = 0.5              # first retry delay; doubles each time
CHUNK_BYTES = 256 * 1024     # download read size
PRODUCT = f"FallFromGraceCompanion/{__version__}"   # product/version (RFC 9110 section 10.1.5)
ACCEPT = "*/*"               # browsers' and podcast apps' default; some hosts and firewalls refuse
                             # a request with no Accept at all (podgrab#322, akhilrex/podgrab#313)
RETRY_AFTER_MAX_S = 30.0     # a longer Retry-After fails the request; the next run asks again
RUN_WAIT_BUDGET_S = 120.0    # all Retry-After waits of one run together (one sync, many episodes)
RETRY_AFTER_SHOWN_MAX_S = 366 * 86400.0   # a later Retry-After (year 9999, 10**20 s) is not
                                          # added to the clock: datetime cannot hold the sum
THROTTLED = (429, 503)       # the statuses whose Retry-After we honour
PERMANENT = (301, 308)       # redirects that say the resource moved for good (RFC 9110 15.4)
FIREWALLS = ("cloudflare", "cloudfront", "akamaighost", "sucuri", "ddos-guard")   # `Server`
                             # names of CDNs whose bot rules answer 403 for the host behind them
MAX_REDIRECTS = 20           # Chromium's and Firefox's limit; urllib's own 10 is passed by
                             # chains of tracking prefixes (podverse-rn#2161: pdst.fm -> chrt.fm
                             # -> arttrk.com -> ...)

T = TypeVar("T")

_TRANSIENT = (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError,
              http.client.IncompleteRead, http.client.RemoteDisconnected)


class FetchError(PipelineError):
    """A request failed for good; the message is fit to show the maintainer."""


class NotAudio(PipelineError):
    """The host answered a request for audio with something else (a web page)."""


class DeadlineExceeded(PipelineError):
    """A fetch took longer than its kind's deadline (not retried: the host is too slow)."""


class _Guard:
    """One fetch's connections: each made to an address the policy allows, all closed by a
    watchdog when the fetch's deadline passes, and the redirects followed on the way."""

    def __init__(self, policy: fetch_policy.Policy, seconds: float, limit: Limit,
                 with_credentials: bool = False, asked: str = ""):
        self.policy = policy
        self.limit = limit                # the kind of download: what the policy allows it
        self.with_credentials = with_credentials   # the URL asked for holds user-info
        self.asked = asked                # the URL the fetch began with: a hop to http is a step
                                          # down only from what was asked for over https
        self.hops: list[str] = []
        self.moved_to: str | None = None  # where an unbroken chain of 301/308s from the start led
        self._permanent = True            # every hop so far was permanent
        self.insecure: list[str] = []     # the http hosts redirected down to
        self.proxies: set[str] = set()    # proxy hosts this fetch goes through (from the environment)
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Guard":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        self.expired = True
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def connect(self, address: tuple[str, int], timeout: object = None,
                source_address: object = None) -> socket.socket:
        """socket.create_connection, to an allowed address of `address`'s host only."""
        host, port = address
        last: OSError | None = None
        found = (socket.getaddrinfo(host, port, type=socket.SOCK_STREAM) if host in self.proxies
                 else self.policy.addresses(host, port))
        for family, kind, proto, _name, sockaddr in found:
            if self.expired:               # a redirect after the deadline: no new connection
                raise socket.timeout(f"deadline passed before connecting to {host}")
            sock = socket.socket(family, kind, proto)
            if isinstance(timeout, (int, float)):
                sock.settimeout(timeout)
            self._sockets.append(sock)
            try:
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
        raise last or OSError(f"cannot connect to {host}")


def _guarded(base: type[http.client.HTTPConnection],
             guard: _Guard) -> Callable[..., http.client.HTTPConnection]:
    """A connection factory for urllib's do_open whose sockets go through `guard`."""
    def make(host: str, **kwargs: object) -> http.client.HTTPConnection:
        connection = base(host, **kwargs)
        connection._create_connection = guard.connect     # every connection, every redirect
        return connection
    return make


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def http_open(self, req: urllib.request.Request):
        return self.do_open(_guarded(http.client.HTTPConnection, self.guard), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def https_open(self, req: urllib.request.Request):
        return self.do_open(_guarded(http.client.HTTPSConnection, self.guard), req,
                            context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows http(s) redirects only (urllib alone follows one to ftp://), up to MAX_REDIRECTS,
    noting each hop; from https down to http only when the run's policy allows it for this kind
    of download (`Policy.check_clear`), noting the http host."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - stdlib
        try:
            self.guard.policy.check_scheme(newurl)
        except Refused as exc:
            raise Refused(f"redirected to {exc}") from None
        # Judged against what was asked for, not the previous hop: an http address that a
        # CDN sends through https and back to http (http -> https -> http) was never asked for
        # securely, and the first request already crossed the network in clear.
        asked = self.guard.asked or req.full_url
        came_from = asked if urllib.parse.urlsplit(asked).scheme.lower() == "http" else req.full_url
        if self.guard.policy.check_clear(newurl, self.guard.limit, came_from,
                                         self.guard.with_credentials):
            self.guard.insecure.append(urllib.parse.urlsplit(newurl).hostname or "")
        self.guard.hops.append(newurl)
        self.guard._permanent = self.guard._permanent and code in PERMANENT
        if self.guard._permanent:
            self.guard.moved_to = newurl
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _ProxyHandler(urllib.request.ProxyHandler):
    """The environment's proxies (urllib reads `*_proxy` and `no_proxy`); the host asked for is
    checked against the policy before the request goes to the proxy, and the proxy's host is
    the one connection the policy does not judge (the operator set it)."""

    def __init__(self, guard: _Guard):
        super().__init__()                        # None: urllib.request.getproxies()
        self.guard = guard

    def proxy_open(self, req, proxy, type):  # noqa: A002, ANN001 - stdlib signature
        if req.host and urllib.request.proxy_bypass(req.host):
            return None
        target = urllib.parse.urlsplit(f"//{req.host}")
        self.guard.policy.check_host(target.hostname or "", target.port or 80)
        self.guard.proxies.add(urllib.parse.urlsplit(
            proxy if "://" in proxy else f"//{proxy}").hostname or "")
        return super().proxy_open(req, proxy, type)


def _credentials(uri: str) -> tuple[str, urllib.request.BaseHandler | None]:
    """`uri` without its user-info, and a handler that sends Basic credentials to `uri`'s origin
    only: its own user-info, else the run's feed's when `uri` is on the feed's origin (a private
    feed's audio); None when there are none."""
    own = fetch_policy.user_info(uri)
    parts = urllib.parse.urlsplit(uri)
    bare = parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl() if own else uri
    run = fetch_policy.current().credentials
    found = own or (run if run and run[0] == fetch_policy.origin(uri) else None)
    if not found:
        return bare, None
    manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
    manager.add_password(None, found[0], found[1], found[2], is_authenticated=True)
    return bare, urllib.request.HTTPBasicAuthHandler(manager)


def _opener(guard: _Guard, auth: urllib.request.BaseHandler | None = None
            ) -> urllib.request.OpenerDirector:
    """An opener with http and https only (no ftp, file or data handlers), the environment's
    proxies, a cookie jar for this fetch alone and, when given, Basic credentials for the URL's
    own origin."""
    opener = urllib.request.OpenerDirector()
    jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    for handler in (_ProxyHandler(guard), _HTTPHandler(guard), _HTTPSHandler(guard),
                    _RedirectHandler(guard), jar, urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor(), auth):
        if handler is not None:
            opener.add_handler(handler)
    return opener


def _read_body(reply, limit: Limit, url: str) -> bytes:
    """The body of `reply` as the document it holds; raise TooLarge as soon as what it announces
    or what has arrived (decompressed) passes `limit.max_bytes`.

    Hosts get gzip wrong both ways, and a text document (feed, transcript, chapters) never starts
    with gzip's magic bytes, so the bytes decide: a body declared `Content-Encoding: gzip` that is
    not gzip is kept as sent (PHP's zlib.output_compression: curl#8928, node-feedparser#277), and
    a body that is gzip once decoded, or undeclared (a `.xml.gz` stored as is, a proxy that
    compresses twice: AntennaPod#89, apache/trafficcontrol#1737), is inflated once more."""
    announced = reply.headers.get("Content-Length", "")
    unzip = _Unzip(reply)
    if not unzip.on and announced.isdigit() and int(announced) > limit.max_bytes:
        raise fetch_policy.TooLarge(_too_large(url, limit, f"announces {int(announced):,} bytes"))
    out = bytearray()

    def grow(pieces: Iterator[bytes], decompressed: bool) -> None:
        for piece in pieces:
            out.extend(piece)
            if len(out) > limit.max_bytes:
                raise fetch_policy.TooLarge(_too_large(url, limit, "is larger" + (
                    " once decompressed" if decompressed else "")))

    while chunk := reply.read1(CHUNK_BYTES):
        grow(unzip.pieces(chunk), unzip.on)
    out.extend(unzip.rest())
    if out[:2] == b"\x1f\x8b":                  # gzip inside: inflated once, never more
        inner, gunzip = bytes(out), _Gunzip()
        out.clear()
        for start in range(0, len(inner), CHUNK_BYTES):
            grow(gunzip.pieces(inner[start:start + CHUNK_BYTES], CHUNK_BYTES), True)
        out.extend(gunzip.rest())
    return bytes(out)


def _too_large(url: str, limit: Limit, what: str) -> str:
    return (f"{url} {what} than the {limit.max_bytes // fetch_policy.MiB} MB a {limit.kind} may "
            f"be; not read further")


class WaitBudget:
    """Seconds of Retry-After waiting left for this run; `companion sync` resets it per run."""

    def __init__(self, seconds: float = RUN_WAIT_BUDGET_S):
        self.total = seconds
        self.left = seconds

    def reset(self) -> None:
        """Give back the whole budget (at the start of each run)."""
        self.left = self.total

    def take(self, seconds: float) -> bool:
        """True (and the seconds spent) when `seconds` fit in what is left."""
        if seconds > self.left:
            return False
        self.left -= seconds
        return True


budget = WaitBudget()

_site_url = ""               # the published site the requests are made for (`identify`)


def identify(site_url: str) -> None:
    """Name `site_url` (mkdocs.yml `site_url`, "" when unset) in the User-Agent of every later
    request, so a host's operator can see who fetches and why (gPodder sends `gPodder/3.x
    (+https://gpodder.github.io/)`; AntennaPod, audiobookshelf likewise). Hosts and firewalls
    refuse the default User-Agents of HTTP libraries (`Python-urllib/3.x`, `python-requests`,
    `Go-http-client`: podgrab#313, dplocki/podcast-downloader#33, audiobookshelf#3322); an
    honest product name is what podcast apps send and what podcast hosts' lists of apps know
    (opawg/user-agents)."""
    global _site_url
    _site_url = site_url.strip()


def user_agent() -> str:
    """The User-Agent sent with every request: `FallFromGraceCompanion/<version>
    (+<site_url>; podcast transcripts)`, the URL left out until one is set (`identify`)."""
    contact = f"+{_site_url}; " if _site_url.startswith(("http://", "https://")) else ""
    return f"{PRODUCT} ({contact}podcast transcripts)"


def _ask(uri: str, **headers: str) -> urllib.request.Request:
    """A GET for `uri` with the User-Agent and Accept every request carries, and `headers`."""
    return urllib.request.Request(uri, headers={"User-Agent": user_agent(), "Accept": ACCEPT,
                                                **headers})


def retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110
    section 10.2.3); None when absent or unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - (now or datetime.now(timezone.utc))).total_seconds(), 0.0)


def _uri(url: str) -> str:
    try:
        return urls.to_uri(url)
    except urls.URLError as exc:
        raise FetchError(str(exc)) from exc


@dataclass(frozen=True)
class Response:
    status: int                # 200, or 304 when the validators matched
    body: bytes
    url: str                   # after redirects
    etag: str | None
    last_modified: str | None
    content_type: str | None
    redirects: tuple[str, ...] = ()   # every address redirected to, in order (secrets too)
    moved_to: str | None = None       # the new address when every redirect was permanent
                                      # (301/308: "re-link references", RFC 9110 15.4.2)

    def text(self) -> str:
        """The body as text, as the WHATWG Encoding standard reads a resource: by its byte order
        mark, else the charset its Content-Type names (RFC 9110 section 8.3.1; `iso-8859-1`
        and `us-ascii` mean windows-1252 there, as they do in browsers), else UTF-8 when it is
        valid UTF-8, else windows-1252, the default for English text (subtitle editors save SRT
        and VTT files in the system's code page: SubtitleEdit#5170, srt2vtt#3; read as UTF-8,
        every accented letter and curly quote became U+FFFD)."""
        body = self.body
        for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                           (b"\xfe\xff", "utf-16")):
            if body.startswith(bom):
                return body.decode(codec, errors="replace")
        declared = email.message.Message()
        declared["Content-Type"] = self.content_type or ""
        try:
            codec = codecs.lookup(declared.get_content_charset() or "").name
        except LookupError:
            codec = ""                               # none, or one Python does not know
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"
        if codec:
            return body.decode(codec, errors="replace")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return body.decode("cp1252", errors="replace")


def _open(request: urllib.request.Request, timeout: float, guard: _Guard):
    """Open `request` (whose URL may hold user-info: sent as Basic credentials, see above)."""
    bare, auth = _credentials(request.full_url)
    request.full_url = bare
    try:
        return _opener(guard, auth).open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return exc
        raise


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code == 429
    return isinstance(exc, _TRANSIENT)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, (Refused, DeadlineExceeded, NotAudio)):
        return str(exc)
    if isinstance(exc, zlib.error):
        return f"the gzip body is damaged ({exc})"
    if isinstance(exc, urllib.error.HTTPError) and exc.code == 403:
        return _forbidden(exc)
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot connect ({exc.reason})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _forbidden(exc: urllib.error.HTTPError) -> str:
    """What a 403 means to the maintainer, naming the host that refused (the last hop of the
    redirects: often a CDN, not the feed's host) and, when its `Server` header says so, the
    firewall in front of it. Hosts refuse by User-Agent, by missing headers or by the address
    asking (a data centre's, a VPN's): AntennaPod, gPodder#1175, podcast-dl#72, audiobookshelf#5357."""
    host = urllib.parse.urlsplit(exc.geturl() or exc.filename or "").hostname or "the host"
    server = ((exc.headers.get("Server") or "") if exc.headers else "").split("/")[0].strip()
    front = f" (the answer came from {server}, a firewall and CDN in front of it)" if (
        server.lower() in FIREWALLS) else ""
    return (f"HTTP 403 Forbidden: {host} refused this request{front}. Some hosts refuse programs "
            f"by their User-Agent or by the network they ask from; this one sent "
            f"\"{user_agent()}\". If the address opens in a browser, ask {host}'s operator (or "
            "your podcast host's support) to allow it; the next run asks again")


def _throttle_wait(exc: BaseException, what: str) -> float | None:
    """Seconds to wait before asking again when the host throttled us with Retry-After; raise
    FetchError when the wait is too long for this run; None when there is no Retry-After."""
    if not (isinstance(exc, urllib.error.HTTPError) and exc.code in THROTTLED):
        return None
    wait = retry_after_s(exc.headers.get("Retry-After") if exc.headers else None)
    if wait is None:
        return None
    wait = max(wait, 1.0)          # "Retry-After: 0" forever must still drain the run's budget
    if wait <= RETRY_AFTER_MAX_S and budget.take(wait):
        return wait
    if wait > RETRY_AFTER_SHOWN_MAX_S:
        when = "more than a year from now"
    else:
        when = (datetime.now(timezone.utc) + timedelta(seconds=wait)).replace(microsecond=0).isoformat()
    raise FetchError(f"{what}: HTTP {exc.code}: the host asked to be asked again after "
                     f"{when} (Retry-After {wait:.0f} s); the next run retries") from exc


def with_retries(action: Callable[[], T], what: str, retries: int = RETRIES,
                 backoff_s: float | None = None, ends: float | None = None) -> T:
    """Run `action`, retrying transient failures; raise FetchError naming `what` at the end.

    A 429/503 with a short Retry-After is waited out (and does not use up a retry); a long one
    raises FetchError at once, saying when the host will answer. No wait goes past `ends` (a
    `time.monotonic()` value: the fetch's deadline, which `action` then reports)."""
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s   # read now: tests shorten it
    attempt = 0
    while True:
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - classified below
            wait = _throttle_wait(exc, what)
            if wait is not None:
                time.sleep(_until(wait, ends))
                continue
            if not _is_transient(exc) or attempt >= retries:
                raise FetchError(f"{what}: {_describe(exc)}") from exc
            time.sleep(_until(backoff_s * 2**attempt, ends))
            attempt += 1


def _until(wait: float, ends: float | None) -> float:
    """`wait` seconds, or fewer so as not to sleep past `ends` (monotonic)."""
    return wait if ends is None else max(min(wait, ends - time.monotonic()), 0.0)


def _bounded(limit: Limit, url: str, action: Callable[[_Guard], T],
             ends: float) -> Callable[[], T]:
    """One attempt of a fetch of `url`, to be retried by `with_retries`: each runs `action` with
    a guard (the run's policy on every connection) whose watchdog fires at what is left of ONE
    deadline, `ends` (monotonic, `limit.deadline_s` from the fetch's start), shared by every
    attempt, back-off and Retry-After wait. DeadlineExceeded (never retried) when it has passed."""

    def late() -> DeadlineExceeded:
        return DeadlineExceeded(f"{url} took longer than the {limit.deadline_s:.0f} s a "
                                f"{limit.kind} may take, retries included; stopped")

    def attempt() -> T:
        left = ends - time.monotonic()
        if left <= 0:
            raise late()
        policy = fetch_policy.current()
        policy.check_clear(url, limit)      # a direct plain-http link (redirects: the handler)
        with _Guard(policy, left, limit, fetch_policy.user_info(url) is not None,
                    url) as guard:
            try:
                result = action(guard)
            except Exception as exc:   # noqa: BLE001 - a cut socket fails in many ways
                if guard.expired:
                    raise late() from exc
                raise
            if guard.expired:          # the watchdog's shutdown can read as a clean end of body
                raise late()
            return result
    return attempt


def fetch(url: str, etag: str | None = None, last_modified: str | None = None,
          timeout: float = TIMEOUT_S, retries: int = RETRIES,
          limit: Limit = fetch_policy.FEED) -> Response:
    """GET `url` with gzip and conditional headers; a 304 comes back with an empty body.

    The body is bounded by `limit` (bytes once decompressed, seconds for the whole fetch), every
    connection by the run's `fetch_policy`. `retries=0` asks once, for checks that should answer
    quickly (`companion doctor`). Raises FetchError naming the URL and, for a refusal, the rule."""
    url = _uri(url)
    headers = {"Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def once(guard: _Guard) -> Response:
        with _open(_ask(url, **headers), timeout, guard) as reply:
            status = reply.status if hasattr(reply, "status") else reply.code
            body = b"" if status == 304 else _read_body(reply, limit, url)
            return Response(status=status, body=body, url=reply.geturl() or url,
                            etag=reply.headers.get("ETag") or etag,
                            last_modified=reply.headers.get("Last-Modified") or last_modified,
                            content_type=reply.headers.get("Content-Type"),
                            redirects=tuple(guard.hops), moved_to=guard.moved_to)

    ends = time.monotonic() + limit.deadline_s
    return with_retries(_bounded(limit, url, once, ends), f"fetching {url}", retries, ends=ends)


def _first_byte(uri: str, headers: dict[str, str] | None = None) -> urllib.request.Request:
    """A GET for the first byte of `uri` (`Range: bytes=0-0`), with `headers` besides: what a
    host says of a file without sending it (HEAD is refused or answered differently by some)."""
    return _ask(uri, Range="bytes=0-0", **(headers or {}))


def served_type(url: str, timeout: float = TIMEOUT_S) -> str | None:
    """The media type the host serves `url` as (`Content-Type` without parameters, lower case),
    after redirects, reading no body: a GET for its first byte (`Range: bytes=0-0`; HEAD is
    refused or answered differently by some hosts). None when the host names none.
    Raises FetchError as `fetch` does."""
    limit = fetch_policy.PROBE
    uri = _uri(url)

    def once(guard: _Guard) -> str | None:
        with _open(_first_byte(uri), timeout, guard) as reply:
            kind = (reply.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            return kind or None

    ends = time.monotonic() + limit.deadline_s
    return with_retries(_bounded(limit, uri, once, ends), f"asking what {url} is", ends=ends)


def _host_total(uri: str, timeout: float = TIMEOUT_S) -> int | None:
    """The length the host gives for the file at `uri` (the total of a `Content-Range` answering
    a one-byte range request), None when it gives none or does not answer."""
    def once(guard: _Guard) -> int | None:
        with _open(_first_byte(uri, {"Accept-Encoding": "identity"}), timeout, guard) as reply:
            return _total_from_headers(reply, 0) if reply.status == 206 else None

    ends = time.monotonic() + fetch_policy.PROBE.deadline_s
    try:
        return with_retries(_bounded(fetch_policy.PROBE, uri, once, ends),
                            f"asking how long {uri} is", retries=1, ends=ends)
    except FetchError:
        return None


def _web_page(reply, first: bytes) -> bool:
    """Whether an answer for audio is a web page: declared HTML and starting like one
    (`sniff.is_web_page`: an expired signed CDN link, a login or a host's error page answered
    with 200)."""
    kind = (reply.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml") and sniff.is_web_page(first)


class _Gunzip:
    """A gzip body inflated as it arrives: member after member (a gzip file may hold several,
    RFC 1952 section 2.2; zero padding after one is not a member), and never more than `cap`
    bytes out of one step, so a small compressed chunk cannot balloon in memory before the
    caller's size limit is checked."""

    def __init__(self) -> None:
        self._inflate = zlib.decompressobj(wbits=31)
        self._fed = False                  # has the current member had any input?

    def pieces(self, chunk: bytes, cap: int) -> Iterator[bytes]:
        """The inflated bytes of `chunk`, in pieces of at most `cap` bytes; zlib.error when it
        is not gzip."""
        while chunk:
            self._fed = True
            piece = self._inflate.decompress(chunk, cap)
            chunk = self._inflate.unconsumed_tail
            if self._inflate.eof:
                chunk = self._inflate.unused_data.lstrip(b"\0")
                self._inflate, self._fed = zlib.decompressobj(wbits=31), False
            if piece:
                yield piece

    def rest(self) -> bytes:
        """What the inflater still holds; IncompleteRead when the gzip stream was cut short."""
        if not self._fed:                  # every member ended (or none began)
            return b""
        tail = self._inflate.flush()
        if not self._inflate.eof:
            raise http.client.IncompleteRead(b"")
        return tail


class _Unzip:
    """A body the host gzip-encoded although we asked for none (servers that compress every
    response, objects stored with `Content-Encoding: gzip`: FileDownloader#975, transmission#753),
    inflated as it arrives (`_Gunzip`). A body declared gzip that is not (no gzip magic) is kept
    as sent."""

    def __init__(self, reply):
        encoding = (reply.headers.get("Content-Encoding") or "").strip().lower()
        self.on = encoding in ("gzip", "x-gzip")
        self._gunzip: _Gunzip | None = None
        self._first = True

    def pieces(self, chunk: bytes) -> Iterator[bytes]:
        """`chunk` as it is to be stored, in pieces of at most CHUNK_BYTES once inflated."""
        if self._first:
            self._first = False
            self.on = self.on and chunk[:2] == b"\x1f\x8b"
            self._gunzip = _Gunzip() if self.on else None
        if self._gunzip is None:
            yield chunk
        else:
            yield from self._gunzip.pieces(chunk, CHUNK_BYTES)

    def rest(self) -> bytes:
        """What the inflater still holds; IncompleteRead when the gzip stream was cut short."""
        return self._gunzip.rest() if self._gunzip else b""


def _total_from_headers(reply, offset: int) -> int | None:
    content_range = reply.headers.get("Content-Range", "")
    if "/" in content_range and not content_range.endswith("/*"):
        return int(content_range.rsplit("/", 1)[1])
    length = reply.headers.get("Content-Length")
    return int(length) + offset if length and length.isdigit() else None


def _if_range(validators: dict) -> str | None:
    """The validator If-Range may carry: a strong ETag, else Last-Modified (weak ETags cannot be
    used, RFC 9110 section 13.1.5)."""
    etag = validators.get("etag") or ""
    if etag and not etag.startswith("W/"):
        return etag
    return validators.get("last_modified")


def _same_file(reply, validators: dict, offset: int) -> bool:
    """Does a 206 answer continue the file whose first `offset` bytes are on disk? Checked even
    though If-Range was sent, because some hosts ignore If-Range."""
    content_range = reply.headers.get("Content-Range", "")
    if not content_range.startswith(f"bytes {offset}-"):
        return False
    total = _total_from_headers(reply, offset)
    if validators.get("total") is not None and total != validators["total"]:
        return False
    for header, key in (("ETag", "etag"), ("Last-Modified", "last_modified")):
        now = reply.headers.get(header)
        if now and validators.get(key) and now != validators[key]:
            return False
    return True


def part_key(url: str) -> str:
    """What a `.part.json` records of the URL its `.part` came from: a hash (a private feed's
    audio URL holds its token) of the audio file's name (`urls.enclosure_key`: tracking
    prefixes, scheme and query left out), so a URL whose signature or session query changes on
    every feed fetch (signed CDN links, private feeds' per-request tokens) still resumes; the
    validators sent as If-Range decide whether the bytes on disk are that file's."""
    return "sha256:" + hashlib.sha256(urls.enclosure_key(url).encode("utf-8")).hexdigest()


def href_key(url: str) -> str:
    """What `download` records of the whole audio URL it fetched (`validators["href"]`): a hash
    (a private feed's URL holds its token) of the URL with tracking prefixes left out but its
    query kept, so `changed` is asked when the feed's link to the file changes in any way (a new
    `?modified=` on every edit, castget#67; a new file name)."""
    return "sha256:" + hashlib.sha256(urls.strip_tracking(url.strip()).encode("utf-8")).hexdigest()


def behind_prefixes(url: str) -> str | None:
    """The address an enclosure's analytics redirect prefixes wrap (`urls.strip_tracking`), with
    the scheme of `url` where the prefixes dropped it and never below https when `url` is https;
    None when `url` has no prefix. `https://chtbl.com/track/X/cdn.example/a.mp3` ->
    `https://cdn.example/a.mp3`: what podcast apps could not reach when Chartable went away
    (changelog.com#346, AntennaPod#5282: a prefix's host unreachable or blocked)."""
    inner = urls.strip_tracking(url.strip())
    if inner == url.strip():
        return None
    scheme = urllib.parse.urlsplit(url.strip()).scheme.lower() or "https"
    rest = inner.split("://", 1)[1] if "://" in inner else inner
    inner_scheme = inner.split("://", 1)[0].lower() if "://" in inner else scheme
    return f"{'https' if 'https' in (scheme, inner_scheme) else inner_scheme}://{rest}"


def _failed_hop(asked: str, exc: BaseException | None) -> str:
    """Which host answered an error, when redirects led away from the host asked (a tracking
    prefix's chain: the file's own CDN, not the prefix, said 404). The host only: a private
    feed's redirect target may hold a token in its path or query."""
    final = exc.geturl() if isinstance(exc, urllib.error.HTTPError) else None
    there = urllib.parse.urlsplit(final or "").hostname
    if not there or urllib.parse.urlsplit(asked).netloc == urllib.parse.urlsplit(final).netloc:
        return ""
    return f" (answered by {there}, where its redirects led)"


def download(url: str, dest: Path, expected_bytes: int | None = None,
             progress: Callable[[int, int | None], None] | None = None,
             timeout: float = TIMEOUT_S, notes: list[str] | None = None,
             validators: dict | None = None) -> Path:
    """Stream `url` to `dest` via `dest.part`, resuming with Range after any interruption.

    An https URL whose redirects end on plain http is followed for a public feed's audio (see the
    module's docstring); a sentence saying so is appended to `notes` (when given) for the episode
    to show. Nothing is appended when `dest` was already there. `validators` (when given) is
    filled with what the host said of the file it sent (`etag`, `last_modified`, `bytes`,
    `url`: `part_key`), for `changed` to ask later whether it still serves that file.

    The file appears at `dest` only once complete: its size matches what the server announced,
    or the body's own framing (chunked, gzip) ended it; only when neither can tell is the feed's
    `expected_bytes` the floor (feeds' lengths are often wrong: "1", an old file's size). A body
    gzip-encoded unasked is inflated (and restarted, never resumed, when cut). A `.part` left by a
    killed run is resumed by the next one only if the host confirms it is the same file: the ETag
    and Last-Modified seen when the download started are kept beside it (`.part.json`) and sent
    as If-Range. Anything else (no validators, a 200, a 416, a 206 for a changed file) discards
    the `.part` and starts from zero, so a re-upload is never spliced onto the old file's head.
    The file is bounded by `fetch_policy.audio_limit(expected_bytes)` (announced or arriving:
    stopped and discarded past it) and its deadline; every connection by the run's policy.
    Raises FetchError naming the URL and, for a refusal, the rule.
    """
    if dest.is_file():
        return dest
    uri = _uri(url)
    url_key = part_key(uri)
    part = dest.with_name(dest.name + ".part")
    meta = dest.with_name(dest.name + ".part.json")
    dest.parent.mkdir(parents=True, exist_ok=True)

    def discard() -> None:
        part.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)

    limit = fetch_policy.audio_limit(expected_bytes)

    def too_large(what: str) -> fetch_policy.TooLarge:
        discard()
        return fetch_policy.TooLarge(_too_large(uri, limit, what))

    def once(guard: _Guard) -> bool:
        """One request; True when the body's own framing says it arrived whole."""
        validators = store.read_cache(meta)
        offset = part.stat().st_size if part.is_file() else 0
        confirm = _if_range(validators) if validators.get("url") == url_key else None
        if offset and not confirm:          # cannot ask the host whether it is the same file
            discard()
            offset = 0
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            headers["If-Range"] = confirm
        try:
            reply_cm = _open(_ask(uri, **headers), timeout, guard)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and offset:  # the file on the host is now shorter than our part
                discard()
                return once(guard)
            raise
        with reply_cm as reply:
            # A range is a 206; some hosts send it as a 200 that still says which bytes it holds
            # (Content-Range: modelscope_hub#50). Only a 200 without one is the whole file.
            ranged = reply.status == 206 or (reply.status == 200
                                             and bool(reply.headers.get("Content-Range")))
            if offset and (not ranged or not _same_file(reply, validators, offset)):
                if ranged:                  # another file's tail: ask for the whole new file
                    discard()
                    reply.close()
                    return once(guard)
                offset = 0                  # a 200: the whole (new) file follows
            total = _total_from_headers(reply, offset)
            if total is not None and total > limit.max_bytes:
                raise too_large(f"announces {total:,} bytes, more")
            unzip = _Unzip(reply)
            if not offset:                  # an encoded body is never resumed: no validators
                store_validators = {"url": url_key, "total": total,
                                    "etag": None if unzip.on else reply.headers.get("ETag"),
                                    "last_modified": None if unzip.on
                                    else reply.headers.get("Last-Modified")}
                store.write_json_atomic(meta, store_validators)
            with open(part, "ab" if offset else "wb") as out:
                done = sent = offset
                while chunk := reply.read1(CHUNK_BYTES):
                    if done == offset == 0 and _web_page(reply, chunk):
                        discard()
                        raise NotAudio(f"{uri} answered with a web page (text/html), not "
                                       "audio: the link may have expired or need a login")
                    sent += len(chunk)
                    for data in unzip.pieces(chunk):
                        done += len(data)
                        if done > limit.max_bytes:
                            raise too_large("is larger")
                        out.write(data)
                    if progress:
                        progress(done, total)
                out.write(unzip.rest())
                out.flush()
                os.fsync(out.fileno())
            if total is not None and sent < total:
                raise http.client.IncompleteRead(b"", total - sent)
            # the body's own end said it was whole: its announced length, or chunked framing
            # (http.client raises IncompleteRead on a broken one), or gzip's own end
            return total is not None or reply.chunked or unzip.on

    insecure: list[str] = []

    def watched(guard: _Guard) -> bool:
        try:
            return once(guard)
        finally:
            insecure.extend(guard.insecure)

    ends = time.monotonic() + limit.deadline_s
    try:
        whole = with_retries(_bounded(limit, uri, watched, ends), f"downloading {url}",
                             ends=ends)
    except FetchError as exc:
        if hop := _failed_hop(uri, exc.__cause__):
            raise FetchError(f"{exc}{hop}") from exc.__cause__
        raise
    if insecure and notes is not None:
        notes.append(f"the audio came over plain http: its https address redirected to "
                     f"http://{insecure[-1]}/, so it was not protected on the way (anyone on "
                     "the network path could have read or replaced it)")
    size = part.stat().st_size
    if size == 0:                       # a 200 with nothing in it: no audio, not a file to keep
        discard()
        raise FetchError(f"downloading {url}: the host sent an empty file (0 bytes); the next "
                         "run asks again")
    # A body that ended with the connection (no length, no chunks) and is shorter than the feed
    # declares: cut off, or the feed's length is wrong (voc/voctoweb#945: lengths far larger than
    # the file). The host is asked how long the file is; only its answer keeps the file.
    if not whole and expected_bytes and size < expected_bytes and _host_total(uri, timeout) != size:
        discard()
        raise FetchError(f"downloading {url}: got {size} bytes, expected {expected_bytes}")
    if validators is not None:
        kept = store.read_cache(meta)
        validators.update(url=url_key, href=href_key(url), etag=kept.get("etag"),
                          last_modified=kept.get("last_modified"), bytes=size)
    os.replace(part, dest)
    meta.unlink(missing_ok=True)
    return dest


def changed(url: str, validators: dict, timeout: float = TIMEOUT_S,
            elsewhere: bool = False, seen: dict | None = None) -> bool | None:
    """Whether the host now serves another file at `url` than the one `download` described in
    `validators`: asked with a conditional one-byte GET (`Range: bytes=0-0` with If-None-Match
    or If-Modified-Since, RFC 9110 sections 13.1.2 and 13.1.3). A 304 is the same file; else the
    ETag, Last-Modified or total length the answer carries is compared with the recorded one
    (some hosts ignore conditions); a difference is asked again, and counts only when the host
    says the same the second time. A host that gave no ETag or Last-Modified is asked
    unconditionally and its file's total length compared with the `bytes` downloaded. False too
    when there is nothing to compare (neither recorded), or when `url` is another file's address
    (`part_key`) and `elsewhere` is not set.
    With `elsewhere` (the caller knows nothing else that tells: the feed gives no duration), a
    file at another address is asked too, and judged by its total length only: validators of
    another address or host say nothing of the file, while a file moved whole (a host's move)
    keeps its bytes, and an edited one almost never does.
    None when it cannot tell: a host that did not answer, or whose file changes from one request
    to the next (dynamic ad insertion). Reads no body. `seen` (when given) is filled with what
    the host said of the file it serves now (`etag`, `last_modified`, `bytes`) when True."""
    uri = _uri(url)
    moved = validators.get("url") != part_key(uri)
    if (moved and not (elsewhere and validators.get("bytes"))) or not (
            validators.get("etag") or validators.get("last_modified") or validators.get("bytes")):
        return False                   # nothing to compare, or another address: not re-uploaded
    if moved:
        validators = {"bytes": validators["bytes"]}     # another address's validators: not these
    headers = {"Accept-Encoding": "identity"}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    elif validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    limit = fetch_policy.PROBE

    def once(guard: _Guard) -> tuple | None:
        """What the host says of the file now, None for "the one recorded" (304)."""
        with _open(_first_byte(uri, headers), timeout, guard) as reply:
            status = reply.status if hasattr(reply, "status") else reply.code
            if status == 304:
                return None
            return (reply.headers.get("ETag"), reply.headers.get("Last-Modified"),
                    _total_from_headers(reply, 0))

    def differs(said: tuple) -> bool:
        for now, key in zip(said, ("etag", "last_modified")):
            if now and validators.get(key):
                return now != validators[key]
        return said[2] is not None and validators.get("bytes") not in (None, said[2])

    ends = time.monotonic() + limit.deadline_s
    try:
        said = with_retries(_bounded(limit, uri, once, ends), f"asking whether {url} changed",
                            retries=1, ends=ends)
        if said is None or not differs(said):
            return False
        # Asked twice: a host that inserts ads per request (dynamic ad insertion) sends another
        # file, with another ETag, every time; that is no re-upload, and cannot be told from one.
        again = with_retries(_bounded(limit, uri, once, ends), f"asking whether {url} changed",
                             retries=1, ends=ends)
    except FetchError:
        return None
    if again != said:
        return None
    if seen is not None:
        seen.update(etag=said[0], last_modified=said[1], bytes=said[2])
    return True
