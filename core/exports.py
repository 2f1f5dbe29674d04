"""The one way the service writes spreadsheets: a safe cell, a CSV download, an Excel workbook.

Every export holds text people typed. A cell whose text starts with ``= + - @``, a tab or a carriage
return would be read by a spreadsheet program as a formula (CSV or formula injection): it gets a
leading apostrophe, so it shows as the text it is. XML 1.0 cannot hold control characters (openpyxl
refuses them, ``core.xmltext``): they are dropped, so one of them in a stored row still gives a file.
Both writers below pass every cell, header and title through ``safe_cell``; callers hand them the
plain values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

from core.xmltext import xml_safe

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_MIN_WIDTH, _MAX_WIDTH = 8, 50
_NOT_IN_SHEET_NAME = str.maketrans("", "", "[]:*?/\\")


def safe_cell(value: Any) -> Any:
    """A cell's value for a CSV or Excel file: text without the characters XML cannot hold, and
    never read as a formula; numbers, dates and None unchanged."""
    if not isinstance(value, str):
        return value
    value = xml_safe(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# CSV ---------------------------------------------------------------------------------------------


def write_csv(stream: Any, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """Write the header and the rows (any iterable, read once) to ``stream``, every cell safe."""
    writer = csv.writer(stream)
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def csv_response(
    *, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV file to download."""
    response = HttpResponse(content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, header, rows)
    return response


# Excel -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One worksheet: an optional title (bold) and subtitle above the table, then a bold header row
    that stays in view (frozen) and the rows. ``widths`` gives each column's width in characters;
    without it a column is as wide as its longest text (within limits)."""

    name: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    title: str = ""
    subtitle: str = ""
    widths: Sequence[float] = ()


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """An Excel workbook (.xlsx) of these sheets, in order."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    top = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(xml_safe(spec.name).translate(_NOT_IN_SHEET_NAME)[:31] or "Sheet")
        row_number = 0
        if spec.title:
            sheet.append([safe_cell(spec.title)])
            sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
            row_number = 1
            if spec.subtitle:
                sheet.append([safe_cell(spec.subtitle)])
                row_number += 1
            sheet.append([])
            row_number += 1
        header = [safe_cell(v) for v in spec.header]
        sheet.append(header)
        row_number += 1
        header_row = row_number
        for column in range(1, len(header) + 1):
            sheet.cell(row=header_row, column=column).font = bold
        longest = [len(str(v or "")) for v in header]
        for row in spec.rows:
            values = [safe_cell(v) for v in row]
            sheet.append(values)
            row_number += 1
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row_number, column=column)
                cell.alignment = top
                if isinstance(value, dt.datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
                size = max((len(line) for line in str(value or "").splitlines()), default=0)
                if column > len(longest):
                    longest.append(size)
                else:
                    longest[column - 1] = max(longest[column - 1], size)
        widths = spec.widths or [min(max(n + 2, _MIN_WIDTH), _MAX_WIDTH) for n in longest]
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = f"A{header_row + 1}"
    if not book.worksheets:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(*, filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """An Excel workbook to download."""
    response = HttpResponse(workbook(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
