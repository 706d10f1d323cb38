"""Attendance by Excel (出勤登记表): a template listing every member, filled in by the office and uploaded.

Members are recognised by their login account (账号, unique), or — when that is left empty — by name,
narrowed by member group (委员组) when two members share a name. Like the roster import, a file is
recorded whole or not at all: any bad row refuses the file with every bad row's number and reason.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from cppcc.errors import ApplicationError
from cppcc.xlsx_stream import Workbook, imported_sheet, imported_text
from members.models import Member
from members.services import require_office

from . import attendance, services
from .models import Attendance

# (header, width)
COLUMNS = [("账号", 12), ("姓名", 10), ("委员组", 16), ("界别", 18), ("出勤", 8), ("发言次数", 9), ("备注", 30)]
HEADERS = [c[0] for c in COLUMNS]
STATUS_LABELS = dict(Attendance.Status.choices)
STATUS_BY_TEXT = {
    **{label: value for value, label in Attendance.Status.choices},
    **{value: value for value in Attendance.Status.values},
    "参加": Attendance.Status.ATTENDED,
    "到会": Attendance.Status.ATTENDED,
    "报名": Attendance.Status.SIGNED_UP,
}
MAX_ROWS = 5000


def template_file(activity):
    """Every active member (and anyone already recorded) with what is recorded now, ready to fill in,
    a drop-down on the 出勤 column and a sheet of notes. Returns a rewound temporary .xlsx file."""
    book = Workbook()
    sheet = book.table("出勤登记", COLUMNS)
    rows = attendance.checklist(activity)
    usernames = dict(
        Member.objects.filter(pk__in=[r.member.pk for r in rows], user__isnull=False).values_list(
            "pk", "user__username"
        )
    )
    sheet.extend(
        [
            usernames.get(row.member.pk, ""),
            row.member.name,
            row.member.group.name if row.member.group_id else "",
            row.member.sector.name,
            STATUS_LABELS.get(row.status, ""),
            row.speeches if row.status else None,
            None,
        ]
        for row in rows
    )
    column = HEADERS.index("出勤")
    sheet.dropdown(column, STATUS_LABELS.values(), max(len(rows), 1) + 200)
    book.notes(
        (
            f"活动：{activity.title}（{activity.start_date:%Y年%m月%d日}）",
            "“出勤”一栏填写：" + "、".join(STATUS_LABELS.values()) + "；留空的委员不登记。",
            "按“账号”识别委员；账号留空时按姓名识别，同名委员请填写委员组。",
            "发言次数只对出席的委员填写，留空则不修改已登记的次数。",
            "任何一行有错时整个文件都不会导入，请按提示的行号修改后重新上传。",
        )
    )
    return book.close()


@dataclass
class ImportResult:
    recorded: int = 0
    by_status: dict = field(default_factory=dict)


class _Directory:
    """Every member, loaded once, to recognise rows by account or by name (and group)."""

    def __init__(self):
        self.by_username = {}
        self.by_name = defaultdict(list)
        for pk, name, group, username, status in Member.objects.values_list(
            "pk", "name", "group__name", "user__username", "status"
        ):
            entry = {"pk": pk, "name": name, "group": group or "", "active": status == Member.Status.ACTIVE}
            if username:
                self.by_username[username] = entry
            self.by_name[name].append(entry)

    def find(self, username: str, name: str, group: str) -> tuple[int | None, str]:
        if username:
            entry = self.by_username.get(username)
            if entry is None:
                return None, f"账号“{username}”不是委员账号"
            if name and name != entry["name"]:
                return None, f"账号“{username}”是{entry['name']}的，与姓名“{name}”不符"
            return entry["pk"], ""
        if not name:
            return None, "账号和姓名都为空"
        candidates = self.by_name.get(name, [])
        if group:
            candidates = [c for c in candidates if c["group"] == group]
        if len(candidates) > 1:
            serving = [c for c in candidates if c["active"]]
            candidates = serving if len(serving) == 1 else candidates
        if not candidates:
            return None, f"未找到委员“{name}”" + (f"（{group}）" if group else "")
        if len(candidates) > 1:
            return None, f"有 {len(candidates)} 位委员名为“{name}”，请填写账号或委员组"
        return candidates[0]["pk"], ""


def attendance_import(*, actor, activity, file) -> ImportResult:
    """Record the attendance in an uploaded .xlsx — every row or none."""
    require_office(actor)
    header, rows = imported_sheet(file, expected="出勤登记表")
    missing = [h for h in ("出勤",) if h not in header]
    if "账号" not in header and "姓名" not in header:
        missing.insert(0, "账号或姓名")
    if missing:
        raise ApplicationError("表头缺少列：" + "、".join(missing) + "。请使用系统提供的模板。")
    index = {h: header.index(h) for h in HEADERS if h in header}

    directory = _Directory()
    entries, speeches, notes = {}, {}, {}
    seen: dict[int, int] = {}
    errors = []
    for row_number, values in enumerate(rows, start=2):
        cells = {h: imported_text(values[i]) if i < len(values) else "" for h, i in index.items()}
        if not any(cells.values()):
            continue
        if len(entries) + len(errors) >= MAX_ROWS:
            raise ApplicationError(f"一次最多导入 {MAX_ROWS} 行。")
        name = cells.get("姓名", "")
        status_text = cells.get("出勤", "")
        spoken, note = cells.get("发言次数", ""), cells.get("备注", "")
        if not status_text:
            if spoken not in ("", "0") or note:
                errors.append({"row": row_number, "name": name, "reason": "填写了发言次数或备注，但出勤为空"})
            continue  # a member the office left blank: not recorded
        problems = []
        member_id, reason = directory.find(cells.get("账号", ""), name, cells.get("委员组", ""))
        if reason:
            problems.append(reason)
        elif member_id in seen:
            problems.append(f"与第 {seen[member_id]} 行是同一位委员")
        status = STATUS_BY_TEXT.get(status_text)
        if status is None:
            problems.append(f"出勤“{status_text}”无效，应为：" + "、".join(STATUS_LABELS.values()))
        count = None
        if spoken:
            if not spoken.isdigit() or int(spoken) > 99:
                problems.append(f"发言次数“{spoken}”应为 0 到 99 的整数")
            else:
                count = int(spoken)
                if count and status and status != Attendance.Status.ATTENDED:
                    problems.append("只有出席的委员才能登记发言次数")
        if len(note) > 200:
            problems.append("备注不能超过 200 字")
        if problems:
            errors.append({"row": row_number, "name": name, "reason": "；".join(problems)})
            continue
        seen[member_id] = row_number
        entries[member_id] = status
        if count is not None:
            speeches[member_id] = count
        if note:
            notes[member_id] = note

    if errors:
        raise ApplicationError(
            f"有 {len(errors)} 行数据有误，整个文件未导入，请修改后重新上传。", errors={"rows": errors}
        )
    if not entries:
        raise ApplicationError("文件中没有填写出勤的委员。")
    written = services.attendance_record(
        actor=actor, activity=activity, entries=entries, speeches=speeches, notes=notes
    )
    by_status = defaultdict(int)
    for status in entries.values():
        by_status[STATUS_LABELS[status]] += 1
    return ImportResult(recorded=written, by_status=dict(by_status))
