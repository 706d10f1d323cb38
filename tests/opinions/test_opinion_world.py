"""The people and reports the social-opinion tests share, built through the services — and tests
that the builder really produces each state (the other modules rely on it)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from cppcc.roles import Role
from opinions import services
from opinions.models import OpinionAdoption, OpinionAuthor, OpinionCategory, OpinionEvent, OpinionReport
from tests.factories import HandlingUnitFactory, MemberFactory, UserFactory

STATES = ("draft", "submitted", "editing", "forwarded", "adopted", "not_adopted", "withdrawn")
ROLES = ("office", "leader", "author", "coauthor", "outsider", "unit_a", "unit_b", "admin", "auditor")


class Cast:
    """Office, a leader, a member who writes (`author`), the member they co-write with, a member who
    has nothing to do with it, the staff of two departments, and the two roles without casework."""

    def __init__(self, prefix="o"):
        roles = {
            "office": Role.OFFICE,
            "leader": Role.LEADER,
            "author": Role.MEMBER,
            "coauthor": Role.MEMBER,
            "outsider": Role.MEMBER,
            "unit_a": Role.UNIT,
            "unit_b": Role.UNIT,
            "admin": Role.ADMIN,
            "auditor": Role.AUDITOR,
        }
        self.users = {key: UserFactory(username=f"{prefix}_{key}", roles=[role]) for key, role in roles.items()}
        self.member = MemberFactory(user=self.users["author"], name="李建国")
        self.comember = MemberFactory(user=self.users["coauthor"], name="王芳")
        self.outsider = MemberFactory(user=self.users["outsider"], name="赵强")
        self.a = HandlingUnitFactory(name="区民政局")
        self.b = HandlingUnitFactory(name="区卫生健康委员会")
        self.a.users.add(self.users["unit_a"])
        self.b.users.add(self.users["unit_b"])
        # get_or_create: transactional tests flush the rows the data migration made
        self.category = OpinionCategory.objects.get_or_create(name="社会", defaults={"order": 40})[0]

    def __getitem__(self, key):
        return self.users[key]

    def client(self, key):
        client = APIClient()
        client.force_authenticate(self.users[key] if isinstance(key, str) else key)
        return client

    def report(self, state="submitted", title="关于老旧小区加装电梯推进难的情况反映", **extra):
        """A report by `author` with `coauthor`, walked through the services to `state`. Forwarded and
        adopted reports have been passed to department a; an adopted one is adopted at district level."""
        office = self.users["office"]
        content = "群众反映加装电梯协调难、审批慢。建议简化审批。"
        report = services.opinion_create(
            actor=self.users["author"],
            data={"title": title, "content": content, "category": self.category, **extra},
            coauthors=[self.comember],
        )
        if state == "draft":
            return report
        report = services.opinion_submit(actor=self.users["author"], report=report)
        if state == "withdrawn":
            return services.opinion_withdraw(actor=self.users["author"], report=report, note="补充调研后再报")
        if state == "submitted":
            return report
        report = services.opinion_start_editing(actor=office, report=report)
        if state == "editing":
            return report
        if state == "not_adopted":
            return services.opinion_reject(actor=office, report=report, note="已有同类信息")
        report = services.opinion_forward(actor=office, report=report, note="报送市政协")
        services.opinion_pass_to_units(actor=office, report=report, units=[self.a])
        if state == "adopted":
            services.opinion_adopt(
                actor=office, report=report, level="district", publication="special", issue="第1期",
                date=timezone.localdate(),
            )  # fmt: skip
        report.refresh_from_db()
        return report


@pytest.fixture
def cast(db):
    return Cast()


@pytest.mark.parametrize("state", STATES)
def test_the_builder_reaches_every_state_with_a_timeline(cast, state):
    report = cast.report(state)
    report.refresh_from_db()
    assert report.state == state
    assert OpinionEvent.objects.filter(report=report, action="create").exists()
    authors = {(a.member.name, a.is_lead) for a in OpinionAuthor.objects.filter(report=report)}
    assert authors == {("李建国", True), ("王芳", False)}
    if state not in ("draft",):
        assert report.submitted_at is not None


def test_the_states_are_the_seven_of_the_issue():
    from opinions.models import OpinionReport as Model

    assert {value for value, _ in Model._meta.get_field("state").choices} == set(STATES)


def test_database_refuses_two_adoptions_at_one_level_and_two_lead_authors(cast):
    report = cast.report("adopted")
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionAdoption.objects.create(
            report=report, level="district", publication="bulletin", date=dt.date(2026, 3, 1),
            recorded_by=cast["office"],
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionAuthor.objects.filter(report=report).update(is_lead=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionReport.objects.filter(pk=report.pk).update(submitted_at=None)
