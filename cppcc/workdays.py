"""Chinese working days: weekends, official holidays and make-up working days (调休).

The `chinesecalendar` package carries the State Council's holiday arrangements year by year.
For a year it does not know yet (arrangements are published each November/December) the
count falls back to Monday–Friday, and a warning is logged once per year so the office knows
to update the package.
"""

import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar

logger = logging.getLogger(__name__)


@lru_cache(maxsize=16)
def _warn_unknown_year(year: int) -> None:
    logger.warning("No official holiday data for %s: counting Monday–Friday as working days.", year)


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        count += is_workday(current)
    return count
