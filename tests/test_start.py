"""`scripts/start`: installs only when pyproject.toml changed since the last install, says what it
does while it installs, and otherwise goes straight to `verbind serve`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
INSTALL_LINE = "Verbind wordt geïnstalleerd"


def checkout(tmp_path: Path) -> Path:
    """A copy of the script and pyproject.toml, with a .venv whose python records how it was
    called (instead of running pip on this machine's environment) and whose verbind prints its
    arguments."""
    root = tmp_path / "verbind"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "start", root / "scripts" / "start")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\necho "$*" >> "{root}/pip-calls"\n', encoding="utf-8")
    verbind = bin_dir / "verbind"
    verbind.write_text('#!/bin/sh\necho "verbind $*"\n', encoding="utf-8")
    python.chmod(0o755)
    verbind.chmod(0o755)
    return root


def start(root: Path, *args: str) -> str:
    """Run scripts/start; its output (it must succeed)."""
    result = subprocess.run(
        ["bash", str(root / "scripts" / "start"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def pip_calls(root: Path) -> list[str]:
    calls = root / "pip-calls"
    return calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []


def test_start_installs_once_then_serves_at_once(tmp_path: Path) -> None:
    """The first start says it installs and runs pip, then serves; a second start serves
    without installing; a changed pyproject.toml installs again."""
    root = checkout(tmp_path)
    first = start(root, "--port", "8080")
    assert INSTALL_LINE in first
    assert pip_calls(root) == ["-m pip install --disable-pip-version-check --progress-bar off -e ."]
    assert first.rstrip().endswith("verbind serve --port 8080")
    second = start(root, "--port", "8080")
    assert second == "verbind serve --port 8080\n"
    assert len(pip_calls(root)) == 1
    with (root / "pyproject.toml").open("a", encoding="utf-8") as changed:
        changed.write("\n# a new dependency\n")
    assert INSTALL_LINE in start(root)
    assert len(pip_calls(root)) == 2


def test_start_after_the_test_script_does_not_install_again() -> None:
    """scripts/test installs a superset of what scripts/start needs and notes it, so on this
    checkout (set up by scripts/test) scripts/start goes straight to `verbind serve`."""
    noted = ROOT / ".venv" / ".verbind-pyproject.toml"
    if not noted.exists() or noted.read_bytes() != (ROOT / "pyproject.toml").read_bytes():
        pytest.skip(".venv was not installed by this scripts/test (run scripts/test)")
    result = subprocess.run(
        [str(ROOT / "scripts" / "start"), "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert INSTALL_LINE not in result.stdout
    assert "verbind serve" in result.stdout
