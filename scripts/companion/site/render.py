"""Render and index: steps two and three of the build, over the staging tree `companion.site.generate` wrote.

*Render* runs one site generator in a subprocess (each run starts clean): MkDocs 1.6 with Material
9.x (the default), ProperDocs (MkDocs 1.6 continued, same plugins and themes), or Zensical (the
successor Material's maintainers name; Material reaches end of life on 2027-05-05). *Index* runs
Pagefind over the rendered HTML, whatever rendered it.

Where an engine cannot do something the site needs, `engine_gaps` says so and the build prints it:
nothing is dropped silently.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from companion.errors import SiteStageError

ENGINES = ("mkdocs", "properdocs", "zensical")
DEFAULT_ENGINE = "mkdocs"
LOG_TAIL_CHARS = 4000                 # how much of a failed build's log to show
RENDER_TIMEOUT_S = 900
ZENSICAL_SITE = "site"                # Zensical writes inside its project root (it has no -d)


@dataclass(frozen=True)
class Engine:
    """A site generator: its Python module and how to build a staged config with it."""

    name: str
    module: str

    def available(self) -> bool:
        """Whether the engine's Python package is installed."""
        return importlib.util.find_spec(self.module) is not None


ENGINE_MODULES = {"mkdocs": "mkdocs", "properdocs": "properdocs", "zensical": "zensical"}


class RenderError(SiteStageError):
    """The generator failed or is not installed; the message carries the end of its log."""


def engine(name: str) -> Engine:
    """The Engine called `name` (one of ENGINES). RenderError when the name is unknown or its package
    is not installed (the message says what to pip install)."""
    if name not in ENGINE_MODULES:
        raise RenderError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}.")
    found = Engine(name, ENGINE_MODULES[name])
    if not found.available():
        raise RenderError(f"the {name} engine is not installed: pip install {name}")
    return found


STAGED_ONLY_MKDOCS = ("companion-staged-toc",)   # MkDocs plugins the staged config lists
ZENSICAL_GAPS = (
    "Zensical lists an episode page's Show notes and Transcript in its table of contents but not "
    "the transcript's chapters (they are on the page and in the player's chapter list)",
    "Zensical checks `#t=` media-fragment links as page anchors, so anchor checking is off for it "
    "(MkDocs only reports anchors at info level)",
    "Zensical ignores MkDocs plugins and `hooks:`; the macros, episode pages and downloads come "
    "from the generate step instead, so new plugins added to mkdocs.yml are not used by it",
    "Zensical writes its own search.json beside Pagefind's index (unused: pages search with Pagefind and never load it)",
)


def engine_gaps(name: str) -> list[str]:
    """What the site loses under engine `name` today, each a sentence the build prints as a warning.

    Found by building the fixture site with each engine and comparing (tests/test_engines.py checks
    that pages, downloads, crisis lines and the search index are the same under all three).
    """
    return list(ZENSICAL_GAPS) if name == "zensical" else []    # MkDocs, ProperDocs: none known


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _run(command: list[str], cwd: Path, what: str) -> str:
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=_env(),
                                timeout=RENDER_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"{what} did not run: {exc}") from exc
    log = result.stdout + result.stderr
    if result.returncode != 0:
        raise RenderError(f"The site did not build ({what} exit {result.returncode}):\n{log[-LOG_TAIL_CHARS:]}")
    return log


def render(stage_root: Path, site_dir: Path, engine_name: str = DEFAULT_ENGINE, strict: bool = True) -> str:
    """Render the staged tree at `stage_root` into `site_dir` with one engine; returns its log.

    Raises `RenderError` when the engine is missing or the build fails (in strict mode, any
    warning fails it: a broken link, a page missing from the nav).
    """
    chosen = engine(engine_name)
    config = stage_root / "mkdocs.yml"
    site_dir = Path(site_dir).resolve()
    if chosen.name in ("mkdocs", "properdocs"):
        command = [sys.executable, "-m", chosen.module, "build", "--clean", "-f", str(config),
                   "-d", str(site_dir)]
        if strict:
            command.append("--strict")
        return _run(command, stage_root, chosen.name)
    # Zensical takes no output folder: it writes `site_dir` from the config, inside the stage.
    command = [sys.executable, "-m", chosen.module, "build", "--clean", "-f", str(zensical_config(config))]
    if strict:
        command.append("--strict")
    log = _run(command, stage_root, chosen.name)
    built = stage_root / ZENSICAL_SITE
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(built), str(site_dir))
    return log


def zensical_config(config: Path) -> Path:
    """The staged config with what Zensical reads differently from MkDocs, beside it.

    Zensical checks `#t=12:30` links (Media Fragments, read by companion.js to seek the player) as
    page anchors and, with `--strict`, fails on them; MkDocs reports anchors at `info` level only.
    So anchor checks are off under Zensical (`engine_gaps` says so), as under MkDocs' default.
    """
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["validation"] = {**(data.get("validation") or {}), "anchors": "ignore"}
    data["plugins"] = [p for p in data.get("plugins") or [] if p not in STAGED_ONLY_MKDOCS]
    data["site_dir"] = ZENSICAL_SITE
    target = config.with_name("zensical.mkdocs.yml")
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def index(site_dir: Path) -> None:
    """Step three: the Pagefind index of the rendered site (raises `RenderError` on failure)."""
    from mkdocs.exceptions import PluginError

    from companion.site.site_plugin import run_pagefind

    try:
        run_pagefind(Path(site_dir))
    except PluginError as exc:
        raise RenderError(str(exc)) from exc
