"""Shared fixtures: a fresh project folder, a podcast host on 127.0.0.1, the real clips."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from podcast_server import PodcastServer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
AUDIO = DATA / "audio"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (mkdocs.yml with a vocabulary, no feed) as the current directory."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "mkdocs.yml").write_text(
        "site_name: Test\nextra:\n  podcast:\n    feed: \"\"\n    vocabulary: [Torrens]\n")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def host(tmp_path: Path):
    """A podcast host serving `tmp_path/www`; copy audio into it with `host.add(name)`."""
    www = tmp_path / "www"
    www.mkdir()
    server = PodcastServer(www).start()

    def add(name: str, data: bytes | None = None, source: Path | None = None) -> str:
        target = www / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            target.write_bytes(data)
        else:
            shutil.copy(source or AUDIO / name, target)
        return f"{server.url}/{name}"

    server.add = add
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session (Playwright cannot download its own)."""
    from site_support import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def references() -> dict[str, str]:
    clips = json.loads((AUDIO / "references.json").read_text())["clips"]
    return {Path(c["file"]).name: c["reference"] for c in clips
            if c.get("reference") and c["kind"] != "model-output"}
