"""Who may read committee-wide reports, and the period a request asks for."""

import datetime as dt

from django.utils import timezone

from cppcc.errors import ApplicationError
from cppcc.roles import Role
from members.models import Term

from .statistics import Period, period_for

READ_ROLES = (Role.OFFICE, Role.LEADER)


def period_from_params(params) -> Period:
    """`year=YYYY`, `term=<id>` or `start=YYYY-MM-DD&end=YYYY-MM-DD`; default the current year."""
    try:
        if params.get("term"):
            term = Term.objects.filter(pk=int(params["term"])).first()
            if term is None:
                raise ApplicationError("届次不存在。", errors={"term": ["届次不存在。"]})
            return period_for(term=term)
        if params.get("start") or params.get("end"):
            start = dt.date.fromisoformat(params.get("start", ""))
            end = dt.date.fromisoformat(params.get("end", ""))
            if end < start:
                raise ApplicationError("截止日期早于起始日期。", errors={"end": ["截止日期早于起始日期。"]})
            return period_for(start=start, end=end)
        year = int(params.get("year") or timezone.localdate().year)
    except ValueError:
        raise ApplicationError("统计期间有误：year 应为年份，start/end 应为 YYYY-MM-DD。") from None
    if not 1949 <= year <= 2100:
        raise ApplicationError("年份超出范围。", errors={"year": ["年份超出范围。"]})
    return period_for(year=year)
