"""What a maintainer can switch on that makes Material ask another host from every reader's
browser (companion.site.third_party): a Mermaid diagram (unpkg.com), theme fonts (Google Fonts),
analytics (googletagmanager.com), CDN scripts and emoji images, the repository's facts
(api.github.com). Each is refused by the build naming what to change; what the check says a page
loads is what Chromium asks for; social links and a GitHub repo_url ask nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from companion.site.static_server import StaticServer
from companion.site.third_party import page_requests
from site_support import DEPLOY_PATH, build, copy_project, set_site_url

LOCAL = {"127.0.0.1", "localhost"}
FENCE = """  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""
GITHUB = "https://github.com/fall-from-grace/companion"


def _project(root: Path, page: str = "", config: str = "") -> Path:
    """A scratch copy of the project with docs/extra.md holding `page` (in the nav) and
    `config` appended to mkdocs.yml, or replacing a line when written `old => new`."""
    project = copy_project(root / "project")
    mkdocs = project / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8").replace(
        "  - About: about.md\n", "  - About: about.md\n  - Extra: extra.md\n")
    for change in filter(None, config.split("\n---\n")):
        if " => " in change:
            old, new = change.split(" => ")
            assert old in text, old
            text = text.replace(old, new)
        else:
            text += "\n" + change + "\n"
    mkdocs.write_text(text, encoding="utf-8")
    (project / "docs" / "extra.md").write_text("# Extra\n\n" + page + "\n", encoding="utf-8")
    return project


def _refusal(project: Path) -> str:
    with pytest.raises(AssertionError) as failed:
        build(project, project.parent / "site")
    return " ".join(str(failed.value).split())


@pytest.mark.subprocess
@pytest.mark.parametrize("page, config", [
    ("```mermaid\ngraph LR\n  A --> B\n```", "  - pymdownx.superfences\n => " + FENCE),
    ('<pre class="mermaid"><code>graph LR\n  A --> B</code></pre>', ""),
    ('<div class="mermaid">graph LR\n  A --> B</div>', ""),
], ids=["fence", "raw-pre", "raw-div"])
def test_a_mermaid_diagram_is_refused_naming_its_page(tmp_path, page, config) -> None:
    """Material's bundle loads mermaid.min.js from unpkg.com for a page holding `pre.mermaid`
    (seen in Chromium: the page asked 127.0.0.1 and unpkg.com); the build went through."""
    said = _refusal(_project(tmp_path, page, config))
    assert "docs/extra.md: a Mermaid diagram" in said and "unpkg.com" in said


@pytest.mark.subprocess
def test_companion_build_checks_what_its_engine_rendered(tmp_path, monkeypatch, capsys) -> None:
    """`companion build` renders a staged tree with none of our plugins: the rendered site is
    checked, so a diagram is refused whatever engine drew the page."""
    from companion import cli

    project = _project(tmp_path, '<pre class="mermaid"><code>graph LR\n  A --> B</code></pre>')
    monkeypatch.chdir(project)
    assert cli.main(["build"]) != 0
    said = " ".join(capsys.readouterr().err.split())
    assert "docs/extra.md: a Mermaid diagram" in said and "unpkg.com" in said
    assert not (project / "site" / "pagefind").exists()             # refused before indexing


@pytest.mark.subprocess
@pytest.mark.parametrize("config, page, expected", [
    ("font: false  => font: {text: Roboto} ", "", "theme.font loads Google Fonts"),
    ("extra:\n => extra:\n  analytics:\n    provider: google\n    property: G-XXXXXXX\n"
     "    feedback:\n      title: Was this page helpful?\n", "", "www.googletagmanager.com"),
    ("extra_javascript:\n => extra_javascript:\n  - https://cdn.jsdelivr.net/npm/x@1/x.min.js\n",
     "", "extra_javascript lists https://cdn.jsdelivr.net/npm/x@1/x.min.js"),
    ("markdown_extensions:\n => markdown_extensions:\n  - pymdownx.emoji\n", "Well done :smile:",
     "docs/extra.md: <img src=\"https://cdnjs.cloudflare.com/ajax/libs/emojione/"),
    ('repo_url: "" => repo_url: "' + GITHUB + '"', "", "data-md-component=\"source\""),
    ("", '<img src="https://tracker.example/pixel.gif" alt="">', "loads it from tracker.example"),
], ids=["font", "analytics-feedback", "cdn-script", "emoji-cdn", "repo-facts", "raw-img"])
def test_what_reaches_another_host_is_refused_by_the_build(tmp_path, config, page, expected) -> None:
    project = _project(tmp_path, page, config)
    if "repo_url" in config:                     # Material's own source partial, as if deleted
        (project / "overrides" / "partials" / "source.html").unlink()
    assert expected in _refusal(project)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The project with social links and a GitHub repository, built under /repo/ and served."""
    root = tmp_path_factory.mktemp("third-party")
    project = _project(root, "Plain words.", 'repo_url: "" => repo_url: "' + GITHUB + '"\n---\n'
                       "extra:\n => extra:\n  social:\n    - icon: fontawesome/brands/mastodon\n"
                       "      link: https://mastodon.social/@ffg\n"
                       "    - icon: fontawesome/brands/github\n      link: " + GITHUB + "\n")
    www = root / "www"
    server = StaticServer(www).start()
    set_site_url(project, f"{server.url}/{DEPLOY_PATH}")
    build(project, www / DEPLOY_PATH.strip("/"))
    yield server, www / DEPLOY_PATH.strip("/")
    server.close()


def _hosts(browser, url: str) -> set[str]:
    """Every host Chromium asks while loading `url` (requests elsewhere are aborted, not sent)."""
    context = browser.new_context()
    hosts: set[str] = set()
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname
                  in LOCAL else route.abort())
    page = context.new_page()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or r.url.split(":")[0]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    context.close()
    return hosts - {"data", "blob"}


@pytest.mark.browser
def test_social_links_and_a_github_repository_ask_no_other_host(browser, deployed) -> None:
    server, site = deployed
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="md-social__link"' in html and f'href="{GITHUB}"' in html
    for path in ("", "extra/", "glossary/"):
        assert _hosts(browser, f"{server.url}/{DEPLOY_PATH}{path}") == {"127.0.0.1"}


@pytest.mark.browser
@pytest.mark.parametrize("added, host", [
    ('<pre class="mermaid"><code>graph LR\n  A --> B</code></pre>', "unpkg.com"),
    ('<img src="https://tracker.example/p.gif" alt="">', "tracker.example"),
    ("<script>var s = document.createElement('script'); s.src = 'https://www.googletagmanager.com/"
     "gtag/js?id=G-1'; document.head.append(s);</script>", "www.googletagmanager.com"),
    ('<p style="background: url(//images.example/b.png)">x</p>', "images.example"),
], ids=["mermaid", "img", "script", "style"])
def test_what_the_check_names_is_what_chromium_asks_for(browser, deployed, tmp_path, added, host) -> None:
    """A built page with one thing added: Chromium asks exactly the host the check names, so
    the check is Material's and the browser's behaviour, not a guess."""
    server, site = deployed
    page_file = site / "extra" / "index.html"
    original = page_file.read_text(encoding="utf-8")
    assert page_requests(original, own_host="127.0.0.1") == []
    changed = original.replace("<p>Plain words.</p>", "<p>Plain words.</p>" + added)
    try:
        page_file.write_text(changed, encoding="utf-8")
        asked = _hosts(browser, f"{server.url}/{DEPLOY_PATH}extra/") - {"127.0.0.1"}
    finally:
        page_file.write_text(original, encoding="utf-8")
    assert asked == {host}
    named = page_requests(changed, own_host="127.0.0.1")
    assert len(named) == 1 and (host in named[0] or (host == "unpkg.com" and "Mermaid" in named[0]))
