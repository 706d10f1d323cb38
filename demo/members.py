"""Demo data for a realistic district committee (used by `manage.py seed_demo`).

Later parts of the system add their own demo data after `seed_registry`.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from faker import Faker

from activities.catalogue import ensure_default_catalogue
from cppcc.roles import Role
from demo.common import quiet
from members import idcard
from members.models import HandlingUnit, Member, MemberGroup, Party, Sector, Session, SpecialCommittee, Term

SECTORS = [
    "中国共产党",
    "中国国民党革命委员会",
    "中国民主同盟",
    "中国民主建国会",
    "中国民主促进会",
    "中国农工民主党",
    "中国致公党",
    "九三学社",
    "无党派人士",
    "中国共产主义青年团",
    "总工会",
    "妇女联合会",
    "青年联合会",
    "工商业联合会",
    "科学技术协会",
    "台湾同胞联谊会",
    "归国华侨联合会",
    "文化艺术界",
    "科学技术界",
    "社会科学界",
    "经济界",
    "农业界",
    "教育界",
    "体育界",
    "新闻出版界",
    "医药卫生界",
    "对外友好界",
    "社会福利和社会保障界",
    "少数民族界",
    "宗教界",
    "特邀人士",
]
PARTIES = [
    ("中国共产党", "中共"),
    ("中国国民党革命委员会", "民革"),
    ("中国民主同盟", "民盟"),
    ("中国民主建国会", "民建"),
    ("中国民主促进会", "民进"),
    ("中国农工民主党", "农工党"),
    ("中国致公党", "致公党"),
    ("九三学社", "九三学社"),
    ("台湾民主自治同盟", "台盟"),
    ("无党派人士", "无党派"),
    ("群众", "群众"),
]
COMMITTEES = [
    "提案委员会",
    "经济委员会",
    "社会和法制委员会",
    "教科文卫体委员会",
    "人口资源环境委员会",
    "文史和学习委员会",
    "港澳台侨和外事委员会",
    "农业和农村委员会",
]
GROUPS = [f"第{n}委员活动组" for n in "一二三四五六七八九十"]
UNITS = [
    "区发展和改革委员会",
    "区教育局",
    "区科学技术局",
    "区工业和信息化局",
    "区公安分局",
    "区民政局",
    "区司法局",
    "区财政局",
    "区人力资源和社会保障局",
    "区自然资源和规划分局",
    "区生态环境分局",
    "区住房和城乡建设局",
    "区交通运输局",
    "区水务局",
    "区农业农村局",
    "区商务局",
    "区文化和旅游局",
    "区卫生健康委员会",
    "区退役军人事务局",
    "区应急管理局",
    "区审计局",
    "区市场监督管理局",
    "区统计局",
    "区医疗保障局",
    "区城市管理局",
    "区体育局",
    "区信访局",
    "区数据资源管理局",
    "区税务局",
    "区城中村改造办公室",
]
ETHNICITIES = ["汉族"] * 46 + ["回族", "满族", "蒙古族", "壮族"]
EMPLOYERS = {
    "教育界": ["区第一中学", "区实验小学", "区职业技术学校", "区第三中学", "区教师进修学校"],
    "医药卫生界": ["区人民医院", "区中医医院", "区妇幼保健院", "区疾病预防控制中心", "社区卫生服务中心"],
    "经济界": ["某某实业集团有限公司", "某某科技股份有限公司", "某某建设集团", "某某商贸有限公司"],
    "文化艺术界": ["区文化馆", "区图书馆", "区艺术团", "区融媒体中心"],
    "农业界": ["某某农业合作社", "区农业技术推广站", "某某生态农业有限公司"],
}
TITLES = ["主任", "副主任", "校长", "副院长", "主任医师", "董事长", "总经理", "高级教师", "研究员", "律师", "科长"]
DEFAULT_PASSWORD = "Cppcc@2026"


def _reference(model, names, **extra_by_name):
    objs = []
    for order, name in enumerate(names, start=1):
        obj, _ = model.objects.get_or_create(name=name, defaults={"order": order, **extra_by_name.get(name, {})})
        objs.append(obj)
    return objs


def _users(rows, password_hash, group_name):
    """Create users in bulk with one precomputed hash (hashing 300 passwords one by one takes minutes)."""
    User = get_user_model()
    existing = set(User.objects.filter(username__in=[r[0] for r in rows]).values_list("username", flat=True))
    User.objects.bulk_create(
        [User(username=u, first_name=full, password=password_hash) for u, full in rows if u not in existing]
    )
    users = {u.username: u for u in User.objects.filter(username__in=[r[0] for r in rows])}
    group, _ = Group.objects.get_or_create(name=group_name)
    Through = User.groups.through
    linked = set(Through.objects.filter(group=group, user__in=users.values()).values_list("user_id", flat=True))
    Through.objects.bulk_create([Through(user=u, group=group) for u in users.values() if u.pk not in linked])
    return users


@quiet
@transaction.atomic
def seed_registry(*, password: str = DEFAULT_PASSWORD, seed: int = 2026, member_count: int = 300) -> dict:
    """Build the registry; returns a summary. Safe to run again: existing data is left as it is."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    password_hash = make_password(password)

    term8, _ = Term.objects.get_or_create(number=8, defaults={"name": "第八届", "start_year": 2017, "end_year": 2021})
    term9, _ = Term.objects.get_or_create(
        number=9, defaults={"name": "第九届", "start_year": 2022, "end_year": 2026, "is_current": True}
    )
    numerals = "一二三四五"
    for term, first_year in ((term8, 2017), (term9, 2022)):
        for n in range(1, 6):
            start = dt.date(first_year + n - 1, 1, 8 + n)
            Session.objects.get_or_create(
                term=term,
                number=n,
                defaults={
                    "name": f"第{numerals[n - 1]}次会议",
                    "start_date": start,
                    "end_date": start + dt.timedelta(days=3),
                },
            )
    # The work report's quantity catalogue (seeded by a migration; put back where a test's flush removed it).
    ensure_default_catalogue()
    sectors = _reference(Sector, SECTORS)
    parties = _reference(Party, [p[0] for p in PARTIES], **{p[0]: {"short_name": p[1]} for p in PARTIES})
    committees = _reference(SpecialCommittee, COMMITTEES)
    groups = _reference(MemberGroup, GROUPS)
    units = _reference(HandlingUnit, UNITS)

    staff = {
        "admin": ("系统管理员", Role.ADMIN),
        "office": ("提案委工作人员", Role.OFFICE),
        "leader": ("区政协领导", Role.LEADER),
        "auditor": ("安全审计员", Role.AUDITOR),
        "security": ("安全管理员", Role.SECURITY),
    }
    for username, (full, role) in staff.items():
        _users([(username, full)], password_hash, role)
    # The system administrator manages accounts and roles in the Django admin, and nothing else.
    admin_user = get_user_model().objects.get(username="admin")
    if not admin_user.is_staff:
        admin_user.is_staff = True
        admin_user.save(update_fields=["is_staff"])
        admin_user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    unit_users = _users([(f"unit{i:02d}", u.name) for i, u in enumerate(units, start=1)], password_hash, Role.UNIT)
    for i, unit in enumerate(units, start=1):
        unit.users.add(unit_users[f"unit{i:02d}"])

    created = 0
    if not Member.objects.exists():
        party_weights = [30, 6, 8, 8, 7, 6, 4, 6, 1, 10, 14]
        party_by_name = {p.name: p for p in parties}
        members = []
        used_ids, used_names = set(), set()
        for i in range(member_count):
            gender = "M" if rng.random() < 0.62 else "F"
            name = fake.name_male() if gender == "M" else fake.name_female()
            while name in used_names:
                name = fake.name_male() if gender == "M" else fake.name_female()
            used_names.add(name)
            birth = dt.date(rng.randint(1958, 1990), rng.randint(1, 12), rng.randint(1, 28))
            order = rng.randrange(1, 999, 2) if gender == "M" else rng.randrange(2, 999, 2)
            number = idcard.make("320106", birth, order)
            while number in used_ids:
                order = (order + 2) % 998 or 2
                number = idcard.make("320106", birth, order)
            used_ids.add(number)
            sector = rng.choice(sectors)
            # The party sectors (中共, the eight parties, 无党派) hold members of that party only.
            party = party_by_name.get(sector.name) or rng.choices(parties, weights=party_weights)[0]
            employers = EMPLOYERS.get(sector.name, ["区属单位", "某某有限公司", "某某律师事务所", "某某研究院"])
            status = Member.Status.ACTIVE
            if i >= member_count - 15:
                status = Member.Status.RESIGNED if i % 3 else Member.Status.REMOVED
            member = Member(
                name=name,
                gender=gender,
                ethnicity=rng.choice(ETHNICITIES),
                birth_date=birth,
                id_number=number,
                phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                sector=sector,
                party=party,
                group=groups[i % len(groups)],
                employer=rng.choice(employers),
                title=rng.choice(TITLES),
                is_standing=i < 45,
                status=status,
            )
            if i == 0:
                member.post = Member.Post.CHAIR
            elif i <= 5:
                member.post = Member.Post.VICE_CHAIR
            elif i == 6:
                member.post = Member.Post.SECRETARY_GENERAL
            member.refresh_sort_keys()
            members.append(member)
        Member.objects.bulk_create(members)
        members = list(Member.objects.order_by("id"))
        users = _users([(f"m{i:04d}", m.name) for i, m in enumerate(members, start=1)], password_hash, Role.MEMBER)
        for i, member in enumerate(members, start=1):
            member.user = users[f"m{i:04d}"]
        Member.objects.bulk_update(members, ["user"])
        TermLink = Member.terms.through
        CommitteeLink = Member.committees.through
        TermLink.objects.bulk_create(
            [TermLink(member=m, term=term9) for m in members]
            + [TermLink(member=m, term=term8) for m in members if rng.random() < 0.4]
        )
        CommitteeLink.objects.bulk_create(
            [CommitteeLink(member=m, specialcommittee=rng.choice(committees)) for m in members if rng.random() < 0.6]
        )
        created = len(members)
    return {
        "members_created": created,
        "members": Member.objects.count(),
        "units": len(units),
        "password": password,
    }
