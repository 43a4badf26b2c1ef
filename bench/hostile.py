"""Hostile-input benchmark: what a feed built to exhaust the runner now costs (issue 25).

Prints, for each kind of attack, the input size and the time (and for the gzip bomb, the peak
memory) of the product's own reader, with the doubling ratio that tells linear (about 2) from
quadratic (about 4):
- a gzip answer named as chapters that inflates to 300 MB, fetched from a server on 127.0.0.1;
- WebVTT cue text of `<v ` repeated (the old voice pattern took 150 s on 120 KB);
- a feed author of `a@` + `a.` * N (feedparser's e-mail regex, kurtmckee/feedparser#562);
- the largest real feed among the fixtures, parsed by `feed.parse_feed`.

Run: python bench/hostile.py [--fixtures /work/shared/fixtures/feeds]
"""

from __future__ import annotations

import argparse
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from companion.pipeline import feed, fetch_policy, http
from companion.pipeline import formats as tf


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def gzip_bomb(megabytes: int) -> None:
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    bomb = b"".join(deflate.compress(zeros) for _ in range(megabytes)) + deflate.flush()

    class Bomb(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            try:
                self.wfile.write(bomb)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Bomb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/chapters.json"
    tracemalloc.start()
    started = time.perf_counter()
    with fetch_policy.feed_host(url):
        try:
            http.fetch(url, limit=fetch_policy.CHAPTERS)
            outcome = "read whole (bound not enforced)"
        except http.FetchError:
            outcome = "stopped at the bound"
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    server.shutdown()
    server.server_close()
    print(f"gzip bomb   {len(bomb) / 1e6:6.2f} MB on the wire -> {megabytes} MB inflated: {outcome}, "
          f"{seconds:5.2f} s, peak {peak / 1e6:5.1f} MB (bound {fetch_policy.CHAPTERS.max_bytes / 1e6:.1f} MB)")


def doubling(name: str, make, parse, sizes: tuple[int, ...]) -> None:
    previous = None
    for n in sizes:
        data = make(n)
        seconds = timed(lambda: parse(data))
        ratio = f"x{seconds / previous:4.1f}" if previous else "     "
        print(f"{name:11s} {len(data) / 1000:7.0f} KB {seconds:7.3f} s {ratio}")
        previous = max(seconds, 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixtures", type=Path, default=Path("/work/shared/fixtures/feeds"))
    args = parser.parse_args()
    gzip_bomb(300)
    head = "WEBVTT\n\n00:00.000 --> 00:05.000\n"
    doubling("vtt <v", lambda n: head + "<v " * n, tf.from_vtt, (100_000, 200_000, 400_000))
    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>t'
           '</title><guid>g</guid><author>{}</author></item></channel></rss>')
    doubling("author", lambda n: rss.format("a@" + "a." * n + "!").encode(),
             lambda raw: feed.parse_feed(raw, "http://127.0.0.1/f"), (16_000, 32_000, 64_000))
    feeds = sorted(args.fixtures.rglob("*.xml"), key=lambda p: p.stat().st_size)
    if feeds:
        raw = feeds[-1].read_bytes()
        seconds = timed(lambda: feed.parse_feed(raw, "http://127.0.0.1/f"))
        print(f"real feed   {len(raw) / 1000:7.0f} KB {seconds:7.3f} s ({feeds[-1].name})")


if __name__ == "__main__":
    main()
