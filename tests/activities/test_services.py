"""Services behind the activity pages and API: attendance with speeches and notes, removal, members'
sign-up (open, deadline, places, once only), regulations, and the audit trail."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, Attendance, Regulation
from cppcc.errors import ApplicationError, Conflict, PermissionDenied
from cppcc.roles import Role
from members.models import Member
from tests.factories import MemberFactory


@pytest.fixture
def training(office_user):
    return activity_services.activity_save(
        actor=office_user,
        data={"kind": Activity.Kind.TRAINING, "title": "委员履职培训", "start_date": dt.date(2026, 4, 2)},
    )


def _status(activity):
    return dict(Attendance.objects.filter(activity=activity).values_list("member_id", "status"))


def test_speeches_and_notes_are_set_for_the_members_named_and_kept_for_the_others(training, office_user):
    a, b = MemberFactory(), MemberFactory()
    activity_services.attendance_record(
        actor=office_user,
        activity=training,
        entries={a.pk: "attended", b.pk: "attended"},
        speeches={a.pk: 2, b.pk: 1},
        notes={b.pk: "代表委员组发言"},
    )
    # Recording the statuses again without speeches keeps what was recorded.
    activity_services.attendance_record(
        actor=office_user, activity=training, entries={a.pk: "attended", b.pk: "attended"}
    )
    rows = {r.member_id: r for r in Attendance.objects.filter(activity=training)}
    assert (rows[a.pk].speeches, rows[b.pk].speeches) == (2, 1)
    assert rows[b.pk].note == "代表委员组发言"
    activity_services.attendance_record(
        actor=office_user, activity=training, entries={a.pk: "attended"}, speeches={a.pk: 0}
    )
    assert Attendance.objects.get(activity=training, member=a).speeches == 0


@pytest.mark.parametrize(
    "status, speeches, message",
    [("excused", 1, "只有出席的委员"), ("attended", 100, "0 到 99"), ("attended", -1, "0 到 99")],
)
def test_bad_speeches_are_refused_and_nothing_written(training, office_user, status, speeches, message):
    m = MemberFactory()
    with pytest.raises(ApplicationError) as caught:
        activity_services.attendance_record(
            actor=office_user, activity=training, entries={m.pk: status}, speeches={m.pk: speeches}
        )
    assert message in caught.value.message
    assert not Attendance.objects.exists()


def test_speeches_of_a_member_not_in_the_entries_are_refused(training, office_user):
    a, b = MemberFactory(), MemberFactory()
    with pytest.raises(ApplicationError):
        activity_services.attendance_record(
            actor=office_user, activity=training, entries={a.pk: "attended"}, speeches={b.pk: 1}
        )
    assert not Attendance.objects.exists()


def test_attendance_remove_takes_members_off_and_is_audited(training, office_user, member_user):
    a, b = MemberFactory(), MemberFactory()
    activity_services.attendance_record(
        actor=office_user, activity=training, entries={a.pk: "attended", b.pk: "absent"}
    )
    row = Attendance.objects.get(activity=training, member=b)
    assert activity_services.attendance_remove(actor=office_user, activity=training, member_ids=[b.pk, 999999]) == 1
    assert _status(training) == {a.pk: "attended"}
    entry = LogEntry.objects.get(object_pk=str(row.pk), action=LogEntry.Action.DELETE)
    assert entry.actor == office_user
    with pytest.raises(PermissionDenied):
        activity_services.attendance_remove(actor=member_user, activity=training, member_ids=[a.pk])
    assert _status(training) == {a.pk: "attended"}


# --- sign-up ----------------------------------------------------------------------------------------


@pytest.fixture
def upcoming(office_user):
    start = timezone.localdate() + dt.timedelta(days=10)
    return activity_services.activity_save(
        actor=office_user,
        data={
            "kind": Activity.Kind.WELFARE,
            "title": "送温暖慰问",
            "start_date": start,
            "signup_open": True,
            "signup_deadline": start - dt.timedelta(days=3),
            "capacity": 2,
        },
    )


def _member(make_user, username):
    user = make_user(Role.MEMBER, username=username)
    MemberFactory(user=user)
    return user


def test_member_signs_up_once_and_cancels(upcoming, member_user):
    row = activity_services.activity_signup(actor=member_user, activity=upcoming)
    assert (row.member, row.status) == (member_user.member, Attendance.Status.SIGNED_UP)
    with pytest.raises(Conflict):
        activity_services.activity_signup(actor=member_user, activity=upcoming)
    activity_services.activity_signup_cancel(actor=member_user, activity=upcoming)
    assert not Attendance.objects.exists()
    with pytest.raises(Conflict):
        activity_services.activity_signup_cancel(actor=member_user, activity=upcoming)


def test_places_run_out(upcoming, make_user):
    first, second, third = (_member(make_user, f"m_sign{i}") for i in range(3))
    activity_services.activity_signup(actor=first, activity=upcoming)
    activity_services.activity_signup(actor=second, activity=upcoming)
    with pytest.raises(Conflict, match="已满"):
        activity_services.activity_signup(actor=third, activity=upcoming)
    assert Attendance.objects.filter(activity=upcoming).count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"signup_open": False},
        {"signup_deadline": "yesterday"},
        {"start_date": "today"},
    ],
    ids=["not-open", "deadline-passed", "already-started"],
)
def test_sign_up_is_refused_when_not_open(upcoming, member_user, office_user, change):
    today = timezone.localdate()
    days = {"yesterday": today - dt.timedelta(days=1), "today": today}
    data = {key: days.get(value, value) for key, value in change.items()}
    if "start_date" in data:
        data["signup_deadline"] = None
    activity_services.activity_save(actor=office_user, activity=upcoming, data=data)
    with pytest.raises(Conflict):
        activity_services.activity_signup(actor=member_user, activity=upcoming)
    assert not Attendance.objects.exists()


def test_a_member_already_recorded_cannot_cancel_what_the_office_recorded(upcoming, member_user, office_user):
    activity_services.attendance_record(
        actor=office_user, activity=upcoming, entries={member_user.member.pk: Attendance.Status.EXCUSED}
    )
    with pytest.raises(Conflict):
        activity_services.activity_signup(actor=member_user, activity=upcoming)
    with pytest.raises(Conflict):
        activity_services.activity_signup_cancel(actor=member_user, activity=upcoming)
    assert _status(upcoming) == {member_user.member.pk: Attendance.Status.EXCUSED}


def test_only_serving_members_sign_up(upcoming, office_user, make_user):
    with pytest.raises(PermissionDenied):
        activity_services.activity_signup(actor=office_user, activity=upcoming)
    former = _member(make_user, "m_former")
    Member.objects.filter(user=former).update(status=Member.Status.RESIGNED)
    with pytest.raises(PermissionDenied):
        activity_services.activity_signup(actor=former, activity=upcoming)
    assert not Attendance.objects.exists()


# --- regulations ------------------------------------------------------------------------------------


def test_regulation_save_is_office_work_and_validated(office_user, leader_user):
    regulation = activity_services.regulation_save(
        actor=office_user,
        data={"title": "《集体学习制度》", "kind": Regulation.Kind.RULE, "adopted_on": dt.date(2026, 3, 1)},
    )
    assert LogEntry.objects.get_for_object(regulation).get().actor == office_user
    with pytest.raises(ApplicationError):
        activity_services.regulation_save(actor=office_user, data={"title": "", "adopted_on": dt.date(2026, 3, 1)})
    with pytest.raises(PermissionDenied):
        activity_services.regulation_save(actor=leader_user, data={"title": "x", "adopted_on": dt.date(2026, 3, 1)})
    assert Regulation.objects.count() == 1


def _activity_todos(user) -> list[tuple[str, str]]:
    from cppcc.lifecycle import todo_items

    return [(item.label, item.title) for item in todo_items(user) if item.lifecycle == "activity"]


def test_a_member_finds_open_activities_and_their_sign_ups_on_the_to_do_list(
    upcoming, member_user, make_user, office_user
):
    """报名参加活动 while it is open and unanswered; 参加活动 once signed up; nothing once full or for others."""
    closes = upcoming.signup_deadline
    assert _activity_todos(member_user) == [("报名参加活动", "送温暖慰问")]
    from cppcc.lifecycle import todo_items

    (item,) = [i for i in todo_items(member_user) if i.lifecycle == "activity"]
    assert (item.due, item.url) == (closes, f"/activities/open/#activity-{upcoming.pk}")

    activity_services.activity_signup(actor=member_user, activity=upcoming)
    assert _activity_todos(member_user) == [("参加活动", "送温暖慰问")]
    activity_services.activity_signup(actor=_member(make_user, "m_second"), activity=upcoming)
    assert _activity_todos(_member(make_user, "m_third")) == []  # the places are taken
    activity_services.activity_signup_cancel(actor=member_user, activity=upcoming)
    assert _activity_todos(member_user) == [("报名参加活动", "送温暖慰问")]  # a place is free again
    assert _activity_todos(office_user) == []


def test_an_account_without_a_member_record_is_not_offered_activities(upcoming, make_user):
    unlinked = make_user(Role.MEMBER, username="m_unlinked")
    assert _activity_todos(unlinked) == []
