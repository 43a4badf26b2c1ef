"""`companion feed-tags`: the Podcasting 2.0 tags that point podcast apps at the site's transcripts.

Podcast hosts let the publisher add tags to each `<item>`; apps (Apple Podcasts, Podcast Addict,
...) then show the site's transcripts and chapters. The URLs are the stable site paths that the
`companion-episodes` plugin publishes: `<site_url>/episodes/<slug>/<file>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from companion.errors import PipelineError
from companion.pipeline import store
from companion.pipeline.chapters import CHAPTERS_TYPE
from companion.project import Project, load_config, site_url_problem

SITE_PATH = "episodes"
# (file in episodes/<slug>/, MIME type the spec names, rel); VTT first: what Apple ingests.
TRANSCRIPT_FILES = (
    ("transcript.vtt", "text/vtt", "captions"),
    ("transcript.srt", "application/x-subrip", None),
    ("transcript.json", "application/json", None),
    ("transcript.html", "text/html", None),
)


class FeedTagsError(PipelineError):
    """The tags cannot be made (no site_url); the message says what to set."""


def site_url(project: Project) -> str:
    """mkdocs.yml `site_url` with one trailing slash; tags need absolute URLs."""
    url = str(load_config(project.root).get("site_url") or "").strip()
    problem = site_url_problem(url) if url else "empty"
    if problem:
        raise FeedTagsError(
            f"site_url in mkdocs.yml is {problem}. Set it to the address the site is published at "
            "(e.g. https://USER.github.io/REPO/): podcast apps need absolute public URLs.")
    return url.rstrip("/") + "/"


def _comment(text: str) -> str:
    """`text` safe inside an XML comment (no `--`, one line)."""
    return " ".join(text.split()).replace("--", "- -")


def episode_tags(base: str, record: dict[str, Any], folder: Path) -> list[str]:
    """The tags of one episode: a comment naming it, its transcripts, its chapters if they were
    checked against the episode's length."""
    href = f"{base}{SITE_PATH}/{record['slug']}/"
    lines = [f"<!-- {_comment(record.get('title') or record['slug'])} | "
             f"guid: {_comment(str(record['guid']))} -->"]
    for name, kind, rel in TRANSCRIPT_FILES:
        if (folder / name).is_file():
            extra = f" rel={quoteattr(rel)}" if rel else ""
            lines.append(f"<podcast:transcript url={quoteattr(href + name)} "
                         f"type={quoteattr(kind)}{extra} />")
    if (folder / store.CHAPTERS_FILE).is_file() and record.get("chapters_checked"):
        # only a file checked against the episode's length (chapters.check_file) is republished
        lines.append(f"<podcast:chapters url={quoteattr(href + store.CHAPTERS_FILE)} "
                     f"type={quoteattr(CHAPTERS_TYPE)} />")
    return lines


def render(project: Project) -> str:
    """Tags for every transcribed episode, newest first, one blank line between episodes."""
    base = site_url(project)
    blocks = ["\n".join(episode_tags(base, record, project.episodes_dir / record["slug"]))
              for record in store.load_episodes(project.episodes_dir)
              if record.get("status") in store.HAS_TRANSCRIPT]
    return "\n\n".join(blocks) + "\n" if blocks else ""
