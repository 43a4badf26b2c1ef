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

from companion.errors import SiteStageError
from companion.project import CONFIG_NAME, Project, site_url_problem


class DeployError(SiteStageError):
    """Publishing now would ship a broken site; the message says what to set."""


def check_site_url(project: Project) -> None:
    """Raise DeployError unless mkdocs.yml has an absolute `site_url`.

    Without it the Common Cartridge is not built and every citation download carries a
    relative link, which an LMS or reference manager cannot open (Moodle turns such links into
    http://invalidurldetected/).
    """
    if not project.site_url:
        raise DeployError(f"site_url is not set in {CONFIG_NAME}: the published site would have no "
                          "Common Cartridge and relative links in every citation download. Set "
                          "site_url to the address the site is published at, then deploy.")
    problem = site_url_problem(project.site_url)
    if problem:
        raise DeployError(f"site_url in {CONFIG_NAME}: {problem}. Set it to the address the site "
                          "is published at.")


def command(project: Project) -> list[str]:
    """The argv that deploys: `python -m mkdocs gh-deploy --force --strict` on the project's mkdocs.yml."""
    return [sys.executable, "-m", "mkdocs", "gh-deploy", "--force", "--strict",
            "--config-file", str(project.root / CONFIG_NAME)]


def deploy(project: Project, dry_run: bool = False) -> tuple[str, int]:
    """Run (or, with `dry_run`, only show) the deploy; returns the command line and exit code.

    Raises DeployError (before anything runs, dry run included) when site_url is missing.
    """
    check_site_url(project)
    argv = command(project)
    line = shlex.join(argv)
    if dry_run:
        return line, 0
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return line, subprocess.run(argv, cwd=project.root, env=env).returncode
