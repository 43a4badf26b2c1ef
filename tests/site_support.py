"""Shared helpers for the site tests and bench/site.py: a tmp copy of the project, fixture episodes
made from real speech (LibriVox sonnets) and real transcript examples, a strict build, and a static
HTTP server with Range support (companion.site.static_server, so Chromium can seek real audio) on
127.0.0.1."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from companion.episode import TRANSCRIPT_FORMATS
from companion.pipeline import store
from companion.pipeline.formats import WRITERS
from companion.project import copy_site_sources
from companion.site.static_server import StaticHandler, StaticServer

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "site-fixtures"     # sonnet texts (the audio is in data/audio)
AUDIO = REPO / "tests" / "data" / "audio"
TRANSCRIPTS = REPO / "tests" / "data" / "transcripts"
SONNETS = {  # file stem -> (duration in seconds, from SOURCES.md)
    "sonnet001": 53.32,
    "sonnet002": 52.95,
    "sonnet003": 51.70,
}
LEAD_IN_S = 3.0          # the reader announces the sonnet's number first
BUILD_TIMEOUT_S = 600

HOSTILE_TITLE = "<script>alert('title')</script> {{ config.site_name }} {% if true %}yes{% endif %} **bold** [x](javascript:alert(1))"
HOSTILE_NOTES = (
    "<p>Notes {{ 7*7 }} and {% raw %}raw{% endraw %} and *stars* and "
    "<script>alert('notes')</script><img src=\"https://tracker.invalid/pixel.gif\"> "
    "<a href=\"javascript:alert(1)\">bad link</a> <a href=\"https://example.org/\">good link</a></p>"
)
HOSTILE_SEGMENTS = [
    "<img src=x onerror=alert('seg')> hello",
    "{{ 6*7 }} and {% for x in range(3) %}{{ x }}{% endfor %}",
    "# Not a heading *not emphasis* [not a link](https://example.org/) --8<-- \"mkdocs.yml\"",
    "</div></div><script>alert('close')</script> still text",
    # An address said on air, written whole: one run of 90 letters, wider than a phone.
    "The links are at www.fallfromgracepodcast.example/episodes/four/links-and-resources-mentioned-tonight?from=transcript",
]


def sonnet_lines(stem: str) -> list[str]:
    """The sonnet's spoken lines: number first, then the fourteen lines."""
    if stem == "sonnet001":
        return [line.strip() for line in (DATA / "sonnet001.plain.txt").read_text().splitlines() if line.strip()]
    raw = (DATA / f"{stem}.xhtml").read_text(encoding="utf-8")
    spans = re.findall(r'<span id="f\d+">(.*?)</span>', raw)
    return [html.unescape(s).replace("\u2019", "'") for s in spans]


def even_segments(lines: list[str], duration: float, speaker: str = "") -> list[dict[str, Any]]:
    """Podcasting 2.0 segments: the first line in the lead-in, the rest spread evenly to the end."""
    step = (duration - LEAD_IN_S) / max(1, len(lines) - 1)
    segments = []
    for i, line in enumerate(lines):
        start = 0.0 if i == 0 else LEAD_IN_S + (i - 1) * step
        end = LEAD_IN_S if i == 0 else LEAD_IN_S + i * step
        segment = {"startTime": round(start, 2), "endTime": round(end, 2), "body": line}
        if speaker:
            segment["speaker"] = speaker
        segments.append(segment)
    return segments


def with_word_timings(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Segments with `words` (startTime, endTime, body) spread evenly over each segment, as the
    pipeline keeps Whisper's word timings in transcript.json."""
    out = []
    for seg in segments:
        words = seg["body"].split()
        step = (seg["endTime"] - seg["startTime"]) / max(1, len(words))
        out.append({**seg, "words": [{"startTime": round(seg["startTime"] + i * step, 2),
                                      "endTime": round(seg["startTime"] + (i + 1) * step, 2), "body": w}
                                     for i, w in enumerate(words)]})
    return out


def write_transcript_files(folder: Path, segments: list[dict[str, Any]]) -> None:
    """The transcript files as the pipeline writes them (companion.pipeline.formats)."""
    for kind in TRANSCRIPT_FORMATS:
        (folder / kind.name).write_text(WRITERS[kind.suffix](segments), encoding="utf-8")


def write_episode(episodes_dir: Path, slug: str, *, title: str, number: int | None, date: str,
                  duration: float, audio_url: str | None, segments: list[dict[str, Any]] | None,
                  notes: str = "", chapters: dict[str, Any] | None = None) -> Path:
    """One folder under episodes/ following the data contract in companion.pipeline.store."""
    folder = episodes_dir / slug
    folder.mkdir(parents=True, exist_ok=True)
    record = store.new_episode(guid=f"urn:test:{slug}", slug=slug)
    record.update({
        "title": title, "date": date, "duration": duration, "episode": number,
        "show_notes_html": notes,
        "enclosure": {"url": audio_url, "type": "audio/mpeg", "length": 0} if audio_url else None,
        "status": store.STATUS_TRANSCRIBED if segments else store.STATUS_PENDING,
    })
    store.write_json_atomic(folder / store.EPISODE_FILE, record)
    if segments:
        write_transcript_files(folder, segments)
    if chapters:
        (folder / store.CHAPTERS_FILE).write_text(json.dumps(chapters))
    return folder


WORDS_FROM_ELSEWHERE = "007-words-from-elsewhere"     # remembered sentences, accents (search cases)
INAUGURAL = "008-inaugural-address"                     # "ask not what your country can do ..."
NO_RANGE = "009-host-without-range"                     # its audio host ignores HTTP Range
HALF_REMEMBERED = "010-staying-with-the-hard-days"      # compounds, contractions, British spellings (search cases)
GETTYSBURG = "011-lincoln-at-gettysburg"                # the review's half-remembered texts (issue 17)
FIRST_INAUGURAL = "012-nothing-to-fear"


def jfk_reference() -> str:
    clips = json.loads((AUDIO / "references.json").read_text())["clips"]
    return next(c["reference"] for c in clips if c["file"].endswith("jfk.wav"))


def make_fixture_episodes(episodes_dir: Path, media_url: str, no_range_url: str | None = None) -> None:
    """Three sonnet episodes (real audio), one hostile, one without transcript, the PC2.0 example,
    the search cases' episodes (remembered sentences; half-remembered spellings), an inaugural-address
    excerpt, and (with `no_range_url`) an episode whose audio host cannot seek."""
    dates = {"sonnet001": "2025-03-01", "sonnet002": "2025-03-08", "sonnet003": "2025-03-15"}
    for n, (stem, duration) in enumerate(SONNETS.items(), 1):
        chapters = None
        if stem == "sonnet001":
            chapters = {"version": "1.2.0", "chapters": [
                {"startTime": 0, "title": "The number"},
                {"startTime": 20, "title": "The middle <em>lines</em> {{ 1+1 }}"},
                {"startTime": 45, "title": "Hidden chapter", "toc": False},
            ]}
        write_episode(
            episodes_dir, f"{n:03d}-sonnet-{n}", title=f"Sonnet {n}: a reading", number=n,
            date=dates[stem], duration=duration, audio_url=f"{media_url}{stem}.mp3",
            segments=(with_word_timings if stem == "sonnet003" else list)(even_segments(sonnet_lines(stem), duration, speaker="Reader")),
            notes=f"<p>A LibriVox reading of Shakespeare's sonnet {n}.</p>", chapters=chapters,
        )
    write_episode(
        episodes_dir, "004-hostile", title=HOSTILE_TITLE, number=4, date="2025-03-22",
        duration=SONNETS["sonnet001"], audio_url=f"{media_url}sonnet001.mp3",
        segments=[{"startTime": 5.0 * i, "endTime": 5.0 * i + 4.5, "body": body, "speaker": "{{ speaker }}"}
                  for i, body in enumerate(HOSTILE_SEGMENTS)],
        notes=HOSTILE_NOTES,
    )
    write_episode(
        episodes_dir, "005-coming-soon", title="Coming soon: the next conversation", number=5,
        date="2025-03-29", duration=1800, audio_url=f"{media_url}sonnet002.mp3", segments=None,
        notes="<p>Recorded, not yet transcribed.</p>",
    )
    example = json.loads((TRANSCRIPTS / "example.json").read_text())
    write_episode(
        episodes_dir, "006-pc20-example", title="Podcasting 2.0 transcript example", number=6,
        date="2025-01-10", duration=4.0, audio_url=f"{media_url}sonnet003.mp3",
        segments=example["segments"], notes="",
    )
    words = json.loads((DATA / "words-from-elsewhere.json").read_text(encoding="utf-8"))
    write_episode(
        episodes_dir, WORDS_FROM_ELSEWHERE, title="Words from elsewhere", number=7, date="2025-02-01",
        duration=53.3, audio_url=f"{media_url}sonnet001.mp3", segments=words["segments"], notes="",
    )
    first, rest = jfk_reference().split(" ask not ", 1)
    write_episode(
        episodes_dir, INAUGURAL, title="An inaugural address, 1961", number=8, date="2025-02-08",
        duration=11.0, audio_url=f"{media_url}jfk.wav", notes="",
        segments=[{"startTime": 0.0, "endTime": 3.9, "body": first},
                  {"startTime": 4.0, "endTime": 11.0, "body": f"Ask not {rest}"}],
    )
    remembered = json.loads((DATA / "half-remembered.json").read_text(encoding="utf-8"))
    write_episode(
        episodes_dir, HALF_REMEMBERED, title="Staying with the hard days", number=10, date="2025-02-22",
        duration=80.0, audio_url=f"{media_url}sonnet002.mp3", segments=remembered["segments"], notes="",
    )
    for slug, title, number, name in ((GETTYSBURG, "Lincoln at Gettysburg", 11, "gettysburg"),
                                      (FIRST_INAUGURAL, "Nothing to fear: a first inaugural", 12, "first-inaugural")):
        speech = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
        write_episode(episodes_dir, slug, title=title, number=number, date=f"2025-01-{number:02d}",
                      duration=speech["segments"][-1]["endTime"], audio_url=f"{media_url}sonnet003.mp3",
                      segments=speech["segments"], notes="")
    if no_range_url:
        write_episode(
            episodes_dir, NO_RANGE, title="Sonnet 1 from a host that cannot seek", number=9, date="2025-02-15",
            duration=SONNETS["sonnet001"], audio_url=f"{no_range_url}sonnet001.mp3",
            segments=even_segments(sonnet_lines("sonnet001"), SONNETS["sonnet001"], speaker="Reader"),
        )


class NoRangeHandler(StaticHandler):
    """An audio host as some really are: ignores `Range`, never sends `Accept-Ranges` (Chromium then
    cannot seek), and is slow (a chunk at a time), so the file is still loading while a test seeks."""

    CHUNK_BYTES = 16_384
    CHUNK_PAUSE_S = 0.25

    def send_file(self, data: bytes, kind: str, head: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if head:
            return
        try:
            for start in range(0, len(data), self.CHUNK_BYTES):
                self.wfile.write(data[start:start + self.CHUNK_BYTES])
                self.wfile.flush()
                time.sleep(self.CHUNK_PAUSE_S)
        except (BrokenPipeError, ConnectionResetError):
            pass                                  # the browser closed the page mid-download


def copy_project(dest: Path) -> Path:
    """The project's site sources (mkdocs.yml, docs, overrides, data) in a scratch folder."""
    return copy_site_sources(REPO, dest)


def build(project: Path, site_dir: Path, *, config: str = "mkdocs.yml") -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` in a subprocess, as `companion build` does; raises with the log on failure."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / config), "-d", str(site_dir)],
        cwd=project, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, env=env,
    )
    if result.returncode != 0:
        raise AssertionError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return result


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


SETTLE_MS = 10_000
# A bundle page's view is built from cite/catalogue.json after load: done when the builder, the
# student view or the alert saying the catalogue could not be read is there (other pages: at once).
BUNDLE_BUILT = ("(() => { const b = document.getElementById('ffg-bundle'); return !b"
                " || !!b.querySelector('[data-bundle-add-module], [data-bundle-items] li, [role=alert]'); })()")


# Whether Material's instant navigation can take over a click: the feature is off, or the sitemap it
# checks every link against has been fetched (a Resource Timing entry). Its click handler waits for
# that file (the bundle's `withLatestFrom(sitemap$)`); a click before it is a plain page load.
INSTANT_READY = """() => { const config = document.getElementById('__config');
    const features = config ? JSON.parse(config.textContent).features || [] : [];
    return !features.includes('navigation.instant') ||
        performance.getEntriesByType('resource').some(e => new URL(e.name).pathname.endsWith('/sitemap.xml')); }"""


def open_page(page: Any, url: str, timeout_ms: int = 10_000) -> None:
    """Load `url` as a reader's browser does, then wait until instant navigation can take over a
    link (INSTANT_READY): under load in CI a test's click came first, was a full page load, and
    left focus on <body> and the scroll where a reload puts it."""
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_function(INSTANT_READY, timeout=timeout_ms)


def settle(page: Any, predicate: str, arg: Any = None, timeout_ms: int = SETTLE_MS) -> bool:
    """Wait until the JavaScript `predicate` (an expression, or a function of `arg`) holds on `page`:
    Playwright re-checks it on every animation frame, so a smooth scroll, a slide-in or a
    ResizeObserver callback is waited out however slowly a busy machine runs it, and no fixed sleep
    guesses how long that takes. True once it holds; False after `timeout_ms` without, and the
    caller's own assertion, run next, then says what is wrong."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(predicate, arg=arg, timeout=timeout_ms)
    except PlaywrightTimeout:
        return False
    return True


DEPLOY_PATH = "repo/"          # GitHub Pages serves a project site under /<repository>/


def set_site_url(project: Path, site_url: str) -> None:
    """Write `site_url` into the project's mkdocs.yml (what a deployed site sets)."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if not re.search(r"^site_url:", text, flags=re.M):
        raise AssertionError("mkdocs.yml has no site_url line to set")
    config.write_text(re.sub(r"^site_url:.*$", f'site_url: "{site_url}"', text, count=1, flags=re.M), encoding="utf-8")


class SharedSite:
    """One fixture project, built once per test process and served on 127.0.0.1 with its media.

    `deployed` (the default) builds it as GitHub Pages serves a project site: `site_url` set to the
    test server's address under a sub-path (`/repo/`), so Material's instant navigation is active and
    every URL carries the prefix. `deployed=False` is the local preview (`site_url: ""`, served at
    the root), kept for one smoke run. `www` is the built site; `url` is where it is read.
    """

    def __init__(self, workdir: Path, deployed: bool = True) -> None:
        self.served = workdir / "www"
        self.served.mkdir(parents=True)
        self.server = StaticServer(self.served).start()
        self.no_range = StaticServer(self.served, handler=NoRangeHandler).start()
        prefix = DEPLOY_PATH if deployed else ""
        self.www = self.served / prefix if prefix else self.served
        self.prefix = "/" + prefix                      # URL path of the site's root: "/repo/" or "/"
        self.url = f"{self.server.url}{self.prefix}"
        self.project = copy_project(workdir / "project")
        if deployed:
            set_site_url(self.project, self.url)
        make_fixture_episodes(self.project / "episodes", f"{self.url}media/", f"{self.no_range.url}{self.prefix}media/")
        self.log = build(self.project, self.www)
        media = self.www / "media"
        media.mkdir()
        for stem in SONNETS:
            shutil.copy2(AUDIO / f"{stem}.mp3", media / f"{stem}.mp3")
        shutil.copy2(AUDIO / "jfk.wav", media / "jfk.wav")

    def path(self, url: str) -> str:
        """A page URL's path relative to the site root (`/repo/episodes/x/` -> `episodes/x/`)."""
        from urllib.parse import urlsplit

        path = urlsplit(url).path
        return path[len(self.prefix):] if path.startswith(self.prefix) else path

    def pages(self) -> list[Path]:
        """Every HTML page MkDocs wrote (not Pagefind's bundle)."""
        return sorted(p for p in self.www.rglob("*.html") if "pagefind" not in p.relative_to(self.www).parts
                      and p.name != "transcript.html")          # a download (Podcasting 2.0 HTML), not a page

    def course_module(self) -> str | None:
        """URL path of one course module page, if the course has any yet."""
        for source in sorted((self.project / "docs" / "course").glob("*.md")):
            if source.stem not in ("index", "bundle", "syllabus") and (self.www / "course" / source.stem / "index.html").is_file():
                return f"course/{source.stem}/"
        return None


_shared: dict[str, SharedSite] = {}


def shared_site(tmp_path_factory: Any, deployed: bool = True) -> SharedSite:
    """The process-wide `SharedSite`, as deployed or as the local preview (session fixtures in
    several test modules share one build of each)."""
    key = "deployed" if deployed else "local"
    if key not in _shared:
        _shared[key] = SharedSite(tmp_path_factory.mktemp(f"companion-site-{key}"), deployed=deployed)
    return _shared[key]
