"""The consultation register: allow-listed fields, the HMAC chain, purges, the command line.

The tests that matter run against both back-ends: the embedded SQLite file and PostgreSQL (a
throw-away cluster, see tests/pgcluster.py).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import psycopg
import pytest

from bot.cli import main
from bot.settings import Settings
from bot.storage.backends import REGISTER_FILE, retention_cutoff
from bot.storage.chain import load_or_create_key
from bot.storage.pgregister import PostgresRegister
from bot.storage.postgres import migrate
from bot.storage.sqliteregister import SqliteRegister
from dialogs.consultation import KIND_LABELS
from dialogs.register import (
    DIRECTIONS,
    KINDS,
    RECORD_FIELDS,
    ConsultationRecord,
    minute,
    new_reference,
)
from knowledge.model import ConsultationKind

ALLOWED = (
    "reference",
    "time",
    "kind",
    "partner",
    "region",
    "direction",
    "channel",
    "content_version",
    "status",
)
KEY = bytes(range(32))
Register = SqliteRegister | PostgresRegister


def record(n: int = 0, **changes: str | None) -> ConsultationRecord:
    """A plausible record; ``n`` varies its minute."""
    base = ConsultationRecord(
        reference=new_reference(),
        time=f"2026-03-{1 + n % 28:02d}T10:{n % 60:02d}Z",
        kind="advies-veilig-thuis",
        partner="veilig-thuis-utrecht",
        region="VT20",
        direction="jgz-partner",
        channel="teams",
        content_version="2026.11.3",
        status="vastgelegd",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


class Backend:
    """One register back-end under test: opens registers on it and tampers behind their back."""

    name = ""

    def open(self, key: bytes = KEY) -> Register:
        """A register on this back-end's storage."""
        raise NotImplementedError

    def open_with_head(self, head: Path) -> Register:
        """A register that keeps its head mark in ``head``."""
        raise NotImplementedError

    def tamper(self, *statements: str) -> None:
        """Change the stored rows as someone with database access could (trigger disabled)."""
        raise NotImplementedError

    def refuses(self, statement: str) -> bool:
        """True when the database refuses ``statement`` (run without disabling anything)."""
        raise NotImplementedError

    def layout(self) -> tuple[list[str], set[str]]:
        """The columns of the register table, in order, and the register's tables."""
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        """The settings that point ``verbind`` at this register."""
        raise NotImplementedError


class SqliteBackend(Backend):
    """The embedded SQLite file."""

    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self, key: bytes = KEY) -> Register:
        return SqliteRegister(self.path, key=key)

    def open_with_head(self, head: Path) -> Register:
        return SqliteRegister(self.path, key=KEY, head=head)

    def env(self) -> dict[str, str]:
        return {"VERBIND_DATA_DIR": str(self.path.parent), "VERBIND_REGISTER_KEY": KEY.hex()}

    def tamper(self, *statements: str) -> None:
        tamper(self.path, *statements)

    def refuses(self, statement: str) -> bool:
        try:
            with sqlite3.connect(self.path) as db:
                db.execute(statement)
        except sqlite3.IntegrityError:
            return True
        return False

    def layout(self) -> tuple[list[str], set[str]]:
        with sqlite3.connect(self.path) as db:
            columns = [row[1] for row in db.execute("PRAGMA table_info(consultations)")]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return columns, tables


class PostgresBackend(Backend):
    """A fresh PostgreSQL database, reached as its superuser."""

    name = "postgres"

    def __init__(self, dsn: str, data_dir: Path) -> None:
        self.dsn = dsn
        self.data_dir = data_dir
        migrate(dsn)

    def open(self, key: bytes = KEY) -> Register:
        return PostgresRegister(self.dsn, key=key)

    def open_with_head(self, head: Path) -> Register:
        return PostgresRegister(self.dsn, key=KEY, head=head)

    def env(self) -> dict[str, str]:
        return {
            "VERBIND_DATABASE_URL": self.dsn,
            "VERBIND_REGISTER_KEY": KEY.hex(),
            "VERBIND_DATA_DIR": str(self.data_dir),
        }

    def tamper(self, *statements: str) -> None:
        with psycopg.connect(self.dsn) as db:
            db.execute("ALTER TABLE consultations DISABLE TRIGGER USER")
            for statement in statements:
                db.execute(statement.encode())
            db.execute("ALTER TABLE consultations ENABLE TRIGGER USER")

    def refuses(self, statement: str) -> bool:
        try:
            with psycopg.connect(self.dsn) as db:
                db.execute(statement.encode())
        except psycopg.errors.RaiseException as exc:
            return "append-only" in str(exc)
        return False

    def layout(self) -> tuple[list[str], set[str]]:
        with psycopg.connect(self.dsn) as db:
            columns = [
                row[0]
                for row in db.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'consultations' ORDER BY ordinal_position"
                )
            ]
            tables = {
                row[0]
                for row in db.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_name NOT IN "
                    "('sessions', 'schema_version', 'slack_requests')"
                )
            }
        return columns, tables


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each register back-end in turn (PostgreSQL: a fresh database)."""
    if request.param == "sqlite":
        return SqliteBackend(tmp_path / REGISTER_FILE)
    return PostgresBackend(request.getfixturevalue("pg_dsn"), tmp_path)


@pytest.fixture
def register(backend: Backend) -> Iterator[Register]:
    """A fresh register with ten records, on each back-end."""
    reg = backend.open()
    for n in range(10):
        reg.append_now(record(n))
    yield reg
    reg.close()


def tamper(path: Path, *statements: str) -> None:
    """Change the database behind the register's back, as someone with file access could."""
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER IF EXISTS consultations_append_only")
        db.execute("DROP TRIGGER IF EXISTS consultations_no_delete")
        for statement in statements:
            db.execute(statement)


def test_record_fields_are_the_allow_list() -> None:
    """The record holds exactly the allow-listed fields: no user, name or free text."""
    assert RECORD_FIELDS == ALLOWED


def test_kinds_and_directions_are_the_allow_list() -> None:
    """The kinds and directions a record may carry are pinned, both directions of the covenant
    included; every kind a user records has one label and may have its own dossier line."""
    assert KINDS == (
        "collegiale-consultatie",
        "advies-veilig-thuis",
        "vertrouwensarts",
        "aandachtsfunctionaris",
        "save",
        "melding",
        "procesevaluatie",
        "bevraging",
        "terugkoppeling",
        "opschalen",
        "afschalen",
        "overig",
        "jeugdbescherming",
        "register",
    )
    assert DIRECTIONS == ("jgz-partner", "partner-jgz", "intern")
    recordable = tuple(k for k in KINDS if k != "register")
    assert tuple(KIND_LABELS) == recordable
    assert get_args(ConsultationKind) == recordable


def test_schema_columns_are_the_allow_list_plus_the_chain(
    register: Register, backend: Backend
) -> None:
    """The database table has the allow-listed columns, a sequence number and the chain MACs;
    SQLite adds only the purge's permit (a sequence number)."""
    columns, tables = backend.layout()
    assert columns == ["seq", *ALLOWED, "prev_mac", "mac"]
    permit = {"register_purge"} if backend.name == "sqlite" else set()
    assert tables == {"consultations", "register_anchor", *permit}


def test_record_rejects_values_outside_the_lists() -> None:
    """An unknown kind, direction, status or a time with seconds cannot be built."""
    for changes in (
        {"kind": "gesprek"},
        {"direction": "links"},
        {"status": "klaar"},
        {"time": "2026-03-01T10:00:05Z"},
    ):
        with pytest.raises(ValueError, match=r"unknown|does not match"):
            record(**changes)


def test_reference_codes_are_typeable_and_distinct() -> None:
    """Reference codes look like VB-XXXX-XXXX, avoid 0/O/1/I and do not repeat."""
    codes = {new_reference() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 12 and c.startswith("VB-") and not set(c) & set("01IO") for c in codes)


def test_time_is_utc_to_the_minute() -> None:
    """Register times are UTC and carry no seconds."""
    assert minute(1_790_000_045.0) == "2026-09-21T14:14Z"


def test_an_intact_chain_verifies(register: Register) -> None:
    """Ten appended records verify, with the head named."""
    result = register.verify()
    assert result.ok
    assert (result.rows, result.head_seq) == (10, 10)


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (["UPDATE consultations SET partner = 'save' WHERE seq = 4"], "record 4 "),
        (["UPDATE consultations SET kind = 'onzin' WHERE seq = 6"], "record 6 "),
        (["DELETE FROM consultations WHERE seq = 5"], "record 5 ontbreekt"),
        (["DELETE FROM consultations WHERE seq <= 2"], "record 1 ontbreekt"),
        (
            [
                "UPDATE consultations SET seq = 100 WHERE seq = 3",
                "UPDATE consultations SET seq = 3 WHERE seq = 7",
                "UPDATE consultations SET seq = 7 WHERE seq = 100",
            ],
            "record 3 ",
        ),
        (
            [
                "INSERT INTO register_anchor VALUES (1, 3, 'ab', 'cd')",
                "DELETE FROM consultations WHERE seq < 3",
            ],
            "beginpunt",
        ),
    ],
    ids=["edit", "edit-to-nonsense", "delete", "delete-oldest", "reorder", "forged-anchor"],
)
def test_tampering_is_named(
    register: Register, backend: Backend, statements: list[str], expected: str
) -> None:
    """Edited, deleted and reordered rows break the chain at the first changed record."""
    backend.tamper(*statements)
    result = register.verify()
    assert not result.ok
    assert expected in (result.problem or "")


def test_another_key_does_not_verify(register: Register, backend: Backend) -> None:
    """Records MAC'd with one key fail under another."""
    other = backend.open(key=b"x" * 32)
    assert "record 1 " in (other.verify().problem or "")
    other.close()


def test_rows_cannot_be_updated_through_sql(register: Register, backend: Backend) -> None:
    """The table refuses UPDATE: the register is append-only."""
    assert backend.refuses("UPDATE consultations SET partner = 'save'")


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM consultations",
        "DELETE FROM consultations WHERE seq = 10",
        "DELETE FROM consultations WHERE seq >= 9",
    ],
    ids=["all", "newest", "tail"],
)
def test_rows_cannot_be_deleted_through_sql(
    register: Register, backend: Backend, statement: str
) -> None:
    """Every back-end refuses DELETE outside the purge, newest rows included."""
    assert backend.refuses(statement)
    assert register.verify().rows == 10


def test_sqlite_refuses_delete_with_a_stale_permit(tmp_path: Path) -> None:
    """A purge permit left behind (the purge withdraws it) would not let later deletes through:
    the purge leaves none, so a plain DELETE after a purge is refused too."""
    path = tmp_path / REGISTER_FILE
    reg = SqliteRegister(path, key=KEY)
    for n, month in enumerate(("2024-01", "2026-01")):
        reg.append_now(record(time=f"{month}-10T09:{n:02d}Z"))
    reg.purge("2025-01-01T00:00Z", event=record(kind="register", status="opgeschoond"))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM register_purge").fetchone() == (0,)
    assert SqliteBackend(path).refuses("DELETE FROM consultations")
    reg.close()


def test_postgres_refuses_delete_and_truncate_outside_a_purge(pg_dsn: str) -> None:
    """In PostgreSQL a plain DELETE or TRUNCATE is refused too; only the purge path deletes."""
    backend = PostgresBackend(pg_dsn, Path("unused"))
    reg = backend.open()
    reg.append_now(record(1))
    assert backend.refuses("DELETE FROM consultations")
    assert backend.refuses("TRUNCATE consultations")
    assert backend.refuses("SET verbind.purge = 'on'; UPDATE consultations SET region = NULL")
    assert reg.verify().rows == 1
    reg.close()


def test_purge_drops_old_records_and_records_itself(backend: Backend) -> None:
    """A purge removes records before the cutoff, keeps the chain verifiable and leaves a trace."""
    reg = backend.open()
    for n, month in enumerate(("2024-01", "2024-02", "2025-06", "2026-01")):
        reg.append_now(record(time=f"{month}-10T09:{n:02d}Z"))
    event = record(kind="register", status="opgeschoond", partner="intern", direction="intern")
    assert reg.purge("2025-01-01T00:00Z", event=event) == 2
    kept = reg.records()
    assert [r.time[:7] for r in kept] == ["2025-06", "2026-01", "2026-03"]
    assert kept[-1].status == "opgeschoond"
    assert reg.verify().ok
    reg.append_now(record(20))
    assert reg.verify().rows == 4
    assert reg.verify().ok
    reg.close()


def test_cutting_the_newest_records_is_caught_by_the_head_file(
    backend: Backend, tmp_path: Path
) -> None:
    """Each append writes the head mark outside the register; records cut off the end (which
    leave an intact shorter chain) then fail verify, naming the missing record."""
    head = tmp_path / "elsewhere" / "register.head"
    reg = backend.open_with_head(head)
    for n in range(5):
        reg.append_now(record(n))
    assert head.read_text(encoding="ascii").startswith("5:")
    assert reg.verify().ok
    backend.tamper("DELETE FROM consultations WHERE seq >= 4")
    result = reg.verify()
    assert not result.ok
    assert "ingekort: record 5" in (result.problem or "")
    reg.close()


def test_a_noted_head_mark_is_checked(register: Register, backend: Backend) -> None:
    """``verify(head=...)`` checks a mark noted earlier: present passes, cut or changed fails."""
    from bot.storage.chain import HeadMark

    result = register.verify()
    mark = HeadMark(result.head_seq or 0, result.head_mac or "")
    assert register.verify(head=HeadMark.parse(mark.short())).ok
    register.append_now(record(11))
    assert register.verify(head=mark).ok, "later records do not matter"
    backend.tamper("DELETE FROM consultations WHERE seq >= 10")
    assert "ingekort" in (register.verify(head=mark).problem or "")
    other = HeadMark(9, "0123456789abcdef")
    assert "wijkt af" in (register.verify(head=other).problem or "")


def test_the_key_can_live_outside_the_data_dir(tmp_path: Path) -> None:
    """VERBIND_REGISTER_KEY_FILE names a key file elsewhere; the data dir then holds no key,
    and a missing or garbled key file is a settings error, never a new key."""
    from bot.storage.backends import register_key

    key_file = tmp_path / "secrets" / "verbind.key"
    key_file.parent.mkdir()
    key_file.write_text(KEY.hex() + "\n", encoding="ascii")
    data_dir = tmp_path / "data"
    env = {"VERBIND_DATA_DIR": str(data_dir), "VERBIND_REGISTER_KEY_FILE": str(key_file)}
    assert register_key(Settings.from_env(env)) == KEY
    assert not (data_dir / "register.key").exists()
    key_file.write_text("geen sleutel", encoding="ascii")
    with pytest.raises(ValueError, match="VERBIND_REGISTER_KEY_FILE"):
        register_key(Settings.from_env(env))
    key_file.unlink()
    with pytest.raises(ValueError, match="niet leesbaar"):
        register_key(Settings.from_env(env))


def test_retention_counts_calendar_months() -> None:
    """24m before 31 March 2026 is 31 March 2024; nonsense terms are refused."""
    now = datetime(2026, 3, 31, 8, 30, tzinfo=UTC)
    assert retention_cutoff("24m", now=now) == "2024-03-31T08:30Z"
    assert retention_cutoff("1m", now=now) == "2026-02-28T08:30Z"
    for bad in ("24", "2y", "0m", "-3m"):
        with pytest.raises(ValueError, match="maanden"):
            retention_cutoff(bad, now=now)


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    """The generated key is readable by its owner only and the same on the next start."""
    path = tmp_path / "data" / "register.key"
    first = load_or_create_key(path)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == first


def test_cli_verify_and_purge(
    backend: Backend, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`register verify` passes, names a broken register, and `register purge` is recorded."""
    for name, value in backend.env().items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    from bot.storage.backends import open_register

    reg = open_register(settings)
    assert isinstance(reg, SqliteRegister | PostgresRegister)
    reg.append_now(record(1, time="2020-01-01T10:00Z"))
    reg.append_now(record(2))
    assert main(["register", "verify"]) == 0
    assert "2 record(s)" in capsys.readouterr().out
    assert main(["register", "purge", "--older-than", "24m"]) == 0
    assert "1 record(s)" in capsys.readouterr().out
    assert [r.status for r in reg.records()] == ["vastgelegd", "opgeschoond"]
    assert main(["register", "verify"]) == 0
    mark = capsys.readouterr().out.split("--head ")[1].split(")")[0]
    assert main(["register", "verify", "--head", mark]) == 0
    assert main(["register", "verify", "--head", "kenmerk"]) == 2
    capsys.readouterr()
    backend.tamper("DELETE FROM consultations WHERE seq = (SELECT max(seq) FROM consultations)")
    assert main(["register", "verify"]) == 1, "the head file beside the register notices"
    assert "ingekort" in capsys.readouterr().err
    backend.tamper("UPDATE consultations SET region = 'VT01'")
    assert main(["register", "verify"]) == 1
    assert "Register beschadigd" in capsys.readouterr().err
    assert main(["register", "purge", "--older-than", "twee jaar"]) == 2
    reg.close()


WRITER = """
from bot.settings import Settings
from bot.storage.backends import open_register
from dialogs.register import ConsultationRecord, new_reference
reg = open_register(Settings.from_env())
while True:
    ref = new_reference()
    reg.append_now(ConsultationRecord(ref, "2026-03-01T10:00Z", "overig", "intern", None,
                                      "intern", "cli", "t", "vastgelegd"))
    print(ref, flush=True)
"""


def test_kill_during_writes_loses_no_acknowledged_record(backend: Backend) -> None:
    """Two processes append at once; after kill -9 of both mid-stream, every acknowledged record
    is there and the chain verifies."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), **backend.env()}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    acknowledged: list[str] = []
    for _ in range(100):
        for writer in writers:
            assert writer.stdout is not None
            line = writer.stdout.readline().strip()
            assert writer.stderr is not None
            assert line, writer.stderr.read()
            acknowledged.append(line)
    for writer in writers:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert writer.stdout is not None
        assert writer.stderr is not None
        writer.stdout.close()
        writer.stderr.close()
    reg = backend.open()
    stored = [r.reference for r in reg.records()]
    assert set(acknowledged) <= set(stored)
    assert len(stored) == len(set(stored))
    assert reg.verify().ok
    reg.close()
