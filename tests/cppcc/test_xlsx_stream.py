"""The streamed .xlsx writer: what goes in is what openpyxl reads back."""

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook

from cppcc.xlsx_stream import write_sheet

COLUMNS = [("案题", 40), ("答复期限", 12), ("件数", 8), ("比例", 8), ("重点", 6)]


def read(rows):
    out = write_sheet(title="提案", columns=COLUMNS, rows=rows)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["提案"]
    return workbook["提案"]


def test_values_of_every_kind_round_trip():
    sheet = read(
        [
            ("关于<加快>城中村改造 & 安置的建议", dt.date(2025, 3, 1), 3, 0.5, True),
            (" 前后有空格 ", None, 0, -1.25, False),
            ("多行\n文本", dt.date(2024, 2, 29), 10**12, 1e-3, None),
        ]
    )
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("案题", "答复期限", "件数", "比例", "重点")
    assert rows[1] == ("关于<加快>城中村改造 & 安置的建议", dt.datetime(2025, 3, 1), 3, 0.5, True)
    assert rows[2] == (" 前后有空格 ", None, 0, -1.25, False)
    assert rows[3] == ("多行\n文本", dt.datetime(2024, 2, 29), 10**12, 1e-3, None)
    assert sheet["B2"].number_format == "yyyy-mm-dd"


def test_header_is_styled_frozen_and_sized():
    sheet = read([("甲", None, 1, 1, False)])
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert sheet.column_dimensions["A"].width == 40
    assert sheet.column_dimensions["B"].width == 12


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    sheet = read([("控制\x01字符\x1f", None, None, None, None)])
    assert sheet["A2"].value == "控制字符"


def test_empty_strings_leave_the_cell_empty_and_rows_keep_their_places():
    sheet = read([("", "", "", "", ""), ("第二行", None, None, None, None)])
    assert sheet.max_row == 3
    assert sheet["A2"].value is None and sheet["A3"].value == "第二行"


def test_datetimes_are_refused_so_time_zones_are_never_guessed():
    with pytest.raises(TypeError):
        write_sheet(title="x", columns=COLUMNS, rows=[("a", dt.datetime(2025, 1, 1, 8), 1, 1, True)])


def test_many_rows_are_streamed_in_chunks():
    rows = ((f"第{i}件", dt.date(2025, 1, 1) + dt.timedelta(days=i % 300), i, i / 7, i % 2 == 0) for i in range(5000))
    out = write_sheet(title="提案", columns=COLUMNS, rows=rows, chunk_rows=128)
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
    out.seek(0)
    sheet = load_workbook(out, read_only=True)["提案"]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 5001
    assert values[-1][:3] == ("第4999件", dt.datetime(2025, 1, 1) + dt.timedelta(days=4999 % 300), 4999)
