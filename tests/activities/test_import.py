"""Attendance by Excel: the template lists every member with what is recorded; an upload is recorded
whole or not at all, with every bad row's number and reason."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from activities import imports
from activities import services as activity_services
from activities.imports import HEADERS
from activities.models import Activity, Attendance
from cppcc.errors import ApplicationError, PermissionDenied
from cppcc.roles import Role
from members.models import Member, MemberGroup
from tests.factories import MemberFactory


@pytest.fixture
def world(office_user, make_user):
    one, two = MemberGroup.objects.create(name="第一委员活动组"), MemberGroup.objects.create(name="第二委员活动组")
    users = [make_user(Role.MEMBER, username=f"m{n:04d}") for n in range(1, 4)]
    members = {
        "a": MemberFactory(name="张伟", group=one, user=users[0]),
        "b": MemberFactory(name="王芳", group=one, user=users[1]),
        "c": MemberFactory(name="王芳", group=two, user=users[2]),  # same name, another group
        "d": MemberFactory(name="刘洋", group=two),  # no login account
    }
    activity = activity_services.activity_save(
        actor=office_user,
        data={"kind": Activity.Kind.TRAINING, "title": "委员履职培训", "start_date": dt.date(2026, 4, 2)},
    )
    return members, activity


def upload(rows, headers=HEADERS) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("出勤.xlsx", out.getvalue())


def row(username="", name="", group="", status="", speeches=None, note=None):
    return [username, name, group, "", status, speeches, note]


def _recorded(activity):
    return {r.member_id: (r.status, r.speeches, r.note) for r in Attendance.objects.filter(activity=activity)}


def test_a_good_file_is_recorded(world, office_user):
    members, activity = world
    file = upload(
        [
            row("m0001", "张伟", status="出席", speeches=2),
            row("", "王芳", "第二委员活动组", status="请假", note="出差"),
            row("", "刘洋", status="缺席"),
            row("m0002", "王芳", status=""),  # left blank: not recorded
        ]
    )
    result = imports.attendance_import(actor=office_user, activity=activity, file=file)
    assert result.recorded == 3
    assert result.by_status == {"出席": 1, "请假": 1, "缺席": 1}
    assert _recorded(activity) == {
        members["a"].pk: ("attended", 2, ""),
        members["c"].pk: ("excused", 0, "出差"),
        members["d"].pk: ("absent", 0, ""),
    }


def test_bad_rows_refuse_the_whole_file(world, office_user):
    members, activity = world
    activity_services.attendance_record(actor=office_user, activity=activity, entries={members["d"].pk: "attended"})
    before = _recorded(activity)
    file = upload(
        [
            row("m0001", "张伟", status="出席"),  # good, but not written because of the others
            row("", "王芳", status="出席"),  # two members of that name
            row("nobody", "", status="出席"),  # no such account
            row("m0001", "李四", status="出席"),  # account and name disagree
            row("", "刘洋", status="迟到"),  # no such status
            row("", "赵六", status="出席"),  # no such member
            row("", "刘洋", status="请假", speeches=1),  # excused members do not speak
            row("", "", status="", speeches=3),  # speeches without a status
            row("m0001", status="出席"),  # the same member twice
        ]
    )
    with pytest.raises(ApplicationError) as caught:
        imports.attendance_import(actor=office_user, activity=activity, file=file)
    errors = {e["row"]: e["reason"] for e in caught.value.errors["rows"]}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "2 位委员名为“王芳”" in errors[3]
    assert "不是委员账号" in errors[4]
    assert "不符" in errors[5]
    assert "迟到" in errors[6]
    assert "未找到委员“赵六”" in errors[7]
    assert "只有出席的委员" in errors[8]
    assert "出勤为空" in errors[9]
    assert "第 2 行" in errors[10]
    assert _recorded(activity) == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a workbook", "无法读取文件"),
        (None, "表头缺少列"),
        ([], "没有填写出勤"),
    ],
    ids=["not-xlsx", "wrong-headers", "empty"],
)
def test_unreadable_or_empty_files_are_refused(world, office_user, content, message):
    _, activity = world
    if content is None:
        file = upload([["x"]], headers=["序号"])
    elif isinstance(content, list):
        file = upload(content)
    else:
        file = SimpleUploadedFile("x.xlsx", content)
    with pytest.raises(ApplicationError, match=message):
        imports.attendance_import(actor=office_user, activity=activity, file=file)
    assert not Attendance.objects.exists()


def test_only_the_office_imports(world, leader_user):
    _, activity = world
    with pytest.raises(PermissionDenied):
        imports.attendance_import(actor=leader_user, activity=activity, file=upload([row("m0001", status="出席")]))


def test_the_template_round_trips(world, office_user, client):
    """Download the template, mark one member present, upload it: exactly that is recorded."""
    members, activity = world
    activity_services.attendance_record(
        actor=office_user, activity=activity, entries={members["b"].pk: "attended"}, speeches={members["b"].pk: 1}
    )
    client.force_login(office_user)
    response = client.get(reverse("activities:import_template", args=[activity.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    by_name_group = {(r[1], r[2]): r for r in rows[1:]}
    assert by_name_group[("王芳", "第一委员活动组")][4:6] == ["出席", 1]  # what is recorded now
    assert by_name_group[("刘洋", "第二委员活动组")][0] is None  # no account: recognised by name and group
    for r in rows[1:]:
        if r[1] == "张伟":
            r[4] = "出席"
    out = io.BytesIO()
    fresh = Workbook()
    for r in rows:
        fresh.active.append(r)
    fresh.save(out)
    response = client.post(
        reverse("activities:import", args=[activity.pk]), {"file": SimpleUploadedFile("t.xlsx", out.getvalue())}
    )
    assert response.status_code == 302
    assert _recorded(activity) == {
        members["a"].pk: ("attended", 0, ""),
        members["b"].pk: ("attended", 1, ""),
    }


def test_the_import_page_lists_the_bad_rows(world, office_user, client):
    _, activity = world
    client.force_login(office_user)
    response = client.post(
        reverse("activities:import", args=[activity.pk]), {"file": upload([row("", "赵六", status="出席")])}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "整个文件未导入" in page and "第 2 行" in page and "未找到委员“赵六”" in page
    assert not Attendance.objects.exists()
    assert Member.objects.count() == 4
