"""The publish workflow's steps, run once per test session on the sample podcast.

A copy of the project becomes a git repository whose `origin` is a local bare repository (GitHub's
stand-in); the sample feed, plus one episode whose audio is gone and one chapters link, is served
on 127.0.0.1; then `scripts/ci/publish.sh` runs sync, summary, commit, build and a dry-run deploy,
exactly as `.github/workflows/publish.yml` does. test_publish.py checks the steps, and
test_feed_tags.py checks its tags against the site this builds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from companion.demo import SAMPLE_DIR
from companion.project import copy_site_sources
from companion.site.static_server import StaticServer

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path("scripts") / "ci" / "publish.sh"
WORKFLOW = Path(".github") / "workflows" / "publish.yml"
SITE_URL = "https://example.org/fall-from-grace/"
BROKEN_TITLE = "An episode whose audio is gone"
CHAPTERED_GUID = "sample-sonnet-001"
CHAPTERS = '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "The sonnet"}]}'
EXTRA_ITEM = f"""<item><title>{BROKEN_TITLE}</title><guid isPermaLink="false">sample-gone</guid>
<pubDate>Thu, 04 Jan 2024 09:00:00 +0000</pubDate>
<enclosure url="audio/gone.mp3" length="1000" type="audio/mpeg"/></item>
"""
STEP_TIMEOUT_S = 600
FEED_TOKEN = "pRiVaTe-7c41e9-token"          # a premium feed's URL holds a token: the repository
                                             # secret COMPANION_FEED carries it, nothing else may


@dataclass
class Published:
    root: Path                                   # the project copy, a clone of `remote`
    remote: Path                                 # bare repository standing in for GitHub
    summary: Path                                # $GITHUB_STEP_SUMMARY
    feed: str = ""                               # $COMPANION_FEED, as the workflow's secret
    steps: dict[str, subprocess.CompletedProcess] = field(default_factory=dict)

    @property
    def site(self) -> Path:
        return self.root / "site"

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """One publish.sh step, with the environment the workflow gives it."""
        env = {**os.environ, "COMPANION": str(Path(sys.executable).with_name("companion")),
               "PYTHON": sys.executable, "GITHUB_STEP_SUMMARY": str(self.summary),
               "HF_HUB_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1", "PUBLISH_BRANCH": "main"}
        env.pop("COMPANION_MODEL", None)
        env.pop("COMPANION_FEED", None)
        if self.feed and args[0] in ("plan", "sync", "shard"):   # as publish.yml gives the secret
            env["COMPANION_FEED"] = self.feed
        if args[0] == "build":              # actions/configure-pages' base_url, as publish.yml
            env["PAGES_BASE_URL"] = SITE_URL.rstrip("/")
        return subprocess.run(["bash", str(SCRIPT), *args], cwd=self.root, env=env,
                              capture_output=True, text=True, timeout=STEP_TIMEOUT_S)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def serve_sample(www: Path) -> StaticServer:
    """The sample podcast plus a broken episode and a chapters link, on a free port."""
    shutil.copytree(SAMPLE_DIR, www)
    feed = (www / "feed.xml").read_text()
    feed = feed.replace("<item>", EXTRA_ITEM + "<item>", 1)
    guid = f'<guid isPermaLink="false">{CHAPTERED_GUID}</guid>'
    assert guid in feed, "the sample feed changed: update tests/published.py"
    server = StaticServer(www).start()
    feed = feed.replace(guid, guid + f'<podcast:chapters url="{server.url}/chapters.json" '
                                     'type="application/json+chapters"/>')
    (www / "feed.xml").write_text(feed)
    (www / "chapters.json").write_text(CHAPTERS)
    return server


def copy_project(root: Path, feed_url: str, site_url: str = SITE_URL) -> None:
    """The site sources, the CI files, and mkdocs.yml with a site URL and the feed (an empty
    `feed_url` leaves the feed out, as for a private feed given by the COMPANION_FEED secret; an
    empty `site_url` leaves it to GitHub Pages' address, as a fork may)."""
    copy_site_sources(REPO, root, (".gitignore", str(SCRIPT), str(WORKFLOW)))
    config = (root / "mkdocs.yml").read_text()
    for old, new in (('site_url: ""', f'site_url: "{site_url}"'), ('feed: ""', f'feed: "{feed_url}"')):
        assert config.count(old) == 1, f"mkdocs.yml has no single {old!r}: update tests/published.py"
        config = config.replace(old, new)
    (root / "mkdocs.yml").write_text(config)


def fork(base: Path, feed_url: str, name: str = "project",
         site_url: str = SITE_URL) -> tuple[Path, Path]:
    """A project copy at `base/name`, committed and pushed to a new bare `base/name.git`."""
    remote = base / f"{name}.git"
    git(base, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    root = base / name
    copy_project(root, feed_url, site_url)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", ".")
    git(root, "-c", "user.name=Maintainer", "-c", "user.email=m@example.org",
        "commit", "--quiet", "-m", "Fork of the project")
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "--quiet", "origin", "main")
    return root, remote


def publish(base: Path) -> Published:
    server = serve_sample(base / "www")
    try:
        # A private feed (its URL is a secret), and no site_url: the build takes GitHub Pages'.
        root, remote = fork(base, "", site_url="")
        done = Published(root=root, remote=remote, summary=base / "summary.md",
                         feed=f"{server.url}/feed.xml?auth={FEED_TOKEN}")
        done.steps["sync"] = done.run("sync")
    finally:
        server.shutdown()
        server.server_close()
    for step in ("summary", "commit", "build"):
        done.steps[step] = done.run(step)
    done.steps["commit-again"] = done.run("commit")
    done.steps["deploy"] = done.run("deploy", "--dry-run")
    return done


_CACHE: dict[str, Published] = {}


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The workflow's steps on the sample, run once per session whichever module asks first."""
    if "sample" not in _CACHE:
        _CACHE["sample"] = publish(tmp_path_factory.mktemp("published"))
    return _CACHE["sample"]
