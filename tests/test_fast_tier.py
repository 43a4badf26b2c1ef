"""The fast tier (`make test-fast`) keeps its promise: a test that reaches for the network, a program
or the model fails there loudly, even when the code under test swallows the error, and a test that
carries its marker is left to the full suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

MISCLASSIFIED = '''
import socket, subprocess, sys
import pytest

def test_pure():
    assert sorted([3, 1, 2]) == [1, 2, 3]

def test_a_swallowed_connect():
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    except BaseException:          # even this cannot hide it
        pass

def test_a_program():
    subprocess.run([sys.executable, "-c", "pass"], check=False)

def test_a_name_lookup():
    try:
        socket.getaddrinfo("feeds.example.org", 443)
    except Exception:
        pass

def test_a_model_load():
    from faster_whisper import WhisperModel
    try:
        WhisperModel("tiny.en", local_files_only=True)
    except Exception:
        pass

@pytest.mark.network
def test_marked_network():
    socket.create_connection(("127.0.0.1", 9), timeout=1)
'''


@pytest.mark.subprocess
def test_the_fast_tier_fails_what_reaches_outside_it_and_leaves_marked_tests_out(tmp_path: Path) -> None:
    (tmp_path / "test_misclassified.py").write_text(MISCLASSIFIED)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider",
                          "--fast", "-q", "-rA", "--rootdir", str(tmp_path), str(tmp_path)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "1 passed" in out and "1 deselected" in out, out
    for name, why in [("test_a_swallowed_connect", "connects to ('127.0.0.1', 9) (marker `network`)"),
                      ("test_a_program", "(marker `subprocess`)"),
                      ("test_a_name_lookup", "looks up the name 'feeds.example.org' (marker `network`)"),
                      ("test_a_model_load", "loads the model 'tiny.en' (marker `model`)")]:
        assert f"test_misclassified.py::{name} is in the fast tier but" in out, (name, out)
        assert why in out, (name, out)
    assert "PASSED test_misclassified.py::test_pure" in out
