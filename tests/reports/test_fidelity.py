# ruff: noqa: E501 — the statement table reads one statement per line
"""Fidelity to the customary work report (../shared/seeds/000_…txt): one year of recorded work, built
through the services as the office would enter it, with records in the neighbouring years that must
stay out; every numeric statement of the seed's 工作回顾 about the committee's own work, by name, with
its figure counted by hand below — checked in the annual API, the statistics workbook and the Word draft.

The figures are written here, not computed: each is the count of what `seed_year` records, and the
comments say which records make it.
"""

import datetime as dt
import io
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from activities import services as activity_services
from activities.catalogue import ensure_default_catalogue
from activities.models import Activity
from assessment import services as assessment_services
from assessment.models import AssessmentAward
from consultations.models import ConsultationActivity, ConsultationOutcome, ConsultationPlan, ConsultationTopic
from members.models import MemberGroup
from opinions import services as opinion_services
from opinions.models import OpinionCategory
from proposals import services as ps
from reports import documents
from supervision import services as supervision_services
from tests.factories import MemberFactory, SpecialCommitteeFactory

from .test_documents import _block, _content, _sheet_pairs

YEAR = 2026


def _at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10))


def _activity(office, kind, title, day, *, members=(), **extra):
    """An activity (its fields and work-report quantities by catalogue code) and who attended it."""
    fields = {"is_highlight", "place", "end_date"}
    data = {"kind": kind, "title": title, "start_date": day, **{k: v for k, v in extra.items() if k in fields}}
    data["quantities"] = {k: v for k, v in extra.items() if k not in fields}
    activity = activity_services.activity_save(actor=office, data=data)
    if members:
        activity_services.attendance_record(
            actor=office, activity=activity, entries={m.pk: "attended" for m in members}
        )
    return activity


def _inspection(office, kind, title, day, members, recommendations, *, held=True):
    inspection = supervision_services.inspection_create(
        actor=office, data={"kind": kind, "title": title, "topic": title[:20], "start_date": day}
    )
    supervision_services.inspection_attendance(
        actor=office, inspection=inspection, entries={m.pk: "attended" for m in members}
    )
    if held:
        supervision_services.inspection_hold(actor=office, inspection=inspection)
    for n in range(recommendations):
        supervision_services.recommendation_add(actor=office, inspection=inspection, text=f"建议{n + 1}")
    return inspection


def _consultation(office, plan, title, day, members, *, state="held", recommendations=0):
    planned = {"lead_committee": SpecialCommitteeFactory(), "planned_quarter": 3} if state != "dropped" else {}
    topic = ConsultationTopic.objects.create(
        plan=plan, title=title, source="leaders", form="special", state=state, created_by=office, **planned
    )
    meeting = _activity(office, "consultation", f"{title}专题协商", day, members=members)
    ConsultationActivity.objects.create(topic=topic, activity=meeting, form="special")
    if recommendations:
        ConsultationOutcome.objects.create(
            topic=topic, title=f"关于{title}的协商成果", report="建议……", recommendations=recommendations,
            submitted_at=_at(day.year, day.month, day.day), submitted_by=office,
        )  # fmt: skip


@pytest.fixture
def seed_year(people, term, draft, walk, category):  # noqa: F811 — the proposal fixtures
    office = people["office"]
    ensure_default_catalogue()
    d = dt.date
    m = [MemberFactory(name=f"委员{n:02d}") for n in range(1, 16)]

    # 视察调研 (S1), 民主监督 (S8), 意见建议 (S11): held inspections 视察 ×2, 调研 ×1, 民主监督 ×2; one only
    # planned and one of 2025 do not count.
    _inspection(office, "inspection", "水污染防治专题视察", d(YEAR, 4, 10), m[0:3], 5)
    _inspection(office, "inspection", "重大工程建设项目视察", d(YEAR, 5, 12), [m[0], m[3]], 2)
    _inspection(office, "research", "小学课外负担调研", d(YEAR, 6, 2), [m[4]], 1)
    _inspection(office, "supervision", "社区便民化服务民主监督", d(YEAR, 7, 3), [m[5]], 3)
    _inspection(office, "supervision", "社会信用体系建设民主监督", d(YEAR, 8, 3), [m[5]], 0)
    _inspection(office, "inspection", "城中村改造视察", d(YEAR, 11, 30), [m[6]], 0, held=False)
    _inspection(office, "inspection", "去年的视察", d(YEAR - 1, 6, 2), [m[8]], 4)

    # 协商活动 (S2): one held, one dropped; one of 2025. The held one's outcome makes 4 recommendations.
    plan = ConsultationPlan.objects.create(year=YEAR, title="年度协商计划", created_by=office)
    _consultation(office, plan, "营商环境", d(YEAR, 7, 8), [m[0], m[6]], recommendations=4)
    _consultation(office, plan, "停车难", d(YEAR, 9, 20), [m[9]], state="dropped")
    old_plan = ConsultationPlan.objects.create(year=YEAR - 1, title="去年协商计划", created_by=office)
    _consultation(office, old_plan, "去年的议题", d(YEAR - 1, 7, 8), [m[9]], recommendations=9)

    # 提案 (S5, S6): in 2026 three filed, one not filed, one withdrawn (not received); one filed in 2025.
    with mock.patch("django.utils.timezone.now", lambda: _at(YEAR - 1, 3, 1)):
        walk(draft("去年的提案"), "filed")
    with mock.patch("django.utils.timezone.now", lambda: _at(YEAR, 1, 12)):
        for title in ("关于水污染防治的建议", "关于资本市场的建议", "关于创新创业大讲堂的建议"):
            walk(draft(title), "filed")
        rejected = walk(draft("关于个人事务的建议"), "submitted")
        ps.proposal_reject(actor=office, proposal=rejected, reason="personal")
        withdrawn = walk(draft("关于撤回的建议"), "submitted")
        ps.proposal_withdraw(actor=people["proposer"], proposal=withdrawn)

    # 社情民意 (S7): two submitted in 2026, one in 2025.
    opinion_category = OpinionCategory.objects.get_or_create(name="城乡建设")[0]
    for year, title in ((YEAR, "加装电梯难"), (YEAR, "停车难"), (YEAR - 1, "去年的信息")):
        with mock.patch("django.utils.timezone.now", lambda year=year: _at(year, 5, 6)):
            report = opinion_services.opinion_create(
                actor=people["proposer"], data={"title": title, "content": "群众反映……", "category": opinion_category}
            )
            opinion_services.opinion_submit(actor=people["proposer"], report=report)

    # 制度建设 (S9, S46): two rules and one document for the committee's work; twelve internal rules;
    # a rule of 2025.
    for title, kind in (
        ("政协委员服务管理办法", "rule"),
        ("委员履职尽责考核办法", "rule"),
        ("协商计划实施办法", "document"),
    ):
        activity_services.regulation_save(
            actor=office, data={"title": title, "kind": kind, "adopted_on": d(YEAR, 3, 5)}
        )
    for n in range(12):
        activity_services.regulation_save(
            actor=office, data={"title": f"《机关内部制度{n + 1}》", "kind": "internal", "adopted_on": d(YEAR, 4, 1)}
        )
    activity_services.regulation_save(
        actor=office, data={"title": "去年的办法", "kind": "rule", "adopted_on": d(YEAR - 1, 3, 5)}
    )

    # 分包重点项目 (S10): three of 1亿元 and more with leaders responsible, one smaller, one nobody carries;
    # one of 2025.
    for year, name, investment, carriers in (
        (YEAR, "工业科贸大厦", "3.2", [m[0]]),
        (YEAR, "节能保温墙体材料基地", "5.6", [m[1]]),
        (YEAR, "城中村改造项目", "12", [m[0], m[1]]),
        (YEAR, "社区便民服务中心", "0.6", [m[2]]),
        (YEAR, "产业园道路", "2", []),
        (YEAR - 1, "去年的项目", "8", [m[0]]),
    ):
        activity_services.key_project_save(
            actor=office, data={"year": year, "name": name, "investment_yi": Decimal(investment), "members": carriers}
        )

    # 社会公益 (S12–S24): nine activities, seven marked as highlights; one of 2025.
    w = "welfare"
    _activity(office, w, "某委员向区慈善总会捐赠现金", d(YEAR, 2, 1), cash_donated_wan="5", is_highlight=True)
    _activity(office, w, "某委员向小学和儿童福利院捐赠", d(YEAR, 3, 1), cash_donated_wan="3.2", is_highlight=True)
    _activity(office, w, "某委员无偿资助贫困大学生", d(YEAR, 3, 15), students_aided=4, is_highlight=True)
    _activity(
        office, w, "某委员坚持每月资助贫困学生", d(YEAR, 4, 1), students_monthly=20, student_aid_wan="4.8",
        is_highlight=True,
    )  # fmt: skip
    _activity(
        office, w, "某委员带领医护人员进村开展义诊", d(YEAR, 5, 1), medical_staff=12, people_served=700,
        brochures=500, is_highlight=True,
    )  # fmt: skip
    _activity(office, w, "某委员为村和市扶贫协会捐资", d(YEAR, 5, 20), cash_donated_wan="2")
    _activity(
        office, w, "某委员为老年公寓和村捐赠生活物资、爱心衣物", d(YEAR, 6, 1), items_given=10000,
        goods_value_wan="20", is_highlight=True,
    )  # fmt: skip
    _activity(
        office, w, "“六一”委员三组、五组向小学赠送电脑和文具", d(YEAR, 6, 1), goods_value_wan="0.95", is_highlight=True
    )
    _activity(office, w, "某委员为社区群众免费培训书画学员", d(YEAR, 9, 1), trainees=1000)
    _activity(office, w, "去年的捐赠", d(YEAR - 1, 9, 1), cash_donated_wan="99", is_highlight=True)

    # 扶贫帮困 (S25–S33): eight visits to the paired village, ten members among them.
    p = "poverty"
    helpers = [m[i] for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)]
    poverty = [
        {"companies": 3, "jobs_offered": 40},
        {"funds_raised_wan": "30"},
        {"projects_built": 1, "lamps": 75, "is_highlight": True},
        {"goods_value_wan": "1"},
        {"condolence_wan": "2.5"},
        {},
        {},
        {},
    ]
    for n, extra in enumerate(poverty):
        _activity(
            office, p, f"赴X村开展对口帮扶（第{n + 1}次）", d(YEAR, 1 + n, 8), members=helpers[n : n + 3], **extra
        )
    _activity(office, p, "去年的帮扶", d(YEAR - 1, 5, 8), members=[m[14]], companies=9, jobs_offered=99)

    # 履职平台 (S34–S38): five group leaders' exchanges, ten cross-group exchanges with 16 intents and 76
    # services, two quarters of articles (60 + 60).
    for n in range(5):
        _activity(office, "group_leaders", f"委员组长交流活动（第{n + 1}次）", d(YEAR, 2 + 2 * n, 10))
    intents, services = [2, 1, 2, 2, 1, 2, 2, 1, 2, 1], [8, 7, 8, 7, 8, 7, 8, 7, 8, 8]
    for n in range(10):
        _activity(
            office, "exchange", f"委员组交叉联谊交流会（第{n + 1}次）", d(YEAR, 1 + n, 20),
            cooperation_intents=intents[n], services_provided=services[n],
        )  # fmt: skip
    _activity(office, "exchange", "去年的交流会", d(YEAR - 1, 10, 20), cooperation_intents=7)
    _activity(office, "publicity", "微信公众号（上半年）", d(YEAR, 6, 30), articles_published=60)
    _activity(office, "publicity", "微信公众号（下半年）", d(YEAR, 11, 30), articles_published=60)

    # 调研配合 (S39), 交流联谊 (S40), 委员培训 (S41).
    for n in range(3):
        _activity(office, "assist_research", f"协助市政协专题调研（第{n + 1}起）", d(YEAR, 3 + n, 5))
    _activity(office, "other", "接待外地政协学习考察团", d(YEAR, 10, 9), delegations_received=6)
    for n in range(2):
        _activity(office, "training", f"全体委员培训（第{n + 1}次）", d(YEAR, 4 + 5 * n, 1), members=m[:2])

    # 履职考评 (S42–S45): the default scheme; six outstanding members, five groups, five group leaders.
    assessment_services.assessment_scheme_create_default(actor=office, year=YEAR)
    groups = [MemberGroup.objects.create(name=f"委员{n + 1}组", order=n) for n in range(6)]
    for kind, ids in (
        (AssessmentAward.Kind.OUTSTANDING_MEMBER, [x.pk for x in m[:6]]),
        (AssessmentAward.Kind.OUTSTANDING_GROUP, [g.pk for g in groups[:5]]),
        (AssessmentAward.Kind.EXCELLENT_GROUP_LEADER, [x.pk for x in m[6:11]]),
    ):
        assessment_services.assessment_awards_set(actor=office, year=YEAR, kind=kind, ids=ids)
    return people


# The seed's statement → the figure's key in the annual API → its hand count → what the Word draft says.
STATEMENTS = [
    ("开展了X项视察调研", "activities.inspection_research", 3, "开展了3项视察调研"),  # 视察 2 + 调研 1
    ("X次协商活动", "activities.consultations", 1, "和1次协商活动"),  # the dropped topic's meeting not counted
    ("有X位委员", "participation.core_members", 6, "有6位委员"),  # 01–05 and 07 (a dropped meeting's 10 not)
    ("X人次参加", "participation.core_person_times", 8, "8人次参加"),  # 3 + 2 + 1 + 2
    ("提交提案X件", "proposals.submitted", 4, "提交提案4件"),  # the withdrawn one is not received
    ("立案X件", "proposals.filed", 3, "立案3件"),
    ("反映社情民意X件", "opinions.submitted", 2, "反映社情民意2件"),
    ("X项重要民生工程（民主监督）", "activities.supervision", 2, "民主监督2次"),
    ("X个意见或办法", "regulations.total", 3, "等3个意见或办法"),  # internal rules apart
    ("承担了X个亿元以上重点项目", "activities.key_projects.over_one_yi", 3, "承担了3个亿元以上"),
    ("提出X条协商意见", "activities.recommendations.total", 15, "提出15条意见建议"),  # 5+2 视察, 1 调研, 3 监督, 4 协商
    ("向慈善总会捐赠现金X万元", "activities.by_kind.welfare.cash_donated_wan", 10.2, "某委员向区慈善总会捐赠现金5万元"),
    ("向小学和儿童福利院捐赠X万元", "activities.by_kind.welfare.cash_donated_wan", 10.2, "某委员向小学和儿童福利院捐赠，捐赠现金3.2万元"),
    ("无偿资助4名贫困大学生", "activities.by_kind.welfare.students_aided", 4, "资助贫困学生4名"),
    ("每月资助20名贫困学生", "activities.by_kind.welfare.students_monthly", 20, "每月资助学生20名"),
    ("年资助费用X万元", "activities.by_kind.welfare.student_aid_wan", 4.8, "助学资金4.8万元"),
    ("带领X名医护人员", "activities.by_kind.welfare.medical_staff", 12, "组织医护人员12名"),
    ("免费义诊700余人", "activities.by_kind.welfare.people_served", 700, "服务群众700人次"),
    ("发放健康宣传手册500余份", "activities.by_kind.welfare.brochures", 500, "发放宣传资料500份"),
    ("为村和扶贫协会捐资X万元", "activities.by_kind.welfare.cash_donated_wan", 10.2, "捐赠现金10.2万元"),  # 5 + 3.2 + 2
    ("捐赠生活物资、爱心衣物X万余件", "activities.by_kind.welfare.items_given", 10000, "捐赠物资衣物10000件"),
    ("价值约X万余元", "activities.by_kind.welfare.goods_value_wan", 20.95, "捐赠物资价值20.95万元"),  # 20 + 0.95
    ("“六一”赠送物品价值近万元", "activities.by_kind.welfare.goods_value_wan", 20.95, "赠送电脑和文具，捐赠物资价值0.95万元"),
    ("培训学员上千人次", "activities.by_kind.welfare.trainees", 1000, "培训学员1000人次"),
    ("先后8次开展对口帮扶", "activities.poverty", 8, "先后8次开展对口帮扶工作"),
    ("X多名政协委员积极响应", "participation.poverty_members", 10, "10名政协委员参与其中"),
    ("X家委员企业", "activities.poverty_companies", 3, "3家委员企业"),  # not the 2025 visit's 9
    ("提供劳务用工岗位X个", "activities.by_kind.poverty.jobs_offered", 40, "提供劳务用工岗位40个"),
    ("争取项目资金X万元", "activities.by_kind.poverty.funds_raised_wan", 30, "争取项目资金30万元"),
    ("建成光亮工程一个", "activities.by_kind.poverty.projects_built", 1, "建成帮扶项目1个"),
    ("新建太阳能节能灯75盏", "activities.by_kind.poverty.lamps", 75, "新建节能灯75盏"),
    ("赠送价值一万余元的办公电脑", "activities.by_kind.poverty.goods_value_wan", 1, "捐赠物资价值1万元"),
    ("发放慰问金X万余元", "activities.by_kind.poverty.condolence_wan", 2.5, "发放慰问金2.5万元"),
    ("开展委员组长交流活动5次", "activities.group_leader_exchanges", 5, "开展委员组长交流活动5次"),
    ("委员组交叉联谊交流活动10次", "activities.exchanges", 10, "委员组交叉联谊交流活动10次"),
    ("达成合作意向16个", "activities.quantities.cooperation_intents", 16, "达成合作意向16个"),  # not 2025's 7
    ("提供各类服务76起", "activities.quantities.services_provided", 76, "提供各类服务76起"),
    ("发布各类新闻信息X篇", "activities.quantities.articles_published", 120, "发布各类新闻信息120篇"),
    ("协助市政协开展专题调研任务3起", "activities.assisted_research", 3, "协助市政协开展专题调研任务3起"),
    ("接待外地政协学习考察团6起", "activities.quantities.delegations_received", 6, "交流考察6起"),
    ("组织全体委员培训两次", "activities.trainings", 2, "全年举办学习培训2次"),
    ("等九个方面", "assessment.categories", 10, "等10个方面"),  # the default scheme has ten
    ("评选出优秀委员X名", "assessment.outstanding_members", 6, "评选出优秀委员6名"),
    ("先进委员组5个", "assessment.outstanding_groups", 5, "先进委员组5个"),
    ("优秀委员组长5名", "assessment.excellent_group_leaders", 5, "优秀委员组长5名"),
    ("内部管理规范性制度12项", "regulations.internal", 12, "内部管理规范性制度12项"),
]  # fmt: skip


def _get(data: dict, path: str):
    for key in path.split("."):
        data = data[key]
    return data


def _workbook_value(workbook, path: str):
    """Where the workbook shows a figure: a quantity in its kind's (or the totals') block under its
    catalogue name, any other figure beside its label."""
    parts = path.split(".")
    codes = documents._code_labels()
    if parts[:2] == ["activities", "by_kind"]:
        return _block(workbook["活动与参与"], documents.label(".".join(parts[:3])))[codes[parts[3]]]
    if parts[:2] == ["activities", "quantities"]:
        return _block(workbook["活动与参与"], documents.label("activities.quantities"))[codes[parts[2]]]
    if parts[:2] == ["activities", "recommendations"]:
        return _block(workbook["活动与参与"], documents.label("activities.recommendations"))[documents.label(path)]
    if parts[:2] == ["activities", "key_projects"]:
        return _block(workbook["活动与参与"], documents.label("activities.key_projects"))[documents.label(path)]
    sheet = {"activities": "活动与参与", "participation": "活动与参与", "proposals": "提案"}.get(parts[0])
    sheet = sheet or {"opinions": "社情民意", "assessment": "考核", "regulations": "制度建设"}[parts[0]]
    return _sheet_pairs(workbook[sheet])[documents.label(path)]


@pytest.fixture
def outputs(seed_year, client_for, settings):
    settings.CPPCC_DISTRICT = "城关区"
    office = client_for(seed_year["office"])
    api = office.get("/api/v1/reports/annual/", {"year": YEAR}).json()
    workbook = load_workbook(io.BytesIO(_content(office.get(reverse("reports:statistics_xlsx"), {"year": YEAR}))))
    document = Document(io.BytesIO(_content(office.get(reverse("reports:work_report"), {"year": YEAR}))))
    return api, workbook, "\n".join(p.text for p in document.paragraphs)


def test_every_statement_of_the_seed_comes_out_of_the_recorded_year(outputs):
    api, workbook, text = outputs
    wrong = []
    for statement, path, expected, words in STATEMENTS:
        in_api, in_book = _get(api, path), _workbook_value(workbook, path)
        if not (in_api == expected and in_book == expected and words in text):
            wrong.append((statement, path, expected, in_api, in_book, words in text))
    assert wrong == [], wrong
    assert len(STATEMENTS) == 46

    # Each figure is explained in the workbook (指标说明: value, how it is computed, where its records
    # are), and the activity figures' records are listed (活动明细), the uncounted ones marked.
    explained = {row[4]: row for row in workbook["指标说明"].iter_rows(min_row=2, values_only=True)}
    for statement, path, expected, _words in STATEMENTS:
        name, value, how, records, _tag = explained["{{ " + path + " }}"]
        assert value == expected and how and name.isascii() is False, (statement, name, value, how)
    listed = list(workbook["活动明细"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == Activity.objects.filter(start_date__year=YEAR).count()
    dropped = next(row for row in listed if row[2] == "停车难专题协商")
    assert dropped[1] == "协商活动" and dropped[3] == "否（未开展）"
    lamps = next(row for row in listed if row[2] == "赴X村开展对口帮扶（第3次）")
    assert lamps[5] == "是" and "安装节能灯75盏" in lamps[6]

    # The draft reads as the report does: its sentences add up, nothing is zero, nothing is left as XX.
    assert "开展了3项视察调研和1次协商活动，有6位委员8人次参加，提交提案4件，立案3件，反映社情民意2件。" in text
    assert "经审查立案3件，立案率75%；不予立案1件。" in text  # 收到 4 = 立案 3 + 不予立案 1
    assert text.startswith("在政协城关区第九届委员会第六次会议上")  # the session after 2026, derived
    assert "XX区" not in text and "第X次会议" not in text and "第X届" not in text
    zero = r"[^0-9.]0(?:件|次|位|名|个|项|起|篇|盏|份|户次|人次|万元)"  # nothing assigned yet: no handling sentence
    assert not re.search(zero, text), re.findall(r".{12}" + zero, text)
    assert "《《" not in text and "{{" not in text
