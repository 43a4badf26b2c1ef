"""`companion build` and `companion serve`: the three build steps, composed.

1. *generate* (`companion.site.generate`): episode pages, module headers and References, the print page,
   the course macros, transcript and citation downloads and the cartridge, into a staging tree
   (`.cache/stage/`, never committed);
2. *render* (`companion.site.render`): MkDocs (default), ProperDocs or Zensical over that tree, in a
   subprocess so each run starts clean;
3. *index*: Pagefind over the rendered HTML.

`mkdocs build` / `mkdocs serve` on the project itself still work through the two MkDocs plugins,
which run the same generation code inside MkDocs' events (and Pagefind after the build).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

from urllib.parse import urlsplit

from companion.catalogue import Catalogue
from companion.errors import SiteStageError
from companion.site import generate, render
from companion.site.third_party import site_requests
from companion.project import CONFIG_NAME, Project, load_config

SITE_DIR = "site"
WATCH_INTERVAL_S = 1.0          # how often `serve` looks for changed sources

log = logging.getLogger("companion.site.build")


class SiteError(SiteStageError):
    """The site did not build; the message says which step failed and carries the end of its log."""


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build_site(project: Project, strict: bool = True, site_dir: Path | None = None,
               engine: str = render.DEFAULT_ENGINE, warn: Callable[[str], None] | None = None) -> Path:
    """Generate, render with `engine`, index; return the folder the site was written to.

    `warn(message)` receives one line for each thing the engine cannot do yet (default: logged
    at warning level), so nothing is dropped silently; so does each transcript file edited by hand
    (`Stage.notices`), which never fails a build. Strict: the citation checks' warnings and the
    engine's warnings fail the build. Raises `SiteError`.
    """
    target = Path(site_dir) if site_dir else project.root / SITE_DIR
    say = warn or log.warning
    try:
        stage = generate.generate(project.root)
    except generate.GenerateError as exc:
        raise SiteError(f"The site did not build (generate): {exc}") from exc
    if stage.warnings and strict:
        raise SiteError("The site did not build (generate, strict):\n" + "\n".join(stage.warnings))
    for message in stage.warnings + stage.notices:
        say(message)
    for gap in render.engine_gaps(engine):
        say(f"{engine}: {gap}")
    try:
        output = render.render(stage.root, target, engine, strict)
        for line in output.splitlines():        # warnings that do not fail a build still show
            if line.startswith("WARNING"):
                say(line)
        reaching = _reaching_out(project, target)
        if reaching:
            raise SiteError("The site did not build: these pages would make every reader's browser "
                            "ask another host, and this site asks none:\n" + "\n".join(
                                f"  - {where}: {what}" for where, found in reaching.items() for what in found))
        render.index(target)
    except render.RenderError as exc:
        raise SiteError(str(exc)) from exc
    return target


def _reaching_out(project: Project, site_dir: Path) -> dict[str, list[str]]:
    """What the rendered site in `site_dir` fetches from other hosts, by page
    (companion.site.third_party.site_requests): the check every engine's output gets, as the
    MkDocs plugin gives `mkdocs build`. An episode's own audio is allowed."""
    config = load_config(project.root)
    audio = frozenset(e.enclosure.url for e in Catalogue.load(project.episodes_dir) if e.enclosure)
    return site_requests(site_dir, own_host=urlsplit(project.site_url or "").hostname,
                         allowed=audio, repo_url=str(config.get("repo_url") or ""),
                         docs_dir=project.root / "docs")


def serve_site(project: Project, host: str = "127.0.0.1", port: int = 8000,
               engine: str = render.DEFAULT_ENGINE) -> int:
    """Serve the site with live reload until interrupted; returns the server's exit code.

    MkDocs and ProperDocs serve the project through the plugins (edits to docs/, overrides/,
    episodes/ and data/help.yml rebuild the pages and the search index). Zensical serves the
    staging tree: a watcher regenerates it when a source changes, rewriting only the files that
    changed, and Zensical reloads those pages; search needs `companion build` (Pagefind indexes
    built HTML).
    """
    if engine in ("mkdocs", "properdocs"):
        render.engine(engine)
        # companion.site.serve_utf8: the engine's own server, naming UTF-8 for HTML and text downloads.
        command = [sys.executable, "-m", "companion.site.serve_utf8", engine, "serve",
                   "-f", str(project.root / CONFIG_NAME), "-a", f"{host}:{port}", "--livereload"]
        try:
            return subprocess.run(command, cwd=project.root, env=_env()).returncode
        except KeyboardInterrupt:
            return 0
    for gap in render.engine_gaps(engine):
        log.warning("%s: %s", engine, gap)
    log.warning("%s: search is not served live; run `companion build --engine %s` for Pagefind.",
                engine, engine)
    stage = generate.generate(project.root)
    config = render.zensical_config(stage.config_file)
    data = config.read_text(encoding="utf-8")
    config.write_text(data + f"\ndev_addr: {host}:{port}\n", encoding="utf-8")
    stop = threading.Event()

    def watch() -> None:
        seen = generate.source_state(project.root, project.episodes_dir)
        while not stop.wait(WATCH_INTERVAL_S):
            now = generate.source_state(project.root, project.episodes_dir)
            if now != seen:
                seen = now
                try:
                    changed = generate.generate(project.root)
                    log.warning("regenerated %d file(s)", len(changed.written) + len(changed.removed))
                except generate.GenerateError as exc:
                    log.error("%s", exc)

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt            # `kill` stops the server too, not only Ctrl-C

    signal.signal(signal.SIGTERM, interrupted)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    server = subprocess.Popen([sys.executable, "-m", "zensical", "serve", "-f", str(config)],
                              cwd=stage.root, env=_env())
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
