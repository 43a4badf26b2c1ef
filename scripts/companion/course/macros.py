"""mkdocs-macros entry point (`module_name` in mkdocs.yml): registers the macros course pages use.

Each family of macros lives in its own module; this file only wires them in, so that
mkdocs-macros sees one `define_env`.
"""

from __future__ import annotations

from typing import Any

from companion.course import cite_macros, course_macros, figures
from companion.site import episode_macros


def define_env(env: Any) -> None:
    """mkdocs-macros' entry point: register the episode, citation, course and figure macros."""
    episode_macros.register(env)
    cite_macros.register(env)
    course_macros.register(env)
    figures.register(env)
