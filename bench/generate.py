"""A large, realistic history for the benchmark, loaded with COPY (not through the services).

What a district committee accumulates over twenty years, scaled up: terms of five years with a
plenary session each January; members serving one to three consecutive terms; proposals handed in
mostly at the session, some between sessions; each one walked through its life on its own clock —
submitted, filed (numbered in filing order within the term) or not filed / merged / converted /
withdrawn, assigned to a lead unit with co-units or to split units (busy departments get far more),
accepted, sometimes returned and reassigned or extended, replied (co-unit opinions first, some late,
some sent back), reviewed, rated by the proposer (a few unsatisfied → re-handled), closed — and cut
at *now*, so the current year holds every open state with its deadlines, overdue ones included.
Every step is an event row, as the services would have written it. Activities (meetings,
inspections with their `Inspection`, consultations with plan/topic/`ConsultationActivity`,
trainings, group events …) carry attendance drawn from the members serving at the time.

The rows satisfy the models' constraints (numbers only once filed, unique per term; individual
proposals have a lead proposer; one active assignment per unit; due_date ≤ max_due_date; one
attendance per member and activity …), so the database checks them as it loads.
"""

import datetime as dt
import functools
import io
import json
import math
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone

CN_NUMERALS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n]
    if n < 20:
        return "十" + (CN_NUMERALS[n - 10] if n > 10 else "")
    return CN_NUMERALS[n // 10] + "十" + (CN_NUMERALS[n % 10] if n % 10 else "")


@dataclass(frozen=True)
class Scale:
    proposals: int
    members: int
    activities: int
    years: int


FULL = Scale(proposals=100_000, members=2_000, activities=20_000, years=20)
SMALL = Scale(proposals=1_000, members=300, activities=300, years=5)


# --- COPY ------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _fmt(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _escape(json.dumps(value, ensure_ascii=False))
    raise TypeError(f"cannot COPY {value!r}")


class CopyWriter:
    """Buffers rows of one model until `flush()` COPYs them; ids are given here, sequences set at `close()`.

    The caller flushes parents before children (each COPY commits on its own, and foreign keys are
    checked at commit), once per generated year, so memory stays bounded.

    Columns come from the model itself: a field the caller does not give takes its default, so a
    column another part of the system adds (with a default) does not break the generator; a
    required field without a default that the caller forgot fails loudly at once.
    """

    def __init__(self, model, given: list[str]):
        self.model = model
        self.table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in fields]
        self.pk = model._meta.pk.attname
        self.plan = []  # (attname, default)
        for f in fields:
            if f.attname == self.pk:
                self.plan.append((f.attname, None))
                continue
            default = f.get_default()
            if default is None and not f.null and f.attname not in given:
                raise ValueError(f"{model.__name__}.{f.attname} is required and has no default: give it")
            self.plan.append((f.attname, default))
        from cppcc.crypto import EncryptedCharField

        # Encrypted columns hold the field's token, as a save through the model would.
        self.encrypted = {f.attname: f for f in fields if isinstance(f, EncryptedCharField)}
        unknown = set(given) - {a for a, _ in self.plan}
        if unknown:
            raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX("{model._meta.pk.column}"), 0) FROM "{self.table}"')
            self.next_id = cursor.fetchone()[0] + 1
        self.buffer = io.StringIO()
        self.pending = 0
        self.total = 0

    def add(self, row: dict) -> int:
        row_id = row.get(self.pk) or self.next_id
        self.next_id = max(self.next_id, row_id + 1)
        row[self.pk] = row_id
        for attname, field in self.encrypted.items():
            if row.get(attname):
                row[attname] = field.get_prep_value(row[attname])
        self.buffer.write("\t".join([_fmt(row.get(attname, default)) for attname, default in self.plan]))
        self.buffer.write("\n")
        self.pending += 1
        return row_id

    def flush(self):
        if not self.pending:
            return
        self.buffer.seek(0)
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f'COPY "{self.table}" ({columns}) FROM STDIN', self.buffer)
        self.total += self.pending
        self.pending = 0
        self.buffer = io.StringIO()

    def close(self):
        self.flush()
        column = self.model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', '{column}'), "
                f'GREATEST((SELECT MAX("{column}") FROM "{self.table}"), 1))'
            )


# --- helpers ---------------------------------------------------------------------------------------


class Clock:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def after(self, t: dt.datetime, days_min: float, days_max: float) -> dt.datetime:
        """A working-hours moment `days_min`…`days_max` days after `t`."""
        day = (t + dt.timedelta(days=self.rng.uniform(days_min, days_max))).date()
        if day.weekday() >= 5:
            day += dt.timedelta(days=7 - day.weekday())
        moment = at(day, self.rng.randint(8, 17), self.rng.randint(0, 59))
        return max(moment, t + dt.timedelta(minutes=self.rng.randint(5, 90)))


@functools.cache
def _zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=_zone())


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def add_workdays(day: dt.date, n: int) -> dt.date:
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def weighted_counts(total: int, weights: list[float]) -> list[int]:
    """Split `total` by `weights` into integers that add up exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


# --- the registry ----------------------------------------------------------------------------------


def term_number_for(year: int) -> int:
    # seed_registry's terms: 8th 2017–2021, 9th 2022–2026; the rest follow the five-year rhythm.
    return 9 + math.floor((year - 2022) / 5)


def build_registry(scale: Scale, *, seed: int, log) -> dict:
    from django.contrib.auth import get_user_model

    from demo.members import seed_registry
    from members.models import HandlingUnit, Member, Session, Term

    log(f"registry: seed_registry(member_count={scale.members}) …")
    seed_registry(seed=seed, member_count=scale.members)
    today = timezone.localdate()
    years = list(range(today.year - scale.years + 1, today.year + 1))
    terms = {}
    for year in years:
        number = term_number_for(year)
        if number in terms:
            continue
        start = 2022 + 5 * (number - 9)
        term, _ = Term.objects.get_or_create(
            number=number, defaults={"name": f"第{cn_number(number)}届", "start_year": start, "end_year": start + 4}
        )
        for n in range(1, 6):
            opening = dt.date(start + n - 1, 1, 8 + n)
            Session.objects.get_or_create(
                term=term,
                number=n,
                defaults={
                    "name": f"第{cn_number(n)}次会议",
                    "start_date": opening,
                    "end_date": opening + dt.timedelta(3),
                },
            )
        terms[number] = term
    sessions = {(s.term_id, s.number): s for s in Session.objects.filter(term__in=terms.values())}

    # Who served when: each member one to three consecutive terms; the standing committee and the
    # leadership (the first members seed_registry makes) serve in the current one.
    rng = random.Random(seed + 1)
    term_list = sorted(terms.values(), key=lambda t: t.number)
    members = list(
        Member.objects.order_by("id").values(
            "id", "user_id", "group_id", "is_standing", "sector_id", "party_id", "name", "phone"
        )
    )
    Link = Member.terms.through
    Link.objects.filter(member_id__in=[m["id"] for m in members]).delete()
    links = []
    serving = {t.pk: [] for t in term_list}
    for i, m in enumerate(members):
        span = rng.choices([1, 2, 3], weights=[50, 35, 15])[0]
        if i < 60 or m["is_standing"]:
            last = len(term_list) - 1
        else:
            last = rng.randrange(len(term_list))
        first = max(0, last - span + 1)
        for t in term_list[first : last + 1]:
            links.append(Link(member_id=m["id"], term_id=t.pk))
            serving[t.pk].append(m)
    Link.objects.bulk_create(links, batch_size=5000)

    User = get_user_model()
    office = User.objects.get(username="office")
    leader = User.objects.get(username="leader")
    units = list(HandlingUnit.objects.order_by("id"))
    unit_user = {}
    for unit in units:
        user = unit.users.order_by("id").first()
        unit_user[unit.pk] = user.pk if user else office.pk
    return {
        "years": years,
        "terms": terms,
        "sessions": sessions,
        "serving": serving,
        "members": members,
        "office": office.pk,
        "leader": leader.pk,
        "units": [u.pk for u in units],
        "unit_names": {u.pk: u.name for u in units},
        "unit_user": unit_user,
    }


# --- proposals -------------------------------------------------------------------------------------

CO_OPINION = "同意主办单位意见，将积极配合。"
REPLY_TEXT = (
    "经研究，现答复如下：您提出的建议很有针对性，我单位高度重视，已将相关工作列入年度计划，并会同有关部门加快推进。"
)
FATES = [("filed", 81.5), ("not_filed", 8), ("merged", 3.5), ("converted", 4), ("withdrawn", 2.5), ("draft", 0.5)]
REJECT_REASONS = ["personal", "empty", "academic", "promotion", "litigation", "accusation", "party_internal"]


class Ev:
    __slots__ = ("t", "action", "to", "actor", "note", "data", "effects")

    def __init__(self, t, action, to, actor, note="", data=None, effects=()):
        self.t, self.action, self.to, self.actor = t, action, to, actor
        self.note, self.data, self.effects = note, data or {}, effects


class ProposalFactory:
    def __init__(self, reg: dict, *, seed: int, now: dt.datetime):
        from demo.proposals import BACKGROUND, SUGGESTIONS, TOPICS
        from proposals.models import ProposalCategory

        self.reg = reg
        self.rng = random.Random(seed + 2)
        self.clock = Clock(self.rng)
        self.now = now
        self.topics, self.background, self.suggestions = TOPICS, BACKGROUND, SUGGESTIONS
        by_name = {c.name: c.pk for c in ProposalCategory.objects.all()}
        self.categories = [(by_name[name], titles) for name, titles in TOPICS.items() if name in by_name]
        weights = {"经济建设": 30, "政治建设": 10, "文化建设": 10, "社会建设": 35, "生态文明建设": 12, "其他": 3}
        self.category_weights = [weights.get(name, 5) for name in TOPICS if name in by_name]
        # Busy departments (housing, education, health …) get far more than the audit office: Zipf-like.
        units = list(reg["units"])
        self.rng.shuffle(units)
        self.units = units
        self.unit_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(units))]
        from members.models import MemberGroup, Party, Sector

        self.bodies = {
            "collective_party_id": list(
                Party.objects.exclude(name__in=["中国共产党", "群众"]).values_list("pk", flat=True)
            ),
            "collective_sector_id": list(Sector.objects.order_by("id").values_list("pk", flat=True)[10:]),
            "collective_group_id": list(MemberGroup.objects.values_list("pk", flat=True)),
        }
        self.counters: dict[int, int] = {}
        self.filed_in_term: dict[int, list[int]] = {}

    def _units(self, k: int) -> list[int]:
        chosen: list[int] = []
        while len(chosen) < k:
            u = self.rng.choices(self.units, weights=self.unit_weights)[0]
            if u not in chosen:
                chosen.append(u)
        return chosen

    def plan_year(self, year: int, count: int) -> list[dict]:
        """The year's proposals with their full hypothetical timelines (not yet cut at now)."""
        rng, reg = self.rng, self.reg
        term = reg["terms"][term_number_for(year)]
        session = reg["sessions"].get((term.pk, year - term.start_year + 1))
        opening = session.start_date if session else dt.date(year, 1, 10)
        last_day = min(dt.date(year, 12, 20), self.now.date())
        members = reg["serving"][term.pk]
        plans = []
        for _ in range(count):
            fate = rng.choices([f for f, _ in FATES], weights=[w for _, w in FATES])[0]
            if rng.random() < 0.8 and opening <= last_day:
                day = opening + dt.timedelta(days=rng.randint(0, 3))
                in_session = True
            else:
                span = max((last_day - opening).days, 1)
                day = opening + dt.timedelta(days=rng.randint(4, max(span, 4)))
                day = min(day, last_day)
                in_session = False
            submitted = at(day, rng.randint(8, 17), rng.randint(0, 59))
            if submitted > self.now:
                submitted = self.now - dt.timedelta(hours=rng.randint(2, 300))
            plans.append(
                {
                    "fate": fate,
                    "submitted": submitted,
                    "in_session": in_session,
                    "term": term,
                    "session": session,
                    "members": members,
                }
            )
        plans.sort(key=lambda p: p["submitted"])
        return plans

    # One proposal's whole life; returns the rows after cutting at now.
    def build(self, plan: dict) -> dict:
        rng, reg, clock = self.rng, self.reg, self.clock
        office, leader = reg["office"], reg["leader"]
        term, members = plan["term"], plan["members"]
        category, titles = rng.choices(self.categories, weights=self.category_weights)[0]
        title = rng.choice(titles)
        submitted = plan["submitted"]
        created = submitted - dt.timedelta(days=rng.uniform(0.05, 12))
        p = {
            "term_id": term.pk,
            "session_id": plan["session"].pk if plan["in_session"] and plan["session"] else None,
            "title": title,
            "category_id": category,
            "background": self.background.format(topic=title.removeprefix("关于").split("的")[0]),
            "suggestions": self.suggestions,
            "created_at": created,
            "state": "draft",
            "rehandle_count": 0,
        }
        proposer = rng.choice(members)
        if rng.random() < 0.15:
            field = rng.choice(list(self.bodies))
            p.update(kind="collective", lead_proposer_id=None, created_by_id=office)
            p[field] = rng.choice(self.bodies[field])
            p["contact_name"], p["contact_phone"] = proposer["name"], proposer["phone"]
            author = office
        else:
            p.update(kind="individual", lead_proposer_id=proposer["id"], created_by_id=proposer["user_id"] or office)
            author = p["created_by_id"]
        events: list[Ev] = [Ev(created, "create", None, author, "创建草稿")]
        cosigners = []
        for signer in rng.sample(members, k=rng.choice([0, 0, 0, 1, 1, 2, 3, 5])):
            if signer["id"] == p.get("lead_proposer_id"):
                continue
            c = {"member_id": signer["id"], "invited_at": created, "confirmed_at": None}
            cosigners.append(c)
            if rng.random() < 0.85:
                t = created + (submitted - created) * rng.random()
                events.append(
                    Ev(
                        t,
                        "cosign",
                        None,
                        signer["user_id"],
                        "确认附议",
                        {"member": signer["id"]},
                        [(c, "confirmed_at", t)],
                    )
                )
        assignments: list[dict] = []
        replies: list[dict] = []
        fate = plan["fate"]
        if fate == "draft":
            return self._cut(p, events, cosigners, assignments, replies)
        if fate == "withdrawn":
            t = clock.after(submitted, 0, 3)
            events.append(Ev(submitted, "submit", "submitted", author, effects=[(p, "submitted_at", submitted)]))
            events.append(Ev(t, "withdraw", "withdrawn", author, "拟修改后另行提交"))
            return self._cut(p, events, cosigners, assignments, replies)
        events.append(Ev(submitted, "submit", "submitted", author, effects=[(p, "submitted_at", submitted)]))
        t = clock.after(submitted, 4, 20)
        if fate == "not_filed":
            reason = rng.choice(REJECT_REASONS)
            events.append(
                Ev(
                    t,
                    "reject",
                    "not_filed",
                    office,
                    "经审查不符合立案条件。",
                    {"reason": reason},
                    [(p, "reject_reason", reason), (p, "reject_note", "经审查不符合立案条件。")],
                )
            )
            return self._cut(p, events, cosigners, assignments, replies)
        earlier = self.filed_in_term.get(term.pk)
        if fate == "merged" and earlier:
            into = rng.choice(earlier[-400:])
            events.append(
                Ev(t, "merge", "merged", office, "并入已立案提案", {"into": into}, [(p, "merged_into_id", into)])
            )
            return self._cut(p, events, cosigners, assignments, replies)
        if fate in ("merged", "converted"):
            events.append(Ev(t, "convert", "converted", office, "内容适宜以社情民意信息形式反映。"))
            return self._cut(p, events, cosigners, assignments, replies)

        # Filed: the number is given when the cut is known (filing order within the term).
        filed_at = t
        events.append(Ev(filed_at, "file", "filed", office, effects=[(p, "filed_at", filed_at), (p, "_number", True)]))
        t = clock.after(filed_at, 2, 12)
        if rng.random() < 0.03:  # a unit returns a mis-assigned proposal within its window; reassigned
            (unit,) = self._units(1)
            a = self._assignment(unit, "lead", t, office)
            ret = clock.after(t, 1, 9)
            events.append(
                Ev(
                    t,
                    "assign",
                    "assigned",
                    office,
                    f"主办：{reg['unit_names'][unit]}",
                    {"units": [unit]},
                    [(assignments, "_append", a)],
                )
            )
            events.append(
                Ev(
                    ret,
                    "return",
                    "filed",
                    reg["unit_user"][unit],
                    "不属于本单位职责范围",
                    {"unit": unit},
                    [(a, "returned_at", ret), (a, "return_reason", "不属于本单位职责范围"), (a, "is_active", False)],
                )
            )
            t = clock.after(ret, 1, 7)
        if rng.random() < 0.12:
            plan_units = [(u, "split") for u in self._units(rng.choice([2, 2, 3]))]
        else:
            lead, *co = self._units(1 + rng.choices([0, 1, 2], weights=[50, 30, 20])[0])
            plan_units = [(lead, "lead")] + [(u, "co") for u in co]
        active = [self._assignment(u, role, t, office) for u, role in plan_units]
        summary = "；".join(
            f"{ {'lead': '主办', 'co': '会办', 'split': '分办'}[r] }：{reg['unit_names'][u]}" for u, r in plan_units
        )
        events.append(
            Ev(
                t,
                "assign",
                "assigned",
                office,
                summary,
                {"units": [u for u, _ in plan_units]},
                [(assignments, "_append", a) for a in active],
            )
        )
        flags = None
        if rng.random() < 0.06:
            flags = {"is_key": True, "key_leader": leader}, [(p, "is_key", True), (p, "key_leader_id", leader)]
        elif rng.random() < 0.04:
            flags = {"supervisor": leader}, [(p, "supervisor_id", leader), (p, "supervision_note", "请加快办理进度。")]
        if flags:
            events.append(Ev(clock.after(t, 1, 30), "flags", None, leader, "设置重点/督办/优秀标记", *flags))
        accepts = sorted(((clock.after(t, 0.5, 6), a) for a in active), key=lambda x: x[0])
        for i, (when, a) in enumerate(accepts):
            to = "handling" if i == len(accepts) - 1 else None
            events.append(
                Ev(
                    when,
                    "accept",
                    to,
                    reg["unit_user"][a["unit_id"]],
                    "签收",
                    {"unit": a["unit_id"]},
                    [(a, "accepted_at", when)],
                )
            )
        handling_from = accepts[-1][0]
        main = [a for a in active if a["role"] != "co"]
        co = [a for a in active if a["role"] == "co"]
        for a in main:
            if rng.random() < 0.06:
                new_due = min(add_months(a["due_date"], rng.choice([1, 2, 3])), a["max_due_date"])
                when = clock.after(handling_from, 30, 80)
                events.append(
                    Ev(
                        when,
                        "extend",
                        None,
                        office,
                        "答复期限延期",
                        {"unit": a["unit_id"], "due_date": new_due.isoformat()},
                        [(a, "due_date", new_due), (a, "extension_count", 1)],
                    )
                )
                a["_due_after_extension"] = new_due
        # Round 1, then (rarely) a second round after an unsatisfied rating.
        replied = self._round(1, handling_from, main, co, events, replies, p)
        if replied is None:
            return self._cut(p, events, cosigners, assignments, replies)
        feedback_due = add_workdays(replied.date(), 15)
        roll = rng.random()
        rater = author
        if roll < 0.05:  # nobody rated in time: the office closes it
            when = at(feedback_due + dt.timedelta(days=rng.randint(1, 10)), 10)
            events.append(Ev(when, "close", "closed", office, "评价期满，办结", effects=[(p, "closed_at", when)]))
        else:
            when = clock.after(replied, 2, 18)
            satisfaction = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], weights=[80, 16, 4])[0]
            if satisfaction != "unsatisfied":
                events.append(self._feedback(when, rater, p, satisfaction, close=True))
            else:
                events.append(self._feedback(when, rater, p, satisfaction, close=False))
                new_due = add_months(when.date(), 1)
                for a in main:
                    events[-1].effects.append((a, "due_date", new_due))
                    events[-1].effects.append((a, "max_due_date", max(a["max_due_date"], new_due)))
                replied2 = self._round(2, when, main, co, events, replies, p, due=new_due)
                if replied2 is None:
                    return self._cut(p, events, cosigners, assignments, replies)
                when = clock.after(replied2, 2, 18)
                events.append(self._feedback(when, rater, p, rng.choice(["basically_satisfied", "satisfied"]), True))
        if rng.random() < 0.05:
            events.append(
                Ev(
                    clock.after(events[-1].t, 10, 60),
                    "flags",
                    None,
                    office,
                    "设置重点/督办/优秀标记",
                    {"is_excellent": True},
                    [(p, "is_excellent", True)],
                )
            )
        return self._cut(p, events, cosigners, assignments, replies)

    def _assignment(self, unit: int, role: str, when: dt.datetime, office: int) -> dict:
        day = timezone.localdate(when)
        return {
            "unit_id": unit,
            "role": role,
            "assigned_at": when,
            "assigned_by_id": office,
            "due_date": add_months(day, 3),
            "max_due_date": add_months(day, 6),
            "return_deadline": add_workdays(day, 10),
            "accepted_at": None,
            "is_active": True,
            "extension_count": 0,
        }

    def _feedback(self, when, rater, p, satisfaction, close: bool) -> Ev:
        labels = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}
        comment = "" if satisfaction != "unsatisfied" else "答复未针对所提建议，请重新办理。"
        effects = [
            (p, "satisfaction", satisfaction),
            (p, "feedback_at", when),
            (p, "feedback_comment", comment),
            (p, "feedback_due", None),
        ]
        if close:
            effects.append((p, "closed_at", when))
            return Ev(when, "feedback", "closed", rater, labels[satisfaction], {"satisfaction": satisfaction}, effects)
        effects.append((p, "rehandle_count", 1))
        return Ev(when, "feedback", "rehandling", rater, f"不满意：{comment}", {"satisfaction": satisfaction}, effects)

    def _round(self, rnd, start, main, co, events, replies, p, due=None):
        """Co-unit opinions, then each main unit's reply (some late, some sent back once), each reviewed.
        Returns when the proposal became replied (the last approval), or None if it never does."""
        rng, clock, reg = self.rng, self.clock, self.reg
        office = reg["office"]

        def reply_event(a, when, note, reply):
            unit = reg["unit_user"][a["unit_id"]]
            return Ev(when, "reply", None, unit, note, {"unit": a["unit_id"]}, [(replies, "_append", reply)])

        co_done = start
        for a in co:
            when = clock.after(start, 8, 40)
            r = self._reply(a, rnd, when, status="approved")
            events.append(reply_event(a, when, "提交会办意见", r))
            co_done = max(co_done, when)
        approvals = []
        for a in main:
            due_day = due or a.get("_due_after_extension") or a["due_date"]
            days_left = (due_day - timezone.localdate(co_done)).days
            if rng.random() < 0.12:  # late
                when = clock.after(co_done, max(days_left, 1) + 1, max(days_left, 1) + 60)
            else:
                when = clock.after(co_done, min(5, max(days_left - 1, 0)), max(min(days_left - 2, 85), 6))
            result = rng.choices("ABC", weights=[55, 35, 10])[0]
            if rng.random() < 0.05:
                first = self._reply(a, rnd, when, status="pending", result=result)
                back = clock.after(when, 1, 5)
                events.append(reply_event(a, when, f"提交答复（{result}类）", first))
                events.append(
                    Ev(
                        back,
                        "approve_reply",
                        None,
                        office,
                        "答复退回修改。请补充具体措施。",
                        {"unit": a["unit_id"]},
                        [
                            (first, "status", "sent_back"),
                            (first, "reviewed_at", back),
                            (first, "reviewed_by_id", office),
                            (first, "review_note", "请补充具体措施。"),
                        ],
                    )
                )
                when = clock.after(back, 3, 15)
            r = self._reply(a, rnd, when, status="pending", result=result)
            events.append(reply_event(a, when, f"提交答复（{result}类）", r))
            review = clock.after(when, 0.5, 6)
            approvals.append((review, a, r))
        approvals.sort(key=lambda x: x[0])
        for i, (review, a, r) in enumerate(approvals):
            effects = [(r, "status", "approved"), (r, "reviewed_at", review), (r, "reviewed_by_id", office)]
            to = None
            if i == len(approvals) - 1:
                to = "replied"
                effects += [(p, "replied_at", review), (p, "feedback_due", add_workdays(review.date(), 15))]
            events.append(Ev(review, "approve_reply", to, office, "答复审核通过。", {"unit": a["unit_id"]}, effects))
        return approvals[-1][0] if approvals else None

    def _reply(self, a, rnd, when, *, status, result=None):
        rng = self.rng
        result = result or rng.choice("AB")
        prefix = self.reg["unit_names"][a["unit_id"]].removeprefix("区")[:2]
        is_co = a["role"] == "co"
        return {
            "_assignment": a,
            "round": rnd,
            "result": result,
            "letter_number": "" if is_co else f"{prefix}函〔{when.year}〕{rng.randint(1, 400)}号",
            "content": CO_OPINION if is_co else REPLY_TEXT,
            "contact_name": "李科长",
            "contact_phone": f"0531-8888{rng.randint(1000, 9999)}",
            "submitted_at": when,
            "status": status,
            "reviewed_at": None,
            "reviewed_by_id": None,
            "review_note": "",
        }

    def _cut(self, p, events, cosigners, assignments, replies) -> dict:
        """Apply the events that have happened by now, in time order; the state is the last one reached."""
        events.sort(key=lambda e: e.t)
        state = "draft"
        kept = []
        for e in events:
            if e.t > self.now:
                break
            from_state = state
            if e.to:
                state = e.to
            for target, key, value in e.effects:
                if key == "_append":
                    target.append(value)
                else:
                    target[key] = value
            kept.append((e, from_state if kept else "", state))
        p["state"] = state
        p["updated_at"] = kept[-1][0].t
        return {"proposal": p, "events": kept, "cosigners": cosigners, "assignments": assignments, "replies": replies}


def generate_proposals(reg: dict, scale: Scale, *, seed: int, now: dt.datetime, log) -> None:
    from proposals.models import Assignment, CoSigner, Proposal, ProposalCounter, ProposalEvent, Reply

    years = reg["years"]
    # More proposals in later years (members got more active), the current year at full strength.
    counts = weighted_counts(scale.proposals, [1 + 0.05 * i for i in range(len(years))])
    factory = ProposalFactory(reg, seed=seed, now=now)
    w_p = CopyWriter(
        Proposal,
        [
            "created_at",
            "updated_at",
            "term_id",
            "session_id",
            "number",
            "title",
            "category_id",
            "background",
            "suggestions",
            "kind",
            "lead_proposer_id",
            "collective_party_id",
            "collective_sector_id",
            "collective_group_id",
            "contact_name",
            "contact_phone",
            "created_by_id",
            "state",
            "submitted_at",
            "filed_at",
            "replied_at",
            "closed_at",
            "reject_reason",
            "reject_note",
            "merged_into_id",
            "is_key",
            "key_leader_id",
            "is_excellent",
            "supervisor_id",
            "supervision_note",
            "satisfaction",
            "feedback_comment",
            "feedback_at",
            "feedback_due",
            "rehandle_count",
        ],
    )
    w_c = CopyWriter(CoSigner, ["proposal_id", "member_id", "invited_at", "confirmed_at"])
    w_a = CopyWriter(
        Assignment,
        [
            "proposal_id",
            "unit_id",
            "role",
            "assigned_at",
            "assigned_by_id",
            "due_date",
            "max_due_date",
            "return_deadline",
            "accepted_at",
            "returned_at",
            "return_reason",
            "extension_count",
            "is_active",
        ],
    )
    w_r = CopyWriter(
        Reply,
        [
            "assignment_id",
            "round",
            "result",
            "letter_number",
            "content",
            "contact_name",
            "contact_phone",
            "submitted_by_id",
            "submitted_at",
            "status",
            "reviewed_by_id",
            "reviewed_at",
            "review_note",
        ],
    )
    w_e = CopyWriter(
        ProposalEvent, ["proposal_id", "actor_id", "action", "from_state", "to_state", "note", "data", "created_at"]
    )
    unit_user = reg["unit_user"]
    for year, count in zip(years, counts, strict=True):
        built = [factory.build(plan) for plan in factory.plan_year(year, count)]
        # Numbers in filing order within the term.
        built.sort(key=lambda b: b["proposal"].get("filed_at") or b["proposal"]["created_at"])
        for b in built:
            p = b["proposal"]
            if p.pop("_number", None):
                n = factory.counters.get(p["term_id"], 0) + 1
                factory.counters[p["term_id"]] = n
                p["number"] = n
            pid = w_p.add(p)
            if p.get("number"):
                factory.filed_in_term.setdefault(p["term_id"], []).append(pid)
            for c in b["cosigners"]:
                c["proposal_id"] = pid
                w_c.add(c)
            for a in b["assignments"]:
                a["proposal_id"] = pid
                a["_id"] = w_a.add(a)
            for r in b["replies"]:
                a = r.pop("_assignment")
                r["assignment_id"] = a["_id"]
                r["submitted_by_id"] = unit_user[a["unit_id"]]
                w_r.add(r)
            for e, from_state, to_state in b["events"]:
                data = dict(e.data)
                if e.action == "file":
                    data["number"] = p["number"]
                w_e.add(
                    {
                        "proposal_id": pid,
                        "actor_id": e.actor,
                        "action": e.action,
                        "from_state": from_state,
                        "to_state": to_state,
                        "note": e.note,
                        "data": data,
                        "created_at": e.t,
                    }
                )
        for w in (w_p, w_c, w_a, w_r, w_e):
            w.flush()
        log(f"  {year}: {count:,} proposals")
    for w in (w_p, w_c, w_a, w_r, w_e):
        w.close()
    for term_id, last in factory.counters.items():
        ProposalCounter.objects.update_or_create(term_id=term_id, defaults={"last_number": last})
    log(
        f"proposals {w_p.total:,} · co-signers {w_c.total:,} · assignments {w_a.total:,} · replies {w_r.total:,} "
        f"· events {w_e.total:,}"
    )


# --- activities ------------------------------------------------------------------------------------

ACTIVITY_KINDS = [
    # kind, weight, (min, max) attendance, title
    ("group", 24, (6, 25), "委员活动组学习交流活动"),
    ("training", 9, (30, 160), "委员履职能力培训"),
    ("inspection", 8, (8, 25), "视察"),
    ("research", 10, (6, 20), "专题调研"),
    ("supervision", 4, (6, 18), "民主监督"),
    ("consultation", 8, (10, 35), "协商"),
    ("standing", 3, (0, 0), "常委会议"),
    ("chair", 3, (8, 14), "主席会议"),
    ("exchange", 5, (10, 40), "跨组交流活动"),
    ("welfare", 9, (5, 30), "社会公益活动"),
    ("poverty", 5, (5, 20), "扶贫帮困活动"),
    ("publicity", 5, (3, 10), "履职宣传"),
    ("other", 7, (3, 15), "其他履职活动"),
]
SUBJECTS = [
    "城中村改造",
    "水污染防治",
    "营商环境",
    "老旧小区改造",
    "基层医疗",
    "义务教育",
    "养老服务",
    "垃圾分类",
    "乡村振兴",
    "交通拥堵治理",
    "食品安全",
    "文旅融合",
    "科技创新",
    "就业创业",
    "河长制落实",
]
FORM_PREFIX = {"special": "专题", "counterpart": "对口"}
REGULATION_SUBJECTS = ["提案工作", "委员履职", "协商工作", "民主监督", "机关管理"]
ATTEND = [("attended", 88), ("excused", 8), ("absent", 4)]


def generate_activities(reg: dict, scale: Scale, *, seed: int, now: dt.datetime, log) -> None:
    from activities.models import Activity, ActivityQuantity, Attendance, QuantityKind, Regulation
    from consultations.models import ConsultationActivity, ConsultationPlan, ConsultationTopic
    from members.models import SpecialCommittee
    from supervision.models import Inspection

    rng = random.Random(seed + 3)
    office = reg["office"]
    committees = list(SpecialCommittee.objects.values_list("pk", flat=True))
    years = reg["years"]
    counts = weighted_counts(scale.activities, [1 + 0.05 * i for i in range(len(years))])
    today = now.date()
    w_act = CopyWriter(
        Activity,
        [
            "created_at",
            "updated_at",
            "kind",
            "title",
            "start_date",
            "end_date",
            "place",
            "organiser_committee_id",
            "organiser_group_id",
            "description",
            "half_days",
            "created_by_id",
        ],
    )
    w_qty = CopyWriter(ActivityQuantity, ["activity_id", "kind_id", "value"])
    quantity_ids = dict(QuantityKind.objects.values_list("code", "id"))
    w_att = CopyWriter(Attendance, ["activity_id", "member_id", "status", "speeches", "note", "recorded_at"])
    w_ins = CopyWriter(
        Inspection,
        [
            "created_at",
            "updated_at",
            "activity_id",
            "kind",
            "topic",
            "organiser",
            "findings",
            "state",
            "held_at",
            "closed_at",
            "created_by_id",
        ],
    )
    w_plan = CopyWriter(
        ConsultationPlan,
        ["created_at", "updated_at", "year", "title", "state", "approved_on", "approval_note", "created_by_id"],
    )
    w_topic = CopyWriter(
        ConsultationTopic,
        [
            "created_at",
            "updated_at",
            "plan_id",
            "title",
            "source",
            "suggested_by",
            "form",
            "lead_committee_id",
            "planned_quarter",
            "state",
            "approved_at",
            "held_at",
            "closed_at",
            "created_by_id",
        ],
    )
    w_cact = CopyWriter(
        ConsultationActivity, ["created_at", "updated_at", "topic_id", "activity_id", "form", "summary"]
    )
    w_reg = CopyWriter(Regulation, ["created_at", "updated_at", "title", "kind", "adopted_on", "adopted_at"])
    existing_plans = set(ConsultationPlan.objects.values_list("year", flat=True))
    forms = ["special", "counterpart", "sector", "proposal_handling", "standing", "chair"]
    for year, count in zip(years, counts, strict=True):
        term = reg["terms"][term_number_for(year)]
        pool = reg["serving"][term.pk]
        by_group: dict = {}
        for m in pool:
            by_group.setdefault(m["group_id"], []).append(m)
        standing = [m for m in pool if m["is_standing"]] or pool[: max(1, len(pool) // 10)]
        if len(standing) < 20:
            standing = pool[: max(20, len(pool) // 10)]
        last_day = min(dt.date(year, 12, 31), today + dt.timedelta(days=45))
        # The consultation plan of the year and its topics (about one topic for three meetings).
        topics = []
        if year not in existing_plans:
            approved = dt.date(year, 2, 20)
            plan_id = w_plan.add(
                {
                    "created_at": at(dt.date(year, 1, 5)),
                    "updated_at": at(approved),
                    "year": year,
                    "title": f"{year}年度协商计划",
                    "state": "approved" if approved <= today else "draft",
                    "approved_on": approved if approved <= today else None,
                    "approval_note": "区委常委会审定" if approved <= today else "",
                    "created_by_id": office,
                }
            )
            n_topics = max(3, round(count * 0.08 / 3))
            for i in range(n_topics):
                form = forms[i % len(forms)]
                topics.append(
                    (
                        w_topic.add(
                            {
                                "created_at": at(dt.date(year, 1, 6)),
                                "updated_at": at(dt.date(year, 3, 1)),
                                "plan_id": plan_id,
                                "title": f"关于{rng.choice(SUBJECTS)}的{FORM_PREFIX.get(form, '')}协商",
                                "source": rng.choice(["leaders", "public", "committee"]),
                                "suggested_by": "区委办公室",
                                "form": form,
                                "lead_committee_id": rng.choice(committees),
                                "planned_quarter": i % 4 + 1,
                                "state": "closed" if year < today.year else "scheduled",
                                "approved_at": at(approved),
                                "created_by_id": office,
                                "held_at": None,
                                "closed_at": at(dt.date(year, 12, 28)) if year < today.year else None,
                            }
                        ),
                        form,
                    )
                )
        session = reg["sessions"].get((term.pk, year - term.start_year + 1))
        kinds = [k for k in ACTIVITY_KINDS]
        weights = [k[1] for k in kinds]
        for i in range(count):
            if i == 0 and session:
                kind, size, label = "plenary", None, "全体会议"
                start = session.start_date
                end = session.end_date
            else:
                kind, _, size, label = rng.choices(kinds, weights=weights)[0]
                start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, (last_day - dt.date(year, 1, 1)).days))
                if start.weekday() >= 5:
                    start -= dt.timedelta(days=start.weekday() - 4)
                end = start if rng.random() < 0.8 else start + dt.timedelta(days=rng.randint(1, 3))
            subject = rng.choice(SUBJECTS)
            group = rng.choice(list(by_group)) if kind == "group" else None
            row = {
                "created_at": at(start - dt.timedelta(days=rng.randint(3, 20))),
                "updated_at": at(end),
                "kind": kind,
                "title": f"{subject}{label}"
                if kind not in ("plenary", "standing", "chair")
                else f"{term.name}{label}（{start:%Y年%m月}）",
                "start_date": start,
                "end_date": end,
                "place": rng.choice(["区政协会议室", "区行政中心", "相关街道", "企业现场", "社区"]),
                "organiser_committee_id": rng.choice(committees) if kind in ("inspection", "research") else None,
                "organiser_group_id": group,
                "description": f"围绕{subject}开展{label}。",
                "half_days": 6 if kind == "plenary" else (1 if kind in ("standing", "chair", "training") else 0),
                "created_by_id": office,
            }
            aid = w_act.add(row)
            quantities = {
                "cash_donated_wan": Decimal(rng.randint(1, 500)) / 10 if kind in ("welfare", "poverty") else None,
                "funds_raised_wan": Decimal(rng.randint(1, 300)) / 10 if kind == "poverty" else None,
                "people_served": rng.randint(20, 800) if kind in ("welfare", "poverty") else None,
                "visits_made": rng.randint(2, 40) if kind == "poverty" else None,
                "articles_published": rng.randint(1, 12) if kind == "publicity" else None,
            }
            for code, value in quantities.items():
                if value is not None:
                    w_qty.add({"activity_id": aid, "kind_id": quantity_ids[code], "value": value})
            future = start > today
            if kind in ("inspection", "research", "supervision"):
                if future:
                    state, held, closed = "planned", None, None
                else:
                    held = at(end, 18)
                    closed = at(end + dt.timedelta(days=rng.randint(20, 90)), 10)
                    state = "closed" if closed <= now and rng.random() < 0.85 else "held"
                    if state == "held":
                        closed = None
                w_ins.add(
                    {
                        "created_at": row["created_at"],
                        "updated_at": row["updated_at"],
                        "activity_id": aid,
                        "kind": kind,
                        "topic": subject,
                        "organiser": "committee" if row["organiser_committee_id"] else "standing",
                        "findings": "" if future else "发现问题若干，已形成建议。",
                        "state": state,
                        "held_at": held,
                        "closed_at": closed,
                        "created_by_id": office,
                    }
                )
            elif kind == "consultation" and topics:
                topic_id, form = rng.choice(topics)
                w_cact.add(
                    {
                        "created_at": row["created_at"],
                        "updated_at": row["updated_at"],
                        "topic_id": topic_id,
                        "activity_id": aid,
                        "form": form,
                        "summary": "" if future else "会议纪要。",
                    }
                )
            # Attendance from the members serving then.
            if kind == "plenary":
                people = pool
            elif kind == "standing":
                people = standing
            elif kind == "group" and group in by_group:
                people = rng.sample(by_group[group], k=min(len(by_group[group]), rng.randint(*size)))
            else:
                people = rng.sample(pool, k=min(len(pool), rng.randint(*size)))
            recorded = at(end, 20)
            for m in people:
                if future:
                    status = "signed_up"
                else:
                    status = rng.choices([s for s, _ in ATTEND], weights=[w for _, w in ATTEND])[0]
                speeches = (
                    1 if status == "attended" and kind in ("consultation", "standing") and rng.random() < 0.2 else 0
                )
                w_att.add(
                    {
                        "activity_id": aid,
                        "member_id": m["id"],
                        "status": status,
                        "speeches": speeches,
                        "note": "",
                        "recorded_at": recorded if not future else row["created_at"],
                    }
                )
        for i in range(6):
            adopted = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(20, 340))
            if adopted <= today:
                w_reg.add(
                    {
                        "created_at": at(adopted),
                        "updated_at": at(adopted),
                        "title": f"区政协{rng.choice(REGULATION_SUBJECTS)}规定（{year}）",
                        "kind": "rule" if i % 3 else "document",
                        "adopted_on": adopted,
                        "adopted_at": "主席会议",
                    }
                )
        for w in (w_plan, w_topic, w_act, w_qty, w_ins, w_cact, w_att, w_reg):
            w.flush()
        log(f"  {year}: {count:,} activities")
    for w in (w_plan, w_topic, w_act, w_qty, w_ins, w_cact, w_att, w_reg):
        w.close()
    log(
        f"activities {w_act.total:,} · attendance {w_att.total:,} · inspections {w_ins.total:,} · "
        f"consultation meetings {w_cact.total:,} · topics {w_topic.total:,}"
    )


def generate(scale: Scale, *, seed: int = 2026, log=print) -> dict:
    now = timezone.now()
    reg = build_registry(scale, seed=seed, log=log)
    log(
        f"registry: {len(reg['members']):,} members over terms {sorted(reg['terms'])} ({reg['years'][0]}–"
        f"{reg['years'][-1]}), {len(reg['units'])} units"
    )
    generate_proposals(reg, scale, seed=seed, now=now, log=log)
    generate_activities(reg, scale, seed=seed, now=now, log=log)
    return {"years": reg["years"]}


def prepare_database(scale: Scale, *, seed: int, reuse: bool, log=print) -> None:
    """Migrate; then check that the database already holds a history (`reuse`) or generate one into it
    (it must be empty) and VACUUM ANALYZE, so that the planner sees the generated tables."""
    import time

    from django.core.management import call_command

    from proposals.models import Proposal

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"==> migrated in {time.perf_counter() - started:.1f} s")
    if reuse:
        if not Proposal.objects.exists():
            raise SystemExit("--reuse: the database holds no proposals")
        return
    if Proposal.objects.exists():
        raise SystemExit("the database already holds proposals: point DATABASE_URL at an empty one, or --reuse")
    log(
        f"==> generating: {scale.proposals:,} proposals, {scale.members:,} members, "
        f"{scale.activities:,} activities over {scale.years} years"
    )
    started = time.perf_counter()
    generate(scale, seed=seed, log=lambda m: log("    " + m))
    log(f"==> generated in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"==> VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")
