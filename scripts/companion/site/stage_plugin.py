"""MkDocs plugin `companion-staged-toc`: the table of contents of a generated page, from its front matter.

A staged episode page (`companion.site.generate`) is one block of escaped HTML, so Markdown's `toc`
extension cannot see its chapter headings. The generate step writes the same table-of-contents
tokens the `companion-episodes` plugin builds (`companion_toc` in the page's front matter), and this
plugin hands them to MkDocs. It only shapes the right-hand contents list; no page content depends
on it. Zensical runs no MkDocs plugin, so under Zensical the list shows the page's `##` headings only
(`companion.site.render.engine_gaps` says so).
"""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

TOC_KEY = "companion_toc"


class StagedTocPlugin(BasePlugin):
    def on_page_content(self, html: str, *, page: Page, config: Any, files: Any) -> str:
        """MkDocs hook: give a staged page the table of contents generate wrote into its front matter
        (TOC_KEY), since the page's Markdown no longer holds those headings."""
        tokens = page.meta.get(TOC_KEY)
        if tokens:
            page.toc = get_toc(tokens)
        return html
