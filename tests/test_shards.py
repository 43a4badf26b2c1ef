"""A back catalogue: time budgets, progress that survives, shards merged into one `episodes/`.

The workflow's shell steps (`scripts/ci/publish.sh`) run on the sample podcast against a local
bare git remote, as in test_publish.py: one run over the whole feed, the same feed split into two
shards on two "machines" (copies of the project) and merged, a run stopped by its time budget and
finished by the next one. The model is the real tiny.en.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from companion.pipeline import budget, store
from companion.pipeline.merge import merge
from companion.pipeline.plan import balance
from published import REPO, SCRIPT, WORKFLOW, fork, git, serve_sample

pytestmark = pytest.mark.model
LONG_FEED = "feed-long.xml"           # sonnet 1 announced as a long episode (no duration, 100 MB)
LONG_SLUG = "2024-01-01-sonnet-1-from-fairest-creatures-we-desire"
FIRST_SLUG = "2024-01-03-sonnet-2-when-forty-winters-shall-besiege-thy"
# episode.json fields that say when, not what: they differ between any two runs
WHEN_FIELDS = ("transcribed_at",)


def run(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """One publish.sh step in `root`, with the environment the workflow gives it, plus `env`."""
    full = {**os.environ, "COMPANION": str(Path(sys.executable).with_name("companion")),
            "PYTHON": sys.executable, "HF_HUB_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1",
            "PUBLISH_BRANCH": "main", **env}
    for name in ("COMPANION_MODEL", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "SYNC_BUDGET_MINUTES",
                 "COMMIT_EVERY_MINUTES", "SHARD_MINUTES", "MAX_SHARDS"):
        if name not in env:
            full.pop(name, None)
    return subprocess.run(["bash", str(SCRIPT), *args], cwd=root, env=full, capture_output=True,
                          text=True, timeout=600)


def companion(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).with_name("companion")), *args], cwd=root,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"}, capture_output=True,
                          text=True, timeout=600)


def tree(episodes: Path) -> dict[str, object]:
    """Every file under `episodes/` by relative path: JSON parsed (without WHEN_FIELDS), else text."""
    files: dict[str, object] = {}
    for path in sorted(p for p in episodes.rglob("*") if p.is_file()):
        key = str(path.relative_to(episodes))
        if path.suffix == ".json":
            data = json.loads(path.read_text())
            if path.name == store.EPISODE_FILE:
                for name in WHEN_FIELDS:
                    data.pop(name, None)
            files[key] = data
        else:
            files[key] = path.read_text()
    return files


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory):
    """The sample podcast (plus a broken episode and chapters) and its long-episode variant."""
    www = tmp_path_factory.mktemp("shards") / "www"
    server = serve_sample(www)
    feed = (www / "feed.xml").read_text()
    for old, new in (('<itunes:duration>53</itunes:duration>', ''),
                     ('length="426735"', 'length="100000000"')):
        assert feed.count(old) == 1, "the sample feed changed: update tests/test_shards.py"
        feed = feed.replace(old, new)
    (www / LONG_FEED).write_text(feed)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def single(host, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the sync step over the whole feed, as a weekly job does it."""
    root, _remote = fork(tmp_path_factory.mktemp("single"), f"{host.url}/feed.xml")
    result = run(root, "sync")
    assert result.returncode == 0, result.stderr
    return root


def test_two_shards_merge_into_exactly_what_one_run_makes(host, single: Path, tmp_path: Path) -> None:
    root, remote = fork(tmp_path, f"{host.url}/feed.xml")
    weekly = run(root, "plan", "plan")
    assert weekly.returncode == 0, weekly.stderr
    assert "shards=1" in weekly.stdout, "a few short episodes stay one job"

    outputs = tmp_path / "github_output"
    planned = run(root, "plan", "plan", SHARD_MINUTES="0.05", MAX_SHARDS="2",
                  GITHUB_OUTPUT=str(outputs))
    assert planned.returncode == 0, planned.stderr
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    matrix = json.loads(values["matrix"])
    assert values["shards"] == "2" and len(matrix["include"]) == 2
    shards = [json.loads((root / "plan" / row["file"]).read_text()) for row in matrix["include"]]
    guids = [e["guid"] for s in shards for e in s["episodes"]]
    assert sorted(guids) == ["sample-gone", "sample-inaugural-1961", "sample-sonnet-001",
                             "sample-sonnet-002"], "every episode to transcribe, in one shard only"
    assert not (root / "episodes").exists(), "a plan writes no episode"

    outs = []
    for row in matrix["include"]:                      # each shard on its own "machine"
        machine = tmp_path / f"machine-{row['shard']}"
        shutil.copytree(root, machine)
        done = run(machine, "shard", f"plan/{row['file']}", SHARD_MINUTES="10")
        assert done.returncode == 0, done.stderr
        out = tmp_path / f"out-{row['shard']}"
        collected = run(machine, "collect", f"plan/{row['file']}", str(out))
        assert collected.returncode == 0, collected.stderr
        shard_slugs = {e["slug"] for e in json.loads((root / "plan" / row["file"]).read_text())["episodes"]}
        assert {p.name for p in (out / "episodes").iterdir()} == shard_slugs, "only its own episodes"
        outs.append(str(out))

    merged = run(root, "merge", *outs)
    assert merged.returncode == 0, merged.stderr
    rest = run(root, "sync", SYNC_BUDGET_MINUTES="0")    # the merge job: record the rest, no Whisper
    assert rest.returncode == 0, rest.stderr
    assert tree(root / "episodes") == tree(single / "episodes")

    for step in ("commit", "build"):                     # the rest of the merge job
        done = run(root, step)
        assert done.returncode == 0, done.stderr
    authors = git(remote, "log", "--format=%an", "main").splitlines()
    assert authors == ["github-actions[bot]", "Maintainer"], "the merge commits once"
    assert (root / "site" / "index.html").is_file()


def test_a_merge_keeps_the_maintainers_corrections(single: Path, tmp_path: Path) -> None:
    here = tmp_path / "episodes"
    shutil.copytree(single / "episodes", here)
    mine = here / FIRST_SLUG / store.CORRECTIONS_FILE
    mine.write_text("replace:\n  - find: winters\n    with: WINTERS\n")
    # The same episode transcribed again elsewhere (a newer transcript), with the blank template.
    elsewhere = tmp_path / "elsewhere" / "episodes"
    shutil.copytree(single / "episodes" / FIRST_SLUG, elsewhere / FIRST_SLUG)
    record = store.read_json(elsewhere / FIRST_SLUG / store.EPISODE_FILE)
    record["transcribed_at"] = "2999-01-01T00:00:00+00:00"
    store.write_json_atomic(elsewhere / FIRST_SLUG / store.EPISODE_FILE, record)
    assert (elsewhere / FIRST_SLUG / store.CORRECTIONS_FILE).read_text() != mine.read_text()
    # And an unfinished copy of a finished episode: it must not replace it.
    unfinished = tmp_path / "unfinished"
    shutil.copytree(single / "episodes" / LONG_SLUG, unfinished / LONG_SLUG)
    pending = store.read_json(unfinished / LONG_SLUG / store.EPISODE_FILE) | {"status": "pending"}
    store.write_json_atomic(unfinished / LONG_SLUG / store.EPISODE_FILE, pending)

    report = merge([tmp_path / "elsewhere", unfinished], here)

    assert report.merged == [FIRST_SLUG] and [s for s, _ in report.kept] == [LONG_SLUG]
    assert mine.read_text() == "replace:\n  - find: winters\n    with: WINTERS\n"
    assert "WINTERS" in (here / FIRST_SLUG / "transcript.txt").read_text(), \
        "the merged transcript is written again with this project's corrections"
    assert store.read_json(here / FIRST_SLUG / store.EPISODE_FILE)["transcribed_at"] == \
        record["transcribed_at"]
    assert store.read_json(here / LONG_SLUG / store.EPISODE_FILE)["status"] == "transcribed"

    # Another episode under the same folder name (plans made from different states) is refused.
    impostor = tmp_path / "impostor"
    shutil.copytree(elsewhere / FIRST_SLUG, impostor / FIRST_SLUG)
    other = store.read_json(impostor / FIRST_SLUG / store.EPISODE_FILE) | {
        "guid": "someone-else", "transcribed_at": "3000-01-01T00:00:00+00:00"}
    store.write_json_atomic(impostor / FIRST_SLUG / store.EPISODE_FILE, other)
    refused = merge([impostor], here)
    assert [slug for slug, _ in refused.refused] == [FIRST_SLUG] and not refused.merged
    assert store.read_json(here / FIRST_SLUG / store.EPISODE_FILE)["guid"] == "sample-sonnet-002"

    # A broken corrections.yml here: the merge says so once, with file, line and column.
    mine.write_text("replce:\n  - find: winters\n    with: WINTERS\n")
    newer = record | {"transcribed_at": "3001-01-01T00:00:00+00:00"}
    store.write_json_atomic(elsewhere / FIRST_SLUG / store.EPISODE_FILE, newer)
    broken = merge([tmp_path / "elsewhere"], here)
    assert [w.split(": ", 1)[1].split(f"{mine}:1:1: ")[0] for w in broken.warnings] == \
        ["corrections not applied: "], broken.warnings


def test_a_budget_keeps_what_it_finished_and_the_next_run_does_only_the_rest(
        host, tmp_path: Path) -> None:
    root, remote = fork(tmp_path, f"{host.url}/{LONG_FEED}")
    # Rounds of half a minute, one minute in all: sonnet 2 fits, the "long" sonnet 1 does not.
    first = run(root, "sync", SYNC_BUDGET_MINUTES="1", COMMIT_EVERY_MINUTES="0.5")
    assert first.returncode == 0, first.stderr
    assert "more to do" in first.stdout
    assert "left for the next run" in first.stderr
    # Pushed as it went, before the job's own commit step.
    pushed = git(remote, "log", "--format=%an|%s", "main").splitlines()
    assert pushed[0].startswith("github-actions[bot]|Sync episodes")
    status = {p.parent.name: json.loads(p.read_text())["status"]
              for p in root.glob("episodes/*/episode.json")}
    assert status[FIRST_SLUG] == "transcribed"
    assert status[LONG_SLUG] == "pending"
    summary = run(root, "summary")
    assert "left for the next run by the time budget" in summary.stdout
    finished = git(remote, "show", f"main:episodes/{FIRST_SLUG}/transcript.raw.json")

    # The next run, on a fresh runner: a clone of what was pushed, no cache.
    again = tmp_path / "again"
    git(tmp_path, "clone", "--quiet", str(remote), str(again))
    nothing = companion(again, "sync", "--time-budget", "0")
    assert nothing.returncode == 3, nothing.stderr
    assert "3 episodes" in nothing.stderr and "left for the next run" in nothing.stderr
    rest = run(again, "sync")
    assert rest.returncode == 0, rest.stderr
    assert "some episodes failed" in rest.stdout          # the episode whose audio is gone
    status = {p.parent.name: json.loads(p.read_text())["status"]
              for p in again.glob("episodes/*/episode.json")}
    assert sorted(status.values()) == ["failed", "no-audio", "transcribed", "transcribed",
                                       "transcribed"]
    assert (again / "episodes" / FIRST_SLUG / "transcript.raw.json").read_text() == finished
    assert git(again, "status", "--porcelain", f"episodes/{FIRST_SLUG}") == "", \
        "the finished episode is not done again"


def test_the_plan_balances_audio_hours() -> None:
    episodes = [{"guid": str(n), "seconds": s} for n, s in enumerate([3600, 3000, 2000, 1800, 1000, 600])]
    shards = balance(episodes, 2)
    totals = sorted(sum(e["seconds"] for e in s) for s in shards)
    assert totals == [6000, 6000]
    assert sorted(e["guid"] for s in shards for e in s) == [str(n) for n in range(6)]
    assert budget.shard_count(0, 300, 16) == 0
    assert budget.shard_count(20 * 60, 300, 16) == 1, "a weekly episode stays one job"
    assert budget.shard_count(150 * 3600 / 3, 300, 20) == 20     # 150 h of small.en at 3x
    assert budget.shard_count(45 * 60, 300, 20) == 2, "no shard with less than half an hour"
    assert budget.shard_count(10, 0.05, 2) == 2


def test_the_budget_uses_measured_speed_and_stops_for_good(tmp_path: Path) -> None:
    hour = {"duration": 3600.0, "enclosure": {"url": "x", "length": None}}
    assert budget.episode_seconds({"duration": None, "enclosure": {"length": 1_600_000}}) == 100
    assert budget.episode_seconds({"duration": None, "enclosure": None}) == budget.ASSUMED_EPISODE_S
    plan = budget.Budget(minutes=None, model="tiny.en", cache_dir=tmp_path)
    assert plan.speed() == budget.PRIOR_SPEED_X["tiny.en"] and plan.allows(hour)
    assert budget.prior_speed("/models/distil-large-v3") == budget.UNKNOWN_MODEL_SPEED_X
    # Measured on this machine before: 10x, so an hour is 6 minutes of work.
    budget.save_measured(tmp_path, "tiny.en", audio_s=600.0, work_s=60.0)
    assert budget.Budget(None, "tiny.en", tmp_path).speed() == pytest.approx(10.0)
    assert budget.Budget(7, "tiny.en", tmp_path).allows(hour)
    tight = budget.Budget(5, "tiny.en", tmp_path)
    assert not tight.allows(hour)
    assert not tight.allows({"duration": 1.0, "enclosure": {"url": "x"}}), "stopped for good"
    assert tight.too_long({"duration": 3600.0}).startswith("expected to take about 6 minutes")
    assert budget.Budget(7, "tiny.en", tmp_path).too_long({"duration": 3600.0}) is None
    # Too little audio is no measure: the prior stays.
    budget.save_measured(tmp_path, "small.en", audio_s=5.0, work_s=1.0)
    assert budget.Budget(None, "small.en", tmp_path).speed() == budget.PRIOR_SPEED_X["small.en"]


def test_the_workflow_spreads_a_back_catalogue_over_shard_jobs() -> None:
    flow = yaml.safe_load((REPO / WORKFLOW).read_text())
    jobs = flow["jobs"]
    publish, transcribe, merge_job, deploy = (jobs[n] for n in ("publish", "transcribe", "merge",
                                                                 "deploy"))
    assert publish["outputs"]["matrix"] == "${{ steps.plan.outputs.matrix }}"
    assert publish["env"]["COMMIT_EVERY_MINUTES"] and publish["env"]["SYNC_BUDGET_MINUTES"]
    commit = next(s for s in publish["steps"] if s.get("run", "").endswith(" commit"))
    assert commit["if"].startswith("always()"), "a cancelled or timed-out job still commits"
    sync = next(s for s in publish["steps"] if s.get("run", "").endswith(" sync"))
    assert sync["timeout-minutes"] < publish["timeout-minutes"], "time is left to commit"

    strategy = transcribe["strategy"]
    assert strategy["matrix"] == "${{ fromJSON(needs.publish.outputs.matrix) }}"
    assert "vars.COMPANION_MAX_PARALLEL" in strategy["max-parallel"]
    assert strategy["fail-fast"] is False
    assert "vars.COMPANION_MODEL" in flow["env"]["COMPANION_MODEL_WANTED"]
    runs = [s["run"].split()[1] for s in transcribe["steps"] if "run" in s]
    assert runs.index("model") < runs.index("shard"), "each shard job loads (or falls back) first"
    shard = next(s for s in transcribe["steps"] if " shard " in s.get("run", ""))
    assert shard["timeout-minutes"] < transcribe["timeout-minutes"] <= 360
    uploads = [s for s in transcribe["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["if"] == "always()"
    every_upload = [s for j in jobs.values() for s in j.get("steps", [])
                    if s.get("uses", "").startswith("actions/upload-artifact")]
    assert all(s["with"].get("overwrite") is True for s in every_upload), \
        "a re-run job uploads again under the same artifact name"
    assert "permissions" not in transcribe, "shard jobs cannot push: only the merge commits"

    assert merge_job["if"].startswith("always()") and merge_job["needs"] == ["publish", "transcribe"]
    runs = [s["run"].split()[1] for s in merge_job["steps"] if "run" in s]
    assert runs == ["setup", "merge", "sync", "summary", "commit", "build"]
    assert merge_job["env"]["SYNC_BUDGET_MINUTES"] == "0"
    assert deploy["needs"] == ["publish", "merge"]


def test_a_killed_job_keeps_every_finished_transcript(host, tmp_path: Path) -> None:
    """The sync step killed mid-run (a timeout or a cancel), then the job's always() commit step."""
    root, remote = fork(tmp_path, f"{host.url}/{LONG_FEED}")
    env = {**os.environ, "COMPANION": str(Path(sys.executable).with_name("companion")),
           "PYTHON": sys.executable, "HF_HUB_OFFLINE": "1", "PUBLISH_BRANCH": "main"}
    for name in ("SYNC_BUDGET_MINUTES", "COMMIT_EVERY_MINUTES", "COMPANION_MODEL"):
        env.pop(name, None)
    step = subprocess.Popen(["bash", str(SCRIPT), "sync"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    first = root / "episodes" / FIRST_SLUG / store.EPISODE_FILE
    deadline = time.monotonic() + 300
    while step.poll() is None and time.monotonic() < deadline:
        if first.is_file() and json.loads(first.read_text())["status"] == "transcribed":
            break
        time.sleep(0.05)
    os.killpg(step.pid, signal.SIGKILL)          # the worst case: no chance to clean up
    step.wait()

    commit = run(root, "commit")
    assert commit.returncode == 0, commit.stderr
    pushed = git(remote, "ls-tree", "-r", "--name-only", "main", "episodes").splitlines()
    assert f"episodes/{FIRST_SLUG}/transcript.vtt" in pushed
    assert not [p for p in pushed if Path(p).name.startswith(".")], "no temporary file is committed"
    for name in {Path(p).parent.name for p in pushed if p.endswith("/episode.json")}:
        record = json.loads(git(remote, "show", f"main:episodes/{name}/episode.json"))
        if record["status"] == "transcribed":
            assert f"episodes/{name}/transcript.raw.json" in pushed, f"{name} is whole"

    rest = run(root, "sync")
    assert rest.returncode == 0, rest.stderr
    assert git(root, "status", "--porcelain", f"episodes/{FIRST_SLUG}") == "", "not done again"


@pytest.mark.parametrize("text", ['{"episodes": [{"guid": "a", "slug": "../../etc"}]}',
                                  '{"episodes": [{"guid": "a"}]}', "[1, 2]", "not json"])
def test_a_bad_shard_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\n")
    (tmp_path / "shard.json").write_text(text)
    result = companion(tmp_path, "sync", "--only", "shard.json")
    assert result.returncode == 2
    assert "is not a shard file of `companion sync --plan`" in result.stderr
    assert not (tmp_path / "episodes").exists()


def test_a_shard_file_never_writes_into_another_episodes_folder(host, tmp_path: Path) -> None:
    """A shard file from another plan names episode B's folder as A's: B's folder stays B's."""
    root, _remote = fork(tmp_path, f"{host.url}/feed.xml")
    assert companion(root, "sync", "--time-budget", "0").returncode == 3
    records = [json.loads(p.read_text()) for p in sorted((root / "episodes").glob("*/episode.json"))]
    a, b = records[0], records[1]
    shutil.rmtree(root / "episodes" / a["slug"])          # A is new to this machine
    (root / "shard.json").write_text(json.dumps(
        {"episodes": [{"guid": a["guid"], "slug": b["slug"]}]}))
    before = (root / "episodes" / b["slug"] / "episode.json").read_text()
    result = companion(root, "sync", "--only", "shard.json", "--time-budget", "0")
    assert result.returncode == 3, result.stderr
    assert (root / "episodes" / b["slug"] / "episode.json").read_text() == before
    made = [p.parent.name for p in (root / "episodes").glob("*/episode.json")
            if json.loads(p.read_text())["guid"] == a["guid"]]
    assert len(made) == 1, "A has a folder of its own"
    collect = run(root, "collect", "shard.json", "out")
    assert collect.returncode == 0, collect.stderr
    assert [p.name for p in (root / "out" / "episodes").iterdir()] == made, "collected by guid"
    (root / "shard.json").write_text(json.dumps(
        {"episodes": [{"guid": "new-1", "slug": "x-1"}, {"guid": "new-2", "slug": "x-1"}]}))
    assert companion(root, "sync", "--only", "shard.json").returncode == 2


@pytest.mark.parametrize("duration", ["NaN", "inf", "1e999", "-60", "0", "1:02:03:04"])
def test_a_feed_duration_that_is_no_length_still_plans_and_budgets(
        host, tmp_path: Path, duration: str) -> None:
    """Feeds say anything in itunes:duration: a plan is valid JSON and a budget still stops work."""
    text = (host.root / "feed.xml").read_text()
    assert text.count("<itunes:duration>53</itunes:duration>") == 1
    name = f"feed-duration-{abs(hash(duration))}.xml"
    (host.root / name).write_text(text.replace("<itunes:duration>53</itunes:duration>",
                                               f"<itunes:duration>{duration}</itunes:duration>"))
    root, _remote = fork(tmp_path, f"{host.url}/{name}")
    result = companion(root, "sync", "--plan", "plan", "--time-budget", "30")
    assert result.returncode == 0, result.stderr
    matrix = json.loads((root / "plan" / "matrix.json").read_text(),
                        parse_constant=lambda c: pytest.fail(f"{c} in matrix.json"))
    assert all(row["audio_hours"] > 0 for row in matrix["include"])
    assert companion(root, "sync", "--time-budget", "0").returncode == 3, "nothing may start"


@pytest.mark.parametrize("minutes", ["nan", "inf", "-1", "ten"])
def test_a_time_budget_that_is_no_number_of_minutes_is_a_usage_error(
        host, tmp_path: Path, minutes: str) -> None:
    root, _remote = fork(tmp_path, f"{host.url}/feed.xml")
    for args in (("--plan", "plan"), ()):
        result = companion(root, "sync", "--time-budget", minutes, *args)
        assert result.returncode == 2, result.stderr
    assert not (root / "plan").exists() and not (root / "episodes").exists()


def test_the_merge_step_publishes_the_rest_when_a_folder_is_refused_or_a_shard_left_nothing(
        host, tmp_path: Path) -> None:
    root, _remote = fork(tmp_path, f"{host.url}/feed.xml")
    assert companion(root, "sync", "--time-budget", "0").returncode == 3
    a, b = sorted((root / "episodes").iterdir())[:2]
    shutil.copytree(a, root / "shards" / "episodes-shard-1" / "episodes" / a.name)
    other = root / "shards" / "episodes-shard-2" / "episodes" / b.name
    shutil.copytree(b, other)
    record = json.loads((other / "episode.json").read_text())
    (other / "episode.json").write_text(json.dumps({**record, "guid": "re-uploaded"}))
    result = run(root, "merge", "shards/episodes-shard-1", "shards/episodes-shard-2",
                 "shards/episodes-shard-3")                   # shard 3 uploaded nothing
    assert result.returncode == 0, result.stderr
    assert f"merged {a.name}" in result.stderr and f"refused {b.name}" in result.stderr
    assert json.loads((b / "episode.json").read_text())["guid"] == record["guid"]
    nothing = run(root, "merge", "shards/episodes-shard-*")   # bash leaves a glob with no match
    assert nothing.returncode == 0 and "nothing to merge" in nothing.stdout


@pytest.mark.parametrize("record", ["not json", "[1]", '{"status": "transcribed"}',
                                    '{"guid": "g", "transcribed_at": 5}', "LINK"])
def test_a_merge_refuses_a_bad_episode_record_and_merges_the_rest(
        tmp_path: Path, record: str) -> None:
    good, bad = (tmp_path / "shard" / "episodes" / n for n in ("2024-01-01-good", "2024-01-02-bad"))
    for folder in (good, bad):
        folder.mkdir(parents=True)
    (good / "episode.json").write_text(json.dumps(store.new_episode("good", good.name)))
    if record == "LINK":
        (tmp_path / "elsewhere.json").write_text(json.dumps(store.new_episode("bad", bad.name)))
        (bad / "episode.json").symlink_to(tmp_path / "elsewhere.json")
    else:
        (bad / "episode.json").write_text(record)
    report = merge([tmp_path / "shard"], tmp_path / "episodes")
    assert report.merged == [good.name] and [s for s, _ in report.refused] == [bad.name]
    assert not (tmp_path / "episodes" / bad.name).exists()


def test_a_merge_keeps_the_record_of_hand_written_chapters(tmp_path: Path) -> None:
    """The shard fetched the feed's chapters; meanwhile the maintainer wrote their own."""
    slug = "2024-01-01-chaptered"
    here, there = tmp_path / "episodes" / slug, tmp_path / "shard" / "episodes" / slug
    for folder, source, chapters in ((here, "manual", "mine"), (there, "feed", "feed's")):
        folder.mkdir(parents=True)
        record = {**store.new_episode("g", slug), "chapters_source": source,
                  "status": "transcribed" if source == "feed" else "pending"}
        (folder / "episode.json").write_text(json.dumps(record))
        (folder / "chapters.json").write_text(json.dumps({"chapters": [{"title": chapters}]}))
    report = merge([tmp_path / "shard"], tmp_path / "episodes")
    assert report.merged == [slug]
    assert "mine" in (here / "chapters.json").read_text()
    merged = json.loads((here / "episode.json").read_text())
    assert merged["status"] == "transcribed" and merged["chapters_source"] == "manual"


def test_a_commit_that_could_not_be_pushed_is_pushed_by_the_next_commit_step(
        host, tmp_path: Path) -> None:
    """A push that failed (network, cancel) and a maintainer's conflicting push lose nothing."""
    root, remote = fork(tmp_path, f"{host.url}/feed.xml")
    assert companion(root, "sync", "--time-budget", "0").returncode == 3
    remote.rename(tmp_path / "away.git")                     # the remote is unreachable
    assert run(root, "commit").returncode != 0
    (tmp_path / "away.git").rename(remote)
    again = run(root, "commit")                               # the always() commit step
    assert again.returncode == 0, again.stderr
    assert git(remote, "ls-tree", "-r", "--name-only", "main", "episodes"), "the commit arrived"

    maintainer = tmp_path / "maintainer"
    git(tmp_path, "clone", "--quiet", str(remote), str(maintainer))
    record = next((maintainer / "episodes").glob("*/episode.json"))
    name = record.relative_to(maintainer)
    record.write_text(record.read_text().replace('"pending"', '"by-hand"'))
    git(maintainer, "-c", "user.name=M", "-c", "user.email=m@example.org", "commit", "-qam", "edit")
    git(maintainer, "push", "--quiet", "origin", "main")
    (root / name).write_text((root / name).read_text().replace('"pending"', '"by-bot"'))
    conflict = run(root, "commit")
    assert conflict.returncode == 1 and "merge it by hand" in conflict.stdout
    rescue = [b.split()[-1] for b in git(remote, "branch").splitlines() if "companion-sync-" in b]
    assert rescue and '"by-bot"' in git(remote, "show", f"{rescue[0]}:{name}")
    assert not (root / ".git" / "rebase-merge").exists(), "the checkout is not left mid-rebase"
