"""`companion build` and `companion serve`: MkDocs in a subprocess, so each run starts clean.

Pagefind indexing is part of the build itself (the `companion-episodes` plugin runs it after
MkDocs writes the site), so `mkdocs build`, `mkdocs serve` and these functions all give the same
searchable site.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from companion.project import CONFIG_NAME, Project

SITE_DIR = "site"
LOG_TAIL_CHARS = 4000           # how much of a failed build's log to show


class SiteError(Exception):
    """The site did not build; the message carries the end of MkDocs' log."""


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build_site(project: Project, strict: bool = True, site_dir: Path | None = None) -> Path:
    """Build the site (warnings are errors when `strict`) and return the folder it was written to.

    MkDocs' output is captured; its WARNING lines (such as the missing-site_url notice, which
    does not fail a strict build) are passed on to stderr so the maintainer sees them.
    """
    target = Path(site_dir) if site_dir else project.root / SITE_DIR
    command = [sys.executable, "-m", "mkdocs", "build", "--clean",
               "-f", str(project.root / CONFIG_NAME), "-d", str(target)]
    if strict:
        command.append("--strict")
    result = subprocess.run(command, cwd=project.root, capture_output=True, text=True, env=_env())
    if result.returncode != 0:
        log = (result.stdout + result.stderr)[-LOG_TAIL_CHARS:]
        raise SiteError(f"The site did not build (mkdocs exit {result.returncode}):\n{log}")
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith("WARNING"):
            print(line, file=sys.stderr)
    return target


def serve_site(project: Project, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the site with live reload (`mkdocs serve`) until interrupted; returns mkdocs' exit code.

    Edits to docs/, overrides/, episodes/ and data/help.yml rebuild the pages and the search index.
    """
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project.root / CONFIG_NAME),
               "-a", f"{host}:{port}", "--livereload"]
    try:
        return subprocess.run(command, cwd=project.root, env=_env()).returncode
    except KeyboardInterrupt:
        return 0
