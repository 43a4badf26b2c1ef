#!/bin/bash
# Runs one case folder of tests/data/cases (shared by each case's reproduce.sh):
#   MAIN=<a checkout of the project> bash run_case.sh CASE_DIR
# Needs python3, git, and `companion` on PATH from `pip install -e "$MAIN"` (or COMPANION=<path>).
# A fresh clone of MAIN is synced against CASE_DIR, served on 127.0.0.1 by serve.py; the case's verdict.py then
# says PASS or FAIL on its last line (exit 0 / 1), judged against what a user expects (see its README.md).
set -u
here=$(cd "$1" && pwd)
shared=$(cd "$(dirname "$0")" && pwd)
: "${MAIN:?set MAIN to a checkout of the project (it is cloned, never changed)}"
COMPANION=${COMPANION:-companion}
work=$(mktemp -d)
echo "work folder (kept for inspection): $work"
git clone -q "$MAIN" "$work/proj"
cp -r "$here" "$work/host"          # the stand-in host serves a copy: the case folder is never changed
python3 "$shared/serve.py" "$work/host" 0 > "$work/port" 2> "$work/requests.log" & server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat "$work/port")
cd "$work/proj"
echo "--- companion sync --feed $base/feed.xml"
HF_HUB_OFFLINE=1 COLUMNS=160 "$COMPANION" sync --feed "$base/feed.xml" > "$work/sync-1.log" 2>&1
echo $? > "$work/sync-1.rc"
cat "$work/sync-1.log"
echo "exit code: $(cat "$work/sync-1.rc")"
echo "--- episodes/"; python3 "$shared/show.py" "$work/proj"
echo "--- requests the host saw"; cat "$work/requests.log"
echo "--- verdict (verdict.py: what a user expects, from the case README)"
python3 "$here/verdict.py" "$work"
