"""Moving activities and the assessment out of `members` loses nothing: rows written under the old
schema (members.Activity …) are read back through the new models (activities.Activity …), with every
foreign key, and the content types — hence permissions and audit-log entries — are the same rows."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from activities.models import Activity, Attendance, QuantityKind, Regulation
from assessment.models import (
    AssessmentAward,
    AssessmentCategory,
    AssessmentManualItem,
    AssessmentRule,
    AssessmentScheme,
)
from supervision.models import Inspection

# The migrations that move the models; the test starts from the migration before each of them.
MOVE = [
    ("activities", "0001_initial"),
    ("assessment", "0001_initial"),
    ("consultations", "0003_activity_moved"),
    ("supervision", "0005_activity_moved"),
    ("members", "0009_activities_and_assessment_moved"),
]
MOVED = {
    "activities": ["activity", "attendance", "regulation"],
    "assessment": [
        "assessmentscheme",
        "assessmentcategory",
        "assessmentrule",
        "assessmentmanualitem",
        "assessmentaward",
    ],
}


def _before(graph):
    """The last migration of each app before the move (None: the new app had none)."""
    targets = []
    for app, name in MOVE:
        parents = [p for p in graph.node_map[(app, name)].parents if p.key[0] == app]
        targets.append(parents[0].key if parents else (app, None))
    return targets


def _write_old_rows(apps):
    """One of everything, written through the models as they were in `members`."""
    User = apps.get_model("auth", "User")
    office = User.objects.create(username="migration-office")
    sector = apps.get_model("members", "Sector").objects.create(name="迁移界别")
    party = apps.get_model("members", "Party").objects.create(name="迁移党派")
    group = apps.get_model("members", "MemberGroup").objects.create(name="迁移委员组")
    member = apps.get_model("members", "Member").objects.create(
        name="迁移委员", gender="F", sector=sector, party=party, group=group
    )
    activity = apps.get_model("members", "Activity").objects.create(
        kind="inspection", title="迁移前的视察", start_date=dt.date(2026, 5, 6), half_days=2, created_by=office,
        people_served=700, donations_wan=Decimal("1.50"),  # columns that became the quantity catalogue's rows
    )  # fmt: skip
    attendance = apps.get_model("members", "Attendance").objects.create(
        activity=activity, member=member, status="attended", speeches=3, note="发言"
    )
    regulation = apps.get_model("members", "Regulation").objects.create(
        title="委员履职办法", kind="rule", adopted_on=dt.date(2026, 1, 8)
    )
    scheme = apps.get_model("members", "AssessmentScheme").objects.create(year=2026, name="2026年度考核")
    category = apps.get_model("members", "AssessmentCategory").objects.create(
        scheme=scheme, name="参加会议", order=1, cap=Decimal("10.0")
    )
    rule = apps.get_model("members", "AssessmentRule").objects.create(
        category=category, source="attended", params={"kinds": ["inspection"]}, points=Decimal("2.5"), label="视察"
    )
    item = apps.get_model("members", "AssessmentManualItem").objects.create(
        member=member, category=category, points=Decimal("-1.0"), reason="迁移前扣分", created_by=office
    )
    award = apps.get_model("members", "AssessmentAward").objects.create(
        year=2026, kind="outstanding_member", member=member, created_by=office
    )
    inspection = apps.get_model("supervision", "Inspection").objects.create(
        activity=activity, kind="inspection", topic="河道治理", created_by=office
    )
    old_types = apps.get_model("contenttypes", "ContentType").objects.filter(app_label="members")
    # The audit log's own table does not change: its model of today writes the entry as it was.
    LogEntry.objects.create(
        content_type_id=old_types.get(model="activity").pk,
        object_pk=str(activity.pk),
        object_id=activity.pk,
        object_repr=activity.title,
        action=LogEntry.Action.CREATE,
        changes={"title": [None, activity.title]},
        actor_id=office.pk,
    )
    return {
        "office": office,
        "member": member,
        "group": group,
        "activity": activity,
        "attendance": attendance,
        "regulation": regulation,
        "scheme": scheme,
        "category": category,
        "rule": rule,
        "item": item,
        "award": award,
        "inspection": inspection,
        "content_types": {ct.model: ct.pk for ct in old_types},
    }


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_through_the_new_apps():
    executor = MigrationExecutor(connection)
    before = _before(executor.loader.graph)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old_apps = executor.loader.project_state([t for t in before if t[1]]).apps
        applied = MigrationRecorder(connection).applied_migrations()
        assert not [key for key in MOVE if key in applied], "the move is undone"
        old = _write_old_rows(old_apps)
        for models in MOVED.values():
            assert set(models) <= set(old["content_types"]), "the old content types exist before the move"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    ContentType.objects.clear_cache()

    activity = Activity.objects.get(pk=old["activity"].pk)
    assert (activity.title, activity.kind, activity.half_days, activity.created_by_id) == (
        "迁移前的视察",
        "inspection",
        2,
        old["office"].pk,
    )
    attendance = Attendance.objects.get(pk=old["attendance"].pk)
    assert (attendance.activity, attendance.member_id, attendance.status, attendance.speeches) == (
        activity,
        old["member"].pk,
        "attended",
        3,
    )
    assert list(activity.attendances.all()) == [attendance]
    # The work-report columns became rows of the catalogue (migration activities 0004), values kept.
    quantities = {q.kind.code: q.value for q in activity.quantities.select_related("kind")}
    assert quantities == {"people_served": Decimal("700.00"), "donations_wan": Decimal("1.50")}
    assert not QuantityKind.objects.get(code="donations_wan").is_active  # kept, not offered for new entries
    assert Regulation.objects.get(pk=old["regulation"].pk).title == "委员履职办法"
    inspection = Inspection.objects.get(pk=old["inspection"].pk)
    assert inspection.activity == activity and activity.inspection == inspection

    scheme = AssessmentScheme.objects.get(pk=old["scheme"].pk)
    category = AssessmentCategory.objects.get(pk=old["category"].pk)
    assert (category.scheme, category.cap) == (scheme, Decimal("10.0"))
    rule = AssessmentRule.objects.get(pk=old["rule"].pk)
    assert (rule.category, rule.params, rule.points) == (category, {"kinds": ["inspection"]}, Decimal("2.5"))
    item = AssessmentManualItem.objects.get(pk=old["item"].pk)
    assert (item.member_id, item.category, item.points, item.created_by_id) == (
        old["member"].pk,
        category,
        Decimal("-1.0"),
        old["office"].pk,
    )
    award = AssessmentAward.objects.get(pk=old["award"].pk)
    assert (award.member_id, award.kind, award.group_id) == (old["member"].pk, "outstanding_member", None)
    assert list(scheme.categories.get().rules.all()) == [rule]

    # Same content-type rows, now labelled with the new apps; none left behind under members.
    for app, models in MOVED.items():
        for model in models:
            moved = ContentType.objects.get(app_label=app, model=model)
            assert moved.pk == old["content_types"][model], (app, model)
    assert ContentType.objects.get_for_model(Activity).pk == old["content_types"]["activity"]
    # … so the history written before the move is the activity's history now.
    assert LogEntry.objects.get_for_object(activity).get().actor_id == old["office"].pk
    assert not ContentType.objects.filter(app_label="members", model__in=sum(MOVED.values(), [])).exists()
