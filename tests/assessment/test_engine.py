import datetime as dt
from decimal import Decimal

import pytest

from activities import services as activity_services
from activities.models import Activity
from assessment import engine
from assessment import services as assessment_services
from assessment.models import AssessmentCategory, AssessmentManualItem, AssessmentRule, AssessmentScheme
from members.models import MemberGroup
from tests.factories import MemberFactory


@pytest.fixture
def scheme(db):
    scheme = AssessmentScheme.objects.create(year=2026, name="2026年度履职考核")
    meetings = AssessmentCategory.objects.create(scheme=scheme, name="参加会议", order=1, cap=Decimal(10))
    AssessmentRule.objects.create(category=meetings, source="half_days", points=2, label="全会每半天")
    AssessmentRule.objects.create(
        category=meetings, source="attended", params={"kind": "training"}, points=3, label="培训"
    )
    AssessmentRule.objects.create(category=meetings, source="absent", points=-4, label="无故缺席")
    AssessmentCategory.objects.create(scheme=scheme, name="本职工作", order=2, cap=Decimal(20))
    return scheme


def _activity(office, kind, day, half_days=0):
    return activity_services.activity_save(
        actor=office, data={"kind": kind, "title": f"{kind}{day}", "start_date": day, "half_days": half_days}
    )


def test_rules_caps_deductions_manual_items_and_bands(scheme, office_user):
    group = MemberGroup.objects.create(name="第一委员活动组")
    a, b, c = MemberFactory(group=group), MemberFactory(group=group), MemberFactory()
    plenary = _activity(office_user, Activity.Kind.PLENARY, dt.date(2026, 1, 10), half_days=3)
    training = _activity(office_user, Activity.Kind.TRAINING, dt.date(2026, 4, 2))
    last_year = _activity(office_user, Activity.Kind.TRAINING, dt.date(2025, 4, 2))
    activity_services.attendance_record(actor=office_user, activity=plenary, entries={a.pk: "attended", b.pk: "absent"})
    activity_services.attendance_record(
        actor=office_user, activity=training, entries={a.pk: "attended", b.pk: "attended"}
    )
    activity_services.attendance_record(actor=office_user, activity=last_year, entries={c.pk: "attended"})
    work = scheme.categories.get(name="本职工作")
    AssessmentManualItem.objects.create(
        member=c, category=work, points=Decimal(15), reason="获评劳动模范", created_by=office_user
    )

    results = {r.member.pk: r for r in engine.score(year=2026)}
    # a: 3 half-days × 2 + training 3 = 9 (under the cap of 10)
    assert results[a.pk].total == Decimal(9)
    assert [(line.label, line.quantity, line.score) for line in results[a.pk].categories[0].lines] == [
        ("全会每半天", 3, 6), ("培训", 1, 3)
    ]  # fmt: skip
    # b: training 3, unexcused absence −4 → −1, the total never goes below 0
    assert results[b.pk].categories[0].score == Decimal(-1)
    assert results[b.pk].total == Decimal(0)
    # c: last year's training does not count; the manual item does
    assert results[c.pk].total == Decimal(15)
    assert results[c.pk].categories[1].lines[0].reason == "获评劳动模范"
    assert [r.rank for r in sorted(results.values(), key=lambda r: r.rank)] == [1, 2, 3]
    assert {r.grade for r in results.values()} == {"不称职"}

    scheme.bands = [[15, "优秀"], [5, "称职"], [0, "不称职"]]
    scheme.save()
    grades = {r.member.pk: r.grade for r in engine.score(year=2026)}
    assert grades == {a.pk: "称职", b.pk: "不称职", c.pk: "优秀"}


def test_cap_limits_a_category(scheme, office_user):
    m = MemberFactory()
    for month in range(1, 6):
        t = _activity(office_user, Activity.Kind.TRAINING, dt.date(2026, month, 3))
        activity_services.attendance_record(actor=office_user, activity=t, entries={m.pk: "attended"})
    [result] = engine.score(year=2026)
    assert result.categories[0].raw == Decimal(15)
    assert result.categories[0].score == Decimal(10) == result.total


def test_one_member_and_all_members_agree(scheme, office_user):
    members = [MemberFactory() for _ in range(6)]
    t = _activity(office_user, Activity.Kind.TRAINING, dt.date(2026, 3, 3))
    activity_services.attendance_record(actor=office_user, activity=t, entries={m.pk: "attended" for m in members[:4]})
    everyone = {r.member.pk: r.total for r in engine.score(year=2026)}
    from members.models import Member

    for m in members:
        [alone] = engine.score(year=2026, members=Member.objects.filter(pk=m.pk))
        assert alone.total == everyone[m.pk]


def test_scoring_all_members_costs_the_same_queries_for_5_or_50(scheme, office_user, django_assert_max_num_queries):
    t = _activity(office_user, Activity.Kind.TRAINING, dt.date(2026, 3, 3))
    for count in (5, 50):
        members = [MemberFactory() for _ in range(count)]
        activity_services.attendance_record(actor=office_user, activity=t, entries={m.pk: "attended" for m in members})
        with django_assert_max_num_queries(8):
            engine.score(year=2026)


def test_no_scheme_no_scores(db):
    MemberFactory()
    assert engine.score(year=2030) == []


def test_default_scheme_and_manual_items_are_office_work(office_user, member_user):
    from auditlog.models import LogEntry

    from cppcc.errors import ApplicationError, Conflict, PermissionDenied

    scheme = assessment_services.assessment_scheme_create_default(actor=office_user, year=2026)
    assert list(scheme.categories.values_list("name", flat=True))[:3] == ["参加会议", "学习培训", "协商议政"]
    with pytest.raises(Conflict):
        assessment_services.assessment_scheme_create_default(actor=office_user, year=2026)
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_scheme_create_default(actor=member_user, year=2027)

    work = scheme.categories.get(name="本职工作")
    me = member_user.member
    with pytest.raises(ApplicationError):
        assessment_services.assessment_manual_item_add(
            actor=office_user, member=me, category=work, points=5, reason=" "
        )
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_manual_item_add(
            actor=member_user, member=me, category=work, points=5, reason="自评"
        )
    item = assessment_services.assessment_manual_item_add(
        actor=office_user, member=me, category=work, points=Decimal(6), reason="本职工作获市级表彰"
    )
    entry = LogEntry.objects.get_for_object(item).get()
    assert entry.actor == office_user
    [result] = engine.score(year=2026, members=type(me).objects.filter(pk=me.pk))
    assert result.total == Decimal(6)
