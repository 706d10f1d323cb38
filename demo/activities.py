"""A year of members' activities for the demo — plenary and standing meetings, trainings, member-group
activities and exchanges, welfare and poverty alleviation, publicity — with attendance recorded from
the demo members, a few regulations, this year's assessment scheme, some manual items and the 评选.

Everything goes through the services, as the office would enter it. Members differ in how much they
take part (a few very active, most regular, some seldom seen), so that the year's scores spread over
every grade band (优秀 / 良好 / 称职 / 不称职). Safe to run again: what exists is left as it is.
"""

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from activities import services
from activities.catalogue import ensure_default_catalogue
from activities.models import Activity, Attendance, KeyProject, Regulation
from assessment import engine as assessment
from assessment import services as assessment_services
from assessment.models import AssessmentAward, AssessmentManualItem, AssessmentScheme
from cppcc.roles import Role
from demo.common import quiet
from members.models import Member, MemberGroup, Session, SpecialCommittee

K = Activity.Kind
S = Attendance.Status

# How likely a member of each profile is to attend what they are invited to, and how likely a missed
# activity is an unexcused absence. (weight, attend, unexcused, speaks)
PROFILES = {
    "active": (18, 0.98, 0.0, 0.65),
    "regular": (54, 0.92, 0.1, 0.3),
    "occasional": (20, 0.7, 0.3, 0.12),
    "rare": (8, 0.25, 0.55, 0.02),
}
COMPANIES = ["区科技产业园", "某某智能制造公司", "某某生物医药公司", "某某物流园区", "某某农业科技公司", "区融媒体中心"]
GROUP_TOPICS = [
    ("走进{company}参观学习", {"companies": 1, "visits_made": 1}),
    ("“委员之家”学习交流会", {}),
    ("界别委员座谈：{topic}", {}),
    ("调研走访：{topic}", {"visits_made": 6}),
    ("委员企业互访交流", {"companies": 3, "services_provided": 4}),
]
TOPICS = ["营商环境优化", "老旧小区改造", "社区养老服务", "中小学课后服务", "河道生态治理", "夜间经济发展"]
# Itemised as the report itemises them; the office marks the notable ones as 典型事例 (highlights).
WELFARE = [
    (
        "委员带领医护人员进村开展医疗义诊",
        {"medical_staff": 12, "people_served": 720, "brochures": 500, "is_highlight": True},
    ),
    ("委员无偿资助贫困大学生", {"students_aided": 4, "student_aid_wan": Decimal("2.4"), "is_highlight": True}),
    ("委员向区慈善总会捐赠现金", {"cash_donated_wan": Decimal("5"), "is_highlight": True}),
    ("委员为社区群众免费开展书画培训", {"trainees": 1100}),
    ("“六一”儿童节向小学赠送电脑和学习文具", {"goods_value_wan": Decimal("0.9"), "items_given": 160}),
    (
        "委员为敬老院和贫困村捐赠生活物资、爱心衣物",
        {"items_given": 3000, "goods_value_wan": Decimal("8.6"), "is_highlight": True},
    ),
    ("委员坚持每月资助贫困学生", {"students_monthly": 20, "student_aid_wan": Decimal("4.8")}),
]
REGULATIONS = [
    ("政协{district}委员会委员服务管理办法", Regulation.Kind.RULE, "常委会议"),
    ("{district}政协委员履职尽责考核办法", Regulation.Kind.RULE, "常委会议"),
    ("集体学习制度", Regulation.Kind.INTERNAL, "主席会议"),
    ("主席办公会议制度", Regulation.Kind.INTERNAL, "主席会议"),
    ("政协年度协商计划制定暨协商成果办理反馈实施办法", Regulation.Kind.DOCUMENT, "常委会议"),
]
WORK_HONOURS = [
    "本职工作获市级先进个人表彰",
    "所在单位年度考核优秀",
    "获评省级劳动模范",
    "本职工作获区委区政府通报表扬",
]


def district() -> str:
    """The demo committee's district: the deployment's (CPPCC_DISTRICT), else the demo's own."""
    return settings.CPPCC_DISTRICT or "城关区"


def _marker(year: int) -> str:
    return f"{year}年度委员履职能力培训（上）"


class _Year:
    """Dates of this year's activities: spread over the part of the year already past."""

    def __init__(self, today: dt.date):
        self.today = today
        self.start = dt.date(today.year, 1, 1)
        self.last = max(self.start, today - dt.timedelta(days=2))

    def at(self, fraction: float) -> dt.date:
        return self.start + dt.timedelta(days=round((self.last - self.start).days * fraction))


class _Recorder:
    def __init__(self, office, members, rng, profiles):
        self.office, self.members, self.rng, self.profiles = office, members, rng, profiles
        self.created = 0

    def activity(self, kind, title, day, **extra) -> Activity:
        """`extra`: the activity's fields, and its work-report quantities by catalogue code."""
        fields = {f.name for f in Activity._meta.get_fields()}
        data = {"kind": kind, "title": title, "start_date": day, **{k: v for k, v in extra.items() if k in fields}}
        data["quantities"] = {k: v for k, v in extra.items() if k not in fields}
        self.created += 1
        return services.activity_save(actor=self.office, data=data)

    def attend(self, activity, invited, *, rate=1.0, floor=0.0, speakers=0):
        """Record the invited members: attended, excused or absent by their profile; some speak."""
        entries, speeches = {}, {}
        for member in invited:
            _, attend, unexcused, _ = PROFILES[self.profiles[member.pk]]
            if self.rng.random() < max(attend * rate, floor):
                entries[member.pk] = S.ATTENDED
            elif self.rng.random() < unexcused:
                entries[member.pk] = S.ABSENT
            else:
                entries[member.pk] = S.EXCUSED
        present = [m for m in invited if entries.get(m.pk) == S.ATTENDED]
        weights = [PROFILES[self.profiles[m.pk]][3] + 0.02 for m in present]
        for member in self.rng.choices(present, weights=weights, k=min(speakers, len(present))) if present else []:
            speeches[member.pk] = speeches.get(member.pk, 0) + 1
        if entries:
            services.attendance_record(actor=self.office, activity=activity, entries=entries, speeches=speeches)

    def volunteers(self, pool, count):
        """Members who chose to take part (welfare, publicity): the active ones much more often."""
        weights = [{"active": 8, "regular": 3, "occasional": 1, "rare": 0.2}[self.profiles[m.pk]] for m in pool]
        chosen = {}
        while len(chosen) < min(count, len(pool)):
            member = self.rng.choices(pool, weights=weights)[0]
            chosen[member.pk] = member
        return list(chosen.values())

    def attended(self, activity, members):
        entries = {m.pk: S.ATTENDED for m in members}
        if entries:
            services.attendance_record(actor=self.office, activity=activity, entries=entries)


def _office_user():
    User = get_user_model()
    return (
        User.objects.filter(username="office").first()
        or User.objects.filter(groups__name=Role.OFFICE).order_by("id").first()
    )


@quiet
@transaction.atomic
def seed_activities(*, seed: int) -> int:
    """Build the demo year of activities (plus regulations, scheme, manual items and 评选).

    Returns how many activities were created; 0 when they exist already (or there are no members).
    """
    office = _office_user()
    members = list(Member.objects.filter(status=Member.Status.ACTIVE).select_related("group").order_by("id"))
    if office is None or not members:
        return 0
    ensure_default_catalogue()
    today = timezone.localdate()
    year = today.year
    rng = random.Random(seed + 29)
    names = list(PROFILES)
    profiles = {m.pk: rng.choices(names, weights=[p[0] for p in PROFILES.values()])[0] for m in members}
    for m in members:  # the chair, vice-chairs and the secretary-general take part in nearly everything
        if m.post:
            profiles[m.pk] = "active"
    created = 0
    if not Activity.objects.filter(title=_marker(year)).exists():
        created = _activities(_Recorder(office, members, rng, profiles), _Year(today), members)
    _regulations(office, year, today)
    _key_projects(office, year, [m for m in members if m.post])
    scheme = AssessmentScheme.objects.filter(year=year).first()
    if scheme is None:
        scheme = assessment_services.assessment_scheme_create_default(actor=office, year=year)
    if not AssessmentManualItem.objects.filter(category__scheme=scheme).exists():
        _manual_items(office, scheme, members, profiles, rng)
    if not AssessmentAward.objects.filter(year=year).exists():
        _awards(office, year)
    return created


def _group_leaders(members) -> dict[int, Member]:
    """The first member of each group (by id) leads it (委员组长)."""
    leaders = {}
    for m in members:
        if m.group_id and m.group_id not in leaders:
            leaders[m.group_id] = m
    return leaders


def _activities(rec: _Recorder, year: _Year, members) -> int:
    rng = rec.rng
    standing = [m for m in members if m.is_standing]
    chairs = [m for m in members if m.post]
    groups = list(MemberGroup.objects.filter(pk__in={m.group_id for m in members if m.group_id}).order_by("order"))
    by_group = {g.pk: [m for m in members if m.group_id == g.pk] for g in groups}
    leaders = _group_leaders(members)
    committees = list(SpecialCommittee.objects.order_by("order"))
    committee = committees[0] if committees else None
    y = year.today.year

    # 全体会议 (the session of this year, when there is one), 常委会议, 主席会议.
    session = Session.objects.filter(start_date__year=y).select_related("term").first()
    day = min(session.start_date, year.last) if session else year.at(0.02)
    title = f"政协{session.term.name}委员会{session.name}" if session else f"{y}年政协全体委员会议"
    plenary = rec.activity(K.PLENARY, title, day, end_date=day + dt.timedelta(days=3), half_days=7, place="区会议中心")
    rec.attend(plenary, members, floor=0.6, speakers=16)
    for n, fraction in enumerate((0.06, 0.22, 0.4, 0.56, 0.72, 0.9), start=1):
        meeting = rec.activity(
            K.STANDING, f"政协常委会第{n}次会议", year.at(fraction), half_days=1, place="区政协会议室"
        )
        rec.attend(meeting, standing, speakers=5)
    for n, fraction in enumerate((0.1, 0.35, 0.6, 0.85), start=1):
        meeting = rec.activity(K.CHAIR, f"主席会议（第{n}季度）", year.at(fraction), half_days=1, place="区政协会议室")
        rec.attend(meeting, chairs, speakers=3)

    # 学习培训: two trainings for every member, lectures, and a course for standing members and group leaders.
    for title, fraction in (
        ("学习贯彻全会精神专题宣讲报告会", 0.12),
        (_marker(y), 0.3),
        (f"{y}年度委员履职能力培训（下）", 0.66),
    ):
        training = rec.activity(K.TRAINING, title, year.at(fraction), place="区委党校", organiser_committee=committee)
        rec.attend(training, members, speakers=10)  # 分组讨论
    for n, fraction in enumerate((0.2, 0.45, 0.78), start=1):
        lecture = rec.activity(K.TRAINING, f"委员学习讲座（第{n}讲）", year.at(fraction), place="区政协委员之家")
        rec.attend(lecture, members, rate=0.8)
    course_day = year.at(0.86)
    course = rec.activity(
        K.TRAINING,
        "政协理论与实践及能力提升培训班",
        course_day,
        end_date=course_day + dt.timedelta(days=2),
        place="X工商大学",
    )
    rec.attend(course, list({m.pk: m for m in standing + list(leaders.values())}.values()), speakers=10)

    # 协助市政协专题调研: the municipal committee's research in the district, with the chairs.
    assist = rec.activity(K.ASSIST_RESEARCH, "协助市政协开展“民营经济发展”专题调研", year.at(0.4), place="区内企业")
    rec.attended(assist, chairs)

    # 委员组活动: each group every two months; cross-group exchanges; group leaders' exchanges.
    for g in groups:
        for n, fraction in enumerate((0.1, 0.27, 0.44, 0.61, 0.78, 0.95)):
            template, quantities = GROUP_TOPICS[(g.order + n) % len(GROUP_TOPICS)]
            title = template.format(company=rng.choice(COMPANIES), topic=rng.choice(TOPICS))
            day = year.at(min(fraction + 0.006 * (g.order % 10), 1.0))  # the groups meet on different days
            event = rec.activity(K.GROUP, f"{g.name}：{title}", day, organiser_group=g, place="委员企业", **quantities)
            rec.attend(event, by_group[g.pk], speakers=8)
    intents = [2, 1, 2, 2, 1, 2, 2, 1, 2, 1]
    for n in range(min(len(groups) // 2 * 2, 10)):
        first, second = groups[n], groups[(n + 1) % len(groups)]
        exchange = rec.activity(
            K.EXCHANGE,
            f"{first.name}与{second.name}交叉联谊交流会",
            year.at(0.08 + 0.088 * n),
            organiser_group=first,
            companies=rng.randint(2, 4),
            cooperation_intents=intents[n],
            services_provided=rng.randint(5, 10),
        )
        rec.attend(exchange, by_group[first.pk] + by_group[second.pk], rate=0.85, speakers=10)
    for n, fraction in enumerate((0.15, 0.35, 0.55, 0.7, 0.88), start=1):
        meeting = rec.activity(
            K.GROUP_LEADERS, f"委员组长交流活动（第{n}次）", year.at(fraction), place="区政协委员之家"
        )
        rec.attend(meeting, list(leaders.values()), speakers=4)
    for n, fraction in enumerate((0.18, 0.5, 0.8), start=1):
        visit = rec.activity(
            K.EXCHANGE, f"接待外地政协学习考察团（第{n}批）", year.at(fraction), delegations_received=2
        )
        rec.attended(visit, chairs)

    # 社会公益 and 扶贫帮困: members who volunteer; eight visits to the paired village.
    for n, (title, quantities) in enumerate(WELFARE):
        event = rec.activity(K.WELFARE, title, year.at(0.1 + 0.14 * n), **quantities)
        rec.attended(event, rec.volunteers(members, rng.randint(25, 40)))
    for g in groups:  # each group's own good deed of the year (e.g. computers for a village school)
        event = rec.activity(
            K.WELFARE,
            f"{g.name}爱心助学捐赠",
            year.at(rng.uniform(0.3, 0.9)),
            organiser_group=g,
            goods_value_wan=Decimal("1"),
        )
        rec.attend(event, by_group[g.pk], rate=0.8)
    for n in range(8):
        visit = rec.activity(
            K.POVERTY,
            f"赴X县X乡X村开展脱贫攻坚对口帮扶（第{n + 1}次）",
            year.at(0.06 + 0.115 * n),
            place="X县X乡X村",
            visits_made=rng.randint(8, 20),
            jobs_offered=rng.choice([None, 10, 15, 20]),
            companies=rng.choice([None, 2, 3]),
            funds_raised_wan=rng.choice([None, Decimal("20"), Decimal("35.5")]),
            condolence_wan=rng.choice([None, Decimal("1.2"), Decimal("3")]),
        )
        team = chairs + rng.sample(list(leaders.values()), k=min(3, len(leaders)))
        rec.attended(visit, list({m.pk: m for m in team + rec.volunteers(members, 14)}.values()))

    # 宣传报道: the quarter's articles on the WeChat account and who contributed them.
    for quarter in range(1, 5):
        fraction = min(0.24 * quarter, 0.98)
        publicity = rec.activity(
            K.PUBLICITY,
            f"“{district()}政协”微信公众号宣传（第{quarter}季度）",
            year.at(fraction),
            articles_published=rng.randint(30, 55),
        )
        rec.attended(publicity, rec.volunteers(members, rng.randint(30, 45)))
    lights = rec.activity(
        K.POVERTY,
        "帮助X村建成光亮工程，安装节能灯",
        year.at(0.62),
        place="X县X乡X村",
        projects_built=1,
        lamps=75,
        goods_value_wan=Decimal("1.1"),
        is_highlight=True,
    )
    rec.attended(lights, chairs)
    exhibition = rec.activity(K.OTHER, "“庆国庆”主题书画作品展", year.at(0.74), place="区文化馆")
    rec.attended(exhibition, rec.volunteers(members, 12))

    # Coming up: open for sign-up, some members already signed up.
    for days, kind, title, capacity in (
        (9, K.TRAINING, "委员履职能力提升培训（冬季班）", 60),
        (14, K.WELFARE, "“送温暖”社区慰问活动", 30),
        (21, K.EXCHANGE, "年末委员组交叉联谊交流会", None),
    ):
        day = year.today + dt.timedelta(days=days)
        upcoming = rec.activity(
            kind,
            title,
            day,
            signup_open=True,
            signup_deadline=day - dt.timedelta(days=3),
            capacity=capacity,
            place="区政协委员之家",
            description="欢迎委员报名参加。",
        )
        signed = rec.volunteers(members, 12)
        services.attendance_record(actor=rec.office, activity=upcoming, entries={m.pk: S.SIGNED_UP for m in signed})
    return rec.created


def _regulations(office, year: int, today: dt.date):
    existing = set(Regulation.objects.values_list("title", flat=True))
    for n, (title, kind, adopted_at) in enumerate(REGULATIONS):
        full = f"《{title.format(district=district())}》"
        if full in existing:
            continue
        adopted_on = min(dt.date(year, 1 + n * 2, 15), today)
        services.regulation_save(
            actor=office, data={"title": full, "kind": kind, "adopted_on": adopted_on, "adopted_at": adopted_at}
        )


KEY_PROJECTS = [
    ("工业科贸大厦", KeyProject.Stage.CONTINUE, Decimal("3.2")),
    ("节能保温墙体材料生产装备研发与示范基地", KeyProject.Stage.NEW, Decimal("5.6")),
    ("小所村安置房", KeyProject.Stage.EXTEND, Decimal("2.1")),
    ("城中村改造项目", KeyProject.Stage.REBUILD, Decimal("12")),
    ("社区便民服务中心", KeyProject.Stage.NEW, Decimal("0.6")),
]


def _key_projects(office, year: int, leaders):
    """The district key projects the committee's leaders are responsible for (分包)."""
    if not leaders or KeyProject.objects.filter(year=year).exists():
        return
    for n, (name, stage, investment) in enumerate(KEY_PROJECTS):
        services.key_project_save(
            actor=office,
            data={
                "year": year,
                "name": name,
                "stage": stage,
                "investment_yi": investment,
                "members": [leaders[n % len(leaders)]],
            },
        )


def _manual_items(office, scheme, members, profiles, rng):
    categories = {c.name: c for c in scheme.categories.all()}
    work = categories.get("本职工作")
    if work is not None:
        for m in members:
            chance = {"active": 0.9, "regular": 0.7, "occasional": 0.4, "rare": 0.0}[profiles[m.pk]]
            if rng.random() < chance:
                assessment_services.assessment_manual_item_add(
                    actor=office,
                    member=m,
                    category=work,
                    points=Decimal(rng.choice([5, 6, 8, 10])),
                    reason=rng.choice(WORK_HONOURS),
                )
    meetings = categories.get("参加会议")
    if meetings is not None:
        rare = [m for m in members if profiles[m.pk] == "rare"]
        for m in rng.sample(rare, k=min(4, len(rare))):
            assessment_services.assessment_manual_item_add(
                actor=office,
                member=m,
                category=meetings,
                points=Decimal(-5),
                reason="全年未参加委员组活动，经提醒仍未改进",
            )
    welfare = categories.get("社会公益")
    if welfare is not None:
        donors = [m for m in members if profiles[m.pk] in ("active", "regular")]
        for m in rng.sample(donors, k=min(6, len(donors))):
            assessment_services.assessment_manual_item_add(
                actor=office, member=m, category=welfare, points=Decimal(3), reason="个人向慈善总会捐款捐物"
            )


def _awards(office, year: int):
    """优秀委员: the best of the top band; 先进委员组 and 优秀委员组长: the five best groups and their leaders."""
    results = assessment.score(year=year)
    if not results:
        return
    top_grade = results[0].grade
    outstanding = [r.member.pk for r in results if r.grade == top_grade][:12]
    assessment_services.assessment_awards_set(
        actor=office, year=year, kind=AssessmentAward.Kind.OUTSTANDING_MEMBER, ids=outstanding
    )
    best_groups = assessment.group_ranking(results)[:5]
    assessment_services.assessment_awards_set(
        actor=office, year=year, kind=AssessmentAward.Kind.OUTSTANDING_GROUP, ids=[r["group"].pk for r in best_groups]
    )
    leaders = _group_leaders([r.member for r in sorted(results, key=lambda r: r.member.pk)])
    assessment_services.assessment_awards_set(
        actor=office,
        year=year,
        kind=AssessmentAward.Kind.EXCELLENT_GROUP_LEADER,
        ids=[leaders[r["group"].pk].pk for r in best_groups if r["group"].pk in leaders],
    )
