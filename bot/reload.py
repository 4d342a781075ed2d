"""Content reload without downtime: SIGHUP makes a running server load its content dir again.

The new content is loaded, validated and indexed in a worker thread while turns go on; only a
valid load is put in force, in one swap on the event loop (``Conversation.reload``). A broken edit
is logged with its located problems and the running content stays in force. Reloads run one at a
time; signals that arrive during a reload fold into one more reload after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from dialogs.conversation import Conversation
from dialogs.understanding import Understanding
from knowledge.library import KnowledgeBase
from knowledge.loader import load_knowledge
from knowledge.problems import ContentError

__all__ = ["RELOADER", "ContentReloader", "install_reload"]

_log = logging.getLogger("verbind.reload")

Loader = Callable[[Path], KnowledgeBase]


def _prepared(load: Loader, root: Path) -> tuple[KnowledgeBase, Understanding]:
    """Load, validate and index (the slow part; runs in a worker thread)."""
    knowledge = load(root)
    return knowledge, Understanding(knowledge)


class ContentReloader:
    """Reloads one conversation's content from ``content_dir``, one reload at a time."""

    def __init__(
        self, conversation: Conversation, content_dir: Path, *, load: Loader = load_knowledge
    ) -> None:
        self._conversation = conversation
        self._content_dir = content_dir
        self._load = load
        self._lock = asyncio.Lock()
        self._queued = False
        self._tasks: set[asyncio.Task[bool]] = set()

    async def reload(self) -> bool:
        """Load the content dir and put it in force; False (and logged) when it is not valid."""
        async with self._lock:
            self._queued = False
            current = self._conversation.knowledge.meta.version
            try:
                knowledge, index = await asyncio.to_thread(_prepared, self._load, self._content_dir)
            except ContentError as exc:
                # Located content problems (file:line: id: message): content, never user text.
                for problem in exc.problems:
                    _log.error("content reload: %s", problem)
                _log.error(
                    "content reload failed problems=%d; version %s stays in force",
                    len(exc.problems),
                    current,
                )
                return False
            except Exception as exc:  # a missing dir, an unreadable file: keep serving
                _log.error(
                    "content reload failed error=%s: %s; version %s stays in force",
                    type(exc).__name__,
                    exc,
                    current,
                )
                return False
            self._conversation.reload(knowledge, router=index)
            _log.info("content reloaded version=%s (was %s)", knowledge.meta.version, current)
            return True

    def request(self) -> None:
        """Schedule a reload (the signal handler); at most one waits behind a running one."""
        if self._queued:
            return
        self._queued = True
        task = asyncio.get_running_loop().create_task(self.reload())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Wait for reloads under way (a worker thread cannot be cancelled halfway)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


RELOADER = web.AppKey("reloader", ContentReloader)


def install_reload(app: web.Application, conversation: Conversation, content_dir: Path) -> None:
    """Reload the content on SIGHUP while ``app`` runs (where the platform has SIGHUP)."""
    reloader = ContentReloader(conversation, content_dir)
    app[RELOADER] = reloader

    async def start(app: web.Application) -> None:
        # `verbind serve` logs warnings only; the one line per reload is wanted, unless the
        # operator configured this logger themselves.
        if _log.level == logging.NOTSET:
            _log.setLevel(logging.INFO)
        hangup = getattr(signal, "SIGHUP", None)
        if hangup is None:
            return
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            # Only the main thread's loop can take signals (not every test harness runs there).
            asyncio.get_running_loop().add_signal_handler(hangup, reloader.request)

    async def stop(app: web.Application) -> None:
        hangup = getattr(signal, "SIGHUP", None)
        if hangup is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(hangup)
        await reloader.stop()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
