"""`verbind serve` on a port that is already taken: one Dutch line saying what to do."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from tests.serving import FOREIGN_SETTINGS, start_serve


def test_a_port_in_use_is_one_dutch_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    """With the port taken by another listener, serve exits non-zero with one line naming the
    port, `--port`, VERBIND_PORT and stopping the other server, and shows no traceback."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_SETTINGS}
    env["VERBIND_DATA_DIR"] = str(tmp_path / "data")
    log = tmp_path / "serve.log"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start_serve(port, env, log)
        code = process.wait(timeout=60)
    output = log.read_text(encoding="utf-8").strip()
    assert code != 0
    assert "Traceback" not in output
    [line] = output.splitlines()
    assert f"poort {port}" in line
    assert "--port" in line
    assert "VERBIND_PORT" in line
    assert "stop de andere server" in line
