import datetime as dt

import pytest

from cppcc.errors import ApplicationError, PermissionDenied
from members import selectors, services
from members.models import Activity, Attendance
from tests.factories import MemberFactory


@pytest.fixture
def activity(office_user):
    return services.activity_save(
        actor=office_user,
        data={"kind": Activity.Kind.INSPECTION, "title": "水污染防治视察", "start_date": dt.date(2026, 5, 12)},
    )


def test_participation_counts_distinct_members_and_person_times(activity, office_user):
    a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
    second = services.activity_save(
        actor=office_user,
        data={"kind": Activity.Kind.RESEARCH, "title": "四园区调研", "start_date": dt.date(2026, 6, 1)},
    )
    services.attendance_record(actor=office_user, activity=activity, entries={a.pk: "attended", b.pk: "attended"})
    services.attendance_record(
        actor=office_user, activity=second, entries={a.pk: "attended", b.pk: "excused", c.pk: "absent"}
    )
    counts = selectors.participation(activities=Activity.objects.all())
    assert counts == {"members": 2, "person_times": 3}


def test_recording_again_updates_instead_of_duplicating(activity, office_user):
    m = MemberFactory()
    services.attendance_record(actor=office_user, activity=activity, entries={m.pk: "signed_up"})
    services.attendance_record(actor=office_user, activity=activity, entries={m.pk: "attended"})
    assert list(Attendance.objects.values_list("status", flat=True)) == ["attended"]


def test_bad_status_or_member_is_refused_and_nothing_written(activity, office_user):
    m = MemberFactory()
    with pytest.raises(ApplicationError):
        services.attendance_record(actor=office_user, activity=activity, entries={m.pk: "attended", 999999: "attended"})
    with pytest.raises(ApplicationError):
        services.attendance_record(actor=office_user, activity=activity, entries={m.pk: "maybe"})
    assert not Attendance.objects.exists()


def test_only_office_records(activity, member_user):
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=member_user, activity=activity, entries={})


def test_end_before_start_is_refused(office_user):
    with pytest.raises(ApplicationError):
        services.activity_save(
            actor=office_user,
            data={
                "kind": "training",
                "title": "培训",
                "start_date": dt.date(2026, 5, 2),
                "end_date": dt.date(2026, 5, 1),
            },
        )
