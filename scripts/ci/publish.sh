#!/usr/bin/env bash
# The publish workflow's shell steps (.github/workflows/publish.yml), one subcommand per step, so
# they run the same on GitHub Actions, on a laptop and in tests/test_publish.py.
#
#   publish.sh sync      companion sync; "some episodes failed" (exit 1) does not stop the run
#   publish.sh summary   failed episodes as Markdown to $GITHUB_STEP_SUMMARY (stdout outside CI)
#   publish.sh commit    commit changed episodes/ as the bot and push to $PUBLISH_BRANCH
#   publish.sh build     strict build of the site into site/
#   publish.sh deploy    companion deploy (by hand: gh-pages branch); extra args, e.g. --dry-run
#
# Environment: COMPANION (default .venv/bin/companion), PYTHON (default .venv/bin/python),
# COMPANION_MODEL (a larger Whisper model for new episodes; empty: the bundled tiny.en),
# PUBLISH_BRANCH (default: the current branch).
set -euo pipefail

COMPANION=${COMPANION:-.venv/bin/companion}
PYTHON=${PYTHON:-.venv/bin/python}
BOT_NAME="github-actions[bot]"
BOT_EMAIL="41898283+github-actions[bot]@users.noreply.github.com"
EXIT_EPISODE_FAILED=1

step_sync() {
  local args=()
  if [[ -n "${COMPANION_MODEL:-}" ]]; then args+=(--model "$COMPANION_MODEL"); fi
  local code=0
  "$COMPANION" sync "${args[@]}" || code=$?
  if [[ $code -eq $EXIT_EPISODE_FAILED ]]; then
    echo "some episodes failed: they are listed in the job summary and retried next run"
    return 0
  fi
  return "$code"
}

step_summary() {
  # Markdown to the summary file; one ::warning annotation per failed episode to the log, so the
  # run page shows them without opening the summary.
  SUMMARY_FILE=${GITHUB_STEP_SUMMARY:-} "$PYTHON" - <<'PY'
import json
import os
import sys
from collections import Counter
from pathlib import Path

records = [json.loads(p.read_text()) for p in sorted(Path("episodes").glob("*/episode.json"))]
failed = [r for r in records if r.get("status") == "failed"]
counts = Counter(r.get("status") for r in records)


def cell(text):
    return " ".join(str(text or "").split()).replace("|", "\\|")


lines = ["## Companion sync", "",
         ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no episodes yet"]
if failed:
    lines += ["", f"### {len(failed)} failed episode(s), retried on the next run", "",
              "| episode | folder | reason |", "|---|---|---|"]
    lines += [f"| {cell(r.get('title'))} | `{r['slug']}` | {cell(r.get('error'))} |" for r in failed]
if os.environ["SUMMARY_FILE"]:
    with open(os.environ["SUMMARY_FILE"], "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
else:                                        # outside CI: the summary goes to the terminal
    print("\n".join(lines))
for r in failed:
    message = f"{r['slug']}: {cell(r.get('error'))}".replace("%", "%25")
    print(f"::warning title=Episode failed::{message}", flush=True)
PY
}

step_commit() {
  git config user.name "$BOT_NAME"
  git config user.email "$BOT_EMAIL"
  if [[ ! -d episodes ]]; then
    echo "no episodes/ yet: nothing to commit"
    return 0
  fi
  git add episodes
  if git diff --cached --quiet -- episodes; then
    echo "episodes/ unchanged: nothing to commit"
    return 0
  fi
  local branch=${PUBLISH_BRANCH:-$(git rev-parse --abbrev-ref HEAD)}
  git commit --quiet -m "Sync episodes from the feed ($(date -u +%Y-%m-%d))"
  git pull --quiet --rebase origin "$branch"     # a maintainer may have pushed corrections
  git push --quiet origin "HEAD:$branch"
  echo "committed and pushed episodes/ to $branch"
}

step_build() { "$COMPANION" build; }

step_deploy() { "$COMPANION" deploy "$@"; }

case "${1:-}" in
  sync | summary | commit | build | deploy)
    step=$1
    shift
    "step_$step" "$@"
    ;;
  *)
    echo "usage: $0 sync|summary|commit|build|deploy [args]" >&2
    exit 2
    ;;
esac
