"""The one way the service writes spreadsheets (``core.exports``): what a person opening the file sees."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from core.exports import Sheet, csv_response, safe_cell, workbook, xlsx_response


def _cells(content: bytes, sheet_name: str) -> dict[str, str]:
    """Each cell's XML as the file holds it, read without openpyxl: what Excel would read."""
    import re
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(content))
    index = load_workbook(io.BytesIO(content)).sheetnames.index(sheet_name) + 1
    xml = archive.read(f"xl/worksheets/sheet{index}.xml").decode()
    return dict(re.findall(r'<c r="([A-Z]+\d+)"(.*?)(?:/>|</c>)', xml))


@pytest.mark.parametrize("text", ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\t=x", "\r=x"])
def test_text_that_a_spreadsheet_would_read_as_a_formula_is_kept_as_text(text) -> None:
    assert safe_cell(text) == "'" + text


def test_characters_xml_cannot_hold_are_dropped_and_other_values_kept() -> None:
    assert safe_cell("a\x00b\x08c\ufffed") == "abcd"
    assert safe_cell("\x01=1+1") == "'=1+1"  # dropped first, so it cannot hide a formula
    assert safe_cell("Tab\tand new\nline kept, é 😀") == "Tab\tand new\nline kept, é 😀"
    assert safe_cell(-3) == -3
    assert safe_cell(None) is None
    assert safe_cell(dt.date(2026, 12, 2)) == dt.date(2026, 12, 2)


def test_a_csv_download_has_every_cell_safe_after_a_byte_order_mark_for_excel() -> None:
    response = csv_response(
        filename="cases.csv",
        header=["Reference", "Note"],
        rows=[["=CMD-1", "fine"], [7, None], ["NM–1", "Café"]],
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cases.csv"'
    # Excel on Windows reads a CSV file as UTF-8 only if it starts with the byte order mark.
    assert response.content.startswith(b"\xef\xbb\xbfReference,")
    assert response.content.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Reference", "Note"], ["'=CMD-1", "fine"], ["7", ""], ["NM–1", "Café"]]


def test_a_workbook_holds_a_formula_looking_cell_as_text_under_a_bold_frozen_header() -> None:
    content = workbook(
        [
            Sheet(
                name="Matrix",
                header=["Case reference", "Due", "Count"],
                rows=[['=HYPERLINK("http://x")', dt.date(2026, 12, 2), 3], ["CMD\x07-2", None, 0]],
            )
        ]
    )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Matrix"]
    sheet = book["Matrix"]
    assert [c.value for c in sheet[1]] == ["Case reference", "Due", "Count"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    formula_like = sheet["A2"]
    assert formula_like.data_type == "s"  # text, not a formula the program would run
    assert formula_like.value == '=HYPERLINK("http://x")'  # as typed, no apostrophe shown
    assert formula_like.quotePrefix  # Excel keeps it text when the cell is edited
    # In the file itself: a text cell, no <f> formula element, the text as typed.
    assert 't="inlineStr"' in _cells(content, "Matrix")["A2"]
    assert "<f>" not in _cells(content, "Matrix")["A2"]
    assert sheet["B2"].value.date() == dt.date(2026, 12, 2)
    assert sheet["B2"].number_format == "dd/mm/yyyy"
    assert sheet["C2"].value == 3
    assert sheet["A3"].value == "CMD-2"
    assert sheet.column_dimensions["A"].width >= len('=HYPERLINK("http://x")')


@pytest.mark.parametrize("text", ["-2 pending", "+44 7700 900000", "@team", "#N/A", "- a list"])
def test_a_workbook_shows_text_starting_with_a_sign_exactly_as_typed(text) -> None:
    """Only a CSV file needs the apostrophe: a workbook says the cell is text."""
    content = workbook([Sheet(name="Notes", header=["Note"], rows=[[text], [-2]])])
    sheet = load_workbook(io.BytesIO(content))["Notes"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == (text, "s")
    assert (sheet["A3"].value, sheet["A3"].data_type) == (-2, "n")  # a number stays a number
    assert "'" not in _cells(content, "Notes")["A2"]


def test_a_sheet_with_a_title_puts_it_above_the_header_and_keeps_given_widths() -> None:
    response = xlsx_response(
        filename="plan.xlsx",
        sheets=[
            Sheet(
                name="Action plan",
                title="=Action plan: Northshire",
                subtitle="As at 2 December 2026",
                header=["Action", "Owner"],
                rows=[["Audit supervision", "Head of service"]],
                widths=(40, 20),
            ),
            Sheet(name="Bad/name:[x]?", header=["A"], rows=[]),
        ],
    )
    assert response["Content-Disposition"] == 'attachment; filename="plan.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Action plan", "Badnamex"]
    sheet = book["Action plan"]
    assert sheet["A1"].value == "=Action plan: Northshire"
    assert sheet["A1"].data_type == "s"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "As at 2 December 2026"
    assert sheet["A4"].value == "Action"
    assert sheet["A5"].value == "Audit supervision"
    assert sheet.freeze_panes == "A5"
    assert sheet.column_dimensions["A"].width == 40
    assert sheet.column_dimensions["B"].width == 20


def _review(**kwargs):
    values = {
        "pk": 7,
        "host": SimpleNamespace(display_name="Barnsley"),
        "start_date": dt.date(2018, 6, 26),
        "our_reference": "KH/OOD00358/RES",
    }
    return SimpleNamespace(**{**values, **kwargs})


def test_a_downloads_name_says_what_it_is_the_host_and_when_the_review_started() -> None:
    from core.exports import download_name

    assert download_name(_review(), "draft-letter", "pdf") == "draft-letter-barnsley-2018-06-26.pdf"
    # Two reviews of one host: two names.
    assert download_name(_review(start_date=dt.date(2021, 3, 1)), "timetable", "ics") == (
        "timetable-barnsley-2021-03-01.ics"
    )
    # No date yet: the reference, else the review's number.
    assert download_name(_review(start_date=None), "action-plan", "docx") == (
        "action-plan-barnsley-khood00358res.docx"
    )
    assert download_name(_review(start_date=None, our_reference=""), "x", "csv") == (
        "x-barnsley-review-7.csv"
    )
    # Letters, digits and hyphens only: safe in a header and in any file system.
    odd = _review(host=SimpleNamespace(display_name='Ynys Môn / "Anglesey"'))
    assert (
        download_name(odd, "audit-trail", "csv") == "audit-trail-ynys-mon-anglesey-2018-06-26.csv"
    )
