"""A throw-away PostgreSQL cluster for the tests, and the fixtures that hand out its databases.

One cluster serves the whole test session (``initdb`` takes seconds); every test that asks for
``pg_dsn`` gets a fresh database in it, so tests never see each other's rows. PostgreSQL refuses
to run as root, so as root the cluster runs as the ``postgres`` user in a directory it owns.
Where PostgreSQL cannot start the tests skip with the reason, except under CI (``CI`` set), where
they fail: CI must run them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.serving import free_port

__all__ = ["PgCluster", "find_bindir", "pg_cluster", "pg_dsn"]

_ROOTS = (Path("/usr/lib/postgresql"),)


def find_bindir() -> Path | None:
    """The ``bin`` directory of the newest PostgreSQL installed, or one on PATH."""
    versions: list[tuple[int, Path]] = []
    for root in _ROOTS:
        for child in root.glob("*/bin") if root.is_dir() else ():
            with contextlib.suppress(ValueError):
                versions.append((int(child.parent.name), child))
    if versions:
        return max(versions)[1]
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class PgCluster:
    """A PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="verbind-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def admin_dsn(self) -> str:
        """The maintenance database, as the superuser."""
        return self.dsn("postgres")

    def dsn(self, database: str) -> str:
        """A connection string for ``database`` as the superuser (trust authentication)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        """Create the cluster (``initdb``); raises CalledProcessError with initdb's output."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        # The socket lives in our own directory; fsync is off because the tests kill clients,
        # never the machine, and a durable commit to the server is all they check.
        options = (
            f"-k {self.root} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop the server at once, closing every connection (``pg_ctl stop -m fast``)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self) -> str:
        """A new empty database; returns its DSN."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template1 STRATEGY file_copy')
        return self.dsn(name)

    def destroy(self) -> None:
        """Stop the server (if running) and remove its files."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, cwd=self.root)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is needed under CI: {reason}")
    pytest.skip(f"PostgreSQL cannot start here: {reason}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throw-away cluster for the whole test session."""
    bindir = find_bindir()
    if bindir is None:
        _unavailable("no initdb (install Debian's postgresql package)")
        return
    cluster = PgCluster(bindir)
    try:
        cluster.init()
        cluster.start()
    except (subprocess.CalledProcessError, OSError) as exc:
        cluster.destroy()
        detail = getattr(exc, "stderr", "") or str(exc)
        _unavailable(detail.strip().splitlines()[-1] if detail.strip() else type(exc).__name__)
        return
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg_dsn(pg_cluster: PgCluster) -> str:
    """A fresh, empty database in the shared cluster (restarted first if a test stopped it)."""
    try:
        psycopg.connect(pg_cluster.admin_dsn, connect_timeout=2).close()
    except psycopg.OperationalError:
        pg_cluster.start()
    return pg_cluster.create_database()
