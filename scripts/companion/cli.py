"""`companion`: a thin command line over the library (sync, transcribe, build, serve, demo).

Exit codes: 0 all done, 1 some episode failed, 2 a usage, project or feed-level error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from rich.console import Console

EXIT_OK, EXIT_EPISODE_FAILED, EXIT_USAGE = 0, 1, 2


def cmd_sync(args: argparse.Namespace, console: Console) -> int:
    from companion import report
    from companion.project import open_project
    from companion.sync import Options, sync

    project = open_project()
    options = Options(feed=args.feed, limit=args.limit, model=args.model,
                      retranscribe=args.retranscribe, batched=not args.sequential)
    with report.RichReporter(console) as reporter:
        result = sync(project, options, reporter)
    console.print(report.summary(result))
    return EXIT_EPISODE_FAILED if result.exit_code else EXIT_OK


def cmd_transcribe(args: argparse.Namespace, console: Console) -> int:
    from companion import audio, transcript_formats as tf
    from companion.transcribe import Settings, transcribe

    decoded = audio.load_audio(Path(args.audio))
    segments = transcribe(decoded.samples, Settings(model=args.model or Settings.model,
                                                    batched=not args.sequential))
    writers: dict[str, Callable] = {"txt": lambda s: "\n".join(
        f"[{tf.short_clock(x['startTime'])}] {x['body']}" for x in s) + "\n",
        "vtt": tf.to_vtt, "srt": tf.to_srt,
        "json": lambda s: __import__("json").dumps(tf.to_json(s), indent=2, ensure_ascii=False)}
    sys.stdout.write(writers[args.format](segments))
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="companion", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)

    sync = commands.add_parser("sync", help="fetch the feed and transcribe new episodes")
    sync.add_argument("--feed", help="feed URL or file (default: extra.podcast.feed in mkdocs.yml)")
    sync.add_argument("--limit", type=int, help="only the N newest episodes")
    sync.add_argument("--model", help="faster-whisper model name or local model folder "
                                      "(default: tiny.en, offline)")
    sync.add_argument("--retranscribe", action="store_true",
                      help="transcribe again even when a transcript exists (corrections are kept)")
    sync.add_argument("--sequential", action="store_true",
                      help="sequential instead of batched decoding (for comparison)")
    sync.set_defaults(run=cmd_sync)

    one = commands.add_parser("transcribe", help="print a transcript of one audio file")
    one.add_argument("audio")
    one.add_argument("--model")
    one.add_argument("--format", choices=("txt", "vtt", "srt", "json"), default="txt")
    one.add_argument("--sequential", action="store_true")
    one.set_defaults(run=cmd_transcribe)
    return top


def main(argv: list[str] | None = None) -> int:
    from companion.audio import AudioError
    from companion.project import ProjectError
    from companion.sync import SyncError
    from companion.transcribe import ModelError

    args = parser().parse_args(argv)
    console = Console(stderr=True)
    try:
        return args.run(args, console)
    except (ProjectError, SyncError) as exc:
        console.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
        return EXIT_USAGE
    except (AudioError, ModelError) as exc:
        console.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
        return EXIT_EPISODE_FAILED
    except KeyboardInterrupt:
        console.print("interrupted: nothing half-written; run again to finish")
        return 130


if __name__ == "__main__":
    sys.exit(main())
