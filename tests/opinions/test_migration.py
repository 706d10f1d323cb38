"""Moving the opinion models from supervision to their own app loses nothing.

The database is taken back to the schema before the move (supervision 0004, no opinions app),
rows are written there through the historical models — a report with its authors, category,
attachment, adoption, instruction, referral and events, and a change-log entry on its content type —
then migrated forward; the new models must read every row and foreign key, and the content type of
`opinions.OpinionReport` must be the old row (same id), so log entries and permissions still point at it.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import HandlingUnitFactory, MemberFactory, UserFactory

BEFORE = [("supervision", "0004_text_max_length"), ("opinions", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    return executor.migrate(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def people():
    """Users, members and a department: tables the move does not touch, written with today's models."""
    return {
        "office": UserFactory(username="mig_office"),
        "staff": UserFactory(username="mig_unit"),
        "author": MemberFactory(user=UserFactory(username="mig_author"), name="李建国"),
        "coauthor": MemberFactory(name="王芳"),
        "unit": HandlingUnitFactory(name="区民政局"),
    }


@pytest.fixture
def old_apps(people):
    """The historical apps at the schema before the move; the database is migrated back to the latest
    afterwards whatever the test did, so the tests after this one see the normal schema."""
    apps = _migrate(BEFORE)
    yield apps
    _migrate(_latest())


def _write_old_world(apps, people):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    S = {name: apps.get_model("supervision", name) for name in (
        "OpinionCategory", "OpinionReport", "OpinionAuthor", "OpinionAttachment", "OpinionAdoption",
        "OpinionInstruction", "OpinionReferral", "OpinionEvent",
    )}  # fmt: skip
    office, staff, author, coauthor, unit = (
        people[key].pk for key in ("office", "staff", "author", "coauthor", "unit")
    )
    category = S["OpinionCategory"].objects.create(name="迁移测试类别", order=5)
    now = timezone.now()
    report = S["OpinionReport"].objects.create(
        title="关于老旧小区加装电梯的建议",
        content="群众反映……",
        category=category,
        state="adopted",
        created_by_id=office,
        submitted_at=now,
        original_title="加装电梯",
        original_content="原文",
        editor_id=office,
        editing_started_at=now,
        forwarded_at=now,
        forward_note="编报",
        decided_at=now,
    )
    S["OpinionAuthor"].objects.create(report=report, member_id=author, is_lead=True)
    S["OpinionAuthor"].objects.create(report=report, member_id=coauthor, is_lead=False)
    S["OpinionAttachment"].objects.create(
        report=report, file="opinions/ab/x.pdf", original_name="材料.pdf", content_type="application/pdf",
        size=42, uploaded_by_id=office,
    )  # fmt: skip
    S["OpinionAdoption"].objects.create(
        report=report,
        level="city",
        publication="special",
        issue="第3期",
        date=dt.date(2026, 5, 1),
        recorded_by_id=office,
    )
    S["OpinionInstruction"].objects.create(
        report=report, leader_name="张三", post="副市长", level="city", date=dt.date(2026, 5, 3), text="请研究",
        recorded_by_id=office,
    )  # fmt: skip
    S["OpinionReferral"].objects.create(
        report=report, unit_id=unit, note="请办理", passed_at=now, passed_by_id=office, feedback="已办理",
        feedback_at=now, feedback_by_id=staff,
    )  # fmt: skip
    for action, source, target in (("submit", "draft", "submitted"), ("adopt", "forwarded", "adopted")):
        S["OpinionEvent"].objects.create(
            report=report, actor_id=office, action=action, from_state=source, to_state=target, data={"k": action}
        )

    content_type, _ = ContentType.objects.get_or_create(app_label="supervision", model="opinionreport")
    entry = LogEntry.objects.create(
        content_type=content_type,
        object_pk=str(report.pk),
        object_id=report.pk,
        object_repr=report.title,
        action=1,
        changes={"title": ["加装电梯", report.title]},
        timestamp=now,
    )
    return {
        "report": report.pk,
        "category": category.pk,
        **{key: person.pk for key, person in people.items()},
        "content_type": content_type.pk,
        "entry": entry.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_foreign_key_and_content_type(people, old_apps):
    assert not old_apps.is_installed("opinions")
    ids = _write_old_world(old_apps, people)

    _migrate(_latest())

    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from opinions.models import OpinionCategory, OpinionReport

    report = OpinionReport.objects.get(pk=ids["report"])
    assert (report.title, report.state, report.original_title, report.forward_note) == (
        "关于老旧小区加装电梯的建议", "adopted", "加装电梯", "编报",
    )  # fmt: skip
    assert report.category == OpinionCategory.objects.get(pk=ids["category"])
    assert (report.created_by_id, report.editor_id) == (ids["office"], ids["office"])
    assert [(a.member_id, a.is_lead) for a in report.authors.all()] == [(ids["author"], True), (ids["coauthor"], False)]
    [attachment] = report.attachments.all()
    assert (attachment.file.name, attachment.original_name, attachment.size) == ("opinions/ab/x.pdf", "材料.pdf", 42)
    [adoption] = report.adoptions.all()
    assert (adoption.level, adoption.issue, adoption.body) == ("city", "第3期", "市政协")
    [instruction] = report.instructions.all()
    assert (instruction.leader_name, instruction.text, instruction.recorded_by_id) == ("张三", "请研究", ids["office"])
    [referral] = report.referrals.all()
    assert (referral.unit_id, referral.feedback, referral.feedback_by_id) == (ids["unit"], "已办理", ids["staff"])
    assert [(e.action, e.from_state, e.to_state, e.data, e.actor_id) for e in report.events.all()] == [
        ("submit", "draft", "submitted", {"k": "submit"}, ids["office"]),
        ("adopt", "forwarded", "adopted", {"k": "adopt"}, ids["office"]),
    ]
    assert report.authors.get(is_lead=True).member.name == "李建国"

    content_type = ContentType.objects.get_for_model(OpinionReport)
    assert content_type.pk == ids["content_type"]
    assert not ContentType.objects.filter(app_label="supervision", model__startswith="opinion").exists()
    [entry] = LogEntry.objects.get_for_object(report)
    assert entry.pk == ids["entry"]
    assert entry.changes_dict["title"] == ["加装电梯", report.title]


def test_a_security_event_from_before_the_move_keeps_its_label():
    from securitylog.selectors import object_type_label

    assert (
        object_type_label("supervision.opinionreport") == object_type_label("opinions.opinionreport") == "社情民意信息"
    )
