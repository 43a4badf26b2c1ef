"""MkDocs plugin `companion-episodes`: one page per folder in `episodes/`, made at build time.

Modelled on mkdocs-gen-files: pages are virtual files (`File.generated`), so no generated Markdown is
ever committed. A generated page's Markdown is only front matter (with `render_macros: false`); its
body is built as escaped HTML and swapped in at `on_page_content`, after Markdown and mkdocs-macros
have run, so feed text is never evaluated by either. The plugin also publishes each episode's
transcript files at stable URLs, loads the crisis-help data every template shows, and runs Pagefind
after the build (so `mkdocs build` and `mkdocs serve` both get search).
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

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

from companion import hand_edited, project
from companion.catalogue import Catalogue, CatalogueError, episodes_dir
from companion.episode import (CHAPTERS_FILE, CORRECTIONS_FILE, EPISODE_FILE, EPISODES_URL, TRANSCRIPT_FILE,
                               TRANSCRIPT_FORMATS, Episode, episode_url)
from companion.site.episode_html import Download, episode_page_html, plain_summary, text
from companion.site.moved import redirect_page
from companion.site.third_party import config_requests, page_requests
from companion.site.transcript_document import crisis_lines_html, transcript_document
from companion.site.vocabulary import write_vocabulary

log = logging.getLogger("mkdocs.plugins.companion.episodes")

INDEX_SRC = f"{EPISODES_URL}/index.md"         # the episodes index (a normal docs page)
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")
HELP_KEYS = ("title", "emergency", "services", "international")
YES_NO = {"yes": True, "on": True, "true": True, "no": False, "off": False, "false": False}
PAGEFIND_TIMEOUT_S = 600
# The HTML transcript, published as a whole page (transcript_document), not the bare fragment.
FAVICON = "assets/images/favicon.png"          # Material's default theme.favicon
TRANSCRIPT_DOCUMENT = next(f.name for f in TRANSCRIPT_FORMATS if f.suffix == "html")
PAGEFIND_EXCLUDE = ".headerlink"               # toc permalink marks (¶) are not words of the page



def unmatched_corrections_notice(episode: Episode, folder: str) -> str | None:
    """The sentence a build says for an episode whose corrections.yml entries matched nothing
    when sync last wrote its transcript (the record's `corrections_unmatched`), or None. After a
    re-transcription segments start elsewhere, so a `segments:` fix can stop applying: the page
    then shows the model's words again while the fix sits unused in the file."""
    unmatched = [str(n) for n in episode.get("corrections_unmatched") or []]
    if not unmatched:
        return None
    return (f"{folder}/{CORRECTIONS_FILE}: {len(unmatched)} correction(s) matched nothing when the "
            f"transcript was last written, so the page shows the words without them: "
            f"{'; '.join(unmatched)}. If the episode was transcribed again, its segments may start "
            "at other times: copy the new time from the episode page into the entry and run "
            "`companion sync`.")

class EpisodesConfig(Config):
    episodes_dir = c.Optional(c.Type(str))    # default: project.EPISODES_DIR (see project.episodes_folder)
    help_file = c.Type(str, default="data/help.yml")
    pagefind = c.Type(bool, default=True)


def load_help(path: Path, name: str | None = None) -> dict[str, Any]:
    """The crisis-help data file; a missing or incomplete file is an error, never a silent gap.
    Read as a person saves it (`hand_edited.load`): `phone: 000` stays "000" (YAML 1.1 reads it
    as the number 0, and every page's help bar would offer to call 0). Raises PluginError naming
    the file (as `name`, default the path) and line."""
    name = name or str(path)
    if not path.is_file():
        raise PluginError(f"companion-episodes: help data file {name} is missing (help_file).")
    try:
        data = hand_edited.load(path.read_bytes()) or {}
    except hand_edited.Unreadable as exc:
        raise PluginError(f"companion-episodes: {exc.at(name)}") from exc
    if not isinstance(data, dict):
        raise PluginError(f"companion-episodes: {name} must be a mapping ({', '.join(HELP_KEYS)}).")
    missing = [key for key in HELP_KEYS if not data.get(key)]
    if missing:
        raise PluginError(f"companion-episodes: {name} lacks {', '.join(missing)}.")
    services = data["services"] if isinstance(data["services"], list) else []
    for where, service in [("emergency", data["emergency"]),
                           *((f"services entry {n}", s) for n, s in enumerate(services, 1))]:
        if not isinstance(service, dict) or not str(service.get("name") or "").strip() \
                or not re.search(r"\d", str(service.get("phone") or "")):
            raise PluginError(f"companion-episodes: {name}: {where} needs a name and a phone "
                              "number (digits, in quotes: phone: \"13 11 14\").")
        bar = service.get("bar", False)
        if isinstance(bar, str):          # text is kept as text: `bar: no` must not be a true "no"
            if bar.strip().lower() not in YES_NO:
                raise PluginError(f"companion-episodes: {name}: {where} bar: {bar!r} is not "
                                  "true or false.")
            service["bar"] = YES_NO[bar.strip().lower()]
    return data


class EpisodesPlugin(BasePlugin[EpisodesConfig]):
    """Generates `episodes/<slug>/` pages and downloads; indexes the built site with Pagefind."""

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.catalogue: Catalogue | None = None         # this build's episodes (the course's too)
        self.episodes: dict[str, Episode] = {}          # src_uri -> episode
        self.notices: list[str] = []                    # this build's hand-edit notices (`on_files`)
        self.active_index: Page | None = None           # episodes index, marked active while an episode renders
        self.reaching_out: dict[str, list[str]] = {}    # page's source -> what it fetches elsewhere

    # -- configuration -------------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or ".").resolve().parent
        if self.config.pagefind and "search" in config.plugins:
            raise PluginError(
                "companion-episodes: pagefind is on, so remove `search` from plugins in mkdocs.yml "
                "(Material's search would load the whole index on every page)."
            )
        reaching = config_requests(config)
        if reaching:
            raise PluginError("companion-episodes: mkdocs.yml makes every reader's browser ask "
                              "another host, and this site asks none:\n  - " + "\n  - ".join(reaching))
        self.reaching_out = {}
        config.extra["help"] = load_help(self.root / self.config.help_file, self.config.help_file)
        config.extra["pagefind"] = self.config.pagefind     # the header's search button (any engine)
        course = config.plugins.get(project.COURSE_PLUGIN)
        try:
            folder = episodes_dir(self.root, {
                project.EPISODES_PLUGIN: self.config.episodes_dir,
                project.COURSE_PLUGIN: course.config.get("episodes_dir") if course is not None else None})
            self.catalogue = Catalogue.load(folder)
        except project.ProjectError as exc:
            raise PluginError(f"companion-episodes: {exc}") from exc
        except (OSError, CatalogueError) as exc:
            raise PluginError(f"companion-episodes: cannot read {folder}: {exc}") from exc
        return config

    @property
    def episodes_dir(self) -> Path:
        return self.catalogue.folder if self.catalogue else self.root / project.EPISODES_DIR

    # -- files ---------------------------------------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.episodes.clear()
        catalogue = self.catalogue
        assert catalogue is not None, "on_config loads the catalogue"
        lost = catalogue.moved()[1]                      # renamed folders' old addresses not kept
        for episode in catalogue:
            slug = episode.slug
            if not SLUG_RE.match(slug) or not (catalogue.folder_of(slug) / EPISODE_FILE).is_file():
                raise PluginError(
                    f"companion-episodes: episode slug {slug!r} must be its folder's name under "
                    f"{catalogue.folder} (lower-case letters, digits, '-', '.', '_')."
                )
            src_uri = f"{episode.url}index.md"
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"companion-episodes: docs/{src_uri} collides with episode {slug}.")
            self.episodes[src_uri] = episode
            front = {"title": text(episode.label), "render_macros": False,
                     "episode_slug": slug,
                     "description": text(plain_summary(episode.show_notes_html))}
            files.append(File.generated(
                config, src_uri, content="---\n" + yaml.safe_dump(front) + "---\n",
                inclusion=InclusionLevel.NOT_IN_NAV,
            ))
            try:
                chapters_file = catalogue.chapters_file(episode)
            except (OSError, CatalogueError) as exc:
                raise PluginError(f"companion-episodes: episode {slug}: {exc}") from exc
            sources = {f.name: catalogue.folder_of(slug) / f.name for f in catalogue.downloads(episode)}
            if chapters_file is not None:
                sources[CHAPTERS_FILE] = chapters_file
            self.add_downloads(files, config, episode, episode.url, sources)
            for old in catalogue.moved_from(episode):
                self.add_old_address(files, config, episode, old, sources)
        for why in lost:
            log.info("companion-episodes: %s", why)          # said, never a strict failure
        log.info("companion-episodes: %d episode pages from %s", len(self.episodes), catalogue.folder)
        # read once a build: each hashes every transcript file (`companion build` says them too)
        self.notices = self.hand_edit_notices()
        for notice in self.notices:
            log.info("companion-episodes: %s", notice)       # said, never a strict failure
        return files

    def add_old_address(self, files: Files, config: MkDocsConfig, episode: Episode, old: str,
                        sources: dict[str, Path]) -> None:
        """At `episodes/<old>/`, the address the episode's folder had before it was renamed: a
        page leading to the new one (companion.site.moved) and its downloads again, so links,
        bundles and citations made before the rename keep working (a static host redirects no
        file). A page of docs/ at that address is left alone, and said."""
        if not SLUG_RE.match(old):
            log.info("companion-episodes: episode %s: its old name %r is not a folder name; no "
                     "page is left there", episode.slug, old)
            return
        here = episode_url(old)
        if any(files.get_file_from_path(f"{here}{name}") for name in ("index.md", "index.html")):
            log.info("companion-episodes: episodes/%s/ was the address of %s before its folder was "
                     "renamed; docs/ has its own page there, so old links show that page", old, episode.slug)
            return
        canonical = urljoin(config.site_url, episode.url) if config.site_url else ""
        get_help = get_relative_url("get-help/", here)
        files.append(File.generated(config, f"{here}index.html", content=redirect_page(
            get_relative_url(episode.url, here), episode.label, canonical=canonical,
            crisis_lines=crisis_lines_html(config.extra["help"], get_help), get_help_href=get_help)))
        self.add_downloads(files, config, episode, here, sources)

    def add_downloads(self, files: Files, config: MkDocsConfig, episode: Episode, url: str,
                      sources: dict[str, Path]) -> None:
        """The episode's downloads (`sources`: file name -> its file) at the page address `url`:
        the transcript document rendered, every other file as it is."""
        for name, source in sources.items():
            if name == TRANSCRIPT_DOCUMENT:
                files.append(File.generated(config, f"{url}{name}",
                                            content=self.transcript_page(episode, source, config)))
            else:
                files.append(File.generated(config, f"{url}{name}", abs_src_path=str(source)))

    def hand_edit_notices(self) -> list[str]:
        """One sentence for each transcript file edited by hand since sync wrote it
        (`Catalogue.edited_by_hand`), naming the file, saying what of it the site uses and how
        to make the fix stick (corrections.yml, as sync's own warning says), and one for each
        episode whose corrections matched nothing when sync last wrote its transcript
        (`unmatched_corrections_notice`). A build says them without failing: the site is whole,
        only the edit is not in it. Raises PluginError for a file that cannot be read."""
        catalogue = self.catalogue
        assert catalogue is not None, "on_config loads the catalogue"
        notices = []
        for episode in catalogue:
            try:
                edited = catalogue.edited_by_hand(episode)
            except OSError as exc:
                raise PluginError(f"companion-episodes: episode {episode.slug}: {exc}") from exc
            folder = catalogue.folder_of(episode)
            where = folder.relative_to(self.root) if folder.is_relative_to(self.root) else folder
            for name in edited:
                used = ("it is shown on the episode page but not used in the other transcript "
                        "downloads" if name == TRANSCRIPT_FILE else
                        f"it is not used on the episode page (built from {TRANSCRIPT_FILE}) or in "
                        "the other transcript downloads; only this file, published as it is, has it")
                notices.append(
                    f"{where.as_posix()}/{name} was edited by hand since sync wrote it: {used}. "
                    f"To make the fix stick, put it in {where.as_posix()}/{CORRECTIONS_FILE}, delete "
                    f"{name} and run `companion sync` (it writes every format again with your "
                    "corrections, without transcribing again).")
            notice = unmatched_corrections_notice(episode, where.as_posix())
            if notice:
                notices.append(notice)
        return notices

    @staticmethod
    def transcript_page(episode: Episode, source: Path, config: MkDocsConfig) -> str:
        """The episode's Podcasting 2.0 HTML transcript as a whole page (title, lang, crisis
        lines: companion.site.transcript_document), its links absolute when site_url is set."""
        here = f"{episode.url}{TRANSCRIPT_DOCUMENT}"
        site_url = config.site_url or ""

        def href(path: str) -> str:
            return urljoin(site_url, path) if site_url else get_relative_url(path, here)

        try:
            fragment = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PluginError(f"companion-episodes: episode {episode.slug}: {exc}") from exc
        return transcript_document(fragment, title=episode.label, site_name=config.site_name,
                                   help_data=config.extra["help"],
                                   episode_href=href(episode.url), get_help_href=href("get-help/"),
                                   icon_href=href(config.theme.get("favicon") or FAVICON))

    # -- pages ---------------------------------------------------------------------------------
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        episode = self.episodes.get(page.file.src_uri)
        if episode is None or self.catalogue is None:
            return html
        body, toc_tokens = self.page_body(episode, page.url)
        page.toc = get_toc(toc_tokens)
        return body

    def page_body(self, episode: Episode, page_url: str) -> tuple[str, list[dict[str, Any]]]:
        """An episode page's body and table-of-contents tokens, from the catalogue (both build
        paths use it). Raises PluginError for a transcript or chapters file that cannot be read."""
        catalogue = self.catalogue
        assert catalogue is not None, "on_config loads the catalogue"
        try:
            transcript = catalogue.transcript(episode) if episode.has_transcript else None
            chapters = catalogue.chapters(episode)
        except (OSError, CatalogueError) as exc:
            raise PluginError(f"companion-episodes: episode {episode.slug}: {exc}") from exc
        downloads = [Download(f.label, f.name, f.suffix) for f in catalogue.downloads(episode)]
        index_href = get_relative_url(f"{EPISODES_URL}/", page_url)
        return episode_page_html(episode, transcript, chapters, downloads, index_href)

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
        episode = self.episodes.get(page.file.src_uri)
        audio = frozenset({episode.enclosure.url} if episode and episode.enclosure else ())
        found = page_requests(output, own_host=urlsplit(config.site_url or "").hostname,
                              allowed=audio, repo_url=config.repo_url or "")
        if found:
            where = f"episode {episode.slug}" if episode else f"docs/{page.file.src_uri}"
            self.reaching_out[where] = found
        return output

    # -- serve and post-build ------------------------------------------------------------------
    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for path in (self.episodes_dir, self.root / self.config.help_file):
            if path.exists():
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.reaching_out:
            raise PluginError(
                "companion-episodes: these pages would make every reader's browser ask another "
                "host, and this site asks none:\n" + "\n".join(
                    f"  - {where}: {what}" for where, found in self.reaching_out.items() for what in found))
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
