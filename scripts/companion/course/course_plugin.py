"""MkDocs plugin `companion-course`: module pages, citations, and the lecturer downloads.

Modelled on mkdocs-gen-files: typed options, one method per build event, `PluginError` for
what a writer must fix and `log.warning` for what `mkdocs build --strict` should refuse.

- `on_config`: load the bibliography, the syllabus and the episodes.
- `on_files`: read every module's front matter (so macros such as `cite("m3")` can use any
  module from any page) and check it; add the downloads as generated files: `cite/` (RIS,
  BibTeX, CSL-JSON, and catalogue.json for the bundle page) and, only with site_url,
  `downloads/course.imscc` (web links and each module's self-check as QTI).
- `on_page_markdown`: give module pages the `module.html` template; check that every in-text
  citation resolves to a listed reference and every listed reference is cited; attach the
  "Cite this" record to module and episode pages.
- `on_page_content`: mark where the template puts the module header and references; on episode
  pages, add "In the course" and link the glossary terms the transcript uses.
- `on_page_context`: fill the whole-course print page from the rendered modules.

The course and the podcast are woven at `on_files` (companion.course.weave): each module gets the
stretches of the transcripts that discuss it ("Hear it discussed", put in by module.html), each
glossary term where it comes up, with the maintainer's pins and hides from data/listening.yml.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
import sys
from html import escape as html_escape
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from companion.course import (apa, bibliography, bundles, cartridge, citemeta, course_time, exports,
                              listening, qti, selfcheck, topics, weave, weave_html)
from companion import catalogue as episodes_catalogue
from companion import hand_edited
from companion import project
from companion.catalogue import Catalogue, CatalogueError, StretchError, check_stretch
from companion.course.bibliography import Entry
from companion.episode import TRANSCRIPT_FILE, Episode, Segment, Status

log = logging.getLogger("mkdocs.plugins.companion.course")

MODULE_FIELDS = ("title", "module", "summary", "questions", "objectives", "reading_minutes",
                 "listening_minutes", "keypoints", "tags", "references")
LIST_FIELDS = ("questions", "objectives", "keypoints", "tags", "references")
RANGE_FIELDS = ("reading_minutes", "listening_minutes")
HEADER_MARK = "<!--companion:module-header-->"
FOOTER_MARK = "<!--companion:module-footer-->"
LEADING_H1 = re.compile(r"^\s*<h1[^>]*>.*?</h1>", re.S)
ELEMENT_ID = re.compile(r'(\sid="|\shref="#)([^"]+)"')
MACROS_TEMPLATE = "partials/cite-module.html"
REFERENCES_TITLE, REFERENCES_ID, REFERENCES_LEVEL = "References", "references", 2  # as cite-module.html
CATALOGUE = "catalogue.json"
BIBLIOGRAPHY_STEM = "bibliography"
EXPORT_LABELS = {"ris": "RIS", "bib": "BibTeX", "json": "CSL-JSON"}
# Which file each reference manager reads best, from their import code (see exports.py): Zotero's
# CSL-JSON import keeps every type the course cites (preprint, podcast, statute, case); its RIS and
# BibTeX imports have no preprint or podcast type. EndNote imports RIS, not BibTeX. Mendeley
# imports RIS and BibTeX (its importer is not public, so its type choices are untested here).
DOWNLOADS_ADVICE = ("Zotero: import the CSL-JSON file, which keeps every kind of reference (a "
                    "preprint, a podcast episode, a law, a court case) as that kind. EndNote: import "
                    "the RIS file. Mendeley: import the RIS file (or BibTeX). LaTeX: use the BibTeX file.")
# One line, on stderr and not through MkDocs' logger: a strict local build (the demo, the tests)
# must still pass without site_url; `companion deploy` is what refuses.
NO_SITE_URL = ("WARNING -  companion-course: site_url is not set in mkdocs.yml: the Common "
               "Cartridge for Moodle/Canvas is not built, citation downloads carry relative links, "
               "and `companion deploy` refuses. Set site_url to the published address.")
NO_CARTRIDGE_NOTE = (
    "The Common Cartridge for Moodle and Canvas is not offered on this copy of the site: it was "
    "built without its web address (`site_url`), and an LMS turns relative links into broken "
    "ones. It appears here once the site is published at its address.")
# Said where the cartridge is offered, not only in the lecturers' guide: Canvas reports nothing
# when it skips a cartridge's quizzes (a self-hosted Canvas without Instructure's QTI migration
# tool imports the links alone), and both LMSs import the self-checks as essays, marked by hand.
CARTRIDGE_IMPORT_NOTE = (
    "Self-checks import as quizzes of essay questions (open questions, marked by hand, with the "
    "model answer as feedback). A self-hosted Canvas without Instructure's QTI migration tool "
    "skips the quizzes without a warning and imports only the links.")
EXPORT_KINDS = tuple(exports.WRITERS)
PUBLIC_FIELDS = ("kind", "id", "title", "url", "relative_url", "apa_html", "apa_text", "intext",
                 "exports", "number", "summary", "reading", "listening", "references", "slug",
                 "former_slugs", "duration", "site_path", "apa_rank", "transcript", "review",
                 "year_group", "year_label", "year_bare")


class CourseConfig(Config):
    bibliography_dir = c.Type(str, default="data/bibliography")
    syllabus_file = c.Type(str, default="data/syllabus.yml")
    episodes_dir = c.Optional(c.Type(str))   # kept for old mkdocs.yml files: set it under companion-episodes
    module_pattern = c.Type(str, default=r"^course/\d\d-[^/]+\.md$")
    module_template = c.Type(str, default="module.html")
    print_page = c.Type(str, default="course/print.md")
    glossary_page = c.Type(str, default="glossary.md")
    course_title = c.Type(str, default="What AI can and cannot do in mental health")
    course_author = c.Type(str, default="Fall From Grace Companion")
    course_date = c.Type(str, default="")       # ISO date of the course edition; else n.d.
    cite_dir = c.Type(str, default="cite")
    cartridge_file = c.Type(str, default="downloads/course.imscc")
    listening_file = c.Type(str, default="data/listening.yml")
    heard_per_module = c.Type(int, default=6)          # "Hear it discussed": stretches shown
    heard_per_episode = c.Type(int, default=2)         # ... at most this many from one episode
    heard_per_term = c.Type(int, default=5)            # glossary "Comes up in": episodes shown


@dataclass
class Module:
    """One course module: its front matter and how it is cited."""

    src_uri: str
    url: str
    meta: dict[str, Any]
    entry: Entry
    references: list[Entry] = field(default_factory=list)
    selfcheck: list[selfcheck.Question] = field(default_factory=list)
    body: str = ""                   # the Markdown after the front matter
    listens: list[str] = field(default_factory=list)    # episode keys its listen() boxes name

    @property
    def number(self) -> int:
        return int(self.meta["module"])

    @property
    def ident(self) -> str:
        return f"m{self.number}"


def check_front_matter(src_uri: str, meta: dict[str, Any]) -> None:
    """Raise for a module whose front matter the template cannot render."""
    missing = [name for name in MODULE_FIELDS if meta.get(name) in (None, "", [])]
    if missing:
        raise PluginError(f"companion-course: docs/{src_uri} front matter lacks {', '.join(missing)}.")
    if not isinstance(meta["module"], int):
        raise PluginError(f"companion-course: docs/{src_uri}: module must be a number.")
    for name in LIST_FIELDS:
        if not isinstance(meta[name], list):
            raise PluginError(f"companion-course: docs/{src_uri}: {name} must be a list.")
    for name in RANGE_FIELDS:
        value = meta[name]
        if not (isinstance(value, list) and len(value) == 2
                and all(isinstance(v, (int, float)) for v in value) and value[0] <= value[1]):
            raise PluginError(f"companion-course: docs/{src_uri}: {name} must be [low, high] minutes.")


def prefix_ids(html: str, prefix: str) -> str:
    """Make a module's ids (and links to them) unique when several modules share one page."""
    return ELEMENT_ID.sub(lambda m: f'{m.group(1)}{prefix}-{m.group(2)}"', html)


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A cite record without what only the page head needs (metadata tags, raw CSL)."""
    return {k: v for k, v in record.items() if k in PUBLIC_FIELDS}


class CoursePlugin(BasePlugin[CourseConfig]):
    """Renders course modules with their citations and writes the lecturer downloads."""

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.site_url = ""
        self.directory_urls = True
        self.renderer = selfcheck.Renderer()
        self.library: dict[str, Entry] = {}
        self.weeks: list[bundles.Week] = []
        self.podcast = project.PodcastSettings()
        self.episode_catalogue = Catalogue(Path("."))     # the site plugin's, set at on_config
        self.episodes: dict[str, Episode] = {}             # slug -> episode
        self.modules: dict[str, Module] = {}               # src_uri -> module
        self.cites: dict[str, dict[str, Any]] = {}         # "m1" / "e-slug" -> cite record
        self.episode_cites: dict[str, dict[str, Any]] = {} # episode slug -> its record in cites
        self.rendered: dict[str, str] = {}                 # module src_uri -> page HTML
        self.glossary: dict[str, Any] | None = None
        self.env: jinja2.Environment | None = None
        self.listening = listening.Listening()
        self.terms: list[topics.Term] = []                 # glossary terms, page order
        self.segments: dict[str, tuple[Segment, ...]] = {}   # slug -> transcript segments
        self.heard: dict[str, list[weave.Stretch]] = {}    # module ident or term anchor -> stretches
        self.marks: dict[str, list[weave.Mark]] = {}       # slug -> glossary terms to mark
        self.episode_refs: dict[str, weave_html.EpisodeRef] = {}
        self.glossary_url = ""                             # glossary page URL, "" without one
        self.notices: list[str] = []                       # said to the maintainer, never a strict failure

    # -- configuration -------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.site_url = (config.site_url or "").rstrip("/")
        self.site_url = f"{self.site_url}/" if self.site_url else ""
        self.directory_urls = bool(config.use_directory_urls)
        self.renderer = selfcheck.Renderer.from_site(config.markdown_extensions, config.mdx_configs)
        try:
            self.library = bibliography.load(self.root / self.config.bibliography_dir)
            self.weeks = bundles.load_syllabus(self.root / self.config.syllabus_file,
                                               self.config.syllabus_file)
            self.podcast = project.podcast_settings({"extra": dict(config.extra or {})})
            self.episode_catalogue = episodes_catalogue.for_build(config)
            self.listening = listening.load(self.root / self.config.listening_file,
                                            self.config.listening_file)
        except (bibliography.BibliographyError, bundles.BundleError, project.ProjectError,
                listening.ListeningError, CatalogueError, OSError) as exc:
            raise PluginError(f"companion-course: {exc}") from exc
        self.episodes = {e.slug: e for e in self.episode_catalogue if e.slug}
        if not self.site_url:
            print(NO_SITE_URL, file=sys.stderr, flush=True)
        return config

    def absolute(self, url: str) -> str:
        return f"{self.site_url}{url}"

    # -- files ---------------------------------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        pattern = re.compile(self.config.module_pattern)
        self.modules.clear()
        self.cites.clear()
        self.episode_cites.clear()
        self.rendered.clear()
        for file in files.documentation_pages():
            if pattern.match(file.src_uri):
                self.add_module(file)
        numbers = [m.number for m in self.modules.values()]
        if len(numbers) != len(set(numbers)):
            raise PluginError(f"companion-course: two modules share a number: {sorted(numbers)}.")
        # Oldest first, as cite_ids gives them: catalogue.json lists episodes sharing a number (or
        # having none) in this order, and the bundle page's episode picker shows that list.
        for slug in self.episode_catalogue.cite_ids():
            if slug in self.episodes:
                self.add_episode(slug, self.episodes[slug])
        self.list_listened_episodes()
        self.flag_unretrievable()
        self.letter_works()
        glossary = files.get_file_from_path(self.config.glossary_page)
        self.glossary = self.glossary_record(glossary) if glossary else None
        self.glossary_url = glossary.url if glossary else ""
        self.weave_course(glossary.content_string if glossary else "")
        self.check_syllabus()
        self.add_downloads(files, config)
        return files

    def add_module(self, file: File) -> None:
        body, meta = get_data(file.content_string)
        written = [name for name in RANGE_FIELDS if name in meta]
        if written:
            raise PluginError(f"companion-course: docs/{file.src_uri} sets {', '.join(written)} in its "
                              "front matter; remove it: the times are worked out from the module's "
                              "text and Listen stretches, so every page shows the same figure.")
        meta["reading_minutes"] = course_time.reading_minutes(course_time.words(file.content_string))
        stretches = course_time.stretches(file.content_string)
        meta["listening_minutes"] = course_time.listening_minutes(stretches, self.episode_catalogue)
        check_front_matter(file.src_uri, meta)
        unknown = [k for k in meta["references"] if k not in self.library]
        if unknown:
            raise PluginError(f"companion-course: docs/{file.src_uri} lists references missing "
                              f"from {self.config.bibliography_dir}: {', '.join(unknown)}.")
        date = str(meta.get("updated") or meta.get("date") or self.config.course_date or "")
        entry = citemeta.module_entry(meta, self.absolute(file.url), self.config.course_author,
                                      self.config.course_title, date)
        refs = [self.library[k] for k in meta["references"]]     # put in APA order by letter_works
        try:
            questions = selfcheck.questions(file.content_string, self.renderer)
        except selfcheck.SelfCheckError as exc:
            raise PluginError(f"companion-course: docs/{file.src_uri}: {exc}") from exc
        module = Module(file.src_uri, file.url, meta, entry, refs, questions, body,
                        listens=[key for key, _, _ in stretches])
        self.modules[file.src_uri] = module
        self.cites[module.ident] = self.cite_record("module", module.ident, f"module-{module.number}", entry)
        self.cites[module.ident].update(
            number=module.number, summary=str(meta["summary"]),
            reading=meta["reading_minutes"], listening=meta["listening_minutes"],
            reference_downloads=self.reference_downloads(module))
        meta["companion_cite"] = self.cites[module.ident]     # the print page renders from it

    def reference_downloads(self, module: Module) -> str:
        """Links (relative to the module page) to its reference list and the whole bibliography
        in each export format; the module footer shows them under References."""
        def links(stem: str) -> str:
            return " · ".join(
                f'<a href="{get_relative_url(f"{self.config.cite_dir}/{stem}.{kind}", module.url)}" '
                f'download>{label}</a>' for kind, label in EXPORT_LABELS.items())
        return (f"Download these references: {links(f'module-{module.number}-references')}. "
                f"The whole course bibliography: {links(BIBLIOGRAPHY_STEM)}. {DOWNLOADS_ADVICE}")

    def list_listened_episodes(self) -> None:
        """Add to each module's references the published episodes its Listen boxes cite: a Listen
        box gives the stretch's in-text citation, and APA 7 (section 8.1) wants every work cited in
        the text in the reference list, so the module page, its downloads and the cartridge list it."""
        for module in self.modules.values():
            for key in module.listens:
                episode = self.episode_catalogue.find(key)
                record = self.episode_cites.get(episode.slug) if episode else None
                if record is not None and all(r is not record["entry"] for r in module.references):
                    module.references.append(record["entry"])

    def letter_works(self) -> None:
        """Letter every work the site cites (sources, modules, episodes) that shares its authors
        and year with another (APA 7 section 9.47: 2026a, 2026b), all at once so that a label
        means one work on every page; then render every reference, in-text form and reference
        list with those letters. A `year_suffix` written in the bibliography that APA order
        contradicts is a warning: the module text may cite the old letter."""
        modules = sorted(self.modules.values(), key=lambda m: m.number)
        works = [*self.library.values(), *(m.entry for m in modules),
                 *(r["entry"] for r in self.episode_cites.values())]
        suffixes = apa.assign_suffixes(works)
        for work in works:
            written, wanted = bibliography.year_suffix(work), suffixes[str(work["id"])]
            if written and written != wanted and work is self.library.get(str(work["id"])):
                log.warning("companion-course: reference %s has year_suffix '%s' but APA order "
                            "gives it '%s' (%s): remove year_suffix; the letters are worked out.",
                            work["id"], written, wanted, apa.intext({**work, "year_suffix": wanted}))
            work.pop("year-suffix", None)
            work["year_suffix"] = wanted
        # A bundle lists modules and episodes together: each record carries its place in APA order.
        rank = {id(work): place for place, work in enumerate(sorted(works, key=apa.sort_key))}
        for record in self.cites.values():
            record["apa_rank"] = rank[id(record["entry"])]
        for module in modules:
            module.references.sort(key=apa.sort_key)
            record = self.cites[module.ident]
            record.update(self.rendered_fields(module.entry),
                          jsonld=citemeta.module_json_ld(module.entry, module.meta, module.references),
                          references=[{"key": r["id"], "html": apa.reference(r),
                                       "relative_url": self.relative_url(r)}
                                      for r in module.references])
        for slug, record in self.episode_cites.items():
            record.update(self.rendered_fields(record["entry"]),
                          jsonld=citemeta.episode_json_ld(record["entry"], self.episodes[slug]))

    def flag_unretrievable(self) -> None:
        """Say in the build log which references a reader cannot retrieve (no DOI, no URL)."""
        for key, entry in sorted(self.library.items()):
            if not (entry.get("DOI") or entry.get("URL")):
                log.info("companion-course: reference %s (%s) has no DOI or URL: readers cannot "
                         "retrieve it from the reference list.", key, apa.intext(entry))
            elif entry.get("URL") and not entry.get("issued") and not entry.get("accessed"):
                log.info("companion-course: reference %s (%s) has no date and no `accessed` date: "
                         "APA's CSL style (Zotero, Mendeley, citeproc) prints 'Retrieved' with no date "
                         "before its URL; add `accessed: YYYY-MM-DD`, the day you read the live page.",
                         key, apa.intext(entry))

    def add_episode(self, slug: str, episode: Episode) -> None:
        """The episode's cite record, under its citation id (`Catalogue.cite_ids`)."""
        entry = citemeta.episode_entry(episode, self.absolute(episode.url), self.podcast.title,
                                       self.podcast.host)
        ident = self.episode_catalogue.cite_ids()[slug]
        key = episode.number_key
        if key is not None and key.isdigit() and ident != f"e{key}":   # a feed's slip: a repeated number
            holder = self.episode_catalogue.find(key)
            log.info("companion-course: episodes %s and %s both have number %s; bundles name "
                     "the later one by its slug", holder.slug if holder else "?", slug, episode.number)
        record = self.cite_record("episode", ident, f"episode-{slug}", entry)
        record.update(slug=slug, number=episode.number,
                      former_slugs=list(self.episode_catalogue.moved_from(episode)),
                      duration=episode.duration, site_path=episode.url,
                      listenable=episode.status != Status.NO_AUDIO)
        # The bundle page prints each stretch's transcript from the file the episode page offers
        # (a printout cannot play audio); `review` says it is still being checked.
        if any(f.name == TRANSCRIPT_FILE for f in self.episode_catalogue.downloads(episode)):
            record.update(transcript=f"{episode.url}{TRANSCRIPT_FILE}",
                          review=episode.status == Status.NEEDS_REVIEW)
        self.cites[ident] = record
        self.episode_cites[slug] = record

    def record_for(self, item: bundles.Item) -> dict[str, Any] | None:
        """The cite record a bundle item names, or None: a module by number; an episode as
        `Catalogue.find` reads its ref (number "7", part "12.5", or slug), so "e12.5" names the
        part whose citation id is its slug. The glossary has no record."""
        if item.kind == bundles.MODULE:
            return self.cites.get(f"{bundles.MODULE}{item.ref}")
        if item.kind != bundles.EPISODE:
            return None
        episode = self.episode_catalogue.find(item.ref)
        return self.episode_cites.get(episode.slug) if episode is not None else None

    def cite_record(self, kind: str, ident: str, stem: str, entry: Entry) -> dict[str, Any]:
        """What the cite box, the head metadata, the bundle page and the exports need; the APA
        forms are added by `letter_works`, once every work's year letter is known."""
        cite_dir = self.config.cite_dir
        return {
            "kind": kind, "id": ident, "title": entry["title"], "entry": entry,
            "url": entry["URL"], "relative_url": not self.site_url,
            "exports": {k: f"{cite_dir}/{stem}.{k}" for k in EXPORT_KINDS},
            "highwire": citemeta.highwire(entry),
        }

    def relative_url(self, entry: Entry) -> str:
        """The entry's URL when it is one of this site's pages on a copy built without `site_url`
        (lecturer.js shows it absolute), else ''."""
        url = str(entry.get("URL") or "")
        return url if url and not self.site_url and "://" not in url else ""

    @staticmethod
    def rendered_fields(entry: Entry) -> dict[str, Any]:
        reference = apa.reference(entry)
        # The year as the site letters it, and what the bundle page needs to letter it again
        # over a bundle's own reference list (lecturer.js `yearLabels`).
        return {"apa_html": reference, "apa_text": apa.plain(reference), "intext": apa.intext(entry),
                "year_group": apa.year_group(entry), "year_label": apa.year(entry),
                "year_bare": apa.bare_year(entry)}

    def glossary_record(self, file: File) -> dict[str, Any]:
        _, meta = get_data(file.content_string)
        words = len(re.findall(r"\w+", file.content_string))
        return {"id": bundles.GLOSSARY, "title": str(meta.get("title") or "Glossary"),
                "url": self.absolute(file.url), "reading": course_time.reading_minutes(words)}

    def check_syllabus(self) -> None:
        """Warn (an error under --strict) for a week naming a missing module or episode, or a
        stretch that runs past the end of its episode."""
        numbers = {str(m.number) for m in self.modules.values()}
        for week in self.weeks:
            for item in week.bundle.items:
                if item.kind == bundles.MODULE and item.ref not in numbers:
                    log.warning("companion-course: %s (%s) names module %s, which does not exist.",
                                self.syllabus_at(week, item), week.title, item.ref)
                if item.kind == bundles.EPISODE:
                    self.check_syllabus_episode(week, item)

    def syllabus_at(self, week: bundles.Week, item: bundles.Item) -> str:
        """'data/syllabus.yml:LINE' where `item` of `week` is written."""
        line = week.line_of(item)
        return f"{self.config.syllabus_file}:{line}" if line else self.config.syllabus_file

    def check_syllabus_episode(self, week: bundles.Week, item: bundles.Item) -> None:
        record = self.record_for(item)
        if record is None:
            log.warning("companion-course: %s (%s) names episode %s, which is not in %s/; a week "
                        "may only name published episodes.", self.syllabus_at(week, item),
                        week.title, item.ref, self.episode_catalogue.folder.name)
            return
        if item.start is None:
            return
        try:
            check_stretch(self.episodes[record["slug"]], item.start, item.end)
        except StretchError as exc:
            log.warning("companion-course: %s (%s): %s.", self.syllabus_at(week, item), week.title, exc)

    # -- the podcast woven in ---------------------------------------------------------------
    def weave_course(self, glossary_markdown: str) -> None:
        """Find where the transcripts discuss each module and glossary term; apply the
        maintainer's choices. Warns (strict builds fail) for a choice naming nothing."""
        choices = self.listening
        self.terms = topics.glossary_terms(
            glossary_markdown, {name: c.words for name, c in choices.glossary.items()})
        names = {t.name.lower(): t for t in self.terms}
        modules = sorted(self.modules.values(), key=lambda m: m.number)
        where = self.config.listening_file
        for ident in sorted(set(choices.modules) - {m.ident for m in modules}):
            log.warning("companion-course: %s:%d: names module %s, which does not exist (modules: %s).",
                        where, choices.modules[ident].line, ident[1:],
                        ", ".join(str(m.number) for m in modules))
        for name in sorted(set(choices.glossary) - set(names)):
            meant = hand_edited.closest(name, names)
            log.warning("companion-course: %s:%d: names glossary term '%s', which %s does not define%s.",
                        where, choices.glossary[name].line, name, self.config.glossary_page,
                        f" (did you mean '{names[meant].name}'?)" if meant else "")
        module_topics = topics.module_topics(
            ((m.ident, str(m.meta["title"]), [str(t) for t in m.meta.get("tags") or []], m.body)
             for m in modules), self.terms, {i: c.words for i, c in choices.modules.items()})
        self.segments = {}
        for slug, episode in self.episodes.items():
            if not episode.has_transcript:
                continue
            try:
                transcript = self.episode_catalogue.transcript(episode)
            except (OSError, ValueError) as exc:      # the episodes plugin reports it by name
                log.info("companion-course: episode %s: transcript unreadable (%s)", slug, exc)
                continue
            self.segments[slug] = transcript.segments if transcript is not None else ()
        # A trailer (itunes:episodeType "trailer") previews the show: it names the topics of the
        # episodes to come and discusses none, so no module or term is matched in it.
        matched = {slug: segments for slug, segments in self.segments.items()
                   if self.episodes[slug].episode_type != "trailer"}
        woven = weave.weave(matched, module_topics, topics.glossary_topics(self.terms))
        self.marks = woven.marks
        self.episode_refs = {slug: self.episode_ref(slug) for slug in self.segments}
        self.heard = {}
        module_idents = {m.ident: m for m in modules}
        for ident, found in [*woven.modules.items(), *woven.terms.items()]:
            term = next((t for t in self.terms if t.anchor == ident), None)
            mine = choices.glossary.get(term.name.lower()) if term else choices.modules.get(ident)
            shown, problems = listening.apply(found, mine, self.resolve_stretch)
            self.heard[ident] = shown
            if ident in module_idents:         # the header says so when no listen() box is set
                module_idents[ident].meta["companion_heard_count"] = len(shown)
            for line, problem in problems:
                log.warning("companion-course: %s:%d (%s): %s.", where, line,
                            term.name if term else f"module {ident[1:]}", problem)
        self.notices = self.newest_notices(modules)
        for notice in self.notices:
            log.info("companion-course: %s", notice)

    def newest_notices(self, modules: list[Module]) -> list[str]:
        """The build's word to the maintainer on where the module pages list the newest episode
        with a transcript (`listening.newest_notices`); none before the first transcript."""
        newest = next((e for e in self.episode_catalogue if e.slug in self.episode_refs), None)
        if newest is None:
            return []
        ref = self.episode_refs[newest.slug]
        shown = {m.number: [(bundles.Item(bundles.EPISODE, ref.ident[1:], *weave_html.span(s)),
                             weave_html.quoted_line(s.line))
                            for s in self.heard_shown(m) if s.slug == newest.slug and s.source == "found"]
                 for m in modules}
        return listening.newest_notices(newest.label, shown, self.config.listening_file)

    def episode_ref(self, slug: str) -> weave_html.EpisodeRef:
        record, episode = self.episode_cites[slug], self.episodes[slug]
        title = episode.label
        label = f"Episode {record['number']}: {title}" if record.get("number") is not None else title
        return weave_html.EpisodeRef(slug, record["id"], label, record["entry"],
                                     bool(record.get("listenable")),
                                     episode.status == Status.NEEDS_REVIEW)

    def resolve_stretch(self, item: bundles.Item) -> tuple[str, tuple[Segment, ...]]:
        """(slug, segments) of the episode a data/listening.yml stretch names. Raises ValueError
        (StretchError) for an episode with no transcript on the site or a stretch past its end."""
        record = self.record_for(item)
        if record is None:
            numbered = bundles.NUMBER.match(item.ref) is not None
            meant = None if numbered else hand_edited.closest(item.ref, self.segments)
            if meant:
                hint = f" (did you mean e{meant}?)"
            elif numbered:
                hint = " (not published yet?)"
            else:
                hint = " (an episode removed from the feed, or its folder renamed?)"
            raise ValueError(f"no published episode has that number or slug{hint}")
        if record["slug"] not in self.segments:
            raise ValueError(f"episode {record['slug']} has no transcript on the site yet")
        if item.start is not None:
            check_stretch(self.episodes[record["slug"]], item.start, item.end)
        return record["slug"], self.segments[record["slug"]]

    def heard_shown(self, module: Module) -> list[weave.Stretch]:
        """The stretches the module's "Hear it discussed" section lists, in order."""
        return listening.shortlist(self.heard.get(module.ident, []), self.config.heard_per_module,
                                   self.config.heard_per_episode)

    def heard_html(self, module: Module, page_url: str) -> str:
        """The module's "Hear it discussed" section."""
        return weave_html.module_section(self.heard_shown(module), self.episode_refs, page_url)

    def glossary_markdown(self, markdown: str, page_url: str) -> str:
        """The glossary page with term anchors and where each term comes up."""
        shown = {t.anchor: listening.shortlist(self.heard.get(t.anchor, []), self.config.heard_per_term, 1)
                 for t in self.terms}
        return weave_html.glossary_markdown(markdown, self.terms, shown, self.episode_refs, page_url)

    def episode_body(self, slug: str, body: str, page_url: str) -> tuple[str, bool]:
        """An episode page's body with "In the course" and its glossary terms linked; also
        whether the section was added (for the table of contents)."""
        if slug not in self.segments:
            return body, False
        modules = []
        for module in sorted(self.modules.values(), key=lambda m: m.number):
            here = [s for s in self.heard.get(module.ident, []) if s.slug == slug]
            if here:
                modules.append((module.url, str(module.meta["title"]), here))
        terms = []                     # (term, its stretch in this episode), glossary order
        for term in self.terms:
            here = next((s for s in self.heard.get(term.anchor, []) if s.slug == slug), None)
            if here is not None:
                terms.append((term, here))
        section = weave_html.episode_section(modules, terms, page_url, self.glossary_url)
        if self.glossary_url:
            definitions = {t.anchor: t.definition for t in self.terms}
            body = weave_html.mark_terms(body, self.segments[slug], self.marks.get(slug, []),
                                         definitions, page_url, self.glossary_url)
        return weave_html.add_episode_section(body, section), bool(section)

    # -- pages ---------------------------------------------------------------------------
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        module = self.modules.get(page.file.src_uri)
        if module is not None:
            page.meta["template"] = self.config.module_template
            page.meta["companion_cite"] = self.cites[module.ident]
            for name in (*RANGE_FIELDS, "companion_heard_count"):   # as the header shows them
                page.meta[name] = module.meta.get(name)
            markdown, moved = apa.reletter(markdown, module.references)
            for written, now in moved:      # an episode by the same author and year joined the site
                log.info("companion-course: docs/%s cites (%s) as (%s): APA letters works by one author "
                         "in one year.", module.src_uri, written, now)
            self.check_citations(module, markdown)
            page.meta["companion_heard"] = self.heard_html(module, page.url)
        if page.file.src_uri == self.config.glossary_page:
            markdown = self.glossary_markdown(markdown, page.url)
        slug = page.meta.get("episode_slug")
        if slug and slug in self.episodes:
            page.meta["companion_cite"] = self.episode_cites[slug]
        return markdown

    def check_citations(self, module: Module, markdown: str) -> None:
        listed = {r["id"]: r for r in module.references}
        used, unresolved = apa.resolve(apa.find_citations(markdown), listed)
        for cited in {u.text: u for u in unresolved}.values():
            elsewhere = [k for k, e in self.library.items() if apa.matches(cited, e)]
            moved = [e for e in module.references if apa.relettered(cited, e)]
            hint = f" (add {', '.join(elsewhere)} to references)" if elsewhere else ""
            if moved:      # an episode by the same author and year joined the site: letters moved
                hint = (f": another work by the same author and year is now on the site, so APA "
                        f"letters them; cite {' or '.join(f'({apa.intext(e)})' for e in moved)}")
            log.warning("companion-course: docs/%s cites (%s), which matches no listed reference%s.",
                        module.src_uri, cited.text, hint)
        for key in sorted(set(listed) - used):
            log.warning("companion-course: docs/%s lists reference %s (%s) but never cites it.",
                        module.src_uri, key, apa.intext(listed[key]))

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        slug = page.meta.get("episode_slug")
        if slug in self.segments:             # the episodes plugin built this body just before
            html, added = self.episode_body(slug, html, page.url)
            if added:
                at = next((i for i, a in enumerate(page.toc.items) if a.id == "transcript"), len(page.toc.items))
                page.toc.items.insert(at, AnchorLink(weave_html.IN_COURSE_TITLE, weave_html.IN_COURSE_ID, 2))
            return html
        if page.file.src_uri not in self.modules:
            return html
        head = LEADING_H1.match(html)
        split = head.end() if head else 0
        html = f"{html[:split]}{HEADER_MARK}{html[split:]}{FOOTER_MARK}"
        self.rendered[page.file.src_uri] = html
        page.toc.items.append(AnchorLink(weave_html.HEARD_TITLE, weave_html.HEARD_ID, 2))
        page.toc.items.append(AnchorLink(REFERENCES_TITLE, REFERENCES_ID, REFERENCES_LEVEL))
        return html

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self.env = env
        return env

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig,
                        nav: Any) -> dict[str, Any]:
        if page.file.src_uri == self.config.print_page:
            page.content = (page.content or "") + self.print_course()
        return context

    def print_course(self) -> str:
        """Every module in order, with header and references, as one printable page."""
        if self.env is None:
            raise PluginError("companion-course: the theme environment is not ready.")
        macros = self.env.get_template(MACROS_TEMPLATE).module
        parts = []
        for module in sorted(self.modules.values(), key=lambda m: m.number):
            html = self.rendered.get(module.src_uri, "")
            # the print page carries no "Hear it discussed" list, so its header must not point to one
            header_meta = {**module.meta, "companion_heard_count": 0}
            html = html.replace(HEADER_MARK, str(macros.module_header(header_meta)))
            html = html.replace(FOOTER_MARK, str(macros.module_footer(module.meta)))
            html = prefix_ids(html, module.ident)
            parts.append(f'<section class="ffg-print-module" id="{module.ident}">'
                         f'<h1>{html_escape(str(module.meta["title"]))}</h1>'
                         f"{html}<p class=\"ffg-print-cite\">Cite this module: "
                         f"{self.cites[module.ident]['apa_html']}</p></section>")
        return "\n".join(parts)

    # -- downloads -----------------------------------------------------------------------
    def add_downloads(self, files: Files, config: MkDocsConfig) -> None:
        """Citation files, the bundle catalogue and the cartridge, as generated site files.

        All of them depend only on front matter, the bibliography, the episodes and the
        syllabus, so they exist before pages render: pages may link to them and `mkdocs serve`
        serves them.
        """
        cite_dir = self.config.cite_dir
        outputs: dict[str, str | bytes] = {
            f"{cite_dir}/{CATALOGUE}": json.dumps(self.catalogue(), ensure_ascii=False, indent=1),
        }
        if self.site_url:         # relative links would import broken (see NO_SITE_URL)
            outputs[self.config.cartridge_file] = self.cartridge()
        for stem, entries in self.export_groups().items():
            for kind, writer in exports.WRITERS.items():
                outputs[f"{cite_dir}/{stem}.{kind}"] = writer(entries)
        for src_uri, content in outputs.items():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"companion-course: docs/{src_uri} collides with a generated file.")
            files.append(File.generated(config, src_uri, content=content))
        log.info("companion-course: %d modules, %d episodes, %d generated downloads",
                 len(self.modules), len(self.episodes), len(outputs))

    def export_groups(self) -> dict[str, list[Entry]]:
        """File stem -> entries: the whole bibliography, each module's references, each item."""
        groups = {BIBLIOGRAPHY_STEM: sorted(self.library.values(), key=apa.sort_key)}
        for module in self.modules.values():
            groups[f"module-{module.number}-references"] = module.references
        for record in self.cites.values():
            groups[Path(record["exports"]["ris"]).stem] = [record["entry"]]
        return groups

    def catalogue(self) -> dict[str, Any]:
        """What the bundle page needs to show any bundle without a server."""
        items = sorted(self.cites.values(), key=lambda r: (r["kind"], r.get("number") or 0))
        return {
            "course": {"title": self.config.course_title, "author": self.config.course_author},
            "podcast": {"title": self.podcast.title, "host": self.podcast.host},
            "bundle_page": bundles.BUNDLE_PAGE,
            "modules": [public(r) for r in items if r["kind"] == "module"],
            # a text-only feed item has no stretch to assign
            "episodes": [public(r) for r in items if r["kind"] == "episode" and r["listenable"]],
            "glossary": self.glossary,
            "weeks": [{"slug": w.slug, "title": w.title, "summary": w.summary,
                       "query": bundles.to_query(w.bundle)} for w in self.weeks],
        }

    def cartridge_folders(self) -> list[cartridge.Folder]:
        modules = sorted(self.modules.values(), key=lambda m: m.number)
        module_links = tuple(cartridge.Link(m.ident, str(m.meta["title"]), m.entry["URL"])
                             for m in modules)
        week_links = tuple(cartridge.Link(w.slug, w.title, bundles.url(w.bundle, self.site_url))
                           for w in self.weeks)
        checks = tuple(qti.Assessment(f"{m.ident}-selfcheck",
                                      f"{m.meta['title']} — self-check",
                                      tuple(self.lms_question(m, q, f"{m.ident}-selfcheck-q{position}-")
                                            for position, q in enumerate(m.selfcheck, start=1)))
                       for m in modules if m.selfcheck)
        return [cartridge.Folder("Modules", module_links, "modules"),
                cartridge.Folder("Weekly bundles", week_links, "weeks"),
                cartridge.Folder("Self-checks (question banks)", checks, "selfchecks")]

    def lms_question(self, module: Module, question: selfcheck.Question, ident: str) -> selfcheck.Question:
        """The question with its links absolute, as an LMS needs them, and its ids made unique in
        the assessment by `ident` (its QTI item's, as qti.assessment_xml numbers items)."""
        def fix(html: str, part: str) -> str:
            return selfcheck.absolute_links(selfcheck.local_ids(html, f"{ident}{part}-"), module.src_uri,
                                            self.site_url, self.directory_urls)
        return selfcheck.Question(question.number, fix(question.question_html, "question"),
                                  fix(question.answer_html, "answer"))

    def cartridge(self) -> bytes:
        """The cartridge; only built with site_url (every link absolute)."""
        description = (f"Web links to the modules and weekly bundles of {self.config.course_title}, "
                       "and each module's self-check questions with model answers.")
        try:
            return cartridge.build(self.config.course_title, description, self.cartridge_folders())
        except cartridge.CartridgeError as exc:
            raise PluginError(f"companion-course: {exc}") from exc

    def cartridge_note(self, page_src: str) -> str:
        """Markdown for a page that offers the cartridge: a link, or why there is none."""
        if not self.site_url:
            return NO_CARTRIDGE_NOTE
        href = posixpath.relpath(self.config.cartridge_file, posixpath.dirname(page_src) or ".")
        lecturers = posixpath.relpath("course/lecturers.md", posixpath.dirname(page_src) or ".")
        return (f"The same weeks, with each module's self-check as a question bank, are in the "
                f"[Common Cartridge]({href}) for Moodle and Canvas. {CARTRIDGE_IMPORT_NOTE} "
                f"[How each LMS imports it]({lecturers}#importing-the-course-into-moodle-or-canvas).")

    def downloads_markdown(self, page_src: str) -> str:
        """Markdown list of the whole-course and per-module reference downloads, and the cartridge."""
        here = posixpath.dirname(page_src) or "."

        def links(stem: str) -> str:
            return " · ".join(f"[{label}]({posixpath.relpath(f'{self.config.cite_dir}/{stem}.{kind}', here)})"
                              for kind, label in EXPORT_LABELS.items())
        lines = [f"- **Whole-course bibliography:** {links(BIBLIOGRAPHY_STEM)}"]
        for module in sorted(self.modules.values(), key=lambda m: m.number):
            lines.append(f"- **Module {module.number} references:** "
                         f"{links(f'module-{module.number}-references')}")
        return ("\n".join(lines) + "\n\n" + DOWNLOADS_ADVICE + "\n\n" + self.cartridge_note(page_src)
                + "\n")
