"""The catalogue: every episode in `episodes/`, read once per build, that every reader shares.

The site plugin (`companion-episodes`) loads it at `on_config` and keeps it on itself; the course
plugin, the page macros and `companion build` (`site.generate`) all take that same object
(`for_build`), so each `episode.json` is read once per build, and each `transcript.json` and
`chapters.json` at most once, when a reader first asks (`reads` counts every file opened).

It answers, in one place:

- which episode a key names (`find`): a slug, an episode number, a citation id or a guid;
- an episode's page URL (`Episode.url`), folder, transcript, chapters and transcript downloads;
- which folder the episodes live in (`episodes_dir`, from `project.episodes_folder`);
- whether a listening stretch fits in its episode (`check_stretch`).

It sits below both the site and the course (it imports only the model, the store's reading rules
and the project), so the course never needs the site.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from companion import project
from companion.episode import (CHAPTERS_FILE, EPISODE_FILE, TRANSCRIPT_FILE, TRANSCRIPT_FORMATS,
                               Chapter, Episode, Transcript, TranscriptFormat)
from companion.pipeline import chapters as chapter_files
from companion.errors import CourseError
from companion.pipeline import store
from companion.pipeline.feed_numbers import number_key
from companion.timecode import format_clock

CITE_PREFIX = "e"          # an episode's citation id: e<number>, or e<slug> (see `Catalogue.cite_ids`)


class CatalogueError(CourseError, ValueError):
    """An episode folder the site cannot be built from; the message names the file."""


class StretchError(CourseError, ValueError):
    """A Listen stretch that does not fit inside its episode (start or end past its duration)."""


def check_stretch(episode: Episode, start: float, end: float | None) -> None:
    """Raise `StretchError` unless [start, end] (seconds) lies inside the episode's duration.

    An episode whose duration is not known yet (feed gave none, audio not probed) passes: there
    is nothing to check against, and the sync fills the duration in later.
    """
    duration = episode.duration
    if duration is None:
        return
    last = end if end is not None else start
    if start >= duration or last > duration:
        span = format_clock(start) + (f"–{format_clock(end)}" if end is not None else "")
        raise StretchError(f"the stretch {span} runs past the end of episode "
                           f"{episode.number if episode.number is not None else episode.slug} "
                           f"({format_clock(duration)} long)")


@dataclass
class Catalogue:
    """Every readable episode of one folder, newest first, with each one's files read on demand
    and kept. Build it with `load` (or `for_build` inside MkDocs); it never changes the folder."""

    folder: Path
    episodes: tuple[Episode, ...] = ()
    reads: Counter[str] = field(default_factory=Counter)      # "<slug>/<file>" -> times opened
    _slugs: dict[str, Episode] = field(default_factory=dict, repr=False)
    _transcripts: dict[str, Transcript | None] = field(default_factory=dict, repr=False)
    _chapters: dict[str, tuple[tuple[Chapter, ...] | None, Path | None]] = field(
        default_factory=dict, repr=False)
    _cite_ids: dict[str, str] | None = field(default=None, repr=False)
    _moved: tuple[dict[str, Episode], list[str]] | None = field(default=None, repr=False)

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: Path) -> Catalogue:
        """Read every `episode.json` under `folder` (once each). A missing folder is an empty
        catalogue. Raises OSError or CatalogueError (a ValueError naming the file) for a record
        that is not JSON, not an object, or whose slug is not its folder's name."""
        catalogue = cls(Path(folder))
        found = []
        for path in store.episode_dirs(catalogue.folder):
            data = catalogue._read_json(path / EPISODE_FILE)
            if not isinstance(data, dict):
                raise CatalogueError(f"{path / EPISODE_FILE} is not a JSON object")
            if data.get("slug") != path.name:     # a renamed or copied folder: its page would
                raise CatalogueError(              # be built from another folder's files
                    f"{path / EPISODE_FILE}: its slug {data.get('slug')!r} is not its folder's "
                    f"name {path.name!r} (a folder renamed or copied by hand): run `companion "
                    "sync`, which takes the folder's name, or rename the folder back")
            found.append(Episode.from_json(data))
        return cls.of(folder, found, catalogue.reads)

    @classmethod
    def of(cls, folder: Path, episodes: list[Episode], reads: Counter[str] | None = None) -> Catalogue:
        """A catalogue of `episodes` (any order) in `folder`: what `load` returns, and what tests
        build in memory. Episodes sort newest first (`store.order_key`: the moment published,
        undated ones where the feed listed them)."""
        ordered = tuple(sorted(episodes, key=lambda e: store.order_key(e.record), reverse=True))
        catalogue = cls(Path(folder), ordered, reads if reads is not None else Counter())
        catalogue._slugs = {e.slug: e for e in ordered if e.slug}
        return catalogue

    def moved(self) -> tuple[dict[str, Episode], list[str]]:
        """({old slug: episode} for every address a renamed folder had (`Episode.former_slugs`)
        that still leads to it, [why each other old address does not]): an old name that is now
        another episode's folder shows that one; one claimed by two episodes leads to neither."""
        if self._moved is not None:
            return self._moved
        claims: dict[str, list[Episode]] = {}
        for episode in self.episodes:
            for old in episode.former_slugs:
                if old != episode.slug:
                    claims.setdefault(old, []).append(episode)
        moved, lost = {}, []
        for old, episodes in claims.items():
            if old in self._slugs:
                lost.extend(f"episodes/{old}/ was the address of {e.slug} before its folder was "
                            f"renamed; it is now {old}'s own folder, so links made to it before "
                            "show that episode" for e in episodes)
            elif len(episodes) > 1:
                lost.append(f"episodes/{old}/ was the address of both "
                            f"{' and '.join(e.slug for e in episodes)} (episode.json former_slugs), "
                            "so links to it lead to neither: take it out of one of them")
            else:
                moved[old] = episodes[0]
        self._moved = (moved, lost)
        return self._moved

    def moved_from(self, episode: Episode) -> tuple[str, ...]:
        """The old addresses (`moved`) that lead to `episode`, oldest first."""
        moved = self.moved()[0]
        return tuple(old for old in episode.former_slugs if moved.get(old) is episode)

    def _read_json(self, path: Path) -> Any:
        self.reads[path.relative_to(self.folder).as_posix()] += 1
        try:
            return store.read_json(path)
        except json.JSONDecodeError as exc:
            raise CatalogueError(f"{path}: not valid JSON ({exc})") from exc

    # -- finding -------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Episode]:
        return iter(self.episodes)

    def __len__(self) -> int:
        return len(self.episodes)

    def slug(self, slug: str) -> Episode | None:
        """The episode whose folder is `slug`."""
        return self._slugs.get(slug)

    def cite_ids(self) -> dict[str, str]:
        """slug -> citation id: `e<number>`, or `e<slug>` for an episode with no whole number (a
        part, 12.5, is named by its slug: bundle tokens take no dot, and "e12" is episode 12) or
        whose number an older episode already holds. Given oldest first (`store.order_key`: the
        moment published, whatever its zone, and an undated episode where the feed listed it, not
        first as an empty date sorted), so an episode keeps its id when a later one repeats the
        number (a bundle link shared last term must still point at the same episode)."""
        if self._cite_ids is None:
            ids: dict[str, str] = {}
            taken: set[str] = set()
            for episode in sorted(self._slugs.values(), key=lambda e: store.order_key(e.record)):
                key = episode.number_key
                ident = f"{CITE_PREFIX}{key}" if key is not None and key.isdigit() else ""
                if not ident or ident in taken:
                    ident = f"{CITE_PREFIX}{episode.slug}"
                ids[episode.slug] = ident
                taken.add(ident)
            self._cite_ids = ids
        return self._cite_ids

    def find(self, key: Any) -> Episode | None:
        """The episode `key` names, or None. In this order, first match wins:

        1. a slug (`"2025-03-12-what-therapy-is"`: the folder's name), or a name the folder had
           before the maintainer renamed it (`moved`), bare or as a citation id (`e<slug>`);
        2. an episode number (`7` or `"7"`): the episode whose citation id is `e7` (the oldest
           with that number, when a feed repeats one), so `listen(7)` and a bundle's `e7` agree;
        3. a citation id: `e7`, or `e<slug>`;
        4. a guid (current, or one the feed gave it before). Last, because feeds use numbers as
           guids too (a WordPress post id): `7` is a person's "episode 7" before it is a guid.
        """
        wanted = str(key).strip() if key is not None else ""
        if not wanted:
            return None
        if wanted in self._slugs:
            return self._slugs[wanted]
        moved = self.moved()[0]
        bare = wanted[len(CITE_PREFIX):] if wanted.startswith(CITE_PREFIX) else None
        if wanted in moved or bare in moved:   # a folder renamed since: its old name, its old id
            return moved[wanted if wanted in moved else bare]
        number = number_key(wanted)            # "12", "12.50": 12.5 never finds 12
        if number is not None and not number.isdigit():
            part = next((e for e in self.episodes if e.number_key == number), None)
            if part is not None:
                return part
        ident = f"{CITE_PREFIX}{number}" if number is not None and number.isdigit() else wanted
        cited = next((slug for slug, held in self.cite_ids().items() if held == ident), None)
        if cited is not None:
            return self._slugs[cited]
        return next((e for e in self.episodes if wanted == e.guid or wanted in e.guids), None)

    # -- an episode's files --------------------------------------------------------------------
    def folder_of(self, episode: Episode | str) -> Path:
        """`episodes/<slug>/` on disk."""
        return self.folder / (episode if isinstance(episode, str) else episode.slug)

    def transcript(self, episode: Episode | str) -> Transcript | None:
        """The episode's `transcript.json` (read the first time it is asked for), or None when it
        has none. Raises OSError or CatalogueError for a file that cannot be read."""
        slug = episode if isinstance(episode, str) else episode.slug
        if slug not in self._transcripts:
            path = self.folder_of(slug) / TRANSCRIPT_FILE
            self._transcripts[slug] = Transcript.from_json(self._read_json(path)) if path.is_file() else None
        return self._transcripts[slug]

    def _published_chapters(self, slug: str) -> tuple[tuple[Chapter, ...] | None, Path | None]:
        """(chapters, the file they came from): chapters.json when valid, else the last valid one
        sync kept (`pipeline.chapters.LAST_GOOD_FILE`), else (None, None). Each file read once."""
        if slug not in self._chapters:
            folder = self.folder_of(slug)
            path, last_good = folder / CHAPTERS_FILE, folder / chapter_files.LAST_GOOD_FILE
            found: tuple[tuple[Chapter, ...] | None, Path | None] = (None, None)
            if path.is_file():
                try:
                    self.reads[f"{slug}/{CHAPTERS_FILE}"] += 1
                    found = (Chapter.listed(chapter_files.read_manual(path, path.name)), path)
                except (chapter_files.ChaptersError, OSError):
                    if last_good.is_file():     # a broken hand edit: publish the last valid one
                        found = (Chapter.listed(self._read_json(last_good)), last_good)
            self._chapters[slug] = found
        return self._chapters[slug]

    def chapters(self, episode: Episode | str) -> tuple[Chapter, ...] | None:
        """The published chapters in table-of-contents order, or None when the episode has none."""
        return self._published_chapters(episode if isinstance(episode, str) else episode.slug)[0]

    def chapters_file(self, episode: Episode | str) -> Path | None:
        """The chapters file the site publishes as `<slug>/chapters.json`, or None."""
        return self._published_chapters(episode if isinstance(episode, str) else episode.slug)[1]

    def edited_by_hand(self, episode: Episode) -> list[str]:
        """The episode's transcript files edited by hand since sync wrote them (`store.edited_by_hand`
        over the record's `transcripts_sha256`), in `TRANSCRIPT_FORMATS` order. The site
        publishes such a file as it is, but the page is built from `transcript.json` and the
        other formats keep sync's text. Raises OSError for a file that cannot be read."""
        edited = store.edited_by_hand(self.folder_of(episode), episode.record.get("transcripts_sha256"))
        return [f.name for f in TRANSCRIPT_FORMATS if f.name in edited]

    def downloads(self, episode: Episode | str) -> list[TranscriptFormat]:
        """The transcript formats the episode's folder holds, in `TRANSCRIPT_FORMATS` order."""
        folder = self.folder_of(episode if isinstance(episode, str) else episode.slug)
        return [f for f in TRANSCRIPT_FORMATS if (folder / f.name).is_file()]


def episodes_dir(root: Path, options: dict[str, Any]) -> Path:
    """The episodes folder of the project at `root`, given the plugins' `episodes_dir` options
    (plugin name -> value, None when unset). Raises project.ProjectError when they disagree."""
    config = {"plugins": [{name: {"episodes_dir": value}} for name, value in options.items()
                          if value is not None]}
    return root / project.episodes_folder(config)


def for_build(config: Any) -> Catalogue:
    """The catalogue of the MkDocs build `config` (an MkDocsConfig): the one the site plugin
    loaded, or, in a build without it, one loaded now from the configured folder."""
    plugin = config["plugins"].get(project.EPISODES_PLUGIN)
    catalogue = getattr(plugin, "catalogue", None)
    if catalogue is not None:
        return catalogue
    root = Path(config["config_file_path"] or ".").resolve().parent
    course = config["plugins"].get(project.COURSE_PLUGIN)
    return Catalogue.load(episodes_dir(root, {
        project.COURSE_PLUGIN: course.config.get("episodes_dir") if course is not None else None}))
