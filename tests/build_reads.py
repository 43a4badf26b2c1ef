"""Run one site build and count the files it opens under `episodes/`, with no patching.

    python tests/build_reads.py PROJECT OUT_DIR [--staged] [--config mkdocs.yml]

`mkdocs build --strict` (or, with --staged, `companion build`'s generate step, the one that reads
episodes/) runs in this process under a `sys.addaudithook` hook that sees every `open` Python
makes, whichever code makes it. Prints one JSON object: `seconds` (wall time of the build),
`peak_rss_kib` (this process's peak resident memory) and `opens` ("<slug>/<file>" -> times
opened). Used by tests/test_site_build.py (each episode.json read once per build) and by
bench/site.py (reads, time and memory at 250/500/1,000 episodes). A subprocess, because an
audit hook cannot be removed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--staged", action="store_true", help="companion build's generate step")
    parser.add_argument("--config", default="mkdocs.yml")
    args = parser.parse_args()
    project = args.project.resolve()
    episodes = str(project / "episodes") + os.sep
    opens: Counter[str] = Counter()

    def hook(event: str, hook_args: tuple) -> None:
        if event == "open" and isinstance(hook_args[0], (str, os.PathLike)):
            path = os.fspath(hook_args[0])
            if path.startswith(episodes):
                opens[path[len(episodes):]] += 1

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.chdir(project)
    if args.staged:
        from companion.site.generate import generate
        sys.addaudithook(hook)
        started = time.perf_counter()
        stage = generate(project, args.out)
        if stage.warnings:
            raise SystemExit("generate warned:\n" + "\n".join(stage.warnings))
    else:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        config = load_config(str(project / args.config), site_dir=str(args.out), strict=True)
        sys.addaudithook(hook)
        started = time.perf_counter()
        build(config)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "opens": dict(opens),
                      "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main()
