"""The one way the service writes spreadsheets: a safe cell, a CSV download, an Excel workbook; and
the one way any download of a review's files is named (``download_name``).

Every export holds text people typed. In a CSV file, a cell whose text starts with ``= + - @``, a tab
or a carriage return would be read by a spreadsheet program as a formula (CSV or formula injection):
it gets a leading apostrophe (``safe_cell``), as CSV has no way to say "this is text". A CSV file
starts with a UTF-8 byte order mark, so that Excel on Windows reads "–" and "é" as they were typed.

An Excel workbook says what each cell is: every text is written as a text cell (never a formula, an
error value or a number), so it needs no apostrophe and shows exactly as typed ("-2 pending",
"@team"); text that a program would read as a formula when someone edits the cell also gets Excel's
own invisible "quote prefix" (``sheet_cell``, ``_as_text``).

XML 1.0 cannot hold control characters (openpyxl refuses them, ``core.xmltext``): they are dropped
from both, so one of them in a stored row still gives a file. Both writers pass every cell, header and
title through these; callers hand them the plain values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from core.xmltext import xml_safe

CSV = "text/csv; charset=utf-8"
BOM = "\ufeff"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_MIN_WIDTH, _MAX_WIDTH = 8, 50
_NOT_IN_SHEET_NAME = str.maketrans("", "", "[]:*?/\\")


def safe_cell(value: Any) -> Any:
    """A cell's value for a CSV file: text without the characters XML cannot hold, and never read
    as a formula (a leading apostrophe); numbers, dates and None unchanged."""
    if not isinstance(value, str):
        return value
    value = xml_safe(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def sheet_cell(value: Any) -> Any:
    """A cell's value for an Excel workbook: text without the characters XML cannot hold, and
    otherwise as typed (the workbook writes it as a text cell); numbers, dates and None unchanged."""
    return xml_safe(value) if isinstance(value, str) else value


def _as_text(cell: Any) -> None:
    """Make a cell holding a string a text cell: openpyxl would make "=..." a formula and "#N/A" an
    error value. Text that looks like a formula also gets the quote prefix (invisible in the cell),
    so that Excel keeps it as text when someone edits the cell and presses Enter."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


# Download names ----------------------------------------------------------------------------------


class _Host(Protocol):
    @property
    def display_name(self) -> str: ...


class ReviewLike(Protocol):
    """What a download's name is made of: a review, without core importing the app."""

    @property
    def pk(self) -> Any: ...
    @property
    def host(self) -> _Host: ...
    @property
    def start_date(self) -> dt.date | None: ...
    @property
    def our_reference(self) -> str: ...


def download_name(review: ReviewLike, stem: str, ext: str) -> str:
    """The name of a download of one review's file: what it is, the host, and when the review
    started, so that two reviews of one host never give two files of one name in a Downloads
    folder: ``draft-letter-barnsley-2018-06-26.pdf``. Without a start date, the lead
    organisation's reference, else the review's number. Letters, digits and hyphens only."""
    host = slugify(review.host.display_name)[:40].strip("-") or "review"
    if review.start_date is not None:
        when = review.start_date.isoformat()
    else:
        when = slugify(review.our_reference)[:30].strip("-") or f"review-{review.pk}"
    return f"{slugify(stem) or 'download'}-{host}-{when}.{ext}"


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """Mark ``response`` as a file to save under ``filename`` (quoted and encoded as HTTP wants)."""
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


# CSV ---------------------------------------------------------------------------------------------


def write_csv(stream: Any, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """Write the header and the rows (any iterable, read once) to ``stream``, every cell safe,
    after the byte order mark that tells Excel the file is UTF-8."""
    stream.write(BOM)
    writer = csv.writer(stream)
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def csv_response(
    *, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV file to download."""
    response = attachment(HttpResponse(content_type=CSV), filename)
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
            sheet.append([sheet_cell(spec.title)])
            sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
            _as_text(sheet.cell(row=1, column=1))
            row_number = 1
            if spec.subtitle:
                sheet.append([sheet_cell(spec.subtitle)])
                row_number += 1
                _as_text(sheet.cell(row=row_number, column=1))
            sheet.append([])
            row_number += 1
        header = [sheet_cell(v) for v in spec.header]
        sheet.append(header)
        row_number += 1
        header_row = row_number
        for column in range(1, len(header) + 1):
            sheet.cell(row=header_row, column=column).font = bold
            _as_text(sheet.cell(row=header_row, column=column))
        longest = [len(str(v or "")) for v in header]
        for row in spec.rows:
            values = [sheet_cell(v) for v in row]
            sheet.append(values)
            row_number += 1
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row_number, column=column)
                cell.alignment = top
                _as_text(cell)
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
    return attachment(HttpResponse(workbook(sheets), content_type=XLSX), filename)
