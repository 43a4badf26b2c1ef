"""`companion feed-tags`: the Podcasting 2.0 tags that point podcast apps at the site's transcripts.

Podcast hosts let the publisher add tags to each `<item>`; apps (Apple Podcasts, Podcast Addict,
...) then show the site's transcripts and chapters. The URLs are the stable site paths that the
`companion-episodes` plugin publishes: `<site_url>/episodes/<slug>/<file>`.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from companion.catalogue import Catalogue
from companion.episode import CHAPTERS_FILE, Episode
from companion.errors import PipelineError
from companion.pipeline.chapters import CHAPTERS_TYPE
from companion.project import Project, load_config, site_url_problem

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


def episode_tags(base: str, catalogue: Catalogue, episode: Episode) -> list[str]:
    """The tags of one episode: a comment naming it, its transcripts (absolute URLs under
    `base`, the site's address with a trailing slash), its chapters if they were checked
    against the episode's length."""
    href = f"{base}{episode.url}"
    lines = [f"<!-- {_comment(episode.label)} | guid: {_comment(episode.guid)} -->"]
    for found in catalogue.downloads(episode):
        if found.in_feed:
            extra = f" rel={quoteattr(found.rel)}" if found.rel else ""
            lines.append(f"<podcast:transcript url={quoteattr(href + found.name)} "
                         f"type={quoteattr(found.mime)}{extra} />")
    if (catalogue.folder_of(episode) / CHAPTERS_FILE).is_file() and episode.get("chapters_checked"):
        # only a file checked against the episode's length (chapters.check_file) is republished
        lines.append(f"<podcast:chapters url={quoteattr(href + CHAPTERS_FILE)} "
                     f"type={quoteattr(CHAPTERS_TYPE)} />")
    return lines


def render(project: Project) -> str:
    """Tags for every transcribed episode, newest first, one blank line between episodes.
    Raises FeedTagsError without a public site_url; OSError or CatalogueError for an
    episode.json that cannot be read."""
    base = site_url(project)
    catalogue = Catalogue.load(project.episodes_dir)
    blocks = ["\n".join(episode_tags(base, catalogue, episode))
              for episode in catalogue if episode.has_transcript]
    return "\n\n".join(blocks) + "\n" if blocks else ""
