import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from survey_app.core.extensions import db
from survey_app.models import Channel, SurveyResponse
from survey_app.services.responses.importing import import_responses
from tests.helpers.builders import full_answers, make_counter, make_officer, make_unit

pytestmark = pytest.mark.usefixtures("app")


def form(ref, unit, submitted_at="2026-03-02T09:00", instrument="sipas-2023", **cells) -> dict:
    """One row of the interchange CSV: every item at 5 unless a cell says otherwise."""
    items = {code: str(value) for code, value in full_answers(instrument).items()}
    return {"ref": ref, "submitted_at": submitted_at, "unit_code": unit.code} | items | cells


def csv_text(*rows: dict) -> str:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    stream = io.StringIO()
    writer = csv.DictWriter(stream, columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def import_rows(*rows: dict, **options):
    with force_locale("en"):
        return import_responses(io.StringIO(csv_text(*rows)), **options)


def stored() -> list[SurveyResponse]:
    query = sa.select(SurveyResponse).order_by(SurveyResponse.client_ref)
    return list(db.session.scalars(query))


def located(result) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in result.errors]


def test_import_stores_each_form_with_its_answers_and_attribution():
    unit = make_unit()
    counter = make_counter(unit=unit)
    officer = make_officer(unit=unit)
    rows = (
        form(
            "P-1",
            unit,
            counter_code=counter.code,
            officer_code=officer.code,
            TC2="",
            CC1="3",
            comment="Chờ hơi lâu, đề nghị thêm ghế.",
        ),
        form("P-2", unit, channel="kiosk"),
    )

    result = import_rows(*rows)

    assert (result.imported, result.already_present, result.invalid, result.errors) == (2, 0, 0, [])
    first, second = stored()
    assert (first.counter_id, first.officer_id, first.channel) == (
        counter.id,
        officer.id,
        Channel.PAPER,
    )
    assert (first.instrument.code, first.comment) == (
        "sipas-2023",
        "Chờ hơi lâu, đề nghị thêm ghế.",
    )
    assert first.answer_values() == {
        code: value for code, value in full_answers(CC1=3).items() if code != "TC2"
    }
    assert first.flagged and not second.flagged
    assert second.channel == Channel.KIOSK and second.counter_id is None
    assert first.received_at > datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "stored_utc"),
    [
        ("2026-03-01T08:30", datetime(2026, 3, 1, 1, 30, tzinfo=UTC)),
        ("2026-03-01 08:30:15", datetime(2026, 3, 1, 1, 30, 15, tzinfo=UTC)),
        ("2026-03-01", datetime(2026, 3, 1, 5, 0, tzinfo=UTC)),
        ("2026-03-01T08:30+00:00", datetime(2026, 3, 1, 8, 30, tzinfo=UTC)),
        ("2026-03-01T08:30Z", datetime(2026, 3, 1, 8, 30, tzinfo=UTC)),
        ("2026-03-01T00:10:00+07:00", datetime(2026, 2, 28, 17, 10, tzinfo=UTC)),
    ],
)
def test_times_without_an_offset_are_local_and_a_bare_date_is_local_noon(written, stored_utc):
    unit = make_unit()

    import_rows(form("P-1", unit, submitted_at=written))

    assert [response.submitted_at for response in stored()] == [stored_utc]


def test_a_file_saved_by_excel_with_a_byte_order_mark_is_read(tmp_path):
    unit = make_unit()
    path = tmp_path / "phieu.csv"
    path.write_text(csv_text(form("P-1", unit, comment="Rất hài lòng")), encoding="utf-8-sig")

    result = import_responses(path)

    assert result.errors == []
    assert [(r.client_ref, r.comment) for r in stored()] == [("P-1", "Rất hài lòng")]


def test_by_default_one_invalid_row_stores_nothing_and_every_row_is_reported():
    unit = make_unit()
    rows = (
        form("P-1", unit),
        form("P-2", unit, CHUNG=""),
        form("P-3", unit, TC1="6"),
        form("P-4", unit),
    )

    result = import_rows(*rows)

    assert located(result) == [(3, "CHUNG"), (4, "TC1")]
    assert [error.message for error in result.errors] == [
        "Please rate your overall satisfaction.",
        "Choose a level from 1 to 5.",
    ]
    assert (result.imported, result.invalid) == (0, 2)
    assert stored() == []


def test_skip_invalid_stores_the_valid_rows_and_reports_the_others():
    unit = make_unit()
    rows = (form("P-1", unit), form("P-2", unit, CHUNG=""), form("P-3", unit))

    result = import_rows(*rows, skip_invalid=True)

    assert (result.imported, result.invalid, located(result)) == (2, 1, [(3, "CHUNG")])
    assert [response.client_ref for response in stored()] == ["P-1", "P-3"]


def test_importing_the_same_file_again_adds_nothing():
    unit = make_unit()
    rows = (form("P-1", unit), form("P-2", unit, CC2="2"))
    import_rows(*rows)

    again = import_rows(*rows, form("P-3", unit))

    assert (again.imported, again.already_present, again.errors) == (1, 2, [])
    assert [response.client_ref for response in stored()] == ["P-1", "P-2", "P-3"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 3


def test_a_ref_repeated_for_the_same_unit_is_an_error_naming_the_first_row():
    unit, other = make_unit(), make_unit()
    rows = (form("P-1", unit), form("P-2", unit), form("P-1", other), form("P-1", unit))

    result = import_rows(*rows, skip_invalid=True)

    assert located(result) == [(5, "ref")]
    assert result.errors[0].message == "Row 2 has the same ref for this unit."
    assert sorted((r.unit_id, r.client_ref) for r in stored()) == sorted(
        [(unit.id, "P-1"), (unit.id, "P-2"), (other.id, "P-1")]
    )


def test_counter_and_officer_must_belong_to_the_unit_of_the_row():
    unit, other = make_unit(code="XA-A"), make_unit()
    foreign_counter, foreign_officer = make_counter(unit=other), make_officer(unit=other)
    rows = (
        form("P-1", unit, counter_code=foreign_counter.code),
        form("P-2", unit, officer_code=foreign_officer.code),
        form("P-3", unit, counter_code="NO-SUCH-COUNTER"),
        form("P-4", make_unit(), unit_code="NO-SUCH-UNIT"),
    )

    result = import_rows(*rows)

    assert located(result) == [
        (2, "counter_code"),
        (3, "officer_code"),
        (4, "counter_code"),
        (5, "unit_code"),
    ]
    assert result.errors[0].message == "Unit XA-A has no counter with this code."
    assert result.errors[3].message == "No unit has this code."


def test_a_header_may_carry_the_items_of_several_instruments():
    old_form_unit = make_unit(instrument_code="sipas-2017")
    new_form_unit = make_unit()
    rows = (
        form("P-1", old_form_unit, instrument="sipas-2017", TT5="4"),
        form("P-2", new_form_unit, TT5=""),
        form("P-3", new_form_unit, TT5="4"),
    )

    result = import_rows(*rows, skip_invalid=True)

    assert located(result) == [(4, "TT5")]
    assert result.errors[0].message == "This question is not on the form."
    assert [(r.client_ref, r.instrument.code) for r in stored()] == [
        ("P-1", "sipas-2017"),
        ("P-2", "sipas-2023"),
    ]
    assert stored()[0].answer_values()["TT5"] == 4


@pytest.mark.parametrize("written", ["sipas-2023", "sipas-2023@1", ""])
def test_the_instrument_column_takes_a_code_or_a_code_and_version(written):
    unit = make_unit()

    result = import_rows(form("P-1", unit, instrument="sipas-2023") | {"instrument": written})

    assert result.errors == []
    assert [(r.instrument.code, r.instrument.version) for r in stored()] == [("sipas-2023", 1)]


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("ref", ""),
        ("ref", "R" * 65),
        ("submitted_at", ""),
        ("submitted_at", "01/03/2026"),
        ("submitted_at", "2099-01-01T08:00"),
        ("unit_code", ""),
        ("channel", "fax"),
        ("instrument", "sipas-2023@9"),
        ("instrument", "no-such-form"),
        ("TC1", "năm"),
        ("TC1", "4.5"),
        ("TC1", "0"),
        ("CHUNG", ""),
        ("comment", "x" * 2001),
    ],
)
def test_a_bad_cell_is_reported_by_row_and_column(column, cell):
    unit = make_unit()

    result = import_rows(form("P-1", unit), form("P-2", unit) | {column: cell})

    assert located(result) == [(3, column)]
    assert result.errors[0].message
    assert stored() == []


def test_an_unknown_column_is_reported_once_and_stores_nothing_even_when_skipping():
    unit = make_unit()
    rows = (form("P-1", unit, ghi_chu="a"), form("P-2", unit, ghi_chu="b"))

    result = import_rows(*rows, skip_invalid=True)

    assert located(result) == [(1, "ghi_chu")]
    assert result.errors[0].message == "Unknown column."
    assert (result.imported, stored()) == (0, [])


def test_a_missing_required_column_is_reported_on_the_header_row():
    unit = make_unit()
    row = form("P-1", unit)
    del row["CHUNG"]

    result = import_rows(row)

    assert located(result) == [(1, "CHUNG")]
    assert stored() == []


def test_blank_rows_are_ignored_but_still_counted_in_row_numbers():
    unit = make_unit()
    text = csv_text(form("P-1", unit), form("P-2", unit, CHUNG="9"))
    header, first, second = text.splitlines(keepends=True)

    with force_locale("en"):
        result = import_responses(io.StringIO(header + first + "\r\n,,,\r\n" + second))

    assert (located(result), result.invalid) == ([(5, "CHUNG")], 1)


def write_csv(path, *rows: dict):
    path.write_text(csv_text(*rows), encoding="utf-8")
    return path


def test_cli_prints_each_error_by_row_and_column_and_exits_with_status_1(invoke, tmp_path):
    unit = make_unit()
    path = write_csv(tmp_path / "phieu.csv", form("P-1", unit), form("P-2", unit, CHUNG=""))

    result = invoke("import-responses", path)

    assert result.exit_code == 1
    assert "row 3, column CHUNG: Please rate your overall satisfaction." in result.stdout
    assert "Imported: 0. Already present: 0. Rows with errors: 1." in result.stdout
    assert "Nothing was imported because of the errors above." in result.stderr
    assert stored() == []


def test_cli_skip_invalid_imports_the_valid_rows_and_prints_a_summary(invoke, tmp_path):
    unit = make_unit()
    path = write_csv(tmp_path / "phieu.csv", form("P-1", unit), form("P-2", unit, CHUNG=""))

    result = invoke("import-responses", path, "--skip-invalid")
    again = invoke("import-responses", path, "--skip-invalid")

    assert result.exit_code == 0, result.output
    assert "Imported: 1. Already present: 0. Rows with errors: 1." in result.stdout
    assert "Imported: 0. Already present: 1. Rows with errors: 1." in again.stdout
    assert [response.client_ref for response in stored()] == ["P-1"]


def test_cli_shows_at_most_100_errors(invoke, tmp_path):
    unit = make_unit()
    rows = [form(f"P-{number}", unit, CHUNG="") for number in range(105)]
    path = write_csv(tmp_path / "phieu.csv", *rows)

    result = invoke("import-responses", path)

    error_lines = [line for line in result.stdout.splitlines() if line.startswith("row ")]
    assert len(error_lines) == 100
    assert error_lines[-1].startswith("row 101, column CHUNG:")
    assert "… and 5 more" in result.stdout


def test_cli_draws_a_progress_bar_on_stderr_for_large_files_only(invoke, tmp_path):
    unit = make_unit()
    large = write_csv(tmp_path / "large.csv", *(form(f"P-{n}", unit) for n in range(6000)))
    small = write_csv(tmp_path / "small.csv", form("S-1", unit))

    large_result, small_result = (
        invoke("import-responses", large),
        invoke("import-responses", small),
    )

    assert "Importing responses" in large_result.stderr
    assert "Importing responses" not in small_result.stderr
    assert "Imported: 6000." in large_result.stdout


def test_cli_reports_a_file_that_is_not_utf8_without_a_traceback(invoke, tmp_path):
    unit = make_unit()
    path = tmp_path / "phieu.csv"
    path.write_bytes(csv_text(form("P-1", unit, comment="Phòng")).encode("latin-1"))

    result = invoke("import-responses", path)

    assert result.exit_code == 1
    assert "The file is not a UTF-8 CSV file" in result.stderr
    assert stored() == []
