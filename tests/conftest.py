"""Shared fixtures: a fresh project folder, a podcast host on 127.0.0.1, the real clips; and the
fast tier.

`pytest --fast` (`make test-fast`) runs only tests that need no model, no browser, no network (not
even 127.0.0.1) and no other program (an MkDocs build, ffmpeg, Pagefind, git): the tests marked
with none of `SLOW_MARKERS`. It also ENFORCES that: while the fast tier runs, a socket connect or
bind, a DNS lookup, a subprocess, or a Whisper model load raises `OutsideFastTier` and fails the
test that did it, even when the code under test catches exceptions, so a test without its marker
cannot hide there.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any, Callable

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


@pytest.fixture
def http_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait `companion.pipeline.http` asks for (back-off, Retry-After), in seconds, in order,
    still slept for real: a test asserts how long the code chose to wait, which a busy machine
    does not change, instead of timing the wall clock, which it does."""
    import time
    import types

    from companion.pipeline import http

    asked: list[float] = []

    def sleep(seconds: float) -> None:
        asked.append(seconds)
        time.sleep(seconds)

    monkeypatch.setattr(http, "time", types.SimpleNamespace(sleep=sleep, monotonic=time.monotonic))
    return asked


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


# ---- the fast tier ----------------------------------------------------------------------------

SLOW_MARKERS = {
    "model": "runs the real Whisper model",
    "browser": "drives headless Chromium",
    "network": "opens a socket, even to 127.0.0.1 (the podcast host, a served site)",
    "subprocess": "runs another program: an MkDocs build, ffmpeg, Pagefind, git, the CLI",
}
# Fixtures that imply a marker: a test that asks for them, even through another fixture, is marked
# without saying so (pytest ignores marks written on a fixture: pytest-dev/pytest#1368, #4296).
FIXTURE_MARKERS = {"host": "network", "browser": "browser", "course_site": "subprocess",
                   "course_site_absolute": "subprocess", "course_site_deployed": "subprocess"}
_violations: list[str] = []


class OutsideFastTier(BaseException):
    """Raised by the fast tier's guards. A BaseException, so `except Exception` in the code under
    test (an error boundary, a doctor check) cannot swallow it; each is also recorded, so even
    `except BaseException` cannot hide it."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fast", action="store_true",
                     help="the fast tier: only tests with none of the markers " + ", ".join(SLOW_MARKERS)
                     + "; a socket, DNS lookup, subprocess or model load fails the test")


def pytest_configure(config: pytest.Config) -> None:
    for name, what in SLOW_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {what}")
    if config.getoption("--fast"):
        _install_guards()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
    if not config.getoption("--fast"):
        return
    slow = [i for i in items if any(i.get_closest_marker(m) for m in SLOW_MARKERS)]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [i for i in items if i not in set(slow)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Fail the phase (setup for the test's fixtures, call for its body) that reached outside the
    fast tier, even when the code under test swallowed the guard's exception."""
    outcome = yield
    if _violations:
        found, _violations[:] = list(dict.fromkeys(_violations)), []
        report = outcome.get_result()
        report.outcome = "failed"
        report.longrepr = _outside_message(item.nodeid, found)


FAST_TEST_S = 3.0       # a fast-tier test taking longer (wall clock) is named at the end of the run


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """In the fast tier, name the tests that took long, so the tier stays fast as tests are added
    (a report, not a failure: wall time depends on the machine's load)."""
    if not config.getoption("--fast"):
        return
    slow = sorted(((r.duration, r.nodeid) for key in ("passed", "failed")
                   for r in terminalreporter.stats.get(key, []) if r.when == "call"
                   and r.duration > FAST_TEST_S), reverse=True)
    if slow:
        terminalreporter.write_sep("-", f"fast-tier tests over {FAST_TEST_S:.0f} s: keep them lean")
        for duration, nodeid in slow:
            terminalreporter.write_line(f"{duration:6.1f} s  {nodeid}")


def _outside_message(nodeid: str, found: list[str]) -> str:
    return (f"{nodeid} is in the fast tier but {'; '.join(found)}. Mark it (or its "
            f"module) with the matching marker ({', '.join(SLOW_MARKERS)}), or test the pure "
            "function beside it instead.")


def _refuse(marker: str, what: str) -> OutsideFastTier:
    message = f"{what} (marker `{marker}`)"
    _violations.append(message)
    return OutsideFastTier(message)


def _guarded(marker: str, describe: Callable[..., str]) -> Callable[..., Any]:
    def guard(*args: Any, **kwargs: Any) -> Any:
        raise _refuse(marker, describe(*args, **kwargs))
    return guard


def _install_guards() -> None:
    """Patch, for this test process only, the doors out of the fast tier."""
    socket.socket.connect = _guarded("network", lambda s, address: f"connects to {address!r}")
    socket.socket.connect_ex = _guarded("network", lambda s, address: f"connects to {address!r}")
    socket.socket.bind = _guarded("network", lambda s, address: f"listens on {address!r}")
    lookup = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        """A literal address, in any form inet_aton reads ("127.1", "2130706434"), resolves to
        itself with no query sent, and "localhost" from the hosts file (RFC 6761, 6.3); any other
        name would ask DNS."""
        text = host.decode() if isinstance(host, bytes) else str(host)
        if text.lower() == "localhost":
            return lookup(host, *args, **kwargs)
        try:
            ipaddress.ip_address(text)
        except ValueError:
            try:
                socket.inet_aton(text)
            except OSError:
                raise _refuse("network", f"looks up the name {host!r}") from None
        return lookup(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    subprocess.Popen._execute_child = _guarded(       # every subprocess.run/call/check_output/Popen
        "subprocess", lambda self, args, *rest: f"runs {_program(args)}")
    os.system = _guarded("subprocess", lambda command: f"runs {command.split()[0]!r}")
    for name in ("posix_spawn", "posix_spawnp"):
        if hasattr(os, name):
            setattr(os, name, _guarded("subprocess", lambda path, argv, *a, **k: f"runs {path!r}"))
    from faster_whisper import WhisperModel             # the model: loading it is what costs

    WhisperModel.__init__ = _guarded("model", lambda self, path, *a, **k: f"loads the model {path!r}")


def _program(args: Any) -> str:
    """The name of the program a subprocess call runs, for the failure message."""
    if isinstance(args, (str, bytes, os.PathLike)):
        args = os.fsdecode(args).split()[:1]
    return repr(Path(os.fsdecode(next(iter(args), "?"))).name)
