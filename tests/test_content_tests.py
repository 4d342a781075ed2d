"""Content tests in YAML: the shipped ones pass and cover every path; wrong ones are located."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dialogs.contenttest import (
    ContentTest,
    ContentTestResult,
    load_content_tests,
    profession_variants,
    run_content_test,
    run_content_tests,
)
from knowledge import KnowledgeBase, load_knowledge
from knowledge.engine import outcome_paths
from knowledge.loader import DEFAULT_CONTENT
from tests.conftest import EXAMPLES, TESTS

WRONG = TESTS / "content" / "wrong-tests"
_EXPECT = re.compile(r"^# expect: (.+)$", re.MULTILINE)
SHIPPED = load_knowledge()
SHIPPED_TESTS, SHIPPED_PROBLEMS = load_content_tests(DEFAULT_CONTENT)


def run_verbind(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )


def test_shipped_test_files_are_well_formed() -> None:
    """The shipped content tests load without problems, and there are path tests for each tree."""
    assert SHIPPED_PROBLEMS == []
    names = {t.name for t in SHIPPED_TESTS}
    for tree in SHIPPED.trees:
        assert any(n.startswith(f"{tree}") for n in names), tree


@pytest.mark.parametrize("test", SHIPPED_TESTS, ids=lambda t: t.name)
async def test_shipped_content_test_passes(test: ContentTest) -> None:
    """Each shipped content test passes through the real conversation core."""
    result = await run_content_test(SHIPPED, test)
    assert result.failures == (), "\n".join(str(f) for f in result.failures)


@pytest.fixture(scope="module")
def shipped_results() -> list[ContentTestResult]:
    """Every shipped content test, run once."""
    return asyncio.run(run_content_tests(SHIPPED, SHIPPED_TESTS))


def test_every_path_of_every_tree_has_a_content_test(
    shipped_results: list[ContentTestResult],
) -> None:
    """Each root-to-outcome path, per profession the tree reads differently for, is walked."""
    walked = {v for r in shipped_results if r.passed for v in r.visited}
    missing = [
        f"{tree.id} ({profession or '-'}): {'/'.join(answers) or 'start'} -> {end}"
        for tree in SHIPPED.trees.values()
        for profession in profession_variants(tree)
        for answers, end in outcome_paths(tree)
        if (tree.id, answers, profession) not in walked
    ]
    assert missing == [], "paths without a content test (run scripts/generate_path_tests.py)"


def test_the_coverage_check_can_fail() -> None:
    """Without the generated tests, the paths they walk count as uncovered."""
    hand_written = [t for t in SHIPPED_TESTS if t.location.file == "tests/gesprek.yaml"]
    results = asyncio.run(run_content_tests(SHIPPED, hand_written))
    walked = {v for r in results for v in r.visited}
    tree = SHIPPED.trees["bijzondere-vormen"]
    assert all((tree.id, a, None) not in walked for a, _ in outcome_paths(tree))


def test_example_content_tests_pass(examples: KnowledgeBase) -> None:
    """The example content's own tests pass, each expectation kind used once."""
    tests, problems = load_content_tests(EXAMPLES)
    assert problems == []
    assert len(tests) == 2
    results = asyncio.run(run_content_tests(examples, tests))
    assert [r.failures for r in results] == [(), ()]


def _content_with(tmp_path: Path, example: Path) -> Path:
    """A copy of the example content whose only test file is ``example``."""
    root = tmp_path / "content"
    shutil.copytree(EXAMPLES, root)
    for file in (root / "tests").glob("*.yaml"):
        file.unlink()
    shutil.copy(example, root / "tests" / example.name)
    return root


@pytest.mark.parametrize("example", sorted(WRONG.glob("*.yaml")), ids=lambda p: p.stem)
def test_wrong_content_test_reports_located_failures(tmp_path: Path, example: Path) -> None:
    """A wrong test fails with exactly the file:line: test-name: messages it declares."""
    expected = _EXPECT.findall(example.read_text(encoding="utf-8"))
    assert expected, f"{example.name} declares no '# expect:' line"
    result = run_verbind("test-content", "--content", str(_content_with(tmp_path, example)))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    found = [line for line in result.stderr.splitlines() if line.startswith("tests/")]
    assert found == expected


def test_test_content_command_passes_on_shipped_content() -> None:
    """`verbind test-content` runs the shipped tests, prints a summary and exits 0."""
    result = run_verbind("test-content")
    assert result.returncode == 0, result.stderr
    count = len(SHIPPED_TESTS)
    assert f"{count} inhoudstests: {count} geslaagd, 0 mislukt." in result.stdout


def test_test_content_without_tests_says_so(tmp_path: Path) -> None:
    """Content without a tests folder is no failure; the command says nothing was found."""
    root = tmp_path / "content"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("tests"))
    result = run_verbind("--content", str(root), "test-content")
    assert result.returncode == 0
    assert "Geen inhoudstests gevonden" in result.stdout
