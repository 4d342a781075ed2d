"""Register times in Amsterdam, and the working-hours clock of a pick-up.

The register stores UTC to the minute (``2026-11-23T14:05Z``). The report reads days, months and
quarters in Europe/Amsterdam, so a consultation at 00:30 on 1 January Amsterdam time belongs to
the new year although it is still 31 December in UTC. A pick-up is measured twice: in clock
minutes, and in working minutes — Monday to Friday, 08:30 to 17:00 Amsterdam time, except the
Dutch public holidays of the ``holidays`` package (country ``NL``: Nieuwjaarsdag, Goede Vrijdag,
Pasen, Koningsdag, Bevrijdingsdag in lustrum years, Hemelvaart, Pinksteren, Kerstmis).
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "AMSTERDAM",
    "WORKDAY_END",
    "WORKDAY_START",
    "clock_minutes",
    "is_workday",
    "local_time",
    "working_minutes",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WORKDAY_START = time(8, 30)
WORKDAY_END = time(17, 0)
_REGISTER_TIME = "%Y-%m-%dT%H:%MZ"


def local_time(stamp: str) -> datetime:
    """A register time (``2026-11-23T14:05Z``, UTC) as an aware datetime in Amsterdam;
    ValueError when ``stamp`` is not one."""
    return datetime.strptime(stamp, _REGISTER_TIME).replace(tzinfo=UTC).astimezone(AMSTERDAM)


@functools.cache
def _public_holidays() -> holidays.HolidayBase:
    # Filled per year on first use (the package expands years lazily).
    return holidays.country_holidays("NL")


def is_workday(day: date) -> bool:
    """Monday to Friday and not a Dutch public holiday."""
    return day.weekday() < 5 and day not in _public_holidays()


def clock_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end`` (aware); 0 when ``end`` is not after ``start``."""
    return max(0, int((end - start).total_seconds() // 60))


def working_minutes(start: datetime, end: datetime) -> int:
    """Whole working minutes from ``start`` to ``end`` (aware datetimes): only time on a workday
    between 08:30 and 17:00 Amsterdam time counts. A request made on Friday at 16:50 and picked
    up on Monday at 08:40 waited 20 working minutes; 0 when ``end`` is not after ``start``."""
    if end <= start:
        return 0
    day, last = start.astimezone(AMSTERDAM).date(), end.astimezone(AMSTERDAM).date()
    seconds = 0.0
    while day <= last:
        if is_workday(day):
            opens = datetime.combine(day, WORKDAY_START, AMSTERDAM)
            closes = datetime.combine(day, WORKDAY_END, AMSTERDAM)
            overlap = (min(closes, end) - max(opens, start)).total_seconds()
            seconds += max(0.0, overlap)
        day += timedelta(days=1)
    return int(seconds // 60)
