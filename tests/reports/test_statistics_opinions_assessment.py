"""Opinion-report and assessment figures of the annual statistics, against hand counts."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessment.models import AssessmentAward, AssessmentCategory, AssessmentManualItem, AssessmentScheme
from members.models import MemberGroup
from reports import statistics
from supervision.opinion_models import OpinionAdoption, OpinionCategory, OpinionInstruction, OpinionReport
from tests.factories import MemberFactory

YEAR = statistics.period_for(year=2026)


def _report(user, title, submitted, state="submitted"):
    category, _ = OpinionCategory.objects.get_or_create(name="社会", defaults={"order": 1})
    at = timezone.make_aware(dt.datetime.combine(submitted, dt.time(10))) if submitted else None
    decided = state in ("adopted", "not_adopted")
    return OpinionReport.objects.create(
        title=title,
        content="内容",
        category=category,
        state=state,
        created_by=user,
        submitted_at=at,
        editing_started_at=at if decided else None,
        forwarded_at=at if decided else None,
        decided_at=at if decided else None,
    )


def test_opinion_figures(make_user):
    from cppcc.roles import Role

    office = make_user(Role.OFFICE, username="office_o")
    a = _report(office, "关于老旧小区的反映", dt.date(2026, 3, 1), "adopted")
    b = _report(office, "关于菜市场的反映", dt.date(2026, 5, 1), "adopted")
    _report(office, "关于停车难的反映", dt.date(2026, 6, 1), "not_adopted")
    _report(office, "去年的反映", dt.date(2025, 6, 1), "adopted")
    _report(office, "草稿", None, "draft")
    # a adopted at district and city level (counted once in "adopted", once per level), b at district.
    for report, level in ((a, "district"), (a, "city"), (b, "district")):
        OpinionAdoption.objects.create(
            report=report, level=level, publication="bulletin", date=dt.date(2026, 6, 1), recorded_by=office
        )
    OpinionInstruction.objects.create(
        report=a,
        leader_name="张书记",
        post="区委书记",
        level="district",
        date=dt.date(2026, 6, 5),
        text="请认真研究。",
        recorded_by=office,
    )
    OpinionInstruction.objects.create(
        report=a,
        leader_name="李区长",
        post="区长",
        level="district",
        date=dt.date(2026, 6, 6),
        text="抓紧落实。",
        recorded_by=office,
    )
    o = statistics.opinions(YEAR)
    assert (o["submitted"], o["adopted"], o["adoptions"], o["instructed"], o["instructions"]) == (3, 2, 3, 1, 2)
    assert o["by_level"] == {"district": 2, "city": 1, "province": 0, "national": 0}
    assert o["adoption_rate"] == 66.7


def test_assessment_figures(make_user):
    from cppcc.roles import Role

    office = make_user(Role.OFFICE, username="office_a")
    scheme = AssessmentScheme.objects.create(year=2026, name="2026", bands=[[10, "优秀"], [0, "称职"]])
    work = AssessmentCategory.objects.create(scheme=scheme, name="本职工作", order=1)
    group = MemberGroup.objects.create(name="第一组")
    top, mid, low = MemberFactory(group=group), MemberFactory(), MemberFactory()
    for member, points in ((top, 12), (mid, 10), (low, 3)):
        AssessmentManualItem.objects.create(
            member=member, category=work, points=Decimal(points), reason="测试", created_by=office
        )
    AssessmentAward.objects.create(year=2026, kind="outstanding_member", member=top, created_by=office)
    AssessmentAward.objects.create(year=2026, kind="outstanding_group", group=group, created_by=office)
    s = statistics.assessment(YEAR)
    assert s["assessed"] == 3
    assert s["by_grade"] == {"优秀": 2, "称职": 1}
    assert (s["outstanding_members"], s["outstanding_groups"], s["excellent_group_leaders"]) == (1, 1, 0)
