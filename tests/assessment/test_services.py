"""The scheme editor's services (settings, bands, categories, rules with their sources and parameters),
the 评选 (awards), and the year's summary for the work report — role-checked and audited."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction

from activities import services as activity_services
from assessment import engine
from assessment import services as assessment_services
from assessment.models import AssessmentAward, AssessmentCategory, AssessmentRule, AssessmentScheme
from cppcc.errors import ApplicationError, Conflict, PermissionDenied
from members.models import MemberGroup
from tests.factories import MemberFactory


@pytest.fixture
def scheme(office_user):
    return assessment_services.assessment_scheme_create_default(actor=office_user, year=2026)


def test_settings_and_bands(scheme, office_user, leader_user):
    assessment_services.assessment_scheme_update(
        actor=office_user,
        scheme=scheme,
        data={"name": "2026年度考核", "max_total": "120", "bands": [["0", "不合格"], ["100", "优秀"], [75, "合格"]]},
    )
    scheme.refresh_from_db()
    assert (scheme.name, scheme.max_total) == ("2026年度考核", Decimal(120))
    assert scheme.bands == [[100, "优秀"], [75, "合格"], [0, "不合格"]]  # highest first
    assert scheme.grade(Decimal(80)) == "合格"
    entry = LogEntry.objects.get_for_object(scheme).latest("timestamp")
    assert entry.actor == office_user and "bands" in entry.changes_dict
    for bands in ([], [[60, "称职"]], [[60, "a"], [60, "b"], [0, "c"]], [[60, ""], [0, "c"]], [["x", "a"], [0, "b"]]):
        with pytest.raises(ApplicationError):
            assessment_services.assessment_scheme_update(actor=office_user, scheme=scheme, data={"bands": bands})
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_scheme_update(actor=leader_user, scheme=scheme, data={"name": "x"})
    scheme.refresh_from_db()
    assert scheme.name == "2026年度考核"


def test_categories(scheme, office_user):
    category = assessment_services.assessment_category_save(
        actor=office_user, scheme=scheme, data={"name": "界别活动", "cap": ""}
    )
    assert (category.cap, category.order) == (None, 11)
    assessment_services.assessment_category_save(actor=office_user, scheme=scheme, category=category, data={"cap": "8"})
    category.refresh_from_db()
    assert category.cap == Decimal(8)
    with pytest.raises(Conflict):
        assessment_services.assessment_category_save(actor=office_user, scheme=scheme, data={"name": "学习培训"})
    work = scheme.categories.get(name="本职工作")
    assessment_services.assessment_manual_item_add(
        actor=office_user, member=MemberFactory(), category=work, points=Decimal(5), reason="获表彰"
    )
    with pytest.raises(Conflict, match="手工加减分"):
        assessment_services.assessment_category_remove(actor=office_user, category=work)
    pk = category.pk
    assessment_services.assessment_category_remove(actor=office_user, category=category)
    assert not AssessmentCategory.objects.filter(pk=pk).exists()
    assert LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).get().actor == office_user


def test_rules_check_their_source_and_parameters(scheme, office_user):
    category = scheme.categories.get(name="学习培训")
    rule = assessment_services.assessment_rule_save(
        actor=office_user,
        category=category,
        data={"source": "attended", "params": {"kinds": ["training", "group", "training"]}, "points": "1.5"},
    )
    assert rule.params == {"kinds": ["training", "group"]}  # in the order of Activity.Kind, once each
    assert rule.label == "出席活动（按类型）"  # the source's name when no label is given
    for data, field in (
        ({"source": "nonsense", "points": 1}, "source"),
        ({"source": "attended", "params": {"kinds": ["party"]}, "points": 1}, "params"),
        ({"source": "attended", "points": 0}, "points"),
        ({"source": "attended", "points": "abc"}, "points"),
    ):
        with pytest.raises(ApplicationError) as caught:
            assessment_services.assessment_rule_save(actor=office_user, category=category, data=data)
        assert field in caught.value.errors
    # Editing points only keeps the parameters.
    assessment_services.assessment_rule_save(actor=office_user, category=category, rule=rule, data={"points": "2"})
    rule.refresh_from_db()
    assert (rule.points, rule.params) == (Decimal(2), {"kinds": ["training", "group"]})
    pk = rule.pk
    assessment_services.assessment_rule_remove(actor=office_user, rule=rule)
    assert not AssessmentRule.objects.filter(pk=pk).exists()


def test_a_rule_edit_changes_the_scores(scheme, office_user):
    member = MemberFactory()
    training = activity_services.activity_save(
        actor=office_user, data={"kind": "training", "title": "培训", "start_date": dt.date(2026, 3, 3)}
    )
    activity_services.attendance_record(actor=office_user, activity=training, entries={member.pk: "attended"})
    [before] = engine.score(year=2026)
    rule = AssessmentRule.objects.get(category__scheme=scheme, category__name="学习培训")
    old_points = rule.points
    assessment_services.assessment_rule_save(actor=office_user, category=rule.category, rule=rule, data={"points": "4"})
    [after] = engine.score(year=2026)
    assert after.total - before.total == Decimal(4) - old_points != 0


def test_rule_params_accepts_the_older_single_kind_and_leaves_undeclared_sources_alone():
    assert engine.rule_params("attended", {"kind": "training"}) == {"kinds": ["training"]}
    assert engine.rule_params("attended", {"kinds": []}) == {}
    # A source that declares no parameters reads its own (e.g. opinion reports' "level").
    assert engine.rule_params("half_days", {"level": "city"}) == {"level": "city"}
    with pytest.raises(ValueError, match="不接受参数"):
        engine.rule_params("attended", {"level": "city"})
    with pytest.raises(ValueError, match="未知"):
        engine.rule_params("no-such-source", {})


# --- awards -----------------------------------------------------------------------------------------


def test_awards_name_a_member_or_a_group_once_a_year(office_user, member_user):
    group = MemberGroup.objects.create(name="第一委员活动组")
    m = MemberFactory()
    kinds = AssessmentAward.Kind
    assessment_services.assessment_award_add(
        actor=office_user, year=2026, kind=kinds.OUTSTANDING_MEMBER, member=m, note="履职突出"
    )
    assessment_services.assessment_award_add(actor=office_user, year=2026, kind=kinds.OUTSTANDING_GROUP, group=group)
    assessment_services.assessment_award_add(actor=office_user, year=2025, kind=kinds.OUTSTANDING_MEMBER, member=m)
    with pytest.raises(Conflict):
        assessment_services.assessment_award_add(actor=office_user, year=2026, kind=kinds.OUTSTANDING_MEMBER, member=m)
    with pytest.raises(ApplicationError):
        assessment_services.assessment_award_add(actor=office_user, year=2026, kind=kinds.OUTSTANDING_GROUP, member=m)
    with pytest.raises(ApplicationError):
        assessment_services.assessment_award_add(
            actor=office_user, year=2026, kind=kinds.EXCELLENT_GROUP_LEADER, group=group
        )
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_award_add(actor=member_user, year=2026, kind=kinds.OUTSTANDING_MEMBER, member=m)
    assert AssessmentAward.objects.count() == 3
    # The database guards the same rules.
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentAward.objects.create(year=2027, kind=kinds.OUTSTANDING_GROUP, member=m, created_by=office_user)


def test_awards_set_adds_and_removes_and_is_audited(office_user):
    a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
    kind = AssessmentAward.Kind.OUTSTANDING_MEMBER
    assert assessment_services.assessment_awards_set(actor=office_user, year=2026, kind=kind, ids=[a.pk, b.pk]) == (
        2,
        0,
    )
    assert assessment_services.assessment_awards_set(actor=office_user, year=2026, kind=kind, ids=[b.pk, c.pk]) == (
        1,
        1,
    )
    awarded = set(AssessmentAward.objects.filter(year=2026, kind=kind).values_list("member_id", flat=True))
    assert awarded == {b.pk, c.pk}
    assert LogEntry.objects.filter(content_type__model="assessmentaward", action=LogEntry.Action.DELETE).count() == 1
    with pytest.raises(ApplicationError):
        assessment_services.assessment_awards_set(actor=office_user, year=2026, kind=kind, ids=[999999])


def test_year_summary_counts_grades_and_awards(scheme, office_user):
    members = [MemberFactory() for _ in range(3)]
    work = scheme.categories.get(name="本职工作")
    assessment_services.assessment_manual_item_add(
        actor=office_user, member=members[0], category=work, points=10, reason="表彰"
    )
    scheme.bands = [[10, "优秀"], [0, "一般"]]
    scheme.save()
    assessment_services.assessment_awards_set(
        actor=office_user, year=2026, kind=AssessmentAward.Kind.OUTSTANDING_MEMBER, ids=[members[0].pk]
    )
    assert engine.year_summary(year=2026) == {
        "assessed": 3,
        # The report's "按照学习培训、参加会议……等X个方面": the scheme's categories, in its order.
        "categories": 10,
        "category_names": [
            "参加会议",
            "学习培训",
            "协商议政",
            "视察调研",
            "提案撰写",
            "民意提交",
            "活动发言",
            "本职工作",
            "社会公益",
            "新闻宣传",
        ],
        "by_grade": {"优秀": 1, "一般": 2},
        "outstanding_members": 1,
        "outstanding_groups": 0,
        "excellent_group_leaders": 0,
    }
    assert engine.year_summary(year=2031) is None
    assert AssessmentScheme.objects.count() == 1
