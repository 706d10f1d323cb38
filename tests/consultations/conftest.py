import datetime as dt

import pytest
from rest_framework.test import APIClient

from activities.models import Attendance
from consultations import services
from consultations.models import ConsultationPlan
from cppcc.roles import Role
from tests.factories import HandlingUnitFactory, MemberFactory, SpecialCommitteeFactory

MEETING_DAY = dt.date(2026, 6, 18)


@pytest.fixture
def people(make_user):
    member = make_user(Role.MEMBER, username="m_member")
    MemberFactory(user=member, name="李建国")
    other = make_user(Role.MEMBER, username="m_other")
    MemberFactory(user=other, name="赵强")
    unit_a, unit_b = make_user(Role.UNIT, username="unit_a"), make_user(Role.UNIT, username="unit_b")
    a, b = HandlingUnitFactory(name="区商务局"), HandlingUnitFactory(name="区住房和城乡建设局")
    a.users.add(unit_a)
    b.users.add(unit_b)
    return {
        "office": make_user(Role.OFFICE, username="office"),
        "leader": make_user(Role.LEADER, username="leader"),
        "member": member,
        "other": other,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "admin": make_user(Role.ADMIN, username="sysadmin"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
        "units": {"a": a, "b": b},
        "committee": SpecialCommitteeFactory(name="经济委员会"),
    }


@pytest.fixture
def api_as(people):
    def make(who):
        client = APIClient()
        client.force_authenticate(people[who] if isinstance(who, str) else who)
        return client

    return make


@pytest.fixture
def plan(people) -> ConsultationPlan:
    return services.plan_create(actor=people["office"], year=2026)


@pytest.fixture
def topic_in(people, plan):
    """A topic entered by the office (or proposed by `by`, e.g. the member), walked by the office along
    the path to `state`; the outcome (when there is one) walked to `outcome` (submitted, instructed,
    assigned, handling, fed_back)."""

    def make(state="collected", title="加快自贸区建设", outcome="fed_back", units=("a",), attendees=(), by="office"):
        office = people["office"]
        topic = services.topic_create(
            actor=people[by], data={"plan": plan, "title": title, "source": "leaders", "suggested_by": "区委办公室"}
        )
        path = ["shortlisted", "approved", "scheduled", "held", "outcome_submitted", "closed"]
        if state == "dropped":
            return services.topic_drop(actor=office, topic=topic, reason="与其他议题合并。")
        if state == "collected":
            return topic
        for step in path[: path.index(state) + 1]:
            if step == "shortlisted":
                topic = services.topic_shortlist(actor=office, topic=topic)
            elif step == "approved":
                topic = services.topic_approve(
                    actor=office, topic=topic, form="special", lead_committee=people["committee"], planned_quarter=2
                )
            elif step == "scheduled":
                topic = services.topic_schedule(
                    actor=office, topic=topic, start_date=MEETING_DAY, place="区政协三楼会议室",
                    units=[people["units"][u] for u in units],
                )  # fmt: skip
                entries = {people["member"].member.pk: Attendance.Status.ATTENDED}
                entries.update({m.pk: Attendance.Status.ATTENDED for m in attendees})
                services.activity_attendance(actor=office, consultation=topic.activities.get(), entries=entries)
            elif step == "held":
                topic = services.topic_hold(actor=office, topic=topic)
            elif step == "outcome_submitted":
                topic = services.topic_submit_outcome(
                    actor=office, topic=topic, report="一、加强组织领导；二、加大投入。"
                )
                walk_outcome(people, topic.outcome, "fed_back" if state == "closed" else outcome, units)
            elif step == "closed":
                topic = services.topic_close(actor=office, topic=topic)
        topic.refresh_from_db()
        return topic

    return make


def walk_outcome(people, outcome, to, units=("a",)):
    steps = ["submitted", "instructed", "assigned", "handling", "fed_back"]
    for step in steps[1 : steps.index(to) + 1]:
        if step == "instructed":
            services.outcome_instruct(actor=people["leader"], outcome=outcome, instruction="请相关部门认真研究落实。")
        elif step == "assigned":
            services.outcome_assign(actor=people["office"], outcome=outcome, units=[people["units"][u] for u in units])
        elif step == "handling":
            for u in units:
                services.outcome_accept(actor=people[f"unit_{u}"], outcome=outcome)
        elif step == "fed_back":
            for u in units:
                services.outcome_feedback(
                    actor=people[f"unit_{u}"], outcome=outcome, adoption="adopted", content="已纳入年度重点工作。"
                )
    outcome.refresh_from_db()
    assert outcome.state == to
    return outcome
