"""`companion`: a thin command line over the library: sync, transcribe, build, serve, demo, ...

The maintainer's tools too: feed-tags, doctor, deploy.

Exit codes: 0 all done, 1 some episode failed, 2 a usage, project, feed-level, build or course
error (any `companion.errors.CompanionError` that reaches `main`), 3 more to do (`sync
--time-budget` left episodes for the next run).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from rich.console import Console
from rich.markup import escape

from companion.errors import CompanionError

if TYPE_CHECKING:
    from companion.pipeline.sync import Options

EXIT_OK, EXIT_EPISODE_FAILED, EXIT_USAGE = 0, 1, 2     # 3, more to do: sync.EXIT_MORE_TO_DO
DEFAULT_MAX_SHARDS = 4                # --plan: most shards (CI jobs or machines working at once)
DOCTOR_WIDTH = 120                    # the doctor table: room for "what to fix" on a terminal or in CI logs


def print_error(console: Console, exc: Exception) -> None:
    """An error for the maintainer; its text (URLs, feed titles, ffmpeg output) is not markup."""
    console.print(f"[red]error:[/] {escape(str(exc))}", markup=True, highlight=False, soft_wrap=True)


def cmd_sync(args: argparse.Namespace, console: Console) -> int:
    """`companion sync`: fetch the feed, transcribe what is new, write episodes/. Returns the exit code
    (0, 1 some episode failed, 3 more to do); SyncError for a bad --time-budget (main: exit 2)."""
    from companion.pipeline.plan import read_shard
    from companion.project import open_project
    from companion.report import sync_with_progress
    from companion.pipeline.sync import Options, SyncError

    if args.time_budget is not None and not (math.isfinite(args.time_budget)
                                             and args.time_budget >= 0):
        raise SyncError("--time-budget is in minutes: a number, 0 or more (not nan or inf)")
    options = Options(feed=args.feed, limit=args.limit, model=args.model,
                      retranscribe=args.retranscribe, batched=args.batched,
                      device=args.device, time_budget_min=args.time_budget,
                      only=read_shard(Path(args.only)) if args.only else None)
    if args.plan:
        return plan_shards(options, Path(args.plan), args.max_shards, console)
    return sync_with_progress(open_project(), options, console).exit_code


def plan_shards(options: Options, directory: Path, max_shards: int, console: Console) -> int:
    """`companion sync --plan DIR`: write the shards and print what each holds."""
    from rich.table import Table

    from companion.pipeline.plan import make_plan, write_plan
    from companion.project import open_project
    from companion.pipeline.sync import Syncer, SyncError

    if options.time_budget_min is None:
        raise SyncError("--plan needs --time-budget MINUTES: the time each shard (CI job) has")
    plan = make_plan(Syncer(open_project(), options), options.time_budget_min, max_shards)
    matrix = write_plan(plan, directory)
    table = Table("shard", "episodes", "audio hours", "expected minutes",
                  title=f"plan: {plan.model} at {plan.speed_x:.1f}x real time")
    for row in plan.matrix()["include"]:
        table.add_row(row["shard"], str(row["episodes"]), f"{row['audio_hours']:.2f}",
                      f"{row['work_minutes']:.1f}")
    console.print(table)
    console.print(f"wrote {matrix}" if plan.shards else f"nothing to transcribe; wrote {matrix}")
    if plan.work_minutes > options.time_budget_min:
        console.print(f"[yellow]warning:[/] a shard has about {plan.work_minutes:.1f} minutes of "
                      f"work, more than its {options.time_budget_min:g}: what does not fit is left "
                      "for the next run (or raise --max-shards)", markup=True, highlight=False)
    return EXIT_OK


def cmd_transcribe(args: argparse.Namespace, console: Console) -> int:
    """`companion transcribe FILE`: one audio file to a transcript on stdout (or the given format),
    with the project's vocabulary when run inside one. AudioError or ModelError: main exits 1."""
    from companion.pipeline import audio, store, formats as tf
    from companion.pipeline.budget import prior_speed
    from companion.progress import TRANSCRIBE, ProgressBoard
    from companion.project import ProjectError, open_project
    from companion.timecode import format_clock
    from companion.pipeline.transcribe import Settings, transcribe_audio

    try:   # inside a project: the same settings as `companion sync`, vocabulary included
        vocabulary = tuple(open_project().podcast.vocabulary)
    except ProjectError:
        vocabulary = ()
    decoded = audio.load_audio(Path(args.audio))
    for warning in decoded.warnings:
        console.print(f"warning: {escape(warning)}")
    model = args.model or Settings.model
    title = Path(args.audio).name
    with ProgressBoard(console) as board:          # stderr: stdout is the transcript
        board.start(TRANSCRIBE, title, decoded.seconds, prior_speed(model))
        result = transcribe_audio(
            decoded.samples, Settings(model=model, batched=args.batched, vocabulary=vocabulary),
            lambda done: board.update(TRANSCRIBE, title, done, decoded.seconds))
    segments = result.segments
    for reason in result.coverage.review_reasons(bool(segments)):
        console.print(f"needs review: {escape(reason)}")
    writers: dict[str, Callable[[list[tf.Segment]], str]] = {
        "txt": lambda s: "".join(f"[{format_clock(x['startTime'])}] {x['body']}\n" for x in s),
        "vtt": tf.to_vtt, "srt": tf.to_srt, "json": lambda s: store.dump_json(tf.to_json(s))}
    sys.stdout.write(writers[args.format](segments))
    return EXIT_OK


def cmd_build(args: argparse.Namespace, console: Console) -> int:
    """`companion build`: the strict build into site/ (warnings printed); SiteError when it fails."""
    from companion.project import open_project
    from companion.site.build import build_site

    def warn(message: str) -> None:
        console.print(f"[yellow]warning:[/] {escape(message)}", markup=True, highlight=False)

    target = build_site(open_project(), strict=not args.no_strict, engine=args.engine, warn=warn)
    console.print(f"built the site into {target} with {args.engine}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, console: Console) -> int:
    """`companion serve`: live-reload preview on --host:--port; returns the server's exit code."""
    from companion.project import open_project
    from companion.site.build import serve_site

    return serve_site(open_project(), args.host, args.port, engine=args.engine)


def cmd_demo(args: argparse.Namespace, console: Console) -> int:
    """`companion demo`: sync the embedded sample podcast into .cache/demo/, build it with site_url set
    to the address it is served at, and serve it until Ctrl-C (or stop after the build: --no-serve)."""
    import time

    from companion import demo
    from companion.project import open_project
    from companion.report import sync_with_progress
    from companion.site.build import build_site
    from companion.pipeline.sync import Options

    source = open_project()
    site_dir = demo.demo_root(source) / demo.SITE_FOLDER
    # The site's port is taken first, so that site_url names the address it is really served at.
    server = None if args.no_serve else demo.serve(site_dir, args.port)
    site_url = f"{server.url}/" if server else f"http://127.0.0.1:{args.port}/"
    if server and server.url.rsplit(":", 1)[1] != str(args.port):
        console.print(f"port {args.port} is taken: serving on {server.url} instead")
    scratch = demo.prepare(source, site_url)
    console.print(f"demo project: {scratch.project.root} (site_url {site_url})", highlight=False)
    if scratch.set_aside:
        # the demo's docs/, data/ and overrides/ are the project's, copied afresh on every run
        console.print(f"[yellow]{len(scratch.set_aside)} file(s) edited in the demo's copies were set "
                      f"aside in {scratch.set_aside_in}, not used: the demo copies {source.root}'s "
                      "docs/, data/ and overrides/ afresh on every run, so make edits there.[/]",
                      highlight=False)
    console.print(f"sample podcast served at {scratch.feed_url}", highlight=False)
    result = sync_with_progress(scratch.project, Options(feed=scratch.feed_url), console)
    site = build_site(scratch.project, site_dir=site_dir)
    console.print(f"site built into {site}", highlight=False)
    if server is None:
        return result.exit_code
    console.print(f"[bold green]Open {server.url}/[/]  (Ctrl-C to stop)", markup=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return EXIT_OK


def cmd_feed_tags(args: argparse.Namespace, console: Console) -> int:
    """`companion feed-tags`: print the Podcasting 2.0 transcript and chapters tags to paste into
    the feed. FeedTagsError (no site_url) is reported by main, exit 2."""
    from companion.pipeline import feed_tags
    from companion.project import open_project

    tags = feed_tags.render(open_project())      # FeedTagsError: main prints it, exit 2
    if not tags:
        console.print("no transcribed episodes yet: run `companion sync` first")
    sys.stdout.write(tags)
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace, console: Console) -> int:
    """`companion doctor`: print the checks as a table on stdout; exit 1 when any check fails."""
    from rich.table import Table

    from companion import doctor

    checks = doctor.run(args.model)
    table = Table("check", "status", "details / what to fix")
    table.columns[2].overflow = "fold"               # paths whole, never cut with an ellipsis
    colours = {doctor.OK: "green", doctor.WARN: "yellow", doctor.FAIL: "red"}
    for check in checks:
        table.add_row(check.name, f"[{colours[check.status]}]{check.status}[/]", escape(check.detail))
    Console(width=DOCTOR_WIDTH).print(table)          # stdout: the report is the output
    return EXIT_EPISODE_FAILED if any(c.status == doctor.FAIL for c in checks) else EXIT_OK


def cmd_merge(args: argparse.Namespace, console: Console) -> int:
    """`companion merge DIR...`: merge shard or other machines' episode folders into episodes/
    (corrections kept); exit 2 for a missing folder, 1 when any folder was refused."""
    from companion.pipeline.merge import merge
    from companion.project import open_project

    project = open_project()
    missing = [s for s in args.sources if not Path(s).is_dir()]
    if missing:
        print_error(console, FileNotFoundError(f"no folder {', '.join(missing)}"))
        return EXIT_USAGE
    report = merge([Path(s) for s in args.sources], project.episodes_dir)
    for slug in report.merged:
        console.print(f"merged {escape(slug)}", highlight=False)
    for slug, why in report.kept:
        console.print(f"kept   {escape(slug)}: {escape(why)}", highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", markup=True, highlight=False)
    for slug, why in report.refused:
        console.print(f"[red]refused[/] {escape(slug)}: {escape(why)}", markup=True, highlight=False)
    console.print(f"{len(report.merged)} merged, {len(report.kept)} kept, "
                  f"{len(report.refused)} refused", highlight=False)
    return EXIT_EPISODE_FAILED if report.refused else EXIT_OK


def cmd_deploy(args: argparse.Namespace, console: Console) -> int:
    """`companion deploy [--dry-run]`: strict build and push to gh-pages (or only print the command);
    returns mkdocs gh-deploy's exit code. DeployError (no or bad site_url) is reported by main, exit 2."""
    from companion.site.deploy import deploy
    from companion.project import open_project

    line, code = deploy(open_project(), dry_run=args.dry_run)   # DeployError: main, exit 2
    if args.dry_run:
        print(line)
    elif code:
        console.print(f"[red]deploy failed[/] (exit {code}): {line}", markup=True, highlight=False)
    return code


def parser() -> argparse.ArgumentParser:
    """The argparse parser of every command; each sub-parser sets `run`, the `cmd_*` function that
    takes (args, console) and returns an exit code."""
    from companion.site import render  # only stdlib at import: the engine names for --engine

    top = argparse.ArgumentParser(prog="companion", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)

    sync = commands.add_parser("sync", help="fetch the feed and transcribe new episodes")
    sync.add_argument("--feed", help="feed URL or file (default: $COMPANION_FEED, a private "
                                     "feed, else extra.podcast.feed in mkdocs.yml)")
    sync.add_argument("--limit", type=int, help="only the N newest episodes")
    sync.add_argument("--model", help="faster-whisper model name or local model folder "
                                      "(default: tiny.en, offline)")
    sync.add_argument("--retranscribe", action="store_true",
                      help="transcribe again even when a transcript exists (corrections are kept)")
    sync.add_argument("--device", choices=("cpu", "cuda", "auto"), default="cpu",
                      help="where the model runs (cuda needs CUDA 12 and cuDNN)")
    sync.add_argument("--time-budget", type=float, metavar="MINUTES",
                      help="start no transcription expected to end after MINUTES; the one in hand "
                           "finishes; exit 3 when episodes are left for the next run")
    sync.add_argument("--plan", metavar="DIR",
                      help="write no episode: split the transcriptions to do into shards, each "
                           "with --time-budget minutes (DIR/matrix.json, DIR/shard-N.json)")
    sync.add_argument("--max-shards", type=int, default=DEFAULT_MAX_SHARDS,
                      help="with --plan: at most this many shards, the jobs or machines that "
                           f"work at once (default {DEFAULT_MAX_SHARDS})")
    sync.add_argument("--only", metavar="SHARD_FILE",
                      help="transcribe only the episodes of this shard file (from --plan)")
    one = commands.add_parser("transcribe", help="print a transcript of one audio file")
    for command in (sync, one):
        command.add_argument("--batched", action="store_true",
                             help="decode speech spans in batches of 8 (GPU; on CPU it was slower "
                                  "and used twice the memory, see README)")
        command.add_argument("--sequential", action="store_false", dest="batched",
                             help="decode speech spans one by one (the default)")
    sync.set_defaults(run=cmd_sync)

    one.add_argument("audio")
    one.add_argument("--model")
    one.add_argument("--format", choices=("txt", "vtt", "srt", "json"), default="txt")
    one.set_defaults(run=cmd_transcribe)

    build = commands.add_parser("build", help="build the site into site/ (strict)")
    build.add_argument("--no-strict", action="store_true", help="let warnings pass")
    build.add_argument("--engine", choices=render.ENGINES, default=render.DEFAULT_ENGINE,
                       help="site generator that renders the generated tree (default: mkdocs)")
    build.set_defaults(run=cmd_build)

    serve = commands.add_parser("serve", help="serve the site with live reload")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--engine", choices=render.ENGINES, default=render.DEFAULT_ENGINE)
    serve.set_defaults(run=cmd_serve)

    demo = commands.add_parser("demo", help="sync, build and serve the embedded sample podcast")
    demo.add_argument("--port", type=int, default=8000,
                      help="port for the site (default 8000; a free one when it is taken)")
    demo.add_argument("--no-serve", action="store_true", help="stop after the build")
    demo.set_defaults(run=cmd_demo)

    tags = commands.add_parser("feed-tags", help="print Podcasting 2.0 transcript and chapters "
                                                 "tags to paste into the feed")
    tags.set_defaults(run=cmd_feed_tags)

    doctor = commands.add_parser("doctor", help="check Python, ffmpeg, models, disk, feed, site tools")
    doctor.add_argument("--model", help="also check this model name or folder")
    doctor.set_defaults(run=cmd_doctor)

    merge = commands.add_parser("merge", help="merge episode folders made by shards or other "
                                              "machines into episodes/ (corrections are kept)")
    merge.add_argument("sources", nargs="+", metavar="DIR",
                       help="a folder of episode folders, or one that holds episodes/")
    merge.set_defaults(run=cmd_merge)

    deploy = commands.add_parser("deploy", help="strict build and push to the gh-pages branch")
    deploy.add_argument("--dry-run", action="store_true", help="print the command, run nothing")
    deploy.set_defaults(run=cmd_deploy)
    return top


def exit_code(exc: CompanionError) -> int:
    """The documented exit code for an error that reached the command line: 1 when one file's
    audio or the model failed (`transcribe`), 2 for every other (project, feed, build, course)."""
    from companion.pipeline.audio import AudioError
    from companion.pipeline.transcribe import ModelError

    return EXIT_EPISODE_FAILED if isinstance(exc, (AudioError, ModelError)) else EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv[1:]) and return its exit code (see the
    module docstring). Every `CompanionError` is printed as one "error: ..." line, never a traceback."""
    args = parser().parse_args(argv)
    # In a log (CI, a file) a line is never folded at 80 columns: a "file:line:column" or a URL cut in
    # two cannot be clicked or searched for. A terminal still wraps as usual.
    console = Console(stderr=True, soft_wrap=not sys.stderr.isatty())
    try:
        return args.run(args, console)
    except CompanionError as exc:
        print_error(console, exc)
        return exit_code(exc)
    except KeyboardInterrupt:
        console.print("interrupted: nothing half-written; run again to finish")
        return 130


if __name__ == "__main__":
    sys.exit(main())
