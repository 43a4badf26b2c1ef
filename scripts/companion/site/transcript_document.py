"""The published `transcript.html`: the Podcasting 2.0 HTML transcript as a whole web page.

The pipeline writes `episodes/<slug>/transcript.html` as the Podcasting 2.0 HTML form (`<cite>`
speaker, `<time>` start, `<p>` text; companion.pipeline.formats.to_html). Published as it is, the
episode page's link opened a bare fragment: no `<title>` (a tab named by its address), no `lang`
(a screen reader guesses the language), and none of the crisis lines every page of this site
carries. Here it becomes a document with all three, and with the "education, not therapy" line.

Podcast apps read the same file (`companion feed-tags` points `<podcast:transcript type="text/html">`
here), so the transcript's `<cite>`, `<time>` and `<p>` stay direct children of `<body>`, in order,
and nothing else in the body is one of those three (the crisis lines are a list in a `<nav>`, the
title an `<h1>`): converters that walk the body's children (podcast-transcript-convert, after the
spec's own HTML example) read exactly the transcript's segments.
"""

from __future__ import annotations

import re
from typing import Any

from companion.sanitise import text

PREAMBLE = re.compile(r'\A\s*<meta charset="utf-8">\s*', re.I)   # the pipeline's bare-file charset line


def _phone(number: str) -> str:
    return f'<a href="tel:{text(number.replace(" ", ""))}">{text(number)}</a>'


def crisis_lines_html(help_data: dict[str, Any], get_help_href: str) -> str:
    """The help bar's lines (data/help.yml: emergency, the services marked `bar`, the international
    directory) and a link to every option, as a `<nav>` holding a list (never a `<p>`: see above)."""
    emergency = help_data["emergency"]
    items = [f"<li>{text(emergency['name'])} {_phone(emergency['phone'])}</li>"]
    for service in help_data["services"]:
        if service.get("bar"):
            sms = (f' (text <a href="sms:{text(service["text"].replace(" ", ""))}">{text(service["text"])}</a>)'
                   if service.get("text") else "")
            items.append(f"<li>{text(service['name'])} {_phone(service['phone'])}{sms}</li>")
    international = help_data["international"]
    items.append(f'<li>Outside Australia: <a href="{text(international["url"])}">{text(international["label"])}</a></li>')
    items.append(f'<li><a href="{text(get_help_href)}">All help options</a></li>')
    return (f'<nav aria-label="Crisis help"><strong>{text(help_data["title"])}</strong>'
            f'<ul>{"".join(items)}</ul></nav>')


def transcript_document(fragment: str, *, title: str, site_name: str, help_data: dict[str, Any],
                        episode_href: str, get_help_href: str, icon_href: str) -> str:
    """`fragment` (the pipeline's Podcasting 2.0 HTML transcript) as a whole HTML document:
    `<title>` "Transcript: <title> | <site_name>", `lang="en"`, UTF-8, the crisis lines before the
    transcript and the not-therapy line after it. `title` and `site_name` are plain text (escaped
    here); `episode_href` and `get_help_href` are where the episode page and the Get help page are,
    from the transcript's own address (absolute when the site has a `site_url`, so a saved copy's
    links still work); `icon_href` is the site's favicon (without one a browser asks the host's
    root for /favicon.ico, a 404 on a project site)."""
    body = PREAMBLE.sub("", fragment).strip()
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="icon" href="{text(icon_href)}">\n'
        f"<title>Transcript: {text(title)} | {text(site_name)}</title>\n</head>\n<body>\n"
        f"<h1>Transcript: {text(title)}</h1>\n"
        + crisis_lines_html(help_data, get_help_href) + "\n"
        + body + "\n"
        f'<footer><small>Machine-made and may contain errors. <a href="{text(episode_href)}">Listen on '
        f'the episode page</a>. This site is for education, not therapy. It does not give treatment, '
        f'diagnosis or crisis support: <a href="{text(get_help_href)}">Get help</a>.</small></footer>\n'
        "</body>\n</html>\n"
    )
