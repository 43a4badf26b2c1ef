"""mkdocs-macros entry point (`modules` in mkdocs.yml): registers the macros course pages use.

Each family of macros lives in its own module, the episode macros in `site/`, the course's in
`course/`; this file only wires them in, so that mkdocs-macros sees one `define_env`. It sits
above both stages, so the course never imports the site.
"""

from __future__ import annotations

from typing import Any

from companion.course import cite_macros, course_macros, figures
from companion.site import episode_macros


def define_env(env: Any) -> None:
    """Register every macro on mkdocs-macros' `env` (or `site.generate`'s stand-in for it)."""
    episode_macros.register(env)
    cite_macros.register(env)
    course_macros.register(env)
    figures.register(env)
