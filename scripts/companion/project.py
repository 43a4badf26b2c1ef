"""The project on disk: where `mkdocs.yml` is, what it says about the podcast, where data lives.

Every command acts on the project in the current directory, the way `mkdocs` does; the podcast's
settings live in `mkdocs.yml` under `extra.podcast` so that the site and the pipeline share one
source of truth.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml_env_tag import construct_env_tag

from companion.errors import CompanionError

CONFIG_NAME = "mkdocs.yml"
EPISODES_DIR = "episodes"
CACHE_DIR = ".cache"          # git-ignored: downloaded audio, HTTP validators
DATA_DIR = "data"             # committed data files the site reads (help lines, bibliography)
SITE_SOURCES = (CONFIG_NAME, "docs", "overrides", DATA_DIR)   # what a build reads, besides episodes/


class ProjectError(CompanionError):
    """The project is missing or its configuration cannot be used; the message says what to fix."""


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: `!ENV` resolved from the environment as MkDocs does
    (`site_url: !ENV [SITE_URL, ""]` is how CI sets the address), other tags
    (`!!python/name:`) load as plain values."""


def _unknown_tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_LenientLoader.add_multi_constructor("!", _unknown_tag)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown_tag)
_LenientLoader.add_constructor("!ENV", construct_env_tag)


# Special-use names that never resolve on the public Internet (RFC 6761, RFC 6762).
LOCAL_SUFFIXES = (".localhost", ".local", ".test", ".invalid", ".internal", ".home.arpa")


@dataclass(frozen=True)
class PodcastSettings:
    """`extra.podcast` from mkdocs.yml."""

    feed: str = ""
    title: str = ""
    host: str = ""
    vocabulary: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Project:
    root: Path
    podcast: PodcastSettings
    site_url: str = ""          # mkdocs.yml `site_url`: the published address, "" until known

    @property
    def episodes_dir(self) -> Path:
        """The project's episodes/ folder (one folder per episode)."""
        return self.root / EPISODES_DIR

    @property
    def cache_dir(self) -> Path:
        """The project's .cache/ folder (git-ignored: audio, HTTP validators, logs)."""
        return self.root / CACHE_DIR

    @property
    def audio_cache(self) -> Path:
        """Where downloaded audio is kept between runs (.cache/audio/)."""
        return self.cache_dir / "audio"

    @property
    def data_dir(self) -> Path:
        """The project's data/ folder (bibliography, syllabus, listening, help lines)."""
        return self.root / DATA_DIR


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds mkdocs.yml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ProjectError(
        f"No {CONFIG_NAME} here or in any parent folder of {here}. "
        "Run companion from inside the project (the folder with mkdocs.yml)."
    )


def load_config(root: Path) -> dict[str, Any]:
    """mkdocs.yml under `root` as a dict ({} when it is empty or not a mapping), `!ENV` resolved as
    MkDocs resolves it and other tags (`!!python/name:`) read as plain values. ProjectError when it
    is not valid YAML; OSError when it cannot be read."""
    try:
        data = yaml.load((root / CONFIG_NAME).read_text(encoding="utf-8"), Loader=_LenientLoader)
    except yaml.YAMLError as exc:
        raise ProjectError(f"{CONFIG_NAME} is not valid YAML: {exc}") from exc
    return data if isinstance(data, dict) else {}


def podcast_settings(config: dict[str, Any]) -> PodcastSettings:
    """The `extra.podcast` settings of a loaded mkdocs.yml `config`: feed (URL or path, stripped),
    title, host, vocabulary (a tuple of non-empty strings). ProjectError when vocabulary is not a list."""
    raw = (config.get("extra") or {}).get("podcast") or {}
    vocab = raw.get("vocabulary") or []
    if not isinstance(vocab, list):
        raise ProjectError("extra.podcast.vocabulary in mkdocs.yml must be a list of words or names.")
    return PodcastSettings(
        feed=str(raw.get("feed") or "").strip(),
        title=str(raw.get("title") or ""),
        host=str(raw.get("host") or ""),
        vocabulary=tuple(str(v) for v in vocab if str(v).strip()),
    )


def copy_site_sources(source: Path, dest: Path, extra: tuple[str, ...] = ()) -> Path:
    """Copy what a build reads (and `extra` paths) from project `source` to `dest`, replacing
    what was there: the demo and the tests build scratch copies, never the real project."""
    for part in (*SITE_SOURCES, *extra):
        src, dst = source / part, dest / part
        if dst.is_dir():
            shutil.rmtree(dst)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        elif src.is_file():
            shutil.copy2(src, dst)
    return dest


def site_url_problem(site_url: str) -> str:
    """Why `site_url` cannot be the published address, or '' when it can (or is unset: the
    callers say what an unset one means). A loopback, private or reserved host (localhost,
    127.0.0.1, 192.168.x, *.local, *.test, *.invalid: RFC 6761, RFC 6762) is what `mkdocs serve`
    wants, but every citation link and the cartridge would point at the maintainer's machine."""
    if not site_url:
        return ""
    parts = urlsplit(site_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"{site_url!r} is not an absolute http(s) address"
    host = parts.hostname.rstrip(".").lower()
    try:
        local = not ipaddress.ip_address(host).is_global
    except ValueError:
        local = host == "localhost" or host.endswith(LOCAL_SUFFIXES) or "." not in host
    if local:
        return (f"{site_url!r} is a local address: readers, reference managers and an LMS "
                "could not open its links")
    return ""


PAGES_URL_ENV = "PAGES_BASE_URL"    # GitHub Pages' address, from actions/configure-pages (CI)


def pages_site_url() -> str:
    """GitHub Pages' address as the workflow passes it (`base_url` of actions/configure-pages,
    e.g. https://user.github.io/repo), with the trailing slash site_url needs; '' when unset."""
    url = os.environ.get(PAGES_URL_ENV, "").strip()
    return url.rstrip("/") + "/" if url else ""


def write_settings(root: Path, site_url: str | None = None, feed: str | None = None) -> None:
    """Set `site_url` and/or `extra.podcast.feed` in `root`'s mkdocs.yml, editing only their
    lines so every comment and the rest of the file stay as written. Raises ProjectError when
    the file has no such line (the keys must be there, even empty, as in this project's)."""
    path = root / CONFIG_NAME
    text = path.read_text(encoding="utf-8")
    for value, pattern in ((site_url, r"^(site_url:[ \t]*).*$"), (feed, r"^(    feed:[ \t]*).*$")):
        if value is None:
            continue
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        text, count = re.subn(pattern, lambda m, q=quoted: m.group(1) + q, text, count=1,
                              flags=re.M)
        if count != 1:
            raise ProjectError(f"{path} has no line matching {pattern!r} to set")
    path.write_text(text, encoding="utf-8")


def open_project(start: Path | None = None) -> Project:
    """The project whose mkdocs.yml is in `start` (default: the current folder) or a folder above
    it. ProjectError when there is none or it cannot be read."""
    root = find_root(start)
    config = load_config(root)
    return Project(root=root, podcast=podcast_settings(config),
                   site_url=str(config.get("site_url") or "").strip())
