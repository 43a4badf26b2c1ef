"""Macros about episodes: `listen()`, episode cards and lists. (Owned by the site work, issue 3.)"""

from __future__ import annotations

from typing import Any


def register(env: Any) -> None:
    """Placeholder until the site work lands: `listen()` renders a plain note."""

    @env.macro
    def listen(episode: Any, start: str = "", end: str = "", label: str = "") -> str:
        span = f" ({start}–{end})" if start and end else ""
        return f'!!! note "Listen"\n    {label}: episode {episode}{span}, when it is published.\n'
