#!/usr/bin/env bash
# The publish workflow's shell steps (.github/workflows/publish.yml), one subcommand per step, so
# they run the same on GitHub Actions, on a laptop and in tests/test_publish.py and test_shards.py.
#
#   publish.sh sync [ARGS]   companion sync [ARGS] within SYNC_BUDGET_MINUTES, in rounds of
#                            COMMIT_EVERY_MINUTES each followed by `commit`; "some episodes failed"
#                            (exit 1) and "more to do" (exit 3) do not stop the run
#   publish.sh summary       failed episodes as Markdown to $GITHUB_STEP_SUMMARY (stdout outside CI)
#   publish.sh commit        commit changed episodes/ as the bot and push to $PUBLISH_BRANCH
#   publish.sh build         strict build of the site into site/ for site_url, else $PAGES_BASE_URL
#                            (GitHub Pages' address); refused with neither
#   publish.sh deploy        companion deploy (by hand: gh-pages branch); extra args, e.g. --dry-run
#   publish.sh model         load $COMPANION_MODEL_WANTED (downloading it once), else fall back to
#                            tiny.en with a warning; COMPANION_MODEL=... to $GITHUB_ENV (stdout)
# Spreading a back catalogue over several jobs or machines:
#   publish.sh plan DIR      companion sync --plan DIR: at most MAX_SHARDS shards of SHARD_MINUTES;
#                            "shards" and "matrix" to $GITHUB_OUTPUT (stdout outside CI)
#   publish.sh shard FILE    publish.sh sync --only FILE (one shard's episodes) in SHARD_MINUTES
#   publish.sh collect FILE OUT   copy the shard's episodes/<slug>/ folders into OUT/episodes/
#   publish.sh merge DIR...  companion merge DIR... into episodes/ (corrections.yml is never replaced)
#
# Environment: COMPANION (default .venv/bin/companion), PYTHON (default .venv/bin/python),
# COMPANION_MODEL (a larger Whisper model for new episodes; empty: the bundled tiny.en),
# COMPANION_FEED (a private feed's URL, from a repository secret; read by companion sync itself),
# PUBLISH_BRANCH (default: the current branch), SYNC_BUDGET_MINUTES and COMMIT_EVERY_MINUTES
# (default: none, one sync with no time budget), SHARD_MINUTES (default 300), MAX_SHARDS (default 4).
set -euo pipefail

COMPANION=${COMPANION:-.venv/bin/companion}
PYTHON=${PYTHON:-.venv/bin/python}
BOT_NAME="github-actions[bot]"
BOT_EMAIL="41898283+github-actions[bot]@users.noreply.github.com"
EXIT_EPISODE_FAILED=1
EXIT_MORE_TO_DO=3

model_args() { if [[ -n "${COMPANION_MODEL:-}" ]]; then echo "--model" "$COMPANION_MODEL"; fi; }

# Minutes left of $1 minutes after $2 seconds, never below 0; the smaller of two numbers.
minutes_left() { awk -v t="$1" -v s="$2" 'BEGIN { r = t - s / 60; printf "%.2f", (r > 0 ? r : 0) }'; }
smaller() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 < b + 0 ? a : b) }'; }

step_sync() {
  # Rounds of `companion sync`: each round has at most COMMIT_EVERY_MINUTES (and what is left of
  # SYNC_BUDGET_MINUTES), then its finished episodes are committed and pushed, so a cancelled job
  # loses at most one round. A round that commits nothing is followed by one uncapped round (an
  # episode longer than a round), and then the loop stops: nothing is ever redone.
  local total=${SYNC_BUDGET_MINUTES:-} every=${COMMIT_EVERY_MINUTES:-}
  local started=$SECONDS capped code before budget
  local -a args
  read -r -a args <<< "$(model_args)"
  capped=${every:+yes}
  while :; do
    budget=""
    if [[ -n $total ]]; then budget=$(minutes_left "$total" $((SECONDS - started))); fi
    if [[ $capped == yes ]]; then budget=$(smaller "${budget:-$every}" "$every"); fi
    code=0
    "$COMPANION" sync "${args[@]}" ${budget:+--time-budget "$budget"} "$@" || code=$?
    if [[ $code -ne $EXIT_MORE_TO_DO || -z $every ]]; then break; fi
    before=$(git rev-parse HEAD)
    step_commit
    if [[ $(git rev-parse HEAD) == "$before" ]]; then
      if [[ $capped != yes ]]; then break; fi
      capped=no                              # nothing fitted a round: give one round all the time
    else
      capped=yes
    fi
    if [[ -n $total && $(minutes_left "$total" $((SECONDS - started))) == "0.00" ]]; then break; fi
  done
  case $code in
    "$EXIT_EPISODE_FAILED")
      echo "some episodes failed or have corrections not applied: they are listed in the job" \
        "summary; failed ones are retried next run, the others stay as they were until fixed" ;;
    "$EXIT_MORE_TO_DO")
      echo "more to do: the time budget left episodes for the next run (listed above)" ;;
    *) return "$code" ;;
  esac
}

step_model() {
  # The model the run transcribes with: $COMPANION_MODEL_WANTED (the workflow's default, small.en,
  # or the one asked for), loaded once here, which downloads it into the cache the first time.
  # When it cannot be had (the Hugging Face hub down, a misspelt name), the run goes on with the
  # bundled tiny.en and says so as a warning in the log and the job summary. The choice goes to
  # $GITHUB_ENV as COMPANION_MODEL for the later steps (stdout outside CI).
  local wanted=${COMPANION_MODEL_WANTED:-${COMPANION_MODEL:-}} chosen error
  chosen=${wanted:-tiny.en}
  if [[ $chosen != tiny.en ]]; then
    if error=$("$PYTHON" -c 'import sys
from companion.pipeline.transcribe import load_model
load_model(sys.argv[1])' "$chosen" 2>&1); then
      echo "model: $chosen, ready"
    else
      error=$(printf '%s' "$error" | tail -n 1)
      echo "::warning title=Model::cannot load $chosen ($error); transcribing with tiny.en instead"
      if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
        printf '### Transcribed with tiny.en, not %s\n\n%s could not be loaded: %s. New episodes are transcribed with tiny.en, which makes about twice the errors on conversation; the next run tries %s again (and `companion sync --retranscribe --model %s` redoes these).\n' \
          "$chosen" "$chosen" "$error" "$chosen" "$chosen" >> "$GITHUB_STEP_SUMMARY"
      fi
      chosen=tiny.en
    fi
  fi
  if [[ -n ${GITHUB_ENV:-} ]]; then echo "COMPANION_MODEL=$chosen" >> "$GITHUB_ENV"; fi
  echo "COMPANION_MODEL=$chosen"
}

step_plan() {
  local dir=${1:?usage: publish.sh plan DIR} shards matrix
  local -a args
  read -r -a args <<< "$(model_args)"
  "$COMPANION" sync "${args[@]}" --plan "$dir" --time-budget "${SHARD_MINUTES:-300}" \
    --max-shards "${MAX_SHARDS:-4}"
  matrix=$("$PYTHON" -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' "$dir/matrix.json")
  shards=$("$PYTHON" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["include"]))' "$dir/matrix.json")
  if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    { echo "shards=$shards"; echo "matrix=$matrix"; } >> "$GITHUB_OUTPUT"
  fi
  echo "shards=$shards"
  echo "matrix=$matrix"
}

step_shard() {   # a shard job's budget is the one its plan was made for
  SYNC_BUDGET_MINUTES=${SHARD_MINUTES:-300} step_sync --only "${1:?usage: publish.sh shard SHARD_FILE}"
}

step_collect() {
  # Only the shard's own folders go into the artifact: one folder per episode, so shards never
  # overlap and the merge has nothing to reconcile.
  "$PYTHON" - "${1:?usage: publish.sh collect SHARD_FILE OUT}" "${2:?usage: publish.sh collect SHARD_FILE OUT}" <<'PY'
import json
import shutil
import sys
from pathlib import Path

from companion.pipeline.merge import SLUG_PATTERN

shard, out = json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]) / "episodes"
out.mkdir(parents=True, exist_ok=True)
guids = {episode["guid"] for episode in shard["episodes"]}
copied = 0
# By guid, not by the shard file's folder name: sync names a folder otherwise when that name is
# another episode's here (a shard file from another plan or edited by hand).
for record_path in sorted(Path("episodes").glob("*/episode.json")):
    source = record_path.parent
    if source.is_symlink() or not SLUG_PATTERN.fullmatch(source.name):
        continue
    if json.loads(record_path.read_text()).get("guid") in guids:
        shutil.copytree(source, out / source.name, dirs_exist_ok=True, symlinks=True,
                        ignore=shutil.ignore_patterns(".*"))
        copied += 1
print(f"collected {copied} of {len(shard['episodes'])} episode folders into {out}")
PY
}

step_merge() {
  # Shards that finished nothing upload no artifact, so a folder may be missing: merge the others.
  # A refused folder (exit 1, listed by companion merge) does not stop the rest being published.
  local dir code=0
  local -a dirs=()
  for dir in "$@"; do if [[ -d $dir ]]; then dirs+=("$dir"); fi; done
  if [[ ${#dirs[@]} -eq 0 ]]; then
    echo "no shard artifacts: nothing to merge"
    return 0
  fi
  "$COMPANION" merge "${dirs[@]}" || code=$?
  if [[ $code -eq $EXIT_EPISODE_FAILED ]]; then
    echo "::warning title=Merge::some episode folders were refused (listed above); the rest are merged"
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
pending = [r for r in records if r.get("status") == "pending"]
review = [r for r in records if r.get("status") == "needs-review"]
refusals = [(r, r[key]) for r in records for key in ("corrections_error", "chapters_error")
            if r.get(key)]
# corrections.yml entries that matched nothing when the transcript was last written (after a
# re-transcription its segments start elsewhere): the fix is kept, the page lacks it
unmatched = [r for r in records if r.get("corrections_unmatched")]
counts = Counter(r.get("status") for r in records)


def cell(text):
    return " ".join(str(text or "").split()).replace("|", "\\|")


lines = ["## Companion sync", "",
         ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no episodes yet"]
if pending:
    hours = sum(float(r.get("duration") or 0) for r in pending) / 3600
    lines += ["", f"{len(pending)} episode(s) left for the next run by the time budget"
              f" ({hours:.1f} h of audio with a known duration)"]
if failed:
    lines += ["", f"### {len(failed)} failed episode(s), retried on the next run", "",
              "| episode | folder | reason |", "|---|---|---|"]
    lines += [f"| {cell(r.get('title'))} | `{r['slug']}` | {cell(r.get('error'))} |" for r in failed]
if refusals:
    lines += ["", f"### corrections not applied in {len({r['slug'] for r, _ in refusals})} "
              "episode(s): each is published as it was until its file is fixed", "",
              "| episode | folder | what (file:line:column) |", "|---|---|---|"]
    lines += [f"| {cell(r.get('title'))} | `{r['slug']}` | {cell(why)} |" for r, why in refusals]
if unmatched:
    lines += ["", f"### corrections that matched nothing in {len(unmatched)} episode(s): the page "
              "shows the words without them until their times are fixed", "",
              "| episode | folder | which (in its corrections.yml) |", "|---|---|---|"]
    lines += [f"| {cell(r.get('title'))} | `{r['slug']}` | {cell('; '.join(r['corrections_unmatched']))} |"
              for r in unmatched]
if review:
    lines += ["", f"### {len(review)} episode(s) need review: speech may be missing from the transcript",
              "", "| episode | folder | why (accept a stretch in its corrections.yml) |", "|---|---|---|"]
    lines += [f"| {cell(r.get('title'))} | `{r['slug']}` | {cell('; '.join(r.get('review') or []))} |"
              for r in review]
if os.environ["SUMMARY_FILE"]:
    with open(os.environ["SUMMARY_FILE"], "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
else:                                        # outside CI: the summary goes to the terminal
    print("\n".join(lines))
for r in failed:
    message = f"{r['slug']}: {cell(r.get('error'))}".replace("%", "%25")
    print(f"::warning title=Episode failed::{message}", flush=True)
for _r, why in refusals:
    message = cell(why).replace("%", "%25")
    print(f"::error title=Corrections not applied::{message}", flush=True)
for r in unmatched:
    message = f"{r['slug']}/corrections.yml: {cell('; '.join(r['corrections_unmatched']))}".replace("%", "%25")
    print(f"::warning title=Corrections matched nothing::{message}", flush=True)
for r in review:
    message = f"{r['slug']}: {cell('; '.join(r.get('review') or []))}".replace("%", "%25")
    print(f"::warning title=Episode needs review::{message}", flush=True)
PY
}

step_commit() {
  # Commits episodes/ and pushes every commit the remote lacks, also one an earlier call made but
  # could not push (a cancelled round, a network error), so the always() commit step still sends it.
  git config user.name "$BOT_NAME"
  git config user.email "$BOT_EMAIL"
  if [[ ! -d episodes ]]; then
    echo "no episodes/ yet: nothing to commit"
    return 0
  fi
  local branch=${PUBLISH_BRANCH:-$(git rev-parse --abbrev-ref HEAD)} attempt rescue
  git add episodes
  if ! git diff --cached --quiet -- episodes; then
    git commit --quiet -m "Sync episodes from the feed ($(date -u +%Y-%m-%d))"
  elif git rev-parse --quiet --verify "origin/$branch" > /dev/null &&
       [[ -z $(git rev-list "origin/$branch..HEAD") ]]; then
    echo "episodes/ unchanged: nothing to commit"
    return 0
  fi
  for attempt in 1 2 3; do                       # a maintainer may push corrections meanwhile
    if [[ $attempt -gt 1 ]]; then sleep $(((attempt - 1) * 5)); fi
    git fetch --quiet origin "$branch" || continue          # the network: try again
    if ! git rebase --quiet FETCH_HEAD; then
      # The same file changed there: keep the work on a branch of its own rather than lose it.
      git rebase --abort 2> /dev/null || true
      rescue="companion-sync-$(date -u +%Y%m%d-%H%M%S)"
      git push --quiet origin "HEAD:refs/heads/$rescue"
      echo "::error title=Commit::episodes/ conflicts with what was pushed to $branch meanwhile;" \
        "the episodes are on branch $rescue: merge it by hand"
      return 1
    fi
    if git push --quiet origin "HEAD:$branch"; then
      echo "committed and pushed episodes/ to $branch"
      return 0
    fi
  done
  echo "::error title=Commit::could not push episodes/ to $branch; the next commit step pushes it"
  return 1
}

# The build the workflow publishes. When mkdocs.yml leaves site_url empty, GitHub Pages' address
# ($PAGES_BASE_URL, the base_url of actions/configure-pages) is written into this checkout's
# mkdocs.yml for the build (never committed: the commit step adds episodes/ only), and the log says
# so. With neither, the build is refused, as `companion deploy` refuses (Pages would serve a site
# with relative citation links and no Common Cartridge).
step_build() {
  if [[ -n ${PAGES_BASE_URL:-} ]]; then
    "$PYTHON" - <<'PY'
from companion.project import PAGES_URL_ENV, open_project, pages_site_url, write_settings

project = open_project()
if project.site_url:
    print(f"site_url from mkdocs.yml: {project.site_url}")
else:
    write_settings(project.root, site_url=pages_site_url())
    print(f"site_url is empty in mkdocs.yml: building for GitHub Pages' address "
          f"{pages_site_url()} (${PAGES_URL_ENV}, from actions/configure-pages)")
PY
  fi
  "$COMPANION" deploy --dry-run > /dev/null
  "$COMPANION" build
}

step_deploy() { "$COMPANION" deploy "$@"; }

case "${1:-}" in
  sync | summary | commit | build | deploy | model | plan | shard | collect | merge)
    step=$1
    shift
    "step_$step" "$@"
    ;;
  *)
    echo "usage: $0 sync|summary|commit|build|deploy|model|plan|shard|collect|merge [args]" >&2
    exit 2
    ;;
esac
