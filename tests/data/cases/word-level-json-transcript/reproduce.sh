#!/bin/bash
# Case word-level-json-transcript: see README.md
# Run from anywhere:  MAIN=<a checkout of the project> bash reproduce.sh
# Needs python3, git, and `companion` on PATH from `pip install -e "$MAIN"` (or COMPANION=<path>).
# A fresh clone of MAIN is synced against this folder, served on 127.0.0.1 by serve.py; verdict.py then says
# PASS or FAIL on its last line (exit 0 / 1), judged against what a user expects (see README.md).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${MAIN:?set MAIN to a checkout of the project (it is cloned, never changed)}"
COMPANION=${COMPANION:-companion}
work=$(mktemp -d)
echo "work folder (kept for inspection): $work"
git clone -q "$MAIN" "$work/proj"
cp -r "$here" "$work/host"          # the stand-in host serves a copy: this folder is never changed
python3 "$here/serve.py" "$work/host" 0 > "$work/port" 2> "$work/requests.log" & server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat "$work/port")
cd "$work/proj"
n_sync=0
run_sync() {   # keeps each run's output, exit status, share of the request log and episodes/ for verdict.py
  n_sync=$((n_sync + 1))
  echo "--- companion sync --feed $base/$1"
  wc -l < "$work/requests.log" > "$work/sync-$n_sync.req0"
  HF_HUB_OFFLINE=1 COLUMNS=160 "$COMPANION" sync --feed "$base/$1" > "$work/sync-$n_sync.log" 2>&1
  echo $? > "$work/sync-$n_sync.rc"
  cat "$work/sync-$n_sync.log"
  echo "exit code: $(cat "$work/sync-$n_sync.rc")"
  if [ -d episodes ]; then cp -r episodes "$work/sync-$n_sync.episodes"; fi
}
show() { echo "--- episodes/"; python3 "$here/show.py" "$work/proj"; }

run_sync feed.xml; show
echo "--- requests the host saw"; cat "$work/requests.log"
echo "--- verdict (verdict.py: what a user expects, from the case README)"
python3 "$here/verdict.py" "$work"
