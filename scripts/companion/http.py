"""HTTP for feeds and audio: timeouts, redirects, gzip, validators, retries, resumable downloads.

Plain urllib, so the pipeline has no HTTP dependency beyond the standard library. Transient
failures (5xx, resets, timeouts) are retried with exponential back-off; client errors (4xx) are
not, because asking again will not change the answer.
"""

from __future__ import annotations

import gzip
import http.client
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from companion import __version__

TIMEOUT_S = 30.0             # per connect/read; a stalled server fails instead of hanging
RETRIES = 4                  # attempts after the first, for transient failures only
BACKOFF_S = 0.5              # first retry delay; doubles each time
CHUNK_BYTES = 256 * 1024     # download read size
USER_AGENT = f"fall-from-grace-companion/{__version__} (+podcast transcripts)"

T = TypeVar("T")

_TRANSIENT = (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError,
              http.client.IncompleteRead, http.client.RemoteDisconnected)


class FetchError(Exception):
    """A request failed for good; the message is fit to show the maintainer."""


@dataclass(frozen=True)
class Response:
    status: int                # 200, or 304 when the validators matched
    body: bytes
    url: str                   # after redirects
    etag: str | None
    last_modified: str | None
    content_type: str | None


def _open(request: urllib.request.Request, timeout: float):
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return exc
        raise


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code == 429
    return isinstance(exc, _TRANSIENT)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot connect ({exc.reason})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def with_retries(action: Callable[[], T], what: str, retries: int = RETRIES,
                 backoff_s: float = BACKOFF_S) -> T:
    """Run `action`, retrying transient failures; raise FetchError naming `what` at the end."""
    for attempt in range(retries + 1):
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - classified below
            if not _is_transient(exc) or attempt == retries:
                raise FetchError(f"{what}: {_describe(exc)}") from exc
            time.sleep(backoff_s * 2**attempt)
    raise AssertionError("unreachable")


def fetch(url: str, etag: str | None = None, last_modified: str | None = None,
          timeout: float = TIMEOUT_S, retries: int = RETRIES) -> Response:
    """GET `url` with gzip and conditional headers; a 304 comes back with an empty body.

    `retries=0` asks once, for checks that should answer quickly (`companion doctor`)."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def once() -> Response:
        with _open(urllib.request.Request(url, headers=headers), timeout) as reply:
            status = reply.status if hasattr(reply, "status") else reply.code
            body = b"" if status == 304 else reply.read()
            if reply.headers.get("Content-Encoding", "").lower() == "gzip" and body:
                body = gzip.decompress(body)
            return Response(status=status, body=body, url=reply.geturl() or url,
                            etag=reply.headers.get("ETag") or etag,
                            last_modified=reply.headers.get("Last-Modified") or last_modified,
                            content_type=reply.headers.get("Content-Type"))

    return with_retries(once, f"fetching {url}", retries)


def _total_from_headers(reply, offset: int) -> int | None:
    content_range = reply.headers.get("Content-Range", "")
    if "/" in content_range and not content_range.endswith("/*"):
        return int(content_range.rsplit("/", 1)[1])
    length = reply.headers.get("Content-Length")
    return int(length) + offset if length and length.isdigit() else None


def download(url: str, dest: Path, expected_bytes: int | None = None,
             progress: Callable[[int, int | None], None] | None = None,
             timeout: float = TIMEOUT_S) -> Path:
    """Stream `url` to `dest` via `dest.part`, resuming with Range after any interruption.

    The file appears at `dest` only once complete: its size matches what the server announced
    (or, when the server announces nothing, `expected_bytes` from the feed). A `.part` left by a
    killed run is resumed by the next one.
    """
    if dest.is_file():
        return dest
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)

    def once() -> int | None:
        offset = part.stat().st_size if part.is_file() else 0
        headers = {"User-Agent": USER_AGENT}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        with _open(urllib.request.Request(url, headers=headers), timeout) as reply:
            if offset and reply.status != 206:     # server ignored Range: start again
                offset = 0
            total = _total_from_headers(reply, offset)
            with open(part, "ab" if offset else "wb") as out:
                done = offset
                while chunk := reply.read(CHUNK_BYTES):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
                out.flush()
                os.fsync(out.fileno())
            if total is not None and done < total:
                raise http.client.IncompleteRead(b"", total - done)
            return total

    total = with_retries(once, f"downloading {url}")
    size = part.stat().st_size
    want = total if total is not None else expected_bytes
    if want and size != want:
        part.unlink(missing_ok=True)
        raise FetchError(f"downloading {url}: got {size} bytes, expected {want}")
    os.replace(part, dest)
    return dest
