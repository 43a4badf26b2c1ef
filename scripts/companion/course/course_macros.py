"""Macros that show the course's reading and listening times: `module_times()`, `course_minutes()`.

They read the times the `companion-course` plugin worked out at `on_files` (see course_time.py),
the same figures each module's header shows, so the home page, the course index and the
lecturers' table always agree with the modules.
"""

from __future__ import annotations

import posixpath
from typing import Any

PLUGIN = "companion-course"


def _modules(env: Any) -> list[Any]:
    plugin = env.conf.plugins.get(PLUGIN)
    if plugin is None:
        raise KeyError(f"module_times() needs the {PLUGIN} plugin in mkdocs.yml.")
    return sorted(plugin.modules.values(), key=lambda m: m.number)


def span(low: int, high: int, unit: str = "") -> str:
    """'12–21' (or '12' when both ends agree), with an optional unit after it."""
    text = f"{low}" if low == high else f"{low}–{high}"
    return f"{text} {unit}".rstrip()


def totals(modules: list[Any]) -> dict[str, list[int]]:
    """Sum of [low, high] reading and listening minutes over the modules."""
    out = {"reading": [0, 0], "listening": [0, 0]}
    for module in modules:
        for key, field in (("reading", "reading_minutes"), ("listening", "listening_minutes")):
            out[key] = [out[key][0] + module.meta[field][0], out[key][1] + module.meta[field][1]]
    return out


def _link(env: Any, src_uri: str) -> str:
    here = posixpath.dirname(env.page.file.src_uri) if env.page is not None else ""
    return posixpath.relpath(src_uri, here or ".")


def register(env: Any) -> None:
    """Add the course's time macros to the mkdocs-macros `env`: module_times() (a table of each
    module's reading and listening minutes), course_minutes() and course_total_minutes()."""
    @env.macro
    def module_times() -> str:
        """A Markdown table: each module's reading and listening minutes, and the totals."""
        modules = _modules(env)
        rows = ["| Module | Reading (min) | Listening (min) |", "|---|---|---|"]
        for module in modules:
            title = str(module.meta["title"]).split(": ", 1)[-1]
            rows.append(f"| [{module.number}: {title}]({_link(env, module.src_uri)}) | "
                        f"{span(*module.meta['reading_minutes'])} | "
                        f"{span(*module.meta['listening_minutes'])} |")
        sums = totals(modules)
        rows.append(f"| **Total** | **{span(*sums['reading'])}** | **{span(*sums['listening'])}** |")
        return "\n" + "\n".join(rows) + "\n"

    @env.macro
    def course_minutes(what: str = "reading") -> str:
        """'12–26 minutes': the shortest module's low end to the longest module's high end."""
        field = f"{what}_minutes"
        modules = _modules(env)
        if not modules:
            return "a few minutes"
        low = min(m.meta[field][0] for m in modules)
        high = max(m.meta[field][1] for m in modules)
        return span(low, high, "minutes")

    @env.macro
    def course_total_minutes(what: str = "reading") -> str:
        """'85–147 minutes': the whole course's reading (or listening) time."""
        return span(*totals(_modules(env))[what], "minutes")
