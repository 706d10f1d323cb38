"""Which reminder stage a deadline is in on a given day."""

import datetime as dt

from django.conf import settings


def current_stage(due: dt.date, today: dt.date, *, remind_overdue: bool = True) -> str | None:
    """The latest stage reached: `d-15`, `d-3`, `d-0` (the offsets before the deadline, from
    settings), then `overdue-1`, `overdue-2` … one per week past it. A stage missed on its own day
    (no scan that day) is still sent on the next scan, once."""
    days_left = (due - today).days
    if days_left >= 0:
        reached = [offset for offset in settings.REMINDER_OFFSETS if days_left <= offset]
        return f"d-{min(reached)}" if reached else None
    if not remind_overdue:
        return None
    return f"overdue-{(-days_left - 1) // settings.REMINDER_OVERDUE_EVERY_DAYS + 1}"


def stage_label(stage: str) -> str:
    if stage == "d-0":
        return "今日到期"
    if stage.startswith("d-"):
        return f"{stage[2:]}天后到期"
    return f"已逾期（第{stage.split('-')[1]}次催办）"
