"""A well-formed payload for every proposal action, as the API takes it (the page's forms post the same
fields): used where an action must get past its payload to its service."""

from dateutil.relativedelta import relativedelta
from django.utils import timezone


def action_payloads(*, lead: int, co: int | None = None, into: int | None = None) -> dict[str, dict]:
    """Acting for the unit `lead` (assigned with the co-unit `co`); a merge goes into the proposal `into`."""
    return {
        "submit": {},
        "withdraw": {},
        "cosign": {},
        "decline_cosign": {"reason": "不熟悉该领域的情况。"},
        "return_for_revision": {"note": "请补充调研数据。"},
        "file": {},
        "reject": {"reason": "personal"},
        "merge": {"into": into} if into else {},
        "convert": {},
        "assign": {"lead_unit": lead, "co_units": [co] if co else []},
        "accept": {"unit": lead},
        "return": {"unit": lead, "reason": "不属于本单位职责。"},
        "reply": {"unit": lead, "result": "A", "content": "已列入年度计划并实施。"},
        "approve_reply": {"unit": lead},
        "extend": {"unit": lead, "due_date": (timezone.localdate() + relativedelta(months=4)).isoformat()},
        "request_extension": {
            "unit": lead,
            "due_date": (timezone.localdate() + relativedelta(months=4)).isoformat(),
            "reason": "需会同多部门调研。",
        },
        "decide_extension": {"unit": lead},
        "feedback": {"satisfaction": "satisfied"},
        "close": {},
        "flags": {"is_key": True},
    }
