"""Streaming a long sheet into an openpyxl workbook: what openpyxl reads back is what was
written, styles and all."""

from datetime import datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from analytics.report.xlsx_stream import add_template_row, save_streaming


def write(tmp_path, rows):
    workbook = Workbook()
    first = workbook.active
    first.title = "Before"
    first["A1"] = "kept"
    sheet = workbook.create_sheet("Long")
    sheet.append(["When", "Text", "Number", "Flag"])
    sheet.freeze_panes = "A2"
    template = add_template_row(
        sheet,
        [{"number_format": "dd/mm/yyyy hh:mm"}, {"alignment": Alignment(wrap_text=True)}, {}, {}],
    )
    workbook.create_sheet("After")["B2"] = 42
    path = tmp_path / "long.xlsx"
    written = save_streaming(workbook, sheet, template, rows, path)
    return written, load_workbook(path)


def test_rows_read_back_with_their_types_and_styles(tmp_path):
    rows = [
        (datetime(2026, 3, 12, 9, 30), 'Cán bộ nói "sẽ gọi lại" <sớm> & chưa gọi', 87.5, True),
        (datetime(2026, 3, 1, 0, 0), "  hai dòng\nthứ hai  ", 3, False),
        (None, "", None, None),
    ]
    written, workbook = write(tmp_path, rows)
    assert written == 3
    sheet = workbook["Long"]
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [
        [datetime(2026, 3, 12, 9, 30), 'Cán bộ nói "sẽ gọi lại" <sớm> & chưa gọi', 87.5, True],
        [datetime(2026, 3, 1, 0, 0), "  hai dòng\nthứ hai  ", 3, False],
    ]
    assert sheet["A2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["B3"].alignment.wrap_text
    assert sheet.freeze_panes == "A2"
    assert workbook["Before"]["A1"].value == "kept"
    assert workbook["After"]["B2"].value == 42


def test_characters_xml_cannot_carry_are_dropped(tmp_path):
    _, workbook = write(tmp_path, [(None, "tab\tok\x00\x07bell", None, None)])
    assert workbook["Long"]["B2"].value == "tab\tokbell"


def test_many_rows_and_none(tmp_path):
    many = ((datetime(2026, 3, 1), f"phiếu {number}", number, None) for number in range(5000))
    written, workbook = write(tmp_path, many)
    assert written == 5000
    assert workbook["Long"].max_row == 5001
    assert workbook["Long"]["B5001"].value == "phiếu 4999"
    empty, workbook = write(tmp_path, [])
    assert empty == 0
    assert workbook["Long"].max_row == 1
    assert [path.name for path in tmp_path.iterdir()] == ["long.xlsx"]  # no draft left
