"""Content reload: a valid edit goes in force at once, a broken one is logged and ignored, and
sessions that point at removed content restart politely."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.reload import RELOADER, ContentReloader
from bot.settings import Settings
from dialogs import Conversation, MemorySessionStore, Payload
from knowledge import KnowledgeBase, load_knowledge
from knowledge.loader import DEFAULT_CONTENT
from tests.conftest import EXAMPLES, Chat
from tests.serving import FOREIGN_SETTINGS, free_port, start_serve, wait_until_healthy
from tests.test_conversation import national_menu
from tests.test_teams import FIXTURES, shown

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
WAIT_LIMIT = 30.0
"""Seconds to wait for the server to act on a signal (a bound for a hung test, not a timing)."""


def edit(path: Path, old: str, new: str, *, count: int = 1) -> None:
    """Replace ``old`` in a content file (it must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the example content."""
    return Path(shutil.copytree(EXAMPLES, tmp_path / "content"))


def chat_over(knowledge: KnowledgeBase) -> tuple[Chat, MemorySessionStore]:
    store = MemorySessionStore()
    return Chat(Conversation(knowledge, sessions=store)), store


async def test_reload_puts_new_content_and_its_index_in_force(content: Path) -> None:
    """After reload the version, the trees and the search index are the new ones."""
    chat, _ = chat_over(load_knowledge(content))
    edit(content / "meta.yaml", '"example-1"', '"example-2"')
    edit(content / "trees" / "question-basic.yaml", "[basic question]", "[brand new words]")
    chat.conversation.reload(load_knowledge(content))
    await chat.say("help")
    assert "example-2" in chat.text
    await chat.say("brand new words")
    assert chat.replies[-1].text == "Is it so?"


async def test_session_in_a_tree_removed_by_a_reload_restarts(examples: KnowledgeBase) -> None:
    """A user inside a tree that a reload removed gets the polite restart and the menu."""
    chat, _ = chat_over(examples)
    await chat.say("basic question")
    trees = {k: v for k, v in examples.trees.items() if k != "question-basic"}
    chat.conversation.reload(replace(examples, trees=trees))
    await chat.press(Payload("ask", "ja"))
    assert chat.replies[0].text.startswith("De inhoud is intussen bijgewerkt")
    assert chat.labels == national_menu(chat.conversation.knowledge)


async def test_answers_that_no_longer_fit_restart_politely(content: Path) -> None:
    """A session whose answers the new tree no longer offers restarts instead of failing."""
    chat, store = chat_over(load_knowledge(content))
    await chat.say("basic question")
    await chat.click("Ja")
    edit(content / "trees" / "question-basic.yaml", 'label: "Ja"', 'label: "Jazeker"')
    chat.conversation.reload(load_knowledge(content))
    await chat.say("menu")
    assert "bijgewerkt" in chat.replies[0].text
    stored = await store.load(chat.key)
    assert stored is not None
    assert stored.session.tree_id is None


async def test_menu_offer_naming_a_removed_tree_restarts(examples: KnowledgeBase) -> None:
    """Typing "1" at a menu shown before the reload never opens whatever is first now."""
    chat, _ = chat_over(examples)
    await chat.say("menu")
    first = examples.menu_trees[0].id
    trees = {k: v for k, v in examples.trees.items() if k != first}
    chat.conversation.reload(replace(examples, trees=trees))
    await chat.say("1")
    assert "bijgewerkt" in chat.replies[0].text
    assert chat.labels == national_menu(chat.conversation.knowledge)


async def test_button_of_a_removed_node_is_stale(content: Path) -> None:
    """When the node a session stands on is renamed away, its old button is refused politely."""
    chat, _ = chat_over(load_knowledge(content))
    await chat.say("basic question")
    tree = content / "trees" / "question-basic.yaml"
    edit(tree, "start: ask", "start: ask-again")
    edit(tree, "- id: ask\n", "- id: ask-again\n")
    chat.conversation.reload(load_knowledge(content))
    await chat.press(Payload("ask", "ja"))
    assert "eerdere vraag" in chat.replies[0].text
    assert chat.replies[-1].buttons[0].payload == Payload("ask-again", "ja")


async def test_reloader_swaps_valid_content_and_logs_the_version(
    content: Path, examples: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    """A valid content dir is put in force and one line names the new version."""
    conversation = Conversation(examples, sessions=MemorySessionStore())
    edit(content / "meta.yaml", '"example-1"', '"example-2"')
    caplog.set_level(logging.INFO, logger="verbind.reload")
    assert await ContentReloader(conversation, content).reload()
    assert conversation.knowledge.meta.version == "example-2"
    lines = [r.getMessage() for r in caplog.records if r.name == "verbind.reload"]
    assert lines == ["content reloaded version=example-2 (was example-1)"]


async def test_reloader_keeps_running_content_on_a_broken_edit(
    content: Path, examples: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken tree is logged with file, line and node id; the old content stays in force."""
    store = MemorySessionStore()
    chat = Chat(Conversation(examples, sessions=store))
    await chat.say("basic question")
    edit(content / "trees" / "question-basic.yaml", "next: yes-end", "next: nowhere")
    edit(content / "meta.yaml", '"example-1"', '"example-2"')
    assert not await ContentReloader(chat.conversation, content).reload()
    assert chat.conversation.knowledge is examples
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "content reload: trees/question-basic.yaml:13: ask: doel 'nowhere' bestaat niet" in (
        errors
    )
    assert errors[-1] == "content reload failed problems=2; version example-1 stays in force"
    await chat.click("Ja")
    assert chat.replies[-1].text.startswith("It is so.")


async def test_reloader_survives_a_missing_content_dir(
    tmp_path: Path, examples: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    """A content dir that is gone is logged, not raised; the old content stays in force."""
    conversation = Conversation(examples, sessions=MemorySessionStore())
    assert not await ContentReloader(conversation, tmp_path / "gone").reload()
    assert conversation.knowledge is examples
    assert "stays in force" in caplog.records[-1].getMessage()


async def test_reloads_run_one_at_a_time(examples: KnowledgeBase) -> None:
    """Reloads asked for together never load at the same time."""
    active, most, calls = [0], [0], [0]
    guard = threading.Lock()

    def load(root: Path) -> KnowledgeBase:
        with guard:
            active[0] += 1
            calls[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.02)  # widen the window an overlap would need; not a timing assertion
        with guard:
            active[0] -= 1
        return examples

    conversation = Conversation(examples, sessions=MemorySessionStore())
    reloader = ContentReloader(conversation, EXAMPLES, load=load)
    results = await asyncio.gather(*(reloader.reload() for _ in range(4)))
    assert results == [True] * 4
    assert (calls[0], most[0]) == (4, 1)


async def test_signals_during_a_wait_fold_into_one_reload(examples: KnowledgeBase) -> None:
    """Several SIGHUPs before a reload starts cause one reload, not one each."""
    calls = [0]

    def load(root: Path) -> KnowledgeBase:
        calls[0] += 1
        return examples

    conversation = Conversation(examples, sessions=MemorySessionStore())
    reloader = ContentReloader(conversation, EXAMPLES, load=load)
    for _ in range(5):
        reloader.request()
    await reloader.stop()
    assert calls[0] == 1
    reloader.request()
    await reloader.stop()
    assert calls[0] == 2


async def test_app_reloads_from_its_content_dir(
    content: Path, aiohttp_client: ClientFactory
) -> None:
    """The app's reloader reads VERBIND_CONTENT_DIR; /healthz then reports the new version."""
    app = create_app(replace(Settings(), content_dir=content))
    client = await aiohttp_client(app)
    edit(content / "meta.yaml", '"example-1"', '"example-2"')
    assert await app[RELOADER].reload()
    response = await client.get("/healthz")
    assert (await response.json())["content"] == "example-2"


# -- a real `verbind serve` and a real SIGHUP ---------------------------------------------------


class Served:
    """A running `verbind serve` on a copied content dir, with its stderr in a file."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self._url(path), timeout=10) as answer:
            return json.loads(answer.read())

    def teams(self, name: str, **changes: Any) -> tuple[int, list[str]]:
        """POST a recorded Teams activity with expectReplies; the status and what each reply
        says (a card's fallback text)."""
        data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
        data.update(copy.deepcopy(changes), deliveryMode="expectReplies")
        request = urllib.request.Request(
            self._url("/api/messages"),
            data=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = json.loads(answer.read())
            return answer.status, [shown(a) for a in body["activities"]]

    def hangup(self) -> None:
        self.process.send_signal(signal.SIGHUP)

    def wait_for_log(self, text: str) -> str:
        """The server's log once it contains ``text`` (bounded wait)."""
        deadline = time.monotonic() + WAIT_LIMIT
        while time.monotonic() < deadline:
            printed = self.log.read_text(encoding="utf-8")
            if text in printed:
                return printed
            assert self.process.poll() is None, f"verbind serve ended:\n{printed}"
            time.sleep(0.05)
        pytest.fail(f"{text!r} never logged:\n{self.log.read_text(encoding='utf-8')}")

    def _url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    """`verbind serve` over a copy of the shipped content (VERBIND_CONTENT_DIR)."""
    if not hasattr(signal, "SIGHUP"):
        pytest.skip("this platform has no SIGHUP")
    content = Path(shutil.copytree(DEFAULT_CONTENT, tmp_path / "content"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_SETTINGS}
    env.update(VERBIND_DATA_DIR=str(tmp_path / "data"), VERBIND_CONTENT_DIR=str(content))
    log = tmp_path / "serve.log"
    process = start_serve(port, env, log)
    try:
        wait_until_healthy(process, port, log)
        yield Served(process, port, log), content
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_sighup_reloads_a_running_server(served: tuple[Served, Path]) -> None:
    """SIGHUP: a new version goes in force; a broken tree is refused with its location while
    conversations go on; a session whose path was removed gets a polite restart."""
    server, content = served
    before = server.get("/healthz")["content"]
    status, texts = server.teams("message")
    assert texts[-1].startswith("Vraag 1 van 5")
    status, texts = server.teams("card_submit")
    assert texts[-1].startswith("Vraag 2 van 5")

    edit(content / "meta.yaml", f'"{before}"', '"reload-1"')
    server.hangup()
    server.wait_for_log("content reloaded version=reload-1")
    assert server.get("/healthz")["content"] == "reload-1"

    tree = content / "trees" / "afwegingskader.yaml"
    edit(tree, "next: vraag-2", "next: vraag-twee")
    edit(content / "meta.yaml", '"reload-1"', '"reload-broken"')
    server.hangup()
    printed = server.wait_for_log("version reload-1 stays in force")
    assert "afwegingskader.yaml:" in printed
    assert "vraag-twee" in printed
    assert server.get("/healthz")["content"] == "reload-1"
    other = {"id": "a:2OtherConversation"}
    status, texts = server.teams("message", conversation=other)
    assert (status, texts[-1][:14]) == (200, "Vraag 1 van 5 ")

    edit(tree, "next: vraag-twee", "next: vraag-2")
    edit(tree, 'label: "Ja"\n        next: vraag-2', 'label: "Jazeker"\n        next: vraag-2')
    edit(content / "meta.yaml", '"reload-broken"', '"reload-2"')
    server.hangup()
    server.wait_for_log("content reloaded version=reload-2")
    assert server.get("/healthz")["content"] == "reload-2"
    status, texts = server.teams("card_submit", value={"node": "vraag-2", "choice": "ja"})
    assert status == 200
    assert texts[0].startswith("De inhoud is intussen bijgewerkt")
    assert "Traceback" not in server.log.read_text(encoding="utf-8")
