"""`companion deploy`: publish by hand to the repository's `gh-pages` branch.

`mkdocs gh-deploy --strict` builds the site itself (the Pagefind index included, by the episodes
plugin) and pushes it only if the build has no warning, so one strict build is all it takes.
`--force` because the branch holds nothing but generated files. GitHub Pages must be set to
"Deploy from a branch: gh-pages" for this; the workflow publishes with "GitHub Actions" instead.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from companion.project import CONFIG_NAME, Project


def command(project: Project) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "gh-deploy", "--force", "--strict",
            "--config-file", str(project.root / CONFIG_NAME)]


def deploy(project: Project, dry_run: bool = False) -> tuple[str, int]:
    """Run (or, with `dry_run`, only show) the deploy; returns the command line and exit code."""
    argv = command(project)
    line = shlex.join(argv)
    if dry_run:
        return line, 0
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return line, subprocess.run(argv, cwd=project.root, env=env).returncode
