"""`companion demo`: the whole product on the embedded sample podcast, with no network.

The sample (real public-domain speech, `sample/`) is served on 127.0.0.1 like a podcast host;
`sync` runs against it into a scratch copy of the project (so the real `episodes/` stays the
podcast's own), the site is built from that copy and served.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from companion.project import CACHE_DIR, Project, copy_site_sources, open_project
from companion.site.static_server import StaticServer

SAMPLE_DIR = Path(__file__).parent / "sample"
SAMPLE_PORT = 8765        # fixed, so enclosure URLs in the demo's episodes stay valid across runs
SITE_PORT = 8000
DEMO_DIR = "demo"         # under the project's .cache/


@dataclass
class Demo:
    project: Project
    sample: StaticServer

    @property
    def feed_url(self) -> str:
        return f"{self.sample.url}/feed.xml"


def serve(root: Path, port: int) -> StaticServer:
    """Serve `root` on 127.0.0.1:`port`, or on any free port when that one is taken."""
    try:
        return StaticServer(root, port=port).start()
    except OSError:
        return StaticServer(root, port=0).start()


def prepare(source: Project) -> Demo:
    """A scratch project under .cache/demo (fresh copy of the site sources, kept episodes)."""
    root = copy_site_sources(source.root, source.root / CACHE_DIR / DEMO_DIR)
    return Demo(project=open_project(root), sample=serve(SAMPLE_DIR, SAMPLE_PORT))
