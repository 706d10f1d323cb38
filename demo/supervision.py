"""A year of inspections, research and democratic supervision for the demo — the activities of the
sample work report — walked through the real services on a moving clock, with attendance from the
demo members and every recommendation in each of its states."""

import datetime as dt
import random
from functools import partial

from django.db import transaction
from django.utils import timezone

from activities.models import Attendance
from demo.common import at, demo_users, moving_clock, quiet
from members.models import HandlingUnit, Member, MemberGroup, SpecialCommittee
from supervision import services
from supervision.models import Inspection

# Each recommendation: (text, unit, what happens) — adopted / partly_adopted / not_adopted (answered),
# "waiting" (sent, due in the coming weeks), "overdue" (sent, past its deadline), "draft" (not yet sent).
INSPECTIONS = [
    {
        "kind": "research",
        "title": "四大园区发展情况专题调研",
        "topic": "自贸区建设与园区发展",
        "days_ago": 250,
        "days": 2,
        "place": "国家大学科技园、卓阳耀滨科技园、清华启迪科技园、中开院产业园",
        "organiser": "committee",
        "committee": "经济委员会",
        "units": ["区发展和改革委员会", "区商务局", "区科学技术局"],
        "findings": "四大园区载体建设初具规模，但自贸区政策宣传覆盖不足，服务平台分散，铁路口岸建设滞后，"
        "高层次人才引进和招商引资力度有待加大。",
        "recommendations": [
            ("加大自贸区服务宣传力度，让园区企业用足用好自贸区政策。", "区商务局", "adopted"),
            ("加快自贸区服务平台建设，推行企业服务“一站式”办理。", "区数据资源管理局", "adopted"),
            ("加快自贸区铁路口岸建设步伐，完善多式联运体系。", "区交通运输局", "partly_adopted"),
            ("加快自贸区人才培养引进，落实人才住房和子女入学保障。", "区人力资源和社会保障局", "adopted"),
            ("加大自贸区招商引资力度，围绕主导产业开展精准招商。", "区商务局", "adopted"),
        ],
        "attendees": 26,
        "close": True,
    },
    {
        "kind": "inspection",
        "title": "全区亿元以上重大工程建设项目视察",
        "topic": "重大工程建设项目",
        "days_ago": 215,
        "days": 1,
        "place": "工业科贸大厦、节能保温墙体材料生产装备研发与示范基地、小所村安置房",
        "organiser": "standing",
        "units": ["区发展和改革委员会", "区城中村改造办公室"],
        "findings": "重点项目总体进展顺利，部分项目存在征迁难度大、施工组织不够紧凑、要素保障不足等问题。",
        "recommendations": [
            ("加强组织领导，落实分包领导和责任单位。", "区发展和改革委员会", "adopted"),
            ("健全工作机制，建立重点项目定期调度和协调制度。", "区发展和改革委员会", "adopted"),
            ("加快施工进度，合理安排工期，确保安置房按期交付。", "区住房和城乡建设局", "partly_adopted"),
            ("加强督导检查，定期通报项目进展情况。", "区城中村改造办公室", "overdue"),
        ],
        "attendees": 32,
    },
    {
        "kind": "research",
        "title": "协助市政协“停车难充电难”课题调研",
        "topic": "停车难充电难",
        "days_ago": 190,
        "days": 1,
        "place": "各街道老旧小区、商业综合体",
        "organiser": "chair",
        "units": ["区城市管理局", "区住房和城乡建设局"],
        "findings": "老旧小区停车位缺口大，充电设施建设与电力增容衔接不够。调研意见已报送市政协。",
        "recommendations": [],
        "attendees": 12,
        "close": True,
    },
    {
        "kind": "inspection",
        "title": "水污染防治工作专题视察",
        "topic": "水污染防治",
        "days_ago": 160,
        "days": 1,
        "place": "小清河、工商河沿岸污水管网改造现场",
        "organiser": "committee",
        "committee": "人口资源环境委员会",
        "units": ["区生态环境分局", "区住房和城乡建设局", "区水务局"],
        "findings": "截污纳管工程取得阶段性成效，但部分河段雨污混流，管网老化，执法监管力量不足，群众参与度不高。",
        "recommendations": [
            ("加强水环境保护的宣传教育，引导群众参与水污染防治。", "区生态环境分局", "adopted"),
            ("建立完善水污染防治工作机制，落实河长制各级责任。", "区水务局", "adopted"),
            ("严格落实水污染防治的工作要求，强化源头管控。", "区生态环境分局", "partly_adopted"),
            ("加快水污染防治基础设施建设，推进雨污分流改造。", "区住房和城乡建设局", "waiting"),
            ("提升水污染防治的执法水平，加大对偷排漏排的查处力度。", "区生态环境分局", "overdue"),
        ],
        "attendees": 24,
    },
    {
        "kind": "supervision",
        "title": "社区便民化服务民主监督",
        "topic": "社区便民化服务",
        "days_ago": 130,
        "days": 1,
        "place": "各街道社区党群服务中心",
        "organiser": "committee",
        "committee": "社会和法制委员会",
        "units": ["区民政局"],
        "findings": "社区服务事项下沉较多，但服务时间与居民需求不匹配，线上办理渠道知晓率低。",
        "recommendations": [
            ("推行社区服务错时延时和预约服务。", "区民政局", "adopted"),
            ("整合社区线上服务入口，提高群众知晓率。", "区数据资源管理局", "not_adopted"),
            ("加强社区工作者队伍建设和培训。", "区民政局", "adopted"),
        ],
        "attendees": 18,
        "close": True,
    },
    {
        "kind": "supervision",
        "title": "社会信用体系建设民主监督",
        "topic": "社会信用体系建设",
        "days_ago": 95,
        "days": 1,
        "place": "区政务服务中心",
        "organiser": "standing",
        "units": ["区发展和改革委员会", "区市场监督管理局"],
        "findings": "信用信息归集共享机制已建立，联合奖惩措施落地不够，信用修复渠道不畅。",
        "recommendations": [
            ("健全守信联合激励和失信联合惩戒机制。", "区发展和改革委员会", "adopted"),
            ("畅通信用修复渠道，优化修复流程。", "区市场监督管理局", "waiting"),
        ],
        "attendees": 21,
    },
    {
        "kind": "inspection",
        "title": "小学教育综合改革和课外负担情况视察",
        "topic": "教育综合改革",
        "days_ago": 70,
        "days": 1,
        "place": "区实验小学、区第一中学",
        "organiser": "committee",
        "committee": "教科文卫体委员会",
        "units": ["区教育局"],
        "findings": "课后服务覆盖面扩大，但课外作业负担仍偏重，校外培训治理有反弹。",
        "recommendations": [
            ("严格控制书面作业总量，推行分层作业。", "区教育局", "waiting"),
            ("提升课后服务质量，丰富服务内容。", "区教育局", "draft"),
            ("加强校外培训机构常态化监管。", "区市场监督管理局", "draft"),
        ],
        "attendees": 19,
    },
    {
        "kind": "inspection",
        "title": "慢性非传染性疾病综合防控工作视察",
        "topic": "慢性非传染性疾病综合防控",
        "days_ago": 45,
        "days": 1,
        "place": "区疾病预防控制中心、社区卫生服务中心",
        "organiser": "committee",
        "committee": "教科文卫体委员会",
        "units": ["区卫生健康委员会"],
        "findings": "慢病筛查和健康管理覆盖面提高，基层医疗机构专业人员不足，医防融合不够。",
        "recommendations": [
            ("加强基层慢病管理人才队伍建设。", "区卫生健康委员会", "waiting"),
            ("推进医防融合，落实家庭医生签约服务。", "区卫生健康委员会", "adopted"),
        ],
        "attendees": 17,
    },
    {
        "kind": "supervision",
        "title": "城中村改造和棚户区改造民主监督",
        "topic": "城中村改造和棚户区改造",
        "days_ago": 16,
        "days": 1,
        "place": "小所村、X城中村改造项目现场",
        "organiser": "standing",
        "units": ["区城中村改造办公室", "区住房和城乡建设局"],
        "findings": "征迁拆除率超过96%，商住楼已交付使用；部分安置户回迁时间延后，配套学校建设滞后。",
        "recommendations": [
            ("加快二期安置房建设，确保安置户按期回迁。", "区城中村改造办公室", "waiting"),
            ("同步推进配套学校、道路建设。", "区住房和城乡建设局", "draft"),
        ],
        "attendees": 23,
    },
    {
        "kind": "research",
        "title": "社区管理和服务创新调研",
        "topic": "社区治理",
        "days_ago": -12,  # planned: members have signed up
        "days": 1,
        "place": "各街道社区",
        "organiser": "group",
        "group": "第三委员活动组",
        "units": ["区民政局"],
        "findings": "",
        "recommendations": [],
        "attendees": 14,
    },
]


_at = partial(at, minute=20)


def _attendance(members, rng, attended: int, *, planned=False) -> dict:
    chosen = rng.sample(members, k=min(len(members), attended + 4))
    if planned:
        return {m.pk: Attendance.Status.SIGNED_UP for m in chosen[:attended]}
    entries = {m.pk: Attendance.Status.ATTENDED for m in chosen[:attended]}
    entries.update({m.pk: Attendance.Status.EXCUSED for m in chosen[attended : attended + 3]})
    entries.update({m.pk: Attendance.Status.ABSENT for m in chosen[attended + 3 :]})
    return entries


@quiet
@transaction.atomic
def seed_inspections(*, seed: int = 2026) -> int:
    """Build the demo inspections; skipped when any exist. Returns how many were created."""
    if Inspection.objects.exists():
        return 0
    rng = random.Random(seed + 11)
    (office,) = demo_users("office")
    members = list(Member.objects.filter(status=Member.Status.ACTIVE).order_by("id"))
    units = {u.name: u for u in HandlingUnit.objects.prefetch_related("users")}
    committees = {c.name: c for c in SpecialCommittee.objects.all()}
    groups = {g.name: g for g in MemberGroup.objects.all()}
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    created = 0
    for spec in INSPECTIONS:
        start = today - dt.timedelta(days=spec["days_ago"])
        end = start + dt.timedelta(days=spec["days"] - 1)
        planned = spec["days_ago"] < 0
        with moving_clock(_at(min(start - dt.timedelta(days=10), yesterday - dt.timedelta(days=4)), 9)) as clock:

            def later(days, clock=clock):
                clock["now"] = min(clock["now"] + dt.timedelta(days=days, hours=1), _at(yesterday, 17))

            inspection = services.inspection_create(
                actor=office,
                data={
                    "kind": spec["kind"],
                    "title": spec["title"],
                    "topic": spec["topic"],
                    "start_date": start,
                    "end_date": end if end != start else None,
                    "place": spec["place"],
                    "organiser": spec["organiser"],
                    "organiser_committee": committees.get(spec.get("committee")),
                    "organiser_group": groups.get(spec.get("group")),
                    "units_briefed": [units[n] for n in spec["units"] if n in units],
                    "description": f"围绕“{spec['topic']}”深入一线察看实情，听取有关部门情况汇报，座谈交流。",
                },
            )
            created += 1
            later(2)
            if planned:
                services.inspection_attendance(
                    actor=office,
                    inspection=inspection,
                    entries=_attendance(members, rng, spec["attendees"], planned=True),
                )
                continue
            clock["now"] = min(_at(end, 18), _at(yesterday, 17))
            services.inspection_attendance(
                actor=office, inspection=inspection, entries=_attendance(members, rng, spec["attendees"])
            )
            services.inspection_hold(actor=office, inspection=inspection, findings=spec["findings"])
            later(3)
            recommendations = [
                (
                    services.recommendation_add(actor=office, inspection=inspection, text=text, unit=units.get(unit)),
                    fate,
                )
                for text, unit, fate in spec["recommendations"]
            ]
            later(2)
            for recommendation, fate in recommendations:
                if fate == "draft" or recommendation.unit is None:
                    continue
                sent_on = timezone.localdate(clock["now"])
                if fate == "waiting":
                    due = max(today + dt.timedelta(days=rng.randint(5, 14)), sent_on)
                elif fate == "overdue":
                    due = max(today - dt.timedelta(days=rng.randint(3, 20)), sent_on)
                else:
                    due = None  # the default: 20 working days
                services.recommendation_send(actor=office, recommendation=recommendation, due_date=due)
            for recommendation, fate in recommendations:
                if fate not in ("adopted", "partly_adopted", "not_adopted"):
                    continue
                later(rng.randint(5, 15))
                services.recommendation_respond(
                    actor=recommendation.unit.users.first(),
                    recommendation=recommendation,
                    adoption=fate,
                    text=_RESPONSES[fate].format(unit=recommendation.unit.name),
                )
            if spec.get("close"):
                later(3)
                services.inspection_close(actor=office, inspection=inspection)
    return created


_RESPONSES = {
    "adopted": "{unit}高度重视，已将该建议纳入年度重点工作，制定了实施方案，明确责任科室和完成时限，目前已落实到位。",
    "partly_adopted": "{unit}认真研究了该建议，部分措施已落实；受资金和规划条件限制，其余内容将在下一年度统筹推进。",
    "not_adopted": "{unit}经研究认为，该事项涉及上级统一部署，暂不具备实施条件，已向委员作出说明，将持续跟踪研究。",
}
