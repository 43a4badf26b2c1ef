"""Site benchmark: 200 synthetic one-hour episodes, Material's built-in search vs Pagefind.

Transcripts come from a word-bigram model of real speech shipped with the project's fixtures
(a Buzzsprout podcast episode in SRT and HTML, LibriVox and radio reference transcripts), so
vocabulary and word frequencies look like speech, not lorem ipsum. Each variant of the site is
built with the real mkdocs.yml (Material variant: `search` plugin on, Pagefind off), served on
127.0.0.1, and searched in headless Chromium twice: bytes are counted for search requests only
(Material: `search/` and its worker; Pagefind: `pagefind/`), as served and as gzip would send them.

With `--ranking`, it measures search quality instead: the fixed query set of tests/search_queries.py
(sentences from transcripts, course phrases, misspellings, common words) on the fixture episodes plus
synthetic ones, and prints where the right page ranks BEFORE (Pagefind's own order with the print page
indexed, as the dialog showed it: 8 pages at most) and AFTER (the dialog's order now: exact phrase
first, weak matches held back, every result reachable). Then the half-remembered queries (title words,
one word wrong, another order, compounds, contractions, regional spellings, misspellings): where Enter
in the dialog lands, against Pagefind's own first result.

With `--print`, it prints (Chromium, A4) one synthetic one-hour episode and Module 1 and counts pages.

With `--scale`, it measures the build as the back catalogue grows (issue 22): the same synthetic
one-hour episodes at 250, 500 and 1,000 (`--sizes`), each built once with `mkdocs build --strict`
(Pagefind off: the index is Pagefind's own binary, measured by the default run; `--pagefind` puts
it back), and prints build time, time per episode (flat when growth is linear), peak memory and
how many times each `episode.json` and `transcript.json` was opened in the build (an audit hook:
tests/build_reads.py). `--code DIR` builds with another checkout's package and site sources (e.g.
`git archive main | tar -x -C DIR`), for before/after figures.

Run: python bench/site.py [--episodes 200] [--words 9000]
     python bench/site.py --ranking [--episodes 20]
     python bench/site.py --print [--words 9000]
     python bench/site.py --scale [--sizes 250,500,1000] [--words 9000] [--code DIR] [--pagefind]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from site_support import (CHROMIUM, CHROMIUM_ARGS, StaticServer, build, copy_project,  # noqa: E402
                          make_fixture_episodes, write_episode)
from companion.project import copy_site_sources  # noqa: E402

FIXTURES = Path("/work/shared/fixtures")
SPEECH_SOURCES = (
    FIXTURES / "transcripts/podcast-namespace/example.srt",
    FIXTURES / "transcripts/podcast-namespace/example.html",
    FIXTURES / "transcripts/podcast-namespace/example.vtt",
    FIXTURES / "audio/references.json",
)
EPISODE_SECONDS = 3600
WORDS_PER_SEGMENT = (10, 24)        # words per transcript segment (a Whisper-sized cue)
SEED = 20250301
SENTENCE_RUN_ON = 0.7              # chance to follow the source past a sentence end (else a new start)
GZIP_LEVEL = 6
RESULT_TIMEOUT_MS = 300_000
MATERIAL_READY = "!/Initializing/i.test(document.querySelector('.md-search-result__meta')?.textContent ?? 'Initializing')"
TARGET_FIRST_SEARCH_BYTES = 1_000_000
TARGET_FIRST_RESULT_MS = 500
TARGET_BUILD_S = 180


def speech_text(skip: tuple[str, ...] = ()) -> str:
    """Plain words of real speech from the fixtures (cue numbers, times and tags removed); reference
    clips whose file name holds a `skip` string are left out (the ranking bench's own query texts)."""
    parts = []
    for path in SPEECH_SOURCES:
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".json":
            raw = " ".join(str(c.get("reference", "")) for c in json.loads(raw).get("clips", [])
                           if not any(word in c.get("file", "") for word in skip))
        raw = re.sub(r"<[^>]+>", " ", raw)
        raw = re.sub(r"^\d+$|\d\d:\d\d:\d\d[.,]\d+ --> \d\d:\d\d:\d\d[.,]\d+|WEBVTT", " ", raw, flags=re.M)
        parts.append(raw)
    return re.sub(r"\s+", " ", " ".join(parts))


class BigramModel:
    """Next word given the previous one, with the sentence ends of the source kept."""

    def __init__(self, text: str) -> None:
        words = [w for w in text.split() if re.search(r"[A-Za-z]", w)]
        self.next: dict[str, list[str]] = defaultdict(list)
        for a, b in zip(words, words[1:]):
            self.next[a].append(b)
        self.starts = [b for a, b in zip(words, words[1:]) if a.endswith((".", "?", "!"))] or words[:50]

    def words(self, rng: random.Random, count: int) -> list[str]:
        out: list[str] = []
        word = rng.choice(self.starts)
        while len(out) < count:
            out.append(word)
            choices = self.next.get(word)
            keep_going = choices and (not word.endswith((".", "?", "!")) or rng.random() < SENTENCE_RUN_ON)
            word = rng.choice(choices) if keep_going else rng.choice(self.starts)
        return out


def synthetic_episodes(episodes_dir: Path, count: int, words: int, model: BigramModel) -> dict[str, str]:
    """Write `count` episodes; returns a phrase unique to one episode and a common phrase."""
    rng = random.Random(SEED)
    marker_episode = count // 2
    marker = "Torrens harbourmaster Wexcombe"            # invented name: occurs once in the corpus
    second = ""
    for n in range(1, count + 1):
        body = model.words(rng, words)
        if n == marker_episode:
            body[words // 2: words // 2 + 3] = marker.split()
        segments, i = [], 0
        per_word = EPISODE_SECONDS / len(body)
        while i < len(body):
            size = rng.randint(*WORDS_PER_SEGMENT)
            chunk = body[i:i + size]
            segments.append({"startTime": round(i * per_word, 2), "endTime": round((i + len(chunk)) * per_word, 2),
                             "body": " ".join(chunk), "speaker": "Host" if (i // 200) % 2 == 0 else "Guest"})
            i += size
        write_episode(episodes_dir, f"{n:03d}-episode-{n}", title=f"Episode {n}: {' '.join(body[:6]).strip('.,')}",
                      number=n, date=f"20{20 + n // 52:02d}-{1 + (n % 12):02d}-{1 + (n % 28):02d}",
                      duration=EPISODE_SECONDS, audio_url=f"https://127.0.0.1/audio/{n}.mp3",
                      segments=segments, notes=f"<p>{' '.join(model.words(rng, 60))}</p>")
        if n == 1:
            second = " ".join(re.sub(r"[^\w']", "", w) for w in body[words // 3: words // 3 + 2])
    return {"first": marker, "second": second}


def material_config(project: Path) -> str:
    """A copy of mkdocs.yml with Material's search on and Pagefind off."""
    text = (project / "mkdocs.yml").read_text()
    if "  - companion-episodes\n" not in text:
        raise SystemExit("bench: mkdocs.yml no longer lists `- companion-episodes` plainly; update material_config().")
    text = text.replace("  - companion-episodes\n", "  - search\n  - companion-episodes:\n      pagefind: false\n", 1)
    (project / "mkdocs-material-search.yml").write_text(text)
    return "mkdocs-material-search.yml"


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def gzip_size(body: bytes, url: str) -> int:
    if url.endswith((".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter")):
        return len(body)                               # Pagefind stores these already gzipped
    return min(len(body), len(gzip.compress(body, GZIP_LEVEL)))


def measure_search(browser, url: str, kind: str, queries: dict[str, str]) -> dict[str, float]:
    """Open the home page, search twice; bytes and time to first result for each search."""
    page = browser.new_page()
    seen: list[tuple[str, int, int]] = []

    def on_response(response) -> None:
        marker = "/pagefind/" if kind == "pagefind" else ("/search/", "/workers/search")
        if any(m in response.url for m in ((marker,) if isinstance(marker, str) else marker)):
            try:
                body = response.body()
            except Exception:                          # redirects and aborted requests have no body
                return
            seen.append((response.url, len(body), gzip_size(body, response.url)))

    page.on("response", on_response)
    page.goto(url)
    page.wait_for_load_state("load")
    figures: dict[str, float] = {}
    for label, query in queries.items():
        before = len(seen)
        if kind == "pagefind":
            if not page.locator("#ffg-search").evaluate("d => d.open"):
                page.click(".ffg-search-open")
            started = time.perf_counter()
            page.fill("#ffg-search-input", query)
            page.locator(".ffg-hit").first.wait_for(timeout=RESULT_TIMEOUT_MS)
        else:
            # Material drops queries typed before its worker has built the index, so wait for it:
            # a reader who searches at once waits (index ready - now) + the query itself.
            page.evaluate("document.getElementById('__search').checked = true")
            waited = time.perf_counter()
            page.wait_for_function(MATERIAL_READY, timeout=RESULT_TIMEOUT_MS)
            waited = time.perf_counter() - waited
            started = time.perf_counter() - waited
            page.focus("input.md-search__input")
            page.keyboard.type(query)                  # Material listens for key events, not `input`
            page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)
        figures[f"{label}_ms"] = (time.perf_counter() - started) * 1000
        page.wait_for_timeout(300)                     # let the fragment fetches for shown results land
        figures[f"{label}_bytes"] = sum(s[1] for s in seen[before:])
        figures[f"{label}_gzip"] = sum(s[2] for s in seen[before:])
        if kind == "pagefind":
            page.fill("#ffg-search-input", "")
        else:
            page.fill("input.md-search__input", "")
            page.keyboard.press("Backspace")
    page.close()
    return figures


OLD_DIALOG_PAGES = 8               # what the search dialog showed before (a silent cap)
PAGEFIND_ORDER = """async (q) => {
  const pf = await import(new URL('pagefind/pagefind.js', location.href).href);
  await pf.options({basePath: new URL('pagefind/', location.href).pathname}); await pf.init();
  const s = await pf.search(q); const out = [];
  for (const r of s.results) { const d = await r.data(); out.push(new URL(d.url, location.href).pathname); }
  return out; }"""
DIALOG_ORDER = """() => ({status: document.querySelector('.ffg-search__status').textContent,
  shown: [...document.querySelectorAll('.ffg-hit .ffg-hit__title')].map(a => new URL(a.href).pathname)})"""


def dialog_search(page, query: str) -> dict:
    page.fill("#ffg-search-input", "")
    page.fill("#ffg-search-input", query)
    page.wait_for_function("q => document.querySelector('.ffg-search__results').dataset.query === q",
                           arg=query, timeout=RESULT_TIMEOUT_MS)
    return page.evaluate(DIALOG_ORDER)


# Pagefind's own first result, with the moment its best sub-result (a segment anchor) points at.
PAGEFIND_ORDER_HASH = """async (q) => {
  const pf = await import(new URL('pagefind/pagefind.js', location.href).href);
  await pf.options({basePath: new URL('pagefind/', location.href).pathname}); await pf.init();
  const s = await pf.search(q); const out = [];
  for (const r of s.results.slice(0, 1)) { const d = await r.data(); const sub = d.sub_results.find(x => /#t-\\d+/.test(x.url));
    const t = sub ? Number(/#t-(\\d+)/.exec(sub.url)[1]) / 1000 : null;
    out.push(new URL(d.url, location.href).pathname + (t === null ? '' : `#t=${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, '0')}`)); }
  return out; }"""


def enter_lands(page, base: str, query: str) -> str:
    """Type `query` in the search dialog and press Enter, as a reader does: the path and #t= it opens."""
    page.goto(base + "/course/")
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    page.keyboard.type(query)
    before = page.url
    page.keyboard.press("Enter")
    try:
        page.wait_for_url(lambda url: url != before, timeout=RESULT_TIMEOUT_MS // 10)
    except Exception:  # noqa: BLE001 - Enter opened nothing: say so in the table
        return "(nothing opened)"
    url = page.url[len(base):]
    return url


def landed_right(url: str, expected: str, moment: str) -> bool:
    path, _, fragment = url.partition("#")
    return path == "/" + expected and (not moment or fragment == f"t={moment}")


def ranking(args: argparse.Namespace, work: Path) -> None:
    """Rank of the right page for the fixed query set, before (Pagefind's order, print page indexed) and after."""
    from playwright.sync_api import sync_playwright
    from search_queries import HALF_REMEMBERED_QUERIES, QUERY_SET, REVIEW_QUERIES, WEAK_QUERIES, course_phrases

    project = copy_project(work / "project")
    make_fixture_episodes(project / "episodes", "http://127.0.0.1:9/media/")
    # Synthetic speech without the sonnets and the inaugural address, so only their own episodes hold those sentences.
    synthetic_episodes(project / "episodes", args.episodes, args.words, BigramModel(speech_text(skip=("sonnet", "jfk"))))
    site = work / "site"
    build(project, site)
    before_project = copy_project(work / "before")             # the same site with the print page indexed
    shutil.rmtree(before_project / "episodes", ignore_errors=True)
    shutil.copytree(project / "episodes", before_project / "episodes")
    print_page = before_project / "docs" / "course" / "print.md"
    print_page.write_text(re.sub(r"\nsearch:\n  exclude: true[^\n]*", "", print_page.read_text()))
    build(before_project, work / "site-before")
    queries = QUERY_SET + course_phrases(site)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        servers = {"before": StaticServer(work / "site-before").start(), "after": StaticServer(site).start()}
        try:
            old = browser.new_page()
            old.goto(servers["before"].url + "/")
            new = browser.new_page()
            new.goto(servers["after"].url + "/")
            new.click(".ffg-search-open")
            for query, expected, want in queries:
                order = old.evaluate(PAGEFIND_ORDER, query)
                shown = dialog_search(new, query)["shown"]
                where = "/" + expected
                before = order.index(where) + 1 if where in order else None
                after = shown.index(where) + 1 if where in shown else None
                rows.append((query, want, before, len(order), after, len(shown)))
            weak = []
            for query in WEAK_QUERIES:
                order = old.evaluate(PAGEFIND_ORDER, query)
                found = dialog_search(new, query)
                weak.append((query, len(order), min(len(order), OLD_DIALOG_PAGES), len(found["shown"]), found["status"]))
            landed = []
            for kind, query, expected, moment in HALF_REMEMBERED_QUERIES + REVIEW_QUERIES:
                order = old.evaluate(PAGEFIND_ORDER_HASH, query)
                landed.append((kind, query, expected, moment, order[0] if order else "", enter_lands(new, servers["after"].url, query)))
        finally:
            for server in servers.values():
                server.close()
            browser.close()

    def place(rank, total, cap=None):
        if rank is None:
            return f"not found (of {total})"
        hidden = " HIDDEN" if cap and rank > cap else ""
        return f"{rank} of {total}{hidden}"

    print(f"\nSearch ranking: {len(queries)} queries; fixture episodes + {args.episodes} synthetic x {args.words} words\n")
    print(f"| {'query':<48} | want  | {'before (dialog showed 8)':>26} | {'after (dialog)':>16} |")
    print(f"|{'-' * 50}|-------|{'-' * 28}|{'-' * 18}|")
    for query, want, before, total, after, shown in rows:
        print(f"| {query[:48]:<48} | {want:<5} | {place(before, total, OLD_DIALOG_PAGES):>26} | {place(after, shown):>16} |")
    met = sum(1 for _, want, _, _, after, _ in rows if after is not None and (after == 1 if want == "first" else after <= 10))
    met_before = sum(1 for _, want, before, _, _, _ in rows
                     if before is not None and (before == 1 if want == "first" else before <= OLD_DIALOG_PAGES))
    print(f"\nRight page where wanted (first / first page): before {met_before}/{len(rows)}, after {met}/{len(rows)}")
    print(f"\n| {'weak query':<12} | {'Pagefind pages':>14} | {'listed before':>13} | {'listed after':>12} | what the dialog says now")
    print(f"|{'-' * 14}|{'-' * 16}|{'-' * 15}|{'-' * 14}|{'-' * 30}")
    for query, total, listed_before, listed_after, status in weak:
        print(f"| {query:<12} | {total:>14} | {listed_before:>13} | {listed_after:>12} | {status[:90]}")
    print(f"\nHalf-remembered queries: where Enter lands (before: Pagefind's first result and its best segment)\n")
    print(f"| {'kind':<28} | {'query':<48} | {'before':<6} | {'after: Enter opens':<60} |")
    print(f"|{'-' * 30}|{'-' * 50}|--------|{'-' * 62}|")
    right_before = right_after = 0
    for kind, query, expected, moment, first, after in landed:
        ok_before, ok_after = landed_right(first, expected, moment), landed_right(after, expected, moment)
        right_before += ok_before
        right_after += ok_after
        print(f"| {kind:<28} | {query[:48]:<48} | {'right' if ok_before else 'WRONG':<6} | {after[:52]:<52} {'right' if ok_after else 'WRONG':>7} |")
    print(f"\nEnter on the right page and moment: before {right_before}/{len(landed)}, after {right_after}/{len(landed)}")


TARGET_HOUR_PRINT_PAGES = 25      # issue 17: an hour-long transcript prints in under 25 A4 pages


def pdf_pages(pdf: bytes) -> int:
    """Page count of a PDF from its page tree (/Type /Pages ... /Count N): the largest /Count."""
    return max((int(n) for n in re.findall(rb"/Count\s+(\d+)", pdf)), default=0)


def print_pages(args: argparse.Namespace, work: Path) -> None:
    """A4 pages of a printed one-hour transcript (Chromium's "Save as PDF"), and of a printed module."""
    from playwright.sync_api import sync_playwright

    project = copy_project(work / "project")
    synthetic_episodes(project / "episodes", 1, args.words, BigramModel(speech_text()))
    site = work / "site"
    build(project, site)
    server = StaticServer(site).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            rows = []
            for label, path in (("one-hour transcript", "episodes/001-episode-1/"),
                                ("Module 1", "course/01-what-therapy-does/")):
                page.goto(f"{server.url}/{path}")
                page.wait_for_load_state("load")
                page.wait_for_timeout(500)
                segments = page.locator(".ffg-seg").count()
                rows.append((label, segments, pdf_pages(page.pdf(format="A4"))))
            browser.close()
    finally:
        server.close()
    print(f"\nPrinted (A4, Chromium's PDF): {args.words} words in one hour of speech\n")
    print(f"| {'page':<22} | {'segments':>8} | {'A4 pages':>8} |")
    print(f"|{'-' * 24}|{'-' * 10}|{'-' * 10}|")
    for label, segments, pages in rows:
        print(f"| {label:<22} | {segments:>8} | {pages:>8} |")
    hour = rows[0][2]
    print(f"\nTarget: an hour-long transcript in under {TARGET_HOUR_PRINT_PAGES} A4 pages: "
          f"{'met' if hour < TARGET_HOUR_PRINT_PAGES else 'MISSED'} ({hour})")


SCALE_SIZES = "250,500,1000"
BUILD_READS = HERE.parent / "tests" / "build_reads.py"


def no_pagefind_config(project: Path) -> str:
    """A copy of mkdocs.yml with the companion-episodes plugin's Pagefind step off."""
    text = (project / "mkdocs.yml").read_text()
    if "  - companion-episodes\n" not in text:
        raise SystemExit("bench: mkdocs.yml no longer lists `- companion-episodes` plainly; update no_pagefind_config().")
    (project / "mkdocs-no-pagefind.yml").write_text(
        text.replace("  - companion-episodes\n", "  - companion-episodes:\n      pagefind: false\n", 1))
    return "mkdocs-no-pagefind.yml"


def scale(args: argparse.Namespace, work: Path) -> None:
    """Build time, peak memory and reads per episode file at growing catalogue sizes."""
    sizes = sorted(int(n) for n in args.sizes.split(","))
    pool = work / "pool"
    started = time.perf_counter()
    synthetic_episodes(pool, sizes[-1], args.words, BigramModel(speech_text()))
    print(f"generated {sizes[-1]} episodes x {args.words} words in {time.perf_counter() - started:.1f} s", flush=True)
    source = args.code.resolve() if args.code else HERE.parent
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if args.code:
        env["PYTHONPATH"] = str(source / "scripts")
    rows = []
    for size in sizes:
        project = copy_site_sources(source, work / f"project-{size}")
        (project / "episodes").mkdir(exist_ok=True)
        for folder in sorted(pool.iterdir())[:size]:
            (project / "episodes" / folder.name).symlink_to(folder, target_is_directory=True)
        config = "mkdocs.yml" if args.pagefind else no_pagefind_config(project)
        done = subprocess.run([sys.executable, str(BUILD_READS), str(project), str(work / f"site-{size}"),
                               "--config", config], capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit(f"build of {size} episodes failed:\n{done.stderr[-3000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        opens = figures["opens"]
        records = [v for k, v in opens.items() if k.endswith("/episode.json")]
        transcripts = [v for k, v in opens.items() if k.endswith("/transcript.json")]
        rows.append((size, figures["seconds"], figures["peak_rss_kib"] / 1024,
                     min(records, default=0), max(records, default=0), sum(records),
                     max(transcripts, default=0)))
        print(f"{size}: built in {figures['seconds']:.1f} s", flush=True)
        shutil.rmtree(work / f"site-{size}", ignore_errors=True)
    load = os.getloadavg()
    print(f"\nBuild as the catalogue grows: one-hour episodes x {args.words} words, "
          f"{'with' if args.pagefind else 'without'} Pagefind, code from {source} "
          f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} cores)\n")
    print(f"| {'episodes':>8} | {'build s':>8} | {'ms / episode':>12} | {'peak MB':>8} | "
          f"{'episode.json opens each':>23} | {'opens in all':>12} | {'transcript.json opens, max':>26} |")
    print(f"|{'-' * 10}|{'-' * 10}|{'-' * 14}|{'-' * 10}|{'-' * 25}|{'-' * 14}|{'-' * 28}|")
    for size, seconds, peak, low, high, total, transcript in rows:
        each = f"{low}" if low == high else f"{low}-{high}"
        print(f"| {size:>8} | {seconds:>8.1f} | {1000 * seconds / size:>12.1f} | {peak:>8.0f} | "
              f"{each:>23} | {total:>12} | {transcript:>26} |")
    first, last = rows[0], rows[-1]
    print(f"\nGrowth {first[0]} -> {last[0]} episodes (x{last[0] / first[0]:.0f}): build time "
          f"x{last[1] / first[1]:.2f}, time per episode x{(last[1] / last[0]) / (first[1] / first[0]):.2f} "
          f"(1.00 = linear); each episode.json opened at most {max(r[4] for r in rows)} time(s) per build")


def human_bytes(n: float) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--words", type=int, default=9000)
    parser.add_argument("--keep", type=Path, help="keep the built sites in this folder")
    parser.add_argument("--ranking", action="store_true", help="measure search ranking on the fixed query set")
    parser.add_argument("--print", dest="print_pages", action="store_true",
                        help="count the A4 pages of a printed one-hour transcript and module")
    parser.add_argument("--scale", action="store_true", help="build time, memory and reads as episodes grow")
    parser.add_argument("--sizes", default=SCALE_SIZES, help="episode counts for --scale")
    parser.add_argument("--code", type=Path, help="--scale: the checkout whose package and sources to build")
    parser.add_argument("--pagefind", action="store_true", help="--scale: run Pagefind in each build")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    if args.ranking or args.print_pages or args.scale:
        try:
            (ranking if args.ranking else scale if args.scale else print_pages)(args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        project = copy_project(work / "project")
        started = time.perf_counter()
        queries = synthetic_episodes(project / "episodes", args.episodes, args.words, BigramModel(speech_text()))
        print(f"generated {args.episodes} episodes x {args.words} words in {time.perf_counter() - started:.1f} s", flush=True)
        variants = {"material": material_config(project), "pagefind": "mkdocs.yml"}
        results: dict[str, dict[str, float]] = {}
        for kind, config in variants.items():
            site = work / f"site-{kind}"
            started = time.perf_counter()
            build(project, site, config=config)
            results[kind] = {"build_s": time.perf_counter() - started, "site_bytes": folder_bytes(site)}
            print(f"{kind}: built in {results[kind]['build_s']:.1f} s", flush=True)

        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for kind in variants:
                server = StaticServer(work / f"site-{kind}").start()
                try:
                    results[kind].update(measure_search(browser, server.url + "/", kind, queries))
                finally:
                    server.close()
            browser.close()

        rows = [
            ("Build time (mkdocs build --strict, incl. index)", lambda r: f"{r['build_s']:.1f} s"),
            ("Total site size", lambda r: human_bytes(r["site_bytes"])),
            ("First search: bytes as served", lambda r: human_bytes(r["first_bytes"])),
            ("First search: bytes with gzip", lambda r: human_bytes(r["first_gzip"])),
            ("First search: time to first result", lambda r: f"{r['first_ms']:.0f} ms"),
            ("Second search: bytes as served", lambda r: human_bytes(r["second_bytes"])),
            ("Second search: bytes with gzip", lambda r: human_bytes(r["second_gzip"])),
            ("Second search: time to first result", lambda r: f"{r['second_ms']:.0f} ms"),
        ]
        print(f"\n{args.episodes} episodes x {args.words} words; queries: {queries['first']!r}, {queries['second']!r}\n")
        print(f"| {'measure':<48} | {'Material search':>16} | {'Pagefind':>12} |")
        print(f"|{'-' * 50}|{'-' * 18}|{'-' * 14}|")
        for label, fmt in rows:
            print(f"| {label:<48} | {fmt(results['material']):>16} | {fmt(results['pagefind']):>12} |")
        pf = results["pagefind"]
        print(f"\nTargets (Pagefind): first search < 1 MB: {'met' if pf['first_bytes'] < TARGET_FIRST_SEARCH_BYTES else 'MISSED'}; "
              f"< {TARGET_FIRST_RESULT_MS} ms: {'met' if pf['first_ms'] < TARGET_FIRST_RESULT_MS else 'MISSED'}; "
              f"build < {TARGET_BUILD_S} s: {'met' if pf['build_s'] < TARGET_BUILD_S else 'MISSED'}")
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
