"""The page left at a renamed episode folder's old address, leading to its new one.

A maintainer may rename `episodes/<slug>/` (a typo in the title's words); sync keeps the old name
in episode.json (`former_slugs`), and every build writes this page at `episodes/<old>/`, as
mkdocs-redirects writes its pages: a static host (GitHub Pages) has no redirects of its own.
The page goes on at once, keeping the query and the fragment (`#t=12:30`, a lecturer's link to
a moment); a browser without JavaScript follows the meta refresh (to the page, without the
moment) and a reader sees the link, with the crisis lines every page has. Search engines are told the new address (canonical) and not
to index this one.
"""

from __future__ import annotations

import html
import json


def redirect_page(target: str, title: str, *, crisis_lines: str, get_help_href: str,
                  canonical: str = "") -> str:
    """The HTML of a page that leads to `target` (a URL relative to the old address, e.g.
    `../2025-12-01-first/`, so it works under any site_url path), naming the episode `title`
    (plain text); `crisis_lines` is the help bar's HTML (transcript_document.crisis_lines_html)
    and `get_help_href` the Get help page, from the old address; `canonical` is the new page's
    absolute URL when the site has a site_url."""
    href = html.escape(target, quote=True)
    # json.dumps makes a JavaScript string; "</" is broken up so no text closes the script.
    script_target = json.dumps(target).replace("</", "<\\/")
    canonical_link = (f'<link rel="canonical" href="{html.escape(canonical, quote=True)}">\n'
                      if canonical else "")
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Moved: {html.escape(title)}</title>\n"
        "<meta name=\"robots\" content=\"noindex\">\n"
        f"{canonical_link}"
        f"<script>location.replace({script_target} + location.search + location.hash);</script>\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n"
        "</head>\n<body>\n"
        f"<div data-ffg-help>{crisis_lines}</div>\n"
        f"<p>This episode's page has moved: <a href=\"{href}\">{html.escape(title)}</a>.</p>\n"
        "<footer data-ffg-disclaimer><small>This site is for education, not therapy. It does not "
        "give treatment, diagnosis or crisis support: "
        f"<a href=\"{html.escape(get_help_href, quote=True)}\">Get help</a>.</small></footer>\n"
        "</body>\n</html>\n"
    )
