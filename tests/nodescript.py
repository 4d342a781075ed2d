"""One of the Node scripts of the browser tests (tests/browser, tests/cards), run on a plan."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

__all__ = ["run_script"]


def run_script(node: str, script: Path, plan: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Write ``plan`` as JSON, run ``node script PLAN`` in the script's folder and return the
    JSON summary it prints; a non-zero exit fails the test with the script's stderr."""
    path = tmp_path / f"{script.stem}-plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [node, str(script), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=script.parent,
    )
    assert result.returncode == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary
