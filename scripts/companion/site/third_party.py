"""What in the configuration or a built page would make a reader's browser ask another host.

The site makes no request to any third-party host (readers of a mental-health site are not
tracked, and it works where a CDN is blocked). Material for MkDocs reaches out in ways a
maintainer can switch on without seeing it, each found here at build time so the build can
refuse it with the file to change:

- `theme.font` other than false: Google Fonts (fonts.googleapis.com, fonts.gstatic.com);
- `extra.analytics`: Google's gtag.js (googletagmanager.com), which its feedback widget reports to;
- a Mermaid diagram (any `.mermaid` element: a ```mermaid fence through pymdownx.superfences'
  custom fence, or `<pre class="mermaid">` written in Markdown): Material 9's bundle loads
  `https://unpkg.com/mermaid@11/dist/mermaid.min.js` when a page holds `pre.mermaid` and no
  `mermaid` global is defined (msys2.github.io#269; material#8107, where the privacy plugin
  that would self-host it needs the network at build time and adds 2.6 MB to every page);
- the repository link with `data-md-component="source"` (Material's own `source.html`, when
  `overrides/partials/source.html` is gone) and a GitHub or GitLab `repo_url`: stars and forks
  fetched from api.github.com (or the GitLab API) in every reader's browser;
- any element that loads a resource from another host: `extra_javascript`/`extra_css` URLs, an
  emoji extension writing CDN images, a logo or favicon URL, `<img>`, `<iframe>`, `<script>`,
  `<link rel=stylesheet>`, `url()` in styles, and a URL in a script that runs.

The plugin checks each page as MkDocs writes it (naming its file in docs/); `companion build`,
whatever engine renders its staged tree, checks the rendered site (`site_requests`).

`extra.social` makes no request: Material inlines its icons, and its links are followed only
when a reader clicks one. Links (`<a href>`) are never requests. The one resource allowed from
elsewhere is an episode's own audio, from the podcast's host (`allowed`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Attributes that make the browser fetch what they name, by element (HTML Living Standard).
_FETCHED = {"img": ("src", "srcset"), "source": ("src", "srcset"), "script": ("src",),
            "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
            "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "input": ("src",),
            "image": ("href", "xlink:href"), "use": ("href", "xlink:href")}
# <link rel> values that fetch (or open a connection to) their href.
_LINK_FETCHES = {"stylesheet", "preload", "prefetch", "modulepreload", "preconnect", "dns-prefetch",
                 "icon", "shortcut", "apple-touch-icon", "manifest", "mask-icon", "prerender"}
_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}
_CSS_URL = re.compile(r"""(?:url\(\s*|@import\s+)["']?((?:https?:)?//[^\s"')]+)""", re.I)
_SCRIPT_URL = re.compile(r"""["'`]((?:https?:)?//[A-Za-z0-9.-]+)""")
_REPO_HOSTS = re.compile(r"^https?://(?:[^/]*\.)?(?:github\.com|[^/]*gitlab[^/]*)/", re.I)
MERMAID = ("a Mermaid diagram (class=\"mermaid\"): Material loads mermaid.min.js from unpkg.com "
           "to draw it. Draw the diagram as an SVG file in docs/ and show it with ![...](file.svg)")


def config_requests(config: Any) -> list[str]:
    """What in a loaded MkDocs `config` (theme, extra, extra_javascript, extra_css) makes every
    page ask another host, each said with the setting to change; [] when nothing does."""
    found: list[str] = []
    font = config["theme"].get("font")
    if font not in (False, None):
        found.append("theme.font loads Google Fonts (fonts.googleapis.com, fonts.gstatic.com): "
                     "set `font: false` under theme in mkdocs.yml")
    analytics = (config.get("extra") or {}).get("analytics")
    if analytics:
        found.append("extra.analytics loads Google's gtag.js (www.googletagmanager.com) and "
                     "sends it every page view and feedback vote: remove it from mkdocs.yml")
    for key in ("extra_javascript", "extra_css"):
        for entry in config.get(key) or []:
            path = str(getattr(entry, "path", entry))
            if _other_host(path, None):
                found.append(f"{key} lists {path}: copy the file into docs/ and list that path")
    return found


def _other_host(url: str, own_host: str | None) -> str | None:
    """The host `url` names when it is absolute (`https://`, `//`) and not `own_host`."""
    url = url.strip()
    if not url.startswith(("http://", "https://", "//")):
        return None
    host = urlsplit(url).hostname
    return host if host and host != own_host else None


class _Scan(HTMLParser):
    """Collects what one page's HTML fetches from other hosts (see page_requests)."""

    def __init__(self, own_host: str | None, allowed: set[str], repo_facts: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.own_host, self.allowed, self.repo_facts = own_host, allowed, repo_facts
        self.found: list[str] = []
        self.script_runs = False
        self.in_style = False

    def _add(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)

    def _urls(self, tag: str, name: str, value: str) -> None:
        candidates = [part.split()[0] for part in value.split(",") if part.split()] \
            if name == "srcset" else [value]
        for url in candidates:
            host = _other_host(url, self.own_host)
            if host and not (tag in ("audio", "source") and url.strip() in self.allowed):
                self._add(f"<{tag} {name}=\"{url.strip()}\"> loads it from {host}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "mermaid" in values.get("class", "").split():
            self._add(MERMAID)
        if self.repo_facts and values.get("data-md-component") == "source":
            self._add("the repository link has data-md-component=\"source\", so Material asks the "
                      "GitHub or GitLab API for the repository's stars and forks: keep "
                      "overrides/partials/source.html")
        for name in _FETCHED.get(tag, ()):
            if values.get(name):
                self._urls(tag, name, values[name])
        if tag == "link" and values.get("href") and \
                _LINK_FETCHES & set(values.get("rel", "").lower().split()):
            self._urls(tag, "href", values["href"])
        for match in _CSS_URL.finditer(values.get("style", "")):
            self._urls(tag, "style", match.group(1))
        self.script_runs = tag == "script" and not values.get("src") and \
            values.get("type", "").strip().lower() in _SCRIPT_TYPES
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.script_runs = self.in_style = False

    def handle_data(self, data: str) -> None:
        pattern = _SCRIPT_URL if self.script_runs else _CSS_URL if self.in_style else None
        for match in pattern.finditer(data) if pattern else ():
            host = _other_host(match.group(1), self.own_host)
            if host:
                self._add(f"a {'script' if self.script_runs else 'style'} on it loads "
                          f"{match.group(1)}")


def page_requests(html: str, *, own_host: str | None = None, allowed: frozenset[str] = frozenset(),
                  repo_url: str = "") -> list[str]:
    """What the built page `html` makes a reader's browser fetch from a host other than
    `own_host` (site_url's host; None: the site has no host of its own), each said once;
    `allowed` holds URLs an `<audio>` may play (the episodes' own audio). `repo_url` is the
    configured repository, whose facts Material fetches from GitHub or GitLab."""
    scan = _Scan(own_host, set(allowed), bool(_REPO_HOSTS.match(repo_url or "")))
    scan.feed(html)
    scan.close()
    return scan.found


def _source(page: str, docs_dir: Path | None) -> str:
    """Where the built `page` (`course/x/index.html`) comes from: `episode <slug>`, the Markdown
    file in `docs_dir` that MkDocs renders there, or the built page itself."""
    parts = page.split("/")
    if len(parts) == 3 and parts[0] == "episodes" and parts[2] == "index.html":
        return f"episode {parts[1]}"
    stem = page[: -len("index.html")].rstrip("/")
    for candidate in ((f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md") if stem
                      else ("index.md", "README.md")):
        if docs_dir is not None and (docs_dir / candidate).is_file():
            return f"docs/{candidate}"
    return page


def site_requests(site_dir: Path, *, own_host: str | None = None,
                  allowed: frozenset[str] = frozenset(), repo_url: str = "",
                  docs_dir: Path | None = None) -> dict[str, list[str]]:
    """`page_requests` for every HTML file of a rendered site: {its source (`docs/x.md`,
    `episode <slug>`, or the built file when `docs_dir` has none), what it fetches elsewhere}
    for each page that does. Raises OSError for a file that cannot be read."""
    found: dict[str, list[str]] = {}
    for path in sorted(Path(site_dir).rglob("*.html")):
        requests = page_requests(path.read_text(encoding="utf-8", errors="replace"),
                                 own_host=own_host, allowed=allowed, repo_url=repo_url)
        if requests:
            found[_source(path.relative_to(site_dir).as_posix(), docs_dir)] = requests
    return found
