"""The register's tamper evidence: every row is chained to the one before it with an HMAC.

A row's MAC covers its sequence number, every record field and the previous row's MAC, so an
edited, deleted or reordered row breaks the chain at that row. A purge removes the oldest rows
and moves the *anchor* (the first kept sequence number and the MAC before it), which is itself
MAC'd, so rows cannot be dropped from the front without the key either. Dropping the newest rows
is visible only against a copy of the head kept outside the register: each append writes it to a
head file (:class:`HeadFile`, by default beside the register, better on other storage) and to the
log, and ``verbind register verify`` compares the chain with it (and with ``--head`` marks).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from dialogs.register import RECORD_FIELDS, ConsultationRecord

__all__ = [
    "GENESIS",
    "Anchor",
    "ChainedRow",
    "HeadFile",
    "HeadMark",
    "Verification",
    "anchor_mac",
    "chained_rows",
    "load_or_create_key",
    "record_mac",
    "verify_chain",
]

GENESIS = "0" * 64
"""The "previous MAC" of the very first row."""
_MARK = re.compile(r"^\s*(\d{1,18}):([0-9a-f]{16,64})\s*$")
_log = logging.getLogger("verbind.register")


@dataclass(frozen=True)
class HeadMark:
    """The newest row as seen outside the register: its sequence number and (a prefix of, at
    least 16 hex digits) its MAC. Written and read as ``seq:mac``."""

    seq: int
    mac: str

    def short(self) -> str:
        """``seq:`` and the first 16 hex digits: what a person notes down."""
        return f"{self.seq}:{self.mac[:16]}"

    @classmethod
    def parse(cls, text: str) -> HeadMark:
        """A mark from ``seq:mac``; ValueError (Dutch) when it is not one."""
        match = _MARK.match(text.lower())
        if match is None:
            raise ValueError(f"'{text.strip()[:40]}' is geen kenmerk zoals 12:0123456789abcdef")
        return cls(int(match.group(1)), match.group(2))


class HeadFile:
    """The head mark in a file of its own, advanced (never moved back) after each append."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> HeadMark | None:
        """The mark in the file; None when there is no file yet (ValueError when it is garbled,
        which verify reports as a problem)."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        return HeadMark.parse(text) if text.strip() else None

    def advance(self, mark: HeadMark) -> None:
        """Write ``mark`` unless the file already holds a later one (other processes append
        too). A failure is logged, not raised: the record itself is already committed."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = self.path.with_name(self.path.name + ".lock")
            with open(lock, "a", encoding="ascii") as held:
                fcntl.flock(held, fcntl.LOCK_EX)  # one writer at a time, across processes
                with contextlib.suppress(ValueError):
                    current = self.read()
                    if current is not None and current.seq >= mark.seq:
                        return
                # A new file put in place whole: a crash leaves the old mark or the new one.
                fresh = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
                fresh.write_text(f"{mark.seq}:{mark.mac}\n", encoding="ascii")
                os.replace(fresh, self.path)
        except OSError as exc:
            _log.warning("register head file not written error=%s", type(exc).__name__)


@dataclass(frozen=True)
class Anchor:
    """Where the chain starts after purges: the first kept row and the MAC before it."""

    first_seq: int = 1
    prev_mac: str = GENESIS
    mac: str | None = None
    """None only for a register that was never purged (the genesis anchor)."""


@dataclass(frozen=True)
class ChainedRow:
    """A stored row: its sequence number, the record and the chain MACs."""

    seq: int
    record: ConsultationRecord
    prev_mac: str
    mac: str


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain."""

    rows: int
    problem: str | None
    """Dutch, naming the first broken record; None when the chain is intact."""
    head_seq: int | None
    head_mac: str | None

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return self.problem is None


def record_mac(key: bytes, seq: int, record: ConsultationRecord, prev_mac: str) -> str:
    """The MAC of one row."""
    # ``default=repr``: a value no record can hold (a blob written with SQL) still gets a MAC,
    # which then does not match, so the check names the row instead of failing on it.
    message = json.dumps([seq, *astuple(record), prev_mac], separators=(",", ":"), default=repr)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def anchor_mac(key: bytes, first_seq: int, prev_mac: str) -> str:
    """The MAC that protects a moved anchor."""
    message = json.dumps(["anchor", first_seq, prev_mac], separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def verify_chain(
    key: bytes, anchor: Anchor, rows: Iterable[ChainedRow], *, heads: Iterable[HeadMark] = ()
) -> Verification:
    """Walk ``rows`` (in sequence order) from ``anchor`` and name the first broken one; then
    check that each of ``heads`` (marks kept outside the register) is still in the chain."""
    wanted = {mark.seq: mark for mark in heads}
    seen: dict[int, str] = {}
    result = _walk(key, anchor, rows, wanted, seen)
    if not result.ok:
        return result
    for mark in wanted.values():
        problem = _head_problem(mark, anchor, result.head_seq, seen.get(mark.seq))
        if problem is not None:
            return Verification(result.rows, problem, None, None)
    return result


def _head_problem(mark: HeadMark, anchor: Anchor, last: int | None, mac: str | None) -> str | None:
    if mark.seq < anchor.first_seq:
        return None  # purged since the mark was taken: nothing left to compare
    if last is None or mark.seq > last:
        shown = "geen records" if last is None else f"het laatste is record {last}"
        return (
            f"het register is ingekort: record {mark.seq} (kenmerk {mark.short()}) "
            f"ontbreekt, {shown}"
        )
    if mac is None or not mac.startswith(mark.mac):
        return f"record {mark.seq} wijkt af van het kenmerk {mark.short()}"
    return None


def _walk(
    key: bytes,
    anchor: Anchor,
    rows: Iterable[ChainedRow],
    wanted: dict[int, HeadMark],
    seen: dict[int, str],
) -> Verification:
    if anchor.mac is not None and not _same(anchor.mac, anchor_mac(key, *_anchor_args(anchor))):
        return Verification(0, "het beginpunt van de keten is gewijzigd", None, None)
    if anchor.mac is None and (anchor.first_seq, anchor.prev_mac) != (1, GENESIS):
        return Verification(0, "het beginpunt van de keten is gewijzigd", None, None)
    expected, prev, count, last = anchor.first_seq, anchor.prev_mac, 0, None
    for row in rows:
        problem = _row_problem(key, row, expected, prev)
        if problem is not None:
            return Verification(count, problem, None, None)
        expected, prev, count, last = row.seq + 1, row.mac, count + 1, row
        if row.seq in wanted:
            seen[row.seq] = row.mac
    return Verification(count, None, last.seq if last else None, last.mac if last else None)


def _row_problem(key: bytes, row: ChainedRow, expected: int, prev: str) -> str | None:
    name = f"record {row.seq} ({row.record.reference})"
    if row.seq != expected:
        return f"record {expected} ontbreekt (het volgende is record {row.seq})"
    if not _same(row.mac, record_mac(key, row.seq, row.record, row.prev_mac)):
        return f"{name} is gewijzigd"
    if not _same(row.prev_mac, prev):
        return f"{name} sluit niet aan op het vorige record (volgorde gewijzigd?)"
    return None


def _anchor_args(anchor: Anchor) -> tuple[int, str]:
    return anchor.first_seq, anchor.prev_mac


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def load_or_create_key(path: Path) -> bytes:
    """The register key in ``path``; created (random, readable by the owner only) if absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another instance is creating it: read theirs below
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
    for _ in range(100):  # a concurrent creator may not have written it yet
        text = path.read_text(encoding="ascii").strip()
        if text:
            return bytes.fromhex(text)
        time.sleep(0.01)
    raise ValueError(f"{path.name} is leeg")


def chained_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[ChainedRow]:
    """Database rows ``(seq, *record fields, prev_mac, mac)`` as chain links. A row whose values
    were tampered into nonsense still becomes a link (built without validation), so the chain
    check can name it."""
    width = len(RECORD_FIELDS)
    for row in rows:
        values = dict(zip(RECORD_FIELDS, row[1 : 1 + width], strict=True))
        try:
            record = ConsultationRecord(**values)
        except (TypeError, ValueError):
            record = ConsultationRecord.__new__(ConsultationRecord)
            for name, value in values.items():
                object.__setattr__(record, name, value)
        yield ChainedRow(int(row[0]), record, str(row[-2]), str(row[-1]))
