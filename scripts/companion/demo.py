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

from dataclasses import dataclass
from pathlib import Path

from companion.project import CACHE_DIR, Project, copy_site_sources, open_project, write_settings
from companion.site.static_server import StaticServer

SAMPLE_DIR = Path(__file__).parent / "sample"
SAMPLE_PORT = 8765        # fixed, so enclosure URLs in the demo's episodes stay valid across runs
SITE_PORT = 8000          # the site's port unless --port; a free one when it is taken
DEMO_DIR = "demo"         # under the project's .cache/
SITE_FOLDER = "site"      # the demo project's built site


@dataclass
class Demo:
    project: Project
    sample: StaticServer

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


def prepare(source: Project, site_url: str) -> Demo:
    """A scratch project under .cache/demo (fresh copy of the site sources, kept episodes), its
    mkdocs.yml naming the served sample feed and `site_url`."""
    root = copy_site_sources(source.root, demo_root(source))
    sample = serve(SAMPLE_DIR, SAMPLE_PORT)
    demo = Demo(project=open_project(root), sample=sample)
    write_settings(root, site_url=site_url, feed=demo.feed_url)
    demo.project = open_project(root)
    return demo
