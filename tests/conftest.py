"""Shared fixtures: the shipped knowledge, the example content and a scripted chat."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from dialogs import Conversation, MemorySessionStore, Payload, Reply, Turn
from knowledge import KnowledgeBase, load_knowledge
from tests.pgcluster import pg_cluster, pg_dsn

__all__ = ["pg_cluster", "pg_dsn"]  # the PostgreSQL fixtures, for every test module

TESTS = Path(__file__).parent
EXAMPLES = TESTS / "content" / "examples"
BROKEN = TESTS / "content" / "broken"


def pytest_report_header() -> str:
    """How to fuzz longer than CI does (tests/test_fuzz.py)."""
    mode = os.environ.get("VERBIND_FUZZ_EXAMPLES") or "the fixed CI set"
    return (
        f"fuzz examples per channel: {mode}; for a longer random run: "
        "VERBIND_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py"
    )


SLOW_MODULES = frozenset({"test_fuzz", "test_instances", "test_canary", "test_playground"})
"""Modules that start servers, browsers or databases, or fuzz: marked ``slow``."""
SLOW_FIXTURES = frozenset({"pg_cluster", "pg_dsn"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests (whole modules above, browser tests, anything on a PostgreSQL
    cluster), so the development loop can run ``pytest -m "not slow"``; CI runs all."""
    for item in items:
        module = item.path.stem
        fixtures = set(getattr(item, "fixturenames", ()))
        if module in SLOW_MODULES or module.startswith("test_browser") or fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def teams_sdk() -> str:
    """The Teams adapter a test's app runs on: botbuilder, unless the test is parametrized over
    both (``both_teams_sdks``; tests/test_teams.py runs every test on both)."""
    return "botbuilder"


@pytest.fixture(scope="session")
def shipped() -> KnowledgeBase:
    """The content that ships with Verbind."""
    return load_knowledge()


@pytest.fixture(scope="session")
def examples() -> KnowledgeBase:
    """The small example content under tests/content/examples."""
    return load_knowledge(EXAMPLES)


class Chat:
    """Drives one conversation the way a channel would, keeping the last replies."""

    def __init__(self, conversation: Conversation, key: str = "test:1") -> None:
        self.conversation = conversation
        self.key = key
        self.replies: list[Reply] = []
        self.history: list[Reply] = []

    async def say(self, text: str) -> list[Reply]:
        """Type ``text``."""
        return await self._turn(Turn(key=self.key, channel="test", text=text))

    async def click(self, label: str) -> list[Reply]:
        """Tap the button labelled ``label`` in the last replies."""
        buttons = [b for r in self.replies for b in r.buttons if b.label == label]
        assert buttons, f"no button {label!r} in {self.labels}"
        return await self.press(buttons[-1].payload)

    async def press(self, payload: Payload) -> list[Reply]:
        """Send a button payload as is (also stale or forged ones)."""
        return await self._turn(Turn(key=self.key, channel="test", payload=payload))

    @property
    def labels(self) -> list[str]:
        """The button labels on offer in the last replies."""
        return [b.label for r in self.replies for b in r.buttons]

    @property
    def text(self) -> str:
        """All text of the last replies."""
        return "\n".join(r.text for r in self.replies)

    async def _turn(self, turn: Turn) -> list[Reply]:
        self.replies = await self.conversation.handle(turn)
        self.history += self.replies
        return self.replies


@pytest.fixture
def make_chat() -> Callable[[KnowledgeBase], Chat]:
    """Build a chat over some knowledge with a fresh in-memory session store."""

    def build(knowledge: KnowledgeBase, store: MemorySessionStore | None = None) -> Chat:
        sessions = store if store is not None else MemorySessionStore()
        return Chat(Conversation(knowledge, sessions=sessions))

    return build
