"""The one Excel writer of the project, and the rule every cell (and every Word run) goes through.

`Workbook` writes an .xlsx with XlsxWriter in `constant_memory` mode: each row goes to a temporary
file as soon as the next one starts, so an export of any length holds one row in memory. Sheets are
either tables (`Workbook.table`: a bold, frozen, filtered header row with column widths, then the
rows of any iterator) or free layouts (`Workbook.sheet`: rows appended with their own styles, as the
statistics workbook does). Rows go top to bottom; a sheet cannot go back to an earlier row.

Every value passes through `cell_value()` on its way into a cell, whoever calls the writer; dates
and date-times are written as Excel dates with a number format, never as text. `xlsx_response()`
is the one way a view hands a workbook to the browser. openpyxl stays for reading uploaded sheets.
"""

import datetime as dt
import decimal
import re
import tempfile
from collections.abc import Iterable, Sequence

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
# The header row of every table: white bold text on the committee's dark blue, centred.
HEADER_STYLE = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "align": "center", "valign": "vcenter"}
# Characters XML 1.0 cannot carry (openpyxl refuses them too): C0 controls except tab, LF and CR,
# lone surrogates (no UTF-8 for them) and the two non-characters U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text a spreadsheet would take for a formula (OWASP "CSV/formula injection"): = + - @, tab and CR,
# and the full-width forms that Excel with a Chinese input method also reads as = + - @.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Excel's limit for one cell; a longer text makes Excel report the file as damaged.
MAX_CELL_CHARS = 32767
# Spooled in memory up to this size, then on disk: a roster fits in memory, a 100k-row export not.
_SPOOL_BYTES = 8 * 1024 * 1024


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


class Sheet:
    """One worksheet, written top to bottom: `append()` writes the next row, `skip()` leaves rows empty.

    `style` (a dict of XlsxWriter format properties, or one per cell) dresses the cells written;
    `worksheet` is the XlsxWriter sheet itself, for page setup and other settings of the sheet."""

    def __init__(self, book: "Workbook", worksheet, width: int = 0):
        self.book = book
        self.worksheet = worksheet
        self.width = width  # the table's number of columns (0: a free layout)
        self.row = 0  # the next row to write, 0-based

    def append(self, values: Sequence, style: dict | Sequence[dict | None] | None = None) -> None:
        if isinstance(style, dict) or style is None:
            styles = [style] * len(values)
        else:
            styles = style
        write = self.book._write
        ws, row = self.worksheet, self.row
        for col, (value, cell_style) in enumerate(zip(values, styles, strict=True)):
            write(ws, row, col, value, cell_style)
        self.row += 1

    def extend(self, rows: Iterable[Sequence]) -> None:
        """Every row of `rows` (an iterator is read one row at a time), unstyled: the export's loop."""
        write = self.book._write
        ws, row = self.worksheet, self.row
        # The common cells straight to XlsxWriter's undecorated writers (the public ones only add
        # A1-notation parsing); anything else through `_write`. Same cells, a third less time.
        write_string, write_number = ws._write_string, ws._write_number
        for values in rows:
            for col, value in enumerate(values):
                kind = value.__class__
                if kind is str:
                    value = cell_value(value)
                    if "\r" in value or value.startswith("<r>"):
                        write(ws, row, col, value, None)
                    elif value:
                        write_string(row, col, value, None)
                elif kind is int or kind is float:
                    write_number(row, col, value, None)
                elif value is not None:
                    write(ws, row, col, value, None)
            row += 1
        self.row = row

    def skip(self, rows: int = 1) -> None:
        self.row += rows


class Workbook:
    """An .xlsx written in constant memory. `close()` returns it as a rewound temporary file."""

    def __init__(self):
        self.file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
        self._book = xlsxwriter.Workbook(
            self.file,
            {
                "constant_memory": True,
                # Text stays text: cell_value() has already decided what a string is.
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self._formats: dict = {}
        self._tables: list[Sheet] = []

    def style(self, properties: dict | None, num_format: str | None = None):
        """The XlsxWriter format for `properties` (plus a number format), made once per workbook."""
        if not properties and not num_format:
            return None
        key = (tuple(sorted((properties or {}).items())), num_format)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._book.add_format(dict(properties or {}, **({"num_format": num_format} if num_format else {})))
            self._formats[key] = fmt
        return fmt

    def sheet(self, title: str, widths: Sequence[float] = ()) -> Sheet:
        """A free layout: column widths only; rows come with `Sheet.append(values, style)`."""
        worksheet = self._book.add_worksheet(title)
        for col, width in enumerate(widths):
            worksheet.set_column(col, col, width)
        return Sheet(self, worksheet)

    def table(
        self,
        title: str,
        columns: Sequence[tuple[str, float]],
        *,
        freeze_columns: int = 0,
        header_style: dict = HEADER_STYLE,
    ) -> Sheet:
        """A table: `columns` are (header, width); the header row is styled, frozen and filtered
        (the filter spans the rows written by `close()`)."""
        sheet = self.sheet(title, [width for _, width in columns])
        sheet.width = len(columns)
        sheet.worksheet.freeze_panes(1, freeze_columns)
        sheet.append([name for name, _ in columns], header_style)
        self._tables.append(sheet)
        return sheet

    def close(self):
        for sheet in self._tables:
            sheet.worksheet.autofilter(0, 0, max(sheet.row - 1, 0), sheet.width - 1)
        self._book.close()
        self.file.seek(0)
        return self.file

    def _write(self, ws, row: int, col: int, value, style: dict | None) -> None:
        value = cell_value(value)
        if value is None or value == "":
            if style:
                ws.write_blank(row, col, None, self.style(style))
        elif isinstance(value, str):
            fmt = self.style(style) if style else None
            if "\r" in value:  # XlsxWriter would write CR as "_x000D_"; XML readers see it as LF anyway
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            if value.startswith("<r>") and value.endswith("</r>"):
                # In constant_memory mode XlsxWriter copies text shaped like a rich-text run into
                # the sheet as raw XML; written as a rich string of plain fragments, it is escaped.
                args = (value[0], value[1], value[2:], fmt) if fmt else (value[0], value[1], value[2:])
                ws.write_rich_string(row, col, *args)
            else:
                ws.write_string(row, col, value, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, self.style(style) if style else None)
        elif isinstance(value, int | float | decimal.Decimal):
            ws.write_number(row, col, value, self.style(style) if style else None)
        else:  # dates, date-times and times, as Excel dates with their number format
            if isinstance(value, dt.datetime):
                num_format = DATETIME_FORMAT
                if timezone.is_aware(value):
                    value = timezone.localtime(value).replace(tzinfo=None)
            else:
                num_format = DATE_FORMAT if isinstance(value, dt.date) else TIME_FORMAT
            ws.write_datetime(row, col, value, self.style(style, num_format))


def write_sheet(*, title: str, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence]):
    """A workbook of one table: `columns` are (header, width), `rows` any iterable of value
    sequences. Returns the .xlsx as a rewound temporary file."""
    book = Workbook()
    book.table(title, columns).extend(rows)
    return book.close()


def xlsx_response(file, filename: str) -> FileResponse:
    """A workbook as a download; `filename` may be Chinese (sent as RFC 5987 `filename*`)."""
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
