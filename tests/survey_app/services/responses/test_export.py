import csv
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Channel, Factor, Instrument, Item, SurveyResponse
from survey_app.services.responses.submit import Submission, submit_response
from tests.helpers.builders import (
    full_answers,
    make_counter,
    make_officer,
    make_response,
    make_unit,
)

pytestmark = pytest.mark.usefixtures("app")

LOCAL = timezone(timedelta(hours=7))
LEADING = [
    "ref",
    "submitted_at",
    "unit_code",
    "counter_code",
    "officer_code",
    "channel",
    "instrument",
]


@pytest.fixture
def export(invoke, tmp_path):
    """Export through the command; the rows as a spreadsheet would read them."""

    def run(unit_code: str, month: str) -> tuple[list[str], list[dict]]:
        path = tmp_path / f"{unit_code}-{month}.csv"
        result = invoke("export-responses", "--unit", unit_code, "--month", month, "--output", path)
        assert result.exit_code == 0, result.output
        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            return reader.fieldnames, list(reader)

    return run


@pytest.fixture
def old_and_new_form():
    """A questionnaire with two loaded versions; removed again (instruments outlive a test)."""
    versions = [_tiny_instrument(version) for version in (1, 2)]
    db.session.add_all(versions)
    db.session.commit()
    ids = [version.id for version in versions]
    yield versions
    db.session.rollback()
    db.session.execute(sa.delete(SurveyResponse).where(SurveyResponse.instrument_id.in_(ids)))
    db.session.execute(sa.delete(Item).where(Item.instrument_id.in_(ids)))
    db.session.execute(sa.delete(Instrument).where(Instrument.id.in_(ids)))
    db.session.commit()


def _tiny_instrument(version: int) -> Instrument:
    items = [
        Item(code="TC1", factor=Factor.ACCESS, position=1, text_vi="Dễ tiếp cận", text_en="Easy"),
        Item(code="CHUNG", factor=None, position=2, text_vi="Hài lòng chung", text_en="Overall"),
    ]
    return Instrument(code="test-form", version=version, name_vi="Thử", name_en="Test", items=items)


def local(*parts) -> datetime:
    return datetime(*parts, tzinfo=LOCAL)


def refs(rows: list[dict]) -> list[str]:
    return [row["ref"] for row in rows]


def test_months_are_cut_at_local_midnight(export):
    unit = make_unit(code="XA")
    make_response(unit=unit, client_ref="late-feb", submitted_at=local(2026, 2, 28, 23, 30))
    make_response(unit=unit, client_ref="early-mar", submitted_at=local(2026, 3, 1, 0, 10))

    _, february = export("XA", "2026-02")
    _, march = export("XA", "2026-03")

    assert refs(february) == ["late-feb"]
    assert refs(march) == ["early-mar"]
    assert march[0]["submitted_at"] == "2026-03-01T00:10:00+07:00"


def test_the_units_below_are_included_and_siblings_and_spam_left_out(export):
    province = make_unit(code="TINH")
    centre = make_unit(code="TT-HCC", parent=province)
    commune = make_unit(code="XA-1", parent=centre)
    sibling = make_unit(code="XA-2", parent=province)
    at = local(2026, 3, 10, 9)
    make_response(unit=centre, client_ref="centre", submitted_at=at)
    make_response(unit=commune, client_ref="commune", submitted_at=at)
    make_response(unit=sibling, client_ref="sibling", submitted_at=at)
    make_response(unit=commune, client_ref="spam", submitted_at=at).is_spam = True
    db.session.commit()

    _, rows = export("TT-HCC", "2026-03")

    assert refs(rows) == ["centre", "commune"]
    assert [row["unit_code"] for row in rows] == ["TT-HCC", "XA-1"]


def test_each_row_carries_attribution_answers_and_comment(export):
    unit = make_unit(code="XA")
    counter = make_counter(unit=unit, code="XA-Q1")
    officer = make_officer(unit=unit, code="XA-CB1")
    comment = 'Cán bộ nói "chờ chút",\nrồi đi mất.'
    make_response(
        counter=counter,
        officer=officer,
        client_ref="b",
        channel=Channel.KIOSK,
        answers=full_answers(value=4, TC2=None, CC1=2),
        comment=comment,
        submitted_at=local(2026, 3, 5, 8, 15),
    )
    make_response(unit=unit, client_ref="a", submitted_at=local(2026, 3, 5, 8, 15))
    make_response(unit=unit, client_ref="c", submitted_at=local(2026, 3, 4, 16))

    header, rows = export("XA", "2026-03")

    assert header == [*LEADING, *full_answers(), "comment"]
    assert refs(rows) == ["c", "a", "b"]
    kiosk = rows[2]
    assert {column: kiosk[column] for column in LEADING} == {
        "ref": "b",
        "submitted_at": "2026-03-05T08:15:00+07:00",
        "unit_code": "XA",
        "counter_code": "XA-Q1",
        "officer_code": "XA-CB1",
        "channel": "kiosk",
        # The unit answers version 1; version 2 is loaded, so the version is named.
        "instrument": "sipas-2023@1",
    }
    assert (kiosk["TC1"], kiosk["TC2"], kiosk["CC1"], kiosk["CHUNG"]) == ("4", "", "2", "4")
    assert kiosk["comment"] == comment
    assert (rows[0]["counter_code"], rows[0]["officer_code"]) == ("", "")


def test_item_columns_are_the_union_over_instruments_with_chung_last(export):
    province = make_unit(code="TINH")
    at = local(2026, 3, 10, 9)
    for instrument_code in ("sipas-2023", "kiosk-5", "sipas-2017"):
        unit = make_unit(parent=province, instrument_code=instrument_code)
        make_response(unit=unit, client_ref=instrument_code, submitted_at=at)

    header, rows = export("TINH", "2026-03")

    sipas_2017 = [code for code in full_answers("sipas-2017") if code != "CHUNG"]
    assert header == [*LEADING, "TC", "TT", "CC", "KQ", "PA", *sipas_2017, "CHUNG", "comment"]
    by_ref = {row["ref"]: row for row in rows}
    assert (by_ref["kiosk-5"]["TC"], by_ref["kiosk-5"]["TC1"]) == ("5", "")
    assert (by_ref["sipas-2023"]["TT5"], by_ref["sipas-2017"]["TT5"]) == ("", "5")


def test_an_older_instrument_version_is_written_with_its_version(export, old_and_new_form):
    old, new = old_and_new_form
    unit = make_unit(code="XA", instrument_code="test-form")
    at = local(2026, 3, 10, 9)
    for version in (old, new):
        submit_response(
            Submission(
                client_ref=f"v{version.version}",
                unit=unit,
                instrument=version,
                answers={"TC1": 3, "CHUNG": 4},
                channel=Channel.PAPER,
                submitted_at=at,
            )
        )

    _, rows = export("XA", "2026-03")

    assert [(row["ref"], row["instrument"]) for row in rows] == [
        ("v1", "test-form@1"),
        ("v2", "test-form"),
    ]


def test_an_empty_month_gives_the_header_of_the_units_form(export):
    make_unit(code="XA", instrument_code="sipas-2017")

    header, rows = export("XA", "2026-03")

    assert rows == []
    assert header == [*LEADING, *full_answers("sipas-2017"), "comment"]


def stored_state() -> list[tuple]:
    responses = db.session.scalars(sa.select(SurveyResponse))
    return sorted(
        (
            response.unit.code,
            response.client_ref,
            response.submitted_at,
            response.counter and response.counter.code,
            response.officer and response.officer.code,
            response.channel,
            (response.instrument.code, response.instrument.version),
            response.comment,
            response.flagged,
            sorted(response.answer_values().items()),
        )
        for response in responses
    )


def delete_all_responses() -> None:
    db.session.execute(sa.delete(SurveyResponse))
    db.session.commit()


def test_export_then_import_into_an_empty_database_round_trips(invoke, tmp_path, old_and_new_form):
    old_version = old_and_new_form[0]
    province = make_unit(code="TINH")
    commune = make_unit(code="XA", parent=province)
    older = make_unit(code="XA-CU", parent=province, instrument_code="sipas-2017")
    tests = make_unit(code="XA-THU", parent=province, instrument_code="test-form")
    counter = make_counter(unit=commune, code="XA-Q1")
    officer = make_officer(unit=commune, code="XA-CB1")
    make_response(
        counter=counter,
        officer=officer,
        channel=Channel.QR,
        answers=full_answers(value=4, TC2=None, CC1=1),
        comment='Cán bộ nói "chờ chút",\r\nrồi đi mất; không ai trả lời.',
        submitted_at=datetime(2026, 3, 5, 1, 15, 42, 123456, tzinfo=UTC),
    )
    make_response(unit=commune, channel=Channel.PAPER, submitted_at=local(2026, 3, 1, 0, 0))
    make_response(
        unit=older,
        channel=Channel.WEB,
        submitted_at=local(2026, 3, 31, 23, 59, 59),
        answers=full_answers("sipas-2017", TT5=3),
        comment="=1+1",
    )
    submit_response(
        Submission(
            client_ref="0042",
            unit=tests,
            instrument=old_version,
            channel=Channel.KIOSK,
            answers={"TC1": None, "CHUNG": 5},
            submitted_at=local(2026, 3, 9, 10),
        )
    )
    before = stored_state()
    path = tmp_path / "tinh-2026-03.csv"
    assert (
        invoke(
            "export-responses", "--unit", "TINH", "--month", "2026-03", "--output", path
        ).exit_code
        == 0
    )

    same_database = invoke("import-responses", path)
    assert "Imported: 0. Already present: 4. Rows with errors: 0." in same_database.stdout
    delete_all_responses()
    into_empty = invoke("import-responses", path)

    assert into_empty.exit_code == 0, into_empty.output
    assert "Imported: 4." in into_empty.stdout
    assert stored_state() == before


def test_an_unknown_unit_is_a_clear_error(invoke, tmp_path):
    result = invoke(
        "export-responses",
        "--unit",
        "NO-SUCH",
        "--month",
        "2026-03",
        "--output",
        tmp_path / "out.csv",
    )

    assert result.exit_code == 2
    assert "No unit has the code NO-SUCH." in result.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "03/2026", "tháng 3"])
def test_a_bad_month_is_a_clear_error(invoke, tmp_path, month):
    make_unit(code="XA")

    result = invoke(
        "export-responses", "--unit", "XA", "--month", month, "--output", tmp_path / "out.csv"
    )

    assert result.exit_code == 2
    assert "Write the month as YYYY-MM, e.g. 2026-03." in result.stderr
