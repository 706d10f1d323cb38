"""The office's Excel roster (花名册): one column layout for the template, the import and the export."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from cppcc.audit import acting
from cppcc.errors import ApplicationError
from cppcc.xlsx_stream import Workbook, imported_sheet, imported_text, write_sheet
from securitylog import note_id_view

from . import idcard
from .models import Member, MemberGroup, Party, Sector, SpecialCommittee, Term
from .selectors import member_policy
from .services import require_office, save_member

# (header, attribute, width). The order is the order of the sheet.
COLUMNS = [
    ("姓名", "name", 10),
    ("性别", "gender", 6),
    ("民族", "ethnicity", 8),
    ("出生日期", "birth_date", 12),
    ("身份证号码", "id_number", 22),
    ("手机号码", "phone", 15),
    ("界别", "sector", 16),
    ("党派", "party", 12),
    ("委员组", "group", 14),
    ("专委会", "committees", 24),
    ("常委", "is_standing", 6),
    ("领导职务", "post", 10),
    ("工作单位", "employer", 28),
    ("职务", "title", 20),
    ("任职届次", "terms", 14),
    ("状态", "status", 8),
    ("备注", "note", 20),
]
HEADERS = [c[0] for c in COLUMNS]
SHEET_COLUMNS = [(header, width) for header, _, width in COLUMNS]
LIST_SEPARATORS = ("、", ",", "，", ";", "；")
MAX_ROWS = 5000


def _split(value: str) -> list[str]:
    text = str(value or "")
    for sep in LIST_SEPARATORS[1:]:
        text = text.replace(sep, LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(LIST_SEPARATORS[0]) if part.strip()]


def template_file():
    """The import template: headers, one example row and drop-downs for the coded columns.
    Returns a rewound temporary .xlsx file."""
    book = Workbook()
    sheet = book.table("委员名册", SHEET_COLUMNS)
    example_id = idcard.make("110105", dt.date(1975, 3, 8), 123)
    sector = Sector.objects.order_by("order").first()
    party = Party.objects.order_by("order").first()
    example = [
        "张三",
        "男",
        "汉族",
        "1975-03-08",
        example_id,
        "13800000000",
        sector.name if sector else "经济界",
        party.name if party else "中共",
        "",
        "",
        "否",
        "",
        "某某公司",
        "总经理",
        Term.objects.filter(is_current=True).values_list("name", flat=True).first() or "",
        "在任",
        "示例行，导入前请删除",
    ]
    # The ID number as text, so that Excel neither rounds it nor shows it as 1.10105E+17.
    sheet.append(example, [{"num_format": "@"} if header == "身份证号码" else None for header in HEADERS])
    for header, choices in (
        ("性别", [c[1] for c in Member.Gender.choices]),
        ("常委", ["是", "否"]),
        ("领导职务", [c[1] for c in Member.Post.choices[1:]]),
        ("状态", [c[1] for c in Member.Status.choices]),
    ):
        sheet.dropdown(HEADERS.index(header), choices, MAX_ROWS, show_error=False)
    book.notes(
        (
            "每行一位委员；第一行为表头，请勿修改表头。",
            "身份证号码必填，用于识别委员：已存在的号码更新该委员，新的号码新增委员。",
            "出生日期、性别可留空，将按身份证号码自动填写。",
            "界别、党派、委员组、专委会、任职届次须与系统中的名称一致；专委会、任职届次可填多个，用顿号分隔。",
            "任何一行有错时整个文件都不会导入，请按提示的行号修改后重新上传。",
        )
    )
    return book.close()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)


def _lookup(model, names: dict, value: str):
    if value not in names:
        names[value] = model.objects.filter(name=value).first()
    return names[value]


def roster_import(*, actor, file) -> ImportResult:
    """Create or update members from an .xlsx roster — every row or none.

    Rows are matched on the ID number. Any bad row makes the whole import fail with the row
    number and the reason of every bad row; nothing of the file is written then.
    """
    require_office(actor)
    header, rows = imported_sheet(file, expected="委员名册")
    missing = [h for h in ("姓名", "身份证号码", "界别", "党派") if h not in header]
    if missing:
        raise ApplicationError("表头缺少列：" + "、".join(missing) + "。请使用系统提供的模板。")
    index = {h: header.index(h) for h in HEADERS if h in header}

    caches: dict = {Sector: {}, Party: {}, MemberGroup: {}, SpecialCommittee: {}, Term: {}}
    gender_by_label = {label: value for value, label in Member.Gender.choices}
    post_by_label = {label: value for value, label in Member.Post.choices[1:]}
    status_by_label = {label: value for value, label in Member.Status.choices}
    result = ImportResult()
    parsed = []
    seen_ids: dict[str, int] = {}

    for row_number, values in enumerate(rows, start=2):
        cells = {h: imported_text(values[i]) if i < len(values) else "" for h, i in index.items()}
        if not any(cells.values()):
            continue
        if len(parsed) + len(result.errors) >= MAX_ROWS:
            raise ApplicationError(f"一次最多导入 {MAX_ROWS} 行。")
        problems = []
        name = cells.get("姓名", "")
        if not name:
            problems.append("姓名为空")
        id_number = idcard.normalize(cells.get("身份证号码", ""))
        if not id_number:
            problems.append("身份证号码为空")
        else:
            reason = idcard.validation_error(id_number)
            if reason:
                problems.append(reason)
            elif id_number in seen_ids:
                problems.append(f"身份证号码与第 {seen_ids[id_number]} 行重复")
            seen_ids.setdefault(id_number, row_number)
        data: dict = {"name": name, "id_number": id_number}
        for header_name, attr, model in (("界别", "sector", Sector), ("党派", "party", Party)):
            value = cells.get(header_name, "")
            obj = _lookup(model, caches[model], value) if value else None
            if obj is None:
                problems.append(f"{header_name}“{value}”不存在" if value else f"{header_name}为空")
            data[attr] = obj
        group_name = cells.get("委员组", "")
        data["group"] = _lookup(MemberGroup, caches[MemberGroup], group_name) if group_name else None
        if group_name and data["group"] is None:
            problems.append(f"委员组“{group_name}”不存在")
        for header_name, attr, model in (("专委会", "committees", SpecialCommittee), ("任职届次", "terms", Term)):
            objs = []
            for item in _split(cells.get(header_name, "")):
                obj = _lookup(model, caches[model], item)
                if obj is None:
                    problems.append(f"{header_name}“{item}”不存在")
                objs.append(obj)
            data[attr] = objs
        for header_name, attr, mapping in (
            ("性别", "gender", gender_by_label),
            ("领导职务", "post", post_by_label),
            ("状态", "status", status_by_label),
        ):
            value = cells.get(header_name, "")
            if value:
                if value not in mapping:
                    problems.append(f"{header_name}“{value}”无效，应为：" + "、".join(mapping))
                data[attr] = mapping.get(value)
        standing = cells.get("常委", "")
        if standing and standing not in ("是", "否"):
            problems.append("常委一栏应填“是”或“否”")
        data["is_standing"] = standing == "是"
        birth = cells.get("出生日期", "")
        if birth:
            try:
                data["birth_date"] = dt.date.fromisoformat(birth[:10].replace("/", "-").replace(".", "-"))
            except ValueError:
                problems.append(f"出生日期“{birth}”无效，应为 YYYY-MM-DD")
        for header_name, attr in (
            ("民族", "ethnicity"),
            ("手机号码", "phone"),
            ("工作单位", "employer"),
            ("职务", "title"),
            ("备注", "note"),
        ):
            if cells.get(header_name):
                data[attr] = cells[header_name]
        if problems:
            result.errors.append({"row": row_number, "name": name, "reason": "；".join(problems)})
        else:
            parsed.append((row_number, data))

    if result.errors:
        raise ApplicationError(
            f"有 {len(result.errors)} 行数据有误，整个文件未导入，请修改后重新上传。", errors={"rows": result.errors}
        )
    if not parsed:
        raise ApplicationError("文件中没有委员数据。")

    # ID numbers are stored encrypted: members are matched through the keyed hash of the number.
    hashes = [Member.id_number_hash_of(d["id_number"]) for _, d in parsed]
    existing = {m.id_number: m for m in Member.objects.filter(id_number_hash__in=hashes)}
    with acting(actor), transaction.atomic():
        for row_number, data in parsed:
            m2m = {"committees": data.pop("committees"), "terms": data.pop("terms")}
            member = existing.get(data["id_number"]) or Member()
            is_new = member.pk is None
            for key, value in data.items():
                setattr(member, key, value)
            try:
                save_member(member, m2m)
            except ApplicationError as exc:
                raise ApplicationError(
                    f"第 {row_number} 行：{exc.message}；整个文件未导入。",
                    errors={"rows": [{"row": row_number, "name": data["name"], "reason": exc.message}]},
                ) from exc
            if is_new:
                result.created += 1
            else:
                result.updated += 1
    return result


def export_to_file(*, user, members, request=None):
    """Write the members to an .xlsx, rows streamed (constant memory); a rewound temporary file.

    Private columns are masked or left empty according to what `user` may see of each member; each
    full ID number written is noted on the security log (one insert for the whole file).
    """
    return write_sheet(title="委员名册", columns=SHEET_COLUMNS, rows=_export_rows(user, members, request))


def _export_rows(user, members, request):
    for m in members.iterator(chunk_size=500) if hasattr(members, "iterator") else members:
        policy = member_policy(user=user, member=m)
        if policy.id_full and m.id_number:
            note_id_view(request, m)
        yield (
            m.name,
            m.get_gender_display(),
            m.ethnicity,
            policy.birth_display(m),
            policy.id_number(m) or "",
            policy.phone(m) or "",
            m.sector.name,
            m.party.name,
            m.group.name if m.group else "",
            "、".join(c.name for c in m.committees.all()),
            "是" if m.is_standing else "否",
            m.get_post_display() if m.post else "",
            m.employer,
            m.title,
            "、".join(t.name for t in m.terms.all()),
            m.get_status_display(),
            m.note if policy.private else "",
        )
