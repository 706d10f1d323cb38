"""The social-opinion counting sources of the performance assessment, scored through
`assessment.engine.score` against a scheme built here."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment import engine
from assessment.models import AssessmentCategory, AssessmentRule, AssessmentScheme
from members.models import Member
from supervision import opinion_services as services
from supervision.models import OpinionAdoption, OpinionInstruction, OpinionReport

from .test_opinion_world import Cast

YEAR = timezone.localdate().year


@pytest.fixture
def cast(db):
    return Cast()


def _scheme(rules):
    scheme = AssessmentScheme.objects.create(year=YEAR, name="履职考核")
    category = AssessmentCategory.objects.create(scheme=scheme, name="民意提交", order=1, cap=Decimal(100))
    for order, (source, params, points, label) in enumerate(rules, start=1):
        AssessmentRule.objects.create(
            category=category, source=source, params=params, points=points, label=label, order=order
        )
    return scheme


def _lines(member):
    [result] = engine.score(year=YEAR, members=Member.objects.filter(pk=member.pk))
    return {line.label: (line.quantity, line.score) for line in result.categories[0].lines}, result.total


def test_sources_are_registered_by_the_app():
    assert {"opinion_submitted", "opinion_adopted", "opinion_instructed"} <= set(engine.SOURCES)


def test_submitted_counts_every_author_unless_lead_only(cast):
    _scheme([
        ("opinion_submitted", {}, 2, "提交"),
        ("opinion_submitted", {"lead_only": True}, 1, "第一作者提交"),
    ])  # fmt: skip
    cast.report("submitted", title="一")
    cast.report("adopted", title="二")
    cast.report("draft", title="草稿不计")
    cast.report("withdrawn", title="撤回不计")
    last_year = cast.report("submitted", title="去年的")
    OpinionReport.objects.filter(pk=last_year.pk).update(submitted_at=timezone.now().replace(year=YEAR - 1))

    lines, total = _lines(cast.member)
    assert lines == {"提交": (2, 4), "第一作者提交": (2, 2)}
    assert total == 6
    lines, total = _lines(cast.comember)  # co-author of the same two
    assert lines == {"提交": (2, 4)} and total == 4
    assert _lines(cast.outsider) == ({}, 0)


def test_adopted_counts_each_level_and_can_be_limited_to_one(cast):
    _scheme([
        ("opinion_adopted", {}, 3, "被采用"),
        ("opinion_adopted", {"level": "city"}, 5, "市政协采用"),
        ("opinion_adopted", {"levels": ["province", "national"]}, 8, "省级以上采用"),
    ])  # fmt: skip
    office = cast["office"]
    report = cast.report("adopted", title="区、市、省三级采用")  # district
    services.opinion_adopt(actor=office, report=report, level="city", publication="bulletin")
    services.opinion_adopt(actor=office, report=report, level="province", publication="special")
    other = cast.report("adopted", title="只在区里")
    old = cast.report("adopted", title="去年采用")
    OpinionAdoption.objects.filter(report=old).update(date=dt.date(YEAR - 1, 12, 30))
    assert other and old

    lines, total = _lines(cast.member)
    assert lines == {"被采用": (4, 12), "市政协采用": (1, 5), "省级以上采用": (1, 8)}
    assert total == 25


def test_instructed_counts_a_report_once_whatever_the_number_of_instructions(cast):
    _scheme([("opinion_instructed", {}, 4, "获批示"), ("opinion_instructed", {"level": "city"}, 6, "市领导批示")])
    office = cast["office"]
    report = cast.report("adopted", title="两次批示")
    for name, level in (("张建华", "district"), ("王国平", "city")):
        services.opinion_instruct(actor=office, report=report, leader_name=name, post="领导", level=level, text="阅")
    once = cast.report("forwarded", title="一次批示")
    services.opinion_instruct(actor=office, report=once, leader_name="刘", post="区长", level="district", text="阅")
    cast.report("adopted", title="没有批示")
    old = cast.report("adopted", title="去年批示")
    services.opinion_instruct(actor=office, report=old, leader_name="李", post="副市长", level="city", text="阅")
    OpinionInstruction.objects.filter(report=old).update(date=dt.date(YEAR - 1, 6, 1))

    lines, total = _lines(cast.member)
    assert lines == {"获批示": (2, 8), "市领导批示": (1, 6)}
    assert total == 14


@pytest.mark.parametrize("code", ["opinion_submitted", "opinion_adopted", "opinion_instructed"])
def test_each_source_is_one_query(cast, code, django_assert_num_queries):
    for i in range(3):
        report = cast.report("adopted", title=f"信息{i}")
        services.opinion_instruct(
            actor=cast["office"], report=report, leader_name="王", post="副市长", level="city", text="阅"
        )
    fn = engine.SOURCES[code][1]
    with django_assert_num_queries(1):
        counts = fn(YEAR, {}, None)
    assert counts[cast.member.pk] == 3 and counts[cast.comember.pk] == 3


def test_work_report_figures_are_three_aggregates(cast, django_assert_num_queries):
    from supervision.opinion_statistics import opinion_figures

    office = cast["office"]
    twice = cast.report("adopted", title="区、市两级采用")
    services.opinion_adopt(actor=office, report=twice, level="city", publication="special")
    services.opinion_instruct(actor=office, report=twice, leader_name="王", post="副市长", level="city", text="阅")
    services.opinion_instruct(actor=office, report=twice, leader_name="刘", post="区长", level="district", text="阅")
    cast.report("adopted", title="区里采用")
    cast.report("submitted", title="待编辑")
    cast.report("withdrawn", title="撤回不计")
    cast.report("draft", title="草稿不计")
    with django_assert_num_queries(3):
        figures = opinion_figures(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    assert figures == {
        "submitted": 3,
        "from_proposals": 0,
        "adopted": 2,
        "adoptions": 3,
        "by_level": {"district": 2, "city": 1, "province": 0, "national": 0},
        "instructed": 1,
        "instructions": 2,
    }
    assert opinion_figures(dt.date(YEAR - 1, 1, 1), dt.date(YEAR - 1, 12, 31))["submitted"] == 0
