import datetime as dt

import pytest
from rest_framework.test import APIClient

from activities.models import Attendance
from cppcc.roles import Role
from supervision import services
from supervision.models import Recommendation
from tests.factories import HandlingUnitFactory, MemberFactory, SpecialCommitteeFactory


@pytest.fixture
def people(make_user):
    """Everyone an inspection meets: office, leader, a member who took part and one who did not,
    the staff of two departments, and the two roles with no casework rights."""
    member = make_user(Role.MEMBER, username="m_took_part")
    MemberFactory(user=member, name="李建国")
    outsider = make_user(Role.MEMBER, username="m_outsider")
    MemberFactory(user=outsider, name="赵强")
    unit_a, unit_b = make_user(Role.UNIT, username="unit_a"), make_user(Role.UNIT, username="unit_b")
    a, b = HandlingUnitFactory(name="区生态环境分局"), HandlingUnitFactory(name="区水务局")
    a.users.add(unit_a)
    b.users.add(unit_b)
    return {
        "office": make_user(Role.OFFICE, username="office"),
        "leader": make_user(Role.LEADER, username="leader"),
        "member": member,
        "outsider": outsider,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "admin": make_user(Role.ADMIN, username="sysadmin"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
        "units": {"a": a, "b": b},
    }


@pytest.fixture
def api_as(people):
    def make(who):
        client = APIClient()
        client.force_authenticate(people[who] if isinstance(who, str) else who)
        return client

    return make


@pytest.fixture
def make_inspection(people):
    """An inspection built through the services, walked to `state` ("planned", "held", "closed")."""

    def make(state="held", title="水污染防治工作专题视察", kind="inspection", attendees=(), start=dt.date(2026, 6, 12)):
        office = people["office"]
        inspection = services.inspection_create(
            actor=office,
            data={
                "kind": kind,
                "title": title,
                "topic": "水污染防治",
                "start_date": start,
                "place": "小清河沿岸",
                "organiser": "committee",
                "organiser_committee": SpecialCommitteeFactory(name="人口资源环境委员会"),
                "units_briefed": [people["units"]["a"]],
            },
        )
        entries = {people["member"].member.pk: Attendance.Status.ATTENDED}
        entries.update({m.pk: Attendance.Status.ATTENDED for m in attendees})
        services.inspection_attendance(actor=office, inspection=inspection, entries=entries)
        if state == "planned":
            return inspection
        inspection = services.inspection_hold(actor=office, inspection=inspection, findings="部分河段雨污混流。")
        if state == "closed":
            inspection = services.inspection_close(actor=office, inspection=inspection)
        return inspection

    return make


@pytest.fixture
def recommendation_in(people):
    """A recommendation of a held inspection, walked to `state` ("draft", "sent", "responded")."""

    def make(inspection, state="sent", unit="a", text="加快水污染防治基础设施建设。", due=None):
        office = people["office"]
        r = services.recommendation_add(actor=office, inspection=inspection, text=text)
        if state == "draft":
            return r
        r = services.recommendation_send(actor=office, recommendation=r, unit=people["units"][unit])
        if due is not None:  # a fixed deadline, whatever day the suite runs on
            Recommendation.objects.filter(pk=r.pk).update(due_date=due)
            r.refresh_from_db()
        if state == "responded":
            r = services.recommendation_respond(
                actor=people[f"unit_{unit}"], recommendation=r, adoption="adopted", text="已列入年度计划。"
            )
        return r

    return make
