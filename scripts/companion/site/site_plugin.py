"""MkDocs plugin `companion-episodes`: one page per folder in `episodes/`, made at build time.

Modelled on mkdocs-gen-files: pages are virtual files (`File.generated`), so no generated Markdown is
ever committed. A generated page's Markdown is only front matter (with `render_macros: false`); its
body is built as escaped HTML and swapped in at `on_page_content`, after Markdown and mkdocs-macros
have run, so feed text is never evaluated by either. The plugin also publishes each episode's
transcript files at stable URLs, loads the crisis-help data every template shows, and runs Pagefind
after the build (so `mkdocs build` and `mkdocs serve` both get search).
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from companion.pipeline import store
from companion.pipeline.chapters import published as published_chapters
from companion.site.episode_html import Download, episode_page_html, plain_summary, text
from companion.site.vocabulary import write_vocabulary

log = logging.getLogger("mkdocs.plugins.companion.episodes")

EPISODES_URL = "episodes"                      # site folder for episode pages
INDEX_SRC = f"{EPISODES_URL}/index.md"         # the episodes index (a normal docs page)
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")
TRANSCRIPT_DOWNLOADS = (                       # (file in episodes/<slug>/, label shown)
    ("transcript.vtt", "WebVTT captions"),
    ("transcript.srt", "SubRip subtitles"),
    (store.TRANSCRIPT_FILE, "Podcasting 2.0 JSON"),
    ("transcript.txt", "Plain text"),
    ("transcript.html", "HTML"),
)
HELP_KEYS = ("title", "emergency", "services", "international")
PAGEFIND_TIMEOUT_S = 600
PAGEFIND_EXCLUDE = ".headerlink"               # toc permalink marks (¶) are not words of the page


def episode_parts(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]] | None, list[Download]]:
    """What an episode page shows from `episodes/<slug>/`: the transcript, the chapters (None
    when the episode has none) and the transcript downloads that exist.

    Raises OSError or json.JSONDecodeError for a missing or unreadable transcript or chapters file.
    """
    transcript = store.load_transcript(folder)
    chapters_path = published_chapters(folder)      # a broken hand edit: the last valid one
    chapters = store.read_json(chapters_path) if chapters_path else None
    downloads = [Download(label, name, name.rsplit(".", 1)[1])
                 for name, label in TRANSCRIPT_DOWNLOADS if (folder / name).is_file()]
    return transcript, chapters, downloads


class EpisodesConfig(Config):
    episodes_dir = c.Type(str, default="episodes")
    help_file = c.Type(str, default="data/help.yml")
    pagefind = c.Type(bool, default=True)


def load_help(path: Path) -> dict[str, Any]:
    """The crisis-help data file; a missing or incomplete file is an error, never a silent gap."""
    if not path.is_file():
        raise PluginError(f"companion-episodes: help data file {path} is missing (help_file).")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [key for key in HELP_KEYS if not data.get(key)]
    if missing:
        raise PluginError(f"companion-episodes: {path} lacks {', '.join(missing)}.")
    return data


class EpisodesPlugin(BasePlugin[EpisodesConfig]):
    """Generates `episodes/<slug>/` pages and downloads; indexes the built site with Pagefind."""

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.episodes: dict[str, dict[str, Any]] = {}   # src_uri -> episode record
        self.folders: dict[str, Path] = {}              # slug -> folder
        self.active_index: Page | None = None           # episodes index, marked active while an episode renders

    # -- configuration -------------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or ".").resolve().parent
        if self.config.pagefind and "search" in config.plugins:
            raise PluginError(
                "companion-episodes: pagefind is on, so remove `search` from plugins in mkdocs.yml "
                "(Material's search would load the whole index on every page)."
            )
        config.extra["help"] = load_help(self.root / self.config.help_file)
        config.extra["pagefind"] = self.config.pagefind     # the header's search button (any engine)
        return config

    @property
    def episodes_dir(self) -> Path:
        return self.root / self.config.episodes_dir

    # -- files ---------------------------------------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.episodes.clear()
        self.folders.clear()
        try:
            records = store.load_episodes(self.episodes_dir)
        except (OSError, json.JSONDecodeError) as exc:
            raise PluginError(f"companion-episodes: cannot read {self.episodes_dir}: {exc}") from exc
        for episode in records:
            slug = str(episode.get("slug") or "")
            folder = self.episodes_dir / slug
            if not SLUG_RE.match(slug) or not (folder / store.EPISODE_FILE).is_file():
                raise PluginError(
                    f"companion-episodes: episode slug {slug!r} must be its folder's name under "
                    f"{self.episodes_dir} (lower-case letters, digits, '-', '.', '_')."
                )
            src_uri = f"{EPISODES_URL}/{slug}/index.md"
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"companion-episodes: docs/{src_uri} collides with episode {slug}.")
            self.episodes[src_uri] = episode
            self.folders[slug] = folder
            front = {"title": text(episode.get("title") or slug), "render_macros": False,
                     "episode_slug": slug,
                     "description": text(plain_summary(episode.get("show_notes_html") or ""))}
            files.append(File.generated(
                config, src_uri, content="---\n" + yaml.safe_dump(front) + "---\n",
                inclusion=InclusionLevel.NOT_IN_NAV,
            ))
            sources = {n: folder / n for n, _ in TRANSCRIPT_DOWNLOADS}
            sources[store.CHAPTERS_FILE] = published_chapters(folder)
            for name, source in sources.items():
                if source and source.is_file():
                    files.append(File.generated(
                        config, f"{EPISODES_URL}/{slug}/{name}", abs_src_path=str(source),
                    ))
        log.info("companion-episodes: %d episode pages from %s", len(self.episodes), self.episodes_dir)
        return files

    # -- pages ---------------------------------------------------------------------------------
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        episode = self.episodes.get(page.file.src_uri)
        if episode is None:
            return html
        slug = episode["slug"]
        try:
            transcript, chapters, downloads = episode_parts(self.folders[slug])
        except (OSError, json.JSONDecodeError) as exc:
            raise PluginError(f"companion-episodes: episode {slug}: {exc}") from exc
        index_href = get_relative_url(f"{EPISODES_URL}/", page.url)
        body, toc_tokens = episode_page_html(episode, transcript, chapters, downloads, index_href)
        page.toc = get_toc(toc_tokens)
        return body

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
        """Episode pages are not in the nav (hundreds would bloat every page): mark the Episodes tab as theirs."""
        if page.file.src_uri in self.episodes:
            self.active_index = next((p for p in nav.pages if p.file.src_uri == INDEX_SRC), None)
            if self.active_index is not None:
                self.active_index.active = True
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.active_index is not None:
            self.active_index.active = False
            self.active_index = None
        return output

    # -- serve and post-build ------------------------------------------------------------------
    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for path in (self.episodes_dir, self.root / self.config.help_file):
            if path.exists():
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.pagefind:
            run_pagefind(Path(config.site_dir))


def run_pagefind(site_dir: Path) -> None:
    """Index the built HTML with the Pagefind binary from `pagefind[extended]` (offline)."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent",
               "--exclude-selectors", PAGEFIND_EXCLUDE]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PAGEFIND_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PluginError(f"companion-episodes: Pagefind did not run: {exc}") from exc
    if result.returncode != 0:
        raise PluginError(
            "companion-episodes: Pagefind failed (is `pagefind[extended]` installed?):\n"
            + (result.stderr or result.stdout)[-2000:]
        )
    try:
        write_vocabulary(site_dir)          # the search dialog's spelling suggestions and variants
    except (OSError, ValueError) as exc:
        raise PluginError(f"companion-episodes: the search vocabulary was not written: {exc}") from exc
    log.info("companion-episodes: Pagefind index built in %.1f s", time.perf_counter() - started)
