"""The deadline registry: each app tells the reminder scan which deadlines it has.

An app adds a `deadlines.py` module with functions decorated by `@register(kind, label)`; each
function takes the scan date and yields `Deadline`s for every open deadline of that kind.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Deadline:
    obj: object  # a saved model instance: the reminder is keyed on it
    due: dt.date
    title: str  # e.g. "第0012号提案《…》（区教育局）答复"
    url: str
    recipients: Sequence  # users reminded at every stage
    escalate_to: Sequence = ()  # users added once it is overdue (office staff)
    senior: Sequence = ()  # users added once overdue past REMINDER_ESCALATE_AFTER_DAYS (leaders)
    remind_overdue: bool = True  # False for windows that simply close (e.g. the return window)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    provider: Callable[[dt.date], Iterable[Deadline]] = field(compare=False)


_KINDS: dict[str, Kind] = {}


def register(name: str, label: str):
    def decorator(provider):
        _KINDS[name] = Kind(name, label, provider)
        return provider

    return decorator


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def label(name: str) -> str:
    kind = _KINDS.get(name)
    return kind.label if kind else name
