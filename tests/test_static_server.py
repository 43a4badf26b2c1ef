"""The project's static server (demo, tests): UTF-8 named for every text download, the site's 404 page."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from companion.pipeline import formats as tf
from companion.site.static_server import StaticServer

SEGMENTS = [{"startTime": 0.0, "endTime": 4.0, "body": "We met at the café near the harbour.", "speaker": "Mā"},
            {"startTime": 45.0, "endTime": 49.0, "body": "Te reo Māori, naïve résumé.", "speaker": "Tony"}]


@pytest.fixture
def served(tmp_path: Path):
    root = tmp_path / "site"
    (root / "episodes" / "x").mkdir(parents=True)
    folder = root / "episodes" / "x"
    (folder / "transcript.html").write_text(tf.to_html(SEGMENTS), encoding="utf-8")
    (folder / "transcript.txt").write_text(tf.to_txt(SEGMENTS), encoding="utf-8")
    (folder / "transcript.vtt").write_text(tf.to_vtt(SEGMENTS), encoding="utf-8")
    (folder / "transcript.srt").write_text(tf.to_srt(SEGMENTS), encoding="utf-8")
    (folder / "transcript.json").write_text('{"segments": []}', encoding="utf-8")
    (root / "404.html").write_text("<!doctype html><title>Page not found</title><h1>Not here — sorry</h1>", encoding="utf-8")
    server = StaticServer(root).start()
    yield server
    server.close()


@pytest.mark.parametrize("name,kind", [("transcript.html", "text/html"), ("transcript.txt", "text/plain"),
                                       ("transcript.vtt", "text/vtt"), ("transcript.srt", "application/x-subrip"),
                                       ("transcript.json", "application/json")])
@pytest.mark.network
def test_text_downloads_are_sent_as_utf8(served: StaticServer, name: str, kind: str) -> None:
    with urllib.request.urlopen(f"{served.url}/episodes/x/{name}") as response:
        assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
        body = response.read().decode(response.headers.get_content_charset())
    if name == "transcript.txt":
        assert body.startswith("[0:00] Mā: We met at the café") and "\n\n[0:45] Tony: " in body


@pytest.mark.network
def test_missing_page_gets_the_sites_404(served: StaticServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{served.url}/no/such/page/")
    assert caught.value.code == 404
    assert caught.value.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Not here — sorry" in caught.value.read().decode("utf-8")


@pytest.mark.network
def test_audio_keeps_its_type_and_ranges(served: StaticServer, tmp_path: Path) -> None:
    (served.root / "a.mp3").write_bytes(b"\xff\xfb" + bytes(1000))
    request = urllib.request.Request(f"{served.url}/a.mp3", headers={"Range": "bytes=10-19"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 206 and response.headers["Content-Type"] == "audio/mpeg"
        assert len(response.read()) == 10


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_companion_serve_names_utf8_too(engine: str) -> None:
    """`companion serve` runs the engine's live-reload server through companion.site.serve_utf8."""
    import importlib
    import inspect

    from companion.site import serve_utf8, build as site

    serve_utf8.name_utf8(engine)
    serve_utf8.name_utf8(engine)                                    # twice: still one wrapper
    server = importlib.import_module(f"{engine}.livereload").LiveReloadServer
    assert server._guess_type("site/episodes/x/transcript.txt") == "text/plain; charset=utf-8"
    assert server._guess_type("site/index.html") == "text/html; charset=utf-8"
    assert server._guess_type("site/media/a.mp3") == "audio/mpeg"
    assert '"companion.site.serve_utf8", engine, "serve"' in inspect.getsource(site.serve_site)
