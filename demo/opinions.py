"""A year of social-opinion reports for the demo, walked through the real services on a moving clock
(`demo.proposals.moving_clock`), so that every state, timeline, adoption, instruction and department
feedback is what the system itself would have produced."""

import datetime as dt
import random
from functools import partial

from django.db import transaction
from django.utils import timezone

from demo.common import at, demo_users, moving_clock, quiet
from members.models import HandlingUnit, Member
from opinions import services
from opinions.models import OpinionCategory, OpinionReport

# (category, title, departments it concerns)
TOPICS = [
    ("经济", "关于个体工商户经营成本上升、盼望减负的情况反映", ["区市场监督管理局", "区税务局"]),
    ("经济", "关于老旧商圈客流下滑、商户经营困难的情况反映", ["区商务局"]),
    ("经济", "关于小微企业融资难、融资贵问题仍较突出的建议", ["区发展和改革委员会", "区财政局"]),
    ("经济", "关于农贸市场摊位租金偏高的情况反映", ["区市场监督管理局", "区商务局"]),
    ("经济", "关于加快发展夜间经济、规范夜市管理的建议", ["区商务局", "区城市管理局"]),
    ("政治", "关于基层减负工作中“指尖上的形式主义”仍然存在的情况反映", ["区数据资源管理局"]),
    ("政治", "关于政务服务“一网通办”部分事项仍需多次跑腿的反映", ["区数据资源管理局"]),
    ("政治", "关于完善社区议事协商制度的建议", ["区民政局"]),
    ("文化", "关于历史文化街区保护中过度商业化的担忧", ["区文化和旅游局", "区自然资源和规划分局"]),
    ("文化", "关于社区书房开放时间与群众需求不匹配的反映", ["区文化和旅游局"]),
    ("文化", "关于加强青少年网络文化环境治理的建议", ["区教育局", "区公安分局"]),
    ("社会", "关于老旧小区加装电梯推进难的情况反映", ["区住房和城乡建设局"]),
    ("社会", "关于居家养老服务供给不足的情况反映", ["区民政局", "区卫生健康委员会"]),
    ("社会", "关于普惠托育机构收费偏高、入托难的反映", ["区卫生健康委员会", "区教育局"]),
    ("社会", "关于中小学课后服务质量参差不齐的反映", ["区教育局"]),
    ("社会", "关于社区卫生服务中心全科医生短缺的反映", ["区卫生健康委员会"]),
    ("社会", "关于新就业形态劳动者权益保障的建议", ["区人力资源和社会保障局"]),
    ("社会", "关于医保异地就医结算仍不便捷的情况反映", ["区医疗保障局"]),
    ("社会", "关于电动自行车充电难、安全隐患多的反映", ["区应急管理局", "区城市管理局"]),
    ("社会", "关于高校毕业生就业见习岗位不足的反映", ["区人力资源和社会保障局"]),
    ("社会", "关于学校周边交通拥堵、接送孩子难的反映", ["区交通运输局", "区公安分局"]),
    ("生态", "关于部分河段雨污混流、夏季异味明显的反映", ["区水务局", "区生态环境分局"]),
    ("生态", "关于建筑工地扬尘治理不到位的情况反映", ["区住房和城乡建设局", "区生态环境分局"]),
    ("生态", "关于生活垃圾分类投放点设置不合理的反映", ["区城市管理局"]),
    ("生态", "关于增建口袋公园、方便群众就近休闲的建议", ["区自然资源和规划分局", "区城市管理局"]),
    ("其他", "关于退役军人服务站作用发挥不够的反映", ["区退役军人事务局"]),
]
CONTENT = (
    "近期，部分群众反映{topic}。经走访了解，主要情况如下：一是问题较为普遍，群众意见较大；"
    "二是现有政策措施落实不够到位，部门之间衔接不畅；三是缺乏长效管理机制。\n\n"
    "建议：一、有关部门深入调研，摸清底数；二、完善政策措施，明确责任分工；"
    "三、建立长效机制，定期通报进展，回应群众关切。"
)
# Final state of each demo report, with how many of each (about 60 in all).
PLAN = [
    ("draft", 4), ("submitted", 7), ("withdrawn", 2), ("editing", 5), ("forwarded", 9), ("not_adopted", 8),
    ("adopted", 25),
]  # fmt: skip
# Where the adopted reports were adopted: the district's own 专报/简报 first, then the levels above.
ADOPTION_PATHS = [
    ["district"], ["district"], ["district"], ["district", "city"], ["city"], ["district", "city", "province"],
    ["district", "city"], ["district"], ["city", "province"], ["district", "city", "province", "national"],
]  # fmt: skip
LEADERS = {
    "district": [("张建华", "区委书记"), ("刘志强", "区长"), ("陈立新", "常务副区长")],
    "city": [("王国平", "市委副书记"), ("李文博", "副市长")],
    "province": [("赵长青", "副省长")],
    "national": [("孙明远", "全国政协副主席")],
}
STREETS = ["东关街道", "文化路街道", "新华街道", "南湖街道", "城西街道", "兴隆街道"]
PREFIX = {"district": "区政协", "city": "市政协", "province": "省政协", "national": "全国政协"}
FEEDBACK = (
    "{unit}收到转交的社情民意信息后高度重视，组织专题研究，已制定整改措施：一是开展专项排查；"
    "二是完善工作机制；三是加强跟踪督办。下一步将持续推进，及时向区政协反馈进展。"
)


_at = partial(at, minute=40)


@quiet
@transaction.atomic
def seed_opinions(*, seed: int = 2026) -> int:
    """Build the demo reports; skipped (returns 0) when any report exists that did not come from a
    proposal — the proposals converted by `seed_proposals` arrive here on their own. Returns how many
    reports were created."""
    if OpinionReport.objects.filter(proposal__isnull=True).exists():
        return 0
    rng = random.Random(seed + 23)
    office, leader = demo_users("office", "leader")
    members = list(Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).select_related("user"))
    units = {u.name: u for u in HandlingUnit.objects.filter(is_active=True).prefetch_related("users")}
    categories = {c.name: c for c in OpinionCategory.objects.all()}
    fallback = services._category_for(None)
    today = timezone.localdate()
    jan_first = dt.date(today.year, 1, 1)
    span = max((today - jan_first).days - 3, 1)
    issue_numbers = {level: 0 for level in PREFIX}
    targets = [state for state, count in PLAN for _ in range(count)]
    rng.shuffle(targets)
    adopted_seen = 0
    created = 0

    for index, target in enumerate(targets):
        category_name, title, unit_names = TOPICS[index % len(TOPICS)]
        if index >= len(TOPICS):  # the same concern, heard in another street
            title = f"{title}（{STREETS[(index // len(TOPICS) - 1 + index) % len(STREETS)]}）"
        # Early in the year for reports that went the whole way; recent ones still in the queue.
        if target in ("draft", "submitted", "editing"):
            offset = span - rng.randint(1, min(25, span))
        elif target == "forwarded":
            offset = span - rng.randint(min(15, span), min(60, span))
        else:
            offset = rng.randint(0, max(span - 45, 0))
        day = jan_first + dt.timedelta(days=max(offset, 0))
        author = rng.choice(members)
        coauthors = [m for m in rng.sample(members, k=rng.choice([0, 0, 0, 1, 1, 2])) if m.pk != author.pk]
        with moving_clock(_at(day, 9 + index % 8)) as clock:

            def later(days_min, days_max, clock=clock):
                # A later day, in office hours; never back in time, never past yesterday.
                day = timezone.localdate(clock["now"]) + dt.timedelta(days=rng.randint(days_min, days_max))
                moment = max(_at(day, rng.randint(9, 16)), clock["now"] + dt.timedelta(minutes=25))
                clock["now"] = min(moment, _at(today - dt.timedelta(days=1), 16))

            def on_day():
                return timezone.localdate(clock["now"])

            # One in six is entered by the office on the member's behalf (information officers).
            actor = office if rng.random() < 1 / 6 else author.user
            data = {
                "title": title,
                "content": CONTENT.format(topic=title.removeprefix("关于").removesuffix("的情况反映")),
                "category": categories.get(category_name, fallback),
            }
            if actor == office:
                data["lead_author"] = author
            report = services.opinion_create(actor=actor, data=data, coauthors=coauthors)
            created += 1
            if target == "draft":
                continue
            later(0, 2)
            services.opinion_submit(actor=actor, report=report)
            if target == "submitted":
                continue
            if target == "withdrawn":
                later(1, 3)
                services.opinion_withdraw(actor=actor, report=report, note="情况有变化，拟补充调研后再报。")
                continue
            later(1, 6)
            services.opinion_start_editing(actor=office, report=report)
            later(0, 2)
            services.opinion_update(
                actor=office,
                report=report,
                data={"title": title, "content": report.content + "\n\n（编者按：已核实相关情况。）"},
            )
            if target == "editing":
                continue
            if target == "not_adopted" and rng.random() < 0.5:
                later(1, 4)
                services.opinion_reject(actor=office, report=report, note="所反映问题已在相关工作中统筹解决。")
                continue
            later(1, 5)
            services.opinion_forward(
                actor=office, report=report, note=rng.choice(["编入本会社情民意信息", "报送市政协"])
            )
            if target == "forwarded":
                continue
            if target == "not_adopted":
                later(10, 30)
                services.opinion_reject(actor=office, report=report, note="上级政协未予采用。")
                continue
            path = ADOPTION_PATHS[adopted_seen % len(ADOPTION_PATHS)]
            adopted_seen += 1
            for level in path:
                later(3, 20)
                issue_numbers[level] += 1
                services.opinion_adopt(
                    actor=office,
                    report=report,
                    level=level,
                    publication=rng.choices(["special", "bulletin", "other"], weights=[5, 4, 1])[0],
                    issue=f"{PREFIX[level]}社情民意{today.year}年第{issue_numbers[level]}期",
                    date=on_day(),
                )
            if len(path) > 1 or rng.random() < 0.3:
                level = path[-1]
                later(2, 10)
                name, post = rng.choice(LEADERS[level])
                services.opinion_instruct(
                    actor=leader if level == "district" else office,
                    report=report,
                    leader_name=name,
                    post=post,
                    level=level,
                    date=on_day(),
                    text="请有关部门认真研究，提出切实可行的措施，抓好落实。",
                )
                passed = [units[n] for n in unit_names if n in units] or [rng.choice(list(units.values()))]
                later(1, 5)
                services.opinion_pass_to_units(actor=office, report=report, units=passed, note="请研究办理并反馈。")
                for unit in passed:
                    if unit.users.all() and rng.random() < 0.75:
                        later(5, 25)
                        services.opinion_unit_feedback(
                            actor=unit.users.all()[0],
                            report=report,
                            unit=unit,
                            text=FEEDBACK.format(unit=unit.name),
                        )
    return created
