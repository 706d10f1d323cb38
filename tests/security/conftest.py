"""One world for the access-control matrices: every role, and one object of every kind that belongs to
member A and/or handling unit A, built once per module through the services (inside a transaction
that is rolled back when the module ends, so nothing leaks into the rest of the suite)."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from cppcc.roles import Role
from tests.factories import HandlingUnitFactory, MemberFactory, TermFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Text that only member A's and unit A's records carry: a list shown to someone else must not contain it.
MARK_PROPOSAL = "甲委员关于河道整治的提案"
MARK_DRAFT = "甲委员尚未提交的提案草稿"
MARK_OPINION = "甲委员反映的小区停车难情况"
MARK_OPINION_DRAFT = "甲委员未提交的社情民意草稿"
MARK_RECOMMENDATION = "甲单位负责落实的视察建议"


def security_role():
    """The security administrator's role, once the accounts work has added it (None before)."""
    return getattr(Role, "SECURITY", None)


# Column order of every expectation: the roles a request can come from.
ROLES = ("anon", "member", "other_member", "office", "unit_a", "unit_b", "leader", "admin", "auditor", "security")


def active_roles() -> tuple[str, ...]:
    return tuple(r for r in ROLES if r != "security" or security_role() is not None)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def _pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world() -> World:
    from accounts.tokens import token_issue
    from activities import services as activity_services
    from activities.catalogue import ensure_default_catalogue
    from activities.models import Attendance
    from assessment import services as assessment_services
    from assessment.models import AssessmentCategory
    from consultations import services as cs
    from consultations.models import ConsultationPlan
    from notifications.models import Notification
    from opinions import services as os_
    from opinions.models import OpinionCategory
    from proposals import services as ps
    from proposals.models import ProposalCategory
    from supervision import services as ss
    from tests.factories import SessionFactory, SpecialCommitteeFactory

    w = World()
    term = TermFactory()
    session = SessionFactory(term=term)
    u = w.users
    u["member"] = UserFactory(username="sec_member_a", roles=[Role.MEMBER])
    u["other_member"] = UserFactory(username="sec_member_b", roles=[Role.MEMBER])
    u["office"] = UserFactory(username="sec_office", roles=[Role.OFFICE])
    u["unit_a"] = UserFactory(username="sec_unit_a", roles=[Role.UNIT])
    u["unit_b"] = UserFactory(username="sec_unit_b", roles=[Role.UNIT])
    u["leader"] = UserFactory(username="sec_leader", roles=[Role.LEADER])
    # As the demo sets them up: the system administrator is Django staff with the auth permissions only.
    u["admin"] = UserFactory(username="sec_admin", roles=[Role.ADMIN], is_staff=True)
    u["admin"].user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    u["auditor"] = UserFactory(username="sec_auditor", roles=[Role.AUDITOR])
    if security_role() is not None:
        u["security"] = UserFactory(username="sec_security", roles=[security_role()])
    member_a = MemberFactory(user=u["member"], name="甲委员")
    member_b = MemberFactory(user=u["other_member"], name="乙委员")
    unit_a = HandlingUnitFactory(name="甲承办单位")
    unit_b = HandlingUnitFactory(name="乙承办单位")
    unit_a.users.add(u["unit_a"])
    unit_b.users.add(u["unit_b"])
    office = u["office"]
    o = w.objects
    o.update(term=term, session=session, member_a=member_a, member_b=member_b, unit_a=unit_a, unit_b=unit_b)
    o["sector"], o["party"] = member_a.sector, member_a.party
    o["committee"] = SpecialCommitteeFactory(name="提案委员会")
    from tests.factories import MemberGroupFactory

    o["group"] = MemberGroupFactory(name="第一委员组")

    # Proposals: one of member A's, assigned to unit A and being handled; one of A's drafts.
    category = ProposalCategory.objects.get_or_create(name="城乡建设", defaults={"order": 20})[0]
    proposal = ps.proposal_create(
        actor=u["member"],
        data={"title": MARK_PROPOSAL, "category": category, "background": "河道淤塞。", "suggestions": "清淤。"},
        files=[_pdf()],
    )
    proposal = ps.proposal_submit(actor=u["member"], proposal=proposal)
    proposal = ps.proposal_file(actor=office, proposal=proposal)
    proposal = ps.proposal_assign(actor=office, proposal=proposal, lead_unit=unit_a)
    proposal = ps.proposal_accept(actor=u["unit_a"], proposal=proposal, unit_id=unit_a.pk)
    o["proposal"] = proposal
    o["proposal_attachment"] = proposal.attachments.get()
    o["draft"] = ps.proposal_create(
        actor=u["member"],
        data={"title": MARK_DRAFT, "category": category, "background": "草稿。", "suggestions": "草稿。"},
    )

    # Social-opinion reports: one of A's forwarded and passed to unit A; one of A's drafts.
    ocat = OpinionCategory.objects.get_or_create(name="社会", defaults={"order": 40})[0]
    opinion = os_.opinion_create(
        actor=u["member"], data={"title": MARK_OPINION, "content": "车位不足。", "category": ocat}, files=[_pdf()]
    )
    opinion = os_.opinion_submit(actor=u["member"], report=opinion)
    opinion = os_.opinion_start_editing(actor=office, report=opinion)
    opinion = os_.opinion_forward(actor=office, report=opinion, note="报送")
    os_.opinion_pass_to_units(actor=office, report=opinion, units=[unit_a])
    opinion.refresh_from_db()
    o["opinion"] = opinion
    o["opinion_attachment"] = opinion.attachments.get()
    o["opinion_draft"] = os_.opinion_create(
        actor=u["member"], data={"title": MARK_OPINION_DRAFT, "content": "草稿。", "category": ocat}
    )

    # An inspection member A took part in, held, with a recommendation sent to unit A.
    inspection = ss.inspection_create(
        actor=office,
        data={
            "kind": "inspection",
            "title": "河道整治专题视察",
            "topic": "河道整治",
            "start_date": dt.date(2026, 6, 12),
            "place": "小清河",
            "organiser": "committee",
            "organiser_committee": o["committee"],
            "units_briefed": [unit_a],
        },
    )
    ss.inspection_attendance(actor=office, inspection=inspection, entries={member_a.pk: Attendance.Status.ATTENDED})
    inspection = ss.inspection_hold(actor=office, inspection=inspection, findings="部分河段淤塞。")
    recommendation = ss.recommendation_add(actor=office, inspection=inspection, text=MARK_RECOMMENDATION)
    recommendation = ss.recommendation_send(actor=office, recommendation=recommendation, unit=unit_a)
    o["inspection"], o["recommendation"] = inspection, recommendation

    # A consultation topic carried to an outcome assigned to unit A (with a file).
    plan = cs.plan_create(actor=office, year=timezone.localdate().year)
    topic = cs.topic_create(
        actor=office, data={"plan": plan, "title": "优化营商环境", "source": "leaders", "suggested_by": "区委办"}
    )
    topic = cs.topic_shortlist(actor=office, topic=topic)
    topic = cs.topic_approve(
        actor=office, topic=topic, form="special", lead_committee=o["committee"], planned_quarter=2
    )
    topic = cs.topic_schedule(
        actor=office, topic=topic, start_date=timezone.localdate() + dt.timedelta(days=1), place="三楼会议室",
        units=[unit_a],
    )  # fmt: skip
    consultation = topic.activities.get()
    cs.activity_attendance(actor=office, consultation=consultation, entries={member_a.pk: Attendance.Status.ATTENDED})
    topic = cs.topic_hold(actor=office, topic=topic)
    topic = cs.topic_submit_outcome(actor=office, topic=topic, report="一、简化审批。", files=[_pdf()])
    outcome = topic.outcome
    cs.outcome_instruct(actor=u["leader"], outcome=outcome, instruction="请认真落实。")
    cs.outcome_assign(actor=office, outcome=outcome, units=[unit_a])
    outcome.refresh_from_db()
    o.update(plan=ConsultationPlan.objects.get(pk=plan.pk), topic=topic, consultation=consultation, outcome=outcome)
    o["outcome_file"] = outcome.files.get()
    o["speech"] = cs.speech_add(actor=office, consultation=consultation, title="发言一", member=member_a)

    # A training open for sign-up, member A recorded as attending; A's assessment with a manual item.
    activity = activity_services.activity_save(
        actor=office,
        data={
            "kind": "training",
            "title": "委员培训班",
            "start_date": timezone.localdate() + dt.timedelta(days=10),
            "signup_open": True,
        },
    )
    activity_services.attendance_record(actor=office, activity=activity, entries={member_a.pk: "attended"})
    o["activity"] = activity
    o["quantity_kind"] = ensure_default_catalogue()["people_served"]
    o["key_project"] = activity_services.key_project_save(
        actor=office, data={"year": activity.start_date.year, "name": "城中村改造项目", "members": [member_a]}
    )
    o["attendance"] = Attendance.objects.get(activity=activity, member=member_a)
    year = timezone.localdate().year
    scheme = assessment_services.assessment_scheme_create_default(actor=office, year=year)
    o["scheme"], o["year"] = scheme, year
    o["manual_item"] = assessment_services.assessment_manual_item_add(
        actor=office,
        member=member_a,
        category=AssessmentCategory.objects.filter(scheme=scheme).first(),
        points=2,
        reason="表彰",
    )
    o["notification"] = Notification.objects.create(recipient=u["member"], title="甲委员的通知", body="请查看。")
    o["api_token"] = token_issue(user=u["member"])[0]
    return w


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("security-media")
    with override_settings(MEDIA_ROOT=path):
        yield path


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_dir):
    """Built once per module inside an outer transaction; each test's own transaction nests in it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    """One browser client (signed in with a session) and one API client (with the user's token, the way
    an API caller really authenticates) per role, made once per module."""
    from accounts.tokens import token_issue

    pages, apis = {}, {}
    with django_db_blocker.unblock():
        for role in active_roles():
            pages[role], apis[role] = Client(), APIClient()
            if role != "anon":
                pages[role].force_login(world.users[role])
                apis[role].credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=world.users[role])[1]}")
    return {"page": pages, "api": apis}


@pytest.fixture
def page_client(clients, db):
    return lambda role: clients["page"][role]


@pytest.fixture
def api_client_for(clients, db):
    return lambda role: clients["api"][role]
