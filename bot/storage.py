"""Chooses the storage back-ends a deployment uses, from its settings."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime

from bot.chain import load_or_create_key
from bot.settings import Settings
from bot.sqliteregister import SqliteRegister

__all__ = ["REGISTER_FILE", "open_register", "register_key", "retention_cutoff"]

REGISTER_FILE = "register.sqlite3"
_KEY_FILE = "register.key"
_MONTHS = re.compile(r"^\s*(\d{1,3})\s*m\s*$")


def register_key(settings: Settings) -> bytes:
    """The register's HMAC key: from the settings, else from (or into) the data dir."""
    if settings.register_key:
        try:
            key = bytes.fromhex(settings.register_key)
        except ValueError:
            raise ValueError("VERBIND_REGISTER_KEY is geen hexadecimale sleutel") from None
        if len(key) < 16:
            raise ValueError("VERBIND_REGISTER_KEY is te kort (minstens 32 hextekens)")
        return key
    return load_or_create_key(settings.data_dir / _KEY_FILE)


def open_register(settings: Settings) -> SqliteRegister:
    """The register of this deployment (SQLite under the data dir)."""
    return SqliteRegister(settings.data_dir / REGISTER_FILE, key=register_key(settings))


def retention_cutoff(older_than: str, *, now: datetime | None = None) -> str:
    """The register time before which records are older than ``older_than`` ("24m")."""
    match = _MONTHS.match(older_than)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"'{older_than}' is geen termijn in maanden, bijvoorbeeld 24m")
    moment = now or datetime.now(UTC)
    months = moment.year * 12 + moment.month - 1 - int(match.group(1))
    year, month = divmod(months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day).strftime("%Y-%m-%dT%H:%MZ")
