"""A small year of committee work whose figures are counted by hand in the tests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.catalogue import ensure_default_catalogue
from activities.models import Activity, ActivityQuantity, Attendance, Regulation
from consultations.models import ConsultationActivity, ConsultationPlan, ConsultationTopic
from proposals import services as ps
from supervision.models import Inspection
from tests.factories import MemberFactory, SpecialCommitteeFactory
from tests.proposals.conftest import category, draft, people, term, walk  # noqa: F401


def _activity(office, kind, day, **quantities):
    """An activity and its work-report quantities ({catalogue code: value})."""
    activity = Activity.objects.create(kind=kind, title=f"{kind} {day}", start_date=day, created_by=office)
    kinds = ensure_default_catalogue()
    for code, value in quantities.items():
        ActivityQuantity.objects.create(activity=activity, kind=kinds[code], value=value)
    return activity


@pytest.fixture
def year_of_work(people, term, draft, walk, category):  # noqa: F811
    office = people["office"]
    a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
    # Inspections and research: two held in 2026, one only planned, one held in 2025.
    insp = _activity(office, "inspection", dt.date(2026, 4, 10))
    Inspection.objects.create(activity=insp, kind="inspection", topic="水污染防治", state="closed", created_by=office)
    research = _activity(office, "research", dt.date(2026, 6, 2))
    Inspection.objects.create(activity=research, kind="research", topic="四个园区", state="held", created_by=office)
    planned = _activity(office, "inspection", dt.date(2026, 11, 30))
    Inspection.objects.create(
        activity=planned, kind="inspection", topic="城中村改造", state="planned", created_by=office
    )
    old = _activity(office, "research", dt.date(2025, 6, 2))
    Inspection.objects.create(activity=old, kind="research", topic="去年", state="closed", created_by=office)
    # One consultation held (专题协商).
    plan = ConsultationPlan.objects.create(year=2026, title="2026年度协商计划", created_by=office)
    committee = SpecialCommitteeFactory()
    topic = ConsultationTopic.objects.create(
        plan=plan, title="营商环境", source="leaders", form="special", state="held", created_by=office,
        lead_committee=committee, planned_quarter=3,
    )  # fmt: skip
    meeting = _activity(office, "consultation", dt.date(2026, 7, 8))
    ConsultationActivity.objects.create(topic=topic, activity=meeting, form="special")
    # A meeting scheduled and then dropped with its topic: never held, never counted.
    dropped = ConsultationTopic.objects.create(
        plan=plan, title="停车难", source="leaders", form="standing", state="dropped", created_by=office
    )
    cancelled = _activity(office, "consultation", dt.date(2026, 9, 20))
    ConsultationActivity.objects.create(topic=dropped, activity=cancelled, form="standing")
    # Attendance: a twice (inspection + consultation), b once, c excused; research: a, and b absent.
    for activity, member, status in [
        (insp, a, "attended"), (insp, b, "attended"), (insp, c, "excused"),
        (meeting, a, "attended"), (research, b, "absent"), (old, c, "attended"), (planned, c, "attended"),
    ]:  # fmt: skip
        Attendance.objects.create(activity=activity, member=member, status=status)
    training = _activity(office, "training", dt.date(2026, 3, 1))
    Attendance.objects.create(activity=training, member=c, status="attended")
    Attendance.objects.create(activity=training, member=a, status="absent")
    _activity(office, "welfare", dt.date(2026, 5, 1), cash_donated_wan=Decimal("12.50"), people_served=300)
    _activity(
        office, "poverty", dt.date(2026, 9, 1), goods_value_wan=Decimal("3.00"), visits_made=25, companies=3,
        jobs_offered=20,
    )  # fmt: skip
    _activity(office, "exchange", dt.date(2026, 10, 1), companies=12, cooperation_intents=5, services_provided=8)
    _activity(office, "publicity", dt.date(2026, 2, 1), articles_published=40)
    _activity(office, "group_leaders", dt.date(2026, 3, 20))
    _activity(office, "group_leaders", dt.date(2026, 5, 20))
    _activity(office, "assist_research", dt.date(2026, 8, 5))
    _activity(office, "group_leaders", dt.date(2025, 11, 20))  # the year before: not counted
    Regulation.objects.create(title="政协委员履职管理办法", kind="rule", adopted_on=dt.date(2026, 3, 5))
    # The office's own rule: reported apart (内部管理规范性制度), its title given with book-title marks.
    Regulation.objects.create(title="《集体学习制度》", kind="internal", adopted_on=dt.date(2026, 4, 1))
    Regulation.objects.create(title="2025年工作要点", kind="document", adopted_on=dt.date(2025, 3, 5))

    # Proposals submitted in 2026: filed ×3 (one key, one collective), not filed, merged, converted, one
    # waiting for review, one withdrawn; a draft.
    clock = timezone.make_aware(dt.datetime(2026, 1, 12, 9))
    from unittest import mock

    with mock.patch("django.utils.timezone.now", lambda: clock):
        p1 = walk(draft("关于水污染防治的建议"), "closed")
        p2 = walk(draft("关于城中村改造的建议"), "replied")
        p3 = walk(draft("关于教育综合改革的建议"), "filed")
        rejected = walk(draft("关于个人事务的建议"), "submitted")
        ps.proposal_reject(actor=office, proposal=rejected, reason="personal")
        merged = walk(draft("关于城中村改造的再建议"), "submitted")
        ps.proposal_merge(actor=office, proposal=merged, into=p2)
        converted = walk(draft("关于社情民意的建议"), "submitted")
        ps.proposal_convert(actor=office, proposal=converted)
        withdrawn = walk(draft("关于撤回的建议"), "submitted")  # not received: withdrawn by its proposer
        ps.proposal_withdraw(actor=people["proposer"], proposal=withdrawn)
        walk(draft("关于尚在审查的建议"), "submitted")  # received, still waiting for review
        draft("还在草稿中的建议")
        ps.proposal_set_flags(actor=people["leader"], proposal=p2, data={"is_key": True})
    return {"members": (a, b, c), "proposals": (p1, p2, p3)}
