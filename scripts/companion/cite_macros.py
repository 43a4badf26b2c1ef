"""Macros for citing the course and episodes: `cite()`. (Owned by the lecturer tools, issue 4.)"""

from __future__ import annotations

from typing import Any


def register(env: Any) -> None:
    """Placeholder until the lecturer tools land."""
