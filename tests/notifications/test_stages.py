import datetime as dt

import pytest

from notifications.stages import current_stage

DUE = dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    "today, stage",
    [
        (dt.date(2026, 12, 1), None),  # 30 days ahead: nothing yet
        (dt.date(2026, 12, 16), "d-15"),
        (dt.date(2026, 12, 20), "d-15"),  # still the 15-day stage (sent once, on the first scan inside it)
        (dt.date(2026, 12, 28), "d-3"),
        (dt.date(2026, 12, 31), "d-0"),
        (dt.date(2027, 1, 1), "overdue-1"),
        (dt.date(2027, 1, 7), "overdue-1"),
        (dt.date(2027, 1, 8), "overdue-2"),
        (dt.date(2027, 1, 15), "overdue-3"),
    ],
)
def test_stages_follow_the_offsets_then_weekly(today, stage):
    assert current_stage(DUE, today) == stage


def test_windows_that_close_have_no_overdue_stage():
    assert current_stage(DUE, dt.date(2027, 1, 2), remind_overdue=False) is None


def test_offsets_come_from_settings(settings):
    settings.REMINDER_OFFSETS = (7, 1)
    assert current_stage(DUE, dt.date(2026, 12, 20)) is None
    assert current_stage(DUE, dt.date(2026, 12, 24)) == "d-7"
    assert current_stage(DUE, dt.date(2026, 12, 30)) == "d-1"
    assert current_stage(DUE, DUE) == "d-1"  # no "on the day" offset: still the 1-day stage, nothing new
