"""What a run left in `episodes/`, read the way the site and the course read it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from companion.catalogue import Catalogue


def episode_records(episodes_dir: Path) -> list[dict[str, Any]]:
    """Every `episode.json` under `episodes_dir` as a plain JSON object, newest first (undated
    ones where the feed listed them): `Catalogue.load`, the public reader, so a test sees what a
    build would. Raises CatalogueError for a record the site could not be built from."""
    return [episode.to_json() for episode in Catalogue.load(episodes_dir)]
