"""The filtered security log as an .xlsx workbook (openpyxl write-only: constant memory)."""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook

from cppcc.xlsx_stream import cell_values

from .selectors import object_type_label

HEADERS = [
    "时间",
    "操作人",
    "操作人ID",
    "事件",
    "结果",
    "响应状态",
    "对象类型",
    "对象ID",
    "对象",
    "来源地址",
    "请求方法",
    "请求路径",
    "详情",
]


def events_workbook(events) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("安全事件")
    sheet.append(HEADERS)
    for e in events.iterator(chunk_size=2000):
        sheet.append(
            cell_values(
                [
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor_username,
                    e.actor_id,
                    e.get_action_display(),
                    e.get_outcome_display(),
                    e.status_code,
                    object_type_label(e.object_type),
                    e.object_id,
                    e.object_repr,
                    e.ip or "",
                    e.method,
                    e.path,
                    _detail(e.detail),
                ]
            )
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _detail(detail) -> str:
    if not detail:
        return ""
    return "；".join(f"{key}: {value}" for key, value in detail.items())
