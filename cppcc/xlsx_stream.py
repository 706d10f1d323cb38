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
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellDatetimeTuple as _DatetimeCell
from xlsxwriter.worksheet import CellNumberTuple as _NumberCell
from xlsxwriter.worksheet import CellStringTuple as _StringCell
from xlsxwriter.worksheet import Worksheet as _XlsxWorksheet

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
# Text up to this length is neutralised and escaped once per workbook (category names, states, dates as
# text, unit names repeat on every row); at most this many distinct texts are kept, then forgotten.
_CACHE_CHARS = 32
_CACHE_SIZE = 1024
# A space (any \s) at either end: XlsxWriter then marks the text xml:space="preserve".
_EDGE_SPACE = re.compile(r"^\s|\s$")
# Text XlsxWriter would change or mark in some way: control characters (written as _xHHHH_), text
# shaped like such an escape (_x005F-prefixed), the two non-characters, XML's special characters,
# a rich-text run and spaces at either end. Text without any of these is written as it is.
_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
# Text up to this length is within Excel's limit of 32,767 UTF-16 units whatever its characters.
_XLSX_PLAIN_CHARS = 16_383
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
    if value.__class__ is str:  # the common case first: no isinstance() chain, no str() copy
        text = value
    elif value is None or isinstance(value, bool | int | float | decimal.Decimal | dt.date | dt.time):
        return value
    else:
        text = str(value)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
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


def imported_sheet(file, *, expected: str):
    """The first sheet of an uploaded .xlsx, read with openpyxl: its header row as texts and an iterator over
    the other rows' values. A file over `ROSTER_IMPORT_MAX_BYTES`, or one that is not a workbook, is refused
    with an `ApplicationError` that names the file `expected` (e.g. "委员名册")."""
    from django.conf import settings
    from openpyxl import load_workbook

    from .errors import ApplicationError

    if file.size > settings.ROSTER_IMPORT_MAX_BYTES:
        raise ApplicationError(f"文件过大（上限 {settings.ROSTER_IMPORT_MAX_BYTES // 1024 // 1024} MB）。")
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ApplicationError(f"无法读取文件：请上传 .xlsx 格式的{expected}。") from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    return [imported_text(v) for v in next(rows, ())], rows


class _Worksheet(_XlsxWorksheet):
    """XlsxWriter's worksheet with a faster writer for the rows of `constant_memory` mode.

    In that mode XlsxWriter holds the cells of the current row and writes them out as XML when the
    next row starts (`_write_single_row`): per cell a `_write_cell` call, an attribute list, three
    regular expressions and a write to the temporary file. On the 100k-row proposal export that
    made the export about twice as slow as the hand-written writer it replaced. This override writes
    the same XML for the common cells (text and numbers, with or without a cell format) in one write
    per row, each distinct short text escaped once, using XlsxWriter's own escaping. Any other
    cell (boolean, blank, formula, rich text, a row or column format, comments) goes to
    XlsxWriter's own code. The file is the same, byte for byte (tests/cppcc/test_xlsx_stream.py).
    Hooked in with `Workbook.add_worksheet(name, worksheet_class)`, XlsxWriter's documented way
    of subclassing a worksheet (its inheritance examples).
    """

    def _write_single_row(self, current_row_num=0) -> None:
        row_num = self.previous_row
        cells = self.table.get(row_num)
        if not cells or row_num in self.row_info or row_num in self.comments:
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        self._write_row(row_num, None)  # the <row> tag, as XlsxWriter writes it
        number = row_num + 1
        col_info, texts, names = self.col_info, self._texts, self._col_names
        out = []
        for col in sorted(cells):
            cell = cells[col]
            kind, fmt = cell.__class__, cell.format
            if fmt:
                style = f' s="{fmt._get_xf_index()}"'
            elif col in col_info and col_info[col].column_format is not None:
                kind = None  # the column's format: XlsxWriter's own code
            else:
                style = ""
            if kind is _StringCell:
                xml = texts.get(cell.string)
                if xml is None:
                    xml = self._inline_string(cell.string)
                    if xml is None:  # text shaped like a rich-text run
                        kind = None
                    elif len(cell.string) <= _CACHE_CHARS:
                        if len(texts) >= _CACHE_SIZE:
                            texts.clear()
                        texts[cell.string] = xml
            name = names.get(col) or names.setdefault(col, xl_col_to_name(col))
            if kind is _StringCell:
                out.append(f'<c r="{name}{number}"{style} t="inlineStr">{xml}</c>')
            elif kind is _NumberCell or kind is _DatetimeCell:
                out.append(f'<c r="{name}{number}"{style}><v>{cell.number:.16G}</v></c>')
            else:
                self.fh.write("".join(out))
                out.clear()
                self._write_cell(row_num, col, cell)
        out.append("</row>")
        self.fh.write("".join(out))
        self.table.clear()

    def _store_row(self, row: int, cells: dict) -> None:
        """The text cells of a row ({column: XlsxWriter's string cell}) stored at once, where
        XlsxWriter's `_write_string()` stores them one by one (each text at most 16,383 characters:
        no UTF-16 length check needed)."""
        if not cells:
            return
        if self._check_dimensions(row, min(cells)) or self._check_dimensions(row, max(cells)):
            for col, cell in cells.items():  # outside the sheet: XlsxWriter's own checks, cell by cell
                self._write_string(row, col, cell.string)
            return
        if row > self.previous_row:
            self._write_single_row(row)
        self.table[row].update(cells)

    def _inline_string(self, string: str) -> str | None:
        """The <is> element XlsxWriter writes for `string` in constant_memory mode (None for
        text shaped like a rich-text run, which XlsxWriter copies raw)."""
        if not _NEEDS_ESCAPE.search(string):  # most text: nothing to escape, no space at either end
            return f"<is><t>{string}</t></is>"
        string = self._escape_control_characters(string)
        if string.startswith("<r>") and string.endswith("</r>"):
            return None
        preserve = ' xml:space="preserve"' if _EDGE_SPACE.search(string) else ""
        return f"<is><t{preserve}>{self._escape_data(string)}</t></is>"


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
        # A1-notation parsing), the texts of a row stored at once; anything else through `_write`.
        # Short texts repeat from row to row (categories, states, units): each goes through
        # `cell_value()` once.
        write_number, write_date = ws._write_number, ws._write_datetime
        store_row, texts, date_style = ws._store_row, self.book._texts, self.book.style(None, DATE_FORMAT)
        for values in rows:
            cells = {}
            for col, value in enumerate(values):
                kind = value.__class__
                if kind is str:
                    text = texts.get(value)
                    if text is None:
                        text = cell_value(value)
                        if "\r" in text or text.startswith("<r>") or len(text) > _XLSX_PLAIN_CHARS:
                            write(ws, row, col, text, None)
                            continue
                        if len(value) <= _CACHE_CHARS:
                            if len(texts) >= _CACHE_SIZE:
                                texts.clear()
                            texts[value] = text
                    if text:
                        cells[col] = _StringCell(text, None)
                elif kind is int or kind is float:
                    write_number(row, col, value, None)
                elif kind is dt.date:
                    write_date(row, col, value, date_style)
                elif value is not None:
                    write(ws, row, col, value, None)
            store_row(row, cells)
            row += 1
        self.row = row

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def dropdown(self, column: int, choices: Sequence[str], last_row: int, *, show_error: bool = True) -> None:
        """A drop-down of `choices` in `column` from the row below the header to `last_row` (0-based)
        of an import template; `show_error=False` lets other values be typed (the import judges them)."""
        self.worksheet.data_validation(
            1,
            column,
            last_row,
            column,
            {"validate": "list", "source": list(choices), "ignore_blank": True, "show_error": show_error},
        )


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
        self._texts: dict[str, str] = {}  # cell_value() of short texts (Sheet.extend)

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
        worksheet = self._book.add_worksheet(title, _Worksheet)
        worksheet._texts, worksheet._col_names = {}, {}
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

    def notes(self, lines: Iterable[str], title: str = "填写说明") -> Sheet:
        """An import template's instructions: a sheet of one wide column, a line a row."""
        sheet = self.sheet(title, [100])
        for line in lines:
            sheet.append([line])
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
