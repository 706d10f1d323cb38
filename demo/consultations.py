"""The demo's consultation work: this year's plan — topics collected from every source, decided by the
party committee, consulted on and followed up through 批办 → 交办 → 承办 → 督办 → 反馈 — and next year's
plan being collected now. Walked through the real services on a moving clock; every topic state and
every outcome state appears."""

import datetime as dt
import random
from functools import partial

from django.db import transaction
from django.utils import timezone

from activities.models import Attendance
from consultations import services
from consultations.models import ConsultationPlan, Source
from demo.common import at, demo_users, moving_clock, quiet
from members.models import HandlingUnit, Member, SpecialCommittee
from proposals.models import Proposal

LEADER_NOTE = "区委常委会会议审定"

# Each topic of this year's plan walks as far as `to`: collected, shortlisted, approved, scheduled,
# held, submitted (outcome awaiting 批办), instructed, assigned, handling, closed — or dropped.
THIS_YEAR = [
    {
        "title": "加快自贸区建设、推动开放型经济高质量发展",
        "source": Source.LEADERS,
        "by": "区委办公室",
        "form": "special",
        "committee": "经济委员会",
        "quarter": 1,
        "held_days_ago": 230,
        "to": "closed",
        "units": ["区商务局", "区发展和改革委员会"],
        "speeches": [("民建区委", "关于加快自贸区服务平台建设的建议"), (None, "推动园区产业集聚发展的几点思考")],
    },
    {
        "title": "加强水污染防治、推进河长制落实",
        "source": Source.PROPOSAL,
        "proposal_like": "水污染",
        "form": "proposal_handling",
        "committee": "人口资源环境委员会",
        "quarter": 2,
        "held_days_ago": 150,
        "to": "closed",
        "units": ["区生态环境分局", "区水务局"],
    },
    {
        "title": "推进城中村改造和棚户区改造",
        "source": Source.LEADERS,
        "by": "区政府办公室",
        "form": "standing",
        "committee": "社会和法制委员会",
        "quarter": 2,
        "held_days_ago": 120,
        "to": "handling",
        "units": ["区城中村改造办公室", "区住房和城乡建设局"],
    },
    {
        "title": "促进民营经济健康发展",
        "source": Source.COMMITTEE,
        "by": "区政协经济委员会",
        "form": "counterpart",
        "committee": "经济委员会",
        "quarter": 3,
        "held_days_ago": 75,
        "to": "assigned",
        "units": ["区工业和信息化局", "区市场监督管理局"],
    },
    {
        "title": "完善社会信用体系建设",
        "source": Source.COMMITTEE,
        "by": "区政协社会和法制委员会",
        "form": "chair",
        "committee": "社会和法制委员会",
        "quarter": 3,
        "held_days_ago": 60,
        "to": "instructed",
    },
    {
        "title": "完善社区便民化服务",
        "source": Source.PROPOSAL,
        "proposal_like": "社区便民",
        "form": "proposal_handling",
        "committee": "社会和法制委员会",
        "quarter": 3,
        "held_days_ago": 40,
        "to": "submitted",
    },
    {
        "title": "减轻中小学生课外负担、推进教育综合改革",
        "source": Source.PUBLIC,
        "by": "市民来信（“区政协”微信公众号征集）",
        "form": "sector",
        "committee": "教科文卫体委员会",
        "quarter": 4,
        "held_days_ago": 20,
        "to": "held",
    },
    {
        "title": "发展普惠托育服务",
        "source": Source.MEMBERS,
        "form": "special",
        "committee": "教科文卫体委员会",
        "quarter": 4,
        "held_days_ago": -14,  # scheduled: the meeting is two weeks away
        "to": "scheduled",
    },
    {
        "title": "加强慢性非传染性疾病综合防控",
        "source": Source.MEMBERS,
        "form": "counterpart",
        "committee": "教科文卫体委员会",
        "quarter": 4,
        "to": "approved",
    },
    {
        "title": "解决老旧小区停车难充电难问题",
        "source": Source.PUBLIC,
        "by": "社会征集",
        "to": "dropped",
        "reason": "已列入市政协年度调研课题，由市政协统筹开展，本年度不再重复安排。",
    },
    {
        "title": "发展夜间经济、促进消费升级",
        "source": Source.MEMBERS,
        "to": "dropped",
        "reason": "与“促进民营经济健康发展”议题合并协商。",
    },
]
NEXT_YEAR = [
    ("推进老旧小区改造和加装电梯", Source.LEADERS, "区政府办公室", "shortlisted"),
    ("加快发展数字经济", Source.COMMITTEE, "区政协经济委员会", "shortlisted"),
    ("加强居家社区养老服务", Source.PUBLIC, "市民来信", "collected"),
    ("提升基层医疗机构服务能力", Source.MEMBERS, "", "collected"),
    ("加强历史文化街区保护利用", Source.PROPOSAL, "", "collected"),
    ("推进生活垃圾分类", Source.COMMITTEE, "区政协人口资源环境委员会", "collected"),
]
ORDER = ["collected", "shortlisted", "approved", "scheduled", "held", "submitted", "instructed", "assigned",
         "handling", "closed"]  # fmt: skip


_at = partial(at, minute=40)


def _reached(spec, step: str) -> bool:
    return spec["to"] != "dropped" and ORDER.index(spec["to"]) >= ORDER.index(step)


@quiet
@transaction.atomic
def seed_consultations(*, seed: int = 2026) -> int:
    """Build the demo plans and topics; skipped when any plan exists. Returns how many topics were created."""
    if ConsultationPlan.objects.exists():
        return 0
    rng = random.Random(seed + 23)
    office, leader = demo_users("office", "leader")
    members = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).order_by("id"))
    units = {u.name: u for u in HandlingUnit.objects.prefetch_related("users")}
    committees = {c.name: c for c in SpecialCommittee.objects.all()}
    filed = list(Proposal.objects.filter(number__isnull=False).select_related("lead_proposer"))
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    this_year = today.year
    created = 0

    # This year's plan: collected last November, decided in February.
    collect_start = dt.date(this_year - 1, 11, 20)
    approved_on = min(dt.date(this_year, 2, 20), yesterday - dt.timedelta(days=2))
    with moving_clock(_at(min(collect_start, yesterday - dt.timedelta(days=30)), 9)) as clock:
        plan = services.plan_create(
            actor=office, year=this_year, description="围绕区委中心工作和群众关切，广泛征集议题。"
        )
        topics = []
        for i, spec in enumerate(THIS_YEAR):
            clock["now"] += dt.timedelta(days=2, hours=i)
            topic = services.topic_create(
                actor=_author(spec, office, members, rng), data=_topic_data(spec, plan, filed)
            )
            topics.append((topic, spec))
            created += 1
        clock["now"] = _at(min(dt.date(this_year, 1, 15), yesterday - dt.timedelta(days=10)), 10)
        for topic, spec in topics:
            if spec["to"] == "dropped":
                continue
            services.topic_shortlist(actor=office, topic=topic, form=spec["form"])
        clock["now"] = _at(approved_on, 15)
        for topic, spec in topics:
            if spec["to"] == "dropped":
                services.topic_drop(actor=office, topic=topic, reason=spec["reason"])
                continue
            services.topic_approve(
                actor=office, topic=topic, note=LEADER_NOTE, form=spec["form"],
                lead_committee=committees.get(spec["committee"]), planned_quarter=spec["quarter"],
            )  # fmt: skip
        services.plan_approve(
            actor=office, plan=plan, approved_on=approved_on, note=f"区委常委会{this_year}年第3次会议审定"
        )

    for topic, spec in topics:
        if _reached(spec, "scheduled"):
            _walk(topic, spec, office=office, leader=leader, members=members, units=units, rng=rng, today=today)

    # Next year's plan: being collected now.
    with moving_clock(_at(yesterday - dt.timedelta(days=12), 9)) as clock:
        plan = services.plan_create(
            actor=office, year=this_year + 1, description="向政协各参加单位、委员和社会各界征集下一年度协商议题。"
        )
        for title, source, by, to in NEXT_YEAR:
            clock["now"] += dt.timedelta(days=1, hours=2)
            spec = {"title": title, "source": source, "by": by, "proposal_like": title[2:6]}
            topic = services.topic_create(
                actor=_author(spec, office, members, rng), data=_topic_data(spec, plan, filed)
            )
            created += 1
            if to == "shortlisted":
                services.topic_shortlist(actor=office, topic=topic)
    return created


def _author(spec, office, members, rng):
    # 委员选题 are proposed by the members themselves; everything else is entered by the office.
    return rng.choice(members).user if spec["source"] == Source.MEMBERS and members else office


def _topic_data(spec, plan, filed) -> dict:
    data = {
        "plan": plan,
        "title": spec["title"],
        "description": f"围绕“{spec['title']}”开展协商，听取各方意见建议，推动相关工作落实。",
        "source": spec["source"],
        "suggested_by": spec.get("by", ""),
    }
    if spec["source"] == Source.PROPOSAL:
        match = [p for p in filed if spec.get("proposal_like", "") in p.title] or filed
        if match:
            data["proposal"] = match[0]
        else:
            data["source"] = Source.COMMITTEE  # no filed proposal in this database to point at
    return data


def _walk(topic, spec, *, office, leader, members, units, rng, today):
    """Hold the meeting, record who came, then push the outcome as far along the chain as the spec says."""
    yesterday = today - dt.timedelta(days=1)
    held = today - dt.timedelta(days=spec["held_days_ago"])
    with moving_clock(_at(min(held - dt.timedelta(days=20), yesterday - dt.timedelta(days=3)), 10)) as clock:

        def later(days, clock=clock):
            clock["now"] = min(clock["now"] + dt.timedelta(days=days, hours=2), _at(yesterday, 17))

        chosen = rng.sample(members, k=min(len(members), rng.randint(18, 34)))
        topic = services.topic_schedule(
            actor=office, topic=topic, start_date=held, place=rng.choice(PLACES),
            units=[units[n] for n in spec.get("units", []) if n in units],
            description="听取有关部门情况通报，委员代表发言，与部门负责同志互动交流。",
        )  # fmt: skip
        consultation = topic.activities.get()
        if not _reached(spec, "held"):
            services.activity_attendance(
                actor=office, consultation=consultation,
                entries={m.pk: Attendance.Status.SIGNED_UP for m in chosen},
            )  # fmt: skip
            return
        clock["now"] = _at(held, 17)
        entries = {m.pk: Attendance.Status.ATTENDED for m in chosen[:-3]}
        entries.update({m.pk: Attendance.Status.EXCUSED for m in chosen[-3:-1]})
        entries[chosen[-1].pk] = Attendance.Status.ABSENT
        services.activity_attendance(actor=office, consultation=consultation, entries=entries)
        speakers = spec.get("speeches") or [(None, f"关于{spec['title']}的几点建议")]
        for body, title in speakers:
            services.speech_add(
                actor=office, consultation=consultation, title=title, member=chosen[len(title) % len(chosen)],
                speaker=body or "", summary="建议进一步完善政策措施，加强部门协同，强化督促落实。",
            )  # fmt: skip
        services.topic_hold(actor=office, topic=topic)
        if not _reached(spec, "submitted"):
            return
        later(12)
        services.topic_submit_outcome(
            actor=office, topic=topic, title=f"关于{spec['title']}的协商建议",
            report=f"区政协就“{spec['title']}”开展协商，形成如下建议：\n一、加强组织领导，健全工作机制；\n"
            "二、加大投入保障，补齐短板弱项；\n三、强化督促检查，确保取得实效。", recommendations=3,
        )  # fmt: skip
        outcome = topic.outcome
        if not _reached(spec, "instructed"):
            return
        later(6)
        services.outcome_instruct(
            actor=leader, outcome=outcome,
            instruction="所提建议很有针对性，请相关部门认真研究采纳，抓好落实，按期反馈办理情况。",
        )  # fmt: skip
        if not _reached(spec, "assigned"):
            return
        later(3)
        assigned = [units[n] for n in spec["units"] if n in units]
        overdue_chain = spec["to"] == "handling"
        due = None
        if overdue_chain or spec["to"] == "assigned":
            # One chain runs late (the reminder scan escalates it), one is due in the coming weeks.
            due = today - dt.timedelta(days=6) if overdue_chain else today + dt.timedelta(days=12)
            due = max(due, timezone.localdate(clock["now"]))
        services.outcome_assign(actor=office, outcome=outcome, units=assigned, due_date=due, note="请认真研究办理。")
        if not _reached(spec, "handling"):
            return
        for i, unit in enumerate(assigned):
            later(2)
            services.outcome_accept(actor=unit.users.first(), outcome=outcome, unit=unit)
            if spec["to"] == "handling" and i > 0:
                later(20)
                services.outcome_supervise(actor=leader, outcome=outcome, unit=unit, note="请加快办理进度，按期反馈。")
                continue
            later(rng.randint(15, 30))
            services.outcome_feedback(
                actor=unit.users.first(), outcome=outcome, unit=unit,
                adoption=rng.choice(["adopted", "adopted", "partly_adopted"]),
                content=f"{unit.name}已将协商建议纳入年度重点工作，制定了落实方案，相关措施正在推进，部分已见成效。",
            )  # fmt: skip
        if spec["to"] == "closed":
            later(5)
            services.topic_close(actor=office, topic=topic)


PLACES = ["区政协三楼会议室", "区政协常委会议室", "区行政中心第一会议室", "区政协委员之家"]
