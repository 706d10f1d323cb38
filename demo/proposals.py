"""A year of realistic proposals for the demo, walked through the real services on a moving clock,
so that every state, timeline and deadline is what the system itself would have produced."""

import datetime as dt
import importlib
import random
from functools import partial

from django.db import transaction
from django.utils import timezone

from demo.common import at, demo_users, moving_clock, quiet
from members.models import HandlingUnit, Member, MemberGroup, Party, Sector, Session, Term
from proposals import services
from proposals.models import Proposal, ProposalCategory, RejectReason

TOPICS = {
    "经济建设": [
        "关于进一步利用和发展资本市场支持我区经济建设的提案",
        "关于加快推进自贸区片区制度创新的建议",
        "关于优化营商环境、降低中小微企业融资成本的建议",
        "关于组织举办创新创业大讲堂培训活动的提案",
        "关于推动老旧商圈提档升级的建议",
        "关于加快重点项目建设进度的建议",
        "关于发展夜间经济、促进消费回补的建议",
        "关于支持民营企业参与城市更新的建议",
    ],
    "政治建设": [
        "关于完善基层协商民主议事规则的建议",
        "关于加强社会信用体系建设的建议",
        "关于推进政务服务一网通办的建议",
        "关于加强法治宣传进社区的建议",
    ],
    "文化建设": [
        "关于保护和利用历史文化街区的建议",
        "关于建设社区书房、推进全民阅读的建议",
        "关于挖掘红色文化资源、打造研学路线的建议",
        "关于加强非物质文化遗产传承的建议",
    ],
    "社会建设": [
        "关于加快推进城中村改造和棚户区改造的提案",
        "关于推进教育综合改革、缓解入学难的建议",
        "关于加强慢性非传染性疾病综合防控的建议",
        "关于完善社区便民化服务的建议",
        "关于发展普惠托育服务的建议",
        "关于加强居家养老服务的建议",
        "关于解决老旧小区加装电梯难题的建议",
        "关于规范校外培训机构管理的建议",
        "关于提升基层医疗机构服务能力的建议",
        "关于加强高校毕业生就业帮扶的建议",
    ],
    "生态文明建设": [
        "关于加强水污染防治、推进河长制落实的建议",
        "关于推进生活垃圾分类的建议",
        "关于治理扬尘污染、改善空气质量的建议",
        "关于建设口袋公园、增加绿地的建议",
        "关于加强黑臭水体长效治理的建议",
    ],
    "其他": ["关于加强政协委员履职培训的建议", "关于推动对台交流合作的建议"],
}
BACKGROUND = (
    "近年来，我区在{topic}方面做了大量工作，取得了一定成效，但仍存在统筹不够、投入不足、"
    "长效机制不健全等问题，群众反映较多。经调研，主要问题有：一是工作机制有待完善；"
    "二是资金保障不到位；三是部门协同不够。"
)
SUGGESTIONS = (
    "一、加强组织领导，健全工作机制，明确牵头部门和责任分工。\n"
    "二、加大资金投入，统筹用好各级专项资金。\n"
    "三、加强督导检查，定期通报进展，确保取得实效。"
)
# Final state of each demo proposal, with how many of each.
PLAN = [
    ("draft", 5), ("submitted", 8), ("withdrawn", 3), ("not_filed", 9), ("merged", 5), ("converted", 6),
    ("filed", 4), ("assigned", 6), ("handling", 24), ("replied", 10), ("rehandling", 3), ("closed", 77),
]  # fmt: skip
CHAIN = ["submitted", "filed", "assigned", "handling", "replied", "closed"]


_at = partial(at, minute=17)


@quiet
@transaction.atomic
def seed_proposals(*, seed: int = 2026) -> int:
    if Proposal.objects.exists():
        return 0
    rng = random.Random(seed)
    term = Term.objects.get(is_current=True)
    session = Session.objects.filter(term=term).order_by("-number").first()
    office, leader = demo_users("office", "leader")
    members = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).select_related("user"))
    units = list(HandlingUnit.objects.filter(is_active=True).prefetch_related("users"))
    # The categories the data migration creates (a test database flushed by an earlier test lacks them).
    standard = importlib.import_module("proposals.migrations.0002_categories").CATEGORIES
    for order, name in enumerate(standard, start=1):
        ProposalCategory.objects.get_or_create(name=name, defaults={"order": order * 10})
    categories = {c.name: c for c in ProposalCategory.objects.all()}
    bodies = {
        "collective_party": list(Party.objects.exclude(name__in=["中国共产党", "群众"])),
        "collective_sector": list(Sector.objects.all()[10:]),
        "collective_group": list(MemberGroup.objects.all()),
    }
    today = timezone.localdate()
    session_day = session.start_date if session else dt.date(today.year, 1, 12)
    targets = [state for state, count in PLAN for _ in range(count)]
    rng.shuffle(targets)
    filed = []
    created = 0

    for index, target in enumerate(targets):
        category_name = rng.choices(list(TOPICS), weights=[30, 10, 10, 35, 12, 3])[0]
        title = rng.choice(TOPICS[category_name])
        open_late = target in ("draft", "submitted", "filed", "assigned")
        # Most proposals are handed in at the plenary session; the rest between sessions.
        if open_late:
            day = today - dt.timedelta(days=rng.randint(4, 40))
        elif target == "handling":
            # Most are within their three months; one in four has run past it.
            day = today - dt.timedelta(days=rng.randint(130, 170) if index % 4 == 0 else rng.randint(25, 75))
        elif target in ("replied", "rehandling"):
            day = today - dt.timedelta(days=rng.randint(70, 110))
        elif rng.random() < 0.8:
            day = session_day
        else:
            day = session_day + dt.timedelta(days=rng.randint(20, 150))
        with moving_clock(_at(day, 9 + index % 8)) as clock:

            def later(days_min, days_max, clock=clock):
                clock["now"] = min(
                    clock["now"] + dt.timedelta(days=rng.randint(days_min, days_max), hours=rng.randint(0, 5)),
                    _at(today - dt.timedelta(days=1), 16),
                )

            proposer = rng.choice(members)
            data = {
                "title": title,
                "category": categories[category_name],
                "background": BACKGROUND.format(topic=title.removeprefix("关于").split("的")[0]),
                "suggestions": SUGGESTIONS,
                "session": session if day <= session_day + dt.timedelta(days=4) else None,
                "term": term,
            }
            if rng.random() < 0.15:
                field = rng.choice(list(bodies))
                author = office
                data.update(kind=Proposal.Kind.COLLECTIVE, **{field: rng.choice(bodies[field])})
                data["contact_name"], data["contact_phone"] = proposer.name, proposer.phone
            else:
                author = proposer.user
            cosigners = rng.sample(members, k=rng.choice([0, 0, 1, 2, 3]))
            proposal = services.proposal_create(actor=author, data=data, cosigners=cosigners)
            for signer in cosigners[:2]:
                if signer.pk != proposal.lead_proposer_id and rng.random() < 0.8:
                    later(0, 1)
                    services.proposal_cosign(actor=signer.user, proposal=proposal)
            created += 1
            if target == "draft":
                continue
            if target == "withdrawn":
                later(0, 3)
                services.proposal_withdraw(actor=author, proposal=proposal, note="拟修改后另行提交")
                continue
            later(0, 1)
            services.proposal_submit(actor=author, proposal=proposal)
            if target == "submitted":
                continue
            later(5, 15)
            if target == "not_filed":
                reason = rng.choice([RejectReason.PERSONAL, RejectReason.EMPTY, RejectReason.ACADEMIC,
                                     RejectReason.PROMOTION, RejectReason.LITIGATION])  # fmt: skip
                services.proposal_reject(actor=office, proposal=proposal, reason=reason, note="经审查不符合立案条件。")
                continue
            if target == "merged" and filed:
                services.proposal_merge(actor=office, proposal=proposal, into=rng.choice(filed))
                continue
            if target in ("merged", "converted"):
                services.proposal_convert(actor=office, proposal=proposal, note="内容适宜以社情民意信息形式反映。")
                continue
            proposal = services.proposal_file(actor=office, proposal=proposal)
            filed.append(proposal)
            if target == "filed":
                continue
            later(3, 10)
            if rng.random() < 0.12:
                plan = {"split_units": rng.sample(units, k=2)}
            else:
                lead, *co = rng.sample(units, k=1 + rng.choice([0, 0, 1, 1, 2]))
                plan = {"lead_unit": lead, "co_units": co}
            services.proposal_assign(actor=office, proposal=proposal, **plan)
            if rng.random() < 0.08:
                services.proposal_set_flags(
                    actor=leader, proposal=proposal, data={"is_key": True, "key_leader": leader}
                )
            elif rng.random() < 0.05:
                services.proposal_set_flags(
                    actor=leader, proposal=proposal, data={"supervisor": leader, "supervision_note": "请加快办理进度。"}
                )
            assignments = list(proposal.assignments.filter(is_active=True).select_related("unit"))
            if target == "assigned":
                continue
            for a in assignments:
                later(1, 4)
                services.proposal_accept(actor=a.unit.users.first(), proposal=proposal, unit_id=a.unit_id)
            if target == "handling":
                continue
            _reply_round(proposal, assignments, office, rng, later)
            if target == "replied":
                continue
            later(3, 12)
            if target == "rehandling":
                services.proposal_feedback(
                    actor=author,
                    proposal=proposal,
                    satisfaction="unsatisfied",
                    comment="答复未针对所提建议，请重新办理。",
                )
                continue
            satisfaction = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], weights=[80, 17, 3])[0]
            if satisfaction == "unsatisfied":
                services.proposal_feedback(
                    actor=author, proposal=proposal, satisfaction=satisfaction, comment="希望进一步落实。"
                )
                _reply_round(proposal, assignments, office, rng, later)
                later(3, 10)
                satisfaction = "basically_satisfied"
            services.proposal_feedback(actor=author, proposal=proposal, satisfaction=satisfaction)
            if rng.random() < 0.08:
                services.proposal_set_flags(actor=office, proposal=proposal, data={"is_excellent": True})
    return created


def _reply_round(proposal, assignments, office, rng, later):
    co = [a for a in assignments if a.role == "co"]
    main = [a for a in assignments if a.role != "co"]
    for a in co:
        later(10, 30)
        services.proposal_reply(
            actor=a.unit.users.first(), proposal=proposal, unit_id=a.unit_id, result=rng.choice("AB"),
            content=f"{a.unit.name}会办意见：同意主办单位意见，将积极配合。",
        )  # fmt: skip
    for a in main:
        later(15, 60)
        result = rng.choices("ABC", weights=[55, 35, 10])[0]
        prefix = a.unit.name.removeprefix("区")[:2]
        services.proposal_reply(
            actor=a.unit.users.first(), proposal=proposal, unit_id=a.unit_id, result=result,
            letter_number=f"{prefix}函〔{timezone.localdate().year}〕{rng.randint(1, 300)}号",
            content="经研究，现答复如下：您提出的建议很有针对性，我单位高度重视，已将相关工作列入年度计划，"
            "并会同有关部门加快推进。下一步将持续跟踪落实，定期向提案人通报进展。",
            contact_name="李科长", contact_phone="0531-8888" + str(rng.randint(1000, 9999)),
        )  # fmt: skip
        later(1, 5)
        services.proposal_approve_reply(actor=office, proposal=proposal, unit_id=a.unit_id)
