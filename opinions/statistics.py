"""The work report's social-opinion figures for a period: "提交社情民意信息X篇，被采用X篇（其中市政协X篇…），
获领导批示X篇". Aggregates only — three queries, whatever the number of reports."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from .models import LEVEL_BODY, OpinionAdoption, OpinionInstruction, OpinionReport, OpinionState


def opinion_figures(start: dt.date, end: dt.date) -> dict:
    """`submitted`: reports submitted in the period (withdrawn ones excepted); `adopted`: reports with
    an adoption dated in the period; `adoptions`: those adoptions, one per level; `by_level`: adoptions
    per level (district/city/province/national); `instructed`: reports with a leader's instruction
    dated in the period."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end, dt.time.max, tzinfo=tz)
    submitted = (
        OpinionReport.objects.filter(submitted_at__range=(since, until))
        .exclude(state=OpinionState.WITHDRAWN)
        .aggregate(n=Count("pk"), from_proposals=Count("pk", filter=Q(proposal__isnull=False)))
    )
    adoptions = OpinionAdoption.objects.filter(date__range=(start, end)).aggregate(
        adopted=Count("report", distinct=True),
        adoptions=Count("pk"),
        **{level: Count("pk", filter=Q(level=level)) for level in LEVEL_BODY},
    )
    instructed = OpinionInstruction.objects.filter(date__range=(start, end)).aggregate(
        instructed=Count("report", distinct=True), instructions=Count("pk")
    )
    return {
        "submitted": submitted["n"],
        "from_proposals": submitted["from_proposals"],
        "adopted": adoptions["adopted"],
        "adoptions": adoptions["adoptions"],
        "by_level": {str(level): adoptions[level] for level in LEVEL_BODY},
        "instructed": instructed["instructed"],
        "instructions": instructed["instructions"],
    }
