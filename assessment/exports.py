"""The year's assessment as an .xlsx: sheet 1 every member (rank, group, sector, party, each category,
total, grade), sheet 2 the member groups ranked by average. Written in write-only mode."""

import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cppcc.xlsx_stream import cell_value, cell_values

from . import engine

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _number(value):
    return float(value) if value is not None else None


def _sheet(wb, title: str, headers: list[str], widths: list[int]):
    ws = wb.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "C2"
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=cell_value(text))
        cell.fill, cell.font, cell.alignment = _HEADER_FILL, _HEADER_FONT, _CENTER
        cells.append(cell)
    ws.append(cells)
    return ws


def export_to_file(*, year: int, results: list, awards=()) -> tempfile.SpooledTemporaryFile:
    """`results` from `engine.score(year=…)` (ranked); `awards` the year's AssessmentAward rows."""
    categories = [c.name for c in results[0].categories] if results else []
    award_labels: dict[tuple, list[str]] = {}
    for award in awards:
        key = ("group", award.group_id) if award.group_id else ("member", award.member_id)
        award_labels.setdefault(key, []).append(award.get_kind_display())

    wb = Workbook(write_only=True)
    headers = ["排名", "姓名", "委员组", "界别", "党派", *categories, "总分", "等次", "评选"]
    widths = [6, 10, 16, 20, 12, *[10] * len(categories), 8, 8, 16]
    ws = _sheet(wb, f"{year}年度委员履职考核", headers, widths)
    for r in results:
        m = r.member
        ws.append(
            cell_values(
                [
                    r.rank,
                    m.name,
                    m.group.name if m.group_id else "",
                    m.sector.name,
                    m.party.name,
                    *[_number(c.score) for c in r.categories],
                    _number(r.total),
                    r.grade,
                    "、".join(award_labels.get(("member", m.pk), [])),
                ]
            )
        )

    ws = _sheet(wb, "委员组排名", ["排名", "委员组", "人数", "平均分", "评选"], [6, 18, 8, 10, 12])
    for row in engine.group_ranking(results):
        ws.append(
            cell_values(
                [
                    row["rank"],
                    row["group"].name,
                    row["members"],
                    _number(row["average"]),
                    "、".join(award_labels.get(("group", row["group"].pk), [])),
                ]
            )
        )

    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out
