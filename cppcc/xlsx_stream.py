""".xlsx files of any length, written fast and in constant memory.

openpyxl writes the workbook itself — sheet, column widths, frozen header, styles and the header
row — and the data rows are then streamed into that sheet's XML as plain cells (inline strings,
numbers, dates), chunk by chunk, straight into the zip file. openpyxl's own write-only mode spends
~70 µs per cell on this (a 100,000-row export took 90 s); the rows written here cost a few µs a
cell and are read back by openpyxl, Excel and LibreOffice like any other.

`cell_value()` is the one rule every export in the project applies to a value before it becomes a
cell, whichever writer writes it (this one, or openpyxl's own `append`/`WriteOnlyCell`).
"""

import datetime as dt
import decimal
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DATE_FORMAT = "yyyy-mm-dd"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Characters XML 1.0 cannot carry (openpyxl refuses them too): C0 controls except tab, LF and CR,
# lone surrogates (no UTF-8 for them) and the two non-characters U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text a spreadsheet would take for a formula (OWASP "CSV/formula injection"): = + - @, tab and CR,
# and the full-width forms that Excel with a Chinese input method also reads as = + - @.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Excel's limit for one cell; a longer text makes Excel report the file as damaged.
MAX_CELL_CHARS = 32767
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_MARK = "</sheetData>"


def xml_text(value) -> str:
    """`value` as text any XML document (.xlsx, .docx) can carry: the characters XML 1.0 cannot
    hold are dropped (python-docx and openpyxl raise on them, and one such character typed into a
    title would break every document that shows it)."""
    return _ILLEGAL.sub("", str(value))


def cell_value(value):
    """`value` as a cell may hold it: numbers, booleans and dates unchanged; anything else as text
    that can never be read as a formula (prefixed with a single quote when it starts — after any
    spaces — like one) and that any writer can save (characters XML cannot carry dropped, cut to
    Excel's cell limit). Never raises: whatever a request carried ends up as plain text."""
    if value is None or isinstance(value, bool | int | float | decimal.Decimal | dt.date | dt.time):
        return value
    text = xml_text(value)
    if text.lstrip(" ").startswith(_FORMULA_START):
        text = "'" + text
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def cell_values(values) -> list:
    """A row of values through `cell_value()`."""
    return [cell_value(v) for v in values]


def imported_text(value) -> str:
    """A cell of an uploaded sheet as text, stripped — the inverse of `cell_value()`, so that a sheet
    this system wrote (an import template) reads back as it was written: the quote that kept `=…`,
    `-…` or `@…` from being a formula is removed again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    text = str(value).strip()
    if text.startswith("'") and text[1:].lstrip(" ").startswith(_FORMULA_START):
        text = text[1:].strip()
    return text


class _Cells:
    """Turns one row of Python values into the XML of its cells."""

    def __init__(self, width: int, date_style: int):
        self.letters = [get_column_letter(i) for i in range(1, width + 1)]
        self.date_style = date_style

    def row(self, number: int, values: Sequence) -> str:
        cells = []
        for letter, value in zip(self.letters, values, strict=False):
            value = cell_value(value)
            if value is None or value == "":
                continue
            ref = f"{letter}{number}"
            if isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif isinstance(value, dt.datetime):
                raise TypeError("write local date-times as text or dates, not datetime objects")
            elif isinstance(value, dt.date):
                cells.append(f'<c r="{ref}" s="{self.date_style}"><v>{(value - _EXCEL_EPOCH).days}</v></c>')
            else:
                text = value.translate(_ESCAPE)
                space = ' xml:space="preserve"' if text != text.strip() else ""
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        return f'<row r="{number}">{"".join(cells)}</row>'


def write_sheet(
    *, title: str, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence], chunk_rows: int = 2000
) -> tempfile.SpooledTemporaryFile:
    """One sheet: `columns` are (header, width); `rows` an iterable of value sequences (str, int,
    float, bool, date, None). Returns the .xlsx as a rewound temporary file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for index, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for name, _ in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.fill, cell.font, cell.alignment = HEADER_FILL, HEADER_FONT, Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    date_cell = WriteOnlyCell(ws)
    date_cell.number_format = DATE_FORMAT
    date_style = date_cell.style_id  # registers the date format in the workbook's styles
    skeleton = tempfile.TemporaryFile()
    wb.save(skeleton)
    skeleton.seek(0)

    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    cells = _Cells(len(columns), date_style)
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        sheet = "xl/worksheets/sheet1.xml"
        for item in source.infolist():
            if item.filename != sheet:
                target.writestr(item, source.read(item.filename))
        head, _, tail = source.read(sheet).decode("utf-8").partition(_MARK)
        if not tail:
            raise RuntimeError("unexpected worksheet layout from openpyxl")
        with target.open(sheet, "w", force_zip64=True) as stream:
            stream.write(head.encode("utf-8"))
            buffer, number = [], 1
            for values in rows:
                number += 1
                buffer.append(cells.row(number, values))
                if len(buffer) >= chunk_rows:
                    stream.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            stream.write("".join(buffer).encode("utf-8"))
            stream.write((_MARK + tail).encode("utf-8"))
    skeleton.close()
    out.seek(0)
    return out
