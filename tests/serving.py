"""`verbind serve` as a real process for the tests that need one: a free port, the process with
its output in a log file, and the wait until it answers /healthz."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest

__all__ = [
    "FOREIGN_SETTINGS",
    "SERVER_START_LIMIT",
    "free_port",
    "start_serve",
    "wait_until_healthy",
]

SERVER_START_LIMIT = 60.0
"""A deadline for a server to answer /healthz; never asserted as a timing."""
FOREIGN_SETTINGS = (
    "VERBIND_WEB_PAGE",
    "VERBIND_CONTENT_DIR",
    "VERBIND_HOST",
    "VERBIND_PORT",
    "MicrosoftAppId",
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
)
"""Settings a developer's shell might carry that would change what `verbind serve` does."""


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_serve(port: int, env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `verbind serve --port PORT` with ``env``, stdout and stderr into ``log``."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until_healthy(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll /healthz until the server answers; fail with its output if it dies or never does."""
    deadline = time.monotonic() + SERVER_START_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"verbind serve ended early:\n{log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"verbind serve did not answer /healthz:\n{log.read_text(encoding='utf-8')}")
