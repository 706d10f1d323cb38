"""The Excel writer (`cppcc.xlsx_stream`): what goes in is what openpyxl reads back."""

import datetime as dt
import io
import tracemalloc
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cppcc.xlsx_stream import Workbook, write_sheet, xlsx_response

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
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["A2"].data_type == "s" and sheet["E2"].data_type == "b"


def test_header_is_bold_frozen_filtered_and_sized():
    sheet = read([("甲", None, 1, 1, False), ("乙", None, 2, 2, True)])
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert sheet.auto_filter.ref == "A1:E3"
    assert round(sheet.column_dimensions["A"].width) == 41  # XlsxWriter adds Excel's cell padding
    assert round(sheet.column_dimensions["B"].width) == 13


def test_date_times_are_dates_in_local_time_with_their_format(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    aware = dt.datetime(2026, 3, 1, 1, 30, tzinfo=ZoneInfo("UTC"))
    with timezone.override("Asia/Shanghai"):
        out = write_sheet(title="x", columns=[("时间", 18), ("时刻", 8)], rows=[(aware, dt.time(8, 5))])
    sheet = load_workbook(out)["x"]
    assert sheet["A2"].value == dt.datetime(2026, 3, 1, 9, 30)
    assert sheet["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["B2"].value == dt.time(8, 5)


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    sheet = read([("控制\x01字符\x1f", None, None, None, None)])
    assert sheet["A2"].value == "控制字符"


def test_text_shaped_like_xml_is_text():
    """XlsxWriter (constant_memory) copies text shaped like a rich-text run into the sheet as raw XML;
    the writer escapes it, so a typed value can neither break the file nor smuggle in a formula."""
    typed = '<r><t>x</t></r></is></c><c r="B2"><f>1+1</f></c><c r="C2" t="inlineStr"><is><r><t>y</t></r>'
    sheet = read([(typed, None, None, None, None), ("<r>甲</r>", None, None, None, None)])
    assert sheet["A2"].value == typed and sheet["A3"].value == "<r>甲</r>"
    assert sheet["B2"].value is None and sheet["B2"].data_type != "f"


def test_empty_strings_leave_the_cell_empty_and_rows_keep_their_places():
    sheet = read([("", "", "", "", ""), ("第二行", None, None, None, None)])
    assert sheet.max_row == 3
    assert sheet["A2"].value is None and sheet["A3"].value == "第二行"


def test_several_sheets_tables_and_free_layouts():
    book = Workbook()
    book.table("委员名册", [("姓名", 10), ("备注", 20)]).extend([("张三", "=1+1")])
    notes = book.sheet("填写说明", [100])
    notes.append(["第一行"])
    notes.skip()
    notes.append(["小计", 3], {"bold": True, "border": 1})
    workbook = load_workbook(book.close())
    assert workbook.sheetnames == ["委员名册", "填写说明"]
    assert list(workbook["委员名册"].iter_rows(values_only=True)) == [("姓名", "备注"), ("张三", "'=1+1")]
    sheet = workbook["填写说明"]
    assert [row for row in sheet.iter_rows(values_only=True)] == [("第一行", None), (None, None), ("小计", 3)]
    assert sheet["A3"].font.bold and not sheet["A1"].font.bold
    assert sheet.freeze_panes is None and not sheet.auto_filter.ref


def test_many_rows_are_streamed_without_being_held():
    """10,000 rows from a generator: the writer keeps no row it has written (constant_memory)."""
    count = 10_000

    def rows():
        for i in range(count):
            yield (
                f"第{i}件关于加快城中村改造的建议",
                dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
                i,
                i / 7,
                i % 2 == 0,
            )

    tracemalloc.start()
    try:
        out = write_sheet(title="提案", columns=COLUMNS, rows=rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024  # held in memory, the rows would take about 9 MB
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
    out.seek(0)
    sheet = load_workbook(out, read_only=True)["提案"]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == count + 1
    last = count - 1
    assert values[-1][:3] == (
        f"第{last}件关于加快城中村改造的建议",
        dt.datetime(2025, 1, 1) + dt.timedelta(days=last % 300),
        last,
    )


@pytest.mark.parametrize(
    "filename, header",
    [
        ("委员名册_20260301.xlsx", "attachment; filename*=utf-8''%E5%A7%94%E5%91%98%E5%90%8D%E5%86%8C_20260301.xlsx"),
        ("security-events-20260301.xlsx", 'attachment; filename="security-events-20260301.xlsx"'),
    ],
)
def test_response_is_an_xlsx_download_with_its_name(filename, header):
    response = xlsx_response(write_sheet(title="x", columns=[("a", 5)], rows=[]), filename)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == header
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames == ["x"]
