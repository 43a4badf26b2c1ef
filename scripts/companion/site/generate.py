"""Generate: step one of the build. Everything the episodes and the course add to the site, as files.

The build has three steps (`companion.build`): *generate* (this module) writes a staging tree, by
default `.cache/stage/`, that any MkDocs-shaped generator can render with no plugin of ours;
*render* runs MkDocs, ProperDocs or Zensical over it; *index* runs Pagefind over the output.

The staging tree holds:

- `docs/`: a copy of the project's `docs/`, with the course macros (`listen()`, `cite()`,
  `episode_list()`, `syllabus_weeks()`, ...) already expanded, each module page's header (summary,
  reading time, questions, objectives) and footer (key points, References) written in, the
  whole-course print page filled, one page per episode (`episodes/<slug>/index.md`, escaped HTML),
  the transcript and chapter downloads, the citation exports (`cite/`) and the cartridge
  (`downloads/course.imscc`);
- `overrides/`: the theme overrides (crisis-help bar, footer line, cite box, search button);
- `mkdocs.yml`: the project's configuration without our plugins and mkdocs-macros, with the help
  data under `extra.help`.

It re-uses the two MkDocs plugins' own code (`companion.site.site_plugin`, `companion.course.course_plugin`) for
every rule they apply, calling their configuration and file steps directly, so `mkdocs build` on the
project and a staged build give the same pages, downloads and citation checks. Nothing here is
committed (`.cache/` is git-ignored). Only files whose bytes changed are rewritten, so a server
watching the staging tree rebuilds only what changed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import jinja2
import markdown
import yaml

from companion.project import EPISODES_DIR
from companion.course.weave_html import HEARD_H2, HEARD_ID, HEARD_TITLE, IN_COURSE_ID, IN_COURSE_TITLE
from companion.errors import SiteStageError
from companion.site.stage_plugin import TOC_KEY

STAGE_DIR = Path(".cache") / "stage"            # relative to the project root; git-ignored
STAGE_DOCS, STAGE_OVERRIDES, STAGE_CONFIG = "docs", "overrides", "mkdocs.yml"
OUR_PLUGINS = ("macros", "companion-episodes", "companion-course")   # expanded here, so not staged
STAGED_PLUGINS = ["companion-staged-toc"]      # MkDocs/ProperDocs only: episode chapters in the TOC
EPISODES_PLUGIN, COURSE_PLUGIN = "companion-episodes", "companion-course"
MODULE_PARTIAL = "partials/cite-module.html"
FOOTER_OPEN = '<div class="ffg-module-footer">'
HEARD_OPEN = '<section class="ffg-heard" data-pagefind-ignore>'
REFERENCES_H2 = '<h2 id="references">References</h2>'
MD_LINK = re.compile(r'(href|src)="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]+\.md)(#[^"]*)?"')
TOP_H2 = re.compile(r'^<h2 id="([a-z0-9-]+)">([A-Za-z ]+)</h2>', re.M)   # episode_page_html's sections
WATCHED = ("mkdocs.yml", "docs", "overrides", "data")   # what a staged build reads, with the episodes


class GenerateError(SiteStageError):
    """The sources cannot be staged; the message names the file and what to fix."""


@dataclass
class Stage:
    """The staging tree after a run: where it is and what this run changed."""

    root: Path
    written: list[str] = field(default_factory=list)     # stage-relative paths rewritten
    removed: list[str] = field(default_factory=list)     # stale stage files deleted
    warnings: list[str] = field(default_factory=list)    # what `--strict` refuses (citation checks)
    notices: list[str] = field(default_factory=list)     # what a build says but never refuses (hand edits)

    @property
    def config_file(self) -> Path:
        """The staged mkdocs.yml the engine renders."""
        return self.root / STAGE_CONFIG

    @property
    def docs_dir(self) -> Path:
        """The staged docs/ folder (sources and generated pages)."""
        return self.root / STAGE_DOCS


class _Warnings(logging.Handler):
    """Collects what the plugins' checks log as warnings (MkDocs' strict mode counts them)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _MacroEnv:
    """The small part of mkdocs-macros' `env` our macro modules use: `macro`, `conf`, `page`."""

    def __init__(self, conf: Any) -> None:
        self.conf = conf
        self.page: Any = None
        self.macros: dict[str, Any] = {}

    def macro(self, function: Any, name: str = "") -> Any:
        self.macros[name or function.__name__] = function
        return function


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    """pymdownx.snippets reads `docs/_snippets/...` relative to the working folder, as MkDocs does."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _template_line(exc: BaseException) -> int | None:
    """The line of a Jinja template (a page body) where rendering failed: a syntax error's own
    line, else the innermost template frame of the traceback (Jinja maps it to the source)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.lineno
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _first_line(content: str, body: str) -> int:
    """The line of `content` (a page file) where `body` (it without its front matter) starts."""
    at = content.find(body[:200]) if body else -1
    return content.count("\n", 0, at) + 1 if at > 0 else 1


def _front_matter(meta: dict[str, Any], body: str) -> str:
    # JSON round trip: tuples (Highwire tag pairs) become lists, so safe_dump can write them.
    plain = json.loads(json.dumps(meta, default=str))
    return "---\n" + yaml.safe_dump(plain, allow_unicode=True, sort_keys=False) + "---\n\n" + body


def _md_links_to_urls(html: str, src_uri: str, page_url: str, urls: dict[str, str]) -> str:
    """Turn `href="x.md#y"` in HTML rendered from `src_uri` into a URL relative to `page_url`.

    MkDocs does this for Markdown it renders; the print page carries modules as HTML, so it is
    done here. A link to a page that does not exist is left as written (strict builds report it).
    """
    from mkdocs.utils import get_relative_url

    def fix(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), match.group(2)))
        if target not in urls:
            return match.group(0)
        return f'{match.group(1)}="{get_relative_url(urls[target], page_url)}{match.group(3) or ""}"'

    return MD_LINK.sub(fix, html)


def _markdown_h2(body: str) -> str:
    """Top-level `<h2 id=..>` of an episode body as Markdown headings, so every engine's table of
    contents lists them; the rest stays raw HTML blocks (feed text in them is escaped, braces too,
    so no engine's Markdown or macros evaluate it)."""
    parts = TOP_H2.split(body)
    out = [parts[0]]
    for i in range(1, len(parts), 3):
        anchor, name, rest = parts[i], parts[i + 1], parts[i + 2]
        out.append(f"\n\n## {name} {{ #{anchor} }}\n\n{rest}")
    return "".join(out) + "\n"


class _Generator:
    """One generate run: the plugins' state, the Markdown renderer and the files to write."""

    def __init__(self, root: Path, stage: Stage) -> None:
        from mkdocs.config import load_config
        from mkdocs.structure.files import get_files

        self.root = root
        self.stage = stage
        try:
            self.config = load_config(str(root / "mkdocs.yml"))
        except Exception as exc:   # MkDocs raises several kinds for a bad config
            raise GenerateError(f"mkdocs.yml cannot be used: {exc}") from exc
        self.episodes = self.config.plugins.get(EPISODES_PLUGIN)
        self.course = self.config.plugins.get(COURSE_PLUGIN)
        if self.episodes is None or self.course is None:
            raise GenerateError(f"mkdocs.yml must list the {EPISODES_PLUGIN} and {COURSE_PLUGIN} plugins.")
        self.episodes.on_config(self.config)
        self.course.on_config(self.config)
        self.files = get_files(self.config)
        self.sources = {f.src_uri for f in self.files}
        for name, plugin in ((EPISODES_PLUGIN, self.episodes), (COURSE_PLUGIN, self.course)):
            self.config.plugins._current_plugin = name     # File.generated records who made a file
            self.files = plugin.on_files(self.files, config=self.config)
        self.config.plugins._current_plugin = None
        self.urls = {f.src_uri: f.url for f in self.files}
        self.outputs: dict[str, bytes] = {}            # stage-relative path -> bytes
        self.theme = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(root / STAGE_OVERRIDES)), autoescape=False)
        self.macros = _MacroEnv(self.config)
        from companion import macros as macro_module
        macro_module.define_env(self.macros)

    # -- pages -------------------------------------------------------------------------------
    def markdown_html(self, text: str) -> str:
        """Markdown to HTML with the site's extensions (as MkDocs renders a page body)."""
        md = markdown.Markdown(extensions=self.config.markdown_extensions,
                               extension_configs=self.config.mdx_configs)
        return md.convert(text)

    def expand_macros(self, text: str, file: Any, first_line: int = 1) -> str:
        """mkdocs-macros' job, done ahead: Jinja over the page body with the course macros.
        `first_line` is the body's first line in the page file (after its front matter), so a
        failing macro is named at its line in the file the maintainer edits."""
        self.macros.page = SimpleNamespace(url=file.url, file=file, meta={})
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
        try:
            return env.from_string(text).render(
                **self.macros.macros, config=self.config, extra=self.config.extra, page=self.macros.page)
        except Exception as exc:   # a macro's error or a Jinja syntax error, named by page and line
            line = _template_line(exc)
            where = f"docs/{file.src_uri}" + (f":{line + first_line - 1}" if line else "")
            raise GenerateError(f"{where}: a macro failed: {exc}") from exc

    def module_page(self, file: Any, body: str, meta: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """A module with header and footer written in; its References heading is a real heading."""
        module = self.course.modules[file.src_uri]
        self.course.check_citations(module, body)
        macros = self.theme.get_template(MODULE_PARTIAL).module
        footer = str(macros.module_footer(module.meta))
        # md_in_html keeps the footer's HTML and lets "References" join the page's table of contents.
        footer = footer.replace(FOOTER_OPEN, FOOTER_OPEN[:-1] + " markdown>", 1).replace(
            REFERENCES_H2, "\n\n## References { #references }\n\n", 1)
        header = str(macros.module_header(module.meta))
        heard = self.course.heard_html(module, file.url)
        heard = heard.replace(HEARD_OPEN, HEARD_OPEN[:-1] + " markdown>", 1).replace(
            HEARD_H2, f"\n\n## {HEARD_TITLE} {{ #{HEARD_ID} }}\n\n", 1)
        meta = {**meta, "companion_cite": self.course.cites[module.ident]}
        return f"{header}\n\n{body}\n\n{heard}\n\n{footer}\n", meta

    def stage_pages(self) -> None:
        """Every Markdown page: macros expanded, modules completed, the print page filled last."""
        from mkdocs.utils.meta import get_data
        from companion.course.course_plugin import FOOTER_MARK, HEADER_MARK, LEADING_H1

        print_src = self.course.config.print_page
        print_page: tuple[dict[str, Any], str] | None = None
        print_url = self.urls.get(print_src, "")
        for file in self.files.documentation_pages():
            if file.src_uri in self.episodes.episodes:
                self.episode_page(file)
                continue
            body, meta = get_data(file.content_string)
            if meta.get("render_macros", True) is not False and ("{{" in body or "{%" in body):
                body = self.expand_macros(body, file, _first_line(file.content_string, body))
            if file.src_uri == self.course.config.glossary_page:
                body = self.course.glossary_markdown(body, file.url)
            if file.src_uri in self.course.modules:
                with _cwd(self.root):
                    html = self.markdown_html(body)
                head = LEADING_H1.match(html)
                split = head.end() if head else 0
                html = f"{html[:split]}{HEADER_MARK}{html[split:]}{FOOTER_MARK}"
                self.course.rendered[file.src_uri] = _md_links_to_urls(html, file.src_uri, print_url, self.urls)
                body, meta = self.module_page(file, body, meta)
            if file.src_uri == print_src:
                print_page = (meta, body)
                continue
            self.stage_page(file.src_uri, meta, body)
        if print_page is not None:
            self.course.env = self.theme          # print_course renders module headers with the theme's macros
            meta, body = print_page
            self.stage_page(print_src, meta, f"{body}\n\n{self.course.print_course()}\n")

    def stage_page(self, src_uri: str, meta: dict[str, Any], body: str) -> None:
        self.outputs[f"{STAGE_DOCS}/{src_uri}"] = _front_matter(meta, body).encode("utf-8")

    def episode_page(self, file: Any) -> None:
        """The episode page the plugin builds at `on_page_content`, as a staged HTML body."""
        from mkdocs.utils.meta import get_data

        episode = self.episodes.episodes[file.src_uri]
        body, toc = self.episodes.page_body(episode, file.url)     # from the build's one catalogue
        body, added = self.course.episode_body(episode.slug, body, file.url)
        if added:
            at = next((i for i, t in enumerate(toc) if t["id"] == "transcript"), len(toc))
            toc.insert(at, {"level": 2, "id": IN_COURSE_ID, "name": IN_COURSE_TITLE, "children": []})
        _, meta = get_data(file.content_string)
        meta = {**meta, "companion_cite": self.course.episode_cites[episode.slug], TOC_KEY: toc}
        # One raw HTML block: Markdown passes it through, and every feed string in it is escaped
        # (braces too), so no engine's macros or Markdown can evaluate feed text.
        self.stage_page(file.src_uri, meta, _markdown_h2(body))

    # -- other files -------------------------------------------------------------------------
    def stage_files(self) -> None:
        """Every non-page file: the project's own and the generated downloads."""
        for file in self.files:
            if file.is_documentation_page() and file.src_uri not in self.sources:
                continue                                  # generated pages are staged above
            if file.is_documentation_page() and file.inclusion.is_included():
                continue
            self.outputs[f"{STAGE_DOCS}/{file.src_uri}"] = file.content_bytes
        overrides = self.root / STAGE_OVERRIDES
        for path in sorted(p for p in overrides.rglob("*") if p.is_file()):
            self.outputs[f"{STAGE_OVERRIDES}/{path.relative_to(overrides).as_posix()}"] = path.read_bytes()

    def stage_config(self) -> None:
        """mkdocs.yml for the staged tree: our plugins and macros out, the help data in."""
        from companion.project import load_config

        raw = load_config(self.root)
        raw["plugins"] = [p for p in raw.get("plugins") or []
                          if (next(iter(p)) if isinstance(p, dict) else p) not in OUR_PLUGINS]
        raw["plugins"] += STAGED_PLUGINS
        extra = dict(raw.get("extra") or {})
        extra["help"] = self.config.extra["help"]
        extra["pagefind"] = bool(self.episodes.config.pagefind)
        raw["extra"] = extra
        raw["docs_dir"] = STAGE_DOCS
        theme = dict(raw.get("theme") or {})
        if theme.get("custom_dir"):
            theme["custom_dir"] = STAGE_OVERRIDES
        raw["theme"] = theme
        text = "# Generated by `companion build` from ../../mkdocs.yml: do not edit.\n"
        self.outputs[STAGE_CONFIG] = (text + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)).encode()


def _write_tree(stage: Stage, outputs: dict[str, bytes]) -> None:
    """Write what changed, delete what is no longer generated (not the engines' own outputs)."""
    stage.root.mkdir(parents=True, exist_ok=True)
    for rel, data in sorted(outputs.items()):
        path = stage.root / rel
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        stage.written.append(rel)
    for top in (STAGE_DOCS, STAGE_OVERRIDES):
        for path in sorted((stage.root / top).rglob("*"), reverse=True):
            rel = path.relative_to(stage.root).as_posix()
            if path.is_file() and rel not in outputs:
                path.unlink()
                stage.removed.append(rel)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def generate(root: Path, stage_dir: Path | None = None) -> Stage:
    """Stage the site of the project at `root` into `stage_dir` (default `root/.cache/stage`).

    Returns the `Stage` with what was written, the warnings of the citation checks (a strict
    build refuses them) and the notices of transcript files edited by hand (said, not refused). Raises `GenerateError` for sources the site cannot be built from (a bad
    front matter, an unknown reference key, a broken episode folder, a failing macro).
    """
    from mkdocs.exceptions import MkDocsException

    root = Path(root).resolve()
    stage = Stage(Path(stage_dir).resolve() if stage_dir else root / STAGE_DIR)
    collector = _Warnings()
    watched = logging.getLogger("mkdocs.plugins.companion")
    watched.addHandler(collector)
    try:
        generator = _Generator(root, stage)
        generator.stage_pages()
        generator.stage_files()
        generator.stage_config()
        stage.notices = generator.episodes.notices + generator.course.notices   # found by on_files, not hashed again
    except MkDocsException as exc:                  # the plugins' PluginError: already says what to fix
        raise GenerateError(str(exc)) from exc
    finally:
        watched.removeHandler(collector)
    stage.warnings = collector.messages
    _write_tree(stage, generator.outputs)
    return stage


def source_state(root: Path, episodes_dir: Path | None = None) -> dict[str, float]:
    """Modification times (path -> st_mtime) of everything a staged build reads, for `companion
    serve`'s watcher: WATCHED under `root` and the episodes folder (`Project.episodes_dir`;
    default `root/episodes`)."""
    state: dict[str, float] = {}
    for path in (*(root / name for name in WATCHED), episodes_dir or root / EPISODES_DIR):
        paths = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for item in paths:
            with contextlib.suppress(OSError):
                state[str(item)] = item.stat().st_mtime
    return state
