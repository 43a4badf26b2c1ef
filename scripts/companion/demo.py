"""`companion demo`: the whole product on the embedded sample podcast, with no network.

The sample (real public-domain speech, `sample/`) is served on 127.0.0.1 like a podcast host;
`sync` runs against it into a scratch project under `.cache/demo/` (so the real `episodes/` stays
the podcast's own), the site is built from that copy and served.

The scratch project is a project like any other: its `mkdocs.yml` names the sample's feed and
the address the demo serves the site at as `site_url`, so the build offers everything a published
site does (the Common Cartridge, absolute links in the citation files), and `companion sync`,
`build` or `doctor` run there while the demo serves the sample.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from companion.pipeline import store
from companion.project import CACHE_DIR, Project, copy_site_sources, open_project, write_settings
from companion.site.static_server import StaticServer

SAMPLE_DIR = Path(__file__).parent / "sample"
SAMPLE_PORT = 8765        # fixed, so enclosure URLs in the demo's episodes stay valid across runs
SITE_PORT = 8000          # the site's port unless --port; a free one when it is taken
DEMO_DIR = "demo"         # under the project's .cache/
SITE_FOLDER = "site"      # the demo project's built site
EDITED_FOLDER = "edited"  # where edits made to the demo's own copies are set aside, one folder a run
# The copies `prepare` replaces on every run that a person may edit there (mkdocs.yml is rewritten
# with the demo's settings, so it always differs and is not compared).
EDITABLE = ("docs", "overrides", "data")
COPIED_FILE = "copied.json"   # under the demo project: relative path -> digest of each EDITABLE file as copied


@dataclass
class Demo:
    project: Project
    sample: StaticServer
    set_aside: list[Path] = field(default_factory=list)    # edited files kept, relative to `set_aside_in`
    set_aside_in: Path | None = None                        # where this run kept them

    @property
    def feed_url(self) -> str:
        """The sample podcast's feed URL on its local server."""
        return f"{self.sample.url}/feed.xml"


def serve(root: Path, port: int) -> StaticServer:
    """Serve `root` on 127.0.0.1:`port`, or on any free port when that one is taken."""
    try:
        return StaticServer(root, port=port).start()
    except OSError:
        return StaticServer(root, port=0).start()


def demo_root(source: Project) -> Path:
    """Where the demo project lives: `.cache/demo/` of the project it was started from."""
    return source.root / CACHE_DIR / DEMO_DIR


def is_demo(root: Path) -> bool:
    """Whether the project at `root` is a demo's scratch project (`<project>/.cache/demo/`), whose
    `site_url` is the local address the demo serves it at, on purpose."""
    return root.name == DEMO_DIR and root.parent.name == CACHE_DIR


def _editable_files(root: Path) -> list[Path]:
    """The files of `root`'s EDITABLE folders, relative to `root`."""
    return [path.relative_to(root) for part in EDITABLE if (root / part).is_dir()
            for path in sorted((root / part).rglob("*")) if path.is_file()]


def set_aside_edits(source: Path, scratch: Path, into: Path) -> list[Path]:
    """Copy every file of the scratch project's EDITABLE folders that was edited there into
    `into`, keeping its path; return those paths (relative). Edited: its digest differs from the
    one recorded when the demo copied it (COPIED_FILE), or it was not copied; with no record
    (a demo from before it was kept), when it differs from the project's own. A pin tried in the
    demo's `data/listening.yml` would otherwise be lost without a word when the next run copies
    the project's files afresh; a file the project changed since is no edit."""
    copied = store.read_cache(scratch / COPIED_FILE) if (scratch / COPIED_FILE).is_file() else None
    kept = []
    for relative in _editable_files(scratch):
        if copied is not None:
            edited = copied.get(str(relative)) != store.digest(scratch / relative)
        else:
            edited = (not (source / relative).is_file()
                      or (source / relative).read_bytes() != (scratch / relative).read_bytes())
        if edited:
            (into / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(scratch / relative, into / relative)
            kept.append(relative)
    return kept


def prepare(source: Project, site_url: str) -> Demo:
    """A scratch project under .cache/demo (fresh copy of the site sources, kept episodes), its
    mkdocs.yml naming the served sample feed and `site_url`. Edits made to the scratch copies
    since the last run are set aside first (`set_aside_edits`, `Demo.set_aside`)."""
    into = demo_root(source) / EDITED_FOLDER / time.strftime("%Y%m%d-%H%M%S")
    kept = set_aside_edits(source.root, demo_root(source), into)
    root = copy_site_sources(source.root, demo_root(source))
    store.write_json_atomic(root / COPIED_FILE, {str(relative): store.digest(root / relative)
                                                 for relative in _editable_files(root)})
    sample = serve(SAMPLE_DIR, SAMPLE_PORT)
    demo = Demo(project=open_project(root), sample=sample, set_aside=kept, set_aside_in=into if kept else None)
    write_settings(root, site_url=site_url, feed=demo.feed_url)
    demo.project = open_project(root)
    return demo
