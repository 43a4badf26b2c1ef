"""`companion`: a thin command line over the library: sync, transcribe, build, serve, demo, ...

The maintainer's tools too: feed-tags, doctor, deploy.

Exit codes: 0 all done, 1 some episode failed, 2 a usage, project or feed-level error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.markup import escape

EXIT_OK, EXIT_EPISODE_FAILED, EXIT_USAGE = 0, 1, 2
DOCTOR_WIDTH = 120                    # the doctor table: room for "what to fix" on a terminal or in CI logs


def print_error(console: Console, exc: Exception) -> None:
    """An error for the maintainer; its text (URLs, feed titles, ffmpeg output) is not markup."""
    console.print(f"[red]error:[/] {escape(str(exc))}", markup=True, highlight=False)


def cmd_sync(args: argparse.Namespace, console: Console) -> int:
    from companion.project import open_project
    from companion.report import sync_with_progress
    from companion.sync import Options

    options = Options(feed=args.feed, limit=args.limit, model=args.model,
                      retranscribe=args.retranscribe, batched=not args.sequential,
                      device=args.device)
    result = sync_with_progress(open_project(), options, console)
    return EXIT_EPISODE_FAILED if result.exit_code else EXIT_OK


def cmd_transcribe(args: argparse.Namespace, console: Console) -> int:
    from companion import audio, store, transcript_formats as tf
    from companion.timecode import format_clock
    from companion.transcribe import Settings, transcribe

    decoded = audio.load_audio(Path(args.audio))
    segments = transcribe(decoded.samples, Settings(model=args.model or Settings.model,
                                                    batched=not args.sequential))
    writers: dict[str, Callable[[list[tf.Segment]], str]] = {
        "txt": lambda s: "".join(f"[{format_clock(x['startTime'])}] {x['body']}\n" for x in s),
        "vtt": tf.to_vtt, "srt": tf.to_srt, "json": lambda s: store.dump_json(tf.to_json(s))}
    sys.stdout.write(writers[args.format](segments))
    return EXIT_OK


def cmd_build(args: argparse.Namespace, console: Console) -> int:
    from companion.project import open_project
    from companion.site import build_site

    def warn(message: str) -> None:
        console.print(f"[yellow]warning:[/] {escape(message)}", markup=True, highlight=False)

    target = build_site(open_project(), strict=not args.no_strict, engine=args.engine, warn=warn)
    console.print(f"built the site into {target} with {args.engine}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, console: Console) -> int:
    from companion.project import open_project
    from companion.site import serve_site

    return serve_site(open_project(), args.host, args.port, engine=args.engine)


def cmd_demo(args: argparse.Namespace, console: Console) -> int:
    import time

    from companion import demo
    from companion.project import open_project
    from companion.report import sync_with_progress
    from companion.site import build_site
    from companion.sync import Options

    scratch = demo.prepare(open_project())
    console.print(f"sample podcast served at {scratch.feed_url}")
    result = sync_with_progress(scratch.project, Options(feed=scratch.feed_url), console)
    site = build_site(scratch.project)
    console.print(f"site built into {site}")
    if args.no_serve:
        return EXIT_EPISODE_FAILED if result.exit_code else EXIT_OK
    server = demo.serve(site, args.port)
    console.print(f"[bold green]Open {server.url}/[/]  (Ctrl-C to stop)", markup=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return EXIT_OK


def cmd_feed_tags(args: argparse.Namespace, console: Console) -> int:
    from companion import feed_tags
    from companion.project import open_project

    try:
        tags = feed_tags.render(open_project())
    except feed_tags.FeedTagsError as exc:
        print_error(console, exc)
        return EXIT_USAGE
    if not tags:
        console.print("no transcribed episodes yet: run `companion sync` first")
    sys.stdout.write(tags)
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace, console: Console) -> int:
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


def cmd_deploy(args: argparse.Namespace, console: Console) -> int:
    from companion.deploy import DeployError, deploy
    from companion.project import open_project

    try:
        line, code = deploy(open_project(), dry_run=args.dry_run)
    except DeployError as exc:
        print_error(console, exc)
        return EXIT_USAGE
    if args.dry_run:
        print(line)
    elif code:
        console.print(f"[red]deploy failed[/] (exit {code}): {line}", markup=True, highlight=False)
    return code


def parser() -> argparse.ArgumentParser:
    from companion import render     # only stdlib at import: the engine names for --engine

    top = argparse.ArgumentParser(prog="companion", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)

    sync = commands.add_parser("sync", help="fetch the feed and transcribe new episodes")
    sync.add_argument("--feed", help="feed URL or file (default: extra.podcast.feed in mkdocs.yml)")
    sync.add_argument("--limit", type=int, help="only the N newest episodes")
    sync.add_argument("--model", help="faster-whisper model name or local model folder "
                                      "(default: tiny.en, offline)")
    sync.add_argument("--retranscribe", action="store_true",
                      help="transcribe again even when a transcript exists (corrections are kept)")
    sync.add_argument("--device", choices=("cpu", "cuda", "auto"), default="cpu",
                      help="where the model runs (cuda needs CUDA 12 and cuDNN)")
    sync.add_argument("--sequential", action="store_true",
                      help="sequential instead of batched decoding (for comparison)")
    sync.set_defaults(run=cmd_sync)

    one = commands.add_parser("transcribe", help="print a transcript of one audio file")
    one.add_argument("audio")
    one.add_argument("--model")
    one.add_argument("--format", choices=("txt", "vtt", "srt", "json"), default="txt")
    one.add_argument("--sequential", action="store_true")
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
    demo.add_argument("--port", type=int, default=8000, help="port for the site")
    demo.add_argument("--no-serve", action="store_true", help="stop after the build")
    demo.set_defaults(run=cmd_demo)

    tags = commands.add_parser("feed-tags", help="print Podcasting 2.0 transcript and chapters "
                                                 "tags to paste into the feed")
    tags.set_defaults(run=cmd_feed_tags)

    doctor = commands.add_parser("doctor", help="check Python, ffmpeg, models, disk, feed, site tools")
    doctor.add_argument("--model", help="also check this model name or folder")
    doctor.set_defaults(run=cmd_doctor)

    deploy = commands.add_parser("deploy", help="strict build and push to the gh-pages branch")
    deploy.add_argument("--dry-run", action="store_true", help="print the command, run nothing")
    deploy.set_defaults(run=cmd_deploy)
    return top


def main(argv: list[str] | None = None) -> int:
    from companion.audio import AudioError
    from companion.project import ProjectError
    from companion.site import SiteError
    from companion.sync import SyncError
    from companion.transcribe import ModelError

    args = parser().parse_args(argv)
    console = Console(stderr=True)
    try:
        return args.run(args, console)
    except (ProjectError, SyncError, SiteError) as exc:
        print_error(console, exc)
        return EXIT_USAGE
    except (AudioError, ModelError) as exc:
        print_error(console, exc)
        return EXIT_EPISODE_FAILED
    except KeyboardInterrupt:
        console.print("interrupted: nothing half-written; run again to finish")
        return 130


if __name__ == "__main__":
    sys.exit(main())
