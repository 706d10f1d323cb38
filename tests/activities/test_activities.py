import datetime as dt

import pytest

from activities import selectors as activity_selectors
from activities import services as activity_services
from activities.models import Activity, Attendance
from cppcc.errors import ApplicationError, PermissionDenied
from tests.factories import MemberFactory


@pytest.fixture
def activity(office_user):
    return activity_services.activity_save(
        actor=office_user,
        data={"kind": Activity.Kind.INSPECTION, "title": "水污染防治视察", "start_date": dt.date(2026, 5, 12)},
    )


def test_participation_counts_distinct_members_and_person_times(activity, office_user):
    a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
    second = activity_services.activity_save(
        actor=office_user,
        data={"kind": Activity.Kind.RESEARCH, "title": "四园区调研", "start_date": dt.date(2026, 6, 1)},
    )
    activity_services.attendance_record(
        actor=office_user, activity=activity, entries={a.pk: "attended", b.pk: "attended"}
    )
    activity_services.attendance_record(
        actor=office_user, activity=second, entries={a.pk: "attended", b.pk: "excused", c.pk: "absent"}
    )
    counts = activity_selectors.participation(activities=Activity.objects.all())
    assert counts == {"members": 2, "person_times": 3}


def test_recording_again_updates_instead_of_duplicating(activity, office_user):
    m = MemberFactory()
    activity_services.attendance_record(actor=office_user, activity=activity, entries={m.pk: "signed_up"})
    activity_services.attendance_record(actor=office_user, activity=activity, entries={m.pk: "attended"})
    assert list(Attendance.objects.values_list("status", flat=True)) == ["attended"]


def test_bad_status_or_member_is_refused_and_nothing_written(activity, office_user):
    m = MemberFactory()
    with pytest.raises(ApplicationError):
        activity_services.attendance_record(
            actor=office_user, activity=activity, entries={m.pk: "attended", 999999: "attended"}
        )
    with pytest.raises(ApplicationError):
        activity_services.attendance_record(actor=office_user, activity=activity, entries={m.pk: "maybe"})
    assert not Attendance.objects.exists()


def test_only_office_records(activity, member_user):
    with pytest.raises(PermissionDenied):
        activity_services.attendance_record(actor=member_user, activity=activity, entries={})


def test_end_before_start_is_refused(office_user):
    with pytest.raises(ApplicationError):
        activity_services.activity_save(
            actor=office_user,
            data={
                "kind": "training",
                "title": "培训",
                "start_date": dt.date(2026, 5, 2),
                "end_date": dt.date(2026, 5, 1),
            },
        )
